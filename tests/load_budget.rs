//! One memory budget for the whole run: many small files that each expand to just under the per-file
//! node budget must not add up to more memory than the run's budget allows. Its own test binary, so
//! the peak memory of the children it runs is theirs alone.

mod support;

use std::path::Path;

use support::cli::{run, streamlock};

/// 500 bytes that expand to about 1.9 million nodes: under the per-file budget of 2 million.
fn alias_heavy(dir: &Path, i: usize) {
    let text = format!(
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: s{i}\n  namespace: team\nspec:\n  tags:\n  - name: v1\n    from:\n      kind: DockerImage\n      name: quay.io/team/app:v1\nx:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [{a}]\n  c: &c [{b}]\n  d: &d [{c}]\n  e: &e [{d}]\n  f: [{e}]\n",
        a = ["*a"; 10].join(", "),
        b = ["*b"; 10].join(", "),
        c = ["*c"; 10].join(", "),
        d = ["*d"; 10].join(", "),
        e = ["*e"; 16].join(", "),
    );
    std::fs::write(dir.join(format!("s{i:02}.yaml")), text).expect("write");
}

/// The largest resident set of any child this process waited for, in bytes.
#[cfg(target_os = "linux")]
fn peak_child_rss() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024
}

#[cfg(target_os = "linux")]
#[test]
fn twelve_alias_heavy_files_stay_within_the_run_budget() {
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    for i in 0..12 {
        alias_heavy(repo.path(), i);
    }
    // import keeps every tree it may edit: the budget refuses the files past it, by name.
    let import = run(streamlock(home.path()).current_dir(repo.path()).args([
        "import",
        "--check",
        "--offline",
        ".",
    ]));
    assert_eq!(import.code, Some(1), "{}", import.stderr);
    let refused = import
        .stderr
        .lines()
        .filter(|l| l.contains("the run's memory budget"))
        .count();
    assert!(
        (9..=11).contains(&refused),
        "{refused} refused:\n{}",
        import.stderr
    );
    let peak = peak_child_rss();
    // Two trees of 1.9 million nodes fit in the budget; without it twelve took 2.5 GB.
    assert!(peak < 1 << 30, "peak RSS {} MB", peak >> 20);

    // lint drops each tree once checked, so the budget is given back and every file is read.
    let lint = run(streamlock(home.path())
        .current_dir(repo.path())
        .args(["lint", "--format", "json", "."]));
    assert!(!lint.stdout.contains("memory budget"), "{}", lint.stdout);
    assert!(
        !lint.stdout.contains("more than 2000000 nodes"),
        "{}",
        lint.stdout
    );
    assert!(lint.stdout.contains("s11.yaml"), "every file linted");
}
