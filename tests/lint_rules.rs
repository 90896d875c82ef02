//! Every rule has a fixture that triggers it and one that must not (`fixtures/lint/<rule>/`).

use std::path::{Path, PathBuf};

use streamlock::cluster::{self, Cluster, Inputs, LoadError};
use streamlock::lint::{self, Config, FileReport, LintOptions, rules};
use streamlock::report;

fn fixture(rule: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lint")
        .join(rule)
        .join(name)
}

/// The reports of `path` linted as the lint command lints it: for the cluster objects it holds,
/// a malformed one reported in its place.
fn lint_as_command(path: &Path) -> Vec<FileReport> {
    let files = [path.to_path_buf()];
    let inputs = Inputs {
        files: &files,
        ..Inputs::default()
    };
    let config = Config::default();
    let (cluster, problem) = match Cluster::load(inputs) {
        Ok(cluster) => (cluster, None),
        Err(LoadError::Placed(problem)) => (Cluster::default(), Some(problem)),
        Err(LoadError::Other(message)) => panic!("{}: {message}", path.display()),
    };
    let options = LintOptions {
        cluster,
        ..LintOptions::default()
    };
    let mut reports = lint::lint_files(&files, &options, &config).reports;
    if let Some(problem) = problem {
        cluster::report_problem(&mut reports, problem, &config);
    }
    reports
}

fn rules_reported(path: &Path) -> Vec<&'static str> {
    let reports = lint_as_command(path);
    reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .map(|d| d.rule.id)
        .collect()
}

#[test]
fn every_rule_triggers_on_its_bad_fixture_and_not_on_its_good_one() {
    for rule in rules::ALL.iter().chain(rules::FILE) {
        let bad = fixture(rule.id, "bad.yaml");
        let good = fixture(rule.id, "good.yaml");
        assert!(
            bad.is_file() && good.is_file(),
            "rule {} has no fixtures",
            rule.id
        );
        assert!(
            rules_reported(&bad).contains(&rule.id),
            "{} did not trigger on {}",
            rule.id,
            bad.display()
        );
        let on_good = rules_reported(&good);
        assert!(
            !on_good.contains(&rule.id),
            "{} triggered on {}: {on_good:?}",
            rule.id,
            good.display()
        );
    }
}

/// Every rule's findings on its bad fixture, as `--format json` lists them (place, field path,
/// severity, message; the help text is pinned by docs/rules.md), are the reviewed snapshot in
/// tests/snapshots/. Under CI=true a missing or changed snapshot fails; locally `cargo insta review`
/// (or INSTA_UPDATE=always) records the new output for review.
#[test]
fn every_rule_reports_its_bad_fixture_as_reviewed() {
    for rule in rules::ALL.iter().chain(rules::FILE) {
        let reports = lint_as_command(&fixture(rule.id, "bad.yaml"));
        let mut listed: serde_json::Value =
            serde_json::from_str(&report::json::render(&reports)).expect("json output");
        let diagnostics = listed["diagnostics"].as_array_mut().expect("diagnostics");
        for diagnostic in diagnostics.iter_mut() {
            diagnostic.as_object_mut().expect("object").remove("help");
        }
        let shown = serde_json::to_string_pretty(&listed["diagnostics"]).expect("json");
        insta::assert_snapshot!(rule.id, shown);
    }
    // A snapshot whose rule is gone would otherwise be kept and never read.
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for entry in std::fs::read_dir(&snapshots).expect("tests/snapshots") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if let Some(id) = name
            .strip_prefix("lint_rules__")
            .and_then(|n| n.strip_suffix(".snap"))
        {
            assert!(
                rules::find(id).is_some(),
                "{name}: no rule `{id}`; delete it"
            );
        }
    }
}

#[test]
fn good_fixtures_have_no_errors() {
    for rule in rules::ALL.iter().chain(rules::FILE) {
        let reports = lint_as_command(&fixture(rule.id, "good.yaml"));
        let errors: Vec<_> = reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.severity == lint::Severity::Error)
            .map(|d| (d.rule.id, d.message.clone()))
            .collect();
        assert!(
            errors.is_empty(),
            "fixtures/lint/{}/good.yaml: {errors:?}",
            rule.id
        );
    }
}

#[test]
fn every_rule_has_help_and_a_unique_id() {
    let all: Vec<_> = rules::ALL.iter().chain(rules::FILE).collect();
    for (i, rule) in all.iter().enumerate() {
        assert!(
            !rule.summary.is_empty() && rule.help.len() > 40,
            "{} needs a summary and help",
            rule.id
        );
        assert!(
            all[i + 1..].iter().all(|r| r.id != rule.id),
            "duplicate id {}",
            rule.id
        );
        assert_eq!(rules::find(rule.id).map(|r| r.id), Some(rule.id));
    }
}

#[test]
fn missing_namespace_is_an_error_only_when_required() {
    let path = fixture("invalid-namespace", "good.yaml");
    assert!(!rules_reported(&path).contains(&"invalid-namespace"));
    let options = LintOptions {
        require_namespace: true,
        ..LintOptions::default()
    };
    let reports = lint::lint_files(&[path], &options, &Config::default()).reports;
    let d = reports[0]
        .diagnostics
        .iter()
        .find(|d| d.rule.id == "invalid-namespace");
    assert_eq!(d.map(|d| d.field.as_str()), Some("metadata.namespace"));
}

#[test]
fn findings_point_at_the_field_in_openshift_notation() {
    let reports = lint::lint_files(
        &[fixture("invalid-from-kind", "bad.yaml")],
        &LintOptions::default(),
        &Config::default(),
    )
    .reports;
    let d = reports[0]
        .diagnostics
        .iter()
        .find(|d| d.rule.id == "invalid-from-kind")
        .expect("finding");
    assert_eq!(d.field, "spec.tags[1.0].from.kind");
    assert_eq!((d.start.line, d.start.column), (10, 13));
    assert_eq!(
        d.message,
        "Required value: valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag' (did you mean DockerImage?)"
    );
}

#[test]
fn an_entry_shadowed_by_a_later_one_of_the_same_name_is_only_a_duplicate() {
    // The API server turns spec.tags into a map, the last entry of a name winning, before it
    // validates anything: the earlier entry never reaches validation.
    let broken = "  - name: app\n    from:\n      kind: Image\n      name: Quay.io/Org/App\n    importPolicy:\n      scheduled: true\n      importMode: Fast\n    referencePolicy:\n      type: Remote\n";
    let fine =
        "  - name: app\n    from:\n      kind: DockerImage\n      name: quay.io/org/app:1.0\n";
    let head = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\n  namespace: team\nspec:\n  tags:\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let diagnostics = |tags: &[&str]| {
        let path = dir.path().join("app.yaml");
        std::fs::write(&path, format!("{head}{}", tags.concat())).expect("write");
        lint_as_command(&path)
            .into_iter()
            .flat_map(|r| r.diagnostics)
            .map(|d| (d.rule.id, d.start.line))
            .collect::<Vec<_>>()
    };
    assert_eq!(diagnostics(&[broken, fine]), [("duplicate-tag", 8)]);
    // The same entry last is validated, at its own lines.
    let found = diagnostics(&[fine, broken]);
    assert!(found.contains(&("duplicate-tag", 8)), "{found:?}");
    for rule in [
        "invalid-from-kind",
        "invalid-reference-policy",
        "invalid-import-mode",
    ] {
        assert!(
            found.iter().any(|&(id, line)| id == rule && line > 11),
            "{rule}: {found:?}"
        );
    }
}

/// docs/rules.md is generated from the rules (`lint::docs`), and each rule's example is its
/// fixtures as they are on disk.
#[test]
fn docs_rules_md_is_current() {
    for rule in rules::ALL.iter().chain(rules::FILE) {
        let read = |name| std::fs::read(fixture(rule.id, name)).expect("fixture");
        assert_eq!(rule.example.bad, read("bad.yaml"), "{}: bad.yaml", rule.id);
        assert_eq!(
            rule.example.good,
            read("good.yaml"),
            "{}: good.yaml",
            rule.id
        );
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let generated = lint::docs::markdown();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("docs")).expect("docs/");
        std::fs::write(&path, &generated).expect("write docs/rules.md");
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == generated,
        "docs/rules.md is not current; regenerate it with \
         `UPDATE_SNAPSHOTS=1 cargo test --test lint_rules docs_rules_md_is_current` and review the diff"
    );
}
