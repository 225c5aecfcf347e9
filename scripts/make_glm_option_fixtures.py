#!/usr/bin/env python3
"""Write the GLM option fixtures in tests/fixtures/glm/options/ (binomial
counts in tests/fixtures/glm/counts/).

Why: `logreg glm` takes links, weights, an offset, robust covariances and a
saved model for `logreg predict`. The tests compare the binary with what this
script records from statsmodels (and, for HC1-HC3, from an independent numpy
computation of the textbook formulas), so every expected number comes from
here, not from the Rust code. Conventions as in scripts/make_glm_fixtures.py:
each CSV is written here and read back with pandas before fitting, the
versions are recorded, `args` are the `logreg glm` arguments giving the same
fit, and the summary text is made with the clock frozen at SOURCE_DATE_EPOCH
(1764288000, UTC).

Run from the repository root (no build needed):

    ~/.cache/logreg/venv/bin/python scripts/make_glm_option_fixtures.py

Data (all bundled with statsmodels, no download):
  modechoice.csv      statsmodels.datasets.modechoice (Greene): 210 travellers
                      x 4 modes = 840 rows; `choice` (1 = mode chosen) on
                      ttme, invc, hinc, psize; `individual` is the cluster.
                      Two added columns: `vw`, synthetic survey weights
                      (numpy default_rng(14).uniform(0.5, 2), 3 decimals),
                      and `off` = -0.002 * invt, the in-vehicle time effect
                      held fixed as an offset.
  anes96_counts.csv   statsmodels.datasets.anes96 (944 voters) as a frequency
                      table: one row per distinct (PID, selfLR, educ, vote),
                      `count` = how many voters (243 rows).
  star98.csv          statsmodels.datasets.star98 (303 California school
                      districts): NABOVE and NBELOW, the students above
                      and below the national median, on 20 regressors.
  counts_small.csv    synthetic binomial counts (see small_counts).
  modechoice_new.csv  new data for `predict`: a what-if grid of 24 rows, the
                      columns in another order (psize, id, hinc, off, invc,
                      ttme); `id` is an extra column that predict ignores.

Cases (one JSON each; `args` are relative to this folder):
  link_<name>         logit, probit, cloglog, loglog, cauchy on modechoice
                      (`--link NAME`; no flag for logit), default covariance
  freq_weights        anes96_counts with `--freq-weights count` and no
                      --features: the weight column is not a feature (the
                      other cases name their features, as modechoice.csv
                      has columns no flag names). The script asserts the
                      fit equals the unweighted fit on the 944 expanded
                      rows (see "conventions" below).
  var_weights         modechoice, `--var-weights vw`
  offset              modechoice, `--offset off`
  combined            modechoice, cloglog + var weights + offset, alpha 0.1
  cov_<type>          modechoice logit with `--cov-type TYPE` for nonrobust,
                      HC0, HC1, HC2, HC3, and cluster (`--groups individual`)
  cov_HC3_var_weights modechoice logit, `--var-weights vw --cov-type HC3`
                      (textbook, p_i = vw_i; its HC0 is asserted equal to
                      statsmodels' HC0 with var_weights)
  cov_HC0_freq_weights anes96_counts, `--freq-weights count --cov-type
                      HC0`: statsmodels' numbers, asserted equal to HC0 on
                      the expanded rows (a freq weight is repeated rows:
                      M = sum f_i s_i s_i' with s_i one row's score, not
                      f_i^2; no textbook HC1-HC3 is recorded for it)
  cov_HC0_probit      modechoice probit, HC0: statsmodels' bread is the
                      OBSERVED information here (see "Covariance" below)
  predict_logit       link_logit's fit, predictions on modechoice_new.csv
  predict_offset      probit with `--offset off`, predictions on
                      modechoice_new.csv with its `off` column, alpha 0.1
  (in tests/fixtures/glm/counts/:)
  counts_star98       binomial counts: star98 (statsmodels' own GLM
                      example), `--target NABOVE --failures NBELOW`, every
                      other column a feature, as sm.GLM(df[["NABOVE",
                      "NBELOW"]], X, family=Binomial()) (see check_counts
                      for the conventions asserted)
  counts_star98_HC1   the same with `--cov-type HC1` (textbook, p_i = n_i)
  counts_small        counts_small.csv (see small_counts): cloglog, an
                      offset, `--missing drop` dropping the row with a
                      missing count

JSON format (keys of scripts/make_glm_fixtures.py kept, so the existing Rust
`Fixture` reads these files too; new keys added):
  case, about, versions, csv, target, features, maxiter, alpha, args,
  source_date_epoch, names, params, bse, tvalues, pvalues, conf_int
  ([low, high] per parameter, at `alpha`), llf, llnull, deviance,
  null_deviance, pearson_chi2, aic, bic (= statsmodels' `bic`, which is
  `bic_llf` in 0.15), prsquared_cs, prsquared_mcf, df_model, df_resid, nobs,
  iterations (fit_history['iteration']), converged, deviance_history
  (fit_history['deviance'] without its leading inf), statsmodels_warnings,
  summary (statsmodels' summary(alpha=alpha).as_text()).
  New: link (the --link value, "logit" ...), link_statsmodels (the class name
  the summary prints, "Logit", "CLogLog" ...), freq_weights, var_weights,
  offset, groups (column names or null), cov_type ("nonrobust", "HC0", ...,
  "cluster", as statsmodels and --cov-type spell it), cov_source
  ("statsmodels" or "textbook": where bse ... conf_int, cov_params and the
  summary's table come from), cov_params (k x k, row-major lists), scale,
  bic_llf, bic_deviance, wnobs (sum of the freq weights; rows without),
  failures (the failures column of binomial counts; only in counts cases),
  fittedvalues (mean per CSV row; null when the CSV has more than 300 rows,
  except for `combined`, kept for the fit/save/predict round trip).
  nobs and df_resid are integers when integral (always, for these cases).
  Cases with a cov_type other than nonrobust add `by_source`:
  {"statsmodels": {...}, "textbook": {...}} (textbook for HC0-HC3 without
  freq weights), each with cov_params, bse, tvalues, pvalues, conf_int;
  HC1-HC3 add `statsmodels_hc_equals_hc0: true` (checked, see below).
  Prediction cases add `prediction`: {csv, alpha, offset (column or null),
  args (the `logreg predict` arguments after --model), columns
  ["mean", "mean_se", "mean_ci_lower", "mean_ci_upper", "linpred"], and one
  list per column, one value per row of the new CSV}. mean..mean_ci_upper
  are res.get_prediction(exog, offset=...).summary_frame(alpha); linpred is
  res.predict(exog, offset=..., which="linear"). Checked by hand: with
  se = sqrt(x' C x) (C = cov_params, x with the const), mean = F(linpred),
  mean_se = F'(linpred) se (delta method), and the interval is made on the
  linear scale and mapped: F(linpred -+ Phi^-1(1 - alpha/2) se), F the
  inverse link.

statsmodels' conventions for weights (asserted below, on these fits; the
Rust side must follow them):
  freq_weights f: nobs = ROWS (the summary's "No. Observations" too), but
    wnobs = sum(f) and df_resid = sum(f) - k (the summary's "Df
    Residuals"); llf, deviance and pearson_chi2 are sums of f_i times the
    row's term; aic = -2 llf + 2 k; bic (= bic_llf) = -2 llf + k log(sum
    f); bic_deviance = deviance - df_resid log(sum f); prsquared_cs = 1 -
    exp(2 (llnull - llf) / nobs) with nobs = ROWS (so it differs from the
    expanded data's). params, bse, llf, deviance, pearson_chi2, aic, bic,
    bic_deviance and df_resid equal the unweighted fit of the data with
    each row repeated f_i times (asserted).
  var_weights v: nobs = wnobs = rows; df_resid = rows - k; llf = sum v_i
    (y_i log mu_i + (1 - y_i) log(1 - mu_i)) for 0/1 y; deviance and
    pearson_chi2 are sums of v_i times the row's term; aic = -2 llf + 2 k;
    bic = -2 llf + k log(rows); bic_deviance = deviance - df_resid
    log(rows); prsquared_cs as above with nobs = rows.
  (k = number of parameters, const included; df_model = k - 1.)

Covariance (scale is 1 for the binomial):
  nonrobust  statsmodels' normalized_cov_params (pinv of the final WLS).
  HC0        statsmodels: B M B with M = sum s_i s_i', s_i the score of row
             i at the estimate, B = inverse of the OBSERVED information at
             the estimate. For the logit (canonical) link observed =
             expected information, and the script asserts that statsmodels'
             HC0 equals the textbook HC0 below; for probit they differ
             (cov_HC0_probit records both; expected = statsmodels').
  HC1-HC3    statsmodels 0.15 returns HC0's numbers for a GLM (asserted;
             `statsmodels_hc_equals_hc0: true`). The expected values are the
             textbook ones (R's sandwich::vcovHC on a glm), computed here in
             numpy: B = (X'WX)^-1, W = diag(w_i), w_i = p_i (dmu/deta)^2 /
             V(mu); s_i = p_i x_i (y_i - mu_i) (dmu/deta)_i / V(mu_i), p_i the
             prior (var) weight, 1 without; h_ii = w_i x_i' B x_i (the diagonal
             of W^1/2 X B X' W^1/2); HC0 = B (sum s_i s_i') B; HC1 = n/(n-k)
             HC0; HC2 and HC3 divide s_i s_i' by (1 - h_ii) and (1 - h_ii)^2.
             Their summary text is statsmodels' summary() with the results'
             covariance replaced by the textbook matrix. R is not installed
             here (no rpy2), so the R cross-check was skipped.
  cluster    statsmodels' cov_type="cluster", cov_kwds={"groups": g}, with
             its default correction G/(G-1) (n-1)/(n-k) (n = rows, G
             groups): B (sum_g S_g S_g') B c, S_g the sum of group g's
             scores (asserted against numpy for the logit case).
  bse = sqrt(diag), z = params / bse, p = 2 (1 - Phi(|z|)), CI = params -+
  Phi^-1(1 - alpha/2) bse.
"""
import json
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.api as sm
import statsmodels.iolib.summary as sm_summary
from scipy import stats as sps

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "glm" / "options"
COUNTS = ROOT / "tests" / "fixtures" / "glm" / "counts"
SOURCE_DATE_EPOCH = 1764288000
# Rows above which fittedvalues are not stored (fixture size).
MAX_FITTED_ROWS = 300
# Two computations of one quantity in float64 by different routes (numpy's
# formula against statsmodels' code, expanded rows against weights) agree
# to rounding: a relative 1e-9 leaves room for the IRLS stopping point.
RTOL_SAME = 1e-9

LINKS = {
    "logit": sm.families.links.Logit,
    "probit": sm.families.links.Probit,
    "cloglog": sm.families.links.CLogLog,
    "loglog": sm.families.links.LogLog,
    "cauchy": sm.families.links.Cauchy,
}
MODE_FEATURES = ["ttme", "invc", "hinc", "psize"]
PREDICT_COLUMNS = ["mean", "mean_se", "mean_ci_lower", "mean_ci_upper", "linpred"]


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
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
    }


def write_csv(name, df, folder=OUT):
    # pandas writes floats with repr(): shortest round-trip, full precision.
    df.to_csv(folder / name, index=False, lineterminator="\n")


def floats(a):
    return [float(v) for v in np.asarray(a).ravel()]


def matrix(a):
    return [floats(row) for row in np.asarray(a)]


def whole(v):
    """An integral float as int (the Rust fixture reads nobs as usize)."""
    v = float(v)
    assert v == round(v), v
    return int(round(v))


def close(what, got, want, rtol=RTOL_SAME):
    got, want = np.asarray(got, float), np.asarray(want, float)
    scale = np.maximum(np.abs(got), np.abs(want))
    bad = np.abs(got - want) > rtol * scale + 1e-300
    assert not bad.any(), f"{what}: {got} vs {want}"


def inference(params, cov, alpha):
    """bse, z, p and the CI from a covariance matrix, as statsmodels does."""
    bse = np.sqrt(np.diag(cov))
    z = params / bse
    p = 2 * sps.norm.sf(np.abs(z))
    q = sps.norm.ppf(1 - alpha / 2)
    return {
        "cov_params": matrix(cov),
        "bse": floats(bse),
        "tvalues": floats(z),
        "pvalues": floats(p),
        "conf_int": [[float(a), float(b)] for a, b in zip(params - q * bse, params + q * bse)],
    }


def textbook_hc(res, X, y, prior):
    """HC0-HC3 as R's sandwich::vcovHC on a glm, from X, y and the fit's mu."""
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    mu = np.asarray(res.fittedvalues, float)
    link = res.model.family.link
    dmu = 1.0 / link.deriv(mu)  # dmu/deta
    var = mu * (1 - mu)
    w = prior * dmu**2 / var
    bread = np.linalg.inv(X.T @ (w[:, None] * X))
    s = (prior * (y - mu) * dmu / var)[:, None] * X
    h = w * np.einsum("ij,jk,ik->i", X, bread, X)
    n, k = X.shape

    def sandwich(scale_rows):
        meat = (s * scale_rows[:, None]).T @ s
        return bread @ meat @ bread

    hc0 = sandwich(np.ones(n))
    return {
        "HC0": hc0,
        "HC1": n / (n - k) * hc0,
        "HC2": sandwich(1 / (1 - h)),
        "HC3": sandwich(1 / (1 - h) ** 2),
    }


def check_cluster(res, X, y, groups):
    """statsmodels' cluster covariance against numpy (logit, no weights)."""
    X = np.asarray(X, float)
    mu = np.asarray(res.fittedvalues, float)
    bread = np.linalg.inv(X.T @ ((mu * (1 - mu))[:, None] * X))
    s = (np.asarray(y, float) - mu)[:, None] * X
    labels, idx = np.unique(groups, return_inverse=True)
    sums = np.zeros((len(labels), X.shape[1]))
    np.add.at(sums, idx, s)
    n, k, g = X.shape[0], X.shape[1], len(labels)
    c = g / (g - 1) * (n - 1) / (n - k)
    close("cluster vs numpy", res.cov_params(), c * bread @ sums.T @ sums @ bread)


def fit(df, target, features, link="logit", fw=None, vw=None, off=None,
        cov_type="nonrobust", groups=None, fails=None):
    # Binomial counts: the two-column endog (successes, failures).
    y = df[[target, fails]] if fails else df[target]
    X = sm.add_constant(df[features])
    kw = {}
    if fw is not None:
        kw["freq_weights"] = df[fw]
    if vw is not None:
        kw["var_weights"] = df[vw]
    if off is not None:
        kw["offset"] = df[off]
    model = sm.GLM(y, X, family=sm.families.Binomial(link=LINKS[link]()), **kw)
    fit_kw = {"cov_type": cov_type}
    if groups is not None:
        fit_kw["cov_kwds"] = {"groups": df[groups]}
    return model.fit(maxiter=100, **fit_kw), X, y


def check_conventions(res, df, fw, vw):
    """statsmodels' nobs/df_resid/llf/aic/bic conventions for weights."""
    k = len(res.params)
    f = df[fw].to_numpy(float) if fw else np.ones(len(df))
    v = df[vw].to_numpy(float) if vw else np.ones(len(df))
    y = res.model.endog
    mu = res.fittedvalues.to_numpy()
    n = f.sum()
    assert res.nobs == len(df) and res.model.wnobs == n
    assert res.df_resid == n - k and res.df_model == k - 1
    close("llf", res.llf, np.sum(f * v * (y * np.log(mu) + (1 - y) * np.log1p(-mu))))
    close("pearson_chi2", res.pearson_chi2, np.sum(f * v * (y - mu) ** 2 / (mu * (1 - mu))))
    close("aic", res.aic, -2 * res.llf + 2 * k)
    close("bic", res.bic, -2 * res.llf + k * np.log(n))
    close("bic_llf", res.bic_llf, res.bic)
    close("bic_deviance", res.bic_deviance, res.deviance - res.df_resid * np.log(n))
    close("prsquared_cs", res.pseudo_rsquared(kind="cs"),
          -np.expm1(2 * (res.llnull - res.llf) / len(df)))


def check_counts(res, df, target, fails, link, off):
    """statsmodels' conventions for binomial counts (successes s, failures
    f, trials n = s + f, proportion y = s / n): nobs = wnobs = ROWS and
    df_resid = rows - k (not the trials); llf = sum(log C(n, s) + s log mu +
    f log(1 - mu)); deviance and pearson_chi2 are sums of n_i times the
    0/1 row's term at y_i. params and bse equal the fit of the proportions
    with var_weights = n; params, llf - sum log C(n, s) and the deviance
    equal the 0/1 fit of the rows expanded to one per trial (deviance
    aside: the expanded deviance differs, as the issue's star98 numbers
    show, and is not compared)."""
    from scipy.special import gammaln
    k = len(res.params)
    s_, f_ = df[target].to_numpy(float), df[fails].to_numpy(float)
    n = s_ + f_
    mu = res.fittedvalues.to_numpy()
    y = s_ / n
    assert res.nobs == len(df) and res.model.wnobs == len(df)
    assert res.df_resid == len(df) - k
    logc = gammaln(n + 1) - gammaln(s_ + 1) - gammaln(f_ + 1)
    close("counts llf", res.llf, np.sum(logc + s_ * np.log(mu) + f_ * np.log1p(-mu)))
    close("counts pearson", res.pearson_chi2, np.sum(n * (y - mu) ** 2 / (mu * (1 - mu))))
    # The three fits compared run to a tight tolerance, so that their
    # stopping points do not differ by more than rounding.
    X = sm.add_constant(df[[c for c in res.params.index if c != "const"]])
    fam = sm.families.Binomial(link=LINKS[link]())
    kw = {"offset": df[off]} if off else {}
    tight = sm.GLM(df[[target, fails]], X, family=fam, **kw).fit(tol=1e-14)
    close("counts: tight fit's params", res.params, tight.params, 1e-5)
    fam = sm.families.Binomial(link=LINKS[link]())
    prop = sm.GLM(y, X, family=fam, var_weights=n, **kw).fit(tol=1e-14)
    close("counts vs proportions with var_weights: params", tight.params, prop.params)
    close("counts vs proportions with var_weights: bse", tight.bse, prop.bse)
    rows = np.repeat(np.arange(len(df)), n.astype(int))
    ones = np.concatenate([np.r_[np.ones(int(a)), np.zeros(int(b))] for a, b in zip(s_, f_)])
    kw = {"offset": df[off].to_numpy()[rows]} if off else {}
    full = sm.GLM(ones, X.to_numpy()[rows], family=sm.families.Binomial(link=LINKS[link]()),
                  **kw).fit(tol=1e-14)
    close("counts vs expanded rows: params", tight.params.to_numpy(), full.params)
    close("counts vs expanded rows: llf", tight.llf - np.sum(logc), full.llf)


def record(case, csv, df, target, features, args, link="logit", fw=None, vw=None,
           off=None, cov_type="nonrobust", groups=None, alpha=0.05, keep_fitted=False,
           fails=None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res, X, y = fit(df, target, features, link, fw, vw, off, cov_type, groups, fails)
        if fails:
            check_counts(res, df, target, fails, link, off)
            trials = (df[target] + df[fails]).to_numpy(float)
            y = df[target].to_numpy(float) / trials
        else:
            check_conventions(res, df, fw, vw)
        params = res.params.to_numpy()
        by_source = {"statsmodels": inference(params, res.cov_params().to_numpy(), alpha)}
        cov_source = "statsmodels"
        extra = {}
        if cov_type.startswith("HC"):
            prior = df[vw].to_numpy(float) if vw else np.ones(len(df))
            if fails:
                prior = prior * trials
            assert fw is None or cov_type == "HC0", "no textbook HC1-HC3 with freq weights"
            hc = textbook_hc(res, X, y, prior)
            sm_hc0, _, _ = fit(df, target, features, link, fw, vw, off, "HC0", fails=fails)
            if fw is None:
                by_source["textbook"] = inference(params, hc[cov_type], alpha)
            if link == "logit" and fw is None and fails:
                # star98's design is ill-conditioned: the two routes agree to
                # rounding on the scale of the matrix, not entry by entry.
                diff = np.abs(hc["HC0"] - sm_hc0.cov_params().to_numpy()).max()
                assert diff <= RTOL_SAME * np.abs(hc["HC0"]).max(), f"{case}: HC0 {diff}"
            elif link == "logit" and fw is None:
                close(f"{case}: textbook HC0 vs statsmodels", hc["HC0"], sm_hc0.cov_params())
            if cov_type != "HC0":
                same = np.array_equal(res.cov_params().to_numpy(), sm_hc0.cov_params().to_numpy())
                assert same, f"{case}: statsmodels' {cov_type} is no longer HC0's"
                extra["statsmodels_hc_equals_hc0"] = True
                cov_source = "textbook"
                # The summary with the textbook covariance in place.
                res._results.cov_params_default = hc[cov_type]
                res._results._cache.clear()
                close(f"{case}: summary's bse", res.bse, by_source["textbook"]["bse"], 0)
        if cov_type == "cluster":
            check_cluster(res, X, y, df[groups].to_numpy())
        chosen = by_source[cov_source]
        summary = res.summary(alpha=alpha).as_text()
        stats = dict(
            llf=res.llf, llnull=res.llnull, deviance=res.deviance,
            null_deviance=res.null_deviance, pearson_chi2=res.pearson_chi2,
            aic=res.aic, bic=res.bic, bic_llf=res.bic_llf, bic_deviance=res.bic_deviance,
            prsquared_cs=res.pseudo_rsquared(kind="cs"),
            prsquared_mcf=res.pseudo_rsquared(kind="mcf"),
            scale=res.scale,
        )
    caught_msgs = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    out = {
        "case": case,
        "about": "statsmodels GLM Binomial reference with model options; "
                 "see scripts/make_glm_option_fixtures.py",
        "versions": versions(),
        "csv": csv,
        "target": target,
        "features": list(features),
        "maxiter": 100,
        "alpha": alpha,
        "args": list(args),
        "source_date_epoch": SOURCE_DATE_EPOCH,
        "link": link,
        "link_statsmodels": type(res.model.family.link).__name__,
        "freq_weights": fw,
        "var_weights": vw,
        "offset": off,
        "groups": groups,
        **({"failures": fails} if fails else {}),
        "cov_type": cov_type,
        "cov_source": cov_source,
        "names": list(X.columns),
        "params": floats(params),
        "bse": chosen["bse"],
        "tvalues": chosen["tvalues"],
        "pvalues": chosen["pvalues"],
        "conf_int": chosen["conf_int"],
        "cov_params": chosen["cov_params"],
        **{k: float(v) for k, v in stats.items()},
        "df_model": whole(res.df_model),
        "df_resid": whole(res.df_resid),
        "nobs": whole(res.nobs),
        "wnobs": whole(res.model.wnobs),
        "iterations": int(res.fit_history["iteration"]),
        "converged": bool(res.converged),
        "deviance_history": floats(res.fit_history["deviance"][1:]),
        "statsmodels_warnings": caught_msgs,
        "fittedvalues": (floats(res.fittedvalues)
                         if keep_fitted or len(df) <= MAX_FITTED_ROWS else None),
        **extra,
    }
    if cov_type != "nonrobust" or "textbook" in by_source:
        out["by_source"] = by_source
    out["summary"] = summary
    return out, res


def prediction(res, new_csv, features, off, alpha):
    new = pd.read_csv(OUT / new_csv)
    exog = sm.add_constant(new[features], has_constant="add")
    offset = new[off].to_numpy(float) if off else None
    frame = res.get_prediction(exog, offset=offset).summary_frame(alpha=alpha)
    linpred = res.predict(exog, offset=offset, which="linear")
    assert list(frame.columns) == PREDICT_COLUMNS[:4], frame.columns
    cols = {c: floats(frame[c]) for c in PREDICT_COLUMNS[:4]}
    cols["linpred"] = floats(linpred)
    # The frame by hand: the delta method for mean_se, and the interval
    # made on the linear scale and mapped through the inverse link.
    link = res.model.family.link
    x = exog.to_numpy(float)
    se_lin = np.sqrt(np.einsum("ij,jk,ik->i", x, res.cov_params().to_numpy(), x))
    q = sps.norm.ppf(1 - alpha / 2)
    lin = np.asarray(linpred)
    close("mean", cols["mean"], link.inverse(lin))
    close("mean_se", cols["mean_se"], se_lin * link.inverse_deriv(lin))
    close("mean_ci_lower", cols["mean_ci_lower"], link.inverse(lin - q * se_lin))
    close("mean_ci_upper", cols["mean_ci_upper"], link.inverse(lin + q * se_lin))
    args = ["--data", new_csv] + (["--alpha", repr(alpha)] if alpha != 0.05 else [])
    return {"csv": new_csv, "alpha": alpha, "offset": off, "args": args,
            "columns": PREDICT_COLUMNS, **cols}


def write(out, folder=OUT):
    path = folder / f"{out['case']}.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{path.relative_to(ROOT)}: {out['iterations']} iterations, "
          f"converged={out['converged']}, warnings={out['statsmodels_warnings']}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    feats = ["--features", ",".join(MODE_FEATURES)]

    # Data.
    mode = sm.datasets.modechoice.load_pandas().data
    mode = mode[["individual"] + MODE_FEATURES + ["invt", "choice"]].copy()
    mode["individual"] = mode["individual"].astype(int)
    mode["vw"] = np.round(np.random.default_rng(14).uniform(0.5, 2.0, len(mode)), 3)
    mode["off"] = -0.002 * mode.pop("invt")
    write_csv("modechoice.csv", mode[["individual"] + MODE_FEATURES + ["vw", "off", "choice"]])

    anes = sm.datasets.anes96.load_pandas().data
    table_cols = ["PID", "selfLR", "educ", "vote"]
    counts = anes.groupby(table_cols).size().rename("count").reset_index()
    write_csv("anes96_counts.csv", counts)

    grid = pd.MultiIndex.from_product(
        [[0.0, 30.0, 60.0], [10.0, 60.0], [20.0, 50.0], [1.0, 3.0]],
        names=["ttme", "invc", "hinc", "psize"]).to_frame(index=False)
    grid["off"] = -0.002 * np.array([120.0, 400.0, 900.0] * 8)
    grid["id"] = np.arange(1, len(grid) + 1)
    write_csv("modechoice_new.csv", grid[["psize", "id", "hinc", "off", "invc", "ttme"]])

    mode = pd.read_csv(OUT / "modechoice.csv")
    counts = pd.read_csv(OUT / "anes96_counts.csv")
    m_args = ["--data", "modechoice.csv", "--target", "choice"]

    # Links.
    for link in LINKS:
        link_args = [] if link == "logit" else ["--link", link]
        out, _ = record(f"link_{link}", "modechoice.csv", mode, "choice", MODE_FEATURES,
                        m_args + feats + link_args, link=link)
        write(out)

    # Weights and offset.
    feat3 = ["PID", "selfLR", "educ"]
    out, res = record("freq_weights", "anes96_counts.csv", counts, "vote", feat3,
                      ["--data", "anes96_counts.csv", "--target", "vote",
                       "--freq-weights", "count"], fw="count")
    expanded = counts.loc[counts.index.repeat(counts["count"])].reset_index(drop=True)
    full, _, _ = fit(expanded, "vote", feat3)
    assert full.nobs == res.model.wnobs == len(anes) and res.nobs == len(counts)
    for attr in ["params", "bse", "llf", "deviance", "pearson_chi2", "aic", "bic",
                 "bic_deviance", "df_resid"]:
        close(f"freq weights vs expanded rows: {attr}", getattr(res, attr), getattr(full, attr))
    write(out)

    out, _ = record("var_weights", "modechoice.csv", mode, "choice", MODE_FEATURES,
                    m_args + feats + ["--var-weights", "vw"], vw="vw")
    write(out)
    out, res_off = record("offset", "modechoice.csv", mode, "choice", MODE_FEATURES,
                          m_args + feats + ["--offset", "off"], off="off")
    write(out)
    out, _ = record("combined", "modechoice.csv", mode, "choice", MODE_FEATURES,
                    m_args + feats + ["--link", "cloglog", "--var-weights", "vw",
                                      "--offset", "off", "--alpha", "0.1"],
                    link="cloglog", vw="vw", off="off", alpha=0.1, keep_fitted=True)
    write(out)

    # Covariance types.
    for cov in ["nonrobust", "HC0", "HC1", "HC2", "HC3"]:
        out, _ = record(f"cov_{cov}", "modechoice.csv", mode, "choice", MODE_FEATURES,
                        m_args + feats + ["--cov-type", cov], cov_type=cov)
        write(out)
    out, _ = record("cov_cluster", "modechoice.csv", mode, "choice", MODE_FEATURES,
                    m_args + feats + ["--cov-type", "cluster", "--groups", "individual"],
                    cov_type="cluster", groups="individual")
    write(out)
    out, _ = record("cov_HC3_var_weights", "modechoice.csv", mode, "choice", MODE_FEATURES,
                    m_args + feats + ["--var-weights", "vw", "--cov-type", "HC3"],
                    vw="vw", cov_type="HC3")
    write(out)
    out, res = record("cov_HC0_freq_weights", "anes96_counts.csv", counts, "vote", feat3,
                      ["--data", "anes96_counts.csv", "--target", "vote",
                       "--freq-weights", "count", "--cov-type", "HC0"],
                      fw="count", cov_type="HC0")
    full, _, _ = fit(expanded, "vote", feat3, cov_type="HC0")
    close("freq weights vs expanded rows: HC0", res.cov_params(), full.cov_params())
    write(out)
    out, _ = record("cov_HC0_probit", "modechoice.csv", mode, "choice", MODE_FEATURES,
                    m_args + feats + ["--link", "probit", "--cov-type", "HC0"],
                    link="probit", cov_type="HC0")
    write(out)

    # Prediction.
    out, res = record("predict_logit", "modechoice.csv", mode, "choice", MODE_FEATURES,
                      m_args + feats)
    out["prediction"] = prediction(res, "modechoice_new.csv", MODE_FEATURES, None, 0.05)
    write(out)
    out, res = record("predict_offset", "modechoice.csv", mode, "choice", MODE_FEATURES,
                      m_args + feats + ["--link", "probit", "--offset", "off"],
                      link="probit", off="off")
    out["prediction"] = prediction(res, "modechoice_new.csv", MODE_FEATURES, "off", 0.1)
    write(out)

    # Binomial counts.
    COUNTS.mkdir(parents=True, exist_ok=True)
    star = sm.datasets.star98.load_pandas().data
    write_csv("star98.csv", star, COUNTS)
    star = pd.read_csv(COUNTS / "star98.csv")
    star_x = [c for c in star.columns if c not in ("NABOVE", "NBELOW")]
    s_args = ["--data", "star98.csv", "--target", "NABOVE", "--failures", "NBELOW"]
    out, _ = record("counts_star98", "star98.csv", star, "NABOVE", star_x, s_args,
                    fails="NBELOW")
    write(out, COUNTS)
    out, _ = record("counts_star98_HC1", "star98.csv", star, "NABOVE", star_x,
                    s_args + ["--cov-type", "HC1"], fails="NBELOW", cov_type="HC1")
    write(out, COUNTS)
    write_csv("counts_small.csv", small_counts(), COUNTS)
    small = pd.read_csv(COUNTS / "counts_small.csv")
    kept = small.dropna().reset_index(drop=True)
    out, _ = record("counts_small", "counts_small.csv", kept, "s", ["x1", "x2"],
                    ["--data", "counts_small.csv", "--target", "s", "--failures", "f",
                     "--features", "x1,x2", "--offset", "off", "--link", "cloglog",
                     "--missing", "drop"],
                    link="cloglog", off="off", fails="f")
    write(out, COUNTS)


def small_counts():
    """counts_small.csv: 40 rows of binomial counts from numpy's
    default_rng(24): x1 ~ N(0, 1), x2 ~ U(0, 2) (3 decimals), trials 1-12,
    an offset, successes drawn from a cloglog model; rows with no successes
    or no failures among them, and one row whose failures are missing
    (NA), which --missing drop drops (so does statsmodels' fit here, on the
    rows left)."""
    rng = np.random.default_rng(24)
    n = 40
    x1 = np.round(rng.normal(0, 1, n), 3)
    x2 = np.round(rng.uniform(0, 2, n), 3)
    off = np.round(rng.uniform(-0.5, 0.5, n), 3)
    trials = rng.integers(1, 13, n)
    eta = -0.4 + 0.8 * x1 - 0.5 * x2 + off
    p = -np.expm1(-np.exp(eta))
    s_ = rng.binomial(trials, p)
    f_ = (trials - s_).astype(float)
    f_[7] = np.nan
    df = pd.DataFrame({"x1": x1, "s": s_, "x2": x2, "f": f_, "off": off})
    assert (df.s == 0).any() and (df.f == 0).any()
    df["f"] = df["f"].astype("Int64")
    return df


if __name__ == "__main__":
    main()
