//! The `firedrill` binary: parse the command line, run one command, print
//! its output, exit with its status.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use firedrill::cli::{Cli, Command};
use firedrill::commands;
use firedrill::exit::Status;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return match err.use_stderr() {
                true => Status::BadInput.into(),
                false => Status::Passed.into(),
            };
        }
    };
    let (output, status) = match &cli.command {
        Command::Test(args) => commands::test::run(args),
        Command::Scan(args) => return commands::scan::run(args).into(),
        Command::Events(args) => return commands::events::run(args).into(),
        Command::Lint(args) => commands::lint::run(args),
        Command::Schema(args) => commands::lint::schema(args),
    };
    // A closed pipe (`firedrill test | head`) is not an error.
    let _ = std::io::stdout().lock().write_all(output.as_bytes());
    status.into()
}

/// Events are many small maps and strings, allocated while one worker
/// parses and freed after another matches; mimalloc's per-thread heaps
/// handle that pattern far better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
