//! Finding a passage of a source from words typed or pasted by hand: tolerant of line breaks,
//! runs of whitespace, and typographic versus straight quotes, apostrophes and dashes. The
//! result is the source's own exact text and its character offset, which is what a `quote`
//! cell must hold; [`near_miss`] says which characters differ when a quote is close but not
//! exact.

use std::path::{Path, PathBuf};

/// Source texts as gazmap reads them: without a byte-order mark and with LF line ends, so that
/// re-saving a source with a BOM or CRLF line ends does not move any citation.
#[must_use]
pub fn normalise_source(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

/// The canonical form of one character for tolerant matching (`None`: part of a whitespace run
/// or invisible).
fn canonical(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '`'
        | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        '\u{00AD}' | '\u{200B}' | '\u{FEFF}' => return None,
        c if c.is_whitespace() => ' ',
        c => c,
    })
}

/// A text in canonical form, each character remembering where it came from.
struct Canonical {
    text: String,
    /// For each byte offset in `text` where a character starts: the character offset in the
    /// original it came from.
    origin: Vec<(usize, usize)>,
}

/// True when the whitespace run at the start of `rest` breaks a hyphenated word across lines
/// (`to-\nday`): `prev` and `before` are the two characters before it (`-` and a letter), the run
/// holds a line break and a letter or digit follows it. Such a run is left out, so that `to-day`
/// finds it.
fn hyphen_break(prev: Option<char>, before: Option<char>, rest: &[char]) -> bool {
    prev == Some('-')
        && before.is_some_and(char::is_alphanumeric)
        && rest
            .iter()
            .take_while(|c| c.is_whitespace())
            .any(|c| *c == '\n')
        && rest
            .iter()
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| c.is_alphanumeric())
}

fn canonicalise(text: &str, fold_case: bool) -> Canonical {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    let mut in_break = false;
    for (i, &c) in chars.iter().enumerate() {
        let Some(mut k) = canonical(c) else { continue };
        if k == ' ' {
            if in_break || out.ends_with(' ') {
                continue;
            }
            let mut tail = out.chars().rev();
            if hyphen_break(tail.next(), tail.next(), &chars[i..]) {
                in_break = true;
                continue;
            }
        } else {
            in_break = false;
        }
        if fold_case {
            k = k.to_lowercase().next().unwrap_or(k);
        }
        if c == '\u{2026}' {
            for _ in 0..3 {
                origin.push((out.len(), i));
                out.push('.');
            }
            continue;
        }
        origin.push((out.len(), i));
        out.push(k);
    }
    Canonical { text: out, origin }
}

/// One place a passage was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Offset of the passage in the source, in Unicode characters, 0-based (what citations
    /// store).
    pub char_offset: usize,
    /// 1-based line and column (in characters) of its first character.
    pub line: usize,
    /// See `line`.
    pub column: usize,
    /// The passage exactly as the source writes it.
    pub exact: String,
    /// True when the match needed case folding as well.
    pub case_folded: bool,
}

/// 1-based line and column of character `offset` in `text`.
#[must_use]
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut col = 1;
    for c in text.chars().take(offset) {
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    (line, col)
}

fn find_in(text: &str, hay: &Canonical, words: &str, fold_case: bool) -> Vec<Found> {
    let needle = canonicalise(words, fold_case).text;
    let needle = needle.trim();
    if needle.is_empty() {
        return vec![];
    }
    let chars: Vec<char> = text.chars().collect();
    let at = |byte: usize| {
        let i = hay.origin.partition_point(|(b, _)| *b < byte);
        hay.origin[i.min(hay.origin.len() - 1)].1
    };
    let mut found = vec![];
    let mut from = 0;
    while let Some(pos) = hay.text[from..].find(needle) {
        let start_byte = from + pos;
        let last_byte = start_byte + needle.len() - needle.chars().last().map_or(1, char::len_utf8);
        let start = at(start_byte);
        let end = at(last_byte) + 1;
        let (line, column) = line_col(text, start);
        found.push(Found {
            char_offset: start,
            line,
            column,
            exact: chars[start..end].iter().collect(),
            case_folded: fold_case,
        });
        from = start_byte + needle.chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// Every place `words` occurs in `text` up to line breaks, whitespace runs and typographic
/// quotes, apostrophes and dashes; when there is none, up to letter case as well.
#[must_use]
pub fn find(text: &str, words: &str) -> Vec<Found> {
    let found = find_in(text, &canonicalise(text, false), words, false);
    if found.is_empty() {
        find_in(text, &canonicalise(text, true), words, true)
    } else {
        found
    }
}

/// The Unicode name of the characters a tolerant match can tell apart (the ones
/// [`canonical`] folds), as `U+2019 RIGHT SINGLE QUOTATION MARK`.
#[must_use]
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\'' => "APOSTROPHE",
        '"' => "QUOTATION MARK",
        '`' => "GRAVE ACCENT",
        '\u{00B4}' => "ACUTE ACCENT",
        '\u{2018}' => "LEFT SINGLE QUOTATION MARK",
        '\u{2019}' => "RIGHT SINGLE QUOTATION MARK",
        '\u{201A}' => "SINGLE LOW-9 QUOTATION MARK",
        '\u{201B}' => "SINGLE HIGH-REVERSED-9 QUOTATION MARK",
        '\u{201C}' => "LEFT DOUBLE QUOTATION MARK",
        '\u{201D}' => "RIGHT DOUBLE QUOTATION MARK",
        '\u{201E}' => "DOUBLE LOW-9 QUOTATION MARK",
        '\u{201F}' => "DOUBLE HIGH-REVERSED-9 QUOTATION MARK",
        '\u{2032}' => "PRIME",
        '\u{2033}' => "DOUBLE PRIME",
        '\u{02BC}' => "MODIFIER LETTER APOSTROPHE",
        '\u{00AB}' => "LEFT-POINTING DOUBLE ANGLE QUOTATION MARK",
        '\u{00BB}' => "RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK",
        '-' => "HYPHEN-MINUS",
        '\u{2010}' => "HYPHEN",
        '\u{2011}' => "NON-BREAKING HYPHEN",
        '\u{2012}' => "FIGURE DASH",
        '\u{2013}' => "EN DASH",
        '\u{2014}' => "EM DASH",
        '\u{2015}' => "HORIZONTAL BAR",
        '\u{2212}' => "MINUS SIGN",
        ' ' => "SPACE",
        '\n' => "LINE FEED (a line break)",
        '\r' => "CARRIAGE RETURN",
        '\t' => "CHARACTER TABULATION",
        '\u{00A0}' => "NO-BREAK SPACE",
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{2026}' => "HORIZONTAL ELLIPSIS",
        '.' => "FULL STOP",
        c if c.is_alphabetic() && c.is_uppercase() => "a capital letter",
        c if c.is_alphabetic() => "a small letter",
        _ => "",
    };
    let code = format!("U+{:04X}", u32::from(c));
    if name.is_empty() {
        format!("{code} `{c}`")
    } else if name.starts_with('a') && name.contains(' ') && !name.contains('-') {
        format!("{code} `{c}` ({name})")
    } else {
        format!("{code} {name}")
    }
}

/// The first characters where `exact` (the source) and `typed` (the quote) differ, when they
/// are the same text up to what [`find`] tolerates: (source's, quote's); empty strings when
/// one side has extra whitespace. Returns every differing pair, in order.
#[must_use]
pub fn differences(exact: &str, typed: &str) -> Vec<(String, String)> {
    // Walk both in step through their canonical forms; each canonical character covers a run
    // of original characters (a whitespace run, or one character).
    fn runs(s: &str) -> Vec<(char, String)> {
        let chars: Vec<char> = s.chars().collect();
        let mut out: Vec<(char, String)> = vec![];
        let mut in_break = false;
        for (i, &c) in chars.iter().enumerate() {
            if canonical(c) != Some(' ') {
                in_break = false;
            }
            match canonical(c) {
                Some(' ')
                    if in_break
                        || out.last().is_some_and(|(k, _)| *k == ' ')
                        || hyphen_break(
                            out.last().map(|r| r.0),
                            out.len().checked_sub(2).map(|j| out[j].0),
                            &chars[i..],
                        ) =>
                {
                    in_break = in_break || out.last().is_some_and(|(k, _)| *k == '-');
                    if let Some(last) = out.last_mut() {
                        last.1.push(c);
                    }
                }
                Some(k) => out.push((k.to_lowercase().next().unwrap_or(k), c.to_string())),
                None => match out.last_mut() {
                    Some(last) => last.1.push(c),
                    None => out.push(('\0', c.to_string())),
                },
            }
        }
        out
    }
    let (a, b) = (runs(exact.trim()), runs(typed.trim()));
    a.iter()
        .zip(&b)
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, y)| (x.1.clone(), y.1.clone()))
        .collect()
}

fn describe_run(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => describe_char(c),
        (Some(_), Some(_)) if s.chars().all(char::is_whitespace) => {
            let breaks = s.matches('\n').count();
            if breaks > 0 {
                format!(
                    "{} whitespace characters with {breaks} line break(s)",
                    s.chars().count()
                )
            } else {
                format!("{} whitespace characters", s.chars().count())
            }
        }
        _ => s.chars().map(describe_char).collect::<Vec<_>>().join(" + "),
    }
}

/// A quote that is in the source apart from typography.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    /// Where the source has it, and its exact text.
    pub found: Found,
    /// How many places match (a fix is only safe when this is 1).
    pub occurrences: usize,
    /// "U+2019 RIGHT SINGLE QUOTATION MARK in the source vs U+0027 APOSTROPHE in the quote",
    /// for the first difference, and how many more there are.
    pub explanation: String,
}

/// When `quote` is not in `text` verbatim but is up to whitespace, typography or case: where,
/// and which characters differ.
#[must_use]
pub fn near_miss(text: &str, quote: &str) -> Option<NearMiss> {
    let found = find(text, quote);
    let first = found.first()?.clone();
    let diffs = differences(&first.exact, quote);
    let mut explanation = match diffs.first() {
        Some((src, typed)) => format!(
            "{} in the source vs {} in the quote",
            describe_run(src),
            describe_run(typed)
        ),
        None if first.exact != quote => "leading or trailing whitespace differs".into(),
        None => "they are equal".into(),
    };
    if diffs.len() > 1 {
        explanation.push_str(&format!(" (and {} more difference(s))", diffs.len() - 1));
    }
    Some(NearMiss {
        occurrences: found.len(),
        found: first,
        explanation,
    })
}

/// A source text of an atlas, read the way the loader reads it.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Source id in `atlas.toml`.
    pub id: String,
    /// The file.
    pub path: PathBuf,
    /// Its text, normalised by [`normalise_source`].
    pub text: String,
}

/// The `[[sources]]` of the atlas in `dir`, read from `atlas.toml` alone (so that a quote can
/// be looked up while the CSV files still have errors).
///
/// # Errors
/// A message naming the file when `atlas.toml` or a source cannot be read.
pub fn atlas_sources(dir: &Path) -> Result<Vec<SourceText>, String> {
    let config = crate::config::Config::read(dir).map_err(|findings| {
        findings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let mut out = vec![];
    for s in &config.sources {
        let path = dir.join(s.file.get_ref());
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read source `{}` {}: {e}", s.id, path.display()))?;
        out.push(SourceText {
            id: s.id.clone(),
            path,
            text: normalise_source(text),
        });
    }
    if out.is_empty() {
        return Err(format!("{} lists no [[sources]]", config.path.display()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "We left Plymouth on the\n27th of December \u{2014} the wind was\nfair; the captain\u{2019}s \u{201C}Beagle\u{201D} sailed.";

    #[test]
    fn finds_across_line_breaks_and_typography() {
        let f = find(TEXT, "Plymouth on the 27th of December - the wind");
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].exact,
            "Plymouth on the\n27th of December \u{2014} the wind"
        );
        assert_eq!(f[0].char_offset, 8);
        assert_eq!((f[0].line, f[0].column), (1, 9));
        let g = find(TEXT, "the captain's \"Beagle\"   sailed");
        assert_eq!(g.len(), 1);
        assert_eq!(
            g[0].exact,
            "the captain\u{2019}s \u{201C}Beagle\u{201D} sailed"
        );
        assert_eq!((g[0].line, g[0].column), (3, 7));
        assert!(!g[0].case_folded);
    }

    #[test]
    fn falls_back_to_case_folding_and_counts_occurrences() {
        let f = find(TEXT, "we LEFT plymouth");
        assert_eq!(f.len(), 1);
        assert!(f[0].case_folded);
        assert_eq!(f[0].exact, "We left Plymouth");
        assert_eq!(find(TEXT, "the").len(), 3);
        assert!(find(TEXT, "Falmouth").is_empty());
    }

    #[test]
    fn near_miss_names_the_differing_character() {
        let m = near_miss(TEXT, "the captain's").unwrap();
        assert_eq!(
            m.explanation,
            "U+2019 RIGHT SINGLE QUOTATION MARK in the source vs U+0027 APOSTROPHE in the quote"
        );
        assert_eq!(m.found.exact, "the captain\u{2019}s");
        let m = near_miss(TEXT, "on the 27th of December - the").unwrap();
        assert!(
            m.explanation.starts_with("U+000A LINE FEED (a line break) in the source vs U+0020 SPACE in the quote (and 1 more"),
            "{}",
            m.explanation
        );
    }

    #[test]
    fn a_word_hyphenated_across_lines_is_found_whole() {
        let text = "the sea-\nbirds followed us; the north -\nwest wind";
        let f = find(text, "the sea-birds followed");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].exact, "the sea-\nbirds followed");
        let m = near_miss(text, "sea-birds").unwrap();
        assert_eq!(
            m.explanation,
            "U+002D HYPHEN-MINUS + U+000A LINE FEED (a line break) in the source vs U+002D HYPHEN-MINUS in the quote"
        );
        // A dash standing alone is not a hyphenated word: the line break stays a space.
        assert_eq!(find(text, "north - west").len(), 1);
        assert!(find(text, "north -west").is_empty());
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        assert_eq!(normalise_source("\u{feff}a\r\nb\r\n".into()), "a\nb\n");
        assert_eq!(normalise_source("a\nb".into()), "a\nb");
    }
}
