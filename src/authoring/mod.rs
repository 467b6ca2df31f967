//! Help for the people who write atlases: finding the atlas a command means, "did you mean"
//! suggestions, starting a new atlas ([`new`]), finding a passage of a source ([`quote_search`])
//! and recognising spreadsheets saved in other locales ([`locale`]).

pub mod atlas_checks;
pub mod fix_quotes;
pub mod locale;
pub mod new;
pub mod quote_search;

use std::path::{Path, PathBuf};

/// Which atlas a command works on when none is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// The current folder when it holds an `atlas.toml`, else the bundled Vorkuta atlas
    /// (`gazmap build` with no argument, as before).
    CurrentOrDefault,
    /// The current folder when it holds an `atlas.toml`, else an error naming the fix.
    CurrentOnly,
}

/// No atlas was named and the current folder holds none.
#[derive(Debug, thiserror::Error)]
#[error(
    "no atlas.toml in the current folder ({}): name the atlas folder (e.g. `data/vorkuta`) or run the command inside it; `gazmap new DIR --source FILE` starts a new atlas",
    .cwd.display()
)]
pub struct NoAtlas {
    /// The folder looked in.
    pub cwd: PathBuf,
}

/// The atlas folder a command works on: `given` when named, else the current folder when it
/// holds an `atlas.toml`, else (with [`Fallback::CurrentOrDefault`]) the bundled default.
///
/// # Errors
/// [`NoAtlas`] when nothing was named, the current folder holds no atlas and `fallback` is
/// [`Fallback::CurrentOnly`].
pub fn resolve_atlas_dir(given: Option<PathBuf>, fallback: Fallback) -> Result<PathBuf, NoAtlas> {
    if let Some(dir) = given {
        return Ok(dir);
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    if cwd.join("atlas.toml").is_file() {
        return Ok(PathBuf::from("."));
    }
    match fallback {
        Fallback::CurrentOrDefault => Ok(crate::default_atlas_dir()),
        Fallback::CurrentOnly => Err(NoAtlas { cwd }),
    }
}

/// The candidate most similar to `value` (few edits for its length), if any is close enough to
/// be worth suggesting.
#[must_use]
pub fn did_you_mean<'a>(
    value: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| !c.is_empty() && c.len().abs_diff(value.len()) <= value.len() / 3 + 1)
        .filter_map(|c| crate::quote::nearest(c, value, 0.34).map(|(_, _, edits)| (edits, c)))
        .min()
        .map(|(_, c)| c)
}

/// ` (did you mean `x`?)`, or nothing when no candidate is close.
#[must_use]
pub fn did_you_mean_text<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(value, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// Names an atlas in messages: `` `id` (dir) ``.
#[must_use]
pub fn atlas_label(id: &str, dir: &Path) -> String {
    format!("`{id}` ({})", dir.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_picks_the_closest_id() {
        let ids = ["vorkuta_mine", "chibyu", "ukhta"];
        assert_eq!(did_you_mean("chibiu", ids), Some("chibyu"));
        assert_eq!(did_you_mean("vorkuta_mien", ids), Some("vorkuta_mine"));
        assert_eq!(did_you_mean("atlantis", ids), None);
    }
}
