//! In-place edits of one file: replace or insert an ImageStream's `status`, pin a tag's `from.name`,
//! and add, replace or delete a tag as `oc tag` does (its splices planned in [`super::spec_tag`]).
//!
//! Edits are byte splices planned against the loader's spans, in YAML (block style) or JSON, following
//! the file's own layout. [`FileEdit::finish`] applies them all at once and refuses to hand back text
//! that changed a byte outside the edited blocks or that does not parse back to what was asked for.

use std::path::PathBuf;

use super::json::{self, JsonStyle};
use super::readback::read_status;
use super::scalar::{Quote, yaml_scalar};
use super::shape::{self, Shape};
use super::spec_tag::{self, TagChange, TagNodes};
use super::splice::{self, Splice, insert_lines};
use super::text::{column, newline_of, next_line_start, through_comment, trim_end, with_newline};
use super::yaml::YamlStyle;
use crate::load::{
    Entry, Layout, LoadedFile, Node, NodeKind, Object, ScalarStyle, Source, find_objects, parse,
};
use crate::model::imagestream::StreamView;
use crate::model::spec::StreamSpec;
use crate::model::status::StreamStatus;

/// Why a file is not edited; `line` is 1-based.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {reason}", path.display())]
pub struct EditError {
    pub path: PathBuf,
    pub line: usize,
    pub reason: String,
}

/// How the object being edited is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Yaml,
    Json,
}

/// What the edited text must read back as.
enum Check {
    Status {
        object: usize,
        status: StreamStatus,
    },
    Pin {
        object: usize,
        tag: String,
        name: String,
    },
    /// After a tag change, the whole stream: its spec with the changed tags, and its status.
    Stream {
        object: usize,
        spec: StreamSpec,
        status: Option<StreamStatus>,
    },
}

/// The planned edits of one loaded file.
pub struct FileEdit<'f> {
    file: &'f LoadedFile,
    objects: Vec<Object<'f>>,
    splices: Vec<Splice>,
    checks: Vec<Check>,
}

impl<'f> FileEdit<'f> {
    /// Starts editing `file`; a file that did not parse completely is refused.
    pub fn new(file: &'f LoadedFile) -> Result<FileEdit<'f>, EditError> {
        let mut edit = FileEdit {
            file,
            objects: find_objects(&file.parsed.documents),
            splices: Vec::new(),
            checks: Vec::new(),
        };
        if let Some(error) = &file.parsed.error {
            let reason = format!(
                "the file does not parse ({}), so it is not edited",
                error.message
            );
            return Err(edit.error(error.span.start, reason));
        }
        edit.objects.shrink_to_fit();
        Ok(edit)
    }

    /// Replaces the object's `status` with `status`, or inserts it at the end of the object. Nothing
    /// changes when the file already holds exactly this status (whatever its formatting).
    pub fn set_status(
        &mut self,
        object: &Object<'_>,
        status: &StreamStatus,
    ) -> Result<(), EditError> {
        let index = self.index_of(object)?;
        let mode = self.mode(object)?;
        let node = object.node;
        let entry = self.status_entry(node)?;
        if entry.and_then(|e| read_status(&e.value)).as_ref() == Some(status) {
            return Ok(());
        }
        let text = &self.file.source.text;
        let shape = shape::status(status);
        let planned = match mode {
            Mode::Yaml => yaml_status(text, node, entry, shape),
            Mode::Json => json_status(text, node, &shape),
        };
        let planned = planned.map_err(|reason| self.error(node.span.start, reason))?;
        self.splices.extend(planned);
        self.checks.push(Check::Status {
            object: index,
            status: status.clone(),
        });
        Ok(())
    }

    /// Rewrites `spec.tags[tag].from.name` of the object to `pinned`, keeping its quoting style.
    pub fn pin(&mut self, object: &Object<'_>, tag: &str, pinned: &str) -> Result<(), EditError> {
        let index = self.index_of(object)?;
        let mode = self.mode(object)?;
        let Some(path) = from_name_path(object.node, tag) else {
            let reason = format!("spec.tags[{tag}].from.name is not a scalar in this ImageStream");
            return Err(self.error(object.node.span.start, reason));
        };
        let name = path[path.len() - 1];
        if path.iter().any(|n| n.shared) {
            let reason = format!(
                "spec.tags[{tag}].from.name is anchored or aliased; pinning it would change other places"
            );
            return Err(self.error(name.span.start, reason));
        }
        let style = name.as_scalar().map(|s| s.style);
        let new = match (mode, style) {
            (Mode::Json, _) => json::quoted(pinned),
            (Mode::Yaml, Some(ScalarStyle::Plain)) => yaml_scalar(pinned, Quote::Plain),
            (Mode::Yaml, Some(ScalarStyle::SingleQuoted)) => yaml_scalar(pinned, Quote::Single),
            (Mode::Yaml, Some(ScalarStyle::DoubleQuoted)) => yaml_scalar(pinned, Quote::Double),
            _ => {
                let reason = format!(
                    "spec.tags[{tag}].from.name is a block scalar; write it on one line to pin it"
                );
                return Err(self.error(name.span.start, reason));
            }
        };
        self.splices.push(Splice {
            start: name.span.start,
            end: name.span.end,
            text: new,
        });
        self.checks.push(Check::Pin {
            object: index,
            tag: tag.to_string(),
            name: pinned.to_string(),
        });
        Ok(())
    }

    /// Adds, replaces or deletes a tag as `oc tag` does. The check reads the whole stream back, so
    /// a tag change is planned in an edit of its own, not next to a status or pin of the same stream.
    pub fn change_tag(&mut self, object: &Object<'_>, change: &TagChange) -> Result<(), EditError> {
        let index = self.index_of(object)?;
        let mode = self.mode(object)?;
        let node = object.node;
        let (spec, status) = change
            .expected(&StreamView::read(node))
            .map_err(|reason| self.error(node.span.start, reason))?;
        let nodes = TagNodes::of(node);
        // What the change rewrites: the tag lists (whole), and the mappings that hold them.
        let mut touched = vec![(nodes.spec, false), (nodes.tags, true)];
        if matches!(change, TagChange::Delete(_)) {
            touched.extend([(nodes.status, false), (nodes.status_tags, true)]);
        }
        for (n, whole) in touched {
            if let Some(n) = n.filter(|n| n.shared || (whole && any_shared(n))) {
                return Err(self.error(n.span.start, "spec.tags or status.tags, or what holds them, is anchored or aliased (&/*); editing it would change other parts of the document".into()));
            }
        }
        let flow_with_content = |n: &Node| match &n.kind {
            NodeKind::Map(entries, Layout::Flow) => !entries.is_empty(),
            NodeKind::Seq(items, Layout::Flow) => !items.is_empty(),
            _ => false,
        };
        for n in [nodes.spec, nodes.tags].into_iter().flatten() {
            if mode == Mode::Yaml && flow_with_content(n) {
                return Err(self.error(n.span.start, "spec or spec.tags is written in flow style ({…}/[…]) inside block YAML; write it in block style to edit it".into()));
            }
        }
        let text = &self.file.source.text;
        let planned = match mode {
            Mode::Yaml => {
                let style = YamlStyle::detect(text, node, None);
                spec_tag::yaml_splices(text, node, change, &style)
            }
            Mode::Json => {
                spec_tag::json_splices(text, node, change, &JsonStyle::detect(text, node))
            }
        };
        let planned = planned.map_err(|r| self.error(r.at, r.reason))?;
        self.splices.extend(planned);
        self.checks.push(Check::Stream {
            object: index,
            spec,
            status,
        });
        Ok(())
    }

    /// Whether any edit was planned.
    pub fn is_empty(&self) -> bool {
        self.splices.is_empty()
    }

    /// The new text of the file: the planned splices applied, checked byte for byte outside them, and
    /// parsed again to prove that every status, pin and tag change reads back as written.
    pub fn finish(self) -> Result<String, EditError> {
        let text = &self.file.source.text;
        if self.splices.is_empty() {
            return Ok(text.clone());
        }
        let first = self.splices.iter().map(|s| s.start).min().unwrap_or(0);
        let out = splice::apply(text, &self.splices)
            .map_err(|reason| self.error(first, format!("{reason}; the file is not written")))?;
        let source = Source::new(self.file.source.path(), out);
        let parsed = parse::parse(&source, parse::Limits::default());
        if let Some(error) = &parsed.error {
            let reason = format!(
                "the edited file would not parse ({}); it is not written",
                error.message
            );
            return Err(self.error(first, reason));
        }
        let objects = find_objects(&parsed.documents);
        if objects.len() != self.objects.len() {
            return Err(self.error(
                first,
                "the edit would change which ImageStreams the file holds; it is not written".into(),
            ));
        }
        for check in &self.checks {
            let (index, ok) = match check {
                Check::Status { object, status } => (
                    *object,
                    objects[*object]
                        .node
                        .get("status")
                        .and_then(read_status)
                        .as_ref()
                        == Some(status),
                ),
                Check::Pin { object, tag, name } => (
                    *object,
                    from_name_path(objects[*object].node, tag)
                        .and_then(|p| p[p.len() - 1].as_str())
                        .is_some_and(|s| s == name),
                ),
                Check::Stream {
                    object,
                    spec,
                    status,
                } => {
                    let view = StreamView::read(objects[*object].node);
                    (*object, view.spec == *spec && view.status == *status)
                }
            };
            if !ok {
                let at = self.objects[index].node.span.start;
                return Err(self.error(
                    at,
                    "the edited object would not read back as written; it is not written".into(),
                ));
            }
        }
        Ok(source.text)
    }

    fn error(&self, at: usize, reason: String) -> EditError {
        EditError {
            path: self.file.source.path().to_path_buf(),
            line: self.file.source.position(at).line,
            reason,
        }
    }

    fn index_of(&self, object: &Object<'_>) -> Result<usize, EditError> {
        self.objects
            .iter()
            .position(|o| std::ptr::eq(o.node, object.node))
            .ok_or_else(|| {
                self.error(
                    object.node.span.start,
                    "the object is not one of this file's ImageStreams".into(),
                )
            })
    }

    /// YAML in block style or JSON; refuses flow-style YAML and anything anchored or aliased around the
    /// object (an edit there would change what other nodes mean).
    fn mode(&self, object: &Object<'_>) -> Result<Mode, EditError> {
        let at = object.node.span.start;
        let root = self
            .file
            .parsed
            .documents
            .get(object.document)
            .and_then(|d| d.root.as_ref());
        let Some(path) = root.and_then(|root| ancestors(root, object.node)) else {
            return Err(self.error(
                at,
                "the object is not one of this file's ImageStreams".into(),
            ));
        };
        if path.iter().any(|n| n.shared) {
            return Err(self.error(at, "the ImageStream or a collection around it is anchored or aliased (&/*); editing it would change other parts of the document".into()));
        }
        let flow = |n: &&Node| {
            matches!(
                n.kind,
                NodeKind::Map(_, Layout::Flow) | NodeKind::Seq(_, Layout::Flow)
            )
        };
        if !path.iter().any(flow) {
            return Ok(Mode::Yaml);
        }
        let json_keys = object.node.as_map().is_some_and(|entries| {
            entries.iter().all(|e| {
                e.key
                    .as_scalar()
                    .is_some_and(|k| k.style == ScalarStyle::DoubleQuoted)
            })
        });
        if path.iter().all(flow) && json_keys {
            return Ok(Mode::Json);
        }
        Err(self.error(at, "the ImageStream is written in flow-style YAML ({…}); it cannot be edited safely — write it in block style or as JSON".into()))
    }

    /// The object's own `status` entry, if it can be replaced safely.
    fn status_entry<'n>(&self, node: &'n Node) -> Result<Option<&'n Entry>, EditError> {
        let Some(entry) = node.entry("status") else {
            return Ok(None);
        };
        let at = entry.key.span.start;
        if entry.key.span.start < node.span.start || entry.key.span.end > node.span.end {
            return Err(self.error(
                node.span.start,
                "status comes from a merge key (<<); editing it would change the merged mapping"
                    .into(),
            ));
        }
        if any_shared(&entry.key) || any_shared(&entry.value) {
            return Err(self.error(at, "status is anchored or aliased (&/*) or holds an anchor; editing it would change other parts of the document".into()));
        }
        if entry.value.as_map().is_none() && !entry.value.is_null() {
            let reason = format!(
                "status is a {}, not a mapping; it is not overwritten",
                entry.value.type_name()
            );
            return Err(self.error(at, reason));
        }
        Ok(Some(entry))
    }
}

/// The nodes from `root` down to `target` (found by identity), both included.
fn ancestors<'a>(root: &'a Node, target: &Node) -> Option<Vec<&'a Node>> {
    if std::ptr::eq(root, target) {
        return Some(vec![root]);
    }
    let children: Box<dyn Iterator<Item = &Node>> = match &root.kind {
        NodeKind::Map(entries, _) => Box::new(entries.iter().map(|e| &e.value)),
        NodeKind::Seq(items, _) => Box::new(items.iter()),
        NodeKind::Scalar(_) => return None,
    };
    for child in children {
        if let Some(mut path) = ancestors(child, target) {
            path.insert(0, root);
            return Some(path);
        }
    }
    None
}

fn any_shared(node: &Node) -> bool {
    node.shared
        || match &node.kind {
            NodeKind::Map(entries, _) => entries
                .iter()
                .any(|e| any_shared(&e.key) || any_shared(&e.value)),
            NodeKind::Seq(items, _) => items.iter().any(any_shared),
            NodeKind::Scalar(_) => false,
        }
}

/// `spec`, `spec.tags`, the (last) tag named `tag`, its `from` and `from.name` — the nodes a pin edits.
fn from_name_path<'a>(object: &'a Node, tag: &str) -> Option<Vec<&'a Node>> {
    let spec = object.get("spec")?;
    let tags = spec.get("tags")?;
    let item = tags
        .as_seq()?
        .iter()
        .rev()
        .find(|t| t.get("name").and_then(Node::as_str) == Some(tag))?;
    let from = item.get("from")?;
    let name = from.get("name")?;
    name.as_scalar()?;
    Some(vec![spec, tags, item, from, name])
}

fn fields_of(shape: Shape) -> Vec<(&'static str, Shape)> {
    match shape {
        Shape::Map(fields) => fields,
        _ => Vec::new(),
    }
}

/// Splices for a block-style YAML object: the status mapping's content replaced in place when it is a
/// block mapping; otherwise the key's value (`{}`, `null`, nothing) dropped and the block put on the
/// following lines, so a comment on the `status:` line stays; or a new `status:` after the last line of
/// the object, at its key indentation.
fn yaml_status(
    text: &str,
    object: &Node,
    entry: Option<&Entry>,
    shape: Shape,
) -> Result<Vec<Splice>, String> {
    let newline = newline_of(text);
    let style = YamlStyle::detect(text, object, entry.map(|e| &e.value));
    let Some(entry) = entry else {
        let first_key = object
            .as_map()
            .and_then(|entries| {
                entries
                    .iter()
                    .find(|e| e.key.span.start >= object.span.start)
            })
            .ok_or("the ImageStream has no keys of its own")?;
        let lines = style.map_lines(&[("status", shape)], column(text, first_key.key.span.start));
        let end = trim_end(text, object.span.start, object.span.end);
        return Ok(vec![insert_lines(
            text,
            next_line_start(text, end),
            &lines,
            newline,
        )]);
    };
    let value = &entry.value;
    if let NodeKind::Map(entries, Layout::Block) = &value.kind
        && !entries.is_empty()
    {
        let col = column(text, value.span.start);
        let lines = style.map_lines(&fields_of(shape), col);
        let end = through_comment(text, trim_end(text, value.span.start, value.span.end));
        let body = lines.join("\n");
        return Ok(vec![Splice {
            start: value.span.start,
            end,
            text: with_newline(body[col.min(body.len())..].to_string(), newline),
        }]);
    }
    let value_end = if value.span.start == value.span.end {
        let rest = &text[entry.key.span.end..];
        let colon = rest
            .find(':')
            .filter(|&i| rest[..i].trim().is_empty())
            .ok_or("cannot find the ':' after status")?;
        entry.key.span.end + colon + 1
    } else {
        value.span.end
    };
    let lines = style.map_lines(
        &fields_of(shape),
        column(text, entry.key.span.start) + style.unit,
    );
    let mut splices = vec![insert_lines(
        text,
        next_line_start(text, value_end),
        &lines,
        newline,
    )];
    if text[entry.key.span.end..value_end].trim() != ":" {
        splices.push(Splice {
            start: entry.key.span.end,
            end: value_end,
            text: ":".into(),
        });
    }
    Ok(splices)
}

/// The splice for a JSON object: the `status` value replaced, or `"status": …` added after the last
/// member.
fn json_status(text: &str, object: &Node, shape: &Shape) -> Result<Vec<Splice>, String> {
    let style = JsonStyle::detect(text, object);
    Ok(vec![json::set_member(
        text, object, "status", shape, &style,
    )?])
}
