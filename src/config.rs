//! The one model of `atlas.toml`: every table gazmap reads, parsed once by [`crate::load`] and
//! carried with the atlas (`atlas.meta.config`), so that `print`, `tiles`, the kinds and the
//! authoring checks read typed values instead of the file.
//!
//! Every table and key is known: an unknown table, an unknown key or a value of the wrong type
//! is an error at its `file:line:col` (as an unknown CSV column is), with a "did you mean" when a
//! known name is close. Values whose position later messages need are [`Spanned`]; [`line_col`]
//! turns a span into the line and column every `atlas.toml` message uses.
//!
//! Parsing checks the shape of the file (tables, keys, types). The meaning of the values
//! (a paper name, a zoom range, a site a sheet names) is checked where it is used: the `[atlas]`
//! extent, time range, periods and kinds by `load`, the sheets by [`crate::print::sheet`] and
//! the tiles by [`crate::tiles::atlas`], both run by `gazmap check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, ValueDeserializer};

use crate::diagnostics::Finding;

/// The top-level tables of `atlas.toml`, in the order the format documents them.
pub const TABLES: &[&str] = &[
    "atlas", "basemap", "sources", "periods", "kinds", "sheets", "tiles",
];

/// The parsed `atlas.toml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file (for messages).
    pub path: PathBuf,
    /// Its text, so that a span can be turned into a line and column.
    text: String,
    /// `[atlas]`.
    pub atlas: AtlasTable,
    /// `[basemap]`.
    pub basemap: Option<BasemapTable>,
    /// `[[sources]]`.
    pub sources: Vec<SourceTable>,
    /// `[[periods]]`.
    pub periods: Vec<PeriodTable>,
    /// `[[kinds]]`.
    pub kinds: Vec<KindTable>,
    /// `[[sheets]]`.
    pub sheets: Vec<SheetTable>,
    /// `[tiles]`.
    pub tiles: Option<TilesTable>,
}

/// `[atlas]`: what the atlas is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtlasTable {
    /// Short id, names the outputs.
    pub id: String,
    /// Human title.
    pub title: String,
    /// One paragraph.
    #[serde(default)]
    pub description: String,
    /// Licence of the atlas data.
    #[serde(default)]
    pub licence: String,
    /// Credit lines.
    #[serde(default)]
    pub credits: Vec<String>,
    /// Stable URI prefix for Linked Places `@id`s.
    #[serde(default)]
    pub base_uri: String,
    /// lon_min, lat_min, lon_max, lat_max, **degrees**.
    pub extent: Option<Spanned<[f64; 4]>>,
    /// EDTF interval the time slider covers.
    pub time_range: Option<Spanned<String>>,
    /// Legend text of movements.
    pub movement_label: Option<String>,
}

/// `[basemap]`: a folder of GeoJSON layers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasemapTable {
    /// Folder, relative to the atlas folder.
    pub dir: String,
    /// Credit line.
    #[serde(default)]
    pub credit: String,
}

/// One `[[sources]]`: a source text every quote must be found in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceTable {
    /// Id cited by rows in their `source` column.
    pub id: String,
    /// The text file, relative to the atlas folder.
    pub file: Spanned<String>,
    /// Title of the work.
    #[serde(default)]
    pub title: String,
    /// Author.
    #[serde(default)]
    pub author: String,
    /// EDTF date of publication.
    #[serde(default)]
    pub published: String,
    /// Where it can be read.
    #[serde(default)]
    pub url: String,
    /// Its licence.
    #[serde(default)]
    pub licence: String,
}

/// One `[[periods]]`: a named phase of the story.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodTable {
    /// Id (sheets name it).
    pub id: Spanned<String>,
    /// Human title.
    pub title: String,
    /// EDTF interval.
    pub when: Spanned<String>,
}

/// One `[[kinds]]`: a site kind of the atlas (resolved against the built-in kinds by `load`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindTable {
    /// Id, as in the `kind` column of sites.csv.
    pub id: Spanned<String>,
    /// Legend text.
    pub label: Option<String>,
    /// Symbol name.
    pub symbol: Option<Spanned<String>>,
    /// `#rrggbb`.
    pub colour: Option<Spanned<String>>,
    /// Symbol size, **mm**.
    pub size_mm: Option<Spanned<f64>>,
    /// Higher is labelled first.
    pub label_priority: Option<i32>,
    /// Getty AAT place type.
    pub aat: Option<Spanned<AatTable>>,
    /// GeoNames feature class letter.
    pub feature_class: Option<Spanned<String>>,
}

/// `aat = { id = "300000390", term = "mine" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AatTable {
    /// Nine digits.
    pub id: String,
    /// The AAT term.
    pub term: String,
}

/// One `[[sheets]]`: a printed map (see [`crate::print::sheet`] for the meaning of each key).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetTable {
    /// File stem of the outputs.
    pub id: Spanned<String>,
    /// Title printed on the sheet.
    pub title: String,
    /// Second title line.
    #[serde(default)]
    pub subtitle: String,
    /// A4, A3 or letter.
    pub paper: Option<Spanned<String>>,
    /// landscape or portrait.
    pub orientation: Option<Spanned<String>>,
    /// Frame, **degrees**.
    pub extent: Option<Spanned<[f64; 4]>>,
    /// Sites to frame.
    #[serde(default)]
    pub sites: Vec<Spanned<String>>,
    /// Margin around the framed sites, **km**.
    pub margin_km: Option<Spanned<f64>>,
    /// Projection name.
    pub projection: Option<Spanned<String>>,
    /// A `[[periods]]` id.
    pub period: Option<Spanned<String>>,
    /// One sheet per period.
    #[serde(default)]
    pub each_period: bool,
    /// Draw stated distances.
    pub claims: Option<bool>,
    /// Draw transfers.
    pub transfers: Option<bool>,
    /// PNG resolution.
    pub dpi: Option<Spanned<u32>>,
    /// `[[sheets.insets]]`.
    #[serde(default)]
    pub insets: Vec<InsetTable>,
    /// `[sheets.labels]`: site id = map label.
    #[serde(default)]
    pub labels: BTreeMap<Spanned<String>, String>,
}

/// One `[[sheets.insets]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsetTable {
    /// Heading.
    pub title: Spanned<String>,
    /// Sites to frame.
    pub sites: Vec<Spanned<String>>,
    /// Margin, **km**.
    pub margin_km: Option<f64>,
}

/// `[tiles]`: zoom ranges of the atlas's vector tiles (see [`crate::tiles::atlas`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TilesTable {
    /// First zoom of every layer.
    pub minzoom: Option<Spanned<u8>>,
    /// Last zoom of every layer.
    pub maxzoom: Option<Spanned<u8>>,
    /// Simplification tolerance, **pixels**.
    pub simplify_px: Option<f64>,
    /// Tile buffer, **pixels**.
    pub buffer_px: Option<f64>,
    /// Atlas layers stop at the zoom their data need.
    pub auto_zoom: Option<bool>,
    /// `[tiles.layers.NAME]`.
    #[serde(default)]
    pub layers: BTreeMap<Spanned<String>, Spanned<LayerZoomsTable>>,
}

/// `[tiles.layers.NAME]`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerZoomsTable {
    /// First zoom.
    pub minzoom: Option<u8>,
    /// Last zoom.
    pub maxzoom: Option<u8>,
}

/// 1-based line and column (in characters) of byte `offset` of `text`: the one conversion of
/// every located `atlas.toml` message (and of the first bad byte of a non-UTF-8 file).
#[must_use]
pub fn line_col(text: &str, offset: usize) -> (u64, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl Config {
    /// Reads and parses `dir/atlas.toml`, for tools that need the file without the atlas (the
    /// build reads it once, in [`crate::load::read`]).
    ///
    /// # Errors
    /// The findings that stop it: unreadable file, TOML syntax, a table that does not parse.
    pub fn read(dir: &Path) -> Result<Self, Vec<Finding>> {
        let path = dir.join("atlas.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| vec![Finding::error(&path, None, format!("cannot be read: {e}"))])?;
        Self::parse(&path, &text).map(|(config, _)| config)
    }

    /// Parses the text of an `atlas.toml` read from `path`. Each top-level table is read on its
    /// own, so that one run reports every table that does not parse. An unknown table is an
    /// error finding that does not stop the reading (it is ignored); a table that does not
    /// parse, or a missing `[atlas]`, stops it.
    ///
    /// # Errors
    /// Every finding, when the file is not TOML or a known table does not parse.
    pub fn parse(path: &Path, text: &str) -> Result<(Self, Vec<Finding>), Vec<Finding>> {
        let mut config = Self {
            path: path.to_path_buf(),
            text: text.to_owned(),
            ..Self::default()
        };
        let root = DeTable::parse(text).map_err(|e| vec![config.toml_error(&e)])?;
        let mut broken = vec![];
        let mut unknown = vec![];
        let mut has_atlas = false;
        for (key, value) in root.into_inner() {
            let span = key.span();
            let name = key.into_inner();
            let what = if value.get_ref().is_table() || value.get_ref().is_array() {
                "table"
            } else {
                "key (outside any table)"
            };
            let value = ValueDeserializer::from(value);
            let ok = match name.as_ref() {
                "atlas" => Deserialize::deserialize(value).map(|t| {
                    config.atlas = t;
                    has_atlas = true;
                }),
                "basemap" => Deserialize::deserialize(value).map(|t| config.basemap = Some(t)),
                "sources" => Deserialize::deserialize(value).map(|t| config.sources = t),
                "periods" => Deserialize::deserialize(value).map(|t| config.periods = t),
                "kinds" => Deserialize::deserialize(value).map(|t| config.kinds = t),
                "sheets" => Deserialize::deserialize(value).map(|t| config.sheets = t),
                "tiles" => Deserialize::deserialize(value).map(|t| config.tiles = Some(t)),
                other => {
                    unknown.push(config.error(
                        span,
                        format!(
                            "unknown {what} `{other}`{} (the tables are: {})",
                            crate::authoring::did_you_mean_text(other, TABLES.iter().copied()),
                            TABLES.join(", ")
                        ),
                    ));
                    Ok(())
                }
            };
            if let Err(e) = ok {
                broken.push(config.toml_error(&e));
            }
        }
        if !has_atlas && broken.is_empty() {
            broken.push(Finding::error(
                path,
                Some(1),
                "no [atlas] table: it needs at least `id` and `title` (see data/README.md)",
            ));
        }
        if broken.is_empty() {
            Ok((config, unknown))
        } else {
            broken.extend(unknown);
            crate::diagnostics::sort(&mut broken);
            Err(broken)
        }
    }

    /// A TOML or serde error as a located finding, with a "did you mean" for an unknown key.
    fn toml_error(&self, e: &toml::de::Error) -> Finding {
        let message = unknown_key_hint(e.message());
        match e.span() {
            Some(span) => self.error(span, message),
            None => Finding::error(&self.path, None, message),
        }
    }

    /// 1-based line and column of a span's start.
    #[must_use]
    pub fn line_col(&self, span: &std::ops::Range<usize>) -> (u64, usize) {
        line_col(&self.text, span.start)
    }

    /// 1-based line of a span's start.
    #[must_use]
    pub fn line(&self, span: &std::ops::Range<usize>) -> u64 {
        self.line_col(span).0
    }

    /// An error at the line and column of `span` in this file.
    #[must_use]
    pub fn error(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Finding {
        let (line, col) = self.line_col(&span);
        let mut f = Finding::error(&self.path, Some(line), message);
        f.column = Some((col, String::new()));
        f
    }

    /// A warning at the line and column of `span` in this file.
    #[must_use]
    pub fn warning(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Finding {
        Finding {
            severity: crate::diagnostics::Severity::Warning,
            ..self.error(span, message)
        }
    }

    /// The line of the first line of the text starting with `prefix` (after indentation), for
    /// findings about a table rather than a value.
    #[must_use]
    pub fn line_starting(&self, prefix: &str) -> Option<u64> {
        self.text
            .lines()
            .position(|l| l.trim_start().starts_with(prefix))
            .map(|i| i as u64 + 1)
    }
}

/// `f` naming the offending value, keeping its line and column (where [`Finding::at`] would set
/// a CSV column).
#[must_use]
pub fn with_value(mut f: Finding, value: impl Into<String>) -> Finding {
    f.value = Some(value.into());
    f
}

/// serde's "unknown field `papr`, expected one of `id`, `paper`, ..." with " (did you mean
/// `paper`?)" added when a known key is close.
fn unknown_key_hint(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_owned();
    };
    let Some((key, expected)) = rest.split_once('`') else {
        return message.to_owned();
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = crate::authoring::did_you_mean_text(key, known);
    if hint.is_empty() {
        message.to_owned()
    } else {
        format!(
            "unknown key `{key}`{hint}; {}",
            expected.trim_start_matches(", ").trim()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(Config, Vec<Finding>), Vec<Finding>> {
        Config::parse(Path::new("atlas.toml"), text)
    }

    fn one_error(text: &str) -> String {
        let findings = parse(text).unwrap_err();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        findings[0].to_string()
    }

    const MINIMAL: &str = "[atlas]\nid = \"x\"\ntitle = \"X\"\n";

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nxé", 6), (2, 3));
        assert_eq!(line_col("éa", 1), (1, 1), "inside a character: its start");
    }

    #[test]
    fn every_table_is_read() {
        let text = format!(
            "{MINIMAL}extent = [1.0, 2.0, 3.0, 4.0]\nmovement_label = \"Voyage\"\n\n[basemap]\ndir = \"../basemap\"\n\n[[sources]]\nid = \"s\"\nfile = \"s.txt\"\n\n[[periods]]\nid = \"p\"\ntitle = \"P\"\nwhen = \"1900\"\n\n[[kinds]]\nid = \"mine\"\n\n[[sheets]]\nid = \"a\"\ntitle = \"A\"\npaper = \"A3\"\n[[sheets.insets]]\ntitle = \"I\"\nsites = [\"s1\"]\n[sheets.labels]\ns1 = \"Site one\"\n\n[tiles]\nmaxzoom = 12\n[tiles.layers.coast]\nmaxzoom = 8\n"
        );
        let (c, findings) = parse(&text).unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(c.atlas.id, "x");
        assert_eq!(
            *c.atlas.extent.as_ref().unwrap().get_ref(),
            [1.0, 2.0, 3.0, 4.0]
        );
        assert_eq!(c.atlas.movement_label.as_deref(), Some("Voyage"));
        assert_eq!(c.basemap.as_ref().unwrap().dir, "../basemap");
        assert_eq!(c.sources[0].file.get_ref(), "s.txt");
        assert_eq!(c.periods[0].when.get_ref(), "1900");
        assert_eq!(c.kinds[0].id.get_ref(), "mine");
        let sheet = &c.sheets[0];
        assert_eq!(sheet.paper.as_ref().unwrap().get_ref(), "A3");
        assert_eq!(c.line(&sheet.paper.as_ref().unwrap().span()), 25);
        assert_eq!(sheet.insets[0].sites[0].get_ref(), "s1");
        assert_eq!(sheet.labels.values().next().unwrap(), "Site one");
        let tiles = c.tiles.unwrap();
        assert_eq!(*tiles.maxzoom.unwrap().get_ref(), 12);
        let (name, z) = tiles.layers.iter().next().unwrap();
        assert_eq!(
            (name.get_ref().as_str(), z.get_ref().maxzoom),
            ("coast", Some(8))
        );
    }

    #[test]
    fn an_unknown_table_is_an_error_that_does_not_stop_reading() {
        let (c, findings) = parse(&format!("{MINIMAL}\n[sheet]\nid = \"x\"\n")).unwrap();
        assert_eq!(c.atlas.id, "x");
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].to_string(),
            "atlas.toml:5:2: error: unknown table `sheet` (did you mean `sheets`?) (the tables are: atlas, basemap, sources, periods, kinds, sheets, tiles)"
        );
        let (_, f) = parse(&format!("title = \"X\"\n{MINIMAL}")).unwrap();
        assert!(
            f[0].to_string()
                .starts_with("atlas.toml:1:1: error: unknown key (outside any table) `title`"),
            "{f:?}"
        );
        // Tables nothing reads are no longer accepted silently.
        for table in ["web", "gpkg", "lpf"] {
            let (_, f) = parse(&format!("{MINIMAL}[{table}]\nx = 1\n")).unwrap();
            assert!(
                f[0].is_error()
                    && f[0]
                        .message
                        .starts_with(&format!("unknown table `{table}`")),
                "{f:?}"
            );
        }
    }

    #[test]
    fn an_unknown_key_is_located_with_a_suggestion() {
        let e = one_error(&format!(
            "{MINIMAL}\n[[sheets]]\nid = \"a\"\ntitle = \"A\"\npapr = \"A3\"\n"
        ));
        assert!(e.starts_with("atlas.toml:8:1: error: unknown key `papr` (did you mean `paper`?); expected one of `id`"), "{e}");
        let e = one_error("[atlas]\nid = \"x\"\ntitle = \"X\"\nextnt = [0.0, 0.0, 1.0, 1.0]\n");
        assert!(
            e.starts_with("atlas.toml:4:1: error: unknown key `extnt` (did you mean `extent`?)"),
            "{e}"
        );
        let e = one_error(&format!("{MINIMAL}[tiles.layers.coast]\nmaxzom = 3\n"));
        assert!(
            e.starts_with("atlas.toml:5:1: error: unknown key `maxzom` (did you mean `maxzoom`?)"),
            "{e}"
        );
        // Nothing close: serde's message as it is.
        let e = one_error(&format!("{MINIMAL}[basemap]\ndir = \"b\"\nzzzzzzzz = 1\n"));
        assert!(
            e.contains("unknown field `zzzzzzzz`, expected `dir` or `credit`"),
            "{e}"
        );
    }

    #[test]
    fn a_bad_value_type_is_located_and_every_broken_table_is_reported() {
        let findings = parse(&format!(
            "{MINIMAL}[tiles]\nmaxzoom = \"twelve\"\n\n[[sheets]]\nid = \"a\"\ntitle = \"A\"\ndpi = -3\n\n[lpf]\n"
        ))
        .unwrap_err();
        let got: Vec<String> = findings.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(
            got[0].starts_with(
                "atlas.toml:5:11: error: invalid type: string \"twelve\", expected u8"
            ),
            "{got:#?}"
        );
        assert!(
            got[1].starts_with("atlas.toml:10:7: error: invalid value: integer `-3`"),
            "{got:#?}"
        );
        assert!(
            got[2].starts_with("atlas.toml:12:2: error: unknown table `lpf`"),
            "{got:#?}"
        );
    }

    #[test]
    fn syntax_errors_and_a_missing_atlas_table_stop_reading() {
        let e = one_error("[atlas]\nid = \"x\ntitle = \"X\"\n");
        assert!(e.starts_with("atlas.toml:2:"), "{e}");
        let e = one_error("[[sources]]\nid = \"s\"\nfile = \"s.txt\"\n");
        assert_eq!(
            e,
            "atlas.toml:1: error: no [atlas] table: it needs at least `id` and `title` (see data/README.md)"
        );
        let e = one_error("[atlas]\nid = \"x\"\n");
        assert!(e.contains("missing field `title`"), "{e}");
    }
}
