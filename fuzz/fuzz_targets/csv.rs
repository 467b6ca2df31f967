//! The CSV feature reader of `gazmap tiles` (points from lon/lat columns, typed cells).
//! Whatever the bytes, it must answer with features or a located error, never panic, and the
//! bounds it reports must be finite and ordered.
#![no_main]

mod reader;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| reader::read_one("in.csv", data, Some("rank")));
