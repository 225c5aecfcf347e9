#!/usr/bin/env python3
"""Live check: `logreg simulate --seed S` draws numpy's data value for value.

For random seeds (0 to 2^32 - 1), shapes (k = 1..6 features, n = 1 to
100,000) and boxes, runs `logreg simulate --with-truth` and original.py's
simulation (np.random.seed, uniform, X @ beta, 1 / (1 + np.exp(-z)),
binomial), and compares: x and y exactly; the true logit to within a few
ulps of numpy's (its BLAS sum order may round the last bit otherwise on
some CPUs), and p to within a few ulps of numpy's `1 / (1 + np.exp(-z))` of
that logit (numpy's AVX-512 exp and libm's differ by an ulp; an ulp of a
large |logit| moves p by many of its own). Prints the largest differences seen; exit 1 on a
mismatch.

    python scripts/check_numpy_draws.py [--binary target/release/logreg] [--cases 40] [--seed 1]
"""
import argparse
import io
import subprocess
import sys

import numpy as np
import pandas as pd

from make_numpy_fixtures import draw

LOGIT_ULPS = 2  # as tests/integration/simulate.rs
P_ULPS = 4


def ulps(a, b):
    """Distance in representable doubles, elementwise."""
    def key(v):
        bits = np.asarray(v, dtype=np.float64).view(np.int64)
        return np.where(bits < 0, np.int64(-2**63) - bits, bits)
    return np.abs(key(a).astype(object) - key(b).astype(object)).astype(np.float64)


def cases(count, rng):
    """(seed, n, beta, low, high): small and large n, every k from 1 to 6."""
    out = []
    for i in range(count):
        k = 1 + i % 6
        n = int(rng.choice([1, 2, 3, 7, 50, 999, 1000, 4097, 30000, 100000]))
        n = max(n, 1)
        seed = int(rng.integers(0, 2**32)) if i % 5 else [0, 2**32 - 1, 42, 1, 2**31][i // 5 % 5]
        beta = [round(float(b), 3) for b in rng.uniform(-3, 3, k + 1)]
        low = round(float(rng.uniform(-10, 5)), 2)
        high = round(low + float(rng.uniform(0.01, 10)), 2)
        out.append((seed, n, beta, low, high))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default="target/release/logreg")
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--seed", type=int, default=None,
                    help="seed of the case picker (default: a fresh one, printed)")
    args = ap.parse_args()
    pick = args.seed if args.seed is not None else int(np.random.SeedSequence().entropy % 2**32)
    rng = np.random.default_rng(pick)
    print(f"case picker seed {pick}")
    worst_logit = worst_p = 0.0
    bad = 0
    for seed, n, beta, low, high in cases(args.cases, rng):
        cmd = [args.binary, "--seed", str(seed), "simulate", "--n", str(n),
               "--beta", ",".join(repr(b) for b in beta), "--low", repr(low),
               "--high", repr(high), "--with-truth"]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"FAIL {' '.join(cmd)}: exit {run.returncode}: {run.stderr.strip()}")
            bad += 1
            continue
        got = pd.read_csv(io.StringIO(run.stdout), float_precision="round_trip")
        x, y, logit, p = draw(seed, n, beta, low, high)
        k = len(beta) - 1
        what = []
        if not np.array_equal(got[[f"x{j}" for j in range(1, k + 1)]].to_numpy(), x):
            what.append("x")
        if not np.array_equal(got["y"].to_numpy(), y):
            what.append(f"y ({int((got['y'].to_numpy() != y).sum())} rows)")
        dl = ulps(got["logit"].to_numpy(), logit).max()
        dp = ulps(got["p"].to_numpy(), 1 / (1 + np.exp(-got["logit"].to_numpy()))).max()
        worst_logit, worst_p = max(worst_logit, dl), max(worst_p, dp)
        if dl > LOGIT_ULPS:
            what.append(f"logit ({dl:.0f} ulps)")
        if dp > P_ULPS:
            what.append(f"p ({dp:.0f} ulps)")
        if what:
            bad += 1
            print(f"FAIL {' '.join(cmd)}: {', '.join(what)} differ from numpy's")
    print(f"{args.cases} cases, {bad} failed; largest differences from numpy: "
          f"logit {worst_logit:.0f} ulps, p {worst_p:.0f} ulps (x and y exact)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
