#!/usr/bin/env python3
"""An alternative in scripts/bench.sh: what a glum user runs on a large file.
Read the CSV with polars, fit glum's unpenalised Binomial GLM (logit link,
with an intercept) and compute its covariance matrix (the standard errors a
statsmodels user gets), print the parameters and standard errors. Whole-process
wall time is measured from outside (hyperfine).

    python scripts/bench_glum.py large.csv [target]

Runs in the bench environment (scripts/requirements-bench.txt).
"""
import sys

import numpy as np
import polars as pl
from glum import GeneralizedLinearRegressor

path = sys.argv[1]
target = sys.argv[2] if len(sys.argv) > 2 else "y"
df = pl.read_csv(path)
X = df.drop(target).to_numpy()
y = df[target].to_numpy().astype(np.float64)
# gradient_tol: glum stops at 1e-4 by default, with the parameters off in
# their fourth digit; 1e-10 converges them as statsmodels' IRLS does.
model = GeneralizedLinearRegressor(
    family="binomial", link="logit", alpha=0, fit_intercept=True, gradient_tol=1e-10
)
model.fit(X, y)
cov = model.covariance_matrix(X, y)
print("params", [float(model.intercept_), *model.coef_.tolist()])
print("bse", np.sqrt(np.diag(cov)).tolist())
print("iterations", model.n_iter_)
