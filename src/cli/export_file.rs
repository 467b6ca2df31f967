//! `gazmap export --format lpf -o x.lpf.json`: a single-file format written to the file named,
//! not into a folder of that name.

use std::path::{Path, PathBuf};

use gazmap::output::format::Format;

/// The endings that make `-o` a file rather than a folder, for formats that write one main file.
fn file_endings(format: Format) -> &'static [&'static str] {
    match format {
        Format::Lpf => &[".json", ".jsonld"],
        Format::LpTsv => &[".tsv"],
        Format::Kml => &[".kml"],
        Format::Gpkg => &[".gpkg"],
        _ => &[],
    }
}

/// The main file a format writes, by its ending (`.gpkg` also writes a `.qgz`, which the
/// GeoPackage carries inside anyway).
fn main_suffix(format: Format) -> Option<&'static str> {
    match format {
        Format::Lpf => Some(".lpf.json"),
        Format::LpTsv => Some(".lp.tsv"),
        Format::Kml => Some(".kml"),
        Format::Gpkg => Some(".gpkg"),
        _ => None,
    }
}

/// True when `out` names a file for `format` (`x.lpf.json`, `places.kml`, ...).
pub fn is_file_target(out: &Path, format: Format) -> bool {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    !out.is_dir() && file_endings(format).iter().any(|e| name.ends_with(e))
}

/// Exports `format` into a temporary folder beside `target`, then moves its main file onto
/// `target` (a rename within one folder: the target appears whole or not at all).
pub fn export_to_file(
    dir: &Path,
    target: &Path,
    format: Format,
) -> Result<(PathBuf, u64), gazmap::Error> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| gazmap::Error::Write { path, source }
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let tmp = parent.join(format!(".gazmap-export-{}", std::process::id()));
    let result = (|| {
        let files = gazmap::export(dir, &tmp, format)?;
        let suffix = main_suffix(format).unwrap_or_default();
        let (name, bytes) = files
            .iter()
            .find(|(n, _)| n.ends_with(suffix))
            .cloned()
            .ok_or_else(|| gazmap::Error::Write {
                path: tmp.clone(),
                source: std::io::Error::other(format!("{format} wrote no `*{suffix}` file")),
            })?;
        std::fs::rename(tmp.join(&name), target).map_err(io(target))?;
        Ok((target.to_path_buf(), bytes))
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}
