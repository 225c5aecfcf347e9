#!/usr/bin/env python3
"""The statsmodels side of the GLM-only study row in scripts/bench.sh:
RUNS fits of `sm.GLM(y, X, family=Binomial()).fit()` in one
Python process, each on fresh data of n rows simulated as the lecture does
(scripts/original.py's `simulate`: x ~ Uniform(-3, 3)^2, y ~ Bernoulli of
sigmoid(0.3 - x1 + 2 x2), numpy seeded with S + i for run i, as
`logreg repeat` seeds run i).

Only the fits are timed (perf_counter around each `fit()` call, summed):
not the imports, not the simulation. The loop is timed REPEATS times and
the median, min and max wall times (and the median CPU time) are printed as
one JSON object (seconds):

    python scripts/bench_statsmodels_fits.py [--runs 10000] [--n 1000] [--repeats 3]
"""
import argparse
import json
import statistics
import time

import numpy as np
import statsmodels.api as sm

# The lecture's settings, as in scripts/original.py (not imported: it
# imports torch, which this benchmark does not need).
LOW, HIGH = -3.0, 3.0
TRUE_BETA = np.array([0.3, -1.0, 2.0])  # intercept, x1, x2
SEED = 42


def simulate(n, seed):
    """original.simulate at n rows, as arrays (X with the intercept, y)."""
    np.random.seed(seed)
    x = np.random.uniform(LOW, HIGH, size=(n, 2))
    X = np.column_stack([np.ones(n), x])
    y = np.random.binomial(1, 1 / (1 + np.exp(-(X @ TRUE_BETA))))
    return X, y


def fits_loop(runs, n, seed):
    """Wall and CPU seconds spent in RUNS statsmodels fits, and how many
    converged."""
    spent, cpu, converged = 0.0, 0.0, 0
    for i in range(runs):
        X, y = simulate(n, seed + i)
        t, c = time.perf_counter(), time.process_time()
        res = sm.GLM(y, X, family=sm.families.Binomial()).fit()
        spent += time.perf_counter() - t
        cpu += time.process_time() - c
        converged += bool(res.converged)
    return spent, cpu, converged


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=10000)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    times, cpus = [], []
    for _ in range(a.repeats):
        spent, cpu, converged = fits_loop(a.runs, a.n, a.seed)
        times.append(spent)
        cpus.append(cpu)
    print(
        json.dumps(
            {
                "runs": a.runs,
                "n": a.n,
                "converged": converged,
                "median_s": statistics.median(times),
                "min_s": min(times),
                "max_s": max(times),
                "times_s": times,
                # CPU time of the fits (all threads): wall time is what the
                # table compares; this shows how much a loaded machine added.
                "cpu_median_s": statistics.median(cpus),
            }
        )
    )


if __name__ == "__main__":
    main()
