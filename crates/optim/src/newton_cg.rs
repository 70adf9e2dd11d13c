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
/// convergence superlinear). When the objective offers the Hessian's diagonal, the conjugate
/// gradients are preconditioned with `M = 0.01·diag(H) + 0.99·min diag(H)` and the region is a
/// ball in the M-norm (liblinear's mixture, Hsia, Chiang & Lin 2018): columns of very different
/// curvature (rare one-hot categories beside common ones) then no longer cost hundreds of
/// products per step. The step is taken when the objective falls by at least 1e-4 of the
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
            radius: None,
        })
    }
}

/// TRON's state: the trust-region radius (set at the first step, in the M-norm).
struct NewtonCgStep {
    max_cg: usize,
    radius: Option<f64>,
}

/// The weight of the Hessian's diagonal in the preconditioner (liblinear's `alpha_pcg`).
const PCG_ALPHA: f64 = 0.01;

/// The preconditioner M (a positive diagonal) from the Hessian's diagonal, or the identity.
fn preconditioner(diag: Option<DVector<f64>>, n: usize) -> DVector<f64> {
    let Some(diag) = diag.filter(|d| d.len() == n && d.iter().all(|v| v.is_finite())) else {
        return DVector::from_element(n, 1.0);
    };
    let largest = diag.iter().fold(0.0f64, |m, &v| m.max(v));
    if largest <= 0.0 {
        return DVector::from_element(n, 1.0);
    }
    // The floor plays the part of liblinear's penalty curvature: the smallest positive entry
    // (an all-zero column without a penalty has none), and never below 1e-12 of the largest.
    let floor = diag
        .iter()
        .copied()
        .filter(|&v| v > 0.0)
        .fold(largest, f64::min)
        .max(1e-12 * largest);
    diag.map(|v| PCG_ALPHA * v.max(0.0) + (1.0 - PCG_ALPHA) * floor)
}

/// uᵀ M v for a diagonal M.
fn m_dot(u: &DVector<f64>, m: &DVector<f64>, v: &DVector<f64>) -> f64 {
    u.iter()
        .zip(m.iter())
        .zip(v.iter())
        .map(|((a, b), c)| a * b * c)
        .sum()
}

impl Step for NewtonCgStep {
    fn name(&self) -> &'static str {
        "newton-cg"
    }

    fn init(&mut self, f: &dyn Objective, start: &Point) -> Result<(), OptimError> {
        // Ask for the operator up front so a missing one is reported before any iteration.
        drop(f.hessian_operator(&start.x)?);
        self.radius = None;
        Ok(())
    }

    fn step(&mut self, f: &dyn Objective, cur: &Point) -> Result<StepResult, OptimError> {
        let h = f.hessian_operator(&cur.x)?;
        let m = preconditioner(h.diagonal()?, cur.grad.len());
        // The first region holds the preconditioned gradient step, ‖M⁻¹g‖_M = √(gᵀM⁻¹g).
        let radius = self.radius.get_or_insert_with(|| {
            cur.grad
                .iter()
                .zip(m.iter())
                .map(|(g, m)| g * g / m)
                .sum::<f64>()
                .sqrt()
        });
        let forcing = 0.1f64.min(cur.grad_norm.sqrt());
        let slack = noise(cur.value);
        for _ in 0..MAX_REJECTS {
            if !(radius.is_finite() && *radius > 0.0) {
                return Ok(StepResult::Stalled);
            }
            let (s, hs_dot_s) = steihaug(h.as_ref(), &m, &cur.grad, *radius, forcing, self.max_cg)?;
            let s_norm = m_dot(&s, &m, &s).sqrt();
            let gs = cur.grad.dot(&s);
            let predicted = -(gs + 0.5 * hs_dot_s);
            let trial = Point::evaluate(f, &cur.x + &s)?;
            let Some(trial) = trial else {
                *radius = SIGMA1 * s_norm.min(*radius);
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
            *radius = if ratio < ETA0 || !ratio.is_finite() {
                (alpha.max(SIGMA1) * s_norm).min(SIGMA2 * *radius)
            } else if ratio < ETA1 {
                (SIGMA1 * *radius).max((alpha * s_norm).min(SIGMA2 * *radius))
            } else if ratio < ETA2 {
                (SIGMA1 * *radius).max((alpha * s_norm).min(SIGMA3 * *radius))
            } else {
                radius.max((alpha * s_norm).min(SIGMA3 * *radius))
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

/// Steihaug's truncated conjugate gradients, preconditioned by the diagonal `m`, on
/// `min g·s + ½ sᵀHs, ‖s‖_M ≤ radius`: returns s and sᵀHs. Stops at the boundary, at negative
/// curvature (following it to the boundary), when the residual's M⁻¹-norm is at most `forcing`
/// times the gradient's, or after `max_cg` iterations. The residual r = −g − Hs is kept up to
/// date, so sᵀHs = −sᵀ(g + r) costs no further product.
fn steihaug(
    h: &dyn HessianOperator,
    m: &DVector<f64>,
    g: &DVector<f64>,
    radius: f64,
    forcing: f64,
    max_cg: usize,
) -> Result<(DVector<f64>, f64), OptimError> {
    let n = g.len();
    let mut s = DVector::zeros(n);
    let mut r = -g;
    let mut z = r.component_div(m);
    let mut d = z.clone();
    let mut hd = DVector::zeros(n);
    let mut rz = r.dot(&z);
    let stop = forcing * rz.sqrt();
    for _ in 0..max_cg {
        if rz.sqrt() <= stop {
            break;
        }
        h.apply(&d, &mut hd)?;
        let dhd = d.dot(&hd);
        let alpha = rz / dhd;
        let inside = dhd.is_finite() && dhd > 0.0 && {
            let next = &s + &d * alpha;
            m_dot(&next, m, &next).sqrt() < radius
        };
        if !inside {
            // Negative (or no) curvature, or a step past the boundary: go to the boundary
            // along d.
            let tau = to_boundary(&s, &d, m, radius);
            s.axpy(tau, &d, 1.0);
            r.axpy(-tau, &hd, 1.0);
            break;
        }
        s.axpy(alpha, &d, 1.0);
        r.axpy(-alpha, &hd, 1.0);
        z = r.component_div(m);
        let rz_new = r.dot(&z);
        let beta = rz_new / rz;
        rz = rz_new;
        d *= beta;
        d += &z;
    }
    let shs = -s.dot(&(g + &r));
    Ok((s, shs))
}

/// τ ≥ 0 with ‖s + τd‖_M = radius.
fn to_boundary(s: &DVector<f64>, d: &DVector<f64>, m: &DVector<f64>, radius: f64) -> f64 {
    let dd = m_dot(d, m, d);
    let sd = m_dot(s, m, d);
    let ss = m_dot(s, m, s);
    if !(dd > 0.0 && dd.is_finite()) {
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
    fn the_preconditioner_mixes_the_diagonal_with_its_smallest_entry() {
        let m = preconditioner(Some(DVector::from_row_slice(&[100.0, 1.0, 0.0])), 3);
        let expect = [0.01 * 100.0 + 0.99, 0.01 + 0.99, 0.99];
        for (a, b) in m.iter().zip(expect) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        assert_eq!(preconditioner(None, 2), DVector::from_element(2, 1.0));
        let nan = preconditioner(Some(DVector::from_row_slice(&[f64::NAN, 1.0])), 2);
        assert_eq!(nan, DVector::from_element(2, 1.0));
    }

    #[test]
    fn inside_a_large_region_cg_solves_the_newton_system() {
        let a = DMatrix::from_row_slice(3, 3, &[4.0, 1.0, 0.0, 1.0, 3.0, 0.5, 0.0, 0.5, 2.0]);
        let g = DVector::from_row_slice(&[1.0, -2.0, 0.5]);
        for m in [
            DVector::from_element(3, 1.0),
            DVector::from_row_slice(&[4.0, 3.0, 2.0]),
        ] {
            let (s, shs) = steihaug(&Dense(a.clone()), &m, &g, 1e6, 1e-14, 50).unwrap();
            assert!((&a * &s + &g).norm() < 1e-12);
            assert!((shs - s.dot(&(&a * &s))).abs() < 1e-12);
        }
    }

    #[test]
    fn a_small_region_truncates_at_the_boundary_and_negative_curvature_reaches_it() {
        let a = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, 1.0]);
        let g = DVector::from_row_slice(&[3.0, 4.0]);
        let one = DVector::from_element(2, 1.0);
        let (s, shs) = steihaug(&Dense(a.clone()), &one, &g, 0.5, 1e-12, 50).unwrap();
        assert!((s.norm() - 0.5).abs() < 1e-12);
        assert!((shs - s.dot(&(&a * &s))).abs() < 1e-12);
        // In the M-norm: ‖s‖_M = √(Σ mᵢsᵢ²) is the radius.
        let m = DVector::from_row_slice(&[9.0, 1.0]);
        let (s, _) = steihaug(&Dense(a), &m, &g, 0.5, 1e-12, 50).unwrap();
        assert!((m_dot(&s, &m, &s).sqrt() - 0.5).abs() < 1e-12);
        let indefinite = DMatrix::from_row_slice(2, 2, &[-1.0, 0.0, 0.0, 1.0]);
        let (s, shs) = steihaug(&Dense(indefinite.clone()), &one, &g, 2.0, 1e-12, 50).unwrap();
        assert!((s.norm() - 2.0).abs() < 1e-12);
        assert!(s.dot(&g) < 0.0);
        assert!((shs - s.dot(&(&indefinite * &s))).abs() < 1e-12);
    }
}
