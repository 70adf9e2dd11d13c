"""scikit-learn's optima for L1 and elastic-net penalties and for multinomial fits, for
tests/penalties.rs (and the fixtures datasets/iris.csv and datasets/digits.csv it writes).

Run from the repository root:  python3 tests/reference_penalties.py
(Only for regenerating the numbers pasted into the tests; the Rust tests never run Python.)

For each problem the best of saga (tol 1e-12) and liblinear (intercept_scaling 1e4, whose penalty
on the intercept is then negligible) is taken, J is recomputed from the coefficients with one
formula, C·Σ loss + (1 − ρ)/2‖w‖² + ρ‖w‖₁, and the indices of the exactly-zero coefficients are
printed.
"""
import warnings
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.datasets import load_iris, load_digits

warnings.filterwarnings("ignore")


def J(w, b, X, y, C, rho):
    z = X @ w + b
    return C * np.sum(np.logaddexp(0, z) - y * z) + (1 - rho) / 2 * w @ w + rho * np.abs(w).sum()


def best(X, y, C, rho):
    fits = []
    penalty = "l1" if rho == 1.0 else "elasticnet"
    m = LogisticRegression(C=C, penalty=penalty, l1_ratio=rho if rho < 1 else None,
                           solver="saga", tol=1e-12, max_iter=1_000_000).fit(X, y)
    fits.append(("saga", m.coef_.ravel(), m.intercept_[0]))
    if rho == 1.0:
        m = LogisticRegression(C=C, penalty="l1", solver="liblinear", intercept_scaling=1e4,
                               tol=1e-12, max_iter=1_000_000).fit(X, y)
        fits.append(("liblinear", m.coef_.ravel(), m.intercept_[0]))
    scored = [(J(w, b, X, y, C, rho), name, w, b) for name, w, b in fits]
    return min(scored, key=lambda t: t[0])


def report(name, X, y):
    for rho in (1.0, 0.5):
        for C in (0.01, 0.1, 1.0):
            j, solver, w, b = best(X, y, C, rho)
            zeros = [i for i, v in enumerate(w) if v == 0.0]
            print(f"{name} rho {rho} C {C} J {j!r} ({solver}) zeros {zeros}")


df = pd.read_csv("datasets/banknote.csv")
X = df.drop(columns="class").values
Xs = (X - X.mean(0)) / X.std(0)
report("banknote", Xs, df["class"].values)

bank = pd.read_csv("datasets/bank.csv")
yb = (bank["deposit"] == "yes").astype(int).values
a = pd.get_dummies(bank.drop(columns=["deposit"]), drop_first=True, dtype=float)
report("bank", StandardScaler().fit_transform(a.values.astype(float)), yb)


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
    print(f"{name} multinomial L2 C 1 J {min(j1, j2)!r} (newton-cholesky {j1!r}, lbfgs {j2!r})")
