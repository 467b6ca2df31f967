//! The QGIS deliverables of the real atlas (`vorkuta.gpkg`, `vorkuta.qgz`, the `.qml` siblings),
//! read back with plain SQL (rusqlite), geozero's GeoPackage decoder, roxmltree and the zip crate,
//! never with the writers' own code.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use geozero::ToGeo;
use rusqlite::Connection;

use crate::util;

fn open(dir: &Path) -> Connection {
    Connection::open_with_flags(
        dir.join("vorkuta.gpkg"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

fn strings(db: &Connection, sql: &str) -> Vec<String> {
    db.prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn feature_tables(db: &Connection) -> Vec<String> {
    strings(
        db,
        "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
    )
}

fn columns(db: &Connection, table: &str) -> Vec<(String, String)> {
    db.prepare(&format!("PRAGMA table_info(\"{table}\")"))
        .unwrap()
        .query_map([], |r| Ok((r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn geojson(dir: &Path, name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.geojson"))).unwrap())
        .unwrap()
}

fn parse_xml(text: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, opts).expect("well-formed XML")
}

/// Identifiers in double quotes in a QGIS expression (single-quoted literals skipped).
fn quoted_identifiers(expr: &str) -> Vec<String> {
    let mut out = vec![];
    let mut in_lit = false;
    let mut cur: Option<String> = None;
    let cs: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if let Some(id) = cur.as_mut() {
            if c == '"' && cs.get(i + 1) == Some(&'"') {
                id.push('"');
                i += 1;
            } else if c == '"' {
                out.push(cur.take().unwrap());
            } else {
                id.push(c);
            }
        } else if in_lit {
            if c == '\'' && cs.get(i + 1) == Some(&'\'') {
                i += 1;
            } else if c == '\'' {
                in_lit = false;
            }
        } else if c == '\'' {
            in_lit = true;
        } else if c == '"' {
            cur = Some(String::new());
        }
        i += 1;
    }
    out
}

/// Every field a QML names: classification attribute, label field or expression, temporal
/// fields and expressions, data-defined expressions, display expression and map tip.
fn field_refs(qml: &str) -> BTreeSet<String> {
    let doc = parse_xml(qml);
    let mut refs = BTreeSet::new();
    for n in doc.descendants().filter(roxmltree::Node::is_element) {
        let tag = n.tag_name().name();
        for a in n.attributes() {
            match (tag, a.name()) {
                ("renderer-v2", "attr") | ("temporal", "startField" | "endField")
                    if !a.value().is_empty() =>
                {
                    refs.insert(a.value().to_owned());
                }
                ("text-style", "fieldName") if n.attribute("isExpression") != Some("1") => {
                    refs.insert(a.value().to_owned());
                }
                ("text-style", "fieldName") | ("temporal", "startExpression" | "endExpression") => {
                    refs.extend(quoted_identifiers(a.value()));
                }
                ("Option", "value") if n.attribute("name") == Some("expression") => {
                    refs.extend(quoted_identifiers(a.value()));
                }
                _ => {}
            }
        }
        if matches!(tag, "previewExpression" | "mapTip") {
            refs.extend(quoted_identifiers(n.text().unwrap_or("")));
        }
    }
    refs
}

#[test]
fn every_layer_is_a_registered_feature_table_with_the_geojson_features() {
    let dir = util::vorkuta_build();
    let db = open(dir);
    let app: i64 = db
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, 0x4750_4B47, "application_id is 'GPKG'");
    let srs: Vec<String> = strings(
        &db,
        "SELECT organization || ':' || organization_coordsys_id FROM gpkg_spatial_ref_sys ORDER BY srs_id",
    );
    assert_eq!(srs, ["NONE:-1", "NONE:0", "EPSG:4326"]);

    let tables = feature_tables(&db);
    let atlas = [
        "claims",
        "event_areas",
        "events",
        "lines",
        "sites",
        "transfers",
        "uncertainty",
    ];
    let basemap = ["borders", "coast", "lakes", "regions", "rivers", "sea"];
    let mut want: Vec<&str> = atlas.iter().chain(&basemap).copied().collect();
    want.sort_unstable();
    assert_eq!(tables, want);
    for t in &tables {
        let (geom, ty, srs_id): (String, String, i64) = db
            .query_row(
                "SELECT column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
                [t],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap_or_else(|e| panic!("{t} not in gpkg_geometry_columns: {e}"));
        assert_eq!((geom.as_str(), srs_id), ("geom", 4326), "{t}");
        let rtree: i64 = db
            .query_row(
                "SELECT count(*) FROM gpkg_extensions WHERE table_name = ?1 AND extension_name = 'gpkg_rtree_index'",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(rtree, 1, "{t} has an R-tree");
        let expect_type = match t.as_str() {
            "sites" | "events" => "POINT",
            "uncertainty" | "event_areas" | "coast" | "lakes" | "regions" | "sea" => "MULTIPOLYGON",
            _ => "MULTILINESTRING",
        };
        assert_eq!(ty, expect_type, "{t}");
    }

    // Feature counts equal the GeoJSON layers (atlas) and the basemap source files.
    for name in atlas {
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| {
                r.get(0)
            })
            .unwrap();
        let n = usize::try_from(n).unwrap();
        let fc = geojson(dir, name);
        assert_eq!(n, fc["features"].as_array().unwrap().len(), "{name}");
    }
    for name in basemap {
        if name == "sea" {
            continue; // derived from the coast (one feature), not a source file
        }
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| {
                r.get(0)
            })
            .unwrap();
        let n = usize::try_from(n).unwrap();
        let src: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(util::root().join(format!("data/basemap/{name}.geojson")))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(n, src["features"].as_array().unwrap().len(), "{name}");
    }
    let sea: i64 = db
        .query_row("SELECT count(*) FROM sea", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sea, 1, "the sea is one multipolygon: coverage minus land");
    let sites: i64 = db
        .query_row("SELECT count(*) FROM sites", [], |r| r.get(0))
        .unwrap();
    assert_eq!(usize::try_from(sites).unwrap(), crate::atlas_expect::SITES);
}

fn envelope(blob: &[u8]) -> [f64; 4] {
    assert_eq!(&blob[..2], b"GP", "GeoPackage blob magic");
    assert_eq!(blob[3] & 0b1110, 0b0010, "flags say: XY envelope");
    assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 4326);
    let f = |i: usize| f64::from_le_bytes(blob[8 + 8 * i..16 + 8 * i].try_into().unwrap());
    [f(0), f(1), f(2), f(3)]
}

fn bounds(g: &geo::Geometry) -> [f64; 4] {
    use geo::BoundingRect;
    let r = g.bounding_rect().unwrap();
    [r.min().x, r.max().x, r.min().y, r.max().y]
}

fn json_bounds(g: &serde_json::Value) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    fn walk(v: &serde_json::Value, b: &mut [f64; 4]) {
        match v.as_array() {
            Some(a) if a.first().is_some_and(serde_json::Value::is_number) => {
                let (x, y) = (a[0].as_f64().unwrap(), a[1].as_f64().unwrap());
                *b = [b[0].min(x), b[1].max(x), b[2].min(y), b[3].max(y)];
            }
            Some(a) => a.iter().for_each(|c| walk(c, b)),
            None => {}
        }
    }
    walk(&g["coordinates"], &mut b);
    b
}

#[test]
fn geometries_and_envelopes_agree_with_the_geojson() {
    let dir = util::vorkuta_build();
    let db = open(dir);
    for t in feature_tables(&db) {
        let mut stmt = db
            .prepare(&format!(
                "SELECT fid, geom FROM \"{t}\" WHERE geom IS NOT NULL"
            ))
            .unwrap();
        let rows: Vec<(i64, Vec<u8>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!rows.is_empty(), "{t} has geometries");
        let mut extent = [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for (fid, blob) in &rows {
            let env = envelope(blob);
            let g = geozero::wkb::GpkgWkb(blob.clone()).to_geo().unwrap();
            assert_eq!(
                env,
                bounds(&g),
                "{t} fid {fid}: header envelope = geometry bounds"
            );
            let (minx, maxx, miny, maxy): (f64, f64, f64, f64) = db
                .query_row(
                    &format!("SELECT minx, maxx, miny, maxy FROM \"rtree_{t}_geom\" WHERE id = ?1"),
                    [fid],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .unwrap_or_else(|e| panic!("{t} fid {fid} not in the R-tree: {e}"));
            // The R-tree stores 32-bit floats rounded outwards.
            assert!(minx <= env[0] && maxx >= env[1] && miny <= env[2] && maxy >= env[3]);
            assert!((minx - env[0]).abs() < 1e-4 && (maxy - env[3]).abs() < 1e-4);
            extent = [
                extent[0].min(env[0]),
                extent[1].max(env[1]),
                extent[2].min(env[2]),
                extent[3].max(env[3]),
            ];
        }
        let n_rtree: i64 = db
            .query_row(
                &format!("SELECT count(*) FROM \"rtree_{t}_geom\""),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            usize::try_from(n_rtree).unwrap(),
            rows.len(),
            "{t}: one R-tree entry per geometry"
        );
        let c: (f64, f64, f64, f64) = db
            .query_row(
                "SELECT min_x, max_x, min_y, max_y FROM gpkg_contents WHERE table_name = ?1",
                [&t],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!([c.0, c.1, c.2, c.3], extent, "{t}: gpkg_contents extent");
    }
    // Atlas features: the same bounds as in the GeoJSON, matched by id.
    for name in [
        "sites",
        "events",
        "transfers",
        "claims",
        "uncertainty",
        "lines",
    ] {
        let fc = geojson(dir, name);
        for f in fc["features"].as_array().unwrap() {
            let id = f["id"].as_str().unwrap();
            let blob: Option<Vec<u8>> = db
                .query_row(
                    &format!("SELECT geom FROM \"{name}\" WHERE id = ?1"),
                    [id],
                    |r| r.get(0),
                )
                .unwrap();
            match (&blob, f["geometry"].is_null()) {
                (None, true) => {}
                (Some(b), false) => {
                    let (e, j) = (envelope(b), json_bounds(&f["geometry"]));
                    for k in 0..4 {
                        assert!((e[k] - j[k]).abs() < 1e-9, "{name} {id}: {e:?} vs {j:?}");
                    }
                }
                _ => panic!("{name} {id}: geometry present in one file only"),
            }
        }
    }
}

#[test]
fn dates_are_full_dates_and_the_edtf_is_kept() {
    let dir = util::vorkuta_build();
    let db = open(dir);
    for t in ["events", "transfers"] {
        let cols: BTreeMap<String, String> = columns(&db, t).into_iter().collect();
        for c in ["start", "end", "certain_start", "certain_end"] {
            assert_eq!(cols[c], "DATE", "{t}.{c}");
        }
        assert_eq!(cols["when"], "TEXT");
        let fc = geojson(dir, t);
        let by_id: BTreeMap<&str, &serde_json::Value> = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["id"].as_str().unwrap(), &f["properties"]))
            .collect();
        let mut stmt = db
            .prepare(&format!(
                "SELECT id, \"when\", \"start\", \"end\", certain_start, certain_end, typeof(\"start\") FROM \"{t}\""
            ))
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .unwrap();
        let mut n = 0;
        for row in rows {
            let (id, when, start, end, cs, ce, ty) = row.unwrap();
            assert_eq!(ty, "text", "{t} {id}: dates stored as text");
            let day = |s: &str| -> jiff::civil::Date {
                assert!(
                    s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-',
                    "{t} {id}: {s:?} is not YYYY-MM-DD"
                );
                s.parse().unwrap_or_else(|e| panic!("{t} {id}: {s:?}: {e}"))
            };
            assert!(day(&start) <= day(&end), "{t} {id}: start after end");
            if let (Some(a), Some(b)) = (&cs, &ce) {
                assert!(day(&start) <= day(a) && day(a) <= day(b) && day(b) <= day(&end));
            }
            let p = by_id[id.as_str()];
            assert_eq!(
                p["when"].as_str(),
                Some(when.as_str()),
                "{t} {id}: EDTF kept"
            );
            assert_eq!(p["start"].as_str(), Some(start.as_str()));
            assert_eq!(p["end"].as_str(), Some(end.as_str()));
            n += 1;
        }
        assert_eq!(n, by_id.len());
    }
}

#[test]
fn every_style_row_matches_its_table_and_names_only_its_fields() {
    let dir = util::vorkuta_build();
    let db = open(dir);
    let tables = feature_tables(&db);
    let mut stmt = db
        .prepare(
            "SELECT s.f_table_name, s.f_geometry_column, s.f_table_schema, s.useAsDefault, s.styleQML, \
             g.column_name, g.geometry_type_name FROM layer_styles s \
             LEFT JOIN gpkg_geometry_columns g ON g.table_name = s.f_table_name ORDER BY s.f_table_name",
        )
        .unwrap();
    type StyleRow = (
        String,
        String,
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<StyleRow> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let styled: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(styled, tables, "exactly one style per feature table");
    for (table, geom, schema, default, qml, geom_col, geom_type) in &rows {
        assert_eq!(Some(geom), geom_col.as_ref(), "{table}: f_geometry_column");
        assert_eq!((schema.as_str(), *default), ("", 1), "{table}");
        let doc = parse_xml(qml);
        assert_eq!(doc.root_element().tag_name().name(), "qgis");
        let gt = doc
            .descendants()
            .find(|n| n.has_tag_name("layerGeometryType"))
            .and_then(|n| n.text())
            .unwrap();
        let want = match geom_type.as_deref() {
            Some("POINT" | "MULTIPOINT") => "0",
            Some("MULTILINESTRING") => "1",
            _ => "2",
        };
        assert_eq!(gt, want, "{table}: layerGeometryType");
        let cols: BTreeSet<String> = columns(&db, table).into_iter().map(|c| c.0).collect();
        let refs = field_refs(qml);
        assert!(
            refs.is_subset(&cols),
            "{table}: style names fields the table lacks: {:?}",
            refs.difference(&cols).collect::<Vec<_>>()
        );
        // A categorized style must classify values the table holds.
        if let Some(r) = doc.descendants().find(|n| {
            n.has_tag_name("renderer-v2") && n.attribute("type") == Some("categorizedSymbol")
        }) {
            let attr = r.attribute("attr").unwrap();
            let cats: BTreeSet<&str> = r
                .descendants()
                .filter(|n| n.has_tag_name("category"))
                .map(|n| n.attribute("value").unwrap())
                .collect();
            let values = strings(
                &db,
                &format!(
                    "SELECT DISTINCT coalesce(\"{attr}\", '') FROM \"{table}\" WHERE geom IS NOT NULL"
                ),
            );
            for v in &values {
                assert!(
                    cats.contains(v.as_str()),
                    "{table}: no category for {attr} = {v:?}"
                );
            }
        }
    }
    // The sites are classified by kind with the cartographic table's symbols.
    let sites_qml = &rows.iter().find(|r| r.0 == "sites").unwrap().4;
    let doc = parse_xml(sites_qml);
    let r = doc
        .descendants()
        .find(|n| n.has_tag_name("renderer-v2"))
        .unwrap();
    assert_eq!(r.attribute("attr"), Some("kind"));
    for k in [
        "camp",
        "mine",
        "barracks",
        "execution_site",
        "river",
        "city",
    ] {
        assert!(
            r.descendants()
                .any(|n| n.has_tag_name("category") && n.attribute("value") == Some(k)),
            "sites: category {k}"
        );
    }
}

#[test]
fn geojson_siblings_are_styled_the_same_way() {
    let dir = util::vorkuta_build();
    let db = open(dir);
    for name in [
        "sites",
        "events",
        "transfers",
        "claims",
        "uncertainty",
        "lines",
    ] {
        let qml = std::fs::read_to_string(dir.join(format!("{name}.qml")))
            .unwrap_or_else(|e| panic!("{name}.qml next to {name}.geojson: {e}"));
        let stored: String = db
            .query_row(
                "SELECT styleQML FROM layer_styles WHERE f_table_name = ?1",
                [name],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(qml, stored, "{name}");
        let fc = geojson(dir, name);
        let keys: BTreeSet<String> = fc["features"][0]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let refs = field_refs(&qml);
        assert!(
            refs.is_subset(&keys),
            "{name}.qml names {:?}",
            refs.difference(&keys).collect::<Vec<_>>()
        );
        let doc = parse_xml(&qml);
        let t = doc
            .descendants()
            .find(|n| n.has_tag_name("temporal"))
            .unwrap();
        let dated = keys.contains("start") && keys.contains("end");
        assert_eq!(
            t.attribute("enabled"),
            Some(if dated { "1" } else { "0" }),
            "{name}"
        );
        if dated {
            // Open ends must not vanish: the end expression falls back to a far date.
            assert!(
                t.attribute("endExpression")
                    .unwrap()
                    .contains("coalesce(\"end\"")
            );
        }
    }
}

#[test]
fn sources_and_citations_point_at_the_quoted_words() {
    let dir = util::vorkuta_build();
    let db = open(dir);
    let texts: BTreeMap<String, String> = db
        .prepare("SELECT id, text FROM sources")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(texts.contains_key("mb1961"), "{:?}", texts.keys());
    let mut stmt = db
        .prepare("SELECT layer, feature_id, source_id, char_offset, quote FROM citations")
        .unwrap();
    let rows: Vec<(String, String, String, Option<i64>, String)> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut expected = 0;
    for name in [
        "sites",
        "events",
        "event_areas",
        "transfers",
        "claims",
        "uncertainty",
        "lines",
    ] {
        expected += geojson(dir, name)["features"].as_array().unwrap().len();
    }
    assert_eq!(rows.len(), expected, "one citation per atlas feature");
    let mut located = 0;
    for (layer, id, source, offset, quote) in &rows {
        let text = &texts[source];
        if let Some(o) = offset {
            let skip = usize::try_from(*o).unwrap();
            let at: String = text
                .chars()
                .skip(skip)
                .take(quote.chars().count())
                .collect();
            assert_eq!(&at, quote, "{layer} {id}: the quote at character {o}");
            located += 1;
        }
    }
    assert!(
        located > rows.len() / 2,
        "most citations have an offset ({located})"
    );
}

#[test]
fn project_file_and_stored_project_are_the_same_and_complete() {
    let dir = util::vorkuta_build();
    let db = open(dir);
    let qgz = std::fs::read(dir.join("vorkuta.qgz")).unwrap();
    let hex: String = db
        .query_row(
            "SELECT content FROM qgis_projects WHERE name = 'vorkuta'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let stored: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    assert_eq!(stored, qgz, "qgis_projects holds the .qgz bytes as hex");

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(qgz)).unwrap();
    let mut xml = String::new();
    zip.by_name("vorkuta.qgs")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let doc = parse_xml(&xml);
    let tables: BTreeSet<String> = feature_tables(&db).into_iter().collect();
    let sources: BTreeSet<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("datasource"))
        .map(|n| {
            let s = n.text().unwrap();
            assert!(s.starts_with("./vorkuta.gpkg|layername="), "{s}");
            s.rsplit('=').next().unwrap().to_owned()
        })
        .collect();
    assert_eq!(sources, tables, "the project holds every layer");
    let crs = doc
        .descendants()
        .find(|n| n.has_tag_name("projectCrs"))
        .and_then(|n| n.descendants().find(|d| d.has_tag_name("authid")))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(
        crs, "EPSG:32640",
        "UTM zone of the extent centre (58 E), not Web Mercator"
    );
    let range = doc
        .descendants()
        .find(|n| n.has_tag_name("TemporalRange"))
        .unwrap();
    let start = range
        .children()
        .find(|n| n.has_tag_name("start"))
        .and_then(|n| n.text());
    assert_eq!(
        start,
        Some("1936-06-01T00:00:00Z"),
        "atlas time_range 1936-06/1938-06"
    );
    let groups: Vec<&str> = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("layer-tree-group"))
        .unwrap()
        .children()
        .filter(|n| n.has_tag_name("layer-tree-group"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(groups, ["Atlas", "Basemap"]);
    let layout = doc
        .descendants()
        .find(|n| n.has_tag_name("Layout"))
        .unwrap();
    let types: BTreeSet<&str> = layout
        .descendants()
        .filter(|n| n.has_tag_name("LayoutItem"))
        .filter_map(|n| n.attribute("type"))
        .collect();
    // page, map, picture (north arrow), label, legend, scale bar
    for t in ["65638", "65639", "65640", "65641", "65642", "65646"] {
        assert!(types.contains(t), "layout item {t}");
    }
    let page = layout
        .descendants()
        .find(|n| n.attribute("type") == Some("65638"))
        .unwrap();
    assert_eq!(page.attribute("size"), Some("297,210,mm"), "A4 landscape");
}

#[test]
fn builds_are_byte_identical_and_take_their_time_from_source_date_epoch() {
    let first = util::vorkuta_build();
    let again = tempfile::tempdir().unwrap();
    gazmap::build(&util::vorkuta(), again.path()).unwrap();
    for f in [
        "vorkuta.gpkg",
        "vorkuta.qgz",
        "sites.qml",
        "events.qml",
        "transfers.qml",
    ] {
        assert!(
            std::fs::read(first.join(f)).unwrap() == std::fs::read(again.path().join(f)).unwrap(),
            "{f} differs between two builds"
        );
    }
    let db = open(first);
    let stamps = strings(&db, "SELECT DISTINCT last_change FROM gpkg_contents");
    assert_eq!(
        stamps,
        ["1980-01-01T00:00:00.000Z"],
        "no clock time without SOURCE_DATE_EPOCH"
    );

    let epoch = tempfile::tempdir().unwrap();
    util::gazmap()
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["build", util::vorkuta().to_str().unwrap(), "-o"])
        .arg(epoch.path())
        .assert()
        .success();
    let db = open(epoch.path());
    let stamps = strings(&db, "SELECT DISTINCT last_change FROM gpkg_contents");
    assert_eq!(stamps, ["2023-11-14T22:13:20.000Z"]);
    let styles = strings(&db, "SELECT DISTINCT update_time FROM layer_styles");
    assert_eq!(styles, ["2023-11-14T22:13:20.000Z"]);

    util::gazmap()
        .env("SOURCE_DATE_EPOCH", "last tuesday")
        .args(["build", util::vorkuta().to_str().unwrap(), "-o"])
        .arg(tempfile::tempdir().unwrap().path())
        .assert()
        .failure()
        .stderr(predicates::str::contains("SOURCE_DATE_EPOCH"));
}

#[test]
fn formats_select_the_qgis_files() {
    let names = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let gpkg = tempfile::tempdir().unwrap();
    util::gazmap()
        .args([
            "export",
            "--format",
            "gpkg",
            util::vorkuta().to_str().unwrap(),
            "-o",
        ])
        .arg(gpkg.path())
        .assert()
        .success();
    assert_eq!(names(gpkg.path()), ["vorkuta.gpkg", "vorkuta.qgz"]);
    let json = tempfile::tempdir().unwrap();
    util::gazmap()
        .args([
            "export",
            "--format",
            "geojson",
            util::vorkuta().to_str().unwrap(),
            "-o",
        ])
        .arg(json.path())
        .assert()
        .success();
    let files = names(json.path());
    for layer in [
        "sites",
        "events",
        "event_areas",
        "transfers",
        "claims",
        "uncertainty",
        "lines",
    ] {
        assert!(files.contains(&format!("{layer}.geojson")), "{files:?}");
        assert!(
            files.contains(&format!("{layer}.qml")),
            "{layer}.qml beside {layer}.geojson"
        );
    }
    assert_eq!(files.len(), 14, "{files:?}");
}
