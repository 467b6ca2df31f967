//! Finding quotes in source texts: exact matches with their character offset, and the nearest
//! approximate match to suggest when a quote has been mistyped.
//!
//! [`find_all`] answers for every quote of a source in one pass over its text (an Aho-Corasick
//! automaton of all the quotes), so checking an atlas is linear in its sources and rows rather
//! than rows x source length.

/// Where a quote stands in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteMatch {
    /// Offset of the first occurrence in Unicode **characters**, 0-based.
    pub char_offset: usize,
    /// How many times the quote occurs in the text.
    pub occurrences: usize,
}

/// Looks for `quote` verbatim in `text`.
#[must_use]
pub fn find_exact(text: &str, quote: &str) -> Option<QuoteMatch> {
    if quote.is_empty() {
        return None;
    }
    let byte = text.find(quote)?;
    Some(QuoteMatch {
        char_offset: text[..byte].chars().count(),
        occurrences: text.matches(quote).count(),
    })
}

/// Looks for every quote of `quotes` verbatim in `text` at once: the answer for `quotes[i]` is at
/// index `i`, the same as [`find_exact`] gives (occurrences counted without overlap, as
/// `str::matches` does).
///
/// One pass over `text` finds every occurrence of every quote: quotes of [`ANCHOR`] bytes or more
/// by a rolling hash of their first [`ANCHOR`] bytes (each hit then compared in full), shorter
/// ones with an Aho-Corasick automaton. The character offsets of the first occurrences come from
/// one more walk over the text, in byte order.
#[must_use]
pub fn find_all(text: &str, quotes: &[&str]) -> Vec<Option<QuoteMatch>> {
    // Distinct, non-empty patterns; `slot[i]` is the pattern of quote `i`.
    let mut patterns: Vec<&str> = vec![];
    let mut index: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    let slot: Vec<Option<usize>> = quotes
        .iter()
        .map(|q| {
            (!q.is_empty()).then(|| {
                *index.entry(q).or_insert_with(|| {
                    patterns.push(q);
                    patterns.len() - 1
                })
            })
        })
        .collect();
    // Per pattern: first byte offset, non-overlapping count, end of the last counted occurrence.
    let mut found: Vec<Option<(usize, usize, usize)>> = vec![None; patterns.len()];
    // Occurrences of one pattern must arrive in text order.
    let mut record = |p: usize, start: usize, end: usize| {
        let f = &mut found[p];
        match f {
            None => *f = Some((start, 1, end)),
            Some((_, count, last_end)) if start >= *last_end => {
                *count += 1;
                *last_end = end;
            }
            Some(_) => {}
        }
    };
    let (long, short): (Vec<usize>, Vec<usize>) =
        (0..patterns.len()).partition(|&p| patterns[p].len() >= ANCHOR);
    if !short.is_empty() {
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(short.iter().map(|&p| patterns[p]));
        let Ok(ac) = ac else {
            // Too many states for the automaton's ids: one search per quote.
            return quotes.iter().map(|q| find_exact(text, q)).collect();
        };
        for m in ac.find_overlapping_iter(text) {
            record(short[m.pattern().as_usize()], m.start(), m.end());
        }
    }
    if !long.is_empty() {
        for (p, start) in anchored_hits(text.as_bytes(), &patterns, &long) {
            record(p, start, start + patterns[p].len());
        }
    }
    // Byte -> character offsets of the first occurrences, in one walk.
    let mut firsts: Vec<usize> = found.iter().flatten().map(|f| f.0).collect();
    firsts.sort_unstable();
    firsts.dedup();
    let mut chars_at = rustc_hash::FxHashMap::default();
    chars_at.reserve(firsts.len());
    let (mut byte, mut chars) = (0, 0);
    for b in firsts {
        chars += text[byte..b].chars().count();
        byte = b;
        chars_at.insert(b, chars);
    }
    slot.iter()
        .map(|s| {
            let (first, occurrences, _) = found[(*s)?]?;
            Some(QuoteMatch {
                char_offset: chars_at[&first],
                occurrences,
            })
        })
        .collect()
}

/// Quotes at least this many bytes long are found by a rolling hash of their first `ANCHOR`
/// bytes; shorter ones by an automaton (small, since they are short).
pub const ANCHOR: usize = 32;

/// Every (pattern, byte offset) where one of `long` (indices into `patterns`, each at least
/// [`ANCHOR`] bytes) occurs in `text`, in text order: a Rabin-Karp scan over `ANCHOR`-byte
/// windows (in parallel over stretches of the text), a bit filter in front of the hash map, and a
/// full comparison for each hit.
fn anchored_hits(text: &[u8], patterns: &[&str], long: &[usize]) -> Vec<(usize, usize)> {
    use rayon::prelude::*;
    const MUL: u64 = 0x0100_0000_01b3; // FNV prime, any odd multiplier works
    const STRETCH: usize = 1 << 20;
    // About 32 filter bits per pattern (3 % false hits), 8 KiB to 8 MiB.
    let filter_bits: u32 = (long.len() * 32)
        .next_power_of_two()
        .trailing_zeros()
        .clamp(16, 26);
    let hash = |w: &[u8]| {
        w.iter()
            .fold(0u64, |h, &b| h.wrapping_mul(MUL).wrapping_add(u64::from(b)))
    };
    let bucket = |h: u64| {
        usize::try_from(h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - filter_bits)).unwrap_or(0)
    };
    // Patterns sharing their first ANCHOR bytes share one entry.
    let mut by_hash: rustc_hash::FxHashMap<u64, Vec<usize>> = rustc_hash::FxHashMap::default();
    by_hash.reserve(long.len());
    let mut filter = vec![0u64; (1usize << filter_bits) / 64];
    for &p in long {
        let h = hash(&patterns[p].as_bytes()[..ANCHOR]);
        by_hash.entry(h).or_default().push(p);
        let b = bucket(h);
        filter[b / 64] |= 1 << (b % 64);
    }
    if text.len() < ANCHOR {
        return vec![];
    }
    // MUL^(ANCHOR-1), to take the leaving byte out of the window's hash.
    let top = (1..ANCHOR).fold(1u64, |x, _| x.wrapping_mul(MUL));
    let last = text.len() - ANCHOR; // the last window start
    let scan = |from: usize| {
        let to = (from + STRETCH).min(last + 1);
        let mut hits = vec![];
        let mut h = hash(&text[from..from + ANCHOR]);
        let mut i = from;
        loop {
            let b = bucket(h);
            if filter[b / 64] & (1 << (b % 64)) != 0
                && let Some(ps) = by_hash.get(&h)
            {
                for &p in ps {
                    if text[i..].starts_with(patterns[p].as_bytes()) {
                        hits.push((p, i));
                    }
                }
            }
            if i + 1 >= to {
                break;
            }
            h = h
                .wrapping_sub(u64::from(text[i]).wrapping_mul(top))
                .wrapping_mul(MUL)
                .wrapping_add(u64::from(text[i + ANCHOR]));
            i += 1;
        }
        hits
    };
    let starts: Vec<usize> = (0..=last).step_by(STRETCH).collect();
    let parts: Vec<Vec<(usize, usize)>> = starts.into_par_iter().map(scan).collect();
    parts.concat()
}

/// The passage of `text` closest to `quote` by edit distance (Sellers' approximate substring
/// search), as (character offset, passage, edits), when it is within `max_edit_ratio` of the
/// quote's length.
#[must_use]
pub fn nearest(text: &str, quote: &str, max_edit_ratio: f64) -> Option<(usize, String, usize)> {
    let pattern: Vec<char> = quote.chars().collect();
    let hay: Vec<char> = text.chars().collect();
    let m = pattern.len();
    if m == 0 || hay.is_empty() {
        return None;
    }
    // prev[i] = edit distance of pattern[..i] against the best substring ending at the current
    // text position; start[i] remembers where that substring began.
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut prev_start: Vec<usize> = vec![0; m + 1];
    let mut best = (usize::MAX, 0, 0); // (edits, start, end)
    for (j, &c) in hay.iter().enumerate() {
        let mut cur = vec![0; m + 1];
        let mut cur_start = vec![j + 1; m + 1];
        for i in 1..=m {
            let subst = prev[i - 1] + usize::from(pattern[i - 1] != c);
            let delete = prev[i] + 1;
            let insert = cur[i - 1] + 1;
            let (cost, start) = if subst <= delete && subst <= insert {
                (subst, if i == 1 { j } else { prev_start[i - 1] })
            } else if delete <= insert {
                (delete, prev_start[i])
            } else {
                (insert, cur_start[i - 1])
            };
            cur[i] = cost;
            cur_start[i] = start;
        }
        if cur[m] < best.0 {
            best = (cur[m], cur_start[m], j + 1);
        }
        prev = cur;
        prev_start = cur_start;
    }
    let (edits, start, end) = best;
    #[allow(clippy::cast_precision_loss)]
    let ratio = edits as f64 / m as f64;
    (ratio <= max_edit_ratio).then(|| (start, hay[start..end].iter().collect(), edits))
}

/// Words that name a length unit, singular and plural, English and transliterated Russian.
const LENGTH_UNITS: &[&str] = &[
    "km",
    "kms",
    "kilometre",
    "kilometres",
    "kilometer",
    "kilometers",
    "m",
    "metre",
    "metres",
    "meter",
    "meters",
    "verst",
    "versts",
    "mile",
    "miles",
    "yard",
    "yards",
    "foot",
    "feet",
    "pace",
    "paces",
    "step",
    "steps",
    "sazhen",
    "sazhens",
];

/// Number words (and "half", "a") that can state a distance before a unit.
const NUMBER_WORDS: &[&str] = &[
    "a",
    "an",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "half",
    "quarter",
    "dozen",
    "dozens",
    "few",
    "several",
];

/// True when `quote` states a distance: a number, in digits ("40 km", "1,000 metres") or in
/// words ("three kilometres", "half a kilometre", "sixty versts"), followed within three words
/// by a unit of length. A quote that only implies a distance ("not far away") does not.
#[must_use]
pub fn states_distance(quote: &str) -> bool {
    let lower = quote.to_lowercase();
    // Split digits from letters too, so "40km" and "40-kilometre" read as two words.
    let mut tokens: Vec<String> = vec![];
    let mut current = String::new();
    let mut digit_run = false;
    for c in lower.chars() {
        let is_digit = c.is_ascii_digit() || (digit_run && matches!(c, ',' | '.'));
        if c.is_alphanumeric() || is_digit {
            if !current.is_empty() && is_digit != digit_run {
                tokens.push(std::mem::take(&mut current));
            }
            digit_run = is_digit;
            current.push(c);
        } else if !current.is_empty() {
            tokens.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    let is_number =
        |t: &str| t.starts_with(|c: char| c.is_ascii_digit()) || NUMBER_WORDS.contains(&t);
    // Walk back from each unit over number words and connectors ("half a", "twenty-five",
    // "three or four"): a stated distance has at least one number right before the unit.
    tokens.iter().enumerate().any(|(i, t)| {
        if !LENGTH_UNITS.contains(&t.as_str()) {
            return false;
        }
        // A bare "m" only counts straight after digits ("500 m"), not as a word ("I'm").
        if t == "m" {
            return i > 0 && tokens[i - 1].starts_with(|c: char| c.is_ascii_digit());
        }
        tokens[..i]
            .iter()
            .rev()
            .take_while(|w| is_number(w) || matches!(w.as_str(), "and" | "or" | "to" | "odd"))
            .any(|w| is_number(w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "In the tundra, 40 kilometres from the mine, on the banks of the Syr-Yaga river, there were barracks. Stalin’s camps.";

    #[test]
    fn exact_match_reports_character_offset_not_bytes() {
        let m = find_exact(TEXT, "camps").unwrap();
        // The curly apostrophe before "s camps" is 3 bytes but one character.
        assert_eq!(
            m.char_offset,
            TEXT.chars().count() - "camps.".chars().count()
        );
        assert_eq!(m.occurrences, 1);
    }

    #[test]
    fn missing_quote_is_none() {
        assert!(find_exact(TEXT, "50 kilometres").is_none());
        assert!(find_exact(TEXT, "").is_none());
    }

    #[test]
    fn find_all_agrees_with_find_exact() {
        let long = "a".repeat(40);
        let text = format!(
            "aaaa ’b’ aaa Stalin’s camps. camps aa {} In the tundra, 40 kilometres from the mine, on the banks. In the tundra, 40 kilometres from the mine; {long}aaaa",
            "a".repeat(90)
        );
        let text = text.as_str();
        let quotes = [
            "camps",
            "aa",
            "aaa",
            "",
            "Stalin’s camps",
            "nowhere",
            "’b’",
            "camps",
            "a",
            "s",
            "In the tundra, 40 kilometres from the mine, on the banks",
            "In the tundra, 40 kilometres from the mine",
            "In the tundra, 40 kilometres from the mine; nowhere to be found",
            &long,
            "Stalin’s camps. camps aa aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ];
        let all = find_all(text, &quotes);
        for (q, got) in quotes.iter().zip(&all) {
            assert_eq!(*got, find_exact(text, q), "{q}");
        }
        // Overlapping occurrences are counted the way `str::matches` counts them.
        assert_eq!(all[1].unwrap().occurrences, 71); // "aa" in runs of 4, 3, 2, 90 and 44
        assert_eq!(all[4].unwrap().char_offset, 13);
        assert!(all[3].is_none() && all[5].is_none() && all[12].is_none());
        assert_eq!(all[11].unwrap().occurrences, 2);
        assert_eq!(all[13].unwrap().occurrences, 3); // 90 + 44 a's, without overlap
    }

    #[test]
    fn nearest_finds_the_mistyped_passage() {
        let (offset, passage, edits) = nearest(TEXT, "50 kilometres from the mine", 0.2).unwrap();
        assert_eq!(passage, "40 kilometres from the mine");
        assert_eq!(offset, 15);
        assert_eq!(edits, 1);
    }

    #[test]
    fn nearest_gives_up_on_unrelated_text() {
        assert!(nearest(TEXT, "a completely different sentence about Moscow", 0.2).is_none());
    }

    #[test]
    fn distances_in_digits_and_words_are_found() {
        for q in [
            "In the tundra, 40 kilometres from the mine",
            "not far away, about half a kilometre",
            "the narrow railway which passed three kilometres from the brickyard",
            "some sixty versts from Arkhangelsk as the crow flies",
            "a camp 40 km away",
            "a 40-km march",
            "1,500 metres off",
            "it stood 500 m from the river",
            "twenty-five versts",
        ] {
            assert!(states_distance(q), "{q}");
        }
    }

    #[test]
    fn quotes_without_a_stated_distance_are_refused() {
        for q in [
            "much further away, in the direction of the narrow railway",
            "not far from the mine",
            "40 prisoners were taken to the tundra",
            "they walked for three days",
            "I'm told the camp is near",
            "in 1937 many kilometres of railway were laid",
        ] {
            assert!(!states_distance(q), "{q}");
        }
    }
}
