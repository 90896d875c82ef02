//! Ten thousand changed files written in one run under `ulimit -n 1024`: a staged file holds no
//! open descriptor.

mod support;

use std::process::Command;
use std::time::Instant;

use support::cli::write_stream;
use support::faults::{MANIFEST, ThreadServer};
use support::images::sha256;

#[cfg(unix)]
#[test]
fn ten_thousand_changed_files_are_written_under_ulimit_n_1024() {
    let server = ThreadServer::every_tag();
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    let from = format!("{}/team/app:v1", server.addr);
    for i in 0..10_000 {
        write_stream(
            &repo.path().join(format!("d{}", i / 500)),
            &format!("s{i}"),
            &[("v1", &from)],
        );
    }
    let started = Instant::now();
    // The shell lowers the limit, then becomes streamlock.
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -n 1024 && exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_streamlock"))
        .args([
            "import",
            "--write",
            "--quiet",
            "--insecure-registry",
            &server.addr,
            ".",
        ])
        .current_dir(repo.path())
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    eprintln!("10,000 files written in {:?}", started.elapsed());
    let digest = sha256(MANIFEST);
    for i in [0, 4_999, 9_999] {
        let path = repo.path().join(format!("d{}/s{i}.yaml", i / 500));
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.contains(&format!("image: {digest}")),
            "{}: {text}",
            path.display()
        );
    }
}
