//! The real `logreg` binary on every command, every documented error, and the bank reference.
//! Reference numbers: `python3 tests/reference_bank.py` from the repository root.
//!
//! One test binary (linking one is what takes time); the tests are grouped by what they run.

mod common;
mod errors;
mod export;
mod libsvm;
mod multiclass;
mod parquet;
mod passes;
mod penalties;
mod predict;
mod train;
mod weights;
