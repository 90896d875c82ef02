//! The Action's install steps (action/plan.sh, download.sh, build.sh) run as the runner runs them,
//! against a loopback HTTP server serving a fake release: archives made by the release's own
//! packaging/archive.sh around a stand-in binary, and a SHA256SUMS. A right checksum installs (and a
//! second job takes the cached binary), a wrong one is refused with nothing unpacked, and a release
//! without an archive for the runner falls back to building from source.

mod hooks_support;
mod support;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use hooks_support::{Runner, Step, path_without_rust, root, run, text};
use support::faults::{Action, FaultServer};

/// The hex SHA-256 of `bytes`, as sha256sum prints it.
fn hex(bytes: &[u8]) -> String {
    support::images::sha256(bytes)["sha256:".len()..].to_owned()
}

const ARCHIVE: &str = "streamlock-x86_64-unknown-linux-musl.tar.gz";
const FAKE: &str = "streamlock 9.8.7 (commit fake)";

/// A release at `/v9.8.7/` on loopback: `files` by name, 404 for anything else.
struct Release {
    server: FaultServer,
    runtime: tokio::runtime::Runtime,
}

impl Release {
    fn serve(files: HashMap<String, Vec<u8>>) -> Release {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let server = runtime.block_on(FaultServer::start(move |request| {
            match request
                .path
                .strip_prefix("/v9.8.7/")
                .and_then(|n| files.get(n))
            {
                Some(body) => Action::Respond {
                    status: 200,
                    headers: Vec::new(),
                    body: body.clone(),
                },
                None => Action::status(404),
            }
        }));
        Release { server, runtime }
    }

    fn url(&self) -> String {
        format!("http://{}", self.server.addr)
    }
}

/// The release archive for Linux x86_64, as packaging/archive.sh makes it, around a stand-in binary.
fn archive() -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let binary = dir.path().join("streamlock");
    std::fs::write(&binary, format!("#!/bin/sh\necho '{FAKE}'\n")).expect("write");
    let out = run(Command::new(root().join("packaging/archive.sh"))
        .arg("x86_64-unknown-linux-musl")
        .arg(&binary)
        .arg(dir.path().join("dist"))
        .current_dir(root()));
    assert!(out.status.success(), "archive.sh: {}", text(&out));
    std::fs::read(dir.path().join("dist").join(ARCHIVE)).expect("archive")
}

fn sums(lines: &[(&[u8], &str)]) -> Vec<u8> {
    lines
        .iter()
        .map(|(body, name)| format!("{}  {name}\n", hex(body)))
        .collect::<String>()
        .into_bytes()
}

/// plan.sh then download.sh for version 9.8.7 on Linux X64, with the tool cache in `cache`.
fn install(runner: &Runner, cache: &Path, url: &str) -> (Step, Step) {
    let workspace = tempfile::tempdir().expect("temp dir");
    let cache = cache.to_str().expect("UTF-8 path");
    let plan = runner.step(
        "plan.sh",
        workspace.path(),
        &[
            ("INPUT_VERSION", ""),
            ("ACTION_REF", "v9.8.7"),
            ("RUNNER_TOOL_CACHE", cache),
        ],
    );
    assert_eq!(plan.code, Some(0), "{}", plan.shown);
    let download = runner.step(
        "download.sh",
        workspace.path(),
        &[
            ("STREAMLOCK_VERSION", plan.output("version")),
            ("STREAMLOCK_ARCHIVE", plan.output("archive")),
            ("STREAMLOCK_DIR", plan.output("dir")),
            ("STREAMLOCK_RELEASE_URL", url),
        ],
    );
    (plan, download)
}

#[test]
fn plan_picks_the_release_and_the_archive_for_the_runner() {
    let workspace = tempfile::tempdir().expect("temp dir");
    let plan = |version: &str, reference: &str, os: &str, arch: &str| {
        let runner = Runner::new();
        runner.step(
            "plan.sh",
            workspace.path(),
            &[
                ("INPUT_VERSION", version),
                ("ACTION_REF", reference),
                ("RUNNER_OS", os),
                ("RUNNER_ARCH", arch),
                ("RUNNER_TOOL_CACHE", "/opt/hostedtoolcache"),
            ],
        )
    };
    for (os, arch, target) in [
        ("Linux", "X64", "x86_64-unknown-linux-musl"),
        ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
        ("macOS", "X64", "x86_64-apple-darwin"),
        ("macOS", "ARM64", "aarch64-apple-darwin"),
    ] {
        let step = plan("", "v1.2.3", os, arch);
        assert_eq!(step.code, Some(0), "{}", step.shown);
        assert_eq!(step.output("version"), "1.2.3");
        assert_eq!(
            step.output("archive"),
            format!("streamlock-{target}.tar.gz")
        );
        assert_eq!(
            step.output("dir"),
            format!("/opt/hostedtoolcache/streamlock/1.2.3/{target}")
        );
        assert_eq!(
            step.output("key"),
            format!("streamlock-release-1.2.3-{target}")
        );
    }
    let step = plan("", "v1.2.3", "Windows", "X64");
    assert_eq!(
        step.output("archive"),
        "streamlock-x86_64-pc-windows-msvc.zip"
    );
    // The input wins over the ref, with or without its v.
    assert_eq!(
        plan("2.0.0", "v1.2.3", "Linux", "X64").output("version"),
        "2.0.0"
    );
    assert_eq!(
        plan("v2.0.0", "main", "Linux", "X64").output("version"),
        "2.0.0"
    );

    // No release to install: a branch or a commit, or a platform without an archive.
    let step = plan("", "main", "Linux", "X64");
    assert_eq!(step.output("version"), "");
    assert!(
        step.output("reason")
            .contains("'main', not at a release tag"),
        "{}",
        step.shown
    );
    let step = plan("", "v1.2.3", "Windows", "ARM64");
    assert_eq!(step.output("version"), "");
    assert!(
        step.output("reason")
            .contains("no release archive is built for Windows on ARM64")
    );

    // A version that is not one is refused before anything is fetched.
    let step = plan("1.2; curl evil", "", "Linux", "X64");
    assert_eq!(step.code, Some(2), "{}", step.shown);
    assert!(
        step.shown
            .contains("version must be a release such as 1.2.3"),
        "{}",
        step.shown
    );
}

#[test]
fn right_checksum_installs_and_is_cached_wrong_checksum_is_refused() {
    let archive = archive();
    let cache = tempfile::tempdir().expect("temp dir");
    let release = Release::serve(HashMap::from([
        (
            "SHA256SUMS".to_owned(),
            sums(&[
                (b"other", "streamlock-x86_64-apple-darwin.tar.gz"),
                (&archive, ARCHIVE),
            ]),
        ),
        (ARCHIVE.to_owned(), archive.clone()),
    ]));
    let runner = Runner::new();
    let (plan, download) = install(&runner, cache.path(), &release.url());
    assert_eq!(download.code, Some(0), "{}", download.shown);
    assert_eq!(download.stdout, "", "download.sh printed on stdout");
    let bin = download.output("bin");
    assert_eq!(bin, format!("{}/streamlock", plan.output("dir")));
    let out = run(&mut Command::new(bin));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), FAKE);
    assert!(
        download.shown.contains(&format!("installed {FAKE}")),
        "{}",
        download.shown
    );
    let fetched = release
        .server
        .requests()
        .iter()
        .map(|r| r.line())
        .collect::<Vec<_>>();
    assert_eq!(
        fetched,
        ["GET /v9.8.7/SHA256SUMS", &format!("GET /v9.8.7/{ARCHIVE}")]
    );

    // The next job: the cache step restored the directory, nothing is downloaded.
    drop(release);
    let runner = Runner::new();
    let (_, download) = install(&runner, cache.path(), "http://127.0.0.1:9");
    assert_eq!(download.code, Some(0), "{}", download.shown);
    assert_eq!(download.output("bin"), bin);
    assert!(
        download.shown.contains("from the cache"),
        "{}",
        download.shown
    );

    // A checksum that does not match: refused, nothing unpacked, no fallback to building.
    let cache = tempfile::tempdir().expect("temp dir");
    let mut tampered = archive.clone();
    tampered.extend_from_slice(b"\0");
    let release = Release::serve(HashMap::from([
        ("SHA256SUMS".to_owned(), sums(&[(&archive, ARCHIVE)])),
        (ARCHIVE.to_owned(), tampered.clone()),
    ]));
    let runner = Runner::new();
    let (plan, download) = install(&runner, cache.path(), &release.url());
    assert_eq!(download.code, Some(2), "{}", download.shown);
    let expected = hex(&archive);
    let actual = hex(&tampered);
    assert!(
        download.shown.contains(&format!(
            "::error title=streamlock::checksum mismatch for {ARCHIVE} from {}/v9.8.7: SHA256SUMS says {expected}, the download is {actual}; not installing it",
            release.url()
        )),
        "{}",
        download.shown
    );
    assert!(
        !download.outputs.contains_key("bin"),
        "{:?}",
        download.outputs
    );
    assert!(
        !Path::new(plan.output("dir")).exists(),
        "something was unpacked"
    );
}

#[test]
fn no_archive_for_the_runner_falls_back_to_building_with_a_toolchain_check() {
    // The release exists but has no archive for this runner; then a release that does not exist.
    let release = Release::serve(HashMap::from([(
        "SHA256SUMS".to_owned(),
        sums(&[(b"mac", "streamlock-aarch64-apple-darwin.tar.gz")]),
    )]));
    let cache = tempfile::tempdir().expect("temp dir");
    let (_, download) = install(&Runner::new(), cache.path(), &release.url());
    assert_eq!(download.code, Some(0), "{}", download.shown);
    assert_eq!(download.output("bin"), "");
    let reason = download.output("reason").to_owned();
    assert_eq!(reason, format!("release v9.8.7 has no {ARCHIVE}"));
    assert!(
        download.shown.contains("building from source instead"),
        "{}",
        download.shown
    );
    let gone = Release::serve(HashMap::new());
    let (_, download) = install(&Runner::new(), cache.path(), &gone.url());
    assert_eq!(download.code, Some(0), "{}", download.shown);
    assert_eq!(download.output("bin"), "");
    assert!(
        download
            .output("reason")
            .starts_with("release v9.8.7 was not found at")
    );

    // Without Rust the build says why it was needed and what to do.
    let workspace = tempfile::tempdir().expect("temp dir");
    let no_rust = path_without_rust(Path::new("/nonexistent"));
    let no_rust = no_rust.to_str().expect("UTF-8 PATH");
    let step = Runner::new().step(
        "build.sh",
        workspace.path(),
        &[("STREAMLOCK_BUILD_REASON", &reason), ("PATH", no_rust)],
    );
    assert_eq!(step.code, Some(2), "{}", step.shown);
    assert!(
        step.shown.contains(&format!(
            "cargo not found, and it is needed because {reason}"
        )),
        "{}",
        step.shown
    );

    // With Rust it builds the action's checkout, into the target directory the wheel build warmed.
    let target = hooks_support::release_build_dir();
    let target = target.to_str().expect("UTF-8 path");
    let step = Runner::new().step(
        "build.sh",
        workspace.path(),
        &[
            ("STREAMLOCK_BUILD_REASON", &reason),
            ("CARGO_TARGET_DIR", target),
        ],
    );
    assert_eq!(step.code, Some(0), "{}", step.shown);
    assert_eq!(step.stdout, "", "build.sh printed on stdout");
    assert!(
        step.shown
            .contains(&format!("building streamlock from source ({reason})"))
    );
    let built = step.output("bin");
    assert_eq!(built, format!("{target}/release/streamlock"));
    let out = run(Command::new(built).arg("--version"));
    let version = concat!("streamlock ", env!("CARGO_PKG_VERSION"), " (commit ");
    assert!(text(&out).starts_with(version), "{}", text(&out));
    drop(release.runtime);
}
