//! Mapbox Vector Tile 2.1 encoding (through the `mvt` crate) and gzip.
//!
//! Geometry arrives here already clipped, simplified and rounded to whole tile units, so the
//! encoder is used without its transform or bounding box: it only writes the zigzag/delta
//! MoveTo/LineTo/ClosePath commands. Attributes keep their type (string, signed or unsigned
//! integer, double, boolean); absent values are simply not written.

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
                for r in rings {
                    for p in r {
                        e.add_point(p[0], p[1])?;
                    }
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
        current = Some((lid, feature.into_layer()));
    }
    if let Some((_, layer)) = current {
        tile.add_layer(layer)?;
    }
    tile.to_bytes()
}

thread_local! {
    static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::default(), false));
}

/// Gzips `data` (RFC 1952, no file name, modification time 0: the same bytes every time), reusing
/// one deflate state per thread.
#[must_use]
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    DEFLATE.with(|cell| {
        let mut c = cell.borrow_mut();
        c.reset();
        let mut input = data;
        loop {
            out.reserve(input.len() / 2 + 1024);
            let before_in = c.total_in();
            let status = c.compress_vec(input, &mut out, FlushCompress::Finish);
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
                        std::mem::take(&mut out),
                        Compression::default(),
                    );
                    let _ = e.write_all(data);
                    out = e.finish().unwrap_or_default();
                    break;
                }
            }
        }
    });
    let mut crc = Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    #[allow(clippy::cast_possible_truncation)]
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

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
