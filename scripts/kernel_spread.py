#!/usr/bin/env python3
"""How far logreg's numbers move with the CPU's kernels: the measurement
behind the tolerances of the fixture tests.

The stored reference numbers (tests/fixtures/nn/pytorch.json from PyTorch,
tests/fixtures/glm/*.json from statsmodels) were made on one machine. On
another, MKL and ATen pick other kernels (by CPU, by
ATEN_CPU_CAPABILITY / MKL_ENABLE_INSTRUCTIONS, by thread count), and the last
bits of float32 and float64 results move. This script runs the built
binary on every fixture case under each of those settings and prints, per
case and field, the worst difference from the fixture:

- network (float32 unless the case says f64): absolute difference of
  init_params, params and loss;
- GLM (float64): relative difference, |a - b| / max(|a|, |b|), of the point
  estimates (params, llf, deviance, AIC, BIC, ...) and of the inference
  (bse, z, p, confidence intervals); a coefficient that is zero up to
  rounding (|coef| < 1e-14 bse, the separated set's intercept) is compared
  in units of its standard error, as the tests do.

The tests' tolerances (tests/integration/nn.rs, tests/integration/glm.rs)
cite its output. Needs only the Python standard library and a release
build:
    cargo build --release
    python3 scripts/kernel_spread.py [--bin target/release/logreg]
"""
import argparse
import json
import os
import subprocess
import sys

NN_FIXTURE = "tests/fixtures/nn/pytorch.json"
NN_DATA = "tests/fixtures/nn/lecture.csv"
GLM_DIR = "tests/fixtures/glm"
# The kernel choices a user's machine can make, reproduced on this one.
SETTINGS = [
    ("default kernels", {}),
    ("ATEN_CPU_CAPABILITY=default", {"ATEN_CPU_CAPABILITY": "default"}),
    ("MKL_ENABLE_INSTRUCTIONS=SSE4_2", {"MKL_ENABLE_INSTRUCTIONS": "SSE4_2"}),
    ("MKL_ENABLE_INSTRUCTIONS=AVX2", {"MKL_ENABLE_INSTRUCTIONS": "AVX2"}),
]
THREADS = [1, 2]
# |coef| below this many standard errors is zero up to rounding.
ZERO_IN_BSE = 1e-14


def run(binary, args, env):
    e = dict(os.environ, SOURCE_DATE_EPOCH="1764288000", **env)
    e.pop("LD_LIBRARY_PATH", None)
    r = subprocess.run([binary] + args, capture_output=True, text=True, env=e)
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {r.returncode}\n{r.stderr}")
    return json.loads(r.stdout)


def nn_args(c):
    a = ["--seed", str(c["seed"]), "nn", "--data", NN_DATA, "--json",
         "--optimizer", c["optimizer"], "--steps", str(c["steps"]), "--lr", repr(c["lr"]),
         "--dtype", c["dtype"]]
    # --momentum is a setting of SGD only; the other optimisers refuse it.
    if c["optimizer"] == "sgd":
        a += ["--momentum", repr(c["momentum"])]
    if c["nesterov"]:
        a.append("--nesterov")
    if c["standardize"]:
        a.append("--standardize")
    return a


def absdiff(a, b):
    a, b = (a, b) if isinstance(a, list) else ([a], [b])
    return max(abs(x - y) for x, y in zip(a, b))


def reldiff(a, b):
    m = max(abs(a), abs(b))
    return 0.0 if m == 0 else abs(a - b) / m


def glm_args(fx):
    args, it = ["glm"], iter(fx["args"])
    for a in it:
        args.append(a)
        if a == "--data":
            args.append(os.path.join(GLM_DIR, next(it)))
    return args + ["--json"]


def glm_diffs(got, fx):
    point, infer = 0.0, 0.0
    for i, (g, w) in enumerate(zip(got["params"], fx["params"])):
        if abs(w) < ZERO_IN_BSE * fx["bse"][i]:
            point = max(point, abs(g - w) / fx["bse"][i])
        else:
            point = max(point, reldiff(g, w))
    for key in ["llf", "llnull", "deviance", "null_deviance", "pearson_chi2", "aic", "bic",
                "prsquared_cs", "prsquared_mcf"]:
        point = max(point, reldiff(got[key], fx[key]))
    for g, w in zip(got["deviance_history"], fx["deviance_history"]):
        point = max(point, reldiff(g, w))
    for key in ["bse", "tvalues", "pvalues"]:
        for i, (g, w) in enumerate(zip(got[key], fx[key])):
            if key == "tvalues" and abs(fx["params"][i]) < ZERO_IN_BSE * fx["bse"][i]:
                continue  # the z of a zero coefficient is noise
            infer = max(infer, reldiff(g, w))
    for g, w in zip(got["conf_int"], fx["conf_int"]):
        infer = max(infer, reldiff(g[0], w[0]), reldiff(g[1], w[1]))
    return {"point (rel)": point, "inference (rel)": infer}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="target/release/logreg")
    a = ap.parse_args()
    nn = json.load(open(NN_FIXTURE))
    glm = [json.load(open(os.path.join(GLM_DIR, f))) for f in sorted(os.listdir(GLM_DIR))
           if f.endswith(".json") and f != "format_vectors.json"]
    # The fit fixtures: statsmodels' results of one `logreg glm` command
    # (the folder also holds other reference files).
    glm = [fx for fx in glm if isinstance(fx, dict) and "args" in fx and "case" in fx]
    worst = {}  # (case, field) -> (diff, setting)
    print(f"{'setting':<32} {'thr':>3} {'case':<18} {'field':<16} {'worst':>9}")
    for label, env in SETTINGS:
        for t in THREADS:
            rows = []
            for c in nn["cases"]:
                got = run(a.bin, ["--threads", str(t)] + nn_args(c), env)
                for f in ["init_params", "params", "loss"]:
                    rows.append((f"nn {c['name']}", f"{f} (abs)", absdiff(got[f], c[f])))
            for fx in glm:
                got = run(a.bin, ["--threads", str(t)] + glm_args(fx), env)
                for f, d in glm_diffs(got, fx).items():
                    rows.append((f"glm {fx['case']}", f, d))
            for case, field, d in rows:
                print(f"{label:<32} {t:>3} {case:<18} {field:<16} {d:9.2e}")
                if d >= worst.get((case, field), (-1.0, ""))[0]:
                    worst[(case, field)] = (d, f"{label}, {t} thread(s)")
    print("\nworst over all settings")
    for (case, field), (d, where) in worst.items():
        print(f"{case:<22} {field:<16} {d:9.2e}  ({where})")


if __name__ == "__main__":
    main()
