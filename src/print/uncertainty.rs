//! Uncertainty shapes as the `uncertainty` layer holds them (circles, rings and sectors of rings,
//! areas), read once per sheet so the printed map draws the very polygons the other outputs
//! carry instead of recomputing circles from `uncertainty_m`.

use geo::{Geometry, Polygon};

use crate::layers::{Layers, Value};

/// What an uncertainty polygon stands for (the layer's `shape` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ShapeKind {
    /// A circle of `uncertainty_m` around the point.
    Circle,
    /// A ring or a sector of a ring: the distance from another place is known, the direction
    /// not (or only roughly).
    Ring,
    /// A camp system, district or region.
    Area,
}

impl ShapeKind {
    /// Reads the `shape` field; without one, a polygon with a hole is a ring (older layers
    /// hold only circles).
    #[must_use]
    pub fn parse(shape: Option<&str>, polygons: &[Polygon]) -> Self {
        match shape.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            Some("ring" | "sector" | "annulus") => Self::Ring,
            Some("area") => Self::Area,
            Some("circle") => Self::Circle,
            _ if polygons.iter().any(|p| !p.interiors().is_empty()) => Self::Ring,
            _ => Self::Circle,
        }
    }
}

/// One site's uncertainty outline, in lon/lat.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// Site id.
    pub site: String,
    /// Its shape.
    pub kind: ShapeKind,
    /// Its polygons (a MultiPolygon's parts; holes kept).
    pub polygons: Vec<Polygon>,
}

/// The polygons of a geometry (MultiPolygons and collections flattened; lines and points
/// ignored).
#[must_use]
pub fn polygons(g: &Geometry) -> Vec<Polygon> {
    match g {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(mp) => mp.0.clone(),
        Geometry::GeometryCollection(gc) => gc.0.iter().flat_map(polygons).collect(),
        _ => vec![],
    }
}

/// Every outline of the atlas's `uncertainty` layer, in the layer's order (by site id).
#[must_use]
pub fn outlines(layers: &Layers) -> Vec<Outline> {
    let Some(l) = layers.layer("uncertainty") else {
        return vec![];
    };
    let text = |f, name| match l.value(f, name) {
        Some(Value::Text(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    l.features
        .iter()
        .filter_map(|f| {
            let polys = polygons(f.geometry.as_ref()?);
            if polys.is_empty() {
                return None;
            }
            Some(Outline {
                site: text(f, "site").unwrap_or_else(|| f.id.clone()),
                kind: ShapeKind::parse(text(f, "shape").as_deref(), &polys),
                polygons: polys,
            })
        })
        .collect()
}

/// Each ring of `polygons` (exteriors and holes), as lon/lat point lists, for one path drawn
/// with the even-odd rule.
#[must_use]
pub fn rings(polygons: &[Polygon]) -> Vec<Vec<(f64, f64)>> {
    let ring = |l: &geo::LineString| l.0.iter().map(|c| (c.x, c.y)).collect::<Vec<_>>();
    polygons
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(ring)
        .filter(|r| r.len() >= 3)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, MultiPolygon, Point};

    fn square(c: f64, h: f64) -> LineString {
        LineString::from(vec![
            (c - h, c - h),
            (c + h, c - h),
            (c + h, c + h),
            (c - h, c + h),
            (c - h, c - h),
        ])
    }

    #[test]
    fn shapes_are_read_from_the_field_or_the_holes() {
        let annulus = Polygon::new(square(0.0, 2.0), vec![square(0.0, 1.0)]);
        let disc = [Polygon::new(square(0.0, 2.0), vec![])];
        assert_eq!(ShapeKind::parse(None, &disc), ShapeKind::Circle);
        assert_eq!(ShapeKind::parse(None, &[annulus]), ShapeKind::Ring);
        assert_eq!(ShapeKind::parse(Some("ring"), &disc), ShapeKind::Ring);
        assert_eq!(ShapeKind::parse(Some(" Area"), &disc), ShapeKind::Area);
        assert_eq!(ShapeKind::parse(Some(""), &disc), ShapeKind::Circle);
    }

    #[test]
    fn multipolygons_keep_every_part_and_hole() {
        let mp = MultiPolygon::new(vec![
            Polygon::new(square(0.0, 2.0), vec![square(0.0, 1.0)]),
            Polygon::new(square(10.0, 1.0), vec![]),
        ]);
        let g = Geometry::GeometryCollection(geo::GeometryCollection::new_from(vec![
            Geometry::MultiPolygon(mp),
            Geometry::Point(Point::new(0.0, 0.0)),
        ]));
        let polys = polygons(&g);
        assert_eq!(polys.len(), 2);
        let r = rings(&polys);
        assert_eq!(r.len(), 3);
        assert_eq!(r[1][0], (-1.0, -1.0));
        assert_eq!(r[2][2], (11.0, 11.0));
        assert!(polygons(&Geometry::Point(Point::new(1.0, 1.0))).is_empty());
    }
}
