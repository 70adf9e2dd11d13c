//! The one loop every solver runs under: a solver is its state plus one iteration ([`Step`]); the
//! iteration budget, the stopping tests, the observer, divergence and non-finite checks, the
//! history and the [`Report`] are written here, once.

use nalgebra::DVector;

use crate::{Control, Iteration, Objective, Observer, OptimError, Report, Stop};

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

/// Consecutive increases of the objective (while above its starting value) that count as
/// divergence.
///
/// Ten is enough to tell a learning rate that is too large (the objective grows geometrically) from
/// the occasional bump of a noisy or non-monotone run.
pub(crate) const DIVERGENCE_PATIENCE: usize = 10;

/// A point where the objective and its gradient have been evaluated and are finite.
#[derive(Debug, Clone)]
pub struct Point {
    /// The parameters.
    pub x: DVector<f64>,
    /// The objective at `x`.
    pub value: f64,
    /// The gradient at `x`.
    pub grad: DVector<f64>,
    /// ‖grad‖, the measure the gradient tolerance is tested against.
    pub grad_norm: f64,
}

impl Point {
    /// Evaluate `f` at `x`: `Ok(None)` when `x`, the value or the gradient is not finite (or the
    /// gradient has the wrong length), which solvers treat as a step too far; `Err` when the
    /// objective itself fails.
    pub fn evaluate(f: &dyn Objective, x: DVector<f64>) -> Result<Option<Point>, OptimError> {
        if !all_finite(&x) {
            return Ok(None);
        }
        let mut grad = DVector::zeros(x.len());
        let value = f.value_grad(&x, &mut grad)?;
        if !value.is_finite() || grad.len() != x.len() || !all_finite(&grad) {
            return Ok(None);
        }
        let grad_norm = grad.norm();
        // The norm of finite entries can still overflow.
        if !grad_norm.is_finite() {
            return Ok(None);
        }
        Ok(Some(Point {
            x,
            value,
            grad,
            grad_norm,
        }))
    }
}

/// Whether every entry of `v` is finite.
pub(crate) fn all_finite(v: &DVector<f64>) -> bool {
    v.iter().all(|e| e.is_finite())
}

/// What one iteration of a solver did.
#[derive(Debug, Clone)]
pub enum StepResult {
    /// The solver moved to a new point (finite, evaluated).
    Moved {
        /// The new point.
        point: Point,
        /// Inner steps taken (1 for most solvers; mini-batches for SGD, whose iteration is an
        /// epoch).
        inner: usize,
    },
    /// No acceptable step exists from the current point (a line search found no decrease).
    Stalled,
    /// The iterate or the objective became non-finite: a step far too large.
    Diverged,
    /// The solver decided the run is over (e.g. SGD's adaptive schedule ran out).
    Finished {
        /// The point it ends at.
        point: Point,
        /// Inner steps taken this iteration.
        inner: usize,
        /// Why.
        stop: Stop,
    },
}

/// A solver: its state plus one iteration. [`run`] drives it.
pub trait Step {
    /// The solver's name, for reports.
    fn name(&self) -> &'static str;

    /// Prepare for a run from `start` (already evaluated and finite); an error here (a missing
    /// Hessian, say) ends the run before any iteration.
    fn init(&mut self, f: &dyn Objective, start: &Point) -> Result<(), OptimError>;

    /// One iteration from `cur`.
    fn step(&mut self, f: &dyn Objective, cur: &Point) -> Result<StepResult, OptimError>;

    /// Whether the solver takes fixed steps that can make the objective grow without bound (a
    /// learning rate too large), so that the driver watches for divergence.
    fn can_diverge(&self) -> bool {
        false
    }

    /// Whether an iteration is a pass over the data (SGD's epochs): the report then counts
    /// inner steps as iterations and these as epochs.
    fn iterations_are_epochs(&self) -> bool {
        false
    }

    /// The point to report when the run ends without converging; by default the last one.
    fn final_point(&mut self, last: Point) -> Point {
        last
    }
}

/// When a run stops, besides the solver's own reasons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StopRule {
    /// Iteration (for SGD: epoch) budget, ≥ 1.
    pub max_iter: usize,
    /// Converged when the gradient norm is at most this (0 turns the test off).
    pub tol: f64,
    /// Converged when |f_k − f_{k+1}| < this (0 = off): the tutorials' loss-change threshold.
    pub loss_change: f64,
    /// Converged when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ this (0 = off), as scipy's
    /// L-BFGS-B `ftol`.
    pub ftol: f64,
}

impl StopRule {
    /// A budget and a gradient tolerance, nothing else.
    pub fn new(max_iter: usize, tol: f64) -> Self {
        StopRule {
            max_iter,
            tol,
            loss_change: 0.0,
            ftol: 0.0,
        }
    }

    /// Check every field, naming the first one out of range.
    pub fn validate(&self) -> Result<(), OptimError> {
        crate::check::at_least_one("max_iter", self.max_iter)?;
        crate::check::non_negative("tol", self.tol)?;
        crate::check::non_negative("threshold", self.loss_change)?;
        crate::check::non_negative("ftol", self.ftol)?;
        Ok(())
    }
}

/// Watches a sequence of objective values for the signature of a too-large step: values above the
/// start that keep increasing.
#[derive(Debug, Clone)]
struct DivergenceWatch {
    start: f64,
    last: f64,
    rising: usize,
}

impl DivergenceWatch {
    fn new(start: f64) -> Self {
        Self {
            start,
            last: start,
            rising: 0,
        }
    }

    /// Record the next value; `true` when the run should be declared diverged.
    fn diverged(&mut self, value: f64) -> bool {
        if value > self.last {
            self.rising += 1;
        } else {
            self.rising = 0;
        }
        self.last = value;
        value > self.start && self.rising >= DIVERGENCE_PATIENCE
    }
}

/// Minimize `f` from `x0` with `step`, under `stop`, telling `obs` about every iteration.
///
/// The report holds the final point, except when the run diverged: then the point with the lowest
/// objective seen (the start included). It is always finite; the history starts with the value at
/// `x0` and has one entry per iteration.
pub fn run(
    step: &mut dyn Step,
    f: &dyn Objective,
    x0: DVector<f64>,
    stop: &StopRule,
    obs: &mut dyn Observer,
) -> Result<Report, OptimError> {
    stop.validate()?;
    let expected = f.dim();
    if x0.len() != expected {
        return Err(OptimError::DimensionMismatch {
            expected,
            found: x0.len(),
        });
    }
    let start_value;
    let mut cur = match Point::evaluate(f, x0.clone())? {
        Some(p) => p,
        None => {
            // Say what was not finite: the value (if it is the culprit) or else the gradient/x0.
            let mut g = DVector::zeros(expected);
            start_value = if all_finite(&x0) {
                f.value_grad(&x0, &mut g)?
            } else {
                f64::NAN
            };
            return Err(OptimError::NonFiniteStart { value: start_value });
        }
    };
    step.init(f, &cur)?;
    let mut history = vec![cur.value];
    let epochs = step.iterations_are_epochs();
    let report = |p: Point, inner: usize, iterations: usize, stop: Stop, history: Vec<f64>| {
        debug_assert!(p.value.is_finite() && p.grad_norm.is_finite() && all_finite(&p.x));
        Report {
            x: p.x,
            value: p.value,
            grad_norm: p.grad_norm,
            iterations: if epochs { inner } else { iterations },
            epochs: epochs.then_some(iterations),
            stop,
            history,
        }
    };
    // With an L1 term the measure is the minimum-norm subgradient (see `Objective::composite`).
    let tolerance_stop = if f.composite().is_some() {
        Stop::SubgradientTolerance
    } else {
        Stop::GradientTolerance
    };
    if cur.grad_norm <= stop.tol {
        return Ok(report(cur, 0, 0, tolerance_stop, history));
    }
    let mut watch = step.can_diverge().then(|| DivergenceWatch::new(cur.value));
    let mut best = cur.clone();
    let mut inner_total = 0usize;

    for iteration in 1..=stop.max_iter {
        let (next, inner, solver_stop) = match step.step(f, &cur)? {
            StepResult::Moved { point, inner } => (point, inner, None),
            StepResult::Finished { point, inner, stop } => (point, inner, Some(stop)),
            StepResult::Stalled => {
                let p = step.final_point(cur);
                return Ok(report(
                    p,
                    inner_total,
                    iteration - 1,
                    Stop::LineSearchFailed,
                    history,
                ));
            }
            StepResult::Diverged => {
                let p = if best.value < cur.value { best } else { cur };
                return Ok(report(
                    p,
                    inner_total,
                    iteration - 1,
                    Stop::Diverged,
                    history,
                ));
            }
        };
        inner_total += inner;
        let change = cur.value - next.value;
        let scale = cur.value.abs().max(next.value.abs()).max(1.0);
        history.push(next.value);
        let control = obs.observe(&Iteration {
            iteration,
            value: next.value,
            grad_norm: next.grad_norm,
            x: &next.x,
        });
        if next.value < best.value {
            best = next.clone();
        }
        cur = next;

        let diverging = watch.as_mut().is_some_and(|w| w.diverged(cur.value));
        let stop_now = if let Some(s) = solver_stop {
            Some(s)
        } else if cur.grad_norm <= stop.tol {
            Some(tolerance_stop)
        } else if change.abs() < stop.loss_change
            || (stop.ftol > 0.0 && change / scale <= stop.ftol)
        {
            Some(Stop::LossChangeBelowThreshold)
        } else if diverging {
            let p = if best.value < cur.value { best } else { cur };
            return Ok(report(p, inner_total, iteration, Stop::Diverged, history));
        } else if control == Control::Stop {
            Some(Stop::ObserverRequested)
        } else {
            None
        };
        if let Some(s) = stop_now {
            let p = if s.is_converged() {
                cur
            } else {
                step.final_point(cur)
            };
            return Ok(report(p, inner_total, iteration, s, history));
        }
    }
    let p = step.final_point(cur);
    Ok(report(
        p,
        inner_total,
        stop.max_iter,
        Stop::MaxIterations,
        history,
    ))
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
}
