//! The web map written by `gazmap build` into `out/<atlas>/web/`: the viewer's files, the style
//! generated from `src/style.rs`, atlas.json (with the distance matrix), the source texts.
//! The style is also validated, and its time filters evaluated, by MapLibre's own style-spec
//! package in `web/tests/style.test.mjs`; the page itself is tested in Chromium by
//! `web/tests/e2e.test.mjs`.

use std::path::Path;

use approx::assert_abs_diff_eq;
use gazmap::output::web::{self, DataSource, WebError};
use gazmap::style;
use serde_json::Value;

use crate::util;

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn style_layer<'a>(style: &'a Value, id: &str) -> &'a Value {
    style["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("no style layer {id}"))
}

#[test]
fn build_writes_the_viewer_and_its_vendored_libraries() {
    let web = util::vorkuta_build().join("web");
    let index = std::fs::read_to_string(web.join("index.html")).unwrap();
    assert!(index.contains(r#"src="app.js""#));
    assert!(index.contains(r#"href="vendor/maplibre-gl.css""#));
    // No page asset comes from another host.
    assert!(!index.contains("http://") && !index.contains("https://"));
    for (rel, bytes) in web::ASSETS {
        assert_eq!(&std::fs::read(web.join(rel)).unwrap(), bytes, "{rel}");
    }
    // The embedded libraries are the committed vendor files, byte for byte.
    for name in [
        "maplibre-gl.mjs",
        "maplibre-gl-worker.mjs",
        "pmtiles.js",
        "LICENSE-maplibre-gl.txt",
    ] {
        assert_eq!(
            std::fs::read(web.join("vendor").join(name)).unwrap(),
            std::fs::read(util::root().join("web/vendor").join(name)).unwrap(),
            "{name}"
        );
    }
    let versions = json(&web.join("vendor/VERSIONS.json"));
    assert_eq!(versions["maplibre-gl"], "6.17.0");
    assert_eq!(versions["pmtiles"], "4.5.0");
}

#[test]
fn style_is_generated_from_the_style_tables() {
    let style_json = json(&util::vorkuta_build().join("web/style.json"));
    assert_eq!(style_json["version"], 8);
    // Glyphs on the site itself (relative URL), no sprite.
    assert_eq!(style_json["glyphs"], "glyphs/{fontstack}/{range}.pbf");
    assert!(style_json.get("sprite").is_none());
    assert_eq!(
        style_layer(&style_json, "background")["paint"]["background-color"],
        style::NO_DATA_COLOUR,
        "missing basemap data is never painted as sea"
    );
    assert_eq!(
        style_layer(&style_json, "sea")["paint"]["fill-color"],
        style::SEA_COLOUR
    );
    assert_eq!(
        style_layer(&style_json, "coast")["paint"]["fill-color"],
        style::LAND_COLOUR
    );
    assert_eq!(
        style_layer(&style_json, "transfers-certain")["paint"]["line-color"],
        style::TRANSFER_COLOUR
    );
    assert_eq!(
        style_layer(&style_json, "claims")["paint"]["line-color"],
        style::CLAIM_COLOUR
    );
    assert_eq!(
        style_layer(&style_json, "uncertainty")["paint"]["fill-opacity"],
        style::UNCERTAINTY_OPACITY
    );
    // Transfer widths: style::transfer_width_mm as an expression, in px at 96 dpi.
    let width = style_layer(&style_json, "transfers-certain")["paint"]["line-width"].to_string();
    let px = |mm: f64| (mm * 96.0 / 25.4 * 100.0).round() / 100.0;
    assert!(width.contains(r#""log10""#), "{width}");
    assert!(
        width.contains(&px(style::TRANSFER_BASE_WIDTH_MM).to_string()),
        "{width}"
    );
    assert!(
        width.contains(&px(style::TRANSFER_WIDTH_PER_DECADE_MM).to_string()),
        "{width}"
    );
    assert_eq!(
        style_layer(&style_json, "events-certain")["paint"]["circle-stroke-color"],
        style::EVENT_COLOUR
    );
    assert_abs_diff_eq!(
        style_layer(&style_json, "events-certain")["paint"]["circle-radius"]
            .as_f64()
            .unwrap(),
        px(style::EVENT_RING_MM / 2.0),
        epsilon = 0.01
    );
    // Every site kind the atlas holds gets its own icon, and unknown kinds the `other` one.
    let icon = style_layer(&style_json, "sites")["layout"]["icon-image"].to_string();
    let checked = gazmap::open(&util::vorkuta()).unwrap();
    let held: std::collections::BTreeSet<&str> = checked
        .atlas
        .sites
        .iter()
        .map(|s| s.kind.as_str())
        .collect();
    assert_eq!(held.len(), 14);
    for kind in checked.atlas.kinds().kinds() {
        assert_eq!(
            icon.contains(&format!("\"site-{}\"", kind.id)),
            held.contains(kind.id.as_str()),
            "{}",
            kind.id
        );
    }
    assert!(icon.ends_with("\"site-other\"]"), "{icon}");
    // The time filter lives in the style, as global state with the atlas's first day.
    assert_eq!(style_json["state"]["date"]["default"], "1936-06-01");
    assert_eq!(style_json["state"]["time_filter"]["default"], true);
    let filter = style_layer(&style_json, "events-possible")["filter"].to_string();
    assert!(filter.contains(r#"["global-state","date"]"#), "{filter}");
}

/// Writes the real atlas's web map with `data` into a temporary folder.
fn write_web(data: &DataSource) -> tempfile::TempDir {
    let checked = gazmap::open(&util::vorkuta()).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    web::write(&layers, &checked.atlas.sources, data, tmp.path()).unwrap();
    tmp
}

#[test]
fn build_reads_the_archive_if_it_wrote_one_else_the_geojson() {
    let out = util::vorkuta_build();
    let a = json(&out.join("web/atlas.json"));
    let style_json = json(&out.join("web/style.json"));
    if out.join("vorkuta.pmtiles").is_file() {
        assert_eq!(a["data"]["mode"], "pmtiles");
        assert_eq!(
            style_json["sources"]["atlas"]["url"],
            "pmtiles://../vorkuta.pmtiles"
        );
    } else {
        assert_eq!(a["data"]["mode"], "geojson");
        assert_eq!(style_json["sources"]["sites"]["data"], "../sites.geojson");
    }
    // Either way every data file the style names is there.
    for source in style_json["sources"].as_object().unwrap().values() {
        let url = source["data"]
            .as_str()
            .or_else(|| source["url"].as_str())
            .unwrap()
            .trim_start_matches("pmtiles://");
        assert!(out.join("web").join(url).is_file(), "{url}");
    }
}

#[test]
fn geojson_mode_reads_the_layers_beside_the_web_folder() {
    let tmp = write_web(&DataSource::GeoJson);
    let style_json = json(&tmp.path().join("style.json"));
    let sources = style_json["sources"].as_object().unwrap();
    for layer in [
        "sites",
        "events",
        "transfers",
        "claims",
        "uncertainty",
        "lines",
    ] {
        assert_eq!(sources[layer]["data"], format!("../{layer}.geojson"));
    }
    for layer in ["coast", "lakes", "rivers", "borders"] {
        let url = sources[layer]["data"].as_str().unwrap();
        assert_eq!(url, format!("basemap/{layer}.geojson"));
        let fc = json(&tmp.path().join(url));
        assert!(!fc["features"].as_array().unwrap().is_empty(), "{layer}");
    }
    // Every style layer reads a declared source.
    for l in style_json["layers"].as_array().unwrap() {
        if l["type"] != "background" {
            assert!(sources.contains_key(l["source"].as_str().unwrap()), "{l}");
        }
    }
    assert_eq!(
        json(&tmp.path().join("atlas.json"))["data"]["mode"],
        "geojson"
    );
}

#[test]
fn atlas_json_has_the_time_range_tables_and_geodesic_distances() {
    let a = json(&util::vorkuta_build().join("web/atlas.json"));
    assert_eq!(a["id"], "vorkuta");
    assert_eq!(a["time_range"]["start"], "1936-06-01");
    assert_eq!(a["time_range"]["end"], "1938-06-30");
    assert_eq!(a["periods"].as_array().unwrap().len(), 7);
    assert_eq!(a["periods"][1]["id"], "hunger_strike");
    assert_eq!(a["periods"][1]["start"], "1936-10-27");
    assert_eq!(
        a["sites"].as_array().unwrap().len(),
        crate::atlas_expect::SITES
    );
    assert_eq!(
        a["transfers"].as_array().unwrap().len(),
        crate::atlas_expect::MOVEMENTS
    );
    // No N×N matrix (issue 16): the viewer computes the distance of a picked pair from the site
    // rows, which carry what it needs (coordinates and uncertainty radius).
    assert!(a.get("measures").is_none());
    let site = |id: &str| {
        a["sites"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(site("chibyu")["uncertainty_m"].as_f64(), Some(2000.0));
    assert_eq!(site("vorkuta_mine")["uncertainty_m"].as_f64(), Some(500.0));
    assert_eq!(site("chibyu")["located"], true);
    // The legend lists the kinds the atlas holds, in the order of its [[kinds]], then the
    // built-in kinds it holds; no `other` (every Vorkuta kind is known) and no unheld kind.
    let kinds: Vec<&str> = a["legend"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "mine",
            "camp",
            "camp_system",
            "camp_hq",
            "barracks",
            "prison",
            "execution_site",
            "landing",
            "settlement",
            "city",
            "building",
            "region",
            "river",
            "railway"
        ]
    );
    assert_eq!(a["legend"][0]["items"][6]["label"], "Execution site");
    assert_eq!(a["legend"][3]["title"], "Transfer of prisoners");
}

#[test]
fn source_texts_are_copied_for_the_passage_panel() {
    let web = util::vorkuta_build().join("web");
    let index = json(&web.join("sources.json"));
    let sources = index.as_array().unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0]["id"], "mb1961");
    assert_eq!(sources[0]["file"], "sources/mb1961.txt");
    let seed = std::fs::read(util::root().join("seeds/000_33d0f21bdac4828b.txt")).unwrap();
    assert_eq!(std::fs::read(web.join("sources/mb1961.txt")).unwrap(), seed);
    assert_eq!(sources[0]["chars"], 20_763);
    // A quote's character offset finds the quote in the copied text.
    let sites = json(&util::vorkuta_build().join("sites.geojson"));
    let text = String::from_utf8(seed).unwrap();
    for f in sites["features"].as_array().unwrap() {
        let p = &f["properties"];
        let offset = usize::try_from(p["char_offset"].as_u64().unwrap()).unwrap();
        let quote = p["quote"].as_str().unwrap();
        let found: String = text
            .chars()
            .skip(offset)
            .take(quote.chars().count())
            .collect();
        assert_eq!(found, quote, "{}", p["id"]);
    }
}

#[test]
fn web_map_is_deterministic() {
    // Two independent runs of the writer (from loading the atlas on), in both data modes.
    for data in [
        DataSource::GeoJson,
        DataSource::Pmtiles(
            "../vorkuta.pmtiles".into(),
            std::collections::BTreeMap::new(),
        ),
    ] {
        let (first, second) = (write_web(&data), write_web(&data));
        let mut files = vec![];
        collect(first.path(), first.path(), &mut files);
        assert!(files.len() > 15, "{files:?}");
        for rel in files {
            assert_eq!(
                std::fs::read(first.path().join(&rel)).unwrap(),
                std::fs::read(second.path().join(&rel)).unwrap(),
                "{rel}"
            );
        }
    }
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(base, &p, out);
        } else {
            out.push(p.strip_prefix(base).unwrap().display().to_string());
        }
    }
}

#[test]
fn pmtiles_mode_uses_one_vector_source_with_a_source_layer_per_layer() {
    let tmp = write_web(&DataSource::Pmtiles(
        "../vorkuta.pmtiles".into(),
        std::collections::BTreeMap::new(),
    ));
    let style_json = json(&tmp.path().join("style.json"));
    let sources = style_json["sources"].as_object().unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources["atlas"]["type"], "vector");
    assert_eq!(sources["atlas"]["url"], "pmtiles://../vorkuta.pmtiles");
    for l in style_json["layers"].as_array().unwrap() {
        if l["type"] == "background" {
            continue;
        }
        assert_eq!(l["source"], "atlas");
        assert_eq!(
            l["source-layer"], l["metadata"]["gazmap:layer"],
            "{}",
            l["id"]
        );
    }
    assert_eq!(
        json(&tmp.path().join("atlas.json"))["data"]["pmtiles"],
        "../vorkuta.pmtiles"
    );
    assert!(!tmp.path().join("basemap").exists());
}

#[test]
fn a_source_id_that_cannot_name_a_file_is_refused() {
    let checked = gazmap::open(&util::tiny()).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    let mut sources = checked.atlas.sources.clone();
    sources[0].id = "../evil".into();
    let tmp = tempfile::tempdir().unwrap();
    let err = web::write(&layers, &sources, &DataSource::GeoJson, tmp.path()).unwrap_err();
    assert!(
        matches!(err, WebError::SourceId(ref id) if id == "../evil"),
        "{err}"
    );
    assert!(!tmp.path().join("evil.txt").exists());
}

#[test]
fn format_web_alone_also_writes_the_geojson_it_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let files = gazmap::export(
        &util::tiny(),
        tmp.path(),
        gazmap::output::format::Format::Web,
    )
    .unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert!(names.contains(&"sites.geojson"), "{names:?}");
    assert!(names.contains(&"web/index.html"), "{names:?}");
    assert!(names.contains(&"web/style.json"), "{names:?}");
}

#[test]
fn label_glyphs_cover_every_site_name_from_the_embedded_font() {
    let checked = gazmap::open(&util::vorkuta()).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    let ranges = web::glyph_ranges(&layers);
    // Latin-1 always; the names' typographic apostrophes and dashes are in General Punctuation.
    assert_eq!(ranges.first(), Some(&0));
    assert!(ranges.contains(&8192), "{ranges:?}");
    let dir = util::vorkuta_build()
        .join("web/glyphs")
        .join(style::LABEL_FONT);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort_by_key(|f| f.split('-').next().unwrap().parse::<u32>().unwrap());
    let want: Vec<String> = ranges
        .iter()
        .map(|s| format!("{s}-{}.pbf", s + 255))
        .collect();
    assert_eq!(files, want);
    // A glyphs message (field 1, a fontstack) naming DejaVu Sans, with the glyph of `A` (id 65).
    let pbf = std::fs::read(dir.join("0-255.pbf")).unwrap();
    assert_eq!(pbf[0], 0x0a);
    assert!(
        pbf.windows(11).any(|w| w == b"DejaVu Sans"),
        "no font name in the PBF"
    );
    assert!(pbf.len() > 20_000, "{} bytes for 0-255", pbf.len());
    // The style asks for the same font, on the site.
    let style_json = json(&util::vorkuta_build().join("web/style.json"));
    assert_eq!(style_json["glyphs"], "glyphs/{fontstack}/{range}.pbf");
    assert_eq!(
        style_layer(&style_json, "site-labels")["layout"]["text-font"][0],
        style::LABEL_FONT
    );
}

#[test]
fn cyrillic_site_names_get_the_cyrillic_glyph_range() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let sites = atlas.join("sites.csv");
    let text = std::fs::read_to_string(&sites).unwrap();
    let renamed = text.replacen("kholmogory,Kholmogory,", "kholmogory,Холмогоры,", 1);
    assert_ne!(renamed, text);
    std::fs::write(&sites, renamed).unwrap();
    let checked = gazmap::open(&atlas).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    assert_eq!(web::glyph_ranges(&layers), vec![0, 1024]);
    let out = tempfile::tempdir().unwrap();
    web::write(
        &layers,
        &checked.atlas.sources,
        &DataSource::GeoJson,
        out.path(),
    )
    .unwrap();
    let cyrillic = std::fs::read(out.path().join("glyphs/DejaVu Sans/1024-1279.pbf")).unwrap();
    // The glyph of `Х` (U+0425, id 1061) is in it: field 3 (glyph) holding id 1061 as a varint.
    assert!(
        cyrillic.windows(3).any(|w| w == [0x08, 0xa5, 0x08]),
        "no glyph 1061"
    );
}

/// A layer that stops before the archive's deepest zoom is read through a source of that
/// `maxzoom` (same archive), so MapLibre overzooms its last tiles instead of showing nothing.
#[test]
fn layers_that_stop_early_read_an_overzoomed_source() {
    let last_zoom: std::collections::BTreeMap<String, u8> =
        [("lines".to_owned(), 9), ("uncertainty".to_owned(), 12)].into();
    let tmp = write_web(&DataSource::Pmtiles("../vorkuta.pmtiles".into(), last_zoom));
    let style_json = json(&tmp.path().join("style.json"));
    let sources = style_json["sources"].as_object().unwrap();
    assert_eq!(sources.len(), 3, "{sources:?}");
    assert_eq!(sources["atlas-z9"]["maxzoom"], 9);
    assert_eq!(sources["atlas-z12"]["maxzoom"], 12);
    assert_eq!(sources["atlas-z9"]["url"], "pmtiles://../vorkuta.pmtiles");
    assert!(sources["atlas"].get("maxzoom").is_none());
    let mut seen = 0;
    for l in style_json["layers"].as_array().unwrap() {
        match l["source-layer"].as_str() {
            Some("lines") => {
                assert_eq!(l["source"], "atlas-z9");
                seen += 1;
            }
            Some("uncertainty") => assert_eq!(l["source"], "atlas-z12"),
            Some(_) => assert_eq!(l["source"], "atlas"),
            None => {}
        }
    }
    assert!(seen > 0, "no style layer draws the lines");
}

/// The build passes the archive's per-layer zooms to the style.
#[test]
fn the_built_style_overzooms_the_layers_the_archive_stops_early() {
    let out = util::vorkuta_build();
    if !out.join("vorkuta.pmtiles").is_file() {
        return;
    }
    let style_json = json(&out.join("web/style.json"));
    let sources = style_json["sources"].as_object().unwrap();
    let lines = style_json["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["source-layer"] == "lines")
        .expect("a style layer for the lines");
    let source = lines["source"].as_str().unwrap();
    assert_ne!(source, "atlas", "the lines stop before z14 in the archive");
    assert!(sources[source]["maxzoom"].as_u64().unwrap() < 14);
}
