//! A big atlas: the 1,000-site synthetic atlas of the scale benchmark (`examples/synth_atlas.rs`)
//! tiled with zooms chosen from its data. The archive stays small, and every feature of every
//! atlas layer is in the tiles of every zoom of its layer.

#[path = "../../../examples/synth_atlas.rs"]
#[allow(dead_code)]
mod synth;

use std::collections::BTreeSet;

use gazmap::tiles::atlas::AtlasTiles;

use super::read_pmtiles;

#[test]
fn a_thousand_site_atlas_tiles_under_100_mb_with_every_feature_at_every_zoom() {
    let dir = tempfile::tempdir().unwrap();
    let atlas_dir = dir.path().join("synth");
    synth::generate(1000, &atlas_dir, 1, 1).unwrap();
    let checked = gazmap::open(&atlas_dir).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    let dest = dir.path().join("synth.pmtiles");
    let report = gazmap::tiles::atlas::write(
        &layers,
        &AtlasTiles::default(),
        &dest,
        &gazmap::tiles::Quiet,
    )
    .unwrap();
    assert!(
        report.bytes < 100_000_000,
        "{} bytes for 1,000 sites",
        report.bytes
    );
    let a = read_pmtiles(&dest);
    let vector_layers = a.metadata["vector_layers"].as_array().unwrap();
    let mut zooms = vec![];
    let mut checked = vec![];
    for layer in &layers.atlas {
        let meta = vector_layers
            .iter()
            .find(|l| l["id"] == layer.name.as_str())
            .unwrap();
        let (lo, hi) = (
            u8::try_from(meta["minzoom"].as_u64().unwrap()).unwrap(),
            u8::try_from(meta["maxzoom"].as_u64().unwrap()).unwrap(),
        );
        zooms.push((layer.name.as_str(), hi));
        let expected: BTreeSet<u64> = (0..layer.features.len())
            .filter(|&i| layer.features[i].geometry.is_some())
            .map(|i| i as u64 + 1)
            .collect();
        if expected.is_empty() {
            continue; // `lines`: the synthetic atlas has no rivers or railways
        }
        for z in lo..=hi {
            let ids: BTreeSet<u64> = a
                .at_zoom(z)
                .flat_map(|(_, t)| t.layers.iter().filter(|l| l.name == layer.name))
                .flat_map(|l| l.features.iter().filter_map(|f| f.id))
                .collect();
            assert_eq!(
                ids.len(),
                expected.len(),
                "{} at zoom {z}: {} of {} features",
                layer.name,
                ids.len(),
                expected.len()
            );
            assert_eq!(ids, expected, "{} at zoom {z}", layer.name);
        }
        checked.push(layer.name.as_str());
    }
    for name in ["sites", "events", "transfers", "claims", "uncertainty"] {
        assert!(checked.contains(&name), "{name} was checked");
    }
    // The zooms come from the data: 1,000 points over 16 x 9 degrees need far less than 14,
    // and the archive's last zoom is its deepest layer's.
    assert!(zooms.iter().all(|(_, z)| *z < 14), "{zooms:?}");
    assert_eq!(a.max_zoom, zooms.iter().map(|(_, z)| *z).max().unwrap());
}
