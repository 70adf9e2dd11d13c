//! The claims data, comparisons and fits several modules use, and the crate's shared test data
//! (`tests/common/mod.rs`).

#[path = "../common/mod.rs"]
mod data;

pub(crate) use data::*;
use logreg_model::{CovType, FitOptions, FittedLogisticRegression, LogisticRegression, Penalty};
use nalgebra::DMatrix;

/// datasets/claims.csv: X = (age, power, urban), y = claim, w = policies, o = log_exposure.
pub(crate) fn claims() -> (DMatrix<f64>, Vec<u8>, Vec<f64>, Vec<f64>) {
    let rows = numeric_rows("claims.csv");
    let x = DMatrix::from_fn(rows.len(), 3, |i, j| rows[i][j]);
    let y = rows.iter().map(|r| r[5] as u8).collect();
    let w = rows.iter().map(|r| r[3]).collect();
    let o = rows.iter().map(|r| r[4]).collect();
    (x, y, w, o)
}

pub(crate) fn rel_close(got: f64, want: f64, tol: f64, what: &str) {
    let err = ((got - want) / want).abs();
    assert!(err <= tol, "{what}: {got:e} vs {want:e} (relative {err:e})");
}

pub(crate) fn all_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        rel_close(*g, *w, tol, &format!("{what}[{i}]"));
    }
}

pub(crate) fn params_of(m: &FittedLogisticRegression<u8>) -> Vec<f64> {
    let mut p: Vec<f64> = m.coefficients().iter().copied().collect();
    p.push(m.intercept());
    p
}

fn unpenalized(cov: CovType) -> logreg_model::ValidParams {
    LogisticRegression::params()
        .penalty(Penalty::None)
        .cov_type(cov)
        .check()
        .unwrap()
}

pub(crate) fn fit(
    cov: CovType,
    x: &DMatrix<f64>,
    y: &[u8],
    w: Option<&[f64]>,
    o: Option<&[f64]>,
) -> FittedLogisticRegression<u8> {
    unpenalized(cov)
        .fit_with(
            x,
            y,
            FitOptions {
                sample_weight: w,
                offset: o,
                ..FitOptions::default()
            },
        )
        .unwrap()
}
