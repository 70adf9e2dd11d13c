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

use crate::ModelError;
use logreg_collective::Collective;
use logreg_linalg_core::{Design, Rows, Storage};
use logreg_loss::{Data, LogLoss, MultinomialLogLoss};
use logreg_optim::{
    soft_threshold, Objective, OptimError, Point, Step, StepResult, Stop, StopRule,
};
use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

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

/// The training rows stored column by column (rows in pass order).
pub(crate) enum Columns {
    Dense {
        n: usize,
        values: Vec<f64>,
    },
    /// Sparse columns, each copied from the rows the first time a working set holds it
    /// ([`Columns::ensure`]): an L1 fit reads a few hundred of tens of thousands of columns, and
    /// picking those out of the rows costs one read of the row indices, where transposing every
    /// column costs scattered writes of every stored value.
    Sparse {
        n: usize,
        columns: Vec<OnceLock<SparseColumn>>,
    },
}

/// One sparse column: the pass positions of its stored values, increasing, and the values.
pub(crate) struct SparseColumn {
    rows: Vec<u32>,
    values: Vec<f64>,
}

/// Rows per task when sparse columns are picked out of the rows.
const PICK_ROWS: usize = 16_384;

impl Columns {
    /// The copy (sparse columns empty until [`Columns::ensure`]), or `None` for a standardized
    /// sparse design (whose columns are dense) or more rows than a column can index.
    fn of(x: &Design<'_>, rows: Rows<'_>) -> Option<Columns> {
        let n = rows.len();
        let d = x.n_cols();
        Some(match x {
            Design::Dense(m) => {
                let data = m.as_slice();
                let mut values = vec![0.0; n * d];
                for pos in 0..n {
                    let r = rows.row_at(pos);
                    for (j, &v) in data[r * d..(r + 1) * d].iter().enumerate() {
                        values[j * n + pos] = v;
                    }
                }
                Columns::Dense { n, values }
            }
            Design::DenseF32(m) => {
                let data = m.as_slice();
                let mut values = vec![0.0; n * d];
                for pos in 0..n {
                    let r = rows.row_at(pos);
                    for (j, &v) in data[r * d..(r + 1) * d].iter().enumerate() {
                        values[j * n + pos] = f64::from(v);
                    }
                }
                Columns::Dense { n, values }
            }
            Design::Sparse(csr) => {
                if csr.scaling().is_some() || u32::try_from(n).is_err() {
                    return None;
                }
                Columns::Sparse {
                    n,
                    columns: (0..d).map(|_| OnceLock::new()).collect(),
                }
            }
        })
    }

    /// Copies the sparse columns among `need` that are not yet held out of the rows of `x` (the
    /// design `of` was given, in the same pass order `rows`): one parallel read of the row
    /// indices in fixed blocks, the values of each column kept in pass order, so the copy is the
    /// same at any thread count. Nothing to do for dense columns.
    fn ensure(&self, x: &Design<'_>, rows: Rows<'_>, need: impl Iterator<Item = usize>) {
        let (Columns::Sparse { n, columns }, Design::Sparse(csr)) = (self, x) else {
            return;
        };
        let mut missing: Vec<usize> = need.filter(|&j| columns[j].get().is_none()).collect();
        if missing.is_empty() {
            return;
        }
        missing.sort_unstable();
        missing.dedup();
        let mut local = vec![u32::MAX; columns.len()];
        for (k, &j) in missing.iter().enumerate() {
            local[j] = k as u32;
        }
        let n = *n;
        // Per block of rows, each missing column's part; then per column, its parts in order.
        let parts: Vec<Vec<SparseColumn>> = (0..n.div_ceil(PICK_ROWS))
            .into_par_iter()
            .map(|block| {
                let mut out: Vec<SparseColumn> = (0..missing.len())
                    .map(|_| SparseColumn {
                        rows: Vec::new(),
                        values: Vec::new(),
                    })
                    .collect();
                for pos in block * PICK_ROWS..((block + 1) * PICK_ROWS).min(n) {
                    let (idx, val) = csr.row(rows.row_at(pos));
                    for (&j, &v) in idx.iter().zip(val) {
                        let k = local[j as usize];
                        if k != u32::MAX {
                            let col = &mut out[k as usize];
                            col.rows.push(pos as u32);
                            col.values.push(v);
                        }
                    }
                }
                out
            })
            .collect();
        let built: Vec<SparseColumn> = (0..missing.len())
            .into_par_iter()
            .map(|k| {
                let len = parts.iter().map(|p| p[k].rows.len()).sum();
                let mut col = SparseColumn {
                    rows: Vec::with_capacity(len),
                    values: Vec::with_capacity(len),
                };
                for p in &parts {
                    col.rows.extend_from_slice(&p[k].rows);
                    col.values.extend_from_slice(&p[k].values);
                }
                col
            })
            .collect();
        for (&j, col) in missing.iter().zip(built) {
            // Only this thread fills the cells, and each was empty above.
            let _ = columns[j].set(col);
        }
    }

    /// Column j of a sparse copy (empty if [`Columns::ensure`] was not asked for it).
    #[inline]
    fn sparse(columns: &[OnceLock<SparseColumn>], j: usize) -> (&[u32], &[f64]) {
        debug_assert!(columns[j].get().is_some(), "column {j} was not copied");
        columns[j]
            .get()
            .map_or((&[], &[]), |c| (c.rows.as_slice(), c.values.as_slice()))
    }

    /// Xδ per pass position, for δ over the `n_features` columns and (when longer) an intercept.
    fn times(&self, delta: &[f64], n_features: usize) -> Vec<f64> {
        let n = match self {
            Columns::Dense { n, .. } | Columns::Sparse { n, .. } => *n,
        };
        let b = delta.get(n_features).copied().unwrap_or(0.0);
        let mut out = vec![b; n];
        for (j, &t) in delta.iter().enumerate().take(n_features) {
            if t != 0.0 {
                self.visit(j, |i, x| out[i] += t * x);
            }
        }
        out
    }

    /// How many values column j stores.
    fn stored(&self, j: usize) -> usize {
        match self {
            Columns::Dense { n, .. } => *n,
            Columns::Sparse { columns, .. } => Columns::sparse(columns, j).0.len(),
        }
    }

    /// Calls `f(position, value)` for the stored values of column j.
    #[inline]
    fn visit(&self, j: usize, mut f: impl FnMut(usize, f64)) {
        match self {
            Columns::Dense { n, values } => {
                for (i, &v) in values[j * n..(j + 1) * n].iter().enumerate() {
                    f(i, v);
                }
            }
            Columns::Sparse { columns, .. } => {
                let (rows, values) = Columns::sparse(columns, j);
                for (&i, &v) in rows.iter().zip(values) {
                    f(i as usize, v);
                }
            }
        }
    }
}

/// The quadratic model's curvature at the current point, coordinate by coordinate.
enum Model<'c> {
    /// H restricted to the working set W: coordinate c is row `slot[c]` of `h`; `hd` = (Hδ)_W.
    Gram {
        h: DMatrix<f64>,
        hd: Vec<f64>,
        slot: Vec<usize>,
    },
    /// Binary, from columns: D = curvatures / S, q = Xδ (per pass position); `gram` what
    /// forming the working set's Hessian would cost ([`gram_cost`]).
    Binary {
        cols: &'c Columns,
        d: Vec<f64>,
        q: Vec<f64>,
        l2: f64,
        n_features: usize,
        delta: Vec<f64>,
        gram: Option<(usize, Vec<u32>)>,
    },
    /// Multinomial, from columns: P (n × K, row-major), w = sᵢ/S, q = XΔ (n × K), m = Σₖ pₖqₖ.
    Multi {
        cols: &'c Columns,
        p: Vec<f64>,
        w: Vec<f64>,
        q: Vec<f64>,
        m: Vec<f64>,
        k: usize,
        l2: f64,
        per_class: usize,
        n_features: usize,
        delta: Vec<f64>,
    },
}

impl Model<'_> {
    /// (H + νI)_cc without ν.
    fn diag(&self, c: usize) -> f64 {
        match self {
            Model::Gram { h, slot, .. } => h[(slot[c], slot[c])],
            Model::Binary {
                cols,
                d,
                l2,
                n_features,
                ..
            } => {
                if c == *n_features {
                    d.iter().sum()
                } else {
                    let mut s = 0.0;
                    cols.visit(c, |i, x| s += d[i] * x * x);
                    s + l2
                }
            }
            Model::Multi {
                cols,
                p,
                w,
                k,
                l2,
                per_class,
                n_features,
                ..
            } => {
                let (class, j) = (c / per_class, c % per_class);
                let curv = |i: usize| {
                    let pi = p[i * k + class];
                    w[i] * pi * (1.0 - pi)
                };
                if j == *n_features {
                    (0..w.len()).map(curv).sum()
                } else {
                    let mut s = 0.0;
                    cols.visit(j, |i, x| s += curv(i) * x * x);
                    s + l2
                }
            }
        }
    }

    /// (Hδ)_c.
    fn h_delta(&self, c: usize) -> f64 {
        match self {
            Model::Gram { hd, slot, .. } => hd[slot[c]],
            Model::Binary {
                cols,
                d,
                q,
                l2,
                n_features,
                delta,
                ..
            } => {
                if c == *n_features {
                    d.iter().zip(q).map(|(a, b)| a * b).sum()
                } else {
                    let mut s = 0.0;
                    cols.visit(c, |i, x| s += x * d[i] * q[i]);
                    s + l2 * delta[c]
                }
            }
            Model::Multi {
                cols,
                p,
                w,
                q,
                m,
                k,
                l2,
                per_class,
                n_features,
                delta,
            } => {
                let (class, j) = (c / per_class, c % per_class);
                let r = |i: usize| w[i] * p[i * k + class] * (q[i * k + class] - m[i]);
                if j == *n_features {
                    (0..w.len()).map(r).sum()
                } else {
                    let mut s = 0.0;
                    cols.visit(j, |i, x| s += x * r(i));
                    s + l2 * delta[c]
                }
            }
        }
    }

    /// On a formed Hessian, the exact minimizer of the model on the current face — the coordinates
    /// of W that are nonzero or unpenalized, with their signs held — by one Cholesky solve, cut
    /// back to the first coordinate that would cross zero (which lands on 0 exactly). Along that
    /// segment the model decreases, so the step only helps the sweeps; it is what makes the inner
    /// problem cheap to solve exactly when coordinates are strongly correlated. `false` when
    /// nothing moved (no Hessian, an empty face, or a face matrix that is not positive definite).
    fn face_newton(
        &mut self,
        g: &DVector<f64>,
        theta: &DVector<f64>,
        delta: &mut [f64],
        l1: &[f64],
        working: &[usize],
        nu: f64,
    ) -> bool {
        let Model::Gram { h, hd, slot } = self else {
            return false;
        };
        let face: Vec<usize> = working
            .iter()
            .copied()
            .filter(|&j| l1[j] == 0.0 || theta[j] + delta[j] != 0.0)
            .collect();
        let k = face.len();
        if k == 0 {
            return false;
        }
        let r = DVector::from_fn(k, |a, _| {
            let j = face[a];
            let u = theta[j] + delta[j];
            g[j] + hd[slot[j]] + if l1[j] > 0.0 { l1[j] * u.signum() } else { 0.0 }
        });
        let hf = DMatrix::from_fn(k, k, |a, b| {
            h[(slot[face[a]], slot[face[b]])] + if a == b { nu } else { 0.0 }
        });
        let Some(chol) = hf.cholesky() else {
            return false;
        };
        let step = -chol.solve(&r);
        if !step.iter().all(|v| v.is_finite()) {
            return false;
        }
        let mut alpha = 1.0_f64;
        for (a, &j) in face.iter().enumerate() {
            let u = theta[j] + delta[j];
            if l1[j] > 0.0 && (u + step[a]) * u <= 0.0 {
                alpha = alpha.min(-u / step[a]);
            }
        }
        if alpha.is_nan() || alpha <= 0.0 {
            return false;
        }
        let mut moved = false;
        for (a, &j) in face.iter().enumerate() {
            let u = theta[j] + delta[j];
            let blocked = l1[j] > 0.0 && (u + step[a]) * u <= 0.0 && -u / step[a] <= alpha;
            let t = if blocked { -u } else { alpha * step[a] };
            if t != 0.0 {
                delta[j] += t;
                moved = true;
                for (hdi, hij) in hd.iter_mut().zip(h.column(slot[j]).iter()) {
                    *hdi += t * hij;
                }
            }
        }
        moved
    }

    /// Reads of stored values one coordinate step costs (0 on a formed Hessian, where a step
    /// costs |W| operations).
    fn coord_cost(&self, c: usize) -> usize {
        match self {
            Model::Binary {
                cols,
                n_features,
                d,
                ..
            } => {
                2 * if c == *n_features {
                    d.len()
                } else {
                    cols.stored(c)
                }
            }
            _ => 0,
        }
    }

    /// A column model turns into one on the working set's formed Hessian (keeping δ) once the
    /// sweeps have spent what forming it costs (`spent` reads; ski rental: at most twice the
    /// better of the two); `true` when it did.
    fn form_gram(&mut self, working: &[usize], spent: usize) -> bool {
        let Model::Binary {
            cols,
            d,
            l2,
            n_features,
            delta,
            gram: Some((pairs, per_row)),
            ..
        } = self
        else {
            return false;
        };
        if spent.saturating_mul(PAIRS_PER_READ) < *pairs {
            return false;
        }
        let h = working_gram(cols, d, working, *n_features, *l2, per_row);
        let dw = DVector::from_iterator(working.len(), working.iter().map(|&c| delta[c]));
        let hd = (&h * dw).as_slice().to_vec();
        *self = Model::Gram {
            h,
            hd,
            slot: slots(delta.len(), working),
        };
        true
    }

    /// δ_c += t, keeping the model's products up to date.
    fn update(&mut self, c: usize, t: f64) {
        match self {
            Model::Gram { h, hd, slot } => {
                for (hdi, hic) in hd.iter_mut().zip(h.column(slot[c]).iter()) {
                    *hdi += t * hic;
                }
            }
            Model::Binary {
                cols,
                q,
                n_features,
                delta,
                ..
            } => {
                delta[c] += t;
                if c == *n_features {
                    for qi in q.iter_mut() {
                        *qi += t;
                    }
                } else {
                    cols.visit(c, |i, x| q[i] += t * x);
                }
            }
            Model::Multi {
                cols,
                p,
                q,
                m,
                k,
                per_class,
                n_features,
                delta,
                ..
            } => {
                delta[c] += t;
                let (class, j) = (c / *per_class, c % *per_class);
                let k = *k;
                if j == *n_features {
                    for i in 0..m.len() {
                        q[i * k + class] += t;
                        m[i] += p[i * k + class] * t;
                    }
                } else {
                    cols.visit(j, |i, x| {
                        q[i * k + class] += t * x;
                        m[i] += p[i * k + class] * t * x;
                    });
                }
            }
        }
    }
}

/// `slot[c]` = c's position in `working` (`usize::MAX` outside it), for `p` coordinates.
fn slots(p: usize, working: &[usize]) -> Vec<usize> {
    let mut slot = vec![usize::MAX; p];
    for (k, &c) in working.iter().enumerate() {
        slot[c] = k;
    }
    slot
}

/// What forming the binary model's Hessian on the working set W costs: the multiply-adds, and for
/// sparse columns how many of each row's values fall in W (`None` when W is larger than
/// [`GRAM_MAX_PARAMS`]). A coordinate sweep over W costs two passes over W's stored values.
fn gram_cost(cols: &Columns, working: &[usize], n_features: usize) -> Option<(usize, Vec<u32>)> {
    let m = working.len();
    if m > GRAM_MAX_PARAMS {
        return None;
    }
    Some(match cols {
        Columns::Dense { n, .. } => (n * m * (m + 1) / 2, Vec::new()),
        Columns::Sparse { n, columns } => {
            let mut per_row = vec![0u32; *n];
            for &c in working.iter().filter(|&&c| c < n_features) {
                for &i in Columns::sparse(columns, c).0 {
                    per_row[i as usize] += 1;
                }
            }
            let pairs = per_row
                .iter()
                .map(|&k| (k as usize + 1) * (k as usize + 2) / 2)
                .sum();
            (pairs, per_row)
        }
    })
}

/// The binary model's Hessian on the working set W, `X_Wᵀ D X_W + λ₂I` (the intercept's row and
/// column too when it is in W; D = `d`, the curvatures over S), formed from the column copy
/// (`per_row` from [`gram_cost`]). With it a coordinate step costs |W| operations instead of a
/// column's length, and the model can be minimized exactly on its support
/// ([`Model::face_newton`]), which coordinate sweeps alone reach slowly when columns are
/// correlated (a frequent word and the intercept).
fn working_gram(
    cols: &Columns,
    d: &[f64],
    working: &[usize],
    n_features: usize,
    l2: f64,
    per_row: &[u32],
) -> DMatrix<f64> {
    let m = working.len();
    let n = d.len();
    let intercept = working.last().is_some_and(|&c| c == n_features);
    let features = &working[..m - usize::from(intercept)];
    // Row-major upper triangle.
    let mut upper = vec![0.0; m * m];
    match cols {
        Columns::Dense { values, .. } => {
            let mut weighted = vec![0.0; n];
            for (a, &ca) in features.iter().enumerate() {
                for ((w, x), di) in weighted
                    .iter_mut()
                    .zip(&values[ca * n..(ca + 1) * n])
                    .zip(d)
                {
                    *w = x * di;
                }
                for (b, &cb) in features.iter().enumerate().skip(a) {
                    upper[a * m + b] = dot(&weighted, &values[cb * n..(cb + 1) * n]);
                }
                if intercept {
                    upper[a * m + m - 1] = weighted.iter().sum();
                }
            }
        }
        Columns::Sparse { columns, .. } => {
            let cols: Vec<(&[u32], &[f64])> = features
                .iter()
                .map(|&c| Columns::sparse(columns, c))
                .collect();
            let part = |task: usize| {
                let rows = task * GRAM_TASK_ROWS..((task + 1) * GRAM_TASK_ROWS).min(n);
                sparse_gram_part(&cols, d, per_row, rows, m, intercept)
            };
            if let Some(sum) = tree_sum(n.div_ceil(GRAM_TASK_ROWS), &part) {
                upper = sum;
            }
        }
    }
    if intercept {
        upper[m * m - 1] = d.iter().sum();
    }
    DMatrix::from_fn(m, m, |a, b| {
        let v = upper[a.min(b) * m + a.max(b)];
        if a == b && !(intercept && a == m - 1) {
            v + l2
        } else {
            v
        }
    })
}

/// The upper triangle (row-major, m × m) of `X_Wᵀ D X_W` over the pass positions `rows`, from W's
/// sparse columns `cols` (the intercept's column last when `intercept`). Block by block of rows,
/// W's values are regrouped by row (from each column's cursor, in W's order, so every row's local
/// indices increase), then one outer product a row.
fn sparse_gram_part(
    cols: &[(&[u32], &[f64])],
    d: &[f64],
    per_row: &[u32],
    rows: std::ops::Range<usize>,
    m: usize,
    intercept: bool,
) -> Vec<f64> {
    let mut upper = vec![0.0; m * m];
    let mut cursor: Vec<usize> = cols
        .iter()
        .map(|(r, _)| r.partition_point(|&i| (i as usize) < rows.start))
        .collect();
    let mut start = vec![0usize; GRAM_BLOCK + 1];
    let mut next = vec![0usize; GRAM_BLOCK];
    let mut entries: Vec<(usize, f64)> = Vec::new();
    for b0 in rows.clone().step_by(GRAM_BLOCK) {
        let b1 = (b0 + GRAM_BLOCK).min(rows.end);
        for (i, &k) in per_row[b0..b1].iter().enumerate() {
            start[i + 1] = start[i] + k as usize;
        }
        let len = b1 - b0;
        entries.clear();
        entries.resize(start[len], (0, 0.0));
        next[..len].copy_from_slice(&start[..len]);
        for (k, &(col_rows, col_values)) in cols.iter().enumerate() {
            let mut t = cursor[k];
            while t < col_rows.len() && (col_rows[t] as usize) < b1 {
                let i = col_rows[t] as usize - b0;
                entries[next[i]] = (k, col_values[t]);
                next[i] += 1;
                t += 1;
            }
            cursor[k] = t;
        }
        for i in 0..len {
            let di = d[b0 + i];
            let row = &entries[start[i]..start[i + 1]];
            for (a, &(ka, va)) in row.iter().enumerate() {
                let s = di * va;
                let out = &mut upper[ka * m..(ka + 1) * m];
                for &(kb, vb) in &row[a..] {
                    out[kb] += s * vb;
                }
                if intercept {
                    out[m - 1] += s;
                }
            }
        }
    }
    upper
}

/// `part(0) + … + part(tasks − 1)` elementwise, the parts computed in parallel and added along a
/// binary tree whose shape depends only on `tasks` (the same bits at any thread count); `None`
/// for no task.
fn tree_sum<F>(tasks: usize, part: &F) -> Option<Vec<f64>>
where
    F: Fn(usize) -> Vec<f64> + Sync,
{
    fn go<F: Fn(usize) -> Vec<f64> + Sync>(lo: usize, hi: usize, part: &F) -> Vec<f64> {
        if hi - lo == 1 {
            return part(lo);
        }
        let mid = lo + (hi - lo) / 2;
        let (mut left, right) = rayon::join(|| go(lo, mid, part), || go(mid, hi, part));
        for (l, r) in left.iter_mut().zip(&right) {
            *l += r;
        }
        left
    }
    (tasks > 0).then(|| go(0, tasks, part))
}

/// Σ aᵢbᵢ with four accumulators (a fixed order, so the same bits every time).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            acc[l] += x[l] * y[l];
        }
    }
    (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail
}

/// Coordinate-descent Newton as a step of `optim`'s driver, on the objective
/// `L1Penalized(loss, l1)`: points carry the full objective and its minimum-norm subgradient.
pub(crate) struct CdStep<'l, 'a, 'c> {
    glm: Glm<'l, 'a>,
    l1: Vec<f64>,
    curvature: &'c Curvature,
    /// ∇ of the smooth part at the current point.
    grad: DVector<f64>,
    /// Coordinates the first outer iteration may move besides the nonzero ones and the violators
    /// (a path's strong-rule screen).
    screen: Option<Vec<bool>>,
    /// Rows the loss sums over, on every rank: the shrinking thresholds scale with it, and
    /// every rank must take the same decisions.
    n_rows: f64,
    /// Inner sweeps, over every outer iteration.
    pub(crate) sweeps: usize,
    /// Whether the last outer iteration formed the working set's Hessian (column models).
    prefer_gram: bool,
    /// A binary column model's logits at the current point, moved along by each step's Xδ (one
    /// pass over the columns δ touches, not over X) for the next model's curvatures; empty for
    /// the other models.
    logits: Vec<f64>,
    /// The smooth part as the driver evaluates it: its gradient at the start is taken from there.
    smooth: &'c KeptGradient<'c>,
}

/// An objective that keeps the gradient of its last evaluation, so that coordinate descent's
/// start reuses the driver's evaluation of the smooth part instead of making a pass of its own.
pub(crate) struct KeptGradient<'o> {
    inner: &'o dyn Objective,
    last: std::cell::RefCell<Option<(DVector<f64>, DVector<f64>)>>,
}

impl<'o> KeptGradient<'o> {
    pub(crate) fn new(inner: &'o dyn Objective) -> Self {
        KeptGradient {
            inner,
            last: std::cell::RefCell::new(None),
        }
    }

    /// The gradient kept from an evaluation at exactly `x`, if that was the last one.
    fn take_at(&self, x: &DVector<f64>) -> Option<DVector<f64>> {
        let mut last = self.last.borrow_mut();
        match last.take() {
            Some((at, g)) if at == *x => Some(g),
            _ => None,
        }
    }
}

impl Objective for KeptGradient<'_> {
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn value_grad(&self, x: &DVector<f64>, grad: &mut DVector<f64>) -> Result<f64, OptimError> {
        let v = self.inner.value_grad(x, grad)?;
        *self.last.borrow_mut() = Some((x.clone(), grad.clone()));
        Ok(v)
    }
}

impl<'l, 'a, 'c> CdStep<'l, 'a, 'c> {
    pub(crate) fn new(
        glm: Glm<'l, 'a>,
        l1: Vec<f64>,
        curvature: &'c Curvature,
        screen: Option<Vec<bool>>,
        n_rows: usize,
        smooth: &'c KeptGradient<'c>,
    ) -> Self {
        CdStep {
            smooth,
            glm,
            l1,
            curvature,
            grad: DVector::zeros(0),
            screen,
            n_rows: n_rows as f64,
            sweeps: 0,
            prefer_gram: false,
            logits: Vec::new(),
        }
    }

    fn l1_value(&self, x: &DVector<f64>) -> f64 {
        self.l1.iter().zip(x.iter()).map(|(l, v)| l * v.abs()).sum()
    }

    fn subgradient(&self, x: &DVector<f64>, g: &DVector<f64>) -> DVector<f64> {
        DVector::from_fn(x.len(), |j, _| {
            let l = self.l1[j];
            if x[j] > 0.0 {
                g[j] + l
            } else if x[j] < 0.0 {
                g[j] - l
            } else {
                soft_threshold(g[j], l)
            }
        })
    }

    /// Copies the columns the coordinates `coords` read, where the curvature comes from
    /// sparse columns copied as needed.
    fn ensure_columns(&self, coords: &[usize]) {
        if let (Curvature::Columns(cols), Data::Memory(x)) = (self.curvature, self.glm.data()) {
            let glm = self.glm;
            cols.ensure(
                x,
                glm.rows(),
                coords.iter().filter_map(|&c| glm.column_of(c)),
            );
        }
    }

    /// The quadratic model at θ over the working set (coordinates in increasing order).
    fn model(&self, theta: &DVector<f64>, working: &[usize]) -> Result<Model<'c>, ModelError> {
        Ok(match self.curvature {
            Curvature::Gram => {
                let full = self.glm.hessian(theta)?;
                let m = working.len();
                Model::Gram {
                    h: DMatrix::from_fn(m, m, |a, b| full[(working[a], working[b])]),
                    hd: vec![0.0; m],
                    slot: slots(theta.len(), working),
                }
            }
            Curvature::Columns(cols) => match self.glm {
                Glm::Binary(loss) => {
                    let s = loss.weight_sum();
                    let d: Vec<f64> = if self.logits.is_empty() {
                        loss.curvatures(theta)?.iter().map(|c| c / s).collect()
                    } else {
                        let mut d = self.logits.clone();
                        logreg_linalg_core::sigmoid_curvature_in_place(&mut d);
                        for (pos, di) in d.iter_mut().enumerate() {
                            *di *= loss.weight(pos) / s;
                        }
                        d
                    };
                    let n = d.len();
                    let mut model = Model::Binary {
                        cols,
                        d,
                        q: vec![0.0; n],
                        l2: loss.l2(),
                        n_features: loss.n_features(),
                        delta: vec![0.0; theta.len()],
                        gram: gram_cost(cols, working, loss.n_features()),
                    };
                    if self.prefer_gram {
                        // The last outer iteration needed the Hessian: form it now unless it
                        // costs more than GRAM_SWEEPS sweeps.
                        let sweep: usize = working.iter().map(|&c| model.coord_cost(c)).sum();
                        model.form_gram(working, sweep.saturating_mul(GRAM_SWEEPS));
                    }
                    model
                }
                Glm::Multinomial(loss) => {
                    let k = loss.n_classes();
                    let z = loss.logits(theta)?;
                    let n = z.nrows();
                    let mut p = vec![0.0; n * k];
                    for i in 0..n {
                        let row = z.row(i);
                        let mx = row.max();
                        let mut sum = 0.0;
                        for c in 0..k {
                            let e = (row[c] - mx).exp();
                            p[i * k + c] = e;
                            sum += e;
                        }
                        for c in 0..k {
                            p[i * k + c] /= sum;
                        }
                    }
                    let s = loss.weight_sum();
                    let w = (0..n).map(|i| loss.weight(i) / s).collect();
                    Model::Multi {
                        cols,
                        p,
                        w,
                        q: vec![0.0; n * k],
                        m: vec![0.0; n],
                        k,
                        l2: loss.l2(),
                        per_class: loss.params_per_class(),
                        n_features: loss.design().n_cols(),
                        delta: vec![0.0; theta.len()],
                    }
                }
            },
        })
    }
}

impl Step for CdStep<'_, '_, '_> {
    fn name(&self) -> &'static str {
        "coordinate-descent"
    }

    fn init(&mut self, _f: &dyn Objective, start: &Point) -> Result<(), OptimError> {
        self.grad = match self.smooth.take_at(&start.x) {
            Some(g) => g,
            None => {
                let mut g = DVector::zeros(start.x.len());
                self.glm.value_grad(&start.x, &mut g).map_err(to_optim)?;
                g
            }
        };
        if let (Curvature::Columns(cols), Glm::Binary(loss)) = (self.curvature, self.glm) {
            // From the columns of the nonzero coefficients (none at the null-model start), not
            // a pass over the rows; the coordinates that are not zero are in every working set.
            let nonzero: Vec<usize> = (0..start.x.len()).filter(|&j| start.x[j] != 0.0).collect();
            self.ensure_columns(&nonzero);
            let mut z = cols.times(start.x.as_slice(), loss.n_features());
            if loss.has_offset() {
                for (pos, zi) in z.iter_mut().enumerate() {
                    *zi += loss.offset(pos);
                }
            }
            self.logits = z;
        }
        Ok(())
    }

    fn step(&mut self, _f: &dyn Objective, cur: &Point) -> Result<StepResult, OptimError> {
        self.outer(cur).map_err(to_optim)
    }
}

/// A model error carried through the driver (turned back by `ModelError::from`).
fn to_optim(e: ModelError) -> OptimError {
    match e {
        ModelError::Optim(o) => o,
        ModelError::Loss(l) => OptimError::Evaluation(logreg_optim::EvaluationError::new(l)),
        other => OptimError::Evaluation(logreg_optim::EvaluationError::new(CdError(
            other.to_string(),
        ))),
    }
}

/// Any other model error inside a coordinate-descent step, as text.
#[derive(Debug)]
struct CdError(String);

impl std::fmt::Display for CdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CdError {}

impl CdStep<'_, '_, '_> {
    fn outer(&mut self, cur: &Point) -> Result<StepResult, ModelError> {
        let theta = &cur.x;
        let p = theta.len();
        let g = self.grad.clone();
        let n = self.n_rows;
        let m_out = cur.grad.amax();
        // The working set: unpenalized and nonzero coordinates, and zero ones near violation.
        let screen = self.screen.take();
        let working: Vec<usize> = (0..p)
            .filter(|&j| {
                let l = self.l1[j];
                l == 0.0
                    || theta[j] != 0.0
                    || g[j].abs() >= l - m_out / n
                    || screen.as_ref().is_some_and(|s| s[j])
            })
            .collect();
        self.ensure_columns(&working);
        let mut model = self.model(theta, &working)?;

        let mut diag = vec![0.0; p];
        let mut top = 0.0_f64;
        for &j in &working {
            diag[j] = model.diag(j);
            top = top.max(diag[j]);
        }
        // newGLMNET's ν keeps every coordinate's curvature positive.
        let nu = 1e-12 * top.max(f64::MIN_POSITIVE);
        for &j in &working {
            diag[j] += nu;
        }
        // Inner sweeps to a forcing tolerance that tightens as the outer iterations converge.
        let eta = (m_out.sqrt()).min(0.1);
        let inner_tol = eta * m_out;
        let mut delta = vec![0.0; p];
        let mut active = working.clone();
        let mut m_in_prev = f64::INFINITY;
        let mut spent = 0usize;
        for _ in 0..MAX_SWEEPS {
            self.sweeps += 1;
            let mut m_in = 0.0_f64;
            let mut support_moved = false;
            spent += active.iter().map(|&j| model.coord_cost(j)).sum::<usize>();

            let mut keep = Vec::with_capacity(active.len());
            for &j in &active {
                let a = diag[j];
                if a.is_nan() || a <= 0.0 {
                    continue;
                }
                let b = g[j] + model.h_delta(j);
                let l = self.l1[j];
                let u = theta[j] + delta[j];
                let violation = if u > 0.0 {
                    (b + l).abs()
                } else if u < 0.0 {
                    (b - l).abs()
                } else {
                    (b.abs() - l).max(0.0)
                };
                m_in = m_in.max(violation);
                // Inner shrinking: a zero coordinate well inside its optimality band sits out
                // the following sweeps (it is looked at again before the inner loop ends).
                if u == 0.0 && l > 0.0 && b.abs() < l - m_in_prev / n {
                    continue;
                }
                keep.push(j);
                let new = if l > 0.0 {
                    // A zero coefficient whose gradient sits on the edge of its band (|b| = λ up
                    // to rounding, as every one does at exactly C_min) stays zero.
                    if u == 0.0 && b.abs() <= l * (1.0 + ROUNDING_BAND) {
                        0.0
                    } else {
                        soft_threshold(u - b / a, l / a)
                    }
                } else {
                    u - b / a
                };
                let t = new - u;
                if t != 0.0 && t.is_finite() {
                    support_moved |= (u == 0.0) != (new == 0.0);
                    delta[j] += t;
                    model.update(j, t);
                }
            }
            m_in_prev = m_in;
            if m_in <= inner_tol {
                if active.len() == working.len() {
                    break;
                }
                active = working.clone();
                m_in_prev = f64::INFINITY;
            } else {
                active = keep;
                if model.form_gram(&working, spent) {
                    self.prefer_gram = true;
                }
                // Once a sweep leaves the support alone, solve the model on it outright.
                if !support_moved {
                    model.face_newton(&g, theta, &mut delta, &self.l1, &working, nu);
                }
            }
        }
        let x_delta = match (self.curvature, self.logits.is_empty()) {
            (Curvature::Columns(cols), false) => cols.times(&delta, self.glm.data().n_cols()),
            _ => Vec::new(),
        };
        let delta = DVector::from_vec(delta);
        let f0 = cur.value;
        // Δ coordinate by coordinate: near the optimum it is far below the rounding of ‖θ‖₁,
        // and the difference of two L1 norms would leave only that rounding (any sign), ending
        // the fit early wherever the path happens to land.
        let model_decrease: f64 = (0..p)
            .map(|j| {
                let l1_change = (theta[j] + delta[j]).abs() - theta[j].abs();
                g[j] * delta[j] + self.l1[j] * l1_change
            })
            .sum();
        let noise = VALUE_NOISE * f0.abs();
        if model_decrease.is_nan() || model_decrease >= 0.0 || delta.iter().all(|&v| v == 0.0) {
            return Ok(StepResult::Finished {
                point: cur.clone(),
                inner: 1,
                stop: Stop::Stationary,
            });
        }
        let mut alpha = 1.0;
        for _ in 0..MAX_HALVINGS {
            let x = theta + alpha * &delta;
            let mut gx = DVector::zeros(p);
            let v = self.glm.value_grad(&x, &mut gx)?;
            let value = v + self.l1_value(&x);
            if value.is_finite() {
                let sub = self.subgradient(&x, &gx);
                let sub_norm = sub.norm();
                let armijo = value - f0 <= SIGMA * alpha * model_decrease;
                let flat_but_closer = value <= f0 + noise && sub_norm < cur.grad_norm;
                if armijo || flat_but_closer {
                    self.grad = gx;
                    for (z, xd) in self.logits.iter_mut().zip(&x_delta) {
                        *z += alpha * xd;
                    }
                    return Ok(StepResult::Moved {
                        point: Point {
                            x,
                            value,
                            grad: sub,
                            grad_norm: sub_norm,
                        },
                        inner: 1,
                    });
                }
            }
            alpha *= 0.5;
        }
        if -model_decrease <= STATIONARY_NOISE * noise {
            return Ok(StepResult::Finished {
                point: cur.clone(),
                inner: 1,
                stop: Stop::Stationary,
            });
        }
        Ok(StepResult::Stalled)
    }
}

/// Sets the intercepts of θ to the null model's (every coefficient 0): the log-odds of the
/// weighted positive share for a binary loss, log class masses for a multinomial one (the optimum
/// without offsets). Where an L1 fit starts from zero, and where `C_min` is measured. The sums
/// are over every rank's rows (`world`), so every rank starts from the same point.
pub(crate) fn null_intercepts(
    glm: Glm<'_, '_>,
    theta: &mut DVector<f64>,
    world: &dyn Collective,
) -> Result<(), ModelError> {
    match glm {
        Glm::Binary(loss) => {
            if !loss.fit_intercept() {
                return Ok(());
            }
            let mut sums = [0.0, 0.0];
            for pos in 0..loss.n_samples() {
                let w = loss.weight(pos);
                sums[1] += w;
                if loss.is_positive(pos) {
                    sums[0] += w;
                }
            }
            world.allreduce_sum(&mut sums)?;
            let p0 = (sums[0] / sums[1]).clamp(1e-300, 1.0 - 1e-16);
            theta[loss.n_features()] = (p0 / (1.0 - p0)).ln();
        }
        Glm::Multinomial(loss) => {
            if !loss.fit_intercept() {
                return Ok(());
            }
            let (k, p, d) = (
                loss.n_classes(),
                loss.params_per_class(),
                loss.design().n_cols(),
            );
            let mut mass = vec![0.0; k];
            for pos in 0..loss.n_samples() {
                mass[loss.class_of(pos)] += loss.weight(pos);
            }
            world.allreduce_sum(&mut mass)?;
            for c in 0..k {
                theta[c * p + d] = mass[c].max(1e-300).ln();
            }
        }
    }
    Ok(())
}

/// The weighted sum the loss is normalized by, and its parameter blocks: used by callers to set
/// the L1 weights (λ₁ on every coefficient, 0 on intercepts).
pub(crate) fn l1_weights(lambda1: f64, classes: usize, d: usize, intercept: bool) -> Vec<f64> {
    let per = d + usize::from(intercept);
    let mut w = vec![lambda1; classes * per];
    if intercept {
        for c in 0..classes {
            w[c * per + d] = 0.0;
        }
    }
    w
}
