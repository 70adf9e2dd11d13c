//! The binary log loss [`LogLoss`] over a design or row blocks, and its Hessian operator
//! [`LogLossHessian`].

use crate::data::{
    blocks_fused_pass, gather, gathered_offsets, gathered_weights, labels_to_bool, weight_total,
    Data,
};
use crate::ranks::Ranks;
use crate::{checked_l2, residual_from_logit, LossError};
use logreg_collective::Collective;
use logreg_linalg_core::{
    for_each_selected, is_sorted_selection, sigmoid_curvature_in_place, softplus_sigmoid_in_place,
    Design, LinalgError, PassSums, RowBlocks, Rows,
};
use nalgebra::{DMatrix, DVector};

/// Per-row inputs gathered into the order of a pass: labels, weights and offsets of the rows the
/// loss sums over.
#[derive(Debug, Clone)]
struct RowData {
    positive: Vec<bool>,
    weights: Option<Vec<f64>>,
    offset: Option<Vec<f64>>,
}

/// The binary log-loss objective over a design: `L(θ)` above, θ = (w₁…w_d, b).
///
/// The design is borrowed, never copied; the loss sums over all its rows or over a selection of
/// them (a training split, a cross-validation fold). Labels, weights and offsets are given one per
/// design row and gathered in the order of the selection. The intercept b is the last parameter
/// and is present only when `fit_intercept` is on (the default). An offset (a known term added to
/// every logit, statsmodels' and glmnet's `offset`) makes `zᵢ = xᵢ·w + b + oᵢ`. Data are checked
/// once, here; evaluations cannot fail on them afterwards.
#[derive(Debug, Clone)]
pub struct LogLoss<'a> {
    x: Data<'a>,
    rows: Rows<'a>,
    data: RowData,
    /// Σ sᵢ over the rows of every rank.
    weight_sum: f64,
    fit_intercept: bool,
    l2: f64,
    ranks: Ranks<'a>,
}

impl<'a> LogLoss<'a> {
    /// The objective over every row of `x`, with labels `y` ∈ {0, 1} (one per row).
    pub fn new(x: &'a Design<'a>, y: &[f64]) -> Result<Self, LossError> {
        Self::on_rows(x, None, y)
    }

    /// The objective over the rows of `x` listed in `rows` (0-based, repeats allowed; `None` for
    /// every row), with labels `y` ∈ {0, 1} given for every row of `x`.
    pub fn on_rows(
        x: &'a Design<'a>,
        rows: Option<&'a [usize]>,
        y: &[f64],
    ) -> Result<Self, LossError> {
        let rows = x.rows(rows)?;
        Self::with_data(Data::Memory(x), rows, y)
    }

    /// The objective over the rows `rows` (sorted, 0-based; `None` for every row) of a source of
    /// row blocks, read in passes, with labels `y` given for every row of the source. Each pass
    /// sums every block with the in-memory kernels and adds the blocks' sums in block order.
    ///
    /// ```
    /// use logreg_linalg_core::{Dense, Design, InMemoryBlocks};
    /// use logreg_loss::LogLoss;
    /// use nalgebra::DVector;
    ///
    /// let x = Design::from(Dense::new(vec![1.0, 2.0, 3.0, 4.0], 4, 1)?);
    /// let y = [0.0, 1.0, 0.0, 1.0];
    /// let blocks = InMemoryBlocks::new(&x, 3)?;
    /// let streamed = LogLoss::on_blocks(&blocks, None, &y)?;
    /// let theta = DVector::from_vec(vec![0.3, -0.2]);
    /// let in_memory = LogLoss::new(&x, &y)?.value(&theta)?;
    /// assert!((streamed.value(&theta)? - in_memory).abs() < 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_blocks(
        source: &'a dyn RowBlocks,
        rows: Option<&'a [usize]>,
        y: &[f64],
    ) -> Result<Self, LossError> {
        if let Some(sel) = rows {
            if let Some(k) = (1..sel.len()).find(|&k| sel[k] < sel[k - 1]) {
                return Err(LossError::UnsortedRows {
                    row: sel[k],
                    previous: sel[k - 1],
                });
            }
            debug_assert!(is_sorted_selection(sel));
        }
        let rows = Rows::new(rows, source.n_rows())?;
        Self::with_data(Data::Blocks(source), rows, y)
    }

    fn with_data(x: Data<'a>, rows: Rows<'a>, y: &[f64]) -> Result<Self, LossError> {
        let positive = labels_to_bool(y, x.n_rows())?;
        if rows.is_empty() {
            return Err(LossError::Empty);
        }
        let n = rows.len();
        Ok(LogLoss {
            x,
            data: RowData {
                positive: gather(&positive, &rows),
                weights: None,
                offset: None,
            },
            rows,
            weight_sum: n as f64,
            fit_intercept: true,
            l2: 0.0,
            ranks: Ranks::LOCAL,
        })
    }

    /// Weight each row's loss; one weight per row of the design, finite and > 0.
    pub fn with_sample_weight(mut self, weights: &[f64]) -> Result<Self, LossError> {
        let (w, sum) = gathered_weights(weights, self.x.n_rows(), &self.rows, &self.ranks)?;
        self.weight_sum = sum;
        self.data.weights = Some(w);
        Ok(self)
    }

    /// Sum over the rows of every rank of a job: this rank holds some of the rows (its design,
    /// labels, weights and offsets), and every sum over rows — the objective, the gradient, the
    /// Hessian and its products, Σ sᵢ — is added over the ranks after each rank's pass
    /// ([`Collective::allreduce_sum`], in rank order). Every rank then sees the same global
    /// values, bit for bit, and a solver runs identical steps on every rank. Every rank must make
    /// the same calls in the same order; [`value_grad_rows`](Self::value_grad_rows) is refused
    /// with more than one rank. Costs one allreduce of the weight count here.
    ///
    /// ```
    /// use logreg_collective::Local;
    /// use logreg_linalg_core::{Dense, Design};
    /// use logreg_loss::LogLoss;
    ///
    /// let x = Design::from(Dense::new(vec![1.0, 2.0, 3.0], 3, 1)?);
    /// let loss = LogLoss::new(&x, &[0.0, 1.0, 1.0])?.with_collective(&Local)?;  // one rank
    /// assert_eq!(loss.weight_sum(), 3.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_collective(mut self, collective: &'a dyn Collective) -> Result<Self, LossError> {
        self.ranks = Ranks::new(collective);
        self.weight_sum = weight_total(self.data.weights.as_deref(), self.rows.len(), &self.ranks)?;
        Ok(self)
    }

    /// Add a known term to every logit (one per row of the design, finite).
    pub fn with_offset(mut self, offset: &[f64]) -> Result<Self, LossError> {
        let n = self.x.n_rows();
        self.data.offset = Some(gathered_offsets("offsets", offset, n, 1, &self.rows)?);
        Ok(self)
    }

    /// Whether the model has an intercept (the last parameter); it is never penalized.
    pub fn with_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Add `(λ/2)‖w‖²` to the objective; λ must be finite and ≥ 0.
    pub fn with_l2(mut self, lambda: f64) -> Result<Self, LossError> {
        self.l2 = checked_l2(lambda)?;
        Ok(self)
    }

    /// λ for scikit-learn's `C`: `1 / (C · Σ sᵢ)`, so that `C·Σ sᵢℓᵢ + ½‖w‖² = C·S·L(θ)`.
    pub fn l2_from_c(c: f64, weight_sum: f64) -> Result<f64, LossError> {
        if !(c.is_finite() && c > 0.0) {
            return Err(LossError::InvalidPenalty {
                parameter: "C",
                value: c,
                expected: "> 0",
            });
        }
        Ok(1.0 / (c * weight_sum))
    }

    /// Number of parameters: d, plus one for the intercept.
    pub fn dim(&self) -> usize {
        self.x.n_cols() + usize::from(self.fit_intercept)
    }

    /// Number of rows the loss sums over (on this rank, in a distributed loss).
    pub fn n_samples(&self) -> usize {
        self.rows.len()
    }

    /// Number of features d.
    pub fn n_features(&self) -> usize {
        self.x.n_cols()
    }

    /// Σ sᵢ (n when unweighted; over every rank's rows): the factor between L and the summed loss.
    pub fn weight_sum(&self) -> f64 {
        self.weight_sum
    }

    /// The L2 strength λ.
    pub fn l2(&self) -> f64 {
        self.l2
    }

    /// Whether the last parameter is an intercept.
    pub fn fit_intercept(&self) -> bool {
        self.fit_intercept
    }

    /// The data the loss reads: a design in memory or a source of row blocks.
    pub fn data(&self) -> Data<'a> {
        self.x
    }

    /// The rows the loss sums over.
    pub fn rows(&self) -> Rows<'a> {
        self.rows
    }

    /// Whether row `pos` of the pass (in the order of [`rows`](Self::rows)) is positive.
    pub fn is_positive(&self, pos: usize) -> bool {
        self.data.positive[pos]
    }

    /// The weight of row `pos` of the pass.
    pub fn weight(&self, pos: usize) -> f64 {
        self.data.weights.as_ref().map_or(1.0, |w| w[pos])
    }

    /// The offset of row `pos` of the pass (0 without offsets).
    pub fn offset(&self, pos: usize) -> f64 {
        self.data.offset.as_ref().map_or(0.0, |o| o[pos])
    }

    /// Split θ into (w, b); the caller guarantees θ has length [`dim`](Self::dim).
    fn split<'t>(&self, theta: &'t DVector<f64>) -> (&'t [f64], f64) {
        let d = self.n_features();
        let t = theta.as_slice();
        debug_assert_eq!(t.len(), self.dim());
        let b = if self.fit_intercept { t[d] } else { 0.0 };
        (&t[..d], b)
    }

    fn check_theta(&self, what: &'static str, theta: &DVector<f64>) -> Result<(), LossError> {
        if theta.len() == self.dim() {
            Ok(())
        } else {
            Err(LossError::LengthMismatch {
                what,
                expected: self.dim(),
                found: theta.len(),
            })
        }
    }

    /// The logits zᵢ = xᵢ·w + b (+ oᵢ), one per row of the pass.
    pub fn logits(&self, theta: &DVector<f64>) -> Result<DVector<f64>, LossError> {
        self.check_theta("parameters", theta)?;
        let (w, b) = self.split(theta);
        let mut z = vec![0.0; self.n_samples()];
        match self.x {
            Data::Memory(x) => x.logits(self.rows, w, b, &mut z)?,
            Data::Blocks(src) => {
                for_each_selected(src, self.rows.indices(), &mut |pos, block, r| {
                    block.logits(r, w, b, &mut z[pos..pos + r.len()])
                })?
            }
        }
        if let Some(o) = &self.data.offset {
            for (zi, oi) in z.iter_mut().zip(o) {
                *zi += oi;
            }
        }
        Ok(DVector::from_vec(z))
    }

    /// The objective L(θ).
    pub fn value(&self, theta: &DVector<f64>) -> Result<f64, LossError> {
        let mut g = DVector::zeros(self.dim());
        self.value_grad(theta, &mut g)
    }

    /// The objective L(θ), writing ∇L(θ) into `grad`, in one pass over X.
    pub fn value_grad(
        &self,
        theta: &DVector<f64>,
        grad: &mut DVector<f64>,
    ) -> Result<f64, LossError> {
        self.check_theta("parameters", theta)?;
        self.check_theta("gradient buffer", grad)?;
        let (w, b) = self.split(theta);
        // This process's sums over its rows; a fit over several processes adds theirs here.
        let mut sums = self.local_sums(w, b)?;
        self.ranks.sum_pass(&mut sums)?;
        Ok(self.finish(sums, theta, 1.0 / self.weight_sum, grad))
    }

    /// Σ sᵢℓᵢ, Σ sᵢrᵢxᵢ and Σ sᵢrᵢ over the loss's rows at (w, b), in one pass over the data.
    fn local_sums(&self, w: &[f64], b: f64) -> Result<PassSums, LossError> {
        let data = &self.data;
        Ok(match self.x {
            Data::Memory(x) => {
                x.fused_pass(self.rows, w, b, |first, z, l| per_chunk(data, first, z, l))?
            }
            Data::Blocks(src) => blocks_fused_pass(src, self.rows, w, b, |first, z, l| {
                per_chunk(data, first, z, l)
            })?,
        })
    }

    /// L and ∇L estimated from the listed positions of the pass only (a mini-batch), unbiased for
    /// the full ones: the batch's weighted loss is scaled by n / (|batch|·S).
    pub fn value_grad_rows(
        &self,
        theta: &DVector<f64>,
        batch: &[usize],
        grad: &mut DVector<f64>,
    ) -> Result<f64, LossError> {
        self.check_theta("parameters", theta)?;
        self.check_theta("gradient buffer", grad)?;
        self.ranks.refuse_mini_batches()?;
        if batch.is_empty() {
            return Err(LossError::Empty);
        }
        let Data::Memory(x) = self.x else {
            return Err(LossError::NeedsRandomAccess);
        };
        let n = self.n_samples();
        if let Some(&row) = batch.iter().find(|&&p| p >= n) {
            return Err(LinalgError::RowOutOfRange { row, n_rows: n }.into());
        }
        let rows: Vec<usize> = batch.iter().map(|&p| self.rows.row_at(p)).collect();
        let data = RowData {
            positive: batch.iter().map(|&p| self.data.positive[p]).collect(),
            weights: self
                .data
                .weights
                .as_ref()
                .map(|w| batch.iter().map(|&p| w[p]).collect()),
            offset: self
                .data
                .offset
                .as_ref()
                .map(|o| batch.iter().map(|&p| o[p]).collect()),
        };
        let (w, b) = self.split(theta);
        let sel = x.rows(Some(&rows))?;
        let sums = x.fused_pass(sel, w, b, |first, z, l| per_chunk(&data, first, z, l))?;
        let scale = n as f64 / (batch.len() as f64 * self.weight_sum);
        Ok(self.finish(sums, theta, scale, grad))
    }

    fn finish(
        &self,
        sums: PassSums,
        theta: &DVector<f64>,
        scale: f64,
        grad: &mut DVector<f64>,
    ) -> f64 {
        let d = self.n_features();
        let (w, _) = self.split(theta);
        let mut penalty = 0.0;
        for j in 0..d {
            grad[j] = sums.grad[j] * scale + self.l2 * w[j];
            penalty += w[j] * w[j];
        }
        if self.fit_intercept {
            grad[d] = sums.grad_bias * scale;
        }
        sums.value * scale + 0.5 * self.l2 * penalty
    }

    /// The weighted curvatures sᵢσ(zᵢ)σ(−zᵢ) at θ, one per row of the pass.
    pub fn curvatures(&self, theta: &DVector<f64>) -> Result<Vec<f64>, LossError> {
        let mut c: Vec<f64> = self.logits(theta)?.iter().copied().collect();
        sigmoid_curvature_in_place(&mut c);
        if let Some(weights) = &self.data.weights {
            for (ci, si) in c.iter_mut().zip(weights) {
                *ci *= si;
            }
        }
        Ok(c)
    }

    /// The Hessian ∇²L(θ) = X̃ᵀ D X̃ / S + λ·diag(1…1, 0), with D = diag(sᵢ σ(zᵢ) σ(−zᵢ)), in one
    /// pass over X.
    pub fn hessian(&self, theta: &DVector<f64>) -> Result<DMatrix<f64>, LossError> {
        self.check_theta("parameters", theta)?;
        let (w, b) = self.split(theta);
        let data = &self.data;
        let curvature = |first: usize, z: &mut [f64]| {
            if let Some(o) = &data.offset {
                for (zk, ok) in z.iter_mut().zip(&o[first..]) {
                    *zk += ok;
                }
            }
            sigmoid_curvature_in_place(z);
            if let Some(weights) = &data.weights {
                for (zk, sk) in z.iter_mut().zip(&weights[first..]) {
                    *zk *= sk;
                }
            }
        };
        let mut h = match self.x {
            Data::Memory(x) => {
                x.fused_gram(self.rows, Some((w, b)), self.fit_intercept, curvature)?
            }
            Data::Blocks(src) => {
                // Each block's Gram matrix, added in block order.
                let p = self.dim();
                let mut h = DMatrix::zeros(p, p);
                for_each_selected(src, self.rows.indices(), &mut |pos, block, r| {
                    h += block.fused_gram(r, Some((w, b)), self.fit_intercept, |first, z| {
                        curvature(pos + first, z)
                    })?;
                    Ok(())
                })?;
                h
            }
        };
        self.ranks.sum(h.as_mut_slice())?;
        h /= self.weight_sum;
        for j in 0..self.n_features() {
            h[(j, j)] += self.l2;
        }
        Ok(h)
    }

    /// Σᵢ sᵢ (σ(zᵢ) − yᵢ)² x̃ᵢx̃ᵢᵀ with x̃ᵢ = (xᵢ, 1): the outer products of the rows' scores, the
    /// meat of a sandwich covariance with sᵢ read as frequency weights (row i counted sᵢ times),
    /// in one pass over X (summed over every rank's rows in a distributed loss).
    pub fn score_outer_product(&self, theta: &DVector<f64>) -> Result<DMatrix<f64>, LossError> {
        let z = self.logits(theta)?;
        let c: Vec<f64> = z
            .iter()
            .enumerate()
            .map(|(pos, &zi)| {
                let r = residual_from_logit(zi, self.data.positive[pos]);
                self.weight(pos) * r * r
            })
            .collect();
        let mut m = self.x.weighted_gram(self.rows, &c, self.fit_intercept)?;
        // Every rank's rows, as the Hessian's.
        self.ranks.sum(m.as_mut_slice())?;
        Ok(m)
    }

    /// Whether the loss adds an offset to the logits.
    pub fn has_offset(&self) -> bool {
        self.data.offset.is_some()
    }

    /// The Hessian at θ as an operator: its curvatures are computed here (one pass of logits),
    /// and each product ∇²L(θ)·v is one more pass over X, without forming the Hessian.
    pub fn hessian_operator(
        &self,
        theta: &DVector<f64>,
    ) -> Result<LogLossHessian<'_, 'a>, LossError> {
        self.check_theta("parameters", theta)?;
        Ok(LogLossHessian {
            loss: self,
            curvature: self.curvatures(theta)?,
        })
    }

    /// The Hessian times a vector, ∇²L(θ)·v, without forming the Hessian (two passes over X).
    pub fn hessian_vec(
        &self,
        theta: &DVector<f64>,
        v: &DVector<f64>,
    ) -> Result<DVector<f64>, LossError> {
        self.check_theta("direction", v)?;
        self.hessian_operator(theta)?.apply(v)
    }
}

/// The Hessian of a [`LogLoss`] at a fixed point, applied to vectors (see
/// [`LogLoss::hessian_operator`]).
#[derive(Debug, Clone)]
pub struct LogLossHessian<'l, 'a> {
    loss: &'l LogLoss<'a>,
    curvature: Vec<f64>,
}

impl LogLossHessian<'_, '_> {
    /// ∇²L(θ)·v = X̃ᵀ(c ⊙ X̃v)/S + λ(v_w, 0), one pass over X.
    pub fn apply(&self, v: &DVector<f64>) -> Result<DVector<f64>, LossError> {
        let loss = self.loss;
        loss.check_theta("direction", v)?;
        let (vw, vb) = loss.split(v);
        let c = &self.curvature;
        let scale = |first: usize, z: &mut [f64], _l: &mut [f64]| {
            for (zk, ck) in z.iter_mut().zip(&c[first..]) {
                *zk *= ck;
            }
        };
        let mut sums = match loss.x {
            Data::Memory(x) => x.fused_pass(loss.rows, vw, vb, scale)?,
            Data::Blocks(src) => blocks_fused_pass(src, loss.rows, vw, vb, scale)?,
        };
        loss.ranks.sum_pass(&mut sums)?;
        let d = loss.n_features();
        let mut out = DVector::zeros(loss.dim());
        for j in 0..d {
            out[j] = sums.grad[j] / loss.weight_sum + loss.l2 * vw[j];
        }
        if loss.fit_intercept {
            out[d] = sums.grad_bias / loss.weight_sum;
        }
        Ok(out)
    }

    /// The diagonal of ∇²L(θ) (one pass over X): a preconditioner for conjugate gradients.
    pub fn diagonal(&self) -> Result<DVector<f64>, LossError> {
        let loss = self.loss;
        let d = loss.n_features();
        let m = loss
            .x
            .column_moments(loss.rows, Some(&self.curvature))
            .map_err(LossError::from)?;
        // Σ cᵢxᵢⱼ² = Σc·(var + mean²) on this rank, then over the ranks: [Σc, Σcx²₁, …, Σcx²_d].
        let local_total: f64 = self.curvature.iter().sum();
        let mut sums = Vec::with_capacity(d + 1);
        sums.push(local_total);
        sums.extend((0..d).map(|j| local_total * (m.var[j] + m.mean[j] * m.mean[j])));
        loss.ranks.sum(&mut sums)?;
        let total = sums[0];
        let mut out = DVector::zeros(loss.dim());
        for j in 0..d {
            out[j] = sums[j + 1] / loss.weight_sum + loss.l2;
        }
        if loss.fit_intercept {
            out[d] = total / loss.weight_sum;
        }
        Ok(out)
    }
}

/// The per-row work of a value-and-gradient pass over a chunk of logits, as straight-line loops
/// that vectorize: offsets added; with t = z for a negative row and −z for a positive one,
/// ℓ = softplus(t) and the residual is ±σ(t), sharing one exponential; weights applied.
#[inline]
fn per_chunk(data: &RowData, first: usize, z: &mut [f64], l: &mut [f64]) {
    let m = z.len();
    if let Some(o) = &data.offset {
        for (zi, oi) in z.iter_mut().zip(&o[first..first + m]) {
            *zi += oi;
        }
    }
    let positive = &data.positive[first..first + m];
    let flip = |z: &mut [f64]| {
        for (zi, &p) in z.iter_mut().zip(positive) {
            *zi = if p { -*zi } else { *zi };
        }
    };
    flip(z);
    softplus_sigmoid_in_place(z, l);
    flip(z);
    if let Some(weights) = &data.weights {
        let s = &weights[first..first + m];
        for ((zi, li), &si) in z.iter_mut().zip(l.iter_mut()).zip(s) {
            *li *= si;
            *zi *= si;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logreg_linalg_core::sigmoid;

    fn design(x: &DMatrix<f64>) -> Design<'static> {
        Design::from_dmatrix(x).unwrap()
    }

    fn toy() -> (DMatrix<f64>, Vec<f64>) {
        // datasets/toy.csv
        let rows = [
            [2.7810836, 2.550537003, 0.0],
            [1.465489372, 2.362125076, 0.0],
            [3.396561688, 4.400293529, 0.0],
            [1.38807019, 1.850220317, 0.0],
            [3.06407232, 3.005305973, 0.0],
            [7.627531214, 2.759262235, 1.0],
            [5.332441248, 2.088626775, 1.0],
            [6.922596716, 1.77106367, 1.0],
            [8.675418651, -0.242068655, 1.0],
            [7.673756466, 3.508563011, 1.0],
        ];
        let x = DMatrix::from_fn(10, 2, |i, j| rows[i][j]);
        (x, rows.iter().map(|r| r[2]).collect())
    }

    /// The tutorials' per-sample loop, kept only as a reference: p = 1/(1+e^−z), −y ln p − (1−y) ln(1−p).
    fn reference_loop(x: &DMatrix<f64>, y: &[f64], w: &[f64], b: f64) -> (f64, Vec<f64>, f64) {
        let (n, d) = x.shape();
        let (mut loss, mut gw, mut gb) = (0.0, vec![0.0; d], 0.0);
        for i in 0..n {
            let mut z = b;
            for j in 0..d {
                z += x[(i, j)] * w[j];
            }
            let p = 1.0 / (1.0 + (-z).exp());
            loss += -y[i] * p.ln() - (1.0 - y[i]) * (1.0 - p).ln();
            for j in 0..d {
                gw[j] += (p - y[i]) * x[(i, j)];
            }
            gb += p - y[i];
        }
        let m = n as f64;
        (loss / m, gw.iter().map(|g| g / m).collect(), gb / m)
    }

    #[test]
    fn seed_dummy_weights_classify_toy_data_as_the_tutorial_prints() {
        let (x, y) = toy();
        let x_design = design(&x);

        let loss = LogLoss::new(&x_design, &y).unwrap();
        let theta = DVector::from_vec(vec![-0.4, 0.9, -2.0]);
        let z = loss.logits(&theta).unwrap();
        let predicted: Vec<u8> = z.iter().map(|&zi| u8::from(sigmoid(zi) >= 0.5)).collect();
        assert_eq!(predicted, [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn vectorized_matches_reference_loop() {
        let (x, y) = toy();
        let x_design = design(&x);

        let loss = LogLoss::new(&x_design, &y).unwrap();
        for theta in [[-0.4, 0.9, -2.0], [0.3, -0.2, 0.1], [1.5, 0.5, -7.0]] {
            let t = DVector::from_row_slice(&theta);
            let mut g = DVector::zeros(3);
            let v = loss.value_grad(&t, &mut g).unwrap();
            let (rv, rg, rb) = reference_loop(&x, &y, &theta[..2], theta[2]);
            assert!((v - rv).abs() < 1e-13, "{v} vs {rv}");
            assert!((g[0] - rg[0]).abs() < 1e-13 && (g[1] - rg[1]).abs() < 1e-13);
            assert!((g[2] - rb).abs() < 1e-13);
        }
    }

    #[test]
    fn loss_at_zero_is_ln2_and_gradient_is_mean_residual() {
        let (x, y) = toy();
        let x_design = design(&x);

        let loss = LogLoss::new(&x_design, &y).unwrap().with_l2(3.0).unwrap();
        let mut g = DVector::zeros(3);
        let v = loss.value_grad(&DVector::zeros(3), &mut g).unwrap();
        assert!((v - std::f64::consts::LN_2).abs() < 1e-15);
        // ∂L/∂b at 0 = mean(0.5 − y) = 0 for the balanced toy set.
        assert!(g[2].abs() < 1e-15);
    }

    #[test]
    fn weight_two_equals_duplicating_the_sample() {
        let (x, y) = toy();
        let mut w = vec![1.0; 10];
        w[3] = 2.0;
        let x_design = design(&x);

        let weighted = LogLoss::new(&x_design, &y)
            .unwrap()
            .with_sample_weight(&w)
            .unwrap();
        let mut xd = x.clone().insert_row(10, 0.0);
        xd.set_row(10, &x.row(3));
        let mut yd = y.clone();
        yd.push(y[3]);
        let xd_design = design(&xd);

        let dup = LogLoss::new(&xd_design, &yd).unwrap();
        let t = DVector::from_vec(vec![0.2, -0.1, 0.3]);
        let (mut g1, mut g2) = (DVector::zeros(3), DVector::zeros(3));
        let v1 = weighted.value_grad(&t, &mut g1).unwrap();
        let v2 = dup.value_grad(&t, &mut g2).unwrap();
        assert!((v1 - v2).abs() < 1e-15);
        assert!((g1 - g2).amax() < 1e-15);
        assert_eq!(weighted.weight_sum(), 11.0);
    }

    #[test]
    fn mini_batch_of_all_rows_equals_full_and_subsets_are_unbiased() {
        let (x, y) = toy();
        let x_design = design(&x);

        let loss = LogLoss::new(&x_design, &y).unwrap().with_l2(0.1).unwrap();
        let t = DVector::from_vec(vec![0.2, -0.1, 0.3]);
        let (mut gf, mut gb) = (DVector::zeros(3), DVector::zeros(3));
        let full = loss.value_grad(&t, &mut gf).unwrap();
        let all: Vec<usize> = (0..10).collect();
        let batch = loss.value_grad_rows(&t, &all, &mut gb).unwrap();
        assert!((full - batch).abs() < 1e-15 && (&gf - &gb).amax() < 1e-15);
        // The average over the two halves of a partition is the full objective.
        let (mut g1, mut g2) = (DVector::zeros(3), DVector::zeros(3));
        let a = loss.value_grad_rows(&t, &all[..5], &mut g1).unwrap();
        let b = loss.value_grad_rows(&t, &all[5..], &mut g2).unwrap();
        assert!(((a + b) / 2.0 - full).abs() < 1e-15);
        assert!(((g1 + g2) / 2.0 - gf).amax() < 1e-15);
        assert_eq!(
            loss.value_grad_rows(&t, &[], &mut gb),
            Err(LossError::Empty)
        );
        assert!(loss.value_grad_rows(&t, &[10], &mut gb).is_err());
    }

    #[test]
    fn c_mapping_reproduces_sklearn_objective() {
        let (x, y) = toy();
        let c = 0.7;
        let lambda = LogLoss::l2_from_c(c, 10.0).unwrap();
        let x_design = design(&x);

        let loss = LogLoss::new(&x_design, &y)
            .unwrap()
            .with_l2(lambda)
            .unwrap();
        let t = DVector::from_vec(vec![0.5, -0.25, 0.1]);
        let (rv, _, _) = reference_loop(&x, &y, &[0.5, -0.25], 0.1);
        let sklearn_j = c * 10.0 * rv + 0.5 * (0.25 + 0.0625);
        assert!((c * 10.0 * loss.value(&t).unwrap() - sklearn_j).abs() < 1e-12);
        assert!(LogLoss::l2_from_c(0.0, 10.0).is_err());
        assert!(LogLoss::l2_from_c(f64::NAN, 10.0).is_err());
    }

    #[test]
    fn without_intercept_there_is_no_bias_parameter() {
        let (x, y) = toy();
        let x_design = design(&x);

        let loss = LogLoss::new(&x_design, &y).unwrap().with_intercept(false);
        assert_eq!(loss.dim(), 2);
        let t = DVector::from_vec(vec![0.5, -0.25]);
        let (rv, rg, _) = reference_loop(&x, &y, &[0.5, -0.25], 0.0);
        let mut g = DVector::zeros(2);
        assert!((loss.value_grad(&t, &mut g).unwrap() - rv).abs() < 1e-14);
        assert!((g[0] - rg[0]).abs() < 1e-14);
        assert_eq!(loss.hessian(&t).unwrap().shape(), (2, 2));
    }

    #[test]
    fn bad_inputs_are_errors_that_say_where() {
        let x = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 3.0, f64::INFINITY, 5.0, 6.0]);
        // The design refuses the bad value when it is built; the loss never sees it.
        let e = Design::from_dmatrix(&x).unwrap_err();
        assert!(
            matches!(
                e,
                LinalgError::NonFinite {
                    row: 1,
                    column: 1,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("row 1, column 1"));
        let ok = design(&DMatrix::from_row_slice(3, 1, &[1.0, 2.0, 3.0]));
        assert_eq!(
            LogLoss::new(&ok, &[0.0, 1.0]).unwrap_err(),
            LossError::LengthMismatch {
                what: "labels y",
                expected: 3,
                found: 2
            }
        );
        assert_eq!(
            LogLoss::new(&ok, &[0.0, 2.0, 1.0]).unwrap_err(),
            LossError::InvalidLabel { row: 1, value: 2.0 }
        );
        assert!(matches!(
            LogLoss::new(&ok, &[0.0, f64::NAN, 1.0]).unwrap_err(),
            LossError::InvalidLabel { row: 1, .. }
        ));
        let empty = design(&DMatrix::zeros(0, 2));
        assert_eq!(LogLoss::new(&empty, &[]).unwrap_err(), LossError::Empty);
        assert_eq!(
            LogLoss::on_rows(&ok, Some(&[]), &[0.0, 1.0, 1.0]).unwrap_err(),
            LossError::Empty
        );
        assert!(matches!(
            LogLoss::on_rows(&ok, Some(&[0, 3]), &[0.0, 1.0, 1.0]).unwrap_err(),
            LossError::Linalg(LinalgError::RowOutOfRange { row: 3, .. })
        ));
        let l = LogLoss::new(&ok, &[0.0, 1.0, 1.0]).unwrap();
        assert_eq!(
            l.clone().with_sample_weight(&[1.0, 0.0, 1.0]).unwrap_err(),
            LossError::InvalidWeight { row: 1, value: 0.0 }
        );
        assert_eq!(
            l.clone().with_sample_weight(&[1.0, 1.0, -2.0]).unwrap_err(),
            LossError::InvalidWeight {
                row: 2,
                value: -2.0
            }
        );
        assert!(matches!(
            l.clone().with_offset(&[0.0, f64::NAN, 1.0]).unwrap_err(),
            LossError::InvalidOffset { row: 1, .. }
        ));
        assert!(l.clone().with_offset(&[0.0]).is_err());
        assert!(l.clone().with_sample_weight(&[1.0]).is_err());
        assert!(l.clone().with_l2(-1.0).is_err());
        assert!(l.clone().with_l2(f64::INFINITY).is_err());
        let mut g = DVector::zeros(2);
        assert!(l.value_grad(&DVector::zeros(3), &mut g).is_err());
        assert!(l
            .hessian_vec(&DVector::zeros(2), &DVector::zeros(1))
            .is_err());
    }
}
