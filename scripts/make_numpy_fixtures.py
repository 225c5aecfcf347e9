#!/usr/bin/env python3
"""Reference draws for `logreg simulate`: numpy's own, as scripts/original.py
makes them.

For each case: np.random.seed(seed), x = np.random.uniform(low, high,
size=(n, k)), p = 1 / (1 + np.exp(-(X @ beta))) with X = [1, x],
y = np.random.binomial(1, p). Small shapes keep every value (x, y, and the
true logit and p); big ones keep a fingerprint of the CSV text that
`logreg simulate` writes for them (x1..xk,y, numbers as Python's repr with a
trailing ".0" dropped): FNV-1a 64 of its bytes, short enough to check in and
to recompute in the Rust test (tests/integration/simulate.rs).

The logit and p depend on numpy's BLAS (X @ beta) and its exp, which may
round the last bit differently on other CPUs; x and y do not. The machine
that wrote the fixture is recorded.

Beside it, tests/fixtures/numpy/designs.json: the study designs' draws.
`standard_normal` keeps numpy's raw legacy normals (`np.random.seed(s);
np.random.standard_normal(m)`, m odd and even); `designs` keeps x and y of
small cases with normal features, a common correlation (each correlated
column summed left to right, L from the recurrence in
src/math/equicorrelation.rs) and a link other than the logit (p from
statsmodels' inverse link: probit is scipy's norm.cdf).

    python scripts/make_numpy_fixtures.py   # writes draws.json and designs.json
"""
import json
import math
import platform
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "numpy" / "draws.json"
DESIGNS = OUT.parent / "designs.json"
# Raw standard normals: (seed, count).
NORMALS = [(42, 9), (0, 10), (4294967295, 7), (123, 1)]
# Designed cases with every value kept: (seed, n, beta, x_dist, x_corr, link).
DESIGNED = [
    (42, 9, [0.3, -1.0, 2.0], "normal", 0.0, "logit"),
    (7, 8, [0.3, -1.0, 2.0], "normal", 0.5, "logit"),
    (11, 10, [0.1, 0.2, -0.3, 0.4], "normal", -0.3, "probit"),
    (5, 12, [0.0, 1.5, -0.5, 0.25, 1.0], "normal", 0.9, "cloglog"),
    (99, 10, [0.3, -1.0, 2.0], "uniform", 0.0, "probit"),
    (2024, 10, [0.3, -1.0, 2.0], "uniform", 0.0, "loglog"),
    (31337, 10, [0.3, -1.0, 2.0], "normal", 0.2, "cauchy"),
    # p near 0 and 1 under the probit.
    (3, 20, [0.0, 8.0], "normal", 0.0, "probit"),
]
# Cases with every value kept: (seed, n, beta, low, high).
SMALL = [
    (42, 8, [0.3, -1.0, 2.0], -3.0, 3.0),
    (0, 5, [0.3, -1.0, 2.0], -3.0, 3.0),
    (4294967295, 6, [0.3, -1.0, 2.0], -3.0, 3.0),
    (1, 1, [0.5, 1.5], -3.0, 3.0),
    (7, 12, [-0.2, 1.0], 0.0, 1.0),
    (123, 9, [0.1, 0.2, -0.3, 0.4], -1.5, 2.5),
    (99, 7, [1.0, -1.0, 0.5, -0.5, 2.0], -10.0, 10.0),
    (2024, 10, [0.0, 0.7, -0.7, 0.3, -0.3, 1.1], -2.0, 5.0),
    (31337, 11, [2.0, -3.0, 1.0, 0.25, -0.75, 0.5, -1.25], -4.0, 4.0),
    # p near 0 and 1, where binomial reflects p > 0.5.
    (5, 20, [0.0, 30.0], -3.0, 3.0),
]
# Cases kept as a fingerprint of the CSV text.
BIG = [
    (42, 1000, [0.3, -1.0, 2.0], -3.0, 3.0),
    (3, 100000, [0.3, -1.0, 2.0], -3.0, 3.0),
    (11, 100000, [0.5, 1.0], -1.0, 1.0),
    (2**31, 50000, [0.1, 0.2, -0.3, 0.4], -3.0, 3.0),
    (77, 30000, [1.0, -1.0, 0.5, -0.5, 2.0], -5.0, 1.0),
    (8, 20000, [0.0, 0.7, -0.7, 0.3, -0.3, 1.1], 0.0, 2.0),
    (4294967295, 100000, [2.0, -3.0, 1.0, 0.25, -0.75, 0.5, -1.25], -4.0, 4.0),
]


def draw(seed, n, beta, low, high):
    """original.py's `simulate`, for any shape and box."""
    beta = np.asarray(beta, dtype=float)
    np.random.seed(seed)
    x = np.random.uniform(low, high, size=(n, len(beta) - 1))
    X = np.column_stack([np.ones(n), x])
    logit = X @ beta
    p = 1 / (1 + np.exp(-logit))
    y = np.random.binomial(1, p)
    return x, y, logit, p


def equicorrelation_factor(k, r):
    """src/math/equicorrelation.rs's recurrence, operation for operation."""
    L = np.zeros((k, k))
    s = 0.0
    for j in range(k):
        d = math.sqrt(1.0 - s)
        c = (r - s) / d
        L[j, j] = d
        L[j + 1:, j] = c
        s = s + c * c
    return L


def inverse_link(name, eta):
    """statsmodels' inverse of the link (logit as original.py writes it)."""
    import statsmodels.api as sm
    if name == "logit":
        return 1 / (1 + np.exp(-eta))
    link = {"probit": sm.families.links.Probit, "cloglog": sm.families.links.CLogLog,
            "loglog": sm.families.links.LogLog, "cauchy": sm.families.links.Cauchy}[name]()
    return link.inverse(eta)


def draw_designed(seed, n, beta, x_dist, x_corr, link, low=-3.0, high=3.0):
    """logreg's simulated data with --x-dist, --x-corr and --true-link."""
    beta = np.asarray(beta, dtype=float)
    k = len(beta) - 1
    np.random.seed(seed)
    if x_dist == "uniform":
        x = np.random.uniform(low, high, size=(n, k))
    else:
        z = np.random.standard_normal((n, k))
        x = z
        if x_corr != 0.0:
            L = equicorrelation_factor(k, x_corr)
            x = np.empty_like(z)
            for j in range(k):
                col = L[j, 0] * z[:, 0]
                for m in range(1, j + 1):
                    col = col + L[j, m] * z[:, m]
                x[:, j] = col
    X = np.column_stack([np.ones(n), x])
    p = inverse_link(link, X @ beta)
    y = np.random.binomial(1, p)
    return x, y


def designs():
    normals = []
    for seed, m in NORMALS:
        np.random.seed(seed)
        normals.append({"seed": seed, "z": np.random.standard_normal(m).tolist()})
    cases = []
    for c in DESIGNED:
        x, y = draw_designed(*c)
        seed, n, beta, x_dist, x_corr, link = c
        cases.append({"seed": seed, "n": n, "beta": beta, "x_dist": x_dist, "x_corr": x_corr,
                      "link": link, "x": x.tolist(), "y": y.tolist()})
    return {
        "source": "scripts/make_numpy_fixtures.py",
        "numpy": np.__version__,
        "machine": platform.machine(),
        "standard_normal": normals,
        "designs": cases,
    }


def short(v):
    """logreg's number format in CSV outputs: Python's repr, less '.0'."""
    r = repr(float(v))
    return r[:-2] if r.endswith(".0") else r


def csv_text(x, y):
    """The bytes `logreg simulate` writes for these draws."""
    k = x.shape[1]
    lines = [",".join([f"x{j}" for j in range(1, k + 1)] + ["y"])]
    for row, yi in zip(x.tolist(), y.tolist()):
        lines.append(",".join([short(v) for v in row] + [str(int(yi))]))
    return "\n".join(lines) + "\n"


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def case(seed, n, beta, low, high):
    return {"seed": seed, "n": n, "beta": beta, "low": low, "high": high}


def main():
    small = []
    for c in SMALL:
        x, y, logit, p = draw(*c)
        small.append({**case(*c), "x": x.tolist(), "y": y.tolist(),
                      "logit": logit.tolist(), "p": p.tolist()})
    big = []
    for c in BIG:
        x, y, _, _ = draw(*c)
        big.append({**case(*c), "csv_fnv1a64": fnv1a64(csv_text(x, y).encode())})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "source": "scripts/make_numpy_fixtures.py",
        "numpy": np.__version__,
        "machine": platform.machine(),
        "small": small,
        "big": big,
    }, indent=1) + "\n")
    print(f"wrote {OUT}")
    DESIGNS.write_text(json.dumps(designs(), indent=1) + "\n")
    print(f"wrote {DESIGNS}")


if __name__ == "__main__":
    main()
