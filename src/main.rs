//! `logreg` command line: parse flags, call the library, print or write the
//! result, map errors to exit codes. No maths here.
mod cmd;

fn main() {
    cmd::install_panic_hook();
    let cli = cmd::parse();
    let code = match cmd::run(cli) {
        Ok(()) => 0,
        Err(e) => cmd::report(&e),
    };
    // Without libtorch's static destructors (cmd::exit).
    cmd::exit::exit(code.into())
}
