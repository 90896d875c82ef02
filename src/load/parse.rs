//! YAML (and JSON, which is YAML's flow style) text → spanned documents, within fixed budgets.
//!
//! Built on granit-parser's event stream rather than a serde deserializer so that every container
//! gets a full byte range (the writer needs it), duplicate keys are reported without losing the rest of
//! the file, and alias expansion is counted against a node budget (no billion laughs).

use std::collections::{HashMap, HashSet};

use granit_parser::{Event, Options, Parser, ScanError};

use super::node::{Entry, Layout, Node, NodeKind, Scalar, ScalarStyle, Span};
use super::source::Source;

/// Resource budgets for one file.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Nesting of mappings and sequences (an ImageStream in a Template in a List needs about 12).
    pub max_depth: usize,
    /// Nodes in the whole file, aliases expanded.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_nodes: 2_000_000,
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
}

enum Frame {
    Seq {
        start: usize,
        items: Vec<Node>,
        layout: Layout,
        anchor: usize,
    },
    Map {
        start: usize,
        entries: Vec<Entry>,
        key: Option<Node>,
        layout: Layout,
        anchor: usize,
    },
}

struct Builder<'s> {
    source: &'s Source,
    limits: Limits,
    stack: Vec<Frame>,
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
            Event::SequenceStart(style, anchor, _) => {
                self.count(1, at)?;
                self.stack.push(Frame::Seq {
                    start: at.start,
                    items: Vec::new(),
                    layout: layout(style),
                    anchor,
                });
            }
            Event::MappingStart(style, anchor, _) => {
                self.count(1, at)?;
                self.stack.push(Frame::Map {
                    start: at.start,
                    entries: Vec::new(),
                    key: None,
                    layout: layout(style),
                    anchor,
                });
            }
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
                let mut copy = target.clone();
                let size = node_count(&copy);
                self.count(size, at)?;
                copy.span = at;
                copy.shared = true;
                self.finish(copy, 0);
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, frame: Frame, end: Span) -> (Node, usize) {
        match frame {
            Frame::Seq {
                start,
                items,
                layout,
                anchor,
            } => {
                let end = container_end(layout, end, items.last().map(|n| n.span.end), start);
                let node = Node {
                    span: Span::new(start, end),
                    kind: NodeKind::Seq(items, layout),
                    shared: anchor != 0,
                };
                (node, anchor)
            }
            Frame::Map {
                start,
                entries,
                layout,
                anchor,
                ..
            } => {
                let last = entries.last().map(|e| e.value.span.end.max(e.key.span.end));
                let end = container_end(layout, end, last, start);
                let entries = self.merge_and_check(entries);
                let node = Node {
                    span: Span::new(start, end),
                    kind: NodeKind::Map(entries, layout),
                    shared: anchor != 0,
                };
                (node, anchor)
            }
        }
    }

    /// Applies `<<` merge keys (go-yaml honours them) and records duplicate keys.
    fn merge_and_check(&mut self, entries: Vec<Entry>) -> Vec<Entry> {
        let is_merge = |e: &Entry| {
            e.key
                .as_scalar()
                .is_some_and(|k| k.text == "<<" && k.style == ScalarStyle::Plain)
        };
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for entry in entries.iter().filter(|e| !is_merge(e)) {
            let Some(key) = entry.key.as_scalar() else {
                continue;
            };
            if let Some(first) = seen.insert(&key.text, entry.key.span) {
                self.out.duplicates.push(DuplicateKey {
                    key: key.text.clone(),
                    first,
                    second: entry.key.span,
                });
            }
        }
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
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push(Entry {
                    key: k,
                    value: node,
                }),
            },
        }
    }
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
