//! HTTP to one registry: the `/v2/` ping (once), authorization on every request, retries.
//!
//! Each registry (per host, and per secure/insecure, since an insecure tag may reach a host that other
//! tags reach securely) has one [`Registry`]: its endpoint after the ping, its bearer tokens, its pull
//! quota and its concurrency limit. The connection pools live in the two shared `reqwest` clients;
//! the backoff after a 429 or 5xx is kept per host (`host_backoff`), shared by every request to it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, WWW_AUTHENTICATE};
use reqwest::{Method, RequestBuilder};
use tokio::sync::{OnceCell, Semaphore};

use super::auth::{Challenge, Token, TokenCache, parse_challenge, parse_token_answer};
use super::credentials::{Credential, Credentials};
use super::error::LookupError;
use super::host_backoff::{HostBackoff, Hosts, Ticket};
use super::manifest;
use super::quota::Quota;
use super::retry::{RetryPolicy, parse_retry_after, retryable_status};
use super::{FirstRequest, RegistryUse};
use crate::sanitize;

/// The largest manifest, config blob or error body read. Distribution refuses to store a manifest
/// over 4 MiB (distribution/distribution, registry/handlers/manifests.go, `maxManifestBodySize`);
/// config blobs are JSON of a few kilobytes. A longer body fails the lookup: a prefix is never hashed.
pub const MAX_BODY: usize = 8 << 20;
/// The largest token answer read: a JSON object holding a token of a few kilobytes.
pub const MAX_TOKEN_ANSWER: usize = 1 << 20;

/// How much of a body to read, and what to call it when it is longer.
#[derive(Clone, Copy)]
struct Limit {
    bytes: usize,
    what: &'static str,
}

const MANIFEST_LIMIT: Limit = Limit {
    bytes: MAX_BODY,
    what: "body",
};
const TOKEN_LIMIT: Limit = Limit {
    bytes: MAX_TOKEN_ANSWER,
    what: "token answer",
};

/// The requests made on behalf of one lookup, and its deadline: the lookup's time starts with its
/// first request (not while it waits for a free slot).
#[derive(Default)]
pub struct Counter {
    requests: AtomicU32,
    started: OnceLock<Instant>,
}

impl Counter {
    fn bump(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.started.get_or_init(Instant::now);
    }

    pub fn get(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// Why an exchange produced no answer.
enum Failure {
    Transport(reqwest::Error),
    /// Over a [`Limit`]; never retried, since the same server would send the same body again.
    TooLarge(String),
    /// The lookup's or the run's deadline came first (or a Retry-After would pass it).
    Deadline(String),
}

/// What every registry shares: the HTTP clients, the request policy and the credentials.
pub struct Http {
    pub secure: reqwest::Client,
    /// Skips certificate verification: only for insecure tags and `--insecure-registry` hosts.
    pub insecure: reqwest::Client,
    pub timeout: Duration,
    pub retry: RetryPolicy,
    pub credentials: Credentials,
    /// The whole run's end (`--deadline`) and its length, for messages.
    pub run_deadline: Option<(Instant, Duration)>,
    /// Each host's backoff after a 429 or 5xx.
    pub hosts: Hosts,
}

/// A response, its body read (empty for `HEAD`).
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

struct Endpoint {
    /// `https://host` or, for an insecure registry that only speaks HTTP, `http://host`.
    base: String,
    challenge: Challenge,
}

pub struct Registry {
    host: String,
    insecure: bool,
    /// The user named this host with `--insecure-registry`: credentials may go to it without TLS.
    /// A tag's own `insecure: true` only ever reaches a registry anonymously (a file in a pull
    /// request must not be able to send the cron job's credentials over plain HTTP).
    named_insecure: bool,
    /// The backoff of `host`, shared with every other request to it.
    backoff: Arc<HostBackoff>,
    endpoint: OnceCell<Result<Endpoint, LookupError>>,
    tokens: TokenCache,
    pub quota: Quota,
    /// Lookups in flight at once: on HTTP/2 these are streams on one connection, on HTTP/1.1 one
    /// kept-alive connection each.
    pub permits: Semaphore,
    /// How a manifest lookup starts here.
    pub first: FirstRequest,
    /// Lookups started here, for the report.
    lookups: AtomicU32,
}

/// The authorization a request carried, to tell what a 401 means.
#[derive(Default)]
struct Sent {
    header: Option<HeaderValue>,
    token: Option<String>,
    credentials_rejected: bool,
}

impl Registry {
    pub fn new(
        host: &str,
        insecure: bool,
        named_insecure: bool,
        per_registry: usize,
        quota_floor: u32,
        first: FirstRequest,
        backoff: Arc<HostBackoff>,
    ) -> Self {
        Registry {
            host: host.to_owned(),
            insecure,
            named_insecure,
            backoff,
            endpoint: OnceCell::new(),
            tokens: TokenCache::default(),
            quota: Quota::new(quota_floor),
            permits: Semaphore::new(per_registry.max(1)),
            first,
            lookups: AtomicU32::new(0),
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// Counts one lookup started here.
    pub fn started(&self) {
        self.lookups.fetch_add(1, Ordering::Relaxed);
    }

    /// This registry's first request and how many lookups began with it.
    pub fn usage(&self) -> RegistryUse {
        RegistryUse {
            registry: self.host.clone(),
            first: self.first,
            lookups: self.lookups.load(Ordering::Relaxed),
        }
    }

    /// `GET` or `HEAD` of `/v2/<repository>/manifests/<reference>` with the full Accept list.
    pub async fn manifest(
        &self,
        http: &Http,
        method: Method,
        repository: &str,
        reference: &str,
        count: &Counter,
    ) -> Result<Reply, LookupError> {
        let path = format!("{repository}/manifests/{reference}");
        self.fetch(http, method, repository, &path, count).await
    }

    /// `GET /v2/<repository>/blobs/<digest>` (redirects to blob storage are followed).
    pub async fn blob(
        &self,
        http: &Http,
        repository: &str,
        digest: &str,
        count: &Counter,
    ) -> Result<Reply, LookupError> {
        let path = format!("{repository}/blobs/{digest}");
        self.fetch(http, Method::GET, repository, &path, count)
            .await
    }

    /// `GET /v2/<path>` in `repository`'s pull scope, for paths other than manifests and blobs
    /// (tag lists: see `tags`).
    pub async fn get(
        &self,
        http: &Http,
        repository: &str,
        path: &str,
        count: &Counter,
    ) -> Result<Reply, LookupError> {
        self.fetch(http, Method::GET, repository, path, count).await
    }

    /// One authorized request for `/v2/<path>` in `repository`'s pull scope.
    async fn fetch(
        &self,
        http: &Http,
        method: Method,
        repository: &str,
        path: &str,
        count: &Counter,
    ) -> Result<Reply, LookupError> {
        let endpoint = self
            .endpoint
            .get_or_init(|| self.ping(http, count))
            .await
            .as_ref()
            .map_err(Clone::clone)?;
        let url = format!("{}/v2/{path}", endpoint.base);
        let scope = format!("repository:{repository}:pull");
        let client = self.client(http);
        let mut stale: Option<String> = None;
        loop {
            let sent = self
                .authorize(http, endpoint, &scope, repository, stale.as_deref(), count)
                .await?;
            let make = || {
                let request = client
                    .request(method.clone(), &url)
                    .header(ACCEPT, manifest::ACCEPT);
                match &sent.header {
                    Some(value) => request.header(AUTHORIZATION, value.clone()),
                    None => request,
                }
            };
            let limit = (method == Method::GET).then_some(MANIFEST_LIMIT);
            let reply = self
                .exchange(http, &self.backoff, count, make, limit, http.retry.retries)
                .await
                .map_err(|failure| self.lookup_error(&method, &url, failure))?;
            if reply.status == 401 {
                // A bearer token may expire or be revoked mid-run: fetch a new one, once.
                if stale.is_none() && sent.token.is_some() {
                    stale = sent.token;
                    continue;
                }
                return Err(if sent.credentials_rejected {
                    LookupError::BadCredentials
                } else {
                    LookupError::Unauthorized
                });
            }
            return Ok(reply);
        }
    }

    fn client<'h>(&self, http: &'h Http) -> &'h reqwest::Client {
        if self.insecure {
            &http.insecure
        } else {
            &http.secure
        }
    }

    /// The v2 check and the auth challenge, as OpenShift's client does it; an insecure registry that
    /// fails over HTTPS at the transport level is tried over plain HTTP. Both are asked at once, so a
    /// registry that speaks only HTTP costs no extra round trips before its lookups; an HTTPS answer
    /// wins whenever there is one.
    async fn ping(&self, http: &Http, count: &Counter) -> Result<Endpoint, LookupError> {
        if !self.insecure {
            return self
                .ping_at(http, "https", http.retry.retries, count)
                .await
                .map_err(Unreached::into_error);
        }
        // With plain HTTP to fall back on, an HTTPS failure moves on at once, as OpenShift does.
        let https = self.ping_at(http, "https", 0, count);
        let plain = self.ping_at(http, "http", http.retry.retries, count);
        tokio::pin!(https, plain);
        let mut plain_answer = None;
        let https_answer = loop {
            tokio::select! {
                answer = &mut https => break answer,
                answer = &mut plain, if plain_answer.is_none() => plain_answer = Some(answer),
            }
        };
        match https_answer {
            Err(Unreached::Transport(_)) => match plain_answer {
                Some(answer) => answer,
                None => plain.await,
            },
            answer => answer,
        }
        .map_err(Unreached::into_error)
    }

    /// The ping over one scheme.
    async fn ping_at(
        &self,
        http: &Http,
        scheme: &str,
        retries: u32,
        count: &Counter,
    ) -> Result<Endpoint, Unreached> {
        let base = format!("{scheme}://{}", self.host);
        let url = format!("{base}/v2/");
        let make = || self.client(http).get(&url);
        let reply = self
            .exchange(http, &self.backoff, count, make, None, retries)
            .await
            .map_err(|err| Unreached::Transport(self.lookup_error(&Method::GET, &url, err)))?;
        let speaks_v2 = reply
            .headers
            .contains_key("docker-distribution-api-version")
            || matches!(reply.status, 200..=299 | 401 | 403);
        if !speaks_v2 {
            return Err(Unreached::Answered(LookupError::inconclusive(
                format!(
                    "the registry at {base} does not support v2 API (status {})",
                    reply.status
                ),
                format!("check that {} is a container registry", self.host),
            )));
        }
        let challenge = reply
            .header(WWW_AUTHENTICATE.as_str())
            .filter(|_| reply.status == 401)
            .map_or(Challenge::Anonymous, parse_challenge);
        tracing::debug!(host = %self.host, %base, ?challenge, "pinged");
        Ok(Endpoint { base, challenge })
    }

    async fn authorize(
        &self,
        http: &Http,
        endpoint: &Endpoint,
        scope: &str,
        repository: &str,
        stale: Option<&str>,
        count: &Counter,
    ) -> Result<Sent, LookupError> {
        match &endpoint.challenge {
            Challenge::Anonymous => Ok(Sent::default()),
            Challenge::Basic => Ok(Sent {
                header: match self.credential(http, repository).await {
                    Some(Credential::Basic { username, password }) => {
                        Some(basic(&username, &password))
                    }
                    _ => None,
                },
                ..Sent::default()
            }),
            Challenge::Bearer { realm, service } => {
                if takes_off_tls(&endpoint.base, realm) && !self.named_insecure {
                    return Err(LookupError::inconclusive(
                        format!(
                            "the token realm {} of {} is not HTTPS: refused, since it would take credentials and tokens off TLS",
                            sanitize::remote(realm),
                            self.host
                        ),
                        format!(
                            "tell the operator of {} to serve its token realm over HTTPS, or name the host with --insecure-registry if plain HTTP is intended",
                            self.host
                        ),
                    ));
                }
                let fetch = async || {
                    let credential = self.credential(http, repository).await;
                    let first = self
                        .fetch_token(
                            http,
                            realm,
                            service.as_deref(),
                            scope,
                            credential.as_ref(),
                            count,
                        )
                        .await;
                    match (first, credential) {
                        // OpenShift retries without credentials when they are refused (ISI:341-369).
                        (Err(TokenError::Refused { wrong_password }), Some(_)) => self
                            .fetch_token(http, realm, service.as_deref(), scope, None, count)
                            .await
                            .map(|token| Token {
                                credentials_rejected: true,
                                ..token
                            })
                            .map_err(|_| {
                                if wrong_password {
                                    LookupError::BadCredentials
                                } else {
                                    LookupError::Unauthorized
                                }
                            }),
                        (Err(TokenError::Refused { .. }), None) => Err(LookupError::Unauthorized),
                        (Err(TokenError::Failed(text)), _) => Err(LookupError::inconclusive(
                            text,
                            format!("the token service of {} failed; run again later", self.host),
                        )),
                        (Ok(token), _) => Ok(token),
                    }
                };
                let token = self.tokens.get(scope, stale, fetch).await?;
                let header =
                    HeaderValue::from_str(&format!("Bearer {}", token.value)).map_err(|_| {
                        LookupError::inconclusive(
                            "token service returned an unusable token",
                            format!(
                                "the token service of {} misbehaves; run again later",
                                self.host
                            ),
                        )
                    })?;
                Ok(Sent {
                    header: Some(sensitive(header)),
                    token: Some(token.value),
                    credentials_rejected: token.credentials_rejected,
                })
            }
        }
    }

    /// The credential for `repository`, unless this registry is insecure only because a tag said so:
    /// such a tag reaches it anonymously.
    async fn credential(&self, http: &Http, repository: &str) -> Option<Credential> {
        if self.insecure && !self.named_insecure {
            tracing::debug!(host = %self.host, "insecure by the tag only: no credentials sent");
            return None;
        }
        http.credentials.find(&self.host, repository).await
    }

    /// One token from the realm: `GET` (anonymous or Basic), or the OAuth2 refresh-token `POST` for an
    /// identity token.
    async fn fetch_token(
        &self,
        http: &Http,
        realm: &str,
        service: Option<&str>,
        scope: &str,
        credential: Option<&Credential>,
        count: &Counter,
    ) -> Result<Token, TokenError> {
        let mut url = reqwest::Url::parse(realm)
            .map_err(|_| TokenError::Failed(format!("invalid token realm {realm:?}")))?;
        // The token service may be another host (auth.docker.io for registry-1.docker.io).
        let realm_host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
            None => url.host_str().unwrap_or("").to_owned(),
        };
        let backoff = http.hosts.get(&realm_host);
        let client = self.client(http);
        let make: Box<dyn Fn() -> RequestBuilder + Send + Sync> = match credential {
            Some(Credential::IdentityToken(refresh)) => {
                let mut form =
                    reqwest::Url::parse("x:").map_err(|e| TokenError::Failed(e.to_string()))?;
                form.query_pairs_mut()
                    .append_pair("grant_type", "refresh_token")
                    .append_pair("refresh_token", refresh)
                    .append_pair("client_id", "streamlock")
                    .append_pair("scope", scope)
                    .extend_pairs(service.map(|s| ("service", s)));
                let body = form.query().unwrap_or("").to_owned();
                let url = url.clone();
                Box::new(move || {
                    client
                        .post(url.clone())
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body.clone())
                })
            }
            basic_or_none => {
                url.query_pairs_mut()
                    .append_pair("scope", scope)
                    .extend_pairs(service.map(|s| ("service", s)));
                let header = match basic_or_none {
                    Some(Credential::Basic { username, password }) => {
                        Some(basic(username, password))
                    }
                    _ => None,
                };
                Box::new(move || {
                    let request = client.get(url.clone());
                    match &header {
                        Some(value) => request.header(AUTHORIZATION, value.clone()),
                        None => request,
                    }
                })
            }
        };
        let reply = self
            .exchange(
                http,
                &backoff,
                count,
                make,
                Some(TOKEN_LIMIT),
                http.retry.retries,
            )
            .await
            .map_err(|failure| {
                TokenError::Failed(match failure {
                    Failure::Transport(err) => format!("unable to fetch token: {}", cause(&err)),
                    Failure::TooLarge(why) | Failure::Deadline(why) => {
                        format!("unable to fetch token: {why}")
                    }
                })
            })?;
        match reply.status {
            200..=299 => {}
            401 | 403 => {
                let text = String::from_utf8_lossy(&reply.body).to_ascii_lowercase();
                return Err(TokenError::Refused {
                    wrong_password: text.contains("incorrect username or password"),
                });
            }
            status => {
                return Err(TokenError::Failed(format!(
                    "unable to fetch token: unexpected status code {status}"
                )));
            }
        }
        parse_token_answer(&reply.body)
            .map_err(|why| TokenError::Failed(format!("unable to fetch token: {why}")))
    }

    /// Sends a request, retrying 429/5xx answers and transport failures (timeouts, resets, truncated
    /// bodies) with backoff, within the lookup's and the run's deadline. A 429 or 5xx slows every
    /// request to `host` (see `host_backoff`); a transport failure delays only this request, since
    /// one reset connection (or a plain-HTTP server's answer to a TLS probe) says little about the
    /// host. Reads the body (up to `limit`) when one is given. Returns the last answer, whatever its
    /// status, or the last failure.
    async fn exchange(
        &self,
        http: &Http,
        host: &HostBackoff,
        count: &Counter,
        make: impl Fn() -> RequestBuilder,
        limit: Option<Limit>,
        retries: u32,
    ) -> Result<Reply, Failure> {
        let mut attempt = 0;
        // This request's own next try after a transport failure.
        let mut not_before: Option<Instant> = None;
        loop {
            let ticket = http.wait_for(host, not_before, count).await?;
            count.bump();
            let time_left = http.time_left(count)?;
            let result = async {
                let mut response = make()
                    .timeout(http.timeout.min(time_left))
                    .send()
                    .await
                    .map_err(Failure::Transport)?;
                let status = response.status().as_u16();
                let headers = std::mem::take(response.headers_mut());
                let body = match limit {
                    Some(limit) => read_body(&mut response, limit).await?,
                    None => Vec::new(),
                };
                Ok(Reply {
                    status,
                    headers,
                    body,
                })
            }
            .await;
            match &result {
                Ok(reply) => {
                    self.quota.observe(&reply.headers);
                    tracing::debug!(host = %host.name(), status = reply.status, attempt, "answer");
                    if !retryable_status(reply.status) {
                        host.answered(ticket);
                        return result;
                    }
                    let retry_after = reply.header("retry-after").and_then(parse_retry_after);
                    host.failed(ticket, &http.retry, retry_after);
                }
                Err(Failure::Transport(err)) => {
                    tracing::debug!(host = %host.name(), error = %cause(err), attempt, "transport failure");
                    if !transient(err) {
                        return result;
                    }
                    not_before = Instant::now().checked_add(http.retry.delay(attempt, None));
                }
                Err(_) => return result,
            }
            if attempt >= retries {
                return result;
            }
            attempt += 1;
        }
    }

    /// The lookup error for a failed exchange of `method url`.
    fn lookup_error(&self, method: &Method, url: &str, failure: Failure) -> LookupError {
        match failure {
            Failure::Transport(err) => transport(&self.host, method, url, &err),
            // Says nothing about the tag: a registry (or something between) that sends an endless
            // or oversized body could serve the same tag correctly to the cluster.
            Failure::TooLarge(why) => LookupError::inconclusive(
                format!("{} \"{url}\": {why}", verb(method)),
                format!(
                    "{} sent more than a manifest can hold; nothing was recorded: tell the registry's operator if it persists",
                    self.host
                ),
            ),
            Failure::Deadline(why) => LookupError::inconclusive(
                why,
                "nothing was recorded for this tag: run again later, or raise --timeout, --retries or --deadline",
            ),
        }
    }
}

/// The body of `response`, failing (never truncating) when it is longer than `limit`.
async fn read_body(response: &mut reqwest::Response, limit: Limit) -> Result<Vec<u8>, Failure> {
    let too_large = |seen: String| {
        Failure::TooLarge(format!(
            "the {} is {seen} bytes, over the {} byte limit",
            limit.what, limit.bytes
        ))
    };
    if let Some(announced) = response.content_length()
        && announced > limit.bytes as u64
    {
        return Err(too_large(announced.to_string()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        if body.len() + chunk.len() > limit.bytes {
            return Err(too_large(format!("more than {}", limit.bytes)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Why a ping gave no endpoint: the scheme could not be reached (another may be tried), or the
/// server answered and is no registry.
enum Unreached {
    Transport(LookupError),
    Answered(LookupError),
}

impl Unreached {
    fn into_error(self) -> LookupError {
        match self {
            Unreached::Transport(err) | Unreached::Answered(err) => err,
        }
    }
}

enum TokenError {
    Refused { wrong_password: bool },
    Failed(String),
}

fn basic(username: &str, password: &str) -> HeaderValue {
    use base64::Engine as _;
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    // base64 output is always a valid header value.
    let value =
        HeaderValue::from_str(&format!("Basic {encoded}")).unwrap_or(HeaderValue::from_static(""));
    sensitive(value)
}

/// Whether a token realm would move a registry reached over HTTPS to another scheme.
fn takes_off_tls(base: &str, realm: &str) -> bool {
    let https = |url: &str| {
        url.get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    };
    https(base) && !https(realm)
}

/// Marks a header value so that no debug output of the request shows it.
fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}

/// Timeouts, resets, refused connections and cut-off bodies may pass; TLS verdicts will not.
fn transient(err: &reqwest::Error) -> bool {
    if err.is_builder() || err.is_redirect() || err.is_status() {
        return false;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = source {
        let inner = current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|e| e as &(dyn std::error::Error + 'static));
        if current.is::<rustls::Error>() || inner.is_some_and(|e| e.is::<rustls::Error>()) {
            return false;
        }
        source = current.source();
    }
    true
}

/// `Get "url": cause`, close to the Go client's wording.
/// A transport failure at `host`: never recorded, with the fix its cause points to.
fn transport(host: &str, method: &Method, url: &str, err: &reqwest::Error) -> LookupError {
    let cause = cause(err);
    let fix = fix_for(host, &cause);
    LookupError::inconclusive(format!("{} \"{url}\": {cause}", verb(method)), fix)
}

/// The Go client's name for a method in messages.
fn verb(method: &Method) -> &'static str {
    match *method {
        Method::HEAD => "Head",
        Method::POST => "Post",
        _ => "Get",
    }
}

/// What a user can do about a transport failure, from the words of its innermost cause.
fn fix_for(host: &str, cause: &str) -> String {
    let lower = cause.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["http response to https"]) {
        format!(
            "{host} speaks plain HTTP: add --insecure-registry {host}, or importPolicy.insecure: true on the tag"
        )
    } else if has(&["certificate", "unknownissuer", "tls", "handshake"]) {
        format!(
            "{host}'s TLS certificate is not trusted: pass its CA with --ca-file, or add --insecure-registry {host}"
        )
    } else if has(&[
        "name resolution",
        "dns",
        "no such host",
        "name or service not known",
    ]) {
        format!(
            "{host} cannot be resolved: check the name, your network and VPN, or map it with --mirror"
        )
    } else if has(&["connection refused"]) {
        format!(
            "{host} refused the connection: check that the registry is up and the port is right"
        )
    } else if has(&["timeout", "timed out"]) {
        format!("{host} did not answer in time: run again later, or raise --timeout")
    } else {
        format!("{host} could not be reached: check the network and run again")
    }
}

/// The innermost cause of a transport error, which is what a user can act on.
fn cause(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "timeout awaiting response".into();
    }
    let mut source: &dyn std::error::Error = err;
    while let Some(next) = source.source() {
        source = next;
    }
    let text = source.to_string();
    if text.contains("InvalidContentType") {
        // rustls' view of a plain-HTTP answer to a TLS hello.
        return "http: server gave HTTP response to HTTPS client".into();
    }
    text
}

impl Http {
    /// Builds the two clients. `roots` are extra trusted CAs (`--ca-file`), added to the system's.
    pub fn new(
        roots: Vec<reqwest::Certificate>,
        timeout: Duration,
        retry: RetryPolicy,
        user_agent: &str,
        credentials: Credentials,
    ) -> Result<Self, reqwest::Error> {
        let builder = || {
            reqwest::Client::builder()
                .user_agent(user_agent)
                .connect_timeout(timeout)
                .pool_idle_timeout(Duration::from_secs(60))
                .tcp_nodelay(true)
        };
        let secure = if roots.is_empty() {
            builder().build()?
        } else {
            builder().tls_certs_merge(roots).build()?
        };
        let insecure = builder().tls_danger_accept_invalid_certs(true).build()?;
        Ok(Http {
            secure,
            insecure,
            timeout,
            retry,
            credentials,
            run_deadline: None,
            hosts: Hosts::default(),
        })
    }

    /// How long one lookup may take, waits included: every attempt may use its whole `--timeout`.
    fn lookup_budget(&self) -> Duration {
        self.timeout
            .saturating_mul(self.retry.retries.saturating_add(1))
    }

    /// Time left before the lookup's or the run's deadline, whichever is first; none left is a failure.
    /// A deadline past the clock's range (`--timeout` of centuries) is no deadline.
    fn time_left(&self, count: &Counter) -> Result<Duration, Failure> {
        let now = Instant::now();
        let started = *count.started.get_or_init(|| now);
        let lookup_end = started.checked_add(self.lookup_budget());
        let run_end = self.run_deadline.map(|(end, _)| end);
        let Some(end) = lookup_end.into_iter().chain(run_end).min() else {
            return Ok(Duration::MAX);
        };
        match end.checked_duration_since(now) {
            Some(left) if !left.is_zero() => Ok(left),
            _ => Err(Failure::Deadline(format!(
                "no time left: the {} passed",
                self.deadline_name(count)
            ))),
        }
    }

    /// Waits until neither `host`'s backoff nor this request's own `not_before` holds it back, and
    /// gives the ticket to send it with. A wait that would pass the lookup's or the run's deadline
    /// fails at once, saying how long the host asked.
    async fn wait_for(
        &self,
        host: &HostBackoff,
        mut not_before: Option<Instant>,
        count: &Counter,
    ) -> Result<Ticket, Failure> {
        loop {
            let now = Instant::now();
            let (until, asked) = match host.ticket() {
                Ok(ticket) if not_before.is_none_or(|own| own <= now) => return Ok(ticket),
                Ok(_) => (not_before.unwrap_or(now), None),
                Err(pause) => match not_before {
                    Some(own) if own > pause.until => (own, None),
                    _ => (pause.until, pause.asked),
                },
            };
            let wait = until.saturating_duration_since(now);
            if wait >= self.time_left(count)? {
                let deadline = self.deadline_name(count);
                return Err(Failure::Deadline(match asked {
                    Some(asked) => format!(
                        "{} asked to wait {} s before trying again (Retry-After: {} s), past the {deadline}",
                        host.name(),
                        asked.granted.as_secs(),
                        asked.asked.as_secs()
                    ),
                    None => format!(
                        "the next request to {} would start after the {deadline}",
                        host.name()
                    ),
                }));
            }
            tokio::time::sleep(wait).await;
            // Both waits are over; the host's may have been pushed back meanwhile.
            not_before = None;
        }
    }

    /// Which deadline is the nearer one for `count`'s lookup, for messages.
    fn deadline_name(&self, count: &Counter) -> String {
        let lookup = self.lookup_budget();
        let lookup_end = count.started.get().and_then(|s| s.checked_add(lookup));
        match self.run_deadline {
            Some((run_end, length)) if lookup_end.is_none_or(|end| run_end <= end) => {
                format!("run's deadline (--deadline {} s)", length.as_secs())
            }
            _ => format!(
                "lookup's deadline of {} s (--timeout × (--retries + 1))",
                lookup.as_secs()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_realm_may_not_leave_tls() {
        assert!(takes_off_tls("https://quay.io", "http://quay.io/v2/auth"));
        assert!(takes_off_tls("https://quay.io", "ftp://quay.io/v2/auth"));
        assert!(!takes_off_tls(
            "https://quay.io",
            "HTTPS://auth.quay.io/token"
        ));
        assert!(!takes_off_tls(
            "http://10.0.0.1:5000",
            "http://10.0.0.1:5000/token"
        ));
    }
}
