#!/usr/bin/env python3
"""Our distributed fit (MPI) beside Spark MLlib on the same CSV (issue 19). Run from anywhere:

    python3 benches/compare/distributed.py                      # the 1 000 000 x 50 CSV
    python3 benches/compare/distributed.py --csv PATH --skip-spark

Data: `--csv PATH` (header, numeric features, a 0/1 column `y`), by default
target/spark-data/synth-1m.csv, written first by `spark.py --generate 1000000 50` when missing.

Runs, each a separate `mpirun` of our example `compare_mpi` (benches/compare/logreg_mpi.rs,
built with `cargo build --release --features mpi --example compare_mpi`), every rank reading its
own run of the CSV's rows (record boundaries found by rank 0):
1. one process with 2 threads (`-n 1 --bind-to none`, RAYON_NUM_THREADS=2): the single-process
   fit, and the reference coefficients;
2. 2 ranks with 1 thread each (`-n 2`, RAYON_NUM_THREADS=1): the distributed fit;
3. 3 ranks, oversubscribed on 2 cores: binary L2 (auto), and multinomial (softmax over y's
   classes), each compared with the one-process fit of the same kind: coefficients within
   1e-10 relative.
Each run reports the read seconds (parse the CSV and build the design, slowest rank) and the fit
seconds; the wall time is mpirun's, launch to exit. Then Spark (`spark.py` on the same CSV,
`local[2]`, the same objective), unless `--skip-spark`, which reuses target/compare/spark.json
when it was made from this CSV.

It prints a table and the ratios the issue asks for (our 2-rank fit against Spark's fit, end to
end against Spark's read + fit, 2 ranks x 1 thread against 1 process x 2 threads) with the load
average before and after, and writes target/compare/distributed.json. Keep the cores idle: it
measures wall-clock time. Nothing here runs under `cargo test` or CI.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT_DIR = os.path.join(ROOT, "target", "compare")
DEFAULT_CSV = os.path.join(ROOT, "target", "spark-data", "synth-1m.csv")
SPARK_JSON = os.path.join(OUT_DIR, "spark.json")


class Failure(Exception):
    """A step failed; the message says which and what to do."""


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


def build():
    cmd = ["cargo", "build", "--release", "--features", "mpi", "--example", "compare_mpi"]
    print(f"[build] {' '.join(cmd)}", file=sys.stderr, flush=True)
    if subprocess.run(cmd, cwd=ROOT).returncode != 0:
        raise Failure("the build failed; MPI builds need `apt-get install openmpi-bin "
                      "libopenmpi-dev libclang-dev clang`")
    return os.path.join(target_dir(), "release", "examples", "compare_mpi")


def mpirun_flags():
    out = subprocess.run(["mpirun", "--version"], capture_output=True, text=True)
    if out.returncode != 0:
        raise Failure("mpirun is missing: apt-get install openmpi-bin libopenmpi-dev")
    text = out.stdout + out.stderr
    return ["--oversubscribe", "--allow-run-as-root"] if "Open MPI" in text else []


def ours(exe, csv, ranks, threads, extra=(), bind_none=False):
    cmd = ["mpirun", *mpirun_flags(), "-n", str(ranks), "-x", f"RAYON_NUM_THREADS={threads}"]
    if bind_none:
        cmd += ["--bind-to", "none"]
    cmd += [exe, csv, *extra]
    print(f"[ours] {' '.join(cmd)}", file=sys.stderr, flush=True)
    start = time.time()
    out = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - start
    if out.returncode != 0:
        raise Failure(f"{' '.join(cmd)} failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = wall
    return result


def gap(a, b):
    scale = max(abs(v) for v in b)
    return max(abs(x - y) for x, y in zip(a, b)) / scale


def load():
    return os.getloadavg()


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--csv", default=DEFAULT_CSV, help="the CSV (default %(default)s)")
    p.add_argument("--skip-spark", action="store_true",
                   help="reuse target/compare/spark.json (made from the same CSV)")
    args = p.parse_args(argv)
    csv = os.path.abspath(args.csv)
    if not os.path.isfile(csv):
        if csv != DEFAULT_CSV:
            raise Failure(f"{csv}: no such file")
        subprocess.run([sys.executable, os.path.join(HERE, "spark.py"), "--generate",
                        "1000000", "50", csv], check=True)
    exe = build()
    before = load()
    single = ours(exe, csv, 1, 2, bind_none=True)
    two = ours(exe, csv, 2, 1)
    three = ours(exe, csv, 3, 1)
    single_multi = ours(exe, csv, 1, 2, ["--multinomial"], bind_none=True)
    three_multi = ours(exe, csv, 3, 1, ["--multinomial"])
    if args.skip_spark:
        with open(SPARK_JSON) as f:
            spark = json.load(f)
        if os.path.abspath(spark.get("csv", "")) != csv:
            raise Failure(f"{SPARK_JSON} was made from {spark.get('csv')}, not {csv}: run "
                          "without --skip-spark")
    else:
        if subprocess.run([sys.executable, os.path.join(HERE, "spark.py"), csv]).returncode:
            raise Failure("spark.py failed (see above)")
        with open(SPARK_JSON) as f:
            spark = json.load(f)
    after = load()

    rows = [
        ("ours, 1 process x 2 threads", single["read_seconds"], single["fit_seconds"],
         single["wall_seconds"], single["iterations"], single["J"]),
        ("ours, 2 ranks x 1 thread", two["read_seconds"], two["fit_seconds"],
         two["wall_seconds"], two["iterations"], two["J"]),
        ("ours, 3 ranks x 1 thread (oversubscribed)", three["read_seconds"],
         three["fit_seconds"], three["wall_seconds"], three["iterations"], three["J"]),
        ("Spark MLlib local[2]", spark["read_cache_seconds"], spark["fit_seconds"],
         spark["read_cache_seconds"] + spark["fit_seconds"], spark["iterations"], spark["J"]),
    ]
    lines = [f"CSV {csv}: {two['rows']} rows x {two['features']} features; load average "
             f"{before[0]:.2f} before, {after[0]:.2f} after",
             "",
             "| run | read s | fit s | end to end s | iterations | J |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, r, f, w, it, j in rows:
        lines.append(f"| {name} | {r:.2f} | {f:.3f} | {w:.2f} | {it} | {j:.10g} |")
    ratios = {
        "spark_fit_over_our_2_rank_fit": spark["fit_seconds"] / two["fit_seconds"],
        "spark_end_to_end_over_ours": (spark["read_cache_seconds"] + spark["fit_seconds"])
        / two["wall_seconds"],
        "our_2x1_fit_over_1x2_fit": two["fit_seconds"] / single["fit_seconds"],
        "gap_2_ranks_l2": gap(two["coefficients"], single["coefficients"]),
        "gap_3_ranks_l2": gap(three["coefficients"], single["coefficients"]),
        "gap_3_ranks_multinomial": gap(three_multi["coefficients"], single_multi["coefficients"]),
        "gap_to_spark_l2": gap(spark["coefficients"] + [spark["intercept"]],
                               single["coefficients"]),
    }
    lines += ["",
              f"Spark fit / our 2-rank fit: {ratios['spark_fit_over_our_2_rank_fit']:.1f}x "
              "(goal >= 20x)",
              f"Spark read+fit / our end to end (2 ranks): "
              f"{ratios['spark_end_to_end_over_ours']:.1f}x (goal >= 10x)",
              f"our 2 ranks x 1 thread / 1 process x 2 threads, fit: "
              f"{ratios['our_2x1_fit_over_1x2_fit']:.2f} (goal <= 1.2)",
              f"coefficients, relative to one process: 2 ranks {ratios['gap_2_ranks_l2']:.1e}, "
              f"3 ranks {ratios['gap_3_ranks_l2']:.1e} (L2), "
              f"{ratios['gap_3_ranks_multinomial']:.1e} (multinomial); goal <= 1e-10",
              f"Spark's coefficients, relative to ours: {ratios['gap_to_spark_l2']:.1e}"]
    text = "\n".join(lines)
    print(text)
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "distributed.json"), "w") as f:
        json.dump({"load_before": before, "load_after": after, "single": single, "two": two,
                   "three": three, "single_multinomial": single_multi,
                   "three_multinomial": three_multi, "spark": spark, "ratios": ratios}, f,
                  indent=1)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Failure as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
