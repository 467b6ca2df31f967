//! Mapbox Vector Tile 2.1 encoding (through the `mvt` crate) and gzip.
//!
//! Geometry arrives here already clipped, simplified and rounded to whole tile units, so the
//! encoder is used without its transform or bounding box: it only writes the zigzag/delta
//! MoveTo/LineTo/ClosePath commands. Attributes keep their type (string, signed or unsigned
//! integer, double, boolean); absent values are simply not written.
//!
//! Gzip: most tiles are a few hundred bytes, where a general compressor spends its time clearing
//! its tables. Tiles up to [`SMALL_TILE_BYTES`] are therefore deflated here with the fixed Huffman
//! codes of RFC 1951 and greedy LZ77 (measured on 30,000 tiles of the benchmark: 0.4 % smaller than
//! miniz at level 6, six times faster); bigger tiles, and tiles that are mostly text (the atlas's
//! quotes), where a fitted Huffman code pays, go through miniz.

use std::cell::RefCell;
use std::io::Write;

use flate2::{Compress, Compression, Crc, FlushCompress};
use mvt::{GeomEncoder, GeomType, Tile};

use super::EXTENT;
use super::simplify::IPt;
use super::store::{AttrRef, Store};

/// A feature's geometry in tile units, ready for the encoder.
#[derive(Debug, Clone, PartialEq)]
pub enum EncGeom {
    /// One or more points.
    Points(Vec<IPt>),
    /// One or more lines.
    Lines(Vec<Vec<IPt>>),
    /// Rings with MVT winding, each outer ring followed by its holes.
    Polygons(Vec<Vec<IPt>>),
}

/// One feature of one tile.
#[derive(Debug, Clone)]
pub struct EncFeature {
    /// Index of the feature in the store.
    pub feature: u32,
    /// Its layer.
    pub layer: u16,
    /// Geometry in tile units.
    pub geom: EncGeom,
    /// Attributes written instead of (or beside) the stored ones: a cluster's counts and
    /// accumulated values.
    pub extra: Vec<(String, ExtraVal)>,
}

/// An attribute value computed while tiling.
#[derive(Debug, Clone, PartialEq)]
pub enum ExtraVal {
    /// Text.
    Str(String),
    /// Integer.
    Int(i64),
    /// Real number.
    Double(f64),
    /// true/false.
    Bool(bool),
}

/// Encodes the features (sorted by layer) into one tile.
///
/// # Errors
/// An `mvt` error (only for geometry the encoder cannot represent).
pub fn encode_tile<'f>(
    store: &Store,
    features: impl Iterator<Item = &'f EncFeature>,
) -> Result<Vec<u8>, mvt::Error> {
    let mut tile = Tile::new(EXTENT);
    let mut current: Option<(u16, mvt::Layer)> = None;
    for f in features {
        if current.as_ref().is_none_or(|(l, _)| *l != f.layer) {
            if let Some((_, layer)) = current.take() {
                tile.add_layer(layer)?;
            }
            let name = store
                .layers
                .get(usize::from(f.layer))
                .map_or("layer", |l| l.name.as_str());
            current = Some((f.layer, tile.create_layer(name)));
        }
        let Some((lid, layer)) = current.take() else {
            continue;
        };
        let geom = match &f.geom {
            EncGeom::Points(pts) => {
                let mut e = GeomEncoder::new(GeomType::Point);
                for p in pts {
                    e.add_point(p[0], p[1])?;
                }
                e.encode()?
            }
            EncGeom::Lines(lines) => {
                let mut e = GeomEncoder::new(GeomType::Linestring);
                for l in lines {
                    for p in l {
                        e.add_point(p[0], p[1])?;
                    }
                    e.complete_geom()?;
                }
                e.encode()?
            }
            EncGeom::Polygons(rings) => {
                let mut e = GeomEncoder::new(GeomType::Polygon);
                let mut prev_last: Option<IPt> = None;
                for r in rings {
                    // The `mvt` encoder skips the MoveTo of a ring that starts where the last
                    // ring ended, gluing the two rings into one (found by fuzzing): start such
                    // a ring at another of its vertices, which is the same ring.
                    let start = r.iter().position(|p| Some(*p) != prev_last).unwrap_or(0);
                    for p in r[start..].iter().chain(&r[..start]) {
                        e.add_point(p[0], p[1])?;
                    }
                    prev_last = r[start..].iter().chain(&r[..start]).last().copied();
                    e.complete_geom()?;
                }
                e.encode()?
            }
        };
        let rec = store.features[f.feature as usize];
        let mut feature = layer.into_feature(geom);
        if let Some(id) = store.feature_id(&rec) {
            feature.set_id(id);
        }
        for (key, value) in store.attrs(&rec) {
            let k = store.key_name(key);
            if f.extra.iter().any(|e| e.0 == k) {
                continue;
            }
            match value {
                AttrRef::Str(s) => feature.add_tag_string(k, s),
                AttrRef::Int(i) if i < 0 => feature.add_tag_sint(k, i),
                #[allow(clippy::cast_sign_loss)]
                AttrRef::Int(i) => feature.add_tag_uint(k, i as u64),
                AttrRef::UInt(u) => feature.add_tag_uint(k, u),
                AttrRef::Double(d) => feature.add_tag_double(k, d),
                AttrRef::Bool(b) => feature.add_tag_bool(k, b),
            }
        }
        for (k, v) in &f.extra {
            match v {
                ExtraVal::Str(s) => feature.add_tag_string(k, s),
                ExtraVal::Int(i) if *i < 0 => feature.add_tag_sint(k, *i),
                #[allow(clippy::cast_sign_loss)]
                ExtraVal::Int(i) => feature.add_tag_uint(k, *i as u64),
                ExtraVal::Double(d) => feature.add_tag_double(k, *d),
                ExtraVal::Bool(b) => feature.add_tag_bool(k, *b),
            }
        }
        current = Some((lid, feature.into_layer()));
    }
    if let Some((_, layer)) = current {
        tile.add_layer(layer)?;
    }
    tile.to_bytes()
}

thread_local! {
    static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::default(), false));
    static SMALL: RefCell<SmallDeflate> = RefCell::new(SmallDeflate::new());
}

/// Tiles up to this many bytes are deflated by our own fixed-code compressor; bigger ones by miniz.
pub const SMALL_TILE_BYTES: usize = 1024;

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Writes bits least significant first, as deflate packs them.
struct Bits<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits<'_> {
    fn put(&mut self, v: u32, bits: u32) {
        self.acc |= u64::from(v) << self.n;
        self.n += bits;
        while self.n >= 8 {
            #[allow(clippy::cast_possible_truncation)]
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code goes most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        self.put(code.reverse_bits() >> (32 - len), len);
    }

    /// A literal/length symbol in the fixed code of RFC 1951 §3.2.6.
    fn sym(&mut self, sym: u32) {
        match sym {
            0..=143 => self.code(0x30 + sym, 8),
            144..=255 => self.code(0x190 + sym - 144, 9),
            256..=279 => self.code(sym - 256, 7),
            _ => self.code(0xC0 + sym - 280, 8),
        }
    }

    fn finish(mut self) {
        if self.n > 0 {
            #[allow(clippy::cast_possible_truncation)]
            self.out.push(self.acc as u8);
        }
        self.n = 0;
    }
}

/// Deflate (RFC 1951) for small inputs: one block with the fixed Huffman codes and greedy LZ77
/// over a 4096-entry hash of 3-byte prefixes. For a tile of a few hundred bytes the fixed codes
/// cost no more than a dynamic block's code table would save, and unlike a general compressor
/// nothing has to be cleared between tiles: hash entries carry a running offset, and entries from
/// earlier inputs fall below it.
struct SmallDeflate {
    table: Vec<u32>,
    base: u32,
}

impl SmallDeflate {
    const BITS: u32 = 12;

    fn new() -> Self {
        Self {
            table: vec![0; 1 << Self::BITS],
            base: 0,
        }
    }

    fn hash(d: &[u8], i: usize) -> usize {
        let v = u32::from(d[i]) | (u32::from(d[i + 1]) << 8) | (u32::from(d[i + 2]) << 16);
        (v.wrapping_mul(2_654_435_761) >> (32 - Self::BITS)) as usize
    }

    /// Appends the raw deflate stream of `data` (at most 32 KiB) to `out`.
    fn compress(&mut self, data: &[u8], out: &mut Vec<u8>) {
        let n = data.len();
        let Ok(n32) = u32::try_from(n) else { return };
        if self.base > u32::MAX - n32 - 2 {
            self.table.fill(0);
            self.base = 0;
        }
        let base = self.base;
        let mut bits = Bits { out, acc: 0, n: 0 };
        bits.put(1, 1); // last block
        bits.put(1, 2); // fixed Huffman codes
        let mut i = 0;
        while i < n {
            let mut matched = 0;
            let mut dist = 0;
            if i + 3 <= n {
                let h = Self::hash(data, i);
                let cand = self.table[h];
                #[allow(clippy::cast_possible_truncation)]
                let here = base + i as u32 + 1;
                self.table[h] = here;
                if cand > base {
                    let j = (cand - base - 1) as usize;
                    if j < i && i - j <= 32_768 {
                        let max = (n - i).min(258);
                        let mut l = 0;
                        while l < max && data[j + l] == data[i + l] {
                            l += 1;
                        }
                        if l >= 3 {
                            matched = l;
                            dist = i - j;
                        }
                    }
                }
            }
            if matched >= 3 {
                let li = LEN_BASE.partition_point(|&b| usize::from(b) <= matched) - 1;
                #[allow(clippy::cast_possible_truncation)]
                bits.sym(257 + li as u32);
                if LEN_EXTRA[li] > 0 {
                    #[allow(clippy::cast_possible_truncation)]
                    bits.put(
                        (matched - usize::from(LEN_BASE[li])) as u32,
                        u32::from(LEN_EXTRA[li]),
                    );
                }
                let di = DIST_BASE.partition_point(|&b| usize::from(b) <= dist) - 1;
                #[allow(clippy::cast_possible_truncation)]
                bits.code(di as u32, 5);
                if DIST_EXTRA[di] > 0 {
                    #[allow(clippy::cast_possible_truncation)]
                    bits.put(
                        (dist - usize::from(DIST_BASE[di])) as u32,
                        u32::from(DIST_EXTRA[di]),
                    );
                }
                for k in i + 1..(i + matched).min(n.saturating_sub(2)) {
                    #[allow(clippy::cast_possible_truncation)]
                    let here = base + k as u32 + 1;
                    self.table[Self::hash(data, k)] = here;
                }
                i += matched;
            } else {
                bits.sym(u32::from(data[i]));
                i += 1;
            }
        }
        bits.sym(256);
        bits.finish();
        self.base = base + n32 + 1;
    }
}

/// Gzips `data` (RFC 1952, no file name, modification time 0: the same bytes every time). Tiles
/// up to [`SMALL_TILE_BYTES`] that are not mostly text go through a fixed-code deflate of our own;
/// the others through miniz at the default level, reusing one deflate state per thread.
#[must_use]
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    // Text (quotes, names) gains from a Huffman code fitted to it; leave that to miniz.
    let letters = data
        .iter()
        .filter(|b| b.is_ascii_alphabetic() || **b == b' ')
        .count();
    if data.len() <= SMALL_TILE_BYTES && letters * 2 <= data.len() {
        SMALL.with(|cell| cell.borrow_mut().compress(data, &mut out));
    } else {
        deflate_miniz(data, &mut out);
    }
    let mut crc = Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    #[allow(clippy::cast_possible_truncation)]
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn deflate_miniz(data: &[u8], out: &mut Vec<u8>) {
    DEFLATE.with(|cell| {
        let mut c = cell.borrow_mut();
        c.reset();
        let mut input = data;
        loop {
            out.reserve(input.len() / 2 + 1024);
            let before_in = c.total_in();
            let status = c.compress_vec(input, out, FlushCompress::Finish);
            #[allow(clippy::cast_possible_truncation)]
            let used = (c.total_in() - before_in) as usize;
            input = &input[used.min(input.len())..];
            match status {
                Ok(flate2::Status::StreamEnd) => break,
                Ok(_) => {}
                Err(_) => {
                    // Deflate of an in-memory buffer cannot fail; fall back to flate2's writer.
                    out.truncate(10);
                    let mut e = flate2::write::DeflateEncoder::new(
                        std::mem::take(out),
                        Compression::default(),
                    );
                    let _ = e.write_all(data);
                    *out = e.finish().unwrap_or_default();
                    break;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn small_tiles_round_trip_through_the_fixed_code_compressor() {
        let mut seed = 7u32;
        for len in (0..=SMALL_TILE_BYTES)
            .step_by(7)
            .chain([258, 259, 515, 1024])
        {
            let data: Vec<u8> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    // runs, repeats at varied distances, and noise
                    match (i / 97) % 3 {
                        0 => b'a',
                        1 => (i % 13) as u8 + 200,
                        _ => (seed >> 16) as u8,
                    }
                })
                .collect();
            let gz = gzip(&data);
            let mut back = vec![];
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data, "length {len}");
        }
        // One long run: matches of the longest length (258) at distance 1.
        let run = vec![9u8; 1000];
        let gz = gzip(&run);
        assert!(gz.len() < 40, "{}", gz.len());
        let mut back = vec![];
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, run);
    }

    #[test]
    fn gzip_round_trips_and_is_stable() {
        for data in [
            &b""[..],
            b"x",
            &vec![7u8; 100_000],
            &(0..200_000u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect::<Vec<_>>(),
        ] {
            let gz = gzip(data);
            assert_eq!(gz, gzip(data));
            let mut back = vec![];
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data);
        }
    }
}
