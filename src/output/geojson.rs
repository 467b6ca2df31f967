//! RFC 7946 GeoJSON: one FeatureCollection per atlas layer.
//!
//! No `crs` member (RFC 7946 is always WGS84 lon/lat), exterior rings counter-clockwise and holes
//! clockwise, rings closed, coordinates rounded to 6 decimals (about 0.1 m), a `bbox` on every
//! collection. Dates are written as full `YYYY-MM-DD` strings so GDAL and QGIS type them as Date.

use std::path::Path;

use geo::{BoundingRect, Coord, Geometry, MapCoords, Orient, orient::Direction};
use serde_json::{Map, Value as Json};

use crate::layers::{Layer, Value};
use crate::output::{Written, round_coord, write_atomic_with};

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

/// One feature of `layer` as a GeoJSON Feature (geometry normalised, every field a property).
#[must_use]
pub fn to_feature(layer: &Layer, f: &crate::layers::Feature) -> geojson::Feature {
    let mut properties = Map::new();
    for (field, value) in layer.fields.iter().zip(&f.values) {
        properties.insert(field.name.clone(), json_value(value));
    }
    geojson::Feature {
        bbox: None,
        geometry: f
            .geometry
            .as_ref()
            .map(|g| geojson::Geometry::new(geojson::GeometryValue::from(&normalise(g)))),
        id: Some(geojson::feature::Id::String(f.id.clone())),
        properties: Some(properties),
        foreign_members: None,
    }
}

/// The bounding box of the layer's written (rounded) coordinates, `[west, south, east, north]`.
///
/// Rounding is monotone, so the box of the rounded coordinates is the rounded box of the raw
/// ones: no feature needs normalising to find it.
#[must_use]
pub fn bbox(layer: &Layer) -> Option<[f64; 4]> {
    let mut bbox: Option<[f64; 4]> = None;
    for r in layer
        .features
        .iter()
        .filter_map(|f| f.geometry.as_ref().and_then(BoundingRect::bounding_rect))
    {
        let (min, max) = (r.min(), r.max());
        bbox = Some(match bbox {
            None => [min.x, min.y, max.x, max.y],
            Some(b) => [
                b[0].min(min.x),
                b[1].min(min.y),
                b[2].max(max.x),
                b[3].max(max.y),
            ],
        });
    }
    bbox.map(|b| b.map(round_coord))
}

/// The layer as a GeoJSON FeatureCollection (whole in memory: [`write_to`] streams it).
#[must_use]
pub fn to_feature_collection(layer: &Layer) -> geojson::FeatureCollection {
    let mut members = Map::new();
    members.insert("name".into(), Json::String(layer.name.clone()));
    members.insert("title".into(), Json::String(layer.title.clone()));
    geojson::FeatureCollection {
        bbox: bbox(layer).map(Vec::from),
        features: layer
            .features
            .iter()
            .map(|f| to_feature(layer, f))
            .collect(),
        foreign_members: Some(members),
    }
}

/// Streams the layer as a FeatureCollection into `w`, one feature at a time, with the same
/// bytes as `serde_json::to_writer(&to_feature_collection(layer))`.
///
/// # Errors
/// I/O errors from `w`.
pub fn write_to(layer: &Layer, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    w.write_all(br#"{"type":"FeatureCollection","#)?;
    if let Some(b) = bbox(layer) {
        w.write_all(br#""bbox":"#)?;
        serde_json::to_writer(&mut *w, &b)?;
        w.write_all(b",")?;
    }
    w.write_all(br#""features":["#)?;
    for (i, f) in layer.features.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut *w, &to_feature(layer, f))?;
    }
    w.write_all(br#"],"name":"#)?;
    serde_json::to_writer(&mut *w, &layer.name)?;
    w.write_all(br#","title":"#)?;
    serde_json::to_writer(&mut *w, &layer.title)?;
    w.write_all(b"}")
}

/// Writes `layer` to `dir/<layer name>.geojson`, streamed (see [`write_to`]).
///
/// # Errors
/// I/O errors from writing the file.
pub fn write(layer: &Layer, dir: &Path) -> std::io::Result<Written> {
    write_atomic_with(&dir.join(format!("{}.geojson", layer.name)), |w| {
        write_to(layer, w)?;
        w.write_all(b"\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::interchange::fixture::synthetic;

    #[test]
    fn the_streamed_collection_has_the_bytes_of_the_whole_one() {
        let s = synthetic();
        let mut empty = s.layers.atlas[0].clone();
        empty.features.clear();
        for layer in s.layers.all().chain([&empty]) {
            let mut streamed = vec![];
            write_to(layer, &mut streamed).unwrap();
            let whole = serde_json::to_vec(&to_feature_collection(layer)).unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }

    /// The box from the raw coordinates, rounded, is the box of the normalised geometries.
    #[test]
    fn the_bbox_is_that_of_the_written_coordinates() {
        let s = synthetic();
        let mut boxes = 0;
        for layer in s.layers.all() {
            let mut expected: Option<[f64; 4]> = None;
            for g in layer.features.iter().filter_map(|f| f.geometry.as_ref()) {
                let Some(r) = normalise(g).bounding_rect() else {
                    continue;
                };
                let [a, b, c, d] = expected.unwrap_or([f64::MAX, f64::MAX, f64::MIN, f64::MIN]);
                expected = Some([
                    a.min(r.min().x),
                    b.min(r.min().y),
                    c.max(r.max().x),
                    d.max(r.max().y),
                ]);
            }
            assert_eq!(bbox(layer), expected, "{}", layer.name);
            boxes += usize::from(expected.is_some());
        }
        assert!(boxes >= 3, "{boxes}");
    }
}
