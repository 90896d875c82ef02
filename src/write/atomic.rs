//! Replacing files so that a reader (or a crash) sees each one either as it was or fully written: the new
//! content goes to a temporary file in the same directory, is synced, and is renamed over the old one.
//! A file that changed on disk since it was read is never overwritten.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

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
    temp: NamedTempFile,
}

/// Several files replaced together: all staged first, then renamed one by one.
#[derive(Default)]
pub struct Transaction {
    staged: Vec<StagedFile>,
}

impl Transaction {
    pub fn new() -> Transaction {
        Transaction::default()
    }

    /// Writes `new` to a synced temporary file beside `path` (symlinks followed to their target),
    /// carrying over the existing file's permissions.
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
        let existing = fs::metadata(&target).ok();
        let mut builder = tempfile::Builder::new();
        builder.prefix(".streamlock-").suffix(".tmp");
        #[cfg(unix)]
        if existing.is_none() {
            use std::os::unix::fs::PermissionsExt;
            // The process umask applies to this mode, as for any file the user creates.
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        // What to put back if a later rename of the same transaction fails.
        let previous = match &expected {
            Snapshot(Some(bytes)) => Some(bytes.clone()),
            Snapshot(None) => existing.as_ref().and_then(|_| fs::read(&target).ok()),
        };
        let mut temp = builder.tempfile_in(&dir).map_err(io_error)?;
        if let Some(meta) = &existing {
            fs::set_permissions(temp.path(), meta.permissions()).map_err(io_error)?;
        }
        temp.write_all(new).map_err(io_error)?;
        temp.as_file().sync_all().map_err(io_error)?;
        self.staged.push(StagedFile {
            path: target,
            expected,
            previous,
            temp,
        });
        Ok(())
    }

    /// Checks that no staged file changed on disk since it was read, then renames each into place and
    /// syncs their directories. If a rename fails, the files already replaced are put back, so the
    /// tree is as it was (the error lists any that could not be restored). Returns the files written.
    pub fn commit(self) -> Result<Vec<PathBuf>, TransactionError> {
        for staged in &self.staged {
            if let Snapshot(Some(expected)) = &staged.expected {
                let changed = match fs::read(&staged.path) {
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
