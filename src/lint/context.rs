//! What a rule sees: one object and the options ([`Context`]), or one file ([`FileContext`]); the
//! options live here so that the driver depends on this module, not the other way round. Questions
//! about the other linted streams (ImageStreamTag/ImageStreamImage references across streams)
//! cannot be answered while one file is checked, so a rule states them as a [`CrossCheck`]; they
//! are answered from the [`RepoIndex`] once every file has been read, and no file's tree has to
//! stay alive until then.

use std::collections::HashMap;

use crate::cluster::{Cluster, ClusterError};
use crate::load::{FileError, Limits, LoadedFile, Node, Source, Span};
use crate::model::imagestream::StreamView;
use crate::model::path::FieldPath;
use crate::model::schema::Problem;
use crate::model::spec::{SpecTag, StreamSpec};

/// How the files are linted.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    pub require_namespace: bool,
    /// Lint ImageStreams inside Templates too (placeholders are opaque).
    pub templates: bool,
    pub limits: Limits,
    /// The cluster the files target (its registry whitelist).
    pub cluster: Cluster,
}

/// What an object rule sees.
pub struct Context<'a> {
    pub view: &'a StreamView<'a>,
    /// The file's text, for findings that name another place in it by line.
    pub source: &'a Source,
    pub options: &'a LintOptions,
    /// The object's type and unknown-field problems, computed once for the rules that report them.
    pub schema: &'a [Problem],
    /// The stream sits in a Template: `${PARAM}` values are opaque.
    pub in_template: bool,
    /// The object is an ImageStreamTag document: its one tag belongs to a stream defined elsewhere,
    /// so the other tags of that stream are known only once every file has been read.
    pub tag_document: bool,
}

impl Context<'_> {
    pub fn object(&self) -> &Node {
        self.view.object
    }

    pub fn spec(&self) -> &StreamSpec {
        &self.view.spec
    }

    /// The spec tags the server keeps, with their paths. Of several entries with one name the API
    /// server's list→map conversion keeps the last (openshift-apiserver image/apis/image/v1
    /// conversion.go) before anything is validated, so only `duplicate-tag` speaks of the others.
    pub fn spec_tags(&self) -> impl Iterator<Item = (&SpecTag, &FieldPath)> {
        let tags = &self.view.spec.tags;
        let last: HashMap<&str, usize> = tags
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        tags.iter()
            .zip(&self.view.tag_paths)
            .enumerate()
            .filter(move |(i, (t, _))| last.get(t.name.as_str()) == Some(i))
            .map(|(_, pair)| pair)
    }

    /// `metadata.name` as written (an ImageStreamTag document's view names the stream part only).
    pub fn written_name(&self) -> &str {
        self.object()
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Node::as_str)
            .unwrap_or("")
    }

    /// The line of the file where `path` (in this object) is.
    pub fn line_of(&self, path: &FieldPath) -> usize {
        let span = path.resolve(self.object(), false);
        self.source.position(span.start).line
    }

    /// A Template parameter placeholder (`${NAME}` or `${{NAME}}`) that only `oc process` fills in.
    pub fn opaque(&self, value: &str) -> bool {
        self.in_template && value.contains("${")
    }
}

/// What a file-level rule sees: the file as far as it could be read.
pub enum FileContext<'a> {
    /// The file could not be loaded, and it shows an ImageStream kind (or could not be read at all).
    Unreadable(&'a FileError),
    /// Template source whose text shows an ImageStream; `at` is the byte offset of its first markup.
    Template { language: &'static str, at: usize },
    /// A file that was loaded; `linted` are the spans of the objects whose rules ran.
    Loaded {
        file: &'a LoadedFile,
        linted: &'a [Span],
    },
    /// The cluster's Image object found among the inputs is malformed.
    Cluster(&'a ClusterError),
}

/// What a file-level rule reports: a span of the file and a message.
#[derive(Debug)]
pub struct FileFinding {
    pub span: Span,
    pub message: String,
}

/// A fact about the streams of all linted files that decides whether a finding stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrossCheck {
    /// No linted stream `name` is visible from `namespace`.
    NoStream { namespace: String, name: String },
    /// Stream `name` is visible from `namespace`, and none of its visible copies has tag `tag`.
    MissingTag {
        namespace: String,
        name: String,
        tag: String,
    },
    /// More than one linted stream has exactly this namespace and name.
    DefinedAgain { namespace: String, name: String },
    /// A linted ImageStream visible from `namespace` defines spec tag `tag` itself.
    SpecTagDefined {
        namespace: String,
        name: String,
        tag: String,
    },
}

impl CrossCheck {
    pub fn holds(&self, repo: &RepoIndex) -> bool {
        match self {
            CrossCheck::NoStream { namespace, name } => !repo.has_stream(namespace, name),
            CrossCheck::MissingTag {
                namespace,
                name,
                tag,
            } => repo.has_stream(namespace, name) && !repo.has_tag(namespace, name, tag),
            CrossCheck::DefinedAgain { namespace, name } => repo.copies(namespace, name) > 1,
            CrossCheck::SpecTagDefined {
                namespace,
                name,
                tag,
            } => repo.has_spec_tag(namespace, name, tag),
        }
    }
}

/// One stream as the index needs it: its name, namespace ("" = unset) and tag names (spec and status).
/// An ImageStreamTag document is indexed as a part of its stream (`document`): its tag is the
/// stream's, but it is not another copy of the stream.
#[derive(Clone, Debug, Default)]
pub struct IndexedStream {
    pub name: String,
    pub namespace: String,
    pub spec_tags: Vec<String>,
    pub status_tags: Vec<String>,
    pub document: bool,
}

impl IndexedStream {
    pub fn of(view: &StreamView<'_>) -> IndexedStream {
        let spec = &view.spec;
        let status_tags = view.status.iter().flat_map(|s| &s.tags).map(|t| &t.tag);
        IndexedStream {
            name: spec.meta.name.clone(),
            namespace: spec.meta.namespace.clone(),
            spec_tags: spec.tags.iter().map(|t| t.name.clone()).collect(),
            status_tags: status_tags.cloned().collect(),
            document: false,
        }
    }
}

/// Every stream in the linted files by name, with the namespaces it was seen in.
#[derive(Debug, Default)]
pub struct RepoIndex {
    streams: HashMap<String, Vec<IndexedStream>>,
}

impl RepoIndex {
    pub fn add(&mut self, stream: IndexedStream) {
        self.streams
            .entry(stream.name.clone())
            .or_default()
            .push(stream);
    }

    /// The entries of stream `name` visible from a stream in `namespace` (a reference without a
    /// namespace means the referring stream's own; an unset namespace matches any).
    fn visible<'a>(
        &'a self,
        namespace: &'a str,
        name: &str,
    ) -> impl Iterator<Item = &'a IndexedStream> + 'a {
        self.streams
            .get(name)
            .into_iter()
            .flatten()
            .filter(move |s| {
                s.namespace.is_empty() || namespace.is_empty() || s.namespace == namespace
            })
    }

    pub fn has_stream(&self, namespace: &str, name: &str) -> bool {
        self.visible(namespace, name).next().is_some()
    }

    /// How many linted streams (not ImageStreamTag documents) have exactly this namespace and name.
    pub fn copies(&self, namespace: &str, name: &str) -> usize {
        self.streams.get(name).map_or(0, |all| {
            all.iter()
                .filter(|s| !s.document && s.namespace == namespace)
                .count()
        })
    }

    pub fn has_tag(&self, namespace: &str, name: &str, tag: &str) -> bool {
        self.visible(namespace, name)
            .any(|s| s.spec_tags.iter().chain(&s.status_tags).any(|t| t == tag))
    }

    /// Whether a linted ImageStream (not a document) visible from `namespace` has `tag` in its spec.
    pub fn has_spec_tag(&self, namespace: &str, name: &str, tag: &str) -> bool {
        self.visible(namespace, name)
            .any(|s| !s.document && s.spec_tags.iter().any(|t| t == tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(name: &str, namespace: &str, tags: &[&str]) -> IndexedStream {
        IndexedStream {
            name: name.into(),
            namespace: namespace.into(),
            spec_tags: tags.iter().map(|t| t.to_string()).collect(),
            ..IndexedStream::default()
        }
    }

    #[test]
    fn checks_see_streams_by_namespace() {
        let mut repo = RepoIndex::default();
        repo.add(stream("base", "ci", &["1", "2"]));
        repo.add(stream("tools", "", &["latest"]));
        let no_stream = |ns: &str, name: &str| CrossCheck::NoStream {
            namespace: ns.into(),
            name: name.into(),
        };
        let missing = |ns: &str, name: &str, tag: &str| CrossCheck::MissingTag {
            namespace: ns.into(),
            name: name.into(),
            tag: tag.into(),
        };
        assert!(!no_stream("ci", "base").holds(&repo));
        assert!(!no_stream("", "base").holds(&repo));
        assert!(no_stream("prod", "base").holds(&repo));
        assert!(!no_stream("prod", "tools").holds(&repo));
        assert!(no_stream("ci", "other").holds(&repo));
        assert!(!missing("ci", "base", "2").holds(&repo));
        assert!(missing("ci", "base", "3").holds(&repo));
        // A stream that is not there at all is another rule's finding.
        assert!(!missing("prod", "base", "3").holds(&repo));
        let again = |ns: &str, name: &str| CrossCheck::DefinedAgain {
            namespace: ns.into(),
            name: name.into(),
        };
        assert!(!again("ci", "base").holds(&repo));
        repo.add(stream("base", "ci", &[]));
        assert!(again("ci", "base").holds(&repo));
        assert!(!again("", "tools").holds(&repo));
    }

    #[test]
    fn a_tag_document_adds_a_tag_but_not_a_copy() {
        let mut repo = RepoIndex::default();
        repo.add(stream("app", "ci", &["1"]));
        repo.add(IndexedStream {
            document: true,
            ..stream("app", "ci", &["2"])
        });
        assert!(repo.has_tag("ci", "app", "2"));
        assert_eq!(repo.copies("ci", "app"), 1);
        let defined = |tag: &str| CrossCheck::SpecTagDefined {
            namespace: "ci".into(),
            name: "app".into(),
            tag: tag.into(),
        };
        assert!(defined("1").holds(&repo));
        assert!(!defined("2").holds(&repo));
    }
}
