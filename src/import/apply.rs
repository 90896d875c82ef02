//! Turns an import [`Outcome`] into new file contents: status (and pins) spliced into the manifests,
//! or one status file per stream under `--status-dir`. Nothing is written here; callers diff, check
//! or commit the changes as one transaction.

use std::path::{Path, PathBuf};

use super::Outcome;
use crate::load::{self, Limits};
use crate::model::imagestream::read_status;
use crate::repo::Repo;
use crate::write::{
    FileEdit, Snapshot, Transaction, TransactionError, shared_status_files, status_document,
    status_path, unified_diff,
};

/// A file's old and new content.
#[derive(Debug)]
pub struct FileChange {
    pub path: PathBuf,
    /// `None` for a status file that does not exist yet.
    pub old: Option<String>,
    pub new: String,
}

impl FileChange {
    pub fn diff(&self) -> String {
        let shown = crate::report::display_path(&self.path);
        unified_diff(&shown, self.old.as_deref().unwrap_or(""), &self.new)
    }
}

/// A change that is not written, and the streams whose new status or pins it held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Indexes into `Repo::streams`.
    pub streams: Vec<usize>,
    /// `path:line: why`, or why a status file cannot be written.
    pub message: String,
}

/// In-place edits of the manifests. Files that cannot be edited safely are refused and left out.
pub fn manifest_changes(repo: &Repo, outcome: &Outcome) -> (Vec<FileChange>, Vec<Refused>) {
    let changed = outcome.changed_streams();
    let mut files: Vec<usize> = changed.iter().map(|&s| repo.streams[s].file).collect();
    files.dedup();
    let mut changes = Vec::new();
    let mut refused = Vec::new();
    for file in files {
        match edit_file(repo, outcome, file, &changed) {
            Ok(Some(change)) => changes.push(change),
            Ok(None) => {}
            Err(message) => refused.push(Refused {
                streams: changed
                    .iter()
                    .copied()
                    .filter(|&s| repo.streams[s].file == file)
                    .collect(),
                message,
            }),
        }
    }
    (changes, refused)
}

fn edit_file(
    repo: &Repo,
    outcome: &Outcome,
    file: usize,
    changed: &[usize],
) -> Result<Option<FileChange>, String> {
    let loaded = &repo.files[file];
    let mut edit = FileEdit::new(loaded).map_err(|e| e.to_string())?;
    for &stream in changed.iter().filter(|&&s| repo.streams[s].file == file) {
        let object = repo.object(stream).ok_or("stream vanished from its file")?;
        if let Some(status) = outcome.reconciled[stream].status.as_ref() {
            edit.set_status(&object, status)
                .map_err(|e| e.to_string())?;
        }
        for (_, tag, name) in outcome.pins.iter().filter(|(s, _, _)| *s == stream) {
            edit.pin(&object, tag, name).map_err(|e| e.to_string())?;
        }
    }
    let new = edit.finish().map_err(|e| e.to_string())?;
    Ok((new != loaded.source.text).then(|| FileChange {
        path: loaded.source.path.clone(),
        old: Some(loaded.source.text.clone()),
        new,
    }))
}

/// With `--status-dir`, the status a stream already has is the one in its status file, not in the
/// manifest: replace it in `repo` before planning.
pub fn read_status_dir(repo: &mut Repo, dir: &Path) -> Vec<String> {
    let mut errors = Vec::new();
    for located in &mut repo.streams {
        let meta = &located.stream.spec.meta;
        let path = match status_path(dir, &meta.namespace, &meta.name) {
            Ok(path) => path,
            Err(e) => {
                errors.push(format!("{}: {e}", meta.name));
                continue;
            }
        };
        located.stream.status = None;
        if !path.exists() {
            continue;
        }
        match load::load_file(&path, Limits::default()) {
            Ok(file) => {
                located.stream.status = load::find_objects(&file.parsed.documents)
                    .first()
                    .and_then(|o| o.node.get("status"))
                    .filter(|s| s.as_map().is_some())
                    .map(read_status);
            }
            Err(e) => errors.push(format!("{}: {}", path.display(), e.message)),
        }
    }
    errors
}

/// One status file per stream whose status changed.
pub fn status_dir_changes(
    repo: &Repo,
    outcome: &Outcome,
    dir: &Path,
) -> (Vec<FileChange>, Vec<Refused>) {
    let mut changes = Vec::new();
    let shared = shared_status_files(
        dir,
        repo.streams.iter().enumerate().map(|(i, s)| {
            let meta = &s.stream.spec.meta;
            (meta.namespace.as_str(), meta.name.as_str(), repo.path_of(i))
        }),
    );
    let path_of = |i: usize| {
        let meta = &repo.streams[i].stream.spec.meta;
        status_path(dir, &meta.namespace, &meta.name).ok()
    };
    let mut refused: Vec<Refused> = shared
        .iter()
        .map(|s| Refused {
            streams: (0..repo.streams.len())
                .filter(|&i| path_of(i).as_ref() == Some(&s.path))
                .collect(),
            message: s.to_string(),
        })
        .collect();
    for reconciled in &outcome.reconciled {
        let Some(status) = &reconciled.status else {
            continue;
        };
        let meta = &repo.streams[reconciled.stream].stream.spec.meta;
        match status_path(dir, &meta.namespace, &meta.name) {
            Ok(path) if shared.iter().any(|s| s.path == path) => {}
            Ok(path) => changes.push(FileChange {
                old: std::fs::read_to_string(&path).ok(),
                new: status_document(&meta.name, &meta.namespace, status),
                path,
            }),
            Err(e) => refused.push(Refused {
                streams: vec![reconciled.stream],
                message: format!("{}: {e}", repo.path_of(reconciled.stream).display()),
            }),
        }
    }
    (changes, refused)
}

/// Writes every change as one transaction: each file is replaced atomically, and none is touched if
/// any of them changed on disk since it was read.
pub fn commit(changes: &[FileChange]) -> Result<Vec<PathBuf>, TransactionError> {
    let mut transaction = Transaction::new();
    for change in changes {
        if let Some(parent) = change.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| TransactionError::Io {
                path: parent.to_path_buf(),
                source,
                written: Vec::new(),
            })?;
        }
        let expected = Snapshot(change.old.as_ref().map(|o| o.as_bytes().to_vec()));
        transaction.stage(&change.path, expected, change.new.as_bytes())?;
    }
    transaction.commit()
}
