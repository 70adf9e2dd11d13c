//! Two Gaussian clusters in the plane: 150 seeded points, gradient descent from random weights,
//! the cost going down, and the line the model draws between the clusters.
//!
//! The data come from [`make_blobs`], this library's version of scikit-learn's generator: the
//! same centers, spread and seed always give the same points. The clusters overlap a little, so
//! the unpenalized loss has a finite minimum; the library's Newton solver finds it exactly in a
//! handful of iterations, which shows how close 1000 fixed-rate gradient steps get.

use super::{padded_range, points_by_label, save, with_boundary_line, Data};
use crate::Error;
use logreg::linalg::Design;
use logreg::loss::LogLoss;
use logreg::model::datasets::make_blobs;
use logreg::model::LossObjective;
use logreg::optim::{Control, GradientDescent, Iteration, Report, Solver};
use logreg_plot::{decision_boundary_chart, loss_chart, Chart};
use nalgebra::DVector;
use std::path::{Path, PathBuf};

/// Number of points.
pub const N_SAMPLES: usize = 150;
/// The two cluster centers.
pub const CENTERS: [[f64; 2]; 2] = [[-1.0, -1.0], [1.0, 1.0]];
/// Standard deviation of each cluster along each axis.
pub const CLUSTER_STD: f64 = 1.0;
/// Seed of the generator.
pub const SEED: u64 = 42;
/// Learning rate of gradient descent.
pub const LEARNING_RATE: f64 = 0.1;
/// Iterations of gradient descent.
pub const MAX_ITER: usize = 1000;
/// Report the cost this often.
pub const LOG_EVERY: usize = 100;

/// The points (150 × 2) and their cluster (0 or 1) as the label.
pub fn make() -> Result<Data, Error> {
    let (x, cluster) = make_blobs(N_SAMPLES, &CENTERS, CLUSTER_STD, SEED)?;
    let y = cluster.iter().map(|&c| c as f64).collect();
    Ok(Data { x, y })
}

/// Gradient descent on the mean log loss from `initial = (w₁, w₂, b)`, with learning rate
/// [`LEARNING_RATE`] for [`MAX_ITER`] iterations; `on_cost(iteration, cost)` sees every
/// [`LOG_EVERY`]-th iteration. The report's `history` is the cost after each iteration.
pub fn descend(
    data: &Data,
    initial: [f64; 3],
    on_cost: &mut dyn FnMut(usize, f64),
) -> Result<Report, Error> {
    let x = Design::from_dmatrix(&data.x)?;
    let loss = LogLoss::new(&x, &data.y)?;
    let mut observer = |it: &Iteration<'_>| {
        if it.iteration.is_multiple_of(LOG_EVERY) {
            on_cost(it.iteration, it.value);
        }
        Control::Continue
    };
    Ok(GradientDescent::new(LEARNING_RATE)
        .max_iter(MAX_ITER)
        .minimize(
            &LossObjective(&loss),
            DVector::from_row_slice(&initial),
            &mut observer,
        )?)
}

/// The points, the boundary gradient descent found (dashed), and the random start's boundary.
pub fn boundary_chart(data: &Data, initial: [f64; 3], trained: [f64; 3]) -> Chart {
    let [class0, class1] = points_by_label(&data.x, &data.y);
    let xr = padded_range(data.x.column(0).iter().copied());
    let yr = padded_range(data.x.column(1).iter().copied());
    let [w1, w2, b] = trained;
    let chart = decision_boundary_chart(&class0, &class1, ["cluster 0", "cluster 1"], [w1, w2], b)
        .title("Blobs: the decision boundary after gradient descent")
        .x_range(xr.0, xr.1)
        .y_range(yr.0, yr.1);
    let [w1, w2, b] = initial;
    with_boundary_line(chart, "boundary of the random start", [w1, w2], b, xr, yr)
}

/// Write the boundary chart and the training-loss curve (`history`, the cost after each
/// iteration, with the exact `minimum` dashed) into `dir`; returns the files written.
pub fn draw(
    dir: &Path,
    data: &Data,
    initial: [f64; 3],
    trained: [f64; 3],
    history: &[f64],
    minimum: f64,
) -> Result<Vec<PathBuf>, Error> {
    let end = history.len().saturating_sub(1) as f64;
    let loss = loss_chart(history)
        .title("Blobs: training loss")
        .y_label("mean log loss")
        .reference_line(
            format!("minimum (Newton) {minimum:.4}"),
            &[(0.0, minimum), (end, minimum)],
        );
    Ok(vec![
        save(
            &boundary_chart(data, initial, trained),
            dir,
            "decision_boundary.svg",
        )?,
        save(&loss, dir, "training_loss.svg")?,
    ])
}
