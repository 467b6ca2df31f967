//! Finding quotes in source texts: exact matches with their character offset, and the nearest
//! approximate match to suggest when a quote has been mistyped.

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
}
