//! `streamlock completions SHELL` and `streamlock man`.

use clap::CommandFactory;

use super::{Exit, print};
use crate::cli::Cli;

pub fn completions(shell: clap_complete::Shell) -> Exit {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "streamlock", &mut out);
    print(&String::from_utf8_lossy(&out));
    Exit::Clean
}

pub fn man() -> Exit {
    let mut out = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut out) {
        Ok(()) => {
            print(&String::from_utf8_lossy(&out));
            Exit::Clean
        }
        Err(e) => {
            eprintln!("streamlock: cannot render the man page: {e}");
            Exit::Failure
        }
    }
}
