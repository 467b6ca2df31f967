//! gazmap turns a narrative historical source into cited, time-aware map layers.
//!
//! The pipeline runs one way: [`load`] reads an atlas folder into the [`model`], [`check`] judges
//! it (ids, references, quotes verbatim in the sources, stated distances), [`layers`] joins it
//! into typed feature layers, and the writers in [`output`] turn those layers into files.
//! [`build`] runs it all; [`open`] stops after the checks.

pub mod check;
pub mod diagnostics;
pub mod geodesy;
pub mod layers;
pub mod load;
pub mod model;
pub mod output;
pub mod quote;
pub mod style;
pub mod tiles;
pub mod time;

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

/// Checks the atlas in `dir` and writes every output into `out`.
///
/// Nothing is written when a check fails.
///
/// # Errors
/// See [`open`]; plus [`Error::Write`] when an output cannot be written.
pub fn build(dir: &Path, out: &Path) -> Result<BuildReport, Error> {
    let checked = open(dir)?;
    let layers = layers::build(&checked.atlas)?;
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    std::fs::create_dir_all(out).map_err(write_err(out))?;
    let mut written = vec![];
    for layer in &layers.atlas {
        written.push(output::geojson::write(layer, out).map_err(write_err(out))?);
    }
    written.extend(output::tables::write(&layers, out).map_err(write_err(out))?);
    let tiles_config = tiles::AtlasTiles::from_atlas_dir(&checked.atlas.dir)?;
    let pmtiles_path = out.join(format!("{}.pmtiles", layers.atlas_id));
    let tiles = tiles::atlas::write(&layers, &tiles_config, &pmtiles_path, &tiles::Quiet)?;
    written.push(output::Written {
        path: tiles.path,
        bytes: tiles.bytes,
    });

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
    let mut report = BuildReport {
        atlas: layers.atlas_id.clone(),
        files: written
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
            .collect(),
        counts: layers
            .atlas
            .iter()
            .map(|l| (l.name.clone(), l.features.len()))
            .collect(),
        warnings: checked.warnings.iter().map(ToString::to_string).collect(),
        contradicted_claims,
    };
    report.files.sort();
    let json = serde_json::to_string_pretty(&report).map_err(|e| Error::Write {
        path: out.join("build-report.json"),
        source: std::io::Error::other(e),
    })?;
    output::write_atomic(&out.join("build-report.json"), json.as_bytes())
        .map_err(write_err(out))?;
    Ok(report)
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
