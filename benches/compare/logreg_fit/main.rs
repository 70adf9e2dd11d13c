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

mod data;
mod fit;

use crate::data::gen;
use crate::fit::{cv, fit, fit_l1};
use std::process::ExitCode;

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
