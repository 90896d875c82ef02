//! Generations: which spec a status entry was produced for (reference §6.1).
//!
//! A manifest in Git usually carries neither `metadata.generation` nor tag generations. The server
//! gives a created stream generation 1 and every tag that generation (strategy.go PrepareForCreate),
//! so an absent generation is read as that "as created" value: what applying the file would give.

use super::spec::{SpecTag, StreamSpec};
use super::status::{IMPORT_SUCCESS, NamedTagEventList};

/// The stream generation as the server would hold it: `metadata.generation`, or 1 for a stream
/// that was never written by a server.
pub fn stream_generation(spec: &StreamSpec) -> i64 {
    spec.meta.generation.max(1)
}

/// The generation an import in this run records (`nextGeneration` in the ISI REST handler):
/// events, failure conditions.
pub fn next_generation(spec: &StreamSpec) -> i64 {
    stream_generation(spec).saturating_add(1)
}

/// The generation of the spec tag as the server would hold it: a client's `0` ("import again") and
/// an absent value both become the stream generation (strategy.go ensureSpecTagGenerationsAreSet).
pub fn tag_generation(spec: &StreamSpec, tag: &SpecTag) -> i64 {
    match tag.generation {
        Some(g) if g > 0 => g,
        _ => stream_generation(spec),
    }
}

/// Generation the importer has seen for a tag: the larger of `items[0].generation` and the first
/// `ImportSuccess` condition's (imagestream_controller.go latestObservedTagGeneration). 0 = never.
pub fn observed_generation(status: Option<&NamedTagEventList>) -> i64 {
    let Some(list) = status else { return 0 };
    let item = list.items.first().map_or(0, |e| e.generation);
    let condition = list
        .conditions
        .iter()
        .find(|c| c.kind == IMPORT_SUCCESS)
        .map_or(0, |c| c.generation);
    item.max(condition).max(0)
}
