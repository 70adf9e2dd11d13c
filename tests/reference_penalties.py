"""scikit-learn's optima for L1 and elastic-net penalties and for multinomial fits, for
tests/penalties.rs (and the fixtures datasets/iris.csv and datasets/digits.csv it writes).

Run from the repository root:  python3 tests/reference_penalties.py
(Only for regenerating the numbers pasted into the tests; the Rust tests never run Python.)

For L1 and the elastic net each problem is solved exactly (w = u − v, u, v ≥ 0, by scipy's
L-BFGS-B to a projected gradient of 1e-12: coefficients at both bounds are exactly 0) and by
scikit-learn's best (liblinear for L1 with intercept_scaling 1e4, saga for the elastic net; their
tight-tolerance runs did not finish in an hour on bank). J is recomputed from the coefficients with
one formula, C·Σ loss + (1 − ρ)/2‖w‖² + ρ‖w‖₁; the exactly-zero coefficients are listed.
"""
import warnings
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.datasets import load_iris, load_digits
from scipy.optimize import minimize

warnings.filterwarnings("ignore")


def J(w, b, X, y, C, rho):
    z = X @ w + b
    return C * np.sum(np.logaddexp(0, z) - y * z) + (1 - rho) / 2 * w @ w + rho * np.abs(w).sum()


def sklearn_best(X, y, C, rho):
    """scikit-learn's best: liblinear for L1, saga for the elastic net, at tolerances that finish."""
    if rho == 1.0:
        m = LogisticRegression(C=C, penalty="l1", solver="liblinear", intercept_scaling=1e4,
                               tol=1e-8, max_iter=10_000).fit(X, y)
        name = "liblinear"
    else:
        m = LogisticRegression(C=C, penalty="elasticnet", l1_ratio=rho, solver="saga",
                               tol=1e-6, max_iter=10_000).fit(X, y)
        name = "saga"
    return J(m.coef_.ravel(), m.intercept_[0], X, y, C, rho), name


def exact(X, y, C, rho):
    """The optimum to ~1e-12: w = u − v with u, v ≥ 0, a smooth bound-constrained problem solved by
    scipy's L-BFGS-B; coefficients at both bounds are exactly 0."""
    n, d = X.shape

    def f(t):
        u, v, b = t[:d], t[d:2 * d], t[2 * d]
        w = u - v
        z = X @ w + b
        r = C * (1 / (1 + np.exp(-z)) - y)
        gw = X.T @ r + (1 - rho) * w
        val = C * np.sum(np.logaddexp(0, z) - y * z) + (1 - rho) / 2 * w @ w + rho * (u.sum() + v.sum())
        return val, np.concatenate([gw + rho, -gw + rho, [r.sum()]])

    bounds = [(0, None)] * (2 * d) + [(None, None)]
    res = minimize(f, np.zeros(2 * d + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                   options=dict(maxiter=100_000, maxfun=200_000, ftol=1e-16, gtol=1e-12, maxcor=30))
    w = res.x[:d] - res.x[d:2 * d]
    return J(w, res.x[2 * d], X, y, C, rho), w


def report(name, X, y):
    for rho in (1.0, 0.5):
        for C in (0.01, 0.1, 1.0):
            j, w = exact(X, y, C, rho)
            js, solver = sklearn_best(X, y, C, rho)
            zeros = [i for i, v in enumerate(w) if v == 0.0]
            print(f"{name} rho {rho} C {C} J {float(j)!r} zeros {zeros} "
                  f"sklearn {solver} J {float(js)!r}", flush=True)


df = pd.read_csv("datasets/banknote.csv")
X = df.drop(columns="class").values
Xs = (X - X.mean(0)) / X.std(0)
report("banknote", Xs, df["class"].values)

def multinomial_J(m, X, y, C):
    Z = X @ m.coef_.T + m.intercept_
    lse = np.logaddexp.reduce(Z, axis=1)
    return C * np.sum(lse - Z[np.arange(len(y)), y]) + 0.5 * (m.coef_ ** 2).sum()


for name, loader in (("iris", load_iris), ("digits", load_digits)):
    data = loader()
    cols = [f"x{j}" for j in range(data.data.shape[1])] if name == "digits" else \
        ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    frame = pd.DataFrame(data.data, columns=cols)
    frame["species" if name == "iris" else "digit"] = (
        [data.target_names[t] for t in data.target] if name == "iris" else data.target)
    frame.to_csv(f"datasets/{name}.csv", index=False, float_format="%.17g")
    Xm = StandardScaler().fit_transform(data.data)
    m = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(Xm, data.target)
    m2 = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-14, max_iter=100000).fit(Xm, data.target)
    j1, j2 = multinomial_J(m, Xm, data.target, 1.0), multinomial_J(m2, Xm, data.target, 1.0)
    print(f"{name} multinomial L2 C 1 J {min(j1, j2)!r} (newton-cholesky {j1!r}, lbfgs {j2!r})",
          flush=True)

bank = pd.read_csv("datasets/bank.csv")
yb = (bank["deposit"] == "yes").astype(int).values
a = pd.get_dummies(bank.drop(columns=["deposit"]), drop_first=True, dtype=float)
report("bank", StandardScaler().fit_transform(a.values.astype(float)), yb)


