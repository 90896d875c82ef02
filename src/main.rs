use clap::Parser;

use streamlock::cli::{Cli, Command};
use streamlock::commands;

fn main() {
    let cli = Cli::parse();
    streamlock::logging::init(cli.global.verbose);
    let exit = match cli.command {
        Command::Lint(args) => commands::lint::run(args, &cli.global),
        Command::Import(args) => commands::import::run(*args, &cli.global),
        Command::Describe(args) => commands::describe::run(args, &cli.global),
        Command::Tag(args) => commands::tag::run(args, &cli.global),
        Command::Completions { shell } => commands::meta::completions(shell),
        Command::Man => commands::meta::man(),
    };
    std::process::exit(commands::finish(exit) as i32);
}
