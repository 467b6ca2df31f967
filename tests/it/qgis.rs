//! Opens the built GeoPackage, GeoJSON layers and project in real QGIS (PyQGIS, headless) and
//! renders them, through `tests/qgis/check_qgis.py`.
//!
//! Needs PyQGIS (Debian: `apt-get install qgis python3-qgis`), so it is `#[ignore]`d: a plain
//! `cargo test` lists it as ignored with the reason, and `cargo test --test it -- --ignored`
//! (which `.ci/run` runs) runs it, failing, not skipping, where QGIS is missing. Whether QGIS is
//! installed cannot decide at run time whether a test counts as ignored, hence the attribute. Set
//! `GAZMAP_QGIS_PYTHON` to the Python that has PyQGIS if it is not `/usr/bin/python3` or
//! `python3`. The rendered PNGs (layout and one Temporal Controller frame) are left in
//! `target/qgis-check/` to look at.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util;

/// A Python interpreter that can import `qgis.core`, if any.
pub(crate) fn qgis_python() -> Option<String> {
    let mut candidates = vec![];
    if let Ok(p) = std::env::var("GAZMAP_QGIS_PYTHON") {
        candidates.push(p);
    }
    candidates.extend(["/usr/bin/python3".to_owned(), "python3".to_owned()]);
    candidates.into_iter().find(|py| {
        Command::new(py)
            .args(["-c", "import qgis.core"])
            .env("QT_QPA_PLATFORM", "offscreen")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Runs `tests/qgis/check_qgis.py` in real QGIS on the build in `out` (atlas `id`), rendering
/// into `png_dir`; fails on any `FAIL` line; returns what the check printed.
pub(crate) fn run_check(out: &Path, id: &str, png_dir: &Path) -> String {
    let python = qgis_python().expect(
        "no Python here can import qgis.core: install `qgis python3-qgis` or set GAZMAP_QGIS_PYTHON",
    );
    let result = Command::new(&python)
        .arg(util::root().join("tests/qgis/check_qgis.py"))
        .arg(out)
        .arg(id)
        .arg(png_dir)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .expect("the QGIS check runs");
    let stdout = String::from_utf8_lossy(&result.stdout).into_owned();
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        result.status.success() && failures.is_empty(),
        "QGIS check failed ({}):\n{}\n--- stderr ---\n{}",
        result.status,
        failures.join("\n"),
        String::from_utf8_lossy(&result.stderr)
    );
    let checks = stdout.lines().filter(|l| l.starts_with("ok")).count();
    assert!(checks > 100, "the QGIS check ran ({checks} checks passed)");
    stdout
}

#[test]
#[ignore = "needs QGIS (apt-get install qgis python3-qgis); run: cargo test --test it qgis -- --include-ignored"]
fn qgis_opens_styles_and_renders_the_atlas() {
    let png_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| util::root().join("target"), PathBuf::from)
        .join("qgis-check");
    run_check(util::vorkuta_build(), "vorkuta", &png_dir);
    assert!(png_dir.join("vorkuta-layout.png").exists());
}
