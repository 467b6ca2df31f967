//! The authoring commands: `gazmap new` and `gazmap quote`.

use std::path::{Path, PathBuf};

use gazmap::authoring::new::{self, SourceMode};

use super::Failure;

/// Start a new atlas folder: a commented atlas.toml, CSV files with their headers, and the
/// source text (copied into DIR/sources/, or referred to where it is with --reference).
#[derive(Debug, clap::Args)]
pub(super) struct NewArgs {
    /// The new atlas folder (created; must be empty).
    pub(super) dir: PathBuf,
    /// The source text (UTF-8 plain text) the atlas cites.
    #[arg(long)]
    pub(super) source: PathBuf,
    /// Refer to the source where it is instead of copying it.
    #[arg(long)]
    pub(super) reference: bool,
}

/// Find words in the atlas's sources, tolerant of line breaks, spaces and typographic
/// quotes, and print the exact passage (ready for a `quote` cell) with its character offset.
#[derive(Debug, clap::Args)]
pub(super) struct QuoteArgs {
    /// [DIR] WORDS: the atlas folder (default: the current folder) and the words to find.
    #[arg(num_args = 1..=2, required = true, value_name = "[DIR] WORDS")]
    pub(super) args: Vec<String>,
    /// Look only in this source (an id of atlas.toml `[[sources]]`).
    #[arg(long)]
    pub(super) source: Option<String>,
}

/// `gazmap new DIR --source FILE [--reference]`.
pub fn new_atlas(dir: &Path, source: &Path, reference: bool) -> Result<String, Failure> {
    let mode = if reference {
        SourceMode::Reference
    } else {
        SourceMode::Copy
    };
    let made = new::create(dir, source, mode).map_err(|e| Failure::Other(e.to_string()))?;
    let mut lines = vec![format!(
        "new atlas `{}` in {} citing source `{}` ({})",
        made.id,
        dir.display(),
        made.source_id,
        made.source_ref
    )];
    for f in &made.files {
        lines.push(format!("  {}", f.display()));
    }
    lines.push(format!(
        "next: fill in atlas.toml, add rows to sites.csv and events.csv, find quotes with `gazmap quote {} \"some words\"`, and run `gazmap check {}`",
        dir.display(),
        dir.display()
    ));
    Ok(lines.join("\n"))
}

/// `gazmap quote [DIR] WORDS [--source ID]`: where the words stand in the atlas's sources.
pub fn quote(args: &[String], source: Option<&str>) -> Result<String, Failure> {
    use gazmap::authoring::{Fallback, quote_search};
    let (dir, words) = match args {
        [words] => (None, words),
        [dir, words] => (Some(std::path::PathBuf::from(dir)), words),
        _ => return Err(Failure::Other("usage: gazmap quote [DIR] \"words\"".into())),
    };
    let dir = super::atlas_dir(dir, Fallback::CurrentOnly)?;
    let sources = quote_search::atlas_sources(&dir).map_err(Failure::Other)?;
    if let Some(id) = source
        && !sources.iter().any(|s| s.id == id)
    {
        return Err(Failure::Other(format!(
            "unknown source id `{id}`{} (atlas.toml lists: {})",
            gazmap::authoring::did_you_mean_text(id, sources.iter().map(|s| s.id.as_str())),
            sources
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut lines = vec![];
    let mut total = 0;
    for s in sources
        .iter()
        .filter(|s| source.is_none_or(|id| id == s.id))
    {
        let found = quote_search::find(&s.text, words);
        total += found.len();
        for f in &found {
            lines.push(format!(
                "{}:{}:{}: source `{}`, character {}{}:",
                s.path.display(),
                f.line,
                f.column,
                s.id,
                f.char_offset,
                if f.case_folded {
                    " (letter case differs)"
                } else {
                    ""
                }
            ));
            lines.push(f.exact.clone());
        }
    }
    match total {
        0 => {
            let hint = sources
                .iter()
                .filter(|s| source.is_none_or(|id| id == s.id))
                .find_map(|s| {
                    gazmap::quote::nearest(&s.text, words, 0.25).map(|(offset, passage, edits)| {
                        format!(
                            "; nearest in `{}` at character {offset} ({edits} edit(s) away): `{passage}`",
                            s.id
                        )
                    })
                })
                .unwrap_or_default();
            Err(Failure::Input(format!(
                "not found in the sources of {}{hint}",
                dir.display()
            )))
        }
        1 => Ok(lines.join("\n")),
        n => {
            lines.push(format!(
                "found {n} times: a quote must be unique to cite one place; quote more words"
            ));
            Ok(lines.join("\n"))
        }
    }
}

/// `gazmap check --fix-quotes`: rewrites near-miss quotes, then says what it did.
pub fn fix_quotes(dir: &Path) -> Result<Vec<String>, Failure> {
    let fixes = gazmap::authoring::fix_quotes::fix_quotes(dir)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let mut lines: Vec<String> = fixes
        .iter()
        .map(|f| format!("{}:{}: {}", f.file.display(), f.line, f.note))
        .collect();
    lines.push(format!(
        "fixed {} quote(s)",
        fixes.iter().filter(|f| f.fixed).count()
    ));
    Ok(lines)
}
