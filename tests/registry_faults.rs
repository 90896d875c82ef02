//! What a real registry cannot be made to do, on an in-process server: bearer tokens (single flight,
//! expiry, endpoint failure), 429 with Retry-After, 5xx, resets, stalls, truncated bodies, wrong or
//! missing digests, redirects to another host, error codes, quota headers, backoff per host.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use streamlock::registry::{
    Config, DOCKER_SCHEMA2, ImportMode, Lookup, LookupResult, OCI_INDEX, Outcome, Reason, Resolver,
    RetryPolicy,
};
use support::faults::{Action, FaultServer, Request};
use support::images::sha256;

const MANIFEST: &[u8] =
    br#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}"#;

fn lookup(addr: &str, repo: &str, reference: &str) -> Lookup {
    Lookup {
        registry: addr.to_owned(),
        repository: repo.to_owned(),
        reference: reference.to_owned(),
        mode: ImportMode::Legacy,
        prefer: None,
        insecure: true, // the fault server speaks plain HTTP
        display: format!("{addr}/{repo}:{reference}"),
    }
}

fn resolver(config: Config) -> Resolver {
    Resolver::new(Config {
        retry: RetryPolicy {
            retries: 2,
            base: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        timeout: Duration::from_millis(800),
        ..config
    })
    .expect("resolver")
}

/// Lookups that start with a HEAD, as Docker Hub's do (and any host named with `--head-first`).
fn head_first(addr: &str) -> Config {
    Config {
        head_first: vec![addr.to_owned()],
        ..Config::default()
    }
}

fn image(result: &LookupResult) -> &str {
    match &result.outcome {
        Outcome::Found { image, .. } => image,
        other => panic!("expected Found, got {other:?}"),
    }
}

fn internal_error(result: &LookupResult) -> &str {
    match &result.outcome {
        Outcome::Failed {
            reason: Reason::InternalError,
            message,
        } => message,
        other => panic!("expected InternalError, got {other:?}"),
    }
}

/// The cause of a failure that says nothing about the tag (never recorded), which must carry a fix.
fn not_recorded(result: &LookupResult) -> &str {
    match &result.outcome {
        Outcome::Inconclusive { cause, fix } => {
            assert!(
                !fix.is_empty(),
                "a failure that is not recorded names its fix"
            );
            cause
        }
        other => panic!("expected a failure that is not recorded, got {other:?}"),
    }
}

fn is_manifest(r: &Request) -> bool {
    r.path.contains("/manifests/")
}

/// A bearer registry: `/v2/` challenges, `/token` issues `tokens(n)` (n = fetch number), and manifest
/// requests are answered by `manifest` when `valid(token)` says the token is good.
fn bearer_registry(
    token_answer: impl Fn(usize) -> Action + Send + Sync + 'static,
    valid: impl Fn(&str) -> bool + Send + Sync + 'static,
) -> impl Fn(&Request) -> Action + Send + Sync + 'static {
    let fetches = AtomicUsize::new(0);
    move |r: &Request| {
        let host = r.header("host").unwrap_or("").to_owned();
        let challenge = format!(r#"Bearer realm="http://{host}/token",service="fake""#);
        if r.path == "/v2/" {
            return Action::status(401).header("www-authenticate", &challenge);
        }
        if r.path.starts_with("/token?") {
            return token_answer(fetches.fetch_add(1, Ordering::SeqCst));
        }
        let token = r
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .unwrap_or("");
        if !valid(token) {
            return Action::status(401).header("www-authenticate", &challenge);
        }
        Action::manifest(DOCKER_SCHEMA2, MANIFEST, Some(&sha256(MANIFEST)))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_cold_lookups_share_one_ping_and_one_token() {
    let server = FaultServer::start(bearer_registry(
        |_| {
            Action::Delay(
                Duration::from_millis(100),
                Box::new(Action::json(200, r#"{"token":"T","expires_in":300}"#)),
            )
        },
        |token| token == "T",
    ))
    .await;
    let resolver = resolver(Config::default());
    let lookups: Vec<Lookup> = (0..100)
        .map(|i| lookup(&server.addr, "team/app", &format!("t{i}")))
        .collect();
    let answers = resolver.resolve_all(lookups).await;
    for answer in &answers {
        assert_eq!(image(answer), sha256(MANIFEST));
    }
    assert_eq!(server.count(|r| r.path == "/v2/"), 1);
    assert_eq!(server.count(|r| r.path.starts_with("/token?")), 1);
    // One round trip each: a GET, whose body gives the digest.
    assert_eq!(
        server.count(|r| r.line().starts_with("GET /v2/team/app/manifests/")),
        100
    );
    assert_eq!(server.count(|r| r.method == "HEAD"), 0);
    let token_request = server
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/token?"));
    assert_eq!(
        token_request.map(|r| r.path),
        Some("/token?scope=repository%3Ateam%2Fapp%3Apull&service=fake".to_owned())
    );
    let total: u32 = answers.iter().map(|a| a.requests).sum();
    // Every request is counted once, plus the HTTPS attempt this plain-HTTP server cannot answer.
    assert_eq!(total as usize, server.requests().len() + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_expires_mid_run_is_replaced_once() {
    let served = Arc::new(AtomicUsize::new(0));
    let seen = served.clone();
    let server = FaultServer::start(bearer_registry(
        |n| Action::json(200, &format!(r#"{{"token":"T{n}","expires_in":300}}"#)),
        // The first token is revoked after three manifest requests.
        move |token| seen.fetch_add(1, Ordering::SeqCst) < 3 || token == "T1",
    ))
    .await;
    let resolver = resolver(Config {
        jobs: 1,
        ..Config::default()
    });
    for i in 0..6 {
        let answer = resolver
            .resolve(&lookup(&server.addr, "team/app", &format!("t{i}")))
            .await;
        assert_eq!(image(&answer), sha256(MANIFEST), "lookup {i}");
    }
    assert_eq!(server.count(|r| r.path.starts_with("/token?")), 2);
    // Three good lookups, one refused, then three with the new token.
    assert_eq!(server.count(is_manifest), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_endpoint_failure_is_retried_then_reported() {
    let server = FaultServer::start(bearer_registry(|_| Action::status(503), |_| true)).await;
    let answer = resolver(Config::default())
        .resolve(&lookup(&server.addr, "team/app", "v1"))
        .await;
    assert_eq!(
        not_recorded(&answer),
        "unable to fetch token: unexpected status code 503"
    );
    assert_eq!(
        server.count(|r| r.path.starts_with("/token?")),
        3,
        "first try and two retries"
    );
    assert_eq!(server.count(is_manifest), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_waits_for_retry_after_and_stays_a_head() {
    let heads = AtomicUsize::new(0);
    let server =
        FaultServer::start(
            move |r: &Request| match (r.method.as_str(), r.path.as_str()) {
                (_, "/v2/") => Action::status(200),
                ("HEAD", _) if heads.fetch_add(1, Ordering::SeqCst) == 0 => {
                    Action::json(429, "").header("retry-after", "1")
                }
                _ => Action::manifest(DOCKER_SCHEMA2, MANIFEST, Some(&sha256(MANIFEST))),
            },
        )
        .await;
    let started = Instant::now();
    let answer = resolver(head_first(&server.addr))
        .resolve(&lookup(&server.addr, "team/app", "v1"))
        .await;
    assert_eq!(image(&answer), sha256(MANIFEST));
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After honoured"
    );
    assert_eq!(server.count(|r| r.method == "HEAD"), 2);
    assert_eq!(
        server.count(|r| r.method == "GET" && is_manifest(r)),
        0,
        "a 429 never turns into a GET"
    );

    // Always 429: fails after the retries, still without a GET.
    let server = FaultServer::start(|r: &Request| match r.path.as_str() {
        "/v2/" => Action::status(200),
        _ => Action::status(429).header("retry-after", "0"),
    })
    .await;
    let answer = resolver(head_first(&server.addr))
        .resolve(&lookup(&server.addr, "team/app", "v1"))
        .await;
    assert_eq!(not_recorded(&answer), "unexpected status code 429");
    assert_eq!(server.count(|r| r.method == "HEAD"), 3);
    assert_eq!(server.count(|r| r.method == "GET" && is_manifest(r)), 0);
    // GET-first: the same 429s, retried the same way, and nothing recorded.
    let answer = resolver(Config::default())
        .resolve(&lookup(&server.addr, "team/app", "v2"))
        .await;
    assert_eq!(not_recorded(&answer), "unexpected status code 429");
    assert_eq!(server.count(|r| r.method == "GET" && is_manifest(r)), 3);
}

/// A registry whose manifest requests are answered by `answer(n)` (n = manifest request number), with
/// [`MANIFEST`] when it says `None`.
fn numbered(
    answer: impl Fn(usize) -> Option<Action> + Send + Sync + 'static,
) -> impl Fn(&Request) -> Action + Send + Sync + 'static {
    let served = AtomicUsize::new(0);
    move |r: &Request| {
        if !is_manifest(r) {
            return Action::status(200);
        }
        answer(served.fetch_add(1, Ordering::SeqCst))
            .unwrap_or_else(|| Action::manifest(DOCKER_SCHEMA2, MANIFEST, Some(&sha256(MANIFEST))))
    }
}

/// When each manifest request reached `server`, by tag, in order of arrival.
fn manifest_arrivals(server: &FaultServer) -> Vec<(String, Instant)> {
    let mut arrivals: Vec<(String, Instant)> = server
        .requests()
        .into_iter()
        .filter(is_manifest)
        .map(|r| (r.path.rsplit('/').next().unwrap_or("").to_owned(), r.at))
        .collect();
    arrivals.sort_by_key(|(_, at)| *at);
    arrivals
}

/// A 429 slows every lookup to its host until its Retry-After has passed, not only the lookup that
/// got it; lookups to another host go on meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_slows_its_host_and_no_other() {
    // Only the first manifest request is refused, asking for two seconds.
    let refusal_sent = Arc::new(AtomicBool::new(false));
    let slowed = FaultServer::start(numbered({
        let refusal_sent = refusal_sent.clone();
        move |n| {
            (n == 0).then(|| {
                refusal_sent.store(true, Ordering::SeqCst);
                Action::status(429).header("retry-after", "2")
            })
        }
    }))
    .await;
    let other = FaultServer::start(numbered(|_| None)).await;
    let resolver = Resolver::new(Config {
        // Four lookups in flight per host: when the 429 comes back, three others may be on their way.
        per_registry: 4,
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            retries: 2,
            base: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        ..Config::default()
    })
    .expect("resolver");
    let lookups: Vec<Lookup> = (0..32)
        .map(|i| lookup(&slowed.addr, "team/app", &format!("t{i}")))
        .collect();
    let run = tokio::spawn({
        let resolver = resolver.clone();
        async move { resolver.resolve_all(lookups).await }
    });
    // Lookups to the other host start once the 429 has been answered, well within its two seconds.
    while !refusal_sent.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let elsewhere = resolver
        .resolve_all(
            (0..8)
                .map(|i| lookup(&other.addr, "team/app", &format!("t{i}")))
                .collect(),
        )
        .await;
    let answers = run.await.expect("lookups");
    for answer in answers.iter().chain(&elsewhere) {
        assert_eq!(image(answer), sha256(MANIFEST));
    }

    let arrivals = manifest_arrivals(&slowed);
    assert_eq!(arrivals.len(), 33, "32 lookups and one retry");
    let asked_twice = |tag: &String| arrivals.iter().filter(|(t, _)| t == tag).count() == 2;
    let refused = arrivals
        .iter()
        .find(|(tag, _)| asked_twice(tag))
        .expect("the refused lookup is retried");
    let retry = arrivals
        .iter()
        .rev()
        .find(|(tag, _)| *tag == refused.0)
        .expect("its retry");
    // Nothing sent after the client read the 429 can arrive before its two seconds are over: only
    // the requests already on their way (three, plus any sent in the instant before the 429 was
    // read; per request backoff would let all 31 other lookups through).
    let window_end = refused.1 + Duration::from_secs(2);
    let during = arrivals
        .iter()
        .filter(|(_, at)| *at > refused.1 && *at < window_end)
        .count();
    assert!(
        during <= 8,
        "{during} requests arrived while the host was slowed"
    );
    assert!(retry.1 >= window_end, "Retry-After honoured");
    // The other host was not slowed: all its lookups were answered while the first one waited.
    let other_arrivals = manifest_arrivals(&other);
    assert_eq!(other_arrivals.len(), 8);
    assert!(
        other_arrivals
            .iter()
            .all(|(_, at)| *at > refused.1 && *at < retry.1),
        "the other host's lookups ran during the first host's wait"
    );
}

/// 503s without Retry-After: the host's pause grows with its consecutive failures, holds back the
/// next lookup to it too, and an ordinary answer starts it over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_backoff_grows_across_lookups_and_a_success_resets_it() {
    // Manifest requests 0-3 and 5 fail; 4 and 6 are answered.
    let server = FaultServer::start(numbered(|n| {
        matches!(n, 0..=3 | 5).then(|| Action::status(503))
    }))
    .await;
    let base = Duration::from_millis(100);
    let resolver = Resolver::new(Config {
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            retries: 3,
            base,
            ..RetryPolicy::default()
        },
        ..Config::default()
    })
    .expect("resolver");
    let failed = resolver
        .resolve(&lookup(&server.addr, "team/app", "a"))
        .await;
    assert_eq!(not_recorded(&failed), "unexpected status code 503");
    for tag in ["b", "c"] {
        let answer = resolver
            .resolve(&lookup(&server.addr, "team/app", tag))
            .await;
        assert_eq!(image(&answer), sha256(MANIFEST), "{tag}");
    }
    let arrivals = manifest_arrivals(&server);
    let tags: Vec<&str> = arrivals.iter().map(|(tag, _)| tag.as_str()).collect();
    assert_eq!(tags, ["a", "a", "a", "a", "b", "c", "c"]);
    let gap = |i: usize| arrivals[i + 1].1 - arrivals[i].1;
    // Each step is at least half its ceiling (full jitter): base/2, base, 2 base, 4 base.
    for (i, least) in [(0, base / 2), (1, base), (2, base * 2), (3, base * 4)] {
        assert!(gap(i) >= least, "gap {i}: {:?} < {least:?}", gap(i));
    }
    // Gap 3 is the next lookup ("b") held back by the host, with the fourth step. Its answer reset
    // the host: "c"'s retry waits the first step again (at most `base`), far below the fifth (8 base).
    assert!(
        gap(5) < gap(3),
        "{:?} after a success, {:?} before",
        gap(5),
        gap(3)
    );
}

/// Each manifest path fails in its own way first (by the tag's name), then answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_resets_stalls_and_truncated_bodies_are_retried() {
    let index = format!(
        r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"{DOCKER_SCHEMA2}","digest":"{}","platform":{{"os":"linux","architecture":"amd64"}}}}]}}"#,
        sha256(MANIFEST)
    );
    let attempts = std::sync::Mutex::new(std::collections::HashMap::<String, usize>::new());
    let server = FaultServer::start(move |r: &Request| {
        if r.path == "/v2/" {
            return Action::status(200);
        }
        let n = {
            let mut seen = attempts.lock().expect("lock");
            let n = seen.entry(r.line()).or_default();
            *n += 1;
            *n
        };
        let tag = r.path.rsplit('/').next().unwrap_or("");
        match (tag, n) {
            ("e500" | "e502" | "e503", 1) => Action::status(tag[1..].parse().unwrap_or(500)),
            ("reset", 1) => Action::Reset,
            ("stall", 1) => Action::Stall,
            ("list", 1) => Action::Truncate(Box::new(Action::manifest(
                OCI_INDEX,
                index.as_bytes(),
                None,
            ))),
            _ => Action::manifest(OCI_INDEX, index.as_bytes(), None),
        }
    })
    .await;
    let resolver = resolver(Config::default());
    for tag in ["e500", "e502", "e503", "reset", "stall"] {
        let answer = resolver
            .resolve(&lookup(&server.addr, "team/app", tag))
            .await;
        assert_eq!(image(&answer), sha256(MANIFEST), "{tag}");
        assert_eq!(
            server.count(|r| r.path.ends_with(&format!("/{tag}"))),
            2,
            "{tag}: one retry"
        );
    }
    // A Legacy list whose body arrives truncated the first time.
    let answer = resolver
        .resolve(&lookup(&server.addr, "team/app", "list"))
        .await;
    assert_eq!(image(&answer), sha256(MANIFEST));
    assert_eq!(server.count(|r| r.path.ends_with("/list")), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_and_missing_digests() {
    let other = br#"{"schemaVersion":2,"something":"else"}"#;
    let server = FaultServer::start(move |r: &Request| {
        let tag = r.path.rsplit('/').next().unwrap_or("");
        match (r.method.as_str(), tag) {
            (_, "") => Action::status(200),
            // A list whose body is not what its digest says.
            ("HEAD", "lying") => Action::manifest(OCI_INDEX, b"", Some(&sha256(MANIFEST))),
            ("GET", "lying") => Action::manifest(OCI_INDEX, other, Some(&sha256(MANIFEST))),
            ("GET", d) if d == sha256(MANIFEST) => Action::manifest(OCI_INDEX, other, None),
            // No Docker-Content-Digest at all: the body decides.
            (_, "silent") => Action::manifest(DOCKER_SCHEMA2, MANIFEST, None),
            // Asked by digest, served something else.
            (_, d) if d == sha256(other) => Action::manifest(DOCKER_SCHEMA2, MANIFEST, None),
            _ => Action::status(500),
        }
    })
    .await;
    let integrity = format!(
        "content integrity error: the manifest retrieved with digest {} does not match the digest calculated from the content {}",
        sha256(MANIFEST),
        sha256(other)
    );
    // HEAD-first, then GET-first: each verifies every digest it is given.
    for (config, requests) in [(head_first(&server.addr), 2), (Config::default(), 1)] {
        let resolver = resolver(config);
        let lying = resolver
            .resolve(&lookup(&server.addr, "team/app", "lying"))
            .await;
        assert!(not_recorded(&lying).ends_with(&integrity), "{lying:?}");
        let silent = resolver
            .resolve(&lookup(&server.addr, "team/app", "silent"))
            .await;
        assert_eq!(image(&silent), sha256(MANIFEST));
        assert_eq!(silent.requests, requests, "a HEAD needs a GET for the body");
        let by_digest = resolver
            .resolve(&lookup(&server.addr, "team/app", &sha256(other)))
            .await;
        assert!(not_recorded(&by_digest).contains("content integrity error"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_never_carry_authorization_to_another_host() {
    let elsewhere = FaultServer::start(|_: &Request| {
        Action::manifest(DOCKER_SCHEMA2, MANIFEST, Some(&sha256(MANIFEST)))
    })
    .await;
    // `localhost` is another host than `127.0.0.1` as far as credentials go.
    let target = format!(
        "http://localhost:{}",
        elsewhere.addr.rsplit(':').next().unwrap_or("")
    );
    let origin = FaultServer::start(move |r: &Request| match r.path.as_str() {
        "/v2/" => Action::status(401).header("www-authenticate", r#"Basic realm="x""#),
        path => Action::status(307).header("location", &format!("{target}{path}")),
    })
    .await;
    let dir = tempfile::tempdir().expect("temp");
    let auth = dir.path().join("auth.json");
    std::fs::write(
        &auth,
        format!(
            r#"{{"auths":{{"{}":{{"username":"u","password":"p"}}}}}}"#,
            origin.addr
        ),
    )
    .expect("write");
    let credentials = streamlock::registry::Credentials::load(&[auth], &[]).expect("creds");
    // Credentials reach a plain-HTTP registry only when the user names it insecure.
    let resolver = resolver(Config {
        credentials,
        insecure_registries: vec![origin.addr.clone()],
        ..Config::default()
    });
    let answer = resolver
        .resolve(&lookup(&origin.addr, "team/app", "v1"))
        .await;
    assert_eq!(image(&answer), sha256(MANIFEST));
    assert!(
        origin
            .requests()
            .iter()
            .filter(|r| is_manifest(r))
            .all(|r| r.header("authorization").is_some()),
        "the registry that challenged gets the credentials"
    );
    assert_eq!(elsewhere.count(is_manifest), 1);
    assert_eq!(
        elsewhere.count(|r| r.header("authorization").is_some()),
        0,
        "no Authorization leaks"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_codes_quota_and_mirrors() {
    let server = FaultServer::start(|r: &Request| {
        let tag = r.path.rsplit('/').next().unwrap_or("");
        match (r.method.as_str(), tag) {
            (_, "") => Action::status(200),
            ("HEAD", "gone" | "missing") => Action::status(404),
            (_, "gone") => Action::json(404, r#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}"#),
            (_, "missing") => Action::json(404, r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#),
            (_, "low") => Action::manifest(DOCKER_SCHEMA2, MANIFEST, Some(&sha256(MANIFEST)))
                .header("ratelimit-remaining", "3;w=21600"),
            _ => Action::manifest(DOCKER_SCHEMA2, MANIFEST, Some(&sha256(MANIFEST))),
        }
    })
    .await;
    let resolver = resolver(Config {
        jobs: 1,
        mirrors: vec![streamlock::registry::MirrorRule {
            source: "source.invalid/team".into(),
            mirrors: vec![format!("{}/copy", server.addr)],
            applies_to: streamlock::registry::MirrorKind::Tag,
            never_contact_source: true,
        }],
        insecure_registries: vec![server.addr.clone()],
        ..Config::default()
    });
    let gone = resolver
        .resolve(&lookup(&server.addr, "team/app", "gone"))
        .await;
    assert_eq!(
        internal_error(&gone),
        format!(
            "Internal error occurred: {}/team/app:gone: name unknown: repository name not known to registry",
            server.addr
        )
    );
    let missing = resolver
        .resolve(&lookup(&server.addr, "team/app", "missing"))
        .await;
    assert!(matches!(
        missing.outcome,
        Outcome::Failed {
            reason: Reason::NotFound,
            ..
        }
    ));

    // Mirrored: the source is never contacted; the mirror is named in the answer.
    let mut mirrored = lookup("source.invalid", "team/app", "v1");
    mirrored.insecure = false;
    let answer = resolver.resolve(&mirrored).await;
    assert_eq!(
        answer.outcome,
        Outcome::Found {
            image: sha256(MANIFEST),
            media_type: DOCKER_SCHEMA2.into(),
            mirror: Some(format!("{}/copy/app", server.addr)),
            manifest: sha256(MANIFEST),
        }
    );
    assert_eq!(server.count(|r| r.path == "/v2/copy/app/manifests/v1"), 1);

    // The quota runs low: what is left on that registry is skipped, not failed.
    assert_eq!(
        image(
            &resolver
                .resolve(&lookup(&server.addr, "team/app", "low"))
                .await
        ),
        sha256(MANIFEST)
    );
    let before = server.requests().len();
    let after = resolver
        .resolve(&lookup(&server.addr, "team/app", "v2"))
        .await;
    assert!(
        matches!(&after.outcome, Outcome::Inconclusive { cause, .. } if cause.contains("3 remaining")),
        "{after:?}"
    );
    assert_eq!((after.requests, server.requests().len()), (0, before));
}

/// Credentials refused by the token service: OpenShift retries anonymously; a public repository still
/// resolves, a private one reports the refusal in its own words. An identity token is exchanged with
/// the OAuth2 refresh-token POST.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_and_identity_tokens() {
    let server = FaultServer::start(|r: &Request| {
        let host = r.header("host").unwrap_or("").to_owned();
        let challenge = format!(r#"Bearer realm="http://{host}/token",service="fake""#);
        let authorization = r.header("authorization").unwrap_or("");
        match (r.method.as_str(), r.path.as_str()) {
            (_, "/v2/") => Action::status(401).header("www-authenticate", &challenge),
            ("POST", "/token") => Action::json(200, r#"{"access_token":"OAUTH"}"#),
            (_, path) if path.starts_with("/token?") && authorization.starts_with("Basic ") => {
                Action::json(401, r#"{"details":"incorrect username or password"}"#)
            }
            (_, path) if path.starts_with("/token?") => Action::json(200, r#"{"token":"ANON"}"#),
            (_, path) if path.starts_with("/v2/public/") || authorization == "Bearer OAUTH" => {
                Action::manifest(DOCKER_SCHEMA2, MANIFEST, Some(&sha256(MANIFEST)))
            }
            _ => Action::status(401).header("www-authenticate", &challenge),
        }
    })
    .await;
    let dir = tempfile::tempdir().expect("temp");
    let write = |name: &str, entry: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(r#"{{"auths":{{"{}":{entry}}}}}"#, server.addr),
        )
        .expect("write");
        path
    };
    let wrong = write("wrong.json", r#"{"username":"u","password":"wrong"}"#);
    let wrong = resolver(Config {
        credentials: streamlock::registry::Credentials::load(&[wrong], &[]).expect("creds"),
        insecure_registries: vec![server.addr.clone()],
        ..Config::default()
    });
    let public = wrong
        .resolve(&lookup(&server.addr, "public/app", "v1"))
        .await;
    assert_eq!(image(&public), sha256(MANIFEST));
    let private = wrong
        .resolve(&lookup(&server.addr, "private/app", "v1"))
        .await;
    assert_eq!(
        private.outcome,
        Outcome::Failed {
            reason: Reason::Unauthorized,
            message: format!(
                "incorrect username or password for image \"{}/private/app:v1\"",
                server.addr
            ),
        }
    );

    let oauth = write("oauth.json", r#"{"identitytoken":"REFRESH"}"#);
    let oauth = resolver(Config {
        credentials: streamlock::registry::Credentials::load(&[oauth], &[]).expect("creds"),
        insecure_registries: vec![server.addr.clone()],
        ..Config::default()
    });
    let answer = oauth
        .resolve(&lookup(&server.addr, "private/app", "v1"))
        .await;
    assert_eq!(image(&answer), sha256(MANIFEST));
    assert_eq!(
        server.count(|r| r.method == "POST" && r.path == "/token"),
        1
    );
}
