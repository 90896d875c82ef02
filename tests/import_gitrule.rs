//! Import in a repository as users have one (`fixtures/gitops-repo`: a Helm chart, kustomize, an
//! Ansible role, a dot-directory, other teams' broken YAML; plus streams as YAML, JSON and a List),
//! against a real registry (docker-registry on loopback): the Git rule decides what is looked up,
//! failures that say nothing about a tag are never written, and other teams' files never fail the run.
//!
//! Every reference names `quay.example`, `ghcr.example` or `down.example`; mirror rules send the first
//! two to the test registry and the third to a loopback port where nothing listens, so no lookup ever
//! leaves the machine.

mod support;

use std::path::PathBuf;

use support::cli::{Run, run, streamlock};
use support::images::{Kind, Pusher};
use support::registry::{TestRegistry, free_port};

/// A stream in YAML with a scheduled tag and a plain one.
const APP: &str = "# The team's app.
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: shop
spec:
  tags:
  - name: stable
    from:
      kind: DockerImage
      name: quay.example/team/app:stable
    importPolicy:
      scheduled: true
  - name: '1.0'
    from:
      kind: DockerImage
      name: quay.example/team/app:1.0
";

/// The same kind of stream as JSON.
const TOOLS: &str = r#"{
  "apiVersion": "image.openshift.io/v1",
  "kind": "ImageStream",
  "metadata": {"name": "tools", "namespace": "shop"},
  "spec": {
    "tags": [
      {"name": "cli", "from": {"kind": "DockerImage", "name": "ghcr.example/team/cli:2"}}
    ]
  }
}
"#;

/// Streams in a `kind: List`, one from a registry that is down.
const LIST: &str = "apiVersion: v1
kind: List
items:
- apiVersion: image.openshift.io/v1
  kind: ImageStream
  metadata:
    name: base
    namespace: shop
  spec:
    tags:
    - name: ubi
      from:
        kind: DockerImage
        name: quay.example/team/base:9
- apiVersion: image.openshift.io/v1
  kind: ImageStream
  metadata:
    name: edge
    namespace: shop
  spec:
    tags:
    - name: nightly
      from:
        kind: DockerImage
        name: down.example/team/edge:nightly
";

struct Checkout {
    _tmp: tempfile::TempDir,
    /// The work tree: the fixture, the streams above in `deploy/`, mirror rules in `.ci/`.
    root: PathBuf,
    registry: TestRegistry,
    /// A loopback port nothing listens on: the "registry" of `down.example`.
    dead: String,
}

impl Checkout {
    /// The fixture repository with the streams above in `deploy/`, committed to Git.
    fn new() -> Checkout {
        let registry = TestRegistry::plain();
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = support::gitops::gitops_repo(tmp.path());
        let checkout = Checkout {
            dead: format!("127.0.0.1:{}", free_port()),
            _tmp: tmp,
            root,
            registry,
        };
        checkout.write("deploy/app.yaml", APP);
        checkout.write("deploy/tools.json", TOOLS);
        checkout.write("deploy/list.yaml", LIST);
        checkout.write(".ci/mirrors.yaml", &checkout.mirrors());
        checkout.commit("initial");
        checkout
    }

    fn mirrors(&self) -> String {
        let mut sets = support::registry::loopback_mirror_sets(
            &["quay.example", "ghcr.example"],
            &self.registry.addr,
        );
        sets.push_str(&format!(
            "---\napiVersion: config.openshift.io/v1\nkind: ImageTagMirrorSet\nspec:\n  imageTagMirrors:\n  - source: down.example\n    mirrors: [\"{}\"]\n    mirrorSourcePolicy: NeverContactSource\n",
            self.dead
        ));
        sets
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("read")
    }

    /// Every file's bytes, to prove that nothing changed.
    fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read_dir") {
                let path = entry.expect("entry").path();
                if path.file_name().is_some_and(|n| n == ".git") {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let bytes = std::fs::read(&path).expect("read");
                    files.push((path, bytes));
                }
            }
        }
        files.sort();
        files
    }

    fn git(&self, args: &[&str]) {
        support::gitops::git(&self.root, args);
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-qm", message, "--allow-empty"]);
    }

    fn push(&self, repo: &str, tag: &str, seed: &str) -> String {
        let mut pusher = Pusher::new(&self.registry);
        pusher.seed = seed.to_owned();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(pusher.push(repo, tag, Kind::Schema2))
            .digest
    }

    /// Every image the streams name (the fixture's and `deploy/`'s), pushed once.
    fn push_all(&self) {
        for (repo, tag) in [
            ("team/app", "stable"),
            ("team/app", "1.0"),
            ("team/cli", "2"),
            ("team/base", "9"),
            ("team/web", "1.0"),
            ("team/web", "2.0"),
            ("team/web", "latest"),
            ("team/tools", "1.0"),
            ("team/api", "1.0"),
            ("team/worker", "1.0"),
            ("team/cron", "3.1"),
            ("team/reports", "1.0"),
        ] {
            self.push(repo, tag, "1");
        }
    }

    fn import(&self, args: &[&str]) -> Run {
        let mut command = streamlock(&self.root);
        command
            .current_dir(&self.root)
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .args(["import", "--mirror-config", ".ci/mirrors.yaml"])
            .args(["--insecure-registry", &self.registry.addr])
            .args(["--insecure-registry", &self.dead])
            .args(["--retries", "0", "--timeout", "5"])
            .args(args);
        run(&mut command)
    }

    /// The JSON report of a run with `args`.
    fn report(&self, args: &[&str]) -> (Run, serde_json::Value) {
        let path = self.path("report.json");
        let mut all = args.to_vec();
        let path_text = path.display().to_string();
        all.extend(["--report", path_text.as_str()]);
        let out = self.import(&all);
        let doc = serde_json::from_str(&std::fs::read_to_string(&path).expect("report"))
            .expect("report is JSON");
        std::fs::remove_file(&path).expect("remove report");
        (out, doc)
    }

    /// Registry requests for manifests since the last call.
    fn manifest_requests(&self, seen: &mut usize) -> Vec<String> {
        let all = self.registry.requests();
        let new: Vec<String> = all[*seen..]
            .iter()
            .filter(|r| r.contains("/manifests/"))
            .cloned()
            .collect();
        *seen = all.len();
        new
    }
}

fn imports<'a>(doc: &'a serde_json::Value, tag: &str) -> &'a serde_json::Value {
    doc["imports"]
        .as_array()
        .expect("imports")
        .iter()
        .find(|i| i["tag"] == tag)
        .unwrap_or_else(|| panic!("no import of {tag}: {doc:#}"))
}

/// Brings the checkout to "everything imported and committed" (the edge stream's registry is down,
/// so its tag is reported failed and left without status).
fn imported(checkout: &Checkout) {
    checkout.push_all();
    let out = checkout.import(&["--write"]);
    assert_eq!(
        out.code,
        Some(1),
        "edge is down: {}{}",
        out.stdout,
        out.stderr
    );
    assert!(checkout.read("deploy/app.yaml").contains("image: sha256:"));
    checkout.commit("import");
}

#[test]
fn a_pr_check_looks_up_nothing_after_an_unrelated_upstream_move() {
    let checkout = Checkout::new();
    imported(&checkout);
    let mut seen = checkout.registry.requests().len();
    checkout.push("team/app", "stable", "2"); // upstream moves
    let _ = checkout.manifest_requests(&mut seen); // the push itself
    // The edge tag has no status (its registry is down), so it is the only lookup; `--tag` leaves
    // it out to show a run whose every tag matches its status.
    let (out, doc) = checkout.report(&["--check", "--since", "HEAD"]);
    assert_eq!(imports(&doc, "nightly")["result"], "failed", "{doc:#}");
    assert_eq!(doc["summary"]["lookups"], 1, "{doc:#}");
    assert_eq!(out.code, Some(1));
    assert!(
        checkout.manifest_requests(&mut seen).is_empty(),
        "the dead registry is not the test registry: no request may reach it"
    );

    // Without the stream whose registry is down: zero requests, exit 0, whatever moved upstream.
    let (out, doc) = checkout.report(&["--check", "deploy/app.yaml", "deploy/tools.json"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert_eq!(doc["summary"]["lookups"], 0, "{doc:#}");
    assert_eq!(doc["summary"]["requests"], 0, "{doc:#}");
    assert!(checkout.manifest_requests(&mut seen).is_empty());
}

#[test]
fn one_new_tag_costs_one_lookup_and_scheduled_check_names_only_moved_scheduled_tags() {
    let checkout = Checkout::new();
    imported(&checkout);
    let files = ["deploy/app.yaml", "deploy/tools.json"];

    // A PR adds one tag.
    let app = checkout.read("deploy/app.yaml").replacen(
        "  - name: '1.0'\n",
        "  - name: '1.1'\n    from:\n      kind: DockerImage\n      name: quay.example/team/app:1.1\n  - name: '1.0'\n",
        1,
    );
    checkout.write("deploy/app.yaml", &app);
    checkout.push("team/app", "1.1", "1");
    let mut seen = checkout.registry.requests().len();
    let mut args = vec!["--check"];
    args.extend(files);
    let (out, doc) = checkout.report(&args);
    assert_eq!(out.code, Some(1), "the new tag has no status yet");
    assert_eq!(doc["summary"]["lookups"], 1, "{doc:#}");
    assert_eq!(imports(&doc, "1.1")["result"], "updated");
    let requests = checkout.manifest_requests(&mut seen);
    assert_eq!(requests.len(), 1, "one GET for one new tag: {requests:?}");
    assert!(
        requests[0].starts_with("GET /v2/team/app/manifests/1.1 "),
        "{requests:?}"
    );
    assert_eq!(
        doc["summary"]["registries"][0]["firstRequest"], "GET",
        "{doc:#}"
    );

    // Upstream moves the scheduled tag and an unscheduled one: --scheduled names only the first.
    let mut write = vec!["--write"];
    write.extend(files);
    assert_eq!(checkout.import(&write).code, Some(0));
    checkout.commit("add 1.1");
    let moved = checkout.push("team/app", "stable", "2");
    checkout.push("team/app", "1.0", "2");
    let mut args = vec!["--check", "--scheduled"];
    args.extend(files);
    let out = checkout.import(&args);
    assert_eq!(out.code, Some(1));
    let changed: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("would update"))
        .collect();
    assert_eq!(changed.len(), 1, "{}", out.stdout);
    assert!(changed[0].contains("shop/app:stable "), "{}", out.stdout);
    assert!(changed[0].contains(&moved), "{}", out.stdout);
}

#[test]
fn a_hand_edited_tag_is_looked_up_against_git() {
    let checkout = Checkout::new();
    imported(&checkout);
    let newer = checkout.push("team/app", "1.1", "2");
    // The edit a dependency bot makes: status still names the repository, so only Git can tell.
    let app = checkout
        .read("deploy/app.yaml")
        .replace("quay.example/team/app:1.0\n", "quay.example/team/app:1.1\n");
    checkout.write("deploy/app.yaml", &app);
    checkout.commit("bump");
    let files = ["deploy/app.yaml", "deploy/tools.json"];

    // HEAD already has the edit: only the base revision of the PR shows it.
    let mut args = vec!["--check"];
    args.extend(files);
    let (out, doc) = checkout.report(&args);
    assert_eq!(out.code, Some(0), "HEAD holds the edit: {doc:#}");
    let mut args = vec!["--check", "--since", "HEAD~1"];
    args.extend(files);
    let (out, doc) = checkout.report(&args);
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    assert_eq!(doc["summary"]["lookups"], 1, "{doc:#}");
    assert_eq!(imports(&doc, "1.0")["image"], newer.as_str());

    // An unknown revision named by the user is a set-up error, not a silent "nothing to compare".
    let mut args = vec!["--check", "--since", "no-such-rev"];
    args.extend(files);
    let out = checkout.import(&args);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("--since no-such-rev"), "{}", out.stderr);
}

#[test]
fn with_the_registry_unreachable_nothing_is_written_and_the_cause_is_named() {
    let checkout = Checkout::new();
    imported(&checkout);
    let before = checkout.snapshot();
    // Every registry is now a port where nothing listens.
    let dead_mirrors = checkout
        .mirrors()
        .replace(&checkout.registry.addr, &checkout.dead);
    checkout.write(".ci/mirrors.yaml", &dead_mirrors);
    let before_with_mirrors = checkout.snapshot();
    assert_ne!(before, before_with_mirrors);

    for quiet in [false, true] {
        let mut args = vec!["--write", "--all"];
        if quiet {
            args.push("-q");
        }
        let out = checkout.import(&args);
        assert_eq!(
            out.code,
            Some(1),
            "quiet={quiet}: {}{}",
            out.stdout,
            out.stderr
        );
        assert_eq!(
            checkout.snapshot(),
            before_with_mirrors,
            "quiet={quiet}: a byte changed"
        );
        for tag in [
            "shop/app:stable",
            "shop/app:1.0",
            "shop/tools:cli",
            "shop/base:ubi",
        ] {
            let line = out
                .stdout
                .lines()
                .find(|l| l.contains(&format!("{tag} ")))
                .unwrap_or_else(|| panic!("quiet={quiet}: {tag} not reported:\n{}", out.stdout));
            assert!(line.starts_with("failed"), "{line}");
            assert!(
                line.contains("Connection refused") || line.contains("connection refused"),
                "{line}"
            );
        }
        assert!(out.stdout.contains("not recorded; "), "{}", out.stdout);
        assert!(
            out.stdout.contains("refused the connection"),
            "the fix is named: {}",
            out.stdout
        );
    }
    let (_, doc) = checkout.report(&["--write", "--all"]);
    let stable = imports(&doc, "stable");
    assert_eq!(stable["result"], "failed");
    assert_eq!(stable["recorded"], false);
    assert!(
        stable["fix"].as_str().is_some_and(|f| !f.is_empty()),
        "{stable:#}"
    );
    // Every importable tag of the repository (the fixture's 8 and deploy/'s 5) failed, none recorded.
    assert_eq!(doc["summary"]["tags"], 13, "{doc:#}");
    assert_eq!(doc["summary"]["notRecorded"], 13, "{doc:#}");
}

#[test]
fn a_transient_failure_beside_a_not_found_writes_only_the_not_found() {
    let checkout = Checkout::new();
    checkout.push_all();
    // base:9 is missing in its registry; edge's registry is down.
    let list = LIST.replace("team/base:9", "team/base:404");
    checkout.write("deploy/list.yaml", &list);
    let out = checkout.import(&["--write", "deploy/list.yaml"]);
    assert_eq!(out.code, Some(1));
    let written = checkout.read("deploy/list.yaml");
    // The only change is a status block inserted into the first item.
    let start = written.find("  status:\n").expect("a status was written");
    let end = start + written[start..].find("\n- ").expect("second item") + 1;
    assert_eq!(
        format!("{}{}", &written[..start], &written[end..]),
        list,
        "bytes outside the status changed:\n{written}"
    );
    assert!(written.contains("reason: NotFound"), "{written}");
    assert!(
        written.contains("dockerimage.image.openshift.io \"quay.example/team/base:404\" not found"),
        "{written}"
    );
    assert_eq!(
        written.matches("tag: ").count(),
        1,
        "only the NotFound is recorded:\n{written}"
    );
    assert_eq!(written.matches("\n  status:\n").count(), 1, "{written}");
    assert!(!written.to_lowercase().contains("refused"), "{written}");

    // The report says which failure was recorded, and the dead place is named with its fix.
    let (_, doc) = checkout.report(&["--write", "deploy/list.yaml"]);
    assert_eq!(imports(&doc, "ubi")["recorded"], true);
    let nightly = imports(&doc, "nightly");
    assert_eq!(nightly["recorded"], false);
    let message = nightly["message"].as_str().expect("message");
    assert!(message.contains(&checkout.dead), "{message}");
    assert!(
        message.contains("source down.example/team/edge not contacted: NeverContactSource"),
        "{message}"
    );
}

#[test]
fn an_http_registry_without_insecure_says_how_to_fix_it() {
    let checkout = Checkout::new();
    checkout.push_all();
    let mut command = streamlock(&checkout.root);
    command
        .current_dir(&checkout.root)
        .args([
            "import",
            "--write",
            "--mirror-config",
            ".ci/mirrors.yaml",
            "deploy/app.yaml",
        ])
        .args(["--retries", "0"]);
    let before = checkout.read("deploy/app.yaml");
    let out = run(&mut command);
    assert_eq!(out.code, Some(1));
    assert_eq!(checkout.read("deploy/app.yaml"), before, "nothing written");
    let addr = &checkout.registry.addr;
    assert!(
        out.stdout
            .contains(&format!("add --insecure-registry {addr}")),
        "{}",
        out.stdout
    );
}

#[test]
fn the_offline_check_says_one_line_on_success_and_names_the_hook_on_failure() {
    let checkout = Checkout::new();
    let files = ["deploy/app.yaml", "deploy/tools.json"];
    let offline = |quiet: bool| {
        let mut command = streamlock(&checkout.root);
        command
            .current_dir(&checkout.root)
            .args(["import", "--check", "--offline"])
            .args(files);
        if quiet {
            command.arg("-q");
        }
        run(&mut command)
    };
    let out = offline(false);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("3 tags have no up-to-date status"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("pre-commit run streamlock-import --hook-stage manual"),
        "{}",
        out.stderr
    );
    checkout.push_all();
    let mut write = vec!["--write"];
    write.extend(files);
    assert_eq!(checkout.import(&write).code, Some(0));
    let out = offline(false);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "streamlock: status is up to date for 3 importable tags in 2 ImageStreams\n"
    );
    let out = offline(true);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (Some(0), "", "")
    );
}

#[test]
fn a_file_that_cannot_be_edited_reports_its_tags_as_not_written() {
    let checkout = Checkout::new();
    checkout.push_all();
    // An anchored status cannot be replaced without changing what the alias shares.
    let anchored =
        format!("{APP}status: &shared\n  dockerImageRepository: \"\"\nx-copy: *shared\n");
    checkout.write("deploy/app.yaml", &anchored);
    let (out, doc) = checkout.report(&["--write", "deploy/app.yaml"]);
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    assert_eq!(
        checkout.read("deploy/app.yaml"),
        anchored,
        "nothing written"
    );
    assert!(
        out.stderr
            .contains("streamlock: not edited: deploy/app.yaml:"),
        "{}",
        out.stderr
    );
    for tag in ["stable", "1.0"] {
        let line = imports(&doc, tag);
        assert_eq!(line["result"], "failed", "{line:#}");
        assert_eq!(line["recorded"], false, "{line:#}");
        assert!(
            line["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("not written: ")),
            "{line:#}"
        );
    }
    assert_eq!(
        doc["summary"]["updated"], 0,
        "no report claims an update: {doc:#}"
    );
}

#[test]
fn two_runs_over_the_same_state_count_the_same_requests() {
    let checkout = Checkout::new();
    // Half the images exist: hits and misses in the same repositories, looked up concurrently.
    for (repo, tag) in [
        ("team/app", "stable"),
        ("team/web", "1.0"),
        ("team/api", "1.0"),
    ] {
        checkout.push(repo, tag, "1");
    }
    let counts: Vec<serde_json::Value> = (0..3)
        .map(|_| {
            let (_, doc) = checkout.report(&["--check", "--all"]);
            doc["summary"]["requests"].clone()
        })
        .collect();
    assert!(counts[0].as_u64().is_some_and(|n| n > 0), "{counts:?}");
    assert!(counts.iter().all(|c| *c == counts[0]), "{counts:?}");
}
