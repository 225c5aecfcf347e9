#!/usr/bin/env python3
"""Write the cell-spelling known-answer fixtures in tests/fixtures/cells/.

Why: `logreg glm --formula` promises the table that

    smf.glm(FORMULA, pd.read_csv(CSV), family=sm.families.Binomial()).fit()

gives, so every cell must be read as `pandas.read_csv` (default options)
reads it and every missing value found as patsy finds it. Each CSV here
holds one kind of cell whose reading decides the model: whole numbers
above 2^53 and beyond int64 as categories, True/False with spaces around
them or in odd case, NaN spellings pandas keeps as text (patsy then calls
`NAN` missing), NA markers with spaces, an offset column the formula also
uses (glm and predict), and an infinity in a numeric column (statsmodels
refuses it). The integration tests (tests/integration/cells.rs) run the
binary on each CSV and compare with what this script records from
statsmodels; the CSV text is written here, cell by cell, so the spellings
are exactly the ones under test.

Run from the repository root:

    ~/.cache/logreg/venv/bin/python scripts/make_cell_fit_fixtures.py
"""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "cells"
N = 60


def write(name, columns):
    """Write columns (name -> list of cell texts) as name.csv, verbatim."""
    names = list(columns)
    rows = [",".join(names)]
    rows += [",".join(columns[c][i] for c in names) for i in range(N)]
    (OUT / f"{name}.csv").write_text("\n".join(rows) + "\n")


def base(seed):
    rng = np.random.RandomState(seed)
    x = np.round(rng.normal(0, 1, N), 3)
    y = (rng.uniform(size=N) < 1 / (1 + np.exp(-0.5 * x))).astype(int)
    return rng, {"y": [str(v) for v in y], "x": [repr(float(v)) for v in x]}


def case(name, formula, columns, missing=None, offset=None, predict=False):
    write(name, columns)
    args = ["--data", f"{name}.csv", "--formula", formula]
    if missing:
        args += ["--missing", missing]
    if offset:
        args += ["--offset", offset]
    out = {
        "case": name,
        "about": "statsmodels formula API reference; see scripts/make_cell_fit_fixtures.py",
        "versions": {"pandas": pd.__version__, "statsmodels": statsmodels.__version__},
        "args": args,
    }
    df = pd.read_csv(OUT / f"{name}.csv")
    out["dtypes"] = {c: str(df[c].dtype) for c in df.columns}
    kw = {"offset": df[offset]} if offset else {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = smf.glm(formula, df, family=sm.families.Binomial(), **kw).fit()
    except Exception as e:  # statsmodels refuses the data: logreg must too
        out["error"] = f"{type(e).__name__}: {e}"
    else:
        out.update(
            names=list(res.model.exog_names),
            params=[float(v) for v in res.params],
            bse=[float(v) for v in res.bse],
            llf=float(res.llf),
            nobs=int(res.nobs),
        )
        if predict:
            pkw = {"offset": df[offset]} if offset else {}
            frame = res.get_prediction(df, **pkw).summary_frame()
            out["predict"] = {
                "mean": [float(v) for v in frame["mean"]],
                "mean_se": [float(v) for v in frame["mean_se"]],
                "linpred": [float(v) for v in res.predict(df, which="linear", **pkw)],
            }
    (OUT / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"{name}: {out.get('names', out.get('error'))}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)

    # Whole numbers above 2^53 (distinct as ints, equal as doubles).
    rng, c = base(1)
    big = ["90071992547409920", "90071992547409921", "90071992547409922"]
    c["g"] = [big[i % 3] for i in range(N)]
    case("big_int", "y ~ x + C(g)", c)

    # Beyond int64: pandas reads uint64.
    rng, c = base(2)
    u = ["9223372036854775808", "18446744073709551615", "1"]
    c["g"] = [u[i % 3] for i in range(N)]
    case("uint64", "y ~ x + C(g)", c)

    # ' True' is text to pandas: the column is object, ' True' a level
    # sorting before 'False'.
    rng, c = base(3)
    c["h"] = [[" True", "False", "True"][i % 3] for i in range(N)]
    case("space_bool", "y ~ x + h", c)

    # Any case of true/false is bool to pandas.
    rng, c = base(4)
    spell = ["TRUE", "false", "True", "False", "tRUE", "fALSE", "true", "FALSE"]
    c["u"] = [spell[i % len(spell)] for i in range(N)]
    case("case_bool", "y ~ x + u", c)

    # NAN is not one of pandas' na_values: the column is text, and patsy
    # calls the cell missing (Python's float('NAN') is nan); --missing drop.
    rng, c = base(5)
    c["d"] = [["1", "2", "3", "NAN", "2", "+nan"][i % 6] if i % 7 else "1" for i in range(N)]
    case("nan_text", "y ~ x + d", c, missing="drop")

    # NA markers with spaces, and a cell of spaces, are text levels.
    rng, c = base(6)
    c["g"] = [["a", "b", " NA", "  ", "NA "][i % 5] for i in range(N)]
    case("space_na", "y ~ x + g", c)

    # An offset column the formula also uses: statsmodels fits it, and
    # predicts with it.
    rng, c = base(7)
    c["o"] = [repr(float(v)) for v in np.round(rng.normal(0, 0.5, N), 2)]
    case("offset_used", "y ~ x + o", c, offset="o", predict=True)

    # An infinity in a numeric column: statsmodels refuses the design.
    rng, c = base(8)
    c["x"][9] = "inf"
    case("inf_numeric", "y ~ x", c)


if __name__ == "__main__":
    main()
