//! One function per subcommand: arguments in, exit code out.

pub mod describe;
mod engine;
pub mod import;
pub mod lint;
pub mod meta;
pub mod tag;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::cli::{Color, Global};
use crate::discover;
use crate::lint::Config;
use crate::report::{display_path, plural};

/// What a command ends with: 0 nothing to report, 1 findings, 2 could not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Clean = 0,
    Findings = 1,
    Failure = 2,
}

/// Colour on a terminal unless NO_COLOR is set, or as forced.
pub fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// The first failure to write stdout other than a closed pipe, for [`finish`].
static OUTPUT_FAILURE: OnceLock<String> = OnceLock::new();

/// Writes to stdout. A closed pipe (`| head`) is a normal end, not a panic; any other failure (a full
/// disk, `/dev/full`) makes the command fail once it is done (see [`finish`]).
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = OUTPUT_FAILURE.set(err.to_string());
    }
}

/// A command's exit code, made a failure (with the reason on stderr) if its output could not be
/// written: a report that did not reach its reader must not look like success.
pub fn finish(exit: Exit) -> Exit {
    match OUTPUT_FAILURE.get() {
        Some(why) => {
            eprintln!("streamlock: cannot write the output to stdout: {why}");
            Exit::Failure
        }
        None => exit,
    }
}

/// The configuration and the files a command works on: `.streamlock.yaml` (or `--config`), then
/// discovery with its excludes. Problems are printed; `Err` means the command cannot run.
pub fn collect(
    paths: &[PathBuf],
    config: Option<&Path>,
    exclude: &[String],
) -> Result<(Config, Vec<PathBuf>), Exit> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let config = match config {
        Some(file) => Config::read(file),
        None => Config::discover(&paths[0]),
    }
    .map_err(|e| {
        eprintln!("streamlock: config: {e}");
        Exit::Failure
    })?;
    let exclude: Vec<String> = config.exclude.iter().chain(exclude).cloned().collect();
    let (files, missing) = discover::discover(&paths, &exclude).map_err(|e| {
        eprintln!("streamlock: {e}");
        Exit::Failure
    })?;
    for m in &missing {
        eprintln!("streamlock: {}: {}", m.path.display(), m.message);
    }
    // A path that does not exist is a mistake in the command, not a file to skip.
    if !missing.is_empty() {
        return Err(Exit::Failure);
    }
    Ok((config, files))
}

/// Says on stderr, never as a failure, what of `paths` was not read as ImageStreams: that they hold
/// none at all (`found` is false), or how many files were skipped and why; `-v` lists them and `-q`
/// hides it all. `read` counts the files discovered.
pub fn tell_skipped<'a>(
    paths: &[PathBuf],
    read: usize,
    found: bool,
    skipped: impl IntoIterator<Item = (&'a Path, String)>,
    global: &Global,
) {
    if global.quiet {
        return;
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (path, why) in skipped {
        if global.verbose > 0 {
            eprintln!("streamlock: skipped {}: {why}", display_path(path));
        }
        match counts.iter_mut().find(|(w, _)| *w == why) {
            Some((_, n)) => *n += 1,
            None => counts.push((why, 1)),
        }
    }
    if !found {
        // A hook passes every staged file: past a few, the line names how many, not which.
        let shown = match paths {
            [] => ".".to_string(),
            [_] | [_, _] | [_, _, _] => {
                let shown: Vec<String> = paths.iter().map(|p| display_path(p)).collect();
                shown.join(" ")
            }
            _ => format!("the {} paths given", paths.len()),
        };
        let what = match read {
            0 => "no .yaml, .yml or .json file there".to_string(),
            _ => format!("{} read, none holds one", plural(read, "file")),
        };
        eprintln!("streamlock: no ImageStream in {shown}: {what}");
        return;
    }
    let listed = if global.verbose > 0 {
        ""
    } else {
        " (-v lists them)"
    };
    for (why, n) in counts {
        eprintln!("info: {} skipped: {why}{listed}", plural(n, "file"));
    }
}
