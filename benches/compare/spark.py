#!/usr/bin/env python3
"""Spark MLlib's logistic regression on a CSV: the baseline that a distributed logreg fit is
compared with (issue 19). Run from anywhere:

    python3 benches/compare/spark.py --generate 1000000 50 target/spark-data/synth-1m.csv
    python3 benches/compare/spark.py target/spark-data/synth-1m.csv

`--generate N D PATH [--seed S]` writes a CSV (header x0..x{D-1},y; floats as %.17g, which
round-trip exactly): x ~ N(0, 1) iid, true weights w ~ N(0, 1)/sqrt(D) drawn first, no
intercept, y ~ Bernoulli(sigmoid(x.w)); numpy's PCG64 seeded with S (default 1).

`PATH` (a CSV with a header, numeric features and a 0/1 column `y`) runs Spark on `local[2]`:
1. read + cache: spark.read.csv with an explicit all-double schema (no inference pass), the
   features assembled into one vector column, cached and counted; timed together;
2. fit: LogisticRegression(regParam = 1/(C n), elasticNetParam = 0, standardization = False,
   maxIter = 100, tol = 1e-10), intercept unpenalized; timed alone.
   Spark minimizes (1/n) sum(logloss_i) + regParam/2 |w|^2 (the spark.mllib linear-methods
   docs: f(w) = lambda R(w) + (1/n) sum L, with the elastic-net R at alpha = 0 being
   |w|^2 / 2); multiplied by C n that is C sum(logloss_i) + (C n regParam)/2 |w|^2, so
   regParam = 1/(C n) gives scikit-learn's J = C sum(logloss_i) + |w|^2 / 2.
3. J recomputed in float64 with numpy from the CSV (sum of softplus(z) - y z, plus |w|^2 / 2),
   beside Spark's own final objective scaled by C n.
It prints one JSON object (also written to target/compare/spark.json).

Setup, when needed: numpy and pyspark go into a virtual environment under
target/compare/spark-venv (the script re-runs itself there); Spark needs Java 17 or newer, and
when `java` is missing or older the script installs Debian's openjdk-17-jre-headless with apt-get
(as root). Keep the cores idle while it runs: it measures wall-clock time.
Nothing here runs under `cargo test` or CI.
"""

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT_DIR = os.path.join(ROOT, "target", "compare")
VENV = os.path.join(OUT_DIR, "spark-venv")
RESULT = os.path.join(OUT_DIR, "spark.json")
REEXEC = "LOGREG_SPARK_REEXEC"


class Failure(Exception):
    """A step failed; the message says which and what to do."""


# ---------------------------------------------------------------------------------------------
# Setup.


def ensure_python_packages(need_spark):
    """Import numpy (and pyspark), else install them into a venv and re-run this script there."""
    try:
        import numpy  # noqa: F401

        if need_spark:
            import pyspark  # noqa: F401
        return
    except ImportError as e:
        missing = str(e)
    if os.environ.get(REEXEC):
        raise Failure(f"{missing} even after installing it into {sys.executable}")
    print(f"[setup] {missing}: installing numpy and pyspark into {VENV}", file=sys.stderr,
          flush=True)
    python = os.path.join(VENV, "bin", "python")
    try:
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    except (subprocess.CalledProcessError, OSError) as e:
        raise Failure(f"cannot make a virtual environment under {VENV}: {e}; install numpy "
                      "and pyspark into the Python that runs this script instead") from e
    cmd = [python, "-m", "pip", "install", "--quiet", "numpy", "pyspark"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        tail = "\n".join((p.stdout + p.stderr).strip().splitlines()[-15:])
        raise Failure(f"`{' '.join(cmd)}` failed (exit {p.returncode}):\n{tail}")
    env = dict(os.environ, **{REEXEC: "1"})
    os.execve(python, [python, os.path.abspath(__file__)] + sys.argv[1:], env)


def java_major():
    """The major version of `java` on PATH, or None when there is none."""
    if shutil.which("java") is None:
        return None
    p = subprocess.run(["java", "-version"], capture_output=True, text=True)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', p.stderr + p.stdout)
    if not match:
        raise Failure(f"cannot read the version from `java -version`:\n{p.stderr.strip()}")
    major = int(match.group(1))
    # Java 8 and older call themselves 1.x.
    return int(match.group(2) or 0) if major == 1 else major


def ensure_java():
    """Java 17 or newer (Spark 4 needs it), installing Debian's when missing; its version line."""
    major = java_major()
    if major is None or major < 17:
        have = "no java on PATH" if major is None else f"java {major}"
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            raise Failure(f"Spark needs Java 17 or newer and there is {have}; install a Java 17 "
                          "runtime (Debian: apt-get install openjdk-17-jre-headless)")
        print(f"[setup] {have}: installing openjdk-17-jre-headless", file=sys.stderr, flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "openjdk-17-jre-headless"]):
            p = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if p.returncode != 0:
                raise Failure(f"`{' '.join(cmd)}` failed:\n{p.stderr.strip()[-2000:]}")
        major = java_major()
        if major is None or major < 17:
            raise Failure("openjdk-17-jre-headless is installed but `java` on PATH is not "
                          "Java 17 or newer: select it with update-alternatives --config java")
    p = subprocess.run(["java", "-version"], capture_output=True, text=True)
    return (p.stderr + p.stdout).strip().splitlines()[0]


# ---------------------------------------------------------------------------------------------
# Data.


def generate(n, d, path, seed):
    """Write the CSV described in the module docs, in blocks of rows (bounded memory)."""
    import numpy as np

    if n < 1 or d < 1:
        raise Failure(f"--generate needs N >= 1 and D >= 1 (got {n} and {d})")
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d) / math.sqrt(d)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    header = ",".join([f"x{j}" for j in range(d)] + ["y"])
    fmt = ",".join(["%.17g"] * d + ["%d"])
    start = time.time()
    block = 50_000
    with open(path, "w") as out:
        out.write(header + "\n")
        for first in range(0, n, block):
            m = min(block, n - first)
            x = rng.standard_normal((m, d))
            z = x @ w
            # sigmoid on the branch where exp cannot overflow
            p = np.where(z >= 0, 1.0 / (1.0 + np.exp(-np.abs(z))),
                         np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))))
            y = (rng.random(m) < p).astype(np.int64)
            np.savetxt(out, np.column_stack([x, y]), fmt=fmt)
    print(f"[generate] {n} x {d} (seed {seed}) -> {path} in {time.time() - start:.1f} s, "
          f"{os.path.getsize(path) / 1e9:.2f} GB", file=sys.stderr, flush=True)


def read_header(path):
    """The CSV's column names; fails unless it has a `y` column and at least one feature."""
    try:
        with open(path) as f:
            header = f.readline().strip()
    except OSError as e:
        raise Failure(f"cannot read {path}: {e}") from e
    columns = header.split(",")
    if "y" not in columns or len(columns) < 2:
        raise Failure(f"{path}: the header must name a label column `y` and at least one "
                      f"feature (found {header!r})")
    return columns


def objective(path, columns, w, b, c):
    """J = C sum(softplus(z) - y z) + |w|^2 / 2, in float64, from the CSV."""
    import numpy as np

    label = columns.index("y")
    features = [j for j in range(len(columns)) if j != label]
    total = 0.0
    rows = 0
    with open(path) as f:
        f.readline()
        while True:
            lines = [line for _, line in zip(range(200_000), f)]
            if not lines:
                break
            block = np.loadtxt(lines, delimiter=",", dtype=np.float64, ndmin=2)
            z = block[:, features] @ w + b
            y = block[:, label]
            total += float(np.sum(np.logaddexp(0.0, z) - y * z))
            rows += len(lines)
    return c * total + 0.5 * float(w @ w), rows


# ---------------------------------------------------------------------------------------------
# Spark.


def run_spark(path, c, driver_memory, java):
    import numpy as np
    import pyspark
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import VectorAssembler
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DoubleType, StructField, StructType

    columns = read_header(path)
    features = [name for name in columns if name != "y"]
    spark = (SparkSession.builder.master("local[2]").appName("logreg-baseline")
             .config("spark.driver.memory", driver_memory)
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        schema = StructType([StructField(name, DoubleType(), False) for name in columns])
        start = time.time()
        frame = spark.read.csv(path, header=True, schema=schema, mode="FAILFAST")
        data = (VectorAssembler(inputCols=features, outputCol="features")
                .transform(frame).select("features", frame["y"].alias("label")))
        data.cache()
        n = data.count()
        read_seconds = time.time() - start

        lr = LogisticRegression(featuresCol="features", labelCol="label", family="binomial",
                                regParam=1.0 / (c * n), elasticNetParam=0.0,
                                standardization=False, fitIntercept=True, maxIter=100,
                                tol=1e-10)
        start = time.time()
        model = lr.fit(data)
        fit_seconds = time.time() - start
        summary = model.summary
        w = np.array(model.coefficients.toArray(), dtype=np.float64)
        b = float(model.intercept)
        history = list(summary.objectiveHistory)
        iterations = int(summary.totalIterations)
        version = spark.version
    finally:
        spark.stop()

    print("[spark] recomputing J with numpy from the CSV", file=sys.stderr, flush=True)
    j, rows = objective(path, columns, w, b, c)
    if rows != n:
        raise Failure(f"numpy read {rows} rows from {path} but Spark counted {n}")
    return {
        "csv": os.path.abspath(path),
        "rows": n,
        "features": len(features),
        "C": c,
        "regParam": 1.0 / (c * n),
        "master": "local[2]",
        "spark": version,
        "pyspark": pyspark.__version__,
        "java": java,
        "read_cache_seconds": round(read_seconds, 3),
        "fit_seconds": round(fit_seconds, 3),
        "iterations": iterations,
        "J": j,
        "J_spark": history[-1] * c * n if history else None,
        "intercept": b,
        "coefficients": w.tolist(),
    }


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("csv", nargs="?", help="the CSV to fit (header row, 0/1 label column `y`)")
    p.add_argument("--generate", nargs=3, metavar=("N", "D", "PATH"),
                   help="write an N x D synthetic CSV to PATH (then fit it only if CSV is given)")
    p.add_argument("--seed", type=int, default=1, help="seed for --generate (default 1)")
    p.add_argument("--c", type=float, default=1.0, help="C of J = C sum(logloss) + |w|^2/2")
    p.add_argument("--driver-memory", default="8g", help="Spark driver memory (default 8g)")
    args = p.parse_args(argv)
    if not args.csv and not args.generate:
        p.error("give a CSV to fit, or --generate N D PATH")
    if not args.c > 0:
        p.error(f"--c must be positive (got {args.c})")
    return args


def main(argv):
    args = parse_args(argv)
    ensure_python_packages(need_spark=bool(args.csv))
    if args.generate:
        n, d, path = args.generate
        try:
            n, d = int(n), int(d)
        except ValueError:
            raise Failure(f"--generate needs integers N and D (got {n!r} and {d!r})") from None
        generate(n, d, path, args.seed)
    if args.csv:
        if not os.path.isfile(args.csv):
            raise Failure(f"{args.csv}: no such file (make one with --generate N D PATH)")
        java = ensure_java()
        result = run_spark(args.csv, args.c, args.driver_memory, java)
        os.makedirs(OUT_DIR, exist_ok=True)
        with open(RESULT, "w") as f:
            json.dump(result, f, indent=1)
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Failure as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
