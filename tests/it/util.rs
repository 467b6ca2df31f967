//! Shared helpers: paths to the real atlas and fixtures, temporary output folders, the CLI.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real Vorkuta atlas.
pub fn vorkuta() -> PathBuf {
    root().join("data/vorkuta")
}

/// The second, tiny atlas.
pub fn tiny() -> PathBuf {
    root().join("tests/fixtures/tiny")
}

/// A `gazmap` command ready to run.
pub fn gazmap() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("gazmap").expect("the gazmap binary is built")
}

/// Copies an atlas folder (and the seeds it refers to, kept at the same relative place) into a
/// temporary directory, so a test can break it without touching the real data.
pub fn copy_atlas(src: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let rel = src.strip_prefix(root()).unwrap();
    let dst = tmp.path().join(rel);
    copy_dir(src, &dst);
    // The atlas refers to the seeds and the basemap by relative paths: keep them beside it.
    copy_dir(&root().join("seeds"), &tmp.path().join("seeds"));
    copy_dir(
        &root().join("data/basemap"),
        &tmp.path().join("data/basemap"),
    );
    (tmp, dst)
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
            let mut perms = std::fs::metadata(&to).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&to, perms).unwrap();
        }
    }
}

/// Builds the real atlas once per test run into a shared temporary folder and returns it.
pub fn vorkuta_build() -> &'static Path {
    static OUT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        gazmap::build(&vorkuta(), dir.path()).expect("the Vorkuta atlas builds");
        dir
    })
    .path()
}
