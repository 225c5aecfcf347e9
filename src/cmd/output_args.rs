//! The output flags shared by several subcommands, declared once: `--json`
//! and `--plots DIR`. A subcommand flattens them and words their help (what
//! its JSON holds, which pictures it draws) with `mut_arg`.
use std::path::PathBuf;

/// `--json`: one JSON object on stdout instead of the table.
#[derive(Debug, Clone, clap::Args)]
pub struct JsonArg {
    /// Print one JSON object instead of the table.
    #[arg(id = "json", long = "json", help_heading = "Output")]
    pub on: bool,
}

/// `--plots DIR`: SVG pictures written into a folder.
#[derive(Debug, Clone, clap::Args)]
pub struct PlotsArg {
    /// Write the pictures into DIR (created if missing).
    #[arg(
        id = "plots",
        long = "plots",
        value_name = "DIR",
        help_heading = "Output"
    )]
    pub dir: Option<PathBuf>,
}
