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
    /// A writer failed: the error names the format and the file.
    #[error(transparent)]
    Output(#[from] output::OutputError),
    /// A file or folder of the build (not one writer's) could not be written.
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
///
/// The writers come from the one list [`output::writer::WRITERS`]; those that read the other
/// writers' files ([`output::Need::Outputs`]: `web`) run after the others, which run side by side
/// ([`output::writer::write_side_by_side`]). The files are the same as one after another, and
/// the first error in the list's order is returned, whichever writer finished first.
fn write_outputs(
    atlas: &Atlas,
    layers: &layers::Layers,
    out: &Path,
    opts: &BuildOptions,
) -> Result<Vec<output::Written>, Error> {
    use output::writer::{WRITERS, write_side_by_side};
    let chosen: Vec<&dyn output::Writer> = WRITERS
        .iter()
        .copied()
        .filter(|w| opts.wants(w.format()))
        .collect();
    // Read the tile settings first, so that a bad `[tiles]` table stops the build before any file.
    let tiles_config = if chosen
        .iter()
        .any(|w| w.needs().contains(&output::Need::TileSettings))
    {
        Some(tiles::AtlasTiles::for_atlas(&atlas.meta.config, layers)?)
    } else {
        None
    };
    std::fs::create_dir_all(out).map_err(write_err(out))?;
    let (after, first): (Vec<_>, Vec<_>) = chosen.into_iter().partition(|w| w.runs_after_others());
    let mut ctx = output::BuildContext {
        atlas,
        layers,
        out,
        all_pairs: opts.all_pairs,
        tiles: tiles_config.as_ref(),
        written: &[],
    };
    let mut written = vec![];
    for result in write_side_by_side(&first, &ctx) {
        written.extend(result?);
    }
    let before = written.clone();
    ctx.written = &before;
    for w in after {
        written.extend(w.write(&ctx)?);
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
    let written =
        write_outputs(&checked.atlas, &layers, &tmp, opts).map_err(named_in_place(&tmp, out))?;

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
    let written = write_outputs(&checked.atlas, &layers, staging.path(), opts)
        .map_err(named_in_place(staging.path(), out))?;
    let files = relative_files(&written, staging.path());
    staging.commit(false)?;
    Ok(files)
}

/// A writer's error names the file where it was to go (`out/...`), not its place in the
/// staging folder `tmp`, which is gone by the time anyone reads the message.
fn named_in_place(tmp: &Path, out: &Path) -> impl FnOnce(Error) -> Error + use<> {
    let (tmp, out) = (tmp.to_path_buf(), out.to_path_buf());
    move |e| match e {
        Error::Output(mut e) => {
            if let Ok(rel) = e.path.strip_prefix(&tmp) {
                e.path = out.join(rel);
            }
            Error::Output(e)
        }
        other => other,
    }
}

/// Maps an I/O error writing `path` to [`Error::Write`] naming it (for `map_err`).
fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Write { path, source }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer's error names the file where the build was to put it, not the staging folder.
    #[test]
    fn output_errors_name_the_file_in_place() {
        let tmp = Path::new("/x/.out.tmp-abc");
        let e = Error::Output(output::OutputError {
            format: output::format::Format::Kml,
            path: tmp.join("sub/a.kml"),
            source: "disk full".into(),
        });
        let Error::Output(e) = named_in_place(tmp, Path::new("/x/out"))(e) else {
            panic!("still an output error");
        };
        assert_eq!(e.path, Path::new("/x/out/sub/a.kml"));
        assert_eq!(
            e.to_string(),
            "kml: cannot write /x/out/sub/a.kml: disk full"
        );
    }
}
