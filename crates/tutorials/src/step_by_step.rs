//! Logistic regression as the smallest neural network, built in the classic notebook's five
//! steps: initialize → propagate → optimize → predict → model.
//!
//! Each step is a function here, as in the notebook, but none re-derives the math: `propagate`
//! is one call to [`LogLoss::value_grad`], which computes the cost and both gradients in a single
//! pass over the data (from the logits, so no `log(0)`), and `predict` is a matrix-vector product
//! and [`sigmoid`]. The data are the banknotes (seeded 80/20 split), standardized with the
//! training rows' means and deviations, which is what lets a learning rate as large as 0.5 work.

use super::{read, save, Data};
use crate::Error;
use logreg::evaluate::{accuracy, train_test_split};
use logreg::linalg::{mul_vec, sigmoid, Design};
use logreg::loss::LogLoss;
use logreg::preprocess::Pipeline;
use logreg_plot::{line_chart, Chart};
use nalgebra::{DMatrix, DVector};
use std::path::{Path, PathBuf};

/// The learning rate of the main run.
pub const LEARNING_RATE: f64 = 0.5;
/// Iterations of gradient descent.
pub const NUM_ITERATIONS: usize = 2000;
/// Record (and report) the cost this often.
pub const RECORD_EVERY: usize = 100;
/// Learning rates compared in the learning-curve chart.
pub const COMPARED_RATES: [f64; 3] = [0.5, 0.05, 0.005];
/// Seed of the train/test split.
pub const SPLIT_SEED: u64 = 1;

/// The banknotes split 80/20 with [`SPLIT_SEED`], standardized with the training rows' statistics:
/// `(train, test)`.
pub fn load_dataset() -> Result<(Data, Data), Error> {
    let notes = read("banknote.csv")?;
    let split = train_test_split(notes.n_rows(), 0.2, SPLIT_SEED)?;
    let (train, test) = (notes.take(&split.train)?, notes.take(&split.test)?);
    let mut scaler = Pipeline::new().standardize_all();
    let x_train = scaler.fit_transform(&train.drop(&["class"])?)?.to_dmatrix();
    let x_test = scaler.transform(&test.drop(&["class"])?)?.to_dmatrix();
    Ok((
        Data {
            x: x_train,
            y: train.numeric_values("class")?,
        },
        Data {
            x: x_test,
            y: test.numeric_values("class")?,
        },
    ))
}

/// Step 1: the weights `w` (length `dim`) and the bias `b`, all zero.
pub fn initialize_with_zeros(dim: usize) -> (DVector<f64>, f64) {
    (DVector::zeros(dim), 0.0)
}

/// What one forward and backward pass computes.
#[derive(Debug, Clone, PartialEq)]
pub struct Propagation {
    /// The mean cross-entropy J = −(1/m) Σ [y ln a + (1 − y) ln(1 − a)], a = σ(x·w + b).
    pub cost: f64,
    /// ∂J/∂w = Xᵀ(A − Y) / m.
    pub dw: DVector<f64>,
    /// ∂J/∂b = mean(A − Y).
    pub db: f64,
}

/// Step 2: the forward pass (activations and cost) and the backward pass (gradients) on the
/// examples in `data`. θ = (w, b) is the loss's parameter vector, so this is one
/// [`LogLoss::value_grad`] call.
pub fn propagate(w: &DVector<f64>, b: f64, data: &LogLoss) -> Result<Propagation, Error> {
    let theta = DVector::from_iterator(w.len() + 1, w.iter().copied().chain([b]));
    let mut grad = DVector::zeros(theta.len());
    let cost = data.value_grad(&theta, &mut grad)?;
    Ok(Propagation {
        cost,
        dw: grad.rows(0, w.len()).into_owned(),
        db: grad[w.len()],
    })
}

/// The notebook's check of `propagate`: w = (1, 2), b = 2 on three examples, which gives
/// cost 5.801545319394553, dw = (0.99845601, 2.39507239), db = 0.00145557813678.
pub fn propagate_check() -> Result<Propagation, Error> {
    let x = DMatrix::from_row_slice(3, 2, &[1.0, 3.0, 2.0, 4.0, -1.0, -3.2]);
    let x = Design::from_dmatrix(&x)?;
    let data = LogLoss::new(&x, &[1.0, 0.0, 1.0])?;
    propagate(&DVector::from_row_slice(&[1.0, 2.0]), 2.0, &data)
}

/// What gradient descent ends with.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimized {
    /// The learned weights.
    pub w: DVector<f64>,
    /// The learned bias.
    pub b: f64,
    /// The cost before iterations 0, [`RECORD_EVERY`], 2·[`RECORD_EVERY`], …
    pub costs: Vec<f64>,
}

/// Step 3: `num_iterations` steps of gradient descent, `w ← w − α·dw`, `b ← b − α·db`.
/// `on_cost(i, cost)` sees the cost before iteration i for every i that is a multiple of
/// [`RECORD_EVERY`].
pub fn optimize(
    mut w: DVector<f64>,
    mut b: f64,
    data: &LogLoss,
    num_iterations: usize,
    learning_rate: f64,
    on_cost: &mut dyn FnMut(usize, f64),
) -> Result<Optimized, Error> {
    let mut costs = Vec::new();
    for i in 0..num_iterations {
        let Propagation { cost, dw, db } = propagate(&w, b, data)?;
        w -= learning_rate * dw;
        b -= learning_rate * db;
        if i % RECORD_EVERY == 0 {
            costs.push(cost);
            on_cost(i, cost);
        }
    }
    Ok(Optimized { w, b, costs })
}

/// Step 4: the predicted label (0 or 1) of each row of `x`: 1 when σ(x·w + b) > 0.5.
pub fn predict(w: &DVector<f64>, b: f64, x: &DMatrix<f64>) -> Result<Vec<f64>, Error> {
    let z = mul_vec(x, w)?;
    Ok(z.iter()
        .map(|&zi| f64::from(u8::from(sigmoid(zi + b) > 0.5)))
        .collect())
}

/// What the assembled model reports.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelResult {
    /// The learned parameters and the recorded costs.
    pub optimized: Optimized,
    /// Fraction of the training examples classified correctly.
    pub train_accuracy: f64,
    /// Fraction of the test examples classified correctly.
    pub test_accuracy: f64,
    /// The learning rate used.
    pub learning_rate: f64,
}

/// Step 5: all of it together: initialize, optimize on `train`, predict both sets, score them.
pub fn model(
    train: &Data,
    test: &Data,
    num_iterations: usize,
    learning_rate: f64,
    on_cost: &mut dyn FnMut(usize, f64),
) -> Result<ModelResult, Error> {
    let (w, b) = initialize_with_zeros(train.x.ncols());
    let x = Design::from_dmatrix(&train.x)?;
    let data = LogLoss::new(&x, &train.y)?;
    let optimized = optimize(w, b, &data, num_iterations, learning_rate, on_cost)?;
    let train_pred = predict(&optimized.w, optimized.b, &train.x)?;
    let test_pred = predict(&optimized.w, optimized.b, &test.x)?;
    Ok(ModelResult {
        train_accuracy: accuracy(&train.y, &train_pred)?,
        test_accuracy: accuracy(&test.y, &test_pred)?,
        optimized,
        learning_rate,
    })
}

/// The recorded costs of each run against iterations, one line per learning rate.
pub fn learning_curves_chart(runs: &[ModelResult]) -> Chart {
    let curves: Vec<(String, Vec<(f64, f64)>)> = runs
        .iter()
        .map(|r| {
            let points = r
                .optimized
                .costs
                .iter()
                .enumerate()
                .map(|(k, &c)| ((k * RECORD_EVERY) as f64, c))
                .collect();
            (format!("learning rate = {}", r.learning_rate), points)
        })
        .collect();
    line_chart(
        "Step by step: cost against iterations",
        curves.iter().map(|(name, p)| (name.as_str(), p.as_slice())),
    )
    .x_label("iteration")
    .y_label("cost J")
}

/// Write the learning curves of `runs` into `dir`; returns the files written.
pub fn draw(dir: &Path, runs: &[ModelResult]) -> Result<Vec<PathBuf>, Error> {
    Ok(vec![save(
        &learning_curves_chart(runs),
        dir,
        "learning_curves.svg",
    )?])
}
