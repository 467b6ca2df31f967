//! The FlatGeobuf reader of `gazmap tiles`: a binary format with offsets and a spatial index
//! that a hostile file can point anywhere. It must answer with features or an error naming the
//! file, never panic, loop or allocate without bound.
#![no_main]

mod reader;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| reader::read_one("in.fgb", data, None));
