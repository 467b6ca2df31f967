//! Authoring help: the atlas a command finds, `gazmap new`, `gazmap quote`, locale hints, and
//! the checks of sheets, extents and time ranges.

use predicates::prelude::*;

use crate::util;

#[test]
fn check_inside_an_atlas_folder_checks_that_atlas() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    util::gazmap()
        .current_dir(&atlas)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "ok: {} sites",
            crate::atlas_expect::TINY_SITES
        )));
}

#[test]
fn commands_outside_an_atlas_folder_say_how_to_name_one() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["check"][..],
        &["matrix"],
        &["distance", "a", "b"],
        &["export", "--format", "kml"],
    ] {
        util::gazmap()
            .current_dir(tmp.path())
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "no atlas.toml in the current folder",
            ));
    }
}

#[test]
fn distance_and_matrix_take_the_atlas_as_a_positional_folder() {
    util::gazmap()
        .args(["distance", "arkhangelsk", "kholmogory"])
        .arg(util::tiny())
        .assert()
        .success()
        .stdout(predicate::str::contains("distance: 63.914 km"));
    let out = util::gazmap()
        .arg("matrix")
        .arg(util::tiny())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap().lines().count(),
        crate::atlas_expect::TINY_SITES + 1
    );
}

#[test]
fn distance_names_the_atlas_and_suggests_a_site() {
    util::gazmap()
        .args(["distance", "arkhangelsk", "kholmogry"])
        .arg(util::tiny())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "unknown site id `kholmogry` in atlas `tiny`",
        ))
        .stderr(predicate::str::contains("did you mean `kholmogory`?"));
}

#[test]
fn build_help_lists_every_format() {
    let out = util::gazmap()
        .args(["build", "--help"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for f in gazmap::output::format::Format::ALL {
        assert!(
            text.contains(&format!(" {},", f.name()))
                || text.ends_with(f.name())
                || text.contains(&format!(" {}\n", f.name())),
            "`{}` missing from build --help:\n{text}",
            f.name()
        );
    }
}

#[test]
fn export_to_a_file_name_writes_that_file() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("places.lpf.json");
    util::gazmap()
        .args(["export", "--format", "lpf", "-o"])
        .arg(&target)
        .arg(util::tiny())
        .assert()
        .success();
    assert!(target.is_file(), "{} is not a file", target.display());
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(
        json["features"].as_array().unwrap().len(),
        crate::atlas_expect::TINY_SITES
    );
    // Nothing else is left beside it (the temporary export folder is gone).
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("places.lpf.json")]);
}

#[test]
fn new_writes_an_atlas_that_check_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("Beagle Journal.txt");
    std::fs::write(
        &source,
        "We sailed from Plymouth on the 27th of December.\n",
    )
    .unwrap();
    let dir = tmp.path().join("voyage");
    util::gazmap()
        .arg("new")
        .arg(&dir)
        .arg("--source")
        .arg(&source)
        .assert()
        .success()
        .stdout(predicate::str::contains("new atlas `voyage`"));
    let toml_text = std::fs::read_to_string(dir.join("atlas.toml")).unwrap();
    assert!(
        toml_text.contains("file = \"sources/Beagle Journal.txt\""),
        "{toml_text}"
    );
    assert!(toml_text.contains("id = \"beagle_journal\""), "{toml_text}");
    assert_eq!(
        std::fs::read(dir.join("sources/Beagle Journal.txt")).unwrap(),
        std::fs::read(&source).unwrap()
    );
    let header = std::fs::read_to_string(dir.join("sites.csv")).unwrap();
    assert!(
        header.starts_with("id,name,names,kind,lat,lon,"),
        "{header}"
    );
    util::gazmap()
        .arg("check")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 0 sites, 0 events, 0 claims"));
    // A second `new` into the same folder refuses and changes nothing.
    util::gazmap()
        .arg("new")
        .arg(&dir)
        .arg("--source")
        .arg(&source)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not empty"));
    assert_eq!(
        std::fs::read_to_string(dir.join("atlas.toml")).unwrap(),
        toml_text
    );
}

#[test]
fn new_can_refer_to_the_source_where_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("seeds")).unwrap();
    let source = tmp.path().join("seeds/journal.txt");
    std::fs::write(&source, "Land was sighted at dawn.\n").unwrap();
    let dir = tmp.path().join("data/voyage");
    util::gazmap()
        .arg("new")
        .arg(&dir)
        .arg("--source")
        .arg(&source)
        .arg("--reference")
        .assert()
        .success();
    let toml_text = std::fs::read_to_string(dir.join("atlas.toml")).unwrap();
    assert!(
        toml_text.contains("file = \"../../seeds/journal.txt\""),
        "{toml_text}"
    );
    assert!(!dir.join("sources").exists());
    // Add one cited site by hand: check resolves the quote through the reference.
    let mut sites = std::fs::read_to_string(dir.join("sites.csv")).unwrap();
    sites.push_str("land,Land,,settlement,10.0,-20.0,5000,inferred,From the account.,placed from the account,journal,Land was sighted,,,,,,\n");
    std::fs::write(dir.join("sites.csv"), sites).unwrap();
    util::gazmap()
        .current_dir(&dir)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 1 sites"));
}
