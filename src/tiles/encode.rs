//! Mapbox Vector Tile 2.1 encoding and gzip.
//!
//! Geometry arrives here already clipped, simplified and rounded to whole tile units. The
//! protobuf is written directly ([`encode_tile`]): the zigzag/delta MoveTo/LineTo/ClosePath
//! commands as the `mvt` crate's `GeomEncoder` writes them, and the layers with their key and
//! value tables, byte for byte what the crate writes (a test compares them on random tiles) but
//! without a `String` and two hash-map entries per attribute. Attributes keep their type
//! (string, signed or unsigned integer, double, boolean); absent values are simply not written.
//!
//! Gzip: most tiles are a few hundred bytes, where a general compressor spends its time clearing
//! its tables, and the synthetic benchmark's 643,790 tiles were a third of its run in miniz.
//! Tiles up to [`SMALL_TILE_BYTES`] (all real ones) are deflated here: greedy LZ77, then one
//! block with the fixed Huffman codes or codes fitted to the tile, whichever is shorter. The
//! archives come out 0.7-2.7 % larger than with miniz's level 6 (the atlas's 2.6 %), the tiles
//! inside them identical.

use std::cell::RefCell;
use std::io::Write;

use flate2::{Compress, Compression, Crc, FlushCompress};
#[cfg(test)]
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

/// Appends `v` as a protobuf varint.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        #[allow(clippy::cast_possible_truncation)]
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    #[allow(clippy::cast_possible_truncation)]
    out.push(v as u8);
}

fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// Appends a length-delimited field: key, length, bytes.
fn bytes_field(out: &mut Vec<u8>, field: u32, data: &[u8]) {
    varint(out, u64::from(field << 3 | 2));
    varint(out, data.len() as u64);
    out.extend_from_slice(data);
}

/// Appends a packed repeated `uint32` field (nothing when empty, as protobuf does).
fn packed_field(out: &mut Vec<u8>, field: u32, vals: &[u32]) {
    if vals.is_empty() {
        return;
    }
    varint(out, u64::from(field << 3 | 2));
    let len: usize = vals.iter().map(|&v| varint_len(u64::from(v))).sum();
    varint(out, len as u64);
    for &v in vals {
        varint(out, u64::from(v));
    }
}

const CMD_MOVE_TO: u32 = 1;
const CMD_LINE_TO: u32 = 2;
const CMD_CLOSE_PATH: u32 = 7;

/// MVT geometry commands, written exactly as the `mvt` crate's `GeomEncoder` writes them
/// (without transform or bounding box): a vertex equal to the one before is skipped (and a ring
/// or line starting where the last one ended continues it: see [`encode_tile`]), and a polygon
/// vertex continuing an axis-parallel run in the same direction replaces the one before it.
struct Geom<'a> {
    data: &'a mut Vec<u32>,
    kind: GeomKind3,
    cmd_offset: usize,
    count: u32,
    pt0: Option<IPt>,
    pt1: Option<IPt>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum GeomKind3 {
    Point,
    Line,
    Polygon,
}

impl<'a> Geom<'a> {
    fn new(data: &'a mut Vec<u32>, kind: GeomKind3) -> Self {
        data.clear();
        Self {
            data,
            kind,
            cmd_offset: 0,
            count: 0,
            pt0: None,
            pt1: None,
        }
    }

    fn command(&mut self, id: u32) {
        self.cmd_offset = self.data.len();
        self.data.push(id | 1 << 3);
    }

    fn set_count(&mut self, count: u32) {
        let off = self.cmd_offset;
        self.data[off] = (self.data[off] & 7) | count << 3;
    }

    fn simplifies(&self, p: IPt) -> bool {
        if let (Some(a), Some(b)) = (self.pt0, self.pt1) {
            if a[0] == b[0] && b[0] == p[0] {
                return (a[1] < b[1] && b[1] < p[1]) || (a[1] > b[1] && b[1] > p[1]);
            }
            if a[1] == b[1] && b[1] == p[1] {
                return (a[0] < b[0] && b[0] < p[0]) || (a[0] > b[0] && b[0] > p[0]);
            }
        }
        false
    }

    fn point(&mut self, p: IPt) {
        if self.pt1 == Some(p) {
            if self.count == 0 {
                self.count += 1;
            }
            return;
        }
        match (self.kind, self.count) {
            (_, 0) => self.command(CMD_MOVE_TO),
            (GeomKind3::Line | GeomKind3::Polygon, 1) => self.command(CMD_LINE_TO),
            _ => {}
        }
        if self.kind == GeomKind3::Polygon && self.count >= 2 && self.simplifies(p) {
            self.data.pop();
            self.data.pop();
            self.pt1 = self.pt0;
            self.count -= 1;
        }
        self.pt0 = self.pt1;
        let [px, py] = self.pt0.unwrap_or([0, 0]);
        let zz = |v: i32| ((v << 1) ^ (v >> 31)).cast_unsigned();
        self.data.push(zz(p[0].saturating_sub(px)));
        self.data.push(zz(p[1].saturating_sub(py)));
        self.pt1 = Some(p);
        self.count += 1;
    }

    fn complete(&mut self) {
        match self.kind {
            GeomKind3::Point => {
                self.set_count(self.count);
                return;
            }
            GeomKind3::Line => {
                if self.count > 1 {
                    self.set_count(self.count - 1);
                }
            }
            GeomKind3::Polygon => {
                if self.count > 1 {
                    self.set_count(self.count - 1);
                    self.command(CMD_CLOSE_PATH);
                }
            }
        }
        self.count = 0;
        self.pt0 = None;
    }
}

/// A protobuf `Tile.Value` message body.
fn value_bytes(out: &mut Vec<u8>, v: AttrRef<'_>) {
    match v {
        AttrRef::Str(s) => bytes_field(out, 1, s.as_bytes()),
        AttrRef::Double(d) => {
            out.push(3 << 3 | 1);
            out.extend_from_slice(&d.to_le_bytes());
        }
        AttrRef::Int(i) if i < 0 => {
            out.push(6 << 3);
            varint(out, ((i << 1) ^ (i >> 63)).cast_unsigned());
        }
        AttrRef::Int(i) => {
            out.push(5 << 3);
            varint(out, i.cast_unsigned());
        }
        AttrRef::UInt(u) => {
            out.push(5 << 3);
            varint(out, u);
        }
        AttrRef::Bool(b) => {
            out.push(7 << 3);
            out.push(u8::from(b));
        }
    }
}

/// One layer being written: its features, and its keys and values in order of first use.
#[derive(Default)]
struct LayerBuf<'k> {
    features: Vec<u8>,
    keys: Vec<&'k str>,
    key_index: rustc_hash::FxHashMap<&'k str, u32>,
    /// The encoded values one after the other, and where each ends.
    values: Vec<u8>,
    value_ends: Vec<usize>,
    /// The same values as compared (-0.0 counted as 0.0, as the `mvt` crate does), and where
    /// each ends.
    norm: Vec<u8>,
    norm_ends: Vec<usize>,
    /// A hash of each compared value to its index (a colliding different value is searched for
    /// among all of them).
    value_index: rustc_hash::FxHashMap<u64, u32>,
}

impl<'k> LayerBuf<'k> {
    fn key(&mut self, k: &'k str) -> u32 {
        if let Some(&i) = self.key_index.get(k) {
            return i;
        }
        let i = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        self.keys.push(k);
        self.key_index.insert(k, i);
        i
    }

    fn value(&mut self, v: AttrRef<'_>, scratch: &mut Vec<u8>) -> u32 {
        scratch.clear();
        // -0.0 is compared as 0.0.
        let norm = match v {
            AttrRef::Double(d) => AttrRef::Double(d + 0.0),
            other => other,
        };
        value_bytes(scratch, norm);
        let h = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            h.write(scratch);
            h.finish()
        };
        let nth = |i: usize| {
            let start = if i == 0 { 0 } else { self.norm_ends[i - 1] };
            &self.norm[start..self.norm_ends[i]]
        };
        match self.value_index.get(&h) {
            Some(&i) if nth(i as usize) == scratch.as_slice() => return i,
            Some(_) => {
                if let Some(i) = (0..self.norm_ends.len()).find(|&i| nth(i) == scratch.as_slice()) {
                    return u32::try_from(i).unwrap_or(u32::MAX);
                }
            }
            None => {}
        }
        let i = u32::try_from(self.value_ends.len()).unwrap_or(u32::MAX);
        value_bytes(&mut self.values, v);
        self.value_ends.push(self.values.len());
        self.norm.extend_from_slice(scratch);
        self.norm_ends.push(self.norm.len());
        self.value_index.entry(h).or_insert(i);
        i
    }

    fn finish(self, name: &str, tile: &mut Vec<u8>) {
        let mut body = Vec::with_capacity(self.features.len() + self.values.len() + 64);
        bytes_field(&mut body, 1, name.as_bytes());
        body.extend_from_slice(&self.features);
        for k in &self.keys {
            bytes_field(&mut body, 3, k.as_bytes());
        }
        let mut start = 0;
        for &end in &self.value_ends {
            bytes_field(&mut body, 4, &self.values[start..end]);
            start = end;
        }
        body.push(5 << 3);
        varint(&mut body, u64::from(EXTENT));
        body.push(120); // field 15 (version), varint
        body.push(2);
        bytes_field(tile, 3, &body);
    }
}

/// Encodes the features (sorted by layer) into one tile: the Mapbox Vector Tile protobuf written
/// directly, byte for byte what the `mvt` crate writes (a test compares the two), without its
/// per-tag string copies and hash maps.
///
/// # Errors
/// `mvt::Error::DuplicateName` when two runs of features carry the same layer name.
pub fn encode_tile<'f>(
    store: &'f Store,
    features: impl Iterator<Item = &'f EncFeature>,
) -> Result<Vec<u8>, mvt::Error> {
    let mut tile: Vec<u8> = Vec::with_capacity(1024);
    let mut names: Vec<&str> = vec![];
    let mut current: Option<(u16, LayerBuf<'f>)> = None;
    let mut geom: Vec<u32> = vec![];
    let mut tags: Vec<u32> = vec![];
    let mut scratch: Vec<u8> = vec![];
    let mut feat: Vec<u8> = vec![];
    let layer_name = |l: u16| {
        store
            .layers
            .get(usize::from(l))
            .map_or("layer", |l| l.name.as_str())
    };
    for f in features {
        if current.as_ref().is_none_or(|(l, _)| *l != f.layer) {
            if let Some((l, buf)) = current.take() {
                buf.finish(layer_name(l), &mut tile);
            }
            let name = layer_name(f.layer);
            if names.contains(&name) {
                return Err(mvt::Error::DuplicateName());
            }
            names.push(name);
            current = Some((f.layer, LayerBuf::default()));
        }
        let Some((_, layer)) = current.as_mut() else {
            continue;
        };
        let kind = match &f.geom {
            EncGeom::Points(pts) => {
                let mut e = Geom::new(&mut geom, GeomKind3::Point);
                for p in pts {
                    e.point(*p);
                }
                if !pts.is_empty() {
                    e.complete();
                }
                1u64
            }
            EncGeom::Lines(lines) => {
                let mut e = Geom::new(&mut geom, GeomKind3::Line);
                for l in lines {
                    for p in l {
                        e.point(*p);
                    }
                    e.complete();
                }
                2
            }
            EncGeom::Polygons(rings) => {
                let mut e = Geom::new(&mut geom, GeomKind3::Polygon);
                let mut prev_last: Option<IPt> = None;
                for r in rings {
                    // A ring starting where the last one ended would continue it (the encoder
                    // skips a repeated vertex): start such a ring at another of its vertices.
                    let start = r.iter().position(|p| Some(*p) != prev_last).unwrap_or(0);
                    for p in r[start..].iter().chain(&r[..start]) {
                        e.point(*p);
                    }
                    prev_last = r[start..].iter().chain(&r[..start]).last().copied();
                    e.complete();
                }
                3
            }
        };
        let rec = store.features[f.feature as usize];
        tags.clear();
        for (key, value) in store.attrs(&rec) {
            let k = store.key_name(key);
            if f.extra.iter().any(|e| e.0 == k) {
                continue;
            }
            tags.push(layer.key(k));
            tags.push(layer.value(value, &mut scratch));
        }
        for (k, v) in &f.extra {
            let v = match v {
                ExtraVal::Str(s) => AttrRef::Str(s),
                ExtraVal::Int(i) => AttrRef::Int(*i),
                ExtraVal::Double(d) => AttrRef::Double(*d),
                ExtraVal::Bool(b) => AttrRef::Bool(*b),
            };
            tags.push(layer.key(k));
            tags.push(layer.value(v, &mut scratch));
        }
        feat.clear();
        if let Some(id) = store.feature_id(&rec) {
            feat.push(1 << 3);
            varint(&mut feat, id);
        }
        packed_field(&mut feat, 2, &tags);
        feat.push(3 << 3);
        varint(&mut feat, kind);
        packed_field(&mut feat, 4, &geom);
        bytes_field(&mut layer.features, 2, &feat);
    }
    if let Some((l, buf)) = current {
        buf.finish(layer_name(l), &mut tile);
    }
    Ok(tile)
}

/// The `mvt` crate's encoding of the same tile: the reference [`encode_tile`] is tested against.
#[cfg(test)]
fn encode_tile_mvt<'f>(
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

/// Tiles up to this many bytes are deflated by our own compressor; bigger ones by miniz.
pub const SMALL_TILE_BYTES: usize = 1 << 20;

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
    /// Appends the low `bits` (at most 16) of `v`; whole 32-bit words go out at once.
    fn put(&mut self, v: u32, bits: u32) {
        self.acc |= u64::from(v) << self.n;
        self.n += bits;
        if self.n >= 32 {
            #[allow(clippy::cast_possible_truncation)]
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.n -= 32;
        }
    }

    fn finish(mut self) {
        while self.n > 0 {
            #[allow(clippy::cast_possible_truncation)]
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n = self.n.saturating_sub(8);
        }
    }
}

/// Deflate (RFC 1951) for tiles: greedy LZ77 over a 4096-entry hash of 3-byte prefixes, then one
/// block with whichever Huffman codes are shorter: the fixed ones of the RFC, or codes fitted to
/// the tile (a dynamic block, which pays for its code table on a tile of names and dates). Unlike
/// a general compressor nothing has to be cleared between tiles: hash entries carry a running
/// offset, and entries from earlier inputs fall below it.
struct SmallDeflate {
    table: Vec<u32>,
    base: u32,
    /// LZ77 output of the current input: a literal byte, or `MATCH | length << 16 | distance`.
    tokens: Vec<u32>,
}

/// Marks a match token.
const MATCH: u32 = 1 << 31;

/// The order code-length code lengths are sent in (RFC 1951 §3.2.7).
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

fn fixed_len(sym: usize) -> u32 {
    match sym {
        0..=143 => 8,
        144..=255 => 9,
        256..=279 => 7,
        _ => 8,
    }
}

/// The length code (index into [`LEN_BASE`]) of each match length 0..=258 (3..=258 used).
const LEN_CODE: [u8; 259] = {
    let mut t = [0u8; 259];
    let mut i = 0;
    while i < 29 {
        let mut l = LEN_BASE[i] as usize;
        let end = if i + 1 < 29 {
            LEN_BASE[i + 1] as usize
        } else {
            259
        };
        while l < end {
            t[l] = i as u8;
            l += 1;
        }
        i += 1;
    }
    t
};

/// The largest code whose base is at most `d`.
const fn dist_code_of(d: usize) -> u8 {
    let mut i = 29;
    while DIST_BASE[i] as usize > d {
        i -= 1;
    }
    i as u8
}

/// Distance codes of distances 0..=256, and of the larger ones by `(d - 1) >> 7` (every code
/// above 256 starts one past a multiple of 128).
const DIST_CODE_LO: [u8; 257] = {
    let mut t = [0u8; 257];
    let mut d = 1;
    while d <= 256 {
        t[d] = dist_code_of(d);
        d += 1;
    }
    t
};
const DIST_CODE_HI: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut k = 2;
    while k < 256 {
        t[k] = dist_code_of((k << 7) + 1);
        k += 1;
    }
    t
};

fn len_index(len: usize) -> usize {
    usize::from(LEN_CODE[len.min(258)])
}

fn dist_index(dist: usize) -> usize {
    if dist <= 256 {
        usize::from(DIST_CODE_LO[dist])
    } else {
        usize::from(DIST_CODE_HI[((dist - 1) >> 7) & 0xff])
    }
}

/// Huffman code lengths for `freq`, none longer than `max` bits (lengths 0 for unused symbols).
/// At least two symbols get a code, so the code is always complete (as zlib does).
fn code_lengths(freq: &[u32], max: u32) -> Vec<u32> {
    let n = freq.len();
    let mut lens = vec![0u32; n];
    let mut used: Vec<usize> = (0..n).filter(|&s| freq[s] > 0).collect();
    for (s, &f) in freq.iter().enumerate() {
        if used.len() >= 2 {
            break;
        }
        if f == 0 {
            used.push(s);
        }
    }
    used.sort_unstable_by_key(|&s| (freq[s], s));
    // Huffman's tree by the two-queue method over the symbols sorted by frequency: leaves are
    // 0..m, inner nodes m..; each node's parent gives its depth.
    let m = used.len();
    let weight = |s: usize| u64::from(freq[s].max(1));
    let mut w: Vec<u64> = used.iter().map(|&s| weight(s)).collect();
    let mut parent = vec![0usize; 2 * m];
    let (mut leaf, mut inner) = (0usize, m);
    for next in m..2 * m - 1 {
        let mut take = || {
            let pick_leaf = leaf < m && (inner >= next || w[leaf] <= w[inner]);
            if pick_leaf {
                leaf += 1;
                leaf - 1
            } else {
                inner += 1;
                inner - 1
            }
        };
        let (a, b) = (take(), take());
        w.push(w[a] + w[b]);
        parent[a] = next;
        parent[b] = next;
    }
    let mut depth = vec![0u32; 2 * m - 1];
    for i in (0..2 * m - 2).rev() {
        depth[i] = depth[parent[i]] + 1;
    }
    // Count codes per length, fold anything too long into `max`, then restore Kraft's equality
    // by lengthening the shortest codes that can give (miniz's and zlib's repair).
    let mut count = [0u32; 64];
    for &d in &depth[..m] {
        count[d.min(63) as usize] += 1;
    }
    let max_us = max as usize;
    for l in max_us + 1..64 {
        count[max_us] += count[l];
        count[l] = 0;
    }
    let mut total: u64 = (1..=max_us)
        .map(|l| u64::from(count[l]) << (max_us - l))
        .sum();
    while total > 1u64 << max_us {
        count[max_us] -= 1;
        for l in (1..max_us).rev() {
            if count[l] != 0 {
                count[l] -= 1;
                count[l + 1] += 2;
                break;
            }
        }
        total -= 1;
    }
    // The most frequent symbols get the shortest codes.
    let mut l = 1;
    for &s in used.iter().rev() {
        while count[l] == 0 {
            l += 1;
        }
        lens[s] = l as u32;
        count[l] -= 1;
    }
    lens
}

/// Canonical codes for `lens` (RFC 1951 §3.2.2), bit-reversed as deflate sends them.
fn canonical(lens: &[u32]) -> Vec<u32> {
    let mut bl = [0u32; 16];
    for &l in lens {
        bl[l as usize] += 1;
    }
    bl[0] = 0;
    let mut next = [0u32; 16];
    let mut code = 0;
    for b in 1..16 {
        code = (code + bl[b - 1]) << 1;
        next[b] = code;
    }
    lens.iter()
        .map(|&l| {
            if l == 0 {
                0
            } else {
                let c = next[l as usize];
                next[l as usize] += 1;
                c.reverse_bits() >> (32 - l)
            }
        })
        .collect()
}

/// The code lengths of both trees run-length coded: (symbol 0..=18, extra bits value).
fn rle_lengths(all: &[u32]) -> Vec<(u32, u32)> {
    let mut out = vec![];
    let mut i = 0;
    while i < all.len() {
        let l = all[i];
        let mut run = 1;
        while i + run < all.len() && all[i + run] == l {
            run += 1;
        }
        i += run;
        if l == 0 {
            while run >= 11 {
                let r = run.min(138);
                out.push((18, (r - 11) as u32));
                run -= r;
            }
            if run >= 3 {
                out.push((17, (run - 3) as u32));
                run = 0;
            }
        } else {
            out.push((l, 0));
            run -= 1;
            while run >= 3 {
                let r = run.min(6);
                out.push((16, (r - 3) as u32));
                run -= r;
            }
        }
        for _ in 0..run {
            out.push((l, 0));
        }
    }
    out
}

fn cl_extra(sym: u32) -> u32 {
    match sym {
        16 => 2,
        17 => 3,
        18 => 7,
        _ => 0,
    }
}

impl SmallDeflate {
    const BITS: u32 = 14;

    fn new() -> Self {
        Self {
            table: vec![0; 1 << Self::BITS],
            base: 0,
            tokens: vec![],
        }
    }

    fn hash(d: &[u8], i: usize) -> usize {
        let v = u32::from(d[i]) | (u32::from(d[i + 1]) << 8) | (u32::from(d[i + 2]) << 16);
        (v.wrapping_mul(2_654_435_761) >> (32 - Self::BITS)) as usize
    }

    /// Greedy LZ77 of `data` into `self.tokens`.
    fn lz77(&mut self, data: &[u8]) {
        let n = data.len();
        self.tokens.clear();
        let Ok(n32) = u32::try_from(n) else { return };
        if self.base > u32::MAX - n32 - 2 {
            self.table.fill(0);
            self.base = 0;
        }
        let base = self.base;
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
                #[allow(clippy::cast_possible_truncation)]
                self.tokens
                    .push(MATCH | ((matched as u32) << 16) | dist as u32);
                for k in i + 1..(i + matched).min(n.saturating_sub(2)) {
                    #[allow(clippy::cast_possible_truncation)]
                    let here = base + k as u32 + 1;
                    self.table[Self::hash(data, k)] = here;
                }
                i += matched;
            } else {
                self.tokens.push(u32::from(data[i]));
                i += 1;
            }
        }
        self.base = base + n32 + 1;
    }

    /// Appends the raw deflate stream of `data` to `out`.
    fn compress(&mut self, data: &[u8], out: &mut Vec<u8>) {
        self.lz77(data);
        let mut lfreq = [0u32; 286];
        let mut dfreq = [0u32; 30];
        for &t in &self.tokens {
            if t & MATCH == 0 {
                lfreq[t as usize] += 1;
            } else {
                let li = len_index(((t >> 16) & 0x1ff) as usize);
                let di = dist_index((t & 0xffff) as usize);
                lfreq[257 + li] += 1;
                dfreq[di] += 1;
            }
        }
        lfreq[256] = 1;
        let fixed_bits: u64 = lfreq
            .iter()
            .enumerate()
            .map(|(s, &f)| u64::from(f) * u64::from(fixed_len(s)))
            .sum::<u64>()
            + dfreq.iter().map(|&f| u64::from(f) * 5).sum::<u64>();
        let llens = code_lengths(&lfreq, 15);
        let dlens = code_lengths(&dfreq, 15);
        let hlit = 257.max(llens.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
        let hdist = 1.max(dlens.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
        let mut all = llens[..hlit].to_vec();
        all.extend_from_slice(&dlens[..hdist]);
        let rle = rle_lengths(&all);
        let mut cfreq = [0u32; 19];
        for &(s, _) in &rle {
            cfreq[s as usize] += 1;
        }
        let clens = code_lengths(&cfreq, 7);
        let hclen = 4.max(
            CL_ORDER
                .iter()
                .rposition(|&s| clens[s] > 0)
                .map_or(0, |p| p + 1),
        );
        let dyn_bits: u64 = 14
            + 3 * hclen as u64
            + rle
                .iter()
                .map(|&(s, _)| u64::from(clens[s as usize] + cl_extra(s)))
                .sum::<u64>()
            + lfreq
                .iter()
                .zip(&llens)
                .map(|(&f, &l)| u64::from(f) * u64::from(l))
                .sum::<u64>()
            + dfreq
                .iter()
                .zip(&dlens)
                .map(|(&f, &l)| u64::from(f) * u64::from(l))
                .sum::<u64>();
        let mut bits = Bits { out, acc: 0, n: 0 };
        bits.put(1, 1); // last block
        if dyn_bits < fixed_bits {
            bits.put(2, 2); // dynamic Huffman codes
            #[allow(clippy::cast_possible_truncation)]
            {
                bits.put((hlit - 257) as u32, 5);
                bits.put((hdist - 1) as u32, 5);
                bits.put((hclen - 4) as u32, 4);
            }
            for &s in &CL_ORDER[..hclen] {
                bits.put(clens[s], 3);
            }
            let ccodes = canonical(&clens);
            for &(s, e) in &rle {
                bits.put(ccodes[s as usize], clens[s as usize]);
                let x = cl_extra(s);
                if x > 0 {
                    bits.put(e, x);
                }
            }
            let lcodes = canonical(&llens);
            let dcodes = canonical(&dlens);
            Self::emit(
                &self.tokens,
                &mut bits,
                (&lcodes, &llens),
                (&dcodes, &dlens),
            );
        } else {
            bits.put(1, 2); // fixed Huffman codes
            Self::emit(
                &self.tokens,
                &mut bits,
                (&FIXED_LIT.0, &FIXED_LIT.1),
                (&FIXED_DIST.0, &FIXED_DIST.1),
            );
        }
        bits.finish();
    }

    /// Writes the tokens and the end of block with the given literal/length and distance codes
    /// (bit-reversed codes, lengths).
    fn emit(tokens: &[u32], bits: &mut Bits<'_>, lit: (&[u32], &[u32]), dist: (&[u32], &[u32])) {
        let (lc, ll) = lit;
        let (dc, dl) = dist;
        for &t in tokens {
            if t & MATCH == 0 {
                bits.put(lc[t as usize], ll[t as usize]);
                continue;
            }
            let matched = ((t >> 16) & 0x1ff) as usize;
            let d = (t & 0xffff) as usize;
            let li = len_index(matched);
            bits.put(lc[257 + li], ll[257 + li]);
            if LEN_EXTRA[li] > 0 {
                #[allow(clippy::cast_possible_truncation)]
                bits.put(
                    (matched - usize::from(LEN_BASE[li])) as u32,
                    u32::from(LEN_EXTRA[li]),
                );
            }
            let di = dist_index(d);
            bits.put(dc[di], dl[di]);
            if DIST_EXTRA[di] > 0 {
                #[allow(clippy::cast_possible_truncation)]
                bits.put(
                    (d - usize::from(DIST_BASE[di])) as u32,
                    u32::from(DIST_EXTRA[di]),
                );
            }
        }
        bits.put(lc[256], ll[256]);
    }
}

/// The fixed literal/length code of RFC 1951 §3.2.6: bit-reversed codes and lengths.
const FIXED_LIT: ([u32; 288], [u32; 288]) = {
    let mut c = [0u32; 288];
    let mut l = [0u32; 288];
    let mut s = 0;
    while s < 288 {
        let (code, len) = match s {
            0..=143 => (0x30 + s as u32, 8),
            144..=255 => (0x190 + s as u32 - 144, 9),
            256..=279 => (s as u32 - 256, 7),
            _ => (0xC0 + s as u32 - 280, 8),
        };
        c[s] = code.reverse_bits() >> (32 - len);
        l[s] = len;
        s += 1;
    }
    (c, l)
};

/// The fixed distance code: five bits, bit-reversed.
const FIXED_DIST: ([u32; 30], [u32; 30]) = {
    let mut c = [0u32; 30];
    let mut d = 0;
    while d < 30 {
        c[d] = (d as u32).reverse_bits() >> 27;
        d += 1;
    }
    (c, [5; 30])
};

/// Gzips `data` (RFC 1952, no file name, modification time 0: the same bytes every time). Tiles
/// up to [`SMALL_TILE_BYTES`] go through the deflate of our own ([`SmallDeflate`]); bigger ones
/// through miniz at the default level, reusing one deflate state per thread.
#[must_use]
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    if data.len() <= SMALL_TILE_BYTES {
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
        for len in (0..=1024).step_by(7).chain([258, 259, 515, 1024]) {
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

    /// Random tiles: every kind of value (negative, -0.0, repeated strings), ids or none, extra
    /// attributes, points with repeats, lines and rings with repeated vertices, axis-parallel
    /// runs, and rings starting where the one before ended; our protobuf must equal the crate's.
    #[test]
    fn tiles_are_byte_for_byte_what_the_mvt_crate_writes() {
        use crate::tiles::store::{AttrValue, Geom};
        let seed = std::cell::Cell::new(5u64);
        let rnd = |n: u64| {
            seed.set(
                seed.get()
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407),
            );
            (seed.get() >> 33) % n
        };
        let mut store = Store::new();
        let layers = [
            store.add_layer("a", "", 0, 14),
            store.add_layer("b", "", 0, 14),
            store.add_layer("c", "", 0, 14),
        ];
        let names = ["name", "kind", "n", "x", "flag", "big"];
        let keys: Vec<u32> = names.iter().map(|k| store.key(k)).collect();
        let words = [
            "camp",
            "mine",
            "Vorkuta",
            "",
            "a longer text value with spaces",
        ];
        let mut feats: Vec<EncFeature> = vec![];
        for i in 0..3000u32 {
            let layer = layers[rnd(3) as usize];
            let mut attrs = vec![];
            for (j, &k) in keys.iter().enumerate() {
                if rnd(3) == 0 {
                    continue;
                }
                let v = match j {
                    0 | 1 => AttrValue::Str(words[rnd(5) as usize]),
                    2 => AttrValue::Int(rnd(7) as i64 - 3),
                    3 => AttrValue::Double([0.0, -0.0, 1.5, -2.25, f64::MAX][rnd(5) as usize]),
                    4 => AttrValue::Bool(rnd(2) == 0),
                    _ => AttrValue::UInt(u64::MAX - rnd(3)),
                };
                store.encode_attr(&mut attrs, k, &v);
            }
            let id = (rnd(2) == 0).then(|| rnd(5));
            store
                .add_feature(layer, id, &attrs, &Geom::Point([10.0, 10.0]), false, 0.0)
                .unwrap();
            let pt = || [rnd(6) as i32 * 3 - 5, rnd(6) as i32 * 3 - 5];
            let geom = match rnd(3) {
                0 => EncGeom::Points((0..1 + rnd(4)).map(|_| pt()).collect()),
                1 => EncGeom::Lines(
                    (0..1 + rnd(3))
                        .map(|_| (0..1 + rnd(6)).map(|_| pt()).collect())
                        .collect(),
                ),
                _ => {
                    let mut rings: Vec<Vec<IPt>> = vec![];
                    for _ in 0..1 + rnd(3) {
                        let mut r: Vec<IPt> = (0..3 + rnd(6)).map(|_| pt()).collect();
                        if let Some(last) = rings.last().and_then(|p| p.last())
                            && rnd(2) == 0
                        {
                            r[0] = *last;
                        }
                        rings.push(r);
                    }
                    EncGeom::Polygons(rings)
                }
            };
            let extra = if rnd(4) == 0 {
                vec![
                    ("n".to_owned(), ExtraVal::Int(-7)),
                    ("point_count".to_owned(), ExtraVal::Int(12)),
                    ("abbr".to_owned(), ExtraVal::Str("1.2k".into())),
                    ("sqrt".to_owned(), ExtraVal::Double(3.46)),
                    ("clustered".to_owned(), ExtraVal::Bool(true)),
                ]
            } else {
                vec![]
            };
            feats.push(EncFeature {
                feature: i,
                layer,
                geom,
                extra,
            });
        }
        feats.sort_by_key(|f| f.layer);
        for chunk in [1, 2, 7, 50, 400, 3000] {
            for part in feats.chunks(chunk) {
                assert_eq!(
                    encode_tile(&store, part.iter()).unwrap(),
                    encode_tile_mvt(&store, part.iter()).unwrap(),
                    "chunk {chunk}"
                );
            }
        }
    }

    fn gunzip(gz: &[u8]) -> Vec<u8> {
        let mut back = vec![];
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut back)
            .unwrap();
        back
    }

    #[test]
    fn text_tiles_get_fitted_codes_that_round_trip() {
        // Names and dates as in a tile's value table: a dynamic block, clearly smaller than the
        // fixed codes would make it.
        let mut text = String::new();
        let mut seed = 11u32;
        let words = [
            "Vorkuta",
            "Syktyvkar",
            "camp",
            "settlement",
            "landing",
            "Pechora",
        ];
        while text.len() < 40_000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let w = words[(seed >> 16) as usize % words.len()];
            text.push_str(&format!(
                "{w} {} 1936-{:02}-{:02};",
                seed % 97,
                seed % 12 + 1,
                seed % 28 + 1
            ));
        }
        for len in [0, 1, 2, 3, 40, 300, 1000, 5000, 16_384, 40_000] {
            let data = &text.as_bytes()[..len.min(text.len())];
            let gz = gzip(data);
            assert_eq!(gunzip(&gz), data, "length {len}");
            if len >= 300 {
                // BTYPE (bits 1-2 of the first deflate byte) is 2: dynamic codes.
                assert_eq!((gz[10] >> 1) & 3, 2, "length {len}");
            }
        }
        // Skewed and single-symbol alphabets, no matches at all, all 256 byte values.
        let all: Vec<u8> = (0..=255u8).collect();
        for data in [
            vec![b'a'; 2000],
            all.clone(),
            all.repeat(20),
            b"ab".repeat(700),
        ] {
            assert_eq!(gunzip(&gzip(&data)), data);
        }
        let d = text.len();
        let mut fixed = vec![];
        let mut z = SmallDeflate::new();
        z.lz77(&text.as_bytes()[..d]);
        let mut bits = Bits {
            out: &mut fixed,
            acc: 0,
            n: 0,
        };
        SmallDeflate::emit(
            &z.tokens,
            &mut bits,
            (&FIXED_LIT.0, &FIXED_LIT.1),
            (&FIXED_DIST.0, &FIXED_DIST.1),
        );
        bits.finish();
        let dynamic = gzip(&text.as_bytes()[..d]).len() - 18;
        assert!(
            dynamic * 10 < fixed.len() * 9,
            "{dynamic} vs {}",
            fixed.len()
        );
    }

    #[test]
    fn length_and_distance_codes_match_the_tables() {
        for len in 3..=258 {
            assert_eq!(
                len_index(len),
                LEN_BASE.partition_point(|&b| usize::from(b) <= len) - 1
            );
        }
        for d in 1..=32_768 {
            assert_eq!(
                dist_index(d),
                DIST_BASE.partition_point(|&b| usize::from(b) <= d) - 1
            );
        }
    }

    #[test]
    fn code_lengths_are_complete_and_limited() {
        // Fibonacci frequencies make the deepest Huffman tree; 15 bits must still hold.
        let mut freq = vec![0u32; 286];
        let (mut a, mut b) = (1u32, 1u32);
        for f in freq.iter_mut().take(30) {
            *f = a;
            (a, b) = (b, a.saturating_add(b));
        }
        for (max, freq) in [
            (15, freq.clone()),
            (7, freq[..19].to_vec()),
            (15, vec![0; 30]),
        ] {
            let lens = code_lengths(&freq, max);
            assert!(lens.iter().all(|&l| l <= max));
            let kraft: f64 = lens
                .iter()
                .filter(|&&l| l > 0)
                .map(|&l| 0.5f64.powi(l as i32))
                .sum();
            assert!((kraft - 1.0).abs() < 1e-12, "{kraft}");
        }
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
