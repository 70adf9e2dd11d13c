"""Reference values for crates/model/tests/statistics/ (and the CLI's tests of the same controls),
from statsmodels, scipy and scikit-learn.

Run from the repository root:  python3 crates/model/tests/statistics_reference.py
(Only for regenerating the numbers pasted into the tests; the Rust tests never run Python.)

The first run writes datasets/claims.csv (seeded); later runs read the committed file, so the
numbers always describe the data the tests read.

Conventions checked here:
- Weights are frequency weights: statsmodels' GLM(..., family=Binomial(), freq_weights=w). Every
  statistic equals that of the data with row i repeated w_i times: log-likelihood Σ w_i ℓ_i,
  nobs = Σ w_i in BIC, the sandwich's meat Σ w_i r_i² x_i x_iᵀ. (statsmodels' Logit takes no
  weights; without weights GLM and Logit agree.)
- HC1 = HC0 · nobs / (nobs − p), as statsmodels' sandwich_covariance.cov_white_simple(res,
  use_correction=True) and R's sandwich::vcovHC(type = "HC1"). statsmodels' Logit/GLM
  fit(cov_type="HC1") currently returns HC0 unchanged (no results attribute cov_HC1), which is
  printed below to show it.
"""
import os
import numpy as np, pandas as pd
import statsmodels.api as sm
from statsmodels.stats import sandwich_covariance as sw
from scipy import stats, special
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

PATH = "datasets/claims.csv"
if not os.path.exists(PATH):
    rng = np.random.default_rng(16)
    n = 800
    age = rng.integers(18, 81, n)
    power = rng.integers(4, 16, n)
    urban = rng.integers(0, 2, n)
    policies = rng.integers(1, 5, n)
    exposure = np.round(rng.uniform(0.05, 1.0, n), 3)
    log_exposure = np.round(np.log(exposure), 6)
    z = -0.8 - 0.025 * (age - 45) + 0.12 * (power - 9) + 0.5 * urban + log_exposure
    claim = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    pd.DataFrame(dict(age=age, power=power, urban=urban, policies=policies,
                      log_exposure=log_exposure, claim=claim)).to_csv(PATH, index=False)

df = pd.read_csv(PATH)
features = ["age", "power", "urban"]
X = df[features].values.astype(float)
Xc = np.column_stack([X, np.ones(len(X))])       # intercept last, as the library orders it
y = df["claim"].values.astype(float)
w = df["policies"].values.astype(float)
o = df["log_exposure"].values
np.set_printoptions(precision=17)
r17 = lambda v: [float(repr_) for repr_ in np.atleast_1d(v)]

def show(name, v):
    print(f"{name} = {np.atleast_1d(v).tolist()!r}")

def hc1_of(res, nobs):
    p = res.params.shape[0]
    return np.sqrt(np.diag(res.cov_params()) * nobs / (nobs - p))

print("# rows", len(df), "positives", int(y.sum()), "weight sum", w.sum())

# 1. Unweighted with an offset: statsmodels' Logit.
res = sm.Logit(y, Xc, offset=o).fit(method="newton", tol=1e-15, maxiter=100, disp=0)
print("\n## Logit(y, X, offset=log_exposure)")
show("params", res.params)
show("bse", res.bse)
for k in ("llf", "llnull", "llr", "llr_pvalue", "aic", "bic", "prsquared", "df_model"):
    show(k, getattr(res, k))
show("deviance (-2 llf)", -2 * res.llf)
h0 = sm.Logit(y, Xc, offset=o).fit(method="newton", tol=1e-15, maxiter=100, disp=0, cov_type="HC0")
show("bse_hc0", h0.bse)
h1 = sm.Logit(y, Xc, offset=o).fit(method="newton", tol=1e-15, maxiter=100, disp=0, cov_type="HC1")
show("statsmodels fit(cov_type='HC1').bse (= HC0)", h1.bse)
show("bse_hc1 (cov_white_simple(use_correction=True))",
     np.sqrt(np.diag(sw.cov_white_simple(h0, use_correction=True))))
show("conf_int_hc0 low", h0.conf_int()[:, 0])
show("pvalues_hc0", h0.pvalues)

# 2. Frequency weights and an offset: GLM Binomial with freq_weights.
g = sm.GLM(y, Xc, family=sm.families.Binomial(), freq_weights=w, offset=o)
gr = g.fit(tol=1e-15, maxiter=200)
print("\n## GLM(y, X, Binomial, freq_weights=policies, offset=log_exposure)")
show("params", gr.params)
show("bse", gr.bse)
show("llf", gr.llf)
show("llnull", gr.llnull)
llr = 2 * (gr.llf - gr.llnull)
show("llr", llr)
show("llr_pvalue chi2.sf(llr, df_model)", stats.chi2.sf(llr, gr.df_model))
show("aic", gr.aic)
show("bic_llf (log(sum w))", gr.bic_llf)
show("pseudo_rsquared mcf", gr.pseudo_rsquared("mcf"))
show("deviance", gr.deviance)
show("null_deviance", gr.null_deviance)
g0 = g.fit(tol=1e-15, maxiter=200, cov_type="HC0")
show("bse_hc0", g0.bse)
show("bse_hc1 (· W/(W-p), W = sum w)", hc1_of(g0, w.sum()))
# The weighted statistics equal those of the data with every row repeated w_i times.
rep = np.repeat(np.arange(len(y)), w.astype(int))
er = sm.Logit(y[rep], Xc[rep], offset=o[rep]).fit(method="newton", tol=1e-15, disp=0, cov_type="HC0")
show("expanded Logit llf", er.llf)
show("expanded Logit bic", er.bic)
show("expanded Logit bse_hc0", er.bse)

# 3. Frequency weights without offset, no intercept (df_model = p - 1 as statsmodels counts).
gn = sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-15)
print("\n## GLM freq_weights, no intercept, no offset")
show("params", gn.params)
show("llf", gn.llf)
show("llnull", gn.llnull)
show("aic", gn.aic)
show("df_model", gn.df_model)

# 4. Weighted L2 (C = 0.5) on standardized features: scikit-learn's objective.
Xs = StandardScaler().fit_transform(X)
C = 0.5
m = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-14, max_iter=10000).fit(Xs, y, sample_weight=w)
zz = Xs @ m.coef_.ravel() + m.intercept_[0]
J = C * np.sum(w * (np.logaddexp(0, zz) - y * zz)) + 0.5 * m.coef_.ravel() @ m.coef_.ravel()
print("\n## scikit-learn L2 C=0.5, sample_weight=policies, standardized")
show("coef", m.coef_.ravel())
show("intercept", m.intercept_)
show("J", J)

# 5. Multinomial with class_weight balanced (banknote, three classes, as reference.py).
bn = pd.read_csv("datasets/banknote.csv")
Xb = bn.drop(columns="class").values
Xbs = (Xb - Xb.mean(0)) / Xb.std(0)
y3 = bn["class"].values + (Xb[:, 2] > 2.0).astype(int)
mm = LogisticRegression(C=1.0, class_weight="balanced", solver="lbfgs", tol=1e-14, max_iter=10000).fit(Xbs, y3)
print("\n## scikit-learn multinomial, class_weight balanced, banknote three classes")
show("coef", mm.coef_)
show("intercept", mm.intercept_)

# 6. statsmodels MNLogit on the same three classes (unpenalized; raw features), HC0 too.
mn = sm.MNLogit(y3, np.column_stack([Xb, np.ones(len(Xb))])).fit(method="newton", tol=1e-15, maxiter=100, disp=0)
print("\n## MNLogit banknote three classes (reference class 0), intercept last")
show("params (column per class 1, 2)", mn.params.T)
show("bse", mn.bse.T)
for k in ("llf", "llnull", "llr", "llr_pvalue", "aic", "bic", "prsquared", "df_model"):
    show(k, getattr(mn, k))
mn0 = sm.MNLogit(y3, np.column_stack([Xb, np.ones(len(Xb))])).fit(method="newton", tol=1e-15, maxiter=100, disp=0, cov_type="HC0")
show("bse_hc0", mn0.bse.T)

# 7. The chi-square survival function and the regularized upper incomplete gamma function.
print("\n## gammaincc(a, x) and chi2.sf(x, k)")
for a, x in [(0.5, 0.1), (0.5, 3.0), (1.0, 1e-5), (2.5, 2.5), (3.0, 40.0), (10.0, 5.0),
             (10.0, 30.0), (50.0, 45.0), (50.0, 300.0), (150.0, 1e-3), (500.0, 520.0),
             (1.5, 700.0), (4000.0, 4100.0)]:
    print(f"gammaincc({a}, {x}) = {special.gammaincc(a, x)!r}")
for x, k in [(3.84, 1), (0.0, 3), (100.0, 2), (1500.0, 3), (12.0, 7), (1e-8, 1)]:
    print(f"chi2.sf({x}, {k}) = {stats.chi2.sf(x, k)!r}")
for v in [0.5, 1.0, 1.5, 3.0, 10.5, 100.0, 1e-3, 171.5, 1e5]:
    print(f"gammaln({v}) = {special.gammaln(v)!r}")
