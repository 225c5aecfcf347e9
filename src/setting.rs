//! How error messages name what the user sets: a [`Setting`] (a config
//! field) and a [`Remedy`] (what to change). The library speaks in config
//! fields (`n`, `lr`); a front end that sets them another way (the binary:
//! with flags) installs its [`Wording`] once, and every message then says
//! `--n`, `--lr`, as the user typed them.
use std::fmt;
use std::sync::OnceLock;

/// A setting of a config ([`SimConfig`](crate::simulate::SimConfig),
/// [`TrainConfig`](crate::nn::TrainConfig),
/// [`RepeatConfig`](crate::study::RepeatConfig),
/// [`CsvOptions`](crate::data::CsvOptions)) that a message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    N,
    Beta,
    Low,
    High,
    Seed,
    Runs,
    Chunk,
    Lr,
    Momentum,
    Nesterov,
    Optimizer,
    BatchSize,
    Tol,
    LogEvery,
    Standardize,
    Precision,
    Device,
    Autograd,
    /// A data file's per-row columns (CsvOptions::roles).
    FreqWeights,
    VarWeights,
    Offset,
    Groups,
}

impl Setting {
    /// Every setting, for front ends and tests that go through them all.
    pub const ALL: [Setting; 22] = [
        Setting::N,
        Setting::Beta,
        Setting::Low,
        Setting::High,
        Setting::Seed,
        Setting::Runs,
        Setting::Chunk,
        Setting::Lr,
        Setting::Momentum,
        Setting::Nesterov,
        Setting::Optimizer,
        Setting::BatchSize,
        Setting::Tol,
        Setting::LogEvery,
        Setting::Standardize,
        Setting::Precision,
        Setting::Device,
        Setting::Autograd,
        Setting::FreqWeights,
        Setting::VarWeights,
        Setting::Offset,
        Setting::Groups,
    ];

    /// The config field's name (`n`, `batch_size`).
    pub fn field(self) -> &'static str {
        match self {
            Setting::N => "n",
            Setting::Beta => "beta",
            Setting::Low => "low",
            Setting::High => "high",
            Setting::Seed => "seed",
            Setting::Runs => "runs",
            Setting::Chunk => "chunk",
            Setting::Lr => "lr",
            Setting::Momentum => "momentum",
            Setting::Nesterov => "nesterov",
            Setting::Optimizer => "optimizer",
            Setting::BatchSize => "batch_size",
            Setting::Tol => "tol",
            Setting::LogEvery => "every",
            Setting::Standardize => "standardize",
            Setting::Precision => "precision",
            Setting::Device => "device",
            Setting::Autograd => "autograd",
            Setting::FreqWeights => "freq_weights",
            Setting::VarWeights => "var_weights",
            Setting::Offset => "offset",
            Setting::Groups => "groups",
        }
    }
}

/// The setting as the installed [`Wording`] names it (the field name by
/// default).
impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str((wording().setting)(*self))
    }
}

/// What the user can change to get past an error, worded by the front end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// A smaller learning rate, or standardized features.
    SmallerLrOrStandardize,
    /// A smaller learning rate, or float64.
    SmallerLrOrF64,
    /// Standardized features, or float64.
    StandardizeOrF64,
    /// Float64.
    UseF64,
    /// Train on the CPU.
    UseCpu,
    /// Drop the rows with missing values.
    DropMissing,
    /// Set the field separator.
    SetDelimiter,
    /// A narrower box for the simulated features.
    NarrowerBox,
    /// Run the study's run with this seed alone, to see where it failed.
    ReplayRun(u64),
}

impl Remedy {
    /// The library's own wording, in config fields.
    fn in_fields(self) -> String {
        match self {
            Remedy::SmallerLrOrStandardize => "try a smaller lr or standardize".into(),
            Remedy::SmallerLrOrF64 => "use a smaller lr or precision f64".into(),
            Remedy::StandardizeOrF64 => "use standardize or precision f64".into(),
            Remedy::UseF64 => "use precision f64".into(),
            Remedy::UseCpu => "use the cpu device".into(),
            Remedy::DropMissing => "the missing policy Drop drops such rows".into(),
            Remedy::SetDelimiter => "set the delimiter".into(),
            Remedy::NarrowerBox => "use a narrower low/high".into(),
            Remedy::ReplayRun(seed) => format!("training seed {seed} alone names the step"),
        }
    }
}

/// The remedy as the installed [`Wording`] words it.
impl fmt::Display for Remedy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&(wording().remedy)(*self))
    }
}

/// How a front end names settings and words remedies.
#[derive(Debug, Clone, Copy)]
pub struct Wording {
    pub setting: fn(Setting) -> &'static str,
    pub remedy: fn(Remedy) -> String,
}

/// The library's wording: config field names.
const FIELDS: Wording = Wording {
    setting: Setting::field,
    remedy: Remedy::in_fields,
};

static WORDING: OnceLock<Wording> = OnceLock::new();

/// Install the front end's wording for every message from now on (once per
/// process, before the work; a second call is ignored and returns false).
pub fn set_wording(w: Wording) -> bool {
    WORDING.set(w).is_ok()
}

fn wording() -> Wording {
    WORDING.get().copied().unwrap_or(FIELDS)
}

#[cfg(test)]
mod tests {
    use super::{Remedy, Setting};
    use crate::data::DataError;
    use crate::nn::{Precision, StandardizeError, TrainConfigError, TrainError};
    use crate::runtime::memory::TooLarge;
    use crate::simulate::SimError;
    use crate::spec::OptimizerError;
    use crate::study::{BatchError, RepeatError};

    /// Every library message that names a setting or a remedy, built once.
    fn messages() -> Vec<String> {
        let too_large = TooLarge {
            what: format!("{} 5", Setting::N),
            purpose: "the data",
            need: None,
            have: 1,
        };
        let mut m: Vec<String> = Setting::ALL.iter().map(|s| s.to_string()).collect();
        m.extend(
            [
                Remedy::SmallerLrOrStandardize,
                Remedy::SmallerLrOrF64,
                Remedy::StandardizeOrF64,
                Remedy::UseF64,
                Remedy::UseCpu,
                Remedy::DropMissing,
                Remedy::SetDelimiter,
                Remedy::NarrowerBox,
                Remedy::ReplayRun(42),
            ]
            .map(|r| r.to_string()),
        );
        m.extend(
            [
                SimError::NoRows,
                SimError::ShortBeta(1),
                SimError::NonFiniteBeta(f64::NAN),
                SimError::BadBox {
                    low: 1.0,
                    high: 0.0,
                },
                SimError::TooLarge(too_large.clone()),
                SimError::PredictorOverflow {
                    low: -1e308,
                    high: 1e308,
                },
            ]
            .map(|e| e.to_string()),
        );
        m.extend(
            [
                TrainConfigError::Lr(-1.0),
                TrainConfigError::LrF32(1e39),
                TrainConfigError::Optimizer(OptimizerError::Momentum(2.0)),
                TrainConfigError::Optimizer(OptimizerError::Nesterov),
                TrainConfigError::Optimizer(OptimizerError::NotSgd {
                    setting: Setting::Momentum,
                    name: "adam",
                }),
                TrainConfigError::BatchSize,
                TrainConfigError::Tol(0.0),
                TrainConfigError::Every,
            ]
            .map(|e| e.to_string()),
        );
        m.push(
            crate::nn::SpecError::F32 {
                what: "offset",
                row: 1,
                value: 1e39,
            }
            .to_string(),
        );
        let standardize = [
            StandardizeError::Constant {
                column: "x1".into(),
                value: 1.0,
            },
            StandardizeError::Unrepresentable {
                column: "x1".into(),
                largest: 1e308,
                sd: 0.0,
            },
        ];
        m.extend(standardize.iter().map(|e| e.to_string()));
        m.extend(
            [
                TrainError::NoCuda,
                TrainError::Diverged {
                    step: 3,
                    value: "nan".into(),
                },
                TrainError::Overflow(Precision::F32),
                TrainError::Standardize(standardize[0].clone()),
            ]
            .map(|e| e.to_string()),
        );
        m.extend(
            [
                BatchError::Unsupported {
                    option: Setting::BatchSize,
                    why: "why",
                },
                BatchError::Unsupported {
                    option: Setting::Autograd,
                    why: "why",
                },
                BatchError::Diverged { seed: 42 },
            ]
            .map(|e| e.to_string()),
        );
        m.extend(
            [
                RepeatError::NoRuns,
                RepeatError::NoChunk,
                RepeatError::SeedOverflow {
                    seed: u64::MAX,
                    runs: 2,
                },
                RepeatError::TooLarge(too_large.clone()),
            ]
            .map(|e| e.to_string()),
        );
        m.push(too_large.to_string());
        let badly_scaled = |simulated| DataError::BadlyScaled {
            file: "d.csv".into(),
            column: "x1".into(),
            size: 1e9,
            other: "const".into(),
            other_size: 1.0,
            rank: 1,
            k: 2,
            power: 9,
            simulated,
        };
        m.extend(
            [
                DataError::Missing {
                    file: "d.csv".into(),
                    line: 2,
                    column: "x1".into(),
                    value: "NA".into(),
                },
                DataError::NoTarget {
                    file: "d.csv".into(),
                    line: 1,
                    target: "y".into(),
                    available: vec!["x1;y".into()],
                },
                badly_scaled(true),
                badly_scaled(false),
            ]
            .map(|e| e.to_string()),
        );
        m
    }

    /// Library messages speak in config fields: a flag (`--lr`) is the
    /// binary's word (src/cmd/flags.rs), never the library's.
    #[test]
    fn library_messages_name_no_flag() {
        for msg in messages() {
            assert!(!msg.contains("--"), "a library message names a flag: {msg}");
        }
    }

    #[test]
    fn settings_are_named_by_their_config_field_by_default() {
        assert_eq!(SimError::NoRows.to_string(), "n must be at least 1");
        assert_eq!(
            TrainConfigError::Lr(-1.0).to_string(),
            "lr must be a positive finite number, got -1"
        );
    }
}
