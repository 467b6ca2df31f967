//! Builds that finish or change nothing: every output is written into a temporary folder beside
//! the target (`<parent>/.<name>.tmp-XXXXXX`) and moved into place only when every writer has
//! succeeded. A failed build removes its temporary folder and leaves the earlier output as it was.
//!
//! Two ways into place:
//! - **Replace** (a full build into a folder that is new, empty or an earlier build, i.e. holds
//!   `build-report.json`): the old folder is renamed aside (`.<name>.old-XXXXXX`), the new one
//!   renamed to the target, the old one deleted. Both renames are atomic; the one non-atomic
//!   window is between them, when the target name briefly does not exist (a reader then sees no
//!   folder, never a half-written one). If the second rename fails the old folder is put back.
//! - **Merge** (a partial build `--format ...`, an export, or a target folder that holds other
//!   things, which a build must not delete): each finished file is renamed into the target in
//!   turn. Every file is replaced atomically, but a crash during the moves can leave some new
//!   files beside old ones.

use std::path::{Path, PathBuf};

use crate::Error;

/// A temporary output folder beside `target`, removed on drop unless committed.
pub(crate) struct Staging {
    target: PathBuf,
    dir: tempfile::TempDir,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
    let path = path.to_path_buf();
    move |source| Error::Write { path, source }
}

/// The parent folder of `target` (`.` for a bare name) and the name to hide the temporary
/// folders under.
fn parent_and_name(target: &Path) -> (PathBuf, String) {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    (parent, name)
}

impl Staging {
    /// Creates `.<name>.tmp-XXXXXX` beside `target` (creating the parent folders if needed).
    pub(crate) fn new(target: &Path) -> Result<Self, Error> {
        let (parent, name) = parent_and_name(target);
        std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp-"))
            .tempdir_in(&parent)
            .map_err(io_err(&parent))?;
        Ok(Self {
            target: target.to_path_buf(),
            dir,
        })
    }

    /// Where the writers write.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// True when `target` may be replaced as a whole: missing, empty, or an earlier build.
    fn replaceable(target: &Path) -> bool {
        if target.file_name().is_none() || target.is_symlink() {
            return false;
        }
        match std::fs::read_dir(target) {
            Err(_) => !target.exists(),
            Ok(mut entries) => {
                entries.next().is_none() || target.join("build-report.json").is_file()
            }
        }
    }

    /// Moves the finished outputs into place: the whole folder when `whole` and the target may
    /// be replaced, else file by file (see the module docs).
    pub(crate) fn commit(self, whole: bool) -> Result<(), Error> {
        let target = self.target.clone();
        if whole && Self::replaceable(&target) {
            let staged = self.dir.keep();
            let result = replace_dir(&staged, &target);
            if result.is_err() {
                let _ = std::fs::remove_dir_all(&staged);
            }
            return result;
        }
        std::fs::create_dir_all(&target).map_err(io_err(&target))?;
        merge_into(self.dir.path(), &target)
        // `self.dir` (now holding only empty folders) is removed on drop.
    }
}

/// Renames `staged` to `target`, moving an existing `target` aside first and deleting it after.
fn replace_dir(staged: &Path, target: &Path) -> Result<(), Error> {
    if !target.exists() {
        return std::fs::rename(staged, target).map_err(io_err(target));
    }
    let (parent, name) = parent_and_name(target);
    // A unique free name for the old folder: a fresh temporary folder, removed, then taken.
    let aside = tempfile::Builder::new()
        .prefix(&format!(".{name}.old-"))
        .tempdir_in(&parent)
        .map_err(io_err(&parent))?
        .keep();
    std::fs::remove_dir(&aside).map_err(io_err(&aside))?;
    std::fs::rename(target, &aside).map_err(io_err(target))?;
    // The non-atomic window: `target` does not exist until the next rename.
    if let Err(e) = std::fs::rename(staged, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(io_err(target)(e));
    }
    std::fs::remove_dir_all(&aside).map_err(io_err(&aside))
}

/// Renames every file under `from` to the same place under `to`, creating folders as needed.
fn merge_into(from: &Path, to: &Path) -> Result<(), Error> {
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .map_err(io_err(from))?
        .collect::<Result<_, _>>()
        .map_err(io_err(from))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let dest = to.join(entry.file_name());
        if entry.file_type().map_err(io_err(&entry.path()))?.is_dir() {
            std::fs::create_dir_all(&dest).map_err(io_err(&dest))?;
            merge_into(&entry.path(), &dest)?;
        } else {
            std::fs::rename(entry.path(), &dest).map_err(io_err(&dest))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_staging_folder_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let s = Staging::new(&target).unwrap();
        std::fs::write(s.path().join("a.txt"), "new").unwrap();
        drop(s);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn replace_swaps_a_build_folder_and_merge_keeps_other_files() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("build-report.json"), "{}").unwrap();
        std::fs::write(target.join("stale.txt"), "old").unwrap();
        let s = Staging::new(&target).unwrap();
        std::fs::create_dir_all(s.path().join("print")).unwrap();
        std::fs::write(s.path().join("print/a.svg"), "new").unwrap();
        s.commit(true).unwrap();
        assert!(!target.join("stale.txt").exists());
        assert_eq!(
            std::fs::read_to_string(target.join("print/a.svg")).unwrap(),
            "new"
        );
        // Only `out` is left beside it: no temporary or old folders.
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);

        // A folder that is not a build: merged into, nothing else deleted.
        let mine = tmp.path().join("mine");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("notes.txt"), "keep").unwrap();
        let s = Staging::new(&mine).unwrap();
        std::fs::write(s.path().join("x.csv"), "1").unwrap();
        s.commit(true).unwrap();
        assert_eq!(
            std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
            "keep"
        );
        assert_eq!(std::fs::read_to_string(mine.join("x.csv")).unwrap(), "1");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2);
    }
}
