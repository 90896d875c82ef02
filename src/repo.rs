//! A repository's ImageStreams as the import side sees them: every file loaded once, every stream
//! read into plain data, and where each came from (file, object) so edits go back to the right place.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::load::{self, Limits, LoadedFile, Object, Wrapper};
use crate::model::imagestream::StreamView;
use crate::plan::Stream;

/// One ImageStream and where it sits.
#[derive(Debug)]
pub struct Located {
    /// Index into [`Repo::files`].
    pub file: usize,
    /// Index among `load::find_objects` of that file.
    pub object: usize,
    pub stream: Stream,
}

/// A file that cannot be imported from: its YAML is broken or it could not be read.
#[derive(Debug)]
pub struct Unreadable {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Repo {
    pub files: Vec<LoadedFile>,
    pub streams: Vec<Located>,
    pub unreadable: Vec<Unreadable>,
}

impl Repo {
    /// Loads `paths` in parallel. ImageStreams inside Templates are not imported (their values are
    /// placeholders until `oc process`). A file without an importable stream is dropped as soon as it
    /// is read: only the trees an import may edit stay, against the run's node budget.
    pub fn load(paths: &[PathBuf]) -> Repo {
        let loaded: Vec<Result<Option<LoadedFile>, Unreadable>> = paths
            .par_iter()
            .map(|path| load_one(path).map(|file| Some(file).filter(has_streams)))
            .collect();
        let mut repo = Repo::default();
        for result in loaded {
            match result {
                Ok(Some(file)) => repo.files.push(file),
                Ok(None) => {}
                Err(problem) => repo.unreadable.push(problem),
            }
        }
        for (index, file) in repo.files.iter().enumerate() {
            for (object, found) in load::find_objects(&file.parsed.documents)
                .iter()
                .enumerate()
            {
                if matches!(found.wrapper, Wrapper::Template(_)) {
                    continue;
                }
                let view = StreamView::read(found.node);
                repo.streams.push(Located {
                    file: index,
                    object,
                    stream: Stream {
                        spec: view.spec,
                        status: view.status,
                    },
                });
            }
        }
        repo
    }

    pub fn plain_streams(&self) -> Vec<Stream> {
        self.streams.iter().map(|s| s.stream.clone()).collect()
    }

    /// The object of stream `index` in its file.
    pub fn object(&self, index: usize) -> Option<Object<'_>> {
        let located = self.streams.get(index)?;
        load::find_objects(&self.files[located.file].parsed.documents)
            .into_iter()
            .nth(located.object)
    }

    pub fn path_of(&self, index: usize) -> &Path {
        &self.files[self.streams[index].file].source.path
    }
}

/// Whether `file` holds an ImageStream outside a Template.
fn has_streams(file: &LoadedFile) -> bool {
    load::find_objects(&file.parsed.documents)
        .iter()
        .any(|found| !matches!(found.wrapper, Wrapper::Template(_)))
}

fn load_one(path: &Path) -> Result<LoadedFile, Unreadable> {
    let file = load::load_file(path, Limits::default()).map_err(|e| Unreadable {
        path: path.to_path_buf(),
        message: e.message,
    })?;
    if let Some(error) = &file.parsed.error {
        let at = file.source.position(error.span.start);
        return Err(Unreadable {
            path: path.to_path_buf(),
            message: format!(
                "line {}, column {}: {} (run `streamlock lint` for details)",
                at.line, at.column, error.message
            ),
        });
    }
    Ok(file)
}
