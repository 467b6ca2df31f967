//! `gazmap check --fix-quotes`: replaces each quote that the source holds only up to
//! typography (curly versus straight quotes, dashes, line breaks, whitespace, case) with the
//! source's exact text. Only unambiguous fixes are made (the passage occurs once); each CSV file
//! is rewritten atomically, and only the rows that change are re-encoded.

use std::path::{Path, PathBuf};

use super::quote_search::{self, SourceText};

/// One quote rewritten, or left alone with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteFix {
    /// The CSV file.
    pub file: PathBuf,
    /// 1-based line the record starts on.
    pub line: u64,
    /// What was wrong (the first differing character) and what was done.
    pub note: String,
    /// True when the cell was rewritten.
    pub fixed: bool,
}

/// Why quotes could not be fixed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FixError(pub String);

/// The byte range of the record starting at `start` (without its line terminator), given where
/// the next one starts.
fn record_span(text: &str, start: usize, next: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut s = start;
    while s < next && matches!(bytes[s], b'\r' | b'\n') {
        s += 1;
    }
    let mut e = next;
    while e > s && matches!(bytes[e - 1], b'\r' | b'\n') {
        e -= 1;
    }
    (s, e)
}

/// Fixes the quotes of one CSV file; returns what it did. Writes only when something changed.
fn fix_file(path: &Path, sources: &[SourceText]) -> Result<Vec<QuoteFix>, FixError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| FixError(format!("cannot read {}: {e}", path.display())))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| FixError(format!("{}: {e}", path.display())))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let (Some(qi), Some(si)) = (
        headers.iter().position(|h| h == "quote"),
        headers.iter().position(|h| h == "source"),
    ) else {
        return Ok(vec![]);
    };
    let mut records = vec![];
    for r in reader.records() {
        let r = r.map_err(|e| {
            FixError(format!(
                "{}: malformed CSV ({e}): fix it before --fix-quotes",
                path.display()
            ))
        })?;
        let start = r.position().map_or(0, |p| p.byte());
        records.push((usize::try_from(start).unwrap_or(usize::MAX), r));
    }
    let mut fixes = vec![];
    let mut edits: Vec<(usize, usize, String)> = vec![];
    for (n, (start, record)) in records.iter().enumerate() {
        let quote = record.get(qi).unwrap_or("").trim();
        let source_id = record.get(si).unwrap_or("").trim();
        let Some(source) = sources.iter().find(|s| s.id == source_id) else {
            continue;
        };
        if quote.is_empty() || source.text.contains(quote) {
            continue;
        }
        let next = records.get(n + 1).map_or(text.len(), |(s, _)| *s);
        let (s, e) = record_span(&text, *start, next);
        let line = text[..s].matches('\n').count() as u64 + 1;
        let Some(near) = quote_search::near_miss(&source.text, quote) else {
            continue; // not a typographic near miss: `check` reports it
        };
        if near.occurrences > 1 {
            fixes.push(QuoteFix {
                file: path.to_path_buf(),
                line,
                note: format!(
                    "not fixed: the passage occurs {} times in `{source_id}` (quote more words)",
                    near.occurrences
                ),
                fixed: false,
            });
            continue;
        }
        let mut fields: Vec<String> = record.iter().map(str::to_owned).collect();
        fields[qi] = near.found.exact.clone();
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(vec![]);
        w.write_record(&fields)
            .map_err(|e| FixError(format!("{}: {e}", path.display())))?;
        let encoded = String::from_utf8(
            w.into_inner()
                .map_err(|e| FixError(format!("{}: {e}", path.display())))?,
        )
        .unwrap_or_default();
        edits.push((s, e, encoded.trim_end_matches('\n').to_owned()));
        fixes.push(QuoteFix {
            file: path.to_path_buf(),
            line,
            note: format!(
                "quote fixed to the source's text at character {} ({})",
                near.found.char_offset, near.explanation
            ),
            fixed: true,
        });
    }
    if !edits.is_empty() {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (s, e, new) in &edits {
            out.push_str(&text[at..*s]);
            out.push_str(new);
            at = *e;
        }
        out.push_str(&text[at..]);
        crate::output::write_atomic(path, out.as_bytes())
            .map_err(|e| FixError(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(fixes)
}

/// Fixes near-miss quotes in `sites.csv`, `events.csv` and `claims.csv` of the atlas in `dir`.
///
/// # Errors
/// [`FixError`] when `atlas.toml`, a source or a CSV file cannot be read or written, or a CSV
/// file is malformed (nothing in that file is changed).
pub fn fix_quotes(dir: &Path) -> Result<Vec<QuoteFix>, FixError> {
    let sources = quote_search::atlas_sources(dir).map_err(FixError)?;
    let mut all = vec![];
    for name in ["sites.csv", "events.csv", "claims.csv"] {
        let path = dir.join(name);
        if path.exists() {
            all.extend(fix_file(&path, &sources)?);
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_skip_line_terminators() {
        let text = "h\r\na,b\r\nc,d\r\n";
        assert_eq!(record_span(text, 1, 6), (3, 6));
        assert_eq!(&text[3..6], "a,b");
    }
}
