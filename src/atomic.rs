//! Atomic file writes: an output is written into a temporary file beside it
//! ([`tempfile::NamedTempFile`], randomly named so concurrent writers never collide), synced, and
//! renamed over the destination, so a reader sees the old file or the new one, never half of one.
//! Shared by the writers in [`crate::output`] and the tile archives in [`crate::tiles`].

use std::path::Path;

/// A temporary file beside `dest` (`.<name>.XXXXXX.tmp`, a random part so that concurrent writers
/// never share it), created with the permissions a plain `File::create` would give (0o666 less the
/// umask, not tempfile's private 0o600) since it becomes the output. Removed when dropped unless
/// persisted; creates the parent folders.
///
/// # Errors
/// The I/O error creating the folder or the file.
pub fn temp_beside(dest: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = dest
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir)
}

/// Syncs `tmp` (from [`temp_beside`]) to disk and renames it over `dest`: the atomic step of
/// writing an output. On error the temporary file is removed and `dest` is left as it was.
///
/// # Errors
/// The I/O error syncing or renaming it.
pub fn persist(tmp: tempfile::NamedTempFile, dest: &Path) -> std::io::Result<()> {
    tmp.as_file().sync_all()?;
    tmp.persist(dest).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn persist_replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("sub/a.txt");
        let mut a = temp_beside(&dest).unwrap();
        let mut b = temp_beside(&dest).unwrap();
        assert_ne!(
            a.path(),
            b.path(),
            "two writers of one file get two temporaries"
        );
        assert!(
            a.path()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".a.txt.")
        );
        a.write_all(b"first").unwrap();
        b.write_all(b"second").unwrap();
        persist(a, &dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"first");
        persist(b, &dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"second");
        assert_eq!(names(&dir.path().join("sub")), ["a.txt"]);
    }

    #[test]
    fn a_dropped_temporary_is_removed_and_the_file_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a.txt");
        std::fs::write(&dest, b"old").unwrap();
        let mut t = temp_beside(&dest).unwrap();
        t.write_all(b"half").unwrap();
        drop(t);
        assert_eq!(std::fs::read(&dest).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["a.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_permissions_of_a_plain_create() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let dest = dir.path().join("out");
        persist(temp_beside(&dest).unwrap(), &dest).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dest), mode(&plain), "not tempfile's private 0o600");
    }
}
