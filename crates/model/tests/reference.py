"""Reference values for crates/model/tests/*.rs, from scikit-learn and statsmodels.

Run from the repository root:  python3 crates/model/tests/reference.py
(Only for regenerating the numbers pasted into the tests; the Rust tests never run Python.)
"""
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
import statsmodels.api as sm

df = pd.read_csv("datasets/banknote.csv")
X = df.drop(columns="class").values
y = df["class"].values
Xs = (X - X.mean(0)) / X.std(0)          # population std, as StandardScaler
tight = dict(tol=1e-14, max_iter=10000)

def J(w, b, Xm, yv, sw=None, C=1.0):
    z = Xm @ w + b
    l = np.logaddexp(0, z) - yv * z
    sw = np.ones_like(l) if sw is None else sw
    return C * np.sum(sw * l) + 0.5 * w @ w

def show(name, m, extra=""):
    print(f"{name} coef {m.coef_.tolist()!r} intercept {m.intercept_.tolist()!r} {extra}")

m = LogisticRegression(C=1.0, solver="newton-cholesky", **tight).fit(Xs, y)
show("l2_c1", m, f"J {J(m.coef_.ravel(), m.intercept_[0], Xs, y)!r}")

m = LogisticRegression(C=1.0, class_weight="balanced", solver="newton-cholesky", **tight).fit(Xs, y)
show("balanced", m)

sw = 1.0 + (np.arange(len(y)) % 3)
m = LogisticRegression(C=0.5, solver="newton-cholesky", **tight).fit(Xs, y, sample_weight=sw)
show("weighted_c0.5", m, f"J {J(m.coef_.ravel(), m.intercept_[0], Xs, y, sw, 0.5)!r}")

m = LogisticRegression(C=1.0, fit_intercept=False, solver="newton-cholesky", **tight).fit(Xs, y)
show("no_intercept", m)

y3 = y + (X[:, 2] > 2.0).astype(int)     # three classes: 0, 1, 2
m = LogisticRegression(C=1.0, solver="lbfgs", **tight).fit(Xs, y3)   # multinomial by default
P = m.predict_proba(Xs)
print("multinomial coef", m.coef_.tolist(), "intercept", m.intercept_.tolist())
print("multinomial counts", np.bincount(y3).tolist(), "proba row0", P[0].tolist())
o = OneVsRestClassifier(LogisticRegression(C=1.0, solver="newton-cholesky", **tight)).fit(Xs, y3)
print("ovr coef", [e.coef_.ravel().tolist() for e in o.estimators_],
      "intercept", [e.intercept_[0] for e in o.estimators_], "proba row0", o.predict_proba(Xs)[0].tolist())

r = sm.Logit(y, sm.add_constant(X)).fit(method="newton", tol=1e-14, disp=0)
for k in ("params", "bse", "tvalues", "pvalues"):
    print("statsmodels", k, getattr(r, k).tolist())
print("statsmodels conf_int", r.conf_int().tolist())
