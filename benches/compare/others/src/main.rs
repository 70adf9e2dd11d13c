//! linfa-logistic and smartcore on the comparison's data files, for `benches/compare/compare.py`.
//!
//! ```text
//! compare-others --system linfa|smartcore --data FILE [--repeats 5] [--budget 30] [--tol 1e-6]
//! ```
//!
//! Reads a file written by `compare_fit gen` (the 8 bytes `LOGREGD1`, n and d as u64, X row-major
//! as n·d f64, y as n f64 0/1, all little-endian), fits the objective
//! `J(w, b) = C·Σ logloss_i + ½‖w‖²` with C = 1 and an unpenalized intercept, times only the fit
//! (data already in memory, in each library's own matrix type), and prints one JSON line with the
//! times, the coefficients and J recomputed here from them with a stable softplus.
//!
//! Both libraries state the objective on the *sum* of the losses, so C = 1 is `alpha = 1`:
//! - linfa-logistic: `-Σ log σ(yᵢ zᵢ) + α/2 ‖w‖²` (intercept not penalized), minimized by argmin's
//!   L-BFGS (memory 10, More–Thuente line search) until the gradient norm (of that sum) is below
//!   `--tol`, at most `--max-iter` iterations.
//! - smartcore: `Σ (ln(1 + eᶻ) − y z) + α/2 ‖w‖²` (intercept not penalized) by its own L-BFGS,
//!   whose tolerances and iteration limit (1000) are fixed inside the library. Its objective
//!   replaces `ln(1 + eᶻ)` by `z` when z > 15 (the line search sees that approximation; its
//!   gradient is exact).
//!
//! Neither library reports how many iterations it ran, so `iterations` is `null`.

use linfa::prelude::*;
use ndarray::{Array1, Array2};
use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// A failure with a message for the user.
type Res<T> = Result<T, String>;

const USAGE: &str = "usage: compare-others --system linfa|smartcore --data FILE \
                     [--repeats K] [--budget SECONDS] [--tol GRAD_TOL] [--max-iter N]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compare-others: error: {e}");
            eprintln!("{USAGE}");
            ExitCode::FAILURE
        }
    }
}

/// Settings from the command line.
struct Settings {
    system: String,
    data: String,
    repeats: usize,
    budget: f64,
    tol: f64,
    max_iter: u64,
}

fn parse(args: &[String]) -> Res<Settings> {
    let mut s = Settings {
        system: String::new(),
        data: String::new(),
        repeats: 5,
        budget: 30.0,
        tol: 1e-6,
        max_iter: 1000,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = || format!("{flag} {value:?} is not a valid number");
        match flag.as_str() {
            "--system" => s.system = value.clone(),
            "--data" => s.data = value.clone(),
            "--repeats" => s.repeats = value.parse().map_err(|_| bad())?,
            "--budget" => s.budget = value.parse().map_err(|_| bad())?,
            "--tol" => s.tol = value.parse().map_err(|_| bad())?,
            "--max-iter" => s.max_iter = value.parse().map_err(|_| bad())?,
            other => return Err(format!("unknown flag {other:?}")),
        }
    }
    if s.data.is_empty() {
        return Err("--data is required".into());
    }
    if s.repeats == 0 || !(s.budget.is_finite() && s.budget > 0.0) {
        return Err("--repeats must be >= 1 and --budget a positive number of seconds".into());
    }
    if !(s.tol.is_finite() && s.tol > 0.0) || s.max_iter == 0 {
        return Err("--tol must be a positive number and --max-iter at least 1".into());
    }
    Ok(s)
}

fn run(args: &[String]) -> Res<()> {
    let s = parse(args)?;
    let (n, d, x, y) = read_data(Path::new(&s.data))?;
    let (name, solver, times, w, b) = match s.system.as_str() {
        "linfa" => {
            let x = Array2::from_shape_vec((n, d), x).map_err(|e| format!("X: {e}"))?;
            let targets: Array1<usize> = y.iter().map(|&v| usize::from(v == 1.0)).collect();
            let data = Dataset::new(x, targets);
            let params = linfa_logistic::LogisticRegression::default()
                .alpha(1.0)
                .with_intercept(true)
                .gradient_tolerance(s.tol)
                .max_iterations(s.max_iter);
            let (times, model) = timed(&s, || {
                params
                    .fit(&data)
                    .map_err(|e| format!("linfa-logistic: {e}"))
            })?;
            // linfa models P(more frequent class): flip to P(y = 1) when that class is 0 (the
            // objective is symmetric in the labels, so this is the same optimum).
            let sign = if model.labels().pos.class == 1 {
                1.0
            } else {
                -1.0
            };
            let w: Vec<f64> = model.params().iter().map(|v| sign * v).collect();
            let b = sign * model.intercept();
            (
                "linfa-logistic",
                format!("lbfgs (gradient tol {:e})", s.tol),
                times,
                w,
                b,
            )
        }
        "smartcore" => {
            let xm = DenseMatrix::new(n, d, x, false).map_err(|e| format!("X: {e}"))?;
            let labels: Vec<i32> = y.iter().map(|&v| i32::from(v == 1.0)).collect();
            let params =
                smartcore::linear::logistic_regression::LogisticRegressionParameters::default()
                    .with_alpha(1.0);
            let (times, model) = timed(&s, || {
                smartcore::linear::logistic_regression::LogisticRegression::fit(
                    &xm,
                    &labels,
                    params.clone(),
                )
                .map_err(|e| format!("smartcore: {e}"))
            })?;
            let coef = model.coefficients();
            let w: Vec<f64> = (0..d).map(|j| *coef.get((0, j))).collect();
            let b = *model.intercept().get((0, 0));
            (
                "smartcore",
                "lbfgs (library defaults)".to_string(),
                times,
                w,
                b,
            )
        }
        other => return Err(format!("--system {other:?}: expected linfa or smartcore")),
    };
    let j = objective(&s.data, d, &w, b, &y)?;
    let line = serde_json::json!({
        "system": name,
        "solver": solver,
        "times": times,
        "iterations": null,
        "objective": j,
        "intercept": b,
        "coef": w,
    });
    println!("{line}");
    Ok(())
}

/// Runs `fit` up to `repeats` times (stopping once `budget` seconds are spent, or after one run
/// longer than 10 s) and returns the times and the last model.
fn timed<M>(s: &Settings, mut fit: impl FnMut() -> Res<M>) -> Res<(Vec<f64>, M)> {
    let mut times = Vec::with_capacity(s.repeats);
    let mut last = None;
    for _ in 0..s.repeats {
        let start = Instant::now();
        let model = fit()?;
        times.push(start.elapsed().as_secs_f64());
        last = Some(model);
        let spent: f64 = times.iter().sum();
        if spent > s.budget || (times.len() == 1 && times[0] > 10.0) {
            break;
        }
    }
    let model = last.ok_or("no fit ran")?;
    Ok((times, model))
}

/// Reads a data file: n, d, X row-major and y (0.0 or 1.0).
fn read_data(path: &Path) -> Res<(usize, usize, Vec<f64>, Vec<f64>)> {
    let io = |e: std::io::Error| format!("reading {}: {e}", path.display());
    let file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut header = [0u8; 24];
    r.read_exact(&mut header)
        .map_err(|e| format!("{}: too short for the header ({e})", path.display()))?;
    if &header[..8] != b"LOGREGD1" {
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
        .and_then(|v| v.checked_add(24));
    if n64 == 0 || d64 == 0 || expected != Some(len) {
        return Err(format!(
            "{}: header says {n64} x {d64}, which does not match the file size {len} bytes",
            path.display()
        ));
    }
    let too_big = |_| format!("{}: {n64} x {d64} is too large here", path.display());
    let n = usize::try_from(n64).map_err(too_big)?;
    let d = usize::try_from(d64).map_err(too_big)?;
    let x = read_f64s(&mut r, n * d).map_err(io)?;
    let y = read_f64s(&mut r, n).map_err(io)?;
    if let Some((i, v)) = y.iter().enumerate().find(|(_, v)| **v != 0.0 && **v != 1.0) {
        return Err(format!(
            "{}: label {v} at row {i} is not 0 or 1",
            path.display()
        ));
    }
    Ok((n, d, x, y))
}

fn read_f64s(r: &mut impl Read, count: usize) -> std::io::Result<Vec<f64>> {
    let mut out = Vec::with_capacity(count);
    let mut buf = vec![0u8; 8 * count.min(8192)];
    let mut left = count;
    while left > 0 {
        let k = left.min(8192);
        r.read_exact(&mut buf[..8 * k])?;
        out.extend(buf[..8 * k].chunks_exact(8).map(|c| {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            f64::from_le_bytes(a)
        }));
        left -= k;
    }
    Ok(out)
}

/// `J(w, b) = Σ (softplus(z) − y·z) + ½‖w‖²` (C = 1), re-reading X from the file row by row so
/// the fitted library's own matrix is not needed.
fn objective(path: &str, d: usize, w: &[f64], b: f64, y: &[f64]) -> Res<f64> {
    let io = |e: std::io::Error| format!("reading {path}: {e}");
    let mut r = BufReader::with_capacity(1 << 20, File::open(path).map_err(io)?);
    let mut skip = [0u8; 24];
    r.read_exact(&mut skip).map_err(io)?;
    let mut loss = 0.0;
    for &yi in y {
        let row = read_f64s(&mut r, d).map_err(io)?;
        let z = row.iter().zip(w).map(|(a, c)| a * c).sum::<f64>() + b;
        loss += z.max(0.0) + (-z.abs()).exp().ln_1p() - yi * z;
    }
    Ok(loss + 0.5 * w.iter().map(|v| v * v).sum::<f64>())
}
