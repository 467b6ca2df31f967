//! Rings, sectors and areas (issue 10): loaded, checked, and drawn in every layer. The tiny
//! atlas is copied and given a ring (fishing camps "forty versts from Mezen") and an area (the
//! Dvina villages, a hull of Arkhangelsk and Kholmogory) so the shared fixture stays as it is.

use std::path::{Path, PathBuf};

use gazmap::model::{AreaSource, Extent};
use gazmap::output::format::Format;
use gazmap::output::interchange::lpf;

use crate::util;

/// Words appended to the copied letter, quoted by the added rows.
const MORE_LETTER: &str = "\nThe fishing camps lie some forty versts from Mezen, to the north.\n\
In the villages along the Dvina thirty to forty men were hired for the season.\n";

/// Extra site columns, in order.
const SHAPE_COLUMNS: &[&str] = &[
    "shape",
    "ring_from",
    "ring_min_m",
    "ring_max_m",
    "bearing_min_deg",
    "bearing_max_deg",
    "area_margin_m",
];

/// Rewrites a CSV file: `extra` columns are appended (empty), `edit` may change any row, and
/// `rows` (full records in the new column order, as `column=value` pairs) are appended.
pub fn rewrite_csv(
    path: &Path,
    extra: &[&str],
    edit: impl Fn(&mut Vec<String>, &[String]),
    rows: &[&[(&str, &str)]],
) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    for c in extra {
        if !header.iter().any(|h| h == c) {
            header.push((*c).to_owned());
        }
    }
    let mut records: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            let mut v: Vec<String> = r.unwrap().iter().map(str::to_owned).collect();
            v.resize(header.len(), String::new());
            v
        })
        .collect();
    for r in &mut records {
        edit(r, &header);
    }
    for row in rows {
        let mut v = vec![String::new(); header.len()];
        for (k, val) in *row {
            let i = header
                .iter()
                .position(|h| h == k)
                .unwrap_or_else(|| panic!("no column {k}"));
            v[i] = (*val).to_owned();
        }
        records.push(v);
    }
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(&header).unwrap();
    for r in &records {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// Sets `column` of row `id` (first column) to `value`, for use in [`rewrite_csv`]'s `edit`.
pub fn set(record: &mut [String], header: &[String], id: &str, column: &str, value: &str) {
    if record[0] == id {
        let i = header.iter().position(|h| h == column).unwrap();
        record[i] = value.to_owned();
    }
}

/// The tiny atlas with a ring site, an area site and an event on the area.
pub fn shaped_tiny() -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = util::copy_atlas(&util::tiny());
    let letter = dir.join("seeds/letter.txt");
    let mut text = std::fs::read_to_string(&letter).unwrap();
    text.push_str(MORE_LETTER);
    std::fs::write(&letter, text).unwrap();
    rewrite_csv(
        &dir.join("sites.csv"),
        SHAPE_COLUMNS,
        |r, h| {
            set(r, h, "arkhangelsk", "part_of", "dvina_villages");
            set(r, h, "kholmogory", "part_of", "dvina_villages");
        },
        &[
            &[
                ("id", "fishing_camps"),
                ("name", "Fishing camps"),
                ("kind", "settlement"),
                // 42.7 km due north of Mezen (GeographicLib direct problem, rounded).
                ("lat", "66.21597"),
                ("lon", "44.26667"),
                ("uncertainty_m", "60000"),
                ("basis", "inferred"),
                ("basis_reason", "Forty versts from Mezen, to the north."),
                ("coord_ref", "distance from Mezen stated in the letter"),
                ("source", "letter"),
                (
                    "quote",
                    "The fishing camps lie some forty versts from Mezen, to the north.",
                ),
                ("shape", "ring"),
                ("ring_from", "mezen"),
                ("ring_min_m", "37338"),
                ("ring_max_m", "48006"),
                ("bearing_min_deg", "315"),
                ("bearing_max_deg", "45"),
            ],
            &[
                ("id", "dvina_villages"),
                ("name", "Villages along the Dvina"),
                ("kind", "region"),
                ("lat", "64.38"),
                ("lon", "41.1"),
                ("uncertainty_m", "60000"),
                ("basis", "inferred"),
                (
                    "basis_reason",
                    "The villages between Arkhangelsk and Kholmogory.",
                ),
                ("coord_ref", "hull of Arkhangelsk and Kholmogory"),
                ("source", "letter"),
                ("quote", "In the villages along the Dvina"),
                ("shape", "area"),
                ("area_margin_m", "10000"),
            ],
        ],
    );
    rewrite_csv(
        &dir.join("events.csv"),
        &["people_min", "people_max"],
        |_, _| {},
        &[&[
            ("id", "men_hired"),
            ("title", "Men hired for the season in the Dvina villages"),
            ("kind", "labour"),
            ("when", "1872-06"),
            ("site", "dvina_villages"),
            ("people", "35"),
            ("people_min", "30"),
            ("people_max", "40"),
            ("people_text", "thirty to forty men"),
            ("source", "letter"),
            ("quote", "thirty to forty men were hired for the season"),
        ]],
    );
    (tmp, dir)
}

/// Loads (without the checks) and returns the atlas and the findings as text.
fn load(dir: &Path) -> (gazmap::model::Atlas, Vec<String>) {
    let loaded = gazmap::load::read(dir).expect("the atlas loads");
    let text = loaded.findings.iter().map(ToString::to_string).collect();
    (loaded.atlas, text)
}

fn line_of(path: &Path, id: &str) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .position(|l| l.starts_with(&format!("{id},")))
        .unwrap()
        + 1
}

fn col_of(path: &Path, column: &str) -> usize {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap()
        + 1
}

#[test]
fn ring_and_area_load_into_their_shapes() {
    let (_tmp, dir) = shaped_tiny();
    let checked = gazmap::open(&dir).expect("the shaped tiny atlas checks");
    let atlas = &checked.atlas;
    let ring = atlas.site("fishing_camps").unwrap();
    let Extent::Ring(r) = &ring.extent else {
        panic!("fishing_camps is a ring: {:?}", ring.extent)
    };
    assert_eq!(r.from, "mezen");
    assert_eq!((r.min_m, r.max_m), (37_338.0, 48_006.0));
    assert_eq!(r.bearings, Some((315.0, 45.0)));
    let area = atlas.site("dvina_villages").unwrap();
    let Extent::Area(a) = &area.extent else {
        panic!("dvina_villages is an area")
    };
    assert_eq!(
        a.source,
        AreaSource::Hull {
            parts: vec!["arkhangelsk".into(), "kholmogory".into()],
            margin_m: 10_000.0
        }
    );
    assert_eq!(atlas.site("mezen").unwrap().extent, Extent::Circle);
    let hired = atlas.events.iter().find(|e| e.id == "men_hired").unwrap();
    assert_eq!(
        (hired.people_min, hired.people, hired.people_max),
        (Some(30), Some(35), Some(40))
    );
    assert!(
        checked.warnings.is_empty(),
        "no warnings: {:?}",
        checked
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
}

/// Each broken shape value is reported at its file, line and column.
#[test]
fn bad_shape_values_are_located() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("fishing_camps", "ring_from", "", "a ring needs `ring_from`"),
        ("fishing_camps", "ring_from", "mezenn", "unknown site id"),
        (
            "fishing_camps",
            "ring_min_m",
            "50000",
            "larger than ring_max_m",
        ),
        (
            "fishing_camps",
            "bearing_max_deg",
            "400",
            "out of range 0..360",
        ),
        ("fishing_camps", "bearing_min_deg", "", "give both bearings"),
        ("fishing_camps", "shape", "donut", "unknown shape `donut`"),
        ("mezen", "ring_min_m", "10", "only a site of shape `ring`"),
        (
            "mezen",
            "area_margin_m",
            "10",
            "only a site of shape `area`",
        ),
    ];
    for (id, column, value, message) in cases {
        let (_tmp, dir) = shaped_tiny();
        let sites = dir.join("sites.csv");
        rewrite_csv(&sites, &[], |r, h| set(r, h, id, column, value), &[]);
        let (_, findings) = load(&dir);
        let at = format!(
            "sites.csv:{}:{}: error",
            line_of(&sites, id),
            col_of(&sites, column)
        );
        assert!(
            findings
                .iter()
                .any(|f| f.contains(&at) && f.contains(message)),
            "{id}.{column} = `{value}`: expected `{at}` … `{message}` in {findings:#?}"
        );
    }
}

#[test]
fn representative_point_outside_its_ring_is_a_warning() {
    let (_tmp, dir) = shaped_tiny();
    let sites = dir.join("sites.csv");
    // Due south of Mezen: outside the 315..45 sector.
    rewrite_csv(
        &sites,
        &[],
        |r, h| set(r, h, "fishing_camps", "lat", "65.45"),
        &[],
    );
    let (_, findings) = load(&dir);
    let at = format!(
        "sites.csv:{}:{}: warning",
        line_of(&sites, "fishing_camps"),
        col_of(&sites, "lat")
    );
    assert!(
        findings
            .iter()
            .any(|f| f.contains(&at) && f.contains("outside its ring")),
        "{findings:#?}"
    );
}

#[test]
fn people_outside_the_stated_range_is_an_error() {
    let (_tmp, dir) = shaped_tiny();
    let events = dir.join("events.csv");
    rewrite_csv(
        &events,
        &[],
        |r, h| set(r, h, "men_hired", "people", "45"),
        &[],
    );
    let (_, findings) = load(&dir);
    let at = format!(
        "events.csv:{}:{}: error",
        line_of(&events, "men_hired"),
        col_of(&events, "people")
    );
    assert!(
        findings
            .iter()
            .any(|f| f.contains(&at) && f.contains("above people_max")),
        "{findings:#?}"
    );
}

#[test]
fn areas_geojson_outline_replaces_the_hull_and_unknown_ids_are_errors() {
    let (_tmp, dir) = shaped_tiny();
    let outline = r#"{"type": "FeatureCollection", "features": [
{"type": "Feature", "id": "dvina_villages", "properties": {"geometry_ref": "sketch", "documented": false},
 "geometry": {"type": "Polygon", "coordinates": [[[40.0, 64.0], [42.0, 64.0], [42.0, 64.8], [40.0, 64.8], [40.0, 64.0]]]}},
{"type": "Feature", "id": "white_sea", "properties": {"geometry_ref": "sketch", "documented": false},
 "geometry": {"type": "Polygon", "coordinates": [[[38.0, 65.0], [39.0, 65.0], [39.0, 66.0], [38.0, 65.0]]]}}
]}"#;
    std::fs::write(dir.join("areas.geojson"), outline).unwrap();
    let (atlas, findings) = load(&dir);
    let Extent::Area(a) = &atlas.site("dvina_villages").unwrap().extent else {
        panic!("an area")
    };
    assert_eq!(
        a.source,
        AreaSource::Drawn {
            geometry_ref: "sketch".into(),
            documented: false
        }
    );
    assert_eq!(a.outline.0[0].exterior().0.len(), 5);
    assert!(
        findings.iter().any(|f| f.contains("areas.geojson:4: error")
            && f.contains("white_sea")
            && f.contains("no site")),
        "{findings:#?}"
    );
}

/// Every geometry of every GeoJSON file under `dir` that geo's OGC validity check rejects, as
/// `file feature-index: reason`.
pub(crate) fn invalid_geometries(dir: &Path) -> (usize, Vec<String>) {
    use geo::Validation;
    let mut checked = 0;
    let mut bad = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "geojson") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let fc: geojson::FeatureCollection = text.parse().unwrap();
            for (i, f) in fc.features.iter().enumerate() {
                let Some(g) = &f.geometry else { continue };
                let g = geo::Geometry::<f64>::try_from(g.value.clone()).unwrap();
                checked += 1;
                if let Err(e) = g.check_validation() {
                    bad.push(format!("{} {i}: {e}", path.display()));
                }
            }
        }
    }
    (checked, bad)
}

#[test]
fn every_geojson_geometry_of_both_atlases_is_valid() {
    let geojson = gazmap::BuildOptions::only([Format::GeoJson, Format::Web]);
    let tiny = tempfile::tempdir().unwrap();
    gazmap::build_with(&util::tiny(), tiny.path(), &geojson).unwrap();
    let (_tmp, shaped) = shaped_tiny();
    let shaped_out = tempfile::tempdir().unwrap();
    gazmap::build_with(&shaped, shaped_out.path(), &geojson).unwrap();
    for dir in [util::vorkuta_build(), tiny.path(), shaped_out.path()] {
        let (checked, bad) = invalid_geometries(dir);
        assert!(
            checked >= 10,
            "{}: only {checked} geometries",
            dir.display()
        );
        assert!(bad.is_empty(), "{bad:#?}");
    }
}

#[test]
fn the_validity_check_catches_a_zero_length_line() {
    let dir = tempfile::tempdir().unwrap();
    let line = r#"{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {}, "geometry": {"type": "MultiLineString", "coordinates": [[[63.56, 67.50], [63.56, 67.50]]]}}]}"#;
    std::fs::write(dir.path().join("transfers.geojson"), line).unwrap();
    let (checked, bad) = invalid_geometries(dir.path());
    assert_eq!(checked, 1);
    assert_eq!(bad.len(), 1, "{bad:?}");
}

#[test]
fn rings_and_areas_reach_every_output() {
    let (_tmp, dir) = shaped_tiny();
    let out = tempfile::tempdir().unwrap();
    let formats = [Format::GeoJson, Format::Csv, Format::Gpkg, Format::Lpf];
    gazmap::build_with(&dir, out.path(), &gazmap::BuildOptions::only(formats)).unwrap();
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(out.path().join(name)).unwrap()).unwrap()
    };
    let feature = |doc: &serde_json::Value, id: &str| -> serde_json::Value {
        doc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id || f["properties"]["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    // GeoJSON: the sector and the hull in `uncertainty`, the event on the area.
    let unc = read("uncertainty.geojson");
    let ring = feature(&unc, "fishing_camps");
    assert_eq!(ring["properties"]["shape"], "ring");
    assert_eq!(ring["properties"]["ring_from"], "mezen");
    assert_eq!(ring["properties"]["bearing_min_deg"], 315.0);
    assert_eq!(ring["geometry"]["type"], "Polygon");
    let area = feature(&unc, "dvina_villages");
    assert_eq!(area["properties"]["shape"], "area");
    assert_eq!(
        area["properties"]["outline_ref"],
        "convex hull of arkhangelsk, kholmogory plus 10 km"
    );
    let event_areas = read("event_areas.geojson");
    assert_eq!(event_areas["features"].as_array().unwrap().len(), 1);
    let hired = feature(&event_areas, "men_hired");
    assert_eq!(hired["geometry"], area["geometry"]);
    assert_eq!(hired["properties"]["people_min"], 30);
    assert_eq!(hired["properties"]["people_max"], 40);
    let events = read("events.geojson");
    assert!(feature(&events, "men_hired")["geometry"].is_null());
    // CSV timeline carries the range.
    let timeline = std::fs::read_to_string(out.path().join("timeline.csv")).unwrap();
    let header = timeline.lines().next().unwrap();
    assert!(
        header.contains("people,people_min,people_max,people_text"),
        "{header}"
    );
    assert!(
        timeline
            .lines()
            .any(|l| l.contains("men_hired") && l.contains(",35,30,40,"))
    );
    // GeoPackage: an event_areas table with the polygon.
    let db = rusqlite::Connection::open(out.path().join("tiny.gpkg")).unwrap();
    let (n, people_max): (i64, i64) = db
        .query_row(
            "SELECT count(*), max(people_max) FROM event_areas",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((n, people_max), (1, 40));
    // LPF: the ring's polygon beside its point.
    let lpf = read("tiny.lpf.json");
    let camps = lpf["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["@id"].as_str().unwrap().ends_with("fishing_camps"))
        .unwrap();
    let members = camps["geometry"]["geometries"].as_array().unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| m["type"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Point", "Polygon"]
    );
    assert_eq!(members[1]["certainty"], "less-certain");
    assert!(
        members[1]["citations"][0]["label"]
            .as_str()
            .unwrap()
            .starts_with("Ring: 37.338 to 48.006 km from Mezen, bearing 315° to 45°")
    );
    assert!(lpf::problems(&lpf).is_empty(), "{:?}", lpf::problems(&lpf));
}
