//! Reads the cluster's configuration objects out of manifest files: the `config.openshift.io/v1`
//! `Image` named `cluster`, mirror sets, and ConfigMaps in `openshift-config` (candidates for
//! `additionalTrustedCA`). A wrong type or value in the Image object is an error with its place.

use std::path::{Path, PathBuf};

use crate::load::{self, Limits, Node, Source, Span, Value};
use crate::registry::mirror_config;

use super::whitelist::AllowedRegistry;

/// What a problem in a cluster configuration file is and where.
#[derive(Debug)]
pub struct ClusterError {
    pub source: Source,
    pub span: Span,
    pub message: String,
}

impl std::fmt::Display for ClusterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.source.position(self.span.start);
        write!(
            f,
            "{}:{}:{}: {}",
            self.source.path().display(),
            at.line,
            at.column,
            self.message
        )
    }
}

/// The `Image` object's fields that matter to streamlock, as written.
#[derive(Clone, Debug, Default)]
pub struct ImageConfig {
    /// Where it was read, `file:line:column`, for messages.
    pub place: String,
    pub allowed_registries_for_import: Vec<AllowedRegistry>,
    pub external_registry_hostnames: Vec<String>,
    pub additional_trusted_ca: String,
    pub insecure_registries: Vec<String>,
    pub blocked_registries: Vec<String>,
    pub import_mode: String,
    pub internal_registry_hostname: String,
}

/// Everything relevant found in one file.
#[derive(Debug, Default)]
pub struct Found {
    pub images: Vec<ImageConfig>,
    /// The file holds an ImageDigestMirrorSet, ImageTagMirrorSet or ImageContentSourcePolicy.
    pub mirror_sets: bool,
    /// ConfigMaps of namespace openshift-config: (name, PEM bundles of its `data`).
    pub config_maps: Vec<(String, Vec<String>)>,
    pub path: PathBuf,
}

/// Whether `bytes` may hold an object of interest: a cheap test before a file is parsed again
/// (manifests are UTF-8; anything else is not read as one).
pub fn may_hold(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| {
        [
            "config.openshift.io",
            "ImageContentSourcePolicy",
            "openshift-config",
        ]
        .iter()
        .any(|needle| text.contains(needle))
    })
}

/// Reads `path`; `Ok` with nothing found when it holds no cluster object.
pub fn read(path: &Path) -> Result<Found, ClusterError> {
    let file = load::load_file(path, Limits::default()).map_err(|e| ClusterError {
        span: Span::new(e.at.unwrap_or(0), e.at.unwrap_or(0)),
        source: e.source,
        message: e.message,
    })?;
    if let Some(e) = &file.parsed.error {
        return Err(ClusterError {
            span: e.span,
            message: e.message.clone(),
            source: file.source,
        });
    }
    let mut found = Found {
        path: path.to_path_buf(),
        ..Found::default()
    };
    let roots: Vec<&Node> = file
        .parsed
        .documents
        .iter()
        .filter_map(|d| d.root.as_ref())
        .flat_map(items)
        .collect();
    for object in roots {
        let kind = object.get("kind").and_then(Node::as_str).unwrap_or("");
        let api = object
            .get("apiVersion")
            .and_then(Node::as_str)
            .unwrap_or("");
        let meta = |key: &str| {
            object
                .get("metadata")
                .and_then(|m| m.get(key))
                .and_then(Node::as_str)
                .unwrap_or("")
        };
        match kind {
            "Image" if api.starts_with("config.openshift.io/") && meta("name") == "cluster" => {
                match image_config(object, &file.source) {
                    Ok(image) => found.images.push(image),
                    Err((span, message)) => {
                        return Err(ClusterError {
                            span,
                            message,
                            source: file.source,
                        });
                    }
                }
            }
            "ImageDigestMirrorSet" | "ImageTagMirrorSet" | "ImageContentSourcePolicy" => {
                found.mirror_sets = true;
            }
            "ConfigMap" if meta("namespace") == "openshift-config" => {
                let bundles = object
                    .get("data")
                    .and_then(Node::as_map)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|e| e.value.as_str())
                    .map(str::to_owned)
                    .collect();
                found.config_maps.push((meta("name").to_owned(), bundles));
            }
            _ => {}
        }
    }
    Ok(found)
}

/// The object itself, or the items of a List (or of a bare sequence).
fn items(node: &Node) -> Vec<&Node> {
    match node.as_seq() {
        Some(seq) => seq.iter().collect(),
        None => mirror_config::objects(node),
    }
}

type Problem = (Span, String);

fn image_config(object: &Node, source: &Source) -> Result<ImageConfig, Problem> {
    let at = source.position(object.span.start);
    let mut image = ImageConfig {
        place: format!("{}:{}:{}", source.path().display(), at.line, at.column),
        ..ImageConfig::default()
    };
    let spec = map_at(object, "spec")?;
    let status = map_at(object, "status")?;
    if let Some(spec) = spec {
        for entry in seq_at(
            spec,
            "spec.allowedRegistriesForImport",
            "allowedRegistriesForImport",
        )? {
            let what = "spec.allowedRegistriesForImport[]";
            if entry.as_map().is_none() {
                return Err(wrong(entry, what, "an object"));
            }
            let domain_name = string_at(entry, what, "domainName")?.ok_or_else(|| {
                (
                    entry.span,
                    format!(
                        "{what}.domainName: Required value: a registry host[:port], e.g. quay.io"
                    ),
                )
            })?;
            if domain_name.matches(':').count() > 1 {
                let node = entry.get("domainName").unwrap_or(entry);
                return Err((
                    node.span,
                    format!("failed to parse allowed registry {domain_name:?}: too many colons"),
                ));
            }
            let insecure = match entry.get("insecure") {
                None => false,
                Some(n) => match n.value() {
                    Some(Value::Bool(b)) => b,
                    Some(Value::Null) => false,
                    _ => return Err(wrong(n, &format!("{what}.insecure"), "a boolean")),
                },
            };
            image.allowed_registries_for_import.push(AllowedRegistry {
                domain_name,
                insecure,
            });
        }
        image.external_registry_hostnames = strings_at(spec, "spec", "externalRegistryHostnames")?;
        if let Some(ca) = map_at(spec, "additionalTrustedCA")? {
            image.additional_trusted_ca =
                string_at(ca, "spec.additionalTrustedCA", "name")?.unwrap_or_default();
        }
        if let Some(sources) = map_at(spec, "registrySources")? {
            let p = "spec.registrySources";
            image.insecure_registries = strings_at(sources, p, "insecureRegistries")?;
            image.blocked_registries = strings_at(sources, p, "blockedRegistries")?;
            // Read for its type only: it governs the nodes' container runtime, not imports.
            strings_at(sources, p, "allowedRegistries")?;
        }
        image.import_mode = import_mode(spec, "spec")?;
    }
    if let Some(status) = status {
        let mode = import_mode(status, "status")?;
        if !mode.is_empty() {
            image.import_mode = mode;
        }
        image.internal_registry_hostname =
            string_at(status, "status", "internalRegistryHostname")?.unwrap_or_default();
        image.external_registry_hostnames.extend(strings_at(
            status,
            "status",
            "externalRegistryHostnames",
        )?);
    }
    Ok(image)
}

fn import_mode(parent: &Node, what: &str) -> Result<String, Problem> {
    let Some(mode) = string_at(parent, what, "imageStreamImportMode")? else {
        return Ok(String::new());
    };
    match mode.as_str() {
        "" | "Legacy" | "PreserveOriginal" => Ok(mode),
        other => {
            let node = parent.get("imageStreamImportMode").unwrap_or(parent);
            Err((
                node.span,
                format!(
                    "{what}.imageStreamImportMode: Unsupported value: {other:?}: supported values: \"Legacy\", \"PreserveOriginal\""
                ),
            ))
        }
    }
}

fn wrong(node: &Node, what: &str, expected: &str) -> Problem {
    (
        node.span,
        format!("{what}: expected {expected}, found {}", node.type_name()),
    )
}

/// The mapping at `key`, `None` when absent or null.
fn map_at<'a>(parent: &'a Node, key: &str) -> Result<Option<&'a Node>, Problem> {
    match parent.get(key) {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(n) if n.as_map().is_some() => Ok(Some(n)),
        Some(n) => Err(wrong(n, key, "an object")),
    }
}

fn seq_at<'a>(parent: &'a Node, what: &str, key: &str) -> Result<&'a [Node], Problem> {
    match parent.get(key) {
        None => Ok(&[]),
        Some(n) if n.is_null() => Ok(&[]),
        Some(n) => n.as_seq().ok_or_else(|| wrong(n, what, "a list")),
    }
}

fn string_at(parent: &Node, what: &str, key: &str) -> Result<Option<String>, Problem> {
    match parent.get(key) {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(n) => match n.value() {
            Some(Value::Str(s)) => Ok(Some(s.to_owned())),
            _ => Err(wrong(n, &format!("{what}.{key}"), "a string")),
        },
    }
}

fn strings_at(parent: &Node, what: &str, key: &str) -> Result<Vec<String>, Problem> {
    seq_at(parent, &format!("{what}.{key}"), key)?
        .iter()
        .map(|n| match n.value() {
            Some(Value::Str(s)) => Ok(s.to_owned()),
            _ => Err(wrong(n, &format!("{what}.{key}[]"), "a string")),
        })
        .collect()
}
