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

/// `--save-model FILE`: the fitted model as JSON, for `logreg predict`.
#[derive(Debug, Clone, clap::Args)]
pub struct SaveModelArg {
    /// Save the fitted model as JSON to FILE, for `logreg predict` (written
    /// whole or not at all, after the result is printed); `-` writes it to
    /// stdout, and the table then goes to stderr.
    #[arg(
        id = "save_model",
        long = "save-model",
        value_name = "FILE",
        help_heading = "Output"
    )]
    pub path: Option<PathBuf>,
}

impl SaveModelArg {
    /// Whether the model goes to stdout (`--save-model -`).
    pub fn to_stdout(&self) -> bool {
        self.path.as_ref().is_some_and(|p| p.as_os_str() == "-")
    }

    /// Write `model` to the file or stdout, if asked for.
    pub fn write(&self, model: impl FnOnce() -> logreg::model::SavedModel) -> anyhow::Result<()> {
        match &self.path {
            Some(_) if self.to_stdout() => crate::cli::output::print(&model().to_json()),
            Some(path) => crate::cli::output::write_atomic(path, model().to_json().as_bytes()),
            None => Ok(()),
        }
    }
}
