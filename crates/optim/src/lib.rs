//! Generic minimizers for smooth objectives: the problem says what it can compute, the solver decides
//! what it needs.
//!
//! This crate knows nothing about logistic regression. An [`Objective`] gives a value and a gradient
//! (and optionally a Hessian or Hessian-vector product); a [`MiniBatchObjective`] also gives them over a
//! subset of its samples. A [`Solver`] minimizes one from a starting point and returns a [`Report`] that
//! says where it ended, how it got there, and why it stopped ([`Stop`]). An [`Observer`] sees every
//! iteration and may stop the run early.
//!
//! The solvers:
//! - [`GradientDescent`]: a fixed learning rate, as "from scratch" tutorials run it.
//! - [`Sgd`]: mini-batch stochastic gradient descent over a [`MiniBatchObjective`], with seeded
//!   shuffling, [`LearningRate`] schedules, momentum and optional iterate averaging.
//! - [`Lbfgs`]: limited-memory BFGS with a strong Wolfe line search; the general-purpose choice.
//! - [`Newton`]: Cholesky-solved Newton steps with backtracking, for few parameters and many
//!   samples; needs [`Objective::hessian`].
//!
//! Every solver validates its parameters before touching the objective, never returns non-finite
//! numbers, and says in [`Report::stop`] why it stopped (including [`Stop::Diverged`] when a learning
//! rate is too large).
//!
//! ```
//! use logreg_optim::{Objective, Solver, GradientDescent, NoObserver};
//! use nalgebra::DVector;
//!
//! /// f(x) = ½‖x − 3‖²
//! struct Bowl;
//! impl Objective for Bowl {
//!     fn dim(&self) -> usize { 2 }
//!     fn value_grad(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
//!         g.copy_from(&x.add_scalar(-3.0));
//!         0.5 * g.norm_squared()
//!     }
//! }
//! let report = GradientDescent::new(0.5)
//!     .minimize(&Bowl, DVector::zeros(2), &mut NoObserver)
//!     .unwrap();
//! assert!(report.converged());
//! assert!((report.x[0] - 3.0).abs() < 1e-6);
//! ```

use nalgebra::{DMatrix, DVector};

mod check;
mod gd;
mod lbfgs;
mod line_search;
mod newton;
mod sgd;

pub use gd::GradientDescent;
pub use lbfgs::Lbfgs;
pub use newton::Newton;
pub use sgd::{LearningRate, Sgd};

/// A smooth function to minimize, described by what it can compute.
pub trait Objective {
    /// Number of parameters.
    fn dim(&self) -> usize;

    /// Value at `x`, writing the gradient into `grad` (length [`dim`](Objective::dim)).
    fn value_grad(&self, x: &DVector<f64>, grad: &mut DVector<f64>) -> f64;

    /// Value at `x`; the default computes and discards the gradient.
    fn value(&self, x: &DVector<f64>) -> f64 {
        let mut g = DVector::zeros(self.dim());
        self.value_grad(x, &mut g)
    }

    /// The Hessian at `x`, if the problem can compute it.
    fn hessian(&self, _x: &DVector<f64>) -> Option<DMatrix<f64>> {
        None
    }

    /// The Hessian at `x` times `v`, if the problem can compute it.
    fn hessian_vec(&self, _x: &DVector<f64>, _v: &DVector<f64>) -> Option<DVector<f64>> {
        None
    }
}

/// An objective that is an average over samples and can be evaluated on a subset of them.
pub trait MiniBatchObjective: Objective {
    /// Number of samples the full objective averages over.
    fn n_samples(&self) -> usize;

    /// Value and gradient of the objective restricted to `rows` (an unbiased estimate of the full one).
    fn value_grad_batch(&self, x: &DVector<f64>, rows: &[usize], grad: &mut DVector<f64>) -> f64;
}

/// Something that minimizes objectives of type `O`.
pub trait Solver<O: ?Sized> {
    /// Minimize `f` starting from `x0`, telling `obs` about every iteration.
    fn minimize(
        &self,
        f: &O,
        x0: DVector<f64>,
        obs: &mut dyn Observer,
    ) -> Result<Report, OptimError>;
}

/// Why a solver stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The gradient norm fell below the tolerance: converged.
    GradientTolerance,
    /// The objective changed by less than the threshold between iterations: converged.
    LossChangeBelowThreshold,
    /// The iteration (or epoch) budget was spent before any convergence test passed.
    MaxIterations,
    /// The objective or parameters became non-finite or grew without bound; the report holds the
    /// best finite point seen.
    Diverged,
    /// The line search could not find a step that decreases the objective (usually: already at the
    /// optimum to machine precision).
    LineSearchFailed,
    /// The observer asked to stop.
    ObserverRequested,
}

impl Stop {
    /// Whether this stop reason means a convergence test passed.
    pub fn is_converged(self) -> bool {
        matches!(
            self,
            Stop::GradientTolerance | Stop::LossChangeBelowThreshold
        )
    }

    /// A short human-readable description.
    pub fn describe(self) -> &'static str {
        match self {
            Stop::GradientTolerance => "converged (gradient norm below tolerance)",
            Stop::LossChangeBelowThreshold => "converged (objective stopped changing)",
            Stop::MaxIterations => "not converged (iteration budget spent)",
            Stop::Diverged => {
                "diverged (non-finite or exploding objective; lower the learning rate)"
            }
            Stop::LineSearchFailed => "stopped (line search found no decrease)",
            Stop::ObserverRequested => "stopped by observer",
        }
    }
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// What a solver hands back: where it ended, how it got there, and why it stopped.
#[derive(Debug, Clone)]
pub struct Report {
    /// Final parameters (always finite).
    pub x: DVector<f64>,
    /// Objective value at `x`.
    pub value: f64,
    /// Euclidean norm of the full gradient at `x`.
    pub grad_norm: f64,
    /// Iterations taken (for SGD: optimizer steps, i.e. mini-batches).
    pub iterations: usize,
    /// Passes over the data, for solvers that count them (SGD); `None` otherwise.
    pub epochs: Option<usize>,
    /// Why the solver stopped.
    pub stop: Stop,
    /// Objective value after each iteration (for SGD: after each epoch), starting with the value at x0.
    pub history: Vec<f64>,
}

impl Report {
    /// Whether a convergence test passed.
    pub fn converged(&self) -> bool {
        self.stop.is_converged()
    }
}

/// What an observer sees after each iteration.
#[derive(Debug, Clone, Copy)]
pub struct Iteration<'a> {
    /// 1-based iteration (for SGD: epoch) number.
    pub iteration: usize,
    /// Objective value at `x`.
    pub value: f64,
    /// Gradient norm at `x` (for SGD: of the full objective at the end of the epoch).
    pub grad_norm: f64,
    /// Current parameters.
    pub x: &'a DVector<f64>,
}

/// What an observer asks the solver to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Keep going.
    Continue,
    /// Stop now; the report's stop reason is [`Stop::ObserverRequested`].
    Stop,
}

/// Watches iterations: progress bars, logging every N iterations, early stopping.
///
/// Any `FnMut(&Iteration<'_>) -> Control` closure is an observer; annotate its argument
/// (`&mut |it: &Iteration<'_>| ...`), or Rust infers a closure tied to one lifetime that does not
/// qualify.
pub trait Observer {
    /// Called after every iteration.
    fn observe(&mut self, it: &Iteration<'_>) -> Control;
}

/// An observer that watches nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {
    fn observe(&mut self, _it: &Iteration<'_>) -> Control {
        Control::Continue
    }
}

impl<F: FnMut(&Iteration<'_>) -> Control> Observer for F {
    fn observe(&mut self, it: &Iteration<'_>) -> Control {
        self(it)
    }
}

/// Errors from configuring or starting a solver.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimError {
    /// A solver parameter is out of range.
    #[error("invalid solver parameter `{name}`: {reason} (got {value})")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// What the value must be.
        reason: &'static str,
        /// The value given, formatted.
        value: String,
    },
    /// The starting point has the wrong length.
    #[error("starting point has length {found}, objective expects {expected}")]
    DimensionMismatch {
        /// The objective's dimension.
        expected: usize,
        /// The starting point's length.
        found: usize,
    },
    /// The objective or its gradient is not finite at the starting point (or the point itself is not).
    #[error("objective or its gradient is not finite at the starting point (value {value})")]
    NonFiniteStart {
        /// The value at the starting point.
        value: f64,
    },
    /// The solver needs a Hessian the objective does not provide.
    #[error("solver `{solver}` needs the Hessian, which this objective does not provide")]
    HessianUnavailable {
        /// Solver name.
        solver: &'static str,
    },
}
