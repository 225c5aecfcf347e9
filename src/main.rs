//! `logreg` command line: parse flags, call the library, print or write the
//! result, map errors to exit codes. No maths here.
mod cmd;

use std::process::ExitCode;

fn main() -> ExitCode {
    cmd::install_panic_hook();
    let cli = cmd::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => cmd::report(&e),
    }
}
