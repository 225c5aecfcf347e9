//! The one place where the library's settings and remedies become flags:
//! library errors name a config field ([`Setting`]) or a [`Remedy`], and
//! [`FLAGS`] renders them as the flag the user typed.
use std::error::Error;

use logreg::setting::{In, Remedy, Setting, Worded, Wording};

/// The command line's wording: settings by their flags.
pub const FLAGS: Wording = Wording {
    setting: flag,
    remedy,
};

/// `e` as one message in [`FLAGS`]: the library's errors that name
/// settings or remedies in their flags, any other error as it displays.
pub fn message(e: &(dyn Error + 'static)) -> String {
    match worded(e) {
        Some(w) => In(w, &FLAGS).to_string(),
        None => e.to_string(),
    }
}

/// The library's errors whose messages name settings or remedies.
fn worded<'a>(e: &'a (dyn Error + 'static)) -> Option<&'a dyn Worded> {
    use logreg::{data, glm, nn, runtime, simulate, study};
    fn is<'a, T: Worded + Error + 'static>(e: &'a (dyn Error + 'static)) -> Option<&'a dyn Worded> {
        e.downcast_ref::<T>().map(|t| t as &dyn Worded)
    }
    None.or_else(|| is::<data::DataError>(e))
        .or_else(|| is::<simulate::SimError>(e))
        .or_else(|| is::<runtime::memory::TooLarge>(e))
        .or_else(|| is::<data::design_cache::StreamedError>(e))
        .or_else(|| is::<glm::GlmError>(e))
        .or_else(|| is::<nn::TrainError>(e))
        .or_else(|| is::<nn::TrainConfigError>(e))
        .or_else(|| is::<logreg::spec::OptimizerError>(e))
        .or_else(|| is::<nn::StandardizeError>(e))
        .or_else(|| is::<nn::SpecError>(e))
        .or_else(|| is::<study::BatchError>(e))
        .or_else(|| is::<study::RepeatError>(e))
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
        Setting::Failures => "--failures",
        Setting::XDist => "--x-dist",
        Setting::XCorr => "--x-corr",
        Setting::Seeds => "--seeds",
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
        Remedy::UseFormula => "--formula reads a text column as categories".into(),
        Remedy::NarrowerBox => format!("use a narrower {}/{}", flag(Low), flag(High)),
        Remedy::ReplayRun(seed) => format!("`logreg {} {seed} compare` names the step", flag(Seed)),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use logreg::setting::Setting;

    /// A GLM error about a per-row role names the role's flag. (The data
    /// reader refuses such values first, so no command reaches these.)
    #[test]
    fn glm_errors_name_the_roles_by_their_flags() {
        use logreg::glm::GlmError;
        let e = GlmError::BadRowOption {
            what: Setting::FreqWeights,
            row: 2,
            value: 1.5,
            why: "not a whole number",
        };
        assert_eq!(
            e.to_string(),
            "freq_weights at row 2 is 1.5: not a whole number"
        );
        assert_eq!(
            super::message(&e),
            "--freq-weights at row 2 is 1.5: not a whole number"
        );
        let e = GlmError::AllZeroWeights(Setting::VarWeights);
        assert_eq!(super::message(&e), "--var-weights are all 0");
        let e = GlmError::RowOptionLength {
            what: Setting::Groups,
            len: 2,
            n: 3,
        };
        assert_eq!(super::message(&e), "--groups has 2 values for 3 rows");
        let e = GlmError::TooFewGroups(1);
        assert_eq!(super::message(&e), e.to_string());
    }

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
