//! Interchange formats: the atlas as a gazetteer contribution and as files other tools stream.
//!
//! * [`lpf`]: Linked Places Format v1.2.2 (GeoJSON-LD) and LP-TSV v0.5 for the
//!   [World Historical Gazetteer](https://whgazetteer.org). These read the [`Atlas`]
//!   itself, not only the layers: a place record needs per-place structure the flat layers do
//!   not keep (every name with its language, the location basis, rival identifications,
//!   `part_of`, Wikidata/GeoNames ids, the citation with its character offset).
//! * [`kml`]: KML 2.2 for Google Earth, with `TimeSpan`s for its time slider.
//! * [`fgb`]: FlatGeobuf v3 with a spatial index, one file per atlas layer.
//! * [`geojsonseq`]: newline-delimited GeoJSON features, one file per atlas layer.
//!
//! Every file is written atomically and deterministically (same atlas, same bytes).

pub mod fgb;
pub mod geojsonseq;
pub mod kml;
pub mod lpf;

#[cfg(test)]
pub(crate) mod fixture;

use std::path::PathBuf;

use crate::model::{Atlas, Citation, Site, Source};
use crate::time::DateRange;

/// Why an interchange file could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InterchangeError {
    /// The file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The document could not be encoded (a bug or an impossible value, e.g. NaN).
    #[error("cannot encode {path}: {message}")]
    Encode {
        /// The file being written.
        path: PathBuf,
        /// What the encoder said.
        message: String,
    },
}

impl InterchangeError {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn encode<E: std::fmt::Display>(
        path: &std::path::Path,
    ) -> impl FnOnce(E) -> Self + '_ {
        move |e| Self::Encode {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }

    /// The file and the cause as an I/O error (an encoding failure becomes
    /// [`std::io::ErrorKind::Other`]), for callers that report I/O errors.
    #[must_use]
    pub fn into_parts(self) -> (PathBuf, std::io::Error) {
        match self {
            Self::Io { path, source } => (path, source),
            Self::Encode { path, message } => (path, std::io::Error::other(message)),
        }
    }

    /// The file the error is about.
    #[must_use]
    pub fn path(&self) -> &std::path::Path {
        match self {
            Self::Io { path, .. } | Self::Encode { path, .. } => path,
        }
    }
}

/// Collapses every run of whitespace (line breaks and tabs included) into one space and trims.
///
/// Linked Places validators match most strings against `^(.*)$`, which fails on a line break,
/// and LP-TSV cells may hold neither tabs nor line breaks.
#[must_use]
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes text for HTML (KML descriptions are HTML); the XML escaping of
/// [`crate::xml::escape`] is also valid HTML.
#[must_use]
pub fn html_escape(s: &str) -> String {
    crate::xml::escape(s)
}

/// Percent-encodes `s` for a URL text fragment: only ASCII letters, digits and `._~!*'()`
/// stay as they are (`-`, `,` and `&` have meanings inside `#:~:text=`).
fn fragment_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"._~!*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Words of a quote used for each end of a text fragment when the quote is long.
const FRAGMENT_EDGE_WORDS: usize = 5;

/// A [URL text fragment](https://wicg.github.io/scroll-to-text-fragment/) that makes a browser
/// scroll to and highlight `quote`: `:~:text=whole%20quote`, or `:~:text=first,last` words
/// for quotes longer than ten words.
#[must_use]
pub fn text_fragment(quote: &str) -> String {
    let words: Vec<&str> = quote.split_whitespace().collect();
    if words.len() <= 2 * FRAGMENT_EDGE_WORDS {
        format!(":~:text={}", fragment_encode(&words.join(" ")))
    } else {
        let start = words[..FRAGMENT_EDGE_WORDS].join(" ");
        let end = words[words.len() - FRAGMENT_EDGE_WORDS..].join(" ");
        format!(
            ":~:text={},{}",
            fragment_encode(&start),
            fragment_encode(&end)
        )
    }
}

/// `url` with a text fragment for `quote` appended (after an existing `#fragment`, if any).
#[must_use]
pub fn url_with_fragment(url: &str, quote: &str) -> String {
    let sep = if url.contains('#') { "" } else { "#" };
    format!("{url}{sep}{}", text_fragment(quote))
}

/// Where a citation points, without the quote: title, author and date of the source and the
/// character offset, on one line. Example:
/// `Trotskyists at Vorkuta (M. B., 1961), character 1234`.
#[must_use]
pub fn citation_reference(source: Option<&Source>, c: &Citation) -> String {
    let mut head = match source {
        Some(s) if !s.title.is_empty() => s.title.clone(),
        _ => c.source_id.clone(),
    };
    if let Some(s) = source {
        let by: Vec<&str> = [s.author.as_str(), s.published.as_str()]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect();
        if !by.is_empty() {
            head = format!("{head} ({})", by.join(", "));
        }
    }
    let at = c
        .char_offset
        .map_or_else(String::new, |o| format!(", character {o}"));
    one_line(&format!("{head}{at}"))
}

/// A citation as readers see it: [`citation_reference`], a colon and the quote in curly
/// quotes, on one line. Example:
/// `Trotskyists at Vorkuta (M. B., 1961), character 1234: “the old brickworks”`.
#[must_use]
pub fn citation_label(source: Option<&Source>, c: &Citation) -> String {
    format!(
        "{}: \u{201c}{}\u{201d}",
        citation_reference(source, c),
        one_line(&c.quote)
    )
}

/// The first year a source's `published` EDTF allows, if it parses.
#[must_use]
pub fn publication_year(source: &Source) -> Option<i16> {
    crate::time::parse(&source.published, None)
        .ok()
        .map(|r| r.earliest.year())
}

/// Where a place's time span comes from.
///
/// Only the site's own `when`: the World Historical Gazetteer reads a place's `when` as the
/// time the place existed, which the span of the events the account places there (or the
/// atlas's time range) is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceWhen<'a> {
    /// The site's own `when` column.
    Stated(&'a DateRange),
    /// The site has no `when`: the place record carries none.
    Unknown,
}

/// The time span of `site`: its own `when`, else nothing.
#[must_use]
pub fn place_when<'a>(_atlas: &'a Atlas, site: &'a Site) -> PlaceWhen<'a> {
    site.when
        .as_ref()
        .map_or(PlaceWhen::Unknown, PlaceWhen::Stated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_collapses_breaks_and_tabs() {
        assert_eq!(one_line("  a\r\n b\tc  \n"), "a b c");
    }

    #[test]
    fn html_escape_escapes_markup() {
        assert_eq!(
            html_escape("a<b & \"c\">"),
            "a&lt;b &amp; &quot;c&quot;&gt;"
        );
    }

    #[test]
    fn short_quote_fragment_is_whole_and_encoded() {
        assert_eq!(
            text_fragment("the old\nbrick-works, 1937"),
            ":~:text=the%20old%20brick%2Dworks%2C%201937"
        );
    }

    #[test]
    fn long_quote_fragment_uses_start_and_end_words() {
        let q = "one two three four five six seven eight nine ten eleven";
        assert_eq!(
            text_fragment(q),
            ":~:text=one%20two%20three%20four%20five,seven%20eight%20nine%20ten%20eleven"
        );
    }

    #[test]
    fn non_ascii_is_utf8_percent_encoded() {
        assert_eq!(
            text_fragment("Воркута"),
            ":~:text=%D0%92%D0%BE%D1%80%D0%BA%D1%83%D1%82%D0%B0"
        );
    }

    #[test]
    fn fragment_goes_after_an_existing_fragment() {
        assert_eq!(
            url_with_fragment("https://x.org/a", "b"),
            "https://x.org/a#:~:text=b"
        );
        assert_eq!(
            url_with_fragment("https://x.org/a#p3", "b"),
            "https://x.org/a#p3:~:text=b"
        );
    }
}
