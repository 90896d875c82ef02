//! `streamlock import` end to end against a real registry (docker-registry on loopback): the cron
//! scenario, the PR check, the pre-commit check, status files, pins and failures.

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use support::images::{Kind, Pusher};
use support::registry::TestRegistry;

/// A throw-away Git-like repository with one stream file naming `registry.example.com`, which a mirror
/// rule sends to the test registry.
struct Repo {
    dir: tempfile::TempDir,
    registry: TestRegistry,
}

const STREAM: &str = r#"# Platform images.
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: tools
  namespace: ci
spec:
  tags:
  - name: stable   # moves with releases
    from:
      kind: DockerImage
      name: registry.example.com/team/tool:stable
    importPolicy:
      scheduled: true
  - name: multi
    from:
      kind: DockerImage
      name: registry.example.com/team/multi:1
    importPolicy:
      importMode: PreserveOriginal
  - name: current
    from:
      kind: ImageStreamTag
      name: stable
"#;

impl Repo {
    fn new() -> Repo {
        let registry = TestRegistry::plain();
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("tools.yaml"), STREAM).expect("write");
        // Mirrors that never fall back to the source: no lookup may leave loopback.
        let mirrors =
            support::registry::loopback_mirror_sets(&["registry.example.com"], &registry.addr);
        std::fs::create_dir(dir.path().join(".config")).expect("mkdir");
        std::fs::write(dir.path().join(".config/mirrors.yaml"), mirrors).expect("write");
        Repo { dir, registry }
    }

    /// The network flags every online run uses.
    fn net(&self) -> Vec<String> {
        vec![
            "--mirror-config".into(),
            self.path(".config/mirrors.yaml").display().to_string(),
            "--insecure-registry".into(),
            self.registry.addr.clone(),
        ]
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("read")
    }

    fn push(&self, repo: &str, tag: &str, kind: Kind, seed: &str) -> String {
        let mut pusher = Pusher::new(&self.registry);
        pusher.seed = seed.to_string();
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(pusher.push(repo, tag, kind)).digest
    }

    /// Makes the directory a Git repository with everything committed, as a user's checkout is.
    fn commit(&self) {
        for args in [
            &["init", "-q"][..],
            &["add", "-A"],
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "commit",
                "-qm",
                "status",
            ],
        ] {
            let status = std::process::Command::new("git")
                .current_dir(self.dir.path())
                .args(args)
                .status()
                .expect("git");
            assert!(status.success(), "git {args:?}");
        }
    }

    fn import(&self, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("streamlock")
            .expect("binary")
            .current_dir(self.dir.path())
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .env("STREAMLOCK_LOG", "off")
            .env("HOME", self.dir.path())
            .env_remove("DOCKER_CONFIG")
            .env_remove("REGISTRY_AUTH_FILE")
            .env_remove("XDG_RUNTIME_DIR")
            .arg("import")
            .args(self.net())
            .args(args)
            .output()
            .expect("run")
    }
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn report(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("report")).expect("json")
}

#[test]
fn cron_scenario_records_moves_and_is_idempotent() {
    let repo = Repo::new();
    let first = repo.push("team/tool", "stable", Kind::Schema2, "1");
    let list = repo.push("team/multi", "1", Kind::OciIndex, "1");

    let out = repo.import(&["--write"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = repo.read("tools.yaml");
    assert!(
        written.starts_with(STREAM),
        "spec bytes changed:\n{written}"
    );
    assert!(
        written.contains(&format!(
            "      dockerImageReference: registry.example.com/team/tool@{first}\n"
        )),
        "{written}"
    );
    // PreserveOriginal keeps the index itself; the alias copies its source's item.
    assert!(
        written.contains(&format!("registry.example.com/team/multi@{list}")),
        "{written}"
    );
    assert_eq!(
        written.matches(&format!("image: {first}")).count(),
        2,
        "alias did not follow:\n{written}"
    );

    // Nothing moved: a second run (even at a later time) changes nothing, byte for byte.
    let out = Command::cargo_bin("streamlock")
        .expect("binary")
        .current_dir(repo.dir.path())
        .env("SOURCE_DATE_EPOCH", "1767311999")
        .args(["import", "--scheduled", "--write"])
        .args(repo.net())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        repo.read("tools.yaml"),
        written,
        "second run was not a no-op"
    );

    // A new image behind the scheduled tag becomes a new TagEvent on top; history is kept.
    let second = repo.push("team/tool", "stable", Kind::Schema2, "2");
    assert_ne!(first, second);
    let summary = repo.path("summary.md");
    let out = repo.import(&[
        "--scheduled",
        "--write",
        "--summary",
        summary.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let moved = repo.read("tools.yaml");
    let new_item = moved.find(&format!("image: {second}")).expect("new item");
    let old_item = moved
        .find(&format!("image: {first}"))
        .expect("old item kept");
    assert!(new_item < old_item, "new event must come first:\n{moved}");
    let markdown = std::fs::read_to_string(&summary).expect("summary");
    assert!(markdown.contains("| ci/tools | stable |"), "{markdown}");
    assert!(markdown.contains("**2 updated**"), "{markdown}");
}

#[test]
fn pr_check_names_the_moved_tag_and_precommit_check_is_offline() {
    let repo = Repo::new();
    repo.push("team/tool", "stable", Kind::Schema2, "1");
    repo.push("team/multi", "1", Kind::DockerList, "1");

    // Before any import the offline check fails, naming the tags; it needs no network at all.
    let out = Command::cargo_bin("streamlock")
        .expect("binary")
        .current_dir(repo.dir.path())
        .args(["import", "--check", "--offline"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("stable"), "{}", stdout(&out));

    assert_eq!(repo.import(&["--write"]).status.code(), Some(0));
    let clean = Command::cargo_bin("streamlock")
        .expect("binary")
        .current_dir(repo.dir.path())
        .args(["import", "--check", "--offline"])
        .output()
        .expect("run");
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert_eq!(
        repo.import(&["--check", "--scheduled"]).status.code(),
        Some(0)
    );

    let moved = repo.push("team/tool", "stable", Kind::Schema2, "2");
    let before = repo.read("tools.yaml");
    let out = repo.import(&["--check", "--scheduled"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    // Each tag that would change is listed once, with its file and the new digest in full.
    let stable: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("ci/tools:stable "))
        .collect();
    assert_eq!(stable.len(), 1, "{text}");
    assert!(
        stable[0].starts_with("would update tools.yaml: ci/tools:stable "),
        "{text}"
    );
    assert!(stable[0].contains("moved from sha256:"), "{text}");
    assert!(stable[0].contains(&moved), "{text}");
    assert!(!text.contains("ci/tools:multi "), "{text}");
    assert_eq!(repo.read("tools.yaml"), before, "--check must not write");
}

#[test]
fn diff_and_json_report_describe_the_same_change() {
    let repo = Repo::new();
    let digest = repo.push("team/tool", "stable", Kind::Schema2, "1");
    repo.push("team/multi", "1", Kind::Oci, "1");
    let out = repo.import(&["--diff", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let diff = doc["diff"].as_str().expect("diff field");
    assert!(
        diff.starts_with("diff --git a/tools.yaml b/tools.yaml\n"),
        "{diff}"
    );
    assert!(diff.contains(&format!("+      image: {digest}")), "{diff}");
    let stable = doc["imports"]
        .as_array()
        .expect("imports")
        .iter()
        .find(|i| i["tag"] == "stable")
        .expect("stable");
    assert_eq!(stable["result"], "updated");
    assert_eq!(stable["image"], digest.as_str());
    assert_eq!(
        stable["dockerImageReference"],
        format!("registry.example.com/team/tool@{digest}")
    );
    assert_eq!(stable["requests"].as_u64().map(|r| r >= 1), Some(true));
    assert_eq!(doc["summary"]["failed"], 0);
    assert_eq!(repo.read("tools.yaml"), STREAM, "--diff must not write");
}

#[test]
fn a_missing_image_fails_with_openshifts_reason_and_keeps_earlier_items() {
    let repo = Repo::new();
    repo.push("team/tool", "stable", Kind::Schema2, "1");
    repo.push("team/multi", "1", Kind::Schema2, "1");
    assert_eq!(repo.import(&["--write"]).status.code(), Some(0));
    let before = repo.read("tools.yaml");
    repo.commit();

    // The tag now points at a version that does not exist. Status cannot show that edit (it records
    // the repository and digest, not the tag): the comparison with Git's HEAD does.
    let edited = before.replace("team/multi:1\n", "team/multi:2\n");
    std::fs::write(repo.path("tools.yaml"), &edited).expect("write");
    let report_path = repo.path("report.json");
    let out = repo.import(&["--write", "--report", report_path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "a failed tag is exit 1");
    let after = repo.read("tools.yaml");
    assert!(after.contains("reason: NotFound"), "{after}");
    assert!(
        after.contains("message: dockerimage.image.openshift.io \"registry.example.com/team/multi:2\" not found"),
        "{after}"
    );
    assert!(after.contains("status: \"False\""), "{after}");
    assert!(after.contains("type: ImportSuccess"), "{after}");
    assert!(
        after.contains("registry.example.com/team/multi@sha256:"),
        "earlier item lost:\n{after}"
    );
    let doc = report(&report_path);
    let multi = doc["imports"]
        .as_array()
        .expect("imports")
        .iter()
        .find(|i| i["tag"] == "multi")
        .cloned()
        .expect("multi");
    assert_eq!(multi["result"], "failed");
    assert_eq!(multi["reason"], "NotFound");

    // The same failure again changes nothing (lastTransitionTime kept).
    let out = Command::cargo_bin("streamlock")
        .expect("binary")
        .current_dir(repo.dir.path())
        .env("SOURCE_DATE_EPOCH", "1767400000")
        .args(["import", "--write", "--all"])
        .args(repo.net())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(repo.read("tools.yaml"), after);
}

#[test]
fn status_dir_leaves_manifests_untouched() {
    let repo = Repo::new();
    let digest = repo.push("team/tool", "stable", Kind::Schema2, "1");
    repo.push("team/multi", "1", Kind::Schema2, "1");
    let out = repo.import(&["--status-dir", "status"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(repo.read("tools.yaml"), STREAM);
    let status = repo.read("status/ci/tools.yaml");
    assert!(status.starts_with("apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: tools\n  namespace: ci\nstatus:\n"), "{status}");
    assert!(status.contains(&format!("image: {digest}")), "{status}");
    // The status file is what the next run compares against: nothing to do.
    let again = repo.import(&["--status-dir", "status", "--all"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(repo.read("status/ci/tools.yaml"), status);
}

#[test]
fn pin_rewrites_from_name_to_the_imported_digest() {
    let repo = Repo::new();
    let digest = repo.push("team/tool", "stable", Kind::Schema2, "1");
    repo.push("team/multi", "1", Kind::Schema2, "1");
    assert_eq!(repo.import(&["--write", "--pin"]).status.code(), Some(0));
    let pinned = repo.read("tools.yaml");
    assert!(
        pinned.contains(&format!(
            "      name: registry.example.com/team/tool:stable@{digest}\n"
        )),
        "{pinned}"
    );
    // Lint is still clean and a rerun is a no-op; a move updates the pin.
    assert_eq!(
        repo.import(&["--write", "--pin", "--scheduled"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(repo.read("tools.yaml"), pinned);
    let moved = repo.push("team/tool", "stable", Kind::Schema2, "2");
    assert_eq!(
        repo.import(&["--write", "--pin", "--scheduled"])
            .status
            .code(),
        Some(0)
    );
    assert!(
        repo.read("tools.yaml")
            .contains(&format!("tool:stable@{moved}\n"))
    );
}

/// Manifest requests the registry logged since `seen`, as `METHOD /v2/…/manifests/…`.
fn manifest_methods(repo: &Repo, seen: &mut usize) -> Vec<String> {
    let all = repo.registry.requests();
    let new = all[*seen..]
        .iter()
        .filter(|line| line.contains("/manifests/"))
        .map(|line| line.split(' ').next().unwrap_or("").to_owned())
        .collect();
    *seen = all.len();
    new
}

#[test]
fn lookups_start_with_a_get_unless_head_first_is_asked_for() {
    let repo = Repo::new();
    repo.push("team/tool", "stable", Kind::Schema2, "1");
    repo.push("team/multi", "1", Kind::OciIndex, "1");
    let mut seen = repo.registry.requests().len();

    // One GET per lookup, and one per child of the PreserveOriginal index (four), which the
    // importer checks.
    let out = repo.import(&["--diff", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(manifest_methods(&repo, &mut seen), ["GET"; 2 + 4]);
    let registries = &doc["summary"]["registries"];
    assert_eq!(registries[0]["registry"], repo.registry.addr.as_str());
    assert_eq!(registries[0]["firstRequest"], "GET");
    // Manifest lookups: the two tags and the index's four children.
    assert_eq!(registries[0]["lookups"], 2 + 4);
    // Beside them only the ping: an HTTPS attempt this plain registry refuses, then `GET /v2/`.
    assert_eq!(doc["summary"]["requests"], 2 + 4 + 2);

    // --head-first: a HEAD each, which gives the digest of a single image and of a whole index;
    // the index's body (a GET) names the children, each checked with a HEAD.
    let out = repo.import(&[
        "--diff",
        "--format",
        "json",
        "--head-first",
        &repo.registry.addr,
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut methods = manifest_methods(&repo, &mut seen);
    methods.sort();
    assert_eq!(
        methods,
        ["GET", "HEAD", "HEAD", "HEAD", "HEAD", "HEAD", "HEAD"]
    );
    assert_eq!(doc["summary"]["registries"][0]["firstRequest"], "HEAD");

    // The same from .streamlock.yaml, shown with -v.
    let config = format!("head-first:\n  - {}\n", repo.registry.addr);
    std::fs::write(repo.path(".streamlock.yaml"), config).expect("write");
    let out = repo.import(&["--diff", "-v"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(&format!(
            "  {}: 6 lookups started with a HEAD",
            repo.registry.addr
        )),
        "{text}"
    );
    assert!(manifest_methods(&repo, &mut seen).contains(&"HEAD".to_owned()));

    // A head-first entry that is not a host is refused, naming the place.
    std::fs::write(repo.path(".streamlock.yaml"), "head-first:\n  - [x]\n").expect("write");
    let out = repo.import(&["--diff"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(".streamlock.yaml:2:5: a head-first entry must be a registry host[:port]"),
        "{text}"
    );
}
