//! The cluster a repository targets, as users give it: an Image object (`config.openshift.io/v1`,
//! `cluster`) with mirror sets, named by `--cluster-config`, by `cluster-config:` in
//! `.streamlock.yaml`, or simply found among the files. Every case runs in all three placements;
//! lookups go to a real registry on loopback through the cluster's own mirror sets.

mod support;

use std::path::PathBuf;

use assert_cmd::Command;
use support::images::{Kind, Pusher};
use support::registry::TestRegistry;

const INTERNAL: &str = "image-registry.openshift-image-registry.svc:5000";
const EXTERNAL: &str = "default-route-openshift-image-registry.apps.example.com";

/// Where the cluster's objects are.
#[derive(Clone, Copy, Debug)]
enum Placement {
    /// Outside the tree, named by `--cluster-config`.
    Flag,
    /// Outside the tree, named by `cluster-config:` in the tree's `.streamlock.yaml`.
    Config,
    /// Among the input files.
    Tree,
}

const ALL: [Placement; 3] = [Placement::Flag, Placement::Config, Placement::Tree];

struct Setup {
    dir: tempfile::TempDir,
    placement: Placement,
}

impl Setup {
    /// `repo/` holds `stream` as tools.yaml; the cluster file holds `cluster` (placed as asked).
    fn new(placement: Placement, stream: &str, cluster: &str) -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("repo")).expect("mkdir");
        std::fs::write(dir.path().join("repo/tools.yaml"), stream).expect("write");
        let setup = Setup { dir, placement };
        std::fs::write(setup.cluster_file(), cluster).expect("write");
        if let Placement::Config = placement {
            std::fs::write(
                setup.repo().join(".streamlock.yaml"),
                "cluster-config:\n  - ../cluster.yaml\n",
            )
            .expect("write");
        }
        setup
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn cluster_file(&self) -> PathBuf {
        match self.placement {
            Placement::Tree => self.repo().join("cluster.yaml"),
            _ => self.dir.path().join("cluster.yaml"),
        }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::cargo_bin("streamlock").expect("binary");
        cmd.current_dir(self.repo())
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .env("STREAMLOCK_LOG", "off")
            .env("NO_COLOR", "1")
            .env("HOME", self.dir.path())
            .env_remove("DOCKER_CONFIG")
            .env_remove("REGISTRY_AUTH_FILE")
            .env_remove("XDG_RUNTIME_DIR")
            .args(args);
        if let Placement::Flag = self.placement {
            cmd.arg("--cluster-config").arg(self.cluster_file());
        }
        cmd.output().expect("run")
    }
}

/// An Image object for a cluster with an internal registry and an allow list, importing
/// PreserveOriginal by default, with `extra` appended (mirror sets).
fn image_config(insecure: &str, extra: &str) -> String {
    image_config_blocking(insecure, "[]", extra)
}

/// [`image_config`] with `blocked` (a YAML list) as `registrySources.blockedRegistries`.
fn image_config_blocking(insecure: &str, blocked: &str, extra: &str) -> String {
    format!(
        "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata:\n  name: cluster\nspec:\n  allowedRegistriesForImport:\n  - domainName: registry.example.com\n  registrySources:\n    blockedRegistries: {blocked}\n    insecureRegistries:\n    - \"{insecure}\"\n  imageStreamImportMode: Legacy\nstatus:\n  imageStreamImportMode: PreserveOriginal\n  internalRegistryHostname: {INTERNAL}\n  externalRegistryHostnames:\n  - {EXTERNAL}\n---\n{extra}"
    )
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// A registry on loopback serving `team/NAME:1` of `kind`, and mirror sets that send
/// registry.example.com there (so no lookup leaves loopback).
struct Served {
    registry: TestRegistry,
    pushed: support::images::Pushed,
    mirrors: String,
}

fn serve(registry: TestRegistry, name: &str, kind: Kind, seed: &str) -> Served {
    let mut pusher = Pusher::new(&registry);
    pusher.seed = seed.into();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let pushed = runtime.block_on(pusher.push(&format!("team/{name}"), "1", kind));
    let mirrors =
        support::registry::loopback_mirror_sets(&["registry.example.com"], &registry.addr);
    Served {
        registry,
        pushed,
        mirrors,
    }
}

/// Runs `import ARGS --format json`, expecting exit `code`; the report's lines.
fn import_json(setup: &Setup, args: &[&str], code: i32) -> Vec<serde_json::Value> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = setup.run(&all);
    let placement = setup.placement;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{placement:?}: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    report["imports"].as_array().expect("imports").clone()
}

/// The report line of `tag`.
fn line<'a>(lines: &'a [serde_json::Value], tag: &str) -> &'a serde_json::Value {
    lines
        .iter()
        .find(|l| l["tag"] == tag)
        .unwrap_or_else(|| panic!("{tag} not reported: {lines:?}"))
}

const LINTED: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: tools\n  namespace: ci\nspec:\n  tags:\n  - name: ok\n    from:\n      kind: DockerImage\n      name: registry.example.com/team/tool:1\n  - name: other\n    from:\n      kind: DockerImage\n      name: quay.io/team/tool:1\n";

#[test]
fn lint_reports_registries_the_cluster_does_not_allow() {
    for placement in ALL {
        let setup = Setup::new(placement, LINTED, &image_config("127.0.0.1:1", ""));
        let out = setup.run(&["lint"]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{placement:?}: {stdout}");
        assert!(
            stdout.contains(&format!(
                "Forbidden: registry \"quay.io\" not allowed by whitelist: \"{INTERNAL}\", \"registry.example.com:443\""
            )),
            "{placement:?}: {stdout}"
        );
        assert!(stdout.contains("registry-not-allowed"), "{stdout}");
        assert_eq!(
            stdout.matches("not allowed by whitelist").count(),
            1,
            "{stdout}"
        );
    }
    // Without a cluster: every registry is allowed.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("tools.yaml"), LINTED).expect("write");
    let out = Command::cargo_bin("streamlock")
        .expect("binary")
        .current_dir(dir.path())
        .env("STREAMLOCK_LOG", "off")
        .arg("lint")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn a_malformed_image_object_is_reported_with_its_place() {
    let bad = "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata:\n  name: cluster\nspec:\n  allowedRegistriesForImport:\n  - domainName: quay.io\n    insecure: maybe\n";
    for placement in ALL {
        let setup = Setup::new(placement, LINTED, bad);
        let shown = format!("{}:8:15", setup.cluster_file().display());
        let place = |s: &str| s.contains("cluster.yaml:8:15") || s.contains(&shown);
        let lint = setup.run(&["lint", "--format", "github"]);
        let stdout = text(&lint.stdout);
        assert_eq!(lint.status.code(), Some(1), "{placement:?}: {stdout}");
        assert!(
            stdout.contains("spec.allowedRegistriesForImport[].insecure: expected a boolean")
                && stdout.contains("line=8,col=15"),
            "{placement:?}: {stdout}"
        );
        let import = setup.run(&["import", "--check", "--offline"]);
        let stderr = text(&import.stderr);
        assert_eq!(import.status.code(), Some(2), "{placement:?}: {stderr}");
        assert!(place(&stderr), "{placement:?}: {stderr}");
    }
}

const IMPORTED: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: tools\n  namespace: ci\nspec:\n  tags:\n  - name: multi\n    from:\n      kind: DockerImage\n      name: registry.example.com/team/multi:1\n    referencePolicy:\n      type: Local\n";

#[test]
fn import_records_what_this_cluster_would() {
    // The cluster's own mirror sets send registry.example.com to loopback; its insecureRegistries
    // let the plain-HTTP mirror be used.
    let served = serve(TestRegistry::plain(), "multi", Kind::DockerList, "cluster");
    let list = &served.pushed.digest;
    for placement in ALL {
        let cluster = image_config(&served.registry.addr, &served.mirrors);
        let setup = Setup::new(placement, IMPORTED, &cluster);
        import_json(&setup, &["import", "--write"], 0);
        let written = std::fs::read_to_string(setup.repo().join("tools.yaml")).expect("read");
        // PreserveOriginal by the cluster's default: the list itself is the image.
        assert!(
            written.contains(&format!("image: {list}")),
            "{placement:?}: {written}"
        );
        assert!(
            written.contains(&format!("dockerImageRepository: {INTERNAL}/ci/tools")),
            "{placement:?}: {written}"
        );
        assert!(
            written.contains(&format!("publicDockerImageRepository: {EXTERNAL}/ci/tools")),
            "{placement:?}: {written}"
        );
        // A second run has nothing to do.
        let again = setup.run(&["import", "--check"]);
        assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));
        // describe shows the repository as oc does, and the Local pull spec through it.
        let described = setup.run(&["describe", "istag/tools:multi"]);
        let shown = text(&described.stdout);
        assert!(
            shown.contains(&format!("{INTERNAL}/ci/tools@{list}")),
            "{placement:?}: {shown}"
        );
        let described = setup.run(&["describe", "is/tools"]);
        let shown = text(&described.stdout);
        assert!(
            shown.contains(&format!("Image Repository:\t{EXTERNAL}/ci/tools")),
            "{placement:?}: {shown}"
        );
    }
}

/// Tags choosing from one list in Legacy mode: no preference, a lone prefer-arch, a lone prefer-os,
/// and a preference no child has.
const PLATFORMS: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: tools\n  namespace: ci\nspec:\n  tags:\n  - name: plain\n    from: {kind: DockerImage, name: registry.example.com/team/multi:1}\n    importPolicy: {importMode: Legacy}\n  - name: arch\n    annotations: {importer.image.openshift.io/prefer-arch: ppc64le}\n    from: {kind: DockerImage, name: registry.example.com/team/multi:1}\n    importPolicy: {importMode: Legacy}\n  - name: os\n    annotations: {importer.image.openshift.io/prefer-os: linux}\n    from: {kind: DockerImage, name: registry.example.com/team/multi:1}\n    importPolicy: {importMode: Legacy}\n  - name: missing\n    annotations: {importer.image.openshift.io/prefer-arch: riscv64}\n    from: {kind: DockerImage, name: registry.example.com/team/multi:1}\n    importPolicy: {importMode: Legacy}\n";

#[test]
fn legacy_list_choice_follows_the_control_planes_platform() {
    let served = serve(TestRegistry::plain(), "multi", Kind::OciIndex, "platform");
    let list = &served.pushed;
    for placement in ALL {
        let cluster = image_config(&served.registry.addr, &served.mirrors);
        let setup = Setup::new(placement, PLATFORMS, &cluster);
        let mut args = vec!["import", "--write"];
        match placement {
            Placement::Flag => args.extend(["--platform", "linux/arm64"]),
            _ => {
                let config = setup.repo().join(".streamlock.yaml");
                let before = std::fs::read_to_string(&config).unwrap_or_default();
                std::fs::write(&config, format!("{before}platform: linux/arm64\n")).expect("write");
            }
        }
        let lines = import_json(&setup, &args, 0);
        let image_of = |tag: &str| line(&lines, tag)["image"].as_str().map(str::to_owned);
        // The platform itself; a lone half filled from it, as the importer does; and when no child
        // matches, linux/amd64 (not the platform).
        assert_eq!(
            image_of("plain").as_deref(),
            Some(list.child("arm64")),
            "{placement:?}"
        );
        assert_eq!(
            image_of("arch").as_deref(),
            Some(list.child("ppc64le")),
            "{placement:?}"
        );
        assert_eq!(
            image_of("os").as_deref(),
            Some(list.child("arm64")),
            "{placement:?}"
        );
        assert_eq!(
            image_of("missing").as_deref(),
            Some(list.child("amd64")),
            "{placement:?}"
        );
    }
}

const BLOCKED: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: tools\n  namespace: ci\nspec:\n  tags:\n  - name: blocked\n    from: {kind: DockerImage, name: blocked.example.com/team/tool:1}\n  - name: mirrored\n    from: {kind: DockerImage, name: registry.example.com/team/tool:1}\n    importPolicy: {importMode: Legacy}\n";

#[test]
fn blocked_registries_fail_as_the_importer_fails_them() {
    let served = serve(TestRegistry::plain(), "tool", Kind::Schema2, "blocked");
    for placement in ALL {
        // registry.example.com is blocked too, but as a mirror set's source it is not blocked for
        // imports.
        let cluster = image_config_blocking(
            &served.registry.addr,
            "[blocked.example.com, registry.example.com]",
            &served.mirrors,
        );
        let setup = Setup::new(placement, BLOCKED, &cluster);
        let lines = import_json(&setup, &["import", "--write"], 1);
        let blocked = line(&lines, "blocked");
        assert_eq!(blocked["reason"], "Forbidden", "{blocked}");
        assert_eq!(
            blocked["message"], "forbidden: registry blocked.example.com blocked",
            "{blocked}"
        );
        assert_eq!(blocked["requests"], 0, "{blocked}");
        assert_eq!(
            line(&lines, "mirrored")["image"],
            served.pushed.digest.as_str()
        );
        let written = std::fs::read_to_string(setup.repo().join("tools.yaml")).expect("read");
        assert!(
            written.contains("reason: Forbidden")
                && written.contains("message: \"forbidden: registry blocked.example.com blocked\""),
            "{placement:?}: {written}"
        );
    }
}

#[test]
fn tag_refuses_what_the_server_would_refuse() {
    for placement in ALL {
        let setup = Setup::new(placement, LINTED, &image_config("127.0.0.1:1", ""));
        let file = setup.repo().join("tools.yaml");
        let out = setup.run(&["tag", "quay.io/team/tool:2", "tools:new"]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{placement:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "ImageStreamTag.image.openshift.io \"tools:new\" is invalid: tag.from.name: Forbidden: registry \"quay.io\" not allowed by whitelist: \"{INTERNAL}\", \"registry.example.com:443\""
            )),
            "{placement:?}: {stderr}"
        );
        assert_eq!(std::fs::read_to_string(&file).expect("read"), LINTED);
        // A tag that already names the repository may move within it; allowed registries pass.
        for (source, dest) in [
            ("quay.io/team/tool:2", "tools:other"),
            ("registry.example.com/team/tool:2", "tools:new"),
        ] {
            let out = setup.run(&["tag", source, dest]);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{placement:?} {dest}: {}",
                text(&out.stderr)
            );
        }
        let written = std::fs::read_to_string(&file).expect("read");
        assert!(
            written.contains("quay.io/team/tool:2")
                && written.contains("registry.example.com/team/tool:2"),
            "{placement:?}: {written}"
        );
    }
}

const TRUSTED: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: tools\n  namespace: ci\nspec:\n  tags:\n  - name: tls\n    from: {kind: DockerImage, name: registry.example.com/team/tool:1}\n    importPolicy: {importMode: Legacy}\n";

#[test]
fn the_additional_trusted_ca_config_map_is_trusted() {
    let tls = support::registry::Options {
        tls: true,
        ..Default::default()
    };
    let served = serve(TestRegistry::start(tls), "tool", Kind::Schema2, "trusted");
    let ca_file = served.registry.ca_file.as_ref().expect("CA");
    let ca = std::fs::read_to_string(ca_file).expect("read CA");
    let indented: String = ca.lines().map(|l| format!("    {l}\n")).collect();
    let config_map = format!(
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: registry-cas\n  namespace: openshift-config\ndata:\n  registry.example.com: |\n{indented}"
    );
    let cluster = |trusted: bool| {
        let objects = format!("{}\n{config_map}", served.mirrors);
        let config = image_config("unused.example.com", &objects);
        let named = "spec:\n  additionalTrustedCA:\n    name: registry-cas\n";
        if trusted {
            config.replacen("spec:\n", named, 1)
        } else {
            config
        }
    };
    for placement in ALL {
        let setup = Setup::new(placement, TRUSTED, &cluster(true));
        let lines = import_json(&setup, &["import", "--write"], 0);
        assert_eq!(line(&lines, "tls")["image"], served.pushed.digest.as_str());
    }
    // The same ConfigMap not named by the Image object is not trusted: no image is recorded (the
    // stream's repositories are, as they do not depend on the registry).
    let setup = Setup::new(Placement::Tree, TRUSTED, &cluster(false));
    let out = setup.run(&["import", "--write"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let written = std::fs::read_to_string(setup.repo().join("tools.yaml")).expect("read");
    assert!(
        !written.contains("image: ") && !written.contains("tags:\n  - tag"),
        "{written}"
    );
}

#[test]
fn describe_remote_reads_a_tag_in_the_clusters_default_mode() {
    let served = serve(TestRegistry::plain(), "multi", Kind::DockerList, "describe");
    for placement in ALL {
        let cluster = image_config(&served.registry.addr, &served.mirrors);
        let setup = Setup::new(placement, IMPORTED, &cluster);
        // No status yet: the source is looked up; PreserveOriginal by default, so the list itself.
        let out = setup.run(&["describe", "istag/tools:multi", "--remote"]);
        let shown = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{placement:?}: {}",
            text(&out.stderr)
        );
        assert!(shown.contains("Manifests:"), "{placement:?}: {shown}");
        let child = served.pushed.child("arm64");
        assert!(shown.contains(child), "{placement:?}: {shown}");
    }
}

const NO_TAGS: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: tools\n  namespace: ci\nspec:\n  tags: []\n";

#[test]
fn checks_name_a_repository_the_cluster_would_show_differently() {
    for placement in ALL {
        let setup = Setup::new(placement, NO_TAGS, &image_config("127.0.0.1:1", ""));
        let want = format!(
            "tools.yaml: ci/tools: this cluster shows status.dockerImageRepository \"{INTERNAL}/ci/tools\" and status.publicDockerImageRepository \"{EXTERNAL}/ci/tools\""
        );
        for args in [
            &["import", "--check", "--offline"][..],
            &["import", "--check"],
        ] {
            let out = setup.run(args);
            let stdout = text(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{placement:?} {args:?}: {stdout}"
            );
            assert!(stdout.contains(&want), "{placement:?} {args:?}: {stdout}");
        }
        // No lookup is needed to write it; then both checks pass.
        let out = setup.run(&["import", "--write", "--offline"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        for args in [
            &["import", "--check", "--offline"][..],
            &["import", "--check"],
        ] {
            let out = setup.run(args);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{placement:?} {args:?}: {}",
                text(&out.stdout)
            );
        }
    }
}
