#!/usr/bin/env python3
"""Write the formula-fit known-answer fixtures in tests/fixtures/formula_fit/.

Why: `logreg glm --formula` promises the table a statsmodels user gets from

    smf.glm(FORMULA, df, family=sm.families.Binomial()).fit()

with `df = pd.read_csv(CSV)`: patsy's design (names, column order, level
order, reference levels, full-rank coding), statsmodels' numbers and its
summary text. The integration tests (tests/integration/formula.rs) run the
binary on each CSV written here and compare with what this script records
from statsmodels and patsy themselves; no expected number is typed in.

Each CSV is written by pandas, as an analyst's file would be (text categories
as words, booleans as True/False, missing values as empty cells), and read
back with pandas before the fit, so both sides see the same cells.

Cases (statsmodels' bundled data sets; no download):
  anes96      1996 election study: vote on TV news, party identification as
              text with a non-default reference level, age by education
              (numeric x categorical through C() of an int column), income
  anes96_na   the same file with cells emptied in used and unused columns,
              fitted with --missing drop (statsmodels' formula API drops
              the rows with a missing value in a used column)
  fair        extramarital affairs (any), occupation as text with
              Treatment(reference=...), a bool column, a numeric x bool
              interaction
  star98      binomial counts NABOVE + NBELOW on school covariates with
              three-way interactions, statsmodels' own example
  spector     GRADE on GPA, TUCE and C(PSI) without an intercept (the
              categorical gets full dummy coding)
  spector_c   GRADE on GPA by C(PSI) (an int column as categories) and TUCE
  spector_0   GRADE on `0 + C(PSI) + GPA`: no intercept, but the full dummy
              coding spans the constant (statsmodels' implicit constant,
              k_constant 1); also predicted, and trained as a network
  spector_nc  GRADE on `0 + GPA + TUCE`: no constant at all (k_constant 0).
              A GLM's df_model is rank(exog) - 1 either way
              (GLM.initialize), and llnull is the constant-only fit either
              way (GLMResults.null), so both read as with an intercept
  modechoice  travel mode choice: the mode as bare text, a numeric x text
              interaction without the numeric main effect, no C()
  randhie     RAND health insurance: any doctor visit, health status as
              text with reference 'excellent', a bool column, interaction
              of two categoricals

Network: for a case given `network` settings, scripts/original.py's own
training loop (`train_net` on `Design(res.model)`: nn.Linear(k, 1,
bias=False) when the formula has no intercept), on one thread, from
torch.manual_seed(seed); the test compares `logreg --threads 1 nn` with
it within float32 rounding.

Predict cases: a model fitted to the first part of a file predicts the rest,
with the columns shuffled, an id column added and kept (`--keep id`), as
`res.get_prediction(new).summary_frame()` and `res.predict(new,
which="linear")`.

Run from the repository root:

    ~/.cache/logreg/venv/bin/python scripts/make_formula_fit_fixtures.py
"""
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import patsy
import scipy
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf
import statsmodels.iolib.summary as sm_summary

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
OUT = ROOT / "tests" / "fixtures" / "formula_fit"
SOURCE_DATE_EPOCH = 1764288000


class _FrozenTime:
    """Stands in for the `time` module inside statsmodels.iolib.summary."""

    def localtime(self, *args):
        return time.gmtime(SOURCE_DATE_EPOCH)

    def strftime(self, fmt, t):
        return time.strftime(fmt, t)


sm_summary.time = _FrozenTime()


def versions():
    return {
        "python": platform.python_version(),
        "statsmodels": statsmodels.__version__,
        "patsy": patsy.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
    }


def write_csv(name, df):
    path = OUT / f"{name}.csv"
    # pandas writes floats with repr(): shortest round-trip, full precision;
    # bools as True/False, missing values as empty cells.
    df.to_csv(path, index=False, lineterminator="\n")
    return path


def read_csv(name):
    # round_trip: each decimal to the nearest double, as logreg's reader.
    return pd.read_csv(OUT / f"{name}.csv", float_precision="round_trip")


def results(res):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = res.summary().as_text()
        ci = np.asarray(res.conf_int())
        stats = dict(
            llf=res.llf,
            llnull=res.llnull,
            deviance=res.deviance,
            null_deviance=res.null_deviance,
            pearson_chi2=res.pearson_chi2,
            aic=res.aic,
            bic=res.bic,
            prsquared_cs=res.pseudo_rsquared(kind="cs"),
            prsquared_mcf=res.pseudo_rsquared(kind="mcf"),
        )
    return {
        "names": list(res.model.exog_names),
        "params": [float(v) for v in res.params],
        "bse": [float(v) for v in res.bse],
        "tvalues": [float(v) for v in res.tvalues],
        "pvalues": [float(v) for v in res.pvalues],
        "conf_int": [[float(a), float(b)] for a, b in ci],
        **{k: float(v) for k, v in stats.items()},
        "df_model": int(res.df_model),
        "df_resid": int(res.df_resid),
        "nobs": int(res.nobs),
        "iterations": int(res.fit_history["iteration"]),
        "converged": bool(res.converged),
        "deviance_history": [float(v) for v in res.fit_history["deviance"][1:]],
        "statsmodels_warnings": sorted({f"{w.category.__name__}: {w.message}"
                                        for w in caught}),
        "summary": summary,
    }


def network(res, seed, optimizer, lr, steps):
    """scripts/original.py's network on the design of `res`, one thread."""
    import original
    import torch

    torch.set_num_threads(1)
    design = original.Design(res.model)
    out, _, _ = original.train_net(None, None, None, seed=seed, lr=lr,
                                   steps=steps, optimizer=optimizer,
                                   design=design)
    return {
        "args": ["--seed", str(seed), "--optimizer", optimizer, "--lr", str(lr),
                 "--steps", str(steps)],
        "torch": torch.__version__,
        "bias": design.bias,
        "names": out["names"],
        "init_params": out["init_params"],
        "params": out["params"],
        "loss": out["loss"],
    }


def fit_case(case, csv, formula, missing=None, predict=None, net=None,
             k_constant=None):
    """Fit `formula` to CSV as statsmodels' formula API does; with `missing`
    ("drop"), logreg's --missing drop. `predict`: (train_rows, keep) to fit
    on the first rows and predict the rest from a shuffled copy. `net`:
    (seed, optimizer, lr, steps) to train scripts/original.py's network.
    `k_constant`: statsmodels' constant detection the case must meet."""
    df = read_csv(csv)
    args = ["--data", f"{csv}.csv", "--formula", formula]
    if missing:
        args += ["--missing", missing]
    out = {
        "case": case,
        "about": "statsmodels formula API reference; see scripts/make_formula_fit_fixtures.py",
        "versions": versions(),
        "csv": f"{csv}.csv",
        "formula": formula,
        "args": args,
        "source_date_epoch": SOURCE_DATE_EPOCH,
    }
    res = smf.glm(formula, df, family=sm.families.Binomial()).fit()
    out.update(results(res))
    if k_constant is not None:  # what the case is there for
        assert res.model.k_constant == k_constant, (case, res.model.k_constant)
    if net is not None:
        out["network"] = network(res, *net)
    if predict is not None:
        train_rows, keep = predict
        train = df.iloc[:train_rows]
        new = df.iloc[train_rows:].copy()
        new.insert(0, "id", [f"r{i}" for i in range(len(new))])
        rng = np.random.default_rng(7)
        cols = list(new.columns)
        rng.shuffle(cols)
        new = new[cols]
        write_csv(f"{case}_train", train)
        write_csv(f"{case}_new", new)
        new = read_csv(f"{case}_new")
        pres = smf.glm(formula, read_csv(f"{case}_train"),
                       family=sm.families.Binomial()).fit()
        frame = pres.get_prediction(new).summary_frame()
        linear = np.asarray(pres.predict(new, which="linear"))
        out["predict"] = {
            "train_args": ["--data", f"{case}_train.csv", "--formula", formula],
            "new_csv": f"{case}_new.csv",
            "keep": keep,
            "names": list(pres.model.exog_names),
            "params": [float(v) for v in pres.params],
            "ids": [str(v) for v in new.loc[frame.index, keep]],
            "mean": [float(v) for v in frame["mean"]],
            "mean_se": [float(v) for v in frame["mean_se"]],
            "mean_ci_lower": [float(v) for v in frame["mean_ci_lower"]],
            "mean_ci_upper": [float(v) for v in frame["mean_ci_upper"]],
            "linpred": [float(v) for v in linear[: len(frame)]] if len(linear) == len(frame)
            else [float(v) for v in pd.Series(linear, index=new.index).loc[frame.index]],
        }
    path = OUT / f"{case}.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{path.relative_to(ROOT)}: {len(out['names'])} columns, "
          f"{out['iterations']} iterations, nobs {out['nobs']}")


PID = ["strong democrat", "weak democrat", "independent democrat", "independent",
       "independent republican", "weak republican", "strong republican"]
OCCUPATION = {1: "student", 2: "farming", 3: "white-collar", 4: "teacher",
              5: "professional", 6: "managerial"}


def main():
    OUT.mkdir(parents=True, exist_ok=True)

    anes = sm.datasets.anes96.load_pandas().data
    anes = pd.DataFrame({
        "vote": anes["vote"].astype(int),
        "TVnews": anes["TVnews"],
        "PID": [PID[int(v)] for v in anes["PID"]],
        "age": anes["age"].astype(int),
        "educ": anes["educ"].astype(int),
        "income": anes["income"],
        "selfLR": anes["selfLR"].astype(int),
    })
    write_csv("anes96", anes)
    f_anes = ("vote ~ TVnews + C(PID, Treatment('independent')) + age*C(educ) "
              "+ income")
    fit_case("anes96", "anes96", f_anes, predict=(700, "id"))

    rng = np.random.default_rng(96)
    na = anes.astype(object)
    for col in ["TVnews", "PID", "income", "selfLR"]:
        rows = rng.choice(len(na), size=25, replace=False)
        na.loc[rows, col] = np.nan
    write_csv("anes96_na", na)
    fit_case("anes96_na", "anes96_na", "vote ~ TVnews + PID + age + income",
             missing="drop")

    fair = sm.datasets.fair.load_pandas().data
    fair = pd.DataFrame({
        "affair": (fair["affairs"] > 0).astype(int),
        "rate_marriage": fair["rate_marriage"],
        "age": fair["age"],
        "yrs_married": fair["yrs_married"],
        "has_children": fair["children"] > 0,
        "religious": fair["religious"],
        "occupation": [OCCUPATION[int(v)] for v in fair["occupation"]],
    })
    write_csv("fair", fair)
    fit_case("fair", "fair",
             "affair ~ rate_marriage + age + yrs_married + has_children"
             " + C(occupation, Treatment(reference='white-collar'))"
             " + rate_marriage:has_children + religious",
             predict=(5000, "id"))

    star = sm.datasets.star98.load_pandas().data
    write_csv("star98", star)
    fit_case("star98", "star98",
             "NABOVE + NBELOW ~ LOWINC + PERASIAN + PERBLACK + PERHISP + PCTCHRT"
             " + PCTYRRND + PERMINTE*AVYRSEXP*AVSALK + PERSPENK*PTRATIO*PCTAF")

    spector = sm.datasets.spector.load_pandas().data
    spector = spector.assign(PSI=spector["PSI"].astype(int),
                             GRADE=spector["GRADE"].astype(int))
    write_csv("spector", spector)
    fit_case("spector", "spector", "GRADE ~ GPA + TUCE + C(PSI) - 1")
    fit_case("spector_c", "spector", "GRADE ~ GPA*C(PSI) + TUCE")
    fit_case("spector_0", "spector", "GRADE ~ 0 + C(PSI) + GPA",
             predict=(24, "id"), net=(42, "sgd", 0.1, 300), k_constant=1)
    fit_case("spector_nc", "spector", "GRADE ~ 0 + GPA + TUCE", k_constant=0)

    mode = sm.datasets.modechoice.load_pandas().data
    names = {1: "air", 2: "train", 3: "bus", 4: "car"}
    mode = pd.DataFrame({
        "choice": mode["choice"].astype(int),
        "mode": [names[int(v)] for v in mode["mode"]],
        "ttme": mode["ttme"],
        "invc": mode["invc"],
        "gc": mode["gc"],
        "hinc": mode["hinc"],
        "psize": mode["psize"].astype(int),
    })
    write_csv("modechoice", mode)
    fit_case("modechoice", "modechoice", "choice ~ mode + ttme + gc + hinc:mode",
             predict=(640, "id"))

    rand = sm.datasets.randhie.load_pandas().data
    health = np.where(rand["hlthp"] == 1, "poor",
                      np.where(rand["hlthf"] == 1, "fair",
                               np.where(rand["hlthg"] == 1, "good", "excellent")))
    rand = pd.DataFrame({
        "visited": (rand["mdvis"] > 0).astype(int),
        "lncoins": rand["lncoins"],
        "idp": rand["idp"] == 1,
        "lpi": rand["lpi"],
        "fmde": rand["fmde"],
        "physlm": rand["physlm"],
        "disea": rand["disea"],
        "health": health,
    })
    rand = rand.iloc[:5000]  # a fifth of the file keeps the fixture small
    write_csv("randhie", rand)
    fit_case("randhie", "randhie",
             "visited ~ lncoins + idp + lpi + fmde + physlm + disea"
             " + C(health, Treatment('excellent')) + idp:C(health, Treatment('excellent'))")


if __name__ == "__main__":
    main()
