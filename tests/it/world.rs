//! Any atlas, anywhere: builds that finish or change nothing, projections for any extent, the
//! world basemap cut to the atlas, and a sheet outside the Vorkuta region.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util;

/// Every file under `dir` (relative path -> bytes).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                walk(base, &e.path(), out);
            } else {
                let rel = e.path().strip_prefix(base).unwrap().display().to_string();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn a_build_failing_in_the_print_writer_leaves_the_earlier_build_intact() {
    let (tmp, atlas) = util::copy_atlas(&util::root().join("tests/fixtures/voyage"));
    let parent = tmp.path().join("out");
    let out = parent.join("voyage");
    gazmap::build(&atlas, &out).expect("the voyage atlas builds");
    let before = snapshot(&out);
    assert!(before.contains_key("build-report.json"));
    assert!(
        before.contains_key("print/atlantic.svg"),
        "{:?}",
        before.keys()
    );

    // A sheet that passes `check` but no projection of its kind can draw: a Lambert conic forced
    // onto sites on both sides of the equator (the frame is known only when the sheet is drawn).
    let toml = atlas.join("atlas.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(
        "\n[[sheets]]\nid = \"impossible\"\ntitle = \"Impossible\"\nsites = [\"plymouth\", \"rio\"]\nprojection = \"lcc\"\n",
    );
    std::fs::write(&toml, text).unwrap();
    gazmap::open(&atlas).expect("the atlas passes check");
    let err = gazmap::build(&atlas, &out).expect_err("the impossible sheet stops the build");
    assert!(
        matches!(&err, gazmap::Error::Output(e) if e.format == gazmap::output::format::Format::Print),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("sheet `impossible`"),
        "the error names the sheet: {msg}"
    );

    // The earlier build is byte-identical, and nothing else stands beside it.
    assert_eq!(snapshot(&out), before);
    let beside: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["voyage"]);
}

#[test]
fn check_rejects_a_sheet_extent_its_projection_cannot_draw() {
    let (_tmp, atlas) = util::copy_atlas(&util::root().join("tests/fixtures/voyage"));
    let toml = atlas.join("atlas.toml");
    let text = std::fs::read_to_string(&toml).unwrap().replace(
        "extent = [-40.0, -15.0, 10.0, 52.0]",
        "extent = [-40.0, -15.0, 10.0, 52.0]\nprojection = \"lcc\"",
    );
    std::fs::write(&toml, text).unwrap();
    let Err(gazmap::Error::Invalid(findings)) = gazmap::open(&atlas) else {
        panic!("check passes a conic across the equator")
    };
    let f: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert!(
        f.iter().any(|f| f.contains("atlas.toml:")
            && f.contains("sheet `atlantic`")
            && f.contains("projection = \"auto\"")),
        "{f:#?}"
    );
}

/// The voyage fixture's printed sheets (built once per test run): (output folder, sheets.json).
fn voyage_print() -> &'static (std::path::PathBuf, serde_json::Value) {
    static OUT: std::sync::OnceLock<(std::path::PathBuf, serde_json::Value)> =
        std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let dir = util::shared_dir("voyage-print");
        let opts = gazmap::BuildOptions::only([gazmap::output::format::Format::Print]);
        gazmap::build_with(&util::root().join("tests/fixtures/voyage"), &dir, &opts)
            .expect("the voyage atlas prints");
        let sheets = std::fs::read_to_string(dir.join("print/sheets.json")).unwrap();
        (dir, serde_json::from_str(&sheets).unwrap())
    })
}

#[test]
fn each_sheet_of_an_atlas_across_the_equator_gets_a_projection_that_fits_it() {
    let (_, sheets) = voyage_print();
    let projection = |id: &str| util::sheet_projection(sheets, id);
    // -40..10 E, -15..52 N: across the equator, an azimuthal projection centred on the frame.
    assert!(
        projection("atlantic").starts_with("+proj=laea +lat_0=18.500000 +lon_0=-15.000000"),
        "{}",
        projection("atlantic")
    );
    // Narrow frames: their own UTM zones, north and south.
    assert!(projection("tenerife").starts_with("+proj=utm +zone=28 +ellps"));
    assert!(projection("rio").starts_with("+proj=utm +zone=23 +south"));
}

#[test]
fn land_pixels_of_a_sheet_across_the_equator_fall_where_the_coast_data_puts_land() {
    let (out, _) = voyage_print();
    let dir = util::root().join("tests/fixtures/voyage");
    let checked = gazmap::open(&dir).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    // The sheet as the build composed it, for its projection and frame.
    let sheets = gazmap::print::sheet::load(&dir).unwrap();
    let spec = sheets.iter().find(|s| s.id == "atlantic").unwrap();
    let locator = gazmap::print::load_locator(checked.atlas.meta.basemap_dir.as_deref()).unwrap();
    let c = gazmap::print::compose(&layers, locator.as_ref(), spec).unwrap();
    let png = std::fs::read(out.join("print/atlantic.png")).unwrap();
    let sheet = util::SheetImage::new(c, &png);
    let land = util::rgb(gazmap::style::LAND_COLOUR);
    let sea = util::rgb(gazmap::style::SEA_COLOUR);
    // Known land (the continents: the islands are too small at 1:50 000 000): the Sahara, Chad,
    // Spain, the Brazilian interior.
    for (lon, lat) in [
        (0.0, 20.0),
        (18.0, 12.0),
        (-4.0, 40.0),
        (-44.0, -9.0),
        (-55.0, -5.0),
    ] {
        assert!(
            util::on_land(&layers, lon, lat),
            "the coast data has {lon},{lat} at sea"
        );
        let (l, s) = (sheet.share(lon, lat, land), sheet.share(lon, lat, sea));
        assert!(
            l > 0.25 && s == 0.0,
            "{lon},{lat}: {l:.2} of the pixels land-coloured, {s:.2} sea-coloured"
        );
    }
    // Known sea: the open Atlantic north and south of the line, the Gulf of Guinea.
    for (lon, lat) in [(-45.0, 30.0), (-20.0, 45.0), (-10.0, 0.0), (-25.0, -10.0)] {
        assert!(
            !util::on_land(&layers, lon, lat),
            "the coast data has {lon},{lat} on land"
        );
        let (l, s) = (sheet.share(lon, lat, land), sheet.share(lon, lat, sea));
        assert!(
            s > 0.5 && l == 0.0,
            "{lon},{lat}: {s:.2} of the pixels sea-coloured, {l:.2} land-coloured"
        );
    }
}

#[test]
fn a_small_atlas_outside_the_regional_basemap_carries_only_its_cut_of_the_world() {
    // The tiny atlas (40-45 E) reaches west of the regional basemap (44-70 E): the world layers,
    // cut to its extent plus margin, are used instead; so Arkhangelsk is on land.
    let checked = gazmap::open(&util::tiny()).unwrap();
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    assert_eq!(
        layers.layer("borders").unwrap().title,
        "National borders (modern)"
    );
    // A 9° × 6° cut: the intermediate-resolution coast.
    assert_eq!(
        layers.layer("coast").unwrap().title,
        "Land (intermediate resolution)"
    );
    assert!(util::on_land(&layers, 40.54, 64.54), "Arkhangelsk");
    assert!(util::on_land(&layers, 44.27, 65.83), "Mezen");
    assert!(!util::on_land(&layers, 38.0, 65.0), "the White Sea");
    let cut = gazmap::basemap::cut_box([40.0, 63.8, 45.0, 66.2]);
    assert_eq!(layers.basemap_coverage, Some(cut));
    for l in &layers.basemap {
        for f in &l.features {
            let b = geo::BoundingRect::bounding_rect(f.geometry.as_ref().unwrap()).unwrap();
            assert!(
                b.min().x >= cut[0] - 1e-6 && b.max().x <= cut[2] + 1e-6,
                "{} {} reaches {:?}",
                l.name,
                f.id,
                b
            );
            assert!(
                b.min().y >= cut[1] - 1e-6 && b.max().y <= cut[3] + 1e-6,
                "{} {} reaches {:?}",
                l.name,
                f.id,
                b
            );
        }
    }
    let vertices: usize = layers
        .basemap
        .iter()
        .flat_map(|l| &l.features)
        .map(|f| geo::CoordsIter::coords_count(f.geometry.as_ref().unwrap()))
        .sum();
    assert!(
        vertices < 20_000,
        "{vertices} basemap vertices for a 4-site atlas"
    );
    // And so does its tile archive (33 MB with the whole regional basemap before).
    let out = tempfile::tempdir().unwrap();
    let opts = gazmap::BuildOptions::only([gazmap::output::format::Format::Pmtiles]);
    gazmap::build_with(&util::tiny(), out.path(), &opts).unwrap();
    let bytes = std::fs::metadata(out.path().join("tiny.pmtiles"))
        .unwrap()
        .len();
    assert!(bytes < 2_000_000, "tiny.pmtiles is {bytes} bytes");
    // Vorkuta stays on its high-resolution regional basemap, uncut.
    let vorkuta = gazmap::layers::build(&gazmap::open(&util::vorkuta()).unwrap().atlas).unwrap();
    assert_eq!(vorkuta.basemap_coverage, Some([44.0, 59.0, 70.0, 71.0]));
    assert!(vorkuta.layer("regions").is_some());
}

#[test]
fn check_warns_when_the_extent_goes_beyond_the_basemap() {
    // Without the world layers, the tiny atlas reaches 4 degrees west of the regional basemap.
    let (tmp, atlas) = util::copy_atlas(&util::tiny());
    std::fs::remove_dir_all(tmp.path().join("data/basemap/world")).unwrap();
    let checked = gazmap::open(&atlas).unwrap();
    let w: Vec<String> = checked.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.iter()
            .any(|w| w.contains("atlas.toml") && w.contains("west of 44°E")),
        "{w:#?}"
    );
    // And the print draws no sea west of 44 E (the sheet reports the gap).
    let layers = gazmap::layers::build(&checked.atlas).unwrap();
    assert_eq!(layers.basemap_coverage, Some([44.0, 59.0, 70.0, 71.0]));
    let spec = gazmap::print::default_sheets(&layers).remove(0);
    let c = gazmap::print::compose(&layers, None, &spec).unwrap();
    assert!(
        c.report
            .warnings
            .iter()
            .any(|w| w.contains("does not cover the whole frame")),
        "{:?}",
        c.report.warnings
    );
}
