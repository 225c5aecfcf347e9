//! The one place where the library's settings and remedies become flags:
//! library errors name a config field ([`Setting`]) or a [`Remedy`], and the
//! wording installed here makes every message say the flag the user typed.
use logreg::setting::{set_wording, Remedy, Setting, Wording};

/// Make every library message name flags (once, before the work).
pub fn install() {
    set_wording(Wording {
        setting: flag,
        remedy,
    });
}

/// The flag that sets `s`.
pub fn flag(s: Setting) -> &'static str {
    match s {
        Setting::N => "--n",
        Setting::Beta => "--beta",
        Setting::Low => "--low",
        Setting::High => "--high",
        Setting::Seed => "--seed",
        Setting::Runs => "--runs",
        Setting::Chunk => "--chunk",
        Setting::Lr => "--lr",
        Setting::Momentum => "--momentum",
        Setting::Nesterov => "--nesterov",
        Setting::Optimizer => "--optimizer",
        Setting::BatchSize => "--batch-size",
        Setting::Tol => "--tol",
        Setting::LogEvery => "--log-every",
        Setting::Standardize => "--standardize",
        Setting::Precision => "--dtype",
        Setting::Device => "--device",
        Setting::Autograd => "--autograd",
        Setting::FreqWeights => "--freq-weights",
        Setting::VarWeights => "--var-weights",
        Setting::Offset => "--offset",
        Setting::Groups => "--groups",
    }
}

/// `r` in flags.
fn remedy(r: Remedy) -> String {
    use Setting::*;
    match r {
        Remedy::SmallerLrOrStandardize => {
            format!("try a smaller {} or {}", flag(Lr), flag(Standardize))
        }
        Remedy::SmallerLrOrF64 => format!("use a smaller {} or {} f64", flag(Lr), flag(Precision)),
        Remedy::StandardizeOrF64 => format!("use {} or {} f64", flag(Standardize), flag(Precision)),
        Remedy::UseF64 => format!("use {} f64", flag(Precision)),
        Remedy::UseCpu => format!("use {} cpu", flag(Device)),
        Remedy::DropMissing => "--missing drop drops such rows".into(),
        Remedy::SetDelimiter => "set it with --delimiter".into(),
        Remedy::NarrowerBox => format!("use a narrower {}/{}", flag(Low), flag(High)),
        Remedy::ReplayRun(seed) => format!("`logreg {} {seed} compare` names the step", flag(Seed)),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use logreg::setting::Setting;

    /// Every flag a message can name is a flag of some subcommand.
    #[test]
    fn every_setting_names_a_real_flag() {
        let cli = super::super::Cli::command();
        let longs: Vec<String> = cli
            .get_subcommands()
            .flat_map(|c| c.get_arguments())
            .chain(cli.get_arguments())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        for s in Setting::ALL {
            let f = super::flag(s);
            assert!(longs.iter().any(|l| l == f), "{s:?}: {f} is no flag");
        }
    }
}
