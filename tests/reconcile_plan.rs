//! Selection (the Git rule, --scheduled, --all, --tag), unique lookups, and the offline check.

mod reconcile_common;

use reconcile_common::*;
use streamlock::model::consistency::{Problem, check_offline};
use streamlock::model::spec::{DOCKER_REPOSITORY_CHECK, PREFER_ARCH, SpecTag};
use streamlock::model::stream::Stream;
use streamlock::plan::{
    ImportMode, Lookup, PlanOptions, Preference, Selection, TagSelector, Why, plan,
};
use streamlock::reconcile::{Results, TagImport};

fn with_generation(mut t: SpecTag, g: Option<i64>) -> SpecTag {
    t.generation = g;
    t
}

fn checked(mut s: Stream) -> Stream {
    s.spec
        .meta
        .annotations
        .push((DOCKER_REPOSITORY_CHECK.into(), T0.into()));
    s
}

/// A stream with one tag `t` from `r:t` whose status was imported at generation `observed`.
fn imported(t: SpecTag, observed: i64) -> Stream {
    let a = digest('a');
    with_status(
        stream("ns", "s", vec![t]),
        vec![list("t", vec![event(&format!("r@{a}"), &a, observed)])],
    )
}

fn selected(streams: &[Stream], o: &PlanOptions) -> Vec<(String, Why)> {
    plan(streams, o)
        .tags
        .into_iter()
        .map(|p| (p.tag, p.why))
        .collect()
}

fn why_one(s: Stream, o: &PlanOptions) -> Option<Why> {
    selected(&[s], o).first().map(|(_, w)| *w)
}

// --- the default rule -----------------------------------------------------------------------

#[test]
fn default_rule_table() {
    let d = PlanOptions::default();
    let t = || docker("t", "r:t");
    let cases: Vec<(&str, Stream, Option<Why>)> = vec![
        (
            "no status at all",
            stream("ns", "s", vec![t()]),
            Some(Why::NoStatus),
        ),
        (
            // The controller would import it again (no dockerRepositoryCheck annotation); in Git
            // nothing ever writes that annotation, so the Git rule leaves a matching status alone.
            "nil generation, stream never checked",
            imported(t(), 2),
            None,
        ),
        (
            "nil generation, stream checked",
            checked(imported(t(), 2)),
            None,
        ),
        (
            "generation newer than items[0]",
            checked(imported(with_generation(t(), Some(3)), 2)),
            Some(Why::NewerGeneration),
        ),
        (
            "generation equal",
            checked(imported(with_generation(t(), Some(2)), 2)),
            None,
        ),
        (
            "generation older",
            checked(imported(with_generation(t(), Some(1)), 2)),
            None,
        ),
        (
            "a client's 0",
            checked(imported(with_generation(t(), Some(0)), 2)),
            Some(Why::ImportRequested),
        ),
        (
            "reference tag",
            stream("ns", "s", vec![reference("t", "r:t")]),
            None,
        ),
        ("alias", stream("ns", "s", vec![istag("t", "u")]), None),
    ];
    for (name, s, want) in cases {
        assert_eq!(why_one(s, &d), want, "{name}");
    }
}

#[test]
fn observed_generation_includes_the_failure_condition() {
    let mut s = checked(imported(with_generation(docker("t", "r:t"), Some(3)), 2));
    let status = s.status.as_mut().unwrap();
    status.tags[0].conditions.push(failed(
        "NotFound",
        "dockerimage.image.openshift.io \"docker.io/library/r:t\" not found",
        3,
        T0,
    ));
    assert_eq!(
        why_one(s.clone(), &PlanOptions::default()),
        None,
        "failure at 3 observed"
    );
    s.status.as_mut().unwrap().tags[0].conditions[0].generation = 2;
    assert_eq!(
        why_one(s, &PlanOptions::default()),
        Some(Why::NewerGeneration)
    );
}

#[test]
fn a_newer_generation_does_not_drag_its_neighbours() {
    // The controller would also import `nil` once `n` triggers the stream (tagNeedsImport(…, true));
    // the Git rule looks up only the tag whose spec changed, so a PR check costs what it touched.
    let a = digest('a');
    let s = checked(with_status(
        stream(
            "ns",
            "s",
            vec![
                docker("nil", "r:nil"),
                with_generation(docker("n", "r:n"), Some(5)),
            ],
        ),
        vec![
            list("nil", vec![event(&format!("r@{a}"), &a, 2)]),
            list("n", vec![event(&format!("r@{a}"), &a, 2)]),
        ],
    ));
    let got = selected(&[s], &PlanOptions::default());
    assert_eq!(got, [("n".into(), Why::NewerGeneration)]);
}

#[test]
fn a_failure_recorded_for_another_reference_is_a_spec_change() {
    let mut s = imported(docker("t", "quay.io/team/r:2"), 2);
    s.status.as_mut().unwrap().tags[0].conditions.push(failed(
        "NotFound",
        "dockerimage.image.openshift.io \"quay.io/team/r:1\" not found",
        2,
        T0,
    ));
    assert_eq!(
        why_one(s.clone(), &PlanOptions::default()),
        Some(Why::SpecChanged)
    );
    s.status.as_mut().unwrap().tags[0].conditions[0].message =
        "Internal error occurred: quay.io/team/r:2: manifest invalid".into();
    assert_eq!(why_one(s, &PlanOptions::default()), None, "same reference");
}

#[test]
fn stale_status_stands_in_for_a_generation_bump() {
    let d = PlanOptions::default();
    let moved = checked(imported(docker("t", "quay.io/other/r:t"), 2));
    assert_eq!(
        why_one(moved, &d),
        Some(Why::SpecChanged),
        "another repository"
    );
    let pinned = checked(imported(docker("t", &format!("r:t@{}", digest('b'))), 2));
    let preserve = PlanOptions {
        default_mode: ImportMode::PreserveOriginal,
        ..PlanOptions::default()
    };
    assert_eq!(
        why_one(pinned.clone(), &preserve),
        Some(Why::SpecChanged),
        "another pinned digest"
    );
    // Legacy: the status may be the child of a pinned list (a pinned digest is not looked up on
    // every run), unless the Git base shows the pin moved while the status stayed.
    assert_eq!(why_one(pinned.clone(), &d), None, "a pinned list's child");
    let mut bumped = pinned;
    bumped.base = Some(Box::new(checked(imported(
        docker("t", &format!("r:t@{}", digest('c'))),
        2,
    ))));
    assert_eq!(why_one(bumped, &d), Some(Why::SpecChanged), "a moved pin");
    let same = checked(imported(docker("t", &format!("r:t@{}", digest('a'))), 2));
    assert_eq!(why_one(same, &d), None, "pin matches status");
}

// --- --scheduled, --all, --tag ---------------------------------------------------------------

fn scheduled(mut t: SpecTag) -> SpecTag {
    t.import_policy.scheduled = true;
    t
}

#[test]
fn scheduled_and_all() {
    let sched = PlanOptions {
        selection: Selection::Scheduled,
        ..PlanOptions::default()
    };
    let all = PlanOptions {
        selection: Selection::All,
        ..PlanOptions::default()
    };
    let plain = checked(imported(docker("t", "r:t"), 2));
    assert_eq!(why_one(plain.clone(), &sched), None, "not scheduled");
    assert_eq!(why_one(plain, &all), Some(Why::All));
    let s = checked(imported(scheduled(docker("t", "r:t")), 2));
    assert_eq!(why_one(s, &sched), Some(Why::Scheduled));
    assert_eq!(
        why_one(checked(imported(reference("t", "r:t"), 2)), &all),
        None
    );
}

#[test]
fn a_scheduled_digest_stays_scheduled_only_until_first_success() {
    let sched = PlanOptions {
        selection: Selection::Scheduled,
        ..PlanOptions::default()
    };
    let by_digest = scheduled(docker("t", &format!("r@{}", digest('a'))));
    // Imported at generation 2 ≥ the tag's generation 1: done.
    assert_eq!(
        why_one(checked(imported(by_digest.clone(), 2)), &sched),
        None
    );
    // Only a failure so far: still scheduled.
    let mut failing = checked(with_status(
        stream("ns", "s", vec![by_digest]),
        vec![list("t", vec![])],
    ));
    let not_found = format!(
        "dockerimage.image.openshift.io \"docker.io/library/r@{}\" not found",
        digest('a')
    );
    failing.status.as_mut().unwrap().tags[0]
        .conditions
        .push(failed("NotFound", &not_found, 2, T0));
    assert_eq!(why_one(failing, &sched), Some(Why::Scheduled));
    // A pin followed by its tag (--pin) stays scheduled and is looked up by tag.
    let pin = scheduled(docker("t", &format!("r:t@{}", digest('a'))));
    let follow = PlanOptions {
        follow_pinned_tags: true,
        ..sched.clone()
    };
    assert_eq!(why_one(checked(imported(pin.clone(), 2)), &sched), None);
    let p = plan(&[checked(imported(pin, 2))], &follow);
    assert_eq!(p.tags[0].why, Why::Scheduled);
    assert_eq!(p.lookups[0].reference, "r:t");
}

#[test]
fn tag_selectors() {
    assert_eq!(
        "ns/s:t".parse::<TagSelector>(),
        Ok(TagSelector {
            namespace: Some("ns".into()),
            stream: "s".into(),
            tag: "t".into()
        })
    );
    assert_eq!(
        "s:t".parse::<TagSelector>().map(|s| s.to_string()),
        Ok("s:t".into())
    );
    for bad in ["s", ":t", "s:", "a/b/c:t", "/s:t"] {
        assert!(bad.parse::<TagSelector>().is_err(), "{bad}");
    }
    let streams = [
        checked(imported(docker("t", "r:t"), 2)),
        stream("other", "s", vec![docker("t", "q:t"), docker("u", "q:u")]),
    ];
    let o = |sels: &[&str]| PlanOptions {
        tags: sels.iter().map(|s| s.parse().unwrap()).collect(),
        ..PlanOptions::default()
    };
    let p = plan(&streams, &o(&["s:t"]));
    let got: Vec<(usize, &str, Why)> = p
        .tags
        .iter()
        .map(|t| (t.stream, t.tag.as_str(), t.why))
        .collect();
    assert_eq!(
        got,
        [(0, "t", Why::Requested), (1, "t", Why::Requested)],
        "both namespaces, only t"
    );
    let p = plan(&streams, &o(&["other/s:u", "s:nope", "x:t"]));
    assert_eq!(p.tags.len(), 1);
    let unmatched: Vec<String> = p.unmatched.iter().map(|s| s.to_string()).collect();
    assert_eq!(unmatched, ["s:nope", "x:t"]);
}

// --- unique lookups --------------------------------------------------------------------------

#[test]
fn equal_lookups_are_made_once_and_answers_go_back_to_every_tag() {
    let mut preserve = docker("p", "mysql:8");
    preserve.import_policy.import_mode = "PreserveOriginal".into();
    let mut preserve_arm = preserve.clone();
    preserve_arm.name = "p2".into();
    preserve_arm
        .annotations
        .push((PREFER_ARCH.into(), "arm64".into()));
    let mut arm = docker("arm", "mysql:8");
    arm.annotations.push((PREFER_ARCH.into(), "arm64".into()));
    let mut insecure = docker("i", "mysql:8");
    insecure.import_policy.insecure = true;
    let streams = [
        stream(
            "a",
            "s",
            vec![
                docker("8", "mysql:8"),
                preserve,
                preserve_arm,
                arm,
                insecure,
            ],
        ),
        stream(
            "b",
            "s",
            vec![docker("eight", "mysql:8"), docker("legacy", "mysql:8")],
        ),
    ];
    let streams = {
        let mut s = streams;
        s[1].spec.tags[1].import_policy.import_mode = "Legacy".into();
        s
    };
    let p = plan(&streams, &PlanOptions::default());
    let plain = Lookup {
        reference: "mysql:8".into(),
        mode: ImportMode::Legacy,
        prefer: None,
        insecure: false,
    };
    assert_eq!(
        p.lookups,
        [
            plain.clone(),
            Lookup {
                mode: ImportMode::PreserveOriginal,
                ..plain.clone()
            },
            Lookup {
                prefer: Some(Preference {
                    os: String::new(),
                    architecture: "arm64".into()
                }),
                ..plain.clone()
            },
            Lookup {
                insecure: true,
                ..plain.clone()
            },
        ]
    );
    let by_tag: Vec<(usize, &str, usize)> = p
        .tags
        .iter()
        .map(|t| (t.stream, t.tag.as_str(), t.lookup))
        .collect();
    assert_eq!(
        by_tag,
        [
            (0, "8", 0),
            (0, "p", 1),
            (0, "p2", 1),
            (0, "arm", 2),
            (0, "i", 3),
            (1, "eight", 0),
            (1, "legacy", 0)
        ]
    );
    let answers: Vec<TagImport> = (0..4)
        .map(|i| TagImport::Found {
            image: digest(char::from(b'0' + i)),
            manifest: digest(char::from(b'0' + i)),
        })
        .collect();
    let results = Results::from_plan(&p, &answers);
    assert_eq!(results.get(1, "legacy"), Some(&answers[0]));
    assert_eq!(results.get(0, "p2"), Some(&answers[1]));
    assert_eq!(results.get(1, "p2"), None);
}

#[test]
fn duplicate_spec_tags_last_one_wins() {
    let s = stream(
        "ns",
        "s",
        vec![docker("t", "first:1"), docker("t", "second:1")],
    );
    let p = plan(&[s], &PlanOptions::default());
    assert_eq!(p.lookups.len(), 1);
    assert_eq!(p.lookups[0].reference, "second:1");
}

// --- the offline check -----------------------------------------------------------------------

fn problems(streams: &[Stream]) -> Vec<(String, Problem)> {
    problems_in(streams, ImportMode::PreserveOriginal)
}

fn problems_in(streams: &[Stream], default_mode: ImportMode) -> Vec<(String, Problem)> {
    check_offline(streams, default_mode)
        .into_iter()
        .map(|f| (f.tag, f.problem))
        .collect()
}

#[test]
fn offline_check_table() {
    let a = digest('a');
    assert!(
        problems(&[imported(docker("t", "r:t"), 2)]).is_empty(),
        "up to date"
    );
    assert!(
        problems(&[imported(docker("t", &format!("r:t@{a}")), 2)]).is_empty(),
        "pin matches"
    );
    assert_eq!(
        problems(&[stream("ns", "s", vec![docker("t", "r:t")])]),
        [("t".into(), Problem::NoStatus)]
    );
    assert_eq!(
        problems(&[imported(with_generation(docker("t", "r:t"), Some(3)), 2)]),
        [(
            "t".into(),
            Problem::Outdated {
                spec: 3,
                observed: 2
            }
        )]
    );
    assert_eq!(
        problems(&[imported(docker("t", "quay.io/r:t"), 2)]),
        [(
            "t".into(),
            Problem::OtherRepository {
                status: format!("r@{a}")
            }
        )]
    );
    assert_eq!(
        problems(&[imported(docker("t", &format!("r:t@{}", digest('b'))), 2)]),
        [(
            "t".into(),
            Problem::OtherDigest {
                pinned: digest('b'),
                status: a.clone()
            }
        )]
    );
    // Legacy mode records the child of a pinned list, which offline cannot tell from another image.
    let pinned = docker("t", &format!("r:t@{}", digest('b')));
    assert!(problems_in(&[imported(pinned, 2)], ImportMode::Legacy).is_empty());
    // Not importable: never a finding.
    let quiet = stream(
        "ns",
        "s",
        vec![
            reference("r", "x:1"),
            istag("al", "t"),
            isimage("im", "s@x"),
        ],
    );
    assert!(problems(&[quiet]).is_empty());
}

#[test]
fn offline_check_accepts_a_recorded_failure_and_names_the_tag() {
    let mut s = imported(docker("t", "quay.io/r:t"), 2);
    s.status.as_mut().unwrap().tags[0].conditions.push(failed(
        "NotFound",
        "dockerimage.image.openshift.io \"quay.io/r:t\" not found",
        2,
        T0,
    ));
    assert!(
        problems(&[s]).is_empty(),
        "a failed import keeps the items of its earlier source"
    );
    // PreserveOriginal: a missing child of the list, named with the list's repository.
    let mut child = imported(docker("t", "quay.io/r:t"), 2);
    child.status.as_mut().unwrap().tags[0]
        .conditions
        .push(failed(
            "NotFound",
            &format!(
                "dockerimage.image.openshift.io \"quay.io/r@{}\" not found",
                digest('c')
            ),
            2,
            T0,
        ));
    assert!(problems_in(&[child.clone()], ImportMode::PreserveOriginal).is_empty());
    assert_eq!(
        problems_in(&[child], ImportMode::Legacy).len(),
        1,
        "Legacy imports check no child"
    );
    let f = check_offline(
        &[stream("team", "app", vec![docker("v1", "r:1")])],
        ImportMode::Legacy,
    );
    assert_eq!(f[0].stream, 0);
    assert!(f[0].message.contains("team/app:v1"), "{}", f[0].message);
}

#[test]
fn turning_reference_off_since_the_base_is_a_spec_change() {
    // `reference: true` recorded its pull spec without an image; the same `from` imported now.
    let mut s = with_status(
        stream("ns", "s", vec![docker("t", "r:t")]),
        vec![list("t", vec![event("r:t", "", 1)])],
    );
    assert_eq!(selected(&[s.clone()], &PlanOptions::default()), []);
    let mut base = s.clone();
    base.spec.tags[0].reference = true;
    s.base = Some(Box::new(base));
    assert_eq!(
        selected(&[s], &PlanOptions::default()),
        [("t".to_owned(), Why::SpecChanged)]
    );
}
