//! One function per subcommand: arguments in, exit code out.

pub mod describe;
pub mod lint;
pub mod meta;
pub mod tag;

use std::io::{IsTerminal, Write};

use crate::cli::Color;

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

/// Writes to stdout; a closed pipe (`| head`) is a normal end, not a panic.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
