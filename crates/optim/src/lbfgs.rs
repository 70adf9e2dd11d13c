//! Limited-memory BFGS: a quasi-Newton method that builds curvature from the last few steps.

use std::collections::VecDeque;

use nalgebra::DVector;
use serde::{Deserialize, Serialize};

use crate::check;
use crate::driver::{all_finite, Point, Step, StepResult, StopRule};
use crate::line_search::{self, Search};
use crate::{Objective, OptimError, SolverConfig};

/// Limited-memory BFGS with a strong Wolfe line search (c₁ = 1e-4, c₂ = 0.9).
///
/// The inverse Hessian is approximated from the last `memory` pairs (s, y) = (step, change in
/// gradient) by the two-loop recursion (Nocedal & Wright, Algorithm 7.4). A pair is skipped when
/// sᵀy ≤ ε·‖s‖‖y‖, which keeps the approximation positive definite. Stops when ‖∇f‖ ≤ `tol`, when the
/// relative decrease falls to `ftol` (if `ftol > 0`), when `max_iter` is spent, or when the line
/// search finds no decrease even along the steepest descent direction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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
}

impl SolverConfig for Lbfgs {
    fn validate(&self) -> Result<(), OptimError> {
        check::at_least_one("memory", self.memory)?;
        self.stop_rule().validate()
    }

    fn stop_rule(&self) -> StopRule {
        StopRule {
            ftol: self.ftol,
            ..StopRule::new(self.max_iter, self.tol)
        }
    }

    fn step(&self) -> Box<dyn Step> {
        Box::new(LbfgsStep {
            memory: Memory::new(self.memory),
            start: None,
        })
    }
}

/// L-BFGS's state: the curvature pairs, and the start (a run that fails must not end above it).
struct LbfgsStep {
    memory: Memory,
    start: Option<Point>,
}

impl Step for LbfgsStep {
    fn name(&self) -> &'static str {
        "lbfgs"
    }

    fn init(&mut self, _f: &dyn Objective, start: &Point) -> Result<(), OptimError> {
        self.memory.clear();
        self.start = Some(start.clone());
        Ok(())
    }

    /// The quasi-Newton direction, falling back to steepest descent (and a fresh memory) when that
    /// direction is unusable or its line search fails; stalled when even steepest descent finds no
    /// lower point.
    fn step(&mut self, f: &dyn Objective, cur: &Point) -> Result<StepResult, OptimError> {
        let memory = &mut self.memory;
        let mut d = memory.direction(&cur.grad);
        let descent = cur.grad.dot(&d) < 0.0 && all_finite(&d);
        if !descent {
            memory.clear();
            d = -&cur.grad;
        }
        loop {
            // Without curvature information the scale of −g is arbitrary: make the first trial
            // move by one unit, as the line search can grow or shrink it from there.
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
            let point = match line_search::strong_wolfe(f, cur, &d, alpha0)? {
                Search::Found(p) => p,
                // Lower but without the curvature condition: still progress, and the pair update
                // protects itself with the sᵀy test.
                Search::Failed(Some(p)) => p,
                Search::Failed(None) if !memory.is_empty() => {
                    memory.clear();
                    d = -&cur.grad;
                    continue;
                }
                Search::Failed(None) => return Ok(StepResult::Stalled),
            };
            memory.push(&point.x - &cur.x, &point.grad - &cur.grad);
            return Ok(StepResult::Moved { point, inner: 1 });
        }
    }

    fn final_point(&mut self, last: Point) -> Point {
        // Steps may raise the objective by rounding noise; a failed run must not end above its start.
        match self.start.take() {
            Some(start) if start.value < last.value => start,
            _ => last,
        }
    }
}

/// The last few curvature pairs, oldest first.
#[derive(Debug)]
pub(crate) struct Memory {
    capacity: usize,
    /// (s, y, 1/sᵀy).
    pairs: VecDeque<(DVector<f64>, DVector<f64>, f64)>,
}

impl Memory {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            pairs: VecDeque::with_capacity(capacity),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.pairs.clear();
    }

    /// Keep the pair unless sᵀy ≤ ε·‖s‖‖y‖: such a pair carries no reliable positive curvature and
    /// would make the approximation indefinite or ill-conditioned.
    pub(crate) fn push(&mut self, s: DVector<f64>, y: DVector<f64>) {
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
    pub(crate) fn direction(&self, g: &DVector<f64>) -> DVector<f64> {
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
