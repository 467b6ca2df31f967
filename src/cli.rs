//! The `gazmap` command line: parses arguments, calls the library, prints results and errors.
//! No format logic lives here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use gazmap::authoring::Fallback;
use gazmap::output::format::Format;
use gazmap::{BuildOptions, Error, layers, output};

mod author;
mod export_file;

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
        /// Atlas folder (default: the current folder).
        atlas: Option<PathBuf>,
        /// First rewrite each quote that differs from its source only in typography (curly vs
        /// straight quotes, dashes, line breaks, spaces, case) to the source's exact text, where
        /// the passage occurs once.
        #[arg(long)]
        fix_quotes: bool,
    },
    /// Find words in the atlas's sources, tolerant of line breaks, spaces and typographic
    /// quotes, and print the exact passage (ready for a `quote` cell) with its character offset.
    Quote {
        /// [DIR] WORDS: the atlas folder (default: the current folder) and the words to find.
        #[arg(num_args = 1..=2, required = true, value_name = "[DIR] WORDS")]
        args: Vec<String>,
        /// Look only in this source (an id of atlas.toml `[[sources]]`).
        #[arg(long)]
        source: Option<String>,
    },
    /// Check an atlas and write all its outputs (nothing is written if a check fails).
    Build {
        /// Atlas folder (default: the current folder if it holds an atlas.toml, else the bundled
        /// Vorkuta atlas).
        atlas: Option<PathBuf>,
        /// Output folder (default: out/<atlas id>).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Write only these formats, comma-separated (default: all).
        #[arg(long, value_delimiter = ',', value_parser = parse_format, help = format_help())]
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
        /// Atlas folder (default: the current folder).
        atlas: Option<PathBuf>,
        /// Output folder (default: out/<atlas id>), or the file itself for one-file formats
        /// (`-o places.lpf.json`, `.tsv`, `.kml`, `.gpkg`).
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
        /// Atlas folder (default: the current folder).
        atlas: Option<PathBuf>,
        /// The atlas folder, as an option (older spelling of the positional DIR).
        #[arg(long = "atlas", hide = true, conflicts_with = "atlas")]
        atlas_option: Option<PathBuf>,
    },
    /// Build vector tiles from GeoJSON, GeoJSONSeq, CSV or FlatGeobuf files, like tippecanoe: one PMTiles v3
    /// archive, or MBTiles when OUTPUT ends in `.mbtiles`.
    Tiles(Box<TilesArgs>),
    /// Print map sheets (SVG, PDF, PNG): every sheet of atlas.toml, or one, with overrides.
    Print {
        /// Atlas folder (default: the current folder).
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
        /// Atlas folder (default: the current folder).
        atlas: Option<PathBuf>,
        /// The atlas folder, as an option (older spelling of the positional DIR).
        #[arg(long = "atlas", hide = true, conflicts_with = "atlas")]
        atlas_option: Option<PathBuf>,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Start a new atlas folder: a commented atlas.toml, CSV files with their headers, and the
    /// source text (copied into DIR/sources/, or referred to where it is with --reference).
    New {
        /// The new atlas folder (created; must be empty).
        dir: PathBuf,
        /// The source text (UTF-8 plain text) the atlas cites.
        #[arg(long)]
        source: PathBuf,
        /// Refer to the source where it is instead of copying it.
        #[arg(long)]
        reference: bool,
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
    /// file starts with the RS character), CSV (.csv: a point per row from its lon/lat columns)
    /// or FlatGeobuf (.fgb, WGS84).
    #[arg(required_unless_present = "named_layer")]
    inputs: Vec<PathBuf>,
    /// An input with its own layer: NAME:FILE, or a JSON layer spec
    /// {"file": ..., "layer": ..., "description": ..., "minzoom": ..., "maxzoom": ...}
    /// (repeatable).
    #[arg(short = 'L', long, value_name = "SPEC", value_parser = gazmap::tiles::parse_named_layer)]
    named_layer: Vec<gazmap::tiles::NamedLayer>,
    /// Output archive (.pmtiles, or .mbtiles).
    #[arg(short = 'o', long)]
    output: PathBuf,
    /// Put all inputs into this one layer (default: one layer per file, named after it).
    #[arg(short = 'l', long)]
    layer: Option<String>,
    /// Last zoom level, or `g` to choose it from the spacing of the data (tippecanoe's -zg, capped
    /// at about 2 million tiles of polygon area).
    #[arg(short = 'z', long, default_value = "14", value_parser = zoom_or_guess)]
    maxzoom: ZoomArg,
    /// First zoom level.
    #[arg(short = 'Z', long, default_value_t = 0)]
    minzoom: u8,
    /// Zoom from which every point is shown (default: maxzoom), or `g` for the lowest zoom whose
    /// tiles all hold under 50,000 features (with -zg: the chosen maxzoom).
    #[arg(short = 'B', long, value_parser = zoom_or_guess)]
    base_zoom: Option<ZoomArg>,
    /// Below the base zoom, each zoom keeps one point in RATE (1: keep all), counted within
    /// each square of --drop-spacing pixels, so every square that had a point keeps one.
    #[arg(short = 'r', long, default_value_t = 2.5)]
    drop_rate: f64,
    /// Side of the squares the drop rate is counted in, pixels (a power of two, 1-256): sparse
    /// points farther apart than this stay at every zoom.
    #[arg(long, default_value_t = 16.0)]
    drop_spacing: f64,
    /// When a tile is over the size limit, drop its densest (lowest --priority) features.
    #[arg(long, group = "as_needed")]
    drop_densest_as_needed: bool,
    /// When a tile is over the size limit, drop an evenly spread fraction of its features.
    #[arg(long, group = "as_needed")]
    drop_fraction_as_needed: bool,
    /// When a tile is over the size limit, drop its smallest features first (points, then the
    /// shortest lines and smallest polygons).
    #[arg(long, group = "as_needed")]
    drop_smallest_as_needed: bool,
    /// When a tile is over the size limit, merge its densest features into their nearest
    /// neighbour of the same layer and type (which keeps its attributes): no geometry is lost.
    #[arg(long, group = "as_needed")]
    coalesce_densest_as_needed: bool,
    /// When a tile is over the size limit, fold its densest points into clusters (with
    /// point_count ... as --cluster-distance); other features are dropped.
    #[arg(long, group = "as_needed")]
    cluster_densest_as_needed: bool,
    /// Cluster points within PX pixels of a cluster's first point, at zooms up to
    /// --cluster-maxzoom. Clusters carry clustered, point_count, point_count_abbreviated,
    /// sqrt_point_count and their members' bounding box (cluster_west, cluster_south,
    /// cluster_east, cluster_north); clustering replaces thinning by the drop rate.
    #[arg(long, value_name = "PX", default_value_t = 0.0)]
    cluster_distance: f64,
    /// Deepest zoom clustered by --cluster-distance (default: one less than maxzoom).
    #[arg(long, value_name = "ZOOM")]
    cluster_maxzoom: Option<u8>,
    /// Combine a property over a cluster's members: NAME:sum, max, min, mean, concat or comma
    /// (repeatable).
    #[arg(long, value_name = "NAME:OP", value_parser = parse_accumulate)]
    accumulate_attribute: Vec<(String, gazmap::tiles::Accumulate)>,
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
    /// Number the features 1, 2, 3 ... in input order as their feature ids, as tippecanoe does
    /// (MapLibre feature-state needs ids).
    #[arg(long, conflicts_with = "use_attribute_for_id")]
    generate_ids: bool,
    /// Take each feature's id from this property (a non-negative integer or a string of
    /// digits; 0 is kept); features without one get no id.
    #[arg(long, value_name = "NAME")]
    use_attribute_for_id: Option<String>,
    /// Convert a property to a type: NAME:int, NAME:float, NAME:string or NAME:bool
    /// (repeatable); values that cannot be converted are dropped.
    #[arg(short = 'T', long = "attribute-type", value_name = "NAME:TYPE", value_parser = gazmap::tiles::parse_type_spec)]
    attribute_type: Vec<(String, gazmap::tiles::AttrType)>,
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

fn parse_accumulate(spec: &str) -> Result<(String, gazmap::tiles::Accumulate), String> {
    use gazmap::tiles::Accumulate;
    let (name, op) = spec
        .rsplit_once(':')
        .ok_or_else(|| format!("`{spec}`: expected NAME:sum|max|min|mean|concat|comma"))?;
    let op = match op {
        "sum" => Accumulate::Sum,
        "max" => Accumulate::Max,
        "min" => Accumulate::Min,
        "mean" => Accumulate::Mean,
        "concat" => Accumulate::Concat,
        "comma" => Accumulate::Comma,
        other => {
            return Err(format!(
                "unknown operation `{other}` (sum, max, min, mean, concat or comma)"
            ));
        }
    };
    Ok((name.to_owned(), op))
}

/// A zoom level, or `g`: guess it from the data.
#[derive(Debug, Clone, Copy)]
enum ZoomArg {
    Zoom(u8),
    Guess,
}

fn zoom_or_guess(s: &str) -> Result<ZoomArg, String> {
    if s == "g" {
        return Ok(ZoomArg::Guess);
    }
    s.parse::<u8>()
        .map(ZoomArg::Zoom)
        .map_err(|_| format!("`{s}`: expected a zoom level (0-20) or g"))
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

/// "one of: geojson, csv, ..." for `build --format`, from the list of formats itself.
fn format_help() -> String {
    let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
    format!(
        "Write only these formats, comma-separated (default: all): {}",
        names.join(", ")
    )
}

/// The atlas folder named, else the current folder if it holds one (see
/// [`gazmap::authoring::resolve_atlas_dir`]).
fn atlas_dir(dir: Option<PathBuf>, fallback: Fallback) -> Result<PathBuf, Failure> {
    gazmap::authoring::resolve_atlas_dir(dir, fallback).map_err(|e| Failure::Other(e.to_string()))
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
        Command::New {
            dir,
            source,
            reference,
        } => author::new_atlas(&dir, &source, reference),
        Command::Quote { args, source } => author::quote(&args, source.as_deref()),
        Command::Check { atlas, fix_quotes } => {
            let dir = atlas_dir(atlas, Fallback::CurrentOnly)?;
            let fixed = if fix_quotes {
                author::fix_quotes(&dir)?
            } else {
                vec![]
            };
            let checked = gazmap::open(&dir).map_err(|e| match from_lib(e) {
                Failure::Input(text) if !fixed.is_empty() => {
                    Failure::Input(format!("{}\n{text}", fixed.join("\n")))
                }
                other => other,
            })?;
            let a = &checked.atlas;
            let mut lines = fixed;
            lines.extend(checked.warnings.iter().map(ToString::to_string));
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
            let dir = atlas_dir(atlas, Fallback::CurrentOrDefault)?;
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
            let dir = atlas_dir(atlas, Fallback::CurrentOnly)?;
            if let Some(target) = out
                .as_deref()
                .filter(|o| export_file::is_file_target(o, format))
            {
                let (path, bytes) =
                    export_file::export_to_file(&dir, target, format).map_err(from_lib)?;
                return Ok(format!("wrote {} ({bytes} bytes)", path.display()));
            }
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
            atlas_option,
        } => {
            let dir = atlas_dir(atlas.or(atlas_option), Fallback::CurrentOnly)?;
            let checked = gazmap::open(&dir).map_err(from_lib)?;
            let find = |id: &str| {
                checked.atlas.site(id).ok_or_else(|| {
                    Failure::Input(format!(
                        "unknown site id `{id}` in atlas {}{}",
                        gazmap::authoring::atlas_label(&checked.atlas.meta.id, &dir),
                        gazmap::authoring::did_you_mean_text(
                            id,
                            checked.atlas.sites.iter().map(|s| s.id.as_str())
                        )
                    ))
                })
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
            let dir = atlas_dir(atlas, Fallback::CurrentOnly)?;
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
        Command::Matrix {
            atlas,
            atlas_option,
            out,
        } => {
            let dir = atlas_dir(atlas.or(atlas_option), Fallback::CurrentOnly)?;
            let checked = gazmap::open(&dir).map_err(from_lib)?;
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
        maxzoom: match a.maxzoom {
            ZoomArg::Zoom(z) => z,
            ZoomArg::Guess => 14,
        },
        base_zoom: match a.base_zoom {
            Some(ZoomArg::Zoom(z)) => Some(z),
            _ => None,
        },
        guess_maxzoom: matches!(a.maxzoom, ZoomArg::Guess),
        guess_base_zoom: matches!(a.base_zoom, Some(ZoomArg::Guess)),
        drop_rate: a.drop_rate,
        drop_spacing_px: a.drop_spacing,
        buffer_px: a.buffer_px,
        simplify_px: a.simplify_px,
        max_tile_bytes: limit(a.maximum_tile_bytes),
        max_tile_features: limit(a.maximum_tile_features),
        drop_densest: a.drop_densest_as_needed,
        as_needed: if a.drop_fraction_as_needed {
            Some(tiles::AsNeeded::DropFraction)
        } else if a.drop_smallest_as_needed {
            Some(tiles::AsNeeded::DropSmallest)
        } else if a.coalesce_densest_as_needed {
            Some(tiles::AsNeeded::CoalesceDensest)
        } else if a.cluster_densest_as_needed {
            Some(tiles::AsNeeded::ClusterDensest)
        } else {
            None
        },
        stats: true,
        cluster_distance_px: a.cluster_distance,
        cluster_maxzoom: a.cluster_maxzoom,
        accumulate: a.accumulate_attribute.clone(),
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
        generate_ids: a.generate_ids,
        id_attribute: a.use_attribute_for_id.clone(),
        types: a.attribute_type.clone(),
        named: a.named_layer.clone(),
    };
    let bar = tiles::StderrBar::default();
    let report =
        tiles::tile_geojson(&a.inputs, &input, &opts, &a.output, &bar).map_err(|e| match e {
            TilesError::Parse { .. } | TilesError::Geometry { .. } | TilesError::Empty => {
                Failure::Input(e.to_string())
            }
            other => Failure::Other(other.to_string()),
        })?;
    if report.wrapped_features > 0 {
        eprintln!(
            "note: {} features have longitudes beyond 180 (0..360 data); wrapped into -180..180",
            report.wrapped_features
        );
    }
    let mut lines = vec![];
    if matches!(a.maxzoom, ZoomArg::Guess) {
        let [typical, nearby] = report.guessed_spacing_m.unwrap_or([0.0, 0.0]);
        lines.push(format!(
            "chose maxzoom -z{} (features typically {typical:.0} m apart, {nearby:.0} m resolved)",
            report.maxzoom
        ));
        if let Some((wanted, tiles)) = report.guess_capped {
            lines.push(format!(
                "limited maxzoom to -z{} (not -z{wanted}) to keep from generating {tiles:.0} tiles",
                report.maxzoom
            ));
        }
    }
    if matches!(a.base_zoom, Some(ZoomArg::Guess)) {
        lines.push(format!("chose base zoom -B{}", report.base_zoom));
    }
    for (name, n) in &report.layers {
        lines.push(format!("{name:>12}: {n} features"));
    }
    for r in &report.zooms {
        let mut line = format!("{:>12}: {} tiles", format!("z{}", r.zoom), r.tiles);
        for (n, what) in [
            (
                r.dropped_by_rate,
                "points left for deeper zooms by the drop rate",
            ),
            (r.dropped_as_needed, "dropped as needed"),
            (r.coalesced_as_needed, "coalesced as needed"),
            (r.clusters, "clusters"),
            (r.clustered, "points folded into clusters"),
        ] {
            if n > 0 {
                line.push_str(&format!(", {n} {what}"));
            }
        }
        lines.push(line);
    }
    if report.split_features > 0 {
        lines.push(format!(
            "cut {} lines and polygons at the antimeridian",
            report.split_features
        ));
    }
    if report.repaired_polygons > 0 {
        lines.push(format!(
            "rebuilt {} polygons (per tile) that clipping, rounding or the input made invalid",
            report.repaired_polygons
        ));
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
