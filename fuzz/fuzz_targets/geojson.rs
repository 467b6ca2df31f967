//! The GeoJSON / GeoJSONSeq feature reader of `gazmap tiles` (`tiles::source::read_inputs`).
//! The first byte picks the file name (and so the reader); the rest is the file.
#![no_main]

mod reader;

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
    reader::read_one(name, body, Some("rank"));
});
