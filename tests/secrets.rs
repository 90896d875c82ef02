//! Secret hygiene: `streamlock import` in every output mode and format, with credentials from every
//! source, accepted and refused, must never show a password or token — not on stdout or stderr, not
//! in debug logs, reports, summaries or written files. And Authorization must never reach a redirect
//! target on another host, nor a host that did not challenge for it.

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use streamlock::registry::DOCKER_SCHEMA2;
use support::cli::{Run, push, run, streamlock, write_stream};
use support::faults::{Action, FaultServer, Request};
use support::images::{Kind, sha256};
use support::registry::TestRegistry;

const USER: &str = "deployer";
const PASSWORD: &str = "pw-Correct-Horse-4b1d";
const WRONG: &str = "pw-Wrong-Battery-93e0";
const TOKEN: &str = "tok-Bearer-Secret-55aa";
const REFRESH: &str = "tok-Refresh-Secret-c0de";
const MANIFEST: &[u8] =
    br#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}"#;

/// Where the credentials come from.
#[derive(Clone, Copy, Debug)]
enum Source {
    AuthFileFlag,
    RegistryAuthFile,
    DockerConfig,
    HomeDockerConfig,
    XdgRuntimeDir,
    PullSecretJson,
    PullSecretCfg,
    Helper,
}

const SOURCES: [Source; 8] = [
    Source::AuthFileFlag,
    Source::RegistryAuthFile,
    Source::DockerConfig,
    Source::HomeDockerConfig,
    Source::XdgRuntimeDir,
    Source::PullSecretJson,
    Source::PullSecretCfg,
    Source::Helper,
];

/// Every spelling of `secret` that could leak: as is, and inside a Basic authorization value.
fn spellings(secrets: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
    for s in secrets {
        all.push(STANDARD.encode(format!("{USER}:{s}")));
        all.push(
            STANDARD
                .encode(format!("{USER}:{s}"))
                .trim_end_matches('=')
                .to_owned(),
        );
    }
    all
}

/// Fails naming the place if any secret appears in `text`.
fn assert_clean(place: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{place} shows a secret ({secret}):\n{text}"
        );
    }
}

/// Every file under `dir`, recursively, read and checked.
fn assert_files_clean(dir: &Path, secrets: &[String]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            assert_files_clean(&path, secrets);
        } else if let Ok(bytes) = std::fs::read(&path) {
            assert_clean(
                &path.display().to_string(),
                &String::from_utf8_lossy(&bytes),
                secrets,
            );
        }
    }
}

/// One scenario's files: a repository, a home, and the places credentials and outputs go.
struct Scene {
    dir: tempfile::TempDir,
}

impl Scene {
    fn new(stream_from: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["home", "bin", "docker", "run/containers", "out"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("dir");
        }
        write_stream(&dir.path().join("repo"), "app", stream_from);
        Scene { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Sets up `source` to hold `user:password` for `host`; returns `streamlock import` using it.
    fn credentials(&self, source: Source, host: &str, password: &str) -> Command {
        let auth = STANDARD.encode(format!("{USER}:{password}"));
        let auths = format!(r#"{{"auths":{{"{host}":{{"auth":"{auth}"}}}}}}"#);
        let fields = format!(
            r#"{{"auths":{{"https://{host}":{{"username":"{USER}","password":"{password}"}}}}}}"#
        );
        let mut command = streamlock(&self.path("home"));
        command.arg("import");
        let write = |name: &str, text: &str| {
            let path = self.path(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            std::fs::write(&path, text).expect("write credentials");
            path
        };
        match source {
            Source::AuthFileFlag => {
                command.arg("--auth-file").arg(write("auth.json", &auths));
            }
            Source::RegistryAuthFile => {
                command.env("REGISTRY_AUTH_FILE", write("other/auth.json", &auths));
            }
            Source::DockerConfig => {
                write("docker/config.json", &fields);
                command.env("DOCKER_CONFIG", self.path("docker"));
            }
            Source::HomeDockerConfig => {
                write("home/.docker/config.json", &auths);
            }
            Source::XdgRuntimeDir => {
                write("run/containers/auth.json", &fields);
                command.env("XDG_RUNTIME_DIR", self.path("run"));
            }
            Source::PullSecretJson => {
                let secret = format!(
                    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: pull\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {}\n",
                    STANDARD.encode(&auths)
                );
                command
                    .arg("--pull-secret")
                    .arg(write("secret.yaml", &secret));
            }
            Source::PullSecretCfg => {
                let cfg = format!(r#"{{"{host}":{{"auth":"{auth}"}}}}"#);
                let secret = format!(
                    r#"{{"apiVersion":"v1","kind":"Secret","metadata":{{"name":"pull"}},"type":"kubernetes.io/dockercfg","data":{{".dockercfg":"{}"}}}}"#,
                    STANDARD.encode(cfg)
                );
                command
                    .arg("--pull-secret")
                    .arg(write("secret.json", &secret));
            }
            Source::Helper => {
                let helper = self.path("bin/docker-credential-secrets");
                std::fs::write(
                    &helper,
                    format!(
                        "#!/bin/sh\ncat >/dev/null\nprintf '{{\"Username\":\"{USER}\",\"Secret\":\"{password}\"}}'\n"
                    ),
                )
                .expect("helper");
                std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755))
                    .expect("chmod");
                write(
                    "docker/config.json",
                    &format!(r#"{{"credHelpers":{{"{host}":"secrets"}}}}"#),
                );
                command.env("DOCKER_CONFIG", self.path("docker")).env(
                    "PATH",
                    format!(
                        "{}:{}",
                        self.path("bin").display(),
                        std::env::var("PATH").unwrap_or_default()
                    ),
                );
            }
        }
        command
    }
}

/// The output modes and formats, each with debug logs on: (name, arguments after `import`).
fn modes(scene: &Scene) -> Vec<(&'static str, Vec<String>)> {
    let p = |name: &str| scene.path(name).display().to_string();
    let owned = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        (
            "--diff human",
            owned(&[
                "--diff",
                "--report",
                &p("out/r1.json"),
                "--summary",
                &p("out/s1.md"),
            ]),
        ),
        ("--diff json", owned(&["--diff", "--format", "json"])),
        (
            "--check json",
            owned(&["--check", "--format", "json", "--report", &p("out/r2.json")]),
        ),
        ("--check human", owned(&["--check", "--all"])),
        (
            "--write",
            owned(&["--write", "--pin", "--summary", &p("out/s2.md")]),
        ),
        (
            "--status-dir json",
            owned(&[
                "--status-dir",
                &p("out/status"),
                "--all",
                "--format",
                "json",
            ]),
        ),
    ]
}

/// Runs every mode with `configure`d credentials; checks outputs and every file; returns the runs.
fn every_mode(
    scene: &Scene,
    configure: &dyn Fn() -> Command,
    extra: &[String],
    secrets: &[String],
) -> Vec<(String, Run)> {
    let mut runs = Vec::new();
    for (name, args) in modes(scene) {
        // Trace logs (every crate, every request) once; debug logs everywhere.
        let logs: &[&str] = if runs.is_empty() {
            &["debug", "trace"]
        } else {
            &["debug"]
        };
        for log in logs {
            let mut command = configure();
            command
                .current_dir(scene.path("repo"))
                .env("STREAMLOCK_LOG", log)
                .arg("-vv")
                .args(&args)
                .args(extra);
            let outcome = run(&mut command);
            let place = format!("{name} (STREAMLOCK_LOG={log})");
            assert!(
                matches!(outcome.code, Some(0 | 1)),
                "{place}: exit {:?}\n{}",
                outcome.code,
                outcome.stderr
            );
            assert_clean(&format!("{place} stdout"), &outcome.stdout, secrets);
            assert_clean(&format!("{place} stderr"), &outcome.stderr, secrets);
            runs.push((place, outcome));
        }
    }
    assert_files_clean(&scene.path("repo"), secrets);
    assert_files_clean(&scene.path("out"), secrets);
    runs
}

#[test]
fn no_password_in_any_output_from_any_source() {
    let registry = TestRegistry::tls_with_login(USER, PASSWORD);
    let pushed = push(&registry, "private/app", "v1", Kind::DockerList);
    let from = format!("{}/private/app:v1", registry.addr);
    let ca = registry.ca_file.clone().expect("TLS registry");
    let extra = vec!["--ca-file".to_owned(), ca.display().to_string()];
    let secrets = spellings(&[PASSWORD, WRONG]);
    for source in SOURCES {
        for (password, accepted) in [(PASSWORD, true), (WRONG, false)] {
            let scene = Scene::new(&[("v1", &from)]);
            let configure = || scene.credentials(source, &registry.addr, password);
            let runs = every_mode(&scene, &configure, &extra, &secrets);
            // The credentials really were used (or really refused): the run is not vacuous.
            let (place, first) = &runs[0];
            let stdout_and_err = format!("{}{}", first.stdout, first.stderr);
            if accepted {
                assert_eq!(first.code, Some(0), "{source:?} {place}: {}", first.stderr);
                assert!(
                    stdout_and_err.contains(&pushed.child("amd64")[..19]),
                    "{source:?}: the import did not succeed\n{stdout_and_err}"
                );
            } else {
                assert_eq!(first.code, Some(1), "{source:?} {place}");
                assert!(
                    stdout_and_err.contains("Unauthorized"),
                    "{source:?}: a wrong password must fail\n{stdout_and_err}"
                );
            }
        }
    }
}

/// A bearer registry on the fault server: the token endpoint wants Basic credentials (GET) or a
/// refresh token (POST), and manifests want the token it issued.
fn bearer_registry(r: &Request) -> Action {
    let host = r.header("host").unwrap_or("").to_owned();
    let challenge = format!(r#"Bearer realm="http://{host}/token",service="fake""#);
    let basic = format!("Basic {}", STANDARD.encode(format!("{USER}:{PASSWORD}")));
    if r.path == "/v2/" {
        return Action::status(401).header("www-authenticate", &challenge);
    }
    if r.path.starts_with("/token") {
        let form = String::from_utf8_lossy(&r.body);
        let granted = match r.method.as_str() {
            "GET" => r.header("authorization") == Some(basic.as_str()),
            _ => form.contains(&format!("refresh_token={REFRESH}")),
        };
        return if granted {
            Action::json(200, &format!(r#"{{"token":"{TOKEN}","expires_in":300}}"#))
        } else {
            Action::json(401, r#"{"details":"incorrect username or password"}"#)
        };
    }
    if r.header("authorization") == Some(format!("Bearer {TOKEN}").as_str()) {
        Action::manifest(DOCKER_SCHEMA2, MANIFEST, Some(&sha256(MANIFEST)))
    } else {
        Action::status(401).header("www-authenticate", &challenge)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_in_any_output() {
    let server = FaultServer::start(bearer_registry).await;
    let addr = server.addr.clone();
    tokio::task::spawn_blocking(move || {
        let from = format!("{addr}/team/app:v1");
        let extra = vec!["--insecure-registry".to_owned(), addr.clone()];
        let secrets = spellings(&[PASSWORD, WRONG, TOKEN, REFRESH]);
        let identity = format!(r#"{{"auths":{{"{addr}":{{"identitytoken":"{REFRESH}"}}}}}}"#);
        for (name, password) in [
            ("basic", Some(PASSWORD)),
            ("wrong", Some(WRONG)),
            ("identity token", None),
        ] {
            let scene = Scene::new(&[("v1", &from)]);
            let configure = || match password {
                Some(pw) => scene.credentials(Source::AuthFileFlag, &addr, pw),
                None => {
                    let path = scene.path("identity.json");
                    std::fs::write(&path, &identity).expect("write");
                    let mut command = streamlock(&scene.path("home"));
                    command.arg("import").arg("--auth-file").arg(path);
                    command
                }
            };
            let runs = every_mode(&scene, &configure, &extra, &secrets);
            let (_, first) = &runs[0];
            let shown = format!("{}{}", first.stdout, first.stderr);
            let digest = sha256(MANIFEST);
            let expect = if password == Some(WRONG) {
                "Unauthorized"
            } else {
                &digest[..19]
            };
            assert!(shown.contains(expect), "{name}: {shown}");
        }
    })
    .await
    .expect("scenario");
    assert!(
        server.count(|r| r.header("authorization") == Some(format!("Bearer {TOKEN}").as_str())) > 0,
        "the token was used"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorization_stays_with_the_host_that_challenged() {
    let manifest = || Action::manifest(DOCKER_SCHEMA2, MANIFEST, Some(&sha256(MANIFEST)));
    let elsewhere = FaultServer::start(move |r: &Request| match r.path.as_str() {
        "/v2/" => Action::status(200),
        _ => manifest(),
    })
    .await;
    // Credentials are configured for this one too, but it never asks for them.
    let quiet = FaultServer::start(move |r: &Request| match r.path.as_str() {
        "/v2/" => Action::status(200),
        _ => manifest(),
    })
    .await;
    let port = elsewhere.addr.rsplit(':').next().unwrap_or("").to_owned();
    let basic = format!("Basic {}", STANDARD.encode(format!("{USER}:{PASSWORD}")));
    // `team/named` is sent to another host name, `team/port` to another port of this host.
    let origin = FaultServer::start(move |r: &Request| {
        if r.path == "/v2/" || r.header("authorization") != Some(basic.as_str()) {
            return Action::status(401).header("www-authenticate", r#"Basic realm="origin""#);
        }
        let host = if r.path.starts_with("/v2/team/named/") {
            "localhost"
        } else {
            "127.0.0.1"
        };
        Action::status(307).header("location", &format!("http://{host}:{port}{}", r.path))
    })
    .await;

    let (o, q) = (origin.addr.clone(), quiet.addr.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        let scene = Scene::new(&[
            ("named", &format!("{o}/team/named:v1")),
            ("port", &format!("{o}/team/port:v1")),
            ("quiet", &format!("{q}/team/quiet:v1")),
        ]);
        let auth = STANDARD.encode(format!("{USER}:{PASSWORD}"));
        let file = scene.path("auth.json");
        std::fs::write(
            &file,
            format!(r#"{{"auths":{{"{o}":{{"auth":"{auth}"}},"{q}":{{"auth":"{auth}"}}}}}}"#),
        )
        .expect("write");
        run(streamlock(&scene.path("home"))
            .current_dir(scene.path("repo"))
            .args(["import", "--diff", "--format", "json", "--auth-file"])
            .arg(&file)
            .args(["--insecure-registry", &o, "--insecure-registry", &q]))
    })
    .await
    .expect("run");

    let report: serde_json::Value = serde_json::from_str(&outcome.stdout).expect("json report");
    let images: Vec<&str> = report["imports"]
        .as_array()
        .expect("imports")
        .iter()
        .map(|i| i["image"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(images, vec![sha256(MANIFEST); 3], "{}", outcome.stderr);
    let manifests = |r: &Request| r.path.contains("/manifests/");
    assert!(
        origin.count(|r| manifests(r) && r.header("authorization").is_some()) >= 2,
        "the host that challenged got the credentials"
    );
    assert!(
        elsewhere.count(manifests) >= 2,
        "both redirects were followed"
    );
    for (name, server) in [
        ("redirect target", &elsewhere),
        ("unchallenging host", &quiet),
    ] {
        let leaked: Vec<String> = server
            .requests()
            .iter()
            .filter(|r| r.header("authorization").is_some())
            .map(Request::line)
            .collect();
        assert!(
            leaked.is_empty(),
            "Authorization sent to the {name}: {leaked:?}"
        );
    }
}
