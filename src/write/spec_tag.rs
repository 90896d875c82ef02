//! `streamlock tag`'s edits of one ImageStream: add or replace a spec tag, or delete a tag from spec
//! and status. This module plans them as splices, in block YAML or JSON and in the file's own layout;
//! [`FileEdit::change_tag`](super::edit::FileEdit::change_tag) refuses what cannot be edited safely,
//! applies the splices and reads the stream back before anything may be written.

use super::json::{self, JsonStyle};
use super::shape::{Shape, text};
use super::splice::{Splice, insert_lines};
use super::text::{
    column, indent_of, line_start, newline_of, next_line_start, through_comment, trim_end,
    with_newline,
};
use super::yaml::YamlStyle;
use crate::load::{Layout, Node, NodeKind};
use crate::model::imagestream::StreamView;
use crate::model::spec::{FromRef, ImportPolicy, SpecTag, StreamSpec};
use crate::model::status::StreamStatus;

/// The spec tag `oc tag` sends, as it is written into the file, without the `generation: 0` oc sends
/// for an external image: the server replaces that at once (strategy.go
/// ensureSpecTagGenerationsAreSet), while in Git it would stay and ask for an import on every apply
/// and every run; the Git rule of `plan` gives the one import it asks for (README, `tag`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewSpecTag {
    pub name: String,
    pub from: FromRef,
    pub reference: bool,
    pub import_policy: ImportPolicy,
    /// `Source` or `Local`.
    pub reference_policy: String,
}

impl NewSpecTag {
    /// How the tag reads back from the file.
    fn as_spec_tag(&self) -> SpecTag {
        SpecTag {
            name: self.name.clone(),
            from: Some(self.from.clone()),
            reference: self.reference,
            import_policy: self.import_policy.clone(),
            reference_policy: self.reference_policy.clone(),
            ..SpecTag::default()
        }
    }

    /// The TagReference's fields in the API's order, without the ones oc leaves empty.
    fn fields(&self) -> Vec<(&'static str, Shape)> {
        let mut from = vec![
            ("kind", text(&self.from.kind)),
            ("name", text(&self.from.name)),
        ];
        if !self.from.namespace.is_empty() {
            from.push(("namespace", text(&self.from.namespace)));
        }
        let mut fields = vec![("name", text(&self.name)), ("from", Shape::Map(from))];
        if self.reference {
            fields.push(("reference", Shape::Bool(true)));
        }
        let policy = &self.import_policy;
        let mut import = Vec::new();
        if policy.insecure {
            import.push(("insecure", Shape::Bool(true)));
        }
        if policy.scheduled {
            import.push(("scheduled", Shape::Bool(true)));
        }
        if !policy.import_mode.is_empty() {
            import.push(("importMode", text(&policy.import_mode)));
        }
        if !import.is_empty() {
            fields.push(("importPolicy", Shape::Map(import)));
        }
        fields.push((
            "referencePolicy",
            Shape::Map(vec![("type", text(&self.reference_policy))]),
        ));
        fields
    }
}

/// What to do to the stream's tags.
#[derive(Clone, Debug)]
pub enum TagChange {
    /// Replace the spec tag of that name (the last one, which the server keeps), or add it.
    Set(NewSpecTag),
    /// Remove every spec tag and status tag of that name, as deleting an ImageStreamTag does.
    Delete(String),
}

impl TagChange {
    /// The spec and status the stream must read back as once the change is made, or why it cannot
    /// be made.
    pub(super) fn expected(
        &self,
        view: &StreamView<'_>,
    ) -> Result<(StreamSpec, Option<StreamStatus>), String> {
        let mut spec = view.spec.clone();
        let mut status = view.status.clone();
        match self {
            TagChange::Set(tag) => match spec.tags.iter().rposition(|t| t.name == tag.name) {
                Some(i) => spec.tags[i] = tag.as_spec_tag(),
                None => spec.tags.push(tag.as_spec_tag()),
            },
            TagChange::Delete(name) => {
                let before = spec.tags.len();
                spec.tags.retain(|t| &t.name != name);
                let mut removed = before - spec.tags.len();
                if let Some(status) = status.as_mut() {
                    let before = status.tags.len();
                    status.tags.retain(|t| &t.tag != name);
                    removed += before - status.tags.len();
                }
                if removed == 0 {
                    return Err(format!(
                        "imagestreamtags.image.openshift.io \"{}:{name}\" not found",
                        view.spec.meta.name
                    ));
                }
            }
        }
        Ok((spec, status))
    }
}

/// Why an edit is not planned, and the byte offset it is about.
pub(super) struct Refusal {
    pub at: usize,
    pub reason: String,
}

fn refuse(at: usize, reason: impl Into<String>) -> Refusal {
    Refusal {
        at,
        reason: reason.into(),
    }
}

/// The nodes a tag edit touches: `spec`, `spec.tags` and the status tags.
pub(super) struct TagNodes<'n> {
    pub spec: Option<&'n Node>,
    pub tags: Option<&'n Node>,
    pub status: Option<&'n Node>,
    pub status_tags: Option<&'n Node>,
}

impl<'n> TagNodes<'n> {
    pub(super) fn of(object: &'n Node) -> TagNodes<'n> {
        let spec = object.get("spec");
        let status = object.get("status");
        TagNodes {
            spec,
            tags: spec.and_then(|s| s.get("tags")),
            status,
            status_tags: status.and_then(|s| s.get("tags")),
        }
    }

    fn spec_items(&self) -> &'n [Node] {
        self.tags.and_then(Node::as_seq).unwrap_or(&[])
    }

    fn status_items(&self) -> &'n [Node] {
        self.status_tags.and_then(Node::as_seq).unwrap_or(&[])
    }

    /// The spec tag items named `name`, then the status tag items for it, by index.
    fn named(&self, name: &str) -> (Vec<usize>, Vec<usize>) {
        let find = |items: &[Node], key: &str| -> Vec<usize> {
            (0..items.len())
                .filter(|&i| items[i].get(key).and_then(Node::as_str) == Some(name))
                .collect()
        };
        (
            find(self.spec_items(), "name"),
            find(self.status_items(), "tag"),
        )
    }
}

/// Whether `spec` and `spec.tags` may take a first tag: each absent, empty or a mapping / list.
fn may_take_first_tag(nodes: &TagNodes<'_>) -> Result<(), Refusal> {
    let wrong = |node: &Node, path: &str, want: &str| {
        refuse(
            node.span.start,
            format!("{path} is a {}, not a {want}", node.type_name()),
        )
    };
    match (nodes.spec, nodes.tags) {
        (Some(spec), _) if spec.as_map().is_none() && !is_empty_value(spec) => {
            Err(wrong(spec, "spec", "mapping"))
        }
        (_, Some(tags)) if !is_empty_value(tags) || tags.as_map().is_some() => {
            Err(wrong(tags, "spec.tags", "list"))
        }
        _ => Ok(()),
    }
}

/// Splices for a stream in block YAML; new lines take the indentation of the lines around them.
pub(super) fn yaml_splices(
    text: &str,
    object: &Node,
    change: &TagChange,
    style: &YamlStyle,
) -> Result<Vec<Splice>, Refusal> {
    let newline = newline_of(text);
    let nodes = TagNodes::of(object);
    let tag = match change {
        TagChange::Set(tag) => tag,
        TagChange::Delete(name) => return yaml_delete(text, &nodes, name),
    };
    let fields = tag.fields();
    let items = nodes.spec_items();
    let (named, _) = nodes.named(&tag.name);
    if let Some(&i) = named.last() {
        // The `- ` stays; the mapping after it is rewritten in place, at its column.
        let item = &items[i];
        let col = column(text, item.span.start);
        let lines = style.map_lines(&fields, col);
        let end = through_comment(text, trim_end(text, item.span.start, item.span.end));
        return Ok(vec![Splice {
            start: item.span.start,
            end,
            text: lines.join(newline)[col..].to_string(),
        }]);
    }
    if let Some(last) = items.last() {
        let col = column(text, last.span.start);
        let dash = dash_prefix(text, last.span.start)
            .ok_or_else(|| refuse(last.span.start, "cannot find the `-` of the last spec tag"))?;
        let mut lines = style.map_lines(&fields, col);
        lines[0] = format!("{dash}{}", &lines[0][col..]);
        let at = next_line_start(text, trim_end(text, last.span.start, last.span.end));
        return Ok(vec![insert_lines(text, at, &lines, newline)]);
    }
    may_take_first_tag(&nodes)?;
    let tags = Shape::Seq(vec![Shape::Map(fields)]);
    yaml_first_tag(text, object, &nodes, tags, style)
        .map(|s| vec![s])
        .map_err(|reason| refuse(object.span.start, reason))
}

/// Splices removing the lines of every spec and status entry for tag `name`. Lines that end a file
/// without a final line break take the line break before them, so the file still ends without one.
fn yaml_delete(text: &str, nodes: &TagNodes<'_>, name: &str) -> Result<Vec<Splice>, Refusal> {
    let (spec, status) = nodes.named(name);
    let items = spec.iter().map(|&i| &nodes.spec_items()[i]);
    let items = items.chain(status.iter().map(|&i| &nodes.status_items()[i]));
    let mut cuts = Vec::new();
    for item in items {
        if dash_prefix(text, item.span.start).is_none() {
            return Err(refuse(
                item.span.start,
                format!(
                    "the entry for tag {name:?} does not start its own line; it is not deleted"
                ),
            ));
        }
        let end = next_line_start(text, trim_end(text, item.span.start, item.span.end));
        cuts.push((line_start(text, item.span.start), end));
    }
    cuts.sort_unstable();
    let mut splices: Vec<Splice> = Vec::with_capacity(cuts.len());
    for (start, end) in cuts {
        match splices.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => splices.push(Splice {
                start,
                end,
                text: String::new(),
            }),
        }
    }
    if let Some(last) = splices.last_mut()
        && last.end == text.len()
        && !text.ends_with('\n')
    {
        let before = &text[..last.start];
        last.start = before
            .strip_suffix('\n')
            .map_or(last.start, |b| b.strip_suffix('\r').unwrap_or(b).len());
    }
    Ok(splices)
}

/// A first spec tag: `tags:` or `spec:` given a block value (replacing `[]`, `{}`, `null` or
/// nothing), `tags:` added to `spec`, or a new `spec:` at the end of the object.
fn yaml_first_tag(
    text: &str,
    object: &Node,
    nodes: &TagNodes<'_>,
    tags: Shape,
    style: &YamlStyle,
) -> Result<Splice, String> {
    let newline = newline_of(text);
    let after = |node: &Node| next_line_start(text, trim_end(text, node.span.start, node.span.end));
    let (map, key, value) = first_tag_member(object, nodes, tags);
    let col = match &map.kind {
        NodeKind::Map(entries, Layout::Block) => entries.first(),
        _ => None,
    }
    .map(|e| column(text, e.key.span.start))
    .ok_or_else(|| {
        format!("the mapping to hold {key} is not in block style; add the tag by hand")
    })?;
    let lines = style.map_lines(&[(key, value)], col);
    let Some(entry) = map.entry(key) else {
        return Ok(insert_lines(text, after(map), &lines, newline));
    };
    // `key:`, `key: null`, `key: []` or `key: {}`: the value becomes the block on the next lines.
    let value_end = if entry.value.span.start == entry.value.span.end {
        entry.key.span.end + 1
    } else {
        entry.value.span.end
    };
    let colon = text.get(entry.key.span.end..value_end);
    if !colon.is_some_and(|c| c.trim_start().starts_with(':')) {
        return Err(format!("cannot find the ':' after {key}"));
    }
    Ok(Splice {
        start: entry.key.span.end,
        end: through_comment(text, value_end),
        text: format!(":{newline}{}", lines[1..].join(newline)),
    })
}

/// Where a first tag goes: `tags` into a `spec` that has other fields, else a whole `spec` into the
/// object (replacing an empty one).
fn first_tag_member<'n>(
    object: &'n Node,
    nodes: &TagNodes<'n>,
    tags: Shape,
) -> (&'n Node, &'static str, Shape) {
    match nodes.spec {
        Some(spec) if !is_empty_value(spec) => (spec, "tags", tags),
        _ => (object, "spec", Shape::Map(vec![("tags", tags)])),
    }
}

/// `null`, nothing, `[]` or `{}`: a value a first tag may replace.
fn is_empty_value(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Map(entries, _) => entries.is_empty(),
        NodeKind::Seq(items, _) => items.is_empty(),
        NodeKind::Scalar(_) => node.is_null(),
    }
}

/// The text before a sequence item on its line, when it is only spaces and a `-`.
fn dash_prefix(text: &str, item_start: usize) -> Option<String> {
    let before = &text[line_start(text, item_start)..item_start];
    let trimmed = before.trim_end_matches(' ');
    (trimmed.trim_start_matches(' ') == "-").then(|| before.to_string())
}

/// Splices for a stream in JSON: a tag is written like the one it replaces or follows (on one line
/// when that one is), else in the file's indentation.
pub(super) fn json_splices(
    text: &str,
    object: &Node,
    change: &TagChange,
    style: &JsonStyle,
) -> Result<Vec<Splice>, Refusal> {
    let nodes = TagNodes::of(object);
    let tag = match change {
        TagChange::Set(tag) => tag,
        TagChange::Delete(name) => {
            let (spec, status) = nodes.named(name);
            let mut splices = Vec::new();
            for (list, doomed) in [(nodes.tags, spec), (nodes.status_tags, status)] {
                if let Some(list) = list.filter(|_| !doomed.is_empty()) {
                    splices.extend(json_remove(list, &doomed));
                }
            }
            return Ok(splices);
        }
    };
    let shape = Shape::Map(tag.fields());
    let items = nodes.spec_items();
    let (named, _) = nodes.named(&tag.name);
    let render = |style: &JsonStyle, at: &Node| {
        let rendered = style.render(&shape, indent_of(text, at.span.start));
        with_newline(rendered, newline_of(text))
    };
    if let Some(&i) = named.last() {
        let item = &items[i];
        return Ok(vec![Splice {
            start: item.span.start,
            end: item.span.end,
            text: render(&style.like(text, item), item),
        }]);
    }
    if let (Some(list), Some(last)) = (nodes.tags, items.last()) {
        // As between the last two items (comma included); after a single item, a comma and the
        // break and indentation that follow the `[`, or the file's comma on one line.
        let separator = match items.len() {
            1 => match text.get(list.span.start + 1..last.span.start).unwrap_or("") {
                "" => style.comma.to_string(),
                space => format!(",{space}"),
            },
            n => text[items[n - 2].span.end..last.span.start].to_string(),
        };
        let item = render(&style.like(text, last), last);
        return Ok(vec![Splice {
            start: last.span.end,
            end: last.span.end,
            text: format!("{separator}{item}"),
        }]);
    }
    may_take_first_tag(&nodes)?;
    let (map, key, value) = first_tag_member(object, &nodes, Shape::Seq(vec![shape]));
    json::set_member(text, map, key, &value, style)
        .map(|s| vec![s])
        .map_err(|reason| refuse(object.span.start, reason))
}

/// Splices removing the items at `doomed` from the JSON list `list`, each with one comma and the
/// space after it; a list left empty becomes `[]`.
fn json_remove(list: &Node, doomed: &[usize]) -> Vec<Splice> {
    let items = list.as_seq().unwrap_or(&[]);
    let cut = |start, end| Splice {
        start,
        end,
        text: String::new(),
    };
    let mut splices = Vec::new();
    let mut i = 0;
    while i < items.len() {
        if !doomed.contains(&i) {
            i += 1;
            continue;
        }
        let first = i;
        while doomed.contains(&(i + 1)) {
            i += 1;
        }
        // A run up to a kept item takes the separators after it; a run at the end the one before;
        // a run of every item leaves `[]`.
        splices.push(match (first.checked_sub(1), items.get(i + 1)) {
            (_, Some(next)) => cut(items[first].span.start, next.span.start),
            (Some(kept), None) => cut(items[kept].span.end, items[i].span.end),
            (None, None) => Splice {
                start: list.span.start,
                end: list.span.end,
                text: "[]".into(),
            },
        });
        i += 1;
    }
    splices
}
