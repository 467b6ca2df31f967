//! `gazmap export --format lpf -o x.lpf.json`: a single-file format written to the file named,
//! not into a folder of that name.

use std::path::{Path, PathBuf};

use gazmap::output::format::Format;
use gazmap::output::writer::writer;

/// True when `out` names a file for `format` (`x.lpf.json`, `places.kml`, ...).
pub fn is_file_target(out: &Path, format: Format) -> bool {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    !out.is_dir()
        && writer(format)
            .export_file()
            .is_some_and(|f| f.endings.iter().any(|e| name.ends_with(e)))
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
        let suffix = writer(format).export_file().map_or("", |f| f.suffix);
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
