//! Finds the ImageStream objects in a file's documents: plain, in `List`/`ImageStreamList` items,
//! in a bare top-level sequence, or in a `Template`'s `objects`. ImageStreamTag and
//! ImageStreamMapping documents are found the same way, by their own kinds.

use super::node::Node;
use super::parse::Document;

/// What an ImageStream was found inside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wrapper {
    None,
    /// `kind: List` / `ImageStreamList` items, or a bare top-level sequence.
    List,
    /// `objects` of a `kind: Template` with this name; values may hold `${PARAM}` placeholders.
    Template(String),
}

/// The kind of an ImageStreamTag document: a spec tag of its stream, kept as an object of its own.
pub const IMAGE_STREAM_TAG: &str = "ImageStreamTag";
/// The kind of an ImageStreamMapping document: what a registry sends after a push.
pub const IMAGE_STREAM_MAPPING: &str = "ImageStreamMapping";

/// One ImageStream (or something written as one) and where it sits.
#[derive(Clone, Debug)]
pub struct Object<'a> {
    /// Index of the document in the file (counting empty documents too).
    pub document: usize,
    pub node: &'a Node,
    pub wrapper: Wrapper,
}

/// Every object whose kind is ImageStream, in file order. A misspelt `Kind`/`KIND` key counts too,
/// so that lint can say what is wrong with it instead of silently skipping the stream.
pub fn find_objects(documents: &[Document]) -> Vec<Object<'_>> {
    find_kind(documents, "ImageStream")
}

/// The kinds streamlock reads: ImageStreams and the documents that name one of their tags.
pub const OUR_KINDS: [&str; 3] = ["ImageStream", IMAGE_STREAM_TAG, IMAGE_STREAM_MAPPING];

/// Every object of `kind` (`ImageStream`, [`IMAGE_STREAM_TAG`], [`IMAGE_STREAM_MAPPING`]), found
/// where [`find_objects`] finds ImageStreams.
pub fn find_kind<'a>(documents: &'a [Document], kind: &str) -> Vec<Object<'a>> {
    let mut out = Vec::new();
    for (index, doc) in documents.iter().enumerate() {
        if let Some(root) = &doc.root {
            collect(root, kind, index, Wrapper::None, 0, &mut out);
        }
    }
    out
}

fn collect<'a>(
    node: &'a Node,
    kind: &str,
    document: usize,
    wrapper: Wrapper,
    depth: usize,
    out: &mut Vec<Object<'a>>,
) {
    if depth > 4 {
        return;
    }
    if let Some(items) = node.as_seq() {
        for item in items {
            collect(item, kind, document, Wrapper::List, depth + 1, out);
        }
        return;
    }
    match kind_of(node) {
        Some("List" | "ImageStreamList") => {
            if let Some(items) = node.get("items").and_then(Node::as_seq) {
                for item in items {
                    collect(item, kind, document, Wrapper::List, depth + 1, out);
                }
            }
        }
        Some("Template") => {
            let name = node
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string();
            if let Some(objects) = node.get("objects").and_then(Node::as_seq) {
                for object in objects {
                    if kind_of(object) == Some(kind) {
                        out.push(Object {
                            document,
                            node: object,
                            wrapper: Wrapper::Template(name.clone()),
                        });
                    }
                }
            }
        }
        Some(found) if found == kind => out.push(Object {
            document,
            node,
            wrapper,
        }),
        _ => {}
    }
}

/// The object's kind, also read from a key that differs from `kind` only in case.
fn kind_of(node: &Node) -> Option<&str> {
    if let Some(kind) = node.get("kind") {
        return kind.as_str();
    }
    node.as_map()?
        .iter()
        .find(|e| {
            e.key
                .as_scalar()
                .is_some_and(|k| k.text.eq_ignore_ascii_case("kind"))
        })
        .and_then(|e| e.value.as_str())
}
