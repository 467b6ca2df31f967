//! The CSV feature reader of `gazmap tiles` (points from lon/lat columns, typed cells).
//! Whatever the bytes, it must answer with features or a located error, never panic, and the
//! bounds it reports must be finite and ordered.
#![no_main]

use gazmap::tiles::{self, InputOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    std::fs::write(&path, data).unwrap();
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
