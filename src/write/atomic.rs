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
        let mut temp = builder.tempfile_in(&dir).map_err(io_error)?;
        if let Some(meta) = &existing {
            fs::set_permissions(temp.path(), meta.permissions()).map_err(io_error)?;
        }
        temp.write_all(new).map_err(io_error)?;
        temp.as_file().sync_all().map_err(io_error)?;
        self.staged.push(StagedFile {
            path: target,
            expected,
            temp,
        });
        Ok(())
    }

    /// Checks that no staged file changed on disk since it was read, then renames each into place and
    /// syncs its directory. Returns the files written, in order.
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
        let mut written = Vec::with_capacity(self.staged.len());
        for staged in self.staged {
            let path = staged.path;
            if let Err(e) = staged.temp.persist(&path) {
                return Err(TransactionError::Io {
                    path,
                    source: e.error,
                    written,
                });
            }
            if let Err(source) = sync_parent(&path) {
                return Err(TransactionError::Io {
                    path,
                    source,
                    written,
                });
            }
            written.push(path);
        }
        Ok(written)
    }
}

/// Replaces one file atomically (a transaction of one).
pub fn write_atomic(path: &Path, expected: Snapshot, new: &[u8]) -> Result<(), TransactionError> {
    let mut transaction = Transaction::new();
    transaction.stage(path, expected, new)?;
    transaction.commit().map(|_| ())
}

/// Makes the rename itself durable.
fn sync_parent(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
