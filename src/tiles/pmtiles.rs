//! PMTiles v3 output (through the `pmtiles` crate's streaming writer).
//!
//! Tiles are added in tile-id order (zoom, then Hilbert position), so the archive is *clustered*
//! and its directories are in Hilbert order; identical tiles are stored once and consecutive
//! identical tiles become one run-length entry. Tiles arrive already gzipped (the tiler
//! compresses on all cores), so the writer only records gzip as the tile compression; directories
//! and metadata are gzipped too. The metadata is the JSON object from [`super::Metadata`].
//!
//! Directories are gzipped through [`BufferedGzip`]: the crate writes each directory varint
//! straight into a `flate2` encoder, and every such write of a few bytes costs a pass of the
//! encoder (clearing its 32 KB output buffer), which for an archive of 600,000 tiles took a tenth
//! of the whole run. Collecting a directory first and compressing it in one write gives the same
//! bytes.

use std::io::{self, Write};
use std::path::Path;

use pmtiles::{Compression, Compressor, PmTilesWriter, TileCoord, TileId, TileType};

/// Gzip at flate2's default level, as the crate's own internal compressor, fed in one write.
struct BufferedGzip;

impl Compressor for BufferedGzip {
    fn compression(&self) -> Compression {
        Compression::Gzip
    }

    fn compress(
        &self,
        f: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
        writer: &mut dyn Write,
    ) -> pmtiles::PmtResult<()> {
        let mut raw = Vec::with_capacity(1 << 16);
        f(&mut raw)?;
        let mut encoder = flate2::write::GzEncoder::new(writer, flate2::Compression::default());
        encoder.write_all(&raw)?;
        encoder.finish()?;
        Ok(())
    }
}

use super::pyramid::Collected;
use super::{Metadata, Progress, TilesError};

/// Writes `tiles` as a PMTiles v3 archive at `dest` (atomically: a temporary sibling, then a
/// rename). Returns the archive size in bytes.
///
/// # Errors
/// [`TilesError::Io`] or [`TilesError::Pmtiles`] when writing fails.
pub fn write(
    tiles: &Collected,
    meta: &Metadata,
    dest: &Path,
    progress: &dyn Progress,
) -> Result<u64, TilesError> {
    let io = |source| TilesError::Io {
        path: dest.to_path_buf(),
        source,
    };
    let pm = |e: pmtiles::PmtError| TilesError::Pmtiles {
        path: dest.to_path_buf(),
        message: e.to_string(),
    };
    let tmp = crate::atomic::temp_beside(dest).map_err(io)?;
    let file = tmp.reopen().map_err(io)?;
    let [w, s, e, n] = meta.bounds;
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .precompressed(Compression::Gzip)
        .internal_codec(BufferedGzip)
        .min_zoom(meta.minzoom)
        .max_zoom(meta.maxzoom)
        .bounds(w, s, e, n)
        .center(meta.center[0], meta.center[1])
        .center_zoom(meta.center_zoom)
        .metadata(meta.json())
        .dedup_by_key::<u32>()
        .create(file)
        .map_err(pm)?;
    progress.begin("writing", Some(tiles.entries.len() as u64));
    let mut buf = vec![];
    let mut loaded = u32::MAX;
    for entry in &tiles.entries {
        if entry.content != loaded {
            tiles.read(entry.content, &mut buf).map_err(io)?;
            loaded = entry.content;
        }
        let key = tiles
            .contents
            .get(entry.content as usize)
            .is_some_and(|c| c.refs > 1)
            .then_some(entry.content);
        for i in 0..entry.run {
            let coord = TileCoord::from(TileId::new(entry.tile_id + u64::from(i)).map_err(pm)?);
            writer.add_tile(coord, &buf, key).map_err(pm)?;
        }
        progress.advance(1);
    }
    writer.finalize().map_err(pm)?;
    progress.end();
    let bytes = std::fs::metadata(tmp.path()).map_err(io)?.len();
    crate::atomic::persist(tmp, dest).map_err(io)?;
    Ok(bytes)
}
