//! Stage 2: a file's bytes → spanned YAML documents → the ImageStream objects inside them (and
//! ImageStreamTag / ImageStreamMapping documents), and whether the file is ours at all.

pub mod budget;
pub mod classify;
pub mod node;
pub mod objects;
pub mod parse;
pub mod source;

use std::path::Path;

pub use classify::{Class, classify, unreadable_is_ours};
pub use node::{Entry, Layout, Node, NodeKind, Scalar, ScalarStyle, Span, Value};
pub use objects::{
    IMAGE_STREAM_MAPPING, IMAGE_STREAM_TAG, OUR_KINDS, Object, Wrapper, find_kind, find_objects,
};
pub use parse::{Document, DuplicateKey, Limits, Parsed, YamlError};
pub use source::{Position, Source};

/// Files larger than this are refused rather than read (a manifest is rarely over 1 MB).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A file that could be read, and what its YAML parsed into.
#[derive(Debug)]
pub struct LoadedFile {
    pub source: Source,
    pub parsed: Parsed,
}

/// Why a file could not be read at all. `at` is a byte offset into `source` when there is a place.
#[derive(Debug)]
pub struct FileError {
    pub source: Source,
    pub at: Option<usize>,
    pub message: String,
}

/// Reads and parses one file. Never panics; every problem is a [`FileError`] or in [`Parsed`].
pub fn load_file(path: &Path, limits: Limits) -> Result<LoadedFile, Box<FileError>> {
    let empty = || Source::new(path, String::new());
    let meta = std::fs::metadata(path).map_err(|e| fail(empty(), None, io_message(&e)))?;
    if meta.is_dir() {
        return Err(fail(empty(), None, "is a directory, not a file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(
            empty(),
            None,
            format!(
                "file is {} bytes, over the {} byte limit for a manifest; exclude it (--exclude) if it is not one",
                meta.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(empty(), None, io_message(&e)))?;
    load_bytes(path, bytes, limits)
}

/// Checks and parses a file's bytes, as [`load_file`] does once it has read them (the fuzz targets
/// enter here, without a file).
pub fn load_bytes(
    path: &Path,
    bytes: Vec<u8>,
    limits: Limits,
) -> Result<LoadedFile, Box<FileError>> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return Err(fail(
                Source::new(path, lossy),
                Some(at),
                "file is not valid UTF-8 (Kubernetes manifests must be UTF-8); re-encode it".into(),
            ));
        }
    };
    let source = Source::new(path, text);
    if source.text.contains('\0') {
        let at = source.text.find('\0');
        return Err(fail(
            source,
            at,
            "file contains NUL bytes: it is binary, not YAML or JSON".into(),
        ));
    }
    let parsed = parse::parse(&source, limits);
    Ok(LoadedFile { source, parsed })
}

fn fail(source: Source, at: Option<usize>, message: String) -> Box<FileError> {
    Box::new(FileError {
        source,
        at,
        message,
    })
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied: cannot read the file".into(),
        _ => format!("cannot read the file: {e}"),
    }
}
