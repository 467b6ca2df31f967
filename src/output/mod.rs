//! Writers: one module per output format. Every writer reads [`crate::layers::Layers`] and
//! nothing else, and writes each file atomically (a temporary file in the same folder, then a
//! rename), so a failed build never leaves a half-written file behind.

pub mod format;
pub mod geojson;
pub mod gpkg;
pub mod interchange;
pub mod qgis_project;
pub mod qml;
pub mod stamp;
pub mod tables;
pub mod web;

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file a writer produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Writes `bytes` to `path` atomically: into a temporary sibling first, then renamed over `path`.
///
/// # Errors
/// Any I/O error; the temporary file is removed and `path` is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<Written> {
    let mut tmp = crate::atomic::temp_beside(path)?;
    tmp.write_all(bytes)?;
    crate::atomic::persist(tmp, path)?;
    Ok(Written {
        path: path.to_path_buf(),
        bytes: bytes.len() as u64,
    })
}

/// Rounds a coordinate to [`COORD_DECIMALS`] decimals (about 0.1 m).
#[must_use]
pub fn round_coord(x: f64) -> f64 {
    const SCALE: f64 = 1e6;
    let r = (x * SCALE).round() / SCALE;
    if r == 0.0 { 0.0 } else { r }
}

/// Decimals kept in written coordinates: 1e-6 degree is at most 0.11 m.
pub const COORD_DECIMALS: usize = 6;
