//! The sigmoid σ(z) = 1 / (1 + e^(−z)), which turns a score into a probability, and why this
//! library computes the loss from the score rather than from the probability.
//!
//! Every tutorial plots the S-curve first: σ(0) = ½, σ(z) → 1 as z → ∞ and → 0 as z → −∞,
//! σ(−z) = 1 − σ(z), and its slope σ′(z) = σ(z)(1 − σ(z)) is at most ¼ (at z = 0). The
//! per-sample loss is then −ln σ(z) for a positive sample and −ln(1 − σ(z)) for a negative one.
//! Written that way it breaks for confident mistakes: σ(−800) underflows to 0 and σ(40) rounds
//! to 1, so both logs are −∞. The same losses are softplus(−z) and softplus(z), which are exact
//! for every finite z; [`tail_table`] puts the two side by side.

use super::save;
use crate::Error;
use logreg::linalg::{log_one_minus_sigmoid, log_sigmoid, sigmoid};
use logreg_plot::Chart;
use std::path::{Path, PathBuf};

/// The smallest logit drawn.
pub const Z_MIN: f64 = -8.0;
/// The largest logit drawn.
pub const Z_MAX: f64 = 8.0;

/// `n ≥ 2` evenly spaced points `(z, f(z))` with z from `lo` to `hi`.
pub fn sample(f: impl Fn(f64) -> f64, lo: f64, hi: f64, n: usize) -> Vec<(f64, f64)> {
    let n = n.max(2);
    (0..n)
        .map(|i| {
            let z = lo + (hi - lo) * i as f64 / (n - 1) as f64;
            (z, f(z))
        })
        .collect()
}

/// The textbook formula, `1 / (1 + e^(−z))`, which overflows `e^(−z)` for z below about −709.
pub fn naive_sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// One logit's loss, computed from the probability (as the tutorials do) and from the logit (as
/// this library does).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TailRow {
    /// The logit z.
    pub z: f64,
    /// σ(z) by the textbook formula.
    pub probability: f64,
    /// −ln σ(z) from that probability: the loss if the sample is positive.
    pub naive_loss_positive: f64,
    /// The same loss from the logit, −log_sigmoid(z) = softplus(−z).
    pub loss_positive: f64,
    /// −ln(1 − σ(z)) from the probability: the loss if the sample is negative.
    pub naive_loss_negative: f64,
    /// The same loss from the logit, −log_one_minus_sigmoid(z) = softplus(z).
    pub loss_negative: f64,
}

/// The loss of each logit in `zs`, both ways.
pub fn tail_table(zs: &[f64]) -> Vec<TailRow> {
    zs.iter()
        .map(|&z| {
            let p = naive_sigmoid(z);
            TailRow {
                z,
                probability: p,
                // `0.0 - x` rather than `-x`, so that ln 1 = 0 prints as 0, not -0.
                naive_loss_positive: 0.0 - p.ln(),
                loss_positive: 0.0 - log_sigmoid(z),
                naive_loss_negative: 0.0 - (1.0 - p).ln(),
                loss_negative: 0.0 - log_one_minus_sigmoid(z),
            }
        })
        .collect()
}

/// σ(z) and its slope σ′(z) = σ(z)(1 − σ(z)), with the 0.5 threshold dashed.
pub fn sigmoid_chart() -> Chart {
    let curve = sample(sigmoid, Z_MIN, Z_MAX, 161);
    let slope = sample(|z| sigmoid(z) * sigmoid(-z), Z_MIN, Z_MAX, 161);
    Chart::new("The sigmoid σ(z) = 1 / (1 + e^(−z))")
        .x_label("logit z = w·x + b")
        .y_label("probability of class 1")
        .y_range(-0.02, 1.02)
        .reference_line("threshold 0.5", &[(Z_MIN, 0.5), (Z_MAX, 0.5)])
        .line("σ(z)", &curve)
        .line("σ′(z) = σ(z)(1 − σ(z))", &slope)
}

/// The per-sample log loss as a function of the logit, for each label.
pub fn loss_chart() -> Chart {
    let positive = sample(|z| -log_sigmoid(z), Z_MIN, Z_MAX, 161);
    let negative = sample(|z| -log_one_minus_sigmoid(z), Z_MIN, Z_MAX, 161);
    Chart::new("Log loss of one sample")
        .x_label("logit z")
        .y_label("loss")
        .line("label 1: −ln σ(z) = softplus(−z)", &positive)
        .line("label 0: −ln(1 − σ(z)) = softplus(z)", &negative)
}

/// Write both charts into `dir`; returns the files written.
pub fn draw(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    Ok(vec![
        save(&sigmoid_chart(), dir, "sigmoid.svg")?,
        save(&loss_chart(), dir, "log_loss.svg")?,
    ])
}
