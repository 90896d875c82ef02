//! The API server's registry whitelist (`allowedRegistriesForImport`), as
//! openshift-apiserver pkg/image/apis/image/validation/whitelist/whitelister.go builds and applies it
//! (`NewRegistryWhitelister`, `WhitelistRegistry`, `AdmitDockerImageReference`, `IsWildcardMatch`).
//! Messages are upstream's text, so a finding reads as the server's rejection would.

use crate::model::reference::{self, ImageRef};

/// An `allowedRegistriesForImport` entry: `host[:port]` with `*`/`?` globs in either part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedRegistry {
    pub domain_name: String,
    pub insecure: bool,
}

/// How a reference is reached: a tag (or its stream) marked insecure may use either port, since the
/// importer falls back from HTTPS to HTTP (upstream `getWhitelistTransportForFlag`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Secure,
    Insecure,
    Any,
}

impl Transport {
    /// The transport validation uses for a reference whose tag or stream is (or is not) insecure.
    pub fn for_insecure(insecure: bool) -> Transport {
        if insecure {
            Transport::Any
        } else {
            Transport::Secure
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct HostPort {
    host: String,
    port: String,
}

/// Allowed `host:port` globs in the order the server lists them in its messages, and repositories
/// allowed whatever their registry (those an update already had).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Whitelist {
    entries: Vec<HostPort>,
    repositories: Vec<String>,
}

/// Upstream lists this many entries at most, the last slot going to "and N more ...".
const SHOW_MAX: usize = 5;

impl Whitelist {
    /// The whitelist of `allowed`, with the internal registry's host (always allowed, over TLS)
    /// first, as the server has it once it has admitted one reference. An entry with two or more
    /// colons stops the API server from starting; here it is an error to report.
    pub fn new(allowed: &[AllowedRegistry], internal: Option<&str>) -> Result<Whitelist, String> {
        let mut list = Whitelist {
            entries: Vec::new(),
            repositories: Vec::new(),
        };
        // Upstream prepends, walking the list backwards: the order is kept, and of duplicates the
        // last one stays in place.
        for entry in allowed.iter().rev() {
            let transport = if entry.insecure {
                Transport::Insecure
            } else {
                Transport::Secure
            };
            list.add(&entry.domain_name, transport)?;
        }
        if let Some(host) = internal {
            list.add(host, Transport::Secure)?;
        }
        Ok(list)
    }

    /// Upstream `WhitelistRegistry`: a glob without a port gets the transport's default port(s).
    fn add(&mut self, glob: &str, transport: Transport) -> Result<(), String> {
        let parts: Vec<&str> = glob.splitn(3, ':').collect();
        let new: Vec<HostPort> = match parts.as_slice() {
            [host] => {
                let ports: &[&str] = match transport {
                    Transport::Any => &["80", "443"],
                    Transport::Insecure => &["80"],
                    Transport::Secure => &["443"],
                };
                ports
                    .iter()
                    .map(|p| HostPort {
                        host: (*host).to_owned(),
                        port: (*p).to_owned(),
                    })
                    .collect()
            }
            [host, port] => vec![HostPort {
                host: (*host).to_owned(),
                port: (*port).to_owned(),
            }],
            _ => {
                return Err(format!(
                    "failed to parse allowed registry {glob:?}: too many colons"
                ));
            }
        };
        for hp in new {
            if !self.entries.contains(&hp) {
                self.entries.insert(0, hp);
            }
        }
        Ok(())
    }

    /// This whitelist with the repository of `pull_spec` allowed too, as an update re-allows what
    /// the stored object already named (upstream `WhitelistRepository` on a `Copy`). A pull spec
    /// that does not parse adds nothing.
    pub fn allowing_repository_of(&self, pull_spec: &str) -> Whitelist {
        let mut list = self.clone();
        if let Ok(r) = reference::parse(pull_spec) {
            list.repositories.push(canonical_repository(&r));
        }
        list
    }

    /// `Ok` when the server admits `reference` reached over `transport`, else its message.
    pub fn admit(&self, reference: &ImageRef, transport: Transport) -> Result<(), String> {
        if self.repositories.contains(&canonical_repository(reference)) {
            return Ok(());
        }
        let (host, port) = match transport {
            Transport::Any => {
                let (mut host, port) = match split_host_port(&reference.registry) {
                    Some((h, p)) if !p.is_empty() => (h.to_owned(), p.to_owned()),
                    _ => (reference.registry.clone(), String::new()),
                };
                if host.is_empty() {
                    host = registry_host_port(reference, false).0;
                }
                (host, port)
            }
            Transport::Insecure => registry_host_port(reference, true),
            Transport::Secure => registry_host_port(reference, false),
        };
        let matches = |h: &str| {
            self.entries.iter().any(|hp| {
                wildcard_match(h, &hp.host)
                    && if port.is_empty() {
                        matches!(hp.port.as_str(), "80" | "443" | "*")
                    } else {
                        wildcard_match(&port, &hp.port)
                    }
            })
        };
        // Docker Hub's hosts are tried as plain `docker.io` first, so `docker.io:*` covers them.
        let hub_alias = matches!(host.as_str(), "index.docker.io" | "registry-1.docker.io");
        if (hub_alias && matches("docker.io")) || matches(&host) {
            return Ok(());
        }
        let shown = if !reference.registry.is_empty() {
            reference.registry.clone()
        } else if !port.is_empty() {
            join_host_port(&host, &port)
        } else {
            host
        };
        if self.entries.is_empty() {
            return Err(format!("registry {shown:?} not allowed by empty whitelist"));
        }
        let listed: Vec<String> = self
            .entries
            .iter()
            .map(|hp| format!("{:?}", join_host_port(&hp.host, &hp.port)))
            .collect();
        if listed.len() <= SHOW_MAX {
            Err(format!(
                "registry {shown:?} not allowed by whitelist: {}",
                listed.join(", ")
            ))
        } else {
            Err(format!(
                "registry {shown:?} not allowed by whitelist: {}, and {} more ...",
                listed[..SHOW_MAX - 1].join(", "),
                listed.len() - SHOW_MAX + 1
            ))
        }
    }
}

/// Upstream `canonicalRepository`: `registry/namespace/name` with Docker's defaults, no tag or id.
fn canonical_repository(reference: &ImageRef) -> String {
    let d = reference.docker_client_defaults();
    ImageRef {
        registry: d.registry,
        namespace: d.namespace,
        name: d.name,
        ..ImageRef::default()
    }
    .exact()
}

/// library-go `RegistryHostPort`: Docker Hub as its v2 host, the default registry filled in, and
/// the port split off or defaulted by transport.
fn registry_host_port(reference: &ImageRef, insecure: bool) -> (String, String) {
    let host = reference.as_v2().docker_client_defaults().registry;
    if host.contains(':') {
        return split_host_port(&host)
            .map(|(h, p)| (h.to_owned(), p.to_owned()))
            .unwrap_or_default();
    }
    let port = if insecure { "80" } else { "443" };
    (host, port.to_owned())
}

/// Go's `net.SplitHostPort` for what the reference grammar admits (no IPv6 literals): `None` when
/// there is no colon or more than one.
fn split_host_port(text: &str) -> Option<(&str, &str)> {
    let (host, port) = text.split_once(':')?;
    (!port.contains(':')).then_some((host, port))
}

/// Go's `net.JoinHostPort`.
fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Upstream `IsWildcardMatch`: `*` any run of bytes, `?` exactly one byte, the rest literal.
pub fn wildcard_match(text: &str, pattern: &str) -> bool {
    let (s, p) = (text.as_bytes(), pattern.as_bytes());
    // row[i]: the pattern so far matches s[..i].
    let mut row = vec![false; s.len() + 1];
    row[0] = true;
    for &c in p {
        let mut next = vec![false; s.len() + 1];
        next[0] = row[0] && c == b'*';
        for i in 1..=s.len() {
            next[i] = if c == b'*' {
                next[i - 1] || row[i]
            } else {
                row[i - 1] && (c == b'?' || c == s[i - 1])
            };
        }
        row = next;
    }
    row[s.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(insecure: bool, domains: &[&str]) -> Vec<AllowedRegistry> {
        domains
            .iter()
            .map(|d| AllowedRegistry {
                domain_name: (*d).to_owned(),
                insecure,
            })
            .collect()
    }

    /// Upstream's `IsWildcardMatch` cases: pattern, matching texts, non-matching texts.
    #[test]
    fn wildcards_match_as_upstream() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "docker",
                &["docker"],
                &[
                    "",
                    " ",
                    "foodocker",
                    "dock",
                    "dockerfoo",
                    "  docker",
                    "*docker*",
                    "?ocker",
                ],
            ),
            ("*", &["", "foo", "docker.io", " "], &[]),
            (
                "???",
                &["foo", "bar", "...", "   "],
                &["longfoo", "", "aa", " aaa", "aaa "],
            ),
            (
                "*.docker.io",
                &[
                    "registry-1.docker.io",
                    ".docker.io",
                    "??.docker.io",
                    "*.docker.io",
                ],
                &[
                    "",
                    " ",
                    "docker",
                    "fakedocker.io",
                    "docker.io",
                    "foo.docker.io.fake",
                ],
            ),
            (
                "foo.??.registry.url",
                &["foo.ab.registry.url"],
                &[
                    "",
                    "foo.abc.registry.url",
                    "registry.url",
                    "foo.a.registry.url",
                ],
            ),
            (
                "*foo.??.registry.*",
                &["foo.ab.registry.url", "barfoo.xx.registry.local"],
                &[
                    "",
                    "foo.x.registry.foo",
                    "xfoo.registry.local",
                    "xfoo.xx.registry",
                ],
            ),
        ];
        for (pattern, yes, no) in cases {
            for text in *yes {
                assert!(wildcard_match(text, pattern), "{pattern:?} ~ {text:?}");
            }
            for text in *no {
                assert!(!wildcard_match(text, pattern), "{pattern:?} !~ {text:?}");
            }
        }
    }

    /// Upstream `TestRegistryWhitelister`: a whitelist, a transport, and pull specs or bare hosts
    /// (`AdmitHostname` is a reference with only a registry) with the expected message.
    #[test]
    fn admits_as_upstream() {
        let five = "\"localhost:5000\", \"docker.io:443\", \"example.com:*\", \"registry.com:80\"";
        let six_secure = "\"localhost:5000\", \"docker.io:443\", \"example.com:*\", \"registry.com:80\", and 2 more ...";
        let six_insecure = "\"localhost:5000\", \"docker.io:80\", \"example.com:*\", \"registry.com:80\", and 2 more ...";
        let six = [
            "localhost:5000",
            "docker.io",
            "example.com:*",
            "registry.com:80",
            "*.foo.com",
            "*domain.ltd",
        ];
        type Case<'a> = (
            &'a str,
            Transport,
            Vec<AllowedRegistry>,
            Vec<(&'a str, Option<String>)>,
        );
        let not = |host: &str, list: &str| {
            Some(format!(
                "registry {host:?} not allowed by whitelist: {list}"
            ))
        };
        let cases: Vec<Case> = vec![
            (
                "empty whitelist",
                Transport::Secure,
                allowed(true, &[]),
                vec![
                    (
                        "example.com",
                        Some("registry \"example.com\" not allowed by empty whitelist".into()),
                    ),
                    (
                        "localhost:5000",
                        Some("registry \"localhost:5000\" not allowed by empty whitelist".into()),
                    ),
                    (
                        "docker.io/library/busybox",
                        Some("registry \"docker.io\" not allowed by empty whitelist".into()),
                    ),
                    (
                        "library/busybox",
                        Some("registry \"docker.io:443\" not allowed by empty whitelist".into()),
                    ),
                ],
            ),
            (
                "any host, secure",
                Transport::Secure,
                allowed(false, &["*"]),
                vec![
                    ("docker.io", None),
                    ("example.com", None),
                    ("localhost:443", None),
                    ("localhost:5000", not("localhost:5000", "\"*:443\"")),
                    ("localhost:80", not("localhost:80", "\"*:443\"")),
                    ("localhost", None),
                    ("docker.io/library/busybox", None),
                ],
            ),
            (
                "any host, insecure",
                Transport::Insecure,
                allowed(true, &["*"]),
                vec![
                    ("docker.io", None),
                    ("example.com", None),
                    ("localhost:443", not("localhost:443", "\"*:80\"")),
                    ("localhost:5000", not("localhost:5000", "\"*:80\"")),
                    ("localhost:80", None),
                    ("localhost", None),
                    ("docker.io/library/busybox", None),
                ],
            ),
            (
                "any host, any transport",
                Transport::Any,
                allowed(true, &["*"]),
                vec![
                    ("docker.io", None),
                    ("example.com", None),
                    ("localhost:443", not("localhost:443", "\"*:80\"")),
                    ("localhost:5000", not("localhost:5000", "\"*:80\"")),
                    ("localhost:80", None),
                    ("localhost", None),
                ],
            ),
            (
                "any host:port, secure",
                Transport::Secure,
                allowed(false, &["*:*"]),
                vec![
                    ("docker.io", None),
                    ("localhost:5000", None),
                    ("localhost:80", None),
                    ("example.com/a/b", None),
                    ("localhost:80/ns/repo", None),
                    ("docker.io/busybox", None),
                ],
            ),
            (
                "any host:port, insecure",
                Transport::Insecure,
                allowed(true, &["*:*"]),
                vec![
                    ("localhost:5000", None),
                    ("localhost:443/ns/repo", None),
                    ("localhost:5000/my/app", None),
                ],
            ),
            (
                "listed, secure",
                Transport::Secure,
                allowed(
                    false,
                    &[
                        "localhost:5000",
                        "docker.io",
                        "example.com:*",
                        "registry.com:80",
                    ],
                ),
                vec![
                    ("example.com:5000", None),
                    ("example.com:80", None),
                    ("example.com", None),
                    ("localhost:443", not("localhost:443", five)),
                    ("localhost:5000", None),
                    ("registry-1.docker.io:443", None),
                    ("registry.com:443", not("registry.com:443", five)),
                    ("registry.com:80", None),
                    ("registry.com", not("registry.com", five)),
                    ("index.docker.io", None),
                    ("registry.example.com", not("registry.example.com", five)),
                    ("library/busybox", None),
                ],
            ),
            (
                "listed, insecure",
                Transport::Insecure,
                allowed(true, &six),
                vec![
                    ("a.b.c.d.foo.com:80", None),
                    ("domain.ltd", None),
                    ("example.com", None),
                    ("foo.com", not("foo.com", six_insecure)),
                    ("index.docker.io", None),
                    ("localhost:5000", None),
                    ("my.domain.ltd:443", not("my.domain.ltd:443", six_insecure)),
                    ("my.domain.ltd:80", None),
                    ("my.domain.ltd", None),
                    ("mydomain.ltd", None),
                    ("registry.com", None),
                    ("registry.foo.com", None),
                    ("docker.io/library/busybox", None),
                    ("foo.com/library/busybox", not("foo.com", six_insecure)),
                    ("ffoo.com/library/busybox", not("ffoo.com", six_insecure)),
                ],
            ),
            (
                "listed, any transport",
                Transport::Any,
                allowed(false, &six),
                vec![
                    ("a.b.c.d.foo.com:80", not("a.b.c.d.foo.com:80", six_secure)),
                    ("domain.ltd", None),
                    ("example.com", None),
                    ("foo.com", not("foo.com", six_secure)),
                    ("index.docker.io", None),
                    ("localhost:5000", None),
                    ("my.domain.ltd:443", None),
                    ("my.domain.ltd:80", not("my.domain.ltd:80", six_secure)),
                    ("my.domain.ltd", None),
                    ("mydomain.ltd", None),
                    ("registry.com:443", not("registry.com:443", six_secure)),
                    ("registry.com", None),
                    ("registry.foo.com", None),
                    ("docker.io/library/busybox", None),
                    ("ffoo.com/library/busybox", not("ffoo.com", six_secure)),
                ],
            ),
            (
                "listed pull specs, any transport",
                Transport::Any,
                allowed(true, &six),
                vec![
                    ("a.b.c.d.foo.com:80/repo", None),
                    ("domain.ltd/a/b", None),
                    ("example.com/c/d", None),
                    ("foo.com/foo", not("foo.com", six_insecure)),
                    ("index.docker.io/bar", None),
                    ("localhost:5000/repo", None),
                    (
                        "my.domain.ltd:443/a/b",
                        not("my.domain.ltd:443", six_insecure),
                    ),
                    ("my.domain.ltd:80/foo:latest", None),
                    ("my.domain.ltd/bar:1.3.4", None),
                    ("mydomain.ltd/my/repo/sitory", None),
                    (
                        "registry.com:443/ab:tag",
                        not("registry.com:443", six_insecure),
                    ),
                    ("registry.com/repo", None),
                    ("registry.foo.com/123", None),
                    ("repository:latest", None),
                    ("nm/repo:latest", None),
                ],
            ),
        ];
        for (name, transport, list, specs) in cases {
            let whitelist = Whitelist::new(&list, None).expect(name);
            for (spec, want) in specs {
                // Upstream's pull-spec case parses every entry, lone names included.
                let r = if name.ends_with("pull specs, any transport") {
                    reference::parse(spec).expect(spec)
                } else {
                    host_or_reference(spec)
                };
                assert_eq!(whitelist.admit(&r, transport).err(), want, "{name}: {spec}");
            }
        }
    }

    /// A bare `host[:port]` is checked as upstream's `AdmitHostname` does (a reference with only a
    /// registry); anything with a path is parsed.
    fn host_or_reference(spec: &str) -> ImageRef {
        if spec.contains('/') {
            reference::parse(spec).expect(spec)
        } else {
            ImageRef {
                registry: spec.to_owned(),
                ..ImageRef::default()
            }
        }
    }

    /// Upstream `TestCanonicalRepository`, and an update re-allowing what the old object named.
    #[test]
    fn repositories_already_named_stay_allowed() {
        let cases = [
            ("busybox", "docker.io/library/busybox"),
            ("busybox:glibc", "docker.io/library/busybox"),
            (
                "docker.io/busybox:latest@sha256:1303dbf110c57f3edf68d9f5a16c082ec06c4cf7604831669faf2c712260b5a0",
                "docker.io/library/busybox",
            ),
            ("library/busybox:1", "docker.io/library/busybox"),
            (
                "image-registry.openshift-image-registry.svc:5000/openshift/httpd@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "image-registry.openshift-image-registry.svc:5000/openshift/httpd",
            ),
        ];
        for (spec, want) in cases {
            let r = reference::parse(spec).expect(spec);
            assert_eq!(canonical_repository(&r), want, "{spec}");
        }
        let list = Whitelist::new(&allowed(false, &["docker.io"]), None).expect("list");
        let old = list.allowing_repository_of("example.com/repo:1");
        let same = reference::parse("example.com/repo@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25").expect("ref");
        let other = reference::parse("example.com/other:1").expect("ref");
        assert_eq!(old.admit(&same, Transport::Secure), Ok(()));
        assert!(old.admit(&other, Transport::Secure).is_err());
        assert!(list.admit(&same, Transport::Secure).is_err());
    }

    #[test]
    fn builds_as_upstream() {
        // Upstream `TestWhitelistRegistry`: a port-less glob under any transport covers both ports.
        let mut list = Whitelist::new(&[], None).expect("empty");
        list.add("foo.com", Transport::Any).expect("add");
        let sub = host_or_reference("sub.foo.com");
        assert_eq!(
            list.admit(&sub, Transport::Any).err().as_deref(),
            Some(
                "registry \"sub.foo.com\" not allowed by whitelist: \"foo.com:443\", \"foo.com:80\""
            )
        );
        // `TestNewRegistryWhitelister`: any text is a host, but not two colons.
        assert!(Whitelist::new(&allowed(true, &["先生，先生！"]), None).is_ok());
        assert_eq!(
            Whitelist::new(&allowed(true, &["0:1:2:3"]), None)
                .err()
                .as_deref(),
            Some("failed to parse allowed registry \"0:1:2:3\": too many colons")
        );
        // Duplicates keep the last place; the internal registry comes first.
        let list = Whitelist::new(
            &allowed(false, &["a.io", "b.io", "a.io"]),
            Some("image-registry.openshift-image-registry.svc:5000"),
        )
        .expect("list");
        assert_eq!(
            list.admit(&host_or_reference("c.io"), Transport::Secure)
                .err()
                .as_deref(),
            Some(
                "registry \"c.io\" not allowed by whitelist: \"image-registry.openshift-image-registry.svc:5000\", \"b.io:443\", \"a.io:443\""
            )
        );
        let internal = host_or_reference("image-registry.openshift-image-registry.svc:5000/ns/app");
        assert_eq!(list.admit(&internal, Transport::Secure), Ok(()));
    }
}
