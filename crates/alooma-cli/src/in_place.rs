//! Rewriting a file in place without the side effects of a rename: the
//! edited bytes go to a temporary file beside the real target (a symlink
//! is followed), which takes the original's mode, owner and group, and
//! is renamed over it (`tempfile`'s `NamedTempFile`, persisted). A
//! read-only target is refused unless forced. The temporary file has a
//! recognizable name (`.<name>.alooma-edit-<pid>-<random>.tmp`), is
//! removed on every error path, and one left behind by a killed run is
//! removed by the next run.

use crate::exit::CliError;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The temporary files of `file_name`'s in-place edits start so.
fn temp_prefix(file_name: &str) -> String {
    format!(".{file_name}.alooma-edit-")
}

const TEMP_SUFFIX: &str = ".tmp";

/// Whether process `pid` is running (Linux: `/proc/<pid>`; elsewhere a
/// temporary file is treated as stale after an hour).
fn alive(pid: u32, temp: &Path) -> bool {
    if Path::new("/proc/self").exists() {
        return Path::new(&format!("/proc/{pid}")).exists();
    }
    fs::metadata(temp)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() < 3600)
}

/// Removes the temporary files of earlier runs that were killed before
/// they could clean up.
fn remove_stale(dir: &Path, file_name: &str) {
    let prefix = temp_prefix(file_name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !alive(pid, &entry.path()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether the file's permissions forbid writing it (no write bit at all,
/// or the process may not open it for writing).
fn read_only(target: &Path, meta: &fs::Metadata) -> bool {
    meta.permissions().readonly()
        || fs::OpenOptions::new()
            .write(true)
            .open(target)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
}

/// Rewrites `path` with what `content` writes, streamed (buffered) into
/// the temporary file, so a big document is never held whole; see the
/// [module docs](self). Should `content` fail, the file is unchanged.
/// `force` replaces a read-only file (keeping it read-only).
pub fn write_with(
    path: &Path,
    force: bool,
    content: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    let fail = |what: &str, e: std::io::Error| {
        CliError::failed(format!(
            "could not rewrite {} ({what}; it is unchanged): {e}",
            path.display()
        ))
    };
    // A symlink is followed: its target is what gets edited.
    let target = fs::canonicalize(path).map_err(|e| fail("finding the file", e))?;
    let meta = fs::metadata(&target).map_err(|e| fail("reading its permissions", e))?;
    if read_only(&target, &meta) && !force {
        return Err(CliError::failed(format!(
            "{} is read-only; it was not changed (use --force to replace it anyway, keeping it read-only)",
            path.display()
        )));
    }
    let dir = target
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale(&dir, &file_name);
    // Removed when dropped, on every error path; persisted over the target
    // at the end.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(
            "{}{}-",
            temp_prefix(&file_name),
            std::process::id()
        ))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(&dir)
        .map_err(|e| fail("creating a temporary file beside it", e))?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, temp.as_file_mut());
    content(&mut buffered)
        .and_then(|()| buffered.flush())
        .map_err(|e| fail("writing the temporary file", e))?;
    drop(buffered);
    temp.as_file()
        .sync_all()
        .map_err(|e| fail("writing the temporary file", e))?;
    keep_owner_and_mode(temp.path(), &meta).map_err(|e| fail("copying its permissions", e))?;
    temp.persist(&target)
        .map_err(|e| fail("replacing it", e.error))?;
    Ok(())
}

/// Gives `temp` the original's mode, and its owner and group when the
/// process may (as root, or when they are already its own).
fn keep_owner_and_mode(temp: &Path, original: &fs::Metadata) -> std::io::Result<()> {
    fs::set_permissions(temp, original.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match std::os::unix::fs::chown(temp, Some(original.uid()), Some(original.gid())) {
            Ok(()) => {}
            // Not allowed to give the file away: it keeps this user's.
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temp_files_of_dead_runs_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".m.json.alooma-edit-4000000000-x1Yz.tmp");
        let mine = dir.path().join(format!(
            ".m.json.alooma-edit-{}-aBcD.tmp",
            std::process::id()
        ));
        let other = dir.path().join(".other.json.alooma-edit-4000000000.tmp");
        for f in [&dead, &mine, &other] {
            fs::write(f, "x").unwrap();
        }
        remove_stale(dir.path(), "m.json");
        assert!(!dead.exists() && mine.exists() && other.exists());
    }
}
