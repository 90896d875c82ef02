//! Finding one ImageStream by `[NAMESPACE/]NAME` among the files of a repository — the files play the
//! part of the API server for `describe` and `tag`.

use std::path::{Path, PathBuf};

use crate::discover;
use crate::load::{self, Class, Limits, LoadedFile, Object, Wrapper, find_objects};
use crate::model::imagestream::StreamView;
use crate::model::istag::TagDocument;
use crate::report::display_path;

/// The manifests under some paths, read once.
pub struct Repository {
    pub files: Vec<LoadedFile>,
    /// Files or paths that could not be read, with why.
    pub problems: Vec<String>,
}

/// One stream and the file that holds it.
pub struct Found<'f> {
    pub file: &'f LoadedFile,
    pub object: Object<'f>,
}

impl Found<'_> {
    pub fn path(&self) -> &Path {
        self.file.source.path()
    }
}

impl Repository {
    /// Reads every manifest under `paths` (the current directory when empty).
    pub fn read(paths: &[PathBuf]) -> Result<Repository, String> {
        let default = [PathBuf::from(".")];
        let paths = if paths.is_empty() {
            &default[..]
        } else {
            paths
        };
        let (found, missing) = discover::discover(paths, &[])?;
        let mut problems: Vec<String> = missing
            .iter()
            .map(|m| format!("{}: {}", m.path.display(), m.message))
            .collect();
        // The files lint and import read (`load::classify`): someone else's file plays no part.
        let mut files = Vec::with_capacity(found.len());
        for path in &found {
            match load::load_file(path, Limits::default()) {
                Ok(file) if load::classify(&file) == Class::Streams => files.push(file),
                Ok(_) => {}
                Err(e) if load::unreadable_is_ours(&e) => {
                    problems.push(format!("{}: {}", display_path(&e.source.path), e.message));
                }
                Err(_) => {}
            }
        }
        if files.is_empty() && !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        Ok(Repository { files, problems })
    }

    /// The ImageStreamTag documents of the files (outside Templates) that define a tag.
    pub fn tag_documents(&self) -> Vec<TagDocument> {
        self.files
            .iter()
            .flat_map(|file| load::find_kind(&file.parsed.documents, load::IMAGE_STREAM_TAG))
            .filter(|object| !matches!(object.wrapper, Wrapper::Template(_)))
            .filter_map(|object| TagDocument::read(object.node))
            .collect()
    }

    /// The stream named `name`, in `namespace` when one is given. Streams inside Templates are not
    /// objects of the repository (their values are parameters) and are not considered.
    pub fn find(&self, namespace: Option<&str>, name: &str) -> Result<Found<'_>, String> {
        let mut matches = Vec::new();
        for file in &self.files {
            for object in find_objects(&file.parsed.documents) {
                if matches!(object.wrapper, Wrapper::Template(_)) {
                    continue;
                }
                let meta = &StreamView::read(object.node).spec.meta;
                if meta.name == name && namespace.is_none_or(|ns| ns == meta.namespace) {
                    matches.push((meta.namespace.clone(), Found { file, object }));
                }
            }
        }
        let shown = match namespace {
            Some(ns) => format!("{ns}/{name}"),
            None => name.to_string(),
        };
        match matches.len() {
            0 => Err(format!(
                "imagestreams.image.openshift.io \"{shown}\" not found in the files given"
            )),
            1 => Ok(matches.swap_remove(0).1),
            n => {
                let places: Vec<String> = matches
                    .iter()
                    .map(|(ns, found)| {
                        let ns = if ns.is_empty() { "no namespace" } else { ns };
                        let line = found
                            .file
                            .source
                            .position(found.object.node.span.start)
                            .line;
                        format!("  {}:{line} ({ns})", display_path(found.path()))
                    })
                    .collect();
                Err(format!(
                    "{n} ImageStreams are named {shown:?}; name one as NAMESPACE/NAME or pass only its file:\n{}",
                    places.join("\n")
                ))
            }
        }
    }
}

/// `[NAMESPACE/]NAME` → (namespace, name), as `oc tag` reads a stream argument.
pub fn split_namespace(arg: &str) -> Result<(Option<&str>, &str), String> {
    match arg.split('/').collect::<Vec<_>>()[..] {
        [name] => Ok((None, name)),
        [ns, name] if !ns.is_empty() && !name.is_empty() => Ok((Some(ns), name)),
        [ns, _] if ns.is_empty() => Err(format!(
            "invalid namespace {ns:?} for image stream {arg:?}; write NAMESPACE/NAME"
        )),
        [_, name] => Err(format!(
            "invalid name {name:?} for image stream {arg:?}; write NAMESPACE/NAME"
        )),
        _ => Err(format!(
            "invalid image stream {arg:?}; write NAME or NAMESPACE/NAME"
        )),
    }
}
