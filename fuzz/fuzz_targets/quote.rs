//! The quote finder (`gazmap::quote`): input is `text \0 quote`. Exact matches must really be
//! at the offset reported; the nearest passage must be a passage of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let (text, quote) = data.split_once('\0').unwrap_or((data, ""));
    // Sellers' search is O(text x quote); keep inputs at the size of a real source and quote.
    if text.len() > 8192 || quote.len() > 400 {
        return;
    }
    if let Some(m) = gazmap::quote::find_exact(text, quote) {
        let at: String = text.chars().skip(m.char_offset).collect();
        assert!(at.starts_with(quote), "offset {} of {quote:?}", m.char_offset);
        assert!(m.occurrences >= 1);
    }
    if let Some((offset, passage, edits)) = gazmap::quote::nearest(text, quote, 0.3) {
        let at: String = text.chars().skip(offset).collect();
        assert!(at.starts_with(&passage), "passage {passage:?} not at {offset}");
        assert!(edits <= quote.chars().count(), "{edits} edits");
    }
});
