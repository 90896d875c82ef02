//! JSON in the file's own layout: indented with its unit (tabs or N spaces), or on one line when the
//! object (or the list being edited) is written on one line.

use super::shape::Shape;
use super::splice::Splice;
use super::text::{indent_of, newline_of, with_newline};
use crate::load::Node;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JsonStyle {
    /// One level of indentation; `None` when the object is written on a single line.
    pub unit: Option<String>,
    /// `": "` or `":"`, as between the object's first key and value.
    pub colon: &'static str,
    /// `","` or `", "`, as between single-line entries.
    pub comma: &'static str,
}

impl JsonStyle {
    pub(crate) fn detect(text: &str, object: &Node) -> JsonStyle {
        let entries = object.as_map().unwrap_or_default();
        let first = entries.first();
        let colon = match first {
            Some(e) if text.get(e.key.span.end..e.value.span.start) == Some(":") => ":",
            _ => ": ",
        };
        let comma = match entries.get(1) {
            Some(second) if text[..second.key.span.start].ends_with(", ") => ", ",
            _ => ",",
        };
        let unit = match first {
            Some(e) if text[object.span.start..e.key.span.start].contains('\n') => {
                let outer = indent_of(text, object.span.start);
                let inner = indent_of(text, e.key.span.start);
                let unit = inner
                    .strip_prefix(outer)
                    .filter(|u| !u.is_empty())
                    .unwrap_or(if inner.starts_with('\t') { "\t" } else { "  " });
                Some(unit.to_string())
            }
            Some(_) => None,
            None => Some("  ".to_string()),
        };
        JsonStyle { unit, colon, comma }
    }

    /// The style of a new object written like `node`: on one line, with `node`'s own colon and
    /// comma, when `node` is written on one line; else this style.
    pub(crate) fn like(&self, text: &str, node: &Node) -> JsonStyle {
        if text[node.span.start..node.span.end].contains('\n') {
            return self.clone();
        }
        let members = node.as_map().map_or(0, <[_]>::len);
        let own = JsonStyle::detect(text, node);
        JsonStyle {
            unit: None,
            colon: if members > 0 { own.colon } else { self.colon },
            comma: if members > 1 { own.comma } else { self.comma },
        }
    }

    /// `value` as JSON whose first line continues a line indented by `base` (line breaks are LF).
    pub(crate) fn render(&self, value: &Shape, base: &str) -> String {
        let mut out = String::new();
        self.write(value, base, &mut out);
        out
    }

    fn write(&self, value: &Shape, indent: &str, out: &mut String) {
        match value {
            Shape::Null => out.push_str("null"),
            Shape::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Shape::Int(i) => out.push_str(&i.to_string()),
            Shape::Str(s, _) => out.push_str(&quoted(s)),
            Shape::Map(fields) => self.container(
                ('{', '}'),
                fields.iter().map(|(k, v)| (Some(*k), v)),
                fields.is_empty(),
                indent,
                out,
            ),
            Shape::Seq(items) => self.container(
                ('[', ']'),
                items.iter().map(|v| (None, v)),
                items.is_empty(),
                indent,
                out,
            ),
        }
    }

    fn container<'v>(
        &self,
        (open, close): (char, char),
        members: impl Iterator<Item = (Option<&'v str>, &'v Shape)>,
        empty: bool,
        indent: &str,
        out: &mut String,
    ) {
        out.push(open);
        if empty {
            out.push(close);
            return;
        }
        let inner = match &self.unit {
            Some(unit) => format!("{indent}{unit}"),
            None => String::new(),
        };
        for (i, (key, value)) in members.enumerate() {
            if i > 0 {
                out.push_str(if self.unit.is_some() { "," } else { self.comma });
            }
            if self.unit.is_some() {
                out.push('\n');
                out.push_str(&inner);
            }
            if let Some(key) = key {
                out.push_str(&quoted(key));
                out.push_str(self.colon);
            }
            self.write(value, &inner, out);
        }
        if self.unit.is_some() {
            out.push('\n');
            out.push_str(indent);
        }
        out.push(close);
    }
}

/// The splice that gives the JSON object `map` the member `key: value`: the value replaced when the
/// key is there, else the member added after the last one, or as the only one of an empty `{}`.
pub(crate) fn set_member(
    text: &str,
    map: &Node,
    key: &'static str,
    value: &Shape,
    style: &JsonStyle,
) -> Result<Splice, String> {
    let newline = newline_of(text);
    let splice = |start, end, rendered| Splice {
        start,
        end,
        text: with_newline(rendered, newline),
    };
    if let Some(entry) = map.entry(key) {
        let rendered = style.render(value, indent_of(text, entry.key.span.start));
        return Ok(splice(
            entry.value.span.start,
            entry.value.span.end,
            rendered,
        ));
    }
    let entries = map.as_map().ok_or("not an object")?;
    let Some(first) = entries.first() else {
        let whole = Shape::Map(vec![(key, value.clone())]);
        let rendered = style.render(&whole, indent_of(text, map.span.start));
        return Ok(splice(map.span.start, map.span.end, rendered));
    };
    let last_end = entries
        .iter()
        .map(|e| e.value.span.end)
        .filter(|&end| end <= map.span.end)
        .max()
        .unwrap_or(first.value.span.end);
    let key_indent = indent_of(text, first.key.span.start);
    let member = format!(
        "{}{}{}",
        quoted(key),
        style.colon,
        style.render(value, key_indent)
    );
    let inserted = match style.unit {
        Some(_) => format!(",\n{key_indent}{member}"),
        None => format!("{}{member}", style.comma),
    };
    Ok(splice(last_end, last_end, inserted))
}

pub(crate) fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
