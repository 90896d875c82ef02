//! Stage 1: paths on the command line → the manifest files to read.
//!
//! Directories are walked honouring `.gitignore` (inside a Git work tree, as Git does) and
//! `.ignore`, keeping `.yaml`, `.yml` and `.json`. Dot-directories are walked (`.openshift/` is a
//! common home for ImageStreams), except `.git` itself. A file named on the command line is always
//! read, whatever its extension. `--exclude`
//! globs and the config's `exclude` apply to walked files, matched against the path relative to the
//! directory walked.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;

const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// A path that could not be used; discovery goes on with the rest.
#[derive(Debug)]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
}

/// The files under `paths`, sorted and without duplicates.
pub fn discover(
    paths: &[PathBuf],
    exclude: &[String],
) -> Result<(Vec<PathBuf>, Vec<DiscoverError>), String> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, exclude, &mut files, &mut errors)?,
            Ok(_) => files.push(path.clone()),
            // A dangling or looping symlink: the loader reports it with the file's name.
            Err(_) if path.symlink_metadata().is_ok() => files.push(path.clone()),
            Err(_) => errors.push(DiscoverError {
                path: path.clone(),
                message: "no such file or directory".into(),
            }),
        }
    }
    files.sort();
    files.dedup();
    Ok((files, errors))
}

fn walk(
    root: &Path,
    exclude: &[String],
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<DiscoverError>,
) -> Result<(), String> {
    let mut overrides = OverrideBuilder::new(root);
    for glob in exclude {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|e| format!("invalid exclude pattern {glob:?}: {e}"))?;
    }
    let overrides = overrides.build().map_err(|e| e.to_string())?;
    for entry in WalkBuilder::new(root)
        .overrides(overrides)
        .hidden(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build()
    {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                let wanted = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| EXTENSIONS.contains(&e));
                if is_file && wanted {
                    files.push(path.to_path_buf());
                }
            }
            Err(e) => errors.push(DiscoverError {
                path: root.to_path_buf(),
                message: e.to_string(),
            }),
        }
    }
    Ok(())
}
