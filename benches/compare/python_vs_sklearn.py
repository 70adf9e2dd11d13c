#!/usr/bin/env python3
"""The Python package `logreg` against scikit-learn's LogisticRegression, in one process, on the
same numpy arrays.

Run with a Python that has `logreg` installed (crates/python/tests/run.sh builds one under
target/python-venv), from anywhere:

    target/python-venv/bin/python benches/compare/python_vs_sklearn.py            # synth-1m, bank
    target/python-venv/bin/python benches/compare/python_vs_sklearn.py --sets synth-200k,banknote

Each data set is written once by `compare_fit gen` (the same seeded files compare.py uses, built
with `cargo build --release --example compare_fit` when missing) and loaded into one C-contiguous
float64 array, which `logreg` borrows without a copy. Every system fits the same objective
C * sum(log_loss) + 0.5 * |w|^2 with C = 1 and an unpenalized intercept; the timed call is
`estimator.fit(X, y)` (input validation included, as a user sees it), median of --runs runs.
J is recomputed for every fit with one formula (compare.objective), and the relative gap to the
best J is printed beside the time: a speed-up only counts at equal objective (gap <= 1e-6).
The Rust library's own fit (`compare_fit fit`, the program compare.py times; data already in
memory, validation not timed) runs in a subprocess in the same run, so the cost of the Python
layer shows beside it.
The load average is printed before and after; on a shared machine, compare ratios from one run.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402  (load, objective, generate, SETS: one definition of each)


def fit_times(make, x, y, runs):
    times, model = [], None
    for _ in range(runs):
        m = make()
        start = time.perf_counter()
        m.fit(x, y)
        times.append(time.perf_counter() - start)
        model = m
    return times, model


def rust_fit(path, solver, runs):
    """Times of the Rust library's own fit of the same file (compare_fit), and its model."""
    import json

    import numpy as np

    out = subprocess.run(
        [compare.COMPARE_FIT, "fit", "--data", path, "--solver", solver, "--repeats", str(runs)],
        capture_output=True, text=True, check=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["times"], np.array(r["coef"]), float(r["intercept"]), int(r["iterations"])


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="synth-1m,bank", help="comma-separated, from: " + ", ".join(compare.SETS))
    ap.add_argument("--runs", type=int, default=3, help="fits per system (median reported)")
    args = ap.parse_args(argv)

    import numpy as np
    import sklearn
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression
    from threadpoolctl import threadpool_info

    import logreg

    if not os.path.exists(compare.COMPARE_FIT):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "compare_fit"], cwd=compare.ROOT, check=True)
    data_dir = os.path.join(compare.TARGET, "compare-data")
    os.makedirs(data_dir, exist_ok=True)

    blas = "; ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads, {i.get('architecture')})" for i in threadpool_info())
    print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, {blas}")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    tol = compare.SKLEARN_TOL
    systems = [
        ("logreg", "lbfgs", lambda: logreg.LogisticRegression(solver="lbfgs")),
        ("logreg", "auto", lambda: logreg.LogisticRegression()),
        ("scikit-learn", f"lbfgs tol={tol:g}", lambda: SkLogisticRegression(solver="lbfgs", tol=tol, max_iter=10_000)),
        ("scikit-learn", f"newton-cholesky tol={tol:g}", lambda: SkLogisticRegression(solver="newton-cholesky", tol=tol, max_iter=1000)),
    ]
    for name in args.sets.split(","):
        spec = compare.SETS[name][0]
        path, n, d = compare.generate(name, spec, data_dir)
        x, y = compare.load(path)
        y = y.astype(np.int64)
        rows = []
        for system, solver, make in systems:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                times, m = fit_times(make, x, y, args.runs)
            j = compare.objective(x, y, m.coef_.ravel(), float(m.intercept_[0]))
            rows.append((system, solver, statistics.median(times), min(times), int(np.ravel(m.n_iter_)[0]), j))
        for solver in ("lbfgs", "auto"):
            times, coef, intercept, it = rust_fit(path, solver, args.runs)
            j = compare.objective(x, y, coef, intercept)
            rows.append(("logreg, Rust (compare_fit)", solver, statistics.median(times), min(times), it, j))
        best_j = min(r[5] for r in rows)
        ours = min(r[2] for r in rows if r[0] == "logreg" and (r[5] - best_j) / abs(best_j) <= compare.GAP_LIMIT)
        theirs = min(r[2] for r in rows if r[0] == "scikit-learn" and (r[5] - best_j) / abs(best_j) <= compare.GAP_LIMIT)
        print(f"\n{name} ({n} x {d}), median of {args.runs} fits, seconds:")
        print(f"| system | solver | median | fastest | iterations | J | gap to best J |")
        print(f"|---|---|---|---|---|---|---|")
        for system, solver, med, fastest, it, j in rows:
            print(f"| {system} | {solver} | {med:.3f} | {fastest:.3f} | {it} | {j:.10g} | {(j - best_j) / abs(best_j):.1e} |")
        rust = min(r[2] for r in rows if r[0].startswith("logreg, Rust"))
        print(f"speed-up (scikit-learn's fastest median / ours, both at gap <= {compare.GAP_LIMIT:g}): {theirs / ours:.1f}x")
        print(f"the Rust library alone: {theirs / rust:.1f}x (the Python layer adds {ours - rust:.3f} s to the fastest median)")
    print(f"\nload average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main(sys.argv[1:])
