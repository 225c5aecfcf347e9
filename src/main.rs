//! `logreg` command line: parse flags, call the library, print or write the
//! result, map errors to exit codes. No maths here.
mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cmd::install_panic_hook();
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => cmd::report(&e),
    }
}
