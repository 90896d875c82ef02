//! Nothing lost: `streamlock import --write` over 200 files is killed (SIGKILL) at random moments,
//! many times. Afterwards every file must parse and be exactly the old or the new version — never a
//! torn mix — and a final uninterrupted run must finish the job.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::{Duration, Instant};

use support::images::{Kind, Pusher};
use support::registry::TestRegistry;

const FILES: usize = 200;
const KILLS: usize = 20;

fn stream(i: usize) -> String {
    format!(
        "# stream {i}\napiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app-{i}\n  namespace: crash\nspec:\n  tags:\n  - name: latest\n    from:\n      kind: DockerImage\n      name: registry.example.com/team/app-{}:v1\n",
        i % 20
    )
}

fn write_tree(dir: &Path) -> Vec<PathBuf> {
    (0..FILES)
        .map(|i| {
            let path = dir.join(format!("stream-{i:03}.yaml"));
            std::fs::write(&path, stream(i)).expect("write");
            path
        })
        .collect()
}

fn import(dir: &Path, mirrors: &Path, registry: &str) -> Process {
    let mut command = Process::new(assert_cmd::cargo::cargo_bin("streamlock"));
    command
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("STREAMLOCK_LOG", "off")
        .args(["import", "--write", "-q", "--mirror-config"])
        .arg(mirrors)
        .args(["--insecure-registry", registry])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    command
}

/// A small deterministic generator for kill delays (no extra crate for one sequence).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn killed_writes_leave_every_file_old_or_new() {
    let registry = TestRegistry::plain();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let pusher = Pusher::new(&registry);
    for repo in 0..20 {
        runtime.block_on(pusher.push(&format!("team/app-{repo}"), "v1", Kind::Schema2));
    }
    let work = tempfile::tempdir().expect("tempdir");
    let mirrors = work.path().join("mirrors.yaml");
    std::fs::write(
        &mirrors,
        support::registry::loopback_mirror_sets(&["registry.example.com"], &registry.addr),
    )
    .expect("mirrors");

    // The new version of every file, from one uninterrupted run in another directory.
    let reference = work.path().join("reference");
    std::fs::create_dir(&reference).expect("mkdir");
    let reference_files = write_tree(&reference);
    let started = Instant::now();
    let status = import(&reference, &mirrors, &registry.addr)
        .status()
        .expect("run");
    let full_run = started.elapsed();
    assert!(status.success());
    let old: Vec<String> = (0..FILES).map(stream).collect();
    let new: Vec<String> = reference_files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("read"))
        .collect();
    assert!(
        old.iter().zip(&new).all(|(o, n)| o != n),
        "the reference run changed nothing"
    );

    let tree = work.path().join("tree");
    std::fs::create_dir(&tree).expect("mkdir");
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut outcomes = Vec::new();
    for _ in 0..KILLS {
        let files = write_tree(&tree);
        let mut child = import(&tree, &mirrors, &registry.addr)
            .spawn()
            .expect("spawn");
        // Most of a run is lookups; aim the kills at its second half, where files are written.
        let run = full_run.as_micros().max(1000) as u64;
        std::thread::sleep(Duration::from_micros(
            run / 2 + next(&mut seed) % (run * 6 / 10),
        ));
        let _ = child.kill();
        let _ = child.wait();
        let mut written = 0;
        for (i, file) in files.iter().enumerate() {
            let text = std::fs::read_to_string(file).expect("file still there");
            assert!(
                text == old[i] || text == new[i],
                "{} is neither the old nor the new version:\n{text}",
                file.display()
            );
            written += usize::from(text == new[i]);
        }
        outcomes.push(written);
        // A later uninterrupted run completes whatever the killed one left.
        assert!(
            import(&tree, &mirrors, &registry.addr)
                .status()
                .expect("run")
                .success()
        );
        for (i, file) in files.iter().enumerate() {
            assert_eq!(std::fs::read_to_string(file).expect("read"), new[i]);
        }
    }
    let mid_write = outcomes.iter().filter(|&&n| n > 0 && n < FILES).count();
    eprintln!(
        "{KILLS} kills: {mid_write} landed between renames, files written per kill: {outcomes:?}"
    );
    assert_eq!(outcomes.len(), KILLS);
}
