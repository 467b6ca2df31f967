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
