//! Newton's method with a Cholesky solve and a backtracking line search: the exact solver when the
//! number of parameters is small (the Hessian costs d² per sample, the solve d³).

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::driver::{all_finite, noise, Point, Step, StepResult, StopRule};
use crate::{Objective, OptimError, SolverConfig, Stop};

/// Sufficient-decrease constant of the backtracking line search.
const C1: f64 = 1e-4;
/// Halvings tried before the line search gives up (2⁻⁶⁰ ≈ 1e-18 of the Newton step).
const MAX_HALVINGS: usize = 60;
/// Shifts μI tried when the Hessian is not positive definite, each ten times the last.
const MAX_SHIFTS: usize = 24;
/// Multiples of the value's assumed rounding ([`noise`]) below which a predicted decrease is
/// indistinguishable from it (the rounding of a sum of n logits' losses can be several times
/// the 1e-12 relative that line searches assume).
const STATIONARY_NOISE: f64 = 10.0;

/// Newton's method: solve H·p = −∇f by Cholesky, then backtrack from the full step.
///
/// When H is not positive definite (a saddle or a flat direction), μI is added with μ growing from
/// 1e-10·max(1, max|Hᵢᵢ|) until the Cholesky factorization succeeds; if it never does, the step is
/// steepest descent. The line search halves the step until the Armijo condition holds (near the
/// optimum, where the decrease falls below rounding, a step that keeps the value within rounding
/// and reduces the gradient norm also counts). Needs [`Objective::hessian`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Newton {
    max_iter: usize,
    tol: f64,
}

impl Default for Newton {
    /// 100 iterations, gradient tolerance 1e-10.
    fn default() -> Self {
        Self {
            max_iter: 100,
            tol: 1e-10,
        }
    }
}

impl Newton {
    /// Newton's method with default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Iteration budget (default 100, must be ≥ 1).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Stop when ‖∇f‖ ≤ `tol` (default 1e-10; must be finite and ≥ 0).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
}

impl SolverConfig for Newton {
    fn validate(&self) -> Result<(), OptimError> {
        self.stop_rule().validate()
    }

    fn stop_rule(&self) -> StopRule {
        StopRule::new(self.max_iter, self.tol)
    }

    fn step(&self) -> Box<dyn Step> {
        Box::new(NewtonStep { hessian: None })
    }
}

/// Newton's state: the Hessian at the start, asked for in `init` (so a missing one is reported
/// even when the start is already optimal) and used by the first iteration.
struct NewtonStep {
    hessian: Option<DMatrix<f64>>,
}

impl Step for NewtonStep {
    fn name(&self) -> &'static str {
        "newton"
    }

    fn init(&mut self, f: &dyn Objective, start: &Point) -> Result<(), OptimError> {
        self.hessian = Some(f.hessian(&start.x)?);
        Ok(())
    }

    fn step(&mut self, f: &dyn Objective, cur: &Point) -> Result<StepResult, OptimError> {
        let h = match self.hessian.take() {
            Some(h) => h,
            None => f.hessian(&cur.x)?,
        };
        let p = direction(Some(&h), &cur.grad);
        let found = backtrack(f, cur, &p)?;
        // When the full step is refused, the value may simply be noise: if the decrease the
        // quadratic model predicts (the Newton decrement, −½gᵀp) is below the objective's
        // rounding, no step can be told from another by value, and the point is optimal to
        // machine precision. Only tested then, so a run that still makes progress is unchanged.
        let predicted = -0.5 * cur.grad.dot(&p);
        let full = matches!(found, Some((_, alpha)) if alpha == 1.0);
        if !full && predicted <= STATIONARY_NOISE * noise(cur.value) {
            return Ok(StepResult::Finished {
                point: cur.clone(),
                inner: 1,
                stop: Stop::Stationary,
            });
        }
        Ok(match found {
            Some((point, _)) => StepResult::Moved { point, inner: 1 },
            None => StepResult::Stalled,
        })
    }
}

/// The (possibly shifted) Newton direction −(H + μI)⁻¹g, or −g when no usable Hessian exists.
fn direction(h: Option<&DMatrix<f64>>, g: &DVector<f64>) -> DVector<f64> {
    let steepest = || -g;
    let n = g.len();
    // A Hessian of the wrong shape or with non-finite entries is as good as none.
    let Some(h) = h.filter(|h| h.shape() == (n, n) && h.iter().all(|v| v.is_finite())) else {
        return steepest();
    };
    if let Some(p) = solve(h.clone(), g) {
        return p;
    }
    let scale = h.diagonal().iter().fold(1.0_f64, |m, v| m.max(v.abs()));
    let mut mu = 1e-10 * scale;
    for _ in 0..MAX_SHIFTS {
        let mut shifted = h.clone();
        for i in 0..n {
            shifted[(i, i)] += mu;
        }
        if let Some(p) = solve(shifted, g) {
            return p;
        }
        mu *= 10.0;
    }
    steepest()
}

/// −H⁻¹g by Cholesky, if H is (numerically) positive definite and the result is a finite descent
/// direction.
fn solve(h: DMatrix<f64>, g: &DVector<f64>) -> Option<DVector<f64>> {
    let p = -h.cholesky()?.solve(g);
    (all_finite(&p) && g.dot(&p) < 0.0).then_some(p)
}

/// Halve the step along `p` from 1 until it is acceptable: the point and the step length, or
/// `None` if no step is.
fn backtrack(
    f: &dyn Objective,
    cur: &Point,
    p: &DVector<f64>,
) -> Result<Option<(Point, f64)>, OptimError> {
    let slope = cur.grad.dot(p);
    if slope.is_nan() || slope >= 0.0 {
        return Ok(None);
    }
    let slack = noise(cur.value);
    let mut alpha = 1.0;
    for _ in 0..MAX_HALVINGS {
        if let Some(t) = Point::evaluate(f, &cur.x + alpha * p)? {
            let armijo = t.value <= cur.value + C1 * alpha * slope;
            // Below the objective's rounding error the value cannot tell better from worse; the
            // gradient norm can.
            let flat_but_closer = t.value <= cur.value + slack && t.grad_norm < cur.grad_norm;
            if armijo || flat_but_closer {
                return Ok(Some((t, alpha)));
            }
        }
        alpha *= 0.5;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indefinite_hessian_is_shifted_into_a_descent_direction() {
        let h = DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 1.0, 0.0]);
        let g = DVector::from_row_slice(&[1.0, 0.5]);
        let p = direction(Some(&h), &g);
        assert!(g.dot(&p) < 0.0);
        assert!(p != -&g, "the shift should succeed before the fallback");
    }

    #[test]
    fn unusable_hessians_fall_back_to_steepest_descent() {
        let g = DVector::from_row_slice(&[1.0, -2.0]);
        let wrong_shape = DMatrix::identity(3, 3);
        let nan = DMatrix::from_element(2, 2, f64::NAN);
        assert_eq!(direction(Some(&wrong_shape), &g), -&g);
        assert_eq!(direction(Some(&nan), &g), -&g);
        assert_eq!(direction(None, &g), -&g);
    }

    #[test]
    fn positive_definite_hessian_gives_the_newton_step() {
        let h = DMatrix::from_row_slice(2, 2, &[2.0, 0.5, 0.5, 1.0]);
        let g = DVector::from_row_slice(&[1.0, 1.0]);
        let p = direction(Some(&h), &g);
        assert!((&h * p + g).norm() < 1e-14);
    }
}
