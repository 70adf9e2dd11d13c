//! Model statistics, robust standard errors, weights and offsets against statsmodels and
//! scikit-learn, on datasets/claims.csv (a weight and an offset column) and banknote.
//! Reference numbers: `python3 crates/model/tests/statistics_reference.py` from the repository
//! root (section numbers below are that script's).
//!
//! One test binary (linking one is what takes time); the tests are grouped by what they check.

mod binary;
mod common;
mod gamma_laws;
mod multiclass;
mod penalized;
