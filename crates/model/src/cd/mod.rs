//! Coordinate-descent Newton for L1 and elastic-net logistic regression (glmnet: Friedman, Hastie
//! & Tibshirani 2010; liblinear's newGLMNET: Yuan, Ho & Lin 2012).
//!
//! Each outer iteration at θ takes the smooth part's gradient g and Hessian H (the log loss plus
//! the L2 share of the penalty) and minimizes the quadratic model of the objective with the L1 term
//! kept exact,
//!
//! ```text
//! q(δ) = gᵀδ + ½δᵀ(H + νI)δ + Σⱼ λⱼ|θⱼ + δⱼ|,
//! ```
//!
//! by cyclic coordinate descent: one coordinate at a time the model is a parabola plus `λⱼ|·|`,
//! minimized exactly by soft-thresholding, so a coefficient lands on 0 exactly. A backtracking
//! line search on the true objective (Armijo with the model's decrease Δ = gᵀδ + λ‖θ+δ‖₁ − λ‖θ‖₁)
//! then sets the step. Only a *working set* takes part in the inner sweeps: the intercepts, the
//! nonzero coefficients and the zero ones whose gradient comes close to violating optimality
//! (newGLMNET's shrinking, `|gⱼ| ≥ λⱼ − M/n` with M the largest violation of the last outer
//! iteration), optionally seeded by a path's strong rule; every outer iteration recomputes the
//! full gradient, so the stopping test — the minimum-norm subgradient of the whole objective —
//! always looks at every coordinate.
//!
//! The inner sweeps need the model's curvature along coordinates, in one of two forms:
//! - **Gram** (few parameters): H is formed once per outer iteration by the loss (one weighted
//!   Gram pass, `fused_gram`; K(K+1)/2 for a multinomial model) and the sweeps touch only the
//!   working set's block of it.
//! - **Columns** (many parameters): the training rows column by column — dense: a column-major
//!   copy made once per fit (n·d values); sparse: each column copied out of the rows the first
//!   time a working set holds it (an L1 fit reads a few hundred of tens of thousands; one read of
//!   the row indices picks out every column an outer iteration adds) — and each coordinate step
//!   reads one column: `(Hδ)ⱼ = Σᵢ xᵢⱼ Dᵢ (Xδ)ᵢ` with `Xδ` kept up to date. For a binary model the
//!   working set's own Hessian `X_Wᵀ D X_W` is formed from the copy instead once the sweeps have
//!   spent what forming it costs (at once, when the previous outer iteration needed it and it is
//!   cheap): frequent columns (a common word, the intercept) are long and strongly correlated, so
//!   sweeps over them are both costly and slow to converge. The curvatures D come from logits
//!   carried along by each step's Xδ (a pass over the columns the step moved, not over X), and
//!   at the start from the columns of the nonzero coefficients (none at the null model); the
//!   smooth part's gradient at the start is the one the driver's first evaluation computed.
//!
//! On a formed Hessian, once a sweep leaves the support unchanged, the model is minimized on that
//! face outright (one Cholesky solve, the signs held, cut back where a coefficient would cross
//! zero — it lands on 0 exactly), so the inner problem is solved to the forcing tolerance in a few
//! sweeps however correlated the coordinates. A fit from zero starts at the null model (the
//! intercepts fitted), which keeps the first working set to the coordinates that matter.

mod columns;
mod hessian;
mod model;
mod start;
mod step;

pub(crate) use columns::Columns;
pub(crate) use start::{l1_weights, null_intercepts};
pub(crate) use step::{CdStep, KeptGradient};

use crate::ModelError;
use logreg_linalg_core::{Rows, Storage};
use logreg_loss::{Data, LogLoss, MultinomialLogLoss};
use logreg_optim::{OptimError, StopRule};
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// Most parameters for which the quadratic model is formed as a dense Hessian.
pub(crate) const GRAM_MAX_PARAMS: usize = 512;
/// Sufficient-decrease constant of the line search (newGLMNET's σ).
const SIGMA: f64 = 0.01;
/// Halvings tried by the line search.
const MAX_HALVINGS: usize = 40;
/// A column model forms the working set's Hessian at once (when the last outer iteration needed
/// one) if that costs at most this many coordinate sweeps.
const GRAM_SWEEPS: usize = 4;
/// Multiply-adds into a working-set Hessian that cost what one read of a column value does in a
/// coordinate step (measured on the RCV1-like set: the Hessian is small and stays in cache, the
/// steps gather from n-vectors).
const PAIRS_PER_READ: usize = 3;
/// Rows regrouped at a time when a working-set Hessian is formed from sparse columns.
const GRAM_BLOCK: usize = 4096;
/// Rows per parallel task when a working-set Hessian is formed from sparse columns (a fixed
/// split, so the sums are the same at any thread count).
const GRAM_TASK_ROWS: usize = 4 * GRAM_BLOCK;
/// Inner sweeps per outer iteration at most.
const MAX_SWEEPS: usize = 500;
/// Multiples of the objective's rounding below which a predicted decrease is noise.
const STATIONARY_NOISE: f64 = 10.0;
/// Relative rounding assumed for the objective.
const VALUE_NOISE: f64 = 1e-12;
/// Relative width of the rounding band at the edge of a zero coefficient's optimality interval.
const ROUNDING_BAND: f64 = 1e-12;

/// Coordinate-descent Newton's settings (see the module documentation of `cd`).
///
/// ```
/// use logreg_model::{CoordinateDescent, LogisticRegression, Penalty, Solver};
/// let p = LogisticRegression::params()
///     .penalty(Penalty::L1 { c: 0.5 })
///     .solver(Solver::CoordinateDescent(CoordinateDescent::default().tol(1e-12)))
///     .check()?;
/// # Ok::<(), logreg_model::ModelError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoordinateDescent {
    max_iter: usize,
    tol: f64,
}

impl Default for CoordinateDescent {
    /// 100 outer (Newton) iterations, subgradient tolerance 1e-10 on the mean objective.
    fn default() -> Self {
        CoordinateDescent {
            max_iter: 100,
            tol: 1e-10,
        }
    }
}

impl CoordinateDescent {
    /// Outer-iteration budget (default 100, ≥ 1).
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = n;
        self
    }

    /// Stop when the minimum-norm subgradient of the mean objective has at most this norm
    /// (default 1e-10, ≥ 0).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Check the settings.
    pub fn validate(&self) -> Result<(), OptimError> {
        self.stop_rule().validate()
    }

    pub(crate) fn stop_rule(&self) -> StopRule {
        StopRule::new(self.max_iter, self.tol)
    }
}

/// The loss being fitted: binary or multinomial.
#[derive(Clone, Copy)]
pub(crate) enum Glm<'l, 'a> {
    Binary(&'l LogLoss<'a>),
    Multinomial(&'l MultinomialLogLoss<'a>),
}

impl Glm<'_, '_> {
    fn dim(&self) -> usize {
        match self {
            Glm::Binary(l) => l.dim(),
            Glm::Multinomial(l) => l.dim(),
        }
    }

    /// The data the loss reads: a design in memory, or (binary only) row blocks read in passes.
    fn data(&self) -> Data<'_> {
        match self {
            Glm::Binary(l) => l.data(),
            Glm::Multinomial(l) => Data::Memory(l.design()),
        }
    }

    fn value_grad(&self, theta: &DVector<f64>, g: &mut DVector<f64>) -> Result<f64, ModelError> {
        Ok(match self {
            Glm::Binary(l) => l.value_grad(theta, g)?,
            Glm::Multinomial(l) => l.value_grad(theta, g)?,
        })
    }

    /// The rows the loss sums over, in pass order.
    fn rows(&self) -> Rows<'_> {
        match self {
            Glm::Binary(l) => l.rows(),
            Glm::Multinomial(l) => l.rows(),
        }
    }

    /// The column of X that coordinate c multiplies (`None` for an intercept).
    fn column_of(&self, c: usize) -> Option<usize> {
        let (per_class, d) = match self {
            Glm::Binary(l) => (l.dim(), l.n_features()),
            Glm::Multinomial(l) => (l.params_per_class(), l.design().n_cols()),
        };
        Some(c % per_class).filter(|&j| j < d)
    }

    fn hessian(&self, theta: &DVector<f64>) -> Result<DMatrix<f64>, ModelError> {
        Ok(match self {
            Glm::Binary(l) => l.hessian(theta)?,
            Glm::Multinomial(l) => l.hessian(theta)?,
        })
    }
}

/// How the quadratic model's curvature is reached: a formed Hessian, or the columns of X.
pub(crate) enum Curvature {
    Gram,
    Columns(Columns),
}

impl Curvature {
    /// Gram for few parameters, else a column copy of the training rows; `None` when neither
    /// fits (a standardized sparse design too wide for a Gram matrix: its columns are dense; or
    /// row blocks read in passes, which give no columns).
    /// On several `ranks` only Gram: the Hessian is summed over the ranks by the loss, while a
    /// column copy holds this rank's rows only (a coordinate step would need a collective per
    /// coordinate). Every input here is the same on every rank, so is the choice.
    pub(crate) fn choose(glm: &Glm<'_, '_>, rows: Rows<'_>, ranks: usize) -> Option<Curvature> {
        let x = glm.data();
        let p = glm.dim();
        let sparse = x.storage() == Storage::Sparse;
        if p <= GRAM_MAX_PARAMS && (!sparse || p <= logreg_linalg_core::MAX_SPARSE_GRAM) {
            return Some(Curvature::Gram);
        }
        if ranks > 1 {
            return None;
        }
        match x {
            Data::Memory(x) => Columns::of(x, rows).map(Curvature::Columns),
            Data::Blocks(_) => None,
        }
    }

    /// Words for the fit report.
    pub(crate) fn describe(&self) -> String {
        match self {
            Curvature::Gram => {
                "quadratic model from the Hessian (one Gram pass per iteration)".into()
            }
            Curvature::Columns(Columns::Dense { values, .. }) => format!(
                "column-major copy of the training rows ({:.1} MB) for coordinate steps",
                values.len() as f64 * 8.0 / 1e6
            ),
            Curvature::Columns(Columns::Sparse { .. }) => {
                "sparse columns of the working sets, copied from the rows as needed, for \
                 coordinate steps"
                    .into()
            }
        }
    }
}
