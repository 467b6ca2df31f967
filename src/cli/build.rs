//! `gazmap build` (every output, or the chosen formats) and `gazmap export` (one format, or one
//! file): both open and check the atlas once and write from the checked atlas.

use std::path::PathBuf;

use gazmap::authoring::Fallback;

use super::{Failure, atlas_dir, from_lib};
use gazmap::BuildOptions;
use gazmap::output::{self, format::Format};

use super::export_file;

/// Check an atlas and write all its outputs (nothing is written if a check fails).
#[derive(Debug, clap::Args)]
pub(super) struct BuildArgs {
    /// Atlas folder (default: the current folder if it holds an atlas.toml, else the bundled
    /// Vorkuta atlas).
    pub(super) atlas: Option<PathBuf>,
    /// Output folder (default: out/<atlas id>).
    #[arg(long, short)]
    pub(super) out: Option<PathBuf>,
    /// Write only these formats, comma-separated (default: all).
    #[arg(long, value_delimiter = ',', value_parser = parse_format, help = format_help())]
    pub(super) format: Vec<Format>,
    /// Write distances.csv (the all-pairs matrix) even above 2,000 located sites.
    #[arg(long)]
    pub(super) all_pairs: bool,
}

pub(super) fn run_build(args: BuildArgs) -> Result<String, Failure> {
    let BuildArgs {
        atlas,
        out,
        format,
        all_pairs,
    } = args;
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

/// Check an atlas and write one format (no build report): lpf, lptsv, kml, fgb,
/// geojsonseq, gpkg, geojson or csv.
#[derive(Debug, clap::Args)]
pub(super) struct ExportArgs {
    /// The format to write.
    #[arg(long, value_parser = parse_format)]
    pub(super) format: Format,
    /// Atlas folder (default: the current folder).
    pub(super) atlas: Option<PathBuf>,
    /// Output folder (default: out/<atlas id>), or the file itself for one-file formats
    /// (`-o places.lpf.json`, `.tsv`, `.kml`, `.gpkg`).
    #[arg(long, short)]
    pub(super) out: Option<PathBuf>,
    /// With csv: write distances.csv even above 2,000 located sites.
    #[arg(long)]
    pub(super) all_pairs: bool,
}

pub(super) fn run_export(args: ExportArgs) -> Result<String, Failure> {
    let ExportArgs {
        format,
        atlas,
        out,
        all_pairs,
    } = args;
    let dir = atlas_dir(atlas, Fallback::CurrentOnly)?;
    if let Some(target) = out
        .as_deref()
        .filter(|o| export_file::is_file_target(o, format))
    {
        let (path, bytes) = export_file::export_to_file(&dir, target, format).map_err(from_lib)?;
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
