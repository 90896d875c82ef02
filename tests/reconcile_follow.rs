//! Tags that follow the spec or other tags: `reference: true`, ImageStreamTag aliases (same stream
//! and across the repository), ImageStreamImage lookups. Tables from openshift-apiserver's
//! imagestream strategy test `TestTagsChanged`, plus loops, ambiguity and idempotency.

mod reconcile_common;

use reconcile_common::*;
use streamlock::model::spec::SpecTag;
use streamlock::model::status::NamedTagEventList;
use streamlock::model::stream::Stream;
use streamlock::reconcile::{
    ReconcileOptions, Reconciled, Results, TagImport, TagResult, reconcile,
};

const E3: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const A29: &str = "sha256:293aa25bf219f3e47472281b7e68c09bb6f315c2adf7f86a7302b85bdaa63db3";

fn run(streams: &[Stream], now: &str) -> Vec<Reconciled> {
    reconcile(
        streams,
        &Results::default(),
        now,
        &ReconcileOptions::default(),
    )
}

/// Status tags after reconciling (the old ones when nothing changed).
fn status_of(s: &Stream, r: &Reconciled) -> Vec<NamedTagEventList> {
    r.status
        .as_ref()
        .or(s.status.as_ref())
        .map(|st| st.tags.clone())
        .unwrap_or_default()
}

fn items(tags: &[NamedTagEventList], tag: &str) -> Vec<(String, String)> {
    tags.iter()
        .find(|t| t.tag == tag)
        .map(|t| {
            t.items
                .iter()
                .map(|e| (e.docker_image_reference.clone(), e.image.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn pair(r: &str, i: &str) -> (String, String) {
    (r.into(), i.into())
}

fn result_of<'a>(r: &'a Reconciled, tag: &str) -> &'a TagResult {
    &r.tags
        .iter()
        .find(|t| t.tag == tag)
        .expect("reported")
        .result
}

fn reg(d: &str) -> String {
    format!("registry:5000/ns/stream@{d}")
}

// --- TestTagsChanged -------------------------------------------------------------------------

#[test]
fn reference_tag_is_recorded_verbatim_and_other_history_kept() {
    // "single tag update, preserves history"
    let s = with_status(
        stream(
            "ns",
            "stream",
            vec![reference("t1", "registry:5000/ns/stream:t1")],
        ),
        vec![list("t2", vec![event(&reg(E3), E3, 1)])],
    );
    let r = &run(std::slice::from_ref(&s), NOW)[0];
    let tags = status_of(&s, r);
    assert_eq!(items(&tags, "t1"), [pair("registry:5000/ns/stream:t1", "")]);
    assert_eq!(items(&tags, "t2"), [pair(&reg(E3), E3)]);
    let t1 = tags.iter().find(|t| t.tag == "t1").unwrap();
    assert_eq!(t1.items[0].created, NOW);
    assert_eq!(t1.items[0].generation, 1, "the tag's generation as created");
}

#[test]
fn empty_and_unimported_tags_get_no_status() {
    // "empty tag ignored on create", "tag to missing ignored on create"
    let mut empty = docker("t1", "");
    empty.from = None;
    let s = stream("ns", "stream", vec![empty, docker("t2", "t2")]);
    let r = &run(std::slice::from_ref(&s), NOW)[0];
    assert_eq!(r.status, None);
    assert!(r.tags.is_empty());
}

#[test]
fn new_reference_tags_and_a_digest_reference() {
    // "new tags, no history"
    let pinned = format!("registry:5000/ns/stream@{E3}");
    let s = stream(
        "ns",
        "stream",
        vec![
            reference("t1", "registry:5000/ns/stream:t1"),
            reference("t2", &pinned),
        ],
    );
    let r = &run(std::slice::from_ref(&s), NOW)[0];
    let tags = status_of(&s, r);
    assert_eq!(items(&tags, "t1"), [pair("registry:5000/ns/stream:t1", "")]);
    assert_eq!(
        items(&tags, "t2"),
        [pair(&pinned, "")],
        "no image for a reference tag"
    );
}

#[test]
fn reference_tag_replaces_image_in_place_or_prepends() {
    // "new tag copies existing history"
    let at = format!("@{E3}");
    let s = with_status(
        stream(
            "ns",
            "stream",
            vec![
                reference("t1", "registry:5000/ns/stream:v1image1"),
                reference("t2", "registry:5000/ns/stream:v1image1"),
                reference("t3", &at),
            ],
        ),
        vec![
            list(
                "t1",
                vec![event("registry:5000/ns/stream:v1image1", "v1image1", 1)],
            ),
            list("t3", vec![event(&reg(E3), E3, 1)]),
        ],
    );
    let r = &run(std::slice::from_ref(&s), NOW)[0];
    let tags = status_of(&s, r);
    assert_eq!(
        items(&tags, "t1"),
        [pair("registry:5000/ns/stream:v1image1", "")]
    );
    assert_eq!(
        items(&tags, "t2"),
        [pair("registry:5000/ns/stream:v1image1", "")]
    );
    assert_eq!(items(&tags, "t3"), [pair(&at, ""), pair(&reg(E3), E3)]);
}

#[test]
fn alias_in_the_same_stream_copies_its_source() {
    // "object reference to image stream tag in same stream"
    let s = with_status(
        stream("ns", "stream", vec![istag("t1", "stream:other")]),
        vec![list("other", vec![event(&reg(E3), E3, 1)])],
    );
    let r = &run(std::slice::from_ref(&s), NOW)[0];
    let tags = status_of(&s, r);
    assert_eq!(items(&tags, "t1"), [pair(&reg(E3), E3)]);
    let t1 = &tags.iter().find(|t| t.tag == "t1").unwrap().items[0];
    assert_eq!(*t1, event(&reg(E3), E3, 1), "created and generation copied");
}

#[test]
fn image_reference_change_and_its_alias_reacts() {
    // "tag changes and referenced tag should react"
    let s = with_status(
        stream(
            "ns",
            "stream",
            vec![
                istag("t2", "stream:t1"),
                isimage("t1", &format!("stream@{E3}")),
            ],
        ),
        vec![
            list(
                "other",
                vec![event(&reg(A29), A29, 1), event(&reg(E3), E3, 1)],
            ),
            list("t1", vec![event(&reg(A29), A29, 1)]),
            list("t2", vec![event(&reg(A29), A29, 1)]),
        ],
    );
    let r = &run(std::slice::from_ref(&s), NOW)[0];
    let tags = status_of(&s, r);
    let want = [pair(&reg(E3), E3), pair(&reg(A29), A29)];
    assert_eq!(items(&tags, "t1"), want);
    assert_eq!(
        items(&tags, "t2"),
        want,
        "the alias follows t1 although listed first"
    );
    assert_eq!(result_of(r, "t2"), &TagResult::Updated);
}

// --- aliases: following, across streams, missing sources, loops -------------------------

#[test]
fn alias_follows_an_import_in_the_same_run() {
    let (a, b) = (digest('a'), digest('b'));
    let s = with_status(
        stream("ns", "s", vec![docker("1", "r:1"), istag("latest", "1")]),
        vec![
            list("1", vec![event(&format!("r@{a}"), &a, 2)]),
            list("latest", vec![event(&format!("r@{a}"), &a, 2)]),
        ],
    );
    let mut results = Results::default();
    results.insert(
        0,
        "1",
        TagImport::Found {
            image: b.clone(),
            manifest: b.clone(),
        },
    );
    let o = ReconcileOptions::default();
    let r = &reconcile(std::slice::from_ref(&s), &results, NOW, &o)[0];
    let tags = status_of(&s, r);
    assert_eq!(items(&tags, "latest")[0], pair(&format!("r@{b}"), &b));
    assert_eq!(items(&tags, "latest").len(), 2);
    // Not moved: the alias stays as it is.
    let mut same = Results::default();
    same.insert(
        0,
        "1",
        TagImport::Found {
            image: a.clone(),
            manifest: a,
        },
    );
    assert_eq!(
        reconcile(std::slice::from_ref(&s), &same, NOW, &o)[0].status,
        None
    );
}

#[test]
fn alias_across_streams_of_the_namespace() {
    let a = digest('a');
    let base = with_status(
        stream("ns", "base", vec![docker("1", "r:1")]),
        vec![list("1", vec![event(&format!("r@{a}"), &a, 2)])],
    );
    // Same name in another namespace must not be confused with it.
    let decoy = with_status(
        stream("other", "base", vec![docker("1", "q:1")]),
        vec![list("1", vec![event("q@sha256:d", "sha256:d", 2)])],
    );
    let mut cross_ns = istag("x", "base:1");
    if let Some(f) = cross_ns.from.as_mut() {
        f.namespace = "other".into();
    }
    let mut app = stream("ns", "app", vec![istag("prod", "base:1"), cross_ns]);
    app.spec.meta.generation = 4;
    let streams = [app.clone(), decoy, base];
    let r = &run(&streams, NOW)[0];
    let tags = status_of(&app, r);
    let prod = &tags.iter().find(|t| t.tag == "prod").unwrap().items;
    assert_eq!(prod[0].image, a);
    assert_eq!(prod[0].created, T0, "created copied from the source");
    assert_eq!(prod[0].generation, 4, "generation of the alias' own spec");
    assert_eq!(items(&tags, "x"), [pair("q@sha256:d", "sha256:d")]);
}

#[test]
fn missing_sources_are_skipped_without_status() {
    let s = with_status(
        stream(
            "ns",
            "s",
            vec![
                istag("a", "nosuchtag"),
                istag("b", "elsewhere:1"),
                docker("c", "r:c"),
                istag("d", "c"),
            ],
        ),
        vec![],
    );
    let r = &run(std::slice::from_ref(&s), NOW)[0];
    assert_eq!(r.status, None);
    for (tag, why) in [
        ("a", "ns/s:nosuchtag has no image yet"),
        ("b", "image stream ns/elsewhere is not in the repository"),
        ("d", "ns/s:c has no image yet"),
    ] {
        assert_eq!(
            result_of(r, tag),
            &TagResult::Skipped { why: why.into() },
            "{tag}"
        );
    }
}

#[test]
fn loops_are_reported_not_followed() {
    let a = digest('a');
    let s = with_status(
        stream(
            "ns",
            "s",
            vec![
                istag("x", "y"),
                istag("y", "s:x"),
                istag("z", "x"),
                istag("self", "self"),
                istag("ok", "src"),
            ],
        ),
        vec![
            list("x", vec![event("old@sha256:0", "sha256:0", 1)]),
            list("src", vec![event(&format!("r@{a}"), &a, 1)]),
        ],
    );
    let r = &run(std::slice::from_ref(&s), NOW)[0];
    let msg = |r: &Reconciled, t: &str| match result_of(r, t) {
        TagResult::Error { message } => message.clone(),
        other => panic!("{t}: {other:?}"),
    };
    assert_eq!(
        msg(r, "x"),
        "ImageStreamTag loop ns/s:x -> ns/s:y -> ns/s:x: not followed"
    );
    assert_eq!(msg(r, "y"), msg(r, "x"));
    assert!(
        msg(r, "z").contains("loop"),
        "a tag depending on a loop is not followed either"
    );
    assert!(msg(r, "self").contains("ns/s:self -> ns/s:self"));
    let tags = status_of(&s, r);
    assert_eq!(
        items(&tags, "x"),
        [pair("old@sha256:0", "sha256:0")],
        "loop members untouched"
    );
    assert!(items(&tags, "y").is_empty());
    assert_eq!(
        items(&tags, "ok"),
        [pair(&format!("r@{a}"), &a)],
        "the rest still resolves"
    );
}

#[test]
fn malformed_names_are_errors() {
    let s = stream("ns", "s", vec![istag("a", "x:y:z"), isimage("b", "x@y@z")]);
    let r = &run(std::slice::from_ref(&s), NOW)[0];
    for t in ["a", "b"] {
        assert!(
            matches!(result_of(r, t), TagResult::Error { message } if message.contains("must be of the form"))
        );
    }
}

// --- ImageStreamImage --------------------------------------------------------------------

fn source_stream() -> Stream {
    let (a, b) = (digest('a'), format!("sha256:ab{}", "0".repeat(62)));
    with_status(
        stream("ns", "src", vec![]),
        vec![
            list("1", vec![event(&format!("r@{a}"), &a, 1)]),
            list(
                "2",
                vec![
                    event(&format!("r@{b}"), &b, 1),
                    event(&format!("old/r@{a}"), &a, 1),
                ],
            ),
        ],
    )
}

#[test]
fn image_by_digest_or_unique_prefix() {
    let a = digest('a');
    for id in [a.as_str(), "aaaa", "sha256:aaa"] {
        let s = stream("ns", "s", vec![isimage("pin", &format!("src@{id}"))]);
        let r = &run(&[s.clone(), source_stream()], NOW)[0];
        let tags = status_of(&s, r);
        let pin = &tags[0].items[0];
        assert_eq!(pin.image, a, "{id}");
        assert_eq!(
            pin.docker_image_reference,
            format!("r@{a}"),
            "first match in tag order"
        );
        assert_eq!(pin.created, NOW);
        // A later run does not churn `created`.
        let again = &run(
            &[
                Stream {
                    status: r.status.clone(),
                    ..s.clone()
                },
                source_stream(),
            ],
            LATER,
        )[0];
        assert_eq!(again.status, None, "{id}");
    }
}

#[test]
fn image_prefix_ambiguity_is_an_error_and_no_match_is_skipped() {
    let s = stream(
        "ns",
        "s",
        vec![isimage("amb", "src@a"), isimage("none", "src@ff")],
    );
    let r = &run(&[s.clone(), source_stream()], NOW)[0];
    let TagResult::Error { message } = result_of(r, "amb") else {
        panic!("ambiguous prefix must be an error")
    };
    assert!(
        message.starts_with("multiple images match the prefix \"a\": sha256:aaaa"),
        "{message}"
    );
    assert!(matches!(result_of(r, "none"), TagResult::Skipped { .. }));
    assert_eq!(r.status, None);
}

#[test]
fn second_run_changes_nothing_with_a_later_now() {
    let a = digest('a');
    let streams = vec![
        stream(
            "ns",
            "s",
            vec![
                reference("ref", "quay.io/x/y:1"),
                istag("alias", "src:1"),
                isimage("img", &format!("src@{a}")),
            ],
        ),
        source_stream(),
    ];
    let first = run(&streams, NOW);
    let mut next = streams.clone();
    for r in &first {
        if let Some(st) = &r.status {
            next[r.stream].status = Some(st.clone());
        }
    }
    assert!(first[0].status.is_some());
    for r in run(&next, LATER) {
        assert_eq!(r.status, None, "stream {}", r.stream);
    }
}

#[test]
fn an_alias_of_an_image_tag_in_the_same_stream_is_no_loop() {
    let a = digest('a');
    let s = with_status(
        stream(
            "ns",
            "s",
            vec![
                isimage("pin", "s@aaaa"),
                istag("alias", "pin"),
                docker("src", "r:1"),
            ],
        ),
        vec![list("src", vec![event(&format!("r@{a}"), &a, 2)])],
    );
    let r = &run(std::slice::from_ref(&s), NOW)[0];
    assert_eq!(result_of(r, "pin"), &TagResult::Updated);
    assert_eq!(result_of(r, "alias"), &TagResult::Updated);
    let tags = status_of(&s, r);
    assert_eq!(items(&tags, "alias"), [pair(&format!("r@{a}"), &a)]);
}

// --- Copied once, when the spec changes (strategy.go tagsChanged) ------------------------------

/// `dev` imported `1.0` as image `a`, then moved on to `b`; `prod:live` copied `a` from it.
fn promotion(live: SpecTag) -> (Stream, Stream) {
    let (a, b) = (digest('a'), digest('b'));
    let dev = with_status(
        stream("shop", "dev", vec![docker("1.0", "r:1.0")]),
        vec![list(
            "1.0",
            vec![
                event(&format!("r@{b}"), &b, 3),
                event(&format!("r@{a}"), &a, 2),
            ],
        )],
    );
    let prod = with_status(
        stream("shop", "prod", vec![live]),
        vec![list("live", vec![event(&format!("r@{a}"), &a, 1)])],
    );
    (prod, dev)
}

fn run_with_registry(streams: &[Stream], registry: &str) -> Vec<Reconciled> {
    let options = ReconcileOptions {
        internal_registry: Some(registry.into()),
        ..ReconcileOptions::default()
    };
    reconcile(streams, &Results::default(), NOW, &options)
}

#[test]
fn a_cross_stream_copy_keeps_its_image_while_the_source_moves() {
    for live in [
        istag("live", "dev:1.0"),
        isimage("live", &format!("dev@{}", digest('a'))),
    ] {
        let (prod, dev) = promotion(live);
        let r = &run(&[prod.clone(), dev], NOW)[0];
        assert_eq!(r.status, None, "{:?}: not followed", prod.spec.tags[0].from);
        assert_eq!(result_of(r, "live"), &TagResult::Unchanged);
    }
}

#[test]
fn a_cross_stream_copy_is_made_again_when_its_spec_changes() {
    let b = digest('b');
    // Each is a spec change by the Git rule: a failure that no copy records, a client's `0`, a
    // generation newer than observed, an edit since the base revision, an ImageStreamImage whose
    // status holds another image.
    let mut zero = istag("live", "dev:1.0");
    zero.generation = Some(0);
    let mut newer = istag("live", "dev:1.0");
    newer.generation = Some(5);
    let (mut edited, _) = promotion(istag("live", "dev:1.0"));
    let mut base = edited.clone();
    base.spec.tags[0].from.as_mut().unwrap().name = "dev:0.9".into();
    edited.base = Some(Box::new(base));
    // A status holding an import failure: written by an import of an earlier DockerImage source.
    let (mut imported, _) = promotion(istag("live", "dev:1.0"));
    imported.status.as_mut().unwrap().tags[0].conditions =
        vec![failed("NotFound", "\"quay.io/x:1\" not found", 1, T0)];
    let cases = [
        imported,
        promotion(zero).0,
        promotion(newer).0,
        edited,
        promotion(isimage("live", &format!("dev@{b}"))).0,
    ];
    for prod in cases {
        let (_, dev) = promotion(istag("live", "dev:1.0"));
        let r = &run(&[prod.clone(), dev], NOW)[0];
        let tags = status_of(&prod, r);
        assert_eq!(
            items(&tags, "live")[0],
            pair(&format!("r@{b}"), &b),
            "{:?}",
            prod.spec.tags[0]
        );
        // What was copied stays: the next run changes nothing.
        let mut after = prod.clone();
        after.status = r.status.clone();
        if let Some(base) = after.base.as_mut() {
            base.status = prod.status.clone();
        }
        if after.spec.tags[0].generation == Some(0) {
            // The server turns a client's 0 into the stream generation.
            after.spec.tags[0].generation = None;
        }
        let (_, dev) = promotion(istag("live", "dev:1.0"));
        assert_eq!(run(&[after, dev], LATER)[0].status, None);
    }
}

#[test]
fn a_same_stream_alias_follows_every_change() {
    let (a, b) = (digest('a'), digest('b'));
    for from in ["1.0", "dev:1.0"] {
        let dev = with_status(
            stream(
                "shop",
                "dev",
                vec![docker("1.0", "r:1.0"), istag("latest", from)],
            ),
            vec![
                list("1.0", vec![event(&format!("r@{b}"), &b, 3)]),
                list("latest", vec![event(&format!("r@{a}"), &a, 2)]),
            ],
        );
        let r = &run(std::slice::from_ref(&dev), NOW)[0];
        let tags = status_of(&dev, r);
        assert_eq!(
            items(&tags, "latest")[0],
            pair(&format!("r@{b}"), &b),
            "{from}"
        );
    }
}

#[test]
fn a_copy_from_the_internal_registry_is_pulled_through_the_copying_stream() {
    let a = digest('a');
    let host = "image-registry.openshift-image-registry.svc:5000";
    let dev = with_status(
        stream("shop-dev", "app", vec![]),
        vec![list(
            "1.0",
            vec![event(&format!("{host}/shop-dev/app@{a}"), &a, 2)],
        )],
    );
    let mut promote = istag("1.0", "app:1.0");
    promote.from.as_mut().unwrap().namespace = "shop-dev".into();
    let mut by_image = isimage("pinned", &format!("app@{a}"));
    by_image.from.as_mut().unwrap().namespace = "shop-dev".into();
    let mut referenced = istag("ref", "app:1.0");
    referenced.reference = true;
    referenced.from.as_mut().unwrap().namespace = "shop-dev".into();
    let prod = stream("shop", "web", vec![promote, by_image, referenced]);
    let streams = [prod.clone(), dev.clone()];
    let r = &run_with_registry(&streams, host)[0];
    let tags = status_of(&prod, r);
    let local = format!("{host}/shop/web@{a}");
    assert_eq!(items(&tags, "1.0"), [pair(&local, &a)]);
    assert_eq!(items(&tags, "pinned"), [pair(&local, &a)]);
    let source = format!("{host}/shop-dev/app@{a}");
    assert_eq!(
        items(&tags, "ref"),
        [pair(&source, &a)],
        "reference tags are not rewritten"
    );
    // Another registry, or no internal registry at all: the source's pull spec as it is.
    for r in [
        &run_with_registry(&streams, "other:5000")[0],
        &run(&streams, NOW)[0],
    ] {
        assert_eq!(items(&status_of(&prod, r), "1.0"), [pair(&source, &a)]);
    }
}
