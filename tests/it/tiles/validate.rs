//! Every polygon of any PMTiles archive checked with `geo`'s validity, one tile at a time so a
//! big archive fits: the polygon benchmark's check (`VALIDATE=1 bash benches/tiles_vs_tippecanoe.sh`).
//! Ignored unless asked for, with the archive in `GAZMAP_VALIDATE_PMTILES`:
//!
//! ```text
//! GAZMAP_VALIDATE_PMTILES=out.pmtiles cargo test --release --test it \
//!     tiles::validate::every_polygon_of_an_archive -- --ignored --nocapture
//! ```
//!
//! The fast check on real polygons that always runs is
//! `every_polygon_in_every_tile_is_valid_on_real_and_broken_input` in the parent module.

use std::sync::Arc;

use futures_util::TryStreamExt;
use pmtiles::{AsyncPmTilesReader, HashMapCache, MmapBackend, TileCoord};

use super::{mvt, mvt_polygons};

#[test]
#[ignore = "needs GAZMAP_VALIDATE_PMTILES=archive; run by benches/tiles_vs_tippecanoe.sh"]
fn every_polygon_of_an_archive() {
    use geo::Validation;
    let path = std::env::var("GAZMAP_VALIDATE_PMTILES").expect("GAZMAP_VALIDATE_PMTILES");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (tiles, polygons, bad) = rt.block_on(async {
        let backend = MmapBackend::try_from(std::path::Path::new(&path))
            .await
            .unwrap();
        let reader = Arc::new(
            AsyncPmTilesReader::try_from_cached_source(backend, HashMapCache::default())
                .await
                .unwrap(),
        );
        let entries: Vec<pmtiles::DirEntry> = reader.clone().entries().try_collect().await.unwrap();
        let (mut tiles, mut polygons, mut bad) = (0usize, 0usize, Vec::<String>::new());
        for e in &entries {
            let id = e.iter_coords().next().unwrap();
            let c = TileCoord::from(id);
            let data = reader.get_tile_decompressed(id).await.unwrap().unwrap();
            let tile = mvt::decode(&data).unwrap_or_else(|err| panic!("tile {c:?}: {err}"));
            tiles += 1;
            for l in &tile.layers {
                for f in l.features.iter().filter(|f| f.geom_type == mvt::POLYGON) {
                    polygons += 1;
                    let why = match mvt_polygons(&f.parts) {
                        Err(e) => Some(e),
                        Ok(mp) => mp.check_validation().err().map(|e| e.to_string()),
                    };
                    if let Some(why) = why {
                        let mut why = why;
                        why.truncate(200);
                        bad.push(format!("{}/{}/{} {}: {why}", c.z(), c.x(), c.y(), l.name));
                    }
                }
            }
        }
        (tiles, polygons, bad)
    });
    println!("polygons {polygons} in {tiles} distinct tiles of {path}");
    println!(
        "invalid {} of {polygons}; first: {:#?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
    assert!(polygons > 0, "no polygon in {path}");
    assert!(bad.is_empty(), "{} invalid polygons", bad.len());
}
