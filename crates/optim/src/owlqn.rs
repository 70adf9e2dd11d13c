//! OWL-QN (orthant-wise limited-memory quasi-Newton; Andrew & Gao, "Scalable training of
//! L1-regularized log-linear models", ICML 2007): L-BFGS for `f + Σ λⱼ|xⱼ|`, needing nothing but
//! values and gradients of the smooth part, so it works on data read in passes.

use nalgebra::DVector;
use serde::{Deserialize, Serialize};

use crate::check;
use crate::driver::{all_finite, noise, Point, Step, StepResult, StopRule};
use crate::l1::L1;
use crate::lbfgs::Memory;
use crate::{Objective, OptimError, SolverConfig, Stop};

/// Sufficient-decrease constant of the backtracking line search.
const C1: f64 = 1e-4;
/// Halvings tried before the line search gives up.
const MAX_HALVINGS: usize = 60;

/// OWL-QN: L-BFGS on the minimum-norm subgradient (the pseudo-gradient), each step kept inside
/// the orthant the current point (or the descent direction, at zero) lies in, so coefficients
/// cross zero only by landing on it and stay exactly 0 there.
///
/// The curvature pairs are differences of the smooth part's gradients, as in the paper. Stops when
/// the subgradient's norm is at most `tol`, when `max_iter` is spent, or when no step along the
/// projected direction (nor along the negative subgradient) lowers the objective. On an objective
/// without an L1 term ([`Objective::composite`] is `None`) it is plain L-BFGS with a backtracking
/// search.
///
/// ```
/// use logreg_optim::{L1, L1Penalized, NoObserver, Objective, OptimError, OwlQn, Solver};
/// use nalgebra::DVector;
///
/// /// f(x) = ½‖x − (3, 0.5)‖²
/// struct Bowl;
/// impl Objective for Bowl {
///     fn dim(&self) -> usize { 2 }
///     fn value_grad(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> Result<f64, OptimError> {
///         g.copy_from(&(x - DVector::from_row_slice(&[3.0, 0.5])));
///         Ok(0.5 * g.norm_squared())
///     }
/// }
/// let f = L1Penalized::new(&Bowl, L1::new(vec![1.0, 1.0])?)?;
/// let r = OwlQn::default().minimize(&f, DVector::zeros(2), &mut NoObserver)?;
/// assert!((r.x[0] - 2.0).abs() < 1e-9);
/// assert_eq!(r.x[1], 0.0);                       // exactly zero
/// # Ok::<(), OptimError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OwlQn {
    memory: usize,
    max_iter: usize,
    tol: f64,
}

impl Default for OwlQn {
    /// Memory 10, 1000 iterations, subgradient tolerance 1e-10.
    fn default() -> Self {
        OwlQn {
            memory: 10,
            max_iter: 1000,
            tol: 1e-10,
        }
    }
}

impl OwlQn {
    /// Number of curvature pairs kept (default 10, ≥ 1).
    pub fn memory(mut self, memory: usize) -> Self {
        self.memory = memory;
        self
    }

    /// Iteration budget (default 1000, ≥ 1).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Stop when the minimum-norm subgradient's norm is at most `tol` (default 1e-10).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
}

impl SolverConfig for OwlQn {
    fn validate(&self) -> Result<(), OptimError> {
        check::at_least_one("memory", self.memory)?;
        self.stop_rule().validate()
    }

    fn stop_rule(&self) -> StopRule {
        StopRule::new(self.max_iter, self.tol)
    }

    fn step(&self) -> Box<dyn Step> {
        Box::new(OwlQnStep {
            memory: Memory::new(self.memory),
            smooth_grad: DVector::zeros(0),
        })
    }
}

struct OwlQnStep {
    memory: Memory,
    /// ∇f of the smooth part at the current point.
    smooth_grad: DVector<f64>,
}

/// The smooth part and the L1 term of `f` (a zero term when `f` has none).
fn split(f: &dyn Objective) -> (&dyn Objective, Option<&L1>) {
    match f.composite() {
        Some((smooth, l1)) => (smooth, Some(l1)),
        None => (f, None),
    }
}

impl Step for OwlQnStep {
    fn name(&self) -> &'static str {
        "owl-qn"
    }

    fn init(&mut self, f: &dyn Objective, start: &Point) -> Result<(), OptimError> {
        self.memory.clear();
        let (smooth, _) = split(f);
        let mut g = DVector::zeros(start.x.len());
        smooth.value_grad(&start.x, &mut g)?;
        self.smooth_grad = g;
        Ok(())
    }

    fn step(&mut self, f: &dyn Objective, cur: &Point) -> Result<StepResult, OptimError> {
        let (smooth, l1) = split(f);
        let penalized = |j: usize| l1.is_some_and(|t| t.weights()[j] > 0.0);
        let pg = &cur.grad;
        // The orthant to stay in: the sign of each coordinate, or at zero the sign of the descent.
        let orthant: Vec<f64> = (0..pg.len())
            .map(|j| {
                if cur.x[j] != 0.0 {
                    cur.x[j].signum()
                } else {
                    -pg[j].signum()
                }
            })
            .collect();
        let mut from_memory = !self.memory.is_empty();
        loop {
            let mut d = if from_memory {
                self.memory.direction(pg)
            } else {
                -pg
            };
            // Keep only the components that agree with the steepest descent −pg.
            for j in 0..d.len() {
                if penalized(j) && d[j] * pg[j] >= 0.0 {
                    d[j] = 0.0;
                }
            }
            let slope = pg.dot(&d);
            if !(slope < 0.0 && all_finite(&d)) {
                if from_memory {
                    self.memory.clear();
                    from_memory = false;
                    continue;
                }
                return Ok(StepResult::Stalled);
            }
            let mut alpha = if from_memory {
                1.0
            } else {
                let inv = 1.0 / d.norm();
                if inv.is_finite() {
                    inv
                } else {
                    1.0
                }
            };
            let slack = noise(cur.value);
            for _ in 0..MAX_HALVINGS {
                let mut x = &cur.x + alpha * &d;
                for j in 0..x.len() {
                    if penalized(j) && x[j] * orthant[j] <= 0.0 {
                        x[j] = 0.0;
                    }
                }
                if all_finite(&x) {
                    let mut g = DVector::zeros(x.len());
                    let v = smooth.value_grad(&x, &mut g)?;
                    let mut sub = DVector::zeros(x.len());
                    let (value, sub_norm) = match l1 {
                        Some(t) => (
                            v + t.value(x.as_slice()),
                            t.min_norm_subgradient(x.as_slice(), g.as_slice(), sub.as_mut_slice()),
                        ),
                        None => {
                            sub.copy_from(&g);
                            (v, g.norm())
                        }
                    };
                    if value.is_finite() && all_finite(&g) && sub_norm.is_finite() {
                        let armijo = value <= cur.value + C1 * pg.dot(&(&x - &cur.x));
                        let flat_but_closer =
                            value <= cur.value + slack && sub_norm < cur.grad_norm;
                        if armijo || flat_but_closer {
                            self.memory.push(&x - &cur.x, &g - &self.smooth_grad);
                            self.smooth_grad = g;
                            let point = Point {
                                x,
                                value,
                                grad: sub,
                                grad_norm: sub_norm,
                            };
                            return Ok(StepResult::Moved { point, inner: 1 });
                        }
                    }
                }
                alpha *= 0.5;
            }
            if from_memory {
                self.memory.clear();
                from_memory = false;
                continue;
            }
            // No decrease along the steepest descent either: at the optimum to rounding, or stuck.
            if -slope <= 10.0 * slack {
                return Ok(StepResult::Finished {
                    point: cur.clone(),
                    inner: 1,
                    stop: Stop::Stationary,
                });
            }
            return Ok(StepResult::Stalled);
        }
    }
}
