#!/usr/bin/env python3
"""The batched PyTorch side of a row in scripts/bench.sh: the networks of
`logreg repeat --runs R --steps S --fits nn` written by hand as one batched
PyTorch program, the fastest a PyTorch user would write without leaving
Python. R networks nn.Linear(2, 1) + sigmoid, mean BCE, plain SGD (lr 0.1),
full batch, trained side by side:

- the data as logreg simulates it (scripts/original.py's `simulate`: numpy
  seeded with S + i for run i, x ~ Uniform(-3, 3)^2, y ~ Bernoulli of
  sigmoid(0.3 - x1 + 2 x2));
- the initial weights of run i as PyTorch draws them, torch.manual_seed(S + i)
  then nn.Linear(2, 1);
- float32, as PyTorch by default; each feature and y an (R, n) tensor, so a
  step is a few elementwise ops and three row means over that layout;
- the closed-form gradient of the mean BCE (dL/dη = (p - y) / n), no
  autograd;
- torch.set_num_threads(the machine's cores) unless --threads says.

Prints one JSON object: the mean final coefficients (intercept first, to
set beside `repeat --json`'s nn_mean) and the seconds spent simulating and
training. Whole-process wall time is measured from outside (hyperfine).

    python scripts/bench_torch_batched.py [--runs 1000] [--steps 1000] [--n 1000]
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

# The lecture's settings, as in scripts/original.py (not imported: it
# imports statsmodels and pandas, which this program does not need).
LOW, HIGH = -3.0, 3.0
TRUE_BETA = np.array([0.3, -1.0, 2.0])  # intercept, x1, x2
SEED = 42


def simulate(n, seed):
    """original.simulate at n rows: the features (n, 2) and y (n,)."""
    np.random.seed(seed)
    x = np.random.uniform(LOW, HIGH, size=(n, 2))
    X = np.column_stack([np.ones(n), x])
    y = np.random.binomial(1, 1 / (1 + np.exp(-(X @ TRUE_BETA))))
    return x, y


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=1000)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)

    t0 = time.perf_counter()
    xs, ys, w0, b0 = [], [], [], []
    for i in range(a.runs):
        x, y = simulate(a.n, a.seed + i)
        xs.append(x)
        ys.append(y)
        torch.manual_seed(a.seed + i)
        lin = nn.Linear(2, 1)
        w0.append(lin.weight.detach()[0])
        b0.append(lin.bias.detach()[0])
    x = torch.from_numpy(np.stack(xs)).to(torch.float32)  # (R, n, 2)
    x1, x2 = x[:, :, 0].contiguous(), x[:, :, 1].contiguous()  # (R, n) each
    y = torch.from_numpy(np.stack(ys)).to(torch.float32)  # (R, n)
    w = torch.stack(w0)  # (R, 2)
    w1, w2 = w[:, 0:1].clone(), w[:, 1:2].clone()  # (R, 1)
    b = torch.stack(b0).unsqueeze(1)  # (R, 1)
    t1 = time.perf_counter()

    lr = a.lr
    with torch.no_grad():
        for _ in range(a.steps):
            eta = torch.addcmul(b, w1, x1)
            eta.addcmul_(w2, x2)
            d = eta.sigmoid_().sub_(y)  # n · dL/dη
            gb = d.mean(1, keepdim=True)
            g1 = (d * x1).mean(1, keepdim=True)
            g2 = d.mul_(x2).mean(1, keepdim=True)
            b.sub_(gb, alpha=lr)
            w1.sub_(g1, alpha=lr)
            w2.sub_(g2, alpha=lr)
    t2 = time.perf_counter()

    coef = torch.cat([b, w1, w2], dim=1).double().mean(0).tolist()
    print(json.dumps({
        "runs": a.runs,
        "steps": a.steps,
        "threads": a.threads,
        "nn_mean": coef,
        "setup_s": t1 - t0,
        "train_s": t2 - t1,
    }))


if __name__ == "__main__":
    main()
