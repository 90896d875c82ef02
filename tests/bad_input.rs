//! The bad-input matrix: hostile or broken files each get a diagnostic that names the file and a
//! position, from the real binary, within a time bound (a hang guard for a loaded 2-core machine, not a
//! speed test) and under an address-space limit (unbounded memory aborts the process and fails the test).
//!
//! Small inputs are committed under `fixtures/bad/`; big ones are generated here.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use streamlock::load::{Limits, MAX_FILE_BYTES};

/// Long enough for a debug build on a busy machine; an unbounded loop or expansion never gets there.
const TIME_BOUND: Duration = Duration::from_secs(20);
/// Address space per run (KiB for `ulimit -v`): far above what any of these inputs may need.
const MEMORY_BOUND_KIB: u64 = 1024 * 1024;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/bad")
        .join(name)
}

/// What one `streamlock lint --format json` run said.
struct Run {
    code: i32,
    diagnostics: Vec<Value>,
    streams: u64,
}

impl Run {
    /// The only diagnostic of `rule`.
    fn one(&self, rule: &str) -> &Value {
        let found: Vec<&Value> = self
            .diagnostics
            .iter()
            .filter(|d| d["rule"] == rule)
            .collect();
        assert_eq!(found.len(), 1, "one {rule} in {:#?}", self.diagnostics);
        found[0]
    }
}

fn lint(path: &Path) -> Run {
    let binary = assert_cmd::cargo::cargo_bin("streamlock");
    let limited = format!("ulimit -v {MEMORY_BOUND_KIB} && exec \"$0\" \"$@\"");
    let out = Command::new("sh")
        .arg("-c")
        .arg(limited)
        .arg(binary)
        .args(["lint", "--format", "json"])
        .arg(path)
        .env("STREAMLOCK_LOG", "off")
        .timeout(TIME_BOUND)
        .output()
        .expect("run streamlock");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or_else(|| {
        panic!(
            "{} killed (time or memory bound?): {:?}\n{stderr}",
            path.display(),
            out.status
        )
    });
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{stderr}"));
    Run {
        code,
        diagnostics: doc["diagnostics"].as_array().cloned().unwrap_or_default(),
        streams: doc["streams"].as_u64().unwrap_or(0),
    }
}

/// Asserts a diagnostic's file (by name), 1-based position and a phrase of its message.
fn assert_at(d: &Value, file: &str, line: u64, column: u64, phrase: &str) {
    let name = d["file"].as_str().unwrap_or("");
    assert!(name.ends_with(file), "file {name:?} is not {file:?}: {d:#}");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(line), Some(column)),
        "{d:#}"
    );
    let message = d["message"].as_str().unwrap_or("");
    assert!(message.contains(phrase), "{message:?} lacks {phrase:?}");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write input");
    path
}

const HEAD: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: big\n  annotations:\n";

/// Asserts that the node budget ran out on an alias (`*name`) of the file, and that the diagnostic says so.
fn assert_on_alias(run: &Run, path: &Path) {
    assert_eq!(run.code, 1);
    let d = run.one("yaml-syntax");
    let text = std::fs::read_to_string(path).expect("input");
    let (line, column) = (
        d["line"].as_u64().unwrap_or(0),
        d["column"].as_u64().unwrap_or(0),
    );
    let at = text
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .and_then(|l| l.get(column.saturating_sub(1) as usize..));
    assert!(
        at.is_some_and(|s| s.starts_with('*')),
        "{line}:{column} is no alias"
    );
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    assert_at(d, name, line, column, "alias bomb");
}

#[test]
fn billion_laughs_stop_at_the_node_budget() {
    let path = fixture("billion-laughs.yaml");
    assert_on_alias(&lint(&path), &path);
}

#[test]
fn many_aliases_of_one_big_anchor_stop_at_the_node_budget() {
    let dir = tempfile::tempdir().expect("tempdir");
    let per_alias = 200_000;
    let big = vec!["x"; per_alias].join(", ");
    let mut text = format!("{HEAD}    big: &big [{big}]\n");
    let copies = 2 * Limits::default().max_nodes / per_alias;
    for i in 0..copies {
        text += &format!("    copy{i}: *big\n");
    }
    let path = write(dir.path(), "quadratic.yaml", &text);
    assert_on_alias(&lint(&path), &path);
}

#[test]
fn a_ten_megabyte_scalar_is_over_the_size_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("{HEAD}    big: {}\n", "x".repeat(10_000_000));
    let run = lint(&write(dir.path(), "scalar.yaml", &text));
    assert_eq!(run.code, 1);
    assert_at(run.one("file-error"), "scalar.yaml", 1, 1, "byte limit");
}

#[test]
fn the_largest_scalar_under_the_size_limit_is_read_in_every_style() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fill = MAX_FILE_BYTES as usize - HEAD.len() - 100;
    let block_lines = fill / 101;
    let styles = [
        ("plain", format!("    big: {}\n", "x".repeat(fill))),
        ("double", format!("    big: \"{}\"\n", "x".repeat(fill))),
        ("single", format!("    big: '{}'\n", "x".repeat(fill))),
        (
            "literal",
            format!(
                "    big: |\n{}",
                format!("      {}\n", "x".repeat(94)).repeat(block_lines)
            ),
        ),
    ];
    for (style, body) in styles {
        let name = format!("{style}.yaml");
        let run = lint(&write(dir.path(), &name, &format!("{HEAD}{body}")));
        assert_eq!(run.code, 1, "{style}");
        assert_eq!(run.streams, 1, "{style}");
        // All annotations together may hold 256 KiB: reported on `annotations`.
        assert_at(run.one("invalid-metadata"), &name, 5, 3, "Too long");
    }
}

#[test]
fn a_hundred_thousand_line_list_is_linted_to_its_last_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("apiVersion: v1\nkind: List\nitems:\n");
    let streams = 5_000;
    for i in 0..streams {
        text += &format!(
            "- apiVersion: image.openshift.io/v1\n  kind: ImageStream\n  metadata:\n    name: s{i}\n    namespace: team\n  spec:\n    lookupPolicy:\n      local: false\n    tags:\n    - name: v1\n      from:\n        kind: DockerImage\n        name: quay.io/team/s{i}:v1\n      importPolicy:\n        scheduled: true\n      referencePolicy:\n        type: Source\n    - name: v2\n      from:\n        kind: DockerImage\n"
        );
    }
    text += "        name: quay.io/team/LAST:v2\n";
    let lines = text.lines().count() as u64;
    assert!(lines >= 100_000, "{lines} lines");
    let run = lint(&write(dir.path(), "list.yaml", &text));
    assert_eq!(run.code, 1);
    assert_eq!(run.streams, streams);
    let d = run.one("invalid-image-reference");
    assert_at(
        d,
        "list.yaml",
        lines,
        15,
        "repository name must be lowercase",
    );
}

/// One stream of `count` tags (four lines each): tag `i` gets `from` as `source(i)`.
fn many_tags(count: usize, source: impl Fn(usize) -> String) -> String {
    let mut text = String::from(
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: many\nspec:\n  tags:\n",
    );
    for i in 0..count {
        text += &format!("  - name: t{i}\n    from:\n{}", source(i));
    }
    text
}

#[test]
fn a_stream_of_25000_tags_is_linted_to_its_last_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let count = 25_000;
    let text = many_tags(count, |i| {
        let repo = if i + 1 == count { "LAST" } else { "r" };
        format!("      kind: DockerImage\n      name: quay.io/o/{repo}:t{i}\n")
    });
    let lines = text.lines().count() as u64;
    let run = lint(&write(dir.path(), "tags.yaml", &text));
    assert_eq!(run.code, 1);
    assert_at(
        run.one("invalid-image-reference"),
        "tags.yaml",
        lines,
        13,
        "must be lowercase",
    );
}

#[test]
fn a_loop_of_25000_aliases_is_reported_in_bounded_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let count = 25_000;
    let text = many_tags(count, |i| {
        format!(
            "      kind: ImageStreamTag\n      name: t{}\n",
            (i + 1) % count
        )
    });
    let run = lint(&write(dir.path(), "aliases.yaml", &text));
    assert_eq!(run.code, 0);
    assert!(run.diagnostics.iter().any(|d| d["rule"] == "broken-alias"));
}

#[test]
fn nesting_beyond_the_depth_budget_is_refused_where_it_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let depth = Limits::default().max_depth;
    // Each file shows an ImageStream kind first (a document of its own), so it is ours to report.
    let shown = "kind: ImageStream\n---\n";
    let block: String = (0..1_000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    let block_seq: String = (0..1_000)
        .map(|i| format!("{}- \n", " ".repeat(i)))
        .collect();
    let flow = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let kind = "{\"kind\":\"ImageStream\",\"a\":";
    let json = format!(
        "{kind}{}1{}",
        "{\"a\":".repeat(100_000 - 1),
        "}".repeat(100_000)
    );
    let deepest = (depth + 1) as u64;
    let after_kind = (kind.len() - "{\"a\":".len()) as u64;
    for (name, text, line, column) in [
        (
            "block.yaml",
            format!("{shown}{block}"),
            deepest + 2,
            deepest,
        ),
        (
            "block-seq.yaml",
            format!("{shown}{block_seq}"),
            deepest + 2,
            deepest,
        ),
        ("flow.yaml", format!("{shown}{flow}"), 3, deepest),
        ("deep.json", json, 1, 5 * depth as u64 + 1 + after_kind),
    ] {
        let run = lint(&write(dir.path(), name, &text));
        assert_eq!(run.code, 1, "{name}");
        assert_at(
            run.one("yaml-syntax"),
            name,
            line,
            column,
            "recursion limit",
        );
    }
}

#[test]
fn nesting_within_the_budget_parses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let depth = Limits::default().max_depth - 1;
    let text = format!("{}1{}\n", "[".repeat(depth), "]".repeat(depth));
    let run = lint(&write(dir.path(), "ok.yaml", &text));
    assert_eq!(
        (run.code, run.diagnostics.len()),
        (0, 0),
        "{:#?}",
        run.diagnostics
    );
}

#[test]
fn non_utf8_is_reported_at_the_first_bad_byte() {
    let run = lint(&fixture("latin1.yaml"));
    assert_eq!(run.code, 1);
    assert_at(
        run.one("file-error"),
        "latin1.yaml",
        4,
        12,
        "not valid UTF-8",
    );
    // UTF-16 (as Windows editors save it) fails on its byte-order mark.
    let run = lint(&fixture("utf16.yaml"));
    assert_eq!(run.code, 1);
    assert_at(run.one("file-error"), "utf16.yaml", 1, 1, "not valid UTF-8");
}

#[test]
fn a_byte_order_mark_is_read_past_and_not_counted_as_a_column() {
    let run = lint(&fixture("bom.yaml"));
    assert_eq!(run.code, 1);
    assert_eq!(run.streams, 1);
    assert_at(
        run.one("invalid-object-type"),
        "bom.yaml",
        1,
        13,
        "image.openshift.io/v2",
    );
    assert_at(run.one("invalid-namespace"), "bom.yaml", 5, 14, "Team");
}

#[test]
fn a_binary_file_is_reported_at_its_first_nul_when_it_shows_an_imagestream() {
    // An executable named .yaml shows no ImageStream: it is not ours to report.
    let run = lint(&fixture("elf.yaml"));
    assert_eq!((run.code, run.diagnostics.len()), (0, 0));
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: a\0\n";
    let run = lint(&write(dir.path(), "nul.yaml", text));
    assert_eq!(run.code, 1);
    assert_at(run.one("file-error"), "nul.yaml", 4, 10, "binary");
}

#[test]
fn files_over_the_size_limit_are_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let at_limit = "#\n".repeat(MAX_FILE_BYTES as usize / 2);
    let run = lint(&write(dir.path(), "at-limit.yaml", &at_limit));
    assert_eq!((run.code, run.diagnostics.len()), (0, 0));
    let over = format!("{at_limit}#");
    let run = lint(&write(dir.path(), "over.yaml", &over));
    assert_eq!(run.code, 1);
    let limit = MAX_FILE_BYTES.to_string();
    assert_at(run.one("file-error"), "over.yaml", 1, 1, &limit);
}

#[test]
fn empty_comment_only_and_separator_only_files_hold_no_streams() {
    for name in ["empty.yaml", "comments.yaml", "dashes.yaml"] {
        let run = lint(&fixture(name));
        assert_eq!((run.code, run.streams), (0, 0), "{name}");
        assert!(run.diagnostics.is_empty(), "{name}: {:#?}", run.diagnostics);
    }
}

#[test]
fn a_symlink_loop_is_a_file_error_when_named_and_no_hang_when_walked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let looped = dir.path().join("loop.yaml");
    std::os::unix::fs::symlink("loop.yaml", &looped).expect("symlink");
    std::os::unix::fs::symlink(".", dir.path().join("self")).expect("symlink");
    let run = lint(&looped);
    assert_eq!(run.code, 1);
    assert_at(run.one("file-error"), "loop.yaml", 1, 1, "symbolic links");
    // Walking the directory does not follow links, so neither loop is entered.
    let run = lint(dir.path());
    assert_eq!(
        (run.code, run.diagnostics.len()),
        (0, 0),
        "{:#?}",
        run.diagnostics
    );
}

#[test]
fn an_unreadable_file_is_a_file_error_unless_running_as_root() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "secret.yaml",
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: Locked\n",
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root (as in CI) reads through mode 000; the file is then linted like any other.
    let readable = std::fs::File::open(&path).is_ok();
    let run = lint(&path);
    assert_eq!(run.code, 1);
    if readable {
        assert_at(run.one("invalid-name"), "secret.yaml", 4, 9, "Locked");
    } else {
        assert_at(
            run.one("file-error"),
            "secret.yaml",
            1,
            1,
            "permission denied",
        );
    }
}

#[test]
fn a_directory_named_like_a_manifest_is_walked_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let named = dir.path().join("x.yaml");
    std::fs::create_dir(&named).expect("mkdir");
    let run = lint(&named);
    assert_eq!((run.code, run.diagnostics.len()), (0, 0));
    write(
        &named,
        "inner.yaml",
        &format!("{HEAD}    a: b\n  namespace: Bad\n"),
    );
    for path in [dir.path(), named.as_path()] {
        let run = lint(path);
        assert_eq!(run.code, 1);
        assert_at(run.one("invalid-namespace"), "inner.yaml", 7, 14, "Bad");
    }
}
