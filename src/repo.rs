//! A repository's ImageStreams as the import side sees them: every file loaded once, every stream
//! read into plain data, and where each came from (file, object) so edits go back to the right place.
//! Files that hold no ImageStream are skipped as lint skips them (`load::classify`): someone else's
//! file never fails an import. ImageStreamTag documents are read as spec tags of their stream
//! (`model::istag`), whose file records their status.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::load::classify::NOT_IMAGESTREAM;
use crate::load::{self, Class, Limits, LoadedFile, Object, Wrapper};
use crate::model::imagestream::StreamView;
use crate::model::istag::{self, TagDocument};
use crate::model::stream::Stream;

/// One ImageStream and where it sits.
#[derive(Debug)]
pub struct Located {
    /// Index into [`Repo::files`].
    pub file: usize,
    /// Index among `load::find_objects` of that file.
    pub object: usize,
    pub stream: Stream,
    /// The spec tags that ImageStreamTag documents added to `stream` (their `from.name` is not in
    /// this file, so `--pin` cannot rewrite it here).
    pub documented: Vec<String>,
}

/// An ImageStreamTag document and where it sits.
#[derive(Debug)]
pub struct DocumentAt {
    pub path: PathBuf,
    pub line: usize,
    pub document: TagDocument,
    /// Its stream is among the files, whose file records the tag's status (or defines the tag
    /// itself, which then wins).
    pub recorded: bool,
}

impl DocumentAt {
    /// What commands say about a document whose stream is not among the files, with the fix.
    pub fn unrecorded(&self) -> String {
        let stream = match self.document.namespace.as_str() {
            "" => self.document.stream.clone(),
            namespace => format!("{namespace}/{}", self.document.stream),
        };
        format!(
            "{}:{}: ImageStreamTag {}: its ImageStream {stream} is not among the files, so the tag's status is not recorded; pass the stream's file too, or move the tag into that stream's spec.tags",
            crate::report::display_path(&self.path),
            self.line,
            self.document.display(),
        )
    }
}

/// A file that cannot be imported from: it shows an ImageStream kind but its YAML is broken, or it
/// could not be read.
#[derive(Debug)]
pub struct Unreadable {
    pub path: PathBuf,
    pub message: String,
}

/// A file that is not read for ImageStreams.
#[derive(Debug)]
pub struct Skipped {
    pub path: PathBuf,
    /// The template language when the file is the source of an ImageStream (`load::Class::Template`);
    /// `None` when it holds no ImageStream at all.
    pub template: Option<&'static str>,
}

impl Skipped {
    /// Why, as commands say it.
    pub fn why(&self) -> String {
        match self.template {
            Some(language) => format!("{language} template source, imported only once rendered"),
            None => NOT_IMAGESTREAM.to_string(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Repo {
    /// The files that hold ImageStreams.
    pub files: Vec<LoadedFile>,
    pub streams: Vec<Located>,
    pub unreadable: Vec<Unreadable>,
    pub skipped: Vec<Skipped>,
    /// The ImageStreamTag documents of the files, outside Templates.
    pub tag_documents: Vec<DocumentAt>,
}

/// What one path turned out to be.
enum Loaded {
    File(LoadedFile),
    Unreadable(Unreadable),
    Skipped(Skipped),
}

impl Repo {
    /// Loads `paths` in parallel. ImageStreams inside Templates are not imported (their values are
    /// placeholders until `oc process`). A file without an importable stream is dropped as soon as it
    /// is read: only the trees an import may edit stay, against the run's node budget.
    pub fn load(paths: &[PathBuf]) -> Repo {
        let loaded: Vec<Loaded> = paths.par_iter().map(|path| load_one(path)).collect();
        let mut repo = Repo::default();
        for result in loaded {
            match result {
                Loaded::File(file) => {
                    repo.tag_documents.extend(tag_documents(&file));
                    // Streams only inside Templates (or none): nothing to import, the tree goes.
                    if has_streams(&file) {
                        repo.files.push(file);
                    }
                }
                Loaded::Unreadable(problem) => repo.unreadable.push(problem),
                Loaded::Skipped(skipped) => repo.skipped.push(skipped),
            }
        }
        let tags: Vec<TagDocument> = repo
            .tag_documents
            .iter()
            .map(|d| d.document.clone())
            .collect();
        for (index, file) in repo.files.iter().enumerate() {
            for (object, found) in load::find_objects(&file.parsed.documents)
                .iter()
                .enumerate()
            {
                if matches!(found.wrapper, Wrapper::Template(_)) {
                    continue;
                }
                let view = StreamView::read(found.node);
                let mut spec = view.spec;
                let documented = istag::merge(&mut spec, &tags)
                    .into_iter()
                    .map(|d| d.tag.name.clone())
                    .collect();
                for at in &mut repo.tag_documents {
                    at.recorded |= at.document.stream == spec.meta.name
                        && at.document.namespace == spec.meta.namespace;
                }
                repo.streams.push(Located {
                    file: index,
                    object,
                    stream: Stream {
                        spec,
                        status: view.status,
                        base: None,
                    },
                    documented,
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

    /// Whether any file given holds an ImageStream (readable or not, imported or not).
    pub fn found_any(&self) -> bool {
        !self.files.is_empty()
            || !self.tag_documents.is_empty()
            || !self.unreadable.is_empty()
            || self.skipped.iter().any(|s| s.template.is_some())
    }
}

/// The ImageStreamTag documents of `file` outside Templates that define a tag.
fn tag_documents(file: &LoadedFile) -> Vec<DocumentAt> {
    load::find_kind(&file.parsed.documents, load::IMAGE_STREAM_TAG)
        .iter()
        .filter(|found| !matches!(found.wrapper, Wrapper::Template(_)))
        .filter_map(|found| {
            Some(DocumentAt {
                path: file.source.path.clone(),
                line: file.source.position(found.node.span.start).line,
                document: TagDocument::read(found.node)?,
                recorded: false,
            })
        })
        .collect()
}

/// Whether `file` holds an ImageStream outside a Template.
fn has_streams(file: &LoadedFile) -> bool {
    load::find_objects(&file.parsed.documents)
        .iter()
        .any(|found| !matches!(found.wrapper, Wrapper::Template(_)))
}

fn load_one(path: &Path) -> Loaded {
    let skipped = |template| {
        Loaded::Skipped(Skipped {
            path: path.to_path_buf(),
            template,
        })
    };
    let file = match load::load_file(path, Limits::default()) {
        Ok(file) => file,
        Err(e) if !load::unreadable_is_ours(&e) => return skipped(None),
        Err(e) => {
            return Loaded::Unreadable(Unreadable {
                path: path.to_path_buf(),
                message: e.message,
            });
        }
    };
    match load::classify(&file) {
        Class::Other => skipped(None),
        Class::Template { language, .. } => skipped(Some(language)),
        Class::Streams => match &file.parsed.error {
            Some(error) => {
                let at = file.source.position(error.span.start);
                Loaded::Unreadable(Unreadable {
                    path: path.to_path_buf(),
                    message: format!(
                        "line {}, column {}: {} (run `streamlock lint` for details)",
                        at.line, at.column, error.message
                    ),
                })
            }
            None => Loaded::File(file),
        },
    }
}
