//! Limited-memory BFGS: a quasi-Newton method that builds curvature from the last few steps.

use std::collections::VecDeque;

use nalgebra::DVector;

use crate::check::{self, Point};
use crate::line_search::{self, Search};
use crate::{Control, Iteration, Objective, Observer, OptimError, Report, Solver, Stop};

/// Limited-memory BFGS with a strong Wolfe line search (c₁ = 1e-4, c₂ = 0.9).
///
/// The inverse Hessian is approximated from the last `memory` pairs (s, y) = (step, change in
/// gradient) by the two-loop recursion (Nocedal & Wright, Algorithm 7.4). A pair is skipped when
/// sᵀy ≤ ε·‖s‖‖y‖, which keeps the approximation positive definite. Stops when ‖∇f‖ ≤ `tol`, when the
/// relative decrease falls to `ftol` (if `ftol > 0`), when `max_iter` is spent, or when the line
/// search finds no decrease even along the steepest descent direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lbfgs {
    memory: usize,
    max_iter: usize,
    tol: f64,
    ftol: f64,
}

impl Default for Lbfgs {
    /// Memory 10, 1000 iterations, gradient tolerance 1e-10, no relative-decrease test.
    fn default() -> Self {
        Self {
            memory: 10,
            max_iter: 1000,
            tol: 1e-10,
            ftol: 0.0,
        }
    }
}

impl Lbfgs {
    /// L-BFGS with default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of (s, y) pairs kept (default 10, must be ≥ 1).
    pub fn memory(mut self, memory: usize) -> Self {
        self.memory = memory;
        self
    }

    /// Iteration budget (default 1000, must be ≥ 1).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Stop when ‖∇f‖ ≤ `tol` (default 1e-10; must be finite and ≥ 0).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ `ftol` (default 0 = off; must be finite
    /// and ≥ 0), as scipy's L-BFGS-B does.
    pub fn ftol(mut self, ftol: f64) -> Self {
        self.ftol = ftol;
        self
    }

    /// Check every parameter, naming the first one out of range.
    pub fn validate(&self) -> Result<(), OptimError> {
        check::at_least_one("memory", self.memory)?;
        check::at_least_one("max_iter", self.max_iter)?;
        check::non_negative("tol", self.tol)?;
        check::non_negative("ftol", self.ftol)?;
        Ok(())
    }
}

impl<O: Objective + ?Sized> Solver<O> for Lbfgs {
    fn minimize(
        &self,
        f: &O,
        x0: DVector<f64>,
        obs: &mut dyn Observer,
    ) -> Result<Report, OptimError> {
        self.validate()?;
        let mut cur = check::start(f, x0)?;
        if let Some(report) = check::optimal_start(&cur, self.tol) {
            return Ok(report);
        }
        let mut history = vec![cur.value];
        // Steps may raise the objective by rounding noise; a failed run must not end above its start.
        let initial = cur.clone();
        let mut memory = Memory::new(self.memory);

        for iteration in 1..=self.max_iter {
            let Some(next) = step(f, &cur, &mut memory) else {
                let p = if cur.value <= initial.value {
                    cur
                } else {
                    initial
                };
                let iterations = iteration - 1;
                return Ok(check::report(
                    p,
                    iterations,
                    None,
                    Stop::LineSearchFailed,
                    history,
                ));
            };
            memory.push(&next.x - &cur.x, &next.grad - &cur.grad);
            let scale = cur.value.abs().max(next.value.abs()).max(1.0);
            let relative_decrease = (cur.value - next.value) / scale;
            history.push(next.value);
            let control = obs.observe(&Iteration {
                iteration,
                value: next.value,
                grad_norm: next.grad_norm,
                x: &next.x,
            });
            cur = next;

            let stop = if cur.grad_norm <= self.tol {
                Some(Stop::GradientTolerance)
            } else if self.ftol > 0.0 && relative_decrease <= self.ftol {
                Some(Stop::LossChangeBelowThreshold)
            } else if control == Control::Stop {
                Some(Stop::ObserverRequested)
            } else {
                None
            };
            if let Some(stop) = stop {
                return Ok(check::report(cur, iteration, None, stop, history));
            }
        }
        Ok(check::report(
            cur,
            self.max_iter,
            None,
            Stop::MaxIterations,
            history,
        ))
    }
}

/// One L-BFGS step from `cur`: the quasi-Newton direction, falling back to steepest descent (and a
/// fresh memory) when that direction is unusable or its line search fails. `None` when even steepest
/// descent finds no lower point.
fn step<O: Objective + ?Sized>(f: &O, cur: &Point, memory: &mut Memory) -> Option<Point> {
    let mut d = memory.direction(&cur.grad);
    let descent = cur.grad.dot(&d) < 0.0 && check::all_finite(&d);
    if !descent {
        memory.clear();
        d = -&cur.grad;
    }
    loop {
        // Without curvature information the scale of −g is arbitrary: make the first trial move by
        // one unit, as the line search can grow or shrink it from there.
        let alpha0 = if memory.is_empty() {
            let inv = 1.0 / d.norm();
            if inv.is_finite() {
                inv
            } else {
                1.0
            }
        } else {
            1.0
        };
        match line_search::strong_wolfe(f, cur, &d, alpha0) {
            Search::Found(p) => return Some(p),
            // Lower but without the curvature condition: still progress, and the pair update
            // protects itself with the sᵀy test.
            Search::Failed(Some(p)) => return Some(p),
            Search::Failed(None) if !memory.is_empty() => {
                memory.clear();
                d = -&cur.grad;
            }
            Search::Failed(None) => return None,
        }
    }
}

/// The last few curvature pairs, oldest first.
#[derive(Debug)]
struct Memory {
    capacity: usize,
    /// (s, y, 1/sᵀy).
    pairs: VecDeque<(DVector<f64>, DVector<f64>, f64)>,
}

impl Memory {
    fn new(capacity: usize) -> Self {
        Self {
            capacity,
            pairs: VecDeque::with_capacity(capacity),
        }
    }

    fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    fn clear(&mut self) {
        self.pairs.clear();
    }

    /// Keep the pair unless sᵀy ≤ ε·‖s‖‖y‖: such a pair carries no reliable positive curvature and
    /// would make the approximation indefinite or ill-conditioned.
    fn push(&mut self, s: DVector<f64>, y: DVector<f64>) {
        let sy = s.dot(&y);
        let curved = sy.is_finite() && sy > f64::EPSILON * s.norm() * y.norm();
        if !curved {
            return;
        }
        let rho = 1.0 / sy;
        if !rho.is_finite() {
            return;
        }
        if self.pairs.len() == self.capacity {
            self.pairs.pop_front();
        }
        self.pairs.push_back((s, y, rho));
    }

    /// −H·g by the two-loop recursion, with H₀ = γI, γ = sᵀy / yᵀy of the newest pair.
    fn direction(&self, g: &DVector<f64>) -> DVector<f64> {
        let mut q = g.clone();
        let mut alphas = Vec::with_capacity(self.pairs.len());
        for (s, y, rho) in self.pairs.iter().rev() {
            let a = rho * s.dot(&q);
            q.axpy(-a, y, 1.0);
            alphas.push(a);
        }
        if let Some((s, y, _)) = self.pairs.back() {
            let gamma = s.dot(y) / y.norm_squared();
            if gamma.is_finite() && gamma > 0.0 {
                q *= gamma;
            }
        }
        for ((s, y, rho), a) in self.pairs.iter().zip(alphas.iter().rev()) {
            let b = rho * y.dot(&q);
            q.axpy(a - b, s, 1.0);
        }
        -q
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    #[test]
    fn two_loop_satisfies_the_newest_secant_equation() {
        // Every BFGS update makes H·y = s for the pair it adds, whatever came before.
        let a = DMatrix::from_row_slice(3, 3, &[4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0]);
        let mut m = Memory::new(10);
        let mut last = None;
        for s in [[1.0, 0.0, 0.0], [0.3, 1.0, 0.0], [0.1, -0.4, 1.0]] {
            let s = DVector::from_row_slice(&s);
            let y = &a * &s;
            m.push(s.clone(), y.clone());
            last = Some((s, y));
        }
        let (s, y) = last.unwrap();
        assert!((m.direction(&y) + s).norm() < 1e-12);
    }

    #[test]
    fn pairs_without_positive_curvature_are_skipped_and_memory_is_bounded() {
        let mut m = Memory::new(2);
        m.push(
            DVector::from_element(2, 1.0),
            DVector::from_element(2, -1.0),
        );
        assert!(m.is_empty());
        for k in 1..=5 {
            m.push(
                DVector::from_element(2, k as f64),
                DVector::from_element(2, 1.0),
            );
        }
        assert_eq!(m.pairs.len(), 2);
        assert_eq!(m.pairs[0].0[0], 4.0);
    }
}
