//! YAML (and JSON, which is YAML's flow style) text → spanned documents, within fixed budgets.
//!
//! Built on granit-parser's event stream rather than a serde deserializer so that every container
//! gets a full byte range (the writer needs it), duplicate keys are reported without losing the rest of
//! the file, and alias expansion is counted against a node budget (no billion laughs).

use std::collections::{HashMap, HashSet};

use granit_parser::{Event, Options, Parser, ScanError};

use super::budget;
use super::node::{Entry, Layout, Node, NodeKind, Scalar, ScalarStyle, Span};
use super::source::Source;

/// Resource budgets for one file, and its share of the run's.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Nesting of mappings and sequences (an ImageStream in a Template in a List needs about 12).
    pub max_depth: usize,
    /// Nodes in the whole file, aliases expanded.
    pub max_nodes: usize,
    /// Nodes of every tree alive in the run, this one included (see [`super::budget`]).
    pub max_run_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_nodes: 2_000_000,
            max_run_nodes: budget::RUN_NODES,
        }
    }
}

/// One `---`-separated document. `root` is `None` for an empty document.
#[derive(Debug)]
pub struct Document {
    pub span: Span,
    pub root: Option<Node>,
}

/// A YAML-level problem that stops the file from being read (syntax, budget).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub span: Span,
    pub message: String,
}

/// A key written twice in one mapping: the second silently replaces the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub second: Span,
}

/// What a file parsed into: complete documents up to the first fatal error, if any.
#[derive(Debug, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub duplicates: Vec<DuplicateKey>,
    pub error: Option<YamlError>,
    /// The documents' nodes, held against the run's budget until this is dropped.
    charge: budget::Charge,
}

/// An open mapping or sequence. Its children so far sit in `Builder::children` from `first` on
/// (a mapping's as key, value, key, value …), so no container grows a `Vec` of its own while open.
struct Frame {
    start: usize,
    first: usize,
    is_map: bool,
    layout: Layout,
    anchor: usize,
}

struct Builder<'s> {
    source: &'s Source,
    limits: Limits,
    stack: Vec<Frame>,
    /// The finished children of every open container, innermost last.
    children: Vec<Node>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    root: Option<Node>,
    doc_start: usize,
    out: Parsed,
}

pub fn parse(source: &Source, limits: Limits) -> Parsed {
    let mut options = Options::default();
    options.block_nesting_limit = limits.max_depth;
    options.flow_nesting_limit = limits.max_depth;
    options.emit_comments = false;
    let mut builder = Builder {
        source,
        limits,
        stack: Vec::new(),
        children: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
        doc_start: 0,
        out: Parsed::default(),
    };
    for event in Parser::new_from_str_with_options(&source.text, options) {
        let step = match event {
            Ok((event, span)) => builder.event(event, span),
            Err(e) => Err(builder.scan_error(&e)),
        };
        if let Err(error) = step {
            builder.out.error = Some(error);
            break;
        }
    }
    builder.out
}

impl Builder<'_> {
    fn offset(&self, marker: &granit_parser::Marker) -> usize {
        marker
            .byte_offset()
            .unwrap_or_else(|| self.source.offset_of(marker.line(), marker.col()))
    }

    fn span(&self, span: &granit_parser::Span) -> Span {
        Span::new(self.offset(&span.start), self.offset(&span.end))
    }

    fn scan_error(&self, e: &ScanError) -> YamlError {
        let at = self.offset(e.marker());
        YamlError {
            span: Span::new(at, at),
            message: e.info(),
        }
    }

    fn count(&mut self, n: usize, at: Span) -> Result<(), YamlError> {
        self.nodes += n;
        if self.nodes > self.limits.max_nodes {
            return Err(YamlError {
                span: at,
                message: format!(
                    "the file expands to more than {} nodes (an alias bomb?); refusing to read further",
                    self.limits.max_nodes
                ),
            });
        }
        if !self.out.charge.take(n, self.limits.max_run_nodes) {
            return Err(YamlError {
                span: at,
                message: format!(
                    "the files read in this run expand to more than {} nodes together, the run's memory budget (an alias bomb here or in another file?); refusing to read further",
                    self.limits.max_run_nodes
                ),
            });
        }
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, span: granit_parser::Span) -> Result<(), YamlError> {
        let at = self.span(&span);
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => {
                self.doc_start = at.start;
                self.root = None;
                self.anchors.clear();
            }
            Event::DocumentEnd => {
                let end = self
                    .root
                    .as_ref()
                    .map_or(at.end, |r| r.span.end.max(at.end));
                self.out.documents.push(Document {
                    span: Span::new(self.doc_start, end),
                    root: self.root.take(),
                });
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, at)?;
                let node = Node {
                    span: at,
                    kind: NodeKind::Scalar(Scalar {
                        text: text.into_owned(),
                        style: match style {
                            granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
                            granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                            granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                            granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
                            granit_parser::ScalarStyle::Folded => ScalarStyle::Folded,
                        },
                        tag: tag.map(|t| t.core_suffix().unwrap_or(t.suffix()).to_string()),
                    }),
                    shared: anchor != 0,
                };
                self.finish(node, anchor);
            }
            Event::SequenceStart(style, anchor, _) => self.open(false, style, anchor, at)?,
            Event::MappingStart(style, anchor, _) => self.open(true, style, anchor, at)?,
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = self.close(frame, at);
                self.finish(node, anchor);
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(YamlError {
                        span: at,
                        message: "alias to an unknown anchor".to_string(),
                    });
                };
                // Counted before it is copied: a bomb is stopped before it takes the memory.
                let size = node_count(target);
                self.count(size, at)?;
                let Some(target) = self.anchors.get(&id) else {
                    return Ok(());
                };
                let mut copy = target.clone();
                copy.span = at;
                copy.shared = true;
                self.finish(copy, 0);
            }
            _ => {}
        }
        Ok(())
    }

    fn open(
        &mut self,
        is_map: bool,
        style: granit_parser::StructureStyle,
        anchor: usize,
        at: Span,
    ) -> Result<(), YamlError> {
        self.count(1, at)?;
        self.stack.push(Frame {
            start: at.start,
            first: self.children.len(),
            is_map,
            layout: layout(style),
            anchor,
        });
        Ok(())
    }

    fn close(&mut self, frame: Frame, end: Span) -> (Node, usize) {
        let Frame {
            start,
            first,
            is_map,
            layout,
            anchor,
        } = frame;
        // The last child: a sequence's last item, a mapping's last key and value.
        let last = self.children[first..]
            .iter()
            .rev()
            .take(if is_map { 2 } else { 1 })
            .map(|n| n.span.end)
            .max();
        let end = container_end(layout, end, last, start);
        let kind = if is_map {
            let mut entries = Vec::with_capacity((self.children.len() - first) / 2);
            let mut pairs = self.children.drain(first..);
            // A key whose value never came (only after an error) is dropped.
            while let (Some(key), Some(value)) = (pairs.next(), pairs.next()) {
                entries.push(Entry { key, value });
            }
            drop(pairs);
            NodeKind::Map(self.merge_and_check(entries), layout)
        } else {
            NodeKind::Seq(self.children.drain(first..).collect(), layout)
        };
        let node = Node {
            span: Span::new(start, end),
            kind,
            shared: anchor != 0,
        };
        (node, anchor)
    }

    /// Applies `<<` merge keys (go-yaml honours them) and records duplicate keys.
    fn merge_and_check(&mut self, entries: Vec<Entry>) -> Vec<Entry> {
        record_duplicates(&entries, &mut self.out.duplicates);
        if !entries.iter().any(is_merge) {
            return entries;
        }
        let (merges, mut own): (Vec<Entry>, Vec<Entry>) = entries.into_iter().partition(is_merge);
        let mut present: HashSet<String> = own
            .iter()
            .filter_map(|e| e.key.as_scalar().map(|k| k.text.clone()))
            .collect();
        for merge in merges {
            let sources = match merge.value.kind {
                NodeKind::Seq(items, _) => items,
                _ => vec![merge.value],
            };
            for source in sources {
                if let NodeKind::Map(inherited, _) = source.kind {
                    for entry in inherited {
                        let key = entry.key.as_scalar().map(|k| k.text.clone());
                        if key.is_none_or(|k| present.insert(k)) {
                            own.push(entry);
                        }
                    }
                }
            }
        }
        own
    }

    fn finish(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        if self.stack.is_empty() {
            self.root = Some(node);
        } else {
            self.children.push(node);
        }
    }
}

/// A `<<` merge key (plain, not quoted).
fn is_merge(e: &Entry) -> bool {
    e.key
        .as_scalar()
        .is_some_and(|k| k.text == "<<" && k.style == ScalarStyle::Plain)
}

/// Maps up to this many entries are checked for duplicate keys pair by pair: cheaper than
/// hashing for the few keys a manifest mapping has.
const PAIRWISE_MAX: usize = 16;

/// Records each key that repeats an earlier key of the same mapping (merge keys aside), in order,
/// with the closest earlier occurrence as `first`.
fn record_duplicates(entries: &[Entry], out: &mut Vec<DuplicateKey>) {
    fn key(e: &Entry) -> Option<&str> {
        e.key
            .as_scalar()
            .filter(|_| !is_merge(e))
            .map(|k| k.text.as_str())
    }
    let mut found: Vec<(usize, usize)> = Vec::new();
    if entries.len() <= PAIRWISE_MAX {
        for (j, entry) in entries.iter().enumerate() {
            let Some(text) = key(entry) else { continue };
            if let Some(i) = entries[..j].iter().rposition(|e| key(e) == Some(text)) {
                found.push((i, j));
            }
        }
    } else {
        let mut sorted: Vec<(&str, usize)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((key(e)?, i)))
            .collect();
        sorted.sort_unstable();
        found.extend(
            sorted
                .windows(2)
                .filter(|w| w[0].0 == w[1].0)
                .map(|w| (w[0].1, w[1].1)),
        );
        found.sort_unstable_by_key(|&(_, second)| second);
    }
    out.extend(found.into_iter().map(|(i, j)| {
        DuplicateKey {
            key: entries[j]
                .key
                .as_scalar()
                .map_or_else(String::new, |k| k.text.clone()),
            first: entries[i].key.span,
            second: entries[j].key.span,
        }
    }));
}

fn layout(style: granit_parser::StructureStyle) -> Layout {
    match style {
        granit_parser::StructureStyle::Block => Layout::Block,
        granit_parser::StructureStyle::Flow => Layout::Flow,
    }
}

/// A flow collection ends at its closing bracket; a block one at its last child (its end event
/// comes after any trailing comments and blank lines, which belong to whatever follows).
fn container_end(
    layout: Layout,
    end_event: Span,
    last_child: Option<usize>,
    start: usize,
) -> usize {
    match layout {
        Layout::Flow => end_event.end,
        Layout::Block => last_child.unwrap_or(start),
    }
}

fn node_count(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Scalar(_) => 0,
        NodeKind::Seq(items, _) => items.iter().map(node_count).sum(),
        NodeKind::Map(entries, _) => entries
            .iter()
            .map(|e| node_count(&e.key) + node_count(&e.value))
            .sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicates(text: &str) -> Vec<(String, usize, usize)> {
        let parsed = parse(&Source::new("x.yaml", text.to_string()), Limits::default());
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        parsed
            .duplicates
            .into_iter()
            .map(|d| (d.key, d.first.start, d.second.start))
            .collect()
    }

    /// Small mappings are checked pair by pair, large ones by sorting: both report each repeat in
    /// file order against the closest earlier occurrence, and ignore merge keys.
    #[test]
    fn duplicate_keys_in_small_and_large_mappings() {
        for filler in [0, PAIRWISE_MAX] {
            let mut text = String::from("a: 1\nb: 2\n<<: {z: 0}\na: 3\n<<: {y: 0}\n");
            for i in 0..filler {
                text.push_str(&format!("k{i}: {i}\n"));
            }
            text.push_str("b: 4\na: 5\n'<<': 6\n\"<<\": 7\n");
            let at = |needle: &str| text.find(needle).unwrap();
            let expected = vec![
                ("a".to_string(), 0, at("a: 3")),
                ("b".to_string(), at("b: 2"), at("b: 4")),
                ("a".to_string(), at("a: 3"), at("a: 5")),
                ("<<".to_string(), at("'<<'"), at("\"<<\"")),
            ];
            assert_eq!(duplicates(&text), expected, "with {filler} more keys");
        }
    }

    #[test]
    fn containers_keep_children_in_order_with_spans() {
        let text = "a:\n  - x\n  - {p: 1, q: [2, 3]}\nb: c\n";
        let parsed = parse(&Source::new("x.yaml", text.to_string()), Limits::default());
        let root = parsed.documents[0].root.as_ref().unwrap();
        let seq = root.get("a").and_then(Node::as_seq).unwrap();
        assert_eq!(seq.len(), 2);
        assert_eq!(seq[0].as_str(), Some("x"));
        let flow = &seq[1];
        assert_eq!(&text[flow.span.start..flow.span.end], "{p: 1, q: [2, 3]}");
        let q = flow.get("q").and_then(Node::as_seq).unwrap();
        assert_eq!(q.len(), 2);
        // A block container ends at its last child, not at the following key.
        let a = root.get("a").unwrap();
        assert_eq!(a.span.end, text.find("}\n").unwrap() + 1);
        assert_eq!(root.get("b").and_then(Node::as_str), Some("c"));
    }
}
