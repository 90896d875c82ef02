//! Debug logs on stderr: `-v`/`-vv`, or a filter in STREAMLOCK_LOG (e.g. `streamlock=debug`).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub fn init(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "streamlock=info",
        _ => "streamlock=debug",
    };
    let filter =
        EnvFilter::try_from_env("STREAMLOCK_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
