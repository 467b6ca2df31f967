use serde_json::Value as Json;

use super::*;
use crate::output::interchange::fixture::synthetic;

fn feature_by_id<'a>(doc: &'a Json, site: &str) -> &'a Json {
    let id = format!("https://example.org/gazmap/places/{site}");
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["@id"] == id.as_str())
        .unwrap_or_else(|| panic!("no feature {id}"))
}

#[test]
fn synthetic_atlas_has_no_problems() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    assert_eq!(problems(&doc), Vec::<String>::new());
    assert_eq!(doc["features"].as_array().unwrap().len(), 7);
    assert_eq!(doc["@context"], CONTEXT);
}

#[test]
fn problems_finds_what_is_missing() {
    let s = synthetic();
    let mut doc = to_json(&s.atlas);
    let f = &mut doc["features"][0];
    f["when"] = serde_json::json!({"timespans": []});
    f["names"][0].as_object_mut().unwrap().remove("citations");
    f["geometry"]["geometries"][0]["certainty"] = "sure".into();
    f["extra"] = 1.into();
    let dup = doc["features"][0]["@id"].clone();
    doc["features"][1]["@id"] = dup;
    let p = problems(&doc).join("\n");
    for wanted in [
        "when has no timespans",
        "no name has a citation",
        "no valid certainty",
        "member `extra` is not allowed",
        "duplicate @id",
    ] {
        assert!(p.contains(wanted), "{wanted} not in:\n{p}");
    }
}

#[test]
fn documented_point_is_certain_and_cites_its_reference() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    let k = feature_by_id(&doc, "kotlas");
    let g = &k["geometry"]["geometries"][0];
    assert_eq!(g["type"], "Point");
    assert_eq!(g["coordinates"][0].as_f64(), Some(46.6334));
    assert_eq!(g["coordinates"][1].as_f64(), Some(61.2545));
    assert_eq!(g["certainty"], "certain");
    assert_eq!(g["citations"][0]["@id"], "https://www.geonames.org/548605");
    assert!(
        g["citations"][0]["label"]
            .as_str()
            .unwrap()
            .contains("within 500 m")
    );
}

#[test]
fn certainty_follows_the_basis() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    let cert = |id: &str| feature_by_id(&doc, id)["geometry"]["geometries"][0]["certainty"].clone();
    assert_eq!(cert("brickworks"), "less-certain");
    assert_eq!(cert("mine"), "uncertain");
}

#[test]
fn unlocated_place_has_an_empty_collection_and_says_why() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    let f = feature_by_id(&doc, "lower_camp");
    assert_eq!(f["geometry"]["type"], "GeometryCollection");
    assert_eq!(f["geometry"]["geometries"].as_array().unwrap().len(), 0);
    let d = f["descriptions"][0]["value"].as_str().unwrap();
    assert!(
        d.contains("Location unknown: The account gives no hint."),
        "{d}"
    );
}

#[test]
fn first_name_is_cited_to_the_account_with_offset_and_fragment() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    let f = feature_by_id(&doc, "brickworks");
    let first = &f["names"][0];
    assert_eq!(first["toponym"], "the Brickworks");
    let c = &first["citations"][0];
    let offset = fixture_offset("the Brickworks, an old brick factory");
    assert_eq!(
        c["label"],
        format!(
            "An Account (A. N. Author, 1961-10/1961-11), character {offset}: \u{201c}the Brickworks, an old brick factory\u{201d}"
        )
    );
    assert_eq!(c["year"], 1961);
    assert_eq!(
        c["@id"],
        "https://example.org/account.html#:~:text=the%20Brickworks%2C%20an%20old%20brick%20factory"
    );
    assert_eq!(
        f["names"][1],
        serde_json::json!({"toponym": "Kirpichny zavod", "lang": "ru-Latn"})
    );
}

fn fixture_offset(quote: &str) -> usize {
    let text = crate::output::interchange::fixture::ACCOUNT;
    text[..text.find(quote).unwrap()].chars().count()
}

#[test]
fn account_name_takes_the_language_of_an_identical_variant() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    let names = feature_by_id(&doc, "kotlas")["names"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0]["toponym"], "Kotlas");
    assert_eq!(names[0]["lang"], "en");
    assert_eq!(names[1]["toponym"], "Котлас");
    assert_eq!(names[1]["lang"], "ru");
}

#[test]
fn when_is_the_sites_own_only() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    let stated = &feature_by_id(&doc, "vorkutlag")["when"];
    assert_eq!(
        stated["timespans"][0],
        serde_json::json!({"start": {"in": "1936-06"}, "end": {"in": "1938-06"}})
    );
    // kotlas has a transfer (1936-06~/1936-08) but no `when` of its own: WHG would read the
    // span of its events as the place's existence, so the record carries no `when`.
    assert!(feature_by_id(&doc, "kotlas").get("when").is_none());
    // upper_camp: nothing dated there, and no atlas time range standing in either.
    assert!(feature_by_id(&doc, "upper_camp").get("when").is_none());
    assert!(problems(&doc).is_empty(), "{:?}", problems(&doc));
}

#[test]
fn edtf_qualifiers_become_certainty() {
    let r = crate::time::parse("1936-06~/1936-08", None).unwrap();
    assert_eq!(
        timespan(&r),
        serde_json::json!({"start": {"in": "1936-06"}, "end": {"in": "1936-08"}})
    );
    assert_eq!(edtf_certainty(&r), Some("less-certain"));
    let season = crate::time::parse("1937-21", None).unwrap();
    assert_eq!(
        timespan(&season),
        serde_json::json!({"start": {"earliest": "1937-03-01"}, "end": {"latest": "1937-05-31"}})
    );
    let day = crate::time::parse("1936-10-27", None).unwrap();
    assert_eq!(
        timespan(&day),
        serde_json::json!({"start": {"in": "1936-10-27"}})
    );
}

#[test]
fn types_keep_the_source_label_and_use_aat_only_when_clear() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    let mine = &feature_by_id(&doc, "mine")["types"][0];
    assert_eq!(mine["identifier"], "aat:300000390");
    assert_eq!(mine["sourceLabels"][0]["label"], "Mine");
    let system = &feature_by_id(&doc, "vorkutlag")["types"][0];
    assert!(system.get("identifier").is_none());
    assert_eq!(system["label"], "Camp system (administration)");
}

#[test]
fn relations_link_rivals_and_the_camp_system() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    let rels = feature_by_id(&doc, "upper_camp")["relations"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(rels.len(), 2);
    assert_eq!(rels[0]["relationType"], "gvp:broaderPartitive");
    assert_eq!(
        rels[0]["relationTo"],
        "https://example.org/gazmap/places/vorkutlag"
    );
    assert_eq!(
        rels[1]["relationTo"],
        "https://example.org/gazmap/places/lower_camp"
    );
    assert_eq!(rels[1]["certainty"], "uncertain");
}

#[test]
fn links_use_whg_prefixes() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    assert_eq!(
        feature_by_id(&doc, "kotlas")["links"],
        serde_json::json!([
            {"type": "closeMatch", "identifier": "wd:Q182547"},
            {"type": "closeMatch", "identifier": "gn:548605"}
        ])
    );
    assert!(feature_by_id(&doc, "mine").get("links").is_none());
}

#[test]
fn river_line_is_a_second_geometry() {
    let s = synthetic();
    let doc = to_json(&s.atlas);
    let g = &feature_by_id(&doc, "vorkuta_river")["geometry"]["geometries"];
    assert_eq!(g[1]["type"], "MultiLineString");
    assert_eq!(g[1]["coordinates"][0][2], serde_json::json!([64.3, 67.55]));
    assert_eq!(g[1]["certainty"], "less-certain");
}

#[test]
fn base_uri_join_and_fallback() {
    let mut s = synthetic();
    assert_eq!(
        place_uri(&s.atlas, "x"),
        "https://example.org/gazmap/places/x"
    );
    s.atlas.meta.base_uri = "https://example.org/p".into();
    assert_eq!(place_uri(&s.atlas, "x"), "https://example.org/p/x");
    s.atlas.meta.base_uri = String::new();
    assert_eq!(place_uri(&s.atlas, "x"), "urn:gazmap:synth:x");
}

#[test]
fn same_atlas_same_bytes() {
    let s = synthetic();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let wa = write(&s.atlas, a.path()).unwrap();
    let wb = write(&s.atlas, b.path()).unwrap();
    assert_eq!(
        std::fs::read(&wa.path).unwrap(),
        std::fs::read(&wb.path).unwrap()
    );
    assert_eq!(wa.path.file_name().unwrap(), "synth.lpf.json");
}

mod tsv {
    use super::*;

    fn rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        lines
            .map(|l| {
                let cells: Vec<&str> = l.split('\t').collect();
                assert_eq!(cells.len(), header.len(), "{l}");
                header
                    .iter()
                    .zip(cells)
                    .map(|(h, c)| ((*h).to_owned(), c.to_owned()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn every_row_has_whg_required_fields() {
        let s = synthetic();
        let text = to_tsv(&s.atlas);
        assert!(!text.contains('"'), "LP-TSV must not quote");
        let rows = rows(&text);
        assert_eq!(rows.len(), 7);
        for r in &rows {
            assert!(!r["id"].is_empty() && !r["title"].is_empty() && !r["title_source"].is_empty());
            assert!(
                !r["fclasses"].is_empty() || !r["aat_types"].is_empty(),
                "{r:?}"
            );
            assert!(
                !r["start"].is_empty() || !r["attestation_year"].is_empty(),
                "{r:?}"
            );
            assert!(!r["types"].is_empty(), "aat_types needs a type: {r:?}");
        }
    }

    #[test]
    fn kotlas_row() {
        let s = synthetic();
        let rows = rows(&to_tsv(&s.atlas));
        let k = rows.iter().find(|r| r["id"] == "kotlas").unwrap();
        assert_eq!(k["title"], "Kotlas");
        assert_eq!(k["fclasses"], "P");
        assert_eq!(k["aat_types"], "300008389");
        assert_eq!(k["types"], "City");
        assert_eq!(k["attestation_year"], "1961");
        // No `when` of its own: no dates (the attestation year stands in for WHG).
        assert_eq!((k["start"].as_str(), k["end"].as_str()), ("", ""));
        assert_eq!(k["variants"], "Котлас@ru;Kotlas@en");
        assert_eq!(k["matches"], "wd:Q182547;gn:548605");
        assert_eq!(
            (k["lon"].as_str(), k["lat"].as_str()),
            ("46.6334", "61.2545")
        );
        assert_eq!(k["approximation"], "0.5");
        assert_eq!(k["geo_id"], "https://www.geonames.org/548605");
        assert!(
            k["title_source"].starts_with("An Account (A. N. Author, 1961-10/1961-11), character")
        );
    }

    #[test]
    fn parent_river_and_unlocated_rows() {
        let s = synthetic();
        let rows = rows(&to_tsv(&s.atlas));
        let get = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap();
        let lower = get("lower_camp");
        assert_eq!(lower["parent_name"], "Vorkutlag");
        assert_eq!(
            lower["parent_id"],
            "https://example.org/gazmap/places/vorkutlag"
        );
        assert_eq!((lower["lon"].as_str(), lower["lat"].as_str()), ("", ""));
        assert_eq!(
            get("vorkuta_river")["geowkt"],
            "MULTILINESTRING ((63.9 67.4, 64.1 67.5, 64.3 67.55))"
        );
        assert_eq!(get("vorkutlag")["start"], "1936-06");
    }
}

#[test]
fn first_url_is_cut_from_prose() {
    assert_eq!(
        first_url(
            "ru.wikipedia 'Рудник (x)', via https://perceptiofr.com/Рудник_(городской_округ_Воркута); context https://x.org"
        ),
        Some("https://perceptiofr.com/Рудник_(городской_округ_Воркута)")
    );
    assert_eq!(first_url("see (https://a.org/b)."), Some("https://a.org/b"));
    assert_eq!(
        first_url("Wikimapia, http://wikimapia.org/2150243/de/Workuta; en"),
        Some("http://wikimapia.org/2150243/de/Workuta")
    );
    assert_eq!(first_url("placed from the account"), None);
}

#[test]
fn implied_places_take_a_variant_as_title_but_keep_the_label_as_cited_name() {
    let mut s = synthetic();
    let site = s.atlas.sites.iter_mut().find(|x| x.id == "kotlas").unwrap();
    site.name = "(implied) the junction town".into();
    let site = site.clone();
    assert!(is_implied(&site));
    assert_eq!(title(&site), "Kotlas");
    let f = feature(&s.atlas, &site);
    assert_eq!(f["properties"]["title"], "Kotlas");
    assert_eq!(f["names"][0]["toponym"], "(implied) the junction town");
    assert!(f["names"][0]["citations"].is_array());
    let row = tsv_row(&s.atlas, &site);
    assert_eq!(row[1], "Kotlas");
    assert_eq!(
        row[2], "https://www.geonames.org/548605",
        "title source is the identifying reference"
    );
    assert_eq!(row[10], "Котлас@ru;Kotlas@en");
}

#[test]
fn the_streamed_file_has_the_bytes_of_the_whole_document() {
    let s = synthetic();
    let dir = tempfile::tempdir().unwrap();
    let w = write(&s.atlas, dir.path()).unwrap();
    let mut whole = serde_json::to_string_pretty(&to_json(&s.atlas)).unwrap();
    whole.push('\n');
    assert_eq!(std::fs::read_to_string(&w.path).unwrap(), whole);
    assert_eq!(w.bytes, whole.len() as u64);
}
