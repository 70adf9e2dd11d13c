//! The estimator against scikit-learn and statsmodels on banknote; labels, weights, warm starts,
//! thresholds, multiclass models and saved files.
//! Reference numbers: `python3 crates/model/tests/reference.py` from the repository root.
//!
//! One test binary (linking one is what takes time); the tests are grouped by what they check.

mod bad_input;
mod binary_fits;
mod common;
mod iterations;
mod labels;
mod multiclass;
mod saved_files;
