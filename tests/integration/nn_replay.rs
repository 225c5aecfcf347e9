//! The replayed step (one C++ call per step, `src/nn/replay_step.cpp`, with
//! plain SGD's update inside it) against the literal autograd loop
//! (`--autograd`), over the settings that take different code: learning
//! rates, sizes, every optimiser (plain SGD is applied in C++, the others
//! by `Stepper`), float64, mini-batches with a shorter last batch. Equality
//! is exact: both sides run on this machine with the same kernels. It holds
//! for other CPUs' kernels too: run it under `ATEN_CPU_CAPABILITY=default`
//! and `MKL_ENABLE_INSTRUCTIONS=SSE4_2` (both sides inherit them).
use serde::Deserialize;

use crate::support::logreg;

#[derive(Deserialize)]
struct Fit {
    params: Vec<f64>,
    loss: f64,
    steps: usize,
}

fn fit(args: &[&str], autograd: bool) -> Fit {
    let mut a: Vec<&str> = vec!["nn", "--json"];
    a.extend_from_slice(args);
    if autograd {
        a.push("--autograd");
    }
    let r = logreg(&a);
    serde_json::from_str(&r.ok()).unwrap_or_else(|e| panic!("{e}\n{}", r.describe()))
}

/// Settings as `nn` flags; each differs from the lecture in what reaches
/// the replayed step.
const SETTINGS: &[&[&str]] = &[
    // Plain SGD (the update in C++), several learning rates and sizes.
    &["--lr", "0.1", "--steps", "400"],
    &["--lr", "0.01", "--n", "37", "--steps", "300"],
    &["--lr", "0.7", "--n", "2500", "--steps", "200"],
    &[
        "--lr",
        "3",
        "--n",
        "500",
        "--steps",
        "200",
        "--beta",
        "0.5,1,-1,2",
    ],
    &["--lr", "0.1", "--dtype", "f64", "--steps", "300"],
    // Mini-batches: 1000 rows in batches of 96 leave a last batch of 40.
    &["--lr", "0.2", "--batch-size", "96", "--steps", "250"],
    &[
        "--lr",
        "0.05",
        "--n",
        "301",
        "--batch-size",
        "1",
        "--steps",
        "350",
    ],
    // The other optimisers (the update by `Stepper`, after the C++ step).
    &[
        "--optimizer",
        "sgd",
        "--momentum",
        "0.9",
        "--lr",
        "0.05",
        "--steps",
        "300",
    ],
    &[
        "--optimizer",
        "sgd",
        "--momentum",
        "0.5",
        "--nesterov",
        "--steps",
        "300",
    ],
    &["--optimizer", "adam", "--lr", "0.01", "--steps", "300"],
    &[
        "--optimizer",
        "adamw",
        "--lr",
        "0.03",
        "--batch-size",
        "128",
        "--steps",
        "300",
    ],
    &[
        "--optimizer",
        "rmsprop",
        "--lr",
        "0.005",
        "--n",
        "800",
        "--steps",
        "300",
    ],
];

#[test]
fn replayed_step_gives_the_autograd_loops_bits_across_settings() {
    for args in SETTINGS {
        let replay = fit(args, false);
        let autograd = fit(args, true);
        assert_eq!(replay.steps, autograd.steps, "{args:?}");
        assert_eq!(replay.params, autograd.params, "params, {args:?}");
        assert_eq!(
            replay.loss.to_bits(),
            autograd.loss.to_bits(),
            "loss, {args:?}"
        );
    }
}

/// A design without an intercept trains a layer without a bias: the
/// replayed step (`mm` for `addmm`, no bias gradient) gives the autograd
/// loop's bits too, for plain SGD (the update in C++), another optimiser,
/// float64 and mini-batches.
#[test]
fn replayed_step_without_a_bias_gives_the_autograd_loops_bits() {
    let data = crate::support::fixtures()
        .join("formula_fit")
        .join("spector.csv")
        .to_string_lossy()
        .into_owned();
    let base = [
        "--data",
        &data,
        "--formula",
        "GRADE ~ 0 + C(PSI) + GPA + TUCE",
    ];
    let settings: &[&[&str]] = &[
        &["--lr", "0.01", "--steps", "300"],
        &["--optimizer", "adam", "--lr", "0.01", "--steps", "300"],
        &["--lr", "0.01", "--dtype", "f64", "--steps", "300"],
        &["--lr", "0.01", "--batch-size", "5", "--steps", "200"],
    ];
    for extra in settings {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let replay = fit(&args, false);
        let autograd = fit(&args, true);
        assert_eq!(replay.params.len(), 4, "{args:?}");
        assert_eq!(replay.steps, autograd.steps, "{args:?}");
        assert_eq!(replay.params, autograd.params, "params, {args:?}");
        assert_eq!(
            replay.loss.to_bits(),
            autograd.loss.to_bits(),
            "loss, {args:?}"
        );
    }
}
