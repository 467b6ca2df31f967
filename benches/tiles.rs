//! Tile building benchmarks at small sizes (criterion): synthetic points over the Pechora basin
//! and the real atlas. The one-million-point comparison with tippecanoe is `benches/tiles_1m.sh`.
//!
//! ```text
//! cargo bench --bench tiles
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use gazmap::tiles::{self, InputOptions, TileOptions};

/// Writes `n` points (60 % around a few Komi towns, 40 % uniform; fixed seed) as GeoJSON.
fn synthetic_points(dir: &Path, n: u32) -> PathBuf {
    const TOWNS: &[(f64, f64)] = &[
        (50.84, 61.67),
        (53.69, 63.56),
        (64.03, 67.50),
        (57.22, 65.15),
    ];
    let path = dir.join(format!("points-{n}.geojson"));
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).expect("temp file"));
    let mut s = 0x005E_ED0F_C0A1_u64;
    let mut unit = move || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        #[allow(clippy::cast_precision_loss)]
        let u = (s >> 11) as f64 / (1u64 << 53) as f64;
        u
    };
    let _ = w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[");
    for i in 0..n {
        let (lon, lat) = if unit() < 0.6 {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let t = TOWNS[(unit() * TOWNS.len() as f64) as usize % TOWNS.len()];
            (t.0 + (unit() - 0.5) * 0.6, t.1 + (unit() - 0.5) * 0.3)
        } else {
            (50.0 + unit() * 16.0, 60.0 + unit() * 9.0)
        };
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(
            w,
            "{sep}{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon:.6},{lat:.6}]}},\"properties\":{{\"id\":{i},\"name\":\"Point {i}\",\"kind\":\"camp\",\"start\":\"1937-01-01\",\"end\":\"1937-12-31\"}}}}"
        );
    }
    let _ = w.write_all(b"]}\n");
    let _ = w.flush();
    path
}

fn points(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("gazmap-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut group = c.benchmark_group("tiles");
    group.sample_size(10);
    for n in [10_000u32, 50_000] {
        let input = synthetic_points(&dir, n);
        let out = dir.join(format!("points-{n}.pmtiles"));
        let opts = TileOptions {
            drop_densest: true,
            ..TileOptions::default()
        };
        group.bench_function(format!("points_{n}_z0-14"), |b| {
            b.iter(|| {
                tiles::tile_geojson(
                    std::slice::from_ref(&input),
                    &InputOptions::default(),
                    &opts,
                    &out,
                    &tiles::Quiet,
                )
                .expect("tiles")
            });
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

fn atlas(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/vorkuta");
    let Ok(checked) = gazmap::open(&dir) else {
        return;
    };
    let Ok(layers) = gazmap::layers::build(&checked.atlas) else {
        return;
    };
    let Ok(config) = tiles::AtlasTiles::from_atlas_dir(&dir) else {
        return;
    };
    let out =
        std::env::temp_dir().join(format!("gazmap-bench-atlas-{}.pmtiles", std::process::id()));
    let mut group = c.benchmark_group("tiles");
    group.sample_size(10);
    group.bench_function("atlas_vorkuta", |b| {
        b.iter(|| tiles::atlas::write(&layers, &config, &out, &tiles::Quiet).expect("atlas tiles"));
    });
    group.finish();
    let _ = std::fs::remove_file(&out);
}

criterion_group!(benches, points, atlas);
criterion_main!(benches);
