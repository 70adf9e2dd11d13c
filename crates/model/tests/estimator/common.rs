//! What several modules compare with, and the crate's shared test data (`tests/common/mod.rs`).

#[path = "../common/mod.rs"]
mod data;

pub(crate) use data::*;
use logreg_model::FittedLogisticRegression;

pub(crate) fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "{what}: {g} vs {w} (tol {tol})");
    }
}

pub(crate) fn coef(m: &FittedLogisticRegression<u8>) -> Vec<f64> {
    m.coefficients().iter().copied().collect()
}
