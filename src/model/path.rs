//! Field paths in OpenShift's notation (`spec.tags[latest].from.name`), and their resolution to the
//! node they name — the one place where a finding's symbolic location becomes a span.

use std::fmt;

use crate::load::{Node, Span};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A mapping key: `.name`.
    Key(String),
    /// A list element shown by its name key, as the server shows list-map entries: `[latest]`.
    /// `index` says which element, so duplicate names still resolve to the right one.
    Named { index: usize, name: String },
    /// A list element by position: `[0]`.
    Index(usize),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    pub fn key(&self, key: &str) -> FieldPath {
        self.with(Seg::Key(key.to_string()))
    }

    pub fn named(&self, index: usize, name: &str) -> FieldPath {
        self.with(Seg::Named {
            index,
            name: name.to_string(),
        })
    }

    pub fn index(&self, index: usize) -> FieldPath {
        self.with(Seg::Index(index))
    }

    fn with(&self, seg: Seg) -> FieldPath {
        let mut segs = self.0.clone();
        segs.push(seg);
        FieldPath(segs)
    }

    /// The span this path names inside `object`: the value when it exists, else the key of the deepest
    /// existing ancestor (so "missing field" points at where it should be added). `on_key` asks for
    /// the key itself (e.g. for an unknown field).
    pub fn resolve(&self, object: &Node, on_key: bool) -> Span {
        let mut node = object;
        let mut key_span: Option<Span> = None;
        for (i, seg) in self.0.iter().enumerate() {
            let last = i + 1 == self.0.len();
            let next = match seg {
                Seg::Key(k) => node.entry(k).map(|e| {
                    key_span = Some(e.key.span);
                    &e.value
                }),
                Seg::Named { index, .. } | Seg::Index(index) => {
                    node.as_seq().and_then(|items| items.get(*index))
                }
            };
            match next {
                Some(n) if last && on_key => return key_span.unwrap_or(n.span),
                Some(n) => node = n,
                None => return key_span.unwrap_or(node.span),
            }
            if !matches!(seg, Seg::Key(_)) {
                key_span = Some(Span::new(node.span.start, node.span.start));
            }
        }
        value_span(node, key_span)
    }
}

/// A container value is shown at its key line (its own span may cover many lines).
fn value_span(node: &Node, key_span: Option<Span>) -> Span {
    match (node.as_scalar(), key_span) {
        (Some(_), _) | (None, None) => node.span,
        (None, Some(k)) if k.end > k.start => k,
        (None, Some(_)) => Span::new(node.span.start, node.span.start),
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Named { name, .. } => write!(f, "[{name}]")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}
