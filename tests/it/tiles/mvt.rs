//! A Mapbox Vector Tile 2.1 decoder written from the specification (vector_tile.proto and the
//! geometry encoding of section 4.3), independent of the `mvt` crate the tiler encodes with.

use std::collections::BTreeMap;

/// A decoded attribute value, typed as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str(String),
    Float(f32),
    Double(f64),
    Int(i64),
    UInt(u64),
    SInt(i64),
    Bool(bool),
}

impl Val {
    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Float(f) => Some(f64::from(*f)),
            Self::Double(d) => Some(*d),
            Self::Int(i) | Self::SInt(i) => Some(*i as f64),
            Self::UInt(u) => Some(*u as f64),
            _ => None,
        }
    }
}

/// Geometry type codes of the spec.
pub const POINT: u64 = 1;
pub const LINESTRING: u64 = 2;
pub const POLYGON: u64 = 3;

#[derive(Debug, Clone)]
pub struct Feature {
    pub id: Option<u64>,
    pub geom_type: u64,
    /// Points: one part holding every point; lines: one part per line; polygons: one per ring.
    pub parts: Vec<Vec<[i64; 2]>>,
    pub props: BTreeMap<String, Val>,
}

#[derive(Debug, Clone)]
pub struct Layer {
    pub version: u64,
    pub name: String,
    pub extent: u64,
    pub features: Vec<Feature>,
}

#[derive(Debug, Clone)]
pub struct Tile {
    pub layers: Vec<Layer>,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos).ok_or("truncated varint")?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.varint()? as usize;
        let b = self
            .buf
            .get(self.pos..self.pos + n)
            .ok_or("truncated field")?;
        self.pos += n;
        Ok(b)
    }

    fn fixed(&mut self, n: usize) -> Result<&'a [u8], String> {
        let b = self
            .buf
            .get(self.pos..self.pos + n)
            .ok_or("truncated fixed")?;
        self.pos += n;
        Ok(b)
    }

    /// Reads a key; returns (field number, wire type).
    fn key(&mut self) -> Result<(u64, u64), String> {
        let k = self.varint()?;
        Ok((k >> 3, k & 7))
    }

    fn skip(&mut self, wire: u64) -> Result<(), String> {
        match wire {
            0 => {
                self.varint()?;
            }
            1 => {
                self.fixed(8)?;
            }
            2 => {
                self.bytes()?;
            }
            5 => {
                self.fixed(4)?;
            }
            w => return Err(format!("unknown wire type {w}")),
        }
        Ok(())
    }
}

fn packed(buf: &[u8]) -> Result<Vec<u64>, String> {
    let mut r = Reader::new(buf);
    let mut out = vec![];
    while !r.done() {
        out.push(r.varint()?);
    }
    Ok(out)
}

fn zigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn value(buf: &[u8]) -> Result<Val, String> {
    let mut r = Reader::new(buf);
    let mut v = None;
    while !r.done() {
        let (field, wire) = r.key()?;
        v = Some(match (field, wire) {
            (1, 2) => Val::Str(String::from_utf8(r.bytes()?.to_vec()).map_err(|e| e.to_string())?),
            (2, 5) => Val::Float(f32::from_le_bytes(r.fixed(4)?.try_into().unwrap())),
            (3, 1) => Val::Double(f64::from_le_bytes(r.fixed(8)?.try_into().unwrap())),
            (4, 0) => Val::Int(r.varint()? as i64),
            (5, 0) => Val::UInt(r.varint()?),
            (6, 0) => Val::SInt(zigzag(r.varint()?)),
            (7, 0) => Val::Bool(r.varint()? != 0),
            (f, w) => return Err(format!("unexpected value field {f} wire {w}")),
        });
    }
    v.ok_or_else(|| "empty value".into())
}

/// Decodes the command stream of section 4.3 into parts.
fn geometry(geom_type: u64, cmds: &[u64]) -> Result<Vec<Vec<[i64; 2]>>, String> {
    let (mut x, mut y) = (0i64, 0i64);
    let mut parts: Vec<Vec<[i64; 2]>> = vec![];
    let mut i = 0;
    while i < cmds.len() {
        let id = cmds[i] & 7;
        let count = (cmds[i] >> 3) as usize;
        i += 1;
        match id {
            1 | 2 => {
                if id == 1 && geom_type != POINT && count != 1 {
                    return Err(format!(
                        "MoveTo with count {count} outside a point geometry"
                    ));
                }
                if id == 2 && parts.is_empty() {
                    return Err("LineTo before MoveTo".into());
                }
                for _ in 0..count {
                    let dx = zigzag(*cmds.get(i).ok_or("missing parameter")?);
                    let dy = zigzag(*cmds.get(i + 1).ok_or("missing parameter")?);
                    i += 2;
                    x += dx;
                    y += dy;
                    if id == 1 && (geom_type != POINT || parts.is_empty()) {
                        parts.push(vec![]);
                    }
                    parts.last_mut().ok_or("no part")?.push([x, y]);
                }
            }
            7 => {
                if geom_type != POLYGON || count != 1 {
                    return Err("ClosePath outside a polygon".into());
                }
            }
            other => return Err(format!("unknown command {other}")),
        }
    }
    Ok(parts)
}

fn feature(buf: &[u8], keys: &[String], values: &[Val]) -> Result<Feature, String> {
    let mut r = Reader::new(buf);
    let (mut id, mut tags, mut geom_type, mut cmds) = (None, vec![], 0, vec![]);
    while !r.done() {
        match r.key()? {
            (1, 0) => id = Some(r.varint()?),
            (2, 2) => tags = packed(r.bytes()?)?,
            (3, 0) => geom_type = r.varint()?,
            (4, 2) => cmds = packed(r.bytes()?)?,
            (_, w) => r.skip(w)?,
        }
    }
    if tags.len() % 2 != 0 {
        return Err("odd number of tags".into());
    }
    let mut props = BTreeMap::new();
    for kv in tags.chunks(2) {
        let k = keys.get(kv[0] as usize).ok_or("tag key out of range")?;
        let v = values.get(kv[1] as usize).ok_or("tag value out of range")?;
        props.insert(k.clone(), v.clone());
    }
    Ok(Feature {
        id,
        geom_type,
        parts: geometry(geom_type, &cmds)?,
        props,
    })
}

fn layer(buf: &[u8]) -> Result<Layer, String> {
    let mut r = Reader::new(buf);
    let (mut version, mut name, mut extent) = (1, String::new(), 4096);
    let (mut keys, mut values, mut raw_features) = (vec![], vec![], vec![]);
    while !r.done() {
        match r.key()? {
            (15, 0) => version = r.varint()?,
            (1, 2) => name = String::from_utf8(r.bytes()?.to_vec()).map_err(|e| e.to_string())?,
            (2, 2) => raw_features.push(r.bytes()?),
            (3, 2) => keys.push(String::from_utf8(r.bytes()?.to_vec()).map_err(|e| e.to_string())?),
            (4, 2) => values.push(value(r.bytes()?)?),
            (5, 0) => extent = r.varint()?,
            (_, w) => r.skip(w)?,
        }
    }
    let features = raw_features
        .into_iter()
        .map(|f| feature(f, &keys, &values))
        .collect::<Result<_, _>>()?;
    Ok(Layer {
        version,
        name,
        extent,
        features,
    })
}

/// Decodes an uncompressed MVT tile.
pub fn decode(buf: &[u8]) -> Result<Tile, String> {
    let mut r = Reader::new(buf);
    let mut layers = vec![];
    while !r.done() {
        match r.key()? {
            (3, 2) => layers.push(layer(r.bytes()?)?),
            (_, w) => r.skip(w)?,
        }
    }
    Ok(Tile { layers })
}

/// Twice the signed area of a ring (surveyor's formula, tile coordinates, y down).
pub fn area2(ring: &[[i64; 2]]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum()
}
