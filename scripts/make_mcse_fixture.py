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


def cells():
    """The grid's cells in the study's order (n slowest)."""
    return [
        {"n": n, "lr": lr, "steps": s, "optimizer": o, "beta": b}
        for n in GRID["n"]
        for lr in GRID["lr"]
        for s in GRID["steps"]
        for o in GRID["optimizer"]
        for b in GRID["beta"]
    ]


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
    return {k: [float(v) for v in vals] for k, vals in m.items()}


def expected(all_lines):
    z = float(scipy.stats.norm.ppf(1 - ALPHA / 2))
    truth = np.array(BETA)
    out = []
    for c, cell in enumerate(cells()):
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


if __name__ == "__main__":
    main()
