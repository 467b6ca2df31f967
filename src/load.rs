//! Reading an atlas folder (`atlas.toml`, `sites.csv`, `events.csv`, `claims.csv`,
//! `lines.geojson` and the source texts) into the [`Atlas`] model.
//!
//! Every problem in a value becomes a [`Finding`] with its file, line and column; the loader
//! reads on past bad rows so that one run reports everything. Only problems that leave nothing
//! to read (a missing or unparsable file) stop it early, as a [`LoadError`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use geo::{Intersects, LineString, MultiLineString, MultiPolygon, Point, Validation};

use crate::config::Config;
use crate::diagnostics::Finding;
use crate::geodesy;
use crate::model::{
    Area, AreaSource, Atlas, AtlasMeta, Basis, Citation, Claim, Event, Extent, Location, Name,
    Period, Place, Ring, RowOrigin, Site, SiteLine, Source,
};
use crate::time::{self, DateRange};

mod kinds;

/// A problem that stops loading before any row can be judged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Problems found while reading; the atlas cannot be assembled.
    #[error("{} problem(s) in the atlas", .0.iter().filter(|f| f.is_error()).count())]
    Invalid(Vec<Finding>),
}

/// What [`read`] returns: the atlas and the findings met on the way (the caller decides).
#[derive(Debug)]
pub struct Loaded {
    /// The atlas, with bad values left out.
    pub atlas: Atlas,
    /// Everything wrong or doubtful that the loader saw.
    pub findings: Vec<Finding>,
}

use crate::config::line_col;

/// Reads a text file; bytes that are not UTF-8 become a finding at the line and column
/// (in characters) of the first bad byte, which a hand-edited file in a legacy encoding needs.
fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        // The prefix up to `good` is valid UTF-8 by definition.
        let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
        let (line, col) = line_col(prefix, good);
        let mut f = Finding::error(
            path,
            Some(line),
            format!(
                "not valid UTF-8 (byte 0x{:02X}); save the file as UTF-8",
                bytes[good]
            ),
        );
        f.column = Some((col, String::new()));
        LoadError::Invalid(vec![f])
    })
}

/// Reads a source text named by `file = ...` in `atlas.toml`; when it cannot be read the
/// error points at that line of `atlas.toml`, which is where the fix usually goes.
fn read_source_text(
    config: &Config,
    path: &Path,
    file: &toml::Spanned<String>,
) -> Result<String, LoadError> {
    match read_text(path) {
        Err(LoadError::Read { source, .. }) => Err(LoadError::Invalid(vec![config.error(
            file.span(),
            format!(
                "[[sources]] file `{}`: cannot read {}: {source}",
                file.get_ref(),
                path.display()
            ),
        )])),
        other => other,
    }
}

/// Reads the atlas in `dir`.
///
/// # Errors
/// [`LoadError::Read`] when `atlas.toml`, a CSV file or a source text cannot be read;
/// [`LoadError::Invalid`] when `atlas.toml` does not parse or a CSV file has a broken header.
pub fn read(dir: &Path) -> Result<Loaded, LoadError> {
    let toml_path = dir.join("atlas.toml");
    let toml_text = read_text(&toml_path)?;
    // Parsed once, here; everything else reads `atlas.meta.config`.
    let (config, mut findings) =
        Config::parse(&toml_path, &toml_text).map_err(LoadError::Invalid)?;
    let parsed = &config.atlas;
    let time_range = match &parsed.time_range {
        Some(text) => match time::parse(text.get_ref(), None) {
            Ok(r) => Some(r),
            Err(e) => {
                findings.push(crate::config::with_value(
                    config.error(text.span(), format!("atlas.time_range: {e}")),
                    text.get_ref(),
                ));
                None
            }
        },
        None => None,
    };
    if let Some(extent) = &parsed.extent {
        let [w, s, e, n] = *extent.get_ref();
        if !(-180.0..=180.0).contains(&w)
            || !(-180.0..=180.0).contains(&e)
            || !(-90.0..=90.0).contains(&s)
            || !(-90.0..=90.0).contains(&n)
            || s >= n
        {
            findings.push(config.error(
                extent.span(),
                format!("atlas.extent {:?} must be [lon_min, lat_min, lon_max, lat_max] within -180..180 / -90..90", extent.get_ref()),
            ));
        }
    }
    let own_kinds = kinds::resolve(&config, &mut findings);
    let meta = AtlasMeta {
        id: parsed.id.clone(),
        title: parsed.title.clone(),
        description: parsed.description.clone(),
        licence: parsed.licence.clone(),
        credits: parsed.credits.clone(),
        base_uri: parsed.base_uri.clone(),
        extent: parsed.extent.as_ref().map(|e| *e.get_ref()),
        time_range: time_range.clone(),
        basemap_dir: config.basemap.as_ref().map(|b| dir.join(&b.dir)),
        basemap_credit: config
            .basemap
            .as_ref()
            .map(|b| b.credit.clone())
            .unwrap_or_default(),
        vocabulary: crate::style::Vocabulary::new(own_kinds, parsed.movement_label.clone()),
        config: Arc::default(),
    };

    let mut sources = vec![];
    for s in &config.sources {
        let path = dir.join(s.file.get_ref());
        // Without BOM and with LF line ends: citations must not move when a source is re-saved.
        let text = crate::authoring::quote_search::normalise_source(read_source_text(
            &config, &path, &s.file,
        )?);
        sources.push(Source {
            id: s.id.clone(),
            title: s.title.clone(),
            author: s.author.clone(),
            published: s.published.clone(),
            url: s.url.clone(),
            licence: s.licence.clone(),
            path,
            text,
        });
    }
    if sources.is_empty() {
        findings.push(Finding::error(
            &toml_path,
            config.line_starting("[atlas]"),
            "no [[sources]]: every place and event must cite a source text",
        ));
    }

    let mut periods = vec![];
    for p in &config.periods {
        match time::parse(p.when.get_ref(), time_range.as_ref()) {
            Ok(when) => periods.push(Period {
                id: p.id.get_ref().clone(),
                title: p.title.clone(),
                when,
            }),
            Err(e) => findings.push(crate::config::with_value(
                config.error(p.when.span(), format!("period `{}`: {e}", p.id.get_ref())),
                p.when.get_ref(),
            )),
        }
    }

    // A file that cannot be read as a table does not hide the problems of the others: each is
    // read, and the broken ones are reported together with everything else found.
    let mut broken = vec![];
    let mut table = |path: &Path, spec| match CsvTable::read(path, spec) {
        Ok(t) => Ok(Some(t)),
        Err(LoadError::Invalid(f)) => {
            broken.extend(f);
            Ok(None)
        }
        Err(e) => Err(e),
    };
    let sites_table = table(&dir.join("sites.csv"), SITE_COLUMNS)?;
    let events_table = table(&dir.join("events.csv"), EVENT_COLUMNS)?;
    let claims_path = dir.join("claims.csv");
    let claims_table = if claims_path.exists() {
        table(&claims_path, CLAIM_COLUMNS)?
    } else {
        None
    };
    let (mut sites, shapes) = sites_table
        .as_ref()
        .map(|t| read_sites(t, &mut findings))
        .unwrap_or_default();
    let lines_path = dir.join("lines.geojson");
    if lines_path.exists() {
        match read_lines(&lines_path, &mut sites, &mut findings) {
            Err(LoadError::Invalid(f)) => broken.extend(f),
            other => other?,
        }
    }
    let events = events_table
        .as_ref()
        .map(|t| read_events(t, time_range.as_ref(), &mut findings))
        .unwrap_or_default();
    let claims = claims_table
        .as_ref()
        .map(|t| read_claims(t, &mut findings))
        .unwrap_or_default();
    if !broken.is_empty() {
        broken.extend(findings);
        crate::diagnostics::sort(&mut broken);
        return Err(LoadError::Invalid(broken));
    }
    let areas_path = dir.join("areas.geojson");
    let outlines = if areas_path.exists() {
        read_areas(&areas_path, &sites, &shapes, &mut findings)?
    } else {
        BTreeMap::new()
    };
    resolve_shapes(&mut sites, shapes, outlines, &mut findings);

    Ok(Loaded {
        atlas: Atlas {
            dir: dir.to_path_buf(),
            meta: AtlasMeta {
                config: Arc::new(config),
                ..meta
            },
            sources,
            sites,
            events,
            claims,
            periods,
            index: crate::model::AtlasIndex::default(),
        },
        findings,
    })
}

/// A column of an input table, and whether every row must fill it.
#[derive(Clone, Copy)]
struct Column {
    name: &'static str,
    required: bool,
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}
const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

const SITE_COLUMNS: &[Column] = &[
    req("id"),
    req("name"),
    opt("names"),
    req("kind"),
    opt("lat"),
    opt("lon"),
    opt("uncertainty_m"),
    req("basis"),
    req("basis_reason"),
    opt("coord_ref"),
    req("source"),
    req("quote"),
    opt("alternative_to"),
    opt("part_of"),
    opt("when"),
    opt("wikidata"),
    opt("geonames"),
    opt("notes"),
    opt("shape"),
    opt("ring_from"),
    opt("ring_min_m"),
    opt("ring_max_m"),
    opt("bearing_min_deg"),
    opt("bearing_max_deg"),
    opt("area_margin_m"),
];
const EVENT_COLUMNS: &[Column] = &[
    req("id"),
    req("title"),
    req("kind"),
    req("when"),
    opt("site"),
    opt("from_site"),
    opt("to_site"),
    opt("people"),
    opt("people_text"),
    opt("people_min"),
    opt("people_max"),
    opt("mode"),
    req("source"),
    req("quote"),
    opt("disputed"),
    opt("notes"),
];
const CLAIM_COLUMNS: &[Column] = &[
    req("id"),
    req("from_site"),
    req("to_site"),
    req("stated_m"),
    req("tolerance_m"),
    req("by_construction"),
    req("source"),
    req("quote"),
    opt("notes"),
];

/// The columns of an atlas CSV file (`sites.csv`, `events.csv`, `claims.csv`) in their usual
/// order, with whether each is required; `None` for any other file name. `gazmap new` writes
/// these headers.
#[must_use]
pub fn csv_columns(file: &str) -> Option<Vec<(&'static str, bool)>> {
    let spec = match file {
        "sites.csv" => SITE_COLUMNS,
        "events.csv" => EVENT_COLUMNS,
        "claims.csv" => CLAIM_COLUMNS,
        _ => return None,
    };
    Some(spec.iter().map(|c| (c.name, c.required)).collect())
}

/// A CSV file with named columns and the line each record starts on.
struct CsvTable {
    path: PathBuf,
    columns: Arc<Vec<String>>,
    /// Column name -> position (the first, if a name repeats), so a cell is one lookup.
    index: rustc_hash::FxHashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
    spec: &'static [Column],
}

impl CsvTable {
    fn read(path: &Path, spec: &'static [Column]) -> Result<Self, LoadError> {
        let text = read_text(path)?;
        let known: Vec<&str> = spec.iter().map(|c| c.name).collect();
        if let Some(sep) =
            crate::authoring::locale::foreign_separator(text.lines().next().unwrap_or(""), &known)
        {
            return Err(LoadError::Invalid(vec![Finding::error(
                path,
                Some(1),
                crate::authoring::locale::separator_message(sep),
            )]));
        }
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let invalid = |line: Option<u64>, msg: String| {
            LoadError::Invalid(vec![Finding::error(path, line, msg)])
        };
        let headers = reader
            .headers()
            .map_err(|e| invalid(Some(1), format!("cannot read the header row: {e}")))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect::<Vec<_>>();
        let mut problems = vec![];
        for (i, h) in headers.iter().enumerate() {
            if !spec.iter().any(|c| c.name == h) {
                let known: Vec<_> = spec.iter().map(|c| c.name).collect();
                problems.push(
                    Finding::error(
                        path,
                        Some(1),
                        format!(
                            "unknown column{} (known columns: {})",
                            crate::authoring::did_you_mean_text(h, known.iter().copied()),
                            known.join(", ")
                        ),
                    )
                    .at(Some((i + 1, h.clone())), h.clone()),
                );
            }
            if headers[..i].contains(h) {
                problems.push(
                    Finding::error(path, Some(1), "column appears twice")
                        .at(Some((i + 1, h.clone())), h.clone()),
                );
            }
        }
        for c in spec.iter().filter(|c| c.required) {
            if !headers.iter().any(|h| h == c.name) {
                problems.push(Finding::error(
                    path,
                    Some(1),
                    format!("required column `{}` is missing", c.name),
                ));
            }
        }
        // With CRLF line ends csv reports a record as starting on the `\n` of the line before
        // it, so lines are counted from the first byte of the record's own text.
        // The newlines' offsets, found once: a record's line is a binary search, not a count
        // from the start of the file (which made reading quadratic).
        let bytes = text.as_bytes();
        let newlines: Vec<usize> = bytes
            .iter()
            .enumerate()
            .filter_map(|(i, b)| (*b == b'\n').then_some(i))
            .collect();
        let line_at = |byte: u64| {
            let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
            while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            newlines.partition_point(|&p| p < start) as u64 + 1
        };
        let mut rows = vec![];
        for record in reader.records() {
            match record {
                Ok(r) => rows.push((r.position().map_or(0, |p| line_at(p.byte())), r)),
                Err(e) => {
                    let line = e.position().map(|p| line_at(p.byte()));
                    problems.push(Finding::error(
                        path,
                        line,
                        format!("malformed CSV record: {e}"),
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(Self {
                path: path.to_path_buf(),
                index: headers
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(i, h)| (h.clone(), i))
                    .collect(),
                columns: Arc::new(headers),
                rows,
                spec,
            })
        } else {
            Err(LoadError::Invalid(problems))
        }
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, record)| Row {
            table: self,
            line: *line,
            record,
        })
    }
}

/// One record, with helpers that turn bad values into located findings.
struct Row<'a> {
    table: &'a CsvTable,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn column(&self, name: &str) -> Option<(usize, String)> {
        self.table.index.get(name).map(|i| (i + 1, name.to_owned()))
    }

    fn get(&self, name: &str) -> &str {
        self.table
            .index
            .get(name)
            .and_then(|&i| self.record.get(i))
            .map_or("", str::trim)
    }

    fn origin(&self) -> RowOrigin {
        RowOrigin {
            file: self.table.path.clone(),
            line: self.line,
            columns: Arc::clone(&self.table.columns),
        }
    }

    fn error(&self, column: &str, message: impl Into<String>) -> Finding {
        Finding::error(&self.table.path, Some(self.line), message)
            .at(self.column(column), self.get(column))
    }

    /// Reports every required column that is empty in this row.
    fn check_required(&self, findings: &mut Vec<Finding>) {
        for c in self.table.spec.iter().filter(|c| c.required) {
            if self.get(c.name).is_empty() {
                findings.push(self.error(c.name, "required value is empty"));
            }
        }
    }

    fn optional(&self, name: &str) -> Option<String> {
        let v = self.get(name);
        (!v.is_empty()).then(|| v.to_owned())
    }

    fn number(&self, name: &str, findings: &mut Vec<Finding>) -> Option<f64> {
        let v = self.get(name);
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                let message = crate::authoring::locale::number_hint(name, v)
                    .unwrap_or_else(|| "not a number".into());
                findings.push(self.error(name, message));
                None
            }
        }
    }

    fn date(
        &self,
        name: &str,
        fallback: Option<&DateRange>,
        findings: &mut Vec<Finding>,
    ) -> Option<DateRange> {
        let v = self.get(name);
        if v.is_empty() {
            return None;
        }
        match time::parse(v, fallback) {
            Ok(r) => Some(r),
            Err(e) => {
                findings.push(self.error(name, e.message));
                None
            }
        }
    }

    fn id(&self, findings: &mut Vec<Finding>) -> String {
        let id = self.get("id");
        if !id.is_empty()
            && !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            findings.push(self.error(
                "id",
                "ids are snake_case ASCII: lower-case letters, digits and `_`",
            ));
        }
        id.to_owned()
    }

    fn citation(&self) -> Citation {
        Citation {
            source_id: self.get("source").to_owned(),
            char_offset: None,
            quote: self.get("quote").to_owned(),
        }
    }
}

fn parse_names(row: &Row<'_>, findings: &mut Vec<Finding>) -> Vec<Name> {
    let mut names = vec![];
    for part in row
        .get("names")
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match part.rsplit_once('@') {
            Some((text, lang)) if !text.trim().is_empty() && is_language_tag(lang.trim()) => {
                names.push(Name { text: text.trim().to_owned(), lang: lang.trim().to_owned() });
            }
            _ => findings.push(row.error(
                "names",
                format!("`{part}` is not `text@lang` (a name, `@`, and a BCP 47 language tag such as ru or ru-Latn)"),
            )),
        }
    }
    names
}

/// A loose BCP 47 check: letters, digits and hyphens, starting with a 2-3 letter language.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()));
    lang_ok
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A site's `shape` columns as written, before the other sites it refers to are known.
#[derive(Debug, Clone, PartialEq)]
enum ShapeSpec {
    Circle,
    Ring {
        from: String,
        min_m: f64,
        max_m: f64,
        bearings: Option<(f64, f64)>,
    },
    Area {
        margin_m: f64,
    },
}

/// Margin around an area's parts when `area_margin_m` is empty, **metres**.
pub const DEFAULT_AREA_MARGIN_M: f64 = 20_000.0;

const RING_COLUMNS: &[&str] = &[
    "ring_from",
    "ring_min_m",
    "ring_max_m",
    "bearing_min_deg",
    "bearing_max_deg",
];

/// Reads the `shape` columns of a row, reporting values that contradict each other.
fn read_shape(row: &Row<'_>, findings: &mut Vec<Finding>) -> ShapeSpec {
    let shape = row.get("shape");
    let spec = match shape {
        "" | "circle" => ShapeSpec::Circle,
        "ring" => {
            let from = row.get("ring_from").to_owned();
            if from.is_empty() {
                findings.push(row.error(
                    "ring_from",
                    "a ring needs `ring_from`: the site its distance is measured from",
                ));
            }
            if from == row.get("id") && !from.is_empty() {
                findings.push(row.error("ring_from", "a ring cannot be measured from itself"));
            }
            let min = row.number("ring_min_m", findings);
            let max = row.number("ring_max_m", findings);
            for (c, v) in [("ring_min_m", min), ("ring_max_m", max)] {
                if v.is_none() && row.get(c).is_empty() {
                    findings
                        .push(row.error(c, "a ring needs `ring_min_m` and `ring_max_m` (metres)"));
                }
                if let Some(v) = v.filter(|v| *v < 0.0) {
                    findings.push(row.error(c, format!("a distance cannot be negative ({v})")));
                }
            }
            let bmin = row.number("bearing_min_deg", findings);
            let bmax = row.number("bearing_max_deg", findings);
            let mut bearings_ok = true;
            for (c, v) in [("bearing_min_deg", bmin), ("bearing_max_deg", bmax)] {
                if let Some(v) = v.filter(|v| !(0.0..=360.0).contains(v)) {
                    findings.push(row.error(c, format!("bearing {v} is out of range 0..360")));
                    bearings_ok = false;
                }
            }
            let bearings = match (bmin, bmax) {
                (Some(a), Some(b)) if bearings_ok => {
                    if (a - b).rem_euclid(360.0) == 0.0 {
                        findings.push(row.error(
                            "bearing_max_deg",
                            "the bearings are equal: leave both empty for a full ring",
                        ));
                        None
                    } else {
                        Some((a, b))
                    }
                }
                (Some(_), None) if row.get("bearing_max_deg").is_empty() => {
                    findings.push(row.error(
                        "bearing_max_deg",
                        "give both bearings of the sector or neither",
                    ));
                    None
                }
                (None, Some(_)) if row.get("bearing_min_deg").is_empty() => {
                    findings.push(row.error(
                        "bearing_min_deg",
                        "give both bearings of the sector or neither",
                    ));
                    None
                }
                _ => None,
            };
            match (min, max) {
                (Some(min_m), Some(max_m)) if min_m >= 0.0 && max_m > 0.0 && !from.is_empty() => {
                    if min_m > max_m {
                        findings.push(row.error(
                            "ring_min_m",
                            format!("ring_min_m ({min_m}) is larger than ring_max_m ({max_m})"),
                        ));
                        ShapeSpec::Circle
                    } else {
                        ShapeSpec::Ring {
                            from,
                            min_m,
                            max_m,
                            bearings,
                        }
                    }
                }
                (_, Some(max_m)) if max_m <= 0.0 => {
                    findings.push(row.error("ring_max_m", "ring_max_m must be positive"));
                    ShapeSpec::Circle
                }
                _ => ShapeSpec::Circle,
            }
        }
        "area" => {
            let margin = row.number("area_margin_m", findings);
            if let Some(v) = margin.filter(|v| *v < 0.0) {
                findings.push(row.error(
                    "area_margin_m",
                    format!("a margin cannot be negative ({v})"),
                ));
            }
            ShapeSpec::Area {
                margin_m: margin
                    .filter(|v| *v >= 0.0)
                    .unwrap_or(DEFAULT_AREA_MARGIN_M),
            }
        }
        other => {
            findings.push(row.error(
                "shape",
                format!("unknown shape `{other}` (known: circle, ring, area; empty means circle)"),
            ));
            ShapeSpec::Circle
        }
    };
    if shape != "ring" {
        for c in RING_COLUMNS {
            if !row.get(c).is_empty() {
                findings.push(row.error(c, "only a site of shape `ring` uses this column"));
            }
        }
    }
    if shape != "area" && !row.get("area_margin_m").is_empty() {
        findings.push(row.error(
            "area_margin_m",
            "only a site of shape `area` uses this column",
        ));
    }
    if matches!(shape, "ring" | "area") && row.get("basis") == "unlocated" {
        findings.push(row.error(
            "shape",
            "a ring or area still needs lat/lon: its representative point (for labels)",
        ));
    }
    spec
}

/// A shape spec with the row it came from, for messages while resolving.
type ShapeRow = (ShapeSpec, RowOrigin);

fn read_sites(table: &CsvTable, findings: &mut Vec<Finding>) -> (Vec<Site>, Vec<ShapeRow>) {
    let mut sites = vec![];
    let mut shapes = vec![];
    for row in table.rows() {
        shapes.push((read_shape(&row, findings), row.origin()));
        row.check_required(findings);
        let id = row.id(findings);
        let basis = Basis::parse(row.get("basis"));
        if basis.is_none() && !row.get("basis").is_empty() {
            findings.push(row.error(
                "basis",
                "basis must be documented, approximate, inferred or unlocated",
            ));
        }
        let lat = row.number("lat", findings);
        let lon = row.number("lon", findings);
        let radius = row.number("uncertainty_m", findings);
        let location = if basis == Some(Basis::Unlocated) {
            for c in ["lat", "lon", "uncertainty_m"] {
                if !row.get(c).is_empty() {
                    findings.push(row.error(
                        c,
                        "an unlocated site has no coordinates: empty this cell or change `basis`",
                    ));
                }
            }
            None
        } else {
            for (c, v) in [("lat", lat), ("lon", lon), ("uncertainty_m", radius)] {
                if v.is_none() && row.get(c).is_empty() {
                    findings.push(row.error(c, "missing: a located site needs lat, lon and uncertainty_m (or basis `unlocated`)"));
                }
            }
            if row.get("coord_ref").is_empty() {
                findings
                    .push(row.error("coord_ref", "missing: say where the coordinates come from"));
            }
            if let Some(v) = lat.filter(|v| !(-90.0..=90.0).contains(v)) {
                findings.push(row.error("lat", format!("latitude {v} is out of range -90..90")));
            }
            if let Some(v) = lon.filter(|v| !(-180.0..=180.0).contains(v)) {
                findings.push(row.error("lon", format!("longitude {v} is out of range -180..180")));
            }
            if let Some(v) = radius.filter(|v| *v < 0.0) {
                findings.push(row.error(
                    "uncertainty_m",
                    format!("uncertainty radius {v} m is negative"),
                ));
            }
            match (lat, lon, radius) {
                (Some(lat), Some(lon), Some(r))
                    if (-90.0..=90.0).contains(&lat)
                        && (-180.0..=180.0).contains(&lon)
                        && r >= 0.0 =>
                {
                    Some(Location {
                        lon,
                        lat,
                        uncertainty_m: r,
                    })
                }
                _ => None,
            }
        };
        sites.push(Site {
            id,
            name: row.get("name").to_owned(),
            names: parse_names(&row, findings),
            kind: row.get("kind").to_owned(),
            location,
            basis: basis.unwrap_or(Basis::Unlocated),
            basis_reason: row.get("basis_reason").to_owned(),
            coord_ref: row.get("coord_ref").to_owned(),
            citation: row.citation(),
            alternative_to: row.optional("alternative_to"),
            part_of: row.optional("part_of"),
            when: row.date("when", None, findings),
            wikidata: row.get("wikidata").to_owned(),
            geonames: row.get("geonames").to_owned(),
            notes: row.get("notes").to_owned(),
            line: None,
            extent: Extent::Circle,
            origin: row.origin(),
        });
    }
    (sites, shapes)
}

fn read_lines(
    path: &Path,
    sites: &mut [Site],
    findings: &mut Vec<Finding>,
) -> Result<(), LoadError> {
    let text = read_text(path)?;
    let collection: geojson::FeatureCollection = text
        .parse::<geojson::GeoJson>()
        .map_err(|e| {
            LoadError::Invalid(vec![Finding::error(
                path,
                None,
                format!("not a GeoJSON FeatureCollection: {e}"),
            )])
        })?
        .try_into()
        .map_err(|e: geojson::Error| {
            LoadError::Invalid(vec![Finding::error(
                path,
                None,
                format!("not a GeoJSON FeatureCollection: {e}"),
            )])
        })?;
    let mut seen = BTreeMap::new();
    let mut by_id: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, s) in sites.iter().enumerate() {
        by_id.entry(s.id.clone()).or_insert(i);
    }
    for (index, feature) in collection.features.iter().enumerate() {
        let label = |msg: String| Finding::error(path, None, format!("feature {index}: {msg}"));
        let id = match &feature.id {
            Some(geojson::feature::Id::String(s)) => s.clone(),
            _ => {
                findings.push(label("needs a string `id` naming its site".into()));
                continue;
            }
        };
        if seen.insert(id.clone(), index).is_some() {
            findings.push(label(format!("id `{id}` appears twice")));
        }
        let geometry = feature
            .geometry
            .as_ref()
            .map(|g| geo::Geometry::<f64>::try_from(g.value.clone()));
        let lines = match geometry {
            Some(Ok(geo::Geometry::LineString(l))) => MultiLineString::new(vec![l]),
            Some(Ok(geo::Geometry::MultiLineString(m))) => m,
            _ => {
                findings.push(label(format!(
                    "`{id}` must be a LineString or MultiLineString"
                )));
                continue;
            }
        };
        if let Some(bad) = lines
            .0
            .iter()
            .flat_map(LineString::coords)
            .find(|c| c.x.abs() > 180.0 || c.y.abs() > 90.0)
        {
            findings.push(label(format!(
                "`{id}` has a coordinate out of range: {}, {}",
                bad.x, bad.y
            )));
        }
        let prop = |k: &str| feature.properties.as_ref().and_then(|p| p.get(k));
        let Some(schematic) = prop("schematic").and_then(serde_json::Value::as_bool) else {
            findings.push(label(format!(
                "`{id}` needs a boolean property `schematic`"
            )));
            continue;
        };
        let geometry_ref = prop("geometry_ref")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match by_id.get(&id).map(|&i| &mut sites[i]) {
            Some(site) => {
                site.line = Some(SiteLine {
                    geometry: lines,
                    schematic,
                    geometry_ref,
                })
            }
            None => findings.push(label(format!("`{id}` is not a site id in sites.csv"))),
        }
    }
    Ok(())
}

/// An outline from `areas.geojson`: the polygons, `geometry_ref` and `documented`.
type Outline = (MultiPolygon, String, bool);

/// 1-based line of the feature whose `"id"` is `id` in a GeoJSON text (for messages).
fn feature_line(text: &str, id: &str) -> Option<u64> {
    let quoted = format!("\"{id}\"");
    let mut from = 0;
    while let Some(i) = text[from..].find(&quoted) {
        let at = from + i;
        let before = text[..at].trim_end();
        if before.ends_with(':') && before[..before.len() - 1].trim_end().ends_with("\"id\"") {
            return Some(line_col(text, at).0);
        }
        from = at + quoted.len();
    }
    None
}

/// Reads `areas.geojson`: one Polygon or MultiPolygon per area site, keyed by site id.
fn read_areas(
    path: &Path,
    sites: &[Site],
    shapes: &[ShapeRow],
    findings: &mut Vec<Finding>,
) -> Result<BTreeMap<String, Outline>, LoadError> {
    let text = read_text(path)?;
    let not_fc = |e: &dyn std::fmt::Display| {
        LoadError::Invalid(vec![Finding::error(
            path,
            None,
            format!("not a GeoJSON FeatureCollection: {e}"),
        )])
    };
    let collection: geojson::FeatureCollection = text
        .parse::<geojson::GeoJson>()
        .map_err(|e| not_fc(&e))?
        .try_into()
        .map_err(|e: geojson::Error| not_fc(&e))?;
    let mut outlines = BTreeMap::new();
    for (index, feature) in collection.features.iter().enumerate() {
        let id = match &feature.id {
            Some(geojson::feature::Id::String(s)) => s.clone(),
            _ => {
                findings.push(Finding::error(
                    path,
                    None,
                    format!("feature {index}: needs a string `id` naming its area site"),
                ));
                continue;
            }
        };
        let line = feature_line(&text, &id);
        let label = |msg: String| Finding::error(path, line, msg).at(None, id.as_str());
        let geometry = feature
            .geometry
            .as_ref()
            .map(|g| geo::Geometry::<f64>::try_from(g.value.clone()));
        let polygons = match geometry {
            Some(Ok(geo::Geometry::Polygon(p))) => MultiPolygon::new(vec![p]),
            Some(Ok(geo::Geometry::MultiPolygon(m))) => m,
            _ => {
                findings.push(label(
                    "an area outline must be a Polygon or MultiPolygon".into(),
                ));
                continue;
            }
        };
        if let Some(bad) = polygons
            .0
            .iter()
            .flat_map(|p| {
                p.exterior()
                    .coords()
                    .chain(p.interiors().iter().flat_map(LineString::coords))
            })
            .find(|c| c.x.abs() > 180.0 || c.y.abs() > 90.0)
        {
            findings.push(label(format!(
                "a coordinate is out of range: {}, {}",
                bad.x, bad.y
            )));
            continue;
        }
        if let Err(e) = polygons.check_validation() {
            findings.push(label(format!("the outline is not a valid polygon: {e}")));
            continue;
        }
        let prop = |k: &str| feature.properties.as_ref().and_then(|p| p.get(k));
        let geometry_ref = prop("geometry_ref")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if geometry_ref.is_empty() {
            findings.push(label(
                "needs a text property `geometry_ref`: where the outline comes from".into(),
            ));
        }
        let Some(documented) = prop("documented").and_then(serde_json::Value::as_bool) else {
            findings.push(label("needs a boolean property `documented`".into()));
            continue;
        };
        match sites.iter().position(|s| s.id == id) {
            None => findings.push(label("no site in sites.csv has this id".into())),
            Some(i) if !matches!(shapes[i].0, ShapeSpec::Area { .. }) => findings.push(label(
                "this site's `shape` is not `area`: set it to `area` or remove the outline".into(),
            )),
            Some(_) => {
                if outlines
                    .insert(id.clone(), (polygons, geometry_ref, documented))
                    .is_some()
                {
                    findings.push(label("this id has two outlines".into()));
                }
            }
        }
    }
    Ok(outlines)
}

/// Turns every site's shape spec into its [`Extent`], now that all sites and outlines are read.
/// A shape that cannot be drawn is reported and left a circle.
fn resolve_shapes(
    sites: &mut [Site],
    shapes: Vec<ShapeRow>,
    mut outlines: BTreeMap<String, Outline>,
    findings: &mut Vec<Finding>,
) {
    let extents: Vec<Extent> = shapes
        .iter()
        .enumerate()
        .map(|(i, (spec, origin))| resolve_one(sites, i, spec, origin, &mut outlines, findings))
        .collect();
    for (site, extent) in sites.iter_mut().zip(extents) {
        site.extent = extent;
    }
}

fn resolve_one(
    sites: &[Site],
    index: usize,
    spec: &ShapeSpec,
    origin: &RowOrigin,
    outlines: &mut BTreeMap<String, Outline>,
    findings: &mut Vec<Finding>,
) -> Extent {
    let site = &sites[index];
    let error = |column: &str, value: &str, msg: String| {
        Finding::error(&origin.file, Some(origin.line), msg).at(origin.column(column), value)
    };
    let warning = |column: &str, value: String, msg: String| {
        Finding::warning(&origin.file, Some(origin.line), msg).at(origin.column(column), value)
    };
    match spec {
        ShapeSpec::Circle => Extent::Circle,
        ShapeSpec::Ring {
            from,
            min_m,
            max_m,
            bearings,
        } => {
            let Some(centre_site) = sites.iter().find(|s| s.id == *from) else {
                findings.push(error("ring_from", from, "unknown site id".into()));
                return Extent::Circle;
            };
            let Some(centre) = centre_site.point() else {
                findings.push(error(
                    "ring_from",
                    from,
                    "this site is unlocated: a ring needs a point to measure from".into(),
                ));
                return Extent::Circle;
            };
            let polygon = match bearings {
                Some((a, b)) => geodesy::annular_sector(centre, *min_m, *max_m, *a, *b),
                None => geodesy::annulus(centre, *min_m, *max_m),
            };
            if let Some(p) = site.point() {
                let d = geodesy::distance_m(centre, p);
                let inside_distance = d >= min_m - 1.0 && d <= max_m + 1.0;
                let inside_bearing = bearings.is_none_or(|(a, b)| {
                    geodesy::bearing_in_sector(
                        geodesy::bearing_deg(centre, p).rem_euclid(360.0),
                        a,
                        b,
                        0.01,
                    )
                });
                if !(inside_distance && inside_bearing) {
                    findings.push(warning(
                        "lat",
                        format!("{}, {}", p.y(), p.x()),
                        format!(
                            "the representative point lies outside its ring: {:.1} km at {:.0}° from `{from}`",
                            d / 1000.0,
                            geodesy::bearing_deg(centre, p).rem_euclid(360.0)
                        ),
                    ));
                }
                cover_warning(
                    site,
                    &polygon.exterior().points().collect::<Vec<_>>(),
                    &warning,
                    findings,
                );
            }
            Extent::Ring(Ring {
                from: from.clone(),
                min_m: *min_m,
                max_m: *max_m,
                bearings: *bearings,
                polygon,
            })
        }
        ShapeSpec::Area { margin_m } => {
            let (outline, source) = if let Some((outline, geometry_ref, documented)) =
                outlines.remove(&site.id)
            {
                (
                    outline,
                    AreaSource::Drawn {
                        geometry_ref,
                        documented,
                    },
                )
            } else {
                let parts = descendants(sites, &site.id);
                let points: Vec<Point> = parts.iter().filter_map(|i| sites[*i].point()).collect();
                let Some(hull) = geodesy::hull_with_margin(&points, *margin_m) else {
                    findings.push(error(
                        "shape",
                        "area",
                        format!(
                            "an area needs an outline in areas.geojson or located parts (sites whose `part_of` is `{}`)",
                            site.id
                        ),
                    ));
                    return Extent::Circle;
                };
                let mut ids: Vec<String> = parts
                    .iter()
                    .filter(|i| sites[**i].location.is_some())
                    .map(|i| sites[*i].id.clone())
                    .collect();
                ids.sort();
                (
                    MultiPolygon::new(vec![hull]),
                    AreaSource::Hull {
                        parts: ids,
                        margin_m: *margin_m,
                    },
                )
            };
            if let Some(p) = site.point() {
                if !outline.intersects(&p) {
                    findings.push(warning(
                        "lat",
                        format!("{}, {}", p.y(), p.x()),
                        "the representative point lies outside its area".into(),
                    ));
                }
                let vertices: Vec<Point> = outline
                    .0
                    .iter()
                    .flat_map(|poly| poly.exterior().points())
                    .collect();
                cover_warning(site, &vertices, &warning, findings);
            }
            Extent::Area(Area { outline, source })
        }
    }
}

/// Warns when `uncertainty_m` is too small for a circle around the point to cover the shape.
fn cover_warning(
    site: &Site,
    vertices: &[Point],
    warning: &dyn Fn(&str, String, String) -> Finding,
    findings: &mut Vec<Finding>,
) {
    let (Some(p), Some(l)) = (site.point(), site.location) else {
        return;
    };
    let reach = vertices
        .iter()
        .map(|v| geodesy::distance_m(p, *v))
        .fold(0.0, f64::max);
    if reach > l.uncertainty_m * 1.01 + 1.0 {
        findings.push(warning(
            "uncertainty_m",
            format!("{}", l.uncertainty_m),
            format!(
                "the shape reaches {:.0} m from the point: uncertainty_m should cover it (at least {:.0})",
                reach,
                reach.ceil()
            ),
        ));
    }
}

/// Indices of the sites whose `part_of` chain leads to `id` (cycles are cut).
fn descendants(sites: &[Site], id: &str) -> Vec<usize> {
    let mut out = vec![];
    let mut frontier = vec![id.to_owned()];
    while let Some(parent) = frontier.pop() {
        for (i, s) in sites.iter().enumerate() {
            if s.part_of.as_deref() == Some(parent.as_str()) && s.id != id && !out.contains(&i) {
                out.push(i);
                frontier.push(s.id.clone());
            }
        }
    }
    out
}

fn read_events(
    table: &CsvTable,
    time_range: Option<&DateRange>,
    findings: &mut Vec<Finding>,
) -> Vec<Event> {
    let mut events = vec![];
    for row in table.rows() {
        row.check_required(findings);
        let id = row.id(findings);
        let (site, from, to) = (
            row.optional("site"),
            row.optional("from_site"),
            row.optional("to_site"),
        );
        let place = match (site, from, to) {
            (site, None, None) => Place::At(site),
            (None, Some(from), Some(to)) => Place::Movement { from, to },
            (Some(_), _, _) => {
                findings.push(row.error(
                    "site",
                    "a row has either `site` or both `from_site` and `to_site`, not both",
                ));
                Place::At(None)
            }
            (None, Some(_), None) => {
                findings
                    .push(row.error("to_site", "a transfer needs both ends: `to_site` is empty"));
                Place::At(None)
            }
            (None, None, Some(_)) => {
                findings.push(row.error(
                    "from_site",
                    "a transfer needs both ends: `from_site` is empty",
                ));
                Place::At(None)
            }
        };
        if row.get("kind") == "transfer"
            && !matches!(place, Place::Movement { .. })
            && row.get("site").is_empty()
            && row.get("from_site").is_empty()
            && row.get("to_site").is_empty()
        {
            findings.push(row.error("kind", "a transfer needs both `from_site` and `to_site`"));
        }
        let people = match row.get("people") {
            "" => None,
            v => match v.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    findings.push(row.error(
                        "people",
                        "not a whole number (put the account's words in `people_text`)",
                    ));
                    None
                }
            },
        };
        let people_min = whole_number(&row, "people_min", findings);
        let people_max = whole_number(&row, "people_max", findings);
        if let (Some(lo), Some(hi)) = (people_min, people_max)
            && lo > hi
        {
            findings.push(row.error(
                "people_min",
                format!("people_min ({lo}) is larger than people_max ({hi})"),
            ));
        }
        if let Some(n) = people {
            if let Some(lo) = people_min.filter(|lo| n < *lo) {
                findings
                    .push(row.error("people", format!("people ({n}) is below people_min ({lo})")));
            }
            if let Some(hi) = people_max.filter(|hi| n > *hi) {
                findings
                    .push(row.error("people", format!("people ({n}) is above people_max ({hi})")));
            }
        }
        let Some(when) = row.date("when", time_range, findings) else {
            continue;
        };
        events.push(Event {
            id,
            title: row.get("title").to_owned(),
            kind: row.get("kind").to_owned(),
            when,
            place,
            people,
            people_min,
            people_max,
            people_text: row.get("people_text").to_owned(),
            mode: row.get("mode").to_owned(),
            citation: row.citation(),
            disputed: row.get("disputed").to_owned(),
            notes: row.get("notes").to_owned(),
            origin: row.origin(),
        });
    }
    events
}

/// An optional whole number of people in column `name`.
fn whole_number(row: &Row<'_>, name: &str, findings: &mut Vec<Finding>) -> Option<u32> {
    match row.get(name) {
        "" => None,
        v => v.parse::<u32>().map_or_else(
            |_| {
                findings.push(row.error(name, "not a whole number"));
                None
            },
            Some,
        ),
    }
}

fn read_claims(table: &CsvTable, findings: &mut Vec<Finding>) -> Vec<Claim> {
    let mut claims = vec![];
    for row in table.rows() {
        row.check_required(findings);
        let id = row.id(findings);
        let stated = row.number("stated_m", findings);
        let tolerance = row.number("tolerance_m", findings);
        if let Some(v) = stated.filter(|v| *v <= 0.0) {
            findings.push(row.error(
                "stated_m",
                format!("a stated distance must be positive, not {v}"),
            ));
        }
        if let Some(v) = tolerance.filter(|v| *v < 0.0) {
            findings.push(row.error(
                "tolerance_m",
                format!("a tolerance cannot be negative ({v})"),
            ));
        }
        let by_construction = match row.get("by_construction") {
            "true" => true,
            "false" | "" => false,
            _ => {
                findings.push(row.error("by_construction", "must be `true` or `false`"));
                false
            }
        };
        let (Some(stated_m), Some(tolerance_m)) = (stated, tolerance) else {
            continue;
        };
        claims.push(Claim {
            id,
            from_site: row.get("from_site").to_owned(),
            to_site: row.get("to_site").to_owned(),
            stated_m,
            tolerance_m,
            by_construction,
            citation: row.citation(),
            notes: row.get("notes").to_owned(),
            verdict: None,
            origin: row.origin(),
        });
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        assert!(is_language_tag("ru"));
        assert!(is_language_tag("ru-Latn"));
        assert!(is_language_tag("kpv"));
        assert!(!is_language_tag("Russian"));
        assert!(!is_language_tag(""));
    }
}
