//! gazmap turns a narrative historical source into cited, time-aware map layers.
//!
//! The pipeline runs one way: [`load`] reads an atlas folder into the [`model`], [`check`] judges
//! it (ids, references, quotes verbatim in the sources, stated distances), [`layers`] joins it
//! into typed feature layers, and the writers in [`output`] turn those layers into files.
//! [`build`] runs it all; [`open`] stops after the checks.

pub mod atomic;
pub mod authoring;
pub mod basemap;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod geodesy;
pub mod layers;
pub mod load;
pub mod model;
pub mod output;
pub mod print;
pub mod quote;
pub mod serve;
mod staging;
pub mod style;
pub mod tiles;
pub mod time;
pub mod xml;

use std::path::{Path, PathBuf};

use diagnostics::Finding;
use model::Atlas;

/// An atlas that passed every check, with the warnings met on the way.
#[derive(Debug)]
pub struct Checked {
    /// The atlas, citations resolved to character offsets.
    pub atlas: Atlas,
    /// Warnings (never errors).
    pub warnings: Vec<Finding>,
}

/// Why an atlas could not be opened or built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The atlas has errors; every finding is listed, sorted by file and line.
    #[error("the atlas has {} error(s)", .0.iter().filter(|f| f.is_error()).count())]
    Invalid(Vec<Finding>),
    /// A file could not be read.
    #[error(transparent)]
    Load(load::LoadError),
    /// The basemap could not be read.
    #[error(transparent)]
    Layers(#[from] layers::LayersError),
    /// A printed sheet could not be made.
    #[error(transparent)]
    Print(#[from] print::PrintError),
    /// The vector tiles could not be built.
    #[error(transparent)]
    Tiles(#[from] tiles::TilesError),
    /// An output could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Loads and checks the atlas in `dir`.
///
/// # Errors
/// [`Error::Invalid`] with every finding when any check fails; [`Error::Load`] when a file
/// cannot be read.
pub fn open(dir: &Path) -> Result<Checked, Error> {
    let load::Loaded {
        mut atlas,
        mut findings,
    } = match load::read(dir) {
        Ok(loaded) => loaded,
        Err(load::LoadError::Invalid(findings)) => return Err(Error::Invalid(findings)),
        Err(e) => return Err(Error::Load(e)),
    };
    findings.extend(check::run(&mut atlas));
    // Where the basemap stops short of the atlas, nothing is drawn: say so.
    findings.extend(basemap::coverage_finding(&atlas));
    diagnostics::sort(&mut findings);
    if findings.iter().any(Finding::is_error) {
        return Err(Error::Invalid(findings));
    }
    Ok(Checked {
        atlas,
        warnings: findings,
    })
}

/// What a build wrote and what it found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BuildReport {
    /// Atlas id.
    pub atlas: String,
    /// Files written, relative to the output folder, with their sizes in bytes.
    pub files: Vec<(String, u64)>,
    /// Feature count per atlas layer.
    pub counts: Vec<(String, usize)>,
    /// Warnings from the checks, as text.
    pub warnings: Vec<String>,
    /// Claims whose stated distance the coordinates contradict.
    pub contradicted_claims: Vec<String>,
}

/// Which outputs a build writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// The formats to write; the default is every format.
    pub formats: std::collections::BTreeSet<output::format::Format>,
    /// Write `distances.csv` whatever the number of sites (by default only up to
    /// [`output::tables::ALL_PAIRS_DEFAULT_MAX_SITES`] located sites).
    pub all_pairs: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            formats: output::format::Format::ALL.iter().copied().collect(),
            all_pairs: false,
        }
    }
}

impl BuildOptions {
    /// Only these formats (every format when `formats` is empty).
    #[must_use]
    pub fn only(formats: impl IntoIterator<Item = output::format::Format>) -> Self {
        let formats: std::collections::BTreeSet<_> = formats.into_iter().collect();
        if formats.is_empty() {
            Self::default()
        } else {
            Self {
                formats,
                all_pairs: false,
            }
        }
    }

    /// True when `format` is to be written.
    #[must_use]
    pub fn wants(&self, format: output::format::Format) -> bool {
        self.formats.contains(&format)
    }
}

/// Checks the atlas in `dir` and writes every output into `out`.
///
/// Nothing is written when a check or any writer fails (see [`build_with`]).
///
/// # Errors
/// See [`open`]; plus [`Error::Write`] when an output cannot be written.
pub fn build(dir: &Path, out: &Path) -> Result<BuildReport, Error> {
    build_with(dir, out, &BuildOptions::default())
}

/// Writes the chosen outputs of a checked atlas into `out` (created if missing).
fn write_outputs(
    atlas: &Atlas,
    layers: &layers::Layers,
    out: &Path,
    opts: &BuildOptions,
) -> Result<Vec<output::Written>, Error> {
    use output::format::Format;
    // Read the tile settings first, so that a bad `[tiles]` table stops the build before any file.
    let tiles_config = if opts.wants(Format::Pmtiles) {
        Some(tiles::AtlasTiles::for_atlas(&atlas.meta.config, layers)?)
    } else {
        None
    };
    std::fs::create_dir_all(out).map_err(write_err(out))?;
    // Three independent groups run side by side: the file writers one after another, the
    // printed sheets, and the tile archive (itself parallel). Their files are listed in the
    // same order as when they ran in turn, and the first error in that order is returned, so
    // the result does not depend on which finished first; only `web` waits for them all.
    let ((files, sheets), archive) = rayon::join(
        || {
            rayon::join(
                || write_files(atlas, layers, out, opts),
                || {
                    if opts.wants(Format::Print) {
                        write_print(atlas, layers, out)
                    } else {
                        Ok(vec![])
                    }
                },
            )
        },
        || {
            tiles_config
                .as_ref()
                .map(|config| {
                    let path = out.join(format!("{}.pmtiles", layers.atlas_id));
                    tiles::atlas::write(layers, config, &path, &tiles::Quiet).map(|report| {
                        output::Written {
                            path: report.path,
                            bytes: report.bytes,
                        }
                    })
                })
                .transpose()
        },
    );
    let mut written = files?;
    written.extend(sheets?);
    written.extend(archive?);
    if opts.wants(Format::Web) {
        let web = web_map(layers, atlas, &written, tiles_config.as_ref(), out)?;
        written.extend(web);
    }
    Ok(written)
}

/// The printed sheets of the atlas, in `out/print`.
fn write_print(
    atlas: &Atlas,
    layers: &layers::Layers,
    out: &Path,
) -> Result<Vec<output::Written>, Error> {
    let sheets = print::write_atlas(
        layers,
        &atlas.meta.config,
        atlas.meta.basemap_dir.as_deref(),
        &out.join("print"),
    )?;
    Ok(sheets
        .into_iter()
        .flat_map(|s| {
            s.files
                .into_iter()
                .map(|(path, bytes)| output::Written { path, bytes })
        })
        .collect())
}

/// The chosen outputs other than print, tiles and web, one after another.
fn write_files(
    atlas: &Atlas,
    layers: &layers::Layers,
    out: &Path,
    opts: &BuildOptions,
) -> Result<Vec<output::Written>, Error> {
    use output::format::Format;
    use output::interchange;
    let interchange_err = |e: interchange::InterchangeError| {
        let (path, source) = e.into_parts();
        Error::Write { path, source }
    };
    let mut written = vec![];
    if opts.wants(Format::GeoJson) {
        for layer in &layers.atlas {
            written.push(output::geojson::write(layer, out).map_err(write_err(out))?);
            // The QGIS style of the file, picked up when `<layer>.geojson` is opened alone.
            written
                .push(output::qml::write(layer, &layers.vocabulary, out).map_err(write_err(out))?);
        }
    }
    if opts.wants(Format::Csv) {
        written.extend(output::tables::write(layers, out, opts.all_pairs).map_err(write_err(out))?);
    }
    if opts.wants(Format::Lpf) {
        written.push(interchange::lpf::write(atlas, out).map_err(interchange_err)?);
    }
    if opts.wants(Format::LpTsv) {
        written.push(interchange::lpf::write_tsv(atlas, out).map_err(interchange_err)?);
    }
    if opts.wants(Format::Kml) {
        written.push(interchange::kml::write(layers, atlas, out).map_err(interchange_err)?);
    }
    if opts.wants(Format::Fgb) {
        written.extend(
            interchange::fgb::write(layers, out)
                .map_err(interchange_err)?
                .into_iter()
                .map(|f| f.written),
        );
    }
    if opts.wants(Format::GeoJsonSeq) {
        written.extend(interchange::geojsonseq::write(layers, out).map_err(interchange_err)?);
    }
    if opts.wants(Format::Gpkg) {
        written.extend(write_gpkg(atlas, layers, out)?);
    }
    Ok(written)
}

fn relative_files(written: &[output::Written], out: &Path) -> Vec<(String, u64)> {
    let mut files: Vec<(String, u64)> = written
        .iter()
        .map(|w| {
            (
                w.path
                    .strip_prefix(out)
                    .unwrap_or(&w.path)
                    .display()
                    .to_string(),
                w.bytes,
            )
        })
        .collect();
    files.sort();
    files
}

/// Checks the atlas in `dir` and writes the outputs `opts` chooses into `out`, plus
/// `build-report.json`.
///
/// Nothing is written when a check or any writer fails: the outputs are written into a
/// temporary folder beside `out` and moved into place only at the end (see `staging`); a full
/// build replaces an earlier build folder, a partial one adds its files to it.
///
/// # Errors
/// See [`open`]; plus [`Error::Write`] when an output cannot be written.
pub fn build_with(dir: &Path, out: &Path, opts: &BuildOptions) -> Result<BuildReport, Error> {
    build_checked(&open(dir)?, out, opts)
}

/// [`build_with`] for an atlas already opened with [`open`] (so a command checks it once).
///
/// # Errors
/// [`Error::Write`] when an output cannot be written; tile and print errors.
pub fn build_checked(
    checked: &Checked,
    out: &Path,
    opts: &BuildOptions,
) -> Result<BuildReport, Error> {
    let layers = layers::build(&checked.atlas)?;
    // Everything goes into a temporary folder beside `out`, moved into place at the end.
    let staging = staging::Staging::new(out)?;
    let tmp = staging.path().to_path_buf();
    let written = write_outputs(&checked.atlas, &layers, &tmp, opts)?;

    let claims = layers.layer("claims");
    let contradicted_claims = claims
        .map(|l| {
            l.features
                .iter()
                .filter(|f| l.value(f, "status").is_some_and(layers::is_contradicted))
                .map(|f| f.id.clone())
                .collect()
        })
        .unwrap_or_default();
    let report = BuildReport {
        atlas: layers.atlas_id.clone(),
        files: relative_files(&written, &tmp),
        counts: layers
            .atlas
            .iter()
            .map(|l| (l.name.clone(), l.features.len()))
            .collect(),
        warnings: checked.warnings.iter().map(ToString::to_string).collect(),
        contradicted_claims,
    };
    let json = serde_json::to_string_pretty(&report).map_err(|e| Error::Write {
        path: out.join("build-report.json"),
        source: std::io::Error::other(e),
    })?;
    output::write_atomic(&tmp.join("build-report.json"), json.as_bytes())
        .map_err(write_err(out))?;
    // A full build replaces the folder (stale files go); a partial one adds to it.
    staging.commit(opts.formats == BuildOptions::default().formats)?;
    Ok(report)
}

/// Writes the web map into `out/web`, reading the layers from the PMTiles archive if this build
/// wrote one (`<atlas id>.pmtiles` among `written`), else from the GeoJSON files.
fn web_map(
    layers: &layers::Layers,
    atlas: &Atlas,
    written: &[output::Written],
    tiles_config: Option<&tiles::AtlasTiles>,
    out: &Path,
) -> Result<Vec<output::Written>, Error> {
    use output::web::{DataSource, WebError};
    let archive = format!("{}.pmtiles", layers.atlas_id);
    let mut extra = vec![];
    let data = if written.iter().any(|w| w.path == out.join(&archive)) {
        // Layers that stop before the archive's deepest zoom get their own overzoomed source.
        let last_zoom = tiles_config
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
            if !written.iter().any(|w| w.path == path) {
                extra.push(
                    output::geojson::write(layer, out).map_err(|source| Error::Write {
                        path: path.clone(),
                        source,
                    })?,
                );
            }
        }
        DataSource::GeoJson
    };
    let dest = out.join("web");
    extra.extend(
        output::web::write(layers, &atlas.sources, &data, &dest).map_err(|e| match e {
            WebError::Write { path, source } => Error::Write { path, source },
            other => Error::Write {
                path: dest,
                source: std::io::Error::other(other.to_string()),
            },
        })?,
    );
    Ok(extra)
}

/// Checks the atlas in `dir` and writes one format into `out`, without a build report.
/// Returns the files written (relative to `out`) with their sizes in bytes.
///
/// # Errors
/// See [`build_with`].
pub fn export(
    dir: &Path,
    out: &Path,
    format: output::format::Format,
) -> Result<Vec<(String, u64)>, Error> {
    export_checked(&open(dir)?, out, &BuildOptions::only([format]))
}

/// [`export`] for an atlas already opened with [`open`]: writes the formats of `opts`, no report.
///
/// # Errors
/// See [`build_checked`].
pub fn export_checked(
    checked: &Checked,
    out: &Path,
    opts: &BuildOptions,
) -> Result<Vec<(String, u64)>, Error> {
    let layers = layers::build(&checked.atlas)?;
    let staging = staging::Staging::new(out)?;
    let written = write_outputs(&checked.atlas, &layers, staging.path(), opts)?;
    let files = relative_files(&written, staging.path());
    staging.commit(false)?;
    Ok(files)
}

/// An output error that is not an `std::io::Error`, as [`Error::Write`] on `path`.
/// Maps an I/O error writing `path` to [`Error::Write`] naming it (for `map_err`).
fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Write { path, source }
}

fn write_error(path: &Path, e: &dyn std::fmt::Display) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Writes `<id>.qgz` (the QGIS project) and `<id>.gpkg` (every layer, its QGIS styles, the
/// sources and citations, and the same project inside).
fn write_gpkg(
    atlas: &Atlas,
    layers: &layers::Layers,
    out: &Path,
) -> Result<Vec<output::Written>, Error> {
    let time = output::stamp::BuildTime::from_env().map_err(|e| write_error(out, &e))?;
    let gpkg_file = format!("{}.gpkg", layers.atlas_id);
    let opts = output::qgis_project::ProjectOptions {
        gpkg_file: &gpkg_file,
        time,
    };
    let qgz_path = out.join(format!("{}.qgz", layers.atlas_id));
    let qgz = output::qgis_project::qgz(layers, &opts).map_err(|e| write_error(&qgz_path, &e))?;
    let mut written =
        vec![output::qgis_project::write(&qgz, &qgz_path).map_err(|e| write_error(&qgz_path, &e))?];
    let gpkg_path = out.join(&gpkg_file);
    let extras = output::gpkg::Extras {
        sources: &atlas.sources,
        project: Some((&layers.atlas_id, &qgz)),
        time,
    };
    written.push(
        output::gpkg::write(layers, &extras, &gpkg_path)
            .map_err(|e| write_error(&gpkg_path, &e))?,
    );
    Ok(written)
}

/// The atlas folder used when none is named: `data/vorkuta` in the working directory, or else
/// the copy in this crate's source tree.
#[must_use]
pub fn default_atlas_dir() -> PathBuf {
    let local = PathBuf::from("data/vorkuta");
    if local.join("atlas.toml").exists() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/vorkuta")
    }
}
