//! Gradient descent with a fixed learning rate, exactly as "from scratch" tutorials run it.

use nalgebra::DVector;

use crate::check::{self, DivergenceWatch, Point};
use crate::{Control, Iteration, Objective, Observer, OptimError, Report, Solver, Stop};

/// Gradient descent with a fixed step: x ← x − η·∇f(x).
///
/// Stops when the gradient norm falls to `tol`, when the objective changes by less than `threshold`
/// between iterations (if `threshold > 0`), when `max_iter` iterations are spent, or when the
/// objective blows up (non-finite, or above its start and rising for several iterations in a row:
/// the learning rate is too large), in which case the report holds the best point seen.
#[derive(Debug, Clone, Copy, PartialEq)]
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

    /// Check every parameter, naming the first one out of range.
    pub fn validate(&self) -> Result<(), OptimError> {
        check::positive("learning_rate", self.learning_rate)?;
        check::at_least_one("max_iter", self.max_iter)?;
        check::non_negative("threshold", self.threshold)?;
        check::non_negative("tol", self.tol)?;
        Ok(())
    }
}

impl<O: Objective + ?Sized> Solver<O> for GradientDescent {
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
        let mut watch = DivergenceWatch::new(cur.value);
        // The best point is what a diverged run hands back.
        let mut best: Option<Point> = None;

        for iteration in 1..=self.max_iter {
            let x_next = &cur.x - self.learning_rate * &cur.grad;
            let Some(next) = check::evaluate(f, x_next) else {
                return Ok(diverged(cur, best, history));
            };
            let change = (cur.value - next.value).abs();
            history.push(next.value);
            let control = obs.observe(&Iteration {
                iteration,
                value: next.value,
                grad_norm: next.grad_norm,
                x: &next.x,
            });
            let improves = match &best {
                Some(b) => cur.value < b.value,
                None => true,
            };
            if improves {
                best = Some(cur);
            }
            cur = next;

            let stop = if cur.grad_norm <= self.tol {
                Some(Stop::GradientTolerance)
            } else if change < self.threshold {
                Some(Stop::LossChangeBelowThreshold)
            } else if watch.diverged(cur.value) {
                return Ok(diverged(cur, best, history));
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

/// The report of a diverged run: the lowest point among `cur` and `best`.
fn diverged(cur: Point, best: Option<Point>, history: Vec<f64>) -> Report {
    let iterations = history.len() - 1;
    let p = match best {
        Some(b) if b.value < cur.value => b,
        _ => cur,
    };
    check::report(p, iterations, None, Stop::Diverged, history)
}
