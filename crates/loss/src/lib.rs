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
//! ```
//! use logreg_loss::LogLoss;
//! use nalgebra::{DMatrix, DVector};
//!
//! let x = DMatrix::from_row_slice(4, 1, &[1.0, 2.0, 3.0, 4.0]);
//! let loss = LogLoss::new(&x, &[0.0, 0.0, 1.0, 1.0]).unwrap();
//! let theta = DVector::zeros(loss.dim());             // w = 0, b = 0
//! assert!((loss.value(&theta).unwrap() - std::f64::consts::LN_2).abs() < 1e-15);
//! ```

use logreg_linalg_core::{
    sigmoid, sigmoid_curvature_in_place, softplus, softplus_sigmoid_in_place, LinalgError,
    PassSums, SampleMajor,
};
use nalgebra::{DMatrix, DVector};

mod multinomial;
pub use multinomial::MultinomialLogLoss;

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
    /// A feature value is NaN or infinite.
    #[error("feature value at row {row}, column {column} is {value}, expected a finite number")]
    NonFiniteFeature {
        /// 0-based sample index.
        row: usize,
        /// 0-based feature index.
        column: usize,
        /// The value found.
        value: f64,
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
    /// A kernel reported a shape error (an internal inconsistency surfaced rather than panicking).
    #[error(transparent)]
    Linalg(#[from] LinalgError),
}

/// The per-sample loss ℓ(z) = softplus(z) − y·z, taken on the branch where nothing cancels.
#[inline]
pub fn log_loss_from_logit(z: f64, positive: bool) -> f64 {
    if positive {
        softplus(-z)
    } else {
        softplus(z)
    }
}

/// The residual dℓ/dz = σ(z) − y, exact in both tails (σ(z) − 1 is written −σ(−z)).
#[inline]
pub fn residual_from_logit(z: f64, positive: bool) -> f64 {
    if positive {
        -sigmoid(-z)
    } else {
        sigmoid(z)
    }
}

/// The curvature d²ℓ/dz² = σ(z)·σ(−z), exact in both tails.
#[inline]
pub fn curvature_from_logit(z: f64) -> f64 {
    sigmoid(z) * sigmoid(-z)
}

/// Weighted mean binary cross-entropy of labels `y` ∈ {0, 1} given logits `z`.
pub fn mean_log_loss(
    z: &[f64],
    y: &[f64],
    sample_weight: Option<&[f64]>,
) -> Result<f64, LossError> {
    let n = z.len();
    if n == 0 {
        return Err(LossError::Empty);
    }
    let positive = labels_to_bool(y, n)?;
    let weights = validate_weights(sample_weight, n)?;
    let (mut total, mut wsum) = (0.0, 0.0);
    for (i, (&zi, &pi)) in z.iter().zip(&positive).enumerate() {
        let s = weights.as_ref().map_or(1.0, |w| w[i]);
        total += s * log_loss_from_logit(zi, pi);
        wsum += s;
    }
    Ok(total / wsum)
}

fn labels_to_bool(y: &[f64], n: usize) -> Result<Vec<bool>, LossError> {
    if y.len() != n {
        return Err(LossError::LengthMismatch {
            what: "labels y",
            expected: n,
            found: y.len(),
        });
    }
    y.iter()
        .enumerate()
        .map(|(row, &value)| {
            if value == 1.0 {
                Ok(true)
            } else if value == 0.0 {
                Ok(false)
            } else {
                Err(LossError::InvalidLabel { row, value })
            }
        })
        .collect()
}

fn validate_weights(w: Option<&[f64]>, n: usize) -> Result<Option<Vec<f64>>, LossError> {
    let Some(w) = w else { return Ok(None) };
    if w.len() != n {
        return Err(LossError::LengthMismatch {
            what: "sample weights",
            expected: n,
            found: w.len(),
        });
    }
    if let Some((row, &value)) = w
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v > 0.0))
    {
        return Err(LossError::InvalidWeight { row, value });
    }
    Ok(Some(w.to_vec()))
}

/// The binary log-loss objective over a fixed data set: `L(θ)` above, θ = (w₁…w_d, b).
///
/// The intercept b is the last parameter and is present only when `fit_intercept` is on (the
/// default). Data are validated once, here; evaluations cannot fail afterwards.
#[derive(Debug, Clone)]
pub struct LogLoss {
    x: SampleMajor,
    positive: Vec<bool>,
    weights: Option<Vec<f64>>,
    weight_sum: f64,
    fit_intercept: bool,
    l2: f64,
}

impl LogLoss {
    /// Build the objective for an n × d matrix `x` (one sample per row) and labels `y` ∈ {0, 1}.
    pub fn new(x: &DMatrix<f64>, y: &[f64]) -> Result<Self, LossError> {
        let n = x.nrows();
        if n == 0 {
            return Err(LossError::Empty);
        }
        let positive = labels_to_bool(y, n)?;
        // The copy checks every value; only when one is bad is X walked again to say where.
        let design = match SampleMajor::from_rows_if_finite(x) {
            Some(design) => design,
            None => {
                // Column-major walk: the first offending cell in that order.
                for column in 0..x.ncols() {
                    for row in 0..n {
                        let value = x[(row, column)];
                        if !value.is_finite() {
                            return Err(LossError::NonFiniteFeature { row, column, value });
                        }
                    }
                }
                SampleMajor::from_rows(x)
            }
        };
        Ok(LogLoss {
            x: design,
            positive,
            weights: None,
            weight_sum: n as f64,
            fit_intercept: true,
            l2: 0.0,
        })
    }

    /// Weight each sample's loss; weights must be finite and > 0, one per sample.
    pub fn with_sample_weight(mut self, weights: &[f64]) -> Result<Self, LossError> {
        let w = validate_weights(Some(weights), self.n_samples())?;
        self.weight_sum = weights.iter().sum();
        self.weights = w;
        Ok(self)
    }

    /// Whether the model has an intercept (the last parameter); it is never penalized.
    pub fn with_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Add `(λ/2)‖w‖²` to the objective; λ must be finite and ≥ 0.
    pub fn with_l2(mut self, lambda: f64) -> Result<Self, LossError> {
        if !(lambda.is_finite() && lambda >= 0.0) {
            return Err(LossError::InvalidPenalty {
                parameter: "lambda",
                value: lambda,
                expected: ">= 0",
            });
        }
        self.l2 = lambda;
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
        self.x.n_features() + usize::from(self.fit_intercept)
    }

    /// Number of samples n.
    pub fn n_samples(&self) -> usize {
        self.x.n_samples()
    }

    /// Number of features d.
    pub fn n_features(&self) -> usize {
        self.x.n_features()
    }

    /// Σ sᵢ (n when unweighted): the factor between L and the summed loss.
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

    /// The data in sample-major order.
    pub fn design(&self) -> &SampleMajor {
        &self.x
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

    fn weight(&self, i: usize) -> f64 {
        self.weights.as_ref().map_or(1.0, |w| w[i])
    }

    /// The logits z = Xw + b.
    pub fn logits(&self, theta: &DVector<f64>) -> Result<DVector<f64>, LossError> {
        self.check_theta("parameters", theta)?;
        let (w, b) = self.split(theta);
        Ok(self.x.logits(w, b)?)
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
        let sums = self
            .x
            .fused_pass_chunks(w, b, |first, z, l| self.per_chunk(first, z, l))?;
        Ok(self.finish(sums, theta, 1.0 / self.weight_sum, grad))
    }

    /// L and ∇L estimated from the listed rows only (a mini-batch), unbiased for the full ones:
    /// the batch's weighted loss is scaled by n / (|rows|·S).
    pub fn value_grad_rows(
        &self,
        theta: &DVector<f64>,
        rows: &[usize],
        grad: &mut DVector<f64>,
    ) -> Result<f64, LossError> {
        self.check_theta("parameters", theta)?;
        self.check_theta("gradient buffer", grad)?;
        if rows.is_empty() {
            return Err(LossError::Empty);
        }
        let (w, b) = self.split(theta);
        let sums = self
            .x
            .fused_pass_rows(rows, w, b, |i, z| self.per_sample(i, z))?;
        let scale = self.n_samples() as f64 / (rows.len() as f64 * self.weight_sum);
        Ok(self.finish(sums, theta, scale, grad))
    }

    #[inline]
    fn per_sample(&self, i: usize, z: f64) -> (f64, f64) {
        let s = self.weight(i);
        let p = self.positive[i];
        (s * log_loss_from_logit(z, p), s * residual_from_logit(z, p))
    }

    /// [`per_sample`](Self::per_sample) over a chunk of logits as straight-line loops that
    /// vectorize: with t = z for a negative sample and −z for a positive one, ℓ = softplus(t) and
    /// the residual is ±σ(t), sharing one exponential.
    #[inline]
    fn per_chunk(&self, first: usize, z: &mut [f64], l: &mut [f64]) {
        let positive = &self.positive[first..first + z.len()];
        let flip = |z: &mut [f64]| {
            for (zi, &p) in z.iter_mut().zip(positive) {
                *zi = if p { -*zi } else { *zi };
            }
        };
        flip(z);
        softplus_sigmoid_in_place(z, l);
        flip(z);
        if let Some(weights) = &self.weights {
            let s = &weights[first..first + z.len()];
            for ((zi, li), &si) in z.iter_mut().zip(l.iter_mut()).zip(s) {
                *li *= si;
                *zi *= si;
            }
        }
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

    /// The Hessian ∇²L(θ) = X̃ᵀ D X̃ / S + λ·diag(1…1, 0), with D = diag(sᵢ σ(zᵢ) σ(−zᵢ)).
    pub fn hessian(&self, theta: &DVector<f64>) -> Result<DMatrix<f64>, LossError> {
        self.check_theta("parameters", theta)?;
        let (w, b) = self.split(theta);
        // Logits, curvatures and X̃ᵀDX̃ in one pass over X.
        let mut h = self.x.fused_gram(w, b, self.fit_intercept, |first, z| {
            sigmoid_curvature_in_place(z);
            if let Some(weights) = &self.weights {
                for (zk, sk) in z.iter_mut().zip(&weights[first..]) {
                    *zk *= sk;
                }
            }
        })?;
        h /= self.weight_sum;
        for j in 0..self.n_features() {
            h[(j, j)] += self.l2;
        }
        Ok(h)
    }

    /// The Hessian times a vector, ∇²L(θ)·v, in two passes over X and without forming the Hessian.
    pub fn hessian_vec(
        &self,
        theta: &DVector<f64>,
        v: &DVector<f64>,
    ) -> Result<DVector<f64>, LossError> {
        self.check_theta("direction", v)?;
        let c = self.curvatures(theta)?;
        let (vw, vb) = self.split(v);
        let sums = self.x.fused_pass(vw, vb, |i, t| (0.0, c[i] * t))?;
        let mut out = DVector::zeros(self.dim());
        let d = self.n_features();
        for j in 0..d {
            out[j] = sums.grad[j] / self.weight_sum + self.l2 * vw[j];
        }
        if self.fit_intercept {
            out[d] = sums.grad_bias / self.weight_sum;
        }
        Ok(out)
    }

    fn curvatures(&self, theta: &DVector<f64>) -> Result<Vec<f64>, LossError> {
        let z = self.logits(theta)?;
        Ok(z.iter()
            .enumerate()
            .map(|(i, &zi)| self.weight(i) * curvature_from_logit(zi))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let loss = LogLoss::new(&x, &y).unwrap();
        let theta = DVector::from_vec(vec![-0.4, 0.9, -2.0]);
        let z = loss.logits(&theta).unwrap();
        let predicted: Vec<u8> = z.iter().map(|&zi| u8::from(sigmoid(zi) >= 0.5)).collect();
        assert_eq!(predicted, [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn vectorized_matches_reference_loop() {
        let (x, y) = toy();
        let loss = LogLoss::new(&x, &y).unwrap();
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
        let loss = LogLoss::new(&x, &y).unwrap().with_l2(3.0).unwrap();
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
        let weighted = LogLoss::new(&x, &y)
            .unwrap()
            .with_sample_weight(&w)
            .unwrap();
        let mut xd = x.clone().insert_row(10, 0.0);
        xd.set_row(10, &x.row(3));
        let mut yd = y.clone();
        yd.push(y[3]);
        let dup = LogLoss::new(&xd, &yd).unwrap();
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
        let loss = LogLoss::new(&x, &y).unwrap().with_l2(0.1).unwrap();
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
        let loss = LogLoss::new(&x, &y).unwrap().with_l2(lambda).unwrap();
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
        let loss = LogLoss::new(&x, &y).unwrap().with_intercept(false);
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
        let e = LogLoss::new(&x, &[0.0, 1.0, 0.0]).unwrap_err();
        assert!(
            matches!(
                e,
                LossError::NonFiniteFeature {
                    row: 1,
                    column: 1,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("row 1, column 1"));
        let ok = DMatrix::from_row_slice(3, 1, &[1.0, 2.0, 3.0]);
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
        assert_eq!(
            LogLoss::new(&DMatrix::zeros(0, 2), &[]).unwrap_err(),
            LossError::Empty
        );
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
        assert!(l.clone().with_sample_weight(&[1.0]).is_err());
        assert!(l.clone().with_l2(-1.0).is_err());
        assert!(l.clone().with_l2(f64::INFINITY).is_err());
        let mut g = DVector::zeros(2);
        assert!(l.value_grad(&DVector::zeros(3), &mut g).is_err());
        assert!(l
            .hessian_vec(&DVector::zeros(2), &DVector::zeros(1))
            .is_err());
    }

    #[test]
    fn mean_log_loss_matches_sklearn() {
        // sklearn.metrics.log_loss([0,1,1,0], [σ(-1), σ(2), σ(0.5), σ(-3)]), from:
        // python3 -c "import numpy as np; from sklearn.metrics import log_loss;
        //   z=np.array([-1,2,.5,-3.]); print(repr(log_loss([0,1,1,0], 1/(1+np.exp(-z)))))"
        let v = mean_log_loss(&[-1.0, 2.0, 0.5, -3.0], &[0.0, 1.0, 1.0, 0.0], None).unwrap();
        assert!((v - SKLEARN_LOG_LOSS).abs() < 1e-14, "{v}");
        assert_eq!(mean_log_loss(&[], &[], None), Err(LossError::Empty));
        assert!(mean_log_loss(&[1.0], &[0.0], Some(&[0.0])).is_err());
    }

    const SKLEARN_LOG_LOSS: f64 = 0.240_713_508_578_761_03;
}
