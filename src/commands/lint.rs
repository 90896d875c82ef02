//! `streamlock lint`.

use super::{Exit, print, use_color};
use crate::cli::{FailOn, Global, LintArgs};
use crate::cluster::{Cluster, LoadError};
use crate::lint::{self, FileReport, LintOptions, Severity, rules};
use crate::load::classify::NOT_IMAGESTREAM;
use crate::report::{self, Format, Output};

pub fn run(args: LintArgs, global: &Global) -> Exit {
    if let Some(id) = &args.explain {
        return explain(id);
    }
    let (config, files) = match super::collect(&args.paths, args.config.as_deref(), &args.exclude) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    // A malformed cluster object is a finding in its file; the files are then linted for an
    // unconfigured cluster.
    let (cluster, cluster_problem) = match Cluster::for_command(&args.cluster, &config, &files) {
        Ok(cluster) => (cluster, None),
        Err(LoadError::Placed(e)) => (Cluster::default(), Some(e)),
        Err(LoadError::Other(message)) => {
            eprintln!("streamlock: {message}");
            return Exit::Failure;
        }
    };
    let options = LintOptions {
        require_namespace: args.require_namespace,
        templates: args.templates,
        cluster,
        ..LintOptions::default()
    };
    let linted = lint::lint_files(&files, &options, &config);
    let skipped = linted
        .skipped
        .iter()
        .map(|p| (p.as_path(), NOT_IMAGESTREAM.to_string()));
    super::tell_skipped(
        &args.paths,
        files.len(),
        !linted.reports.is_empty(),
        skipped,
        global,
    );
    let mut reports = linted.reports;
    if let Some(problem) = cluster_problem {
        crate::cluster::report_problem(&mut reports, problem, &config);
    }
    if !global.quiet {
        for report in &reports {
            for (template, count) in &report.skipped_templates {
                eprintln!(
                    "info: {}: Template {template:?} holds {count} ImageStream(s); skipped (use --templates to lint them)",
                    report::display_path(&report.path)
                );
            }
        }
    }
    if let Err(e) = emit(&reports, &args.format, global) {
        eprintln!("streamlock: {e}");
        return Exit::Failure;
    }
    let worst = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .map(|d| d.severity)
        .max();
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    match (worst, threshold) {
        (Some(worst), Some(threshold)) if worst >= threshold => Exit::Findings,
        _ => Exit::Clean,
    }
}

fn emit(reports: &[FileReport], outputs: &[Output], global: &Global) -> Result<(), String> {
    let default = [Output {
        format: Format::Human,
        file: None,
    }];
    let outputs = if outputs.is_empty() {
        &default[..]
    } else {
        outputs
    };
    if outputs.iter().filter(|o| o.file.is_none()).count() > 1 {
        return Err(
            "only one --format can go to stdout; send the others to files (`sarif=out.sarif`)"
                .into(),
        );
    }
    for output in outputs {
        let color = output.file.is_none() && use_color(global.color);
        let text = match output.format {
            Format::Human => report::human::render(reports, color, !global.quiet),
            Format::Json => report::json::render(reports),
            Format::Github => report::github::render(reports),
            Format::Sarif => report::sarif::render(reports),
            Format::Junit => report::junit::render(reports),
        };
        match &output.file {
            None => print(&text),
            Some(file) => std::fs::write(file, text)
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?,
        }
    }
    Ok(())
}

fn explain(id: &str) -> Exit {
    if id.is_empty() {
        let mut text = String::new();
        for rule in rules::ALL.iter().chain(rules::FILE) {
            text.push_str(&format!(
                "{:<36} {:<8} {}\n",
                rule.id,
                rule.severity.as_str(),
                rule.summary
            ));
        }
        print(&text);
        return Exit::Clean;
    }
    match rules::find(id) {
        Some(rule) => {
            print(&lint::docs::explain(rule));
            Exit::Clean
        }
        None => {
            eprintln!("streamlock: no rule `{id}`; `streamlock lint --explain` lists them");
            Exit::Failure
        }
    }
}
