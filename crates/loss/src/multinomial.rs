//! Multinomial (softmax) cross-entropy over K classes, from logits.
//!
//! With per-class parameters θₖ = (wₖ, bₖ) stacked class after class, zᵢₖ = xᵢ·wₖ + bₖ and
//! `ℓᵢ = logsumexp(zᵢ) − zᵢ,yᵢ`, the objective is `(1/S) Σ sᵢ ℓᵢ + (λ/2) Σₖ ‖wₖ‖²`, the same
//! normalization and `λ = 1/(C·S)` mapping as the binary [`LogLoss`](crate::LogLoss).

use crate::LossError;
use logreg_linalg_core::SampleMajor;
use nalgebra::{DMatrix, DVector};

/// The multinomial log-loss objective over a fixed data set.
#[derive(Debug, Clone)]
pub struct MultinomialLogLoss {
    x: SampleMajor,
    y: Vec<usize>,
    k: usize,
    weights: Option<Vec<f64>>,
    weight_sum: f64,
    fit_intercept: bool,
    l2: f64,
}

impl MultinomialLogLoss {
    /// Build the objective for an n × d matrix `x` and class indices `y` < `n_classes` (≥ 2).
    pub fn new(x: &DMatrix<f64>, y: &[usize], n_classes: usize) -> Result<Self, LossError> {
        let binary = crate::LogLoss::new(x, &vec![0.0; x.nrows()])?;
        if y.len() != x.nrows() {
            return Err(LossError::LengthMismatch {
                what: "labels y",
                expected: x.nrows(),
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
        Ok(MultinomialLogLoss {
            x: binary.design().clone(),
            y: y.to_vec(),
            k: n_classes,
            weights: None,
            weight_sum: x.nrows() as f64,
            fit_intercept: true,
            l2: 0.0,
        })
    }

    /// Weight each sample's loss; weights must be finite and > 0, one per sample.
    pub fn with_sample_weight(mut self, weights: &[f64]) -> Result<Self, LossError> {
        self.weights = crate::validate_weights(Some(weights), self.n_samples())?;
        self.weight_sum = weights.iter().sum();
        Ok(self)
    }

    /// Whether each class has an (unpenalized) intercept.
    pub fn with_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Add `(λ/2) Σₖ ‖wₖ‖²`; λ must be finite and ≥ 0.
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

    /// Parameters per class: d, plus one for the intercept.
    pub fn params_per_class(&self) -> usize {
        self.x.n_features() + usize::from(self.fit_intercept)
    }

    /// Number of parameters, K · (d + intercept).
    pub fn dim(&self) -> usize {
        self.k * self.params_per_class()
    }

    /// Number of samples.
    pub fn n_samples(&self) -> usize {
        self.x.n_samples()
    }

    /// Number of classes K.
    pub fn n_classes(&self) -> usize {
        self.k
    }

    /// Σ sᵢ.
    pub fn weight_sum(&self) -> f64 {
        self.weight_sum
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

    /// Logits of sample `xi` for every class into `z`.
    fn logits_into(&self, theta: &[f64], xi: &[f64], z: &mut [f64]) {
        let p = self.params_per_class();
        let d = xi.len();
        for (k, zk) in z.iter_mut().enumerate() {
            let t = &theta[k * p..(k + 1) * p];
            let mut s: f64 = t[..d].iter().zip(xi).map(|(a, b)| a * b).sum();
            if self.fit_intercept {
                s += t[d];
            }
            *zk = s;
        }
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

    /// The n × K matrix of logits.
    pub fn logits(&self, theta: &DVector<f64>) -> Result<DMatrix<f64>, LossError> {
        self.check("parameters", theta)?;
        let n = self.n_samples();
        let mut out = DMatrix::zeros(n, self.k);
        let mut z = vec![0.0; self.k];
        for i in 0..n {
            let xi = self.x.sample(i).unwrap_or(&[]);
            self.logits_into(theta.as_slice(), xi, &mut z);
            for (k, &zk) in z.iter().enumerate() {
                out[(i, k)] = zk;
            }
        }
        Ok(out)
    }

    /// The objective, writing its gradient into `grad`.
    pub fn value_grad(
        &self,
        theta: &DVector<f64>,
        grad: &mut DVector<f64>,
    ) -> Result<f64, LossError> {
        let rows: Vec<usize> = (0..self.n_samples()).collect();
        self.accumulate(theta, &rows, 1.0 / self.weight_sum, grad)
    }

    /// Unbiased mini-batch estimate of the objective and gradient from `rows`.
    pub fn value_grad_rows(
        &self,
        theta: &DVector<f64>,
        rows: &[usize],
        grad: &mut DVector<f64>,
    ) -> Result<f64, LossError> {
        if rows.is_empty() {
            return Err(LossError::Empty);
        }
        if let Some(&row) = rows.iter().find(|&&r| r >= self.n_samples()) {
            return Err(logreg_linalg_core::LinalgError::RowOutOfRange {
                row,
                n_rows: self.n_samples(),
            }
            .into());
        }
        let scale = self.n_samples() as f64 / (rows.len() as f64 * self.weight_sum);
        self.accumulate(theta, rows, scale, grad)
    }

    fn accumulate(
        &self,
        theta: &DVector<f64>,
        rows: &[usize],
        scale: f64,
        grad: &mut DVector<f64>,
    ) -> Result<f64, LossError> {
        self.check("parameters", theta)?;
        self.check("gradient buffer", grad)?;
        let (p, d) = (self.params_per_class(), self.x.n_features());
        grad.fill(0.0);
        let g = grad.as_mut_slice();
        let t = theta.as_slice();
        let mut z = vec![0.0; self.k];
        let mut total = 0.0;
        for &i in rows {
            let xi = self.x.sample(i).unwrap_or(&[]);
            self.logits_into(t, xi, &mut z);
            let zy = z[self.y[i]];
            let lse = Self::softmax_in_place(&mut z);
            let s = self.weights.as_ref().map_or(1.0, |w| w[i]);
            total += s * (lse - zy);
            for (k, &pk) in z.iter().enumerate() {
                let r = s * (pk - f64::from(u8::from(k == self.y[i])));
                let gk = &mut g[k * p..(k + 1) * p];
                for (gj, xj) in gk[..d].iter_mut().zip(xi) {
                    *gj += r * xj;
                }
                if self.fit_intercept {
                    gk[d] += r;
                }
            }
        }
        let mut penalty = 0.0;
        for k in 0..self.k {
            for j in 0..d {
                let idx = k * p + j;
                g[idx] = g[idx] * scale + self.l2 * t[idx];
                penalty += t[idx] * t[idx];
            }
            if self.fit_intercept {
                g[k * p + d] *= scale;
            }
        }
        Ok(total * scale + 0.5 * self.l2 * penalty)
    }

    /// The dense Hessian, K·p × K·p: block (k, l) is Σ sᵢ pₖ(δₖₗ − pₗ) x̃ᵢx̃ᵢᵀ / S, plus λ on the
    /// coefficient diagonal.
    pub fn hessian(&self, theta: &DVector<f64>) -> Result<DMatrix<f64>, LossError> {
        self.check("parameters", theta)?;
        let (p, d, k) = (self.params_per_class(), self.x.n_features(), self.k);
        let mut h = DMatrix::zeros(k * p, k * p);
        let mut z = vec![0.0; k];
        let mut xt = vec![1.0; p];
        for i in 0..self.n_samples() {
            let xi = self.x.sample(i).unwrap_or(&[]);
            xt[..d].copy_from_slice(xi);
            self.logits_into(theta.as_slice(), xi, &mut z);
            Self::softmax_in_place(&mut z);
            let s = self.weights.as_ref().map_or(1.0, |w| w[i]);
            for a in 0..k {
                for b in 0..k {
                    let c = s * z[a] * (f64::from(u8::from(a == b)) - z[b]);
                    if c == 0.0 {
                        continue;
                    }
                    for u in 0..p {
                        let cu = c * xt[u];
                        for v in 0..p {
                            h[(a * p + u, b * p + v)] += cu * xt[v];
                        }
                    }
                }
            }
        }
        h /= self.weight_sum;
        for a in 0..k {
            for j in 0..d {
                h[(a * p + j, a * p + j)] += self.l2;
            }
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LogLoss;

    fn data() -> (DMatrix<f64>, Vec<usize>) {
        let x = DMatrix::from_row_slice(
            6,
            2,
            &[0.0, 1.0, 1.0, 0.5, 2.0, -1.0, -1.0, 0.3, 0.7, 0.7, 1.5, 2.0],
        );
        (x, vec![0, 1, 2, 0, 1, 2])
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
