//! The authoring commands: `gazmap new` and `gazmap quote`.

use std::path::Path;

use gazmap::authoring::new::{self, SourceMode};

use super::Failure;

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
