//! What the reader targets (`geojson`, `csv`, `fgb`) share: one file through
//! `tiles::source::read_inputs`, which must answer with features or an error, never panic, and
//! report finite, ordered bounds.

use gazmap::tiles::{self, InputOptions};

/// Writes `body` as a file called `name` and reads it as `gazmap tiles` would, with `priority`
/// as the priority property.
pub fn read_one(name: &str, body: &[u8], priority: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, body).unwrap();
    let opts = InputOptions {
        priority: priority.map(str::to_owned),
        ..InputOptions::default()
    };
    if let Ok(mut store) = tiles::source::read_inputs(&[path], &opts, 0, 14, &tiles::Quiet) {
        store.finish();
        if let Some(b) = store.bounds() {
            assert!(b[0] <= b[2] && b[1] <= b[3], "bounds {b:?}");
            assert!(b.iter().all(|v| v.is_finite()), "bounds {b:?}");
        }
    }
}
