//! Printed sheets: read back with independent readers (lopdf for PDF, the png crate's header via
//! tiny-skia's decoder, roxmltree for SVG), checked against paper sizes, projection and scale.

use std::collections::BTreeSet;
use std::path::Path;

use gazmap::print::labels::BoxMm;
use gazmap::print::{self, Format, render, sheet};
use geo::Point;

use crate::util;

/// Sheets the Vorkuta atlas declares (period sheets: one per `[[periods]]`).
const SHEETS: &[&str] = &[
    "region",
    "vorkuta",
    "phase-hunger_strike",
    "phase-executions",
];

fn vorkuta_layers() -> (gazmap::layers::Layers, Option<gazmap::layers::Layer>) {
    let checked = gazmap::open(&util::vorkuta()).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    let locator = print::load_locator(checked.atlas.meta.basemap_dir.as_deref()).unwrap();
    (layers, locator)
}

fn vorkuta_sheet(id: &str) -> print::SheetSpec {
    let (layers, _) = vorkuta_layers();
    let sheets = sheet::expand(&sheet::load(&util::vorkuta()).unwrap(), &layers.periods).unwrap();
    sheets.into_iter().find(|s| s.id == id).unwrap()
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let p = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
    (p.width(), p.height())
}

/// Page count, MediaBox width/height (points), all text, names of embedded fonts.
fn read_pdf(path: &Path) -> (usize, (f64, f64), String, Vec<String>) {
    let doc = lopdf::Document::load(path).unwrap();
    let pages = doc.get_pages();
    let first = *pages.values().next().unwrap();
    let page = doc.get_object(first).unwrap().as_dict().unwrap();
    let mb = page.get(b"MediaBox").unwrap().as_array().unwrap();
    let num = |o: &lopdf::Object| {
        o.as_float()
            .map(f64::from)
            .or_else(|_| o.as_i64().map(|i| i as f64))
            .unwrap()
    };
    let size = (num(&mb[2]) - num(&mb[0]), num(&mb[3]) - num(&mb[1]));
    let text = doc.extract_text(&[1]).unwrap_or_default();
    // Embedded fonts: font descriptors that carry a font file.
    let mut fonts = vec![];
    for obj in doc.objects.values() {
        if let Ok(d) = obj.as_dict()
            && d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor".as_slice())
            && (d.has(b"FontFile2") || d.has(b"FontFile3") || d.has(b"FontFile"))
        {
            let name = d.get(b"FontName").and_then(|n| n.as_name()).unwrap_or(b"?");
            fonts.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    (pages.len(), size, text, fonts)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn build_writes_every_sheet_in_three_formats() {
    let out = util::vorkuta_build().join("print");
    for id in SHEETS {
        for ext in ["svg", "pdf", "png"] {
            let p = out.join(format!("{id}.{ext}"));
            assert!(
                std::fs::metadata(&p).unwrap().len() > 10_000,
                "{}",
                p.display()
            );
        }
    }
    // One phase sheet per period of atlas.toml.
    let (layers, _) = vorkuta_layers();
    assert!(layers.periods.len() >= 2);
    for (pid, ..) in &layers.periods {
        assert!(out.join(format!("phase-{pid}.pdf")).exists(), "{pid}");
    }
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sheets.json")).unwrap()).unwrap();
    assert_eq!(report.as_array().unwrap().len(), 2 + layers.periods.len());
}

#[test]
fn pdfs_have_the_paper_size_the_title_as_text_and_an_embedded_font() {
    let out = util::vorkuta_build().join("print");
    // A3 landscape and A4 portrait, in points (1 mm = 72/25.4 pt).
    for (id, w, h) in [
        ("region", 1190.55, 841.89),
        ("vorkuta", 595.28, 841.89),
        ("phase-executions", 1190.55, 841.89),
    ] {
        let (pages, size, text, fonts) = read_pdf(&out.join(format!("{id}.pdf")));
        assert_eq!(pages, 1, "{id}");
        assert!(
            (size.0 - w).abs() < 0.5 && (size.1 - h).abs() < 0.5,
            "{id}: {size:?}"
        );
        let title = vorkuta_sheet(id).title;
        assert!(
            squash(&text).contains(&squash(&title)),
            "{id}: title `{title}` not in text"
        );
        assert!(
            fonts.iter().any(|f| f.contains("DejaVuSans")),
            "{id}: embedded fonts {fonts:?}"
        );
    }
    // Cyrillic-free labels aside, the text layer holds the map's place names too.
    let (_, _, text, _) = read_pdf(&out.join("vorkuta.pdf"));
    assert!(squash(&text).contains("Syr-Yagabarracks"), "{text}");
}

#[test]
fn pngs_have_the_pixel_size_of_paper_and_dpi() {
    let out = util::vorkuta_build().join("print");
    // 300 dpi: A3 landscape 420 x 297 mm, A4 portrait 210 x 297 mm.
    assert_eq!(png_size(&out.join("region.png")), (4961, 3508));
    assert_eq!(png_size(&out.join("vorkuta.png")), (2480, 3508));
    assert_eq!(png_size(&out.join("phase-hunger_strike.png")), (4961, 3508));
}

#[test]
fn svgs_parse_and_hold_every_framed_site_label() {
    let (layers, locator) = vorkuta_layers();
    for id in SHEETS {
        let spec = vorkuta_sheet(id);
        let c = print::compose(&layers, locator.as_ref(), &spec).unwrap();
        let doc = resvg::usvg::roxmltree::Document::parse(&c.svg).unwrap();
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(str::to_owned))
            .collect();
        let all = texts.join("\n").to_lowercase();
        assert!(!c.framed_sites.is_empty(), "{id}");
        for (site, label) in &c.site_labels {
            // On the map, or (if there was no room) in the sheet's note of unlabelled places.
            assert!(
                all.contains(&label.to_lowercase()),
                "{id}: label of {site} `{label}` missing"
            );
        }
        assert_eq!(c.site_labels.len(), c.framed_sites.len(), "{id}");
        assert!(texts.iter().any(|t| t == &spec.title), "{id}");
        // Uncertain places carry their "?".
        assert!(texts.iter().any(|t| t.ends_with(" ?")), "{id}");
    }
    // The Vorkuta sheet frames the places the brief names.
    let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet("vorkuta")).unwrap();
    for site in [
        "vorkuta_mine",
        "syr_yaga_barracks",
        "usa_station",
        "brickyard",
        "exec_site_1",
        "exec_site_2",
    ] {
        assert!(c.framed_sites.iter().any(|s| s == site), "{site}");
    }
    // ... and draws the account's stated distances with their labels.
    assert!(c.svg.contains("stated 40 km"), "no 40 km claim label");
}

/// Boxes of what the main map draws that labels must keep off, read back from the SVG:
/// arrowheads (closed three-point paths in the transfer colour) and site symbols (paths titled
/// `Name (id)`), with the owning site id for symbols.
fn drawn_obstacles(svg: &str) -> Vec<(Option<String>, BoxMm)> {
    let doc = resvg::usvg::roxmltree::Document::parse(svg).unwrap();
    let map = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("map"))
        .unwrap();
    let points = |d: &str| -> Vec<(f64, f64)> {
        d.trim_end_matches('Z')
            .split(['M', 'L'])
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (x, y) = p.trim().split_once(' ').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    };
    let bbox = |pts: &[(f64, f64)]| BoxMm {
        x0: pts.iter().map(|p| p.0).fold(f64::MAX, f64::min),
        y0: pts.iter().map(|p| p.1).fold(f64::MAX, f64::min),
        x1: pts.iter().map(|p| p.0).fold(f64::MIN, f64::max),
        y1: pts.iter().map(|p| p.1).fold(f64::MIN, f64::max),
    };
    let mut out = vec![];
    for n in map.descendants().filter(|n| n.has_tag_name("path")) {
        let d = n.attribute("d").unwrap_or("");
        let title = n
            .children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text());
        if n.attribute("fill") == Some("#b2182b") && d.ends_with('Z') && d.matches('L').count() == 2
        {
            out.push((None, bbox(&points(d))));
        } else if let Some(t) = title.filter(|t| t.ends_with(')') && !t.contains(": ")) {
            let id = t.rsplit_once(" (").unwrap().1.trim_end_matches(')');
            out.push((Some(id.to_owned()), bbox(&points(d))));
        }
    }
    out
}

#[test]
fn placed_labels_never_overlap_on_the_real_sheets() {
    let (layers, locator) = vorkuta_layers();
    for id in SHEETS {
        let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet(id)).unwrap();
        assert!(c.label_boxes.len() >= 8, "{id}: {}", c.label_boxes.len());
        for (i, a) in c.label_boxes.iter().enumerate() {
            for b in &c.label_boxes[i + 1..] {
                assert!(!a.intersects(b), "{id}: {a:?} overlaps {b:?}");
            }
        }
    }
}

#[test]
fn captions_and_labels_keep_off_arrows_symbols_and_insets_around_the_mine() {
    let (layers, locator) = vorkuta_layers();
    for id in ["region", "vorkuta"] {
        let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet(id)).unwrap();
        let captions = c
            .label_ids
            .iter()
            .filter(|l| l.starts_with("transfer:") || l.starts_with("claim:"))
            .count();
        assert!(captions >= 4, "{id}: {captions} distance captions");
        let obstacles = drawn_obstacles(&c.svg);
        let arrows = obstacles.iter().filter(|o| o.0.is_none()).count();
        assert!(
            arrows >= 8 && obstacles.len() >= arrows + 6,
            "{id}: {arrows} arrows, {} obstacles",
            obstacles.len()
        );
        for (label, b) in c.label_ids.iter().zip(&c.label_boxes) {
            for (owner, o) in &obstacles {
                let own = owner
                    .as_ref()
                    .is_some_and(|s| label == &format!("site:{s}"));
                assert!(
                    own || !b.intersects(o),
                    "{id}: `{label}` {b:?} on {owner:?} {o:?}"
                );
            }
            for (what, p) in &c.panel_boxes {
                assert!(!b.intersects(p), "{id}: `{label}` on {what}");
            }
        }
    }
    // The region sheet enlarges the mine in an inset (in a corner of the map: the panel is
    // full) and leaves the places it shows to it, naming only the mine on the main map.
    let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet("region")).unwrap();
    assert!(
        c.panel_boxes
            .iter()
            .any(|(w, b)| w.starts_with("inset in the map: ") && c.map_frame.contains(b)),
        "{:?}",
        c.panel_boxes
    );
    assert!(c.label_ids.iter().any(|l| l == "site:vorkuta_mine"));
    for site in ["brickyard", "exec_site_1", "exec_site_2", "vorkuta"] {
        assert!(!c.label_ids.contains(&format!("site:{site}")), "{site}");
        assert!(c.site_labels.contains_key(site), "{site}");
    }
    assert!(
        c.report.warnings.iter().all(|w| !w.contains("no room")),
        "{:?}",
        c.report.warnings
    );
}

#[test]
fn scale_bar_is_true_at_the_centre_to_half_a_percent() {
    let (layers, locator) = vorkuta_layers();
    for id in SHEETS {
        let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet(id)).unwrap();
        // Bar length on paper times the scale, laid east-west through the map centre.
        let half_m = c.bar_mm / 1000.0 * c.scale / 2.0;
        let (cx, cy) = c.centre_m;
        let a = c.projection.inverse(cx - half_m, cy).unwrap();
        let b = c.projection.inverse(cx + half_m, cy).unwrap();
        let ground_km =
            gazmap::geodesy::distance_m(Point::new(a.0, a.1), Point::new(b.0, b.1)) / 1000.0;
        let err = (ground_km - c.bar_km).abs() / c.bar_km;
        assert!(
            err < 0.005,
            "{id}: bar {} km, ground {ground_km:.3} km",
            c.bar_km
        );
        // Round numbers only.
        let mant = c.bar_km / 10f64.powf(c.bar_km.log10().floor());
        assert!(
            [1.0, 2.0, 2.5, 5.0].iter().any(|m| (m - mant).abs() < 1e-9),
            "{}",
            c.bar_km
        );
        // Never Web Mercator.
        assert!(
            !c.projection.definition.contains("merc +"),
            "{}",
            c.projection.definition
        );
    }
}

#[test]
fn north_arrow_is_turned_by_the_grid_convergence() {
    let (layers, locator) = vorkuta_layers();
    let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet("vorkuta")).unwrap();
    // UTM 41N, map centre about 63.8 E, 67.4 N: gamma = -atan(tan(0.8 deg) sin(67.4 deg)).
    assert!(c.projection.definition.contains("+zone=41"));
    assert!(
        c.convergence_deg < -0.5 && c.convergence_deg > -1.0,
        "{}",
        c.convergence_deg
    );
    assert!(
        c.svg.contains(&format!("rotate({:.2} ", c.convergence_deg)),
        "arrow not rotated"
    );
}

#[test]
fn svg_and_png_bytes_are_deterministic() {
    let (layers, locator) = vorkuta_layers();
    let mut spec = vorkuta_sheet("vorkuta");
    spec.dpi = 60;
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for dir in [a.path(), b.path()] {
        print::write_sheet(&layers, locator.as_ref(), &spec, &Format::ALL, dir).unwrap();
    }
    for ext in ["svg", "png", "pdf"] {
        let name = format!("vorkuta.{ext}");
        assert_eq!(
            std::fs::read(a.path().join(&name)).unwrap(),
            std::fs::read(b.path().join(&name)).unwrap(),
            "{name} differs between runs"
        );
    }
    assert_eq!(
        png_size(&a.path().join("vorkuta.png")),
        render::pixel_size(210.0, 297.0, 60)
    );
}

#[test]
fn phase_sheets_show_only_their_period() {
    let (layers, locator) = vorkuta_layers();
    let strike = print::compose(
        &layers,
        locator.as_ref(),
        &vorkuta_sheet("phase-hunger_strike"),
    )
    .unwrap();
    let execs = print::compose(
        &layers,
        locator.as_ref(),
        &vorkuta_sheet("phase-executions"),
    )
    .unwrap();
    // The Syr-Yaga barracks belong to the strike, not to the executions; the execution sites
    // to the executions only.
    assert!(strike.framed_sites.iter().any(|s| s == "syr_yaga_barracks"));
    assert!(!execs.framed_sites.iter().any(|s| s == "syr_yaga_barracks"));
    assert!(execs.framed_sites.iter().any(|s| s == "exec_site_1"));
    assert!(!strike.framed_sites.iter().any(|s| s == "exec_site_1"));
    assert!(strike.report.events_in_period > 5 && execs.report.events_in_period > 5);
    assert!(strike.svg.contains("overlap that span"));
}

#[test]
fn cli_prints_one_sheet_with_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    util::gazmap()
        .args(["print"])
        .arg(util::vorkuta())
        .args([
            "--sheet",
            "vorkuta",
            "--paper",
            "A3",
            "--orientation",
            "landscape",
        ])
        .args(["--dpi", "40", "--at", "1938-03-25", "--format", "png,pdf"])
        .arg("--out")
        .arg(tmp.path())
        .assert()
        .success();
    let names: BTreeSet<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["vorkuta-1938-03-25.pdf", "vorkuta-1938-03-25.png"]
            .map(String::from)
            .into()
    );
    assert_eq!(
        png_size(&tmp.path().join("vorkuta-1938-03-25.png")),
        (661, 468)
    );
    let (_, size, text, _) = read_pdf(&tmp.path().join("vorkuta-1938-03-25.pdf"));
    assert!((size.0 - 1190.55).abs() < 0.5 && (size.1 - 841.89).abs() < 0.5);
    assert!(squash(&text).contains("25Mar1938"), "{text}");
}

#[test]
fn cli_rejects_an_unknown_sheet_and_a_bad_paper() {
    util::gazmap()
        .args(["print"])
        .arg(util::vorkuta())
        .args([
            "--sheet",
            "nowhere",
            "--format",
            "svg",
            "--out",
            "/nonexistent-dir-x",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no sheet `nowhere`"))
        .stderr(predicates::str::contains("region"));
    // A near miss names the sheet meant, and the list includes the period sheets.
    util::gazmap()
        .args(["print"])
        .arg(util::vorkuta())
        .args(["--sheet", "vorkta", "--format", "svg", "--out", "/nonexistent-dir-x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no sheet `vorkta` (did you mean `vorkuta`?); the sheets are: region, vorkuta, phase-arrival_1936",
        ));
    util::gazmap()
        .args(["print", "--paper", "A5"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "invalid value 'A5' for '--paper <PAPER>'",
        ))
        .stderr(predicates::str::contains(
            "[possible values: A4, A3, letter, us-letter]",
        ));
    util::gazmap()
        .args(["print", "--dpi", "9000"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("9000 is not in 36..=1200"));
    // Any case, as before.
    let parsed = gazmap_cli_accepts(&["print", "--paper", "a3", "--format", "SVG", "--help"]);
    assert!(
        parsed,
        "lower-case paper and upper-case format are accepted"
    );
}

/// Whether the command line parses (`--help` at the end stops before any work).
fn gazmap_cli_accepts(args: &[&str]) -> bool {
    util::gazmap().args(args).output().unwrap().status.success()
}

/// The Vorkuta layers with shapes of issue 10: the Syr-Yaga barracks as a ring 35-45 km around
/// the mine (a full annulus), Ukhtpechlag as an area of two parts, the first with a hole.
fn layers_with_shapes() -> gazmap::layers::Layers {
    use gazmap::layers::{Feature, Field, FieldType, Value};
    use geo::{Geometry, MultiPolygon, Polygon};
    let (mut layers, _) = vorkuta_layers();
    let circle = |lon, lat, r| gazmap::geodesy::circle(Point::new(lon, lat), r, 96);
    let reversed = |p: Polygon| {
        let mut ring = p.exterior().clone();
        ring.0.reverse();
        ring
    };
    let ring = Polygon::new(
        circle(64.02472, 67.50944, 45_000.0).exterior().clone(),
        vec![reversed(circle(64.02472, 67.50944, 35_000.0))],
    );
    let area = MultiPolygon::new(vec![
        Polygon::new(
            circle(53.7, 63.567, 90_000.0).exterior().clone(),
            vec![reversed(circle(53.7, 63.567, 20_000.0))],
        ),
        circle(57.1, 65.1, 40_000.0),
    ]);
    let l = layers
        .atlas
        .iter_mut()
        .find(|l| l.name == "uncertainty")
        .unwrap();
    // Layers of issue 10 carry a `shape` field; older ones hold circles only.
    let shape = l.field_index("shape").unwrap_or_else(|| {
        l.fields.push(Field {
            name: "shape".into(),
            ty: FieldType::Text,
        });
        for f in &mut l.features {
            f.values.push(Value::Text("circle".into()));
        }
        l.fields.len() - 1
    });
    let site = l.field_index("site").unwrap();
    // Only the shapes made here are rings and areas.
    for f in &mut l.features {
        if f.values[shape] != Value::Text("circle".into()) {
            f.values[shape] = Value::Text("none".into());
            f.geometry = None;
        }
    }
    let f = l
        .features
        .iter_mut()
        .find(|f| f.id == "syr_yaga_barracks")
        .unwrap();
    f.geometry = Some(Geometry::Polygon(ring));
    f.values[shape] = Value::Text("ring".into());
    let mut values = vec![Value::Null; l.fields.len()];
    values[site] = Value::Text("ukhta_pechora".into());
    values[shape] = Value::Text("area".into());
    let mut district = values.clone();
    district[site] = Value::Text("pechora_district".into());
    l.features
        .retain(|f| f.id != "ukhta_pechora" && f.id != "pechora_district");
    l.features.push(Feature {
        id: "pechora_district".into(),
        geometry: Some(Geometry::Polygon(circle(57.1, 65.4, 150_000.0))),
        values: district,
    });
    l.features.push(Feature {
        id: "ukhta_pechora".into(),
        geometry: Some(Geometry::MultiPolygon(area)),
        values,
    });
    layers
}

/// Subpaths of the main map's uncertainty fill titled `<site>: <shape>`, as paper point lists.
fn uncertainty_paths(svg: &str, title: &str) -> Vec<Vec<Vec<(f64, f64)>>> {
    let doc = resvg::usvg::roxmltree::Document::parse(svg).unwrap();
    let map = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("map"))
        .unwrap();
    map.descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter(|n| {
            n.children()
                .any(|c| c.has_tag_name("title") && c.text() == Some(title))
        })
        .map(|n| {
            assert_eq!(n.attribute("fill-rule"), Some("evenodd"), "{title}");
            n.attribute("d")
                .unwrap()
                .split('M')
                .filter(|s| !s.is_empty())
                .map(|sub| {
                    sub.trim_end_matches('Z')
                        .split('L')
                        .map(|p| {
                            let (x, y) = p.trim().split_once(' ').unwrap();
                            (x.parse().unwrap(), y.parse().unwrap())
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Ray casting: whether `p` lies inside the closed ring `ring`.
fn inside(ring: &[(f64, f64)], p: (f64, f64)) -> bool {
    let mut c = false;
    for (i, a) in ring.iter().enumerate() {
        let b = ring[(i + 1) % ring.len()];
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) {
            c = !c;
        }
    }
    c
}

fn width_of(pts: &[(f64, f64)]) -> f64 {
    let xs = pts.iter().map(|p| p.0);
    xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min)
}

#[test]
fn rings_keep_their_hole_and_areas_every_part() {
    let layers = layers_with_shapes();
    let (_, locator) = vorkuta_layers();
    let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet("region")).unwrap();
    // The ring: its outer circle and its hole, 35/45 of the outer width, in one even-odd path.
    let rings = uncertainty_paths(&c.svg, "syr_yaga_barracks: ring");
    assert_eq!(rings.len(), 1, "drawn once on the main map");
    assert_eq!(rings[0].len(), 2);
    let ratio = width_of(&rings[0][1]) / width_of(&rings[0][0]);
    assert!((ratio - 35.0 / 45.0).abs() < 0.02, "{ratio}");
    // The area: two parts, one with a hole: three rings.
    let areas = uncertainty_paths(&c.svg, "ukhta_pechora: area");
    assert_eq!(areas.len(), 1);
    assert_eq!(areas[0].len(), 3);
    // Hatched by lines that stay inside the areas (even-odd over every area ring: holes and
    // overlaps stay clear).
    let mut area_rings: Vec<Vec<(f64, f64)>> = areas[0].clone();
    area_rings.extend(uncertainty_paths(&c.svg, "pechora_district: area")[0].clone());
    let doc = resvg::usvg::roxmltree::Document::parse(&c.svg).unwrap();
    let hatch = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("map"))
        .unwrap()
        .descendants()
        .find(|n| n.attribute("class") == Some("area-hatch"))
        .expect("the areas are hatched");
    let mut segments = 0;
    for line in hatch
        .attribute("d")
        .unwrap()
        .split('M')
        .filter(|s| !s.is_empty())
    {
        let pts: Vec<(f64, f64)> = line
            .split('L')
            .map(|p| {
                let (x, y) = p.trim().split_once(' ').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        for w in pts.windows(2) {
            let mid = ((w[0].0 + w[1].0) / 2.0, (w[0].1 + w[1].1) / 2.0);
            let inside_count = area_rings.iter().filter(|r| inside(r, mid)).count();
            assert!(
                inside_count % 2 == 1,
                "hatch segment {w:?} outside the areas"
            );
            // At 45°, 1.6 mm apart.
            assert!(
                ((w[1].1 - w[0].1) - (w[1].0 - w[0].0)).abs() < 0.02,
                "{w:?}"
            );
            segments += 1;
        }
    }
    assert!(segments > 20, "{segments}");
    // A district drawn as an area is named inside it (at its point it finds no room).
    let at = c
        .label_ids
        .iter()
        .position(|l| l == "site:pechora_district")
        .expect("district labelled");
    let b = c.label_boxes[at];
    let outline = &uncertainty_paths(&c.svg, "pechora_district: area")[0][0];
    assert!(
        inside(outline, ((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0)),
        "{b:?}"
    );
    // One legend row per shape drawn.
    for row in [
        "Uncertainty: the place lies within the circle",
        "Distance known, direction not",
        "Area: a camp system or district",
    ] {
        assert_eq!(c.svg.matches(row).count(), 1, "{row}");
    }
    // The Vorkuta sheet frames the ring but not the area around Chib-Yu: no area row there.
    let v = print::compose(&layers, locator.as_ref(), &vorkuta_sheet("vorkuta")).unwrap();
    assert!(v.svg.contains("Distance known, direction not"));
    assert!(!v.svg.contains("Area: a camp system"));
    assert!(!v.svg.contains("area-hatch"));
}

#[test]
fn circles_only_draw_no_ring_or_area_legend() {
    use gazmap::layers::Value;
    let (mut layers, locator) = vorkuta_layers();
    // Circles only: whatever else the atlas holds is taken out.
    let l = layers
        .atlas
        .iter_mut()
        .find(|l| l.name == "uncertainty")
        .unwrap();
    let shape = l.field_index("shape");
    l.features
        .retain(|f| shape.is_none_or(|i| matches!(&f.values[i], Value::Text(s) if s == "circle")));
    let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet("region")).unwrap();
    assert!(
        c.svg
            .contains("Uncertainty: the place lies within the circle")
    );
    assert!(!c.svg.contains("Distance known, direction not"));
    for sub in uncertainty_paths(&c.svg, "pechora: circle") {
        assert_eq!(sub.len(), 1);
    }
}

#[test]
fn legends_read_down_from_their_heading_in_columns_of_their_own() {
    let (layers, locator) = vorkuta_layers();
    for id in SHEETS {
        let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet(id)).unwrap();
        let b = &c.panel_boxes;
        let head = b.iter().position(|(w, _)| w == "legend").unwrap();
        let rows: Vec<_> = b[head + 1..]
            .iter()
            .take_while(|(w, _)| w.starts_with("legend row: "))
            .map(|(_, r)| *r)
            .collect();
        assert!(rows.len() >= 6, "{id}: {} rows", rows.len());
        let h = b[head].1;
        assert!(
            rows[0].x0 == h.x0 && (rows[0].y0 - h.y1).abs() < 1e-6,
            "{id}"
        );
        for w in rows.windows(2) {
            // Down the column, or on at the top of a column further right.
            let down = w[1].x0 == w[0].x0 && w[1].y0 >= w[0].y1 - 1e-6;
            assert!(down || w[1].x0 > w[0].x0, "{id}: {w:?}");
        }
        let legend: Vec<BoxMm> = std::iter::once(h).chain(rows.iter().copied()).collect();
        let xs: BTreeSet<u64> = legend.iter().map(|r| (r.x0 * 100.0) as u64).collect();
        for (what, other) in b.iter().filter(|(w, _)| !w.starts_with("legend")) {
            for r in &legend {
                assert!(
                    !r.intersects(other),
                    "{id}: legend {r:?} on {what} {other:?}"
                );
                // A legend spread over columns has them to itself: nothing set above it.
                if xs.len() > 1 && other.x0 == r.x0 {
                    assert!(other.y0 > r.y0, "{id}: {what} above the legend");
                }
            }
        }
        for r in &legend {
            assert!(!r.intersects(&c.map_frame), "{id}: legend on the map {r:?}");
        }
    }
}

#[test]
fn credits_name_only_real_things_in_svg_and_pdf() {
    let (layers, locator) = vorkuta_layers();
    let tool = format!(
        "Map: gazmap {}, typeset in DejaVu Sans.",
        env!("CARGO_PKG_VERSION")
    );
    let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet("vorkuta")).unwrap();
    let doc = resvg::usvg::roxmltree::Document::parse(&c.svg).unwrap();
    let credits = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("credits"))
        .unwrap();
    let text: Vec<&str> = credits
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    let text = squash(&text.join(" "));
    assert!(text.ends_with(&squash(&tool)), "{text}");
    assert!(layers.credits.len() >= 3);
    for credit in &layers.credits {
        assert!(text.contains(&squash(credit)), "{credit}");
    }
    assert!(!c.svg.to_lowercase().contains("github"));
    // The PDF's text layer says the same.
    let (_, _, pdf, _) = read_pdf(&util::vorkuta_build().join("print/region.pdf"));
    assert!(squash(&pdf).contains(&squash(&tool)), "{pdf}");
    assert!(!pdf.to_lowercase().contains("github"));
}

#[test]
fn an_area_around_the_whole_sheet_is_not_tinted_all_over() {
    use geo::Geometry;
    let mut layers = layers_with_shapes();
    let (_, locator) = vorkuta_layers();
    // Ukhtpechlag as a disc of 400 km around the mine: the Vorkuta sheet lies wholly inside.
    let l = layers
        .atlas
        .iter_mut()
        .find(|l| l.name == "uncertainty")
        .unwrap();
    let f = l
        .features
        .iter_mut()
        .find(|f| f.id == "ukhta_pechora")
        .unwrap();
    let disc = gazmap::geodesy::circle(Point::new(64.02472, 67.50944), 400_000.0, 96);
    f.geometry = Some(Geometry::Polygon(disc));
    let v = print::compose(&layers, locator.as_ref(), &vorkuta_sheet("vorkuta")).unwrap();
    assert!(uncertainty_paths(&v.svg, "ukhta_pechora: area").is_empty());
    assert!(!v.svg.contains("Area: a camp system"));
    // The region sheet shows its edge: drawn there.
    let r = print::compose(&layers, locator.as_ref(), &vorkuta_sheet("region")).unwrap();
    assert_eq!(uncertainty_paths(&r.svg, "ukhta_pechora: area").len(), 1);
    assert!(r.svg.contains("Area: a camp system"));
}

#[test]
fn a_crowd_too_big_for_a_ring_stays_in_place_on_the_sheet() {
    // Thirty places at the mine's point: spread on a ring they would need one several
    // centimetres wide (at N = 20,000 it was metres, off the sheet); they stay where they are.
    let (mut layers, locator) = vorkuta_layers();
    let sites = layers.atlas.iter_mut().find(|l| l.name == "sites").unwrap();
    let id = sites.field_index("id");
    let mine = sites.feature("vorkuta_mine").unwrap().clone();
    for i in 0..30 {
        let mut f = mine.clone();
        f.id = format!("crowd_{i}");
        if let Some(id) = id {
            f.values[id] = gazmap::layers::Value::Text(f.id.clone());
        }
        sites.features.push(f);
    }
    let c = print::compose(&layers, locator.as_ref(), &vorkuta_sheet("vorkuta")).unwrap();
    let [x0, y0, x1, y1] = c.map_rect_mm;
    let crowd: Vec<BoxMm> = drawn_obstacles(&c.svg)
        .into_iter()
        .filter(|(id, _)| id.as_deref().is_some_and(|i| i.starts_with("crowd_")))
        .map(|(_, b)| b)
        .collect();
    assert_eq!(crowd.len(), 30);
    let centre = |b: &BoxMm| ((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0);
    let first = centre(&crowd[0]);
    for b in &crowd {
        let c = centre(b);
        assert!(
            (c.0 - first.0).hypot(c.1 - first.1) < 0.01,
            "{c:?} vs {first:?}"
        );
        assert!(
            (x0..x1).contains(&c.0) && (y0..y1).contains(&c.1),
            "{c:?} off the map"
        );
    }
}
