//! The command-line interface: global flags, one file per subcommand, and the
//! mapping from errors to one-line messages and exit codes.

/// `eprint!` / `eprintln!` that cannot panic. Diagnostics go to stderr; when
/// stderr is closed or full (`2>&1 | head -1`, `2>/dev/full`), they are lost,
/// but the run goes on and its result still reaches stdout and its files.
/// (std's macros panic on a failed write, and the panic hook then fails to
/// print too: the process aborted.)
macro_rules! diag {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// [`diag!`] without the line end.
macro_rules! diag_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod compare;
mod demo;
pub mod exit;
mod flags;
mod glm;
mod glm_stream;
mod global;
mod interrupt;
mod nn;
mod output;
mod predict;
mod preflight;
mod progress;
mod repeat;
mod simulate;
mod study_output;
mod summarize;
mod usage_error;

use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand};
use logreg::runtime::threads::Threads;
use logreg::ErrorKind;

use interrupt::Interrupted;

pub use global::Global;
pub use output::Output;
pub use usage_error::UsageError;

/// Logistic regression two ways: a GLM fitted by Fisher scoring (matching
/// statsmodels) and a one-layer network trained by gradient descent (matching
/// PyTorch), on libtorch.
///
/// Same model, same objective, different optimiser: `logreg demo` fits the
/// lecture's data both ways and shows that 7 Fisher-scoring iterations and
/// 10,000 SGD steps land on the same coefficients.
#[derive(Debug, Parser)]
#[command(name = "logreg", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// Threads for libtorch and for the GLM's passes over the rows
    /// [default: automatic: libtorch on one thread, fastest for the
    /// lecture-sized problems; the GLM on every core once the design has
    /// 2^20 values (rows × columns) or more]; at most 1024
    #[arg(long, global = true, value_name = "N", allow_hyphen_values = true,
          value_parser = clap::value_parser!(u16)
              .range(1..=logreg::runtime::threads::MAX_THREADS as i64)
              .map(usize::from))]
    pub threads: Option<usize>,

    /// Seed for simulated data and for the network's initial weights
    /// (torch.manual_seed).
    #[arg(long, global = true, default_value_t = logreg::simulate::DEFAULT_SEED,
          value_parser = parse_seed, allow_hyphen_values = true)]
    pub seed: u64,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the lecture's simulated data set as CSV.
    Simulate(simulate::Args),
    /// Fit logistic regression as a GLM (Fisher scoring) and print statsmodels' summary.
    Glm(glm::Args),
    /// Train logistic regression as a one-layer network, as the PyTorch original does.
    Nn(nn::Args),
    /// Fit both ways on the same data and compare the coefficients.
    Compare(compare::Args),
    /// The lecture: GLM summary, then the network, side by side, at the lecture's settings.
    Demo(demo::Args),
    /// Monte Carlo: repeat the comparison on fresh data many times and summarise.
    Repeat(repeat::Args),
    /// Summarise a study from its run lines (repeat --runs-out, one file or many shards).
    Summarize(summarize::Args),
    /// Predict with a saved model (glm/nn --save-model) on new data: CSV of mean, its standard error and interval, linpred.
    Predict(predict::Args),
}

/// `--seed`: a whole number from 0 to 2^32 - 1, numpy's `np.random.seed`
/// range (the simulated data are numpy's draws).
fn parse_seed(s: &str) -> Result<u64, String> {
    use logreg::math::random_state::MAX_SEED;
    match args::parse_whole(s, 0) {
        Ok(v) if v <= MAX_SEED => Ok(v),
        Ok(_) => Err(format!(
            "'{s}' is beyond numpy's seeds, 0 to {MAX_SEED} (2^32 - 1)"
        )),
        Err(_) => Err(format!("'{s}' is not a whole number from 0 to {MAX_SEED}")),
    }
}

/// Parse the command line. A mistake in it is one line on stderr and exit
/// code 2 (clap's usage block is left out; `--help` has it); `--help` and
/// `--version` print as usual.
pub fn parse() -> Cli {
    use clap::error::ErrorKind as Clap;
    match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match e.kind() {
            Clap::DisplayHelp
            | Clap::DisplayVersion
            | Clap::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                exit::exit(e.exit_code())
            }
            _ => {
                diag!("{}", one_line(&e.render().to_string()));
                exit::exit(2)
            }
        },
    }
}

/// clap's message on one line: its lines up to the usage block, a list
/// after a line ending in ':' joined with ", ", other lines with "; " (so a
/// "tip:" stays).
fn one_line(rendered: &str) -> String {
    let mut out = String::new();
    let mut in_list = false;
    for line in rendered
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if !out.is_empty() {
            out.push_str(
                match (out.ends_with(':'), in_list && !line.starts_with("tip:")) {
                    (true, _) => " ",
                    (false, true) => ", ",
                    (false, false) => "; ",
                },
            );
        }
        in_list = out.ends_with(": ") || (in_list && !line.starts_with("tip:"));
        out.push_str(line);
    }
    out
}

/// Run one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    interrupt::install()?;
    let threads = cli.threads.map_or(Threads::Auto, Threads::Fixed);
    // libtorch's own thread count, process-wide, for the whole command.
    let _torch = logreg::runtime::torch::TorchThreads::set(threads);
    let g = Global {
        seed: cli.seed,
        threads,
    };
    match cli.command {
        Command::Simulate(a) => simulate::run(&g, a),
        Command::Glm(a) => glm::run(&g, a),
        Command::Nn(a) => nn::run(&g, a),
        Command::Compare(a) => compare::run(&g, a),
        Command::Demo(a) => demo::run(&g, a),
        Command::Repeat(a) => repeat::run(&g, a),
        Command::Predict(a) => predict::run(&g, a),
        Command::Summarize(a) => summarize::run(&g, a),
    }
}

/// Print the error chain once, on one line, and choose the exit code:
/// 0 for a closed stdout (`logreg ... | head`), 2 for bad input (data, flags,
/// settings), 3 for a study summarized with runs missing, 130 for Ctrl-C, 1
/// for a failed fit or training and anything else. The one place where an error becomes an exit code.
pub fn report(e: &anyhow::Error) -> u8 {
    for cause in e.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return 0;
            }
        }
    }
    // The chain as anyhow's `{:#}` writes it, each link in flags.
    let msg = e.chain().map(flags::message).collect::<Vec<_>>().join(": ");
    let one_line: Vec<&str> = msg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let kind = kind(e);
    match kind {
        // "interrupted: ..." is a report, not an error.
        ErrorKind::Interrupted if e.is::<Interrupted>() => diag!("{}", one_line.join(" ")),
        _ => diag!("error: {}", one_line.join(" ")),
    }
    match kind {
        ErrorKind::BadInput => 2,
        ErrorKind::FitFailed => 1,
        ErrorKind::Incomplete => 3,
        ErrorKind::Interrupted => interrupt::exit_status(),
    }
}

/// The kind of the outermost error in the chain that knows its kind
/// ([`UsageError`], [`Interrupted`] and the library's typed errors); anything
/// else, such as an I/O error while writing the results, is a failure (exit 1).
fn kind(e: &anyhow::Error) -> ErrorKind {
    use logreg::{compare, data, glm, model, nn, simulate, study};
    for c in e.chain() {
        if c.is::<UsageError>() {
            return ErrorKind::BadInput;
        }
        if c.is::<Interrupted>() {
            return ErrorKind::Interrupted;
        }
        let kind = None
            .or_else(|| c.downcast_ref::<data::DataError>().map(|e| e.kind()))
            .or_else(|| c.downcast_ref::<data::FormulaReadError>().map(|e| e.kind()))
            .or_else(|| c.downcast_ref::<simulate::SimError>().map(|e| e.kind()))
            .or_else(|| c.downcast_ref::<glm::GlmError>().map(|e| e.kind()))
            .or_else(|| {
                c.downcast_ref::<data::design_cache::StreamedError>()
                    .map(|e| e.kind())
            })
            .or_else(|| c.downcast_ref::<model::ModelError>().map(|e| e.kind()))
            .or_else(|| c.downcast_ref::<nn::TrainError>().map(|e| e.kind()))
            .or_else(|| c.downcast_ref::<compare::CompareError>().map(|e| e.kind()))
            .or_else(|| c.downcast_ref::<study::RepeatError>().map(|e| e.kind()))
            .or_else(|| c.downcast_ref::<study::BatchError>().map(|e| e.kind()))
            .or_else(|| c.downcast_ref::<study::ReadError>().map(|e| e.kind()))
            .or_else(|| c.downcast_ref::<study::MergeError>().map(|e| e.kind()))
            .or_else(|| {
                c.downcast_ref::<study::journal::JournalError>()
                    .map(|e| e.kind())
            })
            .or_else(|| c.downcast_ref::<study::Incomplete>().map(|e| e.kind()));
        if let Some(k) = kind {
            return k;
        }
    }
    ErrorKind::FitFailed
}

/// A panic is a bug, but the user still gets one line, not a backtrace or a
/// libtorch C++ trace.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let first = payload.lines().next().unwrap_or("").trim();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        diag!("error: internal error (please report): {first}{at}");
    }));
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::Cli::command().debug_assert();
    }
}
