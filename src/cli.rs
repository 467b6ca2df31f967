//! The `gazmap` command line: parses arguments, calls the library, prints results and errors.
//! No format logic lives here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use gazmap::output::format::Format;
use gazmap::{BuildOptions, Error, layers, output};

/// Turn a narrative historical source into cited, time-aware map layers.
#[derive(Debug, Parser)]
#[command(name = "gazmap", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check an atlas folder and report every problem at once (exit 1 if any is an error).
    Check {
        /// Atlas folder (default: data/vorkuta).
        atlas: Option<PathBuf>,
    },
    /// Check an atlas and write all its outputs (nothing is written if a check fails).
    Build {
        /// Atlas folder (default: data/vorkuta).
        atlas: Option<PathBuf>,
        /// Output folder (default: out/<atlas id>).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Write only these formats, comma-separated (default: all): geojson, csv, lpf, lptsv,
        /// kml, fgb, geojsonseq, gpkg.
        #[arg(long, value_delimiter = ',', value_parser = parse_format)]
        format: Vec<Format>,
        /// Write distances.csv (the all-pairs matrix) even above 2,000 located sites.
        #[arg(long)]
        all_pairs: bool,
    },
    /// Check an atlas and write one format (no build report): lpf, lptsv, kml, fgb,
    /// geojsonseq, gpkg, geojson or csv.
    Export {
        /// The format to write.
        #[arg(long, value_parser = parse_format)]
        format: Format,
        /// Atlas folder (default: data/vorkuta).
        atlas: Option<PathBuf>,
        /// Output folder (default: out/<atlas id>).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// With csv: write distances.csv even above 2,000 located sites.
        #[arg(long)]
        all_pairs: bool,
    },
    /// Geodesic distance, initial bearing and the range the two sites' uncertainty allows.
    Distance {
        /// Site id to measure from.
        site_a: String,
        /// Site id to measure to.
        site_b: String,
        /// Atlas folder (default: data/vorkuta).
        #[arg(long)]
        atlas: Option<PathBuf>,
    },
    /// Build vector tiles from GeoJSON or GeoJSONSeq files, like tippecanoe: one PMTiles v3
    /// archive, or MBTiles when OUTPUT ends in `.mbtiles`.
    Tiles(Box<TilesArgs>),
    /// Print map sheets (SVG, PDF, PNG): every sheet of atlas.toml, or one, with overrides.
    Print {
        /// Atlas folder (default: data/vorkuta).
        atlas: Option<PathBuf>,
        /// Sheet id (see atlas.toml `[[sheets]]`; period sheets are `<id>-<period>`).
        #[arg(long)]
        sheet: Option<String>,
        /// Paper: A4, A3 or letter.
        #[arg(long)]
        paper: Option<String>,
        /// landscape or portrait.
        #[arg(long)]
        orientation: Option<String>,
        /// PNG resolution in dots per inch.
        #[arg(long)]
        dpi: Option<u32>,
        /// Show only what possibly happened on this day (YYYY-MM-DD).
        #[arg(long)]
        at: Option<String>,
        /// Comma-separated formats: svg, pdf, png.
        #[arg(long, default_value = "svg,pdf,png")]
        format: String,
        /// Output folder (default: out/<atlas id>/print).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// The all-pairs geodesic distance matrix of the located sites (km, CSV).
    Matrix {
        /// Atlas folder (default: data/vorkuta).
        #[arg(long)]
        atlas: Option<PathBuf>,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Serve a built atlas's web map over HTTP (loopback only unless --bind says otherwise).
    Serve {
        /// Build output folder: `out/` or `out/<atlas id>/` (default: out).
        dir: Option<PathBuf>,
        /// TCP port (0 picks a free one).
        #[arg(long, default_value_t = gazmap::serve::DEFAULT_PORT)]
        port: u16,
        /// Address to listen on; anything but 127.0.0.1 or ::1 opens the map to other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
}

/// Arguments of `gazmap tiles` (names follow tippecanoe where they can).
#[derive(Debug, clap::Args)]
struct TilesArgs {
    /// GeoJSON FeatureCollection / Feature files, or GeoJSONSeq (one feature per line; read as
    /// such when the name ends in .geojsonl, .geojsons, .geojsonseq, .ndjson or .jsonl, or the
    /// file starts with the RS character).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output archive (.pmtiles, or .mbtiles).
    #[arg(short = 'o', long)]
    output: PathBuf,
    /// Put all inputs into this one layer (default: one layer per file, named after it).
    #[arg(short = 'l', long)]
    layer: Option<String>,
    /// Last zoom level.
    #[arg(short = 'z', long, default_value_t = 14)]
    maxzoom: u8,
    /// First zoom level.
    #[arg(short = 'Z', long, default_value_t = 0)]
    minzoom: u8,
    /// Zoom from which every point is shown (default: maxzoom).
    #[arg(short = 'B', long)]
    base_zoom: Option<u8>,
    /// Below the base zoom, each zoom keeps one point in RATE (1: keep all).
    #[arg(short = 'r', long, default_value_t = 2.5)]
    drop_rate: f64,
    /// When a tile is over the size limit, drop its densest (lowest --priority) features.
    #[arg(long)]
    drop_densest_as_needed: bool,
    /// Largest gzipped tile in bytes.
    #[arg(short = 'M', long, default_value_t = 500_000)]
    maximum_tile_bytes: usize,
    /// Most features in one tile.
    #[arg(long, default_value_t = 200_000)]
    maximum_tile_features: usize,
    /// No tile size or feature limit.
    #[arg(long)]
    no_tile_size_limit: bool,
    /// Simplification tolerance in pixels (1/256 of a tile) at every zoom; 0 turns it off.
    #[arg(short = 'S', long, default_value_t = 0.25)]
    simplify_px: f64,
    /// Buffer around each tile in pixels (1/256 of a tile).
    #[arg(short = 'b', long, default_value_t = 5.0)]
    buffer_px: f64,
    /// Keep only this property (repeatable).
    #[arg(short = 'y', long = "include")]
    include: Vec<String>,
    /// Drop this property (repeatable).
    #[arg(short = 'x', long = "exclude")]
    exclude: Vec<String>,
    /// Drop all properties.
    #[arg(short = 'X', long)]
    exclude_all: bool,
    /// Numeric property: features with higher values survive thinning first.
    #[arg(long)]
    priority: Option<String>,
    /// Tileset name (default: the output file's stem).
    #[arg(short = 'n', long)]
    name: Option<String>,
    /// Tileset description.
    #[arg(long, default_value = "")]
    description: String,
    /// Attribution.
    #[arg(long, default_value = "")]
    attribution: String,
}

/// How a run ended, mapped to the process exit code.
enum Failure {
    /// Bad input data: exit 1.
    Input(String),
    /// Usage or I/O: exit 2.
    Other(String),
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
        .map_err(|e: output::format::UnknownFormat| e.to_string())
}

fn atlas_dir(dir: Option<PathBuf>) -> PathBuf {
    dir.unwrap_or_else(gazmap::default_atlas_dir)
}

fn from_lib(e: Error) -> Failure {
    match e {
        Error::Invalid(findings) => {
            let errors = findings.iter().filter(|f| f.is_error()).count();
            let mut text: Vec<String> = findings.iter().map(ToString::to_string).collect();
            text.push(format!(
                "{errors} error(s), {} warning(s): nothing was written",
                findings.len() - errors
            ));
            Failure::Input(text.join("\n"))
        }
        Error::Tiles(
            e @ (gazmap::tiles::TilesError::Config { .. }
            | gazmap::tiles::TilesError::Geometry { .. }),
        ) => Failure::Input(e.to_string()),
        other => Failure::Other(format!("{other}")),
    }
}

fn serve(dir: Option<PathBuf>, port: u16, bind: std::net::IpAddr) -> Result<String, Failure> {
    use gazmap::serve;
    let root = dir.unwrap_or_else(|| PathBuf::from(serve::DEFAULT_DIR));
    if serve::find_viewers(&root).is_empty() {
        return Err(Failure::Other(format!(
            "no web map in {} (looked for web/index.html and */web/index.html): run `gazmap build` first",
            root.display()
        )));
    }
    let server = serve::Server::start(&serve::Options { root, bind, port })
        .map_err(|e| Failure::Other(e.to_string()))?;
    let mut stdout = std::io::stdout().lock();
    if !bind.is_loopback() {
        let _ = writeln!(
            std::io::stderr(),
            "warning: listening on {bind}: other machines can reach this server"
        );
    }
    for url in server.viewer_urls() {
        let _ = writeln!(stdout, "open {url}");
    }
    let _ = writeln!(stdout, "serving on {} (Ctrl-C to stop)", server.base_url());
    let _ = stdout.flush();
    drop(stdout);
    server.wait().map_err(|e| Failure::Other(e.to_string()))?;
    Ok(String::new())
}

fn run(cli: Cli) -> Result<String, Failure> {
    match cli.command {
        Command::Serve { dir, port, bind } => serve(dir, port, bind),
        Command::Check { atlas } => {
            let checked = gazmap::open(&atlas_dir(atlas)).map_err(from_lib)?;
            let a = &checked.atlas;
            let mut lines: Vec<String> = checked.warnings.iter().map(ToString::to_string).collect();
            lines.push(format!(
                "ok: {} sites, {} events, {} claims, {} quotes verified; {} warning(s)",
                a.sites.len(),
                a.events.len(),
                a.claims.len(),
                a.sites.len() + a.events.len() + a.claims.len(),
                checked.warnings.len()
            ));
            Ok(lines.join("\n"))
        }
        Command::Build {
            atlas,
            out,
            format,
            all_pairs,
        } => {
            let dir = atlas_dir(atlas);
            // Opened and checked once; the build writes from this checked atlas.
            let checked = gazmap::open(&dir).map_err(from_lib)?;
            let out = out.unwrap_or_else(|| PathBuf::from("out").join(&checked.atlas.meta.id));
            let opts = BuildOptions {
                all_pairs,
                ..BuildOptions::only(format)
            };
            let report = gazmap::build_checked(&checked, &out, &opts).map_err(from_lib)?;
            let mut lines: Vec<String> = report.warnings.clone();
            for (name, count) in &report.counts {
                lines.push(format!("{name:>12}: {count} features"));
            }
            let total: u64 = report.files.iter().map(|f| f.1).sum();
            lines.push(format!(
                "wrote {} files ({} bytes) to {}",
                report.files.len() + 1,
                total,
                out.display()
            ));
            Ok(lines.join("\n"))
        }
        Command::Export {
            format,
            atlas,
            out,
            all_pairs,
        } => {
            let dir = atlas_dir(atlas);
            let checked = gazmap::open(&dir).map_err(from_lib)?;
            let out = out.unwrap_or_else(|| PathBuf::from("out").join(&checked.atlas.meta.id));
            let opts = BuildOptions {
                all_pairs,
                ..BuildOptions::only([format])
            };
            let files = gazmap::export_checked(&checked, &out, &opts).map_err(from_lib)?;
            let mut lines: Vec<String> = checked.warnings.iter().map(ToString::to_string).collect();
            for (name, bytes) in &files {
                lines.push(format!("{name} ({bytes} bytes)"));
            }
            lines.push(format!(
                "wrote {} {format} file(s) to {}",
                files.len(),
                out.display()
            ));
            Ok(lines.join("\n"))
        }
        Command::Distance {
            site_a,
            site_b,
            atlas,
        } => {
            let checked = gazmap::open(&atlas_dir(atlas)).map_err(from_lib)?;
            let find = |id: &str| {
                checked
                    .atlas
                    .site(id)
                    .ok_or_else(|| Failure::Input(format!("unknown site id `{id}`")))
            };
            let (a, b) = (find(&site_a)?, find(&site_b)?);
            let m = layers::transfer_measure(a, b).ok_or_else(|| {
                Failure::Input(format!("`{site_a}` or `{site_b}` has no coordinates"))
            })?;
            Ok(format!(
                "{} -> {}\ndistance: {:.3} km (geodesic, WGS84)\nbearing: {:.1} degrees from true north\nrange allowed by uncertainty: {:.3} to {:.3} km (radii {} m and {} m)",
                a.id,
                b.id,
                m.distance_km,
                m.bearing_deg,
                m.min_km,
                m.max_km,
                a.location.map_or(0.0, |l| l.uncertainty_m),
                b.location.map_or(0.0, |l| l.uncertainty_m),
            ))
        }
        Command::Tiles(args) => run_tiles(*args),
        Command::Print {
            atlas,
            sheet,
            paper,
            orientation,
            dpi,
            at,
            format,
            out,
        } => {
            use gazmap::print::{self, sheet as ps};
            let usage = |what: &str, v: &str| Failure::Other(format!("bad --{what} `{v}`"));
            let req = print::Request {
                sheet,
                paper: paper
                    .map(|p| ps::Paper::parse(&p).ok_or_else(|| usage("paper", &p)))
                    .transpose()?,
                orientation: orientation
                    .map(|o| ps::Orientation::parse(&o).ok_or_else(|| usage("orientation", &o)))
                    .transpose()?,
                dpi: dpi
                    .map(|d| {
                        if (36..=1200).contains(&d) {
                            Ok(d)
                        } else {
                            Err(usage("dpi", &d.to_string()))
                        }
                    })
                    .transpose()?,
                at: at
                    .map(|a| a.parse().map_err(|_| usage("at (YYYY-MM-DD)", &a)))
                    .transpose()?,
                formats: format
                    .split(',')
                    .map(|f| print::Format::parse(f).ok_or_else(|| usage("format", f)))
                    .collect::<Result<_, _>>()?,
            };
            let dir = atlas_dir(atlas);
            let checked = gazmap::open(&dir).map_err(from_lib)?;
            let layers = layers::build(&checked.atlas).map_err(|e| from_lib(e.into()))?;
            let out = out.unwrap_or_else(|| {
                PathBuf::from("out")
                    .join(&checked.atlas.meta.id)
                    .join("print")
            });
            let reports = print::run(
                &layers,
                &dir,
                checked.atlas.meta.basemap_dir.as_deref(),
                &req,
                &out,
            )
            .map_err(|e| Failure::Other(e.to_string()))?;
            let mut lines = vec![];
            for r in &reports {
                lines.push(format!(
                    "{}: {} 1:{} ({} sites, {} labels{})",
                    r.id,
                    r.paper,
                    r.scale,
                    r.sites,
                    r.labels_placed,
                    if r.sites_unlabelled.is_empty() {
                        String::new()
                    } else {
                        format!("; unlabelled: {}", r.sites_unlabelled.join(", "))
                    }
                ));
                for (path, bytes) in &r.files {
                    lines.push(format!("  {} ({bytes} bytes)", path.display()));
                }
                for w in &r.warnings {
                    lines.push(format!("  warning: {w}"));
                }
            }
            Ok(lines.join("\n"))
        }
        Command::Matrix { atlas, out } => {
            let checked = gazmap::open(&atlas_dir(atlas)).map_err(from_lib)?;
            let layers = layers::build(&checked.atlas).map_err(|e| from_lib(e.into()))?;
            match out {
                Some(path) => {
                    // Streamed to the file: the matrix is never held whole.
                    output::tables::write_distance_matrix_file(&layers, &path)
                        .map_err(|e| Failure::Other(format!("{}: {e}", path.display())))?;
                    Ok(format!("wrote {}", path.display()))
                }
                None => {
                    let csv = output::tables::distance_matrix_csv(&layers)
                        .map_err(|e| Failure::Other(e.to_string()))?;
                    Ok(String::from_utf8_lossy(&csv).trim_end().to_owned())
                }
            }
        }
    }
}

fn run_tiles(a: TilesArgs) -> Result<String, Failure> {
    use gazmap::tiles::{self, InputOptions, TileOptions, TilesError};
    let limit = |v: usize| (!a.no_tile_size_limit).then_some(v);
    let opts = TileOptions {
        minzoom: a.minzoom,
        maxzoom: a.maxzoom,
        base_zoom: a.base_zoom,
        drop_rate: a.drop_rate,
        buffer_px: a.buffer_px,
        simplify_px: a.simplify_px,
        max_tile_bytes: limit(a.maximum_tile_bytes),
        max_tile_features: limit(a.maximum_tile_features),
        drop_densest: a.drop_densest_as_needed,
        name: a.name.clone().unwrap_or_else(|| {
            a.output
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        }),
        description: a.description.clone(),
        attribution: a.attribution.clone(),
        center: None,
        center_zoom: None,
    };
    let input = InputOptions {
        layer: a.layer.clone(),
        include: a.include.clone(),
        exclude: a.exclude.clone(),
        exclude_all: a.exclude_all,
        priority: a.priority.clone(),
    };
    let bar = tiles::StderrBar::default();
    let report =
        tiles::tile_geojson(&a.inputs, &input, &opts, &a.output, &bar).map_err(|e| match e {
            TilesError::Parse { .. } | TilesError::Geometry { .. } | TilesError::Empty => {
                Failure::Input(e.to_string())
            }
            other => Failure::Other(other.to_string()),
        })?;
    let mut lines = vec![];
    for (name, n) in &report.layers {
        lines.push(format!("{name:>12}: {n} features"));
    }
    for (z, n) in &report.per_zoom {
        lines.push(format!("{:>12}: {n} tiles", format!("z{z}")));
    }
    if report.dropped_for_size > 0 {
        lines.push(format!(
            "dropped {} features from tiles over the size limit",
            report.dropped_for_size
        ));
    }
    lines.push(format!(
        "wrote {} ({} bytes): {} tiles, {} distinct",
        report.path.display(),
        report.bytes,
        report.tiles,
        report.distinct_tiles
    ));
    Ok(lines.join("\n"))
}

/// Runs the command line and returns the exit code: 0 ok, 1 bad input, 2 usage or I/O.
#[must_use]
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`gazmap matrix | head`) is not an error.
            let _ = writeln!(stdout, "{text}");
            ExitCode::SUCCESS
        }
        Err(Failure::Input(text)) => {
            let _ = writeln!(std::io::stderr(), "{text}");
            ExitCode::from(1)
        }
        Err(Failure::Other(text)) => {
            let _ = writeln!(std::io::stderr(), "error: {text}");
            ExitCode::from(2)
        }
    }
}
