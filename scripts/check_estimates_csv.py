#!/usr/bin/env python3
"""Does a study's `--estimates` CSV, read by pandas, give back the measures
of its `--json`? And does its `--measures` CSV hold them, number for number?

Why: the estimates file is what a researcher hands to rsimsum, pandas or a
spreadsheet; whatever they compute from it must be what `summarize` says.
This recomputes every per-cell measure of `--json`'s `cells` from the CSV
alone, with pandas and numpy, as rsimsum's `simsum` defines them
(R/performance.R; Morris, White and Crowther 2019, Table 6), over the runs
whose `failed` is false, and compares within RTOL. The coverage, power and
bias-eliminated coverage count the CSV's own `ci_lower` / `ci_upper`; the
interval width is 2 z se, z = scipy's norm.ppf(1 - alpha/2). The
measures CSV must equal `--json` exactly (both are shortest round-trip
numbers; pandas reads them with float_precision="round_trip").

    python scripts/check_estimates_csv.py EST.csv STUDY.json [MEASURES.csv]

Prints `ok: N figures` and exits 0, or prints the first differences and
exits 1. Run by tests/integration/summarize.rs
(`the_estimates_csv_read_by_pandas_gives_back_the_measures`).
"""
import json
import sys

import numpy as np
import pandas as pd
import scipy.stats

# Relative tolerance: the same formulas summed in another order (numpy sums
# pairwise) differ by a few ulps times the runs.
RTOL = 1e-12
FIRST_COLUMN_AFTER_SETTINGS = "seed"


def read_csv(path):
    return pd.read_csv(path, float_precision="round_trip", keep_default_na=True)


def measures(g, z):
    """Every measure of `cells[].glm` / `cells[].nn` from one group's rows
    (z: the intervals' normal quantile)."""
    x = g["estimate"].to_numpy(float)
    theta = float(g["true"].iloc[0])
    r = len(x)
    mean = x.mean()
    dev = x - mean
    err2 = (x - theta) ** 2
    mse = err2.mean()
    emp_se = x.std(ddof=1)
    m = {
        "mean": mean,
        "bias": mean - theta,
        "bias_mcse": np.sqrt((dev**2).sum() / (r * (r - 1))),
        "emp_se": emp_se,
        "emp_se_mcse": emp_se / np.sqrt(2 * (r - 1)),
        "mse": mse,
        "mse_mcse": np.sqrt(((err2 - mse) ** 2).sum() / (r * (r - 1))),
    }
    if theta != 0:
        rel = (x - theta) / theta
        m["rel_bias"] = rel.mean()
        m["rel_bias_mcse"] = rel.std(ddof=1) / np.sqrt(r)
    else:
        m["rel_bias"] = m["rel_bias_mcse"] = None
    se = g["se"].to_numpy(float)
    if not np.isnan(se).all():
        lo, hi = g["ci_lower"].to_numpy(float), g["ci_upper"].to_numpy(float)
        share = lambda hit: (hit.mean(), np.sqrt(hit.mean() * (1 - hit.mean()) / r))
        model_se = np.sqrt((se**2).mean())
        se2_var = (se**2).var(ddof=1)
        # 2 z se, not hi - lo: the difference loses digits for a tiny se.
        width = 2 * z * se
        m["model_se"] = model_se
        m["model_se_mcse"] = np.sqrt(se2_var / (4 * r * model_se**2))
        m["coverage"], m["coverage_mcse"] = share((lo <= theta) & (theta <= hi))
        m["power"], m["power_mcse"] = share(~((lo <= 0) & (0 <= hi)))
        m["be_coverage"], m["be_coverage_mcse"] = share((lo <= mean) & (mean <= hi))
        m["ci_width"] = width.mean()
        m["ci_width_mcse"] = width.std(ddof=1) / np.sqrt(r)
        m["rel_se_error"] = 100 * (model_se / emp_se - 1)
        m["rel_se_error_mcse"] = (
            100
            * (model_se / emp_se)
            * np.sqrt(se2_var / (4 * r * model_se**4) + 1 / (2 * (r - 1)))
        )
    return m


def same_setting(text, value):
    """A settings field of the CSV against the cell's value in --json."""
    if isinstance(value, list):
        return [float(v) for v in str(text).split(",")] == value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(text) == value
    return str(text) == str(value)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == b or abs(a - b) <= RTOL * max(abs(a), abs(b))


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[-4], file=sys.stderr)
        return 2
    est = read_csv(argv[0])
    with open(argv[1], encoding="utf-8") as f:
        study = json.load(f)
    settings = list(est.columns[: list(est.columns).index(FIRST_COLUMN_AFTER_SETTINGS)])
    names = study["names"]
    z = float(scipy.stats.norm.ppf(1 - study["alpha"] / 2))
    ok = est[~est["failed"].astype(bool)]
    bad, checked = [], 0
    for c, cell in enumerate(study["cells"]):
        here = ok
        for key in settings:
            hit = here[key].map(lambda t: same_setting(t, cell["settings"][key]))
            here = here[hit.astype(bool)]
        for estimator in ("glm", "nn"):
            if estimator not in cell:
                continue
            for j, term in enumerate(names):
                rows = here[(here["estimator"] == estimator) & (here["term"] == term)]
                want = cell[estimator]
                got_all = measures(rows, z)
                if estimator == "nn" and "mean_abs_diff" in want:
                    glm = here[(here["estimator"] == "glm") & (here["term"] == term)]
                    both = rows.merge(glm, on="seed", suffixes=("", "_glm"))
                    d = (both["estimate"] - both["estimate_glm"]).abs().to_numpy(float)
                    got_all["mean_abs_diff"] = d.mean()
                    got_all["max_abs_diff"] = d.max()
                for key in want:
                    if key not in got_all:
                        bad.append(f"cell {c} {estimator}: {key} not recomputed")
                for key, got in got_all.items():
                    if key not in want:
                        continue
                    w = want[key][j]
                    checked += 1
                    if not close(None if got is None or not np.isfinite(got) else float(got), w):
                        bad.append(f"cell {c} {estimator} {term} {key}: csv {got} vs json {w}")
    if len(argv) == 3:
        meas = read_csv(argv[2])
        meas = meas.replace({np.nan: None})
        for c, cell in enumerate(study["cells"]):
            for estimator in ("glm", "nn"):
                for key, values in cell.get(estimator, {}).items():
                    if key.endswith("_mcse"):
                        continue
                    for j, term in enumerate(names):
                        rows = meas[
                            (meas["estimator"] == estimator)
                            & (meas["term"] == term)
                            & (meas["measure"] == key)
                        ]
                        for k in settings:
                            rows = rows[rows[k].map(lambda t: same_setting(t, cell["settings"][k]))]
                        mcse = cell[estimator].get(key + "_mcse", [None] * len(names))[j]
                        checked += 1
                        if len(rows) != 1:
                            bad.append(f"measures: {len(rows)} rows for cell {c} {estimator} {term} {key}")
                        elif (rows["value"].iloc[0], rows["mcse"].iloc[0]) != (values[j], mcse):
                            got = (rows["value"].iloc[0], rows["mcse"].iloc[0])
                            bad.append(f"measures: cell {c} {estimator} {term} {key}: {got} vs {(values[j], mcse)}")
    for line in bad[:10]:
        print(f"check_estimates_csv: {line}", file=sys.stderr)
    if bad:
        return 1
    print(f"ok: {checked} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
