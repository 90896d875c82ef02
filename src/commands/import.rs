//! `streamlock import`: arguments → pipeline → files, diff or check → report and exit code.

use std::io::IsTerminal;
use std::str::FromStr;

use super::{Exit, print};
use crate::cli::{Global, ImportArgs, ImportFormat};
use crate::import::{self, Options, TagLine, apply, resolve};
use crate::plan::{PlanOptions, Selection, TagSelector};
use crate::reconcile::{ReconcileOptions, check_offline};
use crate::registry::{self, Platform, Resolver};
use crate::repo::Repo;
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
    let (_, mut files) = match super::collect(&args.paths, args.config.as_deref(), &args.exclude) {
        Ok(found) => found,
        Err(exit) => return Ok(exit),
    };
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
    for bad in &repo.unreadable {
        eprintln!(
            "streamlock: {}: {}",
            report::display_path(&bad.path),
            bad.message
        );
    }
    if let Some(dir) = &args.mode.status_dir {
        for problem in apply::read_status_dir(&mut repo, dir) {
            eprintln!("streamlock: --status-dir: {problem}");
        }
    }
    let broken = !repo.unreadable.is_empty();

    if args.mode.check && args.offline {
        return Ok(offline_check(&repo, args, broken));
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
        },
        reconcile: ReconcileOptions {
            history: args.history,
        },
        pin: args.pin,
        now: import::now()?,
    };
    let outcome = if args.offline {
        import::run(&repo, &options, resolve::offline)
    } else {
        let resolver = Resolver::new(registry_config(args)?).map_err(|e| e.to_string())?;
        let mut failure = None;
        let outcome = import::run(&repo, &options, |lookups| {
            let progress = !global.quiet && std::io::stderr().is_terminal();
            resolve::online(lookups, &resolver, progress).unwrap_or_else(|e| {
                failure = Some(e);
                resolve::offline(lookups)
            })
        });
        if let Some(e) = failure {
            return Err(e);
        }
        outcome
    };
    for unmatched in &outcome.plan.unmatched {
        eprintln!("streamlock: --tag {unmatched}: no such tag among the importable tags");
    }

    let (changes, refused) = match &args.mode.status_dir {
        Some(dir) => apply::status_dir_changes(&repo, &outcome, dir),
        None => apply::manifest_changes(&repo, &outcome),
    };
    for problem in &refused {
        eprintln!("streamlock: not edited: {problem}");
    }
    let diff: String = changes.iter().map(apply::FileChange::diff).collect();
    let lines = outcome.lines(&repo);

    if args.mode.write || args.mode.status_dir.is_some() {
        let written = apply::commit(&changes).map_err(|e| {
            let done: Vec<String> = e
                .written()
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            if done.is_empty() {
                format!("{e}; no file was changed")
            } else {
                format!(
                    "{e}; these files could not be put back: {}",
                    done.join(", ")
                )
            }
        })?;
        if !global.quiet && args.format == ImportFormat::Human {
            for path in &written {
                eprintln!("wrote {}", report::display_path(path));
            }
        }
    }

    let json_doc = import_report::json(
        &repo,
        &outcome,
        &lines,
        args.mode.diff.then_some(diff.as_str()),
    );
    if let Some(path) = &args.report {
        std::fs::write(path, &json_doc).map_err(|e| format!("--report {}: {e}", path.display()))?;
    }
    if let Some(path) = &args.summary {
        let markdown = import_report::markdown(&repo, &outcome, &lines);
        std::fs::write(path, markdown).map_err(|e| format!("--summary {}: {e}", path.display()))?;
    }
    match args.format {
        ImportFormat::Json => print(&json_doc),
        ImportFormat::Human => {
            if args.mode.diff {
                print(&diff);
            }
            if args.mode.check {
                print(&check_lines(&repo, &lines));
            }
            if !global.quiet {
                let text = import_report::human(&repo, &outcome, &lines, global.verbose > 0);
                if args.mode.diff {
                    eprint!("{text}");
                } else {
                    print(&text);
                }
            }
        }
    }

    let failed = lines
        .iter()
        .any(|l| import_report::result_name(l) == "failed");
    let stale = args.mode.check && !changes.is_empty();
    Ok(if failed || stale || broken || !refused.is_empty() {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

/// `--check`: one line per tag that would change.
fn check_lines(repo: &Repo, lines: &[TagLine]) -> String {
    let mut out = String::new();
    for line in lines {
        if import_report::result_name(line) != "updated" {
            continue;
        }
        let name = format!(
            "{}:{}",
            import_report::stream_name(repo, line.stream),
            line.tag
        );
        let file = report::display_path(repo.path_of(line.stream));
        let detail = match (&line.before, &line.after, &line.pinned) {
            (_, _, Some(pin)) => format!("from.name would be pinned to {pin}"),
            (Some(b), Some(a), _) if b.image != a.image => {
                format!("moved from {} to {}", b.image, a.image)
            }
            (None, Some(a), _) => format!("has no status yet; it points at {}", a.image),
            _ => "status is out of date".to_string(),
        };
        out.push_str(&format!("{file}: {name} {detail}\n"));
    }
    out
}

/// `--check --offline`: status consistent with spec, without any network.
fn offline_check(repo: &Repo, args: &ImportArgs, broken: bool) -> Exit {
    let streams = repo.plain_streams();
    let findings = check_offline(&streams);
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
                .collect();
            print(&format!(
                "{:#}\n",
                serde_json::json!({"version": 1, "stale": items})
            ));
        }
        ImportFormat::Human => {
            for f in &findings {
                print(&format!(
                    "{}: {}\n",
                    report::display_path(repo.path_of(f.stream)),
                    f.message
                ));
            }
        }
    }
    if findings.is_empty() && !broken {
        Exit::Clean
    } else {
        if !findings.is_empty() {
            eprintln!(
                "streamlock: {} tag(s) have no up-to-date status; run `streamlock import --write` and commit the result",
                findings.len()
            );
        }
        Exit::Findings
    }
}

/// The shared engine configuration with import's concurrency and platform.
fn registry_config(args: &ImportArgs) -> Result<registry::Config, String> {
    let platform = Platform::parse(&args.platform).ok_or_else(|| {
        format!(
            "--platform {:?}: expected OS/ARCH[/VARIANT], e.g. linux/arm64",
            args.platform
        )
    })?;
    if args.jobs == 0 || args.per_registry == 0 {
        return Err("--jobs and --per-registry must be at least 1".into());
    }
    Ok(registry::Config {
        jobs: args.jobs,
        per_registry: args.per_registry,
        platform,
        ..super::engine::registry_config(&args.registry)?
    })
}
