#!/usr/bin/env python3
"""The Python side of benchmark 2 in scripts/bench.sh: what a statsmodels
user runs on a large file. Read the CSV with pandas, add the intercept, fit
the Binomial GLM by IRLS, print the parameters. Whole-process wall time and
peak memory are measured from outside (hyperfine, GNU time).

    python scripts/bench_glm.py large.csv [target]
"""
import sys

import pandas as pd
import statsmodels.api as sm

path = sys.argv[1]
target = sys.argv[2] if len(sys.argv) > 2 else "y"
df = pd.read_csv(path)
X = sm.add_constant(df.drop(columns=[target]))
res = sm.GLM(df[target], X, family=sm.families.Binomial()).fit()
print(res.params.to_string())
print("iterations", res.fit_history["iteration"])
