//! Smart discounts: an online store's 9 customers, how much each spent, and whether they were
//! sent a discount code. Should the next two customers, who spent $10 and $250, get one?
//!
//! The tutorial's model is first `p = σ(w · amount_spent)`, a line through the origin, trained by
//! gradient descent with learning rate 0.01 for up to 100 000 iterations. Its loss falls to
//! 0.41899283818630056 and stays there. That number is not a bug in the descent: it is the
//! minimum of the loss over every `w`, because a customer who spent $0 always gets
//! σ(w · 0) = ½ and the model cannot move the 50% point away from $0. Adding an intercept,
//! `p = σ(w · amount_spent + b)`, lets the boundary sit between the spenders of $20 and $50,
//! and the predictions come out as the tutorial's: send to the $10 customer (1), not to the
//! $250 one (0).
//!
//! With the intercept the classes are perfectly separable, so the unpenalized loss has no
//! minimum: gradient descent keeps shrinking it towards 0 for as long as it is allowed to run, and
//! the library says so ([`ConvergenceWarning::Separable`]). The decisions are stable anyway.

use super::{read, save};
use crate::Error;
use logreg::model::{
    ConvergenceWarning, FitOptions, FittedLogisticRegression, LogisticRegression, Penalty, Solver,
};
use logreg::optim::{Control, Iteration};
use logreg_plot::Chart;
use nalgebra::DMatrix;
use std::path::{Path, PathBuf};

/// The tutorial's learning rate.
pub const LEARNING_RATE: f64 = 0.01;
/// The tutorial's iteration budget.
pub const MAX_ITER: usize = 100_000;
/// The tutorial prints the loss this often.
pub const LOG_EVERY: usize = 10_000;
/// Amounts spent by the two new customers.
pub const NEW_CUSTOMERS: [f64; 2] = [10.0, 250.0];

/// The store's customers: amount spent (one column, in dollars, unscaled) and 0/1 labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Customers {
    /// Amount spent, a 9 × 1 matrix.
    pub amount_spent: DMatrix<f64>,
    /// 1 if the customer was sent a discount code.
    pub send_discount: Vec<f64>,
}

/// Read `datasets/discount.csv`.
pub fn load() -> Result<Customers, Error> {
    let table = read("discount.csv")?;
    let amounts = table.numeric_values("amount_spent")?;
    Ok(Customers {
        amount_spent: DMatrix::from_column_slice(amounts.len(), 1, &amounts),
        send_discount: table.numeric_values("send_discount")?,
    })
}

/// Gradient descent as the tutorial runs it: no penalty, learning rate [`LEARNING_RATE`], at most
/// [`MAX_ITER`] iterations, with or without an intercept. `on_loss(iteration, loss)` is called
/// after the first iteration and every `log_every`-th; the full loss curve is kept in
/// `report().history`. Descent stops early once the gradient vanishes (norm ≤ 1e-8).
pub fn train(
    customers: &Customers,
    fit_intercept: bool,
    log_every: usize,
    on_loss: &mut dyn FnMut(usize, f64),
) -> Result<FittedLogisticRegression<f64>, Error> {
    let params = LogisticRegression::params()
        .solver(Solver::gd(LEARNING_RATE))
        .penalty(Penalty::None)
        .fit_intercept(fit_intercept)
        .max_iter(MAX_ITER)
        .check()?;
    let mut observer = |it: &Iteration<'_>| {
        if it.iteration == 1 || it.iteration.is_multiple_of(log_every.max(1)) {
            on_loss(it.iteration, it.value);
        }
        Control::Continue
    };
    let model = params.fit_with(
        &customers.amount_spent,
        &customers.send_discount,
        FitOptions {
            observer: Some(&mut observer),
            ..FitOptions::default()
        },
    )?;
    Ok(model)
}

/// The model's decision for one customer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Dollars spent.
    pub amount_spent: f64,
    /// P(send a discount).
    pub probability: f64,
    /// 1 = send a discount code, 0 = don't.
    pub send: u8,
}

/// Decide for customers who spent `amounts`.
pub fn decide(
    model: &FittedLogisticRegression<f64>,
    amounts: &[f64],
) -> Result<Vec<Decision>, Error> {
    let x = DMatrix::from_column_slice(amounts.len(), 1, amounts);
    let p = model.predict_proba(&x)?;
    let class = model.predict(&x)?;
    Ok(amounts
        .iter()
        .zip(p.iter())
        .zip(&class)
        .map(|((&amount_spent, &probability), &c)| Decision {
            amount_spent,
            probability,
            send: u8::from(c == 1.0),
        })
        .collect())
}

/// Whether the library flagged the fit as separable (coefficients that grow without bound).
pub fn is_separable(model: &FittedLogisticRegression<f64>) -> bool {
    model.convergence_warning() == Some(&ConvergenceWarning::Separable)
}

/// Loss against iteration for both fits (log scale: the intercept fit's loss keeps falling). The
/// fit without an intercept converges within a few dozen iterations, so its final loss, the best
/// any line through the origin can do, is drawn across the whole run as a dashed line.
pub fn loss_chart(
    no_intercept: &FittedLogisticRegression<f64>,
    intercept: &FittedLogisticRegression<f64>,
) -> Chart {
    let stuck = &no_intercept.report().history;
    let mut chart = Chart::new("Discount model: training loss")
        .x_label("iteration")
        .y_label("mean log loss (log scale)")
        .log_y();
    if let Some(&floor) = stuck.last() {
        let end = intercept.report().history.len().max(stuck.len()) as f64;
        chart = chart.reference_line(
            format!("no-intercept minimum {floor:.3}"),
            &[(0.0, floor), (end, floor)],
        );
    }
    chart.line("p = σ(w·x)", &super::indexed(stuck)).line(
        "p = σ(w·x + b)",
        &super::indexed(&intercept.report().history),
    )
}

/// The customers, each model's P(send) against amount spent, and the two new customers.
pub fn probability_chart(
    customers: &Customers,
    no_intercept: &FittedLogisticRegression<f64>,
    intercept: &FittedLogisticRegression<f64>,
) -> Result<Chart, Error> {
    let grid: Vec<f64> = (0..=260).map(f64::from).collect();
    let curve = |m: &FittedLogisticRegression<f64>| -> Result<Vec<(f64, f64)>, Error> {
        Ok(decide(m, &grid)?
            .iter()
            .map(|d| (d.amount_spent, d.probability))
            .collect())
    };
    let (sent, not_sent): (Vec<_>, Vec<_>) = customers
        .amount_spent
        .iter()
        .zip(&customers.send_discount)
        .map(|(&x, &y)| (x, y))
        .partition(|&(_, y)| y == 1.0);
    let new: Vec<(f64, f64)> = decide(intercept, &NEW_CUSTOMERS)?
        .iter()
        .map(|d| (d.amount_spent, d.probability))
        .collect();
    Ok(Chart::new("Who gets a discount?")
        .x_label("amount spent ($)")
        .y_label("P(send a discount)")
        .y_range(-0.05, 1.05)
        .reference_line("threshold 0.5", &[(0.0, 0.5), (260.0, 0.5)])
        .line("σ(w·x), no intercept", &curve(no_intercept)?)
        .line("σ(w·x + b)", &curve(intercept)?)
        .scatter("customers sent a code", &sent)
        .scatter("customers not sent one", &not_sent)
        .scatter("new customers ($10, $250)", &new))
}

/// Write both charts into `dir`; returns the files written.
pub fn draw(
    dir: &Path,
    customers: &Customers,
    no_intercept: &FittedLogisticRegression<f64>,
    intercept: &FittedLogisticRegression<f64>,
) -> Result<Vec<PathBuf>, Error> {
    Ok(vec![
        save(&loss_chart(no_intercept, intercept), dir, "loss.svg")?,
        save(
            &probability_chart(customers, no_intercept, intercept)?,
            dir,
            "probability.svg",
        )?,
    ])
}
