//! `logreg compare` (not yet implemented).
use super::Global;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_g: &Global, _a: Args) -> anyhow::Result<()> {
    anyhow::bail!("logreg compare is not implemented yet")
}
