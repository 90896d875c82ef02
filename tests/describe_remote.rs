//! `streamlock describe istag/… --remote` against a real registry (docker-registry on loopback): the
//! image metadata of a schema 2 image, an OCI image and a manifest list, in `oc describe istag`'s
//! layout, written by hand (digests aside) at a fixed SOURCE_DATE_EPOCH.

mod support;

use assert_cmd::Command;
use support::images::{Kind, Pusher};
use support::registry::TestRegistry;

/// 2026-01-01T00:00:00Z
const NOW: &str = "1767225600";

const STREAM: &str = r#"apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: team
spec:
  tags:
  - name: rich
    annotations:
      description: The web front end
      tags: web
    from:
      kind: DockerImage
      name: registry.example.com/team/rich:1
  - name: oci
    from:
      kind: DockerImage
      name: registry.example.com/team/oci:1
  - name: multi
    from:
      kind: DockerImage
      name: registry.example.com/team/multi:1
    importPolicy:
      importMode: PreserveOriginal
  - name: fresh
    from:
      kind: DockerImage
      name: registry.example.com/team/multi:1
  - name: gone
    from:
      kind: DockerImage
      name: registry.example.com/team/gone:1
status:
  dockerImageRepository: ""
  tags:
  - tag: rich
    items:
    - created: "2025-12-31T22:00:00Z"
      dockerImageReference: registry.example.com/team/rich@RICH
      image: RICH
      generation: 1
  - tag: oci
    items:
    - created: "2025-12-31T22:00:00Z"
      dockerImageReference: registry.example.com/team/oci@OCI
      image: OCI
      generation: 1
  - tag: multi
    items:
    - created: "2025-12-25T00:00:00Z"
      dockerImageReference: registry.example.com/team/multi@MULTI
      image: MULTI
      generation: 1
  - tag: gone
    items:
    - created: "2025-12-25T00:00:00Z"
      dockerImageReference: registry.example.com/team/gone@sha256:0000000000000000000000000000000000000000000000000000000000000000
      image: sha256:0000000000000000000000000000000000000000000000000000000000000000
      generation: 1
"#;

/// A stream file naming `registry.example.com`, which a mirror set that never contacts the source
/// sends to the test registry: nothing may leave loopback.
struct Setup {
    dir: tempfile::TempDir,
    registry: TestRegistry,
    pusher: Pusher,
    runtime: tokio::runtime::Runtime,
}

impl Setup {
    fn new() -> Setup {
        let registry = TestRegistry::plain();
        let dir = tempfile::tempdir().expect("tempdir");
        let mirrors =
            support::registry::loopback_mirror_sets(&["registry.example.com"], &registry.addr);
        std::fs::write(dir.path().join("mirrors.conf"), mirrors).expect("write");
        let pusher = Pusher::new(&registry);
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        Setup {
            dir,
            registry,
            pusher,
            runtime,
        }
    }

    /// Pushes one image with this config (padded with spaces to `config_size` bytes) and layers.
    fn push_image(&self, repo: &str, oci: bool, config: &str, layers: &[Vec<u8>]) -> String {
        let mut config = config.as_bytes().to_vec();
        config.resize(config.len().max(1000), b' ');
        assert_eq!(config.len(), 1000, "configs here are 1000 bytes");
        let (media_type, config_type, layer_type) = support::images::media_types(oci);
        self.runtime.block_on(async {
            let config_digest = self.pusher.blob(repo, &config).await;
            let mut descriptors = Vec::new();
            for layer in layers {
                let digest = self.pusher.blob(repo, layer).await;
                descriptors.push(serde_json::json!({"mediaType": layer_type, "digest": digest, "size": layer.len()}));
            }
            let manifest = serde_json::to_vec(&serde_json::json!({
                "schemaVersion": 2, "mediaType": media_type,
                "config": {"mediaType": config_type, "digest": config_digest, "size": config.len()},
                "layers": descriptors,
            }))
            .expect("json");
            self.pusher.manifest(repo, "1", media_type, &manifest).await
        })
    }

    fn write_stream(&self, rich: &str, oci: &str, multi: &str) {
        let text = STREAM
            .replace("RICH", rich)
            .replace("OCI", oci)
            .replace("MULTI", multi);
        std::fs::write(self.dir.path().join("app.yaml"), text).expect("write");
    }

    fn describe(&self, target: &str) -> std::process::Output {
        Command::cargo_bin("streamlock")
            .expect("binary")
            .current_dir(self.dir.path())
            .env("SOURCE_DATE_EPOCH", NOW)
            .env("STREAMLOCK_LOG", "off")
            .env("HOME", self.dir.path())
            .env_remove("DOCKER_CONFIG")
            .env_remove("REGISTRY_AUTH_FILE")
            .env_remove("XDG_RUNTIME_DIR")
            .args(["describe", target, "app.yaml", "--remote"])
            .args(["--mirror-config", "mirrors.conf"])
            .args(["--insecure-registry", &self.registry.addr])
            .output()
            .expect("run")
    }
}

fn success(out: &std::process::Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const RICH_CONFIG: &str = r#"{"created":"2025-12-01T00:00:00Z","author":"Web Team <web@example.com>",
"architecture":"arm64","os":"linux","config":{"Entrypoint":["/usr/bin/tini","--"],
"Cmd":["httpd","-D","FOREGROUND"],"WorkingDir":"/srv","User":"1001",
"ExposedPorts":{"8443/tcp":{},"8080/tcp":{}},"Labels":{"vendor":"Example","io.k8s.display-name":"Web"},
"Env":["PATH=/usr/bin:/bin","HOME=/srv"],"Volumes":{"/srv/data":{},"/cache":{}}},
"rootfs":{"type":"layers","diff_ids":[]}}"#;

#[test]
fn schema2_oci_and_list_in_ocs_layout() {
    let setup = Setup::new();
    let small = vec![b'a'; 1500];
    let big = vec![b'b'; 250_000];
    // The small layer twice: listed twice, counted once in the size.
    let rich = setup.push_image(
        "team/rich",
        false,
        RICH_CONFIG,
        &[small.clone(), big.clone(), small.clone()],
    );
    let oci = setup.push_image(
        "team/oci",
        true,
        r#"{"architecture":"amd64","os":"linux","config":{"Entrypoint":null,"Cmd":null}}"#,
        &[vec![b'c'; 999]],
    );
    let multi = setup
        .runtime
        .block_on(setup.pusher.push("team/multi", "1", Kind::DockerList));
    setup.write_stream(&rich, &oci, &multi.digest);
    let (small_digest, big_digest) = (
        support::images::sha256(&small),
        support::images::sha256(&big),
    );

    let want = format!(
        "Image Name:\t{rich}\n\
         Docker Image:\tregistry.example.com/team/rich@{rich}\n\
         Name:\t\t{rich}\n\
         Description:\tThe web front end\n\
         Annotations:\ttags=web\n\
         Image Size:\t252.5kB in 3 layers\n\
         Layers:\t\t1.5kB\t{small_digest}\n\
         \t\t250kB\t{big_digest}\n\
         \t\t1.5kB\t{small_digest}\n\
         Image Created:\t4 weeks ago\n\
         Author:\t\tWeb Team <web@example.com>\n\
         Arch:\t\tarm64\n\
         Entrypoint:\t/usr/bin/tini --\n\
         Command:\thttpd -D FOREGROUND\n\
         Working Dir:\t/srv\n\
         User:\t\t1001\n\
         Exposes Ports:\t8080/tcp, 8443/tcp\n\
         Docker Labels:\tio.k8s.display-name=Web\n\
         \t\tvendor=Example\n\
         Environment:\tPATH=/usr/bin:/bin\n\
         \t\tHOME=/srv\n\
         Volumes:\t/cache\n\
         \t\t/srv/data\n"
    );
    assert_eq!(success(&setup.describe("istag/app:rich")), want);

    // This config has no `created`: oc would print "292 years ago" (Go's zero time); no age is told.
    let layer = support::images::sha256(&[b'c'; 999]);
    let want = format!(
        "Image Name:\t{oci}\n\
         Docker Image:\tregistry.example.com/team/oci@{oci}\n\
         Name:\t\t{oci}\n\
         Image Size:\t1.999kB in 1 layers\n\
         Layers:\t\t999B\t{layer}\n\
         Image Created:\t<none>\n\
         Author:\t\t<none>\n\
         Arch:\t\tamd64\n\
         Command:\t<none>\n\
         Working Dir:\t<none>\n\
         User:\t\t<none>\n\
         Exposes Ports:\t<none>\n\
         Docker Labels:\t<none>\n"
    );
    assert_eq!(success(&setup.describe("istag/app:oci")), want);

    let m = &multi.children;
    let want = format!(
        "Image Name:\t{list}\n\
         Docker Image:\tregistry.example.com/team/multi@{list}\n\
         Name:\t\t{list}\n\
         Layer Size:\t0B\n\
         Image Created:\t7 days ago\n\
         Author:\t\t<none>\n\
         Arch:\t\t<none>\n\
         Manifests:\tlinux/amd64\t{amd64}\n\
         \t\tlinux/arm64\t{arm64}\n\
         \t\tlinux/ppc64le\t{ppc64le}\n\
         \t\tlinux/s390x\t{s390x}\n\
         Command:\t<none>\n\
         Working Dir:\t<none>\n\
         User:\t\t<none>\n\
         Exposes Ports:\t<none>\n\
         Docker Labels:\t<none>\n",
        list = multi.digest,
        amd64 = m[0].1,
        arm64 = m[1].1,
        ppc64le = m[2].1,
        s390x = m[3].1,
    );
    assert_eq!(success(&setup.describe("istag/app:multi")), want);
}

/// `isimage/app@PREFIX --remote` is DescribeImage of that image: what `istag` shows for the tag that
/// holds it, less the tag's annotations (an ImageStreamImage shows the Image's own), and a list
/// stays the list, whatever the tag's import mode.
#[test]
fn image_stream_images_read_the_image_they_name() {
    let setup = Setup::new();
    let rich = setup.push_image("team/rich", false, RICH_CONFIG, &[vec![b'a'; 1500]]);
    let multi = setup
        .runtime
        .block_on(setup.pusher.push("team/multi", "1", Kind::DockerList));
    setup.write_stream(&rich, "sha256:1", &multi.digest);

    let tag = success(&setup.describe("istag/app:rich"));
    let without_annotations: String = tag
        .lines()
        .filter(|l| !l.starts_with("Description:") && !l.starts_with("Annotations:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(without_annotations.contains("\nArch:\t\tarm64\n"), "{tag}");
    let prefix = &rich["sha256:".len().."sha256:".len() + 12];
    let before = setup.registry.requests().len();
    let image = success(&setup.describe(&format!("isimage/app@{prefix}")));
    assert_eq!(image, without_annotations);
    // The API check, the manifest by digest and the image's config: nothing more.
    let requests = setup.registry.requests();
    let kinds: Vec<&str> = requests[before..]
        .iter()
        .map(|r| match r {
            r if r.contains("/manifests/") => "manifest",
            r if r.contains("/blobs/") => "blob",
            _ => "api check",
        })
        .collect();
    assert_eq!(kinds, ["api check", "manifest", "blob"], "{requests:?}");

    let list = success(&setup.describe(&format!("isimage/team/app@{}", multi.digest)));
    assert_eq!(list, success(&setup.describe("istag/app:multi")));
    assert!(list.contains("\nManifests:\tlinux/amd64\t"), "{list}");

    // A child of the list is in no tag's history: not found, before any request.
    let child = &multi.children[0].1;
    let out = setup.describe(&format!("isimage/app@{child}"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("streamlock: imagestreamimages.image.openshift.io \"{child}\" not found\n")
    );
}

/// Go's zero time written out, as some image builders leave `created`: no age either.
#[test]
fn a_config_created_at_gos_zero_time_has_no_age() {
    let setup = Setup::new();
    let config = r#"{"created":"0001-01-01T00:00:00Z","architecture":"amd64","os":"linux"}"#;
    let rich = setup.push_image("team/rich", false, config, &[vec![b'z'; 10]]);
    setup.write_stream(&rich, "y", "z");
    let text = success(&setup.describe("istag/app:rich"));
    assert!(
        text.contains("\nImage Created:\t<none>\nAuthor:\t\t<none>\nArch:\t\tamd64\n"),
        "{text}"
    );
    assert!(!text.contains("years"), "{text}");
}

#[test]
fn a_tag_without_status_shows_what_an_import_would_record() {
    let setup = Setup::new();
    let multi = setup
        .runtime
        .block_on(setup.pusher.push("team/multi", "1", Kind::OciIndex));
    setup.write_stream("x", "y", "z");
    // Legacy mode: the list's linux/amd64 child, as the importer would pick it.
    let child = multi.legacy_default();
    let text = success(&setup.describe("istag/app:fresh"));
    let head = format!(
        "Image Name:\t{child}\n\
         Docker Image:\tregistry.example.com/team/multi@{child}\n\
         Name:\t\t{child}\n\
         Image Size:\t"
    );
    assert!(text.starts_with(&head), "{text}");
    assert!(text.contains("\nArch:\t\tamd64\n"), "{text}");
    assert!(
        text.contains("\nDocker Labels:\ttest.image=team/multi:1 seed 1\n"),
        "{text}"
    );
}

#[test]
fn failures_say_what_is_missing_and_exit_2() {
    let setup = Setup::new();
    setup.write_stream("x", "y", "z");
    let out = setup.describe("istag/app:gone");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("registry.example.com/team/gone@sha256:0000")
            && stderr.contains("not found"),
        "{stderr}"
    );
    let out = setup.describe("istag/app:nosuch");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "streamlock: imagestreamtags.image.openshift.io \"app:nosuch\" not found\n"
    );
    let out = setup.describe("is/app");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn tls_and_credentials_as_import_uses_them_and_no_secret_is_printed() {
    let registry = TestRegistry::tls_with_login("alice", "s3cret-pw");
    let pusher = Pusher::new(&registry);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let pushed = runtime.block_on(pusher.push("team/oci", "1", Kind::Oci));
    let dir = tempfile::tempdir().expect("tempdir");
    let stream = STREAM
        .replace("registry.example.com", &registry.addr)
        .replace("OCI", &pushed.digest);
    std::fs::write(dir.path().join("app.yaml"), stream).expect("write");
    let ca = registry.ca_file.clone().expect("CA");
    let run = |password: &str, with_ca: bool| {
        let auth = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("alice:{password}"),
        );
        let auth_file = dir.path().join("auth.json");
        std::fs::write(
            &auth_file,
            format!(r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#, registry.addr),
        )
        .expect("write");
        let mut command = Command::cargo_bin("streamlock").expect("binary");
        command
            .current_dir(dir.path())
            .env("STREAMLOCK_LOG", "debug")
            .env("HOME", dir.path())
            .env_remove("DOCKER_CONFIG")
            .env_remove("REGISTRY_AUTH_FILE")
            .env_remove("XDG_RUNTIME_DIR")
            .args([
                "describe",
                "istag/app:oci",
                "app.yaml",
                "--remote",
                "--retries",
                "0",
            ])
            .arg("--auth-file")
            .arg(&auth_file);
        if with_ca {
            command.arg("--ca-file").arg(&ca);
        }
        command.output().expect("run")
    };
    let good = run("s3cret-pw", true);
    let text = success(&good);
    assert!(text.contains("\nArch:\t\tamd64\n"), "{text}");
    let all = |out: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    assert!(!all(&good).contains("s3cret"), "{}", all(&good));

    let wrong = run("wrong-pw", true);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        all(&wrong).contains("may not have access"),
        "{}",
        all(&wrong)
    );
    assert!(!all(&wrong).contains("wrong-pw"), "{}", all(&wrong));

    // Without the CA the certificate is not trusted: verification stays on.
    let untrusted = run("s3cret-pw", false);
    assert_eq!(untrusted.status.code(), Some(2), "{}", all(&untrusted));
}
