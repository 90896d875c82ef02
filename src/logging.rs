//! Debug logs on stderr: `-v`/`-vv`, or a filter in STREAMLOCK_LOG (e.g. `streamlock=debug`).
//! Libraries' warnings and errors show from `-v` on.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Without `-v` only streamlock's own warnings show: a library's log line (rustls' verifier logs an
/// ERROR for every untrusted certificate) repeats a failure streamlock already reports in its words.
pub fn init(verbose: u8) {
    let default = match verbose {
        0 => "streamlock=warn",
        1 => "warn,streamlock=info",
        _ => "warn,streamlock=debug",
    };
    let filter =
        EnvFilter::try_from_env("STREAMLOCK_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
