//! The `gazmap` command line: parses arguments, calls the library, prints results and errors.
//! No format logic lives here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use gazmap::Error;
use gazmap::authoring::Fallback;

mod author;
mod build;
mod check;
mod export_file;
mod measure;
mod print;
mod serve;
mod tiles;

/// Turn a narrative historical source into cited, time-aware map layers.
#[derive(Debug, Parser)]
#[command(name = "gazmap", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// One variant per command; each module holds its arguments and how it runs.
#[derive(Debug, Subcommand)]
enum Command {
    /// Check an atlas folder and report every problem at once (exit 1 if any is an error).
    Check(check::CheckArgs),
    /// Find words in the atlas's sources, tolerant of line breaks, spaces and typographic
    /// quotes, and print the exact passage (ready for a `quote` cell) with its character offset.
    Quote(author::QuoteArgs),
    /// Check an atlas and write all its outputs (nothing is written if a check fails).
    Build(build::BuildArgs),
    /// Check an atlas and write one format (no build report): lpf, lptsv, kml, fgb,
    /// geojsonseq, gpkg, geojson or csv.
    Export(build::ExportArgs),
    /// Geodesic distance, initial bearing and the range the two sites' uncertainty allows.
    Distance(measure::DistanceArgs),
    /// Build vector tiles from GeoJSON, GeoJSONSeq, CSV or FlatGeobuf files, like tippecanoe: one PMTiles v3
    /// archive, or MBTiles when OUTPUT ends in `.mbtiles`.
    Tiles(Box<tiles::TilesArgs>),
    /// Print map sheets (SVG, PDF, PNG): every sheet of atlas.toml, or one, with overrides.
    Print(print::PrintArgs),
    /// The all-pairs geodesic distance matrix of the located sites (km, CSV).
    Matrix(measure::MatrixArgs),
    /// Start a new atlas folder: a commented atlas.toml, CSV files with their headers, and the
    /// source text (copied into DIR/sources/, or referred to where it is with --reference).
    New(author::NewArgs),
    /// Serve a built atlas's web map over HTTP (loopback only unless --bind says otherwise).
    Serve(serve::ServeArgs),
}

/// How a run ended, mapped to the process exit code.
enum Failure {
    /// Bad input data: exit 1.
    Input(String),
    /// Usage or I/O: exit 2.
    Other(String),
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
        // A feature the tiler cannot take is bad input, whichever writer met it.
        Error::Output(e)
            if matches!(
                e.source.downcast_ref::<gazmap::tiles::TilesError>(),
                Some(gazmap::tiles::TilesError::Geometry { .. })
            ) =>
        {
            Failure::Input(e.to_string())
        }
        other => Failure::Other(format!("{other}")),
    }
}

fn run(cli: Cli) -> Result<String, Failure> {
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::New(args) => author::new_atlas(&args.dir, &args.source, args.reference),
        Command::Quote(args) => author::quote(&args.args, args.source.as_deref()),
        Command::Check(args) => check::run(args),
        Command::Build(args) => build::run_build(args),
        Command::Export(args) => build::run_export(args),
        Command::Distance(args) => measure::run_distance(args),
        Command::Tiles(args) => tiles::run(*args),
        Command::Print(args) => print::run(args),
        Command::Matrix(args) => measure::run_matrix(args),
    }
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
