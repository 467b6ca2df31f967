//! Unit tests: small hand-made layers written and read back with plain SQL and geozero.

use super::*;
use crate::layers::{Feature, Field, GeometryKind, LayerRole};
use geo::{Geometry, LineString, MultiLineString, Point, line_string, polygon};
use geozero::ToGeo;
use jiff::civil::date;

fn field(name: &str, ty: FieldType) -> Field {
    Field {
        name: name.into(),
        ty,
    }
}

fn sample() -> Layers {
    let events = Layer {
        name: "events".into(),
        title: "Events".into(),
        role: LayerRole::Atlas,
        geometry: GeometryKind::Point,
        fields: vec![
            field("id", FieldType::Text),
            field("people", FieldType::Integer),
            field("is_disputed", FieldType::Boolean),
            field("when", FieldType::Text),
            field("start", FieldType::Date),
            field("end", FieldType::Date),
            field("source", FieldType::Text),
            field("char_offset", FieldType::Integer),
            field("citation", FieldType::Text),
            field("quote", FieldType::Text),
        ],
        features: vec![
            Feature {
                id: "a".into(),
                geometry: Some(Geometry::Point(Point::new(64.03333333, 67.5))),
                values: vec![
                    "a".into(),
                    Value::Integer(600),
                    true.into(),
                    "1937-03".into(),
                    date(1937, 3, 1).into(),
                    date(1937, 3, 31).into(),
                    "mb".into(),
                    Value::Integer(12),
                    "mb:12".into(),
                    "they walked".into(),
                ],
            },
            Feature {
                id: "b".into(),
                geometry: None,
                values: vec![
                    "b".into(),
                    Value::Null,
                    false.into(),
                    "1938".into(),
                    date(1938, 1, 1).into(),
                    date(1938, 12, 31).into(),
                    "mb".into(),
                    Value::Null,
                    "mb".into(),
                    "somewhere".into(),
                ],
            },
        ],
    };
    let rivers = Layer {
        name: "rivers".into(),
        title: "Rivers".into(),
        role: LayerRole::Basemap,
        geometry: GeometryKind::Line,
        fields: vec![
            field("name", FieldType::Text),
            field("level", FieldType::Integer),
        ],
        features: vec![
            Feature {
                id: "rivers.00000".into(),
                geometry: Some(Geometry::LineString(
                    line_string![(x: 60.0, y: 66.0), (x: 61.5, y: 66.25)],
                )),
                values: vec!["Usa".into(), Value::Integer(1)],
            },
            Feature {
                id: "rivers.00001".into(),
                geometry: Some(Geometry::MultiLineString(MultiLineString(vec![
                    LineString::from(vec![(59.0, 65.0), (59.5, 65.5)]),
                    LineString::from(vec![(58.0, 64.0), (58.25, 64.75)]),
                ]))),
                values: vec!["Pechora".into(), Value::Integer(0)],
            },
        ],
    };
    let coast = Layer {
        name: "coast".into(),
        title: "Land".into(),
        role: LayerRole::Basemap,
        geometry: GeometryKind::Polygon,
        fields: vec![field("area_km2", FieldType::Real)],
        features: vec![Feature {
            id: "coast.00000".into(),
            geometry: Some(Geometry::Polygon(polygon![
                (x: 50.0, y: 60.0), (x: 70.0, y: 60.0), (x: 70.0, y: 70.0), (x: 50.0, y: 60.0)
            ])),
            values: vec![Value::Real(f64::NAN)],
        }],
    };
    Layers {
        atlas_id: "t".into(),
        title: "Test".into(),
        description: String::new(),
        credits: vec![],
        licence: String::new(),
        extent: [50.0, 60.0, 70.0, 70.0],
        time_range: None,
        periods: vec![],
        atlas: vec![events],
        basemap: vec![coast, rivers],
        basemap_coverage: None,
        vocabulary: crate::style::Vocabulary::default(),
    }
}

fn sources() -> Vec<Source> {
    vec![Source {
        id: "mb".into(),
        title: "Account".into(),
        author: "M. B.".into(),
        published: "1961".into(),
        url: String::new(),
        licence: String::new(),
        path: "seeds/mb.txt".into(),
        text: "Они шли. they walked".into(),
    }]
}

fn write_sample(dir: &Path, layers: &Layers) -> Result<Written, GpkgError> {
    let src = sources();
    let extras = Extras {
        sources: &src,
        project: Some(("t", b"PK\x03\x04 not really a zip")),
        time: BuildTime::DEFAULT,
    };
    write(layers, &extras, &dir.join("t.gpkg"))
}

#[test]
fn tables_registered_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let w = write_sample(dir.path(), &sample()).unwrap();
    let db = Connection::open(&w.path).unwrap();
    let app: i64 = db
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    let ver: i64 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!((app, ver), (0x4750_4B47, 10200));

    let mut contents: Vec<(String, String)> = db
        .prepare("SELECT table_name, data_type FROM gpkg_contents ORDER BY table_name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    contents.sort();
    let names: Vec<_> = contents.iter().map(|(t, d)| format!("{t}:{d}")).collect();
    assert_eq!(
        names,
        [
            "citations:attributes",
            "coast:features",
            "events:features",
            "layer_styles:attributes",
            "rivers:features",
            "sources:attributes"
        ]
    );
    let types: Vec<(String, String)> = db
        .prepare(
            "SELECT table_name, geometry_type_name FROM gpkg_geometry_columns ORDER BY table_name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        types,
        [
            ("coast".into(), "MULTIPOLYGON".into()),
            ("events".into(), "POINT".into()),
            ("rivers".into(), "MULTILINESTRING".into())
        ]
    );

    // Values: dates as text, booleans as 0/1, NaN as NULL, no geometry as NULL.
    let row: (Option<Vec<u8>>, String, String, i64, Option<i64>) = db
        .query_row(
            "SELECT geom, \"start\", \"end\", is_disputed, people FROM events WHERE id = 'b'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (None, "1938-01-01".into(), "1938-12-31".into(), 0, None)
    );
    let typeof_start: String = db
        .query_row(
            "SELECT typeof(\"start\") FROM events WHERE id = 'a'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(typeof_start, "text");
    let area: Option<f64> = db
        .query_row("SELECT area_km2 FROM coast", [], |r| r.get(0))
        .unwrap();
    assert_eq!(area, None);

    // Geometry: GP header, envelope equal to the decoded geometry's bounds, coordinates rounded.
    let blob: Vec<u8> = db
        .query_row("SELECT geom FROM events WHERE id = 'a'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(&blob[..2], b"GP");
    let g = geozero::wkb::GpkgWkb(blob).to_geo().unwrap();
    assert_eq!(g, Geometry::Point(Point::new(64.033333, 67.5)));
    let blob: Vec<u8> = db
        .query_row("SELECT geom FROM rivers WHERE name = 'Usa'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let env: Vec<f64> = (0..4)
        .map(|i| f64::from_le_bytes(blob[8 + 8 * i..16 + 8 * i].try_into().unwrap()))
        .collect();
    assert_eq!(env, [60.0, 61.5, 66.0, 66.25]);
    assert!(matches!(
        geozero::wkb::GpkgWkb(blob).to_geo().unwrap(),
        Geometry::MultiLineString(m) if m.0.len() == 1
    ));

    // Layer extent and R-tree.
    let ext: (f64, f64, f64, f64) = db
        .query_row(
            "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'rivers'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(ext, (58.0, 64.0, 61.5, 66.25));
    let n: i64 = db
        .query_row("SELECT count(*) FROM rtree_events_geom", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1, "the feature without a place is not indexed");
    let hit: i64 = db
        .query_row(
            "SELECT id FROM rtree_rivers_geom WHERE minx <= 61 AND maxx >= 61 AND miny <= 66.2 AND maxy >= 66.1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hit, 1);
    let ext_rows: i64 = db
        .query_row(
            "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ext_rows, 3);

    // Sources, citations, styles, project.
    let (chars, text): (i64, String) = db
        .query_row(
            "SELECT char_count, text FROM sources WHERE id = 'mb'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((chars, text.as_str()), (20, "Они шли. they walked"));
    let cites: Vec<(String, String, Option<i64>, String)> = db
        .prepare("SELECT layer, feature_id, char_offset, quote FROM citations ORDER BY fid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        cites,
        [
            ("events".into(), "a".into(), Some(12), "they walked".into()),
            ("events".into(), "b".into(), None, "somewhere".into())
        ]
    );
    let styles: Vec<(String, String, String, i64, String)> = db
        .prepare(
            "SELECT f_table_name, f_geometry_column, f_table_schema, useAsDefault, update_time \
             FROM layer_styles ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(styles.len(), 3);
    for (_, geom, schema, default, time) in &styles {
        assert_eq!(
            (geom.as_str(), schema.as_str(), *default, time.as_str()),
            ("geom", "", 1, "1980-01-01T00:00:00.000Z")
        );
    }
    let (meta, content): (String, String) = db
        .query_row(
            "SELECT metadata, content FROM qgis_projects WHERE name = 't'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(meta.contains("\"last_modified_time\": \"1980-01-01T00:00:00\""));
    assert_eq!(content, hex(b"PK\x03\x04 not really a zip"));
    let stamps: i64 = db
        .query_row(
            "SELECT count(*) FROM gpkg_contents WHERE last_change != '1980-01-01T00:00:00.000Z'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stamps, 0);
    assert_eq!(w.bytes, std::fs::metadata(&w.path).unwrap().len());
}

#[test]
fn same_input_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let wa = write_sample(a.path(), &sample()).unwrap();
    let wb = write_sample(b.path(), &sample()).unwrap();
    assert_eq!(
        std::fs::read(wa.path).unwrap(),
        std::fs::read(wb.path).unwrap()
    );
    // And a rewrite over an existing file replaces it cleanly.
    let again = write_sample(a.path(), &sample()).unwrap();
    assert_eq!(again.bytes, wb.bytes);
    let leftovers: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["t.gpkg"]);
}

#[test]
fn bad_layers_are_named_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut layers = sample();
    layers.atlas[0].features[0].geometry = Some(Geometry::LineString(
        line_string![(x: 1.0, y: 1.0), (x: 2.0, y: 2.0)],
    ));
    let err = write_sample(dir.path(), &layers).unwrap_err();
    assert!(
        matches!(&err, GpkgError::Geometry { layer, feature, .. } if layer == "events" && feature == "a"),
        "{err}"
    );
    assert!(err.to_string().contains("events, feature a"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    let mut layers = sample();
    layers.basemap[0].fields[0].name = "FID".into();
    assert!(matches!(
        write_sample(dir.path(), &layers),
        Err(GpkgError::ReservedField { field, .. }) if field == "FID"
    ));
    let mut layers = sample();
    layers.basemap[1].name = "sources".into();
    assert!(matches!(
        write_sample(dir.path(), &layers),
        Err(GpkgError::DuplicateTable(t)) if t == "sources"
    ));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn hex_is_lower_case() {
    assert_eq!(hex(&[0, 0x0f, 0xab, 0xff]), "000fabff");
}
