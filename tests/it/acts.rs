//! The second real atlas, `data/acts/`: Paul's voyage to Rome (Acts 27:1-28:16, KJV) in the
//! Mediterranean. It checks clean, builds every output, keeps its ancient dates (AD 59-60) intact
//! in each, and its printed sheets put land where the coast data does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::util;

const SITES: usize = 24;
const EVENTS: usize = 31;
const MOVEMENTS: usize = 11;

fn acts() -> PathBuf {
    util::root().join("data/acts")
}

/// The atlas built once per test run (every output).
fn build() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = util::shared_dir("acts");
        gazmap::build(&acts(), &dir).expect("the Acts atlas builds");
        dir
    })
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Features of a GeoJSON layer of the build, by `id` property.
fn features(layer: &str) -> BTreeMap<String, serde_json::Value> {
    let fc = read_json(&build().join(format!("{layer}.geojson")));
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["id"].as_str().unwrap().to_owned(),
                f.clone(),
            )
        })
        .collect()
}

#[test]
fn acts_checks_clean_and_every_quote_is_verbatim_at_its_offset() {
    let checked = gazmap::open(&acts()).expect("data/acts passes check");
    // Only the generic kinds (port, island, sea, bay, cape) may be unknown to this build.
    let other: Vec<String> = checked
        .warnings
        .iter()
        .map(ToString::to_string)
        .filter(|w| !w.contains("unknown kind"))
        .collect();
    assert!(other.is_empty(), "{other:#?}");
    let a = &checked.atlas;
    assert_eq!(a.sites.len(), SITES);
    assert_eq!(a.events.len(), EVENTS);
    assert_eq!(
        a.events.iter().filter(|e| e.is_movement()).count(),
        MOVEMENTS
    );
    // The KJV text states no distance between two places (the soundings are depths).
    assert!(a.claims.is_empty());

    let text: Vec<char> = a.sources[0].text.chars().collect();
    let citations = a
        .sites
        .iter()
        .map(|s| &s.citation)
        .chain(a.events.iter().map(|e| &e.citation));
    let mut n = 0;
    for c in citations {
        let offset = c.char_offset.expect("every citation is resolved");
        let at: String = text[offset..offset + c.quote.chars().count()]
            .iter()
            .collect();
        assert_eq!(at, c.quote);
        n += 1;
    }
    assert_eq!(n, SITES + EVENTS);
    // The shipwreck's words sit in verse 27:41 of the file.
    let wreck = a.events.iter().find(|e| e.id == "shipwreck").unwrap();
    let line_start: String = text[..wreck.citation.char_offset.unwrap()]
        .iter()
        .rev()
        .take_while(|c| **c != '\n')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(line_start.starts_with("Acts27:41 "), "{line_start}");
}

#[test]
fn acts_builds_every_output_with_its_places_and_legs() {
    let out = build();
    let sites = features("sites");
    assert_eq!(sites.len(), SITES);
    let events = features("events");
    assert_eq!(events.len(), EVENTS - MOVEMENTS);
    let transfers = features("transfers");
    assert_eq!(transfers.len(), MOVEMENTS);
    assert_eq!(features("uncertainty").len(), SITES);
    assert!(features("claims").is_empty());

    // Melita at Malta, its rival at Mljet, each pointing at the other.
    let melita = &sites["melita"];
    let xy = melita["geometry"]["coordinates"].as_array().unwrap();
    assert!((xy[0].as_f64().unwrap() - 14.43).abs() < 1e-9);
    assert!((xy[1].as_f64().unwrap() - 35.89).abs() < 1e-9);
    assert_eq!(melita["properties"]["alternative_to"], "melita_mljet");
    assert_eq!(
        sites["melita_mljet"]["properties"]["alternative_to"],
        "melita"
    );
    // The drift from Clauda to the landing: 276 souls, a geodesic of about 890 km.
    let drift = &transfers["drift_across_adria"]["properties"];
    assert_eq!(drift["people"], 276);
    let km = drift["distance_km"].as_f64().unwrap();
    assert!((850.0..950.0).contains(&km), "{km}");

    // Every geometry of the GeoJSON layers is valid OGC simple features, the 400 km circle of
    // Adria included: a point and a circle per site, a point per event, a line per leg.
    let (checked, bad) = crate::shapes::invalid_geometries(out);
    assert_eq!(checked, 2 * SITES + EVENTS);
    assert!(bad.is_empty(), "{bad:#?}");

    // Every output of a build is there.
    for f in [
        "acts.gpkg",
        "acts.kml",
        "acts.lpf.json",
        "acts.lp.tsv",
        "acts.pmtiles",
        "acts.qgz",
        "sites.fgb",
        "events.geojsonl",
        "timeline.csv",
        "distances.csv",
        "web/atlas.json",
        "web/index.html",
        "build-report.json",
    ] {
        assert!(
            std::fs::metadata(out.join(f)).is_ok_and(|m| m.len() > 0),
            "{f}"
        );
    }
    let sheets = read_json(&out.join("print/sheets.json"));
    let ids: Vec<&str> = sheets
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["voyage", "crete", "malta"]);
    for id in ids {
        for ext in ["svg", "pdf", "png"] {
            assert!(out.join(format!("print/{id}.{ext}")).exists(), "{id}.{ext}");
        }
    }

    // The GeoPackage holds the rows, with the ancient dates as GeoPackage DATE text.
    let db = rusqlite::Connection::open_with_flags(
        out.join("acts.gpkg"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let count = |t: &str| -> usize {
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
            .unwrap();
        usize::try_from(n).unwrap()
    };
    assert_eq!(count("sites"), SITES);
    assert_eq!(count("events"), EVENTS - MOVEMENTS);
    assert_eq!(count("transfers"), MOVEMENTS);
    let (start, end): (String, String) = db
        .query_row(
            "SELECT start, \"end\" FROM events WHERE id = 'winter_on_melita'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((start.as_str(), end.as_str()), ("0059-11-01", "0060-02-29"));
}

#[test]
fn ancient_dates_keep_four_digit_years_and_no_false_certainty() {
    let events = features("events");
    let wreck = &events["shipwreck"]["properties"];
    assert_eq!(wreck["when"], "0059-11%");
    assert_eq!(wreck["start"], "0059-11-01");
    assert_eq!(wreck["end"], "0059-11-30");
    assert_eq!(wreck["date_approximate"], true);
    // Three months on Malta, in an uncertain year: possibly Nov 59 to Feb 60, no day certain.
    let winter = &events["winter_on_melita"]["properties"];
    assert_eq!(winter["start"], "0059-11-01");
    assert_eq!(winter["end"], "0060-02-29");
    assert!(winter["certain_start"].is_null() && winter["certain_end"].is_null());
    // The web map's time range and slider start.
    let atlas = read_json(&build().join("web/atlas.json"));
    let range = atlas["time_range"].to_string();
    assert!(
        range.contains("0059-07-01") && range.contains("0060-04-30"),
        "{range}"
    );
    // The timeline is in date order, AD 59 before AD 60.
    let timeline = std::fs::read_to_string(build().join("timeline.csv")).unwrap();
    let starts: Vec<&str> = timeline
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(starts.len(), EVENTS);
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    assert_eq!(starts[0], "0059-08-01");
    assert_eq!(starts[EVENTS - 1], "0060-03-01");
    // A printed sheet of one day lists the events under way with AD years, not a bare 59
    // that reads as 1959.
    let dir = tempfile::tempdir().unwrap();
    let checked = gazmap::open(&acts()).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    let req = gazmap::print::Request {
        sheet: Some("crete".into()),
        at: Some(jiff::civil::date(59, 10, 15)),
        formats: vec![gazmap::print::Format::Svg],
        ..Default::default()
    };
    let basemap = checked.atlas.meta.basemap_dir.as_deref();
    gazmap::print::run(
        &layers,
        &checked.atlas.meta.config,
        basemap,
        &req,
        dir.path(),
    )
    .unwrap();
    let svg = std::fs::read_to_string(dir.path().join("crete-0059-10-15.svg")).unwrap();
    assert!(
        svg.contains("Events, 15 Oct AD 59"),
        "no AD date on the sheet"
    );
    assert!(
        svg.contains("~Oct AD 59: The fast past"),
        "no AD date in the list"
    );
}

#[test]
fn a_decoded_tile_holds_the_sites_of_malta() {
    let path = build().join("acts.pmtiles");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let tile = rt.block_on(async {
        let backend = pmtiles::MmapBackend::try_from(path.as_path())
            .await
            .unwrap();
        let reader = pmtiles::AsyncPmTilesReader::try_from_source(backend)
            .await
            .unwrap();
        // The zoom 8 tile of Malta (14.43 E, 35.9 N): x = 138, y = 100.
        let coord = pmtiles::TileCoord::new(8, 138, 100).unwrap();
        reader
            .get_tile_decompressed(coord)
            .await
            .unwrap()
            .expect("a tile over Malta")
    });
    let tile = crate::tiles::mvt::decode(&tile).unwrap();
    let names: Vec<&str> = tile.layers.iter().map(|l| l.name.as_str()).collect();
    let sites = tile
        .layers
        .iter()
        .find(|l| l.name == "sites")
        .unwrap_or_else(|| panic!("no sites layer in {names:?}"));
    let ids: Vec<String> = sites
        .features
        .iter()
        .filter_map(|f| match f.props.get("id") {
            Some(crate::tiles::mvt::Val::Str(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(ids.contains(&"melita".to_owned()), "{ids:?}");
    assert!(ids.contains(&"st_pauls_bay".to_owned()), "{ids:?}");
    assert!(names.contains(&"coast"), "{names:?}");
}

#[test]
fn each_sheet_gets_a_projection_that_fits_it() {
    let sheets = read_json(&build().join("print/sheets.json"));
    let projection = |id: &str| util::sheet_projection(&sheets, id);
    // 11.5-36.5 E, 30.5-43.5 N: a conic for the whole Mediterranean voyage; the close-ups in
    // their own UTM zones (35 for Crete, 33 for Malta).
    assert!(
        projection("voyage").starts_with("+proj=lcc"),
        "{}",
        projection("voyage")
    );
    assert!(projection("crete").starts_with("+proj=utm +zone=35 "));
    assert!(projection("malta").starts_with("+proj=utm +zone=33 "));
    // The basemap cut covers every sheet's whole frame (no undrawn corners).
    for s in sheets.as_array().unwrap() {
        let w = s["warnings"].to_string();
        assert!(!w.contains("does not cover"), "{}: {w}", s["id"]);
    }
    // The tile archive stays small: zoom 11 at most, the coast to zoom 8.
    let bytes = std::fs::metadata(build().join("acts.pmtiles"))
        .unwrap()
        .len();
    assert!(bytes < 2_000_000, "acts.pmtiles is {bytes} bytes");
}

/// A sheet of the atlas as the build composed it: (its layers, as drawn, and the composition).
fn composed(id: &str) -> (gazmap::layers::Layers, gazmap::print::Composed) {
    let checked = gazmap::open(&acts()).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    let dir = checked.atlas.meta.basemap_dir.as_deref();
    let locator = gazmap::print::load_locator(dir).unwrap();
    let sheets = gazmap::print::sheet::load(&acts()).unwrap();
    let spec = sheets.iter().find(|s| s.id == id).unwrap();
    let layers = gazmap::print::layers_for_sheet(&layers, dir, locator.as_ref(), spec)
        .unwrap()
        .unwrap_or(layers);
    let c = gazmap::print::compose(&layers, locator.as_ref(), spec).unwrap();
    (layers, c)
}

/// Asserts that each point is land (or sea) in the coast data and mostly land-coloured (or
/// sea-coloured) in the image, with none of the other colour.
fn assert_colours(
    sheet: &util::SheetImage,
    layers: &gazmap::layers::Layers,
    land: &[(f64, f64)],
    sea: &[(f64, f64)],
) {
    let land_rgb = util::rgb(gazmap::style::LAND_COLOUR);
    let sea_rgb = util::rgb(gazmap::style::SEA_COLOUR);
    for &(lon, lat) in land {
        assert!(
            util::on_land(layers, lon, lat),
            "the coast data has {lon},{lat} at sea"
        );
        let (l, s) = (
            sheet.share(lon, lat, land_rgb),
            sheet.share(lon, lat, sea_rgb),
        );
        assert!(
            l > 0.5 && s == 0.0,
            "{lon},{lat}: {l:.2} land-coloured, {s:.2} sea-coloured"
        );
    }
    for &(lon, lat) in sea {
        assert!(
            !util::on_land(layers, lon, lat),
            "the coast data has {lon},{lat} on land"
        );
        let (l, s) = (
            sheet.share(lon, lat, land_rgb),
            sheet.share(lon, lat, sea_rgb),
        );
        assert!(
            s > 0.5 && l == 0.0,
            "{lon},{lat}: {s:.2} sea-coloured, {l:.2} land-coloured"
        );
    }
}

#[test]
fn printed_sheets_put_land_where_the_coast_data_does() {
    // The built PNGs, at places no uncertainty circle or symbol covers: Gozo (missing from the
    // low-resolution coast: the Malta sheet is drawn on the intermediate one), the sea around
    // Malta; on the whole voyage, Anatolia, Sicily and the sea between Crete and Egypt.
    let (layers, c) = composed("malta");
    assert_eq!(
        layers.layer("coast").unwrap().title,
        "Land (intermediate resolution)"
    );
    let png = std::fs::read(build().join("print/malta.png")).unwrap();
    let sheet = util::SheetImage::new(c, &png);
    assert_colours(
        &sheet,
        &layers,
        &[(14.25, 36.045)],
        &[(14.45, 36.09), (14.22, 35.82)],
    );

    let (layers, c) = composed("voyage");
    assert_eq!(layers.layer("coast").unwrap().title, "Land");
    let png = std::fs::read(build().join("print/voyage.png")).unwrap();
    let sheet = util::SheetImage::new(c, &png);
    assert_colours(
        &sheet,
        &layers,
        &[(33.0, 39.0), (14.2, 37.55), (22.0, 40.8)],
        &[(28.0, 33.5), (12.5, 39.5)],
    );
}

#[test]
fn land_under_the_uncertainty_circles_is_land_and_the_ionian_sea_is_sea() {
    // Malta's centre, Crete's interior and the open Ionian sea all lie inside the honest (wide)
    // circles of Melita, Crete and Adria, whose tint changes both colours: the same sheets are
    // composed again without the atlas's own layers (only the basemap is drawn) and rendered.
    let bare = |id: &str, extent: Option<[f64; 4]>| {
        let (mut layers, _) = composed(id);
        for l in &mut layers.atlas {
            l.features.clear();
        }
        let checked = gazmap::open(&acts()).unwrap();
        let dir = checked.atlas.meta.basemap_dir.as_deref();
        let locator = gazmap::print::load_locator(dir).unwrap();
        let sheets = gazmap::print::sheet::load(&acts()).unwrap();
        let mut spec = sheets.iter().find(|s| s.id == id).unwrap().clone();
        // A sheet framed by its sites gets their box (the sites are gone).
        spec.extent = spec.extent.or(extent);
        let c = gazmap::print::compose(&layers, locator.as_ref(), &spec).unwrap();
        let tree = gazmap::print::render::parse(&c.svg).unwrap();
        let png = gazmap::print::render::png(&tree, c.size_mm.0, c.size_mm.1, 100).unwrap();
        (layers, util::SheetImage::new(c, &png))
    };
    let (layers, sheet) = bare("malta", None);
    assert_colours(
        &sheet,
        &layers,
        &[(14.43, 35.89), (14.37, 35.90)],
        &[(14.30, 35.84)],
    );
    let (layers, sheet) = bare("crete", Some([23.6, 34.5, 26.7, 35.7]));
    assert_colours(
        &sheet,
        &layers,
        &[(24.9, 35.2), (25.5, 35.15)],
        &[(24.5, 34.6), (25.5, 35.6)],
    );
    let (layers, sheet) = bare("voyage", None);
    assert_colours(
        &sheet,
        &layers,
        &[(24.9, 35.2), (33.0, 35.0), (16.3, 39.2)],
        &[(18.5, 37.0), (19.0, 34.0), (32.0, 35.9)],
    );
    // Every sea of the atlas is placed at sea.
    let checked = gazmap::open(&acts()).unwrap();
    for s in checked.atlas.sites.iter().filter(|s| s.kind == "sea") {
        let p = s.location.expect("a located sea");
        assert!(!util::on_land(&layers, p.lon, p.lat), "{} is on land", s.id);
    }
}

#[test]
#[ignore = "needs QGIS (apt-get install qgis python3-qgis); run: cargo test --test it acts -- --include-ignored"]
fn qgis_opens_the_acts_atlas_and_animates_its_ancient_dates() {
    let png_dir = tempfile::tempdir().unwrap();
    let stdout = crate::qgis::run_check(build(), "acts", png_dir.path());
    // QGIS reads the DATE fields and the project's time range in AD 59-60, not 1959-60.
    let range = stdout
        .lines()
        .find(|l| l.contains("project .qgz: time range"))
        .expect("the project's time range is checked");
    assert!(
        range.contains(" 59 GMT") && range.contains(" 60 GMT"),
        "{range}"
    );
    assert!(
        stdout.contains("GeoPackage events: time filter right in"),
        "{stdout}"
    );
    assert!(png_dir.path().join("acts-frame-0059-12.png").exists());
}
