//! Logistic regression from scratch on a toy set, then on real banknotes.
//!
//! Part one, the toy set (10 points, 2 features): a dummy weight vector `[-0.4, 0.9, -2]`, that
//! is `w = (-0.4, 0.9)` and intercept `b = -2` (the tutorial appends a 1 to every point, so the
//! last weight is the intercept), classifies only 5 of the 10 points right. Gradient descent from
//! there (learning rate 0.1, at most 200 iterations, stop when the loss changes by less than
//! 1e-4) finds weights that classify all 10.
//!
//! Part two, banknote authentication (1372 notes, 4 wavelet features, unscaled as in the
//! tutorial): a seeded 80/20 split, gradient descent with learning rate 0.1 for 1000 iterations
//! (loss-change threshold 1e-5), about 99% test accuracy; then test accuracy against epochs for
//! learning rates 0.1 and 0.01, and the loss against iterations for 0.05, 0.1 and 0.5.
//!
//! Two differences from the tutorial, both deliberate. The tutorial starts the banknote fits from
//! random weights; here they start from zeros (the loss is convex, so the start changes the path,
//! not the destination, and the curves are reproducible). And the tutorial draws accuracy against
//! epochs by training a fresh model for each epoch count; one run watched by an observer that
//! scores every iterate gives the same curve without the random restarts' noise.

use super::{
    accuracy_of, indexed, padded_range, points_by_label, read, save, with_boundary_line, Data,
};
use crate::Error;
use logreg::evaluate::train_test_split;
use logreg::linalg::{sigmoid, Design};
use logreg::loss::LogLoss;
use logreg::model::LossObjective;
use logreg::model::{
    FitOptions, FittedLogisticRegression, LogisticRegression, Penalty, Solver as ModelSolver,
};
use logreg::optim::{Control, GradientDescent, Iteration, Report, Solver};
use logreg_plot::{line_chart, Chart};
use nalgebra::{DMatrix, DVector};
use std::path::{Path, PathBuf};

/// The tutorial's dummy weights `(w₁, w₂, b)`.
pub const DUMMY_WEIGHTS: [f64; 3] = [-0.4, 0.9, -2.0];
/// Seed of the banknote train/test split.
pub const SPLIT_SEED: u64 = 42;
/// Fraction of the banknotes held out for testing.
pub const TEST_SIZE: f64 = 0.2;
/// Learning rate of the main banknote fit.
pub const LEARNING_RATE: f64 = 0.1;
/// Iteration budget of the main banknote fit.
pub const MAX_ITER: usize = 1000;
/// Loss-change threshold of the main banknote fit and of the loss curves.
pub const THRESHOLD: f64 = 1e-5;
/// Epochs drawn in the accuracy and loss curves.
pub const CURVE_EPOCHS: usize = 200;
/// Learning rates of the accuracy-against-epochs curves.
pub const ACCURACY_RATES: [f64; 2] = [0.1, 0.01];
/// Learning rates of the loss-against-iterations curves.
pub const LOSS_RATES: [f64; 3] = [0.05, 0.1, 0.5];

/// The class (0 or 1) that parameters `theta = (w…, b)` give each row of `x`: 1 when
/// σ(x·w + b) > 0.5.
pub fn classify(theta: &[f64], x: &DMatrix<f64>) -> Vec<u8> {
    let d = x.ncols();
    let b = theta.get(d).copied().unwrap_or(0.0);
    x.row_iter()
        .map(|row| {
            let z: f64 = row.iter().zip(theta).map(|(a, w)| a * w).sum::<f64>() + b;
            u8::from(sigmoid(z) > 0.5)
        })
        .collect()
}

/// Gradient descent on the toy set from [`DUMMY_WEIGHTS`]: learning rate 0.1, at most 200
/// iterations, stop when the loss changes by less than 1e-4. `on_cost(iteration, loss)` sees
/// iterations 1, 51, 101, … (the tutorial's "iteration 0, 50, 100, …", counted from 0).
pub fn toy_descent(toy: &Data, on_cost: &mut dyn FnMut(usize, f64)) -> Result<Report, Error> {
    let x = Design::from_dmatrix(&toy.x)?;
    let loss = LogLoss::new(&x, &toy.y)?;
    let mut observer = |it: &Iteration<'_>| {
        if (it.iteration - 1).is_multiple_of(50) {
            on_cost(it.iteration, it.value);
        }
        Control::Continue
    };
    let report = GradientDescent::new(0.1)
        .max_iter(200)
        .threshold(1e-4)
        .minimize(
            &LossObjective(&loss),
            DVector::from_row_slice(&DUMMY_WEIGHTS),
            &mut observer,
        )?;
    Ok(report)
}

/// The toy points, with the boundaries of the dummy weights and of the trained ones.
pub fn toy_chart(toy: &Data, trained: [f64; 3]) -> Chart {
    let [class0, class1] = points_by_label(&toy.x, &toy.y);
    let xr = padded_range(toy.x.column(0).iter().copied());
    let yr = padded_range(toy.x.column(1).iter().copied());
    let chart = Chart::new("Toy set: the boundary σ(w·x + b) = 0.5, before and after")
        .x_label("x1")
        .y_label("x2")
        .x_range(xr.0, xr.1)
        .y_range(yr.0, yr.1)
        .scatter("label 0", &class0)
        .scatter("label 1", &class1);
    let [a, b, c] = DUMMY_WEIGHTS;
    let chart = with_boundary_line(chart, "dummy weights [-0.4, 0.9, -2]", [a, b], c, xr, yr);
    let [a, b, c] = trained;
    with_boundary_line(chart, "after gradient descent", [a, b], c, xr, yr)
}

/// The toy set: 10 points, features `x1, x2`, label `label`.
pub fn toy() -> Result<Data, Error> {
    Data::from_table(&read("toy.csv")?, "label")
}

/// The banknotes, split 80/20 at random with [`SPLIT_SEED`]: `(train, test)`, features unscaled.
pub fn banknotes() -> Result<(Data, Data), Error> {
    let notes = read("banknote.csv")?;
    let split = train_test_split(notes.n_rows(), TEST_SIZE, SPLIT_SEED)?;
    Ok((
        Data::from_table(&notes.take(&split.train)?, "class")?,
        Data::from_table(&notes.take(&split.test)?, "class")?,
    ))
}

/// Unpenalized gradient descent with an intercept on `train`, from zeros: learning rate `rate`,
/// at most `max_iter` iterations, stopping when the loss changes by less than `threshold`
/// (0 = never); `observer` sees every iterate.
pub fn train(
    train: &Data,
    rate: f64,
    max_iter: usize,
    threshold: f64,
    observer: Option<&mut dyn logreg::optim::Observer>,
) -> Result<FittedLogisticRegression<f64>, Error> {
    let params = LogisticRegression::params()
        .solver(ModelSolver::Gd(
            GradientDescent::new(rate).threshold(threshold),
        ))
        .penalty(Penalty::None)
        .max_iter(max_iter)
        .check()?;
    let opts = FitOptions {
        observer,
        ..FitOptions::default()
    };
    Ok(params.fit_with(&train.x, &train.y, opts)?)
}

/// Fraction of `test` that `model` classifies correctly.
pub fn test_accuracy(model: &FittedLogisticRegression<f64>, test: &Data) -> Result<f64, Error> {
    Ok(logreg::evaluate::accuracy(
        &test.y,
        &model.predict(&test.x)?,
    )?)
}

/// Test accuracy after each of `epochs` iterations of gradient descent at `rate` (entry 0 is the
/// all-zero start, which predicts class 0 for every note).
pub fn accuracy_by_epoch(
    train_set: &Data,
    test: &Data,
    rate: f64,
    epochs: usize,
) -> Result<Vec<f64>, Error> {
    let start = accuracy_of(&DVector::zeros(train_set.x.ncols() + 1), &test.x, &test.y);
    let mut curve = vec![start];
    let mut observer = |it: &Iteration<'_>| {
        curve.push(accuracy_of(it.x, &test.x, &test.y));
        Control::Continue
    };
    train(train_set, rate, epochs, 0.0, Some(&mut observer))?;
    Ok(curve)
}

/// Training loss after each iteration of gradient descent at `rate`, at most `epochs`
/// iterations, stopping at the loss-change [`THRESHOLD`] (entry 0 is the start, ln 2).
pub fn loss_by_iteration(train_set: &Data, rate: f64, epochs: usize) -> Result<Vec<f64>, Error> {
    Ok(train(train_set, rate, epochs, THRESHOLD, None)?
        .report()
        .history
        .clone())
}

/// One curve per learning rate, labelled `α = rate`.
pub fn curves_chart(title: &str, y_label: &str, rates: &[f64], curves: &[Vec<f64>]) -> Chart {
    let points: Vec<Vec<(f64, f64)>> = curves.iter().map(|c| indexed(c)).collect();
    line_chart(
        title,
        rates
            .iter()
            .zip(&points)
            .map(|(r, p)| (format!("α = {r}"), p.as_slice())),
    )
    .x_label("epoch (iterations of gradient descent)")
    .y_label(y_label)
}

/// Write the toy chart and the banknote curves into `dir`; returns the files written.
pub fn draw(
    dir: &Path,
    toy: &Data,
    trained_toy: [f64; 3],
    accuracy_curves: &[Vec<f64>],
    loss_curves: &[Vec<f64>],
) -> Result<Vec<PathBuf>, Error> {
    Ok(vec![
        save(&toy_chart(toy, trained_toy), dir, "toy_boundary.svg")?,
        save(
            &curves_chart(
                "Banknotes: test accuracy against epochs",
                "test accuracy",
                &ACCURACY_RATES,
                accuracy_curves,
            ),
            dir,
            "accuracy_vs_epochs.svg",
        )?,
        save(
            &curves_chart(
                "Banknotes: training loss against iterations",
                "cross-entropy loss",
                &LOSS_RATES,
                loss_curves,
            ),
            dir,
            "loss_vs_iterations.svg",
        )?,
    ])
}
