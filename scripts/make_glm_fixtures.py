#!/usr/bin/env python3
"""Write the GLM known-answer fixtures in tests/fixtures/glm/.

Why: `logreg glm` promises statsmodels' numbers and statsmodels' summary table.
The integration tests (tests/integration/glm.rs) compare the binary's output
with what this script records from statsmodels itself, so every expected
number in those tests comes from here, not from the Rust code.

Where the numbers come from: for each case below, the CSV written here is read
back with pandas (so Python fits exactly the numbers the Rust reader sees) and
fitted with

    sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial()).fit(maxiter=..)

from pandas objects (so the names match: `const`, then the CSV's columns).
The versions of Python, statsmodels, numpy, scipy and pandas are recorded in
every JSON file ("versions"), next to the command-line arguments that give
the same fit with `logreg glm` ("args").

Cases:
  lecture         the lecture's simulated set, `logreg simulate --seed 42`
                  (written by the release binary, which must be built first)
  spector         Spector & Mazzeo (1980), statsmodels.datasets.spector:
                  GRADE on GPA, TUCE, PSI (32 rows)
  anes96          1996 American National Election Study,
                  statsmodels.datasets.anes96: vote (1 = Dole) on six
                  numeric features (944 rows); CI at alpha = 0.1
  spector_long    spector with long column names (wider summary table)
  separated       x = linspace(-2, 2, 20), y = x > 0: perfect separation
                  (statsmodels warns and runs 25 iterations)
  spector_maxiter spector stopped at maxiter=3 (converged False, no warning
                  from statsmodels)

The summary text is made with the clock frozen at SOURCE_DATE_EPOCH
(1764288000, rendered in UTC as the `logreg` binary does), so regenerating the
fixtures does not change them.

Run from the repository root, after `cargo build --release`:

    ~/.cache/logreg/venv/bin/python scripts/make_glm_fixtures.py
"""
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.api as sm
import statsmodels.iolib.summary as sm_summary

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "glm"
BIN = ROOT / "target" / "release" / "logreg"
SOURCE_DATE_EPOCH = 1764288000


class _FrozenTime:
    """Stands in for the `time` module inside statsmodels.iolib.summary."""

    def localtime(self, *args):
        return time.gmtime(SOURCE_DATE_EPOCH)

    def strftime(self, fmt, t):
        return time.strftime(fmt, t)


sm_summary.time = _FrozenTime()


def versions():
    return {
        "python": platform.python_version(),
        "statsmodels": statsmodels.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
    }


def write_csv(name, df):
    path = OUT / f"{name}.csv"
    # pandas writes floats with repr(): shortest round-trip, full precision.
    df.to_csv(path, index=False, lineterminator="\n")
    return path


def fit_case(case, csv, target, features, maxiter=100, alpha=0.05, args=()):
    df = pd.read_csv(OUT / csv)
    y = df[target]
    X = sm.add_constant(df[features])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sm.GLM(y, X, family=sm.families.Binomial()).fit(maxiter=maxiter)
        summary = res.summary(alpha=alpha).as_text()
        ci = np.asarray(res.conf_int(alpha=alpha))
        # Touch every statistic inside the catch block, so any warning it
        # raises is recorded too.
        stats = dict(
            llf=res.llf,
            llnull=res.llnull,
            deviance=res.deviance,
            null_deviance=res.null_deviance,
            pearson_chi2=res.pearson_chi2,
            aic=res.aic,
            bic=res.bic,
            prsquared_cs=res.pseudo_rsquared(kind="cs"),
            prsquared_mcf=res.pseudo_rsquared(kind="mcf"),
        )
    caught_msgs = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    out = {
        "case": case,
        "about": "statsmodels GLM Binomial/logit reference; see scripts/make_glm_fixtures.py",
        "versions": versions(),
        "csv": csv,
        "target": target,
        "features": list(features),
        "maxiter": maxiter,
        "alpha": alpha,
        "args": list(args),
        "source_date_epoch": SOURCE_DATE_EPOCH,
        "names": list(X.columns),
        "params": [float(v) for v in res.params],
        "bse": [float(v) for v in res.bse],
        "tvalues": [float(v) for v in res.tvalues],
        "pvalues": [float(v) for v in res.pvalues],
        "conf_int": [[float(a), float(b)] for a, b in ci],
        **{k: float(v) for k, v in stats.items()},
        "df_model": int(res.df_model),
        "df_resid": int(res.df_resid),
        "nobs": int(res.nobs),
        "iterations": int(res.fit_history["iteration"]),
        "converged": bool(res.converged),
        # history["deviance"] starts with inf; the deviance at the starting
        # mu and after each WLS solve follow.
        "deviance_history": [float(v) for v in res.fit_history["deviance"][1:]],
        "statsmodels_warnings": caught_msgs,
        "summary": summary,
    }
    path = OUT / f"{case}.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{path.relative_to(ROOT)}: {out['iterations']} iterations, "
          f"converged={out['converged']}, warnings={caught_msgs}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)

    # (a) the lecture's simulated data, from the binary itself
    if not BIN.exists():
        sys.exit(f"{BIN} not found: run `cargo build --release` first")
    csv = subprocess.run(
        [str(BIN), "simulate", "--seed", "42"],
        check=True, capture_output=True, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH)},
    ).stdout
    (OUT / "lecture.csv").write_text(csv)
    fit_case("lecture", "lecture.csv", "y", ["x1", "x2"], args=["--data", "lecture.csv"])

    # (b) real public data sets bundled with statsmodels (no download)
    spector = sm.datasets.spector.load_pandas().data[["GPA", "TUCE", "PSI", "GRADE"]]
    write_csv("spector", spector)
    fit_case("spector", "spector.csv", "GRADE", ["GPA", "TUCE", "PSI"],
             args=["--data", "spector.csv", "--target", "GRADE"])

    anes_features = ["TVnews", "PID", "age", "educ", "income", "selfLR"]
    anes = sm.datasets.anes96.load_pandas().data[anes_features + ["vote"]]
    write_csv("anes96", anes)
    fit_case("anes96", "anes96.csv", "vote", anes_features, alpha=0.1,
             args=["--data", "anes96.csv", "--target", "vote", "--alpha", "0.1"])

    long_names = {
        "GPA": "grade_point_average_before_course",
        "TUCE": "tuce",
        "PSI": "psi",
        "GRADE": "grade_improved_after_psi_program",
    }
    write_csv("spector_long", spector.rename(columns=long_names))
    fit_case("spector_long", "spector_long.csv", long_names["GRADE"],
             [long_names[c] for c in ["GPA", "TUCE", "PSI"]],
             args=["--data", "spector_long.csv", "--target", long_names["GRADE"]])

    # (c) perfect separation, and a fit stopped by maxiter
    x = np.linspace(-2, 2, 20)
    write_csv("separated", pd.DataFrame({"x1": x, "y": (x > 0).astype(float)}))
    fit_case("separated", "separated.csv", "y", ["x1"], args=["--data", "separated.csv"])

    fit_case("spector_maxiter", "spector.csv", "GRADE", ["GPA", "TUCE", "PSI"], maxiter=3,
             args=["--data", "spector.csv", "--target", "GRADE", "--max-iter", "3"])


if __name__ == "__main__":
    main()
