//! FlatGeobuf (v3 file format, <https://flatgeobuf.org>): one `<layer>.fgb` per atlas layer,
//! with a packed Hilbert R-tree so GIS tools can stream a bounding box without reading the
//! whole file.
//!
//! * CRS EPSG:4326 (WGS84 lon/lat), coordinates rounded to 6 decimals (about 0.1 m).
//! * Columns follow the layer schema in order: text → `String`, integer → `Long`,
//!   real → `Double`, boolean → `Bool`, date → `DateTime` holding an ISO 8601 date
//!   `YYYY-MM-DD` (no time of day is invented). Null values are simply absent.
//! * Geometry type per layer: points → `Point`, lines → `MultiLineString`, polygons →
//!   `Polygon` (or `MultiPolygon` if any feature is one).
//! * **Features without geometry are left out**: a FlatGeobuf spatial index needs a bounding
//!   box per feature. The unlocated places and unplaced events stay in the GeoJSON, CSV and
//!   LPF outputs; [`FgbWritten::without_geometry`] counts what was left out.
//! * A layer with no located feature is written without an index (an empty index is not
//!   readable).
//! * With the index written, features are stored in Hilbert order, not id order (the
//!   `flatgeobuf` crate sorts them); the order is still the same on every build.

use std::path::Path;

use flatgeobuf::geozero::{ColumnValue, PropertyProcessor};
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geo::{Coord, Geometry, MapCoords};

use super::InterchangeError;
use crate::layers::{FieldType, GeometryKind, Layer, Layers, Value};
use crate::output::{Written, round_coord, write_atomic_with};

/// What was written for one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FgbWritten {
    /// The file.
    pub written: Written,
    /// Features in the file.
    pub features: usize,
    /// Features of the layer left out because they have no geometry.
    pub without_geometry: usize,
}

fn column_type(t: FieldType) -> ColumnType {
    match t {
        FieldType::Text => ColumnType::String,
        FieldType::Integer => ColumnType::Long,
        FieldType::Real => ColumnType::Double,
        FieldType::Boolean => ColumnType::Bool,
        FieldType::Date => ColumnType::DateTime,
    }
}

fn geometry_type(layer: &Layer) -> GeometryType {
    let any = |f: fn(&Geometry) -> bool| layer.features.iter().flat_map(|x| &x.geometry).any(f);
    match layer.geometry {
        GeometryKind::Point if any(|g| matches!(g, Geometry::MultiPoint(_))) => {
            GeometryType::MultiPoint
        }
        GeometryKind::Point => GeometryType::Point,
        GeometryKind::Line => GeometryType::MultiLineString,
        GeometryKind::Polygon if any(|g| matches!(g, Geometry::MultiPolygon(_))) => {
            GeometryType::MultiPolygon
        }
        GeometryKind::Polygon => GeometryType::Polygon,
    }
}

fn rounded(g: &Geometry) -> Geometry {
    g.map_coords(|c| Coord {
        x: round_coord(c.x),
        y: round_coord(c.y),
    })
}

/// The layer as FlatGeobuf bytes, and how many features had no geometry.
///
/// # Errors
/// [`InterchangeError::Encode`] when the FlatGeobuf writer fails.
pub fn to_bytes(layer: &Layer, path: &Path) -> Result<(Vec<u8>, usize), InterchangeError> {
    let mut out = vec![];
    let without_geometry = encode(layer, path, &mut out)?;
    Ok((out, without_geometry))
}

/// Encodes the layer into `out` (streamed: the file is never held whole); returns the features
/// left out for want of a geometry.
fn encode(
    layer: &Layer,
    path: &Path,
    out: &mut dyn std::io::Write,
) -> Result<usize, InterchangeError> {
    let err = InterchangeError::encode::<String>;
    // An index over no features is unreadable (GDAL: "Number of items must be greater than 0").
    let located = layer
        .features
        .iter()
        .filter(|f| f.geometry.is_some())
        .count();
    let mut fgb = FgbWriter::create_with_options(
        &layer.name,
        geometry_type(layer),
        FgbWriterOptions {
            write_index: located > 0,
            crs: FgbCrs {
                code: 4326,
                ..FgbCrs::default()
            },
            title: Some(&layer.title),
            ..FgbWriterOptions::default()
        },
    )
    .map_err(|e| err(path)(e.to_string()))?;
    for field in &layer.fields {
        fgb.add_column(&field.name, column_type(field.ty), |_, col| {
            col.nullable = true;
        });
    }
    let mut without_geometry = 0;
    for feature in &layer.features {
        let Some(geometry) = &feature.geometry else {
            without_geometry += 1;
            continue;
        };
        let mut failure: Option<String> = None;
        fgb.add_feature_geom(rounded(geometry), |w| {
            for (i, (field, value)) in layer.fields.iter().zip(&feature.values).enumerate() {
                let date;
                let v = match value {
                    Value::Null => continue,
                    Value::Text(s) => ColumnValue::String(s),
                    Value::Integer(n) => ColumnValue::Long(*n),
                    Value::Real(x) => ColumnValue::Double(*x),
                    Value::Boolean(b) => ColumnValue::Bool(*b),
                    Value::Date(d) => {
                        date = d.to_string();
                        ColumnValue::DateTime(&date)
                    }
                };
                if let Err(e) = w.property(i, &field.name, &v) {
                    failure.get_or_insert(format!("feature {}: {e}", feature.id));
                }
            }
        })
        .map_err(|e| err(path)(format!("feature {}: {e}", feature.id)))?;
        if let Some(message) = failure {
            return Err(err(path)(message));
        }
    }
    fgb.write(out).map_err(|e| err(path)(e.to_string()))?;
    Ok(without_geometry)
}

/// Writes `dir/<layer>.fgb` for one layer.
///
/// # Errors
/// [`InterchangeError`] when the file cannot be encoded or written.
pub fn write_layer(layer: &Layer, dir: &Path) -> Result<FgbWritten, InterchangeError> {
    let path = dir.join(format!("{}.fgb", layer.name));
    let mut without_geometry = 0;
    let mut encoded = Ok(());
    let written = write_atomic_with(&path, |w| {
        // An encoding failure stops the file (nothing is renamed into place) and is told below.
        match encode(layer, &path, w) {
            Ok(n) => without_geometry = n,
            Err(InterchangeError::Io { source, .. }) => return Err(source),
            Err(e) => {
                encoded = Err(e);
                return Err(std::io::Error::other("encoding failed"));
            }
        }
        Ok(())
    });
    encoded?;
    let written = written.map_err(InterchangeError::io(&path))?;
    Ok(FgbWritten {
        written,
        features: layer.features.len() - without_geometry,
        without_geometry,
    })
}

/// Writes `dir/<layer>.fgb` for every atlas layer.
///
/// # Errors
/// [`InterchangeError`] when a file cannot be encoded or written.
pub fn write(layers: &Layers, dir: &Path) -> Result<Vec<FgbWritten>, InterchangeError> {
    layers.atlas.iter().map(|l| write_layer(l, dir)).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::Cursor;

    use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
    use geozero::ToGeo;

    use super::*;
    use crate::output::interchange::fixture::synthetic;

    /// Per feature id: its geometry and its properties as text.
    type ById = BTreeMap<String, (Geometry, std::collections::HashMap<String, String>)>;

    /// Reads a file back: header feature count and the features by id.
    fn read_back(bytes: &[u8]) -> (u64, ById) {
        let reader = FgbReader::open(Cursor::new(bytes)).unwrap();
        let count = reader.header().features_count();
        assert_eq!(reader.header().crs().unwrap().code(), 4326);
        let mut features = reader.select_all().unwrap();
        let mut out = BTreeMap::new();
        while let Some(f) = features.next().unwrap() {
            let props = f.properties().unwrap();
            let id: String = f.property("id").unwrap();
            out.insert(id, (f.to_geo().unwrap(), props));
        }
        (count, out)
    }

    #[test]
    fn sites_survive_with_coordinates_and_citations() {
        let s = synthetic();
        let sites = s.layers.layer("sites").unwrap();
        let (bytes, skipped) = to_bytes(sites, Path::new("sites.fgb")).unwrap();
        assert_eq!(skipped, 1, "lower_camp has no place");
        let (count, features) = read_back(&bytes);
        assert_eq!(count, 6);
        assert_eq!(features.len(), 6);
        assert!(!features.contains_key("lower_camp"));
        let (g, props) = &features["kotlas"];
        assert_eq!(g, &Geometry::Point(geo::Point::new(46.6334, 61.2545)));
        assert_eq!(props["name"], "Kotlas");
        assert_eq!(props["quote"], "Kotlas");
        assert_eq!(
            props["citation"],
            sites
                .value(sites.feature("kotlas").unwrap(), "citation")
                .map(|v| match v {
                    Value::Text(t) => t.clone(),
                    _ => String::new(),
                })
                .unwrap()
        );
        assert_eq!(props["uncertainty_m"], "500");
        assert_eq!(props["uncertain"], "false");
        assert!(!props.contains_key("alternative_to"), "nulls are absent");
    }

    #[test]
    fn event_dates_are_iso_dates() {
        let s = synthetic();
        let events = s.layers.layer("events").unwrap();
        let (bytes, skipped) = to_bytes(events, Path::new("events.fgb")).unwrap();
        assert_eq!(skipped, 1, "`nowhere` has no place");
        let (_, features) = read_back(&bytes);
        let (_, props) = &features["strike"];
        assert_eq!(props["start"], "1936-10-27");
        assert_eq!(props["end"], "1936-10-27");
        assert_eq!(props["when"], "1936-10-27");
    }

    #[test]
    fn transfer_line_keeps_its_ends() {
        let s = synthetic();
        let layer = s.layers.layer("transfers").unwrap();
        let (bytes, _) = to_bytes(layer, Path::new("transfers.fgb")).unwrap();
        let (_, features) = read_back(&bytes);
        let Geometry::MultiLineString(m) = &features["taken"].0 else {
            panic!("not a multi-line")
        };
        let first = m.0.first().unwrap().0.first().unwrap();
        let last = m.0.last().unwrap().0.last().unwrap();
        assert_eq!((first.x, first.y), (46.6334, 61.2545));
        assert_eq!((last.x, last.y), (64.01, 67.52));
    }

    #[test]
    fn every_layer_is_written_and_deterministic() {
        let s = synthetic();
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let wa = write(&s.layers, a.path()).unwrap();
        let wb = write(&s.layers, b.path()).unwrap();
        assert_eq!(wa.len(), s.layers.atlas.len());
        for (x, y) in wa.iter().zip(&wb) {
            assert_eq!(
                std::fs::read(&x.written.path).unwrap(),
                std::fs::read(&y.written.path).unwrap()
            );
        }
    }
}
