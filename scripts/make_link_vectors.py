#!/usr/bin/env python3
"""Write tests/fixtures/glm/link_vectors.json: statsmodels' link functions and
scipy's normal distribution evaluated at fixed points.

Why: src/spec/link.rs and src/spec/normal.rs re-implement statsmodels 0.15's
`links.Logit`, `Probit`, `CLogLog`, `LogLog` and `Cauchy` (g, g^-1, g', (g^-1)') and
scipy's `norm.cdf` / `norm.ppf` / `norm.pdf` one value at a time in f64. The
unit tests there compare them with the numbers recorded here, which come from
statsmodels and scipy themselves.

Points: means mu from 0 to 1 (0 and 1 themselves, which statsmodels clips to
[eps, 1 - eps], values near the ends, and a grid), linear predictors eta from
-40 to 40, and for the normal distribution probabilities down to 1e-300 and
quantiles from -38 to 38. The versions used are recorded in "versions".

Run with the set-up environment's Python:
    ~/.cache/logreg/venv/bin/python scripts/make_link_vectors.py
"""
import json
import pathlib
import platform

import numpy as np
import scipy
import scipy.stats
import statsmodels
from statsmodels.genmod.families import links

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/glm/link_vectors.json"


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=float)]


def main():
    eps = np.finfo(float).eps
    mu = np.concatenate([
        [0.0, 1.0, eps / 2, eps, 2 * eps, 1e-12, 1e-6, 1 - 1e-6, 1 - 1e-12, 1 - eps, 0.5],
        np.linspace(0.001, 0.999, 199),
        np.geomspace(1e-15, 0.4, 60),
        1 - np.geomspace(1e-15, 0.4, 60),
    ])
    eta = np.concatenate([
        np.linspace(-40, 40, 321),
        [-1e-9, 1e-9, -0.3, 0.3],
    ])
    out = {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
        },
        "mu": floats(mu),
        "eta": floats(eta),
        "links": {},
    }
    for cls in [links.Logit, links.Probit, links.CLogLog, links.LogLog, links.Cauchy]:
        link = cls()
        with np.errstate(all="ignore"):
            out["links"][cls.__name__] = {
                "link": floats(link(mu)),
                "deriv": floats(link.deriv(mu)),
                "inverse": floats(link.inverse(eta)),
                "inverse_deriv": floats(link.inverse_deriv(eta)),
            }
    p = np.concatenate([
        np.geomspace(1e-300, 0.5, 400),
        1 - np.geomspace(1e-16, 0.5, 200),
        np.linspace(0.01, 0.99, 99),
    ])
    x = np.concatenate([np.linspace(-38, 38, 761), np.linspace(-1, 1, 201)])
    out["normal"] = {
        "p": floats(p),
        "ppf": floats(scipy.stats.norm.ppf(p)),
        "x": floats(x),
        "cdf": floats(scipy.stats.norm.cdf(x)),
        "pdf": floats(scipy.stats.norm.pdf(x)),
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
