//! Manifest lists through `streamlock import` against a real registry (docker-registry on loopback):
//! the Legacy child for a lone `prefer-arch`, a pinned list digest that the offline check and the Git
//! rule accept, `--pin` that keeps a list a list, and PreserveOriginal's check of every child (a
//! deleted child fails the tag as the importer fails it; children shared by lists are asked once).
//!
//! Every reference names `registry.example.com`; mirror sets send it to the test registry and never
//! to the source, so no lookup leaves the machine.

mod support;

use std::path::{Path, PathBuf};

use support::cli::{Run, run, streamlock};
use support::images::{Kind, Pushed, Pusher};
use support::registry::{Options, TestRegistry, loopback_mirror_sets};

const SOURCE: &str = "registry.example.com";

/// A repository of one stream file, `tools.yaml`, and a registry its references are mirrored to.
struct Setup {
    registry: TestRegistry,
    dir: tempfile::TempDir,
}

/// One spec tag: (name, from.name, importMode, prefer-arch).
type Tag<'a> = (&'a str, &'a str, &'a str, Option<&'a str>);

impl Setup {
    fn new(options: Options) -> Setup {
        let registry = TestRegistry::start(options);
        let dir = tempfile::tempdir().expect("tempdir");
        let mirrors = loopback_mirror_sets(&[SOURCE], &registry.addr);
        std::fs::write(dir.path().join("mirrors.conf"), mirrors).expect("write mirrors");
        std::fs::create_dir(dir.path().join("repo")).expect("mkdir");
        Setup { registry, dir }
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn file(&self) -> PathBuf {
        self.repo().join("tools.yaml")
    }

    fn read(&self) -> String {
        std::fs::read_to_string(self.file()).expect("read stream")
    }

    fn pusher(&self, seed: &str) -> Pusher {
        let mut pusher = Pusher::new(&self.registry);
        pusher.seed = seed.into();
        pusher
    }

    fn push(&self, repo: &str, tag: &str, seed: &str) -> Pushed {
        block_on(self.pusher(seed).push(repo, tag, Kind::DockerList))
    }

    /// Pushes `team/NAME:1` as a list; returns it and `from.name`s naming it by tag and by digest.
    fn push_named(&self, name: &str, seed: &str) -> (Pushed, String, String) {
        let list = self.push(&format!("team/{name}"), "1", seed);
        let by_digest = from_name(name, &format!("@{}", list.digest));
        (list, from_name(name, ":1"), by_digest)
    }

    fn write(&self, tags: &[Tag<'_>]) {
        let mut text = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: tools\n  namespace: ci\nspec:\n  tags:\n".to_owned();
        for (name, from, mode, arch) in tags {
            text.push_str(&format!("  - name: {name}\n"));
            if let Some(arch) = arch {
                text.push_str(&format!(
                    "    annotations:\n      importer.image.openshift.io/prefer-arch: {arch}\n"
                ));
            }
            text.push_str(&format!(
                "    from:\n      kind: DockerImage\n      name: {from}\n    importPolicy:\n      importMode: {mode}\n"
            ));
        }
        std::fs::write(self.file(), text).expect("write stream");
    }

    /// `streamlock import ARGS` in the repository, with the mirror rules.
    fn import(&self, args: &[&str]) -> Run {
        let mirrors = self.dir.path().join("mirrors.conf");
        run(streamlock(self.dir.path())
            .current_dir(self.repo())
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .arg("import")
            .arg("--mirror-config")
            .arg(&mirrors)
            .args(["--insecure-registry", &self.registry.addr])
            .args(args))
    }

    /// `import ARGS --format json`, expecting `code`; the report's lines.
    fn import_json(&self, args: &[&str], code: i32) -> Vec<serde_json::Value> {
        let out = self.import(&[args, &["--format", "json"]].concat());
        assert_eq!(out.code, Some(code), "{}\n{}", out.stdout, out.stderr);
        let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("json report");
        report["imports"].as_array().expect("imports").clone()
    }

    fn git(&self, args: &[&str]) {
        git(&self.repo(), args);
    }

    /// `import --check --offline`, the pre-commit hook, passes.
    fn assert_offline_check_passes(&self) {
        let offline = self.import(&["--check", "--offline"]);
        assert_eq!(
            offline.code,
            Some(0),
            "{}{}",
            offline.stdout,
            offline.stderr
        );
    }

    /// An online `import --check` finds nothing to look up: no request reported or served.
    fn assert_nothing_looked_up(&self) {
        let before = self.registry.requests().len();
        let lines = self.import_json(&["--check"], 0);
        assert_eq!(total_requests(&lines), 0, "{lines:?}");
        assert_eq!(self.served_since(before), Vec::<String>::new());
    }

    /// Requests the registry served since `before` (an earlier `requests().len()`).
    fn served_since(&self, before: usize) -> Vec<String> {
        self.registry.requests().split_off(before)
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .expect("`git` must be on PATH");
    assert!(status.success(), "git {args:?}");
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// The report line of `tag`.
fn line<'a>(lines: &'a [serde_json::Value], tag: &str) -> &'a serde_json::Value {
    lines
        .iter()
        .find(|l| l["tag"] == tag)
        .unwrap_or_else(|| panic!("{tag} not reported: {lines:?}"))
}

fn total_requests(lines: &[serde_json::Value]) -> u64 {
    lines
        .iter()
        .map(|l| l["requests"].as_u64().unwrap_or(0))
        .sum()
}

/// Checks the report's request total against the registry's access log. The registry is insecure,
/// so the run's one ping may first try HTTPS, a request the HTTP access log cannot show.
fn assert_requests_match(lines: &[serde_json::Value], served: &[String]) {
    let total = total_requests(lines);
    let logged = served.len() as u64;
    assert!(
        total == logged || total == logged + 1,
        "reported {total}, served {logged}: {served:?}"
    );
}

fn from_name(repo: &str, reference: &str) -> String {
    format!("{SOURCE}/team/{repo}{reference}")
}

#[test]
fn a_lone_prefer_arch_chooses_the_arm64_child() {
    let setup = Setup::new(Options::default());
    let (list, from, _) = setup.push_named("multi", "arch");
    setup.write(&[
        ("plain", &from, "Legacy", None),
        ("arm", &from, "Legacy", Some("arm64")),
        ("whole", &from, "PreserveOriginal", None),
    ]);
    let lines = setup.import_json(&["--write"], 0);
    // No preference: the control plane's linux/amd64. A lone prefer-arch: its os filled from the
    // control plane (linux), so linux/arm64 (importer.go manifestFromManifestList).
    assert_eq!(line(&lines, "plain")["image"], list.child("amd64"));
    assert_eq!(line(&lines, "arm")["image"], list.child("arm64"));
    assert_eq!(line(&lines, "whole")["image"], list.digest.as_str());
    let written = setup.read();
    assert!(
        written.contains(&format!("{SOURCE}/team/multi@{}", list.child("arm64"))),
        "{written}"
    );
}

#[test]
fn a_pinned_list_passes_the_offline_check_and_is_not_looked_up_again() {
    let setup = Setup::new(Options::default());
    let (list, _, pinned) = setup.push_named("multi", "pinned");
    setup.write(&[("app", &pinned, "Legacy", None)]);
    setup.git(&["init", "-q"]);
    setup.git(&["add", "-A"]);
    setup.git(&["commit", "-qm", "pin a list"]);

    let lines = setup.import_json(&["--write"], 0);
    assert_eq!(line(&lines, "app")["image"], list.child("amd64"));
    let written = setup.read();
    assert!(written.contains(&format!("name: {pinned}\n")), "{written}");
    assert!(
        written.contains(&format!(
            "dockerImageReference: {SOURCE}/team/multi@{}",
            list.child("amd64")
        )),
        "{written}"
    );

    // The pre-commit hook, before the commit: the child is what the importer records.
    setup.assert_offline_check_passes();
    // A second online run, before and after the commit: nothing to look up.
    for commit in [false, true] {
        if commit {
            setup.git(&["commit", "-qam", "import"]);
        }
        setup.assert_nothing_looked_up();
    }

    // A pin moved to another list while the status stayed (a dependency bot's bump): offline
    // nothing tells the old child from the new list's, the online check compares with Git.
    let other = setup.push("team/multi", "2", "moved");
    let moved = setup.read().replace(&list.digest, &other.digest);
    std::fs::write(setup.file(), moved).expect("write");
    let check = setup.import(&["--check"]);
    assert_eq!(check.code, Some(1), "{}{}", check.stdout, check.stderr);
    assert!(check.stdout.contains("would update"), "{}", check.stdout);
    let lines = setup.import_json(&["--write"], 0);
    assert_eq!(line(&lines, "app")["image"], other.child("amd64"));
    assert!(
        setup
            .read()
            .contains(&format!("name: {SOURCE}/team/multi@{}\n", other.digest))
    );
    setup.assert_offline_check_passes();
    setup.git(&["commit", "-qam", "bump"]);
    setup.assert_nothing_looked_up();
}

#[test]
fn pin_keeps_a_list_a_list_and_never_rewrites_a_pinned_digest() {
    let setup = Setup::new(Options::default());
    let (list, tagged, pinned) = setup.push_named("multi", "pin");
    setup.write(&[
        ("legacy", &tagged, "Legacy", None),
        ("whole", &tagged, "PreserveOriginal", None),
        ("pinned", &pinned, "Legacy", None),
    ]);
    let lines = setup.import_json(&["--write", "--pin"], 0);
    let pin = format!("{tagged}@{}", list.digest);
    assert_eq!(line(&lines, "legacy")["pinned"], pin.as_str());
    assert_eq!(line(&lines, "whole")["pinned"], pin.as_str());
    assert_eq!(line(&lines, "pinned")["pinned"], serde_json::Value::Null);
    assert_eq!(line(&lines, "legacy")["image"], list.child("amd64"));
    assert_eq!(line(&lines, "pinned")["image"], list.child("amd64"));
    let written = setup.read();
    assert_eq!(
        written.matches(&format!("name: {pin}\n")).count(),
        2,
        "{written}"
    );
    assert!(written.contains(&format!("name: {pinned}\n")), "{written}");
    assert!(!written.contains(&format!("{tagged}@{}", list.child("amd64"))));

    setup.assert_offline_check_passes();
    // Pinned again: nothing moves.
    let lines = setup.import_json(&["--write", "--pin", "--all"], 0);
    assert!(lines.iter().all(|l| l["pinned"].is_null()), "{lines:?}");
    assert_eq!(setup.read(), written);
}

#[test]
fn preserve_original_fails_a_list_whose_child_is_gone() {
    let setup = Setup::new(Options {
        delete: true,
        ..Options::default()
    });
    let (list, from, _) = setup.push_named("broken", "broken");
    let gone = list.child("arm64").to_owned();
    block_on(setup.pusher("broken").delete_manifest("team/broken", &gone));
    setup.write(&[
        ("whole", &from, "PreserveOriginal", None),
        ("legacy", &from, "Legacy", None),
    ]);
    let before = setup.registry.requests().len();
    let lines = setup.import_json(&["--write"], 1);
    let whole = line(&lines, "whole");
    // importer.go importSubManifests → getManifest → formatRepositoryError(MANIFEST_UNKNOWN), named
    // by the child's reference.
    let message =
        format!("dockerimage.image.openshift.io \"{SOURCE}/team/broken@{gone}\" not found");
    assert_eq!(whole["result"], "failed", "{whole}");
    assert_eq!(whole["reason"], "NotFound", "{whole}");
    assert_eq!(whole["message"], message.as_str(), "{whole}");
    assert_eq!(whole["recorded"], true, "{whole}");
    // Legacy never fetches the other children: its amd64 child is there.
    assert_eq!(line(&lines, "legacy")["image"], list.child("amd64"));
    let written = setup.read();
    assert!(written.contains("reason: NotFound"), "{written}");
    assert!(written.contains(&gone), "{written}");

    // Every child asked once (a GET: this registry's GETs are not counted pulls), the missing
    // one's error code read from the same answer; the Legacy lookup adds nothing to them.
    let served = setup.served_since(before);
    for (_, child) in &list.children {
        let path = format!("/v2/team/broken/manifests/{child}");
        let asked = served
            .iter()
            .filter(|r| r.starts_with(&format!("GET {path} ")))
            .count();
        assert_eq!(asked, 1, "{child}: {served:?}");
    }
    assert!(
        served.contains(&format!("GET /v2/team/broken/manifests/{gone} 404")),
        "{served:?}"
    );
    assert_requests_match(&lines, &served);

    // The recorded failure names the child, not from.name: it is still this tag's, so the hook
    // passes and the Git rule does not look it up again.
    setup.assert_offline_check_passes();
    setup.assert_nothing_looked_up();
}

#[test]
fn children_shared_by_lists_are_checked_once() {
    let setup = Setup::new(Options::default());
    let (list, by_tag, by_digest) = setup.push_named("shared", "shared");
    setup.write(&[
        ("tag", &by_tag, "PreserveOriginal", None),
        ("digest", &by_digest, "PreserveOriginal", None),
        ("legacy", &by_tag, "Legacy", None),
    ]);
    let before = setup.registry.requests().len();
    let lines = setup.import_json(&["--write"], 0);
    for tag in ["tag", "digest"] {
        assert_eq!(line(&lines, tag)["image"], list.digest.as_str());
    }
    let served = setup.served_since(before);
    for (_, child) in &list.children {
        let asked = served.iter().filter(|r| r.contains(child.as_str())).count();
        assert_eq!(asked, 1, "{child}: {served:?}");
    }
    // The lookups' own: a GET of the list each (the Legacy one chooses its child from the body),
    // and four child GETs counted on the first lookup that names them.
    let manifests = served.iter().filter(|r| r.contains("/manifests/")).count();
    assert_eq!(manifests, 3 + 4, "{served:?}");
    assert_requests_match(&lines, &served);
    let own = |tag: &str| line(&lines, tag)["requests"].as_u64().unwrap_or(0);
    // The registry's one ping is counted on whichever lookup made it.
    let ping = 2;
    assert!(
        own("tag") >= 5, // its GET and the four children
        "children counted on the first list: {lines:?}"
    );
    assert!(own("digest") <= 1 + ping, "{lines:?}");
    assert!(own("legacy") <= 1 + ping, "{lines:?}");
}

/// A child that answers 503 after every retry says nothing about the tag: the list's lookup is
/// inconclusive (never recorded), not failed. In-process, since a real registry does not fail so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_that_cannot_be_checked_leaves_the_list_inconclusive() {
    use streamlock::registry::{
        Config, DOCKER_SCHEMA2, ImportMode, Lookup, OCI_INDEX, Outcome, Resolver, RetryPolicy,
    };
    use support::faults::{Action, FaultServer, Request};
    use support::images::sha256;

    let (good, down) = (
        "sha256:".to_owned() + &"1".repeat(64),
        "sha256:".to_owned() + &"2".repeat(64),
    );
    let entry = |digest: &str| {
        format!(
            r#"{{"mediaType":"{DOCKER_SCHEMA2}","digest":"{digest}","platform":{{"os":"linux","architecture":"amd64"}}}}"#
        )
    };
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{},{}]}}"#,
        entry(&good),
        entry(&down)
    );
    let index_digest = sha256(index.as_bytes());
    let (good_path, down_path) = (good.clone(), down.clone());
    let server = FaultServer::start(move |r: &Request| {
        let reference = r.path.rsplit('/').next().unwrap_or("");
        match reference {
            "" => Action::status(200),
            "v1" => Action::manifest(OCI_INDEX, index.as_bytes(), Some(&index_digest)),
            d if d == index_digest => {
                Action::manifest(OCI_INDEX, index.as_bytes(), Some(&index_digest))
            }
            d if d == good_path => Action::manifest(DOCKER_SCHEMA2, b"", Some(&good_path)),
            d if d == down_path => Action::status(503),
            _ => Action::status(404),
        }
    })
    .await;
    let resolver = Resolver::new(Config {
        // HEAD-first: the children's digests come from their headers (this server sends no bodies).
        head_first: vec![server.addr.clone()],
        retry: RetryPolicy {
            retries: 1,
            base: std::time::Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        ..Config::default()
    })
    .expect("resolver");
    let lookup = Lookup {
        registry: server.addr.clone(),
        repository: "team/app".into(),
        reference: "v1".into(),
        mode: ImportMode::PreserveOriginal,
        prefer: None,
        insecure: true,
        display: format!("{}/team/app:v1", server.addr),
    };
    let answers = resolver.resolve_all(vec![lookup]).await;
    match &answers[0].outcome {
        Outcome::Inconclusive { cause, fix } => {
            assert!(
                cause.contains(&format!("child {down} of the list")),
                "{cause}"
            );
            assert!(!fix.is_empty());
        }
        other => panic!("expected inconclusive, got {other:?}"),
    }
    // Both children asked (in parallel), the failing one with its retry.
    let down_asked = server.count(|r| r.path.ends_with(down.as_str()));
    assert_eq!(down_asked, 2, "{:?}", server.requests());
    assert_eq!(server.count(|r| r.path.ends_with(good.as_str())), 1);
}
