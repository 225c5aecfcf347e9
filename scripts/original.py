#!/usr/bin/env python3
"""The lecture's program: logistic regression two ways, in Python.

1. Simulate n = 1000 points, x1, x2 ~ Uniform(-3, 3), true beta = (0.3, -1, 2)
   (intercept first), p = sigmoid(X beta), y ~ Bernoulli(p).
2. Fit a GLM (Binomial family, logit link) with statsmodels; print summary().
3. Train a one-layer network (nn.Linear + sigmoid, BCELoss, plain SGD,
   lr 0.1, 10,000 full-batch steps) with PyTorch; print its parameters.

This file is the reference that `logreg` (the Rust port) is checked against by
scripts/parity.py. It is written the way the lecture writes it; the only
additions are the flags parity needs:

  --data CSV --target COL   read a data set instead of simulating; the
                            features are every other column, in file order
  --seed S                  torch.manual_seed(S) right before the net is built
                            (also seeds the simulation); default 42
  --lr, --steps             default 0.1 and 10000
  --optimizer               sgd | adam | adamw | rmsprop (torch defaults otherwise)
  --standardize             train on z = (x - mean) / sd, report coefficients on
                            the original scale (defined in `standardize` below,
                            identical to `logreg nn --standardize`)
  --json                    one JSON object with the key names of
                            `logreg compare --json`
  --link L                  logit | probit | cloglog | loglog | cauchy
                            (default logit): statsmodels'
                            Binomial(link=...), and the network's output
                            activation, the link's inverse (`activate`)
  --freq-weights COL        statsmodels' freq_weights / var_weights; the
  --var-weights COL         network weighs each row's BCE term by their
                            product, nn.BCELoss(weight=freq * var)
  --offset COL              statsmodels' offset; added to the network's
                            linear output. A column named by these three
                            flags is not a feature
  --formula F               statsmodels' formula API, smf.glm(F, df,
                            family=Binomial(...)): the design (names,
                            categorical coding, interactions, rows dropped
                            for missing values) is patsy's, and the network
                            trains nn.Linear(k, 1) on the same design, with
                            no bias when the formula has no intercept
  --failures COL            binomial counts: the target column holds
                            successes and COL failures; the GLM fits the
                            two-column endog, the network the proportion
                            S/(S+F) with row weights S+F (on top of
                            --freq-weights/--var-weights). With a formula,
                            write `S + F ~ ...` instead
  --true-link L             the simulation's link: p = statsmodels'
                            inverse of L applied to X beta (default logit,
                            the lecture's sigmoid)
  --x-dist D --x-corr R     the simulated features: uniform (the lecture's)
                            or normal, np.random.standard_normal((n, 2)),
                            correlated by R through the equicorrelation
                            Cholesky factor (`correlate`), as `logreg
                            simulate --x-dist normal --x-corr R`
  --threads N               torch.set_num_threads(N) before any work
                            (default: PyTorch's own choice, one per core).
                            PyTorch's bits depend on it: reductions and
                            matrix products split their sums by thread, so
                            the network equals `logreg --threads N` bit for
                            bit only at the same N, on the same machine

Environment: the pinned scripts/requirements.txt (torch 2.13.0, numpy 2.4.6,
pandas 2.3.3, statsmodels 0.15.0, scipy 1.17.1).

    python scripts/original.py                  # the lecture, as text
    python scripts/original.py --data spector.csv --target GRADE --json
"""
import argparse
import json
import math
import sys
import time
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
import torch
import torch.nn as nn

# The lecture's settings.
N = 1000
TRUE_BETA = np.array([0.3, -1.0, 2.0])  # intercept, x1, x2
LOW, HIGH = -3.0, 3.0
SEED = 42
LR = 0.1
STEPS = 10_000
# `steps_to_match`: the first step count after which every network
# coefficient is within this of the GLM estimate (as in `logreg compare`).
MATCH_TOL = 1e-3
LINKS = {
    "logit": sm.families.links.Logit,
    "probit": sm.families.links.Probit,
    "cloglog": sm.families.links.CLogLog,
    "loglog": sm.families.links.LogLog,
    "cauchy": sm.families.links.Cauchy,
}
OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def correlate(z, r):
    """Columns of z mixed by the Cholesky factor L of the equicorrelation
    matrix (ones on the diagonal, r elsewhere), x[:, j] = L[j, 0] z[:, 0] +
    ... + L[j, j] z[:, j] added left to right (z @ L.T up to BLAS rounding);
    L by the recurrence of logreg's src/math/equicorrelation.rs."""
    k = z.shape[1]
    L, s = np.zeros((k, k)), 0.0
    for j in range(k):
        d = math.sqrt(1.0 - s)
        c = (r - s) / d
        L[j, j], L[j + 1:, j] = d, c
        s = s + c * c
    x = np.empty_like(z)
    for j in range(k):
        col = L[j, 0] * z[:, 0]
        for m in range(1, j + 1):
            col = col + L[j, m] * z[:, m]
        x[:, j] = col
    return x


def simulate(seed=SEED, x_dist="uniform", x_corr=0.0, true_link="logit"):
    """The lecture's data set as a DataFrame with columns x1, x2, y."""
    np.random.seed(seed)
    if x_dist == "uniform":
        x = np.random.uniform(LOW, HIGH, size=(N, 2))
    else:
        x = np.random.standard_normal((N, 2))
        if x_corr != 0.0:
            x = correlate(x, x_corr)
    X = np.column_stack([np.ones(N), x])
    if true_link == "logit":
        p = sigmoid(X @ TRUE_BETA)
    else:
        p = LINKS[true_link]().inverse(X @ TRUE_BETA)
    y = np.random.binomial(1, p)
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": y})


def load(path):
    # round_trip: parse every decimal to the nearest double, as logreg's CSV
    # reader (Rust's f64 parser) does; pandas' default parser may be 1 ulp off.
    # A .tsv file is tab-separated, as for logreg.
    sep = "\t" if str(path).endswith(".tsv") else ","
    return pd.read_csv(path, sep=sep, float_precision="round_trip")


# --------------------------------------------------------------------------
# The GLM
# --------------------------------------------------------------------------


def fit_glm(df, target, features, link="logit", freq_weights=None,
            var_weights=None, offset=None, formula=None, failures=None):
    """sm.GLM(y, X, family=Binomial()).fit(), X = add_constant(features);
    with a link other than logit, Binomial(link=...); weights and offset are
    statsmodels' own (columns of df, or None). With `formula`,
    smf.glm(formula, df, ...) instead (patsy's design, rows with a missing
    value in a used column dropped); with `failures`, the endog is the two
    columns [target, failures] (binomial counts)."""
    family = (sm.families.Binomial() if link == "logit"
              else sm.families.Binomial(link=LINKS[link]()))
    extra = {k: df[c].to_numpy() for k, c in [("freq_weights", freq_weights),
                                               ("var_weights", var_weights),
                                               ("offset", offset)] if c is not None}
    if formula is not None:
        model = smf.glm(formula, df, family=family, **extra)
    else:
        y = df[target] if failures is None else df[[target, failures]]
        X = sm.add_constant(df[features])  # column "const" first
        model = sm.GLM(y, X, family=family, **extra)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = model.fit()
    return results, [str(w.message) for w in caught]


def glm_json(res, warns, time_s):
    """The `glm` object of `logreg compare --json`, from a statsmodels fit."""
    return {
        "names": list(res.model.exog_names),
        "params": res.params.tolist(),
        "bse": res.bse.tolist(),
        "tvalues": res.tvalues.tolist(),
        "pvalues": res.pvalues.tolist(),
        "conf_int": res.conf_int().values.tolist(),
        "llf": float(res.llf),
        "llnull": float(res.llnull),
        "deviance": float(res.deviance),
        "null_deviance": float(res.null_deviance),
        "pearson_chi2": float(res.pearson_chi2),
        "aic": float(res.aic),
        "bic": float(res.bic),  # statsmodels 0.15: the log-likelihood BIC
        "prsquared_cs": float(res.pseudo_rsquared(kind="cs")),
        "prsquared_mcf": float(res.pseudo_rsquared(kind="mcf")),
        "df_model": int(res.df_model),
        "df_resid": int(res.df_resid),
        "nobs": int(res.nobs),
        "iterations": int(res.fit_history["iteration"]),
        "converged": bool(res.converged),
        # statsmodels' history starts with a placeholder inf; logreg reports
        # the deviance at the starting mu and after each iteration.
        "deviance_history": [float(d) for d in res.fit_history["deviance"][1:]],
        "warnings": warns,
        "time_s": time_s,
        "summary": str(res.summary()),
    }


# --------------------------------------------------------------------------
# The network
# --------------------------------------------------------------------------


def activate(eta, link="logit"):
    """The link's inverse: the probability at linear output eta. Each is the
    op sequence `logreg` runs (src/spec/link.rs)."""
    if link == "logit":
        return torch.sigmoid(eta)
    if link == "probit":  # the standard Normal CDF
        return torch.special.ndtr(eta)
    if link == "cloglog":  # 1 - exp(-exp(eta)), without float32's cancellation
        return -torch.expm1(-torch.exp(eta))
    if link == "loglog":  # exp(-exp(-eta))
        return torch.exp(-torch.exp(-eta))
    if link == "cauchy":  # 0.5 + atan(eta) / pi
        return torch.atan(eta) / math.pi + 0.5
    raise ValueError(f"unknown link {link!r}")


class Net(nn.Module):
    def __init__(self, k=2, link="logit", bias=True):
        super().__init__()
        self.linear = nn.Linear(k, 1, bias=bias)
        self.link = link

    def forward(self, x, offset=None):
        # The lecture's torch.sigmoid(self.linear(x)) when link is logit
        # and there is no offset.
        eta = self.linear(x)
        if offset is not None:  # on the eta scale
            eta = eta + offset
        return activate(eta, self.link)


def standardize(x):
    """z = (x - mean) / sd per column, in float64; sd is the population
    standard deviation (ddof = 0, numpy's default). Returns z, mean, sd."""
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=0)
    sd = x.std(axis=0)
    return (x - mean) / sd, mean, sd


def coefficients(net, mean=None, sd=None):
    """[intercept, slopes...] as float64 from the float32 parameters; with
    `mean`/`sd` (from --standardize) mapped back to the original scale:
    slope_j = w_j / sd_j, intercept = b - sum_j w_j * mean_j / sd_j."""
    w = net.linear.weight.detach().numpy().reshape(-1).astype(np.float64)
    if net.linear.bias is None:  # a formula without an intercept
        return w.tolist()
    b = float(net.linear.bias.detach().numpy()[0])
    if mean is None:
        return [b] + w.tolist()
    intercept = b
    for j in range(len(w)):  # in feature order, as logreg does
        intercept -= w[j] * mean[j] / sd[j]
    return [intercept] + (w / sd).tolist()


def row_weights(df, freq_weights=None, var_weights=None):
    """The network's per-row BCE weight: freq * var (either may be None), in
    float64 before the cast, as logreg's nn::ModelSpec::combined_weights.
    Both kinds scale a row's log-likelihood term, so the weighted MLE (the
    minimiser of the weighted BCE) depends only on their product."""
    cols = [c for c in (freq_weights, var_weights) if c is not None]
    if not cols:
        return None
    w = df[cols[0]].to_numpy(dtype=np.float64)
    for c in cols[1:]:
        w = w * df[c].to_numpy(dtype=np.float64)
    return w


def train_net(df, target, features, seed=SEED, lr=LR, steps=STEPS,
              optimizer="sgd", standardized=False, glm_params=None,
              verbose=False, link="logit", weights=None, offset=None,
              design=None):
    """The lecture's training loop. Returns the `nn` object of
    `logreg compare --json` and `steps_to_match` (needs `glm_params`).
    `weights`: per-row BCE weights (float64 array, see `row_weights`);
    `offset`: the offset column's name, added to the linear output.
    `design`: a `Design` (from `net_design`) used instead of df's columns."""
    # Row-major, as numpy arrays are by default. A DataFrame's .values is
    # column-major, and torch keeps that layout, which changes the summation
    # order inside the matmul kernels (and numpy's column means): the results
    # then differ from a row-major X in the last float32 bits, and chaotic or
    # sign-driven training (RMSprop, unscaled data) amplifies that. logreg
    # holds X row-major, so this keeps the two bit-identical. A fresh C-order
    # copy, not np.ascontiguousarray: numpy calls an n x 1 array contiguous
    # in either order and returns a single column as it is, with column-major
    # strides (8, 8n); torch keeps them, and addmm then hands MKL a transposed
    # X, which rounds the one-feature case differently (1.5e-8 on the
    # separation case of parity.py).
    if design is None:
        x = np.array(df[features].values, order="C", copy=True)
        y_values = df[target].values
        offset_values = (None if offset is None
                         else df[offset].to_numpy(dtype=np.float64))
        names, bias = ["const"] + list(features), True
    else:
        x, y_values, offset_values = design.x, design.y, design.offset
        names, bias, weights = design.names, design.bias, design.weights
    mean = sd = None
    if standardized:
        x, mean, sd = standardize(x)
    X = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y_values, dtype=torch.float32).reshape(-1, 1)
    off = None
    if offset_values is not None:
        off = torch.tensor(offset_values, dtype=torch.float32).reshape(-1, 1)

    start = time.perf_counter()
    torch.manual_seed(seed)
    net = Net(x.shape[1], link, bias)
    init_params = coefficients(net, mean, sd)
    if weights is None:
        criterion = nn.BCELoss()
    else:  # mean reduction: sum(w * l) / n
        criterion = nn.BCELoss(
            weight=torch.tensor(weights, dtype=torch.float32).reshape(-1, 1))
    opt = OPTIMIZERS[optimizer](net.parameters(), lr=lr)

    def matches(params):
        return max(abs(a - b) for a, b in zip(params, glm_params)) < MATCH_TOL

    steps_to_match = None
    if glm_params is not None and matches(init_params):
        steps_to_match = 0
    loss = None
    for step in range(steps):
        opt.zero_grad()
        outputs = net(X, off)
        loss = criterion(outputs, y)
        loss.backward()
        opt.step()
        if verbose and (step + 1) % 1000 == 0:
            print(f"step {step + 1:5d}  loss {loss.item():.6f}")
        if steps_to_match is None and glm_params is not None:
            if matches(coefficients(net, mean, sd)):
                steps_to_match = step + 1
    if loss is None:  # --steps 0: the loss at the initial parameters
        with torch.no_grad():
            loss = criterion(net(X, off), y)
    time_s = time.perf_counter() - start

    out = {
        "names": names,
        "params": coefficients(net, mean, sd),
        "init_params": init_params,
        # The loss computed in the last forward pass, i.e. at the parameters
        # *before* the final step: what the lecture prints with loss.item()
        # in the loop's last iteration.
        "loss": float(loss.item()),
        "steps": steps,
        "converged_at": None,  # the lecture's loop never checks convergence
        "optimizer": optimizer,
        "lr": lr,
        "time_s": time_s,
    }
    return out, net, steps_to_match


class Design:
    """The network's inputs taken from a fitted statsmodels model: the design
    without its intercept column (the bias plays it), the target (for
    binomial counts, the proportions statsmodels fits), per-row BCE weights
    (freq * var * trials, None when all are 1) and the offset."""

    def __init__(self, model):
        names = list(model.exog_names)
        self.bias = names[0] in ("Intercept", "const")
        self.names = names
        exog = np.asarray(model.exog, dtype=np.float64)
        if self.bias:
            exog = exog[:, 1:]
        self.x = np.array(exog, order="C", copy=True)
        self.y = np.asarray(model.endog, dtype=np.float64)
        trials = np.asarray(getattr(model, "n_trials", np.ones(len(self.y))),
                            dtype=np.float64)
        w = np.asarray(model.freq_weights, dtype=np.float64) * np.asarray(
            model.var_weights, dtype=np.float64) * trials
        self.weights = None if np.all(w == 1.0) else w
        offset = getattr(model, "offset", None)
        self.offset = (None if offset is None
                       else np.asarray(offset, dtype=np.float64))


# --------------------------------------------------------------------------
# Both, as `logreg compare --json` reports them
# --------------------------------------------------------------------------


def features_of(df, target, freq_weights=None, var_weights=None, offset=None,
                failures=None):
    """Every column but the target and those the option flags name."""
    taken = {target, freq_weights, var_weights, offset, failures}
    return [c for c in df.columns if c not in taken]


def compare(df, target, seed=SEED, lr=LR, steps=STEPS, optimizer="sgd",
            standardized=False, true=None, link="logit", freq_weights=None,
            var_weights=None, offset=None, formula=None, failures=None):
    """GLM and network on the same data; the dict `--json` prints."""
    features = features_of(df, target, freq_weights, var_weights, offset,
                           failures)
    start = time.perf_counter()
    res, warns = fit_glm(df, target, features, link, freq_weights,
                         var_weights, offset, formula, failures)
    glm = glm_json(res, warns, time.perf_counter() - start)
    design = (None if formula is None and failures is None
              else Design(res.model))
    net_out, _, steps_to_match = train_net(
        df, target, features, seed=seed, lr=lr, steps=steps,
        optimizer=optimizer, standardized=standardized,
        glm_params=glm["params"], link=link,
        weights=row_weights(df, freq_weights, var_weights), offset=offset,
        design=design)
    diff = max(abs(a - b) for a, b in zip(glm["params"], net_out["params"]))
    return {
        "glm": glm,
        "nn": net_out,
        "true": None if true is None else [float(b) for b in true],
        "max_abs_diff": diff,
        "steps_to_match": steps_to_match,
    }


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", help="CSV file instead of the simulated data")
    p.add_argument("--target", default="y", help="0/1 target column (default y)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--lr", type=float, default=LR)
    p.add_argument("--steps", type=int, default=STEPS)
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="sgd")
    p.add_argument("--standardize", action="store_true")
    p.add_argument("--link", choices=list(LINKS), default="logit")
    p.add_argument("--freq-weights", metavar="COL")
    p.add_argument("--var-weights", metavar="COL")
    p.add_argument("--offset", metavar="COL")
    p.add_argument("--formula", metavar="F",
                   help="statsmodels' formula API (patsy), e.g. 'y ~ x1 + C(g)'")
    p.add_argument("--failures", metavar="COL",
                   help="binomial counts: --target holds successes, COL failures")
    p.add_argument("--json", action="store_true")
    p.add_argument("--true-link", choices=list(LINKS), default="logit")
    p.add_argument("--x-dist", choices=["uniform", "normal"], default="uniform")
    p.add_argument("--x-corr", type=float, default=0.0)
    p.add_argument("--threads", type=int, help="torch.set_num_threads (default: PyTorch's)")
    args = p.parse_args(argv)
    if args.x_corr != 0.0 and args.x_dist != "normal":
        p.error("--x-corr needs --x-dist normal")
    if args.formula is not None and args.failures is not None:
        p.error("--failures: with --formula, write `S + F ~ ...` instead")
    if args.standardize and (args.formula or args.failures):
        p.error("--standardize works with --target and the default features only")
    if args.threads is not None:
        if args.threads < 1:
            p.error("--threads must be at least 1")
        # Intra-op threads: what `logreg --threads N` sets through tch. Both
        # sides leave the inter-op pool alone (it does not run these ops).
        torch.set_num_threads(args.threads)
    return args


def dataset(args):
    """The data set, the target and (for simulated data) the true beta."""
    if args.data:
        df, true = load(args.data), None
    else:
        df = simulate(args.seed, args.x_dist, args.x_corr, args.true_link)
        true = TRUE_BETA
    target = None if args.formula else args.target
    for col in [target, args.freq_weights, args.var_weights, args.offset,
                args.failures]:
        if col is not None and col not in df.columns:
            sys.exit(f"error: no column {col!r} in {args.data}")
    return df, true


def compare_json(argv=None):
    """What `original.py ... --json` prints, as a dict (scripts/parity.py
    calls this in-process to avoid importing torch once per case)."""
    args = parse_args(argv)
    df, true = dataset(args)
    return compare(df, args.target, seed=args.seed, lr=args.lr,
                   steps=args.steps, optimizer=args.optimizer,
                   standardized=args.standardize, true=true, link=args.link,
                   freq_weights=args.freq_weights,
                   var_weights=args.var_weights, offset=args.offset,
                   formula=args.formula, failures=args.failures)


def main(argv=None):
    args = parse_args(argv)
    if args.json:
        print(json.dumps(compare_json(argv), indent=2))
        return

    # The lecture, as text.
    df, true = dataset(args)
    features = features_of(df, args.target, args.freq_weights,
                           args.var_weights, args.offset, args.failures)
    results, warns = fit_glm(df, args.target, features, args.link,
                             args.freq_weights, args.var_weights, args.offset,
                             args.formula, args.failures)
    design = (None if args.formula is None and args.failures is None
              else Design(results.model))
    for w in warns:
        print(f"warning: {w}", file=sys.stderr)
    print(results.summary())
    print()
    _, net, _ = train_net(df, args.target, features, seed=args.seed,
                          lr=args.lr, steps=args.steps,
                          optimizer=args.optimizer,
                          standardized=args.standardize, verbose=True,
                          link=args.link,
                          weights=row_weights(df, args.freq_weights,
                                              args.var_weights),
                          offset=args.offset, design=design)
    print()
    for name, param in net.named_parameters():
        print(name, param.data)
    if args.standardize:
        _, mean, sd = standardize(df[features].values)
        print("coefficients on the original scale:",
              coefficients(net, mean, sd))
    if true is not None:
        print("true beta:", true)


if __name__ == "__main__":
    main()
