//! `--progress HOW` and its hidden interval, shared by the long-running
//! commands; `cli::progress` shows what they ask for.
use std::time::Duration;

/// `--progress` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressHow {
    /// A bar with an ETA when stderr is a terminal, nothing otherwise.
    Auto,
    /// The bar, even when stderr is not a terminal.
    Bar,
    /// One plain line about every 10 seconds (done, total, rate, ETA) and
    /// one when done, for job logs.
    Lines,
    /// Nothing.
    #[value(name = "none")]
    Off,
}

/// `--progress HOW`: how a long run shows on stderr how far it has got.
#[derive(Debug, Clone, clap::Args)]
pub struct ProgressArg {
    /// How to show progress on stderr (stdout carries only the result).
    #[arg(
        id = "progress",
        long = "progress",
        value_enum,
        default_value = "auto",
        value_name = "HOW",
        help_heading = "Output"
    )]
    pub how: ProgressHow,
    /// Seconds between two lines of --progress lines (0: at every report;
    /// for tests).
    #[arg(
        id = "progress_every",
        long = "progress-every",
        value_name = "SECS",
        default_value = "10",
        value_parser = parse_seconds,
        allow_hyphen_values = true,
        hide = true
    )]
    pub every: Duration,
}

/// A number of seconds, 0 or more (`--progress-every`).
fn parse_seconds(s: &str) -> Result<Duration, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .and_then(|v| Duration::try_from_secs_f64(v).ok())
        .ok_or_else(|| format!("'{s}' is not a number of seconds (0 or more)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_seconds_that_are_negative_or_not_numbers() {
        assert_eq!(parse_seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_seconds("0"), Ok(Duration::ZERO));
        for bad in ["-1", "nan", "inf", "ten", ""] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }
}
