//! Promotion between streams as the server does it, in a Git repository against a real registry
//! (docker-registry on loopback): `prod` copies `dev`'s image when `prod`'s spec changes, keeps it
//! while `dev` moves on, and pulls a copy of an internal-registry image through its own name.
//!
//! References name `quay.example`; mirror rules send it to the test registry and never to the source.

mod support;

use std::path::PathBuf;

use support::cli::{Run, import_in, push_seeded, run, streamlock};
use support::gitops;
use support::images::Kind;
use support::registry::{TestRegistry, loopback_mirror_sets};

const DEV: &str = "apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: dev
  namespace: shop
spec:
  tags:
  - name: '1.0'
    from:
      kind: DockerImage
      name: quay.example/team/app:1.0
  - name: '1.1'
    from:
      kind: DockerImage
      name: quay.example/team/app:1.1
";

const PROD: &str = "apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: prod
  namespace: shop
spec:
  tags:
  - name: live
    from:
      kind: ImageStreamTag
      name: dev:1.0
";

struct Checkout {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    registry: TestRegistry,
}

impl Checkout {
    fn new(files: &[(&str, &str)]) -> Checkout {
        let registry = TestRegistry::plain();
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("repo");
        let checkout = Checkout {
            _tmp: tmp,
            root,
            registry,
        };
        for (name, text) in files {
            checkout.write(name, text);
        }
        let mirrors = loopback_mirror_sets(&["quay.example"], &checkout.registry.addr);
        checkout.write(".ci/mirrors.yaml", &mirrors);
        gitops::git(&checkout.root, &["init", "-q"]);
        checkout.commit("initial");
        checkout
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.root.join(name)).expect("read")
    }

    fn commit(&self, message: &str) {
        gitops::commit(&self.root, message);
    }

    /// Pushes `team/app:TAG`; another `seed` makes another image.
    fn push(&self, tag: &str, seed: &str) -> String {
        push_seeded(&self.registry, "team/app", tag, Kind::Schema2, seed).digest
    }

    fn import(&self, args: &[&str]) -> Run {
        let out = run(import_in(&self.root, &self.registry).args(args));
        assert!(
            matches!(out.code, Some(0 | 1)),
            "{args:?}: {}{}",
            out.stdout,
            out.stderr
        );
        out
    }
}

/// `FIELD` of `items[0]` of status tag `tag` (as written: `"1.0"` for a quoted tag) in `text`.
fn current(text: &str, tag: &str, field: &str) -> Option<String> {
    let status = &text[text.find("\nstatus:")?..];
    let block = &status[status.find(&format!("tag: {tag}\n"))?..];
    let prefix = format!("{field}: ");
    let line = block
        .lines()
        .find(|l| l.trim_start().starts_with(&prefix))?;
    Some(line.trim_start()[prefix.len()..].to_owned())
}

/// Asserts that status tag `tag` of `text` records `image` now.
fn assert_current(text: &str, tag: &str, image: &str) {
    assert_eq!(
        current(text, tag, "image").as_deref(),
        Some(image),
        "{text}"
    );
}

#[test]
fn prod_keeps_its_copy_while_dev_moves_and_takes_a_new_one_when_its_spec_changes() {
    let checkout = Checkout::new(&[("dev.yaml", DEV), ("prod.yaml", PROD)]);
    let first = checkout.push("1.0", "1");
    let next = checkout.push("1.1", "1");

    // First run: dev is imported, prod copies dev:1.0 in the same run.
    checkout.import(&["--write"]);
    let prod = checkout.read("prod.yaml");
    assert_current(&prod, "live", &first);
    checkout.commit("import");

    // Upstream moves 1.0; a scheduled-style re-import of dev records it, prod keeps its copy.
    let moved = checkout.push("1.0", "2");
    assert_ne!(moved, first);
    checkout.import(&["--write", "--all"]);
    let dev = checkout.read("dev.yaml");
    assert_current(&dev, r#""1.0""#, &moved);
    assert_eq!(checkout.read("prod.yaml"), prod, "prod is not followed");
    checkout.commit("dev moved");

    // An unchanged repository: nothing to do, prod included.
    let out = checkout.import(&["--check"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);

    // Promotion: prod's spec now names dev:1.1 (an edit since HEAD that status cannot show).
    checkout.write("prod.yaml", &prod.replace("name: dev:1.0", "name: dev:1.1"));
    let out = checkout.import(&["--check"]);
    assert_eq!(
        out.code,
        Some(1),
        "the edit is a change: {}{}",
        out.stdout,
        out.stderr
    );
    checkout.import(&["--write"]);
    let promoted = checkout.read("prod.yaml");
    assert_current(&promoted, "live", &next);
    checkout.commit("promote");

    // `generation: 0` (a client's "again") copies dev:1.1's image of now.
    let newest = checkout.push("1.1", "2");
    checkout.import(&["--write", "--all"]);
    assert_current(&checkout.read("prod.yaml"), "live", &next);
    checkout.commit("dev 1.1 moved");
    let again = promoted.replace(
        "      name: dev:1.1\n",
        "      name: dev:1.1\n    generation: 0\n",
    );
    assert_ne!(again, promoted);
    checkout.write("prod.yaml", &again);
    checkout.import(&["--write"]);
    let copied = checkout.read("prod.yaml");
    assert_current(&copied, "live", &newest);
}

#[test]
fn a_copy_from_the_internal_registry_is_pulled_through_the_copying_stream() {
    const HOST: &str = "image-registry.openshift-image-registry.svc:5000";
    let digest = format!("sha256:{}", "ab".repeat(32));
    // dev holds a build's output (pushed to the internal registry, no spec tag); prod promotes it.
    let dev = format!(
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\n  namespace: shop-dev\nspec:\n  tags: []\nstatus:\n  dockerImageRepository: {HOST}/shop-dev/app\n  tags:\n  - tag: '1.0'\n    items:\n    - created: '2026-01-01T00:00:00Z'\n      dockerImageReference: {HOST}/shop-dev/app@{digest}\n      image: {digest}\n      generation: 1\n"
    );
    let prod = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\n  namespace: shop\nspec:\n  tags:\n  - name: '1.0'\n    from:\n      kind: ImageStreamTag\n      name: app:1.0\n      namespace: shop-dev\n";
    let cluster = format!(
        "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata:\n  name: cluster\nstatus:\n  internalRegistryHostname: {HOST}\n"
    );
    let local = format!("{HOST}/shop/app@{digest}");
    let source = format!("{HOST}/shop-dev/app@{digest}");
    // From `--cluster-config`, and from the Image object found among the files.
    for (files, args) in [
        (
            // Outside the repository: only the flag brings it in.
            vec![
                ("dev.yaml", dev.as_str()),
                ("prod.yaml", prod),
                ("../cluster.yaml", cluster.as_str()),
            ],
            vec!["--cluster-config", "../cluster.yaml"],
        ),
        (
            vec![
                ("dev.yaml", dev.as_str()),
                ("prod.yaml", prod),
                ("image.yaml", cluster.as_str()),
            ],
            vec![],
        ),
    ] {
        let checkout = Checkout::new(&files);
        let mut all = vec!["--write", "--offline"];
        all.extend(&args);
        checkout.import(&all);
        let written = checkout.read("prod.yaml");
        assert_eq!(
            current(&written, r#""1.0""#, "dockerImageReference"),
            Some(local.clone()),
            "{written}"
        );
        assert_current(&written, r#""1.0""#, &digest);
        // Without the cluster's internal registry the source's pull spec stays.
        let checkout = Checkout::new(&[("dev.yaml", dev.as_str()), ("prod.yaml", prod)]);
        checkout.import(&["--write", "--offline"]);
        let written = checkout.read("prod.yaml");
        assert_eq!(
            current(&written, r#""1.0""#, "dockerImageReference"),
            Some(source.clone()),
            "{written}"
        );
    }
}

/// `streamlock tag` writes what `oc tag` sends but `generation: 0` (see README): the next import
/// looks the tag up because the Git rule sees a new or changed spec, and the one after looks up
/// nothing.
#[test]
fn tags_written_by_streamlock_tag_are_looked_up_once() {
    let empty = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: prod\n  namespace: shop\nspec:\n  tags: []\n";
    let checkout = Checkout::new(&[("dev.yaml", DEV), ("prod.yaml", empty)]);
    let first = checkout.push("1.0", "1");
    let next = checkout.push("1.1", "1");
    checkout.import(&["--write"]);
    checkout.commit("import");

    let tag = |args: &[&str]| {
        let out = run(streamlock(&checkout.root)
            .current_dir(&checkout.root)
            .arg("tag")
            .args(args));
        assert_eq!(out.code, Some(0), "{args:?}: {}", out.stderr);
    };
    // A copy (pinned as an ImageStreamImage) and an external image.
    tag(&["dev:1.0", "prod:live"]);
    tag(&["quay.example/team/app:1.1", "prod:edge"]);
    let tagged = checkout.read("prod.yaml");
    assert_eq!(tagged.matches("importMode: Legacy").count(), 2, "{tagged}");
    assert!(!tagged.contains("generation"), "{tagged}");
    assert_eq!(checkout.import(&["--check"]).code, Some(1));
    checkout.import(&["--write"]);
    let imported = checkout.read("prod.yaml");
    assert_current(&imported, "live", &first);
    assert_current(&imported, "edge", &next);
    checkout.commit("tagged");

    let before = checkout.registry.requests().len();
    let out = checkout.import(&["--check"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert_eq!(
        checkout.registry.requests().len(),
        before,
        "nothing looked up"
    );
}
