//! Runs the `streamlock` binary as a user would, in a clean environment: only the variables a test
//! names (plus `PATH`, and `HOME` pointing at an empty directory so the tester's own registry
//! credentials never take part). Also writes small ImageStream repositories and pushes images
//! synchronously for tests that drive the CLI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::images::{Kind, Pushed, Pusher};
use super::registry::TestRegistry;

/// What one run left behind.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// A command line for the binary under test, with a clean environment. `home` becomes `HOME`.
pub fn streamlock(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_streamlock"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("NO_COLOR", "1");
    command
}

/// `streamlock import` in the work tree `root`, at a fixed time, with the mirror rules of
/// `.ci/mirrors.yaml` sending lookups to `registry` over plain HTTP, and no retries.
pub fn import_in(root: &Path, registry: &TestRegistry) -> Command {
    let mut command = streamlock(root);
    command
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(["import", "--mirror-config", ".ci/mirrors.yaml"])
        .args(["--insecure-registry", &registry.addr])
        .args(["--retries", "0", "--timeout", "5"]);
    command
}

/// Runs `command` to completion.
pub fn run(command: &mut Command) -> Run {
    let start = Instant::now();
    let out = command.output().expect("run streamlock");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

/// Writes `dir/NAME.yaml`: one ImageStream whose tags import `(tag, from.name)`.
pub fn write_stream(dir: &Path, name: &str, tags: &[(&str, &str)]) -> PathBuf {
    let mut text = format!(
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: {name}\n  namespace: team\nspec:\n  tags:\n"
    );
    for (tag, from) in tags {
        text.push_str(&format!(
            "  - name: {tag}\n    from:\n      kind: DockerImage\n      name: {from}\n"
        ));
    }
    std::fs::create_dir_all(dir).expect("repo dir");
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, text).expect("write stream");
    path
}

/// Pushes one tag from synchronous test code.
pub fn push(registry: &TestRegistry, repo: &str, tag: &str, kind: Kind) -> Pushed {
    push_seeded(registry, repo, tag, kind, "1")
}

/// [`push`] with the pusher's `seed`: another seed makes another image for the same tag.
pub fn push_seeded(
    registry: &TestRegistry,
    repo: &str,
    tag: &str,
    kind: Kind,
    seed: &str,
) -> Pushed {
    let mut pusher = Pusher::new(registry);
    pusher.seed = seed.to_owned();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(pusher.push(repo, tag, kind))
}
