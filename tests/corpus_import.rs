//! Issue-level check on real files: every ImageStream of the corpus (STREAMLOCK_CORPUS) outside
//! Templates is imported with `--write` against a loopback registry that holds none of the images
//! (mirror rules send every registry there and never to the source). Every importable tag must get
//! a clean `ImportSuccess: False` condition, every byte outside the status blocks must stay, and a
//! second run must change nothing.

mod support;
mod write_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use streamlock::model::reference;
use streamlock::model::stream::importable;
use streamlock::repo::Repo;
use support::registry::TestRegistry;

fn copy_importable_files(root: &Path, into: &Path) -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut copied = Vec::new();
    for row in manifest.lines().skip(1) {
        let relative = row.split('\t').next().unwrap_or("");
        let source = root.join(relative);
        let repo = Repo::load(std::slice::from_ref(&source));
        if repo.streams.is_empty() {
            continue;
        }
        let target = into.join(relative);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&source, &target).expect("copy");
        copied.push(target);
    }
    copied
}

/// IDMS + ITMS sending every registry the files name to `mirror`, never to the source.
fn mirror_config(repo: &Repo, mirror: &str) -> String {
    let hosts: BTreeSet<String> = repo
        .streams
        .iter()
        .flat_map(|s| s.stream.spec.tags.iter())
        .filter_map(|t| t.from.as_ref())
        .filter(|f| f.kind == "DockerImage")
        .filter_map(|f| reference::parse(&f.name).ok())
        .map(|r| r.docker_client_defaults().registry)
        .collect();
    support::registry::loopback_mirror_sets(&hosts.into_iter().collect::<Vec<_>>(), mirror)
}

fn import(dir: &Path, files: &[PathBuf], config: &Path, registry: &str, epoch: &str) {
    let out = Command::cargo_bin("streamlock")
        .expect("binary")
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", epoch)
        .env("STREAMLOCK_LOG", "off")
        .args(["import", "--write", "--all", "-q", "--mirror-config"])
        .arg(config)
        .args(["--insecure-registry", registry, "--retries", "0"])
        // Named one by one: some files have no .yaml/.json extension (`image-references`).
        .args(files)
        .output()
        .expect("run");
    // Exit 1: every tag failed, as it must.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_corpus_tag_fails_cleanly_and_only_status_changes() {
    let Some(root) = write_support::skip::corpus() else {
        return;
    };
    let registry = TestRegistry::plain();
    let work = tempfile::tempdir().expect("tempdir");
    let files = copy_importable_files(&root, &work.path().join("repo"));
    assert!(
        files.len() > 500,
        "only {} files with ImageStreams",
        files.len()
    );
    let before: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("read"))
        .collect();
    let repo = Repo::load(&files);
    let config = work.path().join("mirrors.yaml");
    std::fs::write(&config, mirror_config(&repo, &registry.addr)).expect("write");

    import(work.path(), &files, &config, &registry.addr, "1767225600");

    let after = Repo::load(&files);
    assert!(after.unreadable.is_empty(), "{:?}", after.unreadable);
    let mut checked = 0;
    for located in &after.streams {
        for tag in located.stream.spec_tags().filter(|t| importable(t)) {
            let status = located.stream.status_tag(&tag.name);
            let condition = status.and_then(|s| s.conditions.first());
            let path = after.files[located.file].source.path.display();
            let condition = condition.unwrap_or_else(|| {
                panic!(
                    "{path}: {}:{} has no condition",
                    located.stream.spec.meta.name, tag.name
                )
            });
            assert_eq!(
                (condition.kind.as_str(), condition.status.as_str()),
                ("ImportSuccess", "False"),
                "{path}"
            );
            assert!(
                matches!(
                    condition.reason.as_str(),
                    "NotFound" | "InternalError" | "Invalid" | "Unauthorized"
                ),
                "{path}: {}: {:?}",
                tag.name,
                condition
            );
            assert!(
                !condition.message.is_empty() && condition.generation > 0,
                "{path}: {condition:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} tags checked");

    for (file, old) in files.iter().zip(&before) {
        let new = std::fs::read_to_string(file).expect("read");
        let loaded = write_support::load("new", &new);
        let objects = streamlock::load::find_objects(&loaded.parsed.documents);
        let statuses: Vec<(usize, streamlock::model::status::StreamStatus)> = objects
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                o.node
                    .get("status")
                    .and_then(streamlock::write::read_status)
                    .map(|s| (i, s))
            })
            .collect();
        let edits: Vec<(usize, &streamlock::model::status::StreamStatus)> =
            statuses.iter().map(|(i, s)| (*i, s)).collect();
        write_support::assert_only_status_changed(old, &new, &edits);
    }

    // Nothing changed in the registry: a later run writes nothing.
    let written: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("read"))
        .collect();
    import(work.path(), &files, &config, &registry.addr, "1767300000");
    for (file, text) in files.iter().zip(&written) {
        assert_eq!(
            &std::fs::read_to_string(file).expect("read"),
            text,
            "{} changed on a second run",
            file.display()
        );
    }
}
