//! `logreg nn`: PyTorch's numbers, and the options around them.
//! Reference numbers: tests/fixtures/nn/pytorch.json, written by
//! scripts/make_nn_fixtures.py from PyTorch itself on one machine. They are
//! compared within float32 rounding (bit-identity holds only on the machine,
//! libtorch and thread count that made them; scripts/parity.py checks it
//! live, against PyTorch on this machine, with tolerance 0).
use serde::Deserialize;

use crate::support::{fixtures, logreg, temp_dir};

#[derive(Deserialize)]
struct Fixture {
    torch: String,
    threads: usize,
    cases: Vec<Case>,
    /// Another link, row weights, an offset: trained through the library
    /// (`nn::train_spec`) until the CLI takes these options.
    spec_cases: Vec<SpecCase>,
}

/// A case of the fixture's `spec_cases`: plain SGD, lr 0.1, float32.
#[derive(Deserialize)]
struct SpecCase {
    name: String,
    seed: u64,
    link: String,
    steps: usize,
    standardize: bool,
    weights: Option<Vec<f64>>,
    offset: Option<Vec<f64>>,
    lr: f64,
    init_params: Vec<f64>,
    params: Vec<f64>,
    loss: f64,
}

/// How far another CPU's kernels may move the fixture's numbers. Measured by
/// scripts/kernel_spread.py: every case under the default kernels,
/// `ATEN_CPU_CAPABILITY=default`, `MKL_ENABLE_INSTRUCTIONS=SSE4_2` and
/// `=AVX2`, at 1 and 2 threads, against a fixture made on an AVX-512 Xeon.
/// Each bound is twice the worst difference seen.
struct Tolerance {
    /// Initial weights: the uniform draw's kernel rounds differently under
    /// `ATEN_CPU_CAPABILITY=default`; worst 5.96e-8, one float32 ulp of a
    /// draw in [0.5, 1) (the draws lie within ±1/√k).
    init: f64,
    /// Trained parameters: worst 4.77e-7 (float32 cases; 2 ulps of the
    /// coefficient 2.11, after 3000 steps of SGD or Adam), 4.87e-13 (the
    /// float64 case: its float32 initial draw moved by one ulp, and 2000
    /// steps shrink that difference towards the optimum).
    params: f64,
    /// Final loss: worst 2.98e-8 (float32: one ulp of a loss near 0.25),
    /// 2.78e-17 (float64: one ulp).
    loss: f64,
}

impl Tolerance {
    fn of(c: &Case) -> Tolerance {
        let eps = f32::EPSILON as f64;
        match c.dtype.as_str() {
            "f64" => Tolerance {
                init: eps,
                params: 1e-12,
                loss: f64::EPSILON / 4.0,
            },
            _ => Tolerance::float32(),
        }
    }

    fn float32() -> Tolerance {
        let eps = f32::EPSILON as f64;
        Tolerance {
            init: eps,
            params: 8.0 * eps,
            loss: eps / 2.0,
        }
    }
}

#[derive(Deserialize)]
struct Case {
    name: String,
    seed: u64,
    optimizer: String,
    steps: usize,
    standardize: bool,
    dtype: String,
    momentum: f64,
    nesterov: bool,
    lr: f64,
    init_params: Vec<f64>,
    params: Vec<f64>,
    loss: f64,
}

/// The `nn --json` contract: exactly these keys.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct NnJson {
    names: Vec<String>,
    params: Vec<f64>,
    init_params: Vec<f64>,
    loss: f64,
    steps: usize,
    converged_at: Option<usize>,
    optimizer: String,
    lr: f64,
    time_s: f64,
    warnings: Vec<String>,
}

fn lecture_csv() -> String {
    fixtures().join("nn/lecture.csv").display().to_string()
}

fn load_fixture() -> Fixture {
    let text = std::fs::read_to_string(fixtures().join("nn/pytorch.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn args_for(c: &Case) -> Vec<String> {
    let mut a: Vec<String> = [
        "--seed",
        &c.seed.to_string(),
        "nn",
        "--data",
        &lecture_csv(),
        "--json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(
        [
            "--optimizer",
            &c.optimizer,
            "--steps",
            &c.steps.to_string(),
            "--lr",
            &c.lr.to_string(),
        ]
        .map(String::from),
    );
    a.extend(["--dtype".to_string(), c.dtype.clone()]);
    // --momentum is an SGD setting: the other optimisers refuse it.
    if c.optimizer == "sgd" {
        a.extend(["--momentum".to_string(), c.momentum.to_string()]);
    }
    if c.nesterov {
        a.push("--nesterov".into());
    }
    if c.standardize {
        a.push("--standardize".into());
    }
    a
}

fn run_json(args: &[String]) -> NnJson {
    let r = logreg(args);
    serde_json::from_str(&r.ok()).unwrap_or_else(|e| panic!("{e}\n{}", r.describe()))
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn matches_pytorch_fixtures_within_float32_rounding() {
    let fx = load_fixture();
    assert!(
        fx.torch.starts_with("2.13"),
        "fixture made with torch {}",
        fx.torch
    );
    for c in &fx.cases {
        let got = run_json(&args_for(c));
        let tol = Tolerance::of(c);
        for (what, got, want, tol) in [
            ("init_params", &got.init_params, &c.init_params, tol.init),
            ("params", &got.params, &c.params, tol.params),
            ("loss", &vec![got.loss], &vec![c.loss], tol.loss),
        ] {
            let d = max_abs_diff(got, want);
            assert!(
                d <= tol,
                "{}: {what} {got:?}, PyTorch {want:?}: |d| = {d:e} > {tol:e}",
                c.name
            );
        }
        assert_eq!(got.steps, c.steps, "{}", c.name);
        assert_eq!(got.names, ["const", "x1", "x2"]);
    }
}

/// Every link, weights and an offset (with --standardize): the same model as
/// PyTorch's, trained to the same numbers. The bounds are the float32
/// cases' [`Tolerance`]: same data, same optimiser, as many steps or fewer.
#[test]
fn links_weights_and_offset_match_pytorch_fixtures_within_float32_rounding() {
    use logreg::nn::{train_spec, ModelSpec, TrainConfig};
    use logreg::spec::LinkKind;
    let fx = load_fixture();
    // The fixture's thread count, so that on the machine that made it the
    // numbers are PyTorch's bits (all runs in this process share it).
    let _threads = logreg::runtime::torch::TorchThreads::set(
        logreg::runtime::threads::Threads::Fixed(fx.threads),
    );
    let (data, _) = logreg::data::read_csv(
        std::path::Path::new(&lecture_csv()),
        &logreg::data::CsvOptions::default(),
    )
    .unwrap();
    let links: Vec<&str> = fx.spec_cases.iter().map(|c| c.link.as_str()).collect();
    for link in ["probit", "cloglog", "loglog", "cauchy"] {
        assert!(links.contains(&link), "no fixture case for {link}");
    }
    for c in &fx.spec_cases {
        let spec = ModelSpec {
            link: c.link.parse::<LinkKind>().unwrap(),
            weights: c.weights.as_deref().map(std::borrow::Cow::Borrowed),
            offset: c.offset.as_deref(),
        };
        let cfg = TrainConfig {
            lr: c.lr,
            steps: c.steps,
            standardize: c.standardize,
            seed: c.seed,
            ..TrainConfig::default()
        };
        let got = train_spec(&data, &spec, &cfg).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let tol = Tolerance::float32();
        for (what, got, want, tol) in [
            ("init_params", &got.init_params, &c.init_params, tol.init),
            ("params", &got.params, &c.params, tol.params),
            ("loss", &vec![got.loss], &vec![c.loss], tol.loss),
        ] {
            let d = max_abs_diff(got, want);
            assert!(
                d <= tol,
                "{}: {what} {got:?}, PyTorch {want:?}: |d| = {d:e} > {tol:e}",
                c.name
            );
        }
        assert_eq!(got.steps, c.steps, "{}", c.name);
    }
}

/// Both sides on this machine, same settings: exact equality.
#[test]
fn autograd_loop_and_replayed_kernels_give_the_same_bits() {
    let fx = load_fixture();
    for c in fx.cases.iter().filter(|c| {
        ["sgd_seed42", "sgd_nesterov", "adam", "rmsprop", "sgd_f64"].contains(&c.name.as_str())
    }) {
        let mut a = args_for(c);
        let replay = run_json(&a);
        a.push("--autograd".into());
        let autograd = run_json(&a);
        assert_eq!(replay.params, autograd.params, "{}", c.name);
        assert_eq!(replay.loss, autograd.loss, "{}", c.name);
    }
    // Mini-batches too (seeded torch.randperm per epoch).
    let base = [
        "nn",
        "--data",
        &lecture_csv(),
        "--json",
        "--batch-size",
        "64",
        "--steps",
        "300",
    ]
    .map(String::from);
    let replay = run_json(&base);
    let mut a = base.to_vec();
    a.push("--autograd".into());
    let autograd = run_json(&a);
    assert_eq!(replay.params, autograd.params);
    let full =
        run_json(&["nn", "--data", &lecture_csv(), "--json", "--steps", "300"].map(String::from));
    assert_ne!(full.params, replay.params, "batches must change the path");
}

#[test]
fn steps_zero_reports_the_initial_parameters() {
    let j = run_json(&["nn", "--steps", "0", "--json"].map(String::from));
    assert_eq!(j.steps, 0);
    assert_eq!(j.params, j.init_params);
    assert!(j.loss > 0.0 && j.loss.is_finite());
}

#[test]
fn tol_stops_early_and_reports_the_step() {
    let j = run_json(&["nn", "--tol", "1e-5", "--json"].map(String::from));
    let at = j.converged_at.expect("converged_at with --tol");
    assert_eq!(at, j.steps);
    assert!(at < 10_000, "{at}");
    let plain = run_json(&["nn", "--steps", "50", "--json"].map(String::from));
    assert_eq!(plain.converged_at, None);
}

#[test]
fn trace_has_a_row_every_log_every_steps_plus_the_last() {
    let dir = temp_dir("nn-trace");
    let f = dir.join("trace.csv");
    logreg(&[
        "nn",
        "--steps",
        "250",
        "--log-every",
        "100",
        "--trace",
        f.to_str().unwrap(),
    ])
    .ok();
    let text = std::fs::read_to_string(&f).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "step,loss,const,x1,x2");
    let steps: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(steps, ["0", "100", "200", "250"]);
    // Loss falls along the way.
    let loss: Vec<f64> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(loss.windows(2).all(|w| w[1] < w[0]), "{loss:?}");
}

#[test]
fn standardize_recovers_the_glm_scale_on_unscaled_data() {
    // Features in the hundreds: plain SGD at lr 0.1 cannot fit this.
    let dir = temp_dir("nn-scale");
    let f = dir.join("scaled.csv");
    let raw = logreg(&["simulate", "--n", "400", "--seed", "3"]).ok();
    let mut out = String::from("x1,x2,y\n");
    for l in raw.lines().skip(1) {
        let v: Vec<f64> = l.split(',').map(|s| s.parse().unwrap()).collect();
        out.push_str(&format!("{},{},{}\n", 500.0 + 100.0 * v[0], v[1], v[2]));
    }
    std::fs::write(&f, out).unwrap();
    let path = f.to_str().unwrap().to_string();
    let c = logreg(&["compare", "--data", &path, "--standardize", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&c.ok()).unwrap();
    let diff = v["max_abs_diff"].as_f64().unwrap();
    assert!(
        diff < 1e-3,
        "standardized network should reach the GLM: {diff}\n{}",
        c.describe()
    );
    let plain = logreg(&["compare", "--data", &path, "--json"]);
    let p: serde_json::Value = serde_json::from_str(&plain.ok()).unwrap();
    assert!(
        p["max_abs_diff"].as_f64().unwrap() > 1e-2,
        "unscaled SGD should not reach the GLM"
    );
}

#[test]
fn cuda_without_a_gpu_is_a_clear_error() {
    let r = logreg(&["nn", "--device", "cuda", "--steps", "10"]);
    if r.code() == Some(0) {
        return; // a machine with CUDA: nothing to check here
    }
    // The flag cannot be used here: bad input, as in every subcommand.
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    let err = r.stderr();
    assert!(
        err.starts_with("error: ") && err.contains("CUDA") && err.lines().count() == 1,
        "{}",
        r.describe()
    );
}

#[test]
fn rejects_bad_training_flags_with_exit_code_2() {
    for bad in [
        vec!["nn", "--lr", "0"],
        vec!["nn", "--lr", "nan"],
        vec!["nn", "--momentum", "1.5"],
        vec!["nn", "--nesterov"],
        vec!["nn", "--batch-size", "0"],
        vec!["nn", "--optimizer", "lbfgs"],
        vec!["nn", "--tol", "-1"],
    ] {
        let r = logreg(&bad);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert!(!r.stderr().contains("panicked"), "{}", r.describe());
    }
}

#[test]
fn refuses_features_that_overflow_float32() {
    let dir = temp_dir("nn-overflow");
    let f = dir.join("big.csv");
    std::fs::write(&f, "x1,y\n1e39,1\n-1e39,0\n2e39,1\n-3e39,0\n").unwrap();
    let r = logreg(&["nn", "--data", f.to_str().unwrap()]);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert!(r.stderr().contains("float32"), "{}", r.describe());
}
