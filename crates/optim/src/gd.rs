//! Gradient descent with a fixed learning rate, exactly as "from scratch" tutorials run it.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::driver::{Point, Step, StepResult, StopRule};
use crate::{Objective, OptimError, SolverConfig};

/// Gradient descent with a fixed step: x ← x − η·∇f(x).
///
/// Stops when the gradient norm falls to `tol`, when the objective changes by less than `threshold`
/// between iterations (if `threshold > 0`), when `max_iter` iterations are spent, or when the
/// objective blows up (non-finite, or above its start and rising for several iterations in a row:
/// the learning rate is too large), in which case the report holds the best point seen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GradientDescent {
    learning_rate: f64,
    max_iter: usize,
    threshold: f64,
    tol: f64,
}

impl Default for GradientDescent {
    /// Learning rate 0.1, 1000 iterations, no loss-change threshold, gradient tolerance 1e-8.
    fn default() -> Self {
        Self {
            learning_rate: 0.1,
            max_iter: 1000,
            threshold: 0.0,
            tol: 1e-8,
        }
    }
}

impl GradientDescent {
    /// Gradient descent with the given learning rate and default everything else.
    pub fn new(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            ..Self::default()
        }
    }

    /// Step size η (must be finite and > 0).
    pub fn learning_rate(mut self, learning_rate: f64) -> Self {
        self.learning_rate = learning_rate;
        self
    }

    /// Iteration budget (default 1000, must be ≥ 1).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Stop when |f(x_k) − f(x_{k+1})| < `threshold` (default 0 = off; must be finite and ≥ 0).
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Stop when ‖∇f‖ ≤ `tol` (default 1e-8; must be finite and ≥ 0).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
}

impl SolverConfig for GradientDescent {
    fn validate(&self) -> Result<(), OptimError> {
        check::positive("learning_rate", self.learning_rate)?;
        self.stop_rule().validate()
    }

    fn stop_rule(&self) -> StopRule {
        StopRule {
            loss_change: self.threshold,
            ..StopRule::new(self.max_iter, self.tol)
        }
    }

    fn step(&self) -> Box<dyn Step> {
        Box::new(GdStep {
            learning_rate: self.learning_rate,
        })
    }
}

/// Gradient descent's state: nothing but the step size.
struct GdStep {
    learning_rate: f64,
}

impl Step for GdStep {
    fn name(&self) -> &'static str {
        "gd"
    }

    fn init(&mut self, _f: &dyn Objective, _start: &Point) -> Result<(), OptimError> {
        Ok(())
    }

    fn step(&mut self, f: &dyn Objective, cur: &Point) -> Result<StepResult, OptimError> {
        let x = &cur.x - self.learning_rate * &cur.grad;
        Ok(match Point::evaluate(f, x)? {
            Some(point) => StepResult::Moved { point, inner: 1 },
            None => StepResult::Diverged,
        })
    }

    fn can_diverge(&self) -> bool {
        true
    }
}
