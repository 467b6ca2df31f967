//! Writes N synthetic points over the Pechora basin as GeoJSON, for the tile benchmarks.
//!
//! The recipe of `shared/BASELINES.md`: lon 50..66 E, lat 60..69 N; 60 % in clusters around real
//! Komi towns (Gaussian spread, larger towns larger clusters), 40 % uniform; a fixed seed, so the
//! same N always gives the same file; five properties `id` (integer), `name`, `kind`, `start`,
//! `end` (ISO dates in 1936–1938).
//!
//! ```text
//! cargo run --release --example synth_points -- 1000000 points.geojson          # FeatureCollection
//! cargo run --release --example synth_points -- 1000000 points.geojsonl --seq    # GeoJSONSeq
//! ```

use std::io::{BufWriter, Write};

/// Komi towns: name, lon, lat (degrees), relative weight.
const TOWNS: &[(&str, f64, f64, f64)] = &[
    ("Syktyvkar", 50.84, 61.67, 8.0),
    ("Ukhta", 53.69, 63.56, 5.0),
    ("Vorkuta", 64.03, 67.50, 4.0),
    ("Pechora", 57.22, 65.15, 3.0),
    ("Usinsk", 57.53, 65.99, 2.5),
    ("Inta", 60.16, 66.04, 2.5),
    ("Sosnogorsk", 53.88, 63.60, 2.0),
    ("Vuktyl", 57.32, 63.86, 1.0),
    ("Emva", 50.87, 62.59, 1.0),
    ("Ust-Tsilma", 52.15, 65.44, 0.8),
    ("Izhma", 53.92, 65.01, 0.8),
    ("Troitsko-Pechorsk", 56.19, 62.71, 0.8),
    ("Ust-Kulom", 53.69, 61.69, 0.6),
    ("Mikun", 50.07, 62.36, 0.6),
    ("Koygorodok", 50.99, 60.44, 0.5),
    ("Ust-Usa", 56.92, 65.97, 0.5),
];

const KINDS: &[&str] = &[
    "settlement",
    "camp",
    "station",
    "mine",
    "outpost",
    "landing",
];

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[allow(clippy::cast_precision_loss)]
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn gauss(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// Civil date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let out = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "points.geojson".into());
    let seq = args.iter().any(|a| a == "--seq");
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&out)?);
    let mut rng = Rng(0x005E_ED0F_C0A1);
    let total_weight: f64 = TOWNS.iter().map(|t| t.3).sum();
    let day0 = -12_053; // 1937-01-01, counted in days from 1970-01-01
    if !seq {
        w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    }
    for i in 0..n {
        let clustered = rng.unit() < 0.6;
        let (lon, lat, name) = if clustered {
            let mut pick = rng.unit() * total_weight;
            let mut town = TOWNS[0];
            for t in TOWNS {
                if pick < t.3 {
                    town = *t;
                    break;
                }
                pick -= t.3;
            }
            let spread = 0.15 + 0.12 * town.3.sqrt();
            let lat = (town.2 + rng.gauss() * spread).clamp(60.0, 69.0);
            let lon = (town.1 + rng.gauss() * spread * 2.2).clamp(50.0, 66.0);
            (lon, lat, format!("{} {}", town.0, i))
        } else {
            (
                50.0 + rng.unit() * 16.0,
                60.0 + rng.unit() * 9.0,
                format!("Point {i}"),
            )
        };
        #[allow(clippy::cast_possible_truncation)]
        let kind = KINDS[(rng.next() % KINDS.len() as u64) as usize];
        #[allow(clippy::cast_possible_wrap)]
        let start = day0 - 366 + (rng.next() % 730) as i64;
        #[allow(clippy::cast_possible_wrap)]
        let end = start + 1 + (rng.next() % 365) as i64;
        let sep = if seq || i + 1 == n { "" } else { "," };
        writeln!(
            w,
            "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon:.6},{lat:.6}]}},\"properties\":{{\"id\":{i},\"name\":\"{name}\",\"kind\":\"{kind}\",\"start\":\"{}\",\"end\":\"{}\"}}}}{sep}",
            date(start),
            date(end)
        )?;
    }
    if !seq {
        w.write_all(b"]}\n")?;
    }
    w.flush()
}
