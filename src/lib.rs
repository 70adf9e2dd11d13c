//! logreg: logistic regression from first principles.
//!
//! The facade over the workspace's crates: each is re-exported under a short name, their errors
//! convert into one [`Error`], and [`prelude`] brings in what a typical program uses.
//!
//! ```
//! use logreg::prelude::*;
//! use nalgebra::{DMatrix, DVector};
//!
//! let x = DMatrix::from_row_slice(4, 1, &[1.0, 2.0, 3.0, 4.0]);
//! let loss = LogLoss::new(&x, &[0.0, 0.0, 1.0, 1.0])?;
//! assert!((loss.value(&DVector::zeros(2))? - std::f64::consts::LN_2).abs() < 1e-15);
//! # Ok::<(), logreg::Error>(())
//! ```

pub use logreg_linalg_core as linalg;
pub use logreg_loss as loss;
pub use logreg_model as model;
pub use logreg_optim as optim;
pub use logreg_preprocess as preprocess;

/// Any error from the logreg crates.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// From the numerical kernels.
    #[error(transparent)]
    Linalg(#[from] linalg::LinalgError),
    /// From building or evaluating a loss.
    #[error(transparent)]
    Loss(#[from] loss::LossError),
    /// From configuring or running a solver.
    #[error(transparent)]
    Optim(#[from] optim::OptimError),
}

/// The names most programs need.
pub mod prelude {
    pub use crate::linalg::{log_sigmoid, sigmoid, softplus};
    pub use crate::loss::LogLoss;
    pub use crate::optim::{NoObserver, Objective, Report, Solver, Stop};
    pub use crate::Error;
}
