//! Credential helpers end to end: `streamlock import` against the TLS + htpasswd test registry with
//! `credHelpers` and `credsStore` answered by fake `docker-credential-<name>` scripts, found on a
//! `PATH` set for the child process only. A helper that hangs must not hang the import.

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use support::cli::{Run, push, run, streamlock, write_stream};
use support::images::Kind;
use support::registry::TestRegistry;

const USER: &str = "helper-user";
const PASSWORD: &str = "helper-pass-7f3a";

struct Fixture {
    registry: TestRegistry,
    dir: tempfile::TempDir,
    digest: String,
}

impl Fixture {
    fn new() -> Self {
        let registry = TestRegistry::tls_with_login(USER, PASSWORD);
        let digest = push(&registry, "private/app", "v1", Kind::Schema2).digest;
        let dir = tempfile::tempdir().expect("temp dir");
        let from = format!("{}/private/app:v1", registry.addr);
        write_stream(&dir.path().join("repo"), "app", &[("v1", &from)]);
        std::fs::create_dir_all(dir.path().join("bin")).expect("bin dir");
        std::fs::create_dir_all(dir.path().join("home")).expect("home dir");
        std::fs::create_dir_all(dir.path().join("docker")).expect("docker config dir");
        Fixture {
            registry,
            dir,
            digest,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `bin/docker-credential-NAME` running `body` (a shell script; the server name is on stdin).
    fn helper(&self, name: &str, body: &str) {
        let path = self.path("bin").join(format!("docker-credential-{name}"));
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write helper");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }

    /// A helper that knows this registry's credentials and logs every server it is asked about.
    fn good_helper(&self, name: &str) {
        let log = self.path("helper.log");
        self.helper(
            name,
            &format!(
                r#"server=$(cat)
echo "$1 $server" >> '{}'
if [ "$server" = '{}' ]; then
  printf '{{"ServerURL":"%s","Username":"{USER}","Secret":"{PASSWORD}"}}' "$server"
else
  echo "credentials not found in native keychain"; exit 1
fi"#,
                log.display(),
                self.registry.addr
            ),
        );
    }

    fn docker_config(&self, json: &str) {
        std::fs::write(self.path("docker").join("config.json"), json).expect("config.json");
    }

    /// `streamlock import --diff` with DOCKER_CONFIG and PATH (helpers first) for the child only.
    fn import(&self) -> (Run, Value) {
        let report = self.path("report.json");
        let _ = std::fs::remove_file(&report);
        let path = format!(
            "{}:{}",
            self.path("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let outcome = run(streamlock(&self.path("home"))
            .current_dir(self.path("repo"))
            .env("PATH", path)
            .env("DOCKER_CONFIG", self.path("docker"))
            .args(["import", "--diff", "--ca-file"])
            .arg(self.registry.ca_file.as_ref().expect("TLS registry"))
            .arg("--report")
            .arg(&report));
        let doc = std::fs::read_to_string(&report)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_else(|| panic!("no report; stderr: {}", outcome.stderr));
        (outcome, doc)
    }

    fn asked(&self) -> Vec<String> {
        std::fs::read_to_string(self.path("helper.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

fn only_import(doc: &Value) -> &Value {
    let imports = doc["imports"].as_array().expect("imports");
    assert_eq!(imports.len(), 1, "{doc:#}");
    &imports[0]
}

fn assert_unauthorized(fixture: &Fixture, run: &Run, doc: &Value) {
    let line = only_import(doc);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(line["result"], "failed");
    assert_eq!(line["reason"], "Unauthorized");
    assert_eq!(
        line["message"],
        format!(
            "you may not have access to the container image \"{}/private/app:v1\"",
            fixture.registry.addr
        )
    );
}

#[test]
fn cred_helpers_entry_wins_over_auths_in_the_same_file() {
    let fixture = Fixture::new();
    fixture.good_helper("vault");
    let wrong = base64_auth(USER, "not-the-password");
    fixture.docker_config(&format!(
        r#"{{"auths":{{"{0}":{{"auth":"{wrong}"}}}},"credHelpers":{{"{0}":"vault"}}}}"#,
        fixture.registry.addr
    ));
    let (run, doc) = fixture.import();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(only_import(&doc)["image"], fixture.digest.as_str());
    let asked = fixture.asked();
    assert!(!asked.is_empty(), "the helper was never run");
    assert!(
        asked
            .iter()
            .all(|a| *a == format!("get {}", fixture.registry.addr)),
        "{asked:?}"
    );
}

#[test]
fn creds_store_answers_for_hosts_without_an_entry() {
    let fixture = Fixture::new();
    fixture.good_helper("keychain");
    fixture.docker_config(
        r#"{"auths":{"other.example:5000":{"auth":"eDp5"}},"credsStore":"keychain"}"#,
    );
    let (run, doc) = fixture.import();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(only_import(&doc)["image"], fixture.digest.as_str());
    assert!(!fixture.asked().is_empty(), "the store was never asked");
}

#[test]
fn helper_without_credentials_means_anonymous() {
    let fixture = Fixture::new();
    fixture.helper(
        "empty",
        "cat >/dev/null; echo 'credentials not found in native keychain'; exit 1",
    );
    fixture.docker_config(&format!(
        r#"{{"credHelpers":{{"{}":"empty"}}}}"#,
        fixture.registry.addr
    ));
    let (run, doc) = fixture.import();
    assert_unauthorized(&fixture, &run, &doc);
}

#[test]
fn hanging_helper_times_out_with_a_clear_error() {
    let fixture = Fixture::new();
    // `exec` so that the timeout's kill reaches the process that holds the pipe.
    fixture.helper("hang", "exec sleep 120");
    fixture.docker_config(&format!(
        r#"{{"credHelpers":{{"{}":"hang"}}}}"#,
        fixture.registry.addr
    ));
    let (run, doc) = fixture.import();
    assert!(
        run.elapsed < Duration::from_secs(30),
        "took {:?}",
        run.elapsed
    );
    assert!(
        run.stderr.contains(&format!(
            "credential helper docker-credential-hang for {}: no answer within",
            fixture.registry.addr
        )),
        "{}",
        run.stderr
    );
    assert_unauthorized(&fixture, &run, &doc);
}

#[test]
fn missing_helper_is_reported_not_fatal() {
    let fixture = Fixture::new();
    fixture.docker_config(&format!(
        r#"{{"credHelpers":{{"{}":"not-installed"}}}}"#,
        fixture.registry.addr
    ));
    let (run, doc) = fixture.import();
    assert!(
        run.stderr
            .contains("credential helper docker-credential-not-installed"),
        "{}",
        run.stderr
    );
    assert_unauthorized(&fixture, &run, &doc);
}

fn base64_auth(user: &str, password: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}
