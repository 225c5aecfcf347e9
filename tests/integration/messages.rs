//! Library messages: each names settings by their config field, or in a wording passed as a value.
use logreg::data::DataError;
use logreg::nn::{Precision, StandardizeError, TrainConfigError, TrainError};
use logreg::runtime::memory::TooLarge;
use logreg::setting::{In, Phrase, Remedy, Setting, Wording};
use logreg::simulate::SimError;
use logreg::spec::OptimizerError;
use logreg::study::{BatchError, RepeatError};

/// Every library message that names a setting or a remedy, built once.
fn messages() -> Vec<String> {
    let too_large = TooLarge {
        what: Phrase(vec![Setting::N.into(), " 5".to_string().into()]),
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
        logreg::nn::SpecError::F32 {
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
/// binary's word (src/cli/flags.rs), never the library's.
#[test]
fn library_messages_name_no_flag() {
    for msg in messages() {
        assert!(!msg.contains("--"), "a library message names a flag: {msg}");
    }
}

/// A message is written in the wording passed to it, and in config
/// fields by `Display`: two wordings serve side by side, with no
/// process-wide choice.
#[test]
fn messages_follow_the_wording_passed() {
    let loud = Wording {
        setting: |s| match s {
            Setting::Lr => "LR",
            Setting::N => "N",
            _ => "SETTING",
        },
        remedy: |_| "REMEDY".into(),
    };
    let lr = TrainConfigError::LrF32(1e39);
    assert_eq!(
        In(&lr, &loud).to_string(),
        "LR 1e39 does not fit in float32 (largest 3.4028235e38); REMEDY"
    );
    assert_eq!(
        lr.to_string(),
        "lr 1e39 does not fit in float32 (largest 3.4028235e38); use a smaller lr or precision f64"
    );
    let nested = RepeatError::Sim(SimError::TooLarge(TooLarge {
        what: Phrase(vec![Setting::N.into(), " 5".into()]),
        purpose: "the data",
        need: Some(2_000_000_000),
        have: 1_000_000_000,
    }));
    assert_eq!(
        In(&nested, &loud).to_string(),
        "N 5 needs at least 2.0 GB for the data; this machine has 1.0 GB"
    );
    assert_eq!(
        nested.to_string(),
        "n 5 needs at least 2.0 GB for the data; this machine has 1.0 GB"
    );
}

#[test]
fn settings_are_named_by_their_config_field_by_default() {
    assert_eq!(SimError::NoRows.to_string(), "n must be at least 1");
    assert_eq!(
        TrainConfigError::Lr(-1.0).to_string(),
        "lr must be a positive finite number, got -1"
    );
}
