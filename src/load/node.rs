//! The spanned YAML tree every later stage reads: each key and value knows its byte range.

/// A half-open byte range in the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start,
            end: end.max(start),
        }
    }
}

/// How a scalar was written; it decides whether `true` or `1.0` is a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// Block (`key: value` on lines) or flow (`{key: value}` / JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Block,
    Flow,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
    /// The node carries an `&anchor`, or came from expanding a `*alias`: editing it in place would
    /// change what other parts of the document mean.
    pub shared: bool,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>, Layout),
    Map(Vec<Entry>, Layout),
}

#[derive(Clone, Debug)]
pub struct Scalar {
    pub text: String,
    pub style: ScalarStyle,
    /// An explicit tag such as `!!str`, as its core-schema suffix (`str`) or the full tag.
    pub tag: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// What a scalar means once decoded the way Kubernetes clients decode YAML (go-yaml v2, YAML 1.1
/// booleans such as `yes` and `on` included), which is what decides "wrong type" errors.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl Value<'_> {
    /// The JSON type name the API server's decoder would report.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Float(_) => "number",
            Value::Str(_) => "string",
        }
    }
}

impl Scalar {
    pub fn value(&self) -> Value<'_> {
        match self.tag.as_deref() {
            Some("str") => return Value::Str(&self.text),
            Some("null") => return Value::Null,
            Some("bool") | Some("int") | Some("float") | None => {}
            Some(_) => return Value::Str(&self.text),
        }
        if self.style != ScalarStyle::Plain {
            return Value::Str(&self.text);
        }
        resolve_plain(&self.text)
    }
}

/// go-yaml v2's resolution of a plain scalar.
fn resolve_plain(text: &str) -> Value<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::Str(text);
    }
    if let Some(i) = parse_int(text) {
        return Value::Int(i);
    }
    if is_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(text)
}

fn parse_int(text: &str) -> Option<i64> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, &plain[..]),
    };
    let (radix, digits) = if let Some(d) = digits.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = digits.strip_prefix("0b") {
        (2, d)
    } else if let Some(d) = digits.strip_prefix("0o") {
        (8, d)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

impl Node {
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(entries, _) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items, _) => Some(items),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The decoded scalar value; `None` for a mapping or sequence.
    pub fn value(&self) -> Option<Value<'_>> {
        self.as_scalar().map(Scalar::value)
    }

    /// The string value of a scalar that decodes as a string.
    pub fn as_str(&self) -> Option<&str> {
        match self.value()? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value(), Some(Value::Null))
    }

    /// The entry for `key`; with duplicate keys the last one wins, as in the API server's decoder.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?
            .iter()
            .rev()
            .find(|e| e.key.as_scalar().is_some_and(|k| k.text == key))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// A short name for messages: "mapping", "sequence", or the scalar's type.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(..) => "mapping",
            NodeKind::Seq(..) => "sequence",
            NodeKind::Scalar(s) => s.value().type_name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Value<'_> {
        resolve_plain(text)
    }

    #[test]
    fn plain_scalars_resolve_like_go_yaml_v2() {
        assert_eq!(plain("yes"), Value::Bool(true));
        assert_eq!(plain("Off"), Value::Bool(false));
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain("10"), Value::Int(10));
        assert_eq!(plain("-0x1F"), Value::Int(-31));
        assert_eq!(plain("1_000"), Value::Int(1000));
        assert_eq!(plain("1.0"), Value::Float(1.0));
        assert_eq!(plain(".5"), Value::Float(0.5));
        assert_eq!(plain("1e3"), Value::Float(1000.0));
        assert_eq!(plain("1.2.3"), Value::Str("1.2.3"));
        assert_eq!(plain("v1.0"), Value::Str("v1.0"));
        assert_eq!(plain("3.6-ubi"), Value::Str("3.6-ubi"));
        // Not an int (bad octal, overflow), but still a float to go-yaml v2.
        assert_eq!(plain("08"), Value::Float(8.0));
        assert_eq!(plain("99999999999999999999"), Value::Float(1e20));
        assert_eq!(plain("-"), Value::Str("-"));
    }

    #[test]
    fn quoted_and_tagged_scalars_are_strings() {
        let s = |text: &str, style, tag: Option<&str>| Scalar {
            text: text.to_string(),
            style,
            tag: tag.map(str::to_string),
        };
        assert_eq!(
            s("true", ScalarStyle::DoubleQuoted, None).value(),
            Value::Str("true")
        );
        assert_eq!(
            s("1.0", ScalarStyle::Plain, Some("str")).value(),
            Value::Str("1.0")
        );
        assert_eq!(
            s("1", ScalarStyle::Plain, Some("int")).value(),
            Value::Int(1)
        );
    }
}
