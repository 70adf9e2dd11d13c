//! Binary cross-entropy (log loss) computed from logits, with its gradient, Hessian and an L2
//! penalty that leaves the intercept alone.
//!
//! For samples xᵢ with labels yᵢ ∈ {0, 1}, weights sᵢ > 0 (all 1 by default) and parameters
//! θ = (w, b), the objective is
//!
//! ```text
//! L(θ) = (1/S) Σᵢ sᵢ ℓᵢ(zᵢ) + (λ/2)‖w‖²,   zᵢ = xᵢ·w + b,   S = Σᵢ sᵢ,
//! ℓᵢ(z) = softplus(z) − yᵢ z          (= −ln σ(z) for yᵢ = 1, −ln(1 − σ(z)) for yᵢ = 0)
//! ∇_w L = Xᵀ(s ⊙ (σ(z) − y))/S + λw,  ∂L/∂b = Σᵢ sᵢ(σ(zᵢ) − yᵢ)/S
//! ```
//!
//! which is the tutorials' `Xᵀ(σ(Xw+b) − y)/m` when all weights are 1.
//!
//! **Mapping to scikit-learn's `C`.** scikit-learn minimizes `J = C·Σᵢ sᵢ ℓᵢ + ½‖w‖²`. Dividing by
//! `C·S` gives exactly L with `λ = 1/(C·S)`, so `J = C·S·L` and the two share their minimizer;
//! [`LogLoss::l2_from_c`] does this conversion. (linfa's and statsmodels' `alpha` is `λ·S` with S = n.)
//!
//! The loss borrows a [`Design`](logreg_linalg_core::Design) (dense f64 or f32, or sparse) and
//! sums over all its rows or a selection of them; it never copies the data. Data too large for
//! memory are a source of row blocks ([`RowBlocks`](logreg_linalg_core::RowBlocks), e.g. a
//! scratch file) that the loss reads in passes: each block is summed by the same kernels, and the
//! blocks' sums are added in block order ([`LogLoss::on_blocks`]).
//!
//! ```
//! use logreg_linalg_core::{Dense, Design};
//! use logreg_loss::LogLoss;
//! use nalgebra::DVector;
//!
//! let values = [1.0, 2.0, 3.0, 4.0];
//! let x = Design::from(Dense::new(&values[..], 4, 1)?);
//! let loss = LogLoss::new(&x, &[0.0, 0.0, 1.0, 1.0])?;
//! let theta = DVector::zeros(loss.dim());             // w = 0, b = 0
//! assert!((loss.value(&theta)? - std::f64::consts::LN_2).abs() < 1e-15);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod binary;
mod data;
mod logit;
mod multinomial;
mod ranks;
pub use binary::{LogLoss, LogLossHessian};
pub use data::Data;
pub use logit::{curvature_from_logit, log_loss_from_logit, mean_log_loss, residual_from_logit};
pub use multinomial::{MultinomialHessian, MultinomialLogLoss};

use logreg_collective::CollectiveError;
use logreg_linalg_core::LinalgError;

/// Errors from building a loss: the data do not fit together or are not usable numbers.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LossError {
    /// There are no samples.
    #[error("no samples: the design matrix has 0 rows")]
    Empty,
    /// Two inputs that must have one entry per sample (or per parameter) do not.
    #[error("{what} has length {found}, expected {expected}")]
    LengthMismatch {
        /// Which input.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// A label is not 0 or 1.
    #[error("label at row {row} is {value}, expected 0 or 1")]
    InvalidLabel {
        /// 0-based sample index.
        row: usize,
        /// The value found.
        value: f64,
    },
    /// A sample weight is not a finite positive number.
    #[error("sample weight at row {row} is {value}, expected a finite number > 0")]
    InvalidWeight {
        /// 0-based sample index.
        row: usize,
        /// The value found.
        value: f64,
    },
    /// An offset is NaN or infinite.
    #[error("offset at row {row} is {value}, expected a finite number")]
    InvalidOffset {
        /// 0-based sample index.
        row: usize,
        /// The value found.
        value: f64,
    },
    /// The penalty strength is not a finite number ≥ 0.
    #[error("penalty `{parameter}` is {value}, expected a finite number {expected}")]
    InvalidPenalty {
        /// Parameter name.
        parameter: &'static str,
        /// The value found.
        value: f64,
        /// The allowed range, in words.
        expected: &'static str,
    },
    /// A kernel reported a shape error (an internal inconsistency surfaced rather than panicking),
    /// or a source of row blocks failed during a pass.
    #[error(transparent)]
    Linalg(#[from] LinalgError),
    /// The rows of a loss over row blocks are not sorted (passes visit them in block order).
    #[error("the rows of a loss over row blocks must be sorted; row {row} follows row {previous}")]
    UnsortedRows {
        /// The row out of order.
        row: usize,
        /// The row before it.
        previous: usize,
    },
    /// Mini-batches need random access to rows, which a source of row blocks does not give.
    #[error("mini-batches (sgd) need the data in memory: a source of row blocks is read in whole passes; use lbfgs, newton or gd")]
    NeedsRandomAccess,
    /// Adding the ranks' sums failed (a distributed fit; see [`LogLoss::with_collective`]).
    #[error(transparent)]
    Collective(#[from] CollectiveError),
    /// An evaluation that cannot be split over ranks was asked of a distributed loss.
    #[error("{what} cannot run distributed: its rows are drawn on one process")]
    NotDistributed {
        /// What was asked.
        what: &'static str,
    },
}

/// λ of an L2 penalty, checked: a finite number ≥ 0 (both losses' `with_l2`).
fn checked_l2(lambda: f64) -> Result<f64, LossError> {
    if lambda.is_finite() && lambda >= 0.0 {
        Ok(lambda)
    } else {
        Err(LossError::InvalidPenalty {
            parameter: "lambda",
            value: lambda,
            expected: ">= 0",
        })
    }
}
