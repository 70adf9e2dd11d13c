"""scikit-learn's optimum on the bank data, for tests/end_to_end.rs.

Run from the repository root:  python3 tests/reference_bank.py
"""
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

def J(X, y, C=1.0):
    m = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, y)
    w, b = m.coef_.ravel(), m.intercept_[0]
    z = X @ w + b
    return C * np.sum(np.logaddexp(0, z) - y * z) + 0.5 * w @ w, m

df = pd.read_csv("datasets/bank.csv")
y = (df["deposit"] == "yes").astype(int).values

# The bank-marketing tutorial's cleaning (45 features).
t = df.copy()
t["age_group"] = pd.cut(t["age"], [18, 25, 35, 45, 55, 65, 100],
                        labels=["18-24", "25-34", "35-44", "45-54", "55-64", "65+"])
t = t.drop(columns=["age", "day", "deposit"])
for c in ["default", "housing", "loan"]:
    t[c] = (t[c] == "yes").astype(int)
t = pd.get_dummies(t, columns=["age_group", "marital", "education", "poutcome", "job", "contact", "month"],
                   drop_first=True, dtype=float)
X = StandardScaler().fit_transform(t.values.astype(float))
j, m = J(X, y)
print("tutorial features", X.shape[1], "J", repr(j), "coef[:3]", m.coef_.ravel()[:3].tolist(), "intercept", m.intercept_[0])

# The CLI's `--one-hot auto --drop-first --standardize` (42 features).
a = pd.get_dummies(df.drop(columns=["deposit"]), drop_first=True, dtype=float)
X2 = StandardScaler().fit_transform(a.values.astype(float))
j2, m2 = J(X2, y)
print("auto features", X2.shape[1], "J", repr(j2), "names", list(a.columns)[:10])
