//! `gazmap print`: the atlas's sheets (or one) as SVG, PDF and PNG, with overrides.

use std::path::PathBuf;

use gazmap::authoring::Fallback;

use super::{Failure, atlas_dir, from_lib};
use gazmap::layers;
use gazmap::print::{self, sheet as ps};

/// A clap parser over the names a library type accepts: `--help` lists them and a wrong value
/// gets clap's error with the possible values, while the names stay the library's.
fn names<T: Clone + Send + Sync + 'static>(
    names: &'static [&'static str],
    parse: fn(&str) -> Option<T>,
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(names)
        .map(move |s| parse(&s).expect("a possible value parses"))
}

/// Print map sheets (SVG, PDF, PNG): every sheet of atlas.toml, or one, with overrides.
#[derive(Debug, clap::Args)]
pub(super) struct PrintArgs {
    /// Atlas folder (default: the current folder).
    pub(super) atlas: Option<PathBuf>,
    /// Sheet id (see atlas.toml `[[sheets]]`; period sheets are `<id>-<period>`).
    #[arg(long)]
    pub(super) sheet: Option<String>,
    /// Paper size.
    #[arg(long, ignore_case = true, value_parser = names(ps::Paper::NAMES, ps::Paper::parse))]
    pub(super) paper: Option<ps::Paper>,
    /// Orientation of the paper.
    #[arg(long, ignore_case = true,
          value_parser = names(ps::Orientation::NAMES, ps::Orientation::parse))]
    pub(super) orientation: Option<ps::Orientation>,
    /// PNG resolution in dots per inch.
    #[arg(long, value_parser = clap::value_parser!(u32).range(36..=1200))]
    pub(super) dpi: Option<u32>,
    /// Show only what possibly happened on this day (YYYY-MM-DD).
    #[arg(long)]
    pub(super) at: Option<String>,
    /// Formats, comma-separated.
    #[arg(long, ignore_case = true, value_delimiter = ',', default_value = "svg,pdf,png",
          value_parser = names(print::Format::NAMES, print::Format::parse))]
    pub(super) format: Vec<print::Format>,
    /// Output folder (default: out/<atlas id>/print).
    #[arg(long, short)]
    pub(super) out: Option<PathBuf>,
}

pub(super) fn run(args: PrintArgs) -> Result<String, Failure> {
    let PrintArgs {
        atlas,
        sheet,
        paper,
        orientation,
        dpi,
        at,
        format,
        out,
    } = args;
    let usage = |what: &str, v: &str| Failure::Other(format!("bad --{what} `{v}`"));
    let req = print::Request {
        sheet,
        paper,
        orientation,
        dpi,
        at: at
            .map(|a| a.parse().map_err(|_| usage("at (YYYY-MM-DD)", &a)))
            .transpose()?,
        formats: format,
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
        &checked.atlas.meta.config,
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
