//! Generic minimizers for smooth objectives: the problem says what it can compute, the solver decides
//! what it needs.
//!
//! This crate knows nothing about logistic regression. An [`Objective`] gives a value and a gradient
//! (and, if it can, a Hessian, Hessian-vector products, or estimates over a subset of its samples).
//! A solver is a [`Step`] — its state and one iteration — and [`run`] is the one loop they all run
//! under: the iteration budget, the stopping tests ([`StopRule`]), the [`Observer`], divergence and
//! non-finite checks, the history and the [`Report`], which says where the run ended and why it
//! stopped ([`Stop`]).
//!
//! The solvers, each a configuration that validates itself and a [`Solver::minimize`]:
//! - [`GradientDescent`]: a fixed learning rate, as "from scratch" tutorials run it.
//! - [`Sgd`]: mini-batch stochastic gradient descent, with seeded shuffling, [`LearningRate`]
//!   schedules, momentum and optional iterate averaging; needs [`Objective::value_grad_batch`].
//! - [`Lbfgs`]: limited-memory BFGS with a strong Wolfe line search; the general-purpose choice.
//! - [`Newton`]: Cholesky-solved Newton steps with backtracking, for few parameters and many
//!   samples; needs [`Objective::hessian`].
//! - [`NewtonCg`]: trust-region Newton with conjugate gradients on Hessian-vector products
//!   (liblinear's TRON), for many parameters; needs [`Objective::hessian_operator`].
//! - [`OwlQn`]: L-BFGS for a smooth part plus a separable L1 term ([`L1Penalized`]), from values
//!   and gradients alone; stops on the minimum-norm subgradient.
//!
//! Every solver validates its parameters before touching the objective, never returns non-finite
//! numbers, and says in [`Report::stop`] why it stopped (including [`Stop::Diverged`] when a learning
//! rate is too large). Adding a solver is one file: its configuration, its state, and
//! `impl Step` with one iteration.
//!
//! ```
//! use logreg_optim::{GradientDescent, NoObserver, Objective, OptimError, Solver};
//! use nalgebra::DVector;
//!
//! /// f(x) = ½‖x − 3‖²
//! struct Bowl;
//! impl Objective for Bowl {
//!     fn dim(&self) -> usize { 2 }
//!     fn value_grad(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> Result<f64, OptimError> {
//!         g.copy_from(&x.add_scalar(-3.0));
//!         Ok(0.5 * g.norm_squared())
//!     }
//! }
//! let report = GradientDescent::new(0.5)
//!     .minimize(&Bowl, DVector::zeros(2), &mut NoObserver)
//!     .unwrap();
//! assert!(report.converged());
//! assert!((report.x[0] - 3.0).abs() < 1e-6);
//! ```
#![forbid(unsafe_code)]

use std::sync::Arc;

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

mod check;
mod driver;
mod gd;
mod l1;
mod lbfgs;
mod line_search;
mod newton;
mod newton_cg;
mod owlqn;
mod sgd;

pub use driver::{run, Point, Step, StepResult, StopRule};
pub use gd::GradientDescent;
pub use l1::{soft_threshold, L1Penalized, L1};
pub use lbfgs::Lbfgs;
pub use newton::Newton;
pub use newton_cg::NewtonCg;
pub use owlqn::OwlQn;
pub use sgd::{LearningRate, Sgd};

/// A smooth function to minimize, described by what it can compute. Every evaluation may fail
/// (an I/O error while streaming data, say): the error ends the run and reaches the caller as
/// [`OptimError::Evaluation`]; it is never turned into a NaN.
pub trait Objective {
    /// Number of parameters.
    fn dim(&self) -> usize;

    /// Value at `x`, writing the gradient into `grad` (length [`dim`](Objective::dim)).
    fn value_grad(&self, x: &DVector<f64>, grad: &mut DVector<f64>) -> Result<f64, OptimError>;

    /// Value at `x`; the default computes and discards the gradient.
    fn value(&self, x: &DVector<f64>) -> Result<f64, OptimError> {
        let mut g = DVector::zeros(self.dim());
        self.value_grad(x, &mut g)
    }

    /// The Hessian at `x`; by default [`OptimError::Unavailable`].
    fn hessian(&self, _x: &DVector<f64>) -> Result<DMatrix<f64>, OptimError> {
        Err(OptimError::Unavailable {
            what: "the Hessian",
        })
    }

    /// Products with the Hessian at `x`, for solvers that never form it; by default
    /// [`OptimError::Unavailable`].
    fn hessian_operator<'s>(
        &'s self,
        _x: &DVector<f64>,
    ) -> Result<Box<dyn HessianOperator + 's>, OptimError> {
        Err(OptimError::Unavailable {
            what: "Hessian-vector products",
        })
    }

    /// For an objective `f + Σ λⱼ|xⱼ|` ([`L1Penalized`]): its smooth part and its L1 term, so a
    /// solver that treats the term itself (OWL-QN, coordinate descent) can; `None` by default.
    /// Such an objective's `value_grad` gives the minimum-norm subgradient in place of the
    /// gradient.
    fn composite(&self) -> Option<(&dyn Objective, &L1)> {
        None
    }

    /// For an average over samples that can be evaluated on a subset: the number of samples.
    fn n_samples(&self) -> Option<usize> {
        None
    }

    /// Value and gradient of the objective restricted to `rows` (an unbiased estimate of the full
    /// ones); by default [`OptimError::Unavailable`].
    fn value_grad_batch(
        &self,
        _x: &DVector<f64>,
        _rows: &[usize],
        _grad: &mut DVector<f64>,
    ) -> Result<f64, OptimError> {
        Err(OptimError::Unavailable {
            what: "mini-batch evaluations",
        })
    }
}

/// The Hessian at a fixed point, as an operator: `out = H·v`.
pub trait HessianOperator {
    /// Write H·v into `out` (both of the objective's dimension).
    fn apply(&self, v: &DVector<f64>, out: &mut DVector<f64>) -> Result<(), OptimError>;

    /// The diagonal of H, when it costs about one product (Newton-CG then preconditions its
    /// conjugate gradients with it); `None` by default.
    fn diagonal(&self) -> Result<Option<DVector<f64>>, OptimError> {
        Ok(None)
    }
}

/// A solver's configuration: its settings, checked, and the state ([`Step`]) and stopping rule
/// ([`StopRule`]) a run under [`run`] starts from. Implementing it is what makes a type a
/// [`Solver`].
pub trait SolverConfig {
    /// Check every setting, naming the first one out of range.
    fn validate(&self) -> Result<(), OptimError>;

    /// When a run stops, besides the solver's own reasons.
    fn stop_rule(&self) -> StopRule;

    /// A fresh state for one run.
    fn step(&self) -> Box<dyn Step>;
}

/// Something that minimizes objectives: every [`SolverConfig`] is one.
pub trait Solver {
    /// Minimize `f` starting from `x0`, telling `obs` about every iteration.
    fn minimize(
        &self,
        f: &dyn Objective,
        x0: DVector<f64>,
        obs: &mut dyn Observer,
    ) -> Result<Report, OptimError>;
}

impl<S: SolverConfig> Solver for S {
    fn minimize(
        &self,
        f: &dyn Objective,
        x0: DVector<f64>,
        obs: &mut dyn Observer,
    ) -> Result<Report, OptimError> {
        self.validate()?;
        run(&mut *self.step(), f, x0, &self.stop_rule(), obs)
    }
}

/// Why a solver stopped. Serializes as its snake-case name (`"gradient_tolerance"`); also reads the
/// sentences [`describe`](Stop::describe) gives, which files written before stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// The gradient norm fell below the tolerance: converged.
    #[serde(alias = "converged (gradient norm below tolerance)")]
    GradientTolerance,
    /// The norm of the minimum-norm subgradient of an objective with an L1 term fell below the
    /// tolerance: converged (the optimality measure of a non-smooth objective).
    SubgradientTolerance,
    /// The objective changed by less than the threshold between iterations: converged.
    #[serde(alias = "converged (objective stopped changing)")]
    LossChangeBelowThreshold,
    /// The iteration (or epoch) budget was spent before any convergence test passed.
    #[serde(alias = "not converged (iteration budget spent)")]
    MaxIterations,
    /// The objective or parameters became non-finite or grew without bound; the report holds the
    /// best finite point seen.
    #[serde(alias = "diverged (non-finite or exploding objective; lower the learning rate)")]
    Diverged,
    /// The line search could not find a step that decreases the objective (usually: already at the
    /// optimum to machine precision).
    #[serde(alias = "stopped (line search found no decrease)")]
    LineSearchFailed,
    /// The decrease Newton's step predicts is below the objective's rounding error, and the value
    /// can no longer tell a step from noise: the point is optimal to machine precision.
    Stationary,
    /// The observer asked to stop.
    #[serde(alias = "stopped by observer")]
    ObserverRequested,
}

impl Stop {
    /// Whether this stop reason means a convergence test passed.
    pub fn is_converged(self) -> bool {
        matches!(
            self,
            Stop::GradientTolerance
                | Stop::SubgradientTolerance
                | Stop::LossChangeBelowThreshold
                | Stop::Stationary
        )
    }

    /// A short human-readable description.
    pub fn describe(self) -> &'static str {
        match self {
            Stop::GradientTolerance => "converged (gradient norm below tolerance)",
            Stop::SubgradientTolerance => "converged (minimum-norm subgradient below tolerance)",
            Stop::LossChangeBelowThreshold => "converged (objective stopped changing)",
            Stop::MaxIterations => "not converged (iteration budget spent)",
            Stop::Diverged => {
                "diverged (non-finite or exploding objective; lower the learning rate)"
            }
            Stop::LineSearchFailed => "stopped (line search found no decrease)",
            Stop::Stationary => "converged (predicted decrease below the objective's rounding)",
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

/// Errors from configuring or starting a solver, or from evaluating the objective.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimError {
    /// A solver parameter is out of range.
    #[error("invalid solver parameter `{name}` = {value}: expected {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// What the value must be ("a finite number > 0").
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
    /// The solver needs something the objective does not provide.
    #[error("the solver needs {what}, which this objective does not provide")]
    Unavailable {
        /// What is missing ("the Hessian", "Hessian-vector products", "mini-batch evaluations").
        what: &'static str,
    },
    /// Evaluating the objective failed.
    #[error(transparent)]
    Evaluation(#[from] EvaluationError),
}

/// An error raised by an objective's evaluation, carried through a solver unchanged; the caller
/// can recover its type with [`downcast_ref`](EvaluationError::downcast_ref).
#[derive(Debug, Clone)]
pub struct EvaluationError(Arc<dyn std::error::Error + Send + Sync>);

impl EvaluationError {
    /// Wrap an objective's error.
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        EvaluationError(Arc::new(e))
    }

    /// The original error, if it has type `E`.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.0.downcast_ref::<E>()
    }
}

impl std::fmt::Display for EvaluationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for EvaluationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for EvaluationError {
    /// Two evaluation errors are equal when they say the same thing.
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}
