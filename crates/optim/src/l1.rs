//! A separable L1 term `Σⱼ λⱼ|xⱼ|` beside a smooth objective: the pieces every L1 solver needs
//! (soft-thresholding, the minimum-norm subgradient) and the composite objective itself.
//!
//! The composite `F(x) = f(x) + Σ λⱼ|xⱼ|` is not differentiable where a penalized coordinate is
//! zero. Its *minimum-norm subgradient* (Andrew & Gao's pseudo-gradient) is
//!
//! ```text
//! ∂ⱼF = ∇ⱼf + λⱼ sign(xⱼ)                     where xⱼ ≠ 0 (or λⱼ = 0),
//!     = sign(∇ⱼf)·max(|∇ⱼf| − λⱼ, 0)           where xⱼ = 0,
//! ```
//!
//! which is zero exactly at a minimizer, so its norm is the stopping measure of every L1 solver
//! here, as the gradient norm is of the smooth ones. [`L1Penalized`] presents `F` as an
//! [`Objective`] whose "gradient" is that subgradient, so the driver's tolerance test, the history
//! and the observers work unchanged; a solver that handles the term itself (OWL-QN, coordinate
//! descent) reaches the smooth part and the term through [`Objective::composite`].

use nalgebra::DVector;

use crate::{check, Objective, OptimError};

/// `sign(v)·max(|v| − t, 0)`: the proximal map of `t|·|` (t ≥ 0), exactly 0 on `[−t, t]`.
///
/// ```
/// use logreg_optim::soft_threshold;
/// assert_eq!(soft_threshold(3.0, 1.0), 2.0);
/// assert_eq!(soft_threshold(-0.5, 1.0), 0.0);
/// assert_eq!(soft_threshold(-3.0, 1.0), -2.0);
/// ```
#[inline]
pub fn soft_threshold(v: f64, t: f64) -> f64 {
    if v > t {
        v - t
    } else if v < -t {
        v + t
    } else {
        0.0
    }
}

/// The weights λⱼ ≥ 0 of a separable L1 term `Σ λⱼ|xⱼ|`, one per parameter; a weight of 0 leaves
/// its parameter unpenalized (an intercept).
#[derive(Debug, Clone, PartialEq)]
pub struct L1 {
    weights: Vec<f64>,
}

impl L1 {
    /// The term with these weights (each finite and ≥ 0).
    pub fn new(weights: Vec<f64>) -> Result<Self, OptimError> {
        for &w in &weights {
            check::non_negative("l1 weight", w)?;
        }
        Ok(L1 { weights })
    }

    /// The weights λⱼ.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Number of parameters.
    pub fn dim(&self) -> usize {
        self.weights.len()
    }

    /// `Σ λⱼ|xⱼ|`.
    pub fn value(&self, x: &[f64]) -> f64 {
        self.weights.iter().zip(x).map(|(l, v)| l * v.abs()).sum()
    }

    /// The minimum-norm subgradient of `f + Σ λⱼ|xⱼ|` at `x`, given `grad` = ∇f(x), written into
    /// `out`; returns its Euclidean norm.
    pub fn min_norm_subgradient(&self, x: &[f64], grad: &[f64], out: &mut [f64]) -> f64 {
        let mut sq = 0.0;
        for (((o, &l), &xj), &g) in out.iter_mut().zip(&self.weights).zip(x).zip(grad) {
            *o = if xj > 0.0 {
                g + l
            } else if xj < 0.0 {
                g - l
            } else {
                soft_threshold(g, l)
            };
            sq += *o * *o;
        }
        sq.sqrt()
    }
}

/// `f + Σ λⱼ|xⱼ|` as an objective: its value, and the minimum-norm subgradient in place of the
/// gradient (see the module documentation).
///
/// ```
/// use logreg_optim::{L1, L1Penalized, Objective, OptimError};
/// use nalgebra::DVector;
///
/// /// f(x) = ½‖x − 3‖²
/// struct Bowl;
/// impl Objective for Bowl {
///     fn dim(&self) -> usize { 2 }
///     fn value_grad(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> Result<f64, OptimError> {
///         g.copy_from(&x.add_scalar(-3.0));
///         Ok(0.5 * g.norm_squared())
///     }
/// }
/// let f = L1Penalized::new(&Bowl, L1::new(vec![5.0, 0.0])?)?;
/// let mut g = DVector::zeros(2);
/// // At 0 the first coordinate is optimal (|−3| < 5), the second is not.
/// assert_eq!(f.value_grad(&DVector::zeros(2), &mut g)?, 9.0);
/// assert_eq!(g.as_slice(), &[0.0, -3.0]);
/// # Ok::<(), OptimError>(())
/// ```
pub struct L1Penalized<'f> {
    smooth: &'f dyn Objective,
    l1: L1,
}

impl<'f> L1Penalized<'f> {
    /// `smooth + l1`; the term must have one weight per parameter of `smooth`.
    pub fn new(smooth: &'f dyn Objective, l1: L1) -> Result<Self, OptimError> {
        if l1.dim() != smooth.dim() {
            return Err(OptimError::DimensionMismatch {
                expected: smooth.dim(),
                found: l1.dim(),
            });
        }
        Ok(L1Penalized { smooth, l1 })
    }

    /// The L1 term.
    pub fn l1(&self) -> &L1 {
        &self.l1
    }
}

impl Objective for L1Penalized<'_> {
    fn dim(&self) -> usize {
        self.smooth.dim()
    }

    fn value_grad(&self, x: &DVector<f64>, grad: &mut DVector<f64>) -> Result<f64, OptimError> {
        let mut g = DVector::zeros(x.len());
        let v = self.smooth.value_grad(x, &mut g)?;
        self.l1
            .min_norm_subgradient(x.as_slice(), g.as_slice(), grad.as_mut_slice());
        Ok(v + self.l1.value(x.as_slice()))
    }

    fn composite(&self) -> Option<(&dyn Objective, &L1)> {
        Some((self.smooth, &self.l1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subgradient_is_the_gradient_off_zero_and_thresholded_at_zero() {
        let l1 = L1::new(vec![1.0, 1.0, 1.0, 0.0]).unwrap();
        let x = [2.0, -1.0, 0.0, 0.0];
        let g = [0.5, 0.5, -0.4, 0.3];
        let mut out = [0.0; 4];
        let norm = l1.min_norm_subgradient(&x, &g, &mut out);
        assert_eq!(out, [1.5, -0.5, 0.0, 0.3]);
        assert!((norm - (1.5f64 * 1.5 + 0.25 + 0.09).sqrt()).abs() < 1e-15);
        assert_eq!(l1.value(&x), 3.0);
        assert!(L1::new(vec![-1.0]).is_err());
        assert!(L1::new(vec![f64::NAN]).is_err());
    }
}
