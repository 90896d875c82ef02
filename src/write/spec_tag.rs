//! `streamlock tag`'s edits: add, replace or delete one spec tag of an ImageStream in block YAML,
//! byte-for-byte outside the edited lines. Like `FileEdit`, every edit goes through the splice guard
//! and the new text is parsed again: the stream must read back with exactly the expected spec tags
//! (and, for a delete, status tags), everything else unchanged.

use super::edit::{EditError, insert_lines};
use super::scalar::{Quote, yaml_scalar};
use super::splice::{self, Splice};
use super::text::{column, line_start, newline_of, next_line_start, through_comment, trim_end};
use crate::load::{Layout, LoadedFile, Node, NodeKind, Object, Source, find_objects, parse};
use crate::model::imagestream::StreamView;
use crate::model::spec::{FromRef, ImportPolicy, SpecTag};

/// The spec tag `oc tag` sends, as it is written into the file. Generation is left to the server.
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

    /// `key: value` lines of the tag mapping, keys at column 0 and nested ones `unit` deeper.
    fn lines(&self, unit: usize) -> Vec<String> {
        let pad = " ".repeat(unit);
        let s = |v: &str| yaml_scalar(v, Quote::Plain);
        let mut lines = vec![
            format!("name: {}", s(&self.name)),
            "from:".to_string(),
            format!("{pad}kind: {}", s(&self.from.kind)),
            format!("{pad}name: {}", s(&self.from.name)),
        ];
        if !self.from.namespace.is_empty() {
            lines.push(format!("{pad}namespace: {}", s(&self.from.namespace)));
        }
        if self.reference {
            lines.push("reference: true".into());
        }
        let policy = &self.import_policy;
        if policy.insecure || policy.scheduled || !policy.import_mode.is_empty() {
            lines.push("importPolicy:".into());
            if policy.insecure {
                lines.push(format!("{pad}insecure: true"));
            }
            if policy.scheduled {
                lines.push(format!("{pad}scheduled: true"));
            }
            if !policy.import_mode.is_empty() {
                lines.push(format!("{pad}importMode: {}", s(&policy.import_mode)));
            }
        }
        lines.push("referencePolicy:".into());
        lines.push(format!("{pad}type: {}", s(&self.reference_policy)));
        lines
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

/// The new text of `file` with `change` applied to `object`.
pub fn edit_spec_tag(
    file: &LoadedFile,
    object: &Object<'_>,
    change: &TagChange,
) -> Result<String, EditError> {
    let text = &file.source.text;
    let fail = |at: usize, reason: String| EditError {
        path: file.source.path().to_path_buf(),
        line: file.source.position(at).line,
        reason,
    };
    if let Some(error) = &file.parsed.error {
        return Err(fail(
            error.span.start,
            format!(
                "the file does not parse ({}), so it is not edited",
                error.message
            ),
        ));
    }
    let node = object.node;
    let spec = node.get("spec");
    let tags = spec.and_then(|s| s.get("tags"));
    for n in [Some(node), spec, tags].into_iter().flatten() {
        if n.shared {
            return Err(fail(n.span.start, "the stream, its spec or spec.tags is anchored or aliased (&/*); editing it would change other parts of the document".into()));
        }
        if matches!(
            n.kind,
            NodeKind::Map(_, Layout::Flow) | NodeKind::Seq(_, Layout::Flow)
        ) && !is_empty_collection(n)
        {
            return Err(fail(n.span.start, "the ImageStream is written in flow style or JSON; `tag` edits block-style YAML only — make the change by hand".into()));
        }
    }
    let newline = newline_of(text);
    let unit = indent_unit(text, node);
    let view = StreamView::read(node);
    let mut expected = view.spec.tags.clone();
    let mut expected_status = view.status.clone();
    let items = tags.and_then(Node::as_seq).unwrap_or(&[]);
    let same = |item: &&Node, name: &str| item.get("name").and_then(Node::as_str) == Some(name);
    let mut splices = Vec::new();
    match change {
        TagChange::Set(tag) => {
            let lines = tag.lines(unit);
            if let Some(i) = (0..items.len())
                .rev()
                .find(|&i| same(&&items[i], &tag.name))
            {
                let item = &items[i];
                if item.as_map().is_none() || item.shared {
                    return Err(fail(
                        item.span.start,
                        format!(
                            "spec.tags[{}] is not a plain mapping; it is not replaced",
                            tag.name
                        ),
                    ));
                }
                let col = column(text, item.span.start);
                let end = through_comment(text, trim_end(text, item.span.start, item.span.end));
                splices.push(Splice {
                    start: item.span.start,
                    end,
                    text: indent(&lines, col, "", newline),
                });
                expected[i] = tag.as_spec_tag();
            } else if let Some(last) = items.last() {
                let col = column(text, last.span.start);
                let dash = dash_prefix(text, last.span.start).ok_or_else(|| {
                    fail(
                        last.span.start,
                        "cannot find the `-` of the last spec tag".into(),
                    )
                })?;
                let at = next_line_start(text, trim_end(text, last.span.start, last.span.end));
                splices.push(insert_lines(
                    text,
                    at,
                    &[indent(&lines, col, &dash, newline)],
                    newline,
                ));
                expected.push(tag.as_spec_tag());
            } else {
                splices.push(
                    new_tags_block(text, node, spec, unit, &lines, newline)
                        .map_err(|r| fail(node.span.start, r))?,
                );
                expected.push(tag.as_spec_tag());
            }
        }
        TagChange::Delete(name) => {
            let status_items = node
                .get("status")
                .and_then(|s| s.get("tags"))
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            let doomed_status = status_items
                .iter()
                .filter(|t| t.get("tag").and_then(Node::as_str) == Some(name.as_str()));
            let doomed = items.iter().filter(|t| same(t, name));
            let mut any = false;
            for item in doomed.chain(doomed_status) {
                any = true;
                if dash_prefix(text, item.span.start).is_none() {
                    return Err(fail(
                        item.span.start,
                        format!(
                            "the entry for tag {name:?} does not start its own line; it is not deleted"
                        ),
                    ));
                }
                let start = line_start(text, item.span.start);
                let end = next_line_start(text, trim_end(text, item.span.start, item.span.end));
                splices.push(Splice {
                    start,
                    end,
                    text: String::new(),
                });
            }
            if !any {
                return Err(fail(
                    node.span.start,
                    format!(
                        "imagestreamtags.image.openshift.io \"{}:{name}\" not found",
                        view.spec.meta.name
                    ),
                ));
            }
            expected.retain(|t| &t.name != name);
            if let Some(status) = expected_status.as_mut() {
                status.tags.retain(|t| &t.tag != name);
            }
        }
    }
    let first = splices.iter().map(|s| s.start).min().unwrap_or(0);
    let out = splice::apply(text, &splices)
        .map_err(|r| fail(first, format!("{r}; the file is not written")))?;
    // Read back: the same objects, this one with exactly the expected tags.
    let source = Source::new(file.source.path(), out);
    let parsed = parse::parse(&source, parse::Limits::default());
    let before = find_objects(&file.parsed.documents);
    let after = find_objects(&parsed.documents);
    let index = before.iter().position(|o| std::ptr::eq(o.node, node));
    let readback = index
        .and_then(|i| after.get(i))
        .map(|o| StreamView::read(o.node));
    let ok = parsed.error.is_none()
        && before.len() == after.len()
        && readback.is_some_and(|v| {
            v.spec.tags == expected && v.status == expected_status && v.spec.meta == view.spec.meta
        });
    if !ok {
        return Err(fail(
            first,
            "the edited stream would not read back as intended; the file is not written".into(),
        ));
    }
    Ok(source.text)
}

fn is_empty_collection(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Map(entries, _) => entries.is_empty(),
        NodeKind::Seq(items, _) => items.is_empty(),
        NodeKind::Scalar(_) => false,
    }
}

/// The file's indentation step, from the object's first nested block mapping (2 by default).
fn indent_unit(text: &str, object: &Node) -> usize {
    object
        .as_map()
        .unwrap_or(&[])
        .iter()
        .find_map(|e| {
            let inner = e.value.as_map()?.first()?;
            let unit =
                column(text, inner.key.span.start).checked_sub(column(text, e.key.span.start))?;
            (unit > 0 && matches!(e.value.kind, NodeKind::Map(_, Layout::Block))).then_some(unit)
        })
        .unwrap_or(2)
}

/// The text before a sequence item on its line, when it is only spaces and a `-`.
fn dash_prefix(text: &str, item_start: usize) -> Option<String> {
    let before = &text[line_start(text, item_start)..item_start];
    let trimmed = before.trim_end_matches(' ');
    (trimmed.trim_start_matches(' ') == "-").then(|| before.to_string())
}

/// The mapping lines at column `col`, the first after `first` (a `- ` prefix or nothing).
fn indent(lines: &[String], col: usize, first: &str, newline: &str) -> String {
    let pad = " ".repeat(col);
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{first}{l}")
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join(newline)
}

/// A first spec tag: `tags:` given a block value (replacing `[]`/`null`/nothing), added to `spec`,
/// or a new `spec:` at the end of the object.
fn new_tags_block(
    text: &str,
    object: &Node,
    spec: Option<&Node>,
    unit: usize,
    lines: &[String],
    newline: &str,
) -> Result<Splice, String> {
    let key_col = object
        .as_map()
        .and_then(|m| m.first())
        .map(|e| column(text, e.key.span.start))
        .ok_or("the ImageStream has no keys")?;
    let block = |col: usize| indent(lines, col + 2, &format!("{}- ", " ".repeat(col)), newline);
    let spec_entry = object.entry("spec");
    let Some(spec) = spec.filter(|s| s.as_map().is_some_and(|m| !m.is_empty())) else {
        if spec_entry.is_some() {
            return Err("spec is empty or not a block mapping; add the tag by hand".into());
        }
        let end = trim_end(text, object.span.start, object.span.end);
        let body = format!(
            "{}spec:{newline}{}tags:{newline}{}",
            " ".repeat(key_col),
            " ".repeat(key_col + unit),
            block(key_col + unit)
        );
        return Ok(insert_lines(
            text,
            next_line_start(text, end),
            &[body],
            newline,
        ));
    };
    let spec_col = spec
        .as_map()
        .and_then(|m| m.first())
        .map(|e| column(text, e.key.span.start))
        .unwrap_or(key_col + unit);
    match spec.entry("tags") {
        Some(entry) => {
            // `tags:`, `tags: null` or `tags: []`: the value becomes the block on the next lines.
            let value_end = if entry.value.span.start == entry.value.span.end {
                entry.key.span.end + 1
            } else {
                entry.value.span.end
            };
            if !text[entry.key.span.end..value_end]
                .trim_start()
                .starts_with(':')
            {
                return Err("cannot find the ':' after tags".into());
            }
            Ok(Splice {
                start: entry.key.span.end,
                end: through_comment(text, value_end),
                text: format!(":{newline}{}", block(spec_col)),
            })
        }
        None => {
            let end = trim_end(text, spec.span.start, spec.span.end);
            let body = format!("{}tags:{newline}{}", " ".repeat(spec_col), block(spec_col));
            Ok(insert_lines(
                text,
                next_line_start(text, end),
                &[body],
                newline,
            ))
        }
    }
}
