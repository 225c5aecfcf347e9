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

    python scripts/make_numpy_fixtures.py   # writes tests/fixtures/numpy/draws.json
"""
import json
import platform
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "numpy" / "draws.json"
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


if __name__ == "__main__":
    main()
