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

/// Builds the real atlas once per test run into a shared folder and returns it.
pub fn vorkuta_build() -> &'static Path {
    static OUT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let dir = shared_dir("vorkuta");
        gazmap::build(&vorkuta(), &dir).expect("the Vorkuta atlas builds");
        dir
    })
}

/// A fresh folder shared by the tests of this run, under cargo's `target/tmp`: a `static` is
/// never dropped, so a `TempDir` held in one is never removed (every run left its builds, about
/// 70 MB each, in `/tmp`). The folder is named by the process; folders of runs that have ended
/// (no `/proc/PID`) are removed when a new one is made.
pub fn shared_dir(name: &str) -> PathBuf {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let prefix = format!("shared-{name}-");
    if Path::new("/proc/self").exists()
        && let Ok(entries) = std::fs::read_dir(base)
    {
        for e in entries.flatten() {
            let file = e.file_name();
            let Some(pid) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
                continue;
            };
            if !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let dir = base.join(format!("{prefix}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `#rrggbb` as red, green, blue.
pub fn rgb(hex: &str) -> [u8; 3] {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// True when the coast data (the atlas's basemap land polygons) puts `(lon, lat)` on land.
pub fn on_land(layers: &gazmap::layers::Layers, lon: f64, lat: f64) -> bool {
    use geo::Contains;
    let coast = layers.layer("coast").expect("a coast layer");
    coast
        .features
        .iter()
        .filter_map(|f| f.geometry.as_ref())
        .any(|g| g.contains(&geo::Point::new(lon, lat)))
}

/// A printed sheet's PNG with the composition that drew it, to look up the pixel of a place.
pub struct SheetImage {
    pub composed: gazmap::print::Composed,
    pub img: resvg::tiny_skia::Pixmap,
}

impl SheetImage {
    pub fn new(composed: gazmap::print::Composed, png: &[u8]) -> Self {
        let img = resvg::tiny_skia::Pixmap::decode_png(png).unwrap();
        Self { composed, img }
    }

    /// The pixel where `(lon, lat)` is drawn (panics when it is off the main map).
    pub fn pixel(&self, lon: f64, lat: f64) -> (u32, u32) {
        let c = &self.composed;
        let px_per_mm = f64::from(self.img.width()) / c.size_mm.0;
        let [x0, y0, x1, y1] = c.map_rect_mm;
        let (x, y) = c.projection.forward(lon, lat).unwrap();
        let mx = f64::midpoint(x0, x1) + (x - c.centre_m.0) * 1000.0 / c.scale;
        let my = f64::midpoint(y0, y1) - (y - c.centre_m.1) * 1000.0 / c.scale;
        assert!(
            mx > x0 && mx < x1 && my > y0 && my < y1,
            "{lon},{lat} is off the map"
        );
        ((mx * px_per_mm) as u32, (my * px_per_mm) as u32)
    }

    /// Share of the 9 × 9 pixel window around `(lon, lat)` in `colour` (rivers, borders, grid
    /// lines and symbols cross some).
    pub fn share(&self, lon: f64, lat: f64, colour: [u8; 3]) -> f64 {
        let (px, py) = self.pixel(lon, lat);
        let mut hit = 0;
        for dy in 0..9 {
            for dx in 0..9 {
                let p = self.img.pixel(px + dx - 4, py + dy - 4).unwrap();
                let d = (i32::from(p.red()) - i32::from(colour[0])).abs()
                    + (i32::from(p.green()) - i32::from(colour[1])).abs()
                    + (i32::from(p.blue()) - i32::from(colour[2])).abs();
                if d <= 6 {
                    hit += 1;
                }
            }
        }
        f64::from(hit) / 81.0
    }
}

/// The proj string a build chose for sheet `id`, from its `print/sheets.json`.
pub fn sheet_projection(sheets: &serde_json::Value, id: &str) -> String {
    sheets
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no sheet {id}"))["projection"]
        .as_str()
        .unwrap()
        .to_owned()
}
