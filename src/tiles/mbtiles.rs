//! MBTiles 1.3 output (SQLite through `rusqlite`, bundled).
//!
//! The deduplicating layout tippecanoe and mbutil use: a `map` table of tile coordinates pointing
//! at `images` by id, and a `tiles` view joining the two, so readers see the standard
//! `tiles(zoom_level, tile_column, tile_row, tile_data)`. Rows are TMS: `tile_row` counts from the
//! south (`2^z - 1 - y`). Tile data is gzipped MVT. `metadata` holds name, format `pbf`, bounds,
//! center, zooms and the `json` row with `vector_layers`.

use std::path::Path;

use rusqlite::{Connection, params};

use super::pyramid::Collected;
use super::{Metadata, Progress, TilesError};

/// Writes `tiles` as an MBTiles file at `dest` (atomically). Returns its size in bytes.
///
/// # Errors
/// [`TilesError::Io`] or [`TilesError::Sqlite`] when writing fails.
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
    let sql = |e: rusqlite::Error| TilesError::Sqlite {
        path: dest.to_path_buf(),
        message: e.to_string(),
    };
    let tmp = crate::atomic::temp_beside(dest).map_err(io)?;
    {
        let mut db = Connection::open(tmp.path()).map_err(sql)?;
        db.execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             PRAGMA application_id = 1297105496;
             CREATE TABLE metadata (name TEXT, value TEXT);
             CREATE UNIQUE INDEX name ON metadata (name);
             CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id INTEGER);
             CREATE TABLE images (tile_id INTEGER PRIMARY KEY, tile_data BLOB);
             CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column,
               map.tile_row AS tile_row, images.tile_data AS tile_data
               FROM map JOIN images ON images.tile_id = map.tile_id;",
        )
        .map_err(sql)?;
        let tx = db.transaction().map_err(sql)?;
        {
            let mut put_meta = tx
                .prepare("INSERT INTO metadata (name, value) VALUES (?1, ?2)")
                .map_err(sql)?;
            for (k, v) in meta.mbtiles_rows() {
                put_meta.execute(params![k, v]).map_err(sql)?;
            }
            let mut put_image = tx
                .prepare("INSERT INTO images (tile_id, tile_data) VALUES (?1, ?2)")
                .map_err(sql)?;
            let mut buf = vec![];
            for c in 0..tiles.distinct() {
                let c = u32::try_from(c).unwrap_or(u32::MAX);
                tiles.read(c, &mut buf).map_err(io)?;
                put_image.execute(params![c, buf]).map_err(sql)?;
            }
            let mut put_map = tx
                .prepare(
                    "INSERT INTO map (zoom_level, tile_column, tile_row, tile_id) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(sql)?;
            progress.begin("writing", Some(tiles.entries.len() as u64));
            for entry in &tiles.entries {
                for i in 0..entry.run {
                    let id = pmtiles::TileId::new(entry.tile_id + u64::from(i)).map_err(|e| {
                        TilesError::Pmtiles {
                            path: dest.to_path_buf(),
                            message: e.to_string(),
                        }
                    })?;
                    let c = pmtiles::TileCoord::from(id);
                    let row = (1u32 << c.z()) - 1 - c.y();
                    put_map
                        .execute(params![c.z(), c.x(), row, entry.content])
                        .map_err(sql)?;
                }
                progress.advance(1);
            }
        }
        tx.execute_batch(
            "CREATE UNIQUE INDEX map_index ON map (zoom_level, tile_column, tile_row);",
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        db.close().map_err(|(_, e)| sql(e))?;
    }
    progress.end();
    let bytes = std::fs::metadata(tmp.path()).map_err(io)?.len();
    crate::atomic::persist(tmp, dest).map_err(io)?;
    Ok(bytes)
}
