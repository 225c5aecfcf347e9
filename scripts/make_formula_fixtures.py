#!/usr/bin/env python3
"""Write the formula design fixtures in tests/fixtures/formula/.

Why: a formula fit promises statsmodels' design: the columns that
`smf.glm(formula, data)` builds through patsy, with patsy's names, term
order, level order, reference levels and full-rank coding. The library's
design tests (src/data/design/tests.rs) compare the Rust design with what
this script records from patsy itself, so every expected name and value
comes from here, not from the Rust code.

Where the numbers come from: each frame below is written to
tests/fixtures/formula/<frame>.csv and read back with `pandas.read_csv`, so
patsy sees the dtypes a user's CSV gets (int64, float64, bool, and object
for text, for bools with missing values and so on). For each formula:

    y, X = patsy.dmatrices(formula, frame, NA_action="drop",
                           return_type="dataframe")
    smf.glm(formula, frame).model.exog_names   # must equal X's columns

The JSON records the frame's columns as pandas read them (dtype and values,
missing as null), and per formula: the left-hand side's columns, statsmodels'
`Dep. Variable:` text (str(model.endog_names)), the design's column names,
term names and each term's columns, the rows kept (0-based, after patsy's
NA drop) and both matrices in full.

Frames: `synthetic` (seeded, every construct: text, bool, int and float
categories, a name that needs Q(), binomial counts), `synthetic_na` (the
same with missing values, and a level that occurs only on a dropped row),
and statsmodels' bundled data sets anes96, fair, star98, spector, cpunish
and randhie, recoded as an analyst's CSV would have them (party and
occupation as text, PSI and SOUTH as True/False). The large ones are cut to
a seeded sample of rows: patsy's rules do not depend on the row count.

Run from the repository root (the output does not depend on the time):

    ~/.cache/logreg/venv/bin/python scripts/make_formula_fixtures.py
"""
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import patsy
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "formula"
SEED = 20261207


def synthetic():
    rng = np.random.RandomState(SEED)
    n = 40
    s = rng.randint(0, 8, n)
    return pd.DataFrame({
        "y": rng.randint(0, 2, n),
        "x": np.round(rng.normal(0, 1, n), 3),
        "z": np.round(rng.uniform(-2, 2, n), 2),
        "n": rng.randint(0, 10, n),
        "g": rng.choice(["b", "a", "c"], n),
        "h": rng.choice(["lo", "hi"], n),
        "flag": rng.randint(0, 2, n).astype(bool),
        "k": rng.choice([3, 1, 2], n),
        "f": rng.choice([2.0, 0.5, 1.0], n),
        "x y": np.round(rng.normal(5, 2, n), 2),
        "S": s,
        "F": 8 - s + 1,
    })


def synthetic_na():
    rng = np.random.RandomState(SEED + 1)
    n = 30
    x = np.round(rng.normal(0, 1, n), 3)
    g = rng.choice(["b", "a", "c"], n).astype(object)
    flag = rng.randint(0, 2, n).astype(bool).astype(object)
    k = rng.choice([1, 2, 3], n).astype(float)
    x[3] = np.nan
    g[3] = "d"  # only on a row that x's NaN drops: patsy still keeps the level
    g[7] = None
    flag[11] = None
    k[5] = np.nan
    return pd.DataFrame({"y": rng.randint(0, 2, n), "x": x, "g": g, "flag": flag, "k": k})


def sample(df, rows):
    if len(df) <= rows:
        return df
    idx = np.random.RandomState(SEED).choice(len(df), rows, replace=False)
    return df.iloc[np.sort(idx)].reset_index(drop=True)


def anes96():
    d = sample(sm.datasets.anes96.load_pandas().data, 250)
    party = {0: "strong dem", 1: "weak dem", 2: "ind dem", 3: "indep",
             4: "ind rep", 5: "weak rep", 6: "strong rep"}
    d["PID"] = d["PID"].astype(int).map(party)
    d["vote"] = d["vote"].astype(int)
    return d[["vote", "PID", "age", "educ", "income", "TVnews", "selfLR", "logpopul"]]


def fair():
    d = sample(sm.datasets.fair.load_pandas().data, 300)
    jobs = {1: "student", 2: "farming", 3: "white collar", 4: "teacher",
            5: "professional", 6: "managerial"}
    d["occupation"] = d["occupation"].astype(int).map(jobs)
    d["affair"] = (d["affairs"] > 0).astype(int)
    return d[["affair", "rate_marriage", "age", "yrs_married", "children",
              "religious", "educ", "occupation", "occupation_husb"]]


def star98():
    d = sm.datasets.star98.load_pandas().data
    return d[["NABOVE", "NBELOW", "LOWINC", "PERASIAN", "PERBLACK", "PERHISP",
              "PCTCHRT", "PCTYRRND", "PERMINTE", "AVYRSEXP", "AVSALK",
              "PERSPENK", "PTRATIO", "PCTAF"]]


def spector():
    d = sm.datasets.spector.load_pandas().data
    d["PSI"] = d["PSI"] == 1
    d["GRADE"] = d["GRADE"].astype(int)
    return d


def cpunish():
    d = sm.datasets.cpunish.load_pandas().data
    d["SOUTH"] = d["SOUTH"] == 1
    return d


def randhie():
    return sample(sm.datasets.randhie.load_pandas().data, 300)


FRAMES = {
    "synthetic": (synthetic, [
        "y ~ x + z", "y~x+z", "y ~ x + z - z", "y ~ x - 1", "y ~ 0 + x",
        "y ~ x + 0", "y ~ 0 + x + 1", "y ~ -1 + x", "y ~ x + 1 - 1 + 1", "y ~ 1",
        "y ~ (x + z)", "y ~ (x + (z))", "y ~ +x",
        "y ~ g", "y ~ C(g)", "y ~ C( g )", "y ~ 0 + g", "y ~ g - 1",
        "y ~ C(g, Treatment('c'))", 'y ~ C(g, Treatment("b"))',
        "y ~ C(g, Treatment(reference='c'))", 'y ~ C(g,Treatment(reference="b"))',
        "y ~ C(g, Treatment)", "y ~ C(g, Treatment())", "y ~ C(g, Treatment(1))",
        "y ~ C(g, Treatment(-1))",
        "y ~ C(k)", "y ~ C(k, Treatment(2))", "y ~ C(k, Treatment(reference=3))",
        "y ~ C(f)", "y ~ C(f, Treatment(1.0))", "y ~ C(f, Treatment(2))",
        "y ~ C(n)", "y ~ 0 + C(k)",
        "y ~ flag", "y ~ C(flag)", "y ~ C(flag, Treatment(True))", "y ~ 0 + flag",
        "y ~ x:flag", "y ~ x*flag", "y ~ flag*x",
        "y ~ x:g", "y ~ x + x:g", "y ~ x:g + x", "y ~ 0 + x:g",
        "y ~ g:h", "y ~ g + g:h", "y ~ h + g:h", "y ~ g*h", "y ~ 0 + g:h", "y ~ g:h - 1",
        "y ~ 0 + g + g:h", "y ~ h:g + g",
        "y ~ x*g*h", "y ~ g*h*flag", "y ~ x:z", "y ~ x*z", "y ~ x:z:g",
        "y ~ (x + g)*h", "y ~ g:x + h + x", "y ~ x:g + g + z", "y ~ z:h + x + g + x:h",
        "y ~ x + x", "y ~ x + z + x", "y ~ x:g + g:x", "y ~ x:x",
        "y ~ x*g - x", "y ~ x*g - g", "y ~ x*g - x:g", "y ~ g*h - g:h + h:g",
        'y ~ Q("x y")', 'y ~ Q("x y"):g', "y ~ Q('x y') + x", 'y ~ Q("x") + x',
        "y ~ C(g) + g", "y ~ C(k):C(g)", "y ~ C(k) + x:C(k)", "y ~ flag:g",
        "y ~ C(g, Treatment('c')):x + C(g, Treatment('c'))",
        "y ~ C(k, Treatment(3)) * h",
        "S + F ~ x + g", "S + F ~ 0 + g:flag", "n ~ x",
        "y ~ (x + z + g)**2", "y ~ (x + g + h)**3", "y ~ g/x", "y ~ x/g", "y ~ (g + h)/x",
        "~ x + g",
    ]),
    "synthetic_na": (synthetic_na, [
        "y ~ x + g", "y ~ g", "y ~ x", "y ~ flag", "y ~ C(k)", "y ~ x + flag + C(k)",
        "y ~ g:flag", "y ~ x + g - g", "y ~ 0 + g + x",
    ]),
    "anes96": (anes96, [
        "vote ~ age + C(PID, Treatment('indep')) + TVnews",
        "vote ~ age*PID", "vote ~ C(educ) + income + age:C(educ)",
        "vote ~ 0 + PID + selfLR", "vote ~ logpopul + selfLR:PID",
    ]),
    "fair": (fair, [
        "affair ~ occupation + yrs_married", "affair ~ C(rate_marriage) + C(religious):age",
        "affair ~ occupation * children",
        "affair ~ yrs_married + C(occupation_husb, Treatment(4.0))",
        'affair ~ Q("occupation") + age',
    ]),
    "star98": (star98, [
        "NABOVE + NBELOW ~ LOWINC + PERASIAN + PERBLACK + PERHISP + PCTCHRT"
        " + PCTYRRND + PERMINTE*AVYRSEXP*AVSALK + PERSPENK*PTRATIO*PCTAF",
        "NABOVE ~ LOWINC",
    ]),
    "spector": (spector, [
        "GRADE ~ GPA + TUCE + PSI", "GRADE ~ GPA*PSI", "GRADE ~ 0 + PSI + GPA",
    ]),
    "cpunish": (cpunish, [
        "EXECUTIONS ~ INCOME + SOUTH + SOUTH:PERPOVERTY",
    ]),
    "randhie": (randhie, [
        "mdvis ~ C(idp) + lncoins + C(hlthg):lpi", "mdvis ~ C(hlthp) * physlm",
    ]),
}


def column_record(name, series):
    """The column as pandas read it: its kind as patsy sees it, and values."""
    values = [None if pd.isna(v) else v for v in series.tolist()]
    dtype = str(series.dtype)
    if dtype.startswith("int"):
        kind = "int"
    elif dtype.startswith("float"):
        kind = "float"
    elif dtype == "bool":
        kind = "bool"
    elif all(isinstance(v, bool) for v in values if v is not None):
        kind = "bool"
    else:
        assert all(isinstance(v, str) for v in values if v is not None), name
        kind = "text"
    return {"name": name, "kind": kind, "values": values}


def term_columns(info):
    return [[name, s.start, s.stop] for name, s in info.term_name_slices.items()]


def case(formula, frame):
    if formula.lstrip().startswith("~"):
        y, X = None, patsy.dmatrix(formula, frame, NA_action="drop", return_type="dataframe")
    else:
        y, X = patsy.dmatrices(formula, frame, NA_action="drop", return_type="dataframe")
    out = {"formula": formula}
    if y is not None:
        model = smf.glm(formula, frame)
        assert list(model.exog_names) == list(X.columns), (formula, model.exog_names)
        out["lhs_names"] = list(y.columns)
        out["dep_variable"] = str(model.endog_names)
        out["lhs"] = y.values.tolist()
    else:
        out["lhs_names"] = []
    out["names"] = list(X.columns)
    out["terms"] = term_columns(X.design_info)
    out["rows"] = [int(i) for i in X.index]
    out["design"] = X.values.tolist()
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    versions = {"python": sys.version.split()[0], "patsy": patsy.__version__,
                "statsmodels": statsmodels.__version__, "pandas": pd.__version__,
                "numpy": np.__version__}
    for name, (make, formulas) in FRAMES.items():
        csv = OUT / f"{name}.csv"
        make().to_csv(csv, index=False)
        frame = pd.read_csv(csv)
        record = {
            "versions": versions,
            "csv": f"{name}.csv",
            "columns": [column_record(c, frame[c]) for c in frame.columns],
            "cases": [case(f, frame) for f in formulas],
        }
        text = json.dumps(record, indent=1, allow_nan=False)
        (OUT / f"{name}.json").write_text(text + "\n")
        print(f"{name}: {len(formulas)} formulas, {len(frame)} rows")


if __name__ == "__main__":
    main()
