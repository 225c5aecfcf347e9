#!/usr/bin/env python3
"""Live check: a misspecification study's GLM fits are statsmodels' fits of
numpy's data.

Runs `logreg repeat --true-link probit --link logit --fits glm` on the
default design (n = 1000, beta (0.3, -1, 2), x ~ Uniform(-3, 3)), with
independent seeds over a second cell (normal, correlated features) so that
both seed rules and both feature distributions are covered, and for every
line redraws the data in numpy (src/simulate.rs's recipe, as
scripts/make_numpy_fixtures.py's `draw_designed`: np.random.seed(seed),
uniform or standard_normal features, p = statsmodels' Probit().inverse(X @
beta), i.e. scipy's norm.cdf, y = np.random.binomial(1, p)) and fits it with
statsmodels' GLM(Binomial(Logit)). Each line's GLM params must equal
statsmodels' within TOL, and each cell's bias in `--json` must equal the
mean of statsmodels' estimates minus the truth within TOL. Exit 1 on a
mismatch.

    python scripts/check_true_link.py [--binary target/release/logreg] [--runs 5]
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import statsmodels.api as sm

from make_numpy_fixtures import draw_designed

# Both sides solve the same IRLS to statsmodels' tolerance from the same
# data; what is left is the rounding of two implementations (about 1e-13).
TOL = 1e-10


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default="target/release/logreg")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runs_out = Path(tmp) / "runs.jsonl"
        cmd = [args.binary, "--seed", str(args.seed), "repeat", "--quiet", "--fits", "glm",
               "--runs", str(args.runs), "--true-link", "probit", "--link", "logit",
               "--x-dist", "uniform,normal", "--x-corr", "0", "--seeds", "independent",
               "--runs-out", str(runs_out), "--json"]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{' '.join(cmd)}: exit {out.returncode}\n{out.stderr}", file=sys.stderr)
            return 1
        summary = json.loads(out.stdout)
        lines = [json.loads(t) for t in runs_out.read_text().splitlines()]
    worst, bad = 0.0, 0
    by_cell = {}
    seeds = set()
    for line in lines:
        cell = line["cell"]
        assert cell.get("true_link") == "probit" and cell.get("link", "logit") == "logit", cell
        seeds.add(line["seed"])
        x, y = draw_designed(line["seed"], cell["n"], cell["beta"], cell.get("x_dist", "uniform"),
                             cell.get("x_corr", 0.0), "probit")
        X = np.column_stack([np.ones(len(y)), x])
        fit = sm.GLM(y, X, family=sm.families.Binomial()).fit()
        got = np.array(line["glm"]["params"])
        diff = float(np.max(np.abs(fit.params - got)))
        worst = max(worst, diff)
        if diff > TOL:
            bad += 1
            print(f"seed {line['seed']} {cell}: |statsmodels - logreg| = {diff:.3g}",
                  file=sys.stderr)
        by_cell.setdefault(cell.get("x_dist", "uniform"), []).append((fit.params, cell["beta"]))
    if len(seeds) != len(lines):
        print("two lines share a seed under --seeds independent", file=sys.stderr)
        bad += 1
    for c in summary["cells"]:
        dist = c["settings"].get("x_dist", "uniform")
        params = np.array([p for p, _ in by_cell[dist]])
        truth = np.array(by_cell[dist][0][1])
        bias = params.mean(axis=0) - truth
        got = np.array(c["glm"]["bias"])
        diff = float(np.max(np.abs(bias - got)))
        worst = max(worst, diff)
        print(f"x {dist}: bias of the logit fit to probit data {np.round(bias, 4).tolist()}")
        if diff > TOL:
            bad += 1
            print(f"cell x {dist}: bias differs from statsmodels' by {diff:.3g}", file=sys.stderr)
    print(f"{len(lines)} runs: largest |statsmodels - logreg| {worst:.3g} (tolerance {TOL:g})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
