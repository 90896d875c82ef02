//! Whole-repository imports (`spec.dockerImageRepository`) against a real registry (docker-registry
//! on loopback): the tags are listed, ordered as the importer orders them (PrioritizeTags), the first
//! N imported and recorded, `status.dockerImageRepository` is the spec's, a recorded import is not
//! repeated, `--all` shows the repository's new tags, and a listing that learns nothing writes
//! nothing.
//!
//! docker-registry 2.8 ignores `n` and sends every tag on one page, so pagination and hostile
//! `Link` headers are served by the in-process fault server.
//!
//! The repositories are named by their loopback address with the stream's
//! `openshift.io/image.insecureRepository` annotation (plain HTTP), as the importer lists tags from
//! the source registry and never through mirrors; no request leaves the machine.

mod support;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use streamlock::model::status::StreamStatus;
use support::cli::{Run, run, streamlock};
use support::faults::{Action, MANIFEST, Request, ThreadServer};
use support::images::{Kind, Pusher, sha256};
use support::registry::{TestRegistry, free_port};

/// A stream that imports `repository` whole, with `status` as given (and no spec tag).
fn stream_text(repository: &str, status: &str) -> String {
    format!(
        "apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: team
  annotations:
    openshift.io/image.insecureRepository: \"true\"
spec:
  dockerImageRepository: {repository}
{status}"
    )
}

/// The same stream with a spec tag `latest` that refers to another image: the repository's own
/// `latest` is left to it.
fn stream_with_latest(repository: &str) -> String {
    stream_text(repository, "").replace(
        "spec:\n",
        "spec:\n  tags:\n  - name: latest\n    reference: true\n    from:\n      kind: DockerImage\n      name: quay.io/team/elsewhere:latest\n",
    )
}

struct Workspace {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    file: PathBuf,
}

impl Workspace {
    fn new(text: &str) -> Workspace {
        let tmp = tempfile::tempdir().expect("tempdir");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        let file = tmp.path().join("repo/app.yaml");
        std::fs::create_dir_all(file.parent().expect("dir")).expect("repo dir");
        std::fs::write(&file, text).expect("write stream");
        Workspace {
            _tmp: tmp,
            home,
            file,
        }
    }

    fn import(&self, args: &[&str]) -> Run {
        let dir = self.file.parent().expect("dir");
        let run = run(streamlock(&self.home)
            .current_dir(dir)
            .args([
                "import",
                "--since",
                "none",
                "--retries",
                "0",
                "--timeout",
                "10",
            ])
            .args(args)
            .arg(dir));
        eprintln!(
            "import {args:?}: exit {:?}\n{}\n{}",
            run.code, run.stdout, run.stderr
        );
        run
    }

    /// `import ARGS --format json`, the report parsed.
    fn import_json(&self, args: &[&str]) -> (Run, Value) {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let run = self.import(&all);
        let doc = serde_json::from_str(&run.stdout).expect("one JSON document on stdout");
        (run, doc)
    }

    fn status(&self) -> StreamStatus {
        let repo = streamlock::repo::Repo::load(std::slice::from_ref(&self.file));
        let streams = repo.plain_streams();
        streams[0].status.clone().expect("status written")
    }

    fn text(&self) -> String {
        std::fs::read_to_string(&self.file).expect("read stream")
    }
}

/// Pushes `tags` of `repo` (schema 2, each its own image); returns (tag, digest).
fn push_tags(registry: &TestRegistry, repo: &str, tags: &[String]) -> Vec<(String, String)> {
    let pusher = Pusher::new(registry);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let mut pushed = Vec::new();
            for tag in tags {
                let digest = pusher.push(repo, tag, Kind::Schema2).await.digest;
                pushed.push((tag.clone(), digest));
            }
            pushed
        })
}

fn strings(tags: &[&str]) -> Vec<String> {
    tags.iter().map(|t| (*t).to_owned()).collect()
}

/// Status tags by name, with their current image.
fn recorded(status: &StreamStatus) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = status
        .tags
        .iter()
        .map(|t| {
            let image = t.items.first().map_or(String::new(), |e| e.image.clone());
            (t.tag.clone(), image)
        })
        .collect();
    tags.sort();
    tags
}

fn summary(doc: &Value, field: &str) -> u64 {
    doc["summary"][field].as_u64().expect("summary field")
}

/// Tags listed, in byte order, that PrioritizeTags orders otherwise: `latest` first, then minor
/// versions newest first (`v2.1` before `2.0`), then full versions, then the rest.
const TAGS: [&str; 10] = [
    "1.0", "1.0.0", "1.1", "1.2.3", "2.0", "alpha", "beta", "latest", "v2.1", "zeta",
];

#[test]
fn a_repository_with_more_tags_than_the_limit_imports_the_first_in_the_importers_order() {
    let registry = TestRegistry::plain();
    let repository = format!("{}/team/app", registry.addr);
    let pushed = push_tags(&registry, "team/app", &strings(&TAGS));
    let digest = |tag: &str| {
        pushed
            .iter()
            .find(|(t, _)| t == tag)
            .map(|(_, d)| d.clone())
            .expect("pushed")
    };
    let ws = Workspace::new(&stream_with_latest(&repository));
    let pushes = registry.requests().len();
    let hook = ws.import(&["--check", "--offline"]);
    assert_eq!(hook.code, Some(1), "{}", hook.stderr);
    assert!(
        hook.stdout.contains(&format!(
            "stream team/app imports spec.dockerImageRepository {repository}, but its status records no tag of it"
        )),
        "{}",
        hook.stdout
    );

    let (first, doc) = ws.import_json(&["--write", "--max-repository-tags", "4"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let status = ws.status();
    let want: Vec<(String, String)> = {
        let mut want: Vec<_> = ["v2.1", "2.0", "1.1"]
            .iter()
            .map(|t| ((*t).to_owned(), digest(t)))
            .collect();
        // The spec tag keeps its own `latest` (a reference: no image), though the repository's
        // `latest` counts among the first four.
        want.push(("latest".into(), String::new()));
        want.sort();
        want
    };
    assert_eq!(recorded(&status), want);
    let v21 = status.tags.iter().find(|t| t.tag == "v2.1").expect("v2.1");
    assert_eq!(
        v21.items[0].docker_image_reference,
        format!("{repository}@{}", digest("v2.1"))
    );
    assert_eq!(
        v21.items[0].generation, 2,
        "nextGeneration of a created stream"
    );
    assert_eq!(status.docker_image_repository, repository);
    // Each imported tag is reported with the reference it was looked up by.
    let lines = doc["imports"].as_array().expect("imports");
    let v21 = lines
        .iter()
        .find(|l| l["tag"] == "v2.1")
        .expect("v2.1 reported");
    assert_eq!(v21["from"], format!("{repository}:v2.1"));
    assert_eq!(v21["result"], "updated");
    let requests = summary(&doc, "requests");
    eprintln!("requests for a repository import of 4 tags: {requests}");
    let mut log = registry.requests().split_off(pushes);
    log.sort();
    assert_eq!(
        log,
        [
            "GET /v2/ 200",
            "GET /v2/team/app/manifests/1.1 200",
            "GET /v2/team/app/manifests/2.0 200",
            "GET /v2/team/app/manifests/v2.1 200",
            "GET /v2/team/app/tags/list?n=1000 200",
        ],
        "a ping, one listing, one request per imported tag"
    );

    // Recorded: the default run neither lists the tags again nor changes anything.
    let before = ws.text();
    let seen = registry.requests().len();
    let (again, doc) = ws.import_json(&["--write", "--max-repository-tags", "4"]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert_eq!(ws.text(), before);
    assert_eq!(summary(&doc, "requests"), 0);
    assert_eq!(
        registry.requests().len(),
        seen,
        "no request for a recorded import"
    );
    let offline = ws.import(&["--check", "--offline"]);
    assert_eq!(offline.code, Some(0), "{}", offline.stderr);

    // A new minor version upstream enters the first four: `--all` lists again, `--check` and
    // `--diff` show the new tag like any change; what left the first four keeps its status.
    let moved = push_tags(&registry, "team/app", &strings(&["3.0"]));
    let check = ws.import(&["--check", "--all", "--max-repository-tags", "4"]);
    assert_eq!(check.code, Some(1), "{}", check.stdout);
    assert!(check.stdout.contains("3.0"), "{}", check.stdout);
    let diff = ws.import(&["--diff", "--all", "--max-repository-tags", "4"]);
    assert_eq!(diff.code, Some(0), "{}", diff.stderr);
    assert!(diff.stdout.contains("+  - tag: \"3.0\""), "{}", diff.stdout);
    assert!(
        diff.stdout
            .contains(&format!("+      image: {}", moved[0].1)),
        "{}",
        diff.stdout
    );
    assert_eq!(ws.text(), before, "--check and --diff write nothing");
    let write = ws.import(&["--write", "--all", "--max-repository-tags", "4"]);
    assert_eq!(write.code, Some(0), "{}", write.stderr);
    let tags: Vec<String> = recorded(&ws.status()).into_iter().map(|(t, _)| t).collect();
    assert_eq!(tags, ["1.1", "2.0", "3.0", "latest", "v2.1"]);
}

#[test]
fn the_default_limit_is_the_importers_fifty() {
    let registry = TestRegistry::plain();
    let repository = format!("{}/team/big", registry.addr);
    let names: Vec<String> = (0..55).map(|i| format!("t{i:02}")).collect();
    push_tags(&registry, "team/big", &names);
    let ws = Workspace::new(&stream_text(&repository, ""));
    let (write, doc) = ws.import_json(&["--write"]);
    assert_eq!(write.code, Some(0), "{}", write.stderr);
    let tags: Vec<String> = recorded(&ws.status()).into_iter().map(|(t, _)| t).collect();
    assert_eq!(tags, names[..50], "the first 50 in the importer's order");
    assert_eq!(summary(&doc, "updated"), 50);

    // `.streamlock.yaml` sets the limit where the flag does not; -1 takes every tag.
    let config = ws.file.parent().expect("dir").join(".streamlock.yaml");
    std::fs::write(&config, "max-repository-tags: -1\n").expect("config");
    let all = ws.import(&["--write", "--all"]);
    assert_eq!(all.code, Some(0), "{}", all.stderr);
    assert_eq!(ws.status().tags.len(), 55);
    std::fs::write(&config, "max-repository-tags: 0\n").expect("config");
    let bad = ws.import(&["--check", "--all"]);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert!(
        bad.stderr
            .contains("max-repository-tags: 0 tags per repository: expected at least 1, or -1"),
        "{}",
        bad.stderr
    );
}

#[test]
fn an_inconclusive_listing_writes_nothing() {
    let dead = format!("127.0.0.1:{}/team/app", free_port());
    let text = stream_text(
        &dead,
        &format!("status:\n  dockerImageRepository: {dead}\n"),
    );
    let ws = Workspace::new(&text);
    let human = ws.import(&["--write"]);
    assert_eq!(human.code, Some(1), "{}", human.stderr);
    assert!(
        human
            .stdout
            .contains(&format!("team/app spec.dockerImageRepository  {dead}")),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("not recorded"), "{}", human.stdout);
    let (run, doc) = ws.import_json(&["--write"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(ws.text(), text, "nothing written");
    let line = &doc["imports"][0];
    assert_eq!(line["result"], "failed");
    assert_eq!(line["tag"], "");
    assert_eq!(line["from"], dead.as_str());
    let message = line["message"].as_str().expect("message");
    assert!(message.contains("127.0.0.1"), "{message}");
    assert_eq!(summary(&doc, "notRecorded"), 1, "{doc:#}");
}

/// A registry that pages its tag list two tags at a time, as registries that honour `n` do, with
/// the `Link` header `link(last tag of the page)` on the first page, and every manifest the same
/// image. Each tag-list request's path and query goes to `log`.
fn paging_registry(
    log: Arc<Mutex<Vec<String>>>,
    link: impl Fn(&str) -> String + Send + Sync + 'static,
) -> ThreadServer {
    ThreadServer::start(move |r: &Request| {
        let (path, query) = r.path.split_once('?').unwrap_or((r.path.as_str(), ""));
        match path {
            "/v2/" => Action::status(200),
            "/v2/team/app/tags/list" => {
                log.lock().expect("log").push(r.path.clone());
                let last = query.split('&').find_map(|p| p.strip_prefix("last="));
                let page = |tags: &str| {
                    Action::json(200, &format!(r#"{{"name":"team/app","tags":{tags}}}"#))
                };
                match last {
                    None => page(r#"["b","a"]"#).header("link", &link("b")),
                    Some("b") => page(r#"["c","latest"]"#),
                    Some(_) => page("[]"),
                }
            }
            _ => Action::manifest(
                "application/vnd.docker.distribution.manifest.v2+json",
                MANIFEST,
                Some(&sha256(MANIFEST)),
            ),
        }
    })
}

#[test]
fn a_paginated_tag_list_is_followed_through_its_link_header() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let server = paging_registry(log.clone(), |last| {
        format!("</v2/team/app/tags/list?last={last}&n=2>; rel=\"next\"")
    });
    let repository = format!("{}/team/app", server.addr);
    let ws = Workspace::new(&stream_text(&repository, ""));
    let (run, doc) = ws.import_json(&["--write"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let tags: Vec<String> = recorded(&ws.status()).into_iter().map(|(t, _)| t).collect();
    assert_eq!(tags, ["a", "b", "c", "latest"], "both pages read");
    assert_eq!(
        *log.lock().expect("log"),
        [
            "/v2/team/app/tags/list?n=1000",
            "/v2/team/app/tags/list?last=b&n=2"
        ]
    );
    eprintln!("requests: {}", summary(&doc, "requests"));
}

#[test]
fn a_registry_that_refuses_the_page_size_is_asked_as_the_importer_asks() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let server = {
        let log = log.clone();
        ThreadServer::start(move |r: &Request| match r.path.as_str() {
            "/v2/" => Action::status(200),
            "/v2/team/app/tags/list?n=1000" => {
                log.lock().expect("log").push(r.path.clone());
                Action::json(
                    400,
                    r#"{"errors":[{"code":"PAGINATION_NUMBER_INVALID","message":"invalid number of results requested","detail":{"n":1000}}]}"#,
                )
            }
            "/v2/team/app/tags/list" => {
                log.lock().expect("log").push(r.path.clone());
                Action::json(200, r#"{"name":"team/app","tags":["1.0"]}"#)
            }
            _ => Action::manifest(
                "application/vnd.docker.distribution.manifest.v2+json",
                MANIFEST,
                Some(&sha256(MANIFEST)),
            ),
        })
    };
    let repository = format!("{}/team/app", server.addr);
    let ws = Workspace::new(&stream_text(&repository, ""));
    let run = ws.import(&["--write"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        recorded(&ws.status()),
        [("1.0".to_owned(), sha256(MANIFEST))]
    );
    assert_eq!(
        *log.lock().expect("log"),
        ["/v2/team/app/tags/list?n=1000", "/v2/team/app/tags/list"]
    );
}

#[test]
fn a_link_that_leaves_the_registry_or_loops_fails_the_listing_and_writes_nothing() {
    let contacted = Arc::new(AtomicUsize::new(0));
    let elsewhere = {
        let contacted = contacted.clone();
        ThreadServer::start(move |_: &Request| {
            contacted.fetch_add(1, Ordering::Relaxed);
            Action::status(200)
        })
    };
    let to = elsewhere.addr.clone();
    type Link = Box<dyn Fn(&str) -> String + Send + Sync>;
    let cases: Vec<(Link, &str)> = vec![
        (
            Box::new(move |last| format!("<http://{to}/v2/team/app/tags/list?last={last}>")),
            "leads to another host",
        ),
        (
            Box::new(|_| "</v2/team/app/tags/list?n=1000>; rel=\"next\"".into()),
            "already read",
        ),
        (
            Box::new(|_| "</v2/team/other/tags/list?last=b>".into()),
            "leads away",
        ),
    ];
    for (link, want) in cases {
        let log = Arc::new(Mutex::new(Vec::new()));
        let server = paging_registry(log, link);
        let repository = format!("{}/team/app", server.addr);
        let status = format!("status:\n  dockerImageRepository: {repository}\n");
        let text = stream_text(&repository, &status);
        let ws = Workspace::new(&text);
        let (run, doc) = ws.import_json(&["--write"]);
        assert_eq!(run.code, Some(1), "{want}: {}", run.stderr);
        assert_eq!(ws.text(), text, "{want}: nothing written");
        let message = doc["imports"][0]["message"].as_str().expect("message");
        assert!(message.contains(want), "{want}: {message}");
    }
    assert_eq!(
        contacted.load(Ordering::Relaxed),
        0,
        "no request to another host"
    );
}

#[test]
fn a_source_that_mirror_rules_keep_out_of_reach_is_not_listed() {
    let registry = TestRegistry::plain();
    let repository = "quay.example/team/app";
    let status = format!("status:\n  dockerImageRepository: {repository}\n");
    let text = stream_text(repository, &status);
    let ws = Workspace::new(&text);
    let mirrors = ws.file.parent().expect("dir").join("mirrors.yaml");
    let sets = support::registry::loopback_mirror_sets(&["quay.example"], &registry.addr);
    std::fs::write(&mirrors, sets).expect("mirror config");
    let config = mirrors.to_str().expect("path");
    let (run, doc) = ws.import_json(&["--write", "--mirror-config", config]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(ws.text(), text, "nothing written");
    let message = doc["imports"][0]["message"].as_str().expect("message");
    assert!(
        message.contains("listed at the source only") && message.contains("NeverContactSource"),
        "{message}"
    );
    assert_eq!(summary(&doc, "requests"), 0);
}

#[test]
fn streams_naming_the_same_repository_share_one_listing_and_one_lookup_per_tag() {
    let registry = TestRegistry::plain();
    let pushed = push_tags(&registry, "library/tool", &strings(&["1.0", "latest"]));
    let pushes = registry.requests().len();
    // Two streams, `app` and `tool`, import the same repository.
    let repository = format!("{}/library/tool", registry.addr);
    let ws = Workspace::new(&stream_text(&repository, ""));
    let other = stream_text(&repository, "").replace("name: app", "name: tool");
    std::fs::write(ws.file.with_file_name("tool.yaml"), other).expect("second stream");
    let (run, doc) = ws.import_json(&["--write"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut log = registry.requests().split_off(pushes);
    log.sort();
    assert_eq!(
        log,
        [
            "GET /v2/ 200",
            "GET /v2/library/tool/manifests/1.0 200",
            "GET /v2/library/tool/manifests/latest 200",
            "GET /v2/library/tool/tags/list?n=1000 200",
        ]
    );
    assert_eq!(
        summary(&doc, "updated"),
        4,
        "two tags in each of two streams"
    );
    assert_eq!(recorded(&ws.status()), pushed);
}

#[test]
fn an_unknown_repository_is_reported_in_the_importers_words_and_nothing_is_written() {
    let registry = TestRegistry::plain();
    let repository = format!("{}/team/missing", registry.addr);
    let text = stream_text(
        &repository,
        &format!("status:\n  dockerImageRepository: {repository}\n"),
    );
    let ws = Workspace::new(&text);
    let (run, doc) = ws.import_json(&["--write"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        ws.text(),
        text,
        "the importer records a listing failure on no tag"
    );
    let message = doc["imports"][0]["message"].as_str().expect("message");
    assert_eq!(
        message,
        format!(
            "listing the repository's tags: NotFound: dockerimage.image.openshift.io \"{repository}\" not found"
        )
    );
}
