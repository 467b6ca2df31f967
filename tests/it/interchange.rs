//! Interchange outputs of the real atlas, read back with independent readers: serde_json for
//! Linked Places, the `kml` crate's reader, the `flatgeobuf` reader; compared with the atlas
//! and with the GeoJSON layers.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use std::path::Path;

use approx::assert_abs_diff_eq;
use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
use gazmap::output::format::Format;
use gazmap::output::interchange::{lpf, one_line};
use geozero::ToGeo;
use serde_json::Value as Json;

use crate::util;

fn json(path: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn atlas() -> gazmap::model::Atlas {
    gazmap::open(&util::vorkuta()).unwrap().atlas
}

/// The GeoJSON layer's features by id.
fn geojson_layer(name: &str) -> BTreeMap<String, Json> {
    let fc = json(&util::vorkuta_build().join(format!("{name}.geojson")));
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_owned(), f.clone()))
        .collect()
}

mod linked_places {
    use super::*;

    fn doc() -> Json {
        json(&util::vorkuta_build().join("vorkuta.lpf.json"))
    }

    #[test]
    fn follows_the_published_rules() {
        let doc = doc();
        assert_eq!(lpf::problems(&doc), Vec::<String>::new());
        assert_eq!(doc["@context"], lpf::CONTEXT);
        assert_eq!(
            doc["features"].as_array().unwrap().len(),
            crate::atlas_expect::SITES
        );
    }

    #[test]
    fn every_place_has_what_whg_requires() {
        let atlas = atlas();
        let doc = doc();
        let mut ids = BTreeSet::new();
        for f in doc["features"].as_array().unwrap() {
            let id = f["@id"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "duplicate {id}");
            let site_id = id
                .strip_prefix(&atlas.meta.base_uri)
                .expect("base_uri + id");
            let site = atlas.site(site_id).unwrap();
            assert!(!f["properties"]["title"].as_str().unwrap().is_empty());
            let cited = &f["names"][0]["citations"][0]["label"];
            let offset = site.citation.char_offset.unwrap();
            assert!(
                cited.as_str().unwrap().contains(&format!(
                    "character {offset}: \u{201c}{}\u{201d}",
                    one_line(&site.citation.quote)
                )),
                "{site_id}: {cited}"
            );
            // A place's `when` is its own `when` column only, never the span of its events.
            assert_eq!(
                f.get("when").is_some(),
                site.when.is_some(),
                "{site_id}: {}",
                f["when"]
            );
            if site.when.is_some() {
                assert!(
                    !f["when"]["timespans"].as_array().unwrap().is_empty(),
                    "{site_id}"
                );
            }
            let geoms = f["geometry"]["geometries"].as_array().unwrap();
            match site.location {
                None => assert!(geoms.is_empty(), "{site_id} is unlocated"),
                Some(loc) => {
                    let p = &geoms[0];
                    assert_eq!(p["type"], "Point");
                    assert!(p["certainty"].is_string(), "{site_id}");
                    assert_abs_diff_eq!(
                        p["coordinates"][0].as_f64().unwrap(),
                        loc.lon,
                        epsilon = 1e-6
                    );
                    assert_abs_diff_eq!(
                        p["coordinates"][1].as_f64().unwrap(),
                        loc.lat,
                        epsilon = 1e-6
                    );
                }
            }
        }
        assert_eq!(ids.len(), atlas.sites.len());
    }

    #[test]
    fn dates_survive() {
        let atlas = atlas();
        let doc = doc();
        for f in doc["features"].as_array().unwrap() {
            let site_id = f["@id"].as_str().unwrap().rsplit('/').next().unwrap();
            let site = atlas.site(site_id).unwrap();
            let ts = &f["when"]["timespans"][0];
            if let Some(w) = &site.when {
                let start = ts["start"].as_object().unwrap().values().next().unwrap();
                let year = w.earliest.year().to_string();
                assert!(
                    start.as_str().unwrap().starts_with(&year),
                    "{site_id}: {ts}"
                );
            }
        }
        // Ukhtpechlag existed 6 Jun 1931 - 10 May 1938 (its own `when`).
        let ukhta = doc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["@id"].as_str().unwrap().ends_with("/ukhta_pechora"))
            .unwrap();
        assert_eq!(
            ukhta["when"]["timespans"][0],
            serde_json::json!({"start": {"in": "1931-06-06"}, "end": {"in": "1938-05-10"}})
        );
    }

    #[test]
    fn ids_and_bytes_are_stable_across_builds() {
        let dir = tempfile::tempdir().unwrap();
        gazmap::build_with(
            &util::vorkuta(),
            dir.path(),
            &gazmap::BuildOptions::only([Format::Lpf, Format::LpTsv]),
        )
        .unwrap();
        for name in ["vorkuta.lpf.json", "vorkuta.lp.tsv"] {
            assert_eq!(
                std::fs::read(dir.path().join(name)).unwrap(),
                std::fs::read(util::vorkuta_build().join(name)).unwrap(),
                "{name}"
            );
        }
    }

    #[test]
    fn lp_tsv_has_whg_required_columns() {
        let text = std::fs::read_to_string(util::vorkuta_build().join("vorkuta.lp.tsv")).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        assert_eq!(header, lpf::TSV_COLUMNS);
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
        assert_eq!(rows.len(), crate::atlas_expect::SITES);
        for r in &rows {
            assert_eq!(r.len(), header.len(), "{r:?}");
            for required in ["id", "title", "title_source", "fclasses"] {
                assert!(!r[col(required)].is_empty(), "{required} empty in {r:?}");
            }
            assert!(!r[col("start")].is_empty() || !r[col("attestation_year")].is_empty());
        }
        let mine = rows.iter().find(|r| r[0] == "vorkuta_mine").unwrap();
        assert_eq!(mine[col("aat_types")], "300000390");
        assert_eq!(mine[col("lat")], "67.50944");
    }
}

mod kml_file {
    use kml::types::{Geometry, Placemark};
    use kml::{Kml, KmlReader};

    use super::*;

    /// Placemarks by their id (`<layer>.<feature id>`), read with the kml crate's reader.
    fn placemarks() -> (HashMap<String, String>, BTreeMap<String, Placemark>) {
        let text = std::fs::read_to_string(util::vorkuta_build().join("vorkuta.kml")).unwrap();
        let Kml::KmlDocument(doc) = KmlReader::<_, f64>::from_string(&text).read().unwrap() else {
            panic!("no <kml> root")
        };
        let mut out = BTreeMap::new();
        fn walk(k: &Kml, out: &mut BTreeMap<String, Placemark>) {
            match k {
                Kml::Document { elements, .. } => elements.iter().for_each(|e| walk(e, out)),
                Kml::Folder(f) => f.elements.iter().for_each(|e| walk(e, out)),
                Kml::Placemark(p) => {
                    out.insert(p.attrs["id"].clone(), p.clone());
                }
                _ => {}
            }
        }
        doc.elements.iter().for_each(|e| walk(e, &mut out));
        (doc.attrs, out)
    }

    fn time_span(p: &Placemark) -> Option<(String, String)> {
        let ts = p.children.iter().find(|c| c.name == "TimeSpan")?;
        let get = |n: &str| {
            ts.children
                .iter()
                .find(|c| c.name == n)
                .and_then(|c| c.content.clone())
                .unwrap()
        };
        Some((get("begin"), get("end")))
    }

    #[test]
    fn namespace_and_counts() {
        let (attrs, marks) = placemarks();
        assert_eq!(attrs["xmlns"], "http://www.opengis.net/kml/2.2");
        for layer in ["sites", "events", "transfers", "lines", "uncertainty"] {
            let expected = geojson_layer(layer).len();
            let got = marks
                .keys()
                .filter(|k| k.starts_with(&format!("{layer}.")))
                .count();
            assert_eq!(got, expected, "{layer}");
        }
    }

    #[test]
    fn events_keep_dates_places_and_quotes() {
        let (_, marks) = placemarks();
        let events = geojson_layer("events");
        let areas = geojson_layer("event_areas");
        assert!(
            !areas.is_empty(),
            "the Vorkuta atlas has events in a whole camp system"
        );
        for (id, f) in &events {
            let p = &marks[&format!("events.{id}")];
            let props = &f["properties"];
            assert_eq!(
                time_span(p),
                Some((
                    props["start"].as_str().unwrap().to_owned(),
                    props["end"].as_str().unwrap().to_owned()
                )),
                "{id}"
            );
            let quote = gazmap::output::interchange::html_escape(&one_line(
                props["quote"].as_str().unwrap(),
            ));
            assert!(p.description.as_deref().unwrap().contains(&quote), "{id}");
            match (&f["geometry"], &p.geometry) {
                (Json::Null, None) => assert!(!areas.contains_key(id), "{id}: its area is lost"),
                // An event in a whole camp system or region is drawn as that area.
                (Json::Null, Some(Geometry::Polygon(_) | Geometry::MultiGeometry(_))) => {
                    assert!(
                        areas.contains_key(id),
                        "{id}: an area but none in event_areas"
                    );
                }
                (g, Some(Geometry::Point(pt))) => {
                    assert_abs_diff_eq!(
                        pt.coord.x,
                        g["coordinates"][0].as_f64().unwrap(),
                        epsilon = 1e-9
                    );
                    assert_abs_diff_eq!(
                        pt.coord.y,
                        g["coordinates"][1].as_f64().unwrap(),
                        epsilon = 1e-9
                    );
                }
                (g, k) => panic!("{id}: {g} vs {k:?}"),
            }
        }
    }

    #[test]
    fn transfers_are_timed_lines() {
        let (_, marks) = placemarks();
        for (id, f) in geojson_layer("transfers") {
            let p = &marks[&format!("transfers.{id}")];
            assert!(time_span(p).is_some(), "{id}");
            assert_eq!(f["geometry"].is_null(), p.geometry.is_none(), "{id}");
            if let Some(g) = &p.geometry {
                assert!(
                    matches!(g, Geometry::LineString(_) | Geometry::MultiGeometry(_)),
                    "{id}"
                );
            }
        }
    }
}

mod flatgeobuf_files {
    use super::*;

    /// Per feature id: its geometry and its properties as text.
    type ById = BTreeMap<String, (geo::Geometry, HashMap<String, String>)>;

    /// Header count and features by id.
    fn read(layer: &str) -> (u64, ById) {
        let bytes = std::fs::read(util::vorkuta_build().join(format!("{layer}.fgb"))).unwrap();
        let reader = FgbReader::open(Cursor::new(bytes)).unwrap();
        let count = reader.header().features_count();
        let mut features = reader.select_all().unwrap();
        let mut out = BTreeMap::new();
        while let Some(f) = features.next().unwrap() {
            let id: String = f.property("id").unwrap();
            out.insert(id, (f.to_geo().unwrap(), f.properties().unwrap()));
        }
        (count, out)
    }

    #[test]
    fn every_located_feature_survives() {
        for layer in [
            "sites",
            "events",
            "transfers",
            "claims",
            "lines",
            "uncertainty",
        ] {
            let gj = geojson_layer(layer);
            let located: BTreeSet<&String> = gj
                .iter()
                .filter(|(_, f)| !f["geometry"].is_null())
                .map(|(id, _)| id)
                .collect();
            let (count, fgb) = read(layer);
            assert_eq!(count as usize, located.len(), "{layer}");
            assert_eq!(fgb.keys().collect::<BTreeSet<_>>(), located, "{layer}");
        }
    }

    #[test]
    fn site_coordinates_and_citations_survive() {
        let gj = geojson_layer("sites");
        let (_, fgb) = read("sites");
        for (id, (g, props)) in &fgb {
            let f = &gj[id];
            let geo::Geometry::Point(p) = g else {
                panic!("{id}")
            };
            assert_abs_diff_eq!(
                p.x(),
                f["geometry"]["coordinates"][0].as_f64().unwrap(),
                epsilon = 1e-9
            );
            assert_abs_diff_eq!(
                p.y(),
                f["geometry"]["coordinates"][1].as_f64().unwrap(),
                epsilon = 1e-9
            );
            for key in ["citation", "quote", "basis", "kind"] {
                assert_eq!(
                    props[key],
                    f["properties"][key].as_str().unwrap(),
                    "{id}.{key}"
                );
            }
        }
    }

    #[test]
    fn event_dates_survive() {
        let gj = geojson_layer("events");
        let (_, fgb) = read("events");
        assert!(!fgb.is_empty());
        for (id, (_, props)) in &fgb {
            for key in ["start", "end", "when"] {
                assert_eq!(
                    props[key],
                    gj[id]["properties"][key].as_str().unwrap(),
                    "{id}.{key}"
                );
            }
        }
    }
}

#[test]
fn geojsonseq_lines_equal_the_geojson_features() {
    for layer in [
        "sites",
        "events",
        "transfers",
        "claims",
        "lines",
        "uncertainty",
    ] {
        let gj = geojson_layer(layer);
        let text = std::fs::read_to_string(util::vorkuta_build().join(format!("{layer}.geojsonl")))
            .unwrap();
        let lines: Vec<Json> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), gj.len(), "{layer}");
        for f in &lines {
            assert_eq!(f, &gj[f["id"].as_str().unwrap()], "{layer}");
        }
    }
}

mod command_line {
    use super::*;

    #[test]
    fn export_writes_one_format_and_no_report() {
        let dir = tempfile::tempdir().unwrap();
        util::gazmap()
            .args(["export", "--format", "lptsv"])
            .arg(util::vorkuta())
            .arg("-o")
            .arg(dir.path())
            .assert()
            .success()
            .stdout(predicates::str::contains("vorkuta.lp.tsv"));
        let files: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files, ["vorkuta.lp.tsv"]);
    }

    #[test]
    fn build_format_chooses_the_outputs() {
        let dir = tempfile::tempdir().unwrap();
        util::gazmap()
            .arg("build")
            .arg(util::vorkuta())
            .arg("-o")
            .arg(dir.path())
            .args(["--format", "kml,fgb"])
            .assert()
            .success();
        let report = json(&dir.path().join("build-report.json"));
        let files: BTreeSet<&str> = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f[0].as_str().unwrap())
            .collect();
        let expected: BTreeSet<&str> = [
            "vorkuta.kml",
            "claims.fgb",
            "event_areas.fgb",
            "events.fgb",
            "lines.fgb",
            "sites.fgb",
            "transfers.fgb",
            "uncertainty.fgb",
        ]
        .into();
        assert_eq!(files, expected);
        assert!(!dir.path().join("sites.geojson").exists());
    }

    #[test]
    fn unknown_format_is_a_usage_error() {
        util::gazmap()
            .args(["export", "--format", "shp"])
            .arg(util::vorkuta())
            .assert()
            .code(2)
            .stderr(predicates::str::contains("unknown format `shp`"));
    }
}
