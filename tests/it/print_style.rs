//! One style: the printed sheets, the MapLibre style and the QGIS styles name every colour and
//! width from `gazmap::style`, and the print SVG and the viewer's `atlas.json` draw a kind's
//! symbol with the same outline.

use std::path::{Path, PathBuf};

use gazmap::print::{self, sheet};

use crate::util;

/// Source files that draw with the style, each up to its test module.
fn drawing_sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("src/output/web/maplibre.rs"),
        root.join("src/style/qml.rs"),
    ];
    let mut dirs = vec![root.join("src/print")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
            (p, code)
        })
        .collect()
}

/// `"#rrggbb"` string literals in `code`, with their line numbers.
fn hex_colours(code: &str) -> Vec<(usize, String)> {
    let mut out = vec![];
    for (i, line) in code.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let b = line.as_bytes();
        for j in 0..b.len().saturating_sub(8) {
            if b[j] == b'"'
                && b[j + 1] == b'#'
                && b[j + 2..j + 8].iter().all(u8::is_ascii_hexdigit)
                && b[j + 8] == b'"'
            {
                out.push((i + 1, line[j..j + 9].to_owned()));
            }
        }
    }
    out
}

/// Lines where a number literal is given as a width: the argument after one of `calls`.
fn width_literals(code: &str, calls: &[&str]) -> Vec<(usize, String)> {
    let mut out = vec![];
    for (i, line) in code.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        for call in calls {
            let mut rest = line;
            while let Some(k) = rest.find(call) {
                let after = rest[k + call.len()..].trim_start();
                if after.starts_with(|c: char| c.is_ascii_digit()) {
                    out.push((i + 1, line.trim().to_owned()));
                }
                rest = &rest[k + call.len()..];
            }
        }
    }
    out
}

#[test]
fn no_colour_or_width_literal_outside_the_style() {
    let mut found = vec![];
    for (path, code) in drawing_sources() {
        let name = path.display().to_string();
        for (line, what) in hex_colours(&code) {
            found.push(format!("{name}:{line}: colour {what}"));
        }
        let calls: &[&str] = if name.contains("maplibre") {
            &[
                "px(",
                "\"line-width\":",
                "\"width_px\":",
                "\"circle-stroke-width\":",
            ]
        } else if name.contains("qml") {
            // line(colour, width, dash), sym(colour, width), marker(.., size, outline).
            &["1.0), ", "0.9), ", "sym(style::CLAIM_COLOUR, "]
        } else {
            &[
                "\"stroke-width\", \"",
                "\"stroke-width\", n(",
                "\"stroke-width\", mm(",
                "\"r\", \"",
                "\"r\", n(",
                "\"stroke-opacity\", \"",
                "\"fill-opacity\", \"",
            ]
        };
        for (line, text) in width_literals(&code, calls) {
            found.push(format!("{name}:{line}: width literal in `{text}`"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    // The scanner finds what it looks for.
    assert_eq!(hex_colours("let a = \"#a1b2c3\";").len(), 1);
    assert_eq!(
        width_literals(
            ".set(\"stroke-width\", \"0.35\")",
            &["\"stroke-width\", \""]
        )
        .len(),
        1
    );
    assert!(
        width_literals(
            ".set(\"stroke-width\", mm(paper::X))",
            &["\"stroke-width\", mm("]
        )
        .is_empty()
    );
}

/// The vertices of an SVG path written by `svgdoc::path_d` (`M x yL x y…Z`).
fn path_points(d: &str) -> Vec<(f64, f64)> {
    d.trim_end_matches('Z')
        .split(['M', 'L'])
        .filter(|s| !s.is_empty())
        .map(|p| {
            let (x, y) = p.split_once(' ').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

#[test]
fn print_and_viewer_draw_each_kind_with_the_same_outline() {
    let checked = gazmap::open(&util::vorkuta()).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    let sheets = sheet::expand(&sheet::load(&util::vorkuta()).unwrap(), &layers.periods).unwrap();
    let spec = sheets.iter().find(|s| s.id == "region").unwrap();
    let c = print::compose(&layers, None, spec).unwrap();
    let symbols = gazmap::output::web::maplibre::site_symbols(&layers);
    let unit = |kind: &str| -> Vec<(f64, f64)> {
        symbols
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == kind)
            .unwrap_or_else(|| panic!("no site symbol for `{kind}`"))["outline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect()
    };
    let sites = layers.layer("sites").unwrap();
    let kind_of = |id: &str| -> String {
        let f = sites.features.iter().find(|f| f.id == id).unwrap();
        match sites.value(f, "kind") {
            Some(gazmap::layers::Value::Text(k)) => k.clone(),
            v => panic!("{v:?}"),
        }
    };
    let doc = roxmltree::Document::parse(&c.svg).unwrap();
    let mut compared = 0;
    for p in doc.descendants().filter(|n| n.has_tag_name("path")) {
        // Site symbols carry a title "Name (id)".
        let Some(title) = p
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|t| t.text())
        else {
            continue;
        };
        let Some(id) = title
            .rsplit_once(" (")
            .and_then(|(_, id)| id.strip_suffix(')'))
            .filter(|id| c.framed_sites.iter().any(|f| f == id))
        else {
            continue;
        };
        let drawn = path_points(p.attribute("d").unwrap());
        let web = unit(&kind_of(id));
        assert_eq!(drawn.len(), web.len(), "{id}: vertex count");
        // The drawn outline is the unit outline scaled by the symbol size and moved to its spot.
        let span = |pts: &[(f64, f64)]| {
            let xs = pts.iter().map(|p| p.0);
            xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min)
        };
        let s = span(&drawn) / span(&web);
        let mean = |pts: &[(f64, f64)]| {
            let n = pts.len() as f64;
            let t = pts.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
            (t.0 / n, t.1 / n)
        };
        let (md, mw) = (mean(&drawn), mean(&web));
        for (d, w) in drawn.iter().zip(&web) {
            let expect = (md.0 + s * (w.0 - mw.0), md.1 + s * (w.1 - mw.1));
            assert!(
                (d.0 - expect.0).abs() < 0.02 && (d.1 - expect.1).abs() < 0.02,
                "{id}: {d:?} vs {expect:?}"
            );
        }
        compared += 1;
    }
    // Every framed site with a symbol was compared (rivers, railways and regions have none).
    assert!(compared >= 20, "only {compared} symbols compared");
}
