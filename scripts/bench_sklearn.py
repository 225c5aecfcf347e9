#!/usr/bin/env python3
"""An alternative in scripts/bench.sh: what a scikit-learn user runs on a
large file. Read the CSV with polars, fit LogisticRegression without a penalty (C=inf)
by the Newton-Cholesky solver, print the parameters (scikit-learn gives no
standard errors). Whole-process wall time is measured from outside
(hyperfine).

    python scripts/bench_sklearn.py large.csv [target]

Runs in the bench environment (scripts/requirements-bench.txt).
"""
import sys

import numpy as np
import polars as pl
from sklearn.linear_model import LogisticRegression

path = sys.argv[1]
target = sys.argv[2] if len(sys.argv) > 2 else "y"
df = pl.read_csv(path)
X = df.drop(target).to_numpy()
y = df[target].to_numpy()
# C=inf is penalty=None as scikit-learn 1.8+ spells it (penalty is deprecated).
model = LogisticRegression(C=np.inf, solver="newton-cholesky", max_iter=100, tol=1e-8)
model.fit(X, y)
print("params", [float(model.intercept_[0]), *model.coef_[0].tolist()])
print("iterations", int(model.n_iter_[0]))
