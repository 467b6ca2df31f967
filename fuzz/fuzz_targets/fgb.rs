//! The FlatGeobuf reader of `gazmap tiles`: a binary format with offsets and a spatial index
//! that a hostile file can point anywhere. It must answer with features or an error naming the
//! file, never panic, loop or allocate without bound.
#![no_main]

use gazmap::tiles::{self, InputOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.fgb");
    std::fs::write(&path, data).unwrap();
    let opts = InputOptions::default();
    if let Ok(mut store) = tiles::source::read_inputs(&[path], &opts, 0, 14, &tiles::Quiet) {
        store.finish();
        if let Some(b) = store.bounds() {
            assert!(b[0] <= b[2] && b[1] <= b[3], "bounds {b:?}");
            assert!(b.iter().all(|v| v.is_finite()), "bounds {b:?}");
        }
    }
});
