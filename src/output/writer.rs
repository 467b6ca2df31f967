//! One interface for every output: a [`Writer`] per [`Format`], one list of them ([`WRITERS`]),
//! and the rule that orders them.
//!
//! A writer says what it reads ([`Writer::needs`]) and writes its files into the build folder of
//! a [`BuildContext`]. The ordering rule is the one need that is not data: a writer that needs
//! [`Need::Outputs`] (the files the others wrote; today only `web`, which looks for the tile
//! archive among them and otherwise writes the GeoJSON files it reads) runs after all the others,
//! which run side by side ([`write_side_by_side`]). A failure is an [`OutputError`] naming the
//! format and the file.

use std::path::{Path, PathBuf};

use crate::layers::Layers;
use crate::model::Atlas;
use crate::output::format::Format;
use crate::output::{self, FileError, Written};
use crate::tiles;

/// What a writer reads besides the layers (every writer reads [`BuildContext::layers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Need {
    /// The checked atlas itself: per-place structure the flat layers do not keep (Linked Places,
    /// KML), the source texts (GeoPackage) or `atlas.toml`'s sheets and basemap (print).
    Atlas,
    /// The `[tiles]` settings, read before any file is written so that a bad table stops the
    /// build first ([`BuildContext::tiles`]).
    TileSettings,
    /// The files the other writers of this build wrote ([`BuildContext::written`]): such a
    /// writer runs after all the others.
    Outputs,
}

/// Everything a writer may read: the checked atlas, its layers, the folder to write into, the
/// options, and (for a writer that needs [`Need::Outputs`]) what the other writers wrote.
#[derive(Debug, Clone, Copy)]
pub struct BuildContext<'a> {
    /// The checked atlas.
    pub atlas: &'a Atlas,
    /// Its feature layers.
    pub layers: &'a Layers,
    /// The folder to write into (a build writes into a staging folder moved into place at the
    /// end).
    pub out: &'a Path,
    /// Write `distances.csv` whatever the number of sites.
    pub all_pairs: bool,
    /// The `[tiles]` settings, when a chosen writer needs [`Need::TileSettings`].
    pub tiles: Option<&'a tiles::AtlasTiles>,
    /// The files the writers that ran before wrote (empty for those that run first).
    pub written: &'a [Written],
}

/// An output that could not be written: which format, which file (or, where no one file is to
/// blame, the format's folder), and why.
#[derive(Debug, thiserror::Error)]
#[error("{format}: cannot write {}: {source}", path.display())]
pub struct OutputError {
    /// The format being written.
    pub format: Format,
    /// The file that failed.
    pub path: PathBuf,
    /// The cause (an I/O error, or the format's own error type).
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl OutputError {
    fn new(
        format: Format,
        path: impl Into<PathBuf>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            format,
            path: path.into(),
            source: source.into(),
        }
    }

    fn file(format: Format) -> impl FnOnce(FileError) -> Self {
        move |e| Self::new(format, e.path, e.source)
    }

    fn interchange(format: Format) -> impl FnOnce(output::interchange::InterchangeError) -> Self {
        move |e| {
            let (path, source) = e.into_parts();
            Self::new(format, path, source)
        }
    }
}

/// How `gazmap export --format F -o FILE` writes a one-file format to the file named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportFile {
    /// The endings (lower case) that make `-o` a file rather than a folder.
    pub endings: &'static [&'static str],
    /// The ending of the main file the writer writes (`.gpkg` also writes a `.qgz`, which the
    /// GeoPackage carries inside anyway).
    pub suffix: &'static str,
}

/// One output format: what it reads and how it writes.
pub trait Writer: Sync {
    /// The format, by the name `--format` uses.
    fn format(&self) -> Format;

    /// What it reads besides the layers; [`Need::Outputs`] makes it run after the others.
    fn needs(&self) -> &'static [Need] {
        &[]
    }

    /// True for a writer whose memory grows large with the atlas (print's rendered sheets, the
    /// tile archive): above [`HEAVY_APART_ABOVE_FEATURES`] such writers run one after another,
    /// beside the light ones, so their peaks do not add up.
    fn heavy(&self) -> bool {
        false
    }

    /// For a format that writes one main file: how `gazmap export -o FILE` names it.
    fn export_file(&self) -> Option<ExportFile> {
        None
    }

    /// Writes the format's files into `ctx.out` and returns them.
    ///
    /// # Errors
    /// [`OutputError`] naming the format and the file that failed.
    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError>;

    /// True when the writer reads the other writers' files, so runs after them.
    fn runs_after_others(&self) -> bool {
        self.needs().contains(&Need::Outputs)
    }
}

/// Every writer, one per [`Format`], in the order of [`Format::ALL`].
pub static WRITERS: &[&dyn Writer] = &[
    &GeoJson,
    &Csv,
    &Lpf,
    &LpTsv,
    &Kml,
    &Fgb,
    &GeoJsonSeq,
    &Gpkg,
    &Print,
    &Pmtiles,
    &Web,
];

/// The writer of `format`.
///
/// # Panics
/// Never: [`WRITERS`] holds one writer per format (a test checks it).
#[must_use]
pub fn writer(format: Format) -> &'static dyn Writer {
    *WRITERS
        .iter()
        .find(|w| w.format() == format)
        .expect("one writer per format")
}

/// Atlas features (all atlas layers) above which the heavy writers run one after another.
/// Vorkuta has about 500 and the synthetic N = 5,000 atlas about 70,000 (side by side); N =
/// 20,000, about 280,000 (apart: print and the tile archive together would double the peak).
pub const HEAVY_APART_ABOVE_FEATURES: usize = 150_000;

/// Runs `writers` side by side on rayon's pool and returns their results in the order of
/// `writers`, whichever finished first.
///
/// The heavy writers start first (they take longest), each as its own task; above
/// [`HEAVY_APART_ABOVE_FEATURES`] they form one task that runs them in turn (stopping at the
/// first failure: the later ones' results could not come first in the list). The light writers
/// each start as a thread comes free.
#[must_use]
pub fn write_side_by_side(
    writers: &[&dyn Writer],
    ctx: &BuildContext<'_>,
) -> Vec<Result<Vec<Written>, OutputError>> {
    let features: usize = ctx.layers.atlas.iter().map(|l| l.features.len()).sum();
    let (heavy, light): (Vec<usize>, Vec<usize>) =
        (0..writers.len()).partition(|&i| writers[i].heavy());
    let mut tasks: Vec<Vec<usize>> = if features > HEAVY_APART_ABOVE_FEATURES {
        vec![heavy]
    } else {
        heavy.into_iter().map(|i| vec![i]).collect()
    };
    tasks.extend(light.into_iter().map(|i| vec![i]));
    tasks.retain(|t| !t.is_empty());

    let results = std::sync::Mutex::new(Vec::with_capacity(writers.len()));
    // FIFO: the tasks start in the order above, on whichever thread is free.
    rayon::scope_fifo(|s| {
        for task in &tasks {
            let results = &results;
            s.spawn_fifo(move |_| {
                for &i in task {
                    let result = writers[i].write(ctx);
                    let failed = result.is_err();
                    results
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((i, result));
                    if failed {
                        break;
                    }
                }
            });
        }
    });
    let mut results = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    results.sort_by_key(|r| r.0);
    results.into_iter().map(|r| r.1).collect()
}

/// `<layer>.geojson` for every atlas layer, each with its QGIS style `<layer>.qml`.
struct GeoJson;

impl Writer for GeoJson {
    fn format(&self) -> Format {
        Format::GeoJson
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        let mut written = vec![];
        for layer in &ctx.layers.atlas {
            let err = |ext: &str| {
                let path = ctx.out.join(format!("{}.{ext}", layer.name));
                move |e| OutputError::new(Format::GeoJson, path, e)
            };
            written.push(output::geojson::write(layer, ctx.out).map_err(err("geojson"))?);
            // The QGIS style of the file, picked up when `<layer>.geojson` is opened alone.
            written.push(
                output::qml::write(layer, &ctx.layers.vocabulary, ctx.out).map_err(err("qml"))?,
            );
        }
        Ok(written)
    }
}

/// The CSV tables.
struct Csv;

impl Writer for Csv {
    fn format(&self) -> Format {
        Format::Csv
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        output::tables::write(ctx.layers, ctx.out, ctx.all_pairs)
            .map_err(OutputError::file(Format::Csv))
    }
}

/// Linked Places Format (GeoJSON-LD).
struct Lpf;

impl Writer for Lpf {
    fn format(&self) -> Format {
        Format::Lpf
    }

    fn export_file(&self) -> Option<ExportFile> {
        Some(ExportFile {
            endings: &[".json", ".jsonld"],
            suffix: ".lpf.json",
        })
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Atlas]
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        let w = output::interchange::lpf::write(ctx.atlas, ctx.out)
            .map_err(OutputError::interchange(Format::Lpf))?;
        Ok(vec![w])
    }
}

/// LP-TSV.
struct LpTsv;

impl Writer for LpTsv {
    fn format(&self) -> Format {
        Format::LpTsv
    }

    fn export_file(&self) -> Option<ExportFile> {
        Some(ExportFile {
            endings: &[".tsv"],
            suffix: ".lp.tsv",
        })
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Atlas]
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        let w = output::interchange::lpf::write_tsv(ctx.atlas, ctx.out)
            .map_err(OutputError::interchange(Format::LpTsv))?;
        Ok(vec![w])
    }
}

/// KML with time spans.
struct Kml;

impl Writer for Kml {
    fn format(&self) -> Format {
        Format::Kml
    }

    fn export_file(&self) -> Option<ExportFile> {
        Some(ExportFile {
            endings: &[".kml"],
            suffix: ".kml",
        })
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Atlas]
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        let w = output::interchange::kml::write(ctx.layers, ctx.atlas, ctx.out)
            .map_err(OutputError::interchange(Format::Kml))?;
        Ok(vec![w])
    }
}

/// FlatGeobuf, one file per atlas layer.
struct Fgb;

impl Writer for Fgb {
    fn format(&self) -> Format {
        Format::Fgb
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        let files = output::interchange::fgb::write(ctx.layers, ctx.out)
            .map_err(OutputError::interchange(Format::Fgb))?;
        Ok(files.into_iter().map(|f| f.written).collect())
    }
}

/// Newline-delimited GeoJSON, one file per atlas layer.
struct GeoJsonSeq;

impl Writer for GeoJsonSeq {
    fn format(&self) -> Format {
        Format::GeoJsonSeq
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        output::interchange::geojsonseq::write(ctx.layers, ctx.out)
            .map_err(OutputError::interchange(Format::GeoJsonSeq))
    }
}

/// `<id>.qgz` (the QGIS project) and `<id>.gpkg` (every layer, its QGIS styles, the sources
/// and citations, and the same project inside).
struct Gpkg;

impl Writer for Gpkg {
    fn format(&self) -> Format {
        Format::Gpkg
    }

    fn export_file(&self) -> Option<ExportFile> {
        Some(ExportFile {
            endings: &[".gpkg"],
            suffix: ".gpkg",
        })
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Atlas]
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        let fail = |path: &Path| {
            let path = path.to_path_buf();
            move |e: Box<dyn std::error::Error + Send + Sync>| {
                OutputError::new(Format::Gpkg, path, e)
            }
        };
        let id = &ctx.layers.atlas_id;
        let gpkg_file = format!("{id}.gpkg");
        let gpkg_path = ctx.out.join(&gpkg_file);
        let qgz_path = ctx.out.join(format!("{id}.qgz"));
        let time = output::stamp::BuildTime::from_env().map_err(|e| fail(&gpkg_path)(e.into()))?;
        let opts = output::qgis_project::ProjectOptions {
            gpkg_file: &gpkg_file,
            time,
        };
        let qgz =
            output::qgis_project::qgz(ctx.layers, &opts).map_err(|e| fail(&qgz_path)(e.into()))?;
        let mut written = vec![
            output::qgis_project::write(&qgz, &qgz_path).map_err(|e| fail(&qgz_path)(e.into()))?,
        ];
        let extras = output::gpkg::Extras {
            sources: &ctx.atlas.sources,
            project: Some((id, &qgz)),
            time,
        };
        written.push(
            output::gpkg::write(ctx.layers, &extras, &gpkg_path)
                .map_err(|e| fail(&gpkg_path)(e.into()))?,
        );
        Ok(written)
    }
}

/// The printed sheets, in `print/`.
struct Print;

impl Writer for Print {
    fn format(&self) -> Format {
        Format::Print
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Atlas]
    }

    fn heavy(&self) -> bool {
        true
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        let dir = ctx.out.join("print");
        let sheets = crate::print::write_atlas(
            ctx.layers,
            &ctx.atlas.meta.config,
            ctx.atlas.meta.basemap_dir.as_deref(),
            &dir,
        )
        .map_err(|e| match e {
            crate::print::PrintError::Io { path, source } => {
                OutputError::new(Format::Print, path, source)
            }
            // A sheet that cannot be drawn: its message names the sheet.
            other => OutputError::new(Format::Print, dir, other),
        })?;
        Ok(sheets
            .into_iter()
            .flat_map(|s| {
                s.files
                    .into_iter()
                    .map(|(path, bytes)| Written { path, bytes })
            })
            .collect())
    }
}

/// The vector tiles of every atlas and basemap layer, `<id>.pmtiles`.
struct Pmtiles;

impl Writer for Pmtiles {
    fn format(&self) -> Format {
        Format::Pmtiles
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::TileSettings]
    }

    fn heavy(&self) -> bool {
        true
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        let path = ctx.out.join(archive_name(ctx.layers));
        let owned;
        let config = match ctx.tiles {
            Some(config) => config,
            // (Only when called outside a build, which reads the settings first.)
            None => {
                owned = tiles::AtlasTiles::for_atlas(&ctx.atlas.meta.config, ctx.layers)
                    .map_err(|e| OutputError::new(Format::Pmtiles, &path, e))?;
                &owned
            }
        };
        let report =
            tiles::atlas::write(ctx.layers, config, &path, &tiles::Quiet).map_err(|e| match e {
                tiles::TilesError::Io { path, source } => {
                    OutputError::new(Format::Pmtiles, path, source)
                }
                other => OutputError::new(Format::Pmtiles, &path, other),
            })?;
        Ok(vec![Written {
            path: report.path,
            bytes: report.bytes,
        }])
    }
}

/// The atlas's tile archive, `<atlas id>.pmtiles`.
fn archive_name(layers: &Layers) -> String {
    format!("{}.pmtiles", layers.atlas_id)
}

/// The web map in `web/`, reading the layers from the tile archive if this build wrote one,
/// else from the GeoJSON files (writing those the build did not).
struct Web;

impl Writer for Web {
    fn format(&self) -> Format {
        Format::Web
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Atlas, Need::Outputs]
    }

    fn write(&self, ctx: &BuildContext<'_>) -> Result<Vec<Written>, OutputError> {
        use output::web::{DataSource, WebError};
        let (layers, out) = (ctx.layers, ctx.out);
        let archive = archive_name(layers);
        let mut written = vec![];
        let data = if ctx.written.iter().any(|w| w.path == out.join(&archive)) {
            // Layers that stop before the archive's deepest zoom get their own overzoomed source.
            let last_zoom = ctx
                .tiles
                .map(|config| {
                    let ranges = config.ranges(layers);
                    let deepest = ranges.iter().map(|r| r.1).max().unwrap_or(0);
                    layers
                        .all()
                        .zip(ranges)
                        .filter(|(_, r)| r.1 < deepest)
                        .map(|(l, r)| (l.name.clone(), r.1))
                        .collect()
                })
                .unwrap_or_default();
            DataSource::Pmtiles(format!("../{archive}"), last_zoom)
        } else {
            // The viewer then reads the atlas layers' GeoJSON files: write any this build did not.
            for layer in &layers.atlas {
                let path = out.join(format!("{}.geojson", layer.name));
                if !ctx.written.iter().any(|w| w.path == path) {
                    written.push(
                        output::geojson::write(layer, out)
                            .map_err(|e| OutputError::new(Format::Web, path, e))?,
                    );
                }
            }
            DataSource::GeoJson
        };
        let dest = out.join("web");
        written.extend(
            output::web::write(layers, &ctx.atlas.sources, &data, &dest).map_err(|e| match e {
                WebError::Write { path, source } => OutputError::new(Format::Web, path, source),
                other => OutputError::new(Format::Web, dest, other),
            })?,
        );
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_writer_per_format_in_the_order_of_the_formats() {
        let formats: Vec<Format> = WRITERS.iter().map(|w| w.format()).collect();
        assert_eq!(formats, Format::ALL);
        for f in Format::ALL {
            assert_eq!(writer(*f).format(), *f);
        }
        let one_file: Vec<Format> = WRITERS
            .iter()
            .filter(|w| w.export_file().is_some())
            .map(|w| w.format())
            .collect();
        assert_eq!(
            one_file,
            [Format::Lpf, Format::LpTsv, Format::Kml, Format::Gpkg]
        );
        for w in WRITERS {
            if let Some(f) = w.export_file() {
                // The main file itself is a file target of its format.
                assert!(f.endings.iter().any(|e| f.suffix.ends_with(e)), "{f:?}");
            }
        }
    }

    /// A writer whose target file is a directory fails, and its error names the format and
    /// that file, not the output folder.
    #[test]
    fn a_failing_writer_names_its_format_and_file() {
        let s = crate::output::interchange::fixture::synthetic();
        let cases = [
            (Format::GeoJson, "events.geojson"),
            (Format::Csv, "transfers.csv"),
            (Format::Lpf, "synth.lpf.json"),
            (Format::LpTsv, "synth.lp.tsv"),
            (Format::Kml, "synth.kml"),
            (Format::GeoJsonSeq, "sites.geojsonl"),
            (Format::Gpkg, "synth.gpkg"),
            (Format::Web, "web/atlas.json"),
        ];
        for (format, file) in cases {
            let dir = tempfile::tempdir().unwrap();
            let target = dir.path().join(file);
            std::fs::create_dir_all(target.join("in-the-way")).unwrap();
            let ctx = BuildContext {
                atlas: &s.atlas,
                layers: &s.layers,
                out: dir.path(),
                all_pairs: false,
                tiles: None,
                written: &[],
            };
            let e = writer(format).write(&ctx).expect_err(file);
            assert_eq!(e.format, format, "{e}");
            assert_eq!(e.path, target, "{e}");
            let message = e.to_string();
            assert!(
                message.starts_with(&format!(
                    "{}: cannot write {}: ",
                    format.name(),
                    target.display()
                )),
                "{message}"
            );
            // Nothing half-written is left beside the directory in the way.
            assert!(target.join("in-the-way").is_dir());
        }
    }

    #[test]
    fn side_by_side_keeps_the_order_of_the_list() {
        let s = crate::output::interchange::fixture::synthetic();
        let dir = tempfile::tempdir().unwrap();
        let ctx = BuildContext {
            atlas: &s.atlas,
            layers: &s.layers,
            out: dir.path(),
            all_pairs: false,
            tiles: None,
            written: &[],
        };
        // lpf fails (its file is a directory); geojson before it and kml after it succeed.
        std::fs::create_dir_all(dir.path().join("synth.lpf.json/x")).unwrap();
        let chosen = [
            writer(Format::GeoJson),
            writer(Format::Lpf),
            writer(Format::Kml),
        ];
        let results = write_side_by_side(&chosen, &ctx);
        assert_eq!(results.len(), 3);
        let geojson = results[0].as_ref().unwrap();
        assert_eq!(
            geojson.len(),
            2 * s.layers.atlas.len(),
            "a .geojson and a .qml per layer"
        );
        assert_eq!(results[1].as_ref().unwrap_err().format, Format::Lpf);
        assert_eq!(
            results[2].as_ref().unwrap()[0].path,
            dir.path().join("synth.kml")
        );
    }

    #[test]
    fn only_web_waits_for_the_others() {
        let after: Vec<Format> = WRITERS
            .iter()
            .filter(|w| w.runs_after_others())
            .map(|w| w.format())
            .collect();
        assert_eq!(after, [Format::Web]);
    }
}
