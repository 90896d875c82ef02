//! Properties over generated repositories: reconcile never panics, and a second run against the
//! same registry answers at a later time changes nothing (the cron job's no-op guarantee).

mod reconcile_common;

use proptest::prelude::*;
use reconcile_common::*;
use streamlock::model::consistency::check_offline;
use streamlock::model::spec::SpecTag;
use streamlock::model::status::NamedTagEventList;
use streamlock::model::stream::Stream;
use streamlock::plan::{PlanOptions, Selection, plan};
use streamlock::reconcile::{ReconcileOptions, Results, TagImport, reconcile};

const TAGS: [&str; 4] = ["a", "b", "latest", ""];
const STREAMS: [&str; 3] = ["s0", "s1", "s2"];

fn spec_tag() -> impl Strategy<Value = SpecTag> {
    let name = prop::sample::select(&TAGS[..3]);
    let target = (
        prop::sample::select(&STREAMS[..]),
        prop::sample::select(&TAGS[..]),
    );
    (name, 0..6u8, target, prop::option::of(0..4i64)).prop_map(|(name, kind, (s, t), g)| {
        let mut tag = match kind {
            0 => docker(name, &format!("r/{s}:{t}")),
            1 => reference(name, &format!("r/{s}:{t}")),
            2 => istag(name, t),
            3 => istag(name, &format!("{s}:{t}")),
            4 => isimage(
                name,
                &format!("{s}@{}", &digest(t.chars().next().unwrap_or('a'))[..9]),
            ),
            _ => isimage(name, &format!("{s}@x@y")),
        };
        tag.generation = g;
        tag
    })
}

fn status_list() -> impl Strategy<Value = NamedTagEventList> {
    let item = (prop::sample::select(&STREAMS[..]), "[ab0]", 0..4i64).prop_map(|(s, c, g)| {
        let d = digest(c.chars().next().unwrap_or('a'));
        event(&format!("r/{s}@{d}"), &d, g)
    });
    (
        prop::sample::select(&TAGS[..3]),
        prop::collection::vec(item, 0..3),
        any::<bool>(),
    )
        .prop_map(|(tag, items, fail)| {
            let mut l = list(tag, items);
            if fail {
                l.conditions.push(failed("NotFound", "x", 1, T0));
            }
            l
        })
}

fn repository() -> impl Strategy<Value = Vec<Stream>> {
    prop::collection::vec(
        (
            prop::collection::vec(spec_tag(), 0..4),
            prop::option::of(prop::collection::vec(status_list(), 0..3)),
            0..3i64,
        ),
        1..4,
    )
    .prop_map(|streams| {
        streams
            .into_iter()
            .enumerate()
            .map(|(i, (tags, status, generation))| {
                let mut s = stream("ns", STREAMS[i], tags);
                s.spec.meta.generation = generation;
                match status {
                    Some(lists) => with_status(s, lists),
                    None => s,
                }
            })
            .collect()
    })
}

fn answer(n: u8) -> TagImport {
    match n % 4 {
        0 => TagImport::Found {
            image: digest('a'),
            manifest: digest('a'),
        },
        1 => TagImport::Found {
            image: digest('b'),
            manifest: digest('b'),
        },
        2 => TagImport::Failed {
            reason: "NotFound".into(),
            message: "gone".into(),
        },
        _ => TagImport::Skipped {
            why: "offline".into(),
        },
    }
}

proptest! {
    #[test]
    fn second_run_is_a_no_op(streams in repository(), seed in any::<u8>(), history in prop::option::of(1..3usize)) {
        let o = PlanOptions { selection: Selection::All, ..PlanOptions::default() };
        let p = plan(&streams, &o);
        let answers: Vec<TagImport> = (0..p.lookups.len()).map(|i| answer(seed.wrapping_add(i as u8))).collect();
        let results = Results::from_plan(&p, &answers);
        let opts = ReconcileOptions {
            history,
            ..ReconcileOptions::default()
        };
        let first = reconcile(&streams, &results, NOW, &opts);
        let mut next = streams.clone();
        for r in &first {
            if let Some(st) = &r.status {
                next[r.stream].status = Some(st.clone());
            }
        }
        for r in reconcile(&next, &results, LATER, &opts) {
            prop_assert_eq!(&r.status, &None, "stream {} changed again", r.stream);
        }
        let _ = check_offline(&next, streamlock::plan::ImportMode::Legacy);
    }
}
