//! `gazmap check`: every problem of an atlas at once, optionally mending near-miss quotes first.

use std::path::PathBuf;

use gazmap::authoring::Fallback;

use super::author;
use super::{Failure, atlas_dir, from_lib};

/// Check an atlas folder and report every problem at once (exit 1 if any is an error).
#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    /// Atlas folder (default: the current folder).
    pub(super) atlas: Option<PathBuf>,
    /// First rewrite each quote that differs from its source only in typography (curly vs
    /// straight quotes, dashes, line breaks, spaces, case) to the source's exact text, where
    /// the passage occurs once.
    #[arg(long)]
    pub(super) fix_quotes: bool,
}

pub(super) fn run(args: CheckArgs) -> Result<String, Failure> {
    let CheckArgs { atlas, fix_quotes } = args;
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
