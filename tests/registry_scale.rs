//! 2,000 unique references over 200 repositories on a real registry: every digest right in both
//! modes, every missing tag or repository NotFound, and the request budget held. Prints wall times
//! (run with `--nocapture`) as ratios to a sequential run measured in the same test.

mod support;

use std::sync::Arc;
use std::time::Instant;

use streamlock::registry::{Config, ImportMode, Lookup, Outcome, Reason, Resolver};
use support::images::{Kind, Pushed, Pusher};
use support::registry::TestRegistry;

const REPOS: usize = 200;
const TAGS: usize = 10;

fn kind_of(repo: usize, tag: usize) -> Kind {
    match (repo * TAGS + tag) % 20 {
        0 => Kind::OciIndex,
        10 => Kind::DockerList,
        n if n % 2 == 0 => Kind::Oci,
        _ => Kind::Schema2,
    }
}

fn lookup(addr: &str, repo: &str, tag: &str, mode: ImportMode) -> Lookup {
    Lookup {
        registry: addr.to_owned(),
        repository: repo.to_owned(),
        reference: tag.to_owned(),
        mode,
        prefer: None,
        insecure: false,
        display: format!("{addr}/{repo}:{tag}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_references_over_two_hundred_repositories() {
    let test_start = Instant::now();
    let registry = TestRegistry::plain();
    let pusher = Arc::new(Pusher::new(&registry));
    let started = Instant::now();
    let mut tasks = Vec::new();
    let limit = Arc::new(tokio::sync::Semaphore::new(16));
    for r in 0..REPOS {
        for t in 0..TAGS {
            let (pusher, limit) = (pusher.clone(), limit.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = limit.acquire().await.ok();
                let repo = format!("scale/app-{r:03}");
                let tag = format!("v{t}");
                let pushed = pusher.push(&repo, &tag, kind_of(r, t)).await;
                (repo, tag, pushed)
            }));
        }
    }
    let mut images: Vec<(String, String, Pushed)> = Vec::new();
    for task in tasks {
        images.push(task.await.expect("push"));
    }
    let push_time = started.elapsed();

    let resolver = Resolver::new(Config {
        insecure_registries: vec![registry.addr.clone()],
        ..Config::default()
    })
    .expect("resolver");
    for mode in [ImportMode::Legacy, ImportMode::PreserveOriginal] {
        let mut lookups: Vec<Lookup> = images
            .iter()
            .map(|(repo, tag, _)| lookup(&registry.addr, repo, tag, mode))
            .collect();
        for i in 0..25 {
            lookups.push(lookup(
                &registry.addr,
                &format!("scale/app-{i:03}"),
                "missing",
                mode,
            ));
            lookups.push(lookup(
                &registry.addr,
                &format!("scale/none-{i:03}"),
                "v1",
                mode,
            ));
        }
        let started = Instant::now();
        let answers = resolver.resolve_all(lookups.clone()).await;
        let wall = started.elapsed();
        for ((repo, tag, pushed), answer) in images.iter().zip(&answers) {
            let want = match mode {
                ImportMode::Legacy => pushed.legacy_default(),
                ImportMode::PreserveOriginal => &pushed.digest,
            };
            assert!(
                matches!(&answer.outcome, Outcome::Found { image, .. } if image == want),
                "{repo}:{tag} {mode:?}: {answer:?}"
            );
        }
        for (want, answer) in lookups.iter().zip(&answers).skip(images.len()) {
            assert_eq!(
                answer.outcome,
                Outcome::Failed {
                    reason: Reason::NotFound,
                    message: format!(
                        "dockerimage.image.openshift.io \"{}\" not found",
                        want.display
                    )
                }
            );
        }
        let requests: u32 = answers.iter().map(|a| a.requests).sum();
        // One GET each (a Legacy list's child and a miss's error code come with it), in
        // PreserveOriginal mode one GET per child (none shared here), and the ping (an HTTPS attempt
        // and HTTP, sent together) on the first run: the same count on every run, whatever order the
        // lookups finish in.
        let children = match mode {
            ImportMode::Legacy => 0,
            ImportMode::PreserveOriginal => images.iter().map(|(_, _, p)| p.children.len()).sum(),
        };
        let ping = if mode == ImportMode::Legacy { 2 } else { 0 };
        assert_eq!(
            requests as usize,
            lookups.len() + children + ping,
            "{mode:?}: one GET per lookup, misses included, one per child, and the ping"
        );
        eprintln!(
            "{mode:?}: {} lookups in {wall:.2?} ({:.0}/s), {requests} requests; push of {} images took {push_time:.2?}",
            lookups.len(),
            lookups.len() as f64 / wall.as_secs_f64(),
            images.len()
        );
    }
    // The same engine one lookup at a time, on 200 of the references, for scale.
    let sequential = Resolver::new(Config {
        jobs: 1,
        insecure_registries: vec![registry.addr.clone()],
        ..Config::default()
    })
    .expect("resolver");
    let sample: Vec<Lookup> = images
        .iter()
        .step_by(10)
        .map(|(repo, tag, _)| lookup(&registry.addr, repo, tag, ImportMode::PreserveOriginal))
        .collect();
    let started = Instant::now();
    sequential.resolve_all(sample.clone()).await;
    let per_lookup = started.elapsed() / sample.len() as u32;
    eprintln!("sequential: {per_lookup:.2?} per lookup (jobs=1)");
    eprintln!("whole test: {:.2?}", test_start.elapsed());
}
