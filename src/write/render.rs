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

/// One status file that several manifests' streams would be written to.
#[derive(Debug, PartialEq, Eq)]
pub struct SharedStatusFile {
    pub path: PathBuf,
    pub namespace: String,
    pub name: String,
    /// The manifests defining the stream, in the order given (a file twice if it defines it twice).
    pub manifests: Vec<PathBuf>,
}

impl std::fmt::Display for SharedStatusFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let manifests: Vec<String> = self.manifests.iter().map(|p| shown(p)).collect();
        write!(
            f,
            "{}: ImageStream {}/{} is defined in {}; the cluster holds one object per namespace and \
             name, so one status file cannot hold both: remove or rename all but one definition \
             (not written)",
            shown(&self.path),
            self.namespace,
            self.name,
            manifests.join(" and ")
        )
    }
}

/// A path as reports show it, with any control character in a file name made visible.
fn shown(path: &Path) -> String {
    crate::sanitize::line(&crate::report::display_path(path)).into_owned()
}

/// The status files that more than one stream maps to, from (namespace, name, manifest) of every
/// stream. Writing them would keep only the last stream's status, so each is an error instead.
pub fn shared_status_files<'a>(
    dir: &Path,
    streams: impl IntoIterator<Item = (&'a str, &'a str, &'a Path)>,
) -> Vec<SharedStatusFile> {
    let mut by_path: Vec<SharedStatusFile> = Vec::new();
    let mut index: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    for (namespace, name, manifest) in streams {
        // A name that cannot become a path is reported by `status_path`'s own callers.
        let Ok(path) = status_path(dir, namespace, name) else {
            continue;
        };
        match index.get(&path) {
            Some(&at) => by_path[at].manifests.push(manifest.to_path_buf()),
            None => {
                index.insert(path.clone(), by_path.len());
                by_path.push(SharedStatusFile {
                    path,
                    namespace: namespace.to_string(),
                    name: name.to_string(),
                    manifests: vec![manifest.to_path_buf()],
                });
            }
        }
    }
    by_path.retain(|s| s.manifests.len() > 1);
    by_path
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

    #[test]
    fn streams_sharing_a_status_file_are_found_with_every_manifest() {
        let (a, b, c) = (
            Path::new("a.yaml"),
            Path::new("b.yaml"),
            Path::new("c.yaml"),
        );
        let shared = shared_status_files(
            Path::new("out"),
            [
                ("ns1", "same", a),
                ("ns2", "same", b),
                ("ns1", "same", b),
                ("ns1", "other", c),
                ("ns1", "same", c),
                ("bad ns", "same", c),
            ],
        );
        assert_eq!(
            shared,
            vec![SharedStatusFile {
                path: PathBuf::from("out/ns1/same.yaml"),
                namespace: "ns1".into(),
                name: "same".into(),
                manifests: vec![a.into(), b.into(), c.into()],
            }]
        );
        assert!(
            shared[0]
                .to_string()
                .starts_with("out/ns1/same.yaml: ImageStream ns1/same is defined in a.yaml and b.yaml and c.yaml;"),
            "{}",
            shared[0]
        );
    }
}
