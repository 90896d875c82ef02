//! `streamlock import`: arguments → pipeline → files, diff or check → report and exit code.

use std::io::IsTerminal;
use std::str::FromStr;

use super::{Exit, print};
use crate::baseline;
use crate::cli::{Global, ImportArgs, ImportFormat};
use crate::cluster::Cluster;
use crate::import::job::{self, Action, Source};
use crate::import::{self, Options, apply};
use crate::model::consistency::check_offline;
use crate::model::stream::{Stream, importable};
use crate::plan::{PlanOptions, Selection, TagLimit, TagSelector};
use crate::reconcile::ReconcileOptions;
use crate::registry::{self, Resolver};
use crate::repo::Repo;
use crate::report::import::HumanOptions;
use crate::report::{self, import as import_report};

pub fn run(args: ImportArgs, global: &Global) -> Exit {
    match execute(&args, global) {
        Ok(exit) => exit,
        Err(message) => {
            eprintln!("streamlock: {message}");
            Exit::Failure
        }
    }
}

fn execute(args: &ImportArgs, global: &Global) -> Result<Exit, String> {
    let (config, mut files) =
        match super::collect(&args.paths, args.config.as_deref(), &args.exclude) {
            Ok(found) => found,
            Err(exit) => return Ok(exit),
        };
    let cluster =
        Cluster::for_command(&args.cluster, &config, &files).map_err(|e| e.to_string())?;
    // Status files are ImageStreams too; inside the tree they must not be read as manifests.
    if let Some(dir) = args
        .mode
        .status_dir
        .as_ref()
        .and_then(|d| std::fs::canonicalize(d).ok())
    {
        files.retain(|f| std::fs::canonicalize(f).map_or(true, |f| !f.starts_with(&dir)));
    }
    let mut repo = Repo::load(&files);
    let skipped = repo.skipped.iter().map(|s| (s.path.as_path(), s.why()));
    super::tell_skipped(&args.paths, files.len(), repo.found_any(), skipped, global);
    for bad in &repo.unreadable {
        eprintln!(
            "streamlock: {}: {}",
            report::display_path(&bad.path),
            bad.message
        );
    }
    for document in repo.tag_documents.iter().filter(|d| !d.recorded) {
        eprintln!("streamlock: {}", document.unrecorded());
    }
    if let Some(dir) = &args.mode.status_dir {
        for problem in apply::read_status_dir(&mut repo, dir) {
            eprintln!("streamlock: --status-dir: {problem}");
        }
    }
    let broken = !repo.unreadable.is_empty();
    if args.mode.check && args.offline {
        return Ok(offline_check(&repo, args, global.quiet, broken, &cluster));
    }
    // The offline check does not compare with Git: an edited tag that still resolves to the same
    // image would fail the hook forever. The online planner looks such a tag up instead.
    match args.since.as_deref() {
        Some("none") => {}
        Some(rev) => baseline::attach(&mut repo, rev, true).map_err(|e| e.to_string())?,
        None => baseline::attach(&mut repo, "HEAD", false).map_err(|e| e.to_string())?,
    }

    let options = Options {
        plan: PlanOptions {
            selection: if args.all {
                Selection::All
            } else if args.scheduled {
                Selection::Scheduled
            } else {
                Selection::Default
            },
            tags: args
                .tags
                .iter()
                .map(|t| TagSelector::from_str(t).map_err(|e| format!("--tag {t:?}: {e}")))
                .collect::<Result<_, _>>()?,
            follow_pinned_tags: args.pin,
            default_mode: cluster.import_mode,
            max_repository_tags: match args.max_repository_tags {
                Some(n) => {
                    TagLimit::from_number(n).map_err(|e| format!("--max-repository-tags: {e}"))?
                }
                None => config.max_repository_tags.unwrap_or_default(),
            },
        },
        reconcile: ReconcileOptions {
            history: args.history,
            internal_registry: cluster.internal_registry.clone(),
            default_mode: cluster.import_mode,
        },
        pin: args.pin,
        now: import::now()?,
        cluster: cluster.clone(),
    };
    let action = if args.mode.write {
        Action::Write
    } else if let Some(dir) = &args.mode.status_dir {
        Action::StatusDir(dir.clone())
    } else if args.mode.diff {
        Action::Diff
    } else {
        Action::Check
    };
    let resolver;
    let source = if args.offline {
        Source::Offline
    } else {
        resolver = Resolver::new(registry_config(args, &config.head_first, &cluster)?)
            .map_err(|e| e.to_string())?;
        Source::Registries {
            resolver: &resolver,
            progress: !global.quiet && std::io::stderr().is_terminal(),
        }
    };
    let job = job::execute(&repo, &options, source, &action).map_err(|e| e.to_string())?;
    for unmatched in &job.outcome.plan.unmatched {
        eprintln!("streamlock: --tag {unmatched}: no such tag among the importable tags");
    }
    for refused in &job.refused {
        eprintln!("streamlock: not edited: {}", refused.message);
    }
    if !global.quiet && args.format == ImportFormat::Human {
        for path in &job.written {
            eprintln!("wrote {}", report::display_path(path));
        }
    }

    let diff = job.diff();
    let json_doc = import_report::json(
        &repo,
        &job.outcome,
        &job.lines,
        args.mode.diff.then_some(diff.as_str()),
    );
    if let Some(path) = &args.report {
        std::fs::write(path, &json_doc).map_err(|e| format!("--report {}: {e}", path.display()))?;
    }
    if let Some(path) = &args.summary {
        let markdown = import_report::markdown(&repo, &job.outcome, &job.lines);
        std::fs::write(path, markdown).map_err(|e| format!("--summary {}: {e}", path.display()))?;
    }
    match args.format {
        ImportFormat::Json => print(&json_doc),
        ImportFormat::Human => {
            if action == Action::Check {
                let streams = repo.plain_streams();
                for (stream, message) in stale_repositories(&repo, &streams, &cluster) {
                    let path = report::display_path(repo.path_of(stream));
                    print(&format!("{path}: {message}\n"));
                }
            }
            if args.mode.diff {
                print(&diff);
            }
            let text = import_report::human(
                &repo,
                &job.outcome,
                &job.lines,
                HumanOptions {
                    verbose: global.verbose > 0,
                    quiet: global.quiet,
                    dry_run: !action.writes(),
                },
            );
            // The report goes beside the diff, never into it.
            if args.mode.diff {
                eprint!("{text}");
            } else {
                print(&text);
            }
        }
    }
    Ok(if job.has_findings(&action) || broken {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

/// `--check --offline`: status consistent with spec, without any network.
fn offline_check(
    repo: &Repo,
    args: &ImportArgs,
    quiet: bool,
    broken: bool,
    cluster: &Cluster,
) -> Exit {
    let streams = repo.plain_streams();
    let findings = check_offline(&streams, cluster.import_mode);
    let repositories = stale_repositories(repo, &streams, cluster);
    match args.format {
        ImportFormat::Json => {
            let items: Vec<serde_json::Value> = findings
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "file": report::display_path(repo.path_of(f.stream)),
                        "stream": import_report::stream_name(repo, f.stream),
                        "tag": f.tag,
                        "message": f.message,
                    })
                })
                .chain(repositories.iter().map(|(stream, message)| {
                    serde_json::json!({
                        "file": report::display_path(repo.path_of(*stream)),
                        "stream": import_report::stream_name(repo, *stream),
                        "tag": null,
                        "message": message,
                    })
                }))
                .collect();
            print(&format!(
                "{:#}\n",
                serde_json::json!({"version": 1, "stale": items})
            ));
        }
        ImportFormat::Human => {
            let lines = findings.iter().map(|f| (f.stream, &f.message));
            for (stream, message) in lines.chain(repositories.iter().map(|(s, m)| (*s, m))) {
                print(&format!(
                    "{}: {message}\n",
                    report::display_path(repo.path_of(stream))
                ));
            }
        }
    }
    let checked = check_offline_count(&streams);
    if findings.is_empty() && repositories.is_empty() && !broken {
        // With no stream there is nothing to vouch for: `tell_skipped` has said why.
        if !quiet && args.format == ImportFormat::Human && !streams.is_empty() {
            eprintln!(
                "streamlock: status is up to date for {} in {}",
                import_report::count(checked, "importable tag"),
                import_report::count(streams.len(), "ImageStream")
            );
        }
        Exit::Clean
    } else {
        if !findings.is_empty() {
            let n = findings.len();
            eprintln!(
                "streamlock: {} {} no up-to-date status; run `streamlock import --write` and commit the result \
                 (with the pre-commit hooks only: `pre-commit run streamlock-import --hook-stage manual`)",
                import_report::count(n, "tag"),
                if n == 1 { "has" } else { "have" }
            );
        }
        if !repositories.is_empty() {
            let n = repositories.len();
            eprintln!(
                "streamlock: {} {} another repository than this cluster shows; run `streamlock import --write` \
                 and commit the result",
                import_report::count(n, "stream"),
                if n == 1 { "records" } else { "record" }
            );
        }
        Exit::Findings
    }
}

/// Importable tags the offline check looked at.
fn check_offline_count(streams: &[Stream]) -> usize {
    streams
        .iter()
        .map(|s| s.spec_tags().filter(|t| importable(t)).count())
        .sum()
}

/// The shared engine configuration with import's concurrency.
fn registry_config(
    args: &ImportArgs,
    head_first: &[String],
    cluster: &Cluster,
) -> Result<registry::Config, String> {
    if args.jobs == 0 || args.per_registry == 0 {
        return Err("--jobs and --per-registry must be at least 1".into());
    }
    Ok(registry::Config {
        jobs: args.jobs,
        per_registry: args.per_registry,
        head_first: args.head_first.iter().chain(head_first).cloned().collect(),
        ..super::engine::registry_config(&args.registry, cluster)?
    })
}

/// Streams whose recorded `dockerImageRepository`/`publicDockerImageRepository` are not what this
/// cluster shows: (stream index, one line for people).
fn stale_repositories(repo: &Repo, streams: &[Stream], cluster: &Cluster) -> Vec<(usize, String)> {
    streams
        .iter()
        .enumerate()
        .filter_map(|(i, stream)| {
            let meta = &stream.spec.meta;
            let mut status = stream.status.clone().unwrap_or_default();
            cluster
                .fill_repositories(
                    &meta.namespace,
                    &meta.name,
                    &stream.spec.docker_image_repository,
                    &mut status,
                )
                .then(|| {
                    let name = import_report::stream_name(repo, i);
                    let (want, public) = (
                        status.docker_image_repository,
                        status.public_docker_image_repository,
                    );
                    (
                        i,
                        format!(
                            "{name}: this cluster shows status.dockerImageRepository {want:?} and \
                             status.publicDockerImageRepository {public:?}"
                        ),
                    )
                })
        })
        .collect()
}
