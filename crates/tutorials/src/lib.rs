//! The "from scratch" tutorials retold with logreg: the steps the repository's `examples/` run
//! and print. Teaching code with paths into this repository, so it is not published and not part
//! of the `logreg` library's API.
//!
//! Each module is one tutorial. Its functions are the tutorial's steps (load the data, train,
//! predict, evaluate, draw), written to be read top to bottom next to the example that runs them:
//! the example (`cargo run --release --example NAME` from the repository's root) prints what the
//! tutorial printed, and this crate's `tests/tutorials.rs` calls the very same functions and checks
//! the numbers. Every chart is an SVG file in a directory the caller chooses.
//!
//! ```no_run
//! let customers = logreg_tutorials::discount::load()?;
//! assert_eq!(customers.amount_spent.len(), 9);
//! # Ok::<(), logreg_tutorials::Error>(())
//! ```
//!
//! | module | example | the story |
//! |---|---|---|
//! | [`sigmoid`] | `sigmoid` | the S-curve, and why the library computes it from logits |
//! | [`discount`] | `discount` | 9 customers; the missing intercept that keeps the loss at 0.419 |
//! | [`toy_and_banknote`] | `toy_and_banknote` | dummy weights, gradient descent, 99% on banknotes |
//! | [`blobs`] | `blobs` | two Gaussian clusters, a random start, the decision boundary |
//! | [`step_by_step`] | `step_by_step` | initialize → propagate → optimize → predict → model |
//! | [`bank_marketing`] | `bank_marketing` | cleaning, standardizing, evaluating; GD against L-BFGS and Newton |
//! | [`feature_selection`] | `l1_feature_selection` | an L1 path on the bank features, C chosen by cross-validation |
#![forbid(unsafe_code)]

use logreg::model::{FittedLogisticRegression, LogisticRegression, Penalty, SolverKind};
use logreg::preprocess::{read_csv, CsvOptions, Table};
use logreg_plot::{Chart, PlotError};
use nalgebra::{DMatrix, DVector};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub mod bank_marketing;
pub mod blobs;
pub mod discount;
pub mod feature_selection;
pub mod sigmoid;
pub mod step_by_step;
pub mod toy_and_banknote;

/// Why a tutorial step failed: the library's error, or a chart's.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// From reading data, fitting, predicting or evaluating.
    #[error(transparent)]
    Logreg(#[from] logreg::Error),
    /// From drawing or saving a chart.
    #[error(transparent)]
    Plot(#[from] PlotError),
}

/// Each library crate's error converts as it does into [`logreg::Error`], so `?` works on all.
macro_rules! via_logreg_error {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for Error {
            fn from(e: $error) -> Error {
                Error::Logreg(e.into())
            }
        }
    )*};
}

via_logreg_error!(
    logreg::linalg::LinalgError,
    logreg::loss::LossError,
    logreg::optim::OptimError,
    logreg::preprocess::PreprocessError,
    logreg::model::ModelError,
    logreg::evaluate::EvalError,
);

/// The repository's root, two levels above this crate (`crates/tutorials`), fixed at compile time.
fn repository() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    match crate_dir.parent().and_then(Path::parent) {
        Some(root) => root.to_path_buf(),
        None => crate_dir.join("../.."),
    }
}

/// The path of a bundled data set, `datasets/NAME` in this repository (fixed at compile time).
pub fn dataset(name: &str) -> PathBuf {
    repository().join("datasets").join(name)
}

/// Features (one sample per row) and 0/1 labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// n × d features.
    pub x: DMatrix<f64>,
    /// n labels, 0 or 1.
    pub y: Vec<f64>,
}

impl Data {
    /// The numeric columns of `table` other than `target` as features, `target` (0/1) as labels.
    pub fn from_table(table: &Table, target: &str) -> Result<Data, Error> {
        Ok(Data {
            x: table.drop(&[target])?.to_features()?.to_dmatrix(),
            y: table.numeric_values(target)?,
        })
    }
}

/// Read the bundled data set `datasets/FILE`.
pub fn read(file: &str) -> Result<Table, Error> {
    Ok(read_csv(dataset(file), &CsvOptions::new())?)
}

/// The exact unpenalized optimum on `data` (with an intercept), by the library's Newton solver:
/// what gradient descent is approaching.
pub fn exact_fit(data: &Data) -> Result<FittedLogisticRegression<f64>, Error> {
    Ok(LogisticRegression::params()
        .penalty(Penalty::None)
        .solver(SolverKind::Newton)
        .check()?
        .fit(&data.x, &data.y)?)
}

/// Where tutorial `name` writes its charts: `arg` (an example's first command-line argument) if
/// given, else `target/tutorial-plots/NAME` in this repository.
pub fn output_dir(name: &str, arg: Option<OsString>) -> PathBuf {
    match arg {
        Some(dir) => PathBuf::from(dir),
        None => repository()
            .join("target")
            .join("tutorial-plots")
            .join(name),
    }
}

/// Write `chart` to `dir/file` (creating `dir` if needed) and return the file's path.
pub fn save(chart: &Chart, dir: &Path, file: &str) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(dir).map_err(|source| PlotError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(file);
    chart.save(&path)?;
    Ok(path)
}

/// Accuracy of the parameters `theta = (w₁…w_d, b)` (the intercept `b` optional) on `x` and 0/1
/// labels `y`: the fraction of rows whose logit `x·w + b` is positive exactly when the label is 1.
pub fn accuracy_of(theta: &DVector<f64>, x: &DMatrix<f64>, y: &[f64]) -> f64 {
    let d = x.ncols();
    let b = theta.get(d).copied().unwrap_or(0.0);
    let right = x
        .row_iter()
        .zip(y)
        .filter(|(row, &yi)| {
            let z: f64 = row
                .iter()
                .zip(theta.iter())
                .map(|(a, c)| a * c)
                .sum::<f64>()
                + b;
            (z > 0.0) == (yi == 1.0)
        })
        .count();
    right as f64 / y.len().max(1) as f64
}

/// `(i, v)` points of a series indexed from 0, for a line chart.
pub fn indexed(values: &[f64]) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| (i as f64, v))
        .collect()
}

/// The rows of a two-column `x` as `(x₁, x₂)` points, those labelled 0 and those labelled 1.
pub fn points_by_label(x: &DMatrix<f64>, y: &[f64]) -> [Vec<(f64, f64)>; 2] {
    let mut out = [Vec::new(), Vec::new()];
    for (row, &label) in x.row_iter().zip(y) {
        if let (Some(&a), Some(&b)) = (row.get(0), row.get(1)) {
            out[usize::from(label == 1.0)].push((a, b));
        }
    }
    out
}

/// The range of `values` widened by 5% on each side (`(-1, 1)` when there are none).
pub fn padded_range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return (-1.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-9);
    (lo - pad, hi + pad)
}

/// `chart` with the line `w[0]·x + w[1]·y + b = 0` drawn as a coloured series named `name`
/// inside `x_range × y_range`, or unchanged if the line misses that box. Unlike
/// [`Chart::boundary`](logreg_plot::Chart::boundary), which draws every boundary in the same
/// dashed black, this lets several boundaries be told apart.
pub fn with_boundary_line(
    chart: Chart,
    name: &str,
    w: [f64; 2],
    b: f64,
    x_range: (f64, f64),
    y_range: (f64, f64),
) -> Chart {
    match logreg_plot::boundary_segment(w, b, x_range, y_range) {
        Some(segment) => chart.line(name, &segment),
        None => chart,
    }
}
