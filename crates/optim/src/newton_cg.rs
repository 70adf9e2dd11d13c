//! Trust-region Newton with conjugate gradients (liblinear's TRON: Lin, Weng & Keerthi 2008):
//! Newton steps for problems whose Hessian is too expensive to form, using only Hessian-vector
//! products.

use nalgebra::DVector;
use serde::{Deserialize, Serialize};

use crate::driver::{noise, Point, Step, StepResult, StopRule};
use crate::{HessianOperator, Objective, OptimError, SolverConfig};

/// Accept a step when the actual reduction is at least this fraction of the predicted one.
const ETA0: f64 = 1e-4;
/// Below this ratio the trust region shrinks…
const ETA1: f64 = 0.25;
/// …above this one it may grow.
const ETA2: f64 = 0.75;
/// Trust-region scalings (liblinear's σ₁, σ₂, σ₃).
const SIGMA1: f64 = 0.25;
const SIGMA2: f64 = 0.5;
const SIGMA3: f64 = 4.0;
/// Consecutive rejected steps after which the run is declared stalled.
const MAX_REJECTS: usize = 30;

/// Trust-region Newton-CG (TRON).
///
/// Each iteration approximately minimizes the quadratic model `g·s + ½ sᵀHs` within a ball of
/// radius Δ by conjugate gradients on Hessian-vector products (Steihaug's truncation at the
/// boundary or at negative curvature), stopping when the residual falls to
/// `min(0.1, √‖g‖)·‖g‖` (so that steps become exact Newton steps near the optimum and the
/// convergence superlinear). The step is taken when the objective falls by at least 1e-4 of the
/// predicted decrease (or, below the objective's rounding error, when the value stays within
/// rounding and the gradient norm falls), and Δ adapts to how well the model predicted. Needs
/// [`Objective::hessian_operator`]; each CG iteration costs one Hessian-vector product.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NewtonCg {
    max_iter: usize,
    tol: f64,
    max_cg: usize,
}

impl Default for NewtonCg {
    /// 200 outer iterations, gradient tolerance 1e-10, at most 250 CG iterations per step.
    fn default() -> Self {
        Self {
            max_iter: 200,
            tol: 1e-10,
            max_cg: 250,
        }
    }
}

impl NewtonCg {
    /// Newton-CG with default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Outer-iteration budget (default 200, must be ≥ 1).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Stop when ‖∇f‖ ≤ `tol` (default 1e-10; must be finite and ≥ 0).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Most conjugate-gradient iterations per step (default 250, must be ≥ 1).
    pub fn max_cg(mut self, max_cg: usize) -> Self {
        self.max_cg = max_cg;
        self
    }
}

impl SolverConfig for NewtonCg {
    fn validate(&self) -> Result<(), OptimError> {
        crate::check::at_least_one("max_cg", self.max_cg)?;
        self.stop_rule().validate()
    }

    fn stop_rule(&self) -> StopRule {
        StopRule::new(self.max_iter, self.tol)
    }

    fn step(&self) -> Box<dyn Step> {
        Box::new(NewtonCgStep {
            max_cg: self.max_cg,
            radius: 0.0,
        })
    }
}

/// TRON's state: the trust-region radius.
struct NewtonCgStep {
    max_cg: usize,
    radius: f64,
}

impl Step for NewtonCgStep {
    fn name(&self) -> &'static str {
        "newton-cg"
    }

    fn init(&mut self, f: &dyn Objective, start: &Point) -> Result<(), OptimError> {
        // Ask for the operator up front so a missing one is reported before any iteration.
        drop(f.hessian_operator(&start.x)?);
        self.radius = start.grad_norm;
        Ok(())
    }

    fn step(&mut self, f: &dyn Objective, cur: &Point) -> Result<StepResult, OptimError> {
        let h = f.hessian_operator(&cur.x)?;
        let forcing = 0.1f64.min(cur.grad_norm.sqrt());
        let slack = noise(cur.value);
        for _ in 0..MAX_REJECTS {
            if !(self.radius.is_finite() && self.radius > 0.0) {
                return Ok(StepResult::Stalled);
            }
            let (s, hs_dot_s) = steihaug(h.as_ref(), &cur.grad, self.radius, forcing, self.max_cg)?;
            let s_norm = s.norm();
            let gs = cur.grad.dot(&s);
            let predicted = -(gs + 0.5 * hs_dot_s);
            let trial = Point::evaluate(f, &cur.x + &s)?;
            let Some(trial) = trial else {
                self.radius = SIGMA1 * s_norm.min(self.radius);
                continue;
            };
            let actual = cur.value - trial.value;
            // liblinear's radius update, with the step length α from the model's minimizer
            // along s.
            let alpha = if trial.value - cur.value - gs <= 0.0 {
                SIGMA3
            } else {
                (SIGMA1).max(-0.5 * (gs / (trial.value - cur.value - gs)))
            };
            let ratio = actual / predicted;
            self.radius = if ratio < ETA0 || !ratio.is_finite() {
                (alpha.max(SIGMA1) * s_norm).min(SIGMA2 * self.radius)
            } else if ratio < ETA1 {
                (SIGMA1 * self.radius).max((alpha * s_norm).min(SIGMA2 * self.radius))
            } else if ratio < ETA2 {
                (SIGMA1 * self.radius).max((alpha * s_norm).min(SIGMA3 * self.radius))
            } else {
                self.radius.max((alpha * s_norm).min(SIGMA3 * self.radius))
            };
            let accepted = (predicted > 0.0 && actual > ETA0 * predicted)
                // Below the objective's rounding error the ratio is noise; the gradient is not.
                || (predicted <= 2.0 * slack
                    && trial.value <= cur.value + slack
                    && trial.grad_norm < cur.grad_norm);
            if accepted {
                return Ok(StepResult::Moved {
                    point: trial,
                    inner: 1,
                });
            }
        }
        Ok(StepResult::Stalled)
    }
}

/// Steihaug's truncated conjugate gradients on `min g·s + ½ sᵀHs, ‖s‖ ≤ radius`: returns s and
/// sᵀHs. Stops at the boundary, at negative curvature (following it to the boundary), when the
/// residual is at most `forcing·‖g‖`, or after `max_cg` iterations.
fn steihaug(
    h: &dyn HessianOperator,
    g: &DVector<f64>,
    radius: f64,
    forcing: f64,
    max_cg: usize,
) -> Result<(DVector<f64>, f64), OptimError> {
    let n = g.len();
    let mut s = DVector::zeros(n);
    let mut r = -g;
    let mut d = r.clone();
    let mut hd = DVector::zeros(n);
    let mut rr = r.norm_squared();
    let stop = forcing * g.norm();
    for _ in 0..max_cg {
        if rr.sqrt() <= stop {
            break;
        }
        h.apply(&d, &mut hd)?;
        let dhd = d.dot(&hd);
        if dhd.is_nan() || dhd <= 0.0 || dhd.is_infinite() {
            // Negative (or no) curvature: go to the boundary along d.
            let tau = to_boundary(&s, &d, radius);
            s.axpy(tau, &d, 1.0);
            return finish(h, s, &mut hd);
        }
        let alpha = rr / dhd;
        let mut next = s.clone();
        next.axpy(alpha, &d, 1.0);
        if next.norm() >= radius {
            let tau = to_boundary(&s, &d, radius);
            s.axpy(tau, &d, 1.0);
            return finish(h, s, &mut hd);
        }
        s = next;
        r.axpy(-alpha, &hd, 1.0);
        let rr_new = r.norm_squared();
        let beta = rr_new / rr;
        rr = rr_new;
        d *= beta;
        d += &r;
    }
    // Inside the region the residual is r = −g − Hs, so sᵀHs = −sᵀ(g + r) costs no product.
    let shs = -s.dot(&(g + &r));
    Ok((s, shs))
}

/// s and sᵀHs for a step ending on the boundary (one more product).
fn finish(
    h: &dyn HessianOperator,
    s: DVector<f64>,
    hs: &mut DVector<f64>,
) -> Result<(DVector<f64>, f64), OptimError> {
    h.apply(&s, hs)?;
    let shs = s.dot(hs);
    Ok((s, shs))
}

/// τ ≥ 0 with ‖s + τd‖ = radius.
fn to_boundary(s: &DVector<f64>, d: &DVector<f64>, radius: f64) -> f64 {
    let dd = d.norm_squared();
    let sd = s.dot(d);
    let ss = s.norm_squared();
    if dd == 0.0 {
        return 0.0;
    }
    let disc = (sd * sd + dd * (radius * radius - ss)).max(0.0);
    (-sd + disc.sqrt()) / dd
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    struct Dense(DMatrix<f64>);
    impl HessianOperator for Dense {
        fn apply(&self, v: &DVector<f64>, out: &mut DVector<f64>) -> Result<(), OptimError> {
            out.copy_from(&(&self.0 * v));
            Ok(())
        }
    }

    #[test]
    fn inside_a_large_region_cg_solves_the_newton_system() {
        let a = DMatrix::from_row_slice(3, 3, &[4.0, 1.0, 0.0, 1.0, 3.0, 0.5, 0.0, 0.5, 2.0]);
        let g = DVector::from_row_slice(&[1.0, -2.0, 0.5]);
        let (s, shs) = steihaug(&Dense(a.clone()), &g, 1e6, 1e-14, 50).unwrap();
        assert!((&a * &s + &g).norm() < 1e-12);
        assert!((shs - s.dot(&(&a * &s))).abs() < 1e-12);
    }

    #[test]
    fn a_small_region_truncates_at_the_boundary_and_negative_curvature_reaches_it() {
        let a = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, 1.0]);
        let g = DVector::from_row_slice(&[3.0, 4.0]);
        let (s, _) = steihaug(&Dense(a), &g, 0.5, 1e-12, 50).unwrap();
        assert!((s.norm() - 0.5).abs() < 1e-12);
        let indefinite = DMatrix::from_row_slice(2, 2, &[-1.0, 0.0, 0.0, 1.0]);
        let (s, _) = steihaug(&Dense(indefinite), &g, 2.0, 1e-12, 50).unwrap();
        assert!((s.norm() - 2.0).abs() < 1e-12);
        assert!(s.dot(&g) < 0.0);
    }
}
