//! The GeoJSON / GeoJSONSeq feature reader of `gazmap tiles` (`tiles::source::read_inputs`).
//! The first byte picks the file name (and so the reader); the rest is the file.
#![no_main]

use gazmap::tiles::{self, InputOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let name = match pick % 3 {
        0 => "in.geojson",
        1 => "in.geojsonseq",
        _ => "in.json",
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, body).unwrap();
    let opts = InputOptions {
        priority: Some("rank".into()),
        ..InputOptions::default()
    };
    if let Ok(mut store) = tiles::source::read_inputs(&[path], &opts, 0, 14, &tiles::Quiet) {
        store.finish();
        if let Some(b) = store.bounds() {
            assert!(b[0] <= b[2] && b[1] <= b[3], "bounds {b:?}");
            assert!(b.iter().all(|v| v.is_finite()), "bounds {b:?}");
        }
    }
});
