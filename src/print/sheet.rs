//! Sheet specifications: the `[[sheets]]` tables of `atlas.toml`.
//!
//! A sheet names what to frame (an `extent` in degrees, or a list of `sites`, or neither: then
//! every located site of the sheet), the paper and orientation, the projection, a title, and
//! optionally a `period` (only what possibly happened in it is drawn). `each_period = true`
//! expands one table into one sheet per period of the atlas. Detail `insets` frame a few sites
//! at a larger scale in the side panel.
//!
//! ```toml
//! [[sheets]]
//! id = "vorkuta"
//! title = "Vorkuta, 1936-1938"
//! paper = "A4"                 # A4 | A3 | letter
//! orientation = "landscape"    # landscape | portrait
//! sites = ["vorkuta_mine", "syr_yaga_barracks", "usa_station", "brickyard"]
//! projection = "utm41n"        # auto (default) | lcc | utm | utm<zone>n|s | tmerc | laea | merc | eqc
//! claims = true                # draw the account's stated distances
//! [[sheets.insets]]
//! title = "Brickyard and execution sites"
//! sites = ["brickyard", "exec_site_1", "exec_site_2"]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::PrintError;
use crate::authoring::did_you_mean_text;
use crate::config::Config;
use crate::diagnostics::Finding;

/// Paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// ISO A3, 297 × 420 mm.
    A3,
    /// US letter, 215.9 × 279.4 mm.
    Letter,
}

impl Paper {
    /// The names [`Paper::parse`] accepts (any case), for command-line help and errors.
    pub const NAMES: &[&str] = &["A4", "A3", "letter", "us-letter"];

    /// Parses `A4`, `A3` or `letter` (any case).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "a4" => Some(Self::A4),
            "a3" => Some(Self::A3),
            "letter" | "us-letter" => Some(Self::Letter),
            _ => None,
        }
    }

    /// Short side and long side, **mm**.
    #[must_use]
    pub fn portrait_mm(self) -> (f64, f64) {
        match self {
            Self::A4 => (210.0, 297.0),
            Self::A3 => (297.0, 420.0),
            Self::Letter => (215.9, 279.4),
        }
    }

    /// The name as written in `atlas.toml`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::A4 => "A4",
            Self::A3 => "A3",
            Self::Letter => "letter",
        }
    }
}

/// Which side of the paper is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// Wider than tall.
    Landscape,
    /// Taller than wide.
    Portrait,
}

impl Orientation {
    /// The names [`Orientation::parse`] accepts (any case).
    pub const NAMES: &[&str] = &["landscape", "portrait"];

    /// Parses `landscape` or `portrait`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "landscape" => Some(Self::Landscape),
            "portrait" => Some(Self::Portrait),
            _ => None,
        }
    }
}

pub use super::projection::ProjectionChoice;

/// A detail inset: a few sites at a larger scale, drawn in the side panel.
#[derive(Debug, Clone, PartialEq)]
pub struct InsetSpec {
    /// Heading of the inset.
    pub title: String,
    /// Sites to frame.
    pub sites: Vec<String>,
    /// Ground margin around them, **km**.
    pub margin_km: f64,
}

/// A time window: draw only what possibly happened in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Period id, or `at` for a single day.
    pub id: String,
    /// Human title.
    pub title: String,
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
}

/// One printed sheet, fully resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetSpec {
    /// File stem of the outputs.
    pub id: String,
    /// Title printed on the sheet.
    pub title: String,
    /// Second title line (may be empty).
    pub subtitle: String,
    /// Paper.
    pub paper: Paper,
    /// Orientation.
    pub orientation: Orientation,
    /// Frame: lon_min, lat_min, lon_max, lat_max, **degrees**.
    pub extent: Option<[f64; 4]>,
    /// Frame these sites when no extent is given.
    pub sites: Vec<String>,
    /// Ground margin around the framed sites, **km** (`None`: 8 % of the frame).
    pub margin_km: Option<f64>,
    /// Projection.
    pub projection: ProjectionChoice,
    /// Period id from `[[periods]]`, if the sheet shows one phase.
    pub period: Option<String>,
    /// One sheet per period (expanded by [`expand`]).
    pub each_period: bool,
    /// Draw the account's stated distances.
    pub claims: bool,
    /// Draw transfers.
    pub transfers: bool,
    /// PNG resolution, **dots per inch**.
    pub dpi: u32,
    /// Detail insets.
    pub insets: Vec<InsetSpec>,
    /// The resolved time window (set by [`expand`] from `period`, or by `--at`).
    pub window: Option<Window>,
    /// Map labels for sites whose name in the account is too long for a map, by site id.
    /// Labels given in any sheet apply to every sheet that does not set its own.
    pub labels: BTreeMap<String, String>,
}

impl SheetSpec {
    /// A sheet with defaults: A4 landscape, projection chosen from the frame, 300 dpi, the atlas
    /// extent.
    #[must_use]
    pub fn new(id: &str, title: &str) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            subtitle: String::new(),
            paper: Paper::A4,
            orientation: Orientation::Landscape,
            extent: None,
            sites: vec![],
            margin_km: None,
            projection: ProjectionChoice::Auto,
            period: None,
            each_period: false,
            claims: true,
            transfers: true,
            dpi: DEFAULT_DPI,
            insets: vec![],
            window: None,
            labels: BTreeMap::new(),
        }
    }

    /// Paper width and height in this orientation, **mm**.
    #[must_use]
    pub fn size_mm(&self) -> (f64, f64) {
        let (short, long) = self.paper.portrait_mm();
        match self.orientation {
            Orientation::Landscape => (long, short),
            Orientation::Portrait => (short, long),
        }
    }
}

/// PNG resolution when a sheet does not say, **dpi**.
pub const DEFAULT_DPI: u32 = 300;

/// Reads the `[[sheets]]` of `<atlas_dir>/atlas.toml` (none is fine: an empty list), for tools
/// that have no loaded atlas; the build reads them from the atlas's config ([`specs`]).
///
/// # Errors
/// [`PrintError::Sheet`] naming the file and line when `atlas.toml` or a sheet is malformed.
pub fn load(atlas_dir: &Path) -> Result<Vec<SheetSpec>, PrintError> {
    let config = Config::read(atlas_dir).map_err(first_error)?;
    specs(&config)
}

/// Parses the `[[sheets]]` of an `atlas.toml` text; `path` is used in messages.
///
/// # Errors
/// [`PrintError::Sheet`] naming the file and line when the text or a sheet is malformed.
pub fn parse(text: &str, path: &Path) -> Result<Vec<SheetSpec>, PrintError> {
    let (config, _) = Config::parse(path, text).map_err(first_error)?;
    specs(&config)
}

/// The sheets of `config`.
///
/// # Errors
/// [`PrintError::Sheet`] with the first problem [`from_config`] finds.
pub fn specs(config: &Config) -> Result<Vec<SheetSpec>, PrintError> {
    let (sheets, findings) = from_config(config);
    if findings.is_empty() {
        Ok(sheets)
    } else {
        Err(first_error(findings))
    }
}

fn first_error(findings: Vec<Finding>) -> PrintError {
    let f = findings.into_iter().next().unwrap_or_else(|| {
        Finding::error(Path::new("atlas.toml"), None, "atlas.toml cannot be read")
    });
    PrintError::Sheet {
        path: f.file,
        line: f.line.and_then(|l| usize::try_from(l).ok()),
        message: f.message,
    }
}

/// The sheets of `config` resolved to [`SheetSpec`]s, and every problem of their values (paper,
/// orientation, projection, extent, dpi, margins, ids, insets) located at its line and column;
/// a sheet with a problem is left out. `gazmap check` reports the problems; references to
/// sites and periods are checked there too, against the atlas.
#[must_use]
pub fn from_config(config: &Config) -> (Vec<SheetSpec>, Vec<Finding>) {
    let mut out: Vec<SheetSpec> = vec![];
    let mut findings = vec![];
    for s in &config.sheets {
        let id = s.id.get_ref();
        let before = findings.len();
        let mut bad = |span: std::ops::Range<usize>, field: &str, value: &str, hint: String| {
            findings.push(config.error(span, format!("sheet `{id}`: bad {field} `{value}`{hint}")));
        };
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bad(
                s.id.span(),
                "id (letters, digits, - and _ only)",
                id,
                String::new(),
            );
        }
        if out.iter().any(|o| o.id == *id) {
            bad(s.id.span(), "id (used twice)", id, String::new());
        }
        let mut spec = SheetSpec::new(id, &s.title);
        spec.subtitle.clone_from(&s.subtitle);
        if let Some(p) = &s.paper {
            match Paper::parse(p.get_ref()) {
                Some(paper) => spec.paper = paper,
                None => bad(
                    p.span(),
                    "paper (A4, A3 or letter)",
                    p.get_ref(),
                    did_you_mean_text(p.get_ref(), Paper::NAMES.iter().copied()),
                ),
            }
        }
        if let Some(o) = &s.orientation {
            match Orientation::parse(o.get_ref()) {
                Some(orientation) => spec.orientation = orientation,
                None => bad(
                    o.span(),
                    "orientation (landscape or portrait)",
                    o.get_ref(),
                    did_you_mean_text(o.get_ref(), Orientation::NAMES.iter().copied()),
                ),
            }
        }
        if let Some(extent) = &s.extent {
            let e = *extent.get_ref();
            if e[0] < e[2] && e[1] < e[3] && e[1] >= -85.0 && e[3] <= 85.0 {
                spec.extent = Some(e);
            } else {
                bad(
                    extent.span(),
                    "extent (lon_min, lat_min, lon_max, lat_max)",
                    &format!("{e:?}"),
                    String::new(),
                );
            }
        }
        spec.sites = s.sites.iter().map(|x| x.get_ref().clone()).collect();
        spec.labels = s
            .labels
            .iter()
            .map(|(k, v)| (k.get_ref().clone(), v.clone()))
            .collect();
        if let Some(m) = &s.margin_km {
            if *m.get_ref() >= 0.0 {
                spec.margin_km = Some(*m.get_ref());
            } else {
                bad(
                    m.span(),
                    "margin_km (0 or more)",
                    &m.get_ref().to_string(),
                    String::new(),
                );
            }
        }
        if let Some(p) = &s.projection {
            match ProjectionChoice::parse(p.get_ref()) {
                Some(projection) => spec.projection = projection,
                None => bad(
                    p.span(),
                    &format!("projection ({})", ProjectionChoice::NAMES),
                    p.get_ref(),
                    String::new(),
                ),
            }
        }
        spec.period = s.period.as_ref().map(|p| p.get_ref().clone());
        spec.each_period = s.each_period;
        spec.claims = s.claims.unwrap_or(true);
        spec.transfers = s.transfers.unwrap_or(true);
        if let Some(d) = &s.dpi {
            if (36..=1200).contains(d.get_ref()) {
                spec.dpi = *d.get_ref();
            } else {
                bad(
                    d.span(),
                    "dpi (36 to 1200)",
                    &d.get_ref().to_string(),
                    String::new(),
                );
            }
        }
        for i in &s.insets {
            if i.sites.is_empty() {
                bad(
                    i.title.span(),
                    "inset (needs sites)",
                    i.title.get_ref(),
                    String::new(),
                );
            }
            spec.insets.push(InsetSpec {
                title: i.title.get_ref().clone(),
                sites: i.sites.iter().map(|x| x.get_ref().clone()).collect(),
                margin_km: i.margin_km.unwrap_or(1.0),
            });
        }
        if findings.len() == before {
            out.push(spec);
        }
    }
    (out, findings)
}

/// Resolves periods: a sheet with `each_period` becomes one sheet per period
/// (`<id>-<period id>`), and a sheet's `period` is looked up in `periods`
/// (id, title, first day, last day).
///
/// # Errors
/// [`PrintError::Sheet`] when a sheet names a period the atlas does not define.
pub fn expand(
    sheets: &[SheetSpec],
    periods: &[(String, String, Date, Date)],
) -> Result<Vec<SheetSpec>, PrintError> {
    let mut shared: BTreeMap<String, String> = BTreeMap::new();
    for s in sheets {
        for (k, v) in &s.labels {
            shared.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    let mut out = vec![];
    for s in sheets {
        let mut s = s.clone();
        for (k, v) in &shared {
            s.labels.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let s = &s;
        if s.each_period {
            for (id, title, start, end) in periods {
                let mut one = s.clone();
                one.each_period = false;
                one.id = format!("{}-{id}", s.id);
                one.period = Some(id.clone());
                one.subtitle = if s.subtitle.is_empty() {
                    title.clone()
                } else {
                    format!("{}: {title}", s.subtitle)
                };
                one.window = Some(Window {
                    id: id.clone(),
                    title: title.clone(),
                    start: *start,
                    end: *end,
                });
                out.push(one);
            }
            continue;
        }
        let mut one = s.clone();
        if let Some(pid) = &s.period {
            let Some((id, title, start, end)) = periods.iter().find(|p| p.0 == *pid) else {
                return Err(PrintError::Sheet {
                    path: PathBuf::from("atlas.toml"),
                    line: None,
                    message: format!("sheet `{}`: no period `{pid}` in [[periods]]", s.id),
                });
            };
            one.window = Some(Window {
                id: id.clone(),
                title: title.clone(),
                start: *start,
                end: *end,
            });
        }
        out.push(one);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = r#"
[atlas]
id = "x"
title = "X"

[[sheets]]
id = "region"
title = "Region"
paper = "A3"
orientation = "landscape"
extent = [50.0, 62.0, 66.0, 68.5]

[[sheets]]
id = "phases"
title = "Phases"
each_period = true
projection = "utm41n"

[[sheets.insets]]
title = "Detail"
sites = ["a", "b"]

[sheets.labels]
a = "Site A"
"#;

    #[test]
    fn parses_sheets_and_expands_periods() {
        let sheets = parse(TOML, Path::new("atlas.toml")).unwrap();
        assert_eq!(sheets.len(), 2);
        assert_eq!(sheets[0].paper, Paper::A3);
        assert_eq!(sheets[0].size_mm(), (420.0, 297.0));
        assert_eq!(sheets[1].projection, ProjectionChoice::UtmNorth(41));
        assert_eq!(sheets[1].insets[0].sites, vec!["a", "b"]);
        let d = |s: &str| s.parse::<Date>().unwrap();
        let periods = vec![
            (
                "strike".into(),
                "Strike".into(),
                d("1936-10-01"),
                d("1937-03-31"),
            ),
            (
                "exec".into(),
                "Executions".into(),
                d("1938-03-01"),
                d("1938-05-31"),
            ),
        ];
        let all = expand(&sheets, &periods).unwrap();
        let ids: Vec<_> = all.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["region", "phases-strike", "phases-exec"]);
        assert_eq!(all[2].window.as_ref().unwrap().start, d("1938-03-01"));
        // Labels set on one sheet reach every sheet.
        assert_eq!(all[0].labels["a"], "Site A");
    }

    #[test]
    fn bad_paper_names_the_sheet_and_line() {
        let bad = TOML.replace("\"A3\"", "\"A5\"");
        let e = parse(&bad, Path::new("atlas.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("atlas.toml:9"), "{e}");
        assert!(e.contains("sheet `region`: bad paper"), "{e}");
    }

    #[test]
    fn unknown_key_is_an_error_with_a_line() {
        let bad = TOML.replace("paper = \"A3\"", "papr = \"A3\"");
        let e = parse(&bad, Path::new("atlas.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("atlas.toml:"), "{e}");
        assert!(e.contains("papr"), "{e}");
    }

    /// The findings of `[[sheets]]` tables read after a minimal `[atlas]` of three lines.
    fn problems(sheets: &str) -> Vec<String> {
        let text = format!("[atlas]\nid = \"x\"\ntitle = \"X\"\n{sheets}");
        let (config, _) = Config::parse(Path::new("atlas.toml"), &text).unwrap();
        from_config(&config)
            .1
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn every_bad_value_is_found_at_its_line_and_column() {
        let got = problems(
            "[[sheets]]\nid = \"a b\"\ntitle = \"A\"\npaper = \"A44\"\norientation = \"landscap\"\nextent = [10.0, 60.0, 5.0, 70.0]\nmargin_km = -1.0\nprojection = \"mollweide\"\ndpi = 20\n[[sheets.insets]]\ntitle = \"Empty\"\nsites = []\n\n[[sheets]]\nid = \"ok\"\ntitle = \"Fine\"\n\n[[sheets]]\nid = \"ok\"\ntitle = \"Again\"\n",
        );
        assert_eq!(
            got,
            [
                "atlas.toml:5:6: error: sheet `a b`: bad id (letters, digits, - and _ only) `a b`",
                "atlas.toml:7:9: error: sheet `a b`: bad paper (A4, A3 or letter) `A44` (did you mean `A4`?)",
                "atlas.toml:8:15: error: sheet `a b`: bad orientation (landscape or portrait) `landscap` (did you mean `landscape`?)",
                "atlas.toml:9:10: error: sheet `a b`: bad extent (lon_min, lat_min, lon_max, lat_max) `[10.0, 60.0, 5.0, 70.0]`",
                "atlas.toml:10:13: error: sheet `a b`: bad margin_km (0 or more) `-1`",
                "atlas.toml:11:14: error: sheet `a b`: bad projection (auto, lcc, utm, utm<zone>n, utm<zone>s, tmerc, laea, merc, eqc) `mollweide`",
                "atlas.toml:12:7: error: sheet `a b`: bad dpi (36 to 1200) `20`",
                "atlas.toml:14:9: error: sheet `a b`: bad inset (needs sites) `Empty`",
                "atlas.toml:22:6: error: sheet `ok`: bad id (used twice) `ok`",
            ]
        );
    }

    #[test]
    fn good_sheets_have_no_problems_and_keep_their_values() {
        let (config, _) = Config::parse(Path::new("atlas.toml"), TOML).unwrap();
        let (sheets, findings) = from_config(&config);
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(sheets, parse(TOML, Path::new("atlas.toml")).unwrap());
        assert_eq!(sheets[0].extent, Some([50.0, 62.0, 66.0, 68.5]));
        assert_eq!(sheets[1].labels["a"], "Site A");
    }

    #[test]
    fn projection_names() {
        assert_eq!(
            ProjectionChoice::parse("UTM41N"),
            Some(ProjectionChoice::UtmNorth(41))
        );
        assert_eq!(ProjectionChoice::parse("lcc"), Some(ProjectionChoice::Lcc));
        assert_eq!(ProjectionChoice::parse("utm61n"), None);
        assert_eq!(
            ProjectionChoice::parse("utm23s"),
            Some(ProjectionChoice::UtmSouth(23))
        );
        assert_eq!(
            ProjectionChoice::parse("auto"),
            Some(ProjectionChoice::Auto)
        );
        assert_eq!(
            ProjectionChoice::parse("laea"),
            Some(ProjectionChoice::Laea)
        );
        assert_eq!(ProjectionChoice::parse("mollweide"), None);
    }
}
