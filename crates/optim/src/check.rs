//! What every solver checks the same way: parameter ranges, the starting point, finite evaluations,
//! divergence, and how a run is turned into a [`Report`].

use nalgebra::DVector;

use crate::{Objective, OptimError, Report, Stop};

/// Consecutive increases of the objective (while above its starting value) that count as divergence.
///
/// Ten is enough to tell a learning rate that is too large (the objective grows geometrically) from
/// the occasional bump of a noisy or non-monotone run.
pub(crate) const DIVERGENCE_PATIENCE: usize = 10;

/// Relative slack on objective comparisons, to absorb rounding in the objective's own sum.
///
/// Near an optimum the decrease a step can make (≈ ‖g‖²) falls below the rounding error of the
/// objective (≈ n·ε·|f|), and an exact "must decrease" test rejects good steps. Line searches then
/// decide with the gradient, which stays accurate much longer.
pub(crate) const VALUE_NOISE: f64 = 1e-12;

/// The slack [`VALUE_NOISE`] gives around `value`.
pub(crate) fn noise(value: f64) -> f64 {
    VALUE_NOISE * value.abs()
}

/// An `InvalidParameter` error for `name`.
pub(crate) fn invalid(
    name: &'static str,
    reason: &'static str,
    value: impl std::fmt::Display,
) -> OptimError {
    OptimError::InvalidParameter {
        name,
        reason,
        value: value.to_string(),
    }
}

/// `value` must be finite and strictly positive.
pub(crate) fn positive(name: &'static str, value: f64) -> Result<(), OptimError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(invalid(name, "must be finite and > 0", value))
    }
}

/// `value` must be finite and non-negative.
pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<(), OptimError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(invalid(name, "must be finite and >= 0", value))
    }
}

/// `value` must be at least one.
pub(crate) fn at_least_one(name: &'static str, value: usize) -> Result<(), OptimError> {
    if value >= 1 {
        Ok(())
    } else {
        Err(invalid(name, "must be >= 1", value))
    }
}

/// A point where the objective and its gradient are finite.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    pub(crate) x: DVector<f64>,
    pub(crate) value: f64,
    pub(crate) grad: DVector<f64>,
    pub(crate) grad_norm: f64,
}

/// Evaluate `f` at `x`; `None` when `x`, the value or the gradient is not finite (or the objective
/// handed back a gradient of the wrong length), which solvers treat as divergence.
pub(crate) fn evaluate<O: Objective + ?Sized>(f: &O, x: DVector<f64>) -> Option<Point> {
    if !all_finite(&x) {
        return None;
    }
    let mut grad = DVector::zeros(x.len());
    let value = f.value_grad(&x, &mut grad);
    if !value.is_finite() || grad.len() != x.len() || !all_finite(&grad) {
        return None;
    }
    let grad_norm = grad.norm();
    // The norm of finite entries can still overflow.
    if !grad_norm.is_finite() {
        return None;
    }
    Some(Point {
        x,
        value,
        grad,
        grad_norm,
    })
}

/// Check `x0` against `f` and evaluate it: the common first step of every `minimize`.
pub(crate) fn start<O: Objective + ?Sized>(f: &O, x0: DVector<f64>) -> Result<Point, OptimError> {
    let expected = f.dim();
    if x0.len() != expected {
        return Err(OptimError::DimensionMismatch {
            expected,
            found: x0.len(),
        });
    }
    let mut grad = DVector::zeros(expected);
    let value = f.value_grad(&x0, &mut grad);
    let grad_ok = grad.len() == expected && all_finite(&grad) && grad.norm().is_finite();
    if !value.is_finite() || !grad_ok || !all_finite(&x0) {
        // A finite value here means the gradient (or x0 itself) is the culprit; the error's message
        // covers both.
        return Err(OptimError::NonFiniteStart { value });
    }
    let grad_norm = grad.norm();
    Ok(Point {
        x: x0,
        value,
        grad,
        grad_norm,
    })
}

/// Whether every entry of `v` is finite.
pub(crate) fn all_finite(v: &DVector<f64>) -> bool {
    v.iter().all(|e| e.is_finite())
}

/// Watches a sequence of objective values for the signature of a too-large step: values above the
/// start that keep increasing.
#[derive(Debug, Clone)]
pub(crate) struct DivergenceWatch {
    start: f64,
    last: f64,
    rising: usize,
}

impl DivergenceWatch {
    /// Start watching from the value at x0.
    pub(crate) fn new(start: f64) -> Self {
        Self {
            start,
            last: start,
            rising: 0,
        }
    }

    /// Record the next value; `true` when the run should be declared diverged.
    pub(crate) fn diverged(&mut self, value: f64) -> bool {
        if value > self.last {
            self.rising += 1;
        } else {
            self.rising = 0;
        }
        self.last = value;
        value > self.start && self.rising >= DIVERGENCE_PATIENCE
    }
}

/// Assemble a report at `p`.
pub(crate) fn report(
    p: Point,
    iterations: usize,
    epochs: Option<usize>,
    stop: Stop,
    history: Vec<f64>,
) -> Report {
    debug_assert!(p.value.is_finite() && p.grad_norm.is_finite() && all_finite(&p.x));
    debug_assert!(history.iter().all(|v| v.is_finite()));
    Report {
        x: p.x,
        value: p.value,
        grad_norm: p.grad_norm,
        iterations,
        epochs,
        stop,
        history,
    }
}

/// The report of a run whose starting point already meets the gradient tolerance, if it does:
/// no iterations, stopped for `GradientTolerance`, the start's value as the whole history.
pub(crate) fn optimal_start(start: &Point, tol: f64) -> Option<Report> {
    (start.grad_norm <= tol).then(|| {
        report(
            start.clone(),
            0,
            None,
            Stop::GradientTolerance,
            vec![start.value],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divergence_needs_both_growth_and_exceeding_the_start() {
        let mut w = DivergenceWatch::new(1.0);
        // Rising but below the start: a recovering run, not divergence.
        for k in 0..20 {
            assert!(!w.diverged(0.1 + 0.01 * k as f64));
        }
        let mut w = DivergenceWatch::new(1.0);
        let mut v = 1.0;
        let mut flagged_at = None;
        for k in 1..=20 {
            v *= 2.0;
            if w.diverged(v) {
                flagged_at = Some(k);
                break;
            }
        }
        assert_eq!(flagged_at, Some(DIVERGENCE_PATIENCE));
    }

    #[test]
    fn parameter_checks_reject_nan_and_out_of_range() {
        assert!(positive("a", f64::NAN).is_err());
        assert!(positive("a", 0.0).is_err());
        assert!(positive("a", f64::INFINITY).is_err());
        assert!(positive("a", 1e-300).is_ok());
        assert!(non_negative("b", -1e-300).is_err());
        assert!(non_negative("b", 0.0).is_ok());
        assert!(at_least_one("c", 0).is_err());
        assert_eq!(
            positive("learning_rate", -1.0),
            Err(OptimError::InvalidParameter {
                name: "learning_rate",
                reason: "must be finite and > 0",
                value: "-1".into()
            })
        );
    }
}
