#!/usr/bin/env python3
"""Reference numbers for the network tests (tests/integration/nn.rs).

Where they come from: PyTorch itself (the version is recorded in the output),
training the lecture's network exactly as scripts/original.py does:
`torch.manual_seed(seed); nn.Linear(k, 1)`, sigmoid, `nn.BCELoss()`, a
`torch.optim` optimiser, full-batch zero_grad / forward / loss / backward /
step, in float32 on the CPU. The data is tests/fixtures/nn/lecture.csv,
a fixed data file of the lecture's shape (n = 1000, x1, x2 in (-3, 3), true
beta (0.3, -1, 2)) drawn from a ChaCha20 stream, not numpy's: the file is
kept as it is because the tolerances of tests/integration/nn.rs were
measured on it. It is read back
with round-trip float parsing, and laid out row-major (C order) as the
lecture's numpy arrays are. PyTorch runs on one thread
(`torch.set_num_threads(1)`), as logreg does by default.

The numbers are PyTorch's bits on the machine that ran this script (its CPU
and kernel settings are recorded in the output): logreg equals them bit for
bit there, at one thread. On another CPU, MKL and ATen pick other kernels
and the last bits move, so tests/integration/nn.rs compares within
tolerances measured by scripts/kernel_spread.py. The cases stay out of
chaotic regimes, where last-bit differences grow: RMSprop runs 500 steps,
not 3000, because near the optimum its step lr * g / sqrt(mean g^2) keeps
the size of lr whatever the gradient, and after 1000 steps the parameters
of two kernel choices differ by lr (1e-2, measured) instead of 1e-7.

The "spec_cases" (a list apart, so the lecture's cases and their bytes stay
as they were) train the same network for another link (the activation is
the link's inverse, written op for op as scripts/original.py's `activate`),
with per-row weights (`nn.BCELoss(weight=w)`, mean reduction) and with an
offset added to the linear output. Their weights and offsets are written
into the case (exact binary fractions, the same in float32 and float64),
so the test feeds logreg the very numbers PyTorch saw. They run plain SGD at
lr 0.1 for 1000 to 2000 steps: well-conditioned, far from chaos.

Run from the repository root with the set-up environment:
    ~/.cache/logreg/venv/bin/python scripts/make_nn_fixtures.py
It rewrites tests/fixtures/nn/pytorch.json.
"""
import json
import math
import os
import platform
import sys

import numpy as np
import pandas as pd
import torch
import torch.nn as nn

DATA = "tests/fixtures/nn/lecture.csv"
OUT = "tests/fixtures/nn/pytorch.json"

# (name, seed, optimizer, kwargs, steps, standardize, dtype)
CASES = [
    ("sgd_seed42", 42, "sgd", {}, 3000, False, "f32"),
    ("sgd_seed0", 0, "sgd", {}, 3000, False, "f32"),
    ("sgd_seed7_lr05", 7, "sgd", {"lr": 0.5}, 1500, False, "f32"),
    ("sgd_nesterov", 42, "sgd", {"momentum": 0.9, "nesterov": True}, 1000, False, "f32"),
    ("adam", 42, "adam", {}, 3000, False, "f32"),
    ("adamw", 42, "adamw", {}, 3000, False, "f32"),
    ("rmsprop", 42, "rmsprop", {"lr": 0.01}, 500, False, "f32"),
    ("sgd_standardize", 42, "sgd", {}, 2000, True, "f32"),
    ("sgd_f64", 42, "sgd", {}, 2000, False, "f64"),
    ("steps0", 42, "sgd", {}, 0, False, "f32"),
]
# (name, seed, link, weights, offset, steps, standardize): lr 0.1 SGD, float32.
SPEC_CASES = [
    ("probit", 42, "probit", False, False, 1000, False),
    ("cloglog", 42, "cloglog", False, False, 1000, False),
    ("loglog", 42, "loglog", False, False, 1000, False),
    ("cauchy", 42, "cauchy", False, False, 2000, False),
    ("logit_weights", 42, "logit", True, False, 1000, False),
    ("logit_offset", 42, "logit", False, True, 1000, False),
    ("probit_weights_offset_standardize", 7, "probit", True, True, 1000, True),
]
OPT = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
       "rmsprop": torch.optim.RMSprop}


def activate(eta, link):
    """The inverse link, as scripts/original.py and src/spec/link.rs write it."""
    if link == "logit":
        return torch.sigmoid(eta)
    if link == "probit":
        return torch.special.ndtr(eta)
    if link == "cloglog":
        return -torch.expm1(-torch.exp(eta))
    if link == "loglog":
        return torch.exp(-torch.exp(-eta))
    if link == "cauchy":
        return torch.atan(eta) / math.pi + 0.5
    raise ValueError(link)


class Net(nn.Module):
    def __init__(self, k, link="logit"):
        super().__init__()
        self.linear = nn.Linear(k, 1)
        self.link = link

    def forward(self, x, offset=None):
        eta = self.linear(x)
        if offset is not None:
            eta = eta + offset
        return activate(eta, self.link)


def row_weights(n):
    """0.5, 1, 1.5, 2, 0.5, ...: exact in float32."""
    return [0.5 * (i % 4 + 1) for i in range(n)]


def row_offsets(n):
    """-0.5, -0.25, 0, 0.25, 0.5, -0.5, ...: exact in float32."""
    return [0.25 * (i % 5 - 2) for i in range(n)]


def coefs(net, mean, sd):
    w = net.linear.weight.detach().double().numpy().reshape(-1)
    b = float(net.linear.bias.detach().double().numpy()[0])
    if mean is None:
        return [b] + w.tolist()
    for j in range(len(w)):
        b -= w[j] * mean[j] / sd[j]
    return [b] + (w / sd).tolist()


def run(df, seed, opt, kw, steps, standardize, dtype, link="logit", weights=None, offset=None):
    x = np.ascontiguousarray(df[["x1", "x2"]].to_numpy())
    mean = sd = None
    if standardize:
        mean, sd = x.mean(axis=0), x.std(axis=0)
        x = np.ascontiguousarray((x - mean) / sd)
    # float64 runs keep the data in float64 (logreg --dtype f64); the
    # weights are drawn in float32 and cast, as `.double()` does.
    kind = torch.float64 if dtype == "f64" else torch.float32
    X = torch.tensor(x, dtype=kind)
    y = torch.tensor(df[["y"]].to_numpy(), dtype=kind)
    w = None if weights is None else torch.tensor(weights, dtype=kind).reshape(-1, 1)
    off = None if offset is None else torch.tensor(offset, dtype=kind).reshape(-1, 1)
    torch.manual_seed(seed)
    net = Net(2, link)
    if dtype == "f64":
        net = net.double()
    init = coefs(net, mean, sd)
    lr = kw.pop("lr", 0.1)
    optimizer = OPT[opt](net.parameters(), lr=lr, **kw)
    crit = nn.BCELoss() if w is None else nn.BCELoss(weight=w)
    loss = crit(net(X, off), y) if steps == 0 else None
    for _ in range(steps):
        optimizer.zero_grad()
        loss = crit(net(X, off), y)
        loss.backward()
        optimizer.step()
    return {"init_params": init, "params": coefs(net, mean, sd), "loss": loss.item(), "lr": lr}


def cpu():
    """The CPU's model name (Linux), else what the platform module says."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main():
    torch.set_num_threads(1)
    df = pd.read_csv(DATA, float_precision="round_trip")
    kernels = {k: os.environ[k] for k in ["ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR"]
               if k in os.environ}
    out = {"generated_by": "scripts/make_nn_fixtures.py", "torch": torch.__version__,
           "numpy": np.__version__, "python": sys.version.split()[0], "cpu": cpu(),
           "cpu_capability": torch.backends.cpu.get_cpu_capability(), "kernel_env": kernels,
           "threads": torch.get_num_threads(), "data": DATA, "cases": []}
    for name, seed, opt, kw, steps, std, dtype in CASES:
        kw = dict(kw)
        flags = {k: v for k, v in kw.items() if k != "lr"}
        r = run(df, seed, opt, kw, steps, std, dtype)
        out["cases"].append({"name": name, "seed": seed, "optimizer": opt, "steps": steps,
                             "standardize": std, "dtype": dtype, "momentum": flags.get("momentum", 0.0),
                             "nesterov": flags.get("nesterov", False), **r})
    out["spec_cases"] = []
    n = len(df)
    for name, seed, link, weighted, offset, steps, std in SPEC_CASES:
        w = row_weights(n) if weighted else None
        o = row_offsets(n) if offset else None
        r = run(df, seed, "sgd", {}, steps, std, "f32", link, w, o)
        out["spec_cases"].append({"name": name, "seed": seed, "link": link, "steps": steps,
                                  "standardize": std, "weights": w, "offset": o, **r})
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(out['cases'])} cases")


if __name__ == "__main__":
    main()
