//! `.streamlock.yaml`: per-rule severities, excluded paths and the cluster the files target.
//!
//! ```yaml
//! rules:
//!   floating-tag-not-scheduled: off     # off | note | warning | error
//!   insecure-import: error
//! exclude:
//!   - "legacy/**"
//! cluster-config:                       # the cluster these files target, relative to this file
//!   - cluster/image.config.yaml
//! platform: linux/arm64                 # the control plane's, for Legacy manifest-list choice
//! max-repository-tags: 50               # the API server's maxImagesBulkImportedPerRepository (-1: all)
//! head-first:                           # registries whose manifest GETs count as pulls
//!   - registry.example.com
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::load::{self, Limits, Node};

use super::{Severity, rules};

pub const FILE_NAME: &str = ".streamlock.yaml";

#[derive(Debug, Default)]
pub struct Config {
    /// `None` turns a rule off.
    pub severities: HashMap<String, Option<Severity>>,
    pub exclude: Vec<String>,
    /// `cluster-config:` files, relative to this file's directory (see `crate::cluster`).
    pub cluster_config: Vec<PathBuf>,
    /// `platform:`, the control plane's `OS/ARCH[/VARIANT]`.
    pub platform: Option<String>,
    /// `max-repository-tags:`, tags imported per `spec.dockerImageRepository`.
    pub max_repository_tags: Option<crate::plan::TagLimit>,
    /// `head-first:` registry hosts: `import` starts their lookups with a HEAD.
    pub head_first: Vec<String>,
    /// Where it was read from, for messages.
    pub path: Option<PathBuf>,
}

impl Config {
    /// The severity in force for a rule, `None` when it is off.
    pub fn severity(&self, rule: &super::Rule) -> Option<Severity> {
        self.severities
            .get(rule.id)
            .copied()
            .unwrap_or(Some(rule.severity))
    }

    /// Finds `.streamlock.yaml` in `start` or the nearest ancestor, and reads it.
    pub fn discover(start: &Path) -> Result<Config, String> {
        let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
        let found = start
            .ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file());
        match found {
            Some(path) => Config::read(&path),
            None => Ok(Config::default()),
        }
    }

    pub fn read(path: &Path) -> Result<Config, String> {
        let shown = path.display();
        let file = load::load_file(path, Limits::default())
            .map_err(|e| format!("{shown}: {}", e.message))?;
        if let Some(e) = &file.parsed.error {
            let at = file.source.position(e.span.start);
            return Err(format!("{shown}:{}:{}: {}", at.line, at.column, e.message));
        }
        let mut config = Config {
            path: Some(path.to_path_buf()),
            ..Config::default()
        };
        let Some(root) = file.parsed.documents.first().and_then(|d| d.root.as_ref()) else {
            return Ok(config);
        };
        let place = |node: &Node| {
            let at = file.source.position(node.span.start);
            format!("{shown}:{}:{}", at.line, at.column)
        };
        for entry in root
            .as_map()
            .ok_or_else(|| format!("{}: expected a mapping", place(root)))?
        {
            match entry.key.as_str() {
                Some("rules") => {
                    for rule in entry.value.as_map().unwrap_or(&[]) {
                        let id = rule.key.as_str().unwrap_or("");
                        if rules::find(id).is_none() {
                            return Err(format!(
                                "{}: unknown rule `{id}` (see `streamlock lint --explain` for the list)",
                                place(&rule.key)
                            ));
                        }
                        let level = match rule.value.value() {
                            Some(load::Value::Str("off")) | Some(load::Value::Bool(false)) => None,
                            Some(load::Value::Str(s)) => {
                                Some(Severity::parse(s).ok_or_else(|| {
                                    format!(
                                        "{}: `{s}` is not one of off, note, warning, error",
                                        place(&rule.value)
                                    )
                                })?)
                            }
                            _ => {
                                return Err(format!(
                                    "{}: expected off, note, warning or error",
                                    place(&rule.value)
                                ));
                            }
                        };
                        config.severities.insert(id.to_string(), level);
                    }
                }
                Some("exclude") => {
                    for glob in entry.value.as_seq().unwrap_or(&[]) {
                        let glob = glob.as_str().ok_or_else(|| {
                            format!("{}: an exclude entry must be a string", place(glob))
                        })?;
                        config.exclude.push(glob.to_string());
                    }
                }
                Some("cluster-config") => {
                    let base = path.parent().unwrap_or(Path::new(""));
                    for file in entry.value.as_seq().unwrap_or(&[]) {
                        let file = file.as_str().ok_or_else(|| {
                            format!("{}: a cluster-config entry must be a path", place(file))
                        })?;
                        config.cluster_config.push(base.join(file));
                    }
                }
                Some("platform") => {
                    let text = entry.value.as_str().ok_or_else(|| {
                        format!(
                            "{}: platform must be OS/ARCH, e.g. linux/arm64",
                            place(&entry.value)
                        )
                    })?;
                    config.platform = Some(text.to_string());
                }
                Some("max-repository-tags") => {
                    let limit = match entry.value.value() {
                        Some(load::Value::Int(n)) => crate::plan::TagLimit::from_number(n),
                        _ => Err("expected a number of tags, or -1 for no limit".into()),
                    };
                    config.max_repository_tags = Some(limit.map_err(|e| {
                        format!("{}: max-repository-tags: {e}", place(&entry.value))
                    })?);
                }
                Some("head-first") => {
                    for host in entry.value.as_seq().unwrap_or(&[]) {
                        let host = host.as_str().filter(|h| !h.is_empty()).ok_or_else(|| {
                            format!(
                                "{}: a head-first entry must be a registry host[:port]",
                                place(host)
                            )
                        })?;
                        config.head_first.push(host.to_string());
                    }
                }
                Some(other) => {
                    return Err(format!(
                        "{}: unknown setting `{other}` (expected `rules`, `exclude`, `cluster-config`, `platform`, `max-repository-tags` or `head-first`)",
                        place(&entry.key)
                    ));
                }
                None => return Err(format!("{}: expected a setting name", place(&entry.key))),
            }
        }
        Ok(config)
    }
}
