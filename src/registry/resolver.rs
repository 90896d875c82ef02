//! Resolving lookups: mirrors in order, limits, and the manifest protocol (GET-first, or HEAD-first
//! where a GET is a counted pull).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::time::Duration;

use reqwest::Method;
use tokio::sync::Semaphore;

use super::children::{Checked, Children};
use super::client::{Counter, Http, Registry, Reply};
use super::credentials::Credentials;
use super::error::{FIX_RETRY_LATER, LookupError, from_error_body};
use super::manifest::{
    self, choose_child, is_list, is_sha256_digest, list_children, sha256_digest,
};
use super::mirrors::{MirrorRule, places};
use super::once::once_each;
use super::retry::{RetryPolicy, retryable_status};
use super::{FirstRequest, ImportMode, Lookup, LookupResult, Outcome, Platform, RegistryUse};

/// Everything the engine is told by the command line.
pub struct Config {
    /// Lookups in flight at once, over all registries (`--jobs`).
    pub jobs: usize,
    /// Lookups in flight at once against one registry (`--per-registry`).
    pub per_registry: usize,
    /// Limit for one HTTP request, body included (`--timeout`).
    pub timeout: Duration,
    /// Retries and backoff (`--retries` sets `retry.retries`).
    pub retry: RetryPolicy,
    /// Extra trusted CA certificates, PEM (`--ca-file`).
    pub ca_files: Vec<PathBuf>,
    /// Extra trusted CA bundles given as text: (where they come from, PEM).
    pub ca_bundles: Vec<(String, String)>,
    /// Hosts reached without TLS verification, falling back to plain HTTP (`--insecure-registry`).
    pub insecure_registries: Vec<String>,
    /// Hosts whose manifest lookups start with a HEAD (`--head-first`, `head-first:`), as Docker
    /// Hub's always do.
    pub head_first: Vec<String>,
    pub credentials: Credentials,
    pub mirrors: Vec<MirrorRule>,
    /// The platform the control plane would run on (`--platform`); Legacy imports prefer it.
    pub platform: Platform,
    pub user_agent: String,
    /// Stop a registry's lookups once its `ratelimit-remaining` is at or below this.
    pub quota_floor: u32,
    /// The whole run's time, from the resolver's creation (`--deadline`): a lookup that has not
    /// finished by then fails, nothing recorded.
    pub deadline: Option<Duration>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            jobs: 64,
            per_registry: 32,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            ca_files: Vec::new(),
            ca_bundles: Vec::new(),
            insecure_registries: Vec::new(),
            head_first: Vec::new(),
            credentials: Credentials::none(),
            mirrors: Vec::new(),
            platform: Platform::linux_amd64(),
            user_agent: concat!("streamlock/", env!("CARGO_PKG_VERSION")).to_owned(),
            quota_floor: 10,
            deadline: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("--ca-file {path}: {why}")]
    CaFile { path: PathBuf, why: String },
    #[error("{origin}: {why}")]
    CaBundle { origin: String, why: String },
    #[error("cannot set up HTTP: {0}")]
    Http(String),
}

/// Resolves lookups concurrently. Cheap to clone; clones share connections, tokens and limits.
#[derive(Clone)]
pub struct Resolver {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) http: Http,
    pub(super) jobs: Semaphore,
    per_registry: usize,
    quota_floor: u32,
    pub(super) insecure_registries: Vec<String>,
    head_first: Vec<String>,
    pub(super) mirrors: Vec<MirrorRule>,
    platform: Platform,
    registries: Mutex<HashMap<(String, bool), Arc<Registry>>>,
}

impl Resolver {
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        static CRYPTO: Once = Once::new();
        // Installs ring as rustls' provider for the process; an embedding program may have done it.
        CRYPTO.call_once(|| {
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let mut roots = Vec::new();
        for path in &config.ca_files {
            let ca_error = |why: String| ConfigError::CaFile {
                path: path.clone(),
                why,
            };
            let pem = std::fs::read(path).map_err(|e| ca_error(e.to_string()))?;
            let certs =
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ca_error(e.to_string()))?;
            if certs.is_empty() {
                return Err(ca_error("no PEM certificate in the file".into()));
            }
            roots.extend(certs);
        }
        for (origin, pem) in &config.ca_bundles {
            let bundle_error = |why: String| ConfigError::CaBundle {
                origin: origin.clone(),
                why,
            };
            let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|e| bundle_error(e.to_string()))?;
            if certs.is_empty() {
                return Err(bundle_error("no PEM certificate in the value".into()));
            }
            roots.extend(certs);
        }
        let mut http = Http::new(
            roots,
            config.timeout,
            config.retry,
            &config.user_agent,
            config.credentials,
        )
        .map_err(|e| ConfigError::Http(e.to_string()))?;
        http.run_deadline = config.deadline.and_then(|length| {
            let end = std::time::Instant::now().checked_add(length)?;
            Some((end, length))
        });
        Ok(Resolver {
            inner: Arc::new(Inner {
                http,
                jobs: Semaphore::new(config.jobs.max(1)),
                per_registry: config.per_registry,
                quota_floor: config.quota_floor,
                insecure_registries: config.insecure_registries,
                head_first: config.head_first,
                mirrors: config.mirrors,
                platform: config.platform,
                registries: Mutex::default(),
            }),
        })
    }

    /// The sources of the mirror rules that name at least one mirror.
    pub fn mirror_sources(&self) -> Vec<String> {
        self.inner
            .mirrors
            .iter()
            .filter(|m| !m.mirrors.is_empty())
            .map(|m| m.source.clone())
            .collect()
    }

    /// Every registry contacted so far: its first request and how many lookups it served, by host.
    pub fn registry_uses(&self) -> Vec<RegistryUse> {
        let registries = self
            .inner
            .registries
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut uses: Vec<RegistryUse> = registries.values().map(|r| r.usage()).collect();
        uses.sort_by(|a, b| a.registry.cmp(&b.registry));
        uses
    }

    /// Resolves every lookup; the answers come back in the same order. A lookup that appears twice is
    /// resolved once (its requests are counted on the first copy).
    pub async fn resolve_all(&self, lookups: Vec<Lookup>) -> Vec<LookupResult> {
        self.resolve_all_with(lookups, Arc::new(|| {})).await
    }

    /// [`Resolver::resolve_all`], calling `done` as each distinct lookup finishes (for a progress bar).
    pub async fn resolve_all_with(
        &self,
        lookups: Vec<Lookup>,
        done: Arc<dyn Fn() + Send + Sync>,
    ) -> Vec<LookupResult> {
        // PreserveOriginal lists' children, checked once for the whole run.
        let children = Arc::new(Children::default());
        let work = |lookup: Lookup| {
            let inner = self.inner.clone();
            let done = done.clone();
            let children = children.clone();
            async move {
                let (result, list) = inner.resolve_listing(&lookup).await;
                let checked = children.check(&inner, &lookup, result, list).await;
                done();
                checked
            }
        };
        let aborted = |why: String| Checked {
            result: LookupResult {
                outcome: LookupError::inconclusive(
                    format!("lookup aborted: {why}"),
                    "an internal task failed; run again",
                )
                .into_outcome(""),
                requests: 0,
            },
            children: Vec::new(),
        };
        let mut answers =
            once_each(&lookups, work, aborted, |answer| answer.result.requests = 0).await;
        // The first answer (in lookup order) that names a child pays for its check.
        children.charge(&mut answers);
        answers.into_iter().map(|answer| answer.result).collect()
    }

    /// Resolves one lookup, without the child checks [`Resolver::resolve_all`] adds to a
    /// PreserveOriginal list (a description reads the list itself).
    pub async fn resolve(&self, lookup: &Lookup) -> LookupResult {
        self.inner.resolve(lookup).await
    }
}

impl Inner {
    pub(super) fn registry(&self, host: &str, insecure: bool) -> Arc<Registry> {
        let mut registries = self
            .registries
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        registries
            .entry((host.to_owned(), insecure))
            .or_insert_with(|| {
                let (first, why) = FirstRequest::for_host(host, &self.head_first);
                tracing::info!(
                    "{}: manifest lookups start with a {} ({why})",
                    crate::sanitize::line(host),
                    first.method()
                );
                Arc::new(Registry::new(
                    host,
                    insecure,
                    self.insecure_registries.iter().any(|named| named == host),
                    self.per_registry,
                    self.quota_floor,
                    first,
                    self.http.hosts.get(host),
                ))
            })
            .clone()
    }

    pub(super) async fn resolve(&self, lookup: &Lookup) -> LookupResult {
        self.resolve_listing(lookup).await.0
    }

    /// [`Inner::resolve`], with the children of a list found in PreserveOriginal mode.
    async fn resolve_listing(&self, lookup: &Lookup) -> (LookupResult, Vec<String>) {
        let count = Counter::default();
        let by_digest = lookup.by_digest();
        if by_digest && !is_sha256_digest(&lookup.reference) {
            let outcome = LookupError::registry("invalid checksum digest format")
                .into_outcome(&lookup.display);
            return (
                LookupResult {
                    outcome,
                    requests: 0,
                },
                Vec::new(),
            );
        }
        let places = places(
            &self.mirrors,
            &lookup.registry,
            &lookup.repository,
            by_digest,
        );
        // Every place asked and what it said, so a failure names them all.
        let mut attempts: Vec<(String, LookupError)> = Vec::new();
        for place in &places {
            let name = format!("{}/{}", place.registry, place.repository);
            let insecure = lookup.insecure || self.insecure_registries.contains(&place.registry);
            let registry = self.registry(&place.registry, insecure);
            if let Some(why) = registry.quota.exhausted(registry.host()) {
                let fix = "wait for the quota to reset, or log in to the registry to raise it";
                attempts.push((name, LookupError::inconclusive(why, fix)));
                continue;
            }
            // Registry permit first: waiting for a busy registry must not hold a global slot.
            let _registry_permit = registry.permits.acquire().await.ok();
            let _global_permit = self.jobs.acquire().await.ok();
            // Boxed: the request's state is allocated only once it runs, so the thousands of
            // lookups still waiting for a permit stay small.
            match Box::pin(self.lookup_at(&registry, &place.repository, lookup, &count)).await {
                Ok(answer) => {
                    let outcome = Outcome::Found {
                        image: answer.image,
                        media_type: answer.media_type,
                        mirror: place.mirror.then_some(name),
                        manifest: answer.manifest,
                    };
                    let requests = count.get();
                    return (LookupResult { outcome, requests }, answer.children);
                }
                Err(err) => {
                    tracing::debug!(place = %name, ?err, "lookup failed");
                    attempts.push((name, err));
                }
            }
        }
        let skipped_source = places.iter().all(|p| p.mirror).then(|| {
            format!(
                "source {}/{} not contacted: NeverContactSource",
                lookup.registry, lookup.repository
            )
        });
        let outcome = conclude(attempts, skipped_source).into_outcome(&lookup.display);
        let requests = count.get();
        (LookupResult { outcome, requests }, Vec::new())
    }

    /// One place: a `GET` (one round trip), or where that is a counted pull a `HEAD`, then a `GET`
    /// only when the body is needed.
    async fn lookup_at(
        &self,
        registry: &Registry,
        repository: &str,
        lookup: &Lookup,
        count: &Counter,
    ) -> Result<Answer, LookupError> {
        let http = &self.http;
        registry.started();
        let expected = lookup.by_digest().then_some(lookup.reference.as_str());
        if registry.first == FirstRequest::Get {
            let reply = registry
                .manifest(http, Method::GET, repository, &lookup.reference, count)
                .await?;
            return self.answer_from_body(lookup, &reply, expected);
        }
        let head = registry
            .manifest(http, Method::HEAD, repository, &lookup.reference, count)
            .await?;
        let body_reply = match head.status {
            200..=299 => {
                let media_type = content_type(&head);
                // A type the importer does not read is judged by its body (below).
                match head
                    .header("docker-content-digest")
                    .filter(|d| is_sha256_digest(d) && manifest::is_known(&media_type))
                {
                    Some(digest) => {
                        if lookup.by_digest() && digest != lookup.reference {
                            return Err(integrity("manifest", &lookup.reference, digest));
                        }
                        if !is_list(&media_type) {
                            return Ok(Answer::manifest(digest.to_owned(), media_type));
                        }
                        // A list: its body names the child a Legacy import records, or the
                        // children a PreserveOriginal import checks.
                        let digest = digest.to_owned();
                        let reply = registry
                            .manifest(http, Method::GET, repository, &digest, count)
                            .await?;
                        return self.answer_from_body(lookup, &reply, Some(&digest));
                    }
                    // The registry keeps the digest to itself (it is the hash of the body), or
                    // claims a type only the body can confirm.
                    None => {
                        registry
                            .manifest(http, Method::GET, repository, &lookup.reference, count)
                            .await?
                    }
                }
            }
            // A 429 or 5xx that outlived its retries stays a HEAD: a GET would count against the quota.
            status if retryable_status(status) => {
                return Err(LookupError::inconclusive(
                    format!("unexpected status code {status}"),
                    FIX_RETRY_LATER,
                ));
            }
            // HEAD answers carry no error body; the error code (MANIFEST_UNKNOWN or NAME_UNKNOWN, …)
            // decides OpenShift's reason, so read it. Always: knowing the repository from another
            // lookup would save this GET only when that lookup happened to finish first, and a
            // report's request counts must not depend on timing.
            _ => {
                registry
                    .manifest(http, Method::GET, repository, &lookup.reference, count)
                    .await?
            }
        };
        self.answer_from_body(lookup, &body_reply, expected)
    }

    /// The answer from a fetched manifest: its digest verified, or the Legacy child of a list.
    fn answer_from_body(
        &self,
        lookup: &Lookup,
        reply: &Reply,
        expected: Option<&str>,
    ) -> Result<Answer, LookupError> {
        if !(200..=299).contains(&reply.status) {
            return Err(from_error_body(reply.status, &reply.body));
        }
        let actual = sha256_digest(&reply.body);
        let announced = reply
            .header("docker-content-digest")
            .filter(|d| is_sha256_digest(d));
        for want in expected.into_iter().chain(announced) {
            if want != actual {
                return Err(integrity("manifest", want, &actual));
            }
        }
        let media_type = manifest::check_body(&content_type(reply), &reply.body)?;
        if lookup.mode == ImportMode::Legacy && is_list(&media_type) {
            // openshift-apiserver importer.go `manifestFromManifestList`: one wanted platform, the
            // tag's preference with a missing half taken from the control plane's (a digest import
            // has no preference, IMP:820), then linux/amd64, then the first entry.
            let control = &self.platform;
            let wanted = match lookup.prefer.as_ref().filter(|_| !lookup.by_digest()) {
                Some(p) => Platform::new(
                    if p.os.is_empty() { &control.os } else { &p.os },
                    if p.architecture.is_empty() {
                        &control.architecture
                    } else {
                        &p.architecture
                    },
                ),
                None => control.clone(),
            };
            let order = [&wanted, &Platform::linux_amd64()];
            let (image, media_type) =
                choose_child(&reply.body, &order).map_err(LookupError::Registry)?;
            return Ok(Answer {
                image,
                media_type,
                manifest: actual,
                children: Vec::new(),
            });
        }
        let children = if is_list(&media_type) {
            list_children(&reply.body).map_err(LookupError::Registry)?
        } else {
            Vec::new()
        };
        Ok(Answer {
            children,
            ..Answer::manifest(actual, media_type)
        })
    }
}

/// What one place answered.
struct Answer {
    /// What the importer records (`Outcome::Found::image`).
    image: String,
    media_type: String,
    /// The manifest the reference names (a list itself, in either mode).
    manifest: String,
    /// A PreserveOriginal list's children, to check.
    children: Vec<String>,
}

impl Answer {
    /// A manifest recorded as itself, with no children to check.
    fn manifest(digest: String, media_type: String) -> Self {
        Answer {
            image: digest.clone(),
            media_type,
            manifest: digest,
            children: Vec::new(),
        }
    }
}

/// The failure of a lookup from what each place said. One inconclusive place makes the whole lookup
/// inconclusive (another place might have had the tag), and its message then names every place
/// asked. Otherwise the importer records what the last place, the source when it was asked, said.
fn conclude(
    mut attempts: Vec<(String, LookupError)>,
    skipped_source: Option<String>,
) -> LookupError {
    let several = attempts.len() > 1 || skipped_source.is_some();
    let inconclusive = attempts.iter().any(|(_, err)| !err.recorded());
    if !inconclusive || !several {
        return match attempts.pop() {
            Some((_, err)) => err,
            None => LookupError::inconclusive(
                skipped_source.unwrap_or_else(|| "no registry to contact".into()),
                "check the mirror configuration: no place serves this reference",
            ),
        };
    }
    let mut fix = String::new();
    let mut places: Vec<String> = Vec::new();
    for (name, err) in &attempts {
        places.push(format!("{name}: {}", err.short()));
        if let LookupError::Inconclusive { fix: f, .. } = err
            && fix.is_empty()
        {
            fix = f.clone();
        }
    }
    places.extend(skipped_source);
    LookupError::inconclusive(places.join("; "), fix)
}

pub(super) fn content_type(reply: &Reply) -> String {
    manifest::essence(reply.header("content-type").unwrap_or("")).to_owned()
}

/// A body that does not hash to its digest: a fault between us and the image, never recorded.
pub(super) fn integrity(what: &str, want: &str, actual: &str) -> LookupError {
    LookupError::inconclusive(
        format!(
            "content integrity error: the {what} retrieved with digest {want} does not match the digest calculated from the content {actual}"
        ),
        "the registry or a proxy altered the answer; nothing was recorded: run again, and tell the registry's operator if it persists",
    )
}
