//! An ImageStream of the repository as the import stages see it: spec, status and the same stream at
//! the base revision; and which of its tags the import controller imports.

use super::spec::{SpecTag, StreamSpec};
use super::status::{NamedTagEventList, StreamStatus};

/// An ImageStream of the repository: its spec and, when the file has one, its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stream {
    pub spec: StreamSpec,
    pub status: Option<StreamStatus>,
    /// The same stream at the base revision (`--since`), when Git has it and the file changed
    /// since: see `baseline`.
    pub base: Option<Box<Stream>>,
}

impl Stream {
    /// The status entry of `tag`; the last one wins, as in the server's list→map conversion.
    pub fn status_tag(&self, tag: &str) -> Option<&NamedTagEventList> {
        self.status
            .as_ref()
            .and_then(|s| s.tags.iter().rev().find(|t| t.tag == tag))
    }

    /// Spec tags with duplicates collapsed (the last one wins), in file order.
    pub fn spec_tags(&self) -> impl Iterator<Item = &SpecTag> {
        let tags = &self.spec.tags;
        tags.iter()
            .enumerate()
            .filter(|(i, t)| !tags[i + 1..].iter().any(|later| later.name == t.name))
            .map(|(_, t)| t)
    }
}

/// Whether the import controller imports this tag at all: a `DockerImage` source that is not a
/// `reference: true` tag (imagestream_controller.go tagImportable). An empty name is lint's business.
pub fn importable(tag: &SpecTag) -> bool {
    tag.from
        .as_ref()
        .is_some_and(|f| f.kind == "DockerImage" && !f.name.is_empty())
        && !tag.reference
}

/// Whether status shows a repository import: a status tag that no spec tag names (the importer
/// writes one per imported or failed repository tag; rest.go `createImages`).
pub fn repository_recorded(stream: &Stream) -> bool {
    stream.status.as_ref().is_some_and(|status| {
        status
            .tags
            .iter()
            .any(|t| stream.spec.tag(&t.tag).is_none())
    })
}
