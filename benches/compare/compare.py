#!/usr/bin/env python3
"""Side-by-side fit times: logreg (ours) against scikit-learn, linfa-logistic and smartcore.

Run from anywhere:

    python3 benches/compare/compare.py            # every data set (takes several minutes)
    python3 benches/compare/compare.py --quick    # banknote and bank only (a smoke check)
    python3 benches/compare/compare.py --sets synth-200k,wide-10k --synthetic 50000x20

What it does:
1. Makes sure numpy and scikit-learn import; if not, installs them into a virtual environment
   under target/compare/venv (or, without the venv module, into the user site) and re-runs itself
   there. Builds our example (`cargo build --release --example compare_fit`) and the separate
   Rust project benches/compare/others (linfa-logistic, smartcore; its own Cargo.lock, built with
   --locked into target/compare/others-target).
2. Writes each data set once with `compare_fit gen` (our seeded `make_logistic`, banknote
   standardized with the population std, bank through `bank_marketing_pipeline()`) to a raw
   little-endian file under target/compare-data; every system reads that same file.
3. Fits every system on it with the same objective J(w, b) = C * sum(logloss_i) + 0.5 * |w|^2,
   C = 1, intercept unpenalized, timing the fit only (data already in memory): median of several
   runs (5, or 3 on the 1M set; a system stops repeating after one run longer than 10 s or once
   its runs took --budget seconds, and the `runs` column says how many were made). Before each
   system it waits (--wait-idle) until no other process keeps the CPUs busy, measures the CPU
   time others used while it ran, runs it again (--retries) if that was more than 0.15 cores, and
   marks the row if it still was.
4. Recomputes J for every system from its returned coefficients with one formula
   (sum of softplus(z) - y*z, softplus via logaddexp, plus 0.5 * w.w, in float64), and prints one
   table per data set: fit seconds, runs, iterations, J, relative gap to the best J anyone
   reached, and time / our fastest time. Rows with a gap above 1e-6 are marked. The tables are
   also written to target/compare/results.md (and the raw numbers to results.json).

Nothing here runs under `cargo test` or CI: it needs Python and a few minutes of two idle cores.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
TARGET = os.path.join(ROOT, "target")
OUT_DIR = os.path.join(TARGET, "compare")
VENV = os.path.join(OUT_DIR, "venv")
OTHERS = os.path.join(HERE, "others")
OTHERS_TARGET = os.path.join(OUT_DIR, "others-target")
COMPARE_FIT = os.path.join(TARGET, "release", "examples", "compare_fit")
COMPARE_OTHERS = os.path.join(OTHERS_TARGET, "release", "compare-others")
MAGIC = b"LOGREGD1"
GAP_LIMIT = 1e-6  # a relative gap above this: "did not reach the optimum"
SKLEARN_TOL = 1e-10  # lbfgs (projected-gradient tol) and newton-cholesky, on sklearn's scaled loss
SPARSE_SKLEARN_TOL = 1e-6  # the sparse set: a tolerance scikit-learn's solvers finish at
LINFA_TOL = 1e-6  # gradient-norm tolerance of linfa's L-BFGS, on the summed objective

# name -> (how to make it, runs for the median, is it small)
SETS = {
    "synth-1m": (["synthetic", "--n", "1000000", "--d", "50", "--seed", "1"], 3, False),
    "synth-200k": (["synthetic", "--n", "200000", "--d", "50", "--seed", "1"], 5, False),
    # Issue 22: correlated columns (more L-BFGS iterations), fitted from a column-major DMatrix
    # through the facade's `fit(&DMatrix, &y)`, the conversion to rows timed with the fit.
    "corr-1m": (["synthetic", "--n", "1000000", "--d", "50", "--seed", "1", "--rho", "0.5"], 3,
                False),
    "wide-10k": (["synthetic", "--n", "10000", "--d", "1000", "--seed", "1"], 5, False),
    "banknote": (["banknote", "--csv", os.path.join(ROOT, "datasets", "banknote.csv")], 5, True),
    "bank": (["bank", "--csv", os.path.join(ROOT, "datasets", "bank.csv")], 5, True),
    # Issue 22: sparse, shaped like RCV1; written as libsvm text (about 0.4 GB), read as CSR.
    "rcv1-like": (["sparse", "--n", "200000", "--d", "50000", "--nnz", "75", "--seed", "1"], 3,
                  False),
    # Issue 21: raw, badly conditioned dense sets (logreg_model::datasets, seeds of the tests).
    # Not in --quick: scikit-learn's lbfgs needs thousands of iterations on unscaled columns.
    "scaled-copies": (["scaled-copies"], 5, False),
    "wide-scales": (["wide-scales"], 5, False),
    "near-collinear": (["near-collinear"], 5, False),
    "far-from-zero": (["far-from-zero"], 5, False),
}
DMATRIX = {"corr-1m"}  # ours fits through `fit(&DMatrix, &y)` (compare_fit --input dmatrix)
SPARSE = {"rcv1-like"}  # libsvm data: CSR on every side; linfa and smartcore take dense only
# Sets where our default must reach scikit-learn's newton-cholesky at tol 1e-12 within 1e-9
# (issue 21), stricter than GAP_LIMIT: that reference runs as an extra scikit-learn row.
STRICT = {"scaled-copies", "wide-scales", "near-collinear", "far-from-zero"}
STRICT_TOL = 1e-12
STRICT_GAP = 1e-9
AUTO_LIMIT = 1.5  # issue 21: auto takes at most this times our fastest solver
DESCRIBE = {
    "synth-1m": "synthetic `make_logistic(1 000 000, 50, seed 1)`",
    "synth-200k": "synthetic `make_logistic(200 000, 50, seed 1)`",
    "corr-1m": "synthetic `make_logistic_correlated(1 000 000, 50, ρ 0.5, seed 1)`; ours through "
               "`fit(&DMatrix, &y)`, the copy to rows included",
    "wide-10k": "synthetic wide `make_logistic(10 000, 1 000, seed 1)`",
    "banknote": "banknote (1 372 × 4), standardized with the population std",
    "bank": "bank marketing (11 162 × 45) through `bank_marketing_pipeline()`",
    "rcv1-like": "sparse like RCV1, `make_sparse_logistic(200 000, 50 000, 75, seed 1)`, libsvm "
                 "→ CSR",
    "scaled-copies": "`make_scaled_copies(seed 1)`: 64 pixel counts 0–16 and 20 copies ×1000",
    "wide-scales": "`make_wide_scales(seed 2)`: column scales 10⁻³…10³",
    "near-collinear": "`make_near_collinear(seed 3)`: 90 columns = one of 30 + 1e-6 noise",
    "far-from-zero": "`make_far_from_zero(seed 4)`: every feature N(50, 1)",
}


class Failure(Exception):
    """A step failed; the message says which and what to do."""


# ---------------------------------------------------------------------------------------------
# Setup: Python packages and the two Rust binaries.


def ensure_python_packages(allow_install):
    """Import numpy and scikit-learn, installing them (venv under target/, else user site) and
    re-running this script under that interpreter when they are missing."""
    try:
        import numpy  # noqa: F401
        import sklearn  # noqa: F401

        return
    except ImportError as e:
        missing = str(e)
    if not allow_install:
        raise Failure(f"{missing}; install numpy and scikit-learn (or drop --no-install)")
    if os.environ.get("LOGREG_COMPARE_REEXEC"):
        raise Failure(f"{missing} even after installing them into {sys.executable}")
    print(f"[setup] {missing}: installing scikit-learn and numpy", flush=True)
    python = os.path.join(VENV, "bin", "python")
    try:
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        run_pip([python, "-m", "pip", "install", "--quiet", "scikit-learn", "numpy"])
    except (subprocess.CalledProcessError, OSError) as e:
        print(f"[setup] a virtual environment under {VENV} did not work ({e}); "
              "trying `pip install --user`", flush=True)
        python = sys.executable
        run_pip([python, "-m", "pip", "install", "--quiet", "--user", "scikit-learn", "numpy"])
    env = dict(os.environ, LOGREG_COMPARE_REEXEC="1")
    os.execve(python, [python, os.path.abspath(__file__)] + sys.argv[1:], env)


def run_pip(cmd):
    """Run one pip command, turning a failure into a message with pip's last lines."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        tail = "\n".join((p.stdout + p.stderr).strip().splitlines()[-15:])
        raise Failure(f"`{' '.join(cmd)}` failed (exit {p.returncode}):\n{tail}\n"
                      "Install scikit-learn and numpy by hand into the Python that runs this "
                      "script, then run it again.")


def build(skip, others=True):
    """Build compare_fit (in the workspace) and, when linfa or smartcore runs (`others`),
    compare-others (its own project, --locked)."""
    if shutil.which("cargo") is None:
        raise Failure("cargo is not on PATH: install Rust (https://rustup.rs) and run again")
    steps = [
        ("our example compare_fit",
         ["cargo", "build", "--release", "--example", "compare_fit"], ROOT, COMPARE_FIT),
        ("benches/compare/others (linfa-logistic, smartcore)",
         ["cargo", "build", "--release", "--locked", "--target-dir", OTHERS_TARGET],
         OTHERS, COMPARE_OTHERS),
    ][:2 if others else 1]
    for what, cmd, cwd, binary in steps:
        if skip and os.path.exists(binary):
            continue
        print(f"[build] {what}: {' '.join(cmd)}", flush=True)
        start = time.time()
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        if p.returncode != 0:
            tail = "\n".join(p.stderr.strip().splitlines()[-25:])
            raise Failure(f"building {what} failed (exit {p.returncode}) in {cwd}:\n{tail}")
        print(f"[build] done in {time.time() - start:.0f} s", flush=True)


# ---------------------------------------------------------------------------------------------
# Data files.


def load(path, n_features=None):
    """(X row-major float64 n×d, y float64 0/1) from a compare_fit data file; from a libsvm file
    (`.svm`), X is a scipy.sparse CSR matrix with `n_features` columns."""
    import numpy as np

    if path.endswith(".svm"):
        from sklearn.datasets import load_svmlight_file

        x, y = load_svmlight_file(path, n_features=n_features, dtype=np.float64)
        x = x.tocsr()
        # liblinear and saga accept only 32-bit indices; the loader may give 64-bit ones.
        if x.nnz < 2**31:
            x.indices = x.indices.astype(np.int32)
            x.indptr = x.indptr.astype(np.int32)
        return x, np.asarray(y, dtype=np.float64)

    with open(path, "rb") as f:
        header = f.read(24)
    if len(header) != 24 or header[:8] != MAGIC:
        raise Failure(f"{path}: not a compare_fit data file")
    n, d = np.frombuffer(header[8:], dtype="<u8")
    n, d = int(n), int(d)
    if os.path.getsize(path) != 24 + 8 * (n * d + n):
        raise Failure(f"{path}: header says {n} x {d}, which does not match the file size")
    x = np.fromfile(path, dtype="<f8", count=n * d, offset=24).reshape(n, d)
    y = np.fromfile(path, dtype="<f8", count=n, offset=24 + 8 * n * d)
    return np.ascontiguousarray(x, dtype=np.float64), y.astype(np.float64)


def objective(x, y, w, b):
    """J(w, b) = sum(softplus(z) - y*z) + 0.5 * w.w with C = 1, in float64 (x dense or
    scipy.sparse: never densified)."""
    import numpy as np

    w = np.asarray(w, dtype=np.float64)
    z = x @ w + b
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * float(w @ w))


def generate(name, spec, data_dir):
    """Write one data set with `compare_fit gen`; returns (path, n, d)."""
    path = os.path.join(data_dir, f"{name}.svm" if spec[0] == "sparse" else f"{name}.bin")
    cmd = [COMPARE_FIT, "gen"] + spec + ["--out", path]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise Failure(f"generating {name} failed: {p.stderr.strip()}")
    info = json.loads(p.stdout.strip().splitlines()[-1])
    return path, info["n"], info["d"]


# ---------------------------------------------------------------------------------------------
# The scikit-learn worker (this script run with --worker), timed in its own process.


def sklearn_worker(args):
    """Fit scikit-learn `args.repeats` times on `args.data`; print one JSON line."""
    import warnings

    import numpy as np
    import sklearn
    from sklearn.linear_model import LogisticRegression

    x, y = load(args.data, args.n_features)
    y = y.astype(np.int64)
    kw = dict(C=1.0, solver=args.solver, tol=args.tol, max_iter=args.max_iter)
    times, model = [], None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: the gap column tells
        for _ in range(args.repeats):
            m = LogisticRegression(**kw)
            start = time.perf_counter()
            m.fit(x, y)
            times.append(time.perf_counter() - start)
            model = m
            if sum(times) > args.budget or (len(times) == 1 and times[0] > 10.0):
                break
    w = model.coef_.ravel()
    b = float(model.intercept_[0])
    print(json.dumps({
        "system": f"scikit-learn {sklearn.__version__}",
        "solver": f"{args.solver} tol={args.tol:g}",
        "times": times,
        "iterations": int(np.max(model.n_iter_)),
        "objective": objective(x, y, w, b),
        "intercept": b,
        "coef": w.tolist(),
    }))


# ---------------------------------------------------------------------------------------------
# Running the systems.


def systems_for(n, d, chosen, sparse=False, strict=False, dmatrix=False):
    """(label, system, solver, command) for every fit to run on one data set; the command is a
    string (why) for a fit skipped on this set."""
    runs = []
    width = ["--n-features", str(d)] if sparse else []
    ours_input = ["--input", "dmatrix"] if dmatrix else []
    if "ours" in chosen:
        if sparse:
            runs.append(("ours", "logreg (ours)", "newton",
                         f"skipped: a dense {d}² Hessian ({8 * d * d / 1e9:.0f} GB); "
                         "newton-cg is the Newton here"))
        for s in ["newton-cg", "lbfgs", "auto"] if sparse else ["newton", "lbfgs", "auto"]:
            runs.append(("ours", "logreg (ours)", s,
                         [COMPARE_FIT, "fit", "--solver", s] + width + ours_input))
    if "sklearn" in chosen:
        if sparse:  # newton-cholesky forms a dense d×d matrix
            # At tol 1e-10 every solver ran past 180 s here; at 1e-6 newton-cg still ends
            # within 1e-8 of the optimum, and the analysis flags any row further than 1e-6.
            solvers = [("lbfgs", SPARSE_SKLEARN_TOL, 10000),
                       ("liblinear", SPARSE_SKLEARN_TOL, 1000),
                       ("saga", SPARSE_SKLEARN_TOL, 100),
                       ("newton-cg", SPARSE_SKLEARN_TOL, 1000)]
            runs.append(("sklearn", "scikit-learn", "newton-cholesky",
                         f"skipped: forms a dense {d}×{d} matrix"))
        else:
            solvers = [("lbfgs", SKLEARN_TOL, 10000), ("newton-cholesky", SKLEARN_TOL, 1000),
                       ("liblinear", SKLEARN_TOL, 1000)]
            if n * d <= 20_000_000:  # saga is far too slow at 1M x 50 (the brief skips it there)
                solvers.append(("saga", 1e-8, 1000))
        if strict:  # issue 21's reference optimum
            solvers.append(("newton-cholesky", STRICT_TOL, 1000))
        for solver, tol, max_iter in solvers:
            runs.append(("sklearn", "scikit-learn", f"{solver} tol={tol:g}",
                         [sys.executable, os.path.abspath(__file__), "--worker",
                          "--solver", solver, "--tol", repr(tol), "--max-iter", str(max_iter)]
                         + width))
    if sparse:
        for label, system in [("linfa", "linfa-logistic"), ("smartcore", "smartcore")]:
            if label in chosen:
                runs.append((label, system, "lbfgs",
                             "skipped: takes dense arrays only "
                             f"({8 * n * d / 1e9:.0f} GB dense here)"))
        return runs
    if "linfa" in chosen:
        runs.append(("linfa", "linfa-logistic", "lbfgs",
                     [COMPARE_OTHERS, "--system", "linfa", "--tol", repr(LINFA_TOL),
                      "--max-iter", "1000"]))
    if "smartcore" in chosen:
        runs.append(("smartcore", "smartcore", "lbfgs",
                     [COMPARE_OTHERS, "--system", "smartcore"]))
    return runs


def run_one(label, system, solver, cmd, path, repeats, budget, timeout):
    """Run one system's fits in a subprocess; returns its JSON result or a failed row."""
    full = cmd + ["--data", path, "--repeats", str(repeats), "--budget", repr(budget)]
    failed = {"label": label, "system": system, "solver": solver}
    start, busy0, mine0 = time.time(), machine_busy_seconds(), children_cpu_seconds()
    try:
        p = subprocess.run(full, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return dict(failed, error=f"timed out after {timeout:.0f} s")
    if p.returncode != 0:
        lines = p.stderr.strip().splitlines() or ["(no message)"]
        err = next((l for l in lines if "error" in l.lower()), lines[-1])
        return dict(failed, error=f"failed (exit {p.returncode}): {err[:200]}")
    try:
        r = json.loads(p.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return dict(failed, error=f"unreadable output: {p.stdout[-200:]!r}")
    r["label"] = label
    r["wall"] = time.time() - start
    busy1 = machine_busy_seconds()
    if busy0 is not None and busy1 is not None:
        # CPU time of everything else on the machine while this system ran, in cores.
        # Less 3 clock ticks of slack: /proc/stat counts in ticks, which matters for short runs.
        others = (busy1 - busy0) - (children_cpu_seconds() - mine0)
        slack = 3.0 / os.sysconf("SC_CLK_TCK")
        r["others_cores"] = max(0.0, others - slack) / r["wall"]
    version = locked_versions().get(r["system"])
    if version:
        r["system"] = f"{r['system']} {version}"
    return r


# ---------------------------------------------------------------------------------------------
# Is anything else using the CPUs? (Linux /proc/stat; elsewhere these checks are skipped.)

BUSY_LIMIT = 0.15  # cores used by other processes that make a timing suspect


def machine_busy_seconds():
    """CPU seconds the whole machine has spent busy since boot, or None if unknown."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:9]]
        idle = fields[3] + fields[4]  # idle + iowait
        return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def children_cpu_seconds():
    """CPU seconds used by this script's finished child processes."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def wait_for_idle(max_wait):
    """Wait (up to max_wait seconds) until other processes use less than BUSY_LIMIT cores over
    2 s; returns the cores they used at the last look (None when unknown)."""
    deadline = time.time() + max_wait
    told = False
    while True:
        b0, t0 = machine_busy_seconds(), time.time()
        time.sleep(2.0)
        b1 = machine_busy_seconds()
        if b0 is None or b1 is None:
            return None
        used = (b1 - b0) / (time.time() - t0)
        if used < BUSY_LIMIT or time.time() >= deadline:
            if told:
                print(f"[wait] {'idle' if used < BUSY_LIMIT else 'still busy, going on'} "
                      f"({used:.2f} cores in use)", flush=True)
            return used
        if not told:
            print(f"[wait] other processes use {used:.2f} cores; waiting up to {max_wait:.0f} s "
                  "for an idle machine", flush=True)
            told = True
        time.sleep(5.0)


# ---------------------------------------------------------------------------------------------
# The table.


def fmt_seconds(t):
    return f"{t:.4f}" if t < 1 else f"{t:.3f}" if t < 10 else f"{t:.1f}"


def analyse(name, results, x, y):
    """Recompute J for every row, find the best, add gaps and time ratios."""
    for r in results:
        if "error" in r:
            continue
        r["median"] = statistics.median(r["times"])
        r["runs"] = len(r["times"])
        r["J"] = objective(x, y, r["coef"], r["intercept"])
        own = r.get("objective")
        r["self_check"] = None if own is None else abs(own - r["J"]) / max(abs(r["J"]), 1e-300)
    ok = [r for r in results if "error" not in r]
    best = min(r["J"] for r in ok) if ok else float("nan")
    for r in ok:
        r["gap"] = (r["J"] - best) / abs(best)
        r["reached"] = r["gap"] <= GAP_LIMIT
    ours = [r for r in ok if r["label"] == "ours"]
    ours_ok = [r for r in ours if r["reached"]] or ours
    our_best = min((r["median"] for r in ours_ok), default=None)
    for r in ok:
        r["ratio"] = r["median"] / our_best if our_best else None
    ref = [r for r in ok if r["label"] == "sklearn" and r["solver"].startswith("newton-cholesky")
           and r["solver"].endswith(f"tol={STRICT_TOL:g}")]
    if ref:
        j_ref = ref[0]["J"]
        for r in ok:
            r["ref_gap"] = (r["J"] - j_ref) / abs(j_ref)
    return best, our_best


def table(name, n, d, results, best, our_best):
    """The markdown table of one data set, with a summary line."""
    what = DESCRIBE.get(name, f"synthetic `make_logistic({n}, {d}, seed 1)`")
    strict = any("ref_gap" in r for r in results)
    ref_head = f" gap to n-chol. {STRICT_TOL:g} |" if strict else ""
    lines = [f"### {name}: {what} — n = {n}, d = {d}", "",
             "| system | solver | fit s (median) | runs | iterations | objective J | rel. gap "
             f"|{ref_head} time / ours | note |",
             "|---|---|---:|---:|---:|---:|---:|" + ("---:|" if strict else "") + "---:|---|"]
    for r in results:
        system = r["system"]
        solver = r["solver"]
        if r.get("resolved") and r["resolved"] != r["solver"]:
            solver = f"{solver} (→ {r['resolved']})"
        if "error" in r:
            dashes = "— | " * (8 if strict else 7)
            lines.append(f"| {system} | {solver} | {dashes}{r['error']} |")
            continue
        notes = []
        if not r["reached"]:
            notes.append("✗ did not reach the optimum")
        if r["runs"] == 1 and r["median"] > 10:
            notes.append("1 run (> 10 s)")
        if r["self_check"] is not None and r["self_check"] > 1e-9:
            notes.append(f"own J differs by {r['self_check']:.1e}")
        if "liblinear" in solver:
            notes.append("penalizes the intercept (other objective)")
        if r.get("others_cores", 0.0) > BUSY_LIMIT:
            notes.append(f"⚠ other processes used {r['others_cores']:.2f} cores meanwhile")
        if r.get("converged") is False:
            notes.append(f"not converged: {r.get('stop', '')}")
        if any(st.get("stop") == "max_iterations" for st in r.get("stages", [])):
            notes.append("✗ a stage spent its iteration budget")
        if len(r.get("stages", [])) > 1:
            notes.append("stages " + " → ".join(f"{st['solver']} {st['iterations']}"
                                                for st in r["stages"]))
        it = "—" if r.get("iterations") is None else str(r["iterations"])
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}"
        ref = ""
        if strict:
            g = r.get("ref_gap")
            ref = " — |" if g is None else (f" {g:.1e}{' ✗' if g > STRICT_GAP else ''} |")
        lines.append(f"| {system} | {solver} | {fmt_seconds(r['median'])} | {r['runs']} | {it} "
                     f"| {r['J']:.10g} | {r['gap']:.1e} |{ref} {ratio} | {'; '.join(notes)} |")
    ok = [r for r in results if "error" not in r and r["reached"]]
    ours = [r for r in ok if r["label"] == "ours"]
    skl = [r for r in ok if r["label"] == "sklearn"]
    lines.append("")
    if ours and skl:
        o = min(ours, key=lambda r: r["median"])
        s = min(skl, key=lambda r: r["median"])
        lines.append(f"At the optimum (gap ≤ {GAP_LIMIT:g}): our fastest is {o['solver']} "
                     f"{fmt_seconds(o['median'])} s, scikit-learn's fastest is {s['solver']} "
                     f"{fmt_seconds(s['median'])} s: ours is {s['median'] / o['median']:.2f}× "
                     "as fast.")
    elif not ours:
        lines.append("None of our solvers reached the optimum here.")
    auto = next((r for r in results if r["label"] == "ours" and r["solver"] == "auto"
                 and "error" not in r), None)
    if auto and skl and name in SPARSE:
        s = min(skl, key=lambda r: r["median"])
        speed = s["median"] / auto["median"]
        met = auto["reached"] and speed >= 3.0
        lines.append(f"Issue 22 target (auto within {GAP_LIMIT:g} of J* and ≥ 3× as fast as "
                     f"scikit-learn's fastest at the optimum, {s['solver']}): gap "
                     f"{auto['gap']:.1e}, {speed:.2f}× — {'met' if met else 'NOT met'}.")
    if auto and strict:
        g = auto.get("ref_gap")
        budget = any(st.get("stop") == "max_iterations" for st in auto.get("stages", []))
        fastest = min(r["median"] for r in results
                      if r["label"] == "ours" and "error" not in r)
        slow = auto["median"] / fastest
        met = (g is not None and abs(g) <= STRICT_GAP and not budget and slow <= AUTO_LIMIT
               and auto.get("converged") is not False)
        gap_text = "no reference" if g is None else f"{g:.1e}"
        lines.append(f"Issue 21 targets (auto within {STRICT_GAP:g} of newton-cholesky at tol "
                     f"{STRICT_TOL:g}; no iteration budget spent; ≤ {AUTO_LIMIT:g}× our fastest): "
                     f"gap {gap_text}, budget spent: {'yes' if budget else 'no'}, "
                     f"{slow:.2f}× our fastest — {'met' if met else 'NOT met'}.")
    lines.append(f"Best objective: J* = {best!r}.")
    return "\n".join(lines)


def locked_versions():
    """linfa-logistic, smartcore and argmin versions from benches/compare/others/Cargo.lock."""
    lock = os.path.join(OTHERS, "Cargo.lock")
    versions, name = {}, None
    if os.path.exists(lock):
        for line in open(lock, encoding="utf-8"):
            if line.startswith("name = "):
                name = line.split('"')[1]
            elif line.startswith("version = ") and name in ("linfa-logistic", "smartcore",
                                                              "argmin"):
                versions[name] = line.split('"')[1]
    return versions


def machine_info():
    """Lines describing the machine and the versions compared."""
    import numpy
    import sklearn

    lines = []
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
        keep = ("Model name", "CPU(s):", "Thread(s) per core", "L2 cache", "L3 cache")
        lines += [f"- {l.strip()}" for l in cpu if l.strip().startswith(keep)]
    except OSError:
        lines.append(f"- {platform.processor() or platform.machine()}")
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    lines.append(f"- Python {platform.python_version()}, numpy {numpy.__version__}, "
                 f"scikit-learn {sklearn.__version__}; {rustc}")
    versions = locked_versions()
    if versions:
        lines.append("- " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    try:
        from threadpoolctl import threadpool_info

        blas = [f"{i.get('internal_api')} ({i.get('num_threads')} threads)"
                for i in threadpool_info()]
        if blas:
            lines.append("- numpy/scikit-learn thread pools: " + ", ".join(blas))
    except ImportError:
        pass
    try:
        load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
        lines.append(f"- load average when the run started (1, 5, 15 min): {load}")
    except OSError:
        pass
    return lines


# ---------------------------------------------------------------------------------------------


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="only the small data sets (banknote, bank): a smoke check")
    ap.add_argument("--sets", help=f"comma-separated data sets, of {', '.join(SETS)}")
    ap.add_argument("--synthetic", action="append", default=[], metavar="NxD",
                    help="also a synthetic set of this size (repeatable), e.g. 50000x20")
    ap.add_argument("--systems", default="ours,sklearn,linfa,smartcore",
                    help="comma-separated, of ours, sklearn, linfa, smartcore")
    ap.add_argument("--repeats", type=int, help="runs per fit (default 5; 3 on the 1M set)")
    ap.add_argument("--budget", type=float, default=30.0,
                    help="stop repeating a fit once its runs took this many seconds (30)")
    ap.add_argument("--timeout", type=float, default=900.0,
                    help="give up on one system's fits after this many seconds (900)")
    ap.add_argument("--wait-idle", type=float, default=600.0, metavar="SECONDS",
                    help="before each system, wait up to this long for other processes to leave "
                         "the CPUs idle (600; 0 = do not wait)")
    ap.add_argument("--retries", type=int, default=2,
                    help="run a system again when other processes used the CPUs meanwhile (2)")
    ap.add_argument("--data-dir", default=os.path.join(TARGET, "compare-data"),
                    help="where the data files go (default target/compare-data)")
    ap.add_argument("--out", default=os.path.join(OUT_DIR, "results.md"),
                    help="the markdown report (default target/compare/results.md)")
    ap.add_argument("--skip-build", action="store_true",
                    help="do not run cargo build when both binaries exist")
    ap.add_argument("--no-install", action="store_true",
                    help="never pip install; fail if numpy or scikit-learn is missing")
    ap.add_argument("--keep-data", action="store_true",
                    help="keep the data files afterwards (default: delete them)")
    # Internal: the scikit-learn worker.
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--solver", help=argparse.SUPPRESS)
    ap.add_argument("--tol", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--max-iter", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--n-features", type=int, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def chosen_sets(args):
    """[(name, gen spec, runs)] from --quick, --sets and --synthetic."""
    if args.sets:
        names = [s.strip() for s in args.sets.split(",") if s.strip()]
        unknown = [s for s in names if s not in SETS]
        if unknown:
            raise Failure(f"unknown data set(s) {', '.join(unknown)}; known: {', '.join(SETS)}")
    elif args.quick:
        names = [k for k, v in SETS.items() if v[2]]
    elif args.synthetic:
        names = []
    else:
        names = list(SETS)
    out = [(k, SETS[k][0], SETS[k][1]) for k in names]
    for size in args.synthetic:
        try:
            n, d = (int(v) for v in size.lower().split("x"))
            if n < 2 or d < 1:
                raise ValueError
        except ValueError:
            raise Failure(f"--synthetic {size!r}: expected NxD with N >= 2, D >= 1, e.g. 50000x20")
        out.append((f"synth-{n}x{d}", ["synthetic", "--n", str(n), "--d", str(d), "--seed", "1"],
                    3 if n * d >= 20_000_000 else 5))
    if args.repeats is not None:
        if args.repeats < 1:
            raise Failure("--repeats must be at least 1")
        out = [(k, spec, args.repeats) for k, spec, _ in out]
    return out


def main(argv):
    args = parse_args(argv)
    if args.worker:
        sklearn_worker(args)
        return 0
    chosen = {s.strip() for s in args.systems.split(",") if s.strip()}
    unknown = chosen - {"ours", "sklearn", "linfa", "smartcore"}
    if unknown:
        raise Failure(f"unknown system(s) {', '.join(sorted(unknown))}")
    sets = chosen_sets(args)
    ensure_python_packages(not args.no_install)
    build(args.skip_build, bool(chosen & {"linfa", "smartcore"}))
    os.makedirs(args.data_dir, exist_ok=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)

    started = datetime.datetime.now(datetime.timezone.utc)
    report = ["# logreg fit times side by side", "",
              f"Run {started:%Y-%m-%d %H:%M} UTC with "
              f"`{' '.join(['python3 benches/compare/compare.py'] + argv)}`.", "",
              "Objective for every system: J(w, b) = C·Σ logloss_i + ½‖w‖², C = 1, intercept "
              "unpenalized, recomputed from each system's coefficients with one float64 formula. "
              f"Times are the fit only (data in memory), median of the runs shown. Relative gap "
              f"= (J − J*)/J* with J* the best J anyone reached; ✗ marks gaps above "
              f"{GAP_LIMIT:g}. Ours: library defaults (gradient tolerance 1e-10 on the mean "
              f"objective). scikit-learn: tol={SKLEARN_TOL:g} for lbfgs, newton-cholesky and "
              "liblinear, tol=1e-8 for saga (skipped at 1M × 50), and on the sparse set "
              f"tol={SPARSE_SKLEARN_TOL:g} for every solver (saga at most 100 epochs); "
              "liblinear penalizes the "
              f"intercept, so it solves another objective. linfa-logistic: alpha = 1 (its L2 "
              f"weight on the summed loss, = C = 1), gradient tolerance {LINFA_TOL:g}, at most "
              "1000 iterations. smartcore: alpha = 1 (same mapping), its L-BFGS with the "
              "library's fixed tolerances; neither Rust library reports iterations.", "",
              "Machine:", ""] + machine_info() + [""]
    everything = {}
    for name, spec, repeats in sets:
        print(f"\n[data] {name}: compare_fit gen {' '.join(spec)}", flush=True)
        path, n, d = generate(name, spec, args.data_dir)
        results = []
        for label, system, solver, cmd in systems_for(n, d, chosen, name in SPARSE,
                                                      name in STRICT, name in DMATRIX):
            if isinstance(cmd, str):
                results.append({"label": label, "system": system, "solver": solver,
                                "error": cmd})
                print(f"  {system:<22} {solver:<24} {cmd}", flush=True)
                continue
            for attempt in range(1 + args.retries):
                if args.wait_idle > 0:
                    wait_for_idle(args.wait_idle)
                r = run_one(label, system, solver, cmd, path, repeats, args.budget, args.timeout)
                busy = r.get("others_cores", 0.0)
                if busy <= BUSY_LIMIT or attempt == args.retries:
                    break
                print(f"  {system:<22} {solver:<24} other processes used {busy:.2f} cores "
                      "meanwhile: running it again", flush=True)
            results.append(r)
            if "error" in r:
                print(f"  {r['system']:<22} {r['solver']:<24} {r['error']}", flush=True)
            else:
                busy = r.get("others_cores")
                print(f"  {r['system']:<22} {r['solver']:<24} median "
                      f"{fmt_seconds(statistics.median(r['times']))} s over {len(r['times'])} "
                      f"run(s)" + ("" if busy is None else f"; others used {busy:.2f} cores"),
                      flush=True)
        x, y = load(path, d)
        best, our_best = analyse(name, results, x, y)
        del x, y
        text = table(name, n, d, results, best, our_best)
        print("\n" + text, flush=True)
        report += [text, ""]
        everything[name] = {"n": n, "d": d, "best": best, "results": results}
        if not args.keep_data:
            os.remove(path)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(report))
    with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump(everything, f, indent=1)
    print(f"\nWrote {os.path.relpath(args.out)} and {os.path.relpath(os.path.splitext(args.out)[0])}"
          ".json", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Failure as e:
        print(f"compare.py: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("compare.py: interrupted", file=sys.stderr)
        sys.exit(130)
