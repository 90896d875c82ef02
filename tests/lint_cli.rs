//! `streamlock lint` as users run it: exit codes, formats, config, suppressions.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn streamlock() -> Command {
    let mut cmd = Command::cargo_bin("streamlock").expect("binary");
    cmd.env_remove("NO_COLOR").env("STREAMLOCK_LOG", "off");
    cmd
}

fn fixture(rule: &str, name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lint")
        .join(rule)
        .join(name)
        .display()
        .to_string()
}

#[test]
fn exit_codes_follow_the_contract() {
    streamlock()
        .args(["lint", &fixture("invalid-from-kind", "good.yaml")])
        .assert()
        .code(0);
    streamlock()
        .args(["lint", &fixture("invalid-from-kind", "bad.yaml")])
        .assert()
        .code(1);
    // Warnings alone pass unless --fail-on asks for them.
    let warned = fixture("duplicate-tag", "bad.yaml");
    streamlock().args(["lint", &warned]).assert().code(0);
    streamlock()
        .args(["lint", &warned, "--fail-on", "warning"])
        .assert()
        .code(1);
    streamlock().args(["lint", "no/such/path"]).assert().code(2);
    let good = fixture("invalid-from-kind", "good.yaml");
    streamlock()
        .args(["lint", &good, "no/such/path"])
        .assert()
        .code(2);
    streamlock()
        .args(["lint", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn json_is_the_documented_contract() {
    let out = streamlock()
        .args([
            "lint",
            "--format",
            "json",
            &fixture("invalid-import-mode", "bad.yaml"),
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["files"], 1);
    assert_eq!(doc["streams"], 1);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["rule"], "invalid-import-mode");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["field"], "spec.tags[1.0].importPolicy.importMode");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(13), Some(19))
    );
    assert_eq!(d["end_line"], 13);
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("valid modes are")
    );
    assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()));
}

#[test]
fn messages_name_what_the_field_does_not() {
    let message = |rule: &str| {
        let out = streamlock()
            .args(["lint", "--format", "json", &fixture(rule, "bad.yaml")])
            .output()
            .expect("run");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let d = doc["diagnostics"]
            .as_array()
            .and_then(|all| all.iter().find(|d| d["rule"] == rule))
            .cloned()
            .unwrap_or_else(|| panic!("no {rule} in {doc}"));
        (d["field"].clone(), d["message"].clone())
    };
    // Both definitions have the field path spec.tags[latest]: only the line tells them apart.
    assert_eq!(
        message("duplicate-tag"),
        (
            "spec.tags[latest].name".into(),
            "tag \"latest\" is also defined at line 12; the server keeps only the last one".into()
        )
    );
    // The field is already in the diagnostic; the message names only the key.
    assert_eq!(
        message("unknown-field"),
        (
            "spec.importPolicy".into(),
            "unknown field `importPolicy`; it belongs under each entry of spec.tags".into()
        )
    );
}

#[test]
fn github_annotations_are_escaped_and_counted() {
    streamlock()
        .args([
            "lint",
            "--format",
            "github",
            &fixture("invalid-reference-policy", "bad.yaml"),
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("::error file="))
        .stdout(predicate::str::contains(
            ",line=13,col=13,endLine=13,endColumn=18,title=streamlock invalid-reference-policy::",
        ))
        .stdout(predicate::str::contains("streamlock: 1 error,"));
}

#[test]
fn several_formats_at_once_with_sarif_to_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("out.sarif");
    let junit = dir.path().join("out.xml");
    streamlock()
        .args([
            "lint",
            &fixture("invalid-name", "bad.yaml"),
            "--format",
            &format!("github,sarif={},junit={}", sarif.display(), junit.display()),
        ])
        .assert()
        .code(1);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("json");
    assert_eq!(doc["version"], "2.1.0");
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "invalid-name");
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let index = result["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(rules[index]["id"], "invalid-name");
    let xml = std::fs::read_to_string(&junit).expect("junit");
    assert!(xml.contains("<failure type=\"invalid-name\""), "{xml}");
    // Two formats on stdout are refused.
    streamlock()
        .args([
            "lint",
            &fixture("invalid-name", "bad.yaml"),
            "--format",
            "json,github",
        ])
        .assert()
        .code(2);
}

#[test]
fn human_output_shows_the_snippet_without_colour_when_piped() {
    streamlock()
        .args(["lint", &fixture("invalid-from-kind", "bad.yaml")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("invalid-from-kind"))
        .stdout(predicate::str::contains("kind: dockerimage"))
        .stdout(predicate::str::contains("bad.yaml:10:13"))
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn config_changes_severity_and_excludes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        fixture("duplicate-tag", "bad.yaml"),
        dir.path().join("is.yaml"),
    )
    .expect("copy");
    std::fs::create_dir(dir.path().join("legacy")).expect("mkdir");
    std::fs::copy(
        fixture("invalid-name", "bad.yaml"),
        dir.path().join("legacy/old.yaml"),
    )
    .expect("copy");
    streamlock()
        .current_dir(dir.path())
        .args(["lint"])
        .assert()
        .code(1);
    std::fs::write(
        dir.path().join(".streamlock.yaml"),
        "rules:\n  duplicate-tag: error\nexclude:\n  - \"legacy/**\"\n",
    )
    .expect("config");
    streamlock()
        .current_dir(dir.path())
        .args(["lint", "--format", "json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"severity\": \"error\""))
        .stdout(predicate::str::contains("old.yaml").not());
    std::fs::write(
        dir.path().join(".streamlock.yaml"),
        "rules:\n  no-such-rule: off\n",
    )
    .expect("config");
    streamlock()
        .current_dir(dir.path())
        .args(["lint"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `no-such-rule`"));
}

#[test]
fn an_annotation_with_a_reason_suppresses_a_rule() {
    let good = fixture("invalid-suppression", "good.yaml");
    streamlock()
        .args(["lint", "--format", "json", &good])
        .assert()
        .stdout(predicate::str::contains("floating-tag-not-scheduled").not());
}

#[test]
fn explain_lists_and_describes_rules() {
    streamlock()
        .args(["lint", "--explain"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("duplicate-tag"));
    streamlock()
        .args(["lint", "--explain", "duplicate-tag"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("silently"));
    streamlock()
        .args(["lint", "--explain", "nope"])
        .assert()
        .code(2);
}

#[test]
fn templates_are_skipped_with_one_line_unless_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.yaml");
    std::fs::write(
        &path,
        "apiVersion: template.openshift.io/v1\nkind: Template\nmetadata:\n  name: t\nobjects:\n- apiVersion: image.openshift.io/v1\n  kind: ImageStream\n  metadata:\n    name: ${NAME}\n  spec:\n    tags:\n    - name: latest\n      from:\n        kind: DockerImage\n        name: ${IMAGE}\n      importPolicy:\n        insecure: ${{INSECURE}}\n",
    )
    .expect("write");
    streamlock()
        .args(["lint", path.to_str().expect("utf-8")])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "Template \"t\" holds 1 ImageStream(s); skipped",
        ));
    streamlock()
        .args([
            "lint",
            "--templates",
            "--format",
            "json",
            path.to_str().expect("utf-8"),
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"streams\": 1"));
}

#[test]
fn completions_and_man_render() {
    streamlock()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("streamlock"));
    streamlock()
        .args(["man"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(".TH"));
}
