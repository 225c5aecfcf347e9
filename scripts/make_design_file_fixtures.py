#!/usr/bin/env python3
"""Reference outcomes for `repeat --design FILE` (the parametric bootstrap):
numpy's draws on a real data set's design, built by patsy and pandas, not by
logreg.

The design X is what `glm --data FILE` fits: with a formula, patsy's
`dmatrices(formula, df)` design (statsmodels' formula API); with features,
the intercept column then the columns (statsmodels' `add_constant`). X is a
C-ordered float64 array. The outcome of seed s:

    np.random.seed(s)
    p = 1 / (1 + np.exp(-(X @ beta)))
    y = np.random.binomial(1, p)

with no draw before the binomial (X is not drawn). y depends on p only
through a comparison with a 53-bit uniform, so it is the same on every
machine unless a draw falls on the last bit of p (about 2^-53 per row).
The seeds 42, 43, 44 are those of `logreg repeat --runs 3` (seed 42).

    python scripts/make_design_file_fixtures.py
    # writes tests/fixtures/design_file/spector_draws.json
"""
import json
import platform
from pathlib import Path

import numpy as np
import pandas as pd
import patsy

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "tests" / "fixtures" / "formula_fit" / "spector.csv"
OUT = ROOT / "tests" / "fixtures" / "design_file" / "spector_draws.json"
SEEDS = [42, 43, 44, 0, 4294967295]
# (what builds the design, true beta): a formula with a categorical term,
# and the default features (every column but the target, in file order).
CASES = [
    ({"formula": "GRADE ~ GPA + TUCE + C(PSI)"}, [-10.0, 1.5, 2.5, 0.1]),
    ({"target": "GRADE", "features": None}, [-9.0, 2.0, 0.05, 1.2]),
]


def design(df, how):
    """The design X (C-ordered float64) and its column names."""
    if "formula" in how:
        _, x = patsy.dmatrices(how["formula"], df, return_type="dataframe")
        names = list(x.columns)
    else:
        features = how["features"] or [c for c in df.columns if c != how["target"]]
        x = df[features].astype(float)
        x.insert(0, "const", 1.0)
        names = list(x.columns)
    return np.ascontiguousarray(x.to_numpy(dtype=np.float64)), names


def outcome(x, beta, seed):
    """The outcome of seed `seed`: the recipe above."""
    np.random.seed(seed)
    p = 1 / (1 + np.exp(-(x @ np.asarray(beta, dtype=np.float64))))
    return np.random.binomial(1, p)


def main():
    df = pd.read_csv(CSV)
    cases = []
    for how, beta in CASES:
        x, names = design(df, how)
        draws = [{"seed": s, "y": [int(v) for v in outcome(x, beta, s)]} for s in SEEDS]
        cases.append({**how, "names": names, "beta": beta, "draws": draws})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fixture = {
        "about": "numpy's outcomes on spector.csv's design; see scripts/make_design_file_fixtures.py",
        "versions": {
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "patsy": patsy.__version__,
            "machine": platform.machine(),
        },
        "csv": CSV.name,
        "cases": cases,
    }
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
