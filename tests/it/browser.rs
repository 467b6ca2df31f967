//! The web map's own test suite (`web/`, `npm test`): viewer logic, the generated style read back by
//! MapLibre's style-spec, and end-to-end tests in headless Chromium against `gazmap serve`.
//!
//! It needs Node.js, Debian's Chromium (`CHROMIUM`, default `/usr/bin/chromium`) and
//! `web/node_modules` (`npm ci` in `web/`), so it is `#[ignore]`d: a plain `cargo test` lists it as
//! ignored with the reason, and `cargo test --test it -- --ignored`
//! (which `.ci/run` runs) runs it, failing, not skipping, where one of them is missing. Screenshots land in `web/test-results/`.

use std::process::Command;

use crate::util;

fn missing_prerequisite() -> Option<String> {
    let web = util::root().join("web");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if Command::new("node").arg("--version").output().is_err() {
        return Some("Node.js (`node`) is not installed".into());
    }
    if !std::path::Path::new(&chromium).exists() {
        return Some(format!(
            "Chromium is not at {chromium} (`apt-get install chromium`)"
        ));
    }
    if !web.join("node_modules").exists() {
        return Some("web/node_modules is missing (run `npm ci` in web/)".into());
    }
    None
}

#[test]
#[ignore = "needs Node.js, Chromium and `npm ci` in web/; run: cargo test --test it browser -- --include-ignored"]
fn web_map_suite_passes_in_headless_chromium() {
    if let Some(why) = missing_prerequisite() {
        panic!("cannot run the web map suite: {why}");
    }
    let output = Command::new("npm")
        .arg("test")
        .current_dir(util::root().join("web"))
        .env("GAZMAP_BIN", env!("CARGO_BIN_EXE_gazmap"))
        .output()
        .expect("npm runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "npm test failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("# fail 0"),
        "the web suite reported failures:\n{stdout}"
    );
}
