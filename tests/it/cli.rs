//! The `gazmap` command line on the real atlas and the tiny fixture.

use predicates::prelude::*;

use crate::util;

#[test]
fn check_passes_on_the_real_atlas() {
    util::gazmap()
        .arg("check")
        .arg(util::vorkuta())
        .assert()
        .success()
        .stdout(predicate::str::contains("ok:"));
}

#[test]
fn distance_prints_km_bearing_and_range() {
    let out = util::gazmap()
        .args(["distance", "chibyu", "vorkuta_mine", "--atlas"])
        .arg(util::vorkuta())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let expected_km = crate::atlas_expect::CHIBYU_RUDNIK_M / 1000.0;
    assert!(
        text.contains(&format!("distance: {expected_km:.3} km")),
        "{text}"
    );
    assert!(text.contains("bearing: 42.7 degrees"), "{text}");
    assert!(text.contains("range allowed by uncertainty:"), "{text}");
}

#[test]
fn distance_rejects_unknown_sites() {
    util::gazmap()
        .args(["distance", "chibyu", "atlantis", "--atlas"])
        .arg(util::vorkuta())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown site id `atlantis`"));
}

#[test]
fn matrix_prints_a_square_table() {
    let out = util::gazmap()
        .args(["matrix", "--atlas"])
        .arg(util::tiny())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("site,"));
    assert_eq!(lines.len(), crate::atlas_expect::TINY_SITES + 1);
    assert_eq!(
        lines[0].split(',').count(),
        crate::atlas_expect::TINY_SITES + 1
    );
}

#[test]
fn build_defaults_to_the_vorkuta_atlas() {
    let tmp = tempfile::tempdir().unwrap();
    util::gazmap()
        .current_dir(tmp.path())
        .arg("build")
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote"));
    assert!(tmp.path().join("out/vorkuta/sites.geojson").exists());
}
