//! Replacing files so that a reader (or a crash) sees each one either as it was or fully written: the new
//! content goes to a temporary file in the same directory, is synced, and is renamed over the old one.
//! A file that changed on disk since it was read is never overwritten.
//!
//! A staged file holds no open descriptor (the temporary file is closed once synced), so a transaction
//! of any size fits in the default `ulimit -n`. Temporary files a killed run left behind are removed
//! from each directory before the first file is staged there.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tempfile::TempPath;

/// Temporary files are named `.streamlock-XXXXXX.tmp` (six random characters).
const TEMP_PREFIX: &str = ".streamlock-";
const TEMP_SUFFIX: &str = ".tmp";
/// A temporary file older than this belongs to no running write: a run stages and renames in seconds.
const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// What a file held when it was read; `None` for a file that is created (or replaced whatever it holds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot(pub Option<Vec<u8>>);

/// Why a transaction stopped. `written` lists the files already replaced when it stopped (always empty
/// when staging or the change check failed, since nothing is renamed before every file passed both).
#[derive(Debug, thiserror::Error)]
pub enum TransactionError {
    #[error("{}: changed on disk since it was read; not overwritten", path.display())]
    Changed {
        path: PathBuf,
        written: Vec<PathBuf>,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: io::Error,
        written: Vec<PathBuf>,
    },
}

impl TransactionError {
    pub fn written(&self) -> &[PathBuf] {
        match self {
            TransactionError::Changed { written, .. } | TransactionError::Io { written, .. } => {
                written
            }
        }
    }
}

/// A file's new content, synced to a temporary file next to it and waiting to be renamed into place.
pub struct StagedFile {
    path: PathBuf,
    expected: Snapshot,
    /// The file's content before this transaction (`None`: it did not exist).
    previous: Option<Vec<u8>>,
    temp: TempPath,
}

/// Several files replaced together: all staged first, then renamed one by one.
#[derive(Default)]
pub struct Transaction {
    staged: Vec<StagedFile>,
    /// Directories already cleared of stale temporary files.
    cleaned: HashSet<PathBuf>,
}

impl Transaction {
    pub fn new() -> Transaction {
        Transaction::default()
    }

    /// Writes `new` to a synced temporary file beside `path`, carrying over the existing file's
    /// permissions, and its owner and group where the process may set them. A symlink at `path` is
    /// followed to its target: callers stage only files the user named or regular files found without
    /// following links (status files are checked by `status_path`).
    pub fn stage(
        &mut self,
        path: &Path,
        expected: Snapshot,
        new: &[u8],
    ) -> Result<(), TransactionError> {
        let io_error = |source| TransactionError::Io {
            path: path.to_path_buf(),
            source,
            written: Vec::new(),
        };
        let target = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if self.cleaned.insert(dir.clone()) {
            remove_stale_temps(&dir);
        }
        let existing = fs::symlink_metadata(&target).ok();
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
        #[cfg(unix)]
        if existing.is_none() {
            use std::os::unix::fs::PermissionsExt;
            // The process umask applies to this mode, as for any file the user creates.
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        // What to put back if a later rename of the same transaction fails.
        let previous = match &expected {
            Snapshot(Some(bytes)) => Some(bytes.clone()),
            Snapshot(None) => existing.as_ref().and_then(|_| read_no_follow(&target).ok()),
        };
        let mut temp = builder.tempfile_in(&dir).map_err(io_error)?;
        if let Some(meta) = &existing {
            keep_owner(temp.as_file(), meta);
            fs::set_permissions(temp.path(), meta.permissions()).map_err(io_error)?;
        }
        temp.write_all(new).map_err(io_error)?;
        temp.as_file().sync_all().map_err(io_error)?;
        self.staged.push(StagedFile {
            path: target,
            expected,
            previous,
            // Closes the file: only its name waits for the rename.
            temp: temp.into_temp_path(),
        });
        Ok(())
    }

    /// Checks that no staged file changed on disk since it was read, then renames each into place and
    /// syncs their directories. If a rename fails, the files already replaced are put back, so the
    /// tree is as it was (the error lists any that could not be restored). Returns the files written.
    pub fn commit(self) -> Result<Vec<PathBuf>, TransactionError> {
        for staged in &self.staged {
            if let Snapshot(Some(expected)) = &staged.expected {
                let changed = match read_no_follow(&staged.path) {
                    Ok(current) => current != *expected,
                    Err(_) => true,
                };
                if changed {
                    return Err(TransactionError::Changed {
                        path: staged.path.clone(),
                        written: Vec::new(),
                    });
                }
            }
        }
        let mut done: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::with_capacity(self.staged.len());
        for staged in self.staged {
            let path = staged.path;
            if let Err(e) = staged.temp.persist(&path) {
                // The temporary file is removed when `e` (which holds its path) is dropped.
                // Put back what this transaction already replaced: the tree is as it was.
                let written = roll_back(done);
                return Err(TransactionError::Io {
                    path,
                    source: e.error,
                    written,
                });
            }
            done.push((path, staged.previous));
        }
        // The renames run back to back and each directory is synced once afterwards, so the moment
        // in which a killed run leaves some files new and others old is as short as it can be.
        let written: Vec<PathBuf> = done.into_iter().map(|(path, _)| path).collect();
        let mut dirs: Vec<&Path> = written.iter().filter_map(|p| p.parent()).collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            if let Err(source) = sync_dir(dir) {
                return Err(TransactionError::Io {
                    path: dir.to_path_buf(),
                    source,
                    written: written.clone(),
                });
            }
        }
        Ok(written)
    }
}

/// Restores replaced files to their previous content (or removes files that did not exist), newest
/// first. Returns the files that could not be restored.
fn roll_back(done: Vec<(PathBuf, Option<Vec<u8>>)>) -> Vec<PathBuf> {
    let mut left = Vec::new();
    for (path, previous) in done.into_iter().rev() {
        let restored = match previous {
            Some(bytes) => write_atomic(&path, Snapshot(None), &bytes).is_ok(),
            None => fs::remove_file(&path).is_ok(),
        };
        if !restored {
            left.push(path);
        }
    }
    left
}

/// Replaces one file atomically (a transaction of one).
pub fn write_atomic(path: &Path, expected: Snapshot, new: &[u8]) -> Result<(), TransactionError> {
    let mut transaction = Transaction::new();
    transaction.stage(path, expected, new)?;
    transaction.commit().map(|_| ())
}

/// Makes renames into `dir` durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    if !dir.as_os_str().is_empty() {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Reads a file, refusing a symbolic link in its last component where the platform allows.
fn read_no_follow(path: &Path) -> io::Result<Vec<u8>> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut bytes = Vec::new();
    options.open(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Gives the new file the old one's owner and group. Only root (or a process with CAP_CHOWN) may give
/// a file away; anyone may keep a group they belong to. Where that is refused the file is the
/// process's own, as any file it creates.
fn keep_owner(file: &fs::File, old: &fs::Metadata) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Err(err) = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())) {
            let group_only = std::os::unix::fs::fchown(file, None, Some(old.gid()));
            tracing::debug!(%err, group_kept = group_only.is_ok(), "owner not kept");
        }
    }
    #[cfg(not(unix))]
    let _ = (file, old);
}

/// Removes `.streamlock-XXXXXX.tmp` files older than [`STALE_AFTER`] from `dir`: what a run killed
/// between staging and renaming left. Nothing else is touched (links and other names are skipped);
/// a file that cannot be removed is left for the next run.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let ours = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
            .is_some_and(|random| {
                random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        let stale = entry.metadata().is_ok_and(|meta| {
            meta.is_file()
                && meta
                    .modified()
                    .is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age > STALE_AFTER))
        });
        if ours && stale {
            match fs::remove_file(entry.path()) {
                Ok(()) => {
                    tracing::info!(path = %entry.path().display(), "removed a stale temporary file")
                }
                Err(err) => {
                    tracing::debug!(path = %entry.path().display(), %err, "stale temporary file kept")
                }
            }
        }
    }
}
