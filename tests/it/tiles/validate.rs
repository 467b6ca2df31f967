//! Every polygon of a whole archive checked with `geo`'s validity, one tile at a time so a big
//! archive fits: by default the world coast and lakes of the basemap (GSHHG, 1,930 real polygons
//! from Antarctica over the antimeridian to small islands) tiled to z6; with
//! `GAZMAP_VALIDATE_PMTILES=ARCHIVE` any archive instead, as the polygon benchmark does
//! (`VALIDATE=1 bash benches/tiles_vs_tippecanoe.sh`), also tippecanoe's:
//!
//! ```text
//! GAZMAP_VALIDATE_PMTILES=out.pmtiles cargo test --test it tiles::validate -- --nocapture
//! ```
//!
//! It prints the features per zoom too; `GAZMAP_VALIDATE_COUNT_ONLY=1` lets an archive without
//! polygons (points, lines) through, for the benchmark's feature counts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::TryStreamExt;
use gazmap::tiles::TileOptions;
use pmtiles::{AsyncPmTilesReader, HashMapCache, MmapBackend, TileCoord};

use super::{mvt, mvt_polygons, tile};

/// What [`check`] found in an archive.
struct Checked {
    /// Tile directory entries read.
    tiles: usize,
    /// Polygon features checked.
    polygons: usize,
    /// The invalid ones: tile, layer, why.
    bad: Vec<String>,
    /// Features per zoom, a run of identical tiles counted once per tile (the benchmark's
    /// "as many features at the last zoom").
    per_zoom: Vec<u64>,
}

/// Decodes every tile of the archive, checks every polygon and counts the features per zoom.
fn check(path: &Path) -> Checked {
    use geo::Validation;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let backend = MmapBackend::try_from(path).await.unwrap();
        let reader = Arc::new(
            AsyncPmTilesReader::try_from_cached_source(backend, HashMapCache::default())
                .await
                .unwrap(),
        );
        let entries: Vec<pmtiles::DirEntry> = reader.clone().entries().try_collect().await.unwrap();
        let (mut tiles, mut polygons, mut bad) = (0usize, 0usize, Vec::<String>::new());
        let mut per_zoom = vec![0u64; 21];
        for e in &entries {
            let id = e.iter_coords().next().unwrap();
            let c = TileCoord::from(id);
            let data = reader.get_tile_decompressed(id).await.unwrap().unwrap();
            let tile = mvt::decode(&data).unwrap_or_else(|err| panic!("tile {c:?}: {err}"));
            tiles += 1;
            let run = e.iter_coords().count() as u64;
            per_zoom[usize::from(c.z())] += run
                * tile
                    .layers
                    .iter()
                    .map(|l| l.features.len() as u64)
                    .sum::<u64>();
            for l in &tile.layers {
                for f in l.features.iter().filter(|f| f.geom_type == mvt::POLYGON) {
                    polygons += 1;
                    let why = match mvt_polygons(&f.parts) {
                        Err(e) => Some(e),
                        Ok(mp) => mp.check_validation().err().map(|e| e.to_string()),
                    };
                    if let Some(mut why) = why {
                        why.truncate(200);
                        bad.push(format!("{}/{}/{} {}: {why}", c.z(), c.x(), c.y(), l.name));
                    }
                }
            }
        }
        while per_zoom.len() > 1 && per_zoom.last() == Some(&0) {
            per_zoom.pop();
        }
        Checked {
            tiles,
            polygons,
            bad,
            per_zoom,
        }
    })
}

#[test]
fn every_polygon_of_the_world_coast_tiles_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let given = std::env::var_os("GAZMAP_VALIDATE_PMTILES").map(PathBuf::from);
    let path = given.clone().unwrap_or_else(|| {
        let world = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/basemap/world");
        let out = dir.path().join("world.pmtiles");
        let opts = TileOptions {
            maxzoom: 6,
            drop_densest: true,
            ..TileOptions::default()
        };
        tile(
            &[world.join("coast.geojson"), world.join("lakes.geojson")],
            &opts,
            &out,
        );
        out
    });
    let Checked {
        tiles,
        polygons,
        bad,
        per_zoom,
    } = check(&path);
    println!("features per zoom {per_zoom:?}");
    println!(
        "polygons {polygons} in {tiles} tile entries of {}",
        path.display()
    );
    println!(
        "invalid {} of {polygons}; first: {:#?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
    if given.is_none() {
        assert!(tiles > 1000, "{tiles} tile entries");
        assert!(polygons > 5000, "{polygons} polygons");
    }
    if given.is_none() || std::env::var_os("GAZMAP_VALIDATE_COUNT_ONLY").is_none() {
        assert!(polygons > 0, "no polygon in {}", path.display());
    }
    assert!(
        bad.is_empty(),
        "{} invalid of {polygons}: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}
