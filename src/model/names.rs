//! Kubernetes and OpenShift name rules, with the API server's messages.

/// ValidateObjectMeta's message for an object without a name.
pub const NAME_REQUIRED: &str = "Required value: name or generateName is required";

/// `ValidateImageStreamName`: path-segment rules, then `[a-z0-9]+(?:[._-][a-z0-9]+)*`.
pub fn image_stream_name(name: &str) -> Result<(), String> {
    path_segment_name(name)?;
    let mut previous_separator = true;
    for c in name.chars() {
        let separator = matches!(c, '.' | '_' | '-');
        if !(separator || c.is_ascii_lowercase() || c.is_ascii_digit())
            || (separator && previous_separator)
        {
            return Err(r#"must match "[a-z0-9]+(?:[._-][a-z0-9]+)*""#.to_string());
        }
        previous_separator = separator;
    }
    if previous_separator {
        return Err(r#"must match "[a-z0-9]+(?:[._-][a-z0-9]+)*""#.to_string());
    }
    Ok(())
}

/// apimachinery path.ValidatePathSegmentName: what every object name must be, since it is a segment
/// of the object's URL.
pub fn path_segment_name(name: &str) -> Result<(), String> {
    if name == "." || name == ".." {
        return Err(format!("may not be '{name}'"));
    }
    for bad in ['/', '%'] {
        if name.contains(bad) {
            return Err(format!("may not contain '{bad}'"));
        }
    }
    Ok(())
}

/// RFC 1123 label (namespaces).
pub fn dns1123_label(s: &str) -> Result<(), String> {
    if s.len() > 63 {
        return Err("must be no more than 63 characters".into());
    }
    let bytes = s.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let ok = !bytes.is_empty()
        && alnum(bytes[0])
        && alnum(bytes[bytes.len() - 1])
        && bytes.iter().all(|&b| alnum(b) || b == b'-');
    if !ok {
        return Err("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', \
                    and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', \
                    regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            .into());
    }
    Ok(())
}

/// RFC 1123 subdomain (the prefix of a qualified name).
fn dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(|label| dns1123_label(label).is_ok())
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters.
fn name_part(s: &str) -> bool {
    let bytes = s.as_bytes();
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    !bytes.is_empty()
        && bytes.len() <= 63
        && alnum(bytes[0])
        && alnum(bytes[bytes.len() - 1])
        && bytes
            .iter()
            .all(|&b| alnum(b) || matches!(b, b'-' | b'_' | b'.'))
}

/// A qualified name: label and annotation keys.
pub fn qualified_name(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && (prefix.is_empty() || !dns1123_subdomain(prefix))
    {
        return Err("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric \
                        characters, '-' or '.', and must start and end with an alphanumeric character"
                .into());
    }
    if !name_part(name) {
        return Err("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and \
                    end with an alphanumeric character, at most 63 characters"
            .into());
    }
    Ok(())
}

/// A label value: empty, or a name part.
pub fn label_value(value: &str) -> Result<(), String> {
    if value.is_empty() || name_part(value) {
        Ok(())
    } else {
        Err("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', \
             and must start and end with an alphanumeric character, at most 63 characters"
            .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_stream_names() {
        for ok in ["ruby", "ruby-27", "a.b_c-d", "0x"] {
            assert!(image_stream_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "Ruby", "-ruby", "ruby-", "a--b", "a..b", ".", "..", "a/b", "a%b", "a b",
        ] {
            assert!(image_stream_name(bad).is_err(), "{bad}");
        }
        assert_eq!(image_stream_name("a/b").unwrap_err(), "may not contain '/'");
    }

    #[test]
    fn labels_and_keys() {
        assert!(qualified_name("app.kubernetes.io/name").is_ok());
        assert!(qualified_name("openshift.io/display-name").is_ok());
        assert!(qualified_name("Foo_bar.baz").is_ok());
        assert!(qualified_name("/x").is_err());
        assert!(qualified_name("UPPER.io/x").is_err());
        assert!(qualified_name("x/").is_err());
        assert!(qualified_name("a/b/c").is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("v1.2").is_ok());
        assert!(label_value("-v").is_err());
        assert!(label_value(&"a".repeat(64)).is_err());
        assert!(dns1123_label("my-ns").is_ok());
        assert!(dns1123_label("My-ns").is_err());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
    }
}
