//! Printable maps: each sheet of an atlas as SVG, PDF and PNG, made without a browser and
//! without system fonts.
//!
//! A sheet ([`sheet::SheetSpec`], from the `[[sheets]]` of `atlas.toml`) is composed into one SVG
//! (SVG 1.1 with `paint-order` halos, paper millimetres as user units): a conformal projection
//! fitted to the frame ([`projection`], Lambert conformal conic or UTM through `proj4rs`), the
//! GeoJSON basemap in quiet colours, a graticule with degree labels at the frame, the atlas's
//! uncertainty shapes as the `uncertainty` layer holds them ([`uncertainty`]: circles, rings and
//! sectors, hatched areas), stated distances, transfers with arrowheads and distance labels, site
//! symbols by kind (hollow with "?" where the position is approximate or inferred), labels placed
//! without overlaps ([`labels`]), detail insets (in the panel, or in a free corner of the map when
//! the panel is full), a locator, a legend generated from what is drawn,
//! a scale bar true at the map centre, a north arrow turned by the grid convergence, notes and
//! credits. The SVG is then parsed once by `usvg` and drawn by resvg (PNG) and krilla (PDF), so
//! all three files match ([`render`]). Text is DejaVu Sans from the `dejavu` crate ([`fonts`]).
//!
//! Not supported: curved labels along rivers, hill shading, multi-page atlases, CMYK output.

pub mod compose;
pub mod content;
pub mod fonts;
mod frame;
pub mod labels;
mod map;
mod page;
mod panel;
mod planar;
pub mod projection;
pub mod render;
pub mod sheet;
pub mod svgdoc;
mod typography;
pub mod uncertainty;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::layers::{Layer, Layers};
use crate::output::write_atomic;
pub use compose::{Composed, compose};
pub use sheet::SheetSpec;

/// Errors of the print writer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrintError {
    /// A `[[sheets]]` table is wrong.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Sheet {
        /// The `atlas.toml`.
        path: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A projection could not be set up or a point could not be projected.
    #[error("projection: {0}")]
    Projection(String),
    /// A sheet cannot be laid out.
    #[error("sheet `{sheet}`: {message}")]
    Layout {
        /// Sheet id.
        sheet: String,
        /// What is wrong.
        message: String,
    },
    /// The SVG could not be turned into PNG or PDF.
    #[error("rendering {what}: {message}")]
    Render {
        /// `SVG`, `PNG` or `PDF`.
        what: String,
        /// The renderer's message.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Output formats of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// Scalable vector graphics (the master).
    Svg,
    /// PDF 1.7, text embedded.
    Pdf,
    /// PNG at the sheet's resolution.
    Png,
}

impl Format {
    /// The names [`Format::parse`] accepts (any case).
    pub const NAMES: &[&str] = &["svg", "pdf", "png"];

    /// Parses `svg`, `pdf` or `png`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "svg" => Some(Self::Svg),
            "pdf" => Some(Self::Pdf),
            "png" => Some(Self::Png),
            _ => None,
        }
    }

    /// File extension.
    #[must_use]
    pub fn ext(self) -> &'static str {
        match self {
            Self::Svg => "svg",
            Self::Pdf => "pdf",
            Self::Png => "png",
        }
    }

    /// All three.
    pub const ALL: [Self; 3] = [Self::Svg, Self::Pdf, Self::Png];
}

/// What one sheet holds and what it had to leave out.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SheetReport {
    /// Sheet id (file stem).
    pub id: String,
    /// Title.
    pub title: String,
    /// Paper and orientation.
    pub paper: String,
    /// Scale denominator.
    pub scale: u64,
    /// PROJ string of the map.
    pub projection: String,
    /// Sites drawn in the main frame.
    pub sites: usize,
    /// Labels placed on the main map.
    pub labels_placed: usize,
    /// Labels that did not fit on the main map (sites, rivers, regions, distances).
    pub labels_omitted: Vec<String>,
    /// Site labels among those (printed in the sheet's notes).
    pub sites_unlabelled: Vec<String>,
    /// Events listed in the panel.
    pub events_listed: usize,
    /// Events and transfers of the sheet's period.
    pub events_in_period: usize,
    /// Transfers drawn or considered.
    pub transfers: usize,
    /// Things left out of the panel for lack of room.
    pub warnings: Vec<String>,
    /// Files written, with sizes in bytes.
    pub files: Vec<(PathBuf, u64)>,
}

/// Composes `spec` and writes it into `dir` in each of `formats` (`<id>.svg|pdf|png`).
///
/// # Errors
/// Any [`PrintError`].
pub fn write_sheet(
    layers: &Layers,
    locator: Option<&Layer>,
    spec: &SheetSpec,
    formats: &[Format],
    dir: &Path,
) -> Result<SheetReport, PrintError> {
    let c = compose(layers, locator, spec)?;
    let mut report = c.report.clone();
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PrintError::Io { path, source }
    };
    let tree = if formats.iter().any(|f| *f != Format::Svg) {
        Some(render::parse(&c.svg)?)
    } else {
        None
    };
    let mut formats = formats.to_vec();
    formats.sort();
    formats.dedup();
    let one = |f: Format| -> Result<Option<(PathBuf, u64)>, PrintError> {
        let path = dir.join(format!("{}.{}", spec.id, f.ext()));
        let bytes = match (f, &tree) {
            (Format::Svg, _) => c.svg.as_bytes().to_vec(),
            (Format::Png, Some(t)) => render::png(t, c.size_mm.0, c.size_mm.1, spec.dpi)?,
            (Format::Pdf, Some(t)) => {
                render::pdf(t, c.size_mm.0, c.size_mm.1, &spec.title, &layers.title)?
            }
            _ => return Ok(None),
        };
        let w = write_atomic(&path, &bytes).map_err(io(&path))?;
        Ok(Some((w.path, w.bytes)))
    };
    // Rendering PNG and PDF are the slow steps: the formats are written side by side, then
    // listed (and the first error reported) in their order, whatever finished first.
    let done: Vec<_> = formats.par_iter().map(|f| one(*f)).collect();
    for file in done {
        report.files.extend(file?);
    }
    Ok(report)
}

/// Sheets used when `atlas.toml` declares none: an overview of all located sites, and one
/// sheet per period.
#[must_use]
pub fn default_sheets(layers: &Layers) -> Vec<SheetSpec> {
    let mut overview = SheetSpec::new("overview", &layers.title);
    overview.extent = Some(layers.extent);
    let mut phases = SheetSpec::new("phase", &layers.title);
    phases.each_period = true;
    phases.extent = Some(layers.extent);
    vec![overview, phases]
}

/// The locator layer of the basemap in `basemap_dir` (see [`crate::basemap::locator_layer`]).
///
/// # Errors
/// [`PrintError::Io`] when a file exists but cannot be read as GeoJSON.
pub fn load_locator(basemap_dir: Option<&Path>) -> Result<Option<Layer>, PrintError> {
    let Some(dir) = basemap_dir else {
        return Ok(None);
    };
    crate::basemap::locator_layer(dir).map_err(|e| PrintError::Io {
        path: dir.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })
}

/// Writes every sheet of the atlas whose `atlas.toml` is `config` (its `[[sheets]]`, or [`default_sheets`])
/// into `dir` as SVG, PDF and PNG; what `gazmap build` calls.
///
/// # Errors
/// Any [`PrintError`].
pub fn write_atlas(
    layers: &Layers,
    config: &crate::config::Config,
    basemap_dir: Option<&Path>,
    dir: &Path,
) -> Result<Vec<SheetReport>, PrintError> {
    let mut sheets = sheet::specs(config)?;
    if sheets.is_empty() {
        sheets = default_sheets(layers);
    }
    let sheets = sheet::expand(&sheets, &layers.periods)?;
    let locator = load_locator(basemap_dir)?;
    let reports = write_sheets(
        layers,
        basemap_dir,
        locator.as_ref(),
        &sheets,
        &Format::ALL,
        dir,
    )?;
    // What each sheet left out, next to the sheets.
    let mut listed = reports.clone();
    for r in &mut listed {
        for f in &mut r.files {
            f.0 = f.0.strip_prefix(dir).unwrap_or(&f.0).to_path_buf();
        }
    }
    let path = dir.join("sheets.json");
    let json = serde_json::to_string_pretty(&listed).map_err(|e| PrintError::Io {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    let w = write_atomic(&path, json.as_bytes()).map_err(|source| PrintError::Io {
        path: path.clone(),
        source,
    })?;
    let mut reports = reports;
    if let Some(first) = reports.first_mut() {
        first.files.push((w.path, w.bytes));
    }
    Ok(reports)
}

/// A one-off print request (`gazmap print`): which sheets, with what overrides.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Only this sheet (an id from `atlas.toml`, after period expansion); all when `None`.
    pub sheet: Option<String>,
    /// Paper override.
    pub paper: Option<sheet::Paper>,
    /// Orientation override.
    pub orientation: Option<sheet::Orientation>,
    /// Resolution override, **dpi**.
    pub dpi: Option<u32>,
    /// Show the state on this day only (events whose possible dates include it).
    pub at: Option<jiff::civil::Date>,
    /// Formats to write (all three when empty).
    pub formats: Vec<Format>,
}

/// Resolves a [`Request`] against the atlas's sheets and writes the result into `dir`.
///
/// # Errors
/// [`PrintError::Sheet`] when the named sheet does not exist (the message lists those that do);
/// any other [`PrintError`] from composing or writing.
pub fn run(
    layers: &Layers,
    config: &crate::config::Config,
    basemap_dir: Option<&Path>,
    req: &Request,
    dir: &Path,
) -> Result<Vec<SheetReport>, PrintError> {
    let mut sheets = sheet::specs(config)?;
    if sheets.is_empty() {
        sheets = default_sheets(layers);
    }
    let mut sheets = sheet::expand(&sheets, &layers.periods)?;
    if let Some(id) = &req.sheet {
        let all: Vec<String> = sheets.iter().map(|s| s.id.clone()).collect();
        sheets.retain(|s| s.id == *id);
        if sheets.is_empty() {
            return Err(PrintError::Sheet {
                path: config.path.clone(),
                line: None,
                message: format!(
                    "no sheet `{id}`{}; the sheets are: {}",
                    crate::authoring::did_you_mean_text(id, all.iter().map(String::as_str)),
                    all.join(", ")
                ),
            });
        }
    }
    for s in &mut sheets {
        if let Some(p) = req.paper {
            s.paper = p;
        }
        if let Some(o) = req.orientation {
            s.orientation = o;
        }
        if let Some(d) = req.dpi {
            s.dpi = d;
        }
        if let Some(day) = req.at {
            let text = content::human_span(day, day, false);
            s.id = format!("{}-{day}", s.id);
            s.subtitle = format!("The situation on {text}");
            s.window = Some(sheet::Window {
                id: "at".into(),
                title: text,
                start: day,
                end: day,
            });
        }
    }
    let formats = if req.formats.is_empty() {
        Format::ALL.to_vec()
    } else {
        req.formats.clone()
    };
    let locator = load_locator(basemap_dir)?;
    write_sheets(
        layers,
        basemap_dir,
        locator.as_ref(),
        &sheets,
        &formats,
        dir,
    )
}

/// Atlases with more atlas features than this print one sheet at a time: rendering a PNG of
/// 20,000 sites takes 1.7 GB, so sheets side by side would add up. Smaller atlases print their
/// sheets side by side (each sheet's PNG and PDF side by side too).
pub const SHEETS_SIDE_BY_SIDE_MAX_FEATURES: usize = 20_000;

/// Writes `sheets` (see [`write_sheet_at_scale`]); reports in the sheets' order, the first error
/// in that order whatever finished first.
fn write_sheets(
    layers: &Layers,
    basemap_dir: Option<&Path>,
    locator: Option<&Layer>,
    sheets: &[SheetSpec],
    formats: &[Format],
    dir: &Path,
) -> Result<Vec<SheetReport>, PrintError> {
    let one = |s: &SheetSpec| write_sheet_at_scale(layers, basemap_dir, locator, s, formats, dir);
    let features: usize = layers.atlas.iter().map(|l| l.features.len()).sum();
    if features > SHEETS_SIDE_BY_SIDE_MAX_FEATURES {
        return sheets.iter().map(one).collect();
    }
    let done: Vec<_> = sheets.par_iter().map(one).collect();
    done.into_iter().collect()
}

/// [`write_sheet`] on the layers [`layers_for_sheet`] gives.
fn write_sheet_at_scale(
    layers: &Layers,
    basemap_dir: Option<&Path>,
    locator: Option<&Layer>,
    spec: &SheetSpec,
    formats: &[Format],
    dir: &Path,
) -> Result<SheetReport, PrintError> {
    match layers_for_sheet(layers, basemap_dir, locator, spec)? {
        Some(finer) => write_sheet(&finer, locator, spec, formats, dir),
        None => write_sheet(layers, locator, spec, formats, dir),
    }
}

/// The atlas's layers on a finer basemap when the sheet's frame wants one
/// ([`crate::basemap::finer_for_sheet`]): a close-up of an atlas drawn on the low-resolution world
/// layers gets the intermediate-resolution coast cut to its frame. `None` when the atlas's own
/// layers serve. The sheet is composed once to learn its frame (the frame does not depend on the
/// basemap), only for atlases where [`crate::basemap::may_refine`] says it may matter.
///
/// # Errors
/// Any [`PrintError`] of composing; [`PrintError::Io`] when a basemap file cannot be read.
pub fn layers_for_sheet(
    layers: &Layers,
    basemap_dir: Option<&Path>,
    locator: Option<&Layer>,
    spec: &SheetSpec,
) -> Result<Option<Layers>, PrintError> {
    let basemap_err = |path: &Path, e: crate::layers::LayersError| PrintError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    };
    let Some(bdir) = basemap_dir else {
        return Ok(None);
    };
    if !crate::basemap::may_refine(bdir, layers.basemap_coverage)
        .map_err(|e| basemap_err(bdir, e))?
    {
        return Ok(None);
    }
    let Some(frame) = frame_lonlat(&compose(layers, locator, spec)?) else {
        return Ok(None);
    };
    let finer = crate::basemap::finer_for_sheet(bdir, layers.basemap_coverage, frame)
        .map_err(|e| basemap_err(bdir, e))?;
    Ok(finer.map(|b| {
        let mut sheet_layers = layers.clone();
        sheet_layers.basemap = b.layers;
        sheet_layers.basemap_coverage = b.coverage;
        sheet_layers
    }))
}

/// The lon/lat box of a composed sheet's main map: its frame's edges, inverse-projected.
fn frame_lonlat(c: &Composed) -> Option<[f64; 4]> {
    let [x0, y0, x1, y1] = c.map_rect_mm;
    let ground = |mx: f64, my: f64| {
        (
            c.centre_m.0 + (mx - f64::midpoint(x0, x1)) * c.scale / 1000.0,
            c.centre_m.1 - (my - f64::midpoint(y0, y1)) * c.scale / 1000.0,
        )
    };
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for i in 0..=32 {
        let t = f64::from(i) / 32.0;
        let (mx, my) = (x0 + t * (x1 - x0), y0 + t * (y1 - y0));
        for (px, py) in [(mx, y0), (mx, y1), (x0, my), (x1, my)] {
            let (x, y) = ground(px, py);
            let (lon, lat) = c.projection.inverse(x, y).ok()?;
            b = [b[0].min(lon), b[1].min(lat), b[2].max(lon), b[3].max(lat)];
        }
    }
    Some(b)
}
