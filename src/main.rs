//! `logreg` command line: parse flags, call the library, print or write the
//! result, map errors to exit codes. No maths here.
mod cli;

fn main() {
    cli::install_panic_hook();
    let cli = cli::parse();
    let code = match cli::run(cli) {
        Ok(()) => 0,
        Err(e) => cli::report(&e),
    };
    // Without libtorch's static destructors (cli::exit).
    cli::exit::exit(code.into())
}
