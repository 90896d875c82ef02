//! `streamlock lint`.

use std::path::PathBuf;

use super::{Exit, print, use_color};
use crate::cli::{FailOn, Global, LintArgs};
use crate::discover;
use crate::lint::{self, Config, FileReport, LintOptions, Severity, rules};
use crate::report::{self, Format, Output};

pub fn run(args: LintArgs, global: &Global) -> Exit {
    if let Some(id) = &args.explain {
        return explain(id);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let config = match &args.config {
        Some(file) => Config::read(file),
        None => Config::discover(&paths[0]),
    };
    let config = match config {
        Ok(config) => config,
        Err(e) => {
            eprintln!("streamlock: config: {e}");
            return Exit::Failure;
        }
    };
    let exclude: Vec<String> = config
        .exclude
        .iter()
        .chain(&args.exclude)
        .cloned()
        .collect();
    let (files, missing) = match discover::discover(&paths, &exclude) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("streamlock: {e}");
            return Exit::Failure;
        }
    };
    for m in &missing {
        eprintln!("streamlock: {}: {}", m.path.display(), m.message);
    }
    if !missing.is_empty() && files.is_empty() {
        return Exit::Failure;
    }
    let options = LintOptions {
        require_namespace: args.require_namespace,
        templates: args.templates,
        ..LintOptions::default()
    };
    let reports = lint::lint_files(&files, &options, &config);
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
            print(&format!(
                "{} ({} by default)\n\n{}.\n\n{}\n\nConfigure in .streamlock.yaml:\n  rules:\n    {}: off | note | warning | error\nSuppress on one object with the annotation:\n  streamlock.io/ignore: \"{}: <reason>\"\n",
                rule.id, rule.severity, rule.summary, rule.help, rule.id, rule.id
            ));
            Exit::Clean
        }
        None => {
            eprintln!("streamlock: no rule `{id}`; `streamlock lint --explain` lists them");
            Exit::Failure
        }
    }
}
