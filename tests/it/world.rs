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
    let (tmp, atlas) = util::copy_atlas(&util::tiny());
    let parent = tmp.path().join("out");
    let out = parent.join("tiny");
    gazmap::build(&atlas, &out).expect("the tiny atlas builds");
    let before = snapshot(&out);
    assert!(before.contains_key("build-report.json"));
    assert!(
        before.contains_key("print/overview.svg"),
        "{:?}",
        before.keys()
    );

    // A sheet no projection can draw: a Lambert conic forced across the equator.
    let toml = atlas.join("atlas.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(
        "\n[[sheets]]\nid = \"impossible\"\ntitle = \"Impossible\"\nextent = [-40.0, -15.0, 10.0, 52.0]\nprojection = \"lcc\"\n",
    );
    std::fs::write(&toml, text).unwrap();
    let err = gazmap::build(&atlas, &out).expect_err("the impossible sheet stops the build");
    let msg = err.to_string();
    assert!(
        msg.contains("impossible"),
        "the error names the sheet: {msg}"
    );

    // The earlier build is byte-identical, and nothing else stands beside it.
    assert_eq!(snapshot(&out), before);
    let beside: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["tiny"]);
}

/// The voyage fixture's printed sheets (built once per test run): (output folder, sheets.json).
fn voyage_print() -> &'static (tempfile::TempDir, serde_json::Value) {
    static OUT: std::sync::OnceLock<(tempfile::TempDir, serde_json::Value)> =
        std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let opts = gazmap::BuildOptions::only([gazmap::output::format::Format::Print]);
        gazmap::build_with(
            &util::root().join("tests/fixtures/voyage"),
            dir.path(),
            &opts,
        )
        .expect("the voyage atlas prints");
        let sheets = std::fs::read_to_string(dir.path().join("print/sheets.json")).unwrap();
        (dir, serde_json::from_str(&sheets).unwrap())
    })
}

#[test]
fn each_sheet_of_an_atlas_across_the_equator_gets_a_projection_that_fits_it() {
    let (_, sheets) = voyage_print();
    let projection = |id: &str| {
        sheets
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("no sheet {id}"))["projection"]
            .as_str()
            .unwrap()
            .to_string()
    };
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
