//! Registry credentials from the files docker, podman and Kubernetes keep them in.
//!
//! Sources, first match wins: the auth files in the order given (see [`Credentials::standard_auth_files`]:
//! `REGISTRY_AUTH_FILE`, `$DOCKER_CONFIG/config.json`, `~/.docker/config.json`,
//! `$XDG_RUNTIME_DIR/containers/auth.json`), each consulted as docker does (its `credHelpers` entry for
//! the host, then `auths`, then its `credsStore`), then `--pull-secret` files (Kubernetes Secrets of type
//! `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg`, YAML or JSON).
//!
//! Keys match as docker matches them: scheme and path are ignored, Docker Hub's aliases are one host,
//! and a containers-auth.json key `host/namespace` matches repositories under it, longest prefix first.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use tokio::io::AsyncWriteExt as _;

use crate::sanitize;

/// A secret for one registry. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    Basic {
        username: String,
        password: String,
    },
    /// An OAuth2 refresh token (`identitytoken`), exchanged at the token endpoint.
    IdentityToken(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Basic { username, .. } => write!(f, "Basic({username}:<redacted>)"),
            Credential::IdentityToken(_) => f.write_str("IdentityToken(<redacted>)"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {why}")]
    Invalid { path: PathBuf, why: String },
}

/// How long a credential helper may take.
const HELPER_TIMEOUT: Duration = Duration::from_secs(10);
const DOCKER_HUB: &str = "docker.io";

#[derive(Deserialize, Default)]
struct AuthFile {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: HashMap<String, String>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

impl AuthEntry {
    /// The entry's credential; `Err` says why an `auth` value cannot be decoded (never what it holds).
    fn credential(&self) -> Result<Option<Credential>, &'static str> {
        if let Some(token) = self.identitytoken.as_ref().filter(|t| !t.is_empty()) {
            return Ok(Some(Credential::IdentityToken(token.clone())));
        }
        if let Some(auth) = self.auth.as_ref().filter(|a| !a.is_empty()) {
            let decoded = STANDARD
                .decode(auth.trim())
                .map_err(|_| "its auth value is not base64")?;
            let text = String::from_utf8(decoded).map_err(|_| "its auth value is not UTF-8")?;
            let (username, password) = text
                .split_once(':')
                .ok_or("its auth value is not username:password")?;
            return Ok(Some(Credential::Basic {
                username: username.to_owned(),
                password: password.to_owned(),
            }));
        }
        Ok(match (&self.username, &self.password) {
            (Some(u), Some(p)) if !u.is_empty() => Some(Credential::Basic {
                username: u.clone(),
                password: p.clone(),
            }),
            _ => None,
        })
    }
}

/// One parsed source, its keys normalised to `host[/path]`.
#[derive(Default)]
struct Source {
    auths: Vec<(String, Credential)>,
    helpers: HashMap<String, String>,
    store: Option<String>,
}

impl Source {
    /// The credentials of `file` (read from `path`); an entry that cannot be decoded is skipped with
    /// a warning naming the file and the host.
    fn from_auth_file(file: AuthFile, path: &Path) -> Self {
        Source {
            auths: file
                .auths
                .iter()
                .filter_map(|(key, entry)| match entry.credential() {
                    Ok(credential) => Some((normalize_key(key), credential?)),
                    Err(why) => {
                        tracing::warn!(
                            "{}: the entry for {} is skipped: {why}",
                            path.display(),
                            sanitize::line(key)
                        );
                        None
                    }
                })
                .collect(),
            helpers: file
                .cred_helpers
                .into_iter()
                .map(|(key, helper)| (normalize_key(&key), helper))
                .collect(),
            store: file.creds_store.filter(|s| !s.is_empty()),
        }
    }

    /// The longest `auths` key naming `host/repository` or a namespace prefix of it.
    fn matching_auth(&self, host: &str, repository: &str) -> Option<&Credential> {
        let full = format!("{host}/{repository}");
        self.auths
            .iter()
            .filter(|(key, _)| {
                key == host
                    || (full.starts_with(key.as_str())
                        && full.as_bytes().get(key.len()) == Some(&b'/'))
                    || key == &full
            })
            .max_by_key(|(key, _)| key.len())
            .map(|(_, cred)| cred)
    }
}

/// All configured credentials. Cheap to query; helper answers are cached per host.
#[derive(Default)]
pub struct Credentials {
    sources: Vec<Source>,
    helper_cache: Mutex<HashMap<(String, String), Option<Credential>>>,
}

impl Credentials {
    /// No credentials: every registry is contacted anonymously.
    pub fn none() -> Self {
        Credentials::default()
    }

    /// The auth files docker and podman read, in streamlock's order, from an environment lookup
    /// (`std::env::var` in the binary; a map in tests). `explicit` (`--auth-file`) comes first.
    pub fn standard_auth_files(
        explicit: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Vec<PathBuf> {
        let env = |name: &str| env(name).filter(|v| !v.is_empty());
        let mut files: Vec<PathBuf> = explicit.map(Path::to_path_buf).into_iter().collect();
        files.extend(env("REGISTRY_AUTH_FILE").map(PathBuf::from));
        files.extend(env("DOCKER_CONFIG").map(|d| Path::new(&d).join("config.json")));
        files.extend(env("HOME").map(|h| Path::new(&h).join(".docker/config.json")));
        files.extend(env("XDG_RUNTIME_DIR").map(|d| Path::new(&d).join("containers/auth.json")));
        files
    }

    /// Reads `auth_files` (missing ones are skipped: most users have only some) and `pull_secrets`
    /// (which must exist: the user named them).
    pub fn load(auth_files: &[PathBuf], pull_secrets: &[PathBuf]) -> Result<Self, CredentialError> {
        let mut sources = Vec::new();
        for path in auth_files {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                Err(source) => {
                    return Err(CredentialError::Read {
                        path: path.clone(),
                        source,
                    });
                }
            };
            let file: AuthFile =
                serde_json::from_str(&text).map_err(|err| CredentialError::Invalid {
                    path: path.clone(),
                    why: err.to_string(),
                })?;
            sources.push(Source::from_auth_file(file, path));
        }
        for path in pull_secrets {
            let text = std::fs::read_to_string(path).map_err(|source| CredentialError::Read {
                path: path.clone(),
                source,
            })?;
            let source = pull_secret(&text, path).map_err(|why| CredentialError::Invalid {
                path: path.clone(),
                why,
            })?;
            sources.push(source);
        }
        Ok(Credentials {
            sources,
            helper_cache: Mutex::default(),
        })
    }

    /// The credential for `repository` on `registry` (`host[:port]` as contacted), if any.
    pub async fn find(&self, registry: &str, repository: &str) -> Option<Credential> {
        let host = canonical_host(registry);
        for source in &self.sources {
            if let Some(helper) = source.helpers.get(host) {
                return self.ask_helper(helper, host).await;
            }
            if let Some(cred) = source.matching_auth(host, repository) {
                return Some(cred.clone());
            }
            if let Some(store) = &source.store
                && let Some(cred) = self.ask_helper(store, host).await
            {
                return Some(cred);
            }
        }
        None
    }

    async fn ask_helper(&self, helper: &str, host: &str) -> Option<Credential> {
        let key = (helper.to_owned(), host.to_owned());
        if let Some(hit) = self.helper_cache.lock().ok()?.get(&key) {
            return hit.clone();
        }
        let answer = run_helper(helper, helper_server_name(host)).await;
        if let Err(why) = &answer {
            tracing::warn!("credential helper docker-credential-{helper} for {host}: {why}");
        }
        let cred = answer.ok().flatten();
        self.helper_cache.lock().ok()?.insert(key, cred.clone());
        cred
    }
}

/// Docker stores Docker Hub credentials under its v1 index URL.
fn helper_server_name(host: &str) -> &str {
    if host == DOCKER_HUB {
        "https://index.docker.io/v1/"
    } else {
        host
    }
}

/// Runs `docker-credential-<helper> get` with the server on stdin. `Ok(None)`: the helper has nothing.
async fn run_helper(helper: &str, server: &str) -> Result<Option<Credential>, String> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(rename = "Username", default)]
        username: String,
        #[serde(rename = "Secret", default)]
        secret: String,
    }
    let mut child = tokio::process::Command::new(format!("docker-credential-{helper}"))
        .arg("get")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|err| err.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(server.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
    }
    let output = tokio::time::timeout(HELPER_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| format!("no answer within {}s", HELPER_TIMEOUT.as_secs()))?
        .map_err(|err| err.to_string())?;
    if !output.status.success() {
        // "credentials not found in native keychain" is the normal miss.
        return Ok(None);
    }
    let answer: Answer =
        serde_json::from_slice(&output.stdout).map_err(|_| "unreadable answer".to_owned())?;
    Ok(match (answer.username.as_str(), answer.secret) {
        (_, secret) if secret.is_empty() => None,
        ("<token>", secret) => Some(Credential::IdentityToken(secret)),
        (username, password) => Some(Credential::Basic {
            username: username.to_owned(),
            password,
        }),
    })
}

/// The names Docker Hub goes by, folded into one.
fn canonical_host(host: &str) -> &str {
    match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            DOCKER_HUB
        }
        other => other,
    }
}

/// `https://index.docker.io/v1/` → `docker.io`; `quay.io/org/` → `quay.io/org`.
fn normalize_key(key: &str) -> String {
    let key = key.trim();
    let key = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let (host, path) = key.split_once('/').unwrap_or((key, ""));
    let host = canonical_host(host);
    // docker's legacy keys carry an API path (`/v1/`, `/v2/`): that is not a namespace.
    let path = path.trim_end_matches('/');
    if path.is_empty() || path == "v1" || path == "v2" {
        host.to_owned()
    } else {
        format!("{host}/{path}")
    }
}

/// Reads a Kubernetes pull Secret (YAML or JSON).
fn pull_secret(text: &str, path: &Path) -> Result<Source, String> {
    let doc = super::yaml::to_json(text)?;
    let kind = doc.get("type").and_then(|t| t.as_str()).unwrap_or("");
    let (key, legacy) = match kind {
        "kubernetes.io/dockerconfigjson" => (".dockerconfigjson", false),
        "kubernetes.io/dockercfg" => (".dockercfg", true),
        other => return Err(format!("not a pull secret (type {other:?})")),
    };
    let payload = if let Some(encoded) = doc
        .pointer(&format!("/data/{key}"))
        .and_then(|v| v.as_str())
    {
        let bytes = STANDARD
            .decode(encoded.split_whitespace().collect::<String>())
            .map_err(|_| format!("data.{key} is not base64"))?;
        String::from_utf8(bytes).map_err(|_| format!("data.{key} is not UTF-8"))?
    } else if let Some(plain) = doc
        .pointer(&format!("/stringData/{key}"))
        .and_then(|v| v.as_str())
    {
        plain.to_owned()
    } else {
        return Err(format!("no data.{key}"));
    };
    let file: AuthFile = if legacy {
        let auths = serde_json::from_str(&payload).map_err(|e| format!("{key}: {e}"))?;
        AuthFile {
            auths,
            ..AuthFile::default()
        }
    } else {
        serde_json::from_str(&payload).map_err(|e| format!("{key}: {e}"))?
    };
    Ok(Source::from_auth_file(file, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(u: &str, p: &str) -> Option<Credential> {
        Some(Credential::Basic {
            username: u.into(),
            password: p.into(),
        })
    }

    fn store(json: &str) -> Credentials {
        let file: AuthFile = serde_json::from_str(json).unwrap_or_default();
        Credentials {
            sources: vec![Source::from_auth_file(file, Path::new("auth.json"))],
            helper_cache: Mutex::default(),
        }
    }

    #[tokio::test]
    async fn docker_hub_aliases_and_namespace_prefixes() {
        let creds = store(
            r#"{"auths":{
                "https://index.docker.io/v1/":{"auth":"aHViOnNlY3JldA=="},
                "quay.io":{"username":"q","password":"all"},
                "quay.io/org":{"username":"q","password":"org"},
                "quay.io/org/team":{"username":"q","password":"team"},
                "http://127.0.0.1:5000":{"identitytoken":"refresh"}}}"#,
        );
        assert_eq!(
            creds.find("registry-1.docker.io", "library/x").await,
            basic("hub", "secret")
        );
        assert_eq!(creds.find("quay.io", "other/x").await, basic("q", "all"));
        assert_eq!(creds.find("quay.io", "org/x").await, basic("q", "org"));
        assert_eq!(
            creds.find("quay.io", "org/team/x").await,
            basic("q", "team")
        );
        assert_eq!(creds.find("quay.io", "organic/x").await, basic("q", "all"));
        assert_eq!(
            creds.find("127.0.0.1:5000", "a").await,
            Some(Credential::IdentityToken("refresh".into()))
        );
        assert_eq!(creds.find("127.0.0.1:5001", "a").await, None);
    }

    #[test]
    fn pull_secrets_both_types_yaml_and_json() {
        let json = r#"{"auths":{"reg.example:5000":{"auth":"dTpw"}}}"#;
        let yaml = format!(
            "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {}\n",
            STANDARD.encode(json)
        );
        let source = pull_secret(&yaml, Path::new("s.yaml")).unwrap_or_default();
        assert_eq!(
            source.matching_auth("reg.example:5000", "a").cloned(),
            basic("u", "p")
        );
        let legacy = format!(
            r#"{{"kind":"Secret","type":"kubernetes.io/dockercfg","data":{{".dockercfg":"{}"}}}}"#,
            STANDARD.encode(r#"{"https://reg.example/v1/":{"username":"u","password":"p"}}"#)
        );
        let source = pull_secret(&legacy, Path::new("s.yaml")).unwrap_or_default();
        assert_eq!(
            source.matching_auth("reg.example", "a").cloned(),
            basic("u", "p")
        );
        assert!(pull_secret("type: Opaque\n", Path::new("s.yaml")).is_err());
        assert!(
            pull_secret(
                "type: kubernetes.io/dockercfg\ndata: {.dockercfg: '!!'}\n",
                Path::new("s.yaml")
            )
            .is_err()
        );
        assert!(pull_secret("{{{", Path::new("s.yaml")).is_err());
    }

    #[test]
    fn standard_files_in_order() {
        let env: HashMap<&str, &str> = [
            ("REGISTRY_AUTH_FILE", "/a/auth.json"),
            ("DOCKER_CONFIG", "/d"),
            ("HOME", "/h"),
            ("XDG_RUNTIME_DIR", "/run/user/1"),
        ]
        .into();
        let files = Credentials::standard_auth_files(Some(Path::new("/x.json")), |k| {
            env.get(k).map(|v| v.to_string())
        });
        let files: Vec<_> = files.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            files,
            [
                "/x.json",
                "/a/auth.json",
                "/d/config.json",
                "/h/.docker/config.json",
                "/run/user/1/containers/auth.json"
            ]
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let shown = format!(
            "{:?} {:?}",
            basic("u", "hunter2"),
            Credential::IdentityToken("tok".into())
        );
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok)"),
            "{shown}"
        );
    }
}
