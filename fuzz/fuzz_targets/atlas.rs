//! The atlas loader and checks (`gazmap::open`) and the layer join (`layers::build`) over a whole
//! atlas written into a temporary folder. The input holds the files in a fixed order separated
//! by NUL bytes: atlas.toml, sites.csv, events.csv, claims.csv, lines.geojson, source.txt (a
//! missing part leaves that file out). Seeds are the real atlases with their source renamed.
#![no_main]

use libfuzzer_sys::fuzz_target;

const FILES: [&str; 6] = [
    "atlas.toml",
    "sites.csv",
    "events.csv",
    "claims.csv",
    "lines.geojson",
    "source.txt",
];

fuzz_target!(|data: &[u8]| {
    let parts: Vec<&[u8]> = data.split(|b| *b == 0).collect();
    // Special files would hang or flood the loader (an atlas naming /dev/zero as its source is
    // the user's own doing): keep the fuzzer inside its folder.
    if let Some(toml) = parts.first() {
        let t = String::from_utf8_lossy(toml);
        if ["/dev", "/proc", "/sys", ".."].iter().any(|bad| t.contains(bad)) {
            return;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in FILES.iter().zip(&parts) {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    match gazmap::open(dir.path()) {
        Ok(mut checked) => {
            // The basemap is the project's real data, not fuzz input.
            checked.atlas.meta.basemap_dir = None;
            let layers = gazmap::layers::build(&checked.atlas).expect("a checked atlas builds");
            assert!(layers.atlas.iter().all(|l| !l.name.is_empty()));
        }
        Err(gazmap::Error::Invalid(findings)) => {
            assert!(findings.iter().any(|f| f.is_error()), "rejected without an error");
            for f in &findings {
                let _ = f.to_string();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
