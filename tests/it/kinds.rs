//! The atlas's own vocabulary: a kind defined in `atlas.toml` `[[kinds]]` reaches every legend
//! (web, QGIS, print, KML), the legends list only the kinds the atlas holds, and the movement
//! wording is the atlas's.

use gazmap::output::format::Format;

use crate::util;

/// The tiny fixture with Pinega made a `post_station`, a kind of the atlas's own.
fn tiny_with_own_kind() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, atlas) = util::copy_atlas(&util::tiny());
    let toml = atlas.join("atlas.toml");
    let text = std::fs::read_to_string(&toml).unwrap().replace(
        "time_range = \"1872-06/1872-07\"",
        "time_range = \"1872-06/1872-07\"\nmovement_label = \"Journey of the post\"",
    ) + "\n[[kinds]]\nid = \"post_station\"\nlabel = \"Post station\"\nsymbol = \"star\"\ncolour = \"#AA5500\"\nsize_mm = 3.6\n";
    std::fs::write(&toml, text).unwrap();
    let sites = atlas.join("sites.csv");
    let text = std::fs::read_to_string(&sites).unwrap().replace(
        "pinega,Pinega,Пинега@ru,settlement,",
        "pinega,Pinega,Пинега@ru,post_station,",
    );
    assert!(text.contains(",post_station,"));
    std::fs::write(&sites, text).unwrap();
    (tmp, atlas)
}

fn json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn an_atlas_kind_reaches_every_legend_and_unheld_kinds_none() {
    let (tmp, atlas) = tiny_with_own_kind();
    let checked = gazmap::open(&atlas).unwrap();
    assert!(
        !checked
            .warnings
            .iter()
            .any(|w| w.to_string().contains("unknown kind")),
        "{:?}",
        checked.warnings
    );
    let out = tmp.path().join("out");
    gazmap::build_with(
        &atlas,
        &out,
        &gazmap::BuildOptions::only([Format::GeoJson, Format::Web, Format::Kml]),
    )
    .unwrap();

    // Web: the legend's site items are the held kinds (the atlas's own first), and the symbol
    // the viewer paints for it is the atlas's star.
    let a = json(&out.join("web/atlas.json"));
    let items: Vec<(&str, &str)> = a["legend"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        items,
        [
            ("post_station", "Post station"),
            ("settlement", "Settlement"),
            ("city", "City")
        ]
    );
    let transfers = a["legend"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["layer"] == "transfers")
        .unwrap();
    assert_eq!(transfers["title"], "Journey of the post");
    let symbols = a["site_symbols"].as_array().unwrap();
    let star = symbols
        .iter()
        .find(|s| s["kind"] == "post_station")
        .unwrap();
    assert_eq!(star["shape"], "star");
    assert_eq!(star["fill"], "#aa5500");
    assert!((star["size_px"].as_f64().unwrap() - 3.6 * 96.0 / 25.4).abs() < 0.01);
    // The web draws the printed sheet's outline (one drawing of each shape), sent at size 1.
    let outline: Vec<(f64, f64)> = star["outline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    let print = gazmap::style::Shape::Star.outline(0.0, 0.0, 1.0);
    assert_eq!(outline.len(), 10);
    for (w, p) in outline.iter().zip(&print) {
        assert!(
            (w.0 - p.0).abs() < 1e-4 && (w.1 - p.1).abs() < 1e-4,
            "{w:?} vs {p:?}"
        );
    }
    let kinds: Vec<&str> = symbols
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["post_station", "settlement", "city", "other"]);
    let style = std::fs::read_to_string(out.join("web/style.json")).unwrap();
    assert!(style.contains("\"site-post_station\""));
    assert!(!style.contains("\"site-port\""));

    // QGIS: one category per held kind, the atlas's with its star in its colour.
    let qml = std::fs::read_to_string(out.join("sites.qml")).unwrap();
    let doc = roxmltree::Document::parse_with_options(
        &qml,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .unwrap();
    let cats: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("category"))
        .map(|n| (n.attribute("value").unwrap(), n.attribute("label").unwrap()))
        .collect();
    assert_eq!(
        cats,
        [
            ("post_station", "Post station"),
            ("settlement", "Settlement"),
            ("city", "City")
        ]
    );
    assert!(qml.contains("value=\"star\""), "the star marker");
    assert!(
        qml.contains("value=\"170,85,0,255\""),
        "#aa5500 as QGIS rgba"
    );

    // KML: styles for the held kinds only.
    let kml = std::fs::read_to_string(out.join("tiny.kml")).unwrap();
    assert!(kml.contains("<Style id=\"site-post_station\">"));
    assert!(kml.contains("<styleUrl>#site-post_station</styleUrl>"));
    for unheld in ["site-port", "site-other", "site-river"] {
        assert!(!kml.contains(&format!("id=\"{unheld}\"")), "{unheld}");
    }

    // Print: the legend names the atlas's kind and its movements, and no kind it does not hold.
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    let mut sheets = gazmap::print::default_sheets(&layers);
    sheets.truncate(1);
    let c = gazmap::print::compose(&layers, None, &sheets[0]).unwrap();
    assert_eq!(c.svg.matches(">Post station<").count(), 1, "one legend row");
    assert!(c.svg.contains(">Settlement<") && c.svg.contains(">City<"));
    assert!(
        c.svg
            .contains("Journey of the post (width: number of people")
    );
    for unheld in [">Port, harbour<", ">Other place<", ">Transfer of prisoners"] {
        assert!(!c.svg.contains(unheld), "{unheld}");
    }
}

#[test]
fn a_bad_kind_table_fails_check_at_its_line() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let toml = atlas.join("atlas.toml");
    let before = std::fs::read_to_string(&toml).unwrap();
    let line = before.lines().count() + 4;
    std::fs::write(
        &toml,
        before + "\n[[kinds]]\nid = \"post_station\"\nsymbol = \"hexagon\"\ncolour = \"#aa5500\"\n",
    )
    .unwrap();
    util::gazmap()
        .arg("check")
        .arg(&atlas)
        .assert()
        .failure()
        .stderr(predicates::str::contains(format!(
            "atlas.toml:{line}:10: error: kind `post_station`: unknown symbol `hexagon`"
        )));
}
