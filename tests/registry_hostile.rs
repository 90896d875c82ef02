//! A hostile registry on loopback: oversized and endless bodies, bodies that are not the manifest
//! they claim, waits past every deadline, credentials asked for over plain HTTP, terminal escapes
//! and megabytes of error text. None of it may become a recorded digest or leave TLS.

mod support;

use std::time::{Duration, Instant};

use streamlock::registry::{
    Config, Credentials, DOCKER_SCHEMA2, ImportMode, Lookup, LookupResult, OCI_INDEX, Outcome,
    Reason, Resolver, RetryPolicy,
};
use support::faults::{Action, FaultServer, Request};
use support::images::sha256;

const MANIFEST: &[u8] = br#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}"#;

/// A tag of the fault server (plain HTTP, so the tag says `insecure: true`).
fn lookup(addr: &str, reference: &str) -> Lookup {
    Lookup {
        registry: addr.to_owned(),
        repository: "team/app".to_owned(),
        reference: reference.to_owned(),
        mode: ImportMode::Legacy,
        prefer: None,
        insecure: true,
        display: format!("{addr}/team/app:{reference}"),
    }
}

fn resolver(config: Config) -> Resolver {
    Resolver::new(Config {
        retry: RetryPolicy {
            retries: 1,
            base: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        timeout: Duration::from_secs(5),
        ..config
    })
    .expect("resolver")
}

/// The cause of an inconclusive lookup (never recorded).
fn inconclusive(result: &LookupResult) -> &str {
    match &result.outcome {
        Outcome::Inconclusive { cause, .. } => cause,
        other => panic!("expected an inconclusive lookup, got {other:?}"),
    }
}

/// Manifest requests are answered by `answer(method, tag)`; the ping says anonymous.
fn manifests(
    answer: impl Fn(&str, &str) -> Action + Send + Sync + 'static,
) -> impl Fn(&Request) -> Action + Send + Sync + 'static {
    move |r: &Request| {
        if r.path == "/v2/" {
            return Action::status(200);
        }
        answer(&r.method, r.path.rsplit('/').next().unwrap_or(""))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_endless_bodies_fail_instead_of_becoming_a_digest() {
    let nine_mib = vec![b' '; 9 << 20];
    let server = FaultServer::start(manifests(move |method, tag| match (method, tag) {
        // No Docker-Content-Digest: the digest would be the hash of the body read.
        ("HEAD", _) => Action::manifest(DOCKER_SCHEMA2, b"", None),
        (_, "big") => Action::manifest(DOCKER_SCHEMA2, &nine_mib, None),
        (_, "endless") => Action::Endless(vec![("content-type".into(), DOCKER_SCHEMA2.into())]),
        _ => Action::manifest(DOCKER_SCHEMA2, MANIFEST, None),
    }))
    .await;
    let resolver = resolver(Config::default());
    let started = Instant::now();
    let big = resolver.resolve(&lookup(&server.addr, "big")).await;
    assert!(
        inconclusive(&big).contains("the body is 9437184 bytes, over the 8388608 byte limit"),
        "{big:?}"
    );
    let endless = resolver.resolve(&lookup(&server.addr, "endless")).await;
    assert!(
        inconclusive(&endless).contains("over the 8388608 byte limit"),
        "{endless:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the limit stops the read, not the timeout"
    );
    assert_eq!(
        server.count(|r| r.path.ends_with("/endless")),
        1,
        "an oversized body is not fetched again (one GET, the first request)"
    );
    let fine = resolver.resolve(&lookup(&server.addr, "fine")).await;
    assert_eq!(
        fine.outcome,
        Outcome::Found {
            image: sha256(MANIFEST),
            media_type: DOCKER_SCHEMA2.into(),
            mirror: None,
            manifest: sha256(MANIFEST),
        }
    );

    // A token answer has its own, smaller limit.
    let token = "x".repeat(2 << 20);
    let server = FaultServer::start(move |r: &Request| {
        let host = r.header("host").unwrap_or("").to_owned();
        match r.path.as_str() {
            "/v2/" => Action::status(401).header(
                "www-authenticate",
                &format!(r#"Bearer realm="http://{host}/token",service="fake""#),
            ),
            p if p.starts_with("/token") => Action::json(200, &format!(r#"{{"token":"{token}"}}"#)),
            _ => Action::status(401),
        }
    })
    .await;
    let answer = resolver.resolve(&lookup(&server.addr, "v1")).await;
    assert!(
        inconclusive(&answer)
            .contains("the token answer is 2097164 bytes, over the 1048576 byte limit"),
        "{answer:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_must_be_the_manifest_its_media_type_claims() {
    let index = format!(r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[]}}"#);
    let strange = r#"{"schemaVersion":2,"mediaType":"application/x-strange","blobs":[]}"#;
    let server = FaultServer::start(manifests(move |method, tag| {
        let digest = |body: &[u8]| Some(sha256(body));
        let (media_type, body): (&str, &[u8]) = match tag {
            "html" => (DOCKER_SCHEMA2, b"<html>Service Unavailable</html>"),
            "liar" => (DOCKER_SCHEMA2, index.as_bytes()),
            "hollow" => (DOCKER_SCHEMA2, br#"{"schemaVersion":2}"#),
            "strange" => ("application/x-strange", strange.as_bytes()),
            _ => (DOCKER_SCHEMA2, MANIFEST),
        };
        // The HEAD announces a digest for every tag: only a known type may be taken on its word.
        match method {
            "HEAD" if tag != "strange" => Action::manifest(media_type, b"", None),
            "HEAD" => Action::manifest(media_type, b"", digest(body).as_deref()),
            _ => Action::manifest(media_type, body, digest(body).as_deref()),
        }
    }))
    .await;
    let resolver = resolver(Config::default());
    for (tag, says) in [
        ("html", "is not a valid manifest: expected value"),
        (
            "liar",
            "served as application/vnd.docker.distribution.manifest.v2+json but says it is application/vnd.oci.image.index.v1+json",
        ),
        ("hollow", "does not have the fields of"),
    ] {
        let answer = resolver.resolve(&lookup(&server.addr, tag)).await;
        assert!(inconclusive(&answer).contains(says), "{tag}: {answer:?}");
    }
    // A well-formed manifest of a type the importer cannot read is what OpenShift records.
    let strange = resolver.resolve(&lookup(&server.addr, "strange")).await;
    assert_eq!(
        strange.outcome,
        Outcome::Failed {
            reason: Reason::InternalError,
            message: format!(
                "Internal error occurred: {}/team/app:strange: unsupported image manifest type: application/x-strange",
                server.addr
            ),
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_and_the_run_deadline_bound_every_lookup() {
    let server = FaultServer::start(manifests(|_, tag| match tag {
        "stall" => Action::Stall,
        _ => Action::status(429).header("retry-after", "999999999"),
    }))
    .await;
    // --timeout 1 --retries 3: a lookup has 4 s, and a wait of 31 years is not granted.
    let bounded = Resolver::new(Config {
        timeout: Duration::from_secs(1),
        retry: RetryPolicy {
            retries: 3,
            ..RetryPolicy::default()
        },
        ..Config::default()
    })
    .expect("resolver");
    let started = Instant::now();
    let answer = bounded.resolve(&lookup(&server.addr, "v1")).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let cause = inconclusive(&answer);
    assert!(
        cause.contains("asked to wait 60 s before trying again (Retry-After: 999999999 s)")
            && cause.contains("lookup's deadline of 4 s (--timeout × (--retries + 1))"),
        "{cause}"
    );

    // --deadline 1: a registry that never answers holds the run one second, whatever --timeout says.
    let cron = Resolver::new(Config {
        timeout: Duration::from_secs(30),
        deadline: Some(Duration::from_secs(1)),
        ..Config::default()
    })
    .expect("resolver");
    let started = Instant::now();
    let answers = cron
        .resolve_all(vec![
            lookup(&server.addr, "stall"),
            lookup(&server.addr, "v1"),
        ])
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    for answer in &answers {
        assert!(
            inconclusive(answer).contains("--deadline 1 s"),
            "{answer:?}"
        );
    }
}

/// Basic credentials for the fault server, from an auth file.
fn credentials_for(addr: &str, dir: &std::path::Path) -> Credentials {
    let file = dir.join("auth.json");
    // "user:secret"
    let auth = format!(r#"{{"auths":{{"{addr}":{{"auth":"dXNlcjpzZWNyZXQ="}}}}}}"#);
    std::fs::write(&file, auth).expect("auth file");
    Credentials::load(&[file], &[]).expect("credentials")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_go_over_plain_http_only_to_a_host_named_insecure() {
    let dir = tempfile::tempdir().expect("tempdir");
    for challenge in ["Basic realm=\"r\"", "Bearer realm=\"http://HOST/token\""] {
        let server = FaultServer::start(move |r: &Request| {
            let host = r.header("host").unwrap_or("").to_owned();
            match r.path.as_str() {
                "/v2/" => Action::status(401)
                    .header("www-authenticate", &challenge.replace("HOST", &host)),
                p if p.starts_with("/token") => Action::json(200, r#"{"token":"T"}"#),
                _ => Action::manifest(DOCKER_SCHEMA2, MANIFEST, Some(&sha256(MANIFEST))),
            }
        })
        .await;
        let sent_authorization = |server: &FaultServer| {
            server.count(|r| {
                r.header("authorization")
                    .is_some_and(|a| a.starts_with("Basic "))
            })
        };
        // The tag's own `insecure: true`: reached, anonymously.
        let tag_only = resolver(Config {
            credentials: credentials_for(&server.addr, dir.path()),
            ..Config::default()
        });
        let answer = tag_only.resolve(&lookup(&server.addr, "v1")).await;
        assert!(
            matches!(answer.outcome, Outcome::Found { .. }),
            "{answer:?}"
        );
        assert_eq!(
            sent_authorization(&server),
            0,
            "{challenge}: no credentials over plain HTTP"
        );

        // Named on the command line: the user accepted plain HTTP for this host.
        let named = resolver(Config {
            credentials: credentials_for(&server.addr, dir.path()),
            insecure_registries: vec![server.addr.clone()],
            ..Config::default()
        });
        let answer = named.resolve(&lookup(&server.addr, "v1")).await;
        assert!(
            matches!(answer.outcome, Outcome::Found { .. }),
            "{answer:?}"
        );
        assert_eq!(
            sent_authorization(&server),
            1,
            "{challenge}: credentials sent once"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_text_is_bounded_and_inert() {
    let message = format!(
        "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}{}",
        "m".repeat(3 << 20)
    );
    let body = serde_json::json!({"errors": [{"code": "DENIED", "message": message}]}).to_string();
    let server = FaultServer::start(manifests(move |_, _| Action::json(403, &body))).await;
    let answer = resolver(Config::default())
        .resolve(&lookup(&server.addr, "v1"))
        .await;
    let Outcome::Failed { message, .. } = &answer.outcome else {
        panic!("expected a recorded failure, got {answer:?}");
    };
    assert!(message.len() < 1200, "{} bytes recorded", message.len());
    assert!(
        message.ends_with("more characters cut)"),
        "the cut is said: {message:.200}"
    );
    assert!(
        !message.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{message:.200}"
    );
    assert!(
        message.contains("denied: \\u{1b}]0;pwned\\u{7}"),
        "{message:.200}"
    );
}
