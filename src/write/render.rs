//! `--status-dir` files: a standalone ImageStream document holding only what identifies the stream and
//! its status, at `DIR/NAMESPACE/NAME.yaml` — with both names validated before they become a path.

use std::fs;
use std::path::{Path, PathBuf};

use super::shape::{self, Shape, StrKind};
use super::yaml::YamlStyle;
use crate::model::status::StreamStatus;

/// Why a stream has no status file path.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum StatusPathError {
    /// A name that cannot become part of a path.
    #[error("metadata.{field} {value:?} {reason}")]
    Name {
        field: &'static str,
        value: String,
        reason: String,
    },
    /// A link inside the status directory: a committed link could aim the write anywhere.
    #[error(
        "{}: is a symbolic link inside the status directory; refused (status files are never read or written through a link): replace it with a plain directory or file",
        path.display()
    )]
    Symlink { path: PathBuf },
}

/// The YAML document written for one stream (LF line breaks, 2-space indentation, OpenShift's field order).
pub fn status_document(name: &str, namespace: &str, status: &StreamStatus) -> String {
    let text = |s: &str| Shape::Str(s.to_string(), StrKind::Text);
    let fields = [
        ("apiVersion", text("image.openshift.io/v1")),
        ("kind", text("ImageStream")),
        (
            "metadata",
            Shape::Map(vec![("name", text(name)), ("namespace", text(namespace))]),
        ),
        ("status", shape::status(status)),
    ];
    let mut out = YamlStyle::default().map_lines(&fields, 0).join("\n");
    out.push('\n');
    out
}

/// `dir/namespace/name.yaml`, after checking both names with the API server's rules (an RFC 1123 label
/// for the namespace; `[a-z0-9]+([._-][a-z0-9]+)*` for the name), so no name can climb out of `dir`,
/// and after checking that neither the namespace directory nor the file is a symbolic link.
pub fn status_path(dir: &Path, namespace: &str, name: &str) -> Result<PathBuf, StatusPathError> {
    let fail = |field, value: &str, reason: &str| StatusPathError::Name {
        field,
        value: value.to_string(),
        reason: reason.to_string(),
    };
    if namespace.is_empty() {
        return Err(fail(
            "namespace",
            namespace,
            "is empty; a status file is stored under its namespace",
        ));
    }
    if namespace.len() > 63 || !is_label(namespace) {
        return Err(fail(
            "namespace",
            namespace,
            "is not an RFC 1123 label (lowercase letters, digits and '-', at most 63 characters)",
        ));
    }
    if !is_stream_name(name) {
        return Err(fail(
            "name",
            name,
            "is not a valid ImageStream name (must match [a-z0-9]+([._-][a-z0-9]+)*)",
        ));
    }
    if namespace.len() + 1 + name.len() > 255 {
        return Err(fail(
            "name",
            name,
            "is too long: 'namespace/name' cannot be longer than 255 characters",
        ));
    }
    let namespace_dir = dir.join(namespace);
    let file = namespace_dir.join(format!("{name}.yaml"));
    // `dir` itself was named by the user and may be a link; nothing below it may.
    for path in [namespace_dir, file.clone()] {
        if fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink()) {
            return Err(StatusPathError::Symlink { path });
        }
    }
    Ok(file)
}

fn is_label(s: &str) -> bool {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = s.as_bytes();
    bytes.first().copied().is_some_and(alnum)
        && bytes.last().copied().is_some_and(alnum)
        && bytes.iter().all(|&b| alnum(b) || b == b'-')
}

/// `[a-z0-9]+([._-][a-z0-9]+)*`: which also rules out `.`, `..`, `/` and `%`.
fn is_stream_name(s: &str) -> bool {
    !s.is_empty()
        && s.split(['.', '_', '-']).all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_escape_the_directory_are_refused() {
        let dir = Path::new("out");
        assert_eq!(
            status_path(dir, "team-a", "ruby.v2_x-1"),
            Ok(PathBuf::from("out/team-a/ruby.v2_x-1.yaml"))
        );
        for (ns, name) in [
            ("team", ".."),
            ("team", "."),
            ("team", "a/b"),
            ("team", "/etc"),
            ("team", "a%2f"),
            ("team", "Ruby"),
            ("team", "a..b"),
            ("team", ""),
            ("..", "a"),
            ("", "a"),
            ("a/b", "c"),
            ("-a", "c"),
        ] {
            assert!(status_path(dir, ns, name).is_err(), "{ns}/{name}");
        }
        assert!(status_path(dir, &"a".repeat(64), "x").is_err());
        assert!(status_path(dir, "ns", &"a".repeat(253)).is_err());
    }
}
