//! The distribution-protocol engine: turns plain lookups (registry, repository, tag or digest) into the
//! digests OpenShift's importer would record, with as few requests as possible.
//!
//! Nothing here knows YAML or ImageStreams. The planner hands over [`Lookup`]s; [`Resolver::resolve_all`]
//! answers each with a [`LookupResult`], in the same order.
//!
//! Request budget per lookup once a registry is warm: one round trip. Where a manifest `GET` is not a
//! counted pull (every registry but Docker Hub's) that is a `GET`, whose body gives the digest (hashed
//! and checked against `Docker-Content-Digest`), a Legacy list's child and a `404`'s error code at
//! once. Docker Hub, and hosts named with `--head-first`, get a `HEAD` first, then a `GET` only for a
//! list, for a registry that omits `Docker-Content-Digest`, or to read the error code behind a `404`.
//! A PreserveOriginal import then checks each child of a list with a `HEAD`, once per run however
//! many lists name it. Each registry is pinged once, and each bearer scope costs one token fetch
//! however many lookups need it at the same time. Over TLS, HTTP/2 is offered (ALPN): a registry that
//! takes it multiplexes every lookup on one connection. A 429 or 5xx slows every request to its
//! host, not only the one that got it (`host_backoff`).

mod auth;
mod children;
mod client;
mod credentials;
mod error;
mod host_backoff;
mod inspect;
mod manifest;
pub mod mirror_config;
mod mirrors;
mod once;
mod quota;
mod resolver;
mod retry;
mod tags;
mod yaml;

pub use credentials::{Credential, CredentialError, Credentials};

/// The readers of registry answers, each bounded and panic-free whatever the bytes: public for the
/// fuzz targets (fuzz/README.md).
pub mod parsers {
    pub use super::auth::{Challenge, parse_challenge, parse_token_answer};
    pub use super::manifest::{check_body, choose_child};
    pub use super::retry::parse_retry_after;
    pub use super::tags::{Pages, next_page, parse_tag_list};
}
pub use inspect::{ContainerConfig, Content, Image, ImageConfig, Inspected, Layer, ListedManifest};
pub use manifest::{DOCKER_LIST, DOCKER_SCHEMA2, OCI_INDEX, OCI_MANIFEST};
pub use mirrors::{MirrorError, MirrorKind, MirrorRule};
pub use resolver::{Config, ConfigError, Resolver};
pub use retry::RetryPolicy;
pub use tags::{Listed, Listing, ListingResult};

/// How a list is imported: the mode is plain spec data, shared with the planner.
pub use crate::model::spec::ImportMode;

/// The request a manifest lookup starts with at one registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstRequest {
    /// One round trip: the body gives the digest, a list's child and an error's code.
    Get,
    /// Free where a `GET` counts as a pull; a `GET` follows only when the body is needed.
    Head,
}

impl FirstRequest {
    /// Docker Hub counts manifest `GET`s against the pull limit and no `HEAD` (docs.docker.com,
    /// docker-hub/usage/pulls); elsewhere one `GET` saves a round trip. Returns the choice and why.
    pub fn for_host(host: &str, head_first: &[String]) -> (Self, &'static str) {
        if DOCKER_HUB.contains(&host) {
            (
                FirstRequest::Head,
                "Docker Hub counts manifest GETs as pulls",
            )
        } else if head_first.iter().any(|h| h == host) {
            (FirstRequest::Head, "asked for with head-first")
        } else {
            (
                FirstRequest::Get,
                "one round trip; a manifest GET is not a counted pull here",
            )
        }
    }

    pub fn method(self) -> &'static str {
        match self {
            FirstRequest::Get => "GET",
            FirstRequest::Head => "HEAD",
        }
    }
}

/// Docker Hub's names as a lookup's registry or a mirror may spell them.
const DOCKER_HUB: [&str; 3] = ["registry-1.docker.io", "docker.io", "index.docker.io"];

/// How lookups went to one registry, for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryUse {
    pub registry: String,
    pub first: FirstRequest,
    /// Manifest lookups made there, a PreserveOriginal list's child checks included.
    pub lookups: u32,
}

/// A platform as manifest lists describe it. Matching uses `os` and `architecture` only, as OpenShift does.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    pub fn new(os: &str, architecture: &str) -> Self {
        Platform {
            os: os.to_owned(),
            architecture: architecture.to_owned(),
            variant: None,
        }
    }

    /// `linux/amd64`, the importer's fallback choice.
    pub fn linux_amd64() -> Self {
        Platform::new("linux", "amd64")
    }

    /// Parses `OS/ARCH[/VARIANT]` (the `--platform` flag).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('/');
        let os = parts.next().filter(|s| !s.is_empty())?;
        let architecture = parts.next().filter(|s| !s.is_empty())?;
        let variant = parts.next().map(str::to_owned);
        if parts.next().is_some() || variant.as_deref() == Some("") {
            return None;
        }
        Some(Platform {
            os: os.to_owned(),
            architecture: architecture.to_owned(),
            variant,
        })
    }

    fn matches(&self, os: &str, architecture: &str) -> bool {
        self.os == os && self.architecture == architecture
    }
}

/// One manifest to resolve.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lookup {
    /// `host[:port]` to contact; Docker Hub already mapped to `registry-1.docker.io`.
    pub registry: String,
    /// `namespace/name` as in `/v2/<repository>/manifests/`.
    pub repository: String,
    /// A tag, or a `sha256:…` digest.
    pub reference: String,
    pub mode: ImportMode,
    /// The tag's `prefer-os`/`prefer-arch` annotations, if any. Digest lookups ignore it, as OpenShift does.
    pub prefer: Option<Platform>,
    /// The tag's `importPolicy.insecure`.
    pub insecure: bool,
    /// The reference as OpenShift names it in messages (`R`), e.g. `docker.io/library/mysql:8`.
    pub display: String,
}

impl Lookup {
    fn by_digest(&self) -> bool {
        self.reference.starts_with("sha256:")
    }
}

/// The failure reasons OpenShift writes into the `ImportSuccess` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    NotFound,
    Unauthorized,
    InternalError,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotFound => "NotFound",
            Reason::Unauthorized => "Unauthorized",
            Reason::InternalError => "InternalError",
        }
    }
}

/// What one lookup came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Found {
        /// The `sha256:…` OpenShift records as `image` (in Legacy mode the chosen child of a list).
        image: String,
        /// The media type of the manifest `image` names.
        media_type: String,
        /// `host/repository` of the mirror that answered, when it was not the source.
        mirror: Option<String>,
        /// The digest of the manifest the reference names: `image`, except for a list in Legacy
        /// mode, where it is the list (what `--pin` pins).
        manifest: String,
    },
    Failed {
        reason: Reason,
        /// OpenShift's exact condition message.
        message: String,
    },
    /// Nothing was learnt about the tag (the network, a quota, a digest that does not verify, …):
    /// never recorded. `cause` names each place asked; `fix` says what the user can do.
    Inconclusive { cause: String, fix: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupResult {
    pub outcome: Outcome,
    /// HTTP requests made for this lookup (shared pings and token fetches are counted once, by whoever made them).
    pub requests: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_and_named_hosts_start_with_a_head() {
        let named = ["quota.example.com".to_owned()];
        for hub in ["registry-1.docker.io", "docker.io", "index.docker.io"] {
            assert_eq!(FirstRequest::for_host(hub, &[]).0, FirstRequest::Head);
        }
        assert_eq!(
            FirstRequest::for_host("quota.example.com", &named).0,
            FirstRequest::Head
        );
        assert_eq!(
            FirstRequest::for_host("quay.io", &named).0,
            FirstRequest::Get
        );
    }
}
