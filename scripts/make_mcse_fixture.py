#!/usr/bin/env python3
"""Write tests/fixtures/repeat/mcse_study.jsonl and mcse_expected.json: a
synthetic grid study in `repeat --runs-out` line format, and every per-cell
measure of it computed independently in numpy.

Why: the Monte Carlo measures of src/study/mcse.rs (Morris, White and
Crowther, "Using simulation studies to evaluate statistical methods",
Statistics in Medicine 38 (2019), Table 6) must be checked against a
computation that shares no code with it, straight from the formulas of
Morris et al., on a grid of more than one cell, with no typed-in numbers.

The study (numpy only, `numpy.random.default_rng(SEED)`, so the files are
the same on every run of this script with the same numpy):
  - 2 x 2 cells: n in {50, 200} x lr in {0.1, 0.5}, steps 100, sgd,
    beta (0.3, -1, 2): three coefficients `const`, `x1`, `x2`;
  - RUNS = 40 replications per cell, seeds 1000..1039;
  - GLM estimates: truth + Normal(0, 2/sqrt(n)) per coefficient, with
    model SEs around 2/sqrt(n); network estimates: the GLM's plus
    Normal(0, 1e-3 * lr) (the network stopped short of the optimum);
  - some runs carry GLM warnings (one of them not converged);
  - one failed run (cell 1, seed 1005: its network is absent and it is
    left out of every measure, for both estimators);
  - cell 3, x2: SEs 50 times too large, so its coverage is exactly 1
    (MCSE 0); cell 2, const: SEs 1e-6 times the spread, so its coverage
    is exactly 0 (MCSE 0);
  - the lines are shuffled: the reader must put them in the study's order.

Measures (R = runs that did not fail; x = an estimate, θ = the truth,
z = scipy.stats.norm.ppf(1 - alpha/2)):
  mean; bias = mean - θ; bias_mcse = sqrt(sum((x - mean)^2) / (R(R-1)));
  emp_se = std(x, ddof=1); emp_se_mcse = emp_se / sqrt(2(R-1));
  model_se = sqrt(mean(bse^2)) (GLM); coverage = mean(|x - θ| <= z*bse)
  (GLM), coverage_mcse = sqrt(c(1-c)/R); mse = mean((x - θ)^2),
  mse_mcse = sqrt(sum(((x-θ)^2 - mse)^2) / (R(R-1)));
  network only: mean_abs_diff / max_abs_diff = mean / max of |glm - nn|.
Per cell also: runs (lines present), failed, missing (0), warnings (GLM
runs with a warning), glm_not_converged, glm_iterations_mean,
nn_steps_mean. The coverage test is also done as the interval
(x - z*bse <= θ <= x + z*bse, as `repeat` counts it) and the script
checks that both agree on every run.

The second study (mcse_edge_study.jsonl, mcse_edge_expected.json), drawn
after the first from the same generator, holds the cases the first has not:
  - 2 cells: n in {60, 240}, lr 0.1, steps 100, sgd, beta (0.5, 0, -1):
    `x1`'s true value is 0, so its power is the type-I error and its
    relative bias is null; RUNS_EDGE = 30 replications, seeds 2000..2029;
    one run per cell rejects x1 = 0 by construction (estimate 3 SEs out);
  - a failed run (cell 0, seed 2003, network diverged: no "nn");
  - a separated run that is kept (cell 1, seed 2010: "separated", a
    separation warning, a large x2 estimate and SE; in every measure);
  - a separated run that also failed (cell 1, seed 2020, its network at
    BCE's clamp: its GLM is in the line, and left out of every measure).

The measures beyond Morris et al.'s core set are computed as rsimsum's
`simsum` computes them (R/performance.R; White, JOSS 2018), a different
but equivalent arrangement of the formulas in src/study/mcse.rs:
  rel_bias = mean((x - θ)/θ) (null for θ = 0), rel_bias_mcse =
  std((x - θ)/θ, ddof=1)/sqrt(R); power = mean(|x| > z*bse) (also checked
  as the interval x -/+ z*bse leaving out 0, as `repeat` counts it),
  power_mcse = sqrt(p(1-p)/R); ci_width = mean(2*z*bse), ci_width_mcse =
  std(2*z*bse, ddof=1)/sqrt(R); model_se_mcse = sqrt(var(bse^2, ddof=1) /
  (4 R model_se^2)); rel_se_error = 100 (model_se/emp_se - 1),
  rel_se_error_mcse = 100 (model_se/emp_se) sqrt(var(bse^2, ddof=1) /
  (4 R model_se^4) + 1/(2(R-1))); be_coverage = mean(|x - mean| <= z*bse)
  (also as the interval), be_coverage_mcse = sqrt(b(1-b)/R). Per cell also
  `separated`: lines marked separated, failed ones included. A figure that
  is not a number (0/0) is written as null, as `--json` writes it.

Floats are written by json.dumps (Python's repr: shortest round trip), so
each parses back to the same f64.

Usage: ~/.cache/logreg/venv/bin/python scripts/make_mcse_fixture.py [DIR]
(default DIR: tests/fixtures/repeat/ next to this script).
"""
import json
import platform
import sys
from pathlib import Path

import numpy as np
import scipy
import scipy.stats

SEED = 20191115
RUNS = 40
FIRST_SEED = 1000
ALPHA = 0.05
BETA = [0.3, -1.0, 2.0]
GRID = {
    "n": [50, 200],
    "lr": [0.1, 0.5],
    "steps": [100],
    "optimizer": ["sgd"],
    "beta": [BETA],
}
STUDY = {
    "seed": FIRST_SEED,
    "runs": RUNS,
    "fits": "both",
    "alpha": ALPHA,
    "grid": GRID,
    "settings": {"high": 3.0, "low": -3.0, "tol": 1e-8},
}
# (cell index, seed) of the failed run.
FAILED = (1, FIRST_SEED + 5)

RUNS_EDGE = 30
FIRST_SEED_EDGE = 2000
BETA_EDGE = [0.5, 0.0, -1.0]
GRID_EDGE = {
    "n": [60, 240],
    "lr": [0.1],
    "steps": [100],
    "optimizer": ["sgd"],
    "beta": [BETA_EDGE],
}
STUDY_EDGE = {
    "seed": FIRST_SEED_EDGE,
    "runs": RUNS_EDGE,
    "fits": "both",
    "alpha": ALPHA,
    "grid": GRID_EDGE,
    "settings": {"high": 3.0, "low": -3.0, "tol": 1e-8},
}
FAILED_EDGE = (0, FIRST_SEED_EDGE + 3)
SEPARATED_KEPT = (1, FIRST_SEED_EDGE + 10)
SEPARATED_FAILED = (1, FIRST_SEED_EDGE + 20)
SEPARATION = "Perfect separation or prediction detected"


def cells(grid=GRID):
    """The grid's cells in the study's order (n slowest)."""
    return [
        {"n": n, "lr": lr, "steps": s, "optimizer": o, "beta": b}
        for n in grid["n"]
        for lr in grid["lr"]
        for s in grid["steps"]
        for o in grid["optimizer"]
        for b in grid["beta"]
    ]


def edge_lines(rng):
    """Every run line of the second study, in the study's order."""
    out = []
    truth = np.array(BETA_EDGE)
    for c, cell in enumerate(cells(GRID_EDGE)):
        s = 2.0 / np.sqrt(cell["n"])
        for i in range(RUNS_EDGE):
            seed = FIRST_SEED_EDGE + i
            glm = truth + rng.normal(0.0, s, size=3)
            bse = s * (1.0 + 0.1 * rng.normal(size=3))
            if i == 6:
                glm[1] = truth[1] + 3.0 * bse[1]
            nn = glm + rng.normal(0.0, 1e-3 * cell["lr"], size=3)
            line = {
                "seed": seed,
                "cell": cell,
                "glm": {
                    "params": [float(v) for v in glm],
                    "bse": [float(v) for v in bse],
                    "iterations": int(rng.integers(5, 10)),
                    "converged": True,
                    "warnings": [],
                },
                "nn": {
                    "params": [float(v) for v in nn],
                    "loss": float(0.3 + 0.01 * rng.random()),
                    "steps": cell["steps"],
                },
                "study": STUDY_EDGE,
            }
            if (c, seed) in (SEPARATED_KEPT, SEPARATED_FAILED):
                line["glm"]["params"][2] = -1.0 + 6.0
                line["glm"]["bse"][2] = 40.0
                line["glm"]["warnings"] = [SEPARATION]
                line["separated"] = True
            if (c, seed) == FAILED_EDGE:
                del line["nn"]
                line["failed"] = "network: training diverged (the loss is not finite)"
            if (c, seed) == SEPARATED_FAILED:
                del line["nn"]
                line["failed"] = f"network for seed {seed}: the loss ended at BCE's clamp"
            out.append((c, line))
    return out


def lines(rng):
    """Every run line of the study, in the study's order."""
    out = []
    truth = np.array(BETA)
    for c, cell in enumerate(cells()):
        s = 2.0 / np.sqrt(cell["n"])
        for i in range(RUNS):
            seed = FIRST_SEED + i
            glm = truth + rng.normal(0.0, s, size=3)
            bse = s * (1.0 + 0.1 * rng.normal(size=3))
            if c == 3:
                bse[2] *= 50.0
            if c == 2:
                bse[0] *= 1e-6
            nn = glm + rng.normal(0.0, 1e-3 * cell["lr"], size=3)
            warnings = []
            converged = True
            if i % 13 == 4:
                warnings.append("Perfect separation or prediction detected")
            if c == 0 and i == 7:
                converged = False
                warnings.append("Maximum number of iterations 100 reached")
            line = {
                "seed": seed,
                "cell": cell,
                "glm": {
                    "params": [float(v) for v in glm],
                    "bse": [float(v) for v in bse],
                    "iterations": int(rng.integers(5, 10)),
                    "converged": converged,
                    "warnings": warnings,
                },
                "nn": {
                    "params": [float(v) for v in nn],
                    "loss": float(0.3 + 0.01 * rng.random()),
                    "steps": cell["steps"],
                },
                "study": STUDY,
            }
            if (c, seed) == FAILED:
                del line["nn"]
                line["failed"] = "network: training diverged (the loss is not finite)"
            out.append((c, line))
    return out


def measures(x, truth, bse=None, other=None, z=None):
    """Table 6 of Morris et al. for estimates x[i, j] (run i, coefficient j)."""
    r = x.shape[0]
    mean = x.mean(axis=0)
    dev = x - mean
    err2 = (x - truth) ** 2
    mse = err2.mean(axis=0)
    emp_se = x.std(axis=0, ddof=1)
    m = {
        "mean": mean,
        "bias": mean - truth,
        "bias_mcse": np.sqrt((dev**2).sum(axis=0) / (r * (r - 1))),
        "emp_se": emp_se,
        "emp_se_mcse": emp_se / np.sqrt(2 * (r - 1)),
        "mse": mse,
        "mse_mcse": np.sqrt(((err2 - mse) ** 2).sum(axis=0) / (r * (r - 1))),
    }
    if bse is not None:
        hit = np.abs(x - truth) <= z * bse
        as_interval = (x - z * bse <= truth) & (truth <= x + z * bse)
        assert (hit == as_interval).all(), "a run lies on its interval's edge"
        c = hit.mean(axis=0)
        m["model_se"] = np.sqrt((bse**2).mean(axis=0))
        m["coverage"] = c
        m["coverage_mcse"] = np.sqrt(c * (1 - c) / r)
    if other is not None:
        d = np.abs(other - x)
        m["mean_abs_diff"] = d.mean(axis=0)
        m["max_abs_diff"] = d.max(axis=0)
    # rsimsum's arrangement: the mean and SD of the runs' relative errors.
    zero = truth == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = (x - truth) / np.where(zero, np.nan, truth)
    m["rel_bias"] = rel.mean(axis=0)
    m["rel_bias_mcse"] = rel.std(axis=0, ddof=1) / np.sqrt(r)
    if bse is not None:
        reject = np.abs(x) > z * bse
        leaves_out_0 = ~((x - z * bse <= 0) & (0 <= x + z * bse))
        assert (reject == leaves_out_0).all(), "a run lies on its test's edge"
        p = reject.mean(axis=0)
        m["power"] = p
        m["power_mcse"] = np.sqrt(p * (1 - p) / r)
        width = 2 * z * bse
        m["ci_width"] = width.mean(axis=0)
        m["ci_width_mcse"] = width.std(axis=0, ddof=1) / np.sqrt(r)
        model_se = m["model_se"]
        se2_var = (bse**2).var(axis=0, ddof=1)
        m["model_se_mcse"] = np.sqrt(se2_var / (4 * r * model_se**2))
        m["rel_se_error"] = 100 * (model_se / emp_se - 1)
        m["rel_se_error_mcse"] = (
            100
            * (model_se / emp_se)
            * np.sqrt(se2_var / (4 * r * model_se**4) + 1 / (2 * (r - 1)))
        )
        be_hit = np.abs(x - mean) <= z * bse
        be_interval = (x - z * bse <= mean) & (mean <= x + z * bse)
        assert (be_hit == be_interval).all(), "a run lies on its interval's edge"
        b = be_hit.mean(axis=0)
        m["be_coverage"] = b
        m["be_coverage_mcse"] = np.sqrt(b * (1 - b) / r)
    return {k: [number(v) for v in vals] for k, vals in m.items()}


def number(v):
    """A figure as --json writes it: null when it is not a finite number."""
    v = float(v)
    return v if np.isfinite(v) else None


def expected(all_lines, grid=GRID, beta=BETA):
    z = float(scipy.stats.norm.ppf(1 - ALPHA / 2))
    truth = np.array(beta)
    out = []
    for c, cell in enumerate(cells(grid)):
        mine = [l for (of, l) in all_lines if of == c]
        ok = [l for l in mine if "failed" not in l]
        glm = np.array([l["glm"]["params"] for l in ok])
        bse = np.array([l["glm"]["bse"] for l in ok])
        nn = np.array([l["nn"]["params"] for l in ok])
        out.append(
            {
                "settings": cell,
                "runs": len(mine),
                "failed": len(mine) - len(ok),
                "missing": 0,
                "warnings": sum(1 for l in ok if l["glm"]["warnings"]),
                "separated": sum(1 for l in mine if l.get("separated")),
                "glm_not_converged": sum(1 for l in ok if not l["glm"]["converged"]),
                "glm_iterations_mean": float(
                    np.mean([l["glm"]["iterations"] for l in ok])
                ),
                "nn_steps_mean": float(np.mean([l["nn"]["steps"] for l in ok])),
                "glm": measures(glm, truth, bse=bse, z=z),
                "nn": measures(nn, truth, other=glm),
            }
        )
    return {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "alpha": ALPHA,
        "z": z,
        "cells": out,
    }


def main():
    here = Path(__file__).resolve().parent
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "tests/fixtures/repeat"
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    all_lines = lines(rng)
    exp = expected(all_lines)
    cov = [c["glm"]["coverage"] for c in exp["cells"]]
    assert cov[3][2] == 1.0 and cov[2][0] == 0.0, cov
    order = rng.permutation(len(all_lines))
    with open(out / "mcse_study.jsonl", "w") as f:
        for i in order:
            f.write(json.dumps(all_lines[i][1], separators=(",", ":")) + "\n")
    with open(out / "mcse_expected.json", "w") as f:
        json.dump(exp, f, indent=1)
        f.write("\n")
    print(f"wrote {out}/mcse_study.jsonl ({len(all_lines)} lines) and mcse_expected.json")
    edge = edge_lines(rng)
    exp = expected(edge, GRID_EDGE, BETA_EDGE)
    for c in exp["cells"]:
        assert c["glm"]["rel_bias"][1] is None and c["nn"]["rel_bias"][1] is None
        assert c["glm"]["power"][1] > 0, "no run rejects x1 = 0"
    assert [c["failed"] for c in exp["cells"]] == [1, 1]
    assert [c["separated"] for c in exp["cells"]] == [0, 2]
    order = rng.permutation(len(edge))
    with open(out / "mcse_edge_study.jsonl", "w") as f:
        for i in order:
            f.write(json.dumps(edge[i][1], separators=(",", ":")) + "\n")
    with open(out / "mcse_edge_expected.json", "w") as f:
        json.dump(exp, f, indent=1)
        f.write("\n")
    print(f"wrote {out}/mcse_edge_study.jsonl ({len(edge)} lines) and mcse_edge_expected.json")


if __name__ == "__main__":
    main()
