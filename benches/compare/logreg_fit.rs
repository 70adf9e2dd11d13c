//! Our side of the side-by-side comparison run by `benches/compare/compare.py`.
//!
//! Two commands. `gen` writes one data set to a raw little-endian file that every system reads
//! (so all of them fit identical numbers); `fit` times our exact solvers on such a file.
//!
//! ```text
//! compare_fit gen synthetic --n 1000000 --d 50 --seed 1 [--rho R] --out FILE
//!     # make_logistic_correlated(n, d, ρ, seed): every pair of columns correlated ρ (default 0)
//! compare_fit gen banknote --csv datasets/banknote.csv --out FILE    # standardized (ddof 0)
//! compare_fit gen bank --csv datasets/bank.csv --out FILE            # the bank tutorial pipeline
//! compare_fit gen scaled-copies|wide-scales|near-collinear|far-from-zero [--seed S] --out FILE
//! compare_fit gen sparse --n N --d D --nnz K --seed S --out FILE.svm  # make_sparse_logistic
//! compare_fit fit --data FILE --solver newton|newton-cg|lbfgs|auto [--repeats 5] [--budget 30]
//!     [--n-features D]                                                # D: for a .svm file
//!     [--input dmatrix]          # fit(&DMatrix, &y): the conversion to rows is timed too
//! compare_fit gen sparse-bin --n 200000 --d 50000 --nnz 75 --seed 42 --out FILE  # binary CSR, for l1.py
//! compare_fit fit-l1 --data FILE --c C [--l1-ratio R] [--tol T] [--repeats 5] [--budget 30]
//! compare_fit cv --data FILE --cs 20 --folds 5 [--repeats 3] [--budget 60]
//! ```
//!
//! A sparse file (`LOGREGS1`): n, d and nnz as u64, then the CSR row pointers (n + 1 u64), the
//! column indices (nnz u32), the values (nnz f64) and y (n f64). `fit-l1` fits
//! `C·Σ logloss_i + (1 − ρ)/2‖w‖² + ρ‖w‖₁` (ρ = 1 by default) with our default solver for it
//! (coordinate-descent Newton) and prints the same JSON line as `fit` plus the zero count; `cv`
//! times the whole 5-fold cross-validation over a 20-value L1 path (from C_min up) with the refit.
//!
//! File layout: the 8 bytes `LOGREGD1`, then `n` and `d` as u64, then X row-major as `n·d` f64,
//! then y as `n` f64 (0 or 1); everything little-endian. A sparse set is a libsvm text file
//! instead (labels 0/1, 1-based indices, values written in the shortest form that reads back to
//! the same f64), which `fit` reads with `read_libsvm` into a CSR design when its name ends in
//! `.svm`; `--n-features` gives the column count, since the last columns may hold no value.
//!
//! `fit` fits with L2, C = 1 and an unpenalized intercept (the objective
//! `J(w, b) = C·Σ logloss_i + ½‖w‖²`) and the solver's default tolerance, times only the fit (data
//! already in memory) `--repeats` times, stopping early once the runs so far took `--budget`
//! seconds (after a single run if that one took more than 10 s), and prints one JSON line: times,
//! iterations, the coefficients and J recomputed here from them with a stable softplus.

use logreg::linalg::{Dense, Design};
use logreg::model::datasets::{
    make_far_from_zero, make_logistic_correlated, make_near_collinear, make_scaled_copies,
    make_sparse_logistic, make_wide_scales,
};
use logreg::model::{LogisticRegression, SolverKind};
use logreg::preprocess::{read_csv, read_libsvm, recipes, CsvOptions, Pipeline};
use nalgebra::{DMatrix, DVector};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The first 8 bytes of every data file.
const MAGIC: &[u8; 8] = b"LOGREGD1";

/// Bytes before X: the magic, n and d.
const HEADER_LEN: u64 = 24;

/// A failure with a message for the user.
type Res<T> = Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compare_fit: error: {e}");
            eprintln!("{USAGE}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage:
  compare_fit gen synthetic --n N --d D --seed S --out FILE
  compare_fit gen banknote --csv datasets/banknote.csv --out FILE
  compare_fit gen bank --csv datasets/bank.csv --out FILE
  compare_fit gen scaled-copies|wide-scales|near-collinear|far-from-zero [--seed S] --out FILE
  compare_fit gen sparse --n N --d D --nnz K --seed S --out FILE.svm
  compare_fit fit --data FILE --solver newton|newton-cg|lbfgs|auto [--repeats K] [--budget SECONDS]
      [--n-features D]
  compare_fit gen sparse-bin --n N --d D --nnz K --seed S --out FILE
  compare_fit fit-l1 --data FILE --c C [--l1-ratio R] [--tol T] [--repeats K] [--budget SECONDS]
  compare_fit cv --data FILE --cs N --folds K [--repeats K] [--budget SECONDS]";

fn run(args: &[String]) -> Res<()> {
    match args.first().map(String::as_str) {
        Some("gen") => gen(&args[1..]),
        Some("fit") => fit(&Flags::parse(&args[1..])?),
        Some("fit-l1") => fit_l1(&Flags::parse(&args[1..])?),
        Some("cv") => cv(&Flags::parse(&args[1..])?),
        Some(other) => Err(format!("unknown command {other:?} (expected gen or fit)")),
        None => Err("no command given".into()),
    }
}

/// `--name value` pairs.
struct Flags(Vec<(String, String)>);

impl Flags {
    fn parse(args: &[String]) -> Res<Flags> {
        let mut pairs = Vec::new();
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let name = flag
                .strip_prefix("--")
                .ok_or_else(|| format!("expected a --flag, found {flag:?}"))?;
            let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            pairs.push((name.to_string(), value.clone()));
        }
        Ok(Flags(pairs))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn required(&self, name: &str) -> Res<&str> {
        self.get(name)
            .ok_or_else(|| format!("--{name} is required"))
    }

    fn number<T: std::str::FromStr>(&self, name: &str, default: Option<T>) -> Res<T> {
        match (self.get(name), default) {
            (Some(v), _) => v
                .parse()
                .map_err(|_| format!("--{name} {v:?} is not a valid number")),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(format!("--{name} is required")),
        }
    }

    fn check_known(&self, known: &[&str]) -> Res<()> {
        match self.0.iter().find(|(n, _)| !known.contains(&n.as_str())) {
            Some((n, _)) => Err(format!(
                "unknown flag --{n} (known: --{})",
                known.join(", --")
            )),
            None => Ok(()),
        }
    }
}

fn gen(args: &[String]) -> Res<()> {
    let kind = args.first().ok_or(
        "gen needs a kind: synthetic, banknote, bank, sparse, sparse-bin or a conditioning set",
    )?;
    if kind == "sparse" {
        return gen_sparse(&Flags::parse(&args[1..])?);
    }
    if kind == "sparse-bin" {
        return gen_sparse_bin(&Flags::parse(&args[1..])?);
    }
    if CONDITIONING.contains(&kind.as_str()) {
        return gen_conditioning(kind, &Flags::parse(&args[1..])?);
    }
    if !["synthetic", "banknote", "bank"].contains(&kind.as_str()) {
        return Err(format!(
            "unknown data kind {kind:?} (expected synthetic, banknote or bank)"
        ));
    }
    let flags = Flags::parse(&args[1..])?;
    let out = PathBuf::from(flags.required("out")?);
    let (x, y) = match kind.as_str() {
        "synthetic" => {
            flags.check_known(&["n", "d", "seed", "rho", "out"])?;
            let n: usize = flags.number("n", None)?;
            let d: usize = flags.number("d", None)?;
            let seed: u64 = flags.number("seed", Some(1))?;
            let rho: f64 = flags.number("rho", Some(0.0))?;
            let (x, y) = make_logistic_correlated(n, d, rho, seed)
                .map_err(|e| format!("make_logistic_correlated({n}, {d}, {rho}, {seed}): {e}"))?;
            (Design::from(x), y)
        }
        "banknote" => {
            flags.check_known(&["csv", "out"])?;
            let csv = flags.required("csv")?;
            let table = read_csv(csv, &CsvOptions::new()).map_err(|e| format!("{csv}: {e}"))?;
            let (features, _) = table
                .split_target("class")
                .map_err(|e| format!("{csv}: {e}"))?;
            let y = table
                .numeric_values("class")
                .map_err(|e| format!("{csv}: {e}"))?;
            let x = Pipeline::new()
                .standardize_all()
                .fit_transform(&features)
                .map_err(|e| format!("{csv}: standardizing: {e}"))?
                .design;
            (x, y)
        }
        "bank" => {
            flags.check_known(&["csv", "out"])?;
            let csv = flags.required("csv")?;
            let table = read_csv(csv, &CsvOptions::new()).map_err(|e| format!("{csv}: {e}"))?;
            let y = recipes::bank_marketing_target(&table).map_err(|e| format!("{csv}: {e}"))?;
            let x = recipes::bank_marketing_pipeline()
                .fit_transform(&table)
                .map_err(|e| format!("{csv}: the bank tutorial pipeline: {e}"))?
                .design;
            (x, y)
        }
        other => {
            return Err(format!(
                "unknown data kind {other:?} (expected synthetic, banknote or bank)"
            ))
        }
    };
    write_data_and_say(&out, &x, &y)
}

/// The badly conditioned dense sets of issue 21 (`logreg_model::datasets`), by their names here.
const CONDITIONING: [&str; 4] = [
    "scaled-copies",
    "wide-scales",
    "near-collinear",
    "far-from-zero",
];

/// `gen scaled-copies|wide-scales|near-collinear|far-from-zero [--seed S] --out FILE`: the
/// seeded generator of that name (each has a fixed shape; the default seeds are the ones
/// `crates/model/tests/conditioning.rs` uses).
fn gen_conditioning(kind: &str, flags: &Flags) -> Res<()> {
    flags.check_known(&["seed", "out"])?;
    let out = PathBuf::from(flags.required("out")?);
    let (generate, default_seed): (fn(u64) -> _, u64) = match kind {
        "scaled-copies" => (make_scaled_copies, 1),
        "wide-scales" => (make_wide_scales, 2),
        "near-collinear" => (make_near_collinear, 3),
        "far-from-zero" => (make_far_from_zero, 4),
        other => return Err(format!("unknown conditioning set {other:?}")),
    };
    let seed: u64 = flags.number("seed", Some(default_seed))?;
    let (x, y) = generate(seed).map_err(|e| format!("{kind} (seed {seed}): {e}"))?;
    write_data_and_say(&out, &Design::from(x), &y)
}

/// `gen sparse --n N --d D --nnz K --seed S --out FILE.svm`: `make_sparse_logistic(N, D, K, S)`
/// written as libsvm text (labels 0/1, 1-based indices; Rust prints an f64 in the shortest form
/// that parses back to the same bits, so every reader fits the same numbers).
fn gen_sparse(flags: &Flags) -> Res<()> {
    flags.check_known(&["n", "d", "nnz", "seed", "out"])?;
    let out = PathBuf::from(flags.required("out")?);
    let n: usize = flags.number("n", None)?;
    let d: usize = flags.number("d", None)?;
    let nnz: usize = flags.number("nnz", None)?;
    let seed: u64 = flags.number("seed", Some(1))?;
    let (x, y) = make_sparse_logistic(n, d, nnz, seed)
        .map_err(|e| format!("make_sparse_logistic({n}, {d}, {nnz}, {seed}): {e}"))?;
    let io = |e: std::io::Error| format!("writing {}: {e}", out.display());
    if let Some(dir) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&out).map_err(io)?);
    for (i, label) in y.iter().enumerate() {
        write!(w, "{}", u8::from(*label == 1.0)).map_err(io)?;
        let (idx, val) = x.row(i);
        for (j, v) in idx.iter().zip(val) {
            write!(w, " {}:{v}", j + 1).map_err(io)?;
        }
        writeln!(w).map_err(io)?;
    }
    w.flush().map_err(io)?;
    let line = serde_json::json!({
        "path": out.display().to_string(),
        "n": x.n_rows(),
        "d": x.n_cols(),
        "nnz": x.nnz(),
    });
    println!("{line}");
    Ok(())
}

/// Writes a dense data file and prints its path and shape as one JSON line.
fn write_data_and_say(out: &Path, x: &Design<'_>, y: &[f64]) -> Res<()> {
    write_data(out, x, y)?;
    let line = serde_json::json!({
        "path": out.display().to_string(),
        "n": x.n_rows(),
        "d": x.n_cols(),
    });
    println!("{line}");
    Ok(())
}

fn write_data(path: &Path, x: &Design<'_>, y: &[f64]) -> Res<()> {
    if let Some((i, v)) = y.iter().enumerate().find(|(_, v)| **v != 0.0 && **v != 1.0) {
        return Err(format!("label {v} at row {i} is not 0 or 1"));
    }
    let io = |e: std::io::Error| format!("writing {}: {e}", path.display());
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path).map_err(io)?);
    let (n, d) = (x.n_rows(), x.n_cols());
    w.write_all(MAGIC).map_err(io)?;
    w.write_all(&(n as u64).to_le_bytes()).map_err(io)?;
    w.write_all(&(d as u64).to_le_bytes()).map_err(io)?;
    let mut row = Vec::with_capacity(d * 8);
    for i in 0..n {
        row.clear();
        for j in 0..d {
            row.extend_from_slice(&x.get(i, j).unwrap_or(0.0).to_le_bytes());
        }
        w.write_all(&row).map_err(io)?;
    }
    for v in y {
        w.write_all(&v.to_le_bytes()).map_err(io)?;
    }
    w.flush().map_err(io)
}

/// Reads a data file: X row-major (n × d values, which the estimator borrows as it is) and labels
/// 0/1.
fn read_data(path: &Path) -> Res<(Vec<f64>, usize, usize, Vec<u8>)> {
    let io = |e: std::io::Error| format!("reading {}: {e}", path.display());
    let file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut header = [0u8; HEADER_LEN as usize];
    r.read_exact(&mut header)
        .map_err(|e| format!("{}: too short for the 24-byte header ({e})", path.display()))?;
    if &header[..8] != MAGIC {
        return Err(format!(
            "{}: not a compare_fit data file (no LOGREGD1 magic)",
            path.display()
        ));
    }
    let word = |k: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&header[8 * k..8 * k + 8]);
        u64::from_le_bytes(b)
    };
    let (n64, d64) = (word(1), word(2));
    let expected = n64
        .checked_mul(d64)
        .and_then(|nd| nd.checked_add(n64))
        .and_then(|v| v.checked_mul(8))
        .and_then(|v| v.checked_add(HEADER_LEN));
    if n64 == 0 || d64 == 0 || expected != Some(len) {
        return Err(format!(
            "{}: header says {n64} x {d64}, which does not match the file size {len} bytes",
            path.display()
        ));
    }
    let too_big = |_| format!("{}: {n64} x {d64} is too large here", path.display());
    let n = usize::try_from(n64).map_err(too_big)?;
    let d = usize::try_from(d64).map_err(too_big)?;
    let mut x = Vec::with_capacity(n * d);
    let mut row = vec![0u8; d * 8];
    for _ in 0..n {
        r.read_exact(&mut row).map_err(io)?;
        x.extend(row.chunks_exact(8).map(|b| {
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            f64::from_le_bytes(a)
        }));
    }
    let mut y = Vec::with_capacity(n);
    let mut b = [0u8; 8];
    for i in 0..n {
        r.read_exact(&mut b).map_err(io)?;
        let v = f64::from_le_bytes(b);
        if v != 0.0 && v != 1.0 {
            return Err(format!(
                "{}: label {v} at row {i} is not 0 or 1",
                path.display()
            ));
        }
        y.push(u8::from(v == 1.0));
    }
    Ok((x, n, d, y))
}

/// `J(w, b) = C·Σ (softplus(z) − y·z) + ½‖w‖²` with C = 1, softplus computed stably.
fn objective(x: &Design<'_>, y: &[u8], w: &DVector<f64>, b: f64) -> Res<f64> {
    let mut z = vec![0.0; x.n_rows()];
    x.logits(x.all_rows(), w.as_slice(), b, &mut z)
        .map_err(|e| e.to_string())?;
    let loss: f64 = z
        .iter()
        .zip(y)
        .map(|(&zi, &yi)| {
            let softplus = zi.max(0.0) + (-zi.abs()).exp().ln_1p();
            softplus - f64::from(yi) * zi
        })
        .sum();
    Ok(loss + 0.5 * w.dot(w))
}

fn fit(flags: &Flags) -> Res<()> {
    flags.check_known(&["data", "solver", "repeats", "budget", "n-features", "input"])?;
    let path = PathBuf::from(flags.required("data")?);
    let solver_name = flags.required("solver")?;
    let solver = match SolverKind::from_name(solver_name) {
        Some(
            s @ (SolverKind::Newton | SolverKind::NewtonCg | SolverKind::Lbfgs | SolverKind::Auto),
        ) => s,
        _ => {
            return Err(format!(
                "--solver {solver_name:?}: expected newton, newton-cg, lbfgs or auto (the exact \
                 solvers)"
            ))
        }
    };
    let repeats: usize = flags.number("repeats", Some(5))?;
    let budget: f64 = flags.number("budget", Some(30.0))?;
    if repeats == 0 || !(budget.is_finite() && budget > 0.0) {
        return Err("--repeats must be >= 1 and --budget a positive number of seconds".into());
    }
    // `--input dmatrix`: the caller holds a column-major nalgebra matrix, as the facade's
    // `fit(&DMatrix, &y)` users do; its conversion to rows is part of every timed fit.
    let via_dmatrix = match flags.get("input") {
        None | Some("design") => false,
        Some("dmatrix") => true,
        Some(other) => return Err(format!("--input {other:?}: expected design or dmatrix")),
    };
    let (x, y) = if path.extension().is_some_and(|e| e == "svm") {
        read_sparse(&path, flags.number("n-features", None)?)?
    } else {
        let (values, n, d, y) = read_data(&path)?;
        let x = Design::from(Dense::new(values, n, d).map_err(|e| e.to_string())?);
        (x, y)
    };
    let matrix = via_dmatrix
        .then(|| {
            let (n, d) = (x.n_rows(), x.n_cols());
            let Design::Dense(dense) = &x else {
                return Err("--input dmatrix needs a dense data file".to_string());
            };
            Ok(DMatrix::from_row_slice(n, d, dense.as_slice()))
        })
        .transpose()?;
    let params = LogisticRegression::params()
        .c(1.0)
        .solver(solver)
        .check()
        .map_err(|e| format!("parameters: {e}"))?;

    let mut times = Vec::with_capacity(repeats);
    let mut last = None;
    for _ in 0..repeats {
        let start = Instant::now();
        let model = match &matrix {
            Some(m) => params.fit(m, &y),
            None => params.fit(&x, &y),
        }
        .map_err(|e| format!("fitting {}: {e}", path.display()))?;
        times.push(start.elapsed().as_secs_f64());
        last = Some(model);
        let spent: f64 = times.iter().sum();
        if spent > budget || (times.len() == 1 && times[0] > 10.0) {
            break;
        }
    }
    let model = last.ok_or("no fit ran")?;
    let report = model.report();
    let w = model.coefficients();
    let b = model.intercept();
    let j = objective(&x, &y, w, b)?;
    let line = serde_json::json!({
        "system": "logreg (ours)",
        "solver": solver.name(),
        "resolved": report.solver.name(),
        "times": times,
        "iterations": report.iterations,
        "converged": report.converged,
        "stop": report.stop,
        "objective": j,
        "reported_objective": report.objective,
        "grad_norm": report.grad_norm,
        "stages": report.stages,
        "intercept": b,
        "coef": w.iter().collect::<Vec<_>>(),
    });
    println!("{line}");
    Ok(())
}

/// Reads a libsvm file written by `gen sparse` into a CSR design of `n_features` columns and
/// labels 0/1.
fn read_sparse(path: &Path, n_features: usize) -> Res<(Design<'static>, Vec<u8>)> {
    let data =
        read_libsvm(path, Some(n_features)).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut y = Vec::with_capacity(data.n_rows());
    for (i, v) in data.numeric_labels().into_iter().enumerate() {
        if v != 0.0 && v != 1.0 {
            return Err(format!(
                "{}: label {v} on data line {} is not 0 or 1",
                path.display(),
                i + 1
            ));
        }
        y.push(u8::from(v == 1.0));
    }
    Ok((Design::Sparse(data.design), y))
}

/// The first 8 bytes of a sparse data file.
const SPARSE_MAGIC: &[u8; 8] = b"LOGREGS1";

fn gen_sparse_bin(flags: &Flags) -> Res<()> {
    flags.check_known(&["n", "d", "nnz", "seed", "out"])?;
    let out = PathBuf::from(flags.required("out")?);
    let n: usize = flags.number("n", None)?;
    let d: usize = flags.number("d", None)?;
    let k: usize = flags.number("nnz", None)?;
    let seed: u64 = flags.number("seed", Some(42))?;
    let (x, y) = logreg::model::datasets::make_sparse_logistic(n, d, k, seed)
        .map_err(|e| format!("make_sparse_logistic: {e}"))?;
    let io = |e: std::io::Error| format!("writing {}: {e}", out.display());
    if let Some(dir) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&out).map_err(io)?);
    let (indptr, indices, values) = x.arrays();
    w.write_all(SPARSE_MAGIC).map_err(io)?;
    for v in [n, d, values.len()] {
        w.write_all(&(v as u64).to_le_bytes()).map_err(io)?;
    }
    for &p in indptr {
        w.write_all(&(p as u64).to_le_bytes()).map_err(io)?;
    }
    for &j in indices {
        w.write_all(&j.to_le_bytes()).map_err(io)?;
    }
    for &v in values.iter().chain(&y) {
        w.write_all(&v.to_le_bytes()).map_err(io)?;
    }
    w.flush().map_err(io)?;
    println!(
        "{}",
        serde_json::json!({"path": out.display().to_string(), "n": n, "d": d, "nnz": values.len()})
    );
    Ok(())
}

/// A dense or sparse data file as a design and 0/1 labels.
fn read_any(path: &Path) -> Res<(Design<'static>, Vec<u8>)> {
    let mut magic = [0u8; 8];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map_err(|e| format!("reading {}: {e}", path.display()))?;
    if &magic != SPARSE_MAGIC {
        let (values, n, d, y) = read_data(path)?;
        let x = Dense::new(values, n, d).map_err(|e| e.to_string())?;
        return Ok((Design::from(x), y));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let word = |at: usize| -> Res<u64> {
        bytes
            .get(at..at + 8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
            .ok_or_else(|| format!("{}: truncated", path.display()))
    };
    let (n, d, nnz) = (word(8)? as usize, word(16)? as usize, word(24)? as usize);
    let mut at = 32;
    let mut indptr = Vec::with_capacity(n + 1);
    for _ in 0..=n {
        indptr.push(word(at)? as usize);
        at += 8;
    }
    let mut indices = Vec::with_capacity(nnz);
    for _ in 0..nnz {
        let b = bytes.get(at..at + 4).ok_or("truncated sparse file")?;
        indices.push(u32::from_le_bytes(b.try_into().unwrap_or([0; 4])));
        at += 4;
    }
    let mut float = |count: usize| -> Res<Vec<f64>> {
        let mut v = Vec::with_capacity(count);
        for _ in 0..count {
            v.push(f64::from_bits(word(at)?));
            at += 8;
        }
        Ok(v)
    };
    let values = float(nnz)?;
    let y = float(n)?;
    let x = logreg::linalg::Csr::new(n, d, indptr, indices, values).map_err(|e| e.to_string())?;
    Ok((
        Design::from(x),
        y.iter().map(|&v| u8::from(v == 1.0)).collect(),
    ))
}

/// `C·Σ logloss + (1 − ρ)/2‖w‖² + ρ‖w‖₁`, recomputed from the coefficients.
fn l1_objective(x: &Design<'_>, y: &[u8], w: &DVector<f64>, b: f64, c: f64, rho: f64) -> Res<f64> {
    let smooth = objective(x, y, w, b)? - 0.5 * w.dot(w);
    Ok(c * smooth + 0.5 * (1.0 - rho) * w.dot(w) + rho * w.iter().map(|v| v.abs()).sum::<f64>())
}

/// Times `f` up to `repeats` times within `budget` seconds; returns the times and the last result.
fn timed<T>(repeats: usize, budget: f64, mut f: impl FnMut() -> Res<T>) -> Res<(Vec<f64>, T)> {
    let mut times = Vec::with_capacity(repeats);
    let mut last = None;
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        last = Some(f()?);
        times.push(start.elapsed().as_secs_f64());
        let spent: f64 = times.iter().sum();
        if spent > budget || (times.len() == 1 && times[0] > 10.0) {
            break;
        }
    }
    Ok((times, last.ok_or("no fit ran")?))
}

fn fit_l1(flags: &Flags) -> Res<()> {
    flags.check_known(&["data", "c", "l1-ratio", "tol", "repeats", "budget"])?;
    let path = PathBuf::from(flags.required("data")?);
    let c: f64 = flags.number("c", None)?;
    let rho: f64 = flags.number("l1-ratio", Some(1.0))?;
    // The stopping tolerance on the minimum-norm subgradient (the library's default, 1e-10,
    // when not given): looser values show what reaching the objective to 1e-6 costs.
    let tol: f64 = flags.number("tol", Some(1e-10))?;
    let penalty = if rho == 1.0 {
        logreg::model::Penalty::L1 { c }
    } else {
        logreg::model::Penalty::ElasticNet { c, l1_ratio: rho }
    };
    let params = LogisticRegression::params()
        .penalty(penalty)
        .tol(tol)
        .check()
        .map_err(|e| format!("parameters: {e}"))?;
    let (x, y) = read_any(&path)?;
    let (times, model) = timed(
        flags.number("repeats", Some(5))?,
        flags.number("budget", Some(30.0))?,
        || params.fit(&x, &y).map_err(|e| format!("fitting: {e}")),
    )?;
    let report = model.report();
    let w = model.coefficients();
    let b = model.intercept();
    let line = serde_json::json!({
        "system": "logreg (ours)",
        "solver": report.solver.name(),
        "times": times,
        "iterations": report.iterations,
        "converged": report.converged,
        "stop": report.stop,
        "objective": l1_objective(&x, &y, w, b, c, rho)?,
        "subgradient_norm": report.grad_norm,
        "zeros": w.iter().filter(|v| **v == 0.0).count(),
        "intercept": b,
        "coef": w.iter().collect::<Vec<_>>(),
    });
    println!("{line}");
    Ok(())
}

fn cv(flags: &Flags) -> Res<()> {
    flags.check_known(&["data", "cs", "folds", "repeats", "budget"])?;
    let path = PathBuf::from(flags.required("data")?);
    let cs: usize = flags.number("cs", Some(20))?;
    let folds: usize = flags.number("folds", Some(5))?;
    let (x, y) = read_any(&path)?;
    let params = LogisticRegression::params()
        .penalty(logreg::model::Penalty::L1 { c: 1.0 })
        .check()
        .map_err(|e| format!("parameters: {e}"))?;
    let (times, r) = timed(
        flags.number("repeats", Some(3))?,
        flags.number("budget", Some(60.0))?,
        || {
            params
                .cross_validate(
                    &x,
                    &y,
                    logreg::model::CvOptions {
                        folds,
                        cs: logreg::model::CGrid::Count(cs),
                        scoring: logreg::model::Scoring::LogLoss,
                        ..logreg::model::CvOptions::default()
                    },
                )
                .map_err(|e| format!("cross-validation: {e}"))
        },
    )?;
    let best = r.paths[0]
        .rows
        .iter()
        .map(|row| row.mean)
        .fold(f64::INFINITY, f64::min);
    let line = serde_json::json!({
        "system": "logreg (ours)",
        "times": times,
        "best_c": r.best.c,
        "best_log_loss": r.best.mean,
        "grid_best_log_loss": best,
        "one_se_c": r.one_se.c,
        "cs": r.paths[0].rows.iter().map(|row| row.c).collect::<Vec<_>>(),
        "scores": r.paths[0].rows.iter().map(|row| row.mean).collect::<Vec<_>>(),
    });
    println!("{line}");
    Ok(())
}
