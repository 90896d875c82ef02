//! TLS and basic auth against a real registry (TLS with a test CA, htpasswd), credentials from auth
//! files and pull secrets, insecure mode, and an HTTP-only registry reached without it.

mod support;

use std::path::PathBuf;

use base64::Engine as _;
use streamlock::registry::{Config, Credentials, ImportMode, Lookup, Outcome, Reason, Resolver};
use support::images::{Kind, Pusher};
use support::registry::TestRegistry;

fn lookup(registry: &TestRegistry, repo: &str, tag: &str) -> Lookup {
    Lookup {
        registry: registry.addr.clone(),
        repository: repo.to_owned(),
        reference: tag.to_owned(),
        mode: ImportMode::Legacy,
        prefer: None,
        insecure: false,
        display: format!("{}/{repo}:{tag}", registry.addr),
    }
}

fn auth_file(dir: &tempfile::TempDir, host: &str, user: &str, password: &str) -> PathBuf {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let path = dir.path().join("auth.json");
    std::fs::write(
        &path,
        format!(r#"{{"auths":{{"https://{host}":{{"auth":"{auth}"}}}}}}"#),
    )
    .expect("write");
    path
}

fn resolver(registry: &TestRegistry, credentials: Credentials, with_ca: bool) -> Resolver {
    Resolver::new(Config {
        ca_files: registry
            .ca_file
            .iter()
            .filter(|_| with_ca)
            .cloned()
            .collect(),
        credentials,
        ..Config::default()
    })
    .expect("resolver")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_auth_over_tls_with_and_without_credentials() {
    let registry = TestRegistry::tls_with_login("alice", "s3cret");
    let pushed = Pusher::new(&registry)
        .push("private/app", "v1", Kind::DockerList)
        .await;
    let dir = tempfile::tempdir().expect("temp");
    let good = Credentials::load(&[auth_file(&dir, &registry.addr, "alice", "s3cret")], &[])
        .expect("creds");
    let with_creds = resolver(&registry, good, true);
    let answer = with_creds
        .resolve(&lookup(&registry, "private/app", "v1"))
        .await;
    assert!(
        matches!(&answer.outcome, Outcome::Found { image, .. } if image == pushed.child("amd64")),
        "{answer:?}"
    );
    // Warm: one GET (a Legacy list: its body names the child); the ping was paid by the first lookup.
    let again = with_creds
        .resolve(&lookup(&registry, "private/app", "v1"))
        .await;
    assert_eq!(again.requests, 1);
    assert!(answer.requests > again.requests);

    let expected_denial = Outcome::Failed {
        reason: Reason::Unauthorized,
        message: format!(
            "you may not have access to the container image \"{}/private/app:v1\"",
            registry.addr
        ),
    };
    let anonymous = resolver(&registry, Credentials::none(), true);
    assert_eq!(
        anonymous
            .resolve(&lookup(&registry, "private/app", "v1"))
            .await
            .outcome,
        expected_denial
    );
    let dir2 = tempfile::tempdir().expect("temp");
    let wrong = Credentials::load(&[auth_file(&dir2, &registry.addr, "alice", "wrong")], &[])
        .expect("creds");
    let wrong = resolver(&registry, wrong, true);
    assert_eq!(
        wrong
            .resolve(&lookup(&registry, "private/app", "v1"))
            .await
            .outcome,
        expected_denial
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_secret_certificates_and_insecure() {
    let registry = TestRegistry::tls_with_login("bob", "pw");
    let pushed = Pusher::new(&registry)
        .push("team/app", "v1", Kind::Oci)
        .await;
    let dir = tempfile::tempdir().expect("temp");
    let config = format!(
        r#"{{"auths":{{"{}":{{"username":"bob","password":"pw"}}}}}}"#,
        registry.addr
    );
    let secret = dir.path().join("secret.yaml");
    std::fs::write(
        &secret,
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: pull\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {}\n",
            base64::engine::general_purpose::STANDARD.encode(config)
        ),
    )
    .expect("write");
    let creds = || Credentials::load(&[], std::slice::from_ref(&secret)).expect("secret");

    let verified = resolver(&registry, creds(), true);
    let answer = verified.resolve(&lookup(&registry, "team/app", "v1")).await;
    assert!(
        matches!(&answer.outcome, Outcome::Found { image, .. } if *image == pushed.digest),
        "{answer:?}"
    );

    // Without the CA the certificate is not trusted: the cluster could still import the tag, so the
    // failure is never recorded, and the fix names both ways out.
    let untrusted = resolver(&registry, creds(), false);
    match untrusted
        .resolve(&lookup(&registry, "team/app", "v1"))
        .await
        .outcome
    {
        Outcome::Inconclusive { cause, fix } => assert!(
            cause.starts_with(&format!("Get \"https://{}/v2/\"", registry.addr))
                && cause.to_lowercase().contains("certificate")
                && fix.contains("--ca-file"),
            "{cause} / {fix}"
        ),
        other => panic!("{other:?}"),
    }
    // An insecure tag skips verification, but reaches the registry anonymously: its file cannot send
    // the credentials over a connection nobody verified.
    let mut insecure = lookup(&registry, "team/app", "v1");
    insecure.insecure = true;
    let answer = untrusted.resolve(&insecure).await;
    assert!(
        matches!(
            &answer.outcome,
            Outcome::Failed {
                reason: Reason::Unauthorized,
                ..
            }
        ),
        "{answer:?}"
    );
    // Named with --insecure-registry, the host gets the credentials.
    let named = Resolver::new(Config {
        credentials: creds(),
        insecure_registries: vec![registry.addr.clone()],
        ..Config::default()
    })
    .expect("resolver");
    let answer = named.resolve(&insecure).await;
    assert!(
        matches!(&answer.outcome, Outcome::Found { image, .. } if *image == pushed.digest),
        "{answer:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_only_registry_needs_insecure() {
    let registry = TestRegistry::plain();
    let pushed = Pusher::new(&registry)
        .push("team/app", "v1", Kind::Schema2)
        .await;
    let secure = resolver(&registry, Credentials::none(), false);
    assert_eq!(
        secure
            .resolve(&lookup(&registry, "team/app", "v1"))
            .await
            .outcome,
        Outcome::Inconclusive {
            cause: format!(
                "Get \"https://{0}/v2/\": http: server gave HTTP response to HTTPS client",
                registry.addr
            ),
            fix: format!(
                "{0} speaks plain HTTP: add --insecure-registry {0}, or importPolicy.insecure: true on the tag",
                registry.addr
            ),
        }
    );
    let mut insecure = lookup(&registry, "team/app", "v1");
    insecure.insecure = true;
    let answer = secure.resolve(&insecure).await;
    assert!(
        matches!(&answer.outcome, Outcome::Found { image, .. } if *image == pushed.digest),
        "{answer:?}"
    );
}
