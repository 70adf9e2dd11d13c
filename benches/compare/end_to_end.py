#!/usr/bin/env python3
"""From a CSV on disk to a model, end to end: `logreg train` beside pandas + scikit-learn.

    python3 benches/compare/end_to_end.py                  # tall, wide, zip and predict
    python3 benches/compare/end_to_end.py --sets zip --repeats 5

Each job runs in its own process under `/usr/bin/time -v`, which gives the wall time and the
peak resident memory of the whole job (reading, pipeline, fit, report); the two systems run
interleaved (ours, theirs, ours, theirs, ...) so that a busy machine slows both alike, and the
table shows medians and the ratio. The data are generated at run time, seeded, under
`target/compare-data/` (outside the repository; `--keep-data` keeps them):

| set | file | our command | theirs |
|---|---|---|---|
| `tall` | 1 000 000 x 50 numeric + 0/1 `y` (about 1 GB, `%.17g`) | `logreg train F --target y --test-size 0` | `pandas.read_csv` + `LogisticRegression().fit` |
| `wide` | 10 000 x 1 000, same kind (about 200 MB) | same | same |
| `zip` | 50 000 rows, 3 numeric columns and a 3 000-level `zip` | `... --one-hot zip --max-categories 5000 --standardize` | `OneHotEncoder` + `StandardScaler(with_mean=False)` + `LogisticRegression`, sparse |
| `predict` | the tall file | `logreg predict --model M F --proba --output OUT` | (throughput in MB/s of input) |

Both sides fit L2 with C = 1 and an unpenalized intercept. scikit-learn runs at its defaults
(lbfgs, tol 1e-4), as a user would; ours at its defaults too (it stops on a much tighter
gradient test). The table gives both objectives `J = C sum(logloss) + |w|^2 / 2`, recomputed
here in float64 from each model's coefficients, so a faster time is never bought with a worse
optimum. The tall and wide files come from `spark.py`'s generator (numpy PCG64, seed 1); the zip
file from `cargo run --release -p logreg-preprocess --example csv_to_design -- write-zip`.

Needs numpy, pandas and scikit-learn in the Python that runs it (else it installs them into
target/compare/e2e-venv and re-runs itself there), and /usr/bin/time (Debian package `time`).
Nothing here runs under `cargo test` or CI.
"""

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
TARGET = os.path.join(ROOT, "target")
OUT_DIR = os.path.join(TARGET, "compare")
VENV = os.path.join(OUT_DIR, "e2e-venv")
BIN = os.path.join(TARGET, "release", "logreg")

SETS = {
    "tall": {"n": 1_000_000, "d": 50, "file": "e2e-tall-1m.csv", "flags": []},
    "wide": {"n": 10_000, "d": 1_000, "file": "e2e-wide-10k.csv", "flags": []},
    "zip": {"file": "e2e-zip-50k.csv",
            "flags": ["--one-hot", "zip", "--max-categories", "5000", "--standardize"]},
}


class Failure(Exception):
    """A step failed; the message says which and what to do."""


def ensure_packages():
    try:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
        import sklearn  # noqa: F401
        return
    except ImportError as e:
        missing = str(e)
    if os.environ.get("LOGREG_E2E_REEXEC"):
        raise Failure(f"{missing} even after installing into {sys.executable}")
    print(f"[setup] {missing}: installing numpy, pandas, scikit-learn into {VENV}", flush=True)
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "numpy", "pandas", "scikit-learn"],
                   check=True)
    env = dict(os.environ, LOGREG_E2E_REEXEC="1")
    os.execve(python, [python, os.path.abspath(__file__)] + sys.argv[1:], env)


def spark_module():
    spec = importlib.util.spec_from_file_location("spark_bench", os.path.join(HERE, "spark.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_data(name, data_dir):
    spec = SETS[name]
    path = os.path.join(data_dir, spec["file"])
    if os.path.exists(path):
        return path
    os.makedirs(data_dir, exist_ok=True)
    if name == "zip":
        cmd = ["cargo", "run", "--quiet", "--release", "-p", "logreg-preprocess", "--example",
               "csv_to_design", "--", "write-zip", path]
        subprocess.run(cmd, cwd=ROOT, check=True)
    else:
        spark_module().generate(spec["n"], spec["d"], path, 1)
    return path


def timed(cmd, env=None):
    """Run cmd under /usr/bin/time -v: (wall seconds, peak RSS in MB, stdout)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise Failure(f"`{' '.join(cmd)}` failed (exit {p.returncode}):\n{p.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", p.stderr).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return seconds, rss_kb / 1024, p.stdout


def objective(path, names, w, intercept):
    """J in float64 from a model's coefficients, outside the timed job."""
    import numpy as np
    import pandas as pd

    df = pd.read_csv(path)
    y = df.pop("y").to_numpy(dtype=float)
    w = np.asarray(w)
    z = df[names].to_numpy(dtype=float) @ w + intercept
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * w @ w)


def ours(path, flags, model):
    cmd = [BIN, "train", path, "--target", "y", "--test-size", "0", "--json", "--force",
           "--out", model] + flags
    seconds, rss, out = timed(cmd)
    report = json.loads(out)
    return seconds, rss, report


def theirs(path, flags, coef_out):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", path, "--coef-out", coef_out]
    if "zip" in flags:
        cmd.append("--zip")
    seconds, rss, out = timed(cmd)
    return seconds, rss, json.loads(out)


def worker(args):
    """pandas.read_csv + scikit-learn, as a user writes it; prints the iterations."""
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    if args.zip:
        from sklearn.compose import make_column_transformer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        df = pd.read_csv(args.worker, dtype={"zip": str})
        y = df.pop("y").to_numpy()
        encode = make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), ["zip"]), remainder="passthrough",
            sparse_threshold=1.0, verbose_feature_names_out=False)
        pipe = make_pipeline(encode, StandardScaler(with_mean=False), LogisticRegression())
        pipe.fit(df, y)
        lr = pipe[-1]
        # J on the standardized design, the space in which both sides penalize w; the time of
        # this product is inside the job but small (a sparse 50 000-row matrix)
        w, b = lr.coef_.ravel(), float(lr.intercept_[0])
        z = pipe[:-1].transform(df) @ w + b
        j = float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * w @ w)
        print(json.dumps({"iterations": int(lr.n_iter_[0]), "objective": j}))
        return
    df = pd.read_csv(args.worker)
    y = df.pop("y").to_numpy()
    lr = LogisticRegression().fit(df.to_numpy(), y)
    with open(args.coef_out, "w") as f:
        json.dump({"names": list(df.columns), "coef": lr.coef_.ravel().tolist(),
                   "intercept": float(lr.intercept_[0])}, f)
    print(json.dumps({"iterations": int(lr.n_iter_[0])}))


def our_objective(report):
    return float(report["objective"])


def run_set(name, path, repeats, scratch):
    flags = SETS[name]["flags"]
    model = os.path.join(scratch, f"{name}-model.json")
    coef_out = os.path.join(scratch, f"{name}-sklearn.json")
    rows = {"ours": [], "sklearn": []}
    report = their = None
    for _ in range(repeats):
        s, m, report = ours(path, flags, model)
        rows["ours"].append((s, m))
        s, m, their = theirs(path, flags, coef_out)
        rows["sklearn"].append((s, m))
    j_ours = our_objective(report)
    if name == "zip":
        j_theirs = their["objective"]
    else:
        with open(coef_out) as f:
            c = json.load(f)
        j_theirs = objective(path, c["names"], c["coef"], c["intercept"])
    return {
        "set": name,
        "bytes": os.path.getsize(path),
        "ours_s": statistics.median(s for s, _ in rows["ours"]),
        "ours_mb": max(m for _, m in rows["ours"]),
        "ours_iterations": report.get("iterations"),
        "ours_j": j_ours,
        "sklearn_s": statistics.median(s for s, _ in rows["sklearn"]),
        "sklearn_mb": max(m for _, m in rows["sklearn"]),
        "sklearn_iterations": their["iterations"],
        "sklearn_j": j_theirs,
        "runs": repeats,
        "model": model,
    }


def run_predict(path, model, repeats, scratch):
    out = os.path.join(scratch, "predict-out.csv")
    runs = []
    for _ in range(repeats):
        if os.path.exists(out):
            os.remove(out)
        runs.append(timed([BIN, "predict", "--model", model, path, "--proba", "--output", out]))
    os.remove(out)
    seconds = statistics.median(s for s, _, _ in runs)
    return {"bytes": os.path.getsize(path), "seconds": seconds,
            "mb_per_s": os.path.getsize(path) / 1e6 / seconds,
            "peak_mb": max(m for _, m, _ in runs), "runs": repeats}


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default="tall,wide,zip,predict",
                    help="comma-separated, of tall, wide, zip, predict (predict needs tall)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each job (median)")
    ap.add_argument("--data-dir", default=os.path.join(TARGET, "compare-data"))
    ap.add_argument("--keep-data", action="store_true", help="keep the generated CSV files")
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--coef-out", help=argparse.SUPPRESS)
    ap.add_argument("--zip", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    ensure_packages()
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in sets if s not in list(SETS) + ["predict"]]
    if unknown:
        raise Failure(f"unknown set(s) {unknown}; expected tall, wide, zip or predict")
    if "predict" in sets and "tall" not in sets:
        sets.insert(0, "tall")
    if not args.skip_build:
        subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "logreg-cli"], cwd=ROOT,
                       check=True)
    os.makedirs(OUT_DIR, exist_ok=True)
    scratch = os.path.join(OUT_DIR, "e2e-scratch")
    os.makedirs(scratch, exist_ok=True)
    results, made = [], []
    print(f"load average before: {load_average()}", flush=True)
    for name in [s for s in sets if s != "predict"]:
        path = make_data(name, args.data_dir)
        made.append(path)
        r = run_set(name, path, args.repeats, scratch)
        results.append(r)
        print(f"[{name}] ours {r['ours_s']:.2f} s {r['ours_mb']:.0f} MB, scikit-learn "
              f"{r['sklearn_s']:.2f} s {r['sklearn_mb']:.0f} MB", flush=True)
    lines = [f"load average {load_average()} (after); medians of {args.repeats} runs", "",
             "| set | file | ours: s | peak MB | J | scikit-learn: s | peak MB | J | speed-up |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['set']} | {r['bytes'] / 1e6:.0f} MB | {r['ours_s']:.2f} | {r['ours_mb']:.0f} | "
            f"{r['ours_j']:.6f} | {r['sklearn_s']:.2f} | {r['sklearn_mb']:.0f} | "
            f"{r['sklearn_j']:.6f} | {r['sklearn_s'] / r['ours_s']:.1f}x |")
    if "predict" in sets:
        tall = next(r for r in results if r["set"] == "tall")
        p = run_predict(made[0], tall["model"], args.repeats, scratch)
        lines += ["", f"predict on the tall file: {p['seconds']:.2f} s, {p['mb_per_s']:.0f} MB/s "
                  f"of input, peak {p['peak_mb']:.0f} MB"]
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(OUT_DIR, "end_to_end.md"), "w") as f:
        f.write(text + "\n")
    if not args.keep_data:
        for path in made:
            os.remove(path)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Failure as e:
        print(f"end_to_end.py: {e}", file=sys.stderr)
        sys.exit(1)
