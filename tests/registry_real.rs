//! The engine against a real registry (CNCF distribution 2.8): digests, both import modes, every
//! manifest kind, failures with OpenShift's reasons, and the requests each lookup costs.

mod support;

use streamlock::registry::{
    Config, FirstRequest, ImportMode, Lookup, Outcome, Platform, Reason, Resolver,
};
use support::images::{Kind, Pushed, Pusher};
use support::registry::TestRegistry;

fn lookup(registry: &TestRegistry, repo: &str, reference: &str, mode: ImportMode) -> Lookup {
    let sep = if reference.starts_with("sha256:") {
        '@'
    } else {
        ':'
    };
    Lookup {
        registry: registry.addr.clone(),
        repository: repo.to_owned(),
        reference: reference.to_owned(),
        mode,
        prefer: None,
        insecure: false,
        display: format!("{}/{repo}{sep}{reference}", registry.addr),
    }
}

/// A resolver for the plain-HTTP registry, which (as in OpenShift) needs the insecure flag.
fn plain_resolver(registry: &TestRegistry) -> Resolver {
    Resolver::new(Config {
        insecure_registries: vec![registry.addr.clone()],
        ..Config::default()
    })
    .expect("resolver")
}

fn found(outcome: &Outcome) -> (&str, &str) {
    match outcome {
        Outcome::Found {
            image, media_type, ..
        } => (image, media_type),
        other => panic!("expected Found, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digests_of_every_kind_in_both_modes() {
    let registry = TestRegistry::plain();
    let pusher = Pusher::new(&registry);
    let mut pushed: Vec<(Kind, Pushed)> = Vec::new();
    for kind in Kind::ALL {
        pushed.push((
            kind,
            pusher
                .push("team/app", &format!("{kind:?}").to_lowercase(), kind)
                .await,
        ));
    }
    let resolver = plain_resolver(&registry);
    for (kind, image) in &pushed {
        let tag = format!("{kind:?}").to_lowercase();
        let preserve = resolver
            .resolve(&lookup(
                &registry,
                "team/app",
                &tag,
                ImportMode::PreserveOriginal,
            ))
            .await;
        assert_eq!(
            found(&preserve.outcome),
            (image.digest.as_str(), kind.media_type()),
            "{kind:?}"
        );
        let legacy = resolver
            .resolve(&lookup(&registry, "team/app", &tag, ImportMode::Legacy))
            .await;
        assert_eq!(
            found(&legacy.outcome).0,
            image.legacy_default(),
            "{kind:?} legacy"
        );
        // By digest: PreserveOriginal keeps the list; Legacy records the child (OpenShift's quirk).
        let by_digest = resolver
            .resolve(&lookup(
                &registry,
                "team/app",
                &image.digest,
                ImportMode::PreserveOriginal,
            ))
            .await;
        assert_eq!(
            found(&by_digest.outcome).0,
            image.digest,
            "{kind:?} by digest"
        );
        let legacy_digest = resolver
            .resolve(&lookup(
                &registry,
                "team/app",
                &image.digest,
                ImportMode::Legacy,
            ))
            .await;
        assert_eq!(
            found(&legacy_digest.outcome).0,
            image.legacy_default(),
            "{kind:?} legacy by digest"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_child_follows_preference_or_platform_then_amd64() {
    let registry = TestRegistry::plain();
    let pusher = Pusher::new(&registry);
    let list = pusher.push("multi/arch", "v1", Kind::OciIndex).await;
    let s390x = Resolver::new(Config {
        insecure_registries: vec![registry.addr.clone()],
        platform: Platform::new("linux", "s390x"),
        ..Config::default()
    })
    .expect("resolver");
    let mut wants_arm = lookup(&registry, "multi/arch", "v1", ImportMode::Legacy);
    wants_arm.prefer = Some(Platform::new("linux", "arm64"));
    let answer = s390x.resolve(&wants_arm).await;
    assert_eq!(found(&answer.outcome).0, list.child("arm64"));
    // A preference no child has falls back to linux/amd64, not to the platform (importer.go
    // `manifestFromManifestList` tries one wanted platform, then linux/amd64, then the first).
    let mut wants_windows = wants_arm.clone();
    wants_windows.prefer = Some(Platform::new("windows", "amd64"));
    assert_eq!(
        found(&s390x.resolve(&wants_windows).await.outcome).0,
        list.child("amd64")
    );
    // A digest lookup ignores the tag's preference.
    let mut by_digest = lookup(&registry, "multi/arch", &list.digest, ImportMode::Legacy);
    by_digest.prefer = Some(Platform::new("linux", "arm64"));
    assert_eq!(
        found(&s390x.resolve(&by_digest).await.outcome).0,
        list.child("s390x")
    );
    let default = plain_resolver(&registry);
    assert_eq!(
        found(&default.resolve(&by_digest).await.outcome).0,
        list.child("amd64")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_tags_and_repositories_fail_as_openshift_says() {
    let registry = TestRegistry::plain();
    let pusher = Pusher::new(&registry);
    pusher.push("team/app", "v1", Kind::Schema2).await;
    let resolver = plain_resolver(&registry);
    let cases = [
        ("team/app", "nope"),
        ("team/missing", "v1"),
        (
            "team/app",
            "sha256:0000000000000000000000000000000000000000000000000000000000000000",
        ),
    ];
    for (repo, reference) in cases {
        let want = lookup(&registry, repo, reference, ImportMode::Legacy);
        let answer = resolver.resolve(&want).await;
        assert_eq!(
            answer.outcome,
            Outcome::Failed {
                reason: Reason::NotFound,
                message: format!(
                    "dockerimage.image.openshift.io \"{}\" not found",
                    want.display
                ),
            },
            "{repo}:{reference}"
        );
    }
}

/// Trap 1: without the OCI types in Accept, distribution answers 404 for an OCI manifest.
/// Trap 2: asked with only the schema2 type, it answers a list's amd64 child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_traps_that_the_accept_list_avoids() {
    let registry = TestRegistry::plain();
    let pusher = Pusher::new(&registry);
    let oci = pusher.push("traps/oci", "v1", Kind::Oci).await;
    let list = pusher.push("traps/list", "v1", Kind::DockerList).await;
    let client = reqwest::Client::new();
    let head = |repo: &'static str| {
        client
            .head(format!("{}/v2/{repo}/manifests/v1", registry.base_url()))
            .header("accept", streamlock::registry::DOCKER_SCHEMA2)
    };
    let narrow_oci = head("traps/oci").send().await.expect("head");
    assert_eq!(narrow_oci.status().as_u16(), 404);
    let narrow_list = head("traps/list").send().await.expect("head");
    let digest = narrow_list
        .headers()
        .get("docker-content-digest")
        .and_then(|d| d.to_str().ok());
    assert_eq!(digest, Some(list.child("amd64")));

    let resolver = plain_resolver(&registry);
    let answer = resolver
        .resolve(&lookup(&registry, "traps/oci", "v1", ImportMode::Legacy))
        .await;
    assert_eq!(found(&answer.outcome).0, oci.digest);
    let answer = resolver
        .resolve(&lookup(
            &registry,
            "traps/list",
            "v1",
            ImportMode::PreserveOriginal,
        ))
        .await;
    assert_eq!(found(&answer.outcome).0, list.digest);
}

/// The manifest requests each warm lookup made, sorted: `METHOD /v2/REPOSITORY`; and the count
/// each answer reports.
async fn warm_requests(resolver: &Resolver, registry: &TestRegistry) -> (Vec<u32>, Vec<String>) {
    // Warm-up: the first lookup pings (an HTTPS attempt, refused by this plain registry at the TLS
    // level, is not a request the registry logs; then `GET /v2/` over HTTP).
    let warm = resolver
        .resolve(&lookup(registry, "count/single", "v1", ImportMode::Legacy))
        .await;
    found(&warm.outcome);
    let before = registry.requests().len();
    let lookups = vec![
        lookup(registry, "count/single", "v1", ImportMode::Legacy),
        lookup(registry, "count/list", "v1", ImportMode::PreserveOriginal),
        lookup(registry, "count/list", "v1", ImportMode::Legacy),
        lookup(registry, "count/list", "v1", ImportMode::Legacy), // a duplicate costs nothing
        lookup(registry, "count/none", "v1", ImportMode::Legacy),
    ];
    let answers = resolver.resolve_all(lookups).await;
    let requests = answers.iter().map(|a| a.requests).collect();
    let mut made: Vec<String> = registry.requests()[before..]
        .iter()
        .map(|line| line.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .map(|line| line.split("/manifests/").next().unwrap_or("").to_owned())
        .collect();
    made.sort();
    (requests, made)
}

/// A way to start lookups: the hosts named head-first, and what the warm lookups then cost.
struct Case<'a> {
    head_first: &'a [String],
    first: FirstRequest,
    requests: [u32; 5],
    made: &'a [&'a str],
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_get_per_warm_lookup_or_head_first_where_asked() {
    let registry = TestRegistry::plain();
    let pusher = Pusher::new(&registry);
    pusher.push("count/single", "v1", Kind::Schema2).await;
    pusher.push("count/list", "v1", Kind::OciIndex).await;

    let cases = [
        // GET-first: one round trip for every lookup, a Legacy list's child and a 404's code
        // included; a PreserveOriginal list's body names its four children, each checked once.
        Case {
            head_first: &[],
            first: FirstRequest::Get,
            requests: [1, 1 + 4, 1, 0, 1],
            made: &[
                "GET list",
                "GET list",
                "GET list",
                "GET list",
                "GET list",
                "GET list",
                "GET none",
                "GET single",
            ],
        },
        // HEAD-first (Docker Hub's way, or `--head-first`): a GET only for a list's body and a
        // 404's error code; a PreserveOriginal list's four children get a HEAD each.
        Case {
            head_first: std::slice::from_ref(&registry.addr),
            first: FirstRequest::Head,
            requests: [1, 2 + 4, 2, 0, 2],
            made: &[
                "GET list",
                "GET list",
                "GET none",
                "HEAD list",
                "HEAD list",
                "HEAD list",
                "HEAD list",
                "HEAD list",
                "HEAD list",
                "HEAD none",
                "HEAD single",
            ],
        },
    ];
    for Case {
        head_first,
        first,
        requests,
        made,
    } in cases
    {
        let resolver = Resolver::new(Config {
            insecure_registries: vec![registry.addr.clone()],
            head_first: head_first.to_vec(),
            ..Config::default()
        })
        .expect("resolver");
        let (answered, logged) = warm_requests(&resolver, &registry).await;
        assert_eq!(answered, requests, "{first:?}");
        let made: Vec<String> = made.iter().map(|m| m.replace(' ', " /v2/count/")).collect();
        assert_eq!(logged, made, "{first:?}");
        let uses = resolver.registry_uses();
        assert_eq!(uses.len(), 1);
        // The warm-up, four distinct lookups (the duplicate is not made) and the list's four
        // children checked for PreserveOriginal.
        assert_eq!((uses[0].first, uses[0].lookups), (first, 1 + 4 + 4));
    }
}
