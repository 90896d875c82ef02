//! OpenShift's image reference grammar: library-go's `reference.Parse`, which the API server uses to
//! validate `from.name`, `spec.dockerImageRepository` and status pull specs, and which the importer
//! uses to read what it imports.
//!
//! It is an old docker grammar, not today's distribution/reference: no IPv6 hosts, a lone component
//! that looks like a host is a *registry-only* reference (`quay.io`, even `python3.9:latest`), an
//! upper-case first component is a namespace (`Foo/bar`), upper-case digest hex is fine. The importer
//! still names what it pulls in distribution's normalized form (`docker.io/library/mysql:8`), so that
//! reading is here too ([`parse_normalized`], [`ImageRef::normalized`]).
//!
//! Everything is hand-written over bytes: the grammar is ASCII, and parsing runs on every tag of every
//! file, so the happy path allocates only the fields it returns.

use std::fmt;

/// Longest name (registry, namespace and path together) either grammar accepts, in bytes.
const NAME_TOTAL_LENGTH_MAX: usize = 255;
/// Docker Hub as users write it.
const DOCKER_DEFAULT_REGISTRY: &str = "docker.io";
/// Docker Hub's v1 host, an alias.
const DOCKER_DEFAULT_V1_REGISTRY: &str = "index.docker.io";
/// Docker Hub's host that serves the v2 API.
const DOCKER_DEFAULT_V2_REGISTRY: &str = "registry-1.docker.io";

/// A parsed reference, fields exactly as library-go's `DockerImageReference`.
///
/// `namespace` is the first path component after the registry and `name` the rest
/// (`quay.io/a/b/c` → registry `quay.io`, namespace `a`, name `b/c`). `id` is a digest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// `host[:port]` as written; for a registry-only reference, the whole spec.
    pub registry: String,
    /// The first path component after the registry, if the path has two or more.
    pub namespace: String,
    /// The rest of the path.
    pub name: String,
    pub tag: String,
    /// The digest, `sha256:…`.
    pub id: String,
}

/// Why a reference does not parse. `Display` is upstream's exact text, which the API server puts in
/// its field errors and the importer in its conditions.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    #[error("invalid reference format")]
    InvalidFormat,
    /// The reference would parse if it were lower case.
    #[error("repository name must be lowercase")]
    Uppercase,
    #[error("repository name must not be more than 255 characters")]
    NameTooLong,
    /// The empty string.
    #[error("repository name must have at least one component")]
    NameEmpty,
    #[error("invalid checksum digest format")]
    DigestFormat,
    /// A known algorithm with the wrong number of hex digits.
    #[error("invalid checksum digest length")]
    DigestLength,
    /// Anything but sha256, sha384 and sha512.
    #[error("unsupported digest algorithm")]
    DigestAlgorithm,
    /// distribution only: upper case in the path once Docker Hub's defaults were added.
    #[error("invalid reference format: repository name ({0}) must be lowercase")]
    PathUppercase(String),
    /// distribution only: 64 hex digits alone look like an image ID, not a name.
    #[error("invalid repository name ({0}), cannot specify 64-byte hexadecimal strings")]
    HexIdentifier(String),
}

/// `from.name` of an ImageStreamTag or ImageStreamImage with more than one separator (§2.5). The text
/// is the detail of the API server's `Invalid spec.tags[T].from.name` error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>")]
pub struct FromNameError;

/// Parses `spec` as library-go's `reference.Parse` does, registry-only references included.
pub fn parse(spec: &str) -> Result<ImageRef, RefError> {
    let Captures { name, tag, digest } = match_reference(spec, Dialect::LibraryGo)?;
    let mut r = ImageRef {
        id: digest.to_owned(),
        ..ImageRef::default()
    };
    let path = match name.split_once('/') {
        // A lone component that looks like a host names a registry. Upstream stores the whole
        // spec there, tag and digest included, and sets no tag (but does set the id).
        None if name.contains('.') || name.starts_with("localhost") => {
            r.registry = spec.to_owned();
            return Ok(r);
        }
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
            r.registry = first.to_owned();
            rest
        }
        _ => name,
    };
    match path.split_once('/') {
        Some((namespace, name)) => {
            r.namespace = namespace.to_owned();
            r.name = name.to_owned();
        }
        None => r.name = path.to_owned(),
    }
    r.tag = tag.to_owned();
    Ok(r)
}

/// distribution's `ParseNormalizedNamed(spec).String()` as vendored in the API server: Docker Hub's
/// `docker.io` and `library/` added, `index.docker.io` folded into `docker.io`, tag and digest kept.
/// This is how docker and podman read a reference, and how the importer names what it pulls.
pub fn parse_normalized(spec: &str) -> Result<String, RefError> {
    if spec.len() == 64 && spec.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(RefError::HexIdentifier(spec.to_owned()));
    }
    // Only a first component with a dot, a colon, upper case or exactly `localhost` is a domain.
    let (domain, remainder) = match spec.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':']) || first == "localhost" || go_lower_changes(first) =>
        {
            (first, rest)
        }
        _ => (DOCKER_DEFAULT_REGISTRY, spec),
    };
    let domain = match domain {
        DOCKER_DEFAULT_V1_REGISTRY => DOCKER_DEFAULT_REGISTRY,
        other => other,
    };
    let library = if domain == DOCKER_DEFAULT_REGISTRY && !remainder.contains('/') {
        "library/"
    } else {
        ""
    };
    let remote = remainder
        .split_once(':')
        .map_or(remainder, |(remote, _)| remote);
    if go_lower_changes(remote) {
        return Err(RefError::PathUppercase(format!("{library}{remote}")));
    }
    let normalized = format!("{domain}/{library}{remainder}");
    match_reference(&normalized, Dialect::Distribution)?;
    Ok(normalized)
}

/// Splits an ImageStreamTag `from.name`, `<tag>` or `<stream>:<tag>`, into the stream (`None`: the
/// stream that holds the tag) and the tag, as the API server's strategy does. Empty parts pass.
pub fn split_stream_tag(name: &str) -> Result<(Option<&str>, &str), FromNameError> {
    split_stream(name, ':')
}

/// Splits an ImageStreamImage `from.name`, `<id>` or `<stream>@<id>`, like [`split_stream_tag`].
pub fn split_stream_image(name: &str) -> Result<(Option<&str>, &str), FromNameError> {
    split_stream(name, '@')
}

fn split_stream(name: &str, separator: char) -> Result<(Option<&str>, &str), FromNameError> {
    match name.split_once(separator) {
        None => Ok((None, name)),
        Some((stream, item)) if !item.contains(separator) => Ok((Some(stream), item)),
        Some(_) => Err(FromNameError),
    }
}

/// `oc tag`'s tag-name rule `^[\w][\w.-]{0,127}$` (client side only: the server checks no tag name).
/// It is also the tag of a reference.
pub fn is_valid_tag_name(tag: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    match tag.as_bytes() {
        [first, rest @ ..] => {
            word(*first)
                && rest.len() <= 127
                && rest.iter().all(|&b| word(b) || b == b'.' || b == b'-')
        }
        [] => false,
    }
}

impl ImageRef {
    /// What the docker client assumes: registry `docker.io`, namespace `library` on Docker Hub, tag
    /// `latest`. The importer applies this before it builds the registry URL and repository.
    pub fn docker_client_defaults(&self) -> ImageRef {
        let mut r = self.clone();
        if r.registry.is_empty() {
            r.registry = DOCKER_DEFAULT_REGISTRY.to_owned();
        }
        if r.namespace.is_empty() && r.is_docker_hub() {
            r.namespace = "library".to_owned();
        }
        if r.tag.is_empty() {
            r.tag = "latest".to_owned();
        }
        r
    }

    /// The host actually contacted: Docker Hub's aliases become `registry-1.docker.io`.
    pub fn as_v2(&self) -> ImageRef {
        let mut r = self.clone();
        if matches!(
            r.registry.as_str(),
            DOCKER_DEFAULT_REGISTRY | DOCKER_DEFAULT_V1_REGISTRY
        ) {
            r.registry = DOCKER_DEFAULT_V2_REGISTRY.to_owned();
        }
        r
    }

    /// Prefers the id to the tag: the tag is dropped when the id is a valid digest; an id that is
    /// not one (a v1 image id) becomes the tag when there is none.
    pub fn most_specific(&self) -> ImageRef {
        let mut r = self.clone();
        if r.id.is_empty() {
            return r;
        }
        if validate_digest(&r.id).is_ok() {
            r.tag.clear();
        } else if r.tag.is_empty() {
            r.tag = std::mem::take(&mut r.id);
        }
        r
    }

    /// Only what is set, no defaults: `[registry/][namespace/]name[:tag|@id]`, the id winning over
    /// the tag. Empty when there is no name (a registry-only reference).
    pub fn exact(&self) -> String {
        Rendered {
            r: self,
            namespace: &self.namespace,
        }
        .to_string()
    }

    /// `namespace/name` (or `name`), the repository in the v2 API path `/v2/<repository>/…`. Apply
    /// [`docker_client_defaults`](Self::docker_client_defaults) first for Docker Hub's `library/`.
    pub fn repository(&self) -> String {
        ImageRef {
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            ..ImageRef::default()
        }
        .exact()
    }

    /// Whether the registry is one of Docker Hub's names (exactly as written; empty is not).
    pub fn is_docker_hub(&self) -> bool {
        matches!(
            self.registry.as_str(),
            DOCKER_DEFAULT_REGISTRY | DOCKER_DEFAULT_V1_REGISTRY | DOCKER_DEFAULT_V2_REGISTRY
        )
    }

    /// The `R` of OpenShift's import failure messages (§7), e.g. `docker.io/library/mysql:8`: the
    /// reference as looked up — the digest if there is one, otherwise the tag or `latest` — in its
    /// [`exact`](Self::exact) form, normalized by [`parse_normalized`]. An error is what the importer
    /// reports instead (`unable to parse docker reference <exact>: <error>`): a registry-only
    /// reference, a name that is too long once `docker.io/library/` is added, upper-case digest hex.
    pub fn normalized(&self) -> Result<String, RefError> {
        let mut r = self.clone();
        if !r.id.is_empty() {
            r.tag.clear();
        } else if r.tag.is_empty() {
            r.tag = "latest".to_owned();
        }
        parse_normalized(&r.exact())
    }
}

/// library-go's `String()`: [`exact`](ImageRef::exact) with `library/` added on Docker Hub.
impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let namespace = if self.namespace.is_empty() && self.is_docker_hub() {
            "library"
        } else {
            &self.namespace
        };
        Rendered { r: self, namespace }.fmt(f)
    }
}

/// A reference written out with the given namespace: `exact` and `Display` differ only there.
struct Rendered<'a> {
    r: &'a ImageRef,
    namespace: &'a str,
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.r;
        if r.name.is_empty() {
            return Ok(());
        }
        for part in [r.registry.as_str(), self.namespace] {
            if !part.is_empty() {
                write!(f, "{part}/")?;
            }
        }
        f.write_str(&r.name)?;
        if !r.id.is_empty() {
            // An id that is no digest is a v1 image id, pulled like a tag.
            let separator = if validate_digest(&r.id).is_ok() {
                '@'
            } else {
                ':'
            };
            write!(f, "{separator}{}", r.id)
        } else if !r.tag.is_empty() {
            write!(f, ":{}", r.tag)
        } else {
            Ok(())
        }
    }
}

/// The two grammars differ only in hosts and digests; names, tags and error order are shared.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    /// library-go's vendored docker grammar (lg:pkg/image/internal/{reference,digest}).
    LibraryGo,
    /// distribution/reference with go-digest, as vendored in the API server.
    Distribution,
}

/// The captures of the anchored pattern `name(:tag)?(@digest)?`; tag and digest may be empty.
struct Captures<'a> {
    name: &'a str,
    tag: &'a str,
    digest: &'a str,
}

/// The pattern, then the checks after it, with upstream's errors in upstream's order.
fn match_reference(s: &str, dialect: Dialect) -> Result<Captures<'_>, RefError> {
    let Some(captures) = capture(s, dialect) else {
        return Err(if s.is_empty() {
            RefError::NameEmpty
        } else if capture(&go_lowercase(s), dialect).is_some() {
            RefError::Uppercase
        } else {
            RefError::InvalidFormat
        });
    };
    if captures.name.len() > NAME_TOTAL_LENGTH_MAX {
        return Err(RefError::NameTooLong);
    }
    if !captures.digest.is_empty() {
        match dialect {
            Dialect::LibraryGo => validate_digest(captures.digest)?,
            Dialect::Distribution => validate_go_digest(captures.digest)?,
        }
    }
    Ok(captures)
}

/// The anchored pattern. Its parts can be cut apart without backtracking: only a digest holds `@`;
/// a `:` followed by no `/` can only start the tag, since a port is always followed by a path.
fn capture(s: &str, dialect: Dialect) -> Option<Captures<'_>> {
    let (rest, digest) = match s.split_once('@') {
        Some((rest, digest)) if is_digest_syntax(digest) => (rest, digest),
        Some(_) => return None,
        None => (s, ""),
    };
    let (name, tag) = match rest.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => {
            if !is_valid_tag_name(tag) {
                return None;
            }
            (name, tag)
        }
        _ => (rest, ""),
    };
    is_name(name, dialect).then_some(Captures { name, tag, digest })
}

/// `[host[:port]/]component(/component)*`.
fn is_name(name: &str, dialect: Dialect) -> bool {
    match name.split_once('/') {
        None => is_path(name),
        Some((first, path)) => (is_path(first) || is_host(first, dialect)) && is_path(path),
    }
}

/// Path components joined by `/`, each `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`: lower-case
/// alphanumeric runs joined by one `.`, one or two `_`, or any number of `-`. One pass, since this
/// runs on every reference.
fn is_path(path: &str) -> bool {
    /// What the previous bytes allow next.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum After {
        /// Start of a component, or a `.`, `__` or `/`: only an alphanumeric may follow.
        Boundary,
        Alnum,
        Underscore,
        Dashes,
    }
    let mut state = After::Boundary;
    for b in path.bytes() {
        state = match (b, state) {
            (b'a'..=b'z' | b'0'..=b'9', _) => After::Alnum,
            (b'.' | b'/', After::Alnum) => After::Boundary,
            (b'_', After::Alnum) => After::Underscore,
            (b'_', After::Underscore) => After::Boundary,
            (b'-', After::Alnum | After::Dashes) => After::Dashes,
            _ => return false,
        };
    }
    state == After::Alnum
}

/// A DNS-style host (labels of letters, digits and inner `-`, joined by `.`) with an optional
/// numeric port; distribution also takes a bracketed IPv6 literal.
fn is_host(host: &str, dialect: Dialect) -> bool {
    if dialect == Dialect::Distribution
        && let Some(literal) = host.strip_prefix('[')
    {
        return literal.split_once(']').is_some_and(|(address, port)| {
            !address.is_empty()
                && address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':')
                && (port.is_empty() || port.strip_prefix(':').is_some_and(is_port))
        });
    }
    let (host, port) = match host.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host, None),
    };
    port.is_none_or(is_port) && host.split('.').all(is_host_label)
}

fn is_host_label(label: &str) -> bool {
    !label.is_empty()
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn is_port(port: &str) -> bool {
    !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
}

/// The digest part of the pattern: `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:` and at
/// least 32 hex digits of either case.
fn is_digest_syntax(digest: &str) -> bool {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return false;
    };
    hex.len() >= 32
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && algorithm.split(['-', '_', '+', '.']).all(|part| {
            part.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
                && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Hex digits of the algorithms both digest libraries know.
fn hex_len(algorithm: &str) -> Option<usize> {
    match algorithm {
        "sha256" => Some(64),
        "sha384" => Some(96),
        "sha512" => Some(128),
        _ => None,
    }
}

/// library-go's `digest.ParseDigest` on any string (ids of hand-made references too): the shape
/// `[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+`, a known algorithm, its exact length. Upper-case hex passes.
fn validate_digest(digest: &str) -> Result<(), RefError> {
    let (algorithm, hex) = digest.split_once(':').ok_or(RefError::DigestFormat)?;
    let well_formed = !algorithm.is_empty()
        && algorithm
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_+.".contains(&b))
        && !hex.is_empty()
        && hex.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        return Err(RefError::DigestFormat);
    }
    match hex_len(algorithm) {
        Some(len) if len == hex.len() => Ok(()),
        Some(_) => Err(RefError::DigestLength),
        None => Err(RefError::DigestAlgorithm),
    }
}

/// go-digest's `Validate` on a digest the pattern accepted: hex must be lower case, and an unknown
/// algorithm is "unsupported" only if go-digest's own (lower-case) pattern would take it.
fn validate_go_digest(digest: &str) -> Result<(), RefError> {
    let (algorithm, hex) = digest.split_once(':').ok_or(RefError::DigestFormat)?;
    let upper = |s: &str| s.bytes().any(|b| b.is_ascii_uppercase());
    match hex_len(algorithm) {
        Some(len) if len != hex.len() => Err(RefError::DigestLength),
        Some(_) if upper(hex) => Err(RefError::DigestFormat),
        Some(_) => Ok(()),
        None if upper(algorithm) => Err(RefError::DigestFormat),
        None => Err(RefError::DigestAlgorithm),
    }
}

/// Go's `strings.ToLower` as far as the ASCII grammar can tell: besides ASCII, only `İ` and the
/// Kelvin sign lower-case to ASCII letters; every other non-ASCII character fails the pattern either
/// way, so it is left as it is.
fn go_lowercase(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{130}' => 'i',
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Whether Go's `strings.ToLower(s) != s`, i.e. some character has a different lower case. The
/// Unicode tables are consulted only for non-ASCII characters, which references rarely have.
fn go_lower_changes(s: &str) -> bool {
    s.chars().any(|c| {
        if c.is_ascii() {
            c.is_ascii_uppercase()
        } else {
            !c.to_lowercase().eq([c])
        }
    })
}
