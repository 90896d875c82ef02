//! Import results → status: TagEvent rules (helpers.go AddTagEventToImageStream), hasTagChanged,
//! failure conditions (imagestreamimport/rest.go), generations, history, ordering, idempotency.

mod reconcile_common;

use reconcile_common::*;
use streamlock::model::status::{NamedTagEventList, StreamStatus, TagEvent};
use streamlock::model::stream::Stream;
use streamlock::reconcile::events::{TagMap, add_tag_event, has_tag_changed};
use streamlock::reconcile::{
    ReconcileOptions, Reconciled, Results, TagImport, TagResult, reconcile,
};

fn found(d: &str) -> TagImport {
    TagImport::Found {
        image: d.into(),
        manifest: d.into(),
    }
}

fn not_found(msg: &str) -> TagImport {
    TagImport::Failed {
        reason: "NotFound".into(),
        message: msg.into(),
    }
}

/// Reconciles one stream whose tag `tag` got `import`.
fn run_one(s: &Stream, tag: &str, import: TagImport, now: &str) -> Reconciled {
    run_with(s, tag, import, now, ReconcileOptions::default())
}

fn run_with(
    s: &Stream,
    tag: &str,
    import: TagImport,
    now: &str,
    o: ReconcileOptions,
) -> Reconciled {
    let mut results = Results::default();
    results.insert(0, tag, import);
    let mut out = reconcile(std::slice::from_ref(s), &results, now, &o);
    out.remove(0)
}

/// The stream with its status replaced by the reconciled one (a second run's input).
fn applied(s: &Stream, r: &Reconciled) -> Stream {
    let mut s = s.clone();
    if let Some(status) = &r.status {
        s.status = Some(status.clone());
    }
    s
}

fn tags(r: &Reconciled) -> &[NamedTagEventList] {
    &r.status.as_ref().expect("status changed").tags
}

// --- AddTagEventToImageStream, one case per branch -------------------------------------------

fn map_with(items: Vec<TagEvent>, with_condition: bool) -> TagMap {
    let mut l = list("t", items);
    if with_condition {
        l.conditions.push(failed("NotFound", "gone", 1, T0));
    }
    TagMap::from([("t".to_string(), l)])
}

#[test]
fn add_tag_event_table() {
    let (a, b) = (digest('a'), digest('b'));
    let old = event("r/x@A", &a, 1);
    struct Case {
        name: &'static str,
        next: TagEvent,
        changed: bool,
        items: Vec<TagEvent>,
    }
    let next = |r: &str, i: &str, g| TagEvent {
        created: NOW.into(),
        ..event(r, i, g)
    };
    let cases = [
        Case {
            name: "same ref, image, generation: nothing",
            next: next("r/x@A", &a, 1),
            changed: false,
            items: vec![old.clone()],
        },
        Case {
            name: "generation only: in place, created kept",
            next: next("r/x@A", &a, 2),
            changed: true,
            items: vec![event("r/x@A", &a, 2)],
        },
        Case {
            name: "image only: in place",
            next: next("r/x@A", &b, 2),
            changed: true,
            items: vec![event("r/x@A", &b, 2)],
        },
        Case {
            name: "ref only: in place",
            next: next("r/y@A", &a, 2),
            changed: true,
            items: vec![event("r/y@A", &a, 2)],
        },
        Case {
            name: "both differ: prepended",
            next: next("r/y@B", &b, 2),
            changed: true,
            items: vec![next("r/y@B", &b, 2), old.clone()],
        },
    ];
    for c in cases {
        let mut m = map_with(vec![old.clone()], true);
        assert_eq!(add_tag_event(&mut m, "t", c.next), c.changed, "{}", c.name);
        assert_eq!(m["t"].items, c.items, "{}", c.name);
        assert_eq!(
            m["t"].conditions.is_empty(),
            c.changed,
            "{}: conditions cleared iff changed",
            c.name
        );
    }
    let mut empty = map_with(vec![], true);
    assert!(add_tag_event(&mut empty, "t", old.clone()));
    assert_eq!(empty["t"].items, vec![old.clone()]);
    assert!(
        empty["t"].conditions.is_empty(),
        "a first event starts a fresh list"
    );
    let mut none = TagMap::new();
    assert!(add_tag_event(&mut none, "new", old.clone()));
    assert_eq!(none["new"].tag, "new");
}

#[test]
fn has_tag_changed_table() {
    let a = digest('a');
    let l = list("t", vec![event("r@A", &a, 3)]);
    let same = event("r@A", &a, 9);
    assert!(has_tag_changed(None, Some(3), &same), "no status");
    assert!(
        has_tag_changed(Some(&list("t", vec![])), Some(3), &same),
        "no items"
    );
    assert!(has_tag_changed(Some(&l), None, &same), "no spec generation");
    assert!(
        has_tag_changed(Some(&l), Some(4), &same),
        "spec generation newer"
    );
    assert!(
        has_tag_changed(Some(&l), Some(3), &event("r@B", &a, 9)),
        "other ref"
    );
    assert!(
        has_tag_changed(Some(&l), Some(3), &event("r@A", &digest('b'), 9)),
        "other image"
    );
    assert!(!has_tag_changed(Some(&l), Some(3), &same), "nothing new");
    assert!(
        !has_tag_changed(Some(&l), Some(0), &same),
        "a client's 0 is not newer"
    );
}

// --- successful imports ----------------------------------------------------------------------

#[test]
fn first_success_records_the_users_spelling_at_the_next_generation() {
    let s = stream("ns", "s", vec![docker("8", "mysql:8")]);
    let r = run_one(&s, "8", found(&digest('a')), NOW);
    let expected = list(
        "8",
        vec![TagEvent {
            created: NOW.into(),
            ..event(&format!("mysql@{}", digest('a')), &digest('a'), 2)
        }],
    );
    assert_eq!(tags(&r), &[expected]);
    assert_eq!(r.tags[0].result, TagResult::Updated);
    assert_eq!(r.tags[0].before, None);
    // metadata.generation 5 → the event is generation 6 (nextGeneration).
    let mut s5 = s.clone();
    s5.spec.meta.generation = 5;
    let r5 = run_one(&s5, "8", found(&digest('a')), NOW);
    assert_eq!(tags(&r5)[0].items[0].generation, 6);
}

#[test]
fn unchanged_image_writes_nothing_at_the_same_or_a_later_time() {
    let s = stream("ns", "s", vec![docker("8", "docker.io/mysql:8")]);
    let first = run_one(&s, "8", found(&digest('a')), NOW);
    let s1 = applied(&s, &first);
    for now in [NOW, LATER] {
        let again = run_one(&s1, "8", found(&digest('a')), now);
        assert_eq!(again.status, None, "second run at {now} changes nothing");
        assert_eq!(again.tags[0].result, TagResult::Unchanged);
    }
}

#[test]
fn a_moved_tag_prepends_and_keeps_history() {
    let (a, b) = (digest('a'), digest('b'));
    let s = with_status(
        stream("ns", "s", vec![docker("8", "mysql:8")]),
        vec![list("8", vec![event(&format!("mysql@{a}"), &a, 2)])],
    );
    let r = run_one(&s, "8", found(&b), NOW);
    let items = &tags(&r)[0].items;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].image, b);
    assert_eq!(items[0].created, NOW);
    assert_eq!(items[1], event(&format!("mysql@{a}"), &a, 2));
    assert_eq!(
        r.tags[0].before.as_ref().map(|e| e.image.as_str()),
        Some(a.as_str())
    );
    assert_eq!(
        r.tags[0].after.as_ref().map(|e| e.image.as_str()),
        Some(b.as_str())
    );
    // And back to the first image: a new event again (nothing deduplicates older items).
    let back = run_one(&applied(&s, &r), "8", found(&a), LATER);
    assert_eq!(tags(&back)[0].items.len(), 3);
}

#[test]
fn a_newer_spec_generation_updates_items0_in_place_keeping_created() {
    let a = digest('a');
    let mut s = with_status(
        stream("ns", "s", vec![docker("8", "mysql:8")]),
        vec![list("8", vec![event(&format!("mysql@{a}"), &a, 2)])],
    );
    s.spec.meta.generation = 3;
    s.spec.tags[0].generation = Some(3);
    let r = run_one(&s, "8", found(&a), NOW);
    assert_eq!(tags(&r)[0].items, vec![event(&format!("mysql@{a}"), &a, 4)]);
    // Spec generation not newer: untouched even though the import runs at generation 4.
    s.spec.tags[0].generation = Some(2);
    assert_eq!(run_one(&s, "8", found(&a), NOW).status, None);
}

#[test]
fn success_clears_an_earlier_failure() {
    let a = digest('a');
    let mut l = list("8", vec![event(&format!("mysql@{a}"), &a, 2)]);
    l.conditions.push(failed("NotFound", "gone", 2, T0));
    let s = with_status(stream("ns", "s", vec![docker("8", "mysql:8")]), vec![l]);
    let r = run_one(&s, "8", found(&a), NOW);
    assert!(tags(&r)[0].conditions.is_empty());
    assert_eq!(tags(&r)[0].items, vec![event(&format!("mysql@{a}"), &a, 2)]);
    assert_eq!(r.tags[0].result, TagResult::Updated);
}

// --- failures --------------------------------------------------------------------------------

#[test]
fn failure_keeps_items_and_records_a_condition_once() {
    let a = digest('a');
    let s = with_status(
        stream("ns", "s", vec![docker("8", "mysql:8")]),
        vec![list("8", vec![event(&format!("mysql@{a}"), &a, 2)])],
    );
    let msg = r#"dockerimage.image.openshift.io "docker.io/library/mysql:8" not found"#;
    let r = run_one(&s, "8", not_found(msg), NOW);
    let t = &tags(&r)[0];
    assert_eq!(
        t.items,
        vec![event(&format!("mysql@{a}"), &a, 2)],
        "items kept"
    );
    assert_eq!(t.conditions, vec![failed("NotFound", msg, 2, NOW)]);
    assert_eq!(
        r.tags[0].result,
        TagResult::Failed {
            reason: "NotFound".into(),
            message: msg.into()
        }
    );
    // The same failure later: nothing changes, lastTransitionTime stays.
    let s1 = applied(&s, &r);
    assert_eq!(run_one(&s1, "8", not_found(msg), LATER).status, None);
    // Another message: the condition is replaced.
    let r2 = run_one(&s1, "8", not_found("other"), LATER);
    assert_eq!(
        tags(&r2)[0].conditions,
        vec![failed("NotFound", "other", 2, LATER)]
    );
}

#[test]
fn failure_without_status_and_without_message() {
    let s = stream("ns", "s", vec![docker("8", "mysql:8")]);
    let r = run_one(
        &s,
        "8",
        TagImport::Failed {
            reason: "InternalError".into(),
            message: String::new(),
        },
        NOW,
    );
    let t = &tags(&r)[0];
    assert!(t.items.is_empty());
    assert_eq!(t.conditions[0].message, "unknown error prevented import");
}

#[test]
fn skipped_leaves_status_alone() {
    let s = stream("ns", "s", vec![docker("8", "mysql:8")]);
    let r = run_one(
        &s,
        "8",
        TagImport::Skipped {
            why: "offline".into(),
        },
        NOW,
    );
    assert_eq!(r.status, None);
    assert_eq!(
        r.tags[0].result,
        TagResult::Skipped {
            why: "offline".into()
        }
    );
}

// --- history, ordering, tags no longer in spec ----------------------------------------------

fn long_history() -> Stream {
    let items = (0..5)
        .map(|i| {
            let d = digest(char::from(b'0' + i));
            event(&format!("r@{d}"), &d, 2)
        })
        .collect();
    with_status(
        stream("ns", "s", vec![docker("t", "r:t")]),
        vec![list("t", items)],
    )
}

#[test]
fn history_is_trimmed_only_when_asked() {
    let s = long_history();
    let r = run_one(&s, "t", found(&digest('f')), NOW);
    assert_eq!(tags(&r)[0].items.len(), 6, "never trimmed by default");
    let o = ReconcileOptions {
        history: Some(2),
        ..ReconcileOptions::default()
    };
    let r = run_with(&s, "t", found(&digest('f')), NOW, o);
    assert_eq!(tags(&r)[0].items.len(), 2);
    assert_eq!(tags(&r)[0].items[0].image, digest('f'));
}

#[test]
fn status_tags_are_sorted_and_orphans_kept() {
    let a = digest('a');
    let s = with_status(
        stream("ns", "s", vec![docker("b", "r:b")]),
        vec![
            list("zz-pushed", vec![event(&format!("r@{a}"), &a, 1)]),
            list("b", vec![event(&format!("r@{a}"), &a, 2)]),
            list("empty", vec![]),
        ],
    );
    // Nothing moved: neither the order nor the empty entry is worth a change.
    assert_eq!(run_one(&s, "b", found(&a), NOW).status, None);
    let r = run_one(&s, "b", found(&digest('b')), NOW);
    let names: Vec<&str> = tags(&r).iter().map(|t| t.tag.as_str()).collect();
    // Sorted by name, the empty entry collapsed, the tag without spec kept (the server keeps it).
    assert_eq!(names, ["b", "zz-pushed"]);
    // Status fields other than tags are kept as they were.
    let status: &StreamStatus = r.status.as_ref().unwrap();
    assert_eq!(
        status.docker_image_repository,
        "image-registry.example:5000/ns/s"
    );
}

#[test]
fn a_tag_without_a_result_is_not_reported_or_touched() {
    let s = stream("ns", "s", vec![docker("a", "r:a"), docker("b", "r:b")]);
    let r = run_one(&s, "a", found(&digest('a')), NOW);
    assert_eq!(r.tags.len(), 1);
    assert_eq!(tags(&r).len(), 1);
}
