//! Writes a synthetic atlas of N sites for the scale benchmark (`benches/atlas_scale.sh`).
//!
//! The shape of issue 16: N sites over the Pechora basin (lon 50..66 E, lat 60..69 N), 10 N
//! events of which a third are movements between two sites, N/10 stated distances, and one
//! source text with a passage of about 200 bytes per row, each row quoting words found nowhere
//! else (some passages carry Cyrillic and curly quotes, so byte and character offsets differ).
//! Deterministic: the same N and seed give the same bytes. The atlas checks with warnings only
//! (some stated distances contradict the coordinates, on purpose).
//!
//! ```text
//! cargo run --release --example synth_atlas -- 1000 /tmp/synth-1000            # seed 1
//! cargo run --release --example synth_atlas -- 1000 /tmp/synth-1000 --seed 7 --sources 50
//! ```
//!
//! `--sources K` spreads the passages over K source files (round robin).

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::Path;

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

    #[allow(clippy::cast_possible_truncation)]
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SITE_KINDS: &[&str] = &[
    "mine",
    "camp",
    "camp_hq",
    "barracks",
    "prison",
    "execution_site",
    "landing",
    "settlement",
    "building",
];
const EVENT_KINDS: &[&str] = &[
    "arrival",
    "strike",
    "arrest",
    "execution",
    "imprisonment",
    "message",
    "work",
    "death",
];
const BASES: &[&str] = &["documented", "approximate", "inferred"];
const MODES: &[&str] = &["on foot", "by barge", "by train", "by reindeer sledge"];
const WORDS: &[&str] = &[
    "tundra",
    "barracks",
    "river",
    "convoy",
    "brickyard",
    "prisoners",
    "guards",
    "snow",
    "hunger",
    "commission",
    "transport",
    "camp point",
    "Воркута",
    "Усинск",
    "the ‘old’ mine",
    "Pechora",
];

/// A unique token for row `i`: letters only, so no quote is a substring of another's token.
fn token(i: usize) -> String {
    let mut n = i;
    let mut s = String::from("q");
    loop {
        s.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    s.push('x');
    s
}

/// One passage of about 200 bytes and the quote (a unique part of it) a row cites.
fn passage(rng: &mut Rng, i: usize, what: &str) -> (String, String) {
    let a = rng.pick(WORDS);
    let b = rng.pick(WORDS);
    let quote = format!("the {what} called {} near the {a}", token(i));
    let text = format!(
        "Record {i}. They told us about {quote}, and then about the {b}; nobody could say more than that, and the {} was silent.\n",
        rng.pick(WORDS)
    );
    (text, quote)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn date(rng: &mut Rng) -> String {
    // 1936-06 .. 1938-05, any day 1..28.
    let m = rng.below(24);
    let (y, mo) = (1936 + (m + 5) / 12, (m + 5) % 12 + 1);
    format!("{y}-{mo:02}-{:02}", rng.below(28) + 1)
}

fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let dla = la2 - la1;
    let dlo = (b.0 - a.0).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: synth_atlas N OUT_DIR [--seed S] [--sources K]";
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).expect(usage);
    let out = Path::new(args.get(2).expect(usage));
    let flag = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(default, |v| v.parse().expect(usage))
    };
    let seed = flag("--seed", 1);
    let n_sources = usize::try_from(flag("--sources", 1)).unwrap_or(1).max(1);
    let rows = generate(n, out, seed, n_sources)?;
    eprintln!(
        "wrote {} ({n} sites, {} events, {} claims, {rows} quotes in {n_sources} source(s))",
        out.display(),
        10 * n,
        n / 10
    );
    Ok(())
}

/// Writes the atlas of `n` sites into `out` (created); returns the number of quoted rows.
/// (The tests include this file to make the same atlases.)
pub fn generate(n: usize, out: &Path, seed: u64, n_sources: usize) -> std::io::Result<usize> {
    let n_sources = n_sources.max(1);
    std::fs::create_dir_all(out)?;
    let mut rng = Rng(seed);
    let mut texts = vec![String::new(); n_sources];
    let mut row = 0usize;
    let mut cite = |rng: &mut Rng, what: &str| {
        let (text, quote) = passage(rng, row, what);
        let k = row % n_sources;
        texts[k].push_str(&text);
        row += 1;
        (format!("src{k}"), quote)
    };

    let mut sites = BufWriter::new(std::fs::File::create(out.join("sites.csv"))?);
    writeln!(
        sites,
        "id,name,names,kind,lat,lon,uncertainty_m,basis,basis_reason,coord_ref,source,quote,alternative_to,part_of,when,wikidata,geonames,notes"
    )?;
    let mut points = Vec::with_capacity(n);
    for i in 0..n {
        let lon = 50.0 + 16.0 * rng.unit();
        let lat = 60.0 + 9.0 * rng.unit();
        let r = 100 * (1 + rng.below(50));
        points.push((lon, lat));
        let (src, quote) = cite(&mut rng, "place");
        writeln!(
            sites,
            "s{i},Place {i},Место {i}@ru,{},{lat:.5},{lon:.5},{r},{},Synthetic point {i},synthetic,{src},{},,,,,,",
            rng.pick(SITE_KINDS),
            rng.pick(BASES),
            csv_field(&quote),
        )?;
    }
    sites.flush()?;

    let mut events = BufWriter::new(std::fs::File::create(out.join("events.csv"))?);
    writeln!(
        events,
        "id,title,kind,when,site,from_site,to_site,people,people_text,mode,source,quote,disputed,notes"
    )?;
    for i in 0..10 * n {
        let when = date(&mut rng);
        if i % 3 == 0 && n > 1 {
            let from = rng.below(n);
            let to = (from + 1 + rng.below(n - 1)) % n;
            let (src, quote) = cite(&mut rng, "transfer");
            let people = 5 + rng.below(500);
            writeln!(
                events,
                "e{i},Transfer {i},transfer,{when},,s{from},s{to},{people},,{},{src},{},,",
                rng.pick(MODES),
                csv_field(&quote)
            )?;
        } else {
            let site = rng.below(n);
            let (src, quote) = cite(&mut rng, "event");
            writeln!(
                events,
                "e{i},Event {i},{},{when},s{site},,,,,,{src},{},,",
                rng.pick(EVENT_KINDS),
                csv_field(&quote)
            )?;
        }
    }
    events.flush()?;

    let mut claims = BufWriter::new(std::fs::File::create(out.join("claims.csv"))?);
    writeln!(
        claims,
        "id,from_site,to_site,stated_m,tolerance_m,by_construction,source,quote,notes"
    )?;
    for i in 0..n / 10 {
        let from = rng.below(n);
        let to = (from + 1 + rng.below(n.max(2) - 1)) % n;
        // Most statements agree with the coordinates; every seventh is off by half.
        let d = haversine_m(points[from], points[to]);
        let stated = if i % 7 == 0 { d * 1.5 } else { d }.round().max(1.0);
        // The quote states the distance with its unit, as `check` requires of a stated one.
        let (src, quote) = cite(
            &mut rng,
            &format!("distance of {} kilometres", (stated / 1000.0).round()),
        );
        writeln!(
            claims,
            "c{i},s{from},s{to},{stated},{},false,{src},{},",
            (stated * 0.1).round().max(100.0),
            csv_field(&quote)
        )?;
    }
    claims.flush()?;

    let mut toml = String::new();
    writeln!(
        toml,
        "[atlas]\nid = \"synth{n}\"\ntitle = \"Synthetic atlas of {n} sites\"\ndescription = \"Generated by examples/synth_atlas.rs (seed {seed}).\"\nlicence = \"CC0\"\nextent = [50.0, 60.0, 66.0, 69.0]\ntime_range = \"1936-06/1938-06\"\n"
    )
    .ok();
    for (k, text) in texts.iter().enumerate() {
        let file = format!("source{k}.txt");
        std::fs::write(out.join(&file), text)?;
        writeln!(
            toml,
            "[[sources]]\nid = \"src{k}\"\nfile = \"{file}\"\ntitle = \"Synthetic source {k}\"\n"
        )
        .ok();
    }
    toml.push_str("[[periods]]\nid = \"first_year\"\ntitle = \"The first year\"\nwhen = \"1936-06/1937-05\"\n");
    // The camp kinds are the atlas's own (settlement, building and landing are built in).
    for (id, symbol, colour) in [
        ("mine", "square", "#3b3b3b"),
        ("camp", "square", "#8c2d04"),
        ("camp_hq", "diamond", "#e08214"),
        ("barracks", "triangle", "#d7301f"),
        ("prison", "square", "#7f0000"),
        ("execution_site", "cross", "#000000"),
    ] {
        writeln!(
            toml,
            "\n[[kinds]]\nid = \"{id}\"\nsymbol = \"{symbol}\"\ncolour = \"{colour}\""
        )
        .ok();
    }
    std::fs::write(out.join("atlas.toml"), toml)?;
    Ok(row)
}
