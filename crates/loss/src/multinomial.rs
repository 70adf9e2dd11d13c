//! Multinomial (softmax) cross-entropy over K classes, from logits.
//!
//! With per-class parameters θₖ = (wₖ, bₖ) stacked class after class, zᵢₖ = xᵢ·wₖ + bₖ (+ oᵢₖ
//! with an offset, one per row and class as glmnet's multinomial `offset`) and
//! `ℓᵢ = logsumexp(zᵢ) − zᵢ,yᵢ`, the objective is `(1/S) Σ sᵢ ℓᵢ + (λ/2) Σₖ ‖wₖ‖²`, the same
//! normalization and `λ = 1/(C·S)` mapping as the binary [`LogLoss`](crate::LogLoss). Like it, the
//! loss borrows a [`Design`] and sums over all its rows or a selection.

use crate::data::{gather, gathered_offsets, gathered_weights, weight_total};
use crate::ranks::Ranks;
use crate::{checked_l2, LossError};
use logreg_collective::Collective;
use logreg_linalg_core::{Design, LinalgError, MultiPassSums, Rows};
use nalgebra::{DMatrix, DVector};

/// The multinomial log-loss objective over a design.
#[derive(Debug, Clone)]
pub struct MultinomialLogLoss<'a> {
    x: &'a Design<'a>,
    rows: Rows<'a>,
    /// Class of each row of the pass.
    y: Vec<usize>,
    k: usize,
    /// Weight of each row of the pass.
    weights: Option<Vec<f64>>,
    /// Offsets of each row of the pass, K per row (row-major).
    offset: Option<Vec<f64>>,
    /// Σ sᵢ over the rows of every rank.
    weight_sum: f64,
    fit_intercept: bool,
    l2: f64,
    ranks: Ranks<'a>,
}

/// Softmax of `z` in place, returning logsumexp(z).
fn softmax_in_place(z: &mut [f64]) -> f64 {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - m).exp();
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
    m + sum.ln()
}

impl<'a> MultinomialLogLoss<'a> {
    /// The objective over every row of `x`, with class indices `y` < `n_classes` (≥ 2), one per
    /// row.
    pub fn new(x: &'a Design<'a>, y: &[usize], n_classes: usize) -> Result<Self, LossError> {
        Self::on_rows(x, None, y, n_classes)
    }

    /// The objective over the rows of `x` listed in `rows` (`None`: every row), with class
    /// indices given for every row of `x`.
    pub fn on_rows(
        x: &'a Design<'a>,
        rows: Option<&'a [usize]>,
        y: &[usize],
        n_classes: usize,
    ) -> Result<Self, LossError> {
        if y.len() != x.n_rows() {
            return Err(LossError::LengthMismatch {
                what: "labels y",
                expected: x.n_rows(),
                found: y.len(),
            });
        }
        if n_classes < 2 {
            return Err(LossError::InvalidPenalty {
                parameter: "n_classes",
                value: n_classes as f64,
                expected: ">= 2",
            });
        }
        if let Some((row, &v)) = y.iter().enumerate().find(|(_, &v)| v >= n_classes) {
            return Err(LossError::InvalidLabel {
                row,
                value: v as f64,
            });
        }
        let rows = x.rows(rows)?;
        if rows.is_empty() {
            return Err(LossError::Empty);
        }
        Ok(MultinomialLogLoss {
            x,
            y: gather(y, &rows),
            weight_sum: rows.len() as f64,
            rows,
            k: n_classes,
            weights: None,
            offset: None,
            fit_intercept: true,
            l2: 0.0,
            ranks: Ranks::LOCAL,
        })
    }

    /// Weight each row's loss; one weight per row of the design, finite and > 0.
    pub fn with_sample_weight(mut self, weights: &[f64]) -> Result<Self, LossError> {
        let (w, sum) = gathered_weights(weights, self.x.n_rows(), &self.rows, &self.ranks)?;
        self.weight_sum = sum;
        self.weights = Some(w);
        Ok(self)
    }

    /// Sum over the rows of every rank of a job, as
    /// [`LogLoss::with_collective`](crate::LogLoss::with_collective): value, gradient, Hessian,
    /// Hessian products and Σ sᵢ are added over the ranks after each rank's pass.
    pub fn with_collective(mut self, collective: &'a dyn Collective) -> Result<Self, LossError> {
        self.ranks = Ranks::new(collective);
        self.weight_sum = weight_total(self.weights.as_deref(), self.rows.len(), &self.ranks)?;
        Ok(self)
    }

    /// Add known terms to the logits: K per row of the design, row after row (`offset[i·K + k]`
    /// is added to row i's logit of class k), finite.
    pub fn with_offset(mut self, offset: &[f64]) -> Result<Self, LossError> {
        let (n, k) = (self.x.n_rows(), self.k);
        self.offset = Some(gathered_offsets(
            "offsets (K per row)",
            offset,
            n,
            k,
            &self.rows,
        )?);
        Ok(self)
    }

    /// Whether each class has an (unpenalized) intercept.
    pub fn with_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Add `(λ/2) Σₖ ‖wₖ‖²`; λ must be finite and ≥ 0.
    pub fn with_l2(mut self, lambda: f64) -> Result<Self, LossError> {
        self.l2 = checked_l2(lambda)?;
        Ok(self)
    }

    /// Parameters per class: d, plus one for the intercept.
    pub fn params_per_class(&self) -> usize {
        self.x.n_cols() + usize::from(self.fit_intercept)
    }

    /// Number of parameters, K · (d + intercept).
    pub fn dim(&self) -> usize {
        self.k * self.params_per_class()
    }

    /// Number of rows the loss sums over (on this rank, in a distributed loss).
    pub fn n_samples(&self) -> usize {
        self.rows.len()
    }

    /// Number of classes K.
    pub fn n_classes(&self) -> usize {
        self.k
    }

    /// Σ sᵢ.
    pub fn weight_sum(&self) -> f64 {
        self.weight_sum
    }

    /// The L2 strength λ.
    pub fn l2(&self) -> f64 {
        self.l2
    }

    /// The design the loss reads.
    pub fn design(&self) -> &'a Design<'a> {
        self.x
    }

    /// The rows the loss sums over.
    pub fn rows(&self) -> Rows<'a> {
        self.rows
    }

    /// The class of row `pos` of the pass.
    pub fn class_of(&self, pos: usize) -> usize {
        self.y[pos]
    }

    /// The weight of row `pos` of the pass.
    pub fn weight(&self, pos: usize) -> f64 {
        self.weights.as_ref().map_or(1.0, |w| w[pos])
    }

    /// The offset of row `pos` of the pass for class `class` (0 without offsets).
    pub fn offset(&self, pos: usize, class: usize) -> f64 {
        self.offset
            .as_ref()
            .map_or(0.0, |o| o[pos * self.k + class])
    }

    /// Whether the loss adds offsets to the logits.
    pub fn has_offset(&self) -> bool {
        self.offset.is_some()
    }

    /// Whether each class has an intercept (the last parameter of its block).
    pub fn fit_intercept(&self) -> bool {
        self.fit_intercept
    }

    fn check(&self, what: &'static str, v: &DVector<f64>) -> Result<(), LossError> {
        if v.len() == self.dim() {
            Ok(())
        } else {
            Err(LossError::LengthMismatch {
                what,
                expected: self.dim(),
                found: v.len(),
            })
        }
    }

    /// θ as K × d coefficients (class after class) and K intercepts.
    fn split(&self, theta: &DVector<f64>) -> (Vec<f64>, Vec<f64>) {
        let (p, d) = (self.params_per_class(), self.x.n_cols());
        let t = theta.as_slice();
        let mut w = Vec::with_capacity(self.k * d);
        let mut b = Vec::with_capacity(self.k);
        for c in 0..self.k {
            w.extend_from_slice(&t[c * p..c * p + d]);
            b.push(if self.fit_intercept {
                t[c * p + d]
            } else {
                0.0
            });
        }
        (w, b)
    }

    /// The rows × K matrix of logits.
    pub fn logits(&self, theta: &DVector<f64>) -> Result<DMatrix<f64>, LossError> {
        self.check("parameters", theta)?;
        let (w, b) = self.split(theta);
        let mut z = vec![0.0; self.n_samples() * self.k];
        self.x.multi_logits(self.rows, &w, &b, &mut z)?;
        add_offset(self.offset.as_deref(), 0, &mut z);
        Ok(DMatrix::from_row_slice(self.n_samples(), self.k, &z))
    }

    /// The rows × K matrix of class probabilities (row-major), softmax of the logits.
    fn probabilities(&self, theta: &DVector<f64>) -> Result<Vec<f64>, LossError> {
        let (w, b) = self.split(theta);
        let mut z = vec![0.0; self.n_samples() * self.k];
        self.x.multi_logits(self.rows, &w, &b, &mut z)?;
        add_offset(self.offset.as_deref(), 0, &mut z);
        for row in z.chunks_exact_mut(self.k) {
            softmax_in_place(row);
        }
        Ok(z)
    }

    /// The objective.
    pub fn value(&self, theta: &DVector<f64>) -> Result<f64, LossError> {
        let mut g = DVector::zeros(self.dim());
        self.value_grad(theta, &mut g)
    }

    /// The objective, writing its gradient into `grad`, in one pass over X.
    pub fn value_grad(
        &self,
        theta: &DVector<f64>,
        grad: &mut DVector<f64>,
    ) -> Result<f64, LossError> {
        self.check("parameters", theta)?;
        self.check("gradient buffer", grad)?;
        let (w, b) = self.split(theta);
        // The closure runs on every core: it borrows the row data, not `self`, whose collective
        // belongs to this thread.
        let (k, y, weights, offset) = (
            self.k,
            &self.y,
            self.weights.as_deref(),
            self.offset.as_deref(),
        );
        let mut sums = self.x.multi_pass(self.rows, &w, &b, |first, z, l| {
            residuals(k, y, weights, offset, first, z, l)
        })?;
        self.ranks.sum_multi_pass(&mut sums)?;
        Ok(self.finish(&sums, theta, 1.0 / self.weight_sum, grad))
    }

    /// Unbiased mini-batch estimate of the objective and gradient from the listed positions of
    /// the pass.
    pub fn value_grad_rows(
        &self,
        theta: &DVector<f64>,
        batch: &[usize],
        grad: &mut DVector<f64>,
    ) -> Result<f64, LossError> {
        self.check("parameters", theta)?;
        self.check("gradient buffer", grad)?;
        self.ranks.refuse_mini_batches()?;
        if batch.is_empty() {
            return Err(LossError::Empty);
        }
        let n = self.n_samples();
        if let Some(&row) = batch.iter().find(|&&p| p >= n) {
            return Err(LinalgError::RowOutOfRange { row, n_rows: n }.into());
        }
        let rows: Vec<usize> = batch.iter().map(|&p| self.rows.row_at(p)).collect();
        let y: Vec<usize> = batch.iter().map(|&p| self.y[p]).collect();
        let weights: Option<Vec<f64>> = self
            .weights
            .as_ref()
            .map(|w| batch.iter().map(|&p| w[p]).collect());
        let k = self.k;
        let offset: Option<Vec<f64>> = self.offset.as_ref().map(|o| {
            batch
                .iter()
                .flat_map(|&p| o[p * k..(p + 1) * k].iter().copied())
                .collect()
        });
        let (w, b) = self.split(theta);
        let sel = self.x.rows(Some(&rows))?;
        let sums = self.x.multi_pass(sel, &w, &b, |first, z, l| {
            residuals(k, &y, weights.as_deref(), offset.as_deref(), first, z, l)
        })?;
        let scale = n as f64 / (batch.len() as f64 * self.weight_sum);
        Ok(self.finish(&sums, theta, scale, grad))
    }

    fn finish(
        &self,
        sums: &MultiPassSums,
        theta: &DVector<f64>,
        scale: f64,
        grad: &mut DVector<f64>,
    ) -> f64 {
        let (p, d) = (self.params_per_class(), self.x.n_cols());
        let t = theta.as_slice();
        let mut penalty = 0.0;
        for c in 0..self.k {
            for j in 0..d {
                let idx = c * p + j;
                grad[idx] = sums.grad[c * d + j] * scale + self.l2 * t[idx];
                penalty += t[idx] * t[idx];
            }
            if self.fit_intercept {
                grad[c * p + d] = sums.grad_bias[c] * scale;
            }
        }
        sums.value * scale + 0.5 * self.l2 * penalty
    }

    /// The dense Hessian, K·p × K·p: block (a, b) is Σ sᵢ pₐ(δₐᵦ − pᵦ) x̃ᵢx̃ᵢᵀ / S, plus λ on the
    /// coefficient diagonal; K(K+1)/2 weighted Gram passes over X.
    pub fn hessian(&self, theta: &DVector<f64>) -> Result<DMatrix<f64>, LossError> {
        self.check("parameters", theta)?;
        let (k, p, d) = (self.k, self.params_per_class(), self.x.n_cols());
        let probs = self.probabilities(theta)?;
        let mut h = self.block_gram(|i, a, b| {
            let (pa, pb) = (probs[i * k + a], probs[i * k + b]);
            self.weight(i) * pa * (f64::from(u8::from(a == b)) - pb)
        })?;
        h /= self.weight_sum;
        for a in 0..k {
            for j in 0..d {
                h[(a * p + j, a * p + j)] += self.l2;
            }
        }
        Ok(h)
    }

    /// Σᵢ sᵢ gᵢgᵢᵀ with gᵢ = (rᵢₖ x̃ᵢ)ₖ the score of row i (rᵢₖ = pᵢₖ − [k = yᵢ]), K·p × K·p: the
    /// meat of a sandwich covariance with sᵢ read as frequency weights (row i counted sᵢ times).
    pub fn score_outer_product(&self, theta: &DVector<f64>) -> Result<DMatrix<f64>, LossError> {
        self.check("parameters", theta)?;
        let k = self.k;
        let probs = self.probabilities(theta)?;
        let y = &self.y;
        let r = |i: usize, a: usize| probs[i * k + a] - f64::from(u8::from(y[i] == a));
        self.block_gram(|i, a, b| self.weight(i) * r(i, a) * r(i, b))
    }

    /// The symmetric K·p × K·p matrix whose block (a, b) is Σᵢ c(i, a, b) x̃ᵢx̃ᵢᵀ over the rows
    /// of every rank; K(K+1)/2 Gram passes over X.
    fn block_gram(
        &self,
        c: impl Fn(usize, usize, usize) -> f64,
    ) -> Result<DMatrix<f64>, LossError> {
        let (k, p) = (self.k, self.params_per_class());
        let mut h = DMatrix::zeros(k * p, k * p);
        let mut ci = vec![0.0; self.n_samples()];
        for a in 0..k {
            for b in a..k {
                for (i, v) in ci.iter_mut().enumerate() {
                    *v = c(i, a, b);
                }
                // Off-diagonal blocks have negative weights: split into |c| parts by sign.
                let block = signed_gram(self.x, self.rows, &ci, self.fit_intercept)?;
                for u in 0..p {
                    for v in 0..p {
                        h[(a * p + u, b * p + v)] = block[(u, v)];
                        h[(b * p + v, a * p + u)] = block[(u, v)];
                    }
                }
            }
        }
        // Every rank's rows: the Hessian and the sandwich's meat are sums over the job.
        self.ranks.sum(h.as_mut_slice())?;
        Ok(h)
    }

    /// The Hessian at θ as an operator (one pass of logits here, one pass per product).
    pub fn hessian_operator(
        &self,
        theta: &DVector<f64>,
    ) -> Result<MultinomialHessian<'_, 'a>, LossError> {
        self.check("parameters", theta)?;
        Ok(MultinomialHessian {
            loss: self,
            probs: self.probabilities(theta)?,
        })
    }
}

/// Adds offsets to a block of row-major logits that starts at entry `first` of the pass's
/// row-major offsets (row × K + class).
fn add_offset(offset: Option<&[f64]>, first: usize, z: &mut [f64]) {
    if let Some(o) = offset {
        for (zi, oi) in z.iter_mut().zip(&o[first..]) {
            *zi += oi;
        }
    }
}

/// Σ cᵢ x̃ᵢx̃ᵢᵀ for weights of any sign (the Gram kernels take c ≥ 0): the positive and negative
/// parts separately.
fn signed_gram(
    x: &Design<'_>,
    rows: Rows<'_>,
    c: &[f64],
    intercept: bool,
) -> Result<DMatrix<f64>, LossError> {
    let pos: Vec<f64> = c.iter().map(|v| v.max(0.0)).collect();
    let neg: Vec<f64> = c.iter().map(|v| (-v).max(0.0)).collect();
    let g = x.weighted_gram(rows, &pos, intercept)?;
    if neg.iter().all(|&v| v == 0.0) {
        return Ok(g);
    }
    Ok(g - x.weighted_gram(rows, &neg, intercept)?)
}

/// Softmax residuals of a chunk: z (m × K logits) becomes sᵢ(pᵢₖ − [k = yᵢ]), l the weighted
/// losses sᵢ(logsumexp(zᵢ) − zᵢ,yᵢ).
fn residuals(
    k: usize,
    y: &[usize],
    weights: Option<&[f64]>,
    offset: Option<&[f64]>,
    first: usize,
    z: &mut [f64],
    l: &mut [f64],
) {
    add_offset(offset, first * k, z);
    for (r, (row, lr)) in z.chunks_exact_mut(k).zip(l.iter_mut()).enumerate() {
        let yi = y[first + r];
        let zy = row[yi];
        let lse = softmax_in_place(row);
        let s = weights.map_or(1.0, |w| w[first + r]);
        *lr = s * (lse - zy);
        for (c, v) in row.iter_mut().enumerate() {
            *v = s * (*v - f64::from(u8::from(c == yi)));
        }
    }
}

/// The multinomial Hessian at a fixed point, applied to vectors.
#[derive(Debug, Clone)]
pub struct MultinomialHessian<'l, 'a> {
    loss: &'l MultinomialLogLoss<'a>,
    /// rows × K probabilities at the point.
    probs: Vec<f64>,
}

impl MultinomialHessian<'_, '_> {
    /// ∇²L(θ)·v in one pass over X: uᵢ = (xᵢ·vₖ + v_bₖ)ₖ, rᵢₖ = sᵢpᵢₖ(uᵢₖ − Σₗ pᵢₗuᵢₗ).
    pub fn apply(&self, v: &DVector<f64>) -> Result<DVector<f64>, LossError> {
        let loss = self.loss;
        loss.check("direction", v)?;
        let k = loss.k;
        let (w, b) = loss.split(v);
        let probs = &self.probs;
        let weights = loss.weights.as_deref();
        let mut sums = loss.x.multi_pass(loss.rows, &w, &b, |first, z, _l| {
            for (r, row) in z.chunks_exact_mut(k).enumerate() {
                let pr = &probs[(first + r) * k..(first + r + 1) * k];
                let mean: f64 = pr.iter().zip(row.iter()).map(|(p, u)| p * u).sum();
                let s = weights.map_or(1.0, |w| w[first + r]);
                for (u, p) in row.iter_mut().zip(pr) {
                    *u = s * p * (*u - mean);
                }
            }
        })?;
        loss.ranks.sum_multi_pass(&mut sums)?;
        let mut out = DVector::zeros(loss.dim());
        // `finish` adds λ·θ to the coefficients' gradient: given v, that is the penalty's λ·v.
        loss.finish(&sums, v, 1.0 / loss.weight_sum, &mut out);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LogLoss;

    fn data() -> (Design<'static>, Vec<usize>) {
        let x = DMatrix::from_row_slice(
            6,
            2,
            &[0.0, 1.0, 1.0, 0.5, 2.0, -1.0, -1.0, 0.3, 0.7, 0.7, 1.5, 2.0],
        );
        (Design::from_dmatrix(&x).unwrap(), vec![0, 1, 2, 0, 1, 2])
    }

    #[test]
    fn value_at_zero_is_ln_k() {
        let (x, y) = data();
        let l = MultinomialLogLoss::new(&x, &y, 3).unwrap();
        let mut g = DVector::zeros(l.dim());
        let v = l.value_grad(&DVector::zeros(l.dim()), &mut g).unwrap();
        assert!((v - 3f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn gradient_and_hessian_match_finite_differences() {
        let (x, y) = data();
        let l = MultinomialLogLoss::new(&x, &y, 3)
            .unwrap()
            .with_l2(0.3)
            .unwrap()
            .with_sample_weight(&[1.0, 2.0, 0.5, 1.0, 1.0, 3.0])
            .unwrap();
        let theta = DVector::from_fn(l.dim(), |i, _| ((i * 7) % 5) as f64 * 0.2 - 0.4);
        let mut g = DVector::zeros(l.dim());
        l.value_grad(&theta, &mut g).unwrap();
        let h = l.hessian(&theta).unwrap();
        let eps = 1e-6;
        for j in 0..l.dim() {
            let (mut tp, mut tm) = (theta.clone(), theta.clone());
            tp[j] += eps;
            tm[j] -= eps;
            let (mut gp, mut gm) = (DVector::zeros(l.dim()), DVector::zeros(l.dim()));
            let fp = l.value_grad(&tp, &mut gp).unwrap();
            let fm = l.value_grad(&tm, &mut gm).unwrap();
            assert!(((fp - fm) / (2.0 * eps) - g[j]).abs() < 1e-8);
            let col = (gp - gm) / (2.0 * eps);
            assert!((col - h.column(j)).amax() < 1e-7);
        }
    }

    #[test]
    fn two_classes_reduce_to_the_binary_loss() {
        // Softmax over (0, z) is the sigmoid of z: fixing class 0's parameters at zero turns the
        // multinomial loss into the binary one.
        let (x, _) = data();
        let y = [0, 1, 1, 0, 1, 0];
        let m = MultinomialLogLoss::new(&x, &y, 2).unwrap();
        let b = LogLoss::new(&x, &y.map(|v| v as f64)).unwrap();
        let tb = DVector::from_vec(vec![0.4, -0.7, 0.2]);
        let mut tm = DVector::zeros(6);
        tm.rows_mut(3, 3).copy_from(&tb);
        let mut g = DVector::zeros(6);
        let vm = m.value_grad(&tm, &mut g).unwrap();
        assert!((vm - b.value(&tb).unwrap()).abs() < 1e-15);
    }

    #[test]
    fn offsets_shift_the_logits_and_reduce_to_the_binary_offset() {
        let (x, _) = data();
        let y = [0, 1, 1, 0, 1, 0];
        let o = [0.3, -1.2, 0.0, 2.0, 0.5, -0.4];
        // Class 0 gets no offset, class 1 gets oᵢ: softmax over (0, z + o) is σ(z + o).
        let om: Vec<f64> = o.iter().flat_map(|&v| [0.0, v]).collect();
        let m = MultinomialLogLoss::new(&x, &y, 2)
            .unwrap()
            .with_offset(&om)
            .unwrap();
        let b = LogLoss::new(&x, &y.map(|v| v as f64))
            .unwrap()
            .with_offset(&o)
            .unwrap();
        let tb = DVector::from_vec(vec![0.4, -0.7, 0.2]);
        let mut tm = DVector::zeros(6);
        tm.rows_mut(3, 3).copy_from(&tb);
        assert!((m.value(&tm).unwrap() - b.value(&tb).unwrap()).abs() < 1e-15);
        // Gradient and Hessian with offsets and weights against finite differences, on a row
        // selection with a repeat; the mini-batch of every position equals the full pass.
        let rows = [5, 0, 2, 2, 4];
        let o3: Vec<f64> = (0..18).map(|i| ((i * 5) % 7) as f64 * 0.3 - 0.9).collect();
        let l = MultinomialLogLoss::on_rows(&x, Some(&rows), &[0, 1, 2, 0, 1, 2], 3)
            .unwrap()
            .with_sample_weight(&[1.0, 2.0, 0.5, 1.0, 1.0, 3.0])
            .unwrap()
            .with_offset(&o3)
            .unwrap();
        assert_eq!(l.offset(1, 2), o3[2]);
        let theta = DVector::from_fn(l.dim(), |i, _| ((i * 7) % 5) as f64 * 0.2 - 0.4);
        let mut g = DVector::zeros(l.dim());
        let v = l.value_grad(&theta, &mut g).unwrap();
        let mut gb = DVector::zeros(l.dim());
        let vb = l
            .value_grad_rows(&theta, &[0, 1, 2, 3, 4], &mut gb)
            .unwrap();
        assert!((v - vb).abs() < 1e-14 && (&g - &gb).amax() < 1e-14);
        let h = l.hessian(&theta).unwrap();
        let eps = 1e-6;
        for j in 0..l.dim() {
            let (mut tp, mut tm) = (theta.clone(), theta.clone());
            tp[j] += eps;
            tm[j] -= eps;
            let (mut gp, mut gm) = (DVector::zeros(l.dim()), DVector::zeros(l.dim()));
            let fp = l.value_grad(&tp, &mut gp).unwrap();
            let fm = l.value_grad(&tm, &mut gm).unwrap();
            assert!(((fp - fm) / (2.0 * eps) - g[j]).abs() < 1e-8);
            assert!(((gp - gm) / (2.0 * eps) - h.column(j)).amax() < 1e-7);
        }
        assert!(matches!(
            MultinomialLogLoss::new(&x, &y, 2).unwrap().with_offset(&o),
            Err(LossError::LengthMismatch { .. })
        ));
        let mut bad = om.clone();
        bad[7] = f64::NAN;
        assert!(matches!(
            MultinomialLogLoss::new(&x, &y, 2)
                .unwrap()
                .with_offset(&bad),
            Err(LossError::InvalidOffset { row: 3, .. })
        ));
    }

    #[test]
    fn score_outer_product_sums_weighted_score_outer_products() {
        let (x, y) = data();
        let sw = [1.0, 2.0, 0.5, 1.0, 1.0, 3.0];
        let l = MultinomialLogLoss::new(&x, &y, 3)
            .unwrap()
            .with_sample_weight(&sw)
            .unwrap();
        let theta = DVector::from_fn(l.dim(), |i, _| ((i * 3) % 4) as f64 * 0.25 - 0.3);
        let m = l.score_outer_product(&theta).unwrap();
        // Each row's score is the gradient of its own loss: single-row losses give it.
        let mut want = DMatrix::zeros(l.dim(), l.dim());
        for i in 0..6 {
            let one = MultinomialLogLoss::on_rows(
                &x,
                Some(std::slice::from_ref(&[0, 1, 2, 3, 4, 5][i])),
                &y,
                3,
            )
            .unwrap();
            let mut g = DVector::zeros(l.dim());
            one.value_grad(&theta, &mut g).unwrap();
            want += sw[i] * &g * g.transpose();
        }
        assert!((m - want).amax() < 1e-13);
    }

    #[test]
    fn rejects_bad_labels_and_shapes() {
        let (x, _) = data();
        assert!(matches!(
            MultinomialLogLoss::new(&x, &[0, 1, 3, 0, 1, 2], 3),
            Err(LossError::InvalidLabel { row: 2, .. })
        ));
        assert!(MultinomialLogLoss::new(&x, &[0, 1], 3).is_err());
        assert!(MultinomialLogLoss::new(&x, &[0; 6], 1).is_err());
        let l = MultinomialLogLoss::new(&x, &[0, 1, 2, 0, 1, 2], 3).unwrap();
        let mut g = DVector::zeros(l.dim());
        assert!(l
            .value_grad_rows(&DVector::zeros(l.dim()), &[6], &mut g)
            .is_err());
        assert!(l.value_grad(&DVector::zeros(2), &mut g).is_err());
    }
}
