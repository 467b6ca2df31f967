//! RFC 7946 GeoJSON: one FeatureCollection per atlas layer.
//!
//! No `crs` member (RFC 7946 is always WGS84 lon/lat), exterior rings counter-clockwise and holes
//! clockwise, rings closed, coordinates rounded to 6 decimals (about 0.1 m), a `bbox` on every
//! collection. Dates are written as full `YYYY-MM-DD` strings so GDAL and QGIS type them as Date.

use std::path::Path;

use geo::{BoundingRect, Coord, Geometry, MapCoords, Orient, orient::Direction};
use serde_json::{Map, Value as Json};

use crate::layers::{Layer, Value};
use crate::output::{Written, round_coord, write_atomic};

/// Converts a layer value to JSON.
#[must_use]
pub fn json_value(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Text(s) => Json::String(s.clone()),
        Value::Integer(n) => Json::from(*n),
        Value::Real(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
        Value::Boolean(b) => Json::Bool(*b),
        Value::Date(d) => Json::String(d.to_string()),
    }
}

/// Rounds, and orients polygons the RFC 7946 way.
#[must_use]
pub fn normalise(g: &Geometry) -> Geometry {
    let rounded = g.map_coords(|c| Coord {
        x: round_coord(c.x),
        y: round_coord(c.y),
    });
    match rounded {
        Geometry::Polygon(p) => Geometry::Polygon(p.orient(Direction::Default)),
        Geometry::MultiPolygon(p) => Geometry::MultiPolygon(p.orient(Direction::Default)),
        other => other,
    }
}

/// The layer as a GeoJSON FeatureCollection.
#[must_use]
pub fn to_feature_collection(layer: &Layer) -> geojson::FeatureCollection {
    let mut bbox: Option<geo::Rect> = None;
    let features = layer
        .features
        .iter()
        .map(|f| {
            let geometry = f.geometry.as_ref().map(normalise);
            if let Some(r) = geometry.as_ref().and_then(BoundingRect::bounding_rect) {
                bbox = Some(match bbox {
                    None => r,
                    Some(b) => geo::Rect::new(
                        Coord {
                            x: b.min().x.min(r.min().x),
                            y: b.min().y.min(r.min().y),
                        },
                        Coord {
                            x: b.max().x.max(r.max().x),
                            y: b.max().y.max(r.max().y),
                        },
                    ),
                });
            }
            let mut properties = Map::new();
            for (field, value) in layer.fields.iter().zip(&f.values) {
                properties.insert(field.name.clone(), json_value(value));
            }
            geojson::Feature {
                bbox: None,
                geometry: geometry
                    .as_ref()
                    .map(|g| geojson::Geometry::new(geojson::GeometryValue::from(g))),
                id: Some(geojson::feature::Id::String(f.id.clone())),
                properties: Some(properties),
                foreign_members: None,
            }
        })
        .collect();
    let mut members = Map::new();
    members.insert("name".into(), Json::String(layer.name.clone()));
    members.insert("title".into(), Json::String(layer.title.clone()));
    geojson::FeatureCollection {
        bbox: bbox.map(|b| vec![b.min().x, b.min().y, b.max().x, b.max().y]),
        features,
        foreign_members: Some(members),
    }
}

/// Writes `layer` to `dir/<layer name>.geojson`.
///
/// # Errors
/// I/O errors from writing the file.
pub fn write(layer: &Layer, dir: &Path) -> std::io::Result<Written> {
    let fc = to_feature_collection(layer);
    let mut text = serde_json::to_string(&fc).map_err(std::io::Error::other)?;
    text.push('\n');
    write_atomic(
        &dir.join(format!("{}.geojson", layer.name)),
        text.as_bytes(),
    )
}
