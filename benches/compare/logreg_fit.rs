//! Our side of the side-by-side comparison run by `benches/compare/compare.py`.
//!
//! Two commands. `gen` writes one data set to a raw little-endian file that every system reads
//! (so all of them fit identical numbers); `fit` times our exact solvers on such a file.
//!
//! ```text
//! compare_fit gen synthetic --n 1000000 --d 50 --seed 1 --out FILE   # make_logistic(n, d, seed)
//! compare_fit gen banknote --csv datasets/banknote.csv --out FILE    # standardized (ddof 0)
//! compare_fit gen bank --csv datasets/bank.csv --out FILE            # the bank tutorial pipeline
//! compare_fit gen scaled-copies|wide-scales|near-collinear|far-from-zero [--seed S] --out FILE
//! compare_fit gen sparse --n N --d D --nnz K --seed S --out FILE.svm  # make_sparse_logistic
//! compare_fit fit --data FILE --solver newton|newton-cg|lbfgs|auto [--repeats 5] [--budget 30]
//!     [--n-features D]                                                # D: for a .svm file
//! ```
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
    make_far_from_zero, make_logistic, make_near_collinear, make_scaled_copies,
    make_sparse_logistic, make_wide_scales,
};
use logreg::model::{LogisticRegression, SolverKind};
use logreg::preprocess::{read_csv, read_libsvm, recipes, CsvOptions, Pipeline};
use nalgebra::DVector;
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
      [--n-features D]";

fn run(args: &[String]) -> Res<()> {
    match args.first().map(String::as_str) {
        Some("gen") => gen(&args[1..]),
        Some("fit") => fit(&Flags::parse(&args[1..])?),
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
    let kind = args
        .first()
        .ok_or("gen needs a kind: synthetic, banknote, bank, sparse or a conditioning set")?;
    if kind == "sparse" {
        return gen_sparse(&Flags::parse(&args[1..])?);
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
            flags.check_known(&["n", "d", "seed", "out"])?;
            let n: usize = flags.number("n", None)?;
            let d: usize = flags.number("d", None)?;
            let seed: u64 = flags.number("seed", Some(1))?;
            let (x, y) = make_logistic(n, d, seed)
                .map_err(|e| format!("make_logistic({n}, {d}, {seed}): {e}"))?;
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
    flags.check_known(&["data", "solver", "repeats", "budget", "n-features"])?;
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
    let (x, y) = if path.extension().is_some_and(|e| e == "svm") {
        read_sparse(&path, flags.number("n-features", None)?)?
    } else {
        let (values, n, d, y) = read_data(&path)?;
        let x = Design::from(Dense::new(values, n, d).map_err(|e| e.to_string())?);
        (x, y)
    };
    let params = LogisticRegression::params()
        .c(1.0)
        .solver(solver)
        .check()
        .map_err(|e| format!("parameters: {e}"))?;

    let mut times = Vec::with_capacity(repeats);
    let mut last = None;
    for _ in 0..repeats {
        let start = Instant::now();
        let model = params
            .fit(&x, &y)
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
