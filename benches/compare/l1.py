#!/usr/bin/env python3
"""L1 and elastic-net fits side by side: logreg (ours, coordinate-descent Newton) against
scikit-learn (liblinear, saga) and R's glmnet; and a 20-value L1 path with 5-fold
cross-validation against cv.glmnet and scikit-learn's LogisticRegressionCV.

    python3 benches/compare/l1.py                       # every set and C (tens of minutes)
    python3 benches/compare/l1.py --sets banknote,bank --cs 0.1
    python3 benches/compare/l1.py --cv-only

The objective for every system is J = C·Σ logloss_i + (1 − ρ)/2‖w‖² + ρ‖w‖₁ with the intercept
unpenalized, recomputed from each system's coefficients with one float64 formula; the gap column
is (J − J*)/J* against the best J anyone reached, and `zeros` counts coefficients that are exactly
0. Mappings: scikit-learn `LogisticRegression(C, penalty, l1_ratio)`; liblinear penalizes the
intercept, so it runs with intercept_scaling = 100 (its intercept penalty, |b|/100, is then small;
1e4 made it take minutes on bank) at tol 1e-6; saga at tol 1e-6 (tighter runs take hours). glmnet: `lambda = 1/(C·n)`, `alpha = ρ`,
`standardize = FALSE`, `thresh = 1e-10` (its objective is ours divided by C·n).

Data: compare_fit writes banknote, bank and `make_logistic(200 000, 50, 1)` (dense) and
`make_sparse_logistic(200 000, 50 000, 75, 42)` (sparse; glmnet gets a dgCMatrix, scikit-learn a
CSR matrix). Needs numpy, scipy and scikit-learn (installed into target/compare/venv when missing)
and R with glmnet (`apt-get install r-cran-glmnet`, run when Rscript or glmnet is missing and we
are root). Each fit runs in its own process and times the fit alone, median of up to 3 runs.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402  (the data files, the build, the machine description)

SETS = {
    "banknote": compare.SETS["banknote"][0],
    "bank": compare.SETS["bank"][0],
    "synth-200k": compare.SETS["synth-200k"][0],
    "sparse-200k": ["sparse-bin", "--n", "200000", "--d", "50000", "--nnz", "75", "--seed", "42"],
}

R_FIT = r"""
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]; C <- as.numeric(args[2]); rho <- as.numeric(args[3]); repeats <- as.integer(args[4])
suppressMessages(library(glmnet)); suppressMessages(library(Matrix))
con <- file(path, "rb"); magic <- rawToChar(readBin(con, "raw", 8))
if (magic == "LOGREGD1") {
  nd <- readBin(con, "integer", 2, size = 8); n <- nd[1]; d <- nd[2]
  x <- matrix(readBin(con, "double", n * d, size = 8), nrow = n, byrow = TRUE)
} else {
  h <- readBin(con, "integer", 3, size = 8); n <- h[1]; d <- h[2]; nnz <- h[3]
  p <- readBin(con, "integer", n + 1, size = 8)
  j <- readBin(con, "integer", nnz, size = 4)
  v <- readBin(con, "double", nnz, size = 8)
  x <- sparseMatrix(i = rep(seq_len(n), diff(p)), j = j + 1, x = v, dims = c(n, d))
}
y <- readBin(con, "double", n, size = 8); close(con)
mode <- if (length(args) >= 5) args[5] else "fit"
times <- c()
if (mode == "fit") {
  for (k in seq_len(repeats)) {
    t <- system.time(m <- glmnet(x, y, family = "binomial", lambda = 1 / (C * n), alpha = rho,
                                 standardize = FALSE, thresh = 1e-10, maxit = 1e6))[["elapsed"]]
    times <- c(times, t); if (sum(times) > 30) break
  }
  b <- as.numeric(coef(m)); cat(sprintf('{"times": [%s], "intercept": %.17g, "coef": [%s]}\n',
    paste(times, collapse = ","), b[1], paste(sprintf("%.17g", b[-1]), collapse = ",")))
} else {
  cs <- as.numeric(strsplit(args[6], ",")[[1]]); lambda <- sort(1 / (cs * n), decreasing = TRUE)
  for (k in seq_len(repeats)) {
    t <- system.time(m <- cv.glmnet(x, y, family = "binomial", lambda = lambda, alpha = 1,
                                    nfolds = 5, standardize = FALSE, type.measure = "deviance"))[["elapsed"]]
    times <- c(times, t); if (sum(times) > 60) break
  }
  cat(sprintf('{"times": [%s], "lambda_min": %.17g, "lambda_1se": %.17g}\n',
    paste(times, collapse = ","), m$lambda.min, m$lambda.1se))
}
"""


def J(x, y, w, b, c, rho):
    import numpy as np

    w = np.asarray(w, dtype=np.float64)
    z = x @ w + b
    loss = float(np.sum(np.logaddexp(0.0, z) - y * z))
    return c * loss + 0.5 * (1 - rho) * float(w @ w) + rho * float(np.abs(w).sum())


def load_any(path):
    import numpy as np

    with open(path, "rb") as f:
        magic = f.read(8)
    if magic == compare.MAGIC:
        return compare.load(path)
    import scipy.sparse as sp

    with open(path, "rb") as f:
        f.read(8)
        n, d, nnz = np.frombuffer(f.read(24), dtype="<u8").astype(np.int64)
        indptr = np.frombuffer(f.read(8 * (n + 1)), dtype="<u8").astype(np.int64)
        indices = np.frombuffer(f.read(4 * nnz), dtype="<u4").astype(np.int32)
        values = np.frombuffer(f.read(8 * nnz), dtype="<f8")
        y = np.frombuffer(f.read(8 * n), dtype="<f8").copy()
    return sp.csr_matrix((values, indices, indptr), shape=(n, d)), y


def sklearn_worker(a):
    import warnings

    import numpy as np
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV

    x, y = load_any(a.data)
    y = y.astype(np.int64)
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(a.repeats):
            if a.solver == "cv":
                cs = [float(c) for c in a.cs_list.split(",")]
                m = LogisticRegressionCV(Cs=cs, cv=5, penalty="l1", solver="liblinear",
                                         scoring="neg_log_loss")
            elif a.solver == "liblinear":
                m = LogisticRegression(C=a.c, penalty="l1", solver="liblinear",
                                       intercept_scaling=100.0, tol=1e-6, max_iter=100_000)
            else:
                m = LogisticRegression(C=a.c, penalty="l1" if a.rho == 1 else "elasticnet",
                                       l1_ratio=None if a.rho == 1 else a.rho, solver="saga",
                                       tol=1e-6, max_iter=100_000)
            start = time.perf_counter()
            m.fit(x, y)
            times.append(time.perf_counter() - start)
            if sum(times) > 60 or times[-1] > 20:
                break
    out = {"times": times}
    if a.solver == "cv":
        out["best_c"] = float(m.C_[0])
    else:
        out.update(intercept=float(m.intercept_[0]), coef=m.coef_.ravel().tolist())
    print(json.dumps(out))


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if p.returncode != 0:
        lines = (p.stderr.strip() or "(no message)").splitlines()
        return {"error": f"exit {p.returncode}: {lines[-1][:200]}"}
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": f"unreadable output {p.stdout[-200:]!r}"}


def ensure_r():
    ok = shutil.which("Rscript") and subprocess.run(
        ["Rscript", "-e", "library(glmnet)"], capture_output=True).returncode == 0
    if ok:
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("[setup] installing R's glmnet: apt-get install r-cran-glmnet", flush=True)
        subprocess.run(["apt-get", "update", "-q"], capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "r-cran-glmnet"], capture_output=True)
        return subprocess.run(["Rscript", "-e", "library(glmnet)"],
                              capture_output=True).returncode == 0
    print("[setup] R's glmnet is missing (apt-get install r-cran-glmnet): glmnet rows skipped")
    return False


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--cs", default="0.01,0.1,1")
    ap.add_argument("--rhos", default="1,0.5")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--systems", default="ours,liblinear,saga,glmnet")
    ap.add_argument("--skip", default="", help="cv: leave out the bank cross-validation rows")
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--data-dir", default=os.path.join(compare.TARGET, "compare-data"))
    ap.add_argument("--out", default=os.path.join(compare.OUT_DIR, "l1.md"))
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--solver", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--c", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--rho", type=float, default=1.0, help=argparse.SUPPRESS)
    ap.add_argument("--cs-list", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        sklearn_worker(a)
        return 0
    try:
        import numpy  # noqa: F401
        import scipy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        python = os.path.join(compare.VENV, "bin", "python")
        if os.environ.get("LOGREG_L1_REEXEC"):
            raise compare.Failure("numpy, scipy and scikit-learn do not import")
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", compare.VENV], check=True)
        compare.run_pip([python, "-m", "pip", "install", "--quiet", "numpy", "scipy",
                         "scikit-learn"])
        os.execve(python, [python, os.path.abspath(__file__)] + argv,
                  dict(os.environ, LOGREG_L1_REEXEC="1"))
    have_r = ensure_r()
    if not (a.skip_build and os.path.exists(compare.COMPARE_FIT)):
        print("[build] cargo build --release --example compare_fit", flush=True)
        subprocess.run(["cargo", "build", "--release", "--example", "compare_fit"],
                       cwd=compare.ROOT, check=True)
    os.makedirs(a.data_dir, exist_ok=True)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    r_script = os.path.join(compare.OUT_DIR, "glmnet_fit.R")
    with open(r_script, "w") as f:
        f.write(R_FIT)
    me = [sys.executable, os.path.abspath(__file__), "--worker"]
    lines = ["# L1 and elastic net side by side", "",
             f"`python3 benches/compare/l1.py {' '.join(argv)}`, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
             f"{os.getloadavg()[0]:.2f} at the start.", ""] + compare.machine_info() + [""]
    cs = [float(c) for c in a.cs.split(",")]
    rhos = [float(r) for r in a.rhos.split(",")]
    for name in [s for s in a.sets.split(",") if s]:
        if a.cv_only and name != "bank":
            continue
        print(f"\n[data] {name}", flush=True)
        path, n, d = compare.generate(name, SETS[name], a.data_dir)
        x, y = load_any(path)
        if a.cv_only or (name == "bank" and "cv" not in a.skip):
            ours = run([compare.COMPARE_FIT, "cv", "--data", path, "--cs", "20", "--folds", "5",
                        "--repeats", str(a.repeats)], a.timeout)
            rows = [("logreg (ours), path + 5-fold CV + refit", ours)]
            if "cs" in ours:
                grid = ",".join(repr(c) for c in ours["cs"])
                if have_r:
                    rows.append(("cv.glmnet, same 20 λ, 5 folds", run(
                        ["Rscript", r_script, path, "1", "1", str(a.repeats), "cv", grid],
                        a.timeout)))
                rows.append(("LogisticRegressionCV liblinear, same 20 C", run(
                    me + ["--solver", "cv", "--data", path, "--cs-list", grid], a.timeout)))
            lines += [f"## {name}: 20-value L1 path, 5-fold CV", "",
                      "| system | median s | runs | choice |", "|---|---|---|---|"]
            for label, r in rows:
                if "error" in r:
                    lines.append(f"| {label} | {r['error']} | | |")
                    continue
                choice = {k: r[k] for k in ("best_c", "one_se_c", "lambda_min", "lambda_1se",
                                            "best_log_loss", "grid_best_log_loss") if k in r}
                lines.append(f"| {label} | {statistics.median(r['times']):.3f} | "
                             f"{len(r['times'])} | {json.dumps(choice)} |")
            lines.append("")
            print("\n".join(lines[-len(rows) - 4:]), flush=True)
            if a.cv_only:
                continue
        lines += [f"## {name} ({n} × {d})", "",
                  "| ρ | C | system | median s | runs | J | gap | zeros |",
                  "|---|---|---|---|---|---|---|---|"]
        for rho in rhos:
            for c in cs:
                results = [("ours (coordinate descent)", run(
                    [compare.COMPARE_FIT, "fit-l1", "--data", path, "--c", repr(c), "--l1-ratio",
                     repr(rho), "--repeats", str(a.repeats)], a.timeout))]
                systems = set(a.systems.split(","))
                if rho == 1 and "liblinear" in systems:
                    results.append(("scikit-learn liblinear", run(
                        me + ["--solver", "liblinear", "--data", path, "--c", repr(c)], a.timeout)))
                if "saga" in systems:
                    results.append(("scikit-learn saga", run(
                        me + ["--solver", "saga", "--data", path, "--c", repr(c), "--rho",
                              repr(rho)], a.timeout)))
                if have_r and "glmnet" in systems:
                    g = run(["Rscript", r_script, path, repr(c), repr(rho), str(a.repeats)],
                            a.timeout)
                    results.append(("glmnet", g))
                js = {}
                for label, r in results:
                    if "coef" in r:
                        js[label] = J(x, y, r["coef"], r["intercept"], c, rho)
                best = min(js.values()) if js else float("nan")
                for label, r in results:
                    if "error" in r:
                        lines.append(f"| {rho} | {c} | {label} | {r['error']} | | | | |")
                        continue
                    j = js[label]
                    zeros = sum(1 for v in r["coef"] if v == 0.0)
                    lines.append(f"| {rho} | {c} | {label} | {statistics.median(r['times']):.4f} | "
                                 f"{len(r['times'])} | {j:.12g} | {(j - best) / best:.1e} | {zeros} |")
                print("\n".join(lines[-len(results):]), flush=True)
        lines.append("")
        del x, y
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"\nwrote {a.out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except compare.Failure as e:
        print(f"l1.py: {e}", file=sys.stderr)
        sys.exit(1)
