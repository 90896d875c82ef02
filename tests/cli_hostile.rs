//! The command line against hostile input: registry text with terminal escapes, an auth file entry
//! that cannot be decoded, a library's log line, and output that cannot be written.

mod support;

use std::fs;
use std::process::Stdio;

use support::cli::{run, streamlock, write_stream};
use support::faults::{Action, Request, ThreadServer};
use support::images::sha256;
use support::registry::TestRegistry;

/// What a hostile registry puts in its text: retitle the terminal, clear it, reverse the line.
const ESCAPES: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}evil";

/// No byte of `text` may act on a terminal.
fn assert_inert(what: &str, text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{202e}'),
        "{what} carries raw escapes: {text:?}"
    );
}

/// A home and a repository holding `s.yaml`, one stream whose tag `v1` imports from `server`.
fn one_tag_repo(server: &ThreadServer) -> (tempfile::TempDir, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    write_stream(
        repo.path(),
        "s",
        &[("v1", &format!("{}/team/app:v1", server.addr))],
    );
    (home, repo)
}

#[test]
fn registry_text_reaches_the_terminal_escaped() {
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "author": ESCAPES,
        "config": {"Labels": {"title": ESCAPES}, "Env": [format!("X={ESCAPES}")]},
    })
    .to_string();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": config.len(), "digest": sha256(config.as_bytes())},
        "layers": [],
    })
    .to_string();
    let denied =
        serde_json::json!({"errors": [{"code": "DENIED", "message": ESCAPES}]}).to_string();
    let server = ThreadServer::start(move |r: &Request| {
        let last = r.path.rsplit('/').next().unwrap_or("");
        match r.path.as_str() {
            "/v2/" => Action::status(200),
            p if p.contains("/blobs/") => Action::json(200, &config),
            _ if last == "denied" => Action::json(403, &denied),
            _ => Action::manifest(
                "application/vnd.docker.distribution.manifest.v2+json",
                manifest.as_bytes(),
                Some(&sha256(manifest.as_bytes())),
            ),
        }
    });
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    let addr = server.addr.as_str();
    write_stream(
        repo.path(),
        "s",
        &[
            ("ok", &format!("{addr}/team/app:ok")),
            ("denied", &format!("{addr}/team/app:denied")),
        ],
    );
    let import = run(streamlock(home.path()).current_dir(repo.path()).args([
        "import",
        "--check",
        "--insecure-registry",
        addr,
        "s.yaml",
    ]));
    assert_eq!(import.code, Some(1), "{}{}", import.stdout, import.stderr);
    assert!(
        import.stdout.contains("\\u{1b}]0;pwned"),
        "{}",
        import.stdout
    );
    assert_inert("import stdout", &import.stdout);
    assert_inert("import stderr", &import.stderr);

    let describe = run(streamlock(home.path()).current_dir(repo.path()).args([
        "describe",
        "istag/s:ok",
        "s.yaml",
        "--remote",
        "--insecure-registry",
        addr,
    ]));
    assert_eq!(
        describe.code,
        Some(0),
        "{}{}",
        describe.stdout,
        describe.stderr
    );
    assert!(
        describe.stdout.contains("\\u{202e}evil"),
        "{}",
        describe.stdout
    );
    assert_inert("describe stdout", &describe.stdout);
    let failed = run(streamlock(home.path()).current_dir(repo.path()).args([
        "describe",
        "istag/s:denied",
        "s.yaml",
        "--remote",
        "--insecure-registry",
        addr,
    ]));
    assert_eq!(failed.code, Some(2), "{}{}", failed.stdout, failed.stderr);
    assert_inert("describe stderr", &failed.stderr);
}

#[test]
fn an_auth_entry_that_cannot_be_decoded_is_named_never_shown() {
    let server = ThreadServer::no_tag();
    let (home, repo) = one_tag_repo(&server);
    let auth = repo.path().join("auth.json");
    fs::write(
        &auth,
        r#"{"auths":{"quay.io":{"auth":"!!hunter2-not-base64!!"},"ghcr.io":{"auth":"aHVudGVyMg=="}}}"#,
    )
    .expect("auth");
    let out = run(streamlock(home.path()).current_dir(repo.path()).args([
        "import",
        "--check",
        "--auth-file",
        auth.to_str().expect("utf-8"),
        "--insecure-registry",
        &server.addr,
        "s.yaml",
    ]));
    let shown = format!(
        "{}: the entry for quay.io is skipped: its auth value is not base64",
        auth.display()
    );
    assert!(out.stderr.contains(&shown), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the entry for ghcr.io is skipped: its auth value is not username:password"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2") && !out.stdout.contains("hunter2"));
    assert!(!out.stderr.contains("aHVudGVyMg"));
}

#[test]
fn a_library_error_line_needs_verbose() {
    let registry = TestRegistry::tls_with_login("u", "p");
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    write_stream(
        repo.path(),
        "s",
        &[("v1", &format!("{}/team/app:v1", registry.addr))],
    );
    let import = |verbose: bool| {
        let mut command = streamlock(home.path());
        command
            .current_dir(repo.path())
            .args(["import", "--check", "--retries", "0", "s.yaml"]);
        if verbose {
            command.arg("-v");
        }
        run(&mut command)
    };
    let quiet = import(false);
    assert_eq!(quiet.code, Some(1), "{}", quiet.stderr);
    assert!(
        quiet.stdout.contains("TLS certificate is not trusted"),
        "{}{}",
        quiet.stdout,
        quiet.stderr
    );
    assert!(!quiet.stderr.contains("rustls"), "{}", quiet.stderr);
    let verbose = import(true);
    assert!(
        verbose.stderr.contains("rustls_platform_verifier"),
        "-v shows it: {}",
        verbose.stderr
    );
}

#[test]
fn output_that_cannot_be_written_is_a_failure() {
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    write_stream(repo.path(), "s", &[("v1", "quay.io/team/app:v1")]);
    let full = fs::File::options().write(true).open("/dev/full");
    let Ok(full) = full else {
        panic!("NOT RUN: this test needs /dev/full");
    };
    let out = streamlock(home.path())
        .current_dir(repo.path())
        .args(["lint", "--format", "json", "s.yaml"])
        .stdout(Stdio::from(full))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write the output to stdout: No space left on device"),
        "{stderr}"
    );
    // A closed pipe is a normal end.
    let mut child = streamlock(home.path())
        .current_dir(repo.path())
        .args(["lint", "--format", "json", "s.yaml"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let status = child.wait().expect("wait");
    assert_ne!(status.code(), Some(2));
}

#[test]
fn megabytes_of_registry_text_are_recorded_bounded() {
    let denied =
        serde_json::json!({"errors": [{"code": "DENIED", "message": "m".repeat(3 << 20)}]})
            .to_string();
    let server = ThreadServer::start(move |r: &Request| match r.path.as_str() {
        "/v2/" => Action::status(200),
        _ => Action::json(403, &denied),
    });
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    let from = |tag: &str| format!("{}/team/app:{tag}", server.addr);
    let file = write_stream(
        repo.path(),
        "s",
        &[("a", &from("a")), ("b", &from("b")), ("c", &from("c"))],
    );
    let import = run(streamlock(home.path()).current_dir(repo.path()).args([
        "import",
        "--write",
        "--insecure-registry",
        &server.addr,
        "s.yaml",
    ]));
    assert_eq!(import.code, Some(1), "{}", import.stderr);
    let written = fs::read_to_string(&file).expect("read");
    assert_eq!(
        written.matches("more characters cut)").count(),
        3,
        "{written:.2000}"
    );
    assert!(written.len() < 16 << 10, "{} bytes written", written.len());
    assert!(
        import.stdout.len() < 16 << 10,
        "{} bytes printed",
        import.stdout.len()
    );
    // Every later command still reads the file.
    let lint = run(streamlock(home.path())
        .current_dir(repo.path())
        .args(["lint", "s.yaml"]));
    assert_ne!(lint.code, Some(2), "{}{}", lint.stdout, lint.stderr);
}

#[test]
fn a_report_that_cannot_be_written_is_a_failure() {
    let server = ThreadServer::no_tag();
    let (home, repo) = one_tag_repo(&server);
    for flag in ["--report", "--summary"] {
        let out = run(streamlock(home.path()).current_dir(repo.path()).args([
            "import",
            "--check",
            flag,
            "/dev/full",
            "--insecure-registry",
            &server.addr,
            "s.yaml",
        ]));
        assert_eq!(out.code, Some(2), "{flag}: {}", out.stderr);
        assert!(
            out.stderr
                .contains(&format!("{flag} /dev/full: No space left on device")),
            "{}",
            out.stderr
        );
    }
}
