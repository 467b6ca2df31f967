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
pub mod writer;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use writer::{BuildContext, ExportFile, Need, OutputError, Writer};

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

/// Writes `path` atomically from a streaming writer: `fill` writes into a buffered temporary
/// sibling, which is renamed over `path` at the end, so a big file is never held whole in memory.
/// `fill` returns nothing; the size is counted here.
///
/// # Errors
/// Any I/O error from `fill` or the file; the temporary file is removed and `path` left as it was.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<Written> {
    let tmp = crate::atomic::temp_beside(path)?;
    let mut file = Counting {
        inner: std::io::BufWriter::with_capacity(1 << 20, tmp.as_file()),
        bytes: 0,
    };
    fill(&mut file)?;
    file.inner.flush()?;
    let bytes = file.bytes;
    drop(file);
    crate::atomic::persist(tmp, path)?;
    Ok(Written {
        path: path.to_path_buf(),
        bytes,
    })
}

/// A writer that counts the bytes written through it.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A JSON array serialised one element at a time as the closure's iterator yields them, never
/// collected: the same bytes as the collected `Vec`, in the compact and the pretty form alike.
pub struct JsonSeq<F>(pub F);

impl<F, I> serde::Serialize for JsonSeq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// Writes `value` as two-space-indented JSON and a final newline, as
/// `serde_json::to_string_pretty` would, straight into `w`.
///
/// # Errors
/// I/O errors from `w`, or a value serde_json cannot encode.
pub fn write_pretty_json(w: &mut dyn Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    w.write_all(b"\n")
}

/// An I/O error on one file, naming it.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct FileError {
    /// The file.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}

impl FileError {
    /// Maps an I/O error on `path` to a [`FileError`] naming it (for `map_err`).
    pub fn on(path: &Path) -> impl FnOnce(std::io::Error) -> Self + use<> {
        let path = path.to_path_buf();
        move |source| Self { path, source }
    }
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
