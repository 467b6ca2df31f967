//! GeoPackage geometry blobs (GeoPackage 1.2 §2.1.3): the `GP` header with an XY envelope,
//! followed by little-endian ISO WKB. Only 2-D geometries; empty geometries are not written
//! (the caller stores NULL instead).

use geo::{BoundingRect, Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon};

use crate::layers::GeometryKind;
use crate::output::round_coord;

/// The declared geometry type of a feature table's geometry column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// `POINT`.
    Point,
    /// `MULTIPOINT`.
    MultiPoint,
    /// `MULTILINESTRING` (single lines are promoted).
    MultiLineString,
    /// `MULTIPOLYGON` (single polygons are promoted).
    MultiPolygon,
}

impl ColumnType {
    /// The name used in `gpkg_geometry_columns.geometry_type_name` and in the column declaration.
    #[must_use]
    pub fn sql_name(self) -> &'static str {
        match self {
            Self::Point => "POINT",
            Self::MultiPoint => "MULTIPOINT",
            Self::MultiLineString => "MULTILINESTRING",
            Self::MultiPolygon => "MULTIPOLYGON",
        }
    }

    /// The column type for a layer of `kind` whose features are `geoms`: points stay points unless
    /// some feature is a multi-point; lines and polygons are always multi.
    pub fn for_layer<'a>(
        kind: GeometryKind,
        mut geoms: impl Iterator<Item = &'a Geometry>,
    ) -> Self {
        match kind {
            GeometryKind::Point => {
                if geoms.any(|g| matches!(g, Geometry::MultiPoint(_))) {
                    Self::MultiPoint
                } else {
                    Self::Point
                }
            }
            GeometryKind::Line => Self::MultiLineString,
            GeometryKind::Polygon => Self::MultiPolygon,
        }
    }
}

/// An XY bounding box, **degrees**.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Envelope {
    /// West.
    pub min_x: f64,
    /// East.
    pub max_x: f64,
    /// South.
    pub min_y: f64,
    /// North.
    pub max_y: f64,
}

impl Envelope {
    /// The smallest box holding both.
    #[must_use]
    pub fn union(self, o: Self) -> Self {
        Self {
            min_x: self.min_x.min(o.min_x),
            max_x: self.max_x.max(o.max_x),
            min_y: self.min_y.min(o.min_y),
            max_y: self.max_y.max(o.max_y),
        }
    }
}

/// Why a geometry cannot be stored in a column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// The geometry's type does not fit the column (a line in a point layer...).
    #[error("a {found} cannot be stored in a {column} column")]
    WrongType {
        /// The geometry's type.
        found: &'static str,
        /// The column's type.
        column: &'static str,
    },
    /// A coordinate is NaN or infinite.
    #[error("a coordinate is not a finite number")]
    NotFinite,
}

fn type_name(g: &Geometry) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

/// Converts `g` to the column's type (promoting singles to multis), rounded to
/// [`crate::output::COORD_DECIMALS`] decimals like every other output.
///
/// # Errors
/// [`BlobError::WrongType`] when `g` cannot be stored in `column`.
pub fn conform(g: &Geometry, column: ColumnType) -> Result<Geometry, BlobError> {
    use geo::MapCoords;
    let wrong = || BlobError::WrongType {
        found: type_name(g),
        column: column.sql_name(),
    };
    let g = g.map_coords(|c| Coord {
        x: round_coord(c.x),
        y: round_coord(c.y),
    });
    Ok(match (column, g) {
        (ColumnType::Point, g @ Geometry::Point(_)) => g,
        (ColumnType::MultiPoint, Geometry::Point(p)) => Geometry::MultiPoint(MultiPoint(vec![p])),
        (ColumnType::MultiPoint, g @ Geometry::MultiPoint(_)) => g,
        (ColumnType::MultiLineString, Geometry::LineString(l)) => {
            Geometry::MultiLineString(MultiLineString(vec![l]))
        }
        (ColumnType::MultiLineString, Geometry::Line(l)) => {
            Geometry::MultiLineString(MultiLineString(vec![LineString(vec![l.start, l.end])]))
        }
        (ColumnType::MultiLineString, g @ Geometry::MultiLineString(_)) => g,
        (ColumnType::MultiPolygon, Geometry::Polygon(p)) => {
            Geometry::MultiPolygon(MultiPolygon(vec![p]))
        }
        (ColumnType::MultiPolygon, Geometry::Rect(r)) => {
            Geometry::MultiPolygon(MultiPolygon(vec![r.to_polygon()]))
        }
        (ColumnType::MultiPolygon, g @ Geometry::MultiPolygon(_)) => g,
        _ => return Err(wrong()),
    })
}

fn ring(out: &mut Vec<u8>, coords: &[Coord]) -> Result<(), BlobError> {
    out.extend(
        u32::try_from(coords.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    for c in coords {
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err(BlobError::NotFinite);
        }
        out.extend(c.x.to_le_bytes());
        out.extend(c.y.to_le_bytes());
    }
    Ok(())
}

fn header(out: &mut Vec<u8>, wkb_type: u32) {
    out.push(1); // little endian
    out.extend(wkb_type.to_le_bytes());
}

fn polygon(out: &mut Vec<u8>, p: &geo::Polygon) -> Result<(), BlobError> {
    header(out, 3);
    let rings = 1 + p.interiors().len();
    out.extend(u32::try_from(rings).unwrap_or(u32::MAX).to_le_bytes());
    ring(out, &p.exterior().0)?;
    for r in p.interiors() {
        ring(out, &r.0)?;
    }
    Ok(())
}

/// ISO WKB (little endian) of a conformed geometry.
///
/// # Errors
/// [`BlobError::NotFinite`] for NaN or infinite coordinates; [`BlobError::WrongType`] for
/// types a GeoPackage layer of ours never holds (collections, triangles).
pub fn wkb(g: &Geometry) -> Result<Vec<u8>, BlobError> {
    let mut out = vec![];
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
    match g {
        Geometry::Point(p) => {
            header(&mut out, 1);
            ring_point(&mut out, p.0)?;
        }
        Geometry::LineString(l) => {
            header(&mut out, 2);
            ring(&mut out, &l.0)?;
        }
        Geometry::Polygon(p) => polygon(&mut out, p)?,
        Geometry::MultiPoint(mp) => {
            header(&mut out, 4);
            out.extend(count(mp.0.len()));
            for p in &mp.0 {
                header(&mut out, 1);
                ring_point(&mut out, p.0)?;
            }
        }
        Geometry::MultiLineString(ml) => {
            header(&mut out, 5);
            out.extend(count(ml.0.len()));
            for l in &ml.0 {
                header(&mut out, 2);
                ring(&mut out, &l.0)?;
            }
        }
        Geometry::MultiPolygon(mp) => {
            header(&mut out, 6);
            out.extend(count(mp.0.len()));
            for p in &mp.0 {
                polygon(&mut out, p)?;
            }
        }
        other => {
            return Err(BlobError::WrongType {
                found: type_name(other),
                column: "GEOMETRY",
            });
        }
    }
    Ok(out)
}

fn ring_point(out: &mut Vec<u8>, c: Coord) -> Result<(), BlobError> {
    if !c.x.is_finite() || !c.y.is_finite() {
        return Err(BlobError::NotFinite);
    }
    out.extend(c.x.to_le_bytes());
    out.extend(c.y.to_le_bytes());
    Ok(())
}

/// The full GeoPackage blob of a conformed, non-empty geometry and its envelope; `None` for an
/// empty geometry (no coordinates).
///
/// Header: `GP`, version 0, flags `0b0000_0011` (little endian, XY envelope), `srs_id`, then the
/// envelope as minx, maxx, miny, maxy.
///
/// # Errors
/// See [`wkb`].
pub fn gpkg_blob(g: &Geometry, srs_id: i32) -> Result<Option<(Vec<u8>, Envelope)>, BlobError> {
    let Some(rect) = g.bounding_rect() else {
        return Ok(None);
    };
    let env = Envelope {
        min_x: rect.min().x,
        max_x: rect.max().x,
        min_y: rect.min().y,
        max_y: rect.max().y,
    };
    let body = wkb(g)?;
    let mut out = Vec::with_capacity(8 + 32 + body.len());
    out.extend(b"GP");
    out.push(0); // version 1 of the blob format
    out.push(0b0000_0011);
    out.extend(srs_id.to_le_bytes());
    for v in [env.min_x, env.max_x, env.min_y, env.max_y] {
        out.extend(v.to_le_bytes());
    }
    out.extend(body);
    Ok(Some((out, env)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};
    use geozero::ToGeo;

    fn decode(blob: &[u8]) -> Geometry {
        geozero::wkb::GpkgWkb(blob.to_vec()).to_geo().unwrap()
    }

    #[test]
    fn point_round_trips_with_header() {
        let g = Geometry::Point(point!(x: 64.0333333, y: 67.5));
        let c = conform(&g, ColumnType::Point).unwrap();
        let (blob, env) = gpkg_blob(&c, 4326).unwrap().unwrap();
        assert_eq!(&blob[..4], b"GP\0\x03");
        assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 4326);
        assert_eq!(env.min_x, 64.033333);
        assert_eq!(env.max_y, 67.5);
        assert_eq!(
            decode(&blob),
            Geometry::Point(point!(x: 64.033333, y: 67.5))
        );
    }

    #[test]
    fn lines_and_polygons_are_promoted() {
        let l = Geometry::LineString(line_string![(x: 1.0, y: 2.0), (x: 3.0, y: -4.0)]);
        let c = conform(&l, ColumnType::MultiLineString).unwrap();
        let (blob, env) = gpkg_blob(&c, 4326).unwrap().unwrap();
        assert_eq!(
            (env.min_x, env.max_x, env.min_y, env.max_y),
            (1.0, 3.0, -4.0, 2.0)
        );
        let back = decode(&blob);
        assert_eq!(back, c);
        assert!(matches!(back, Geometry::MultiLineString(ref m) if m.0.len() == 1));

        let p = Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)]);
        let c = conform(&p, ColumnType::MultiPolygon).unwrap();
        let (blob, _) = gpkg_blob(&c, 4326).unwrap().unwrap();
        assert_eq!(decode(&blob), c);
    }

    #[test]
    fn wrong_type_and_empty() {
        let l = Geometry::LineString(line_string![(x: 1.0, y: 2.0), (x: 3.0, y: 4.0)]);
        assert!(matches!(
            conform(&l, ColumnType::Point),
            Err(BlobError::WrongType { .. })
        ));
        let empty = Geometry::MultiLineString(MultiLineString(vec![]));
        assert_eq!(gpkg_blob(&empty, 4326).unwrap(), None);
        let nan = Geometry::Point(point!(x: f64::NAN, y: 1.0));
        assert!(gpkg_blob(&nan, 4326).is_err());
    }
}
