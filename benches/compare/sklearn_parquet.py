"""scikit-learn's side of the Parquet comparison (issue 17): end to end, as a user would do it.

    python benches/compare/sklearn_parquet.py FILE.parquet --target y

Times `pandas.read_parquet` + `LogisticRegression().fit` (scikit-learn's defaults: L2, C = 1,
lbfgs, tol 1e-4, max_iter 100) on every row, and prints one JSON line: seconds for the read,
the fit and both, iterations, and the objective C·Σ logloss + ½‖w‖² recomputed from the
coefficients (the scale `logreg train` reports).
"""

import argparse
import json
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--target", required=True)
    a = ap.parse_args()
    t0 = time.perf_counter()
    df = pd.read_parquet(a.data)
    y = df.pop(a.target).to_numpy()
    x = df.to_numpy(dtype=np.float64)
    t1 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression().fit(x, y)
    t2 = time.perf_counter()
    w, b = model.coef_[0], model.intercept_[0]
    z = x @ w + b
    yy = (y == model.classes_[1]).astype(np.float64)
    loss = np.logaddexp(0.0, z) - yy * z
    objective = float(loss.sum() + 0.5 * w @ w)
    print(
        json.dumps(
            {
                "rows": int(x.shape[0]),
                "read_seconds": t1 - t0,
                "fit_seconds": t2 - t1,
                "total_seconds": t2 - t0,
                "iterations": int(model.n_iter_[0]),
                "objective": objective,
                "warnings": [str(c.message).splitlines()[0] for c in caught],
            }
        )
    )


if __name__ == "__main__":
    main()
