//! A line search for the strong Wolfe conditions: bracketing, then zoom (Nocedal & Wright,
//! *Numerical Optimization*, 2nd ed., Algorithms 3.5 and 3.6), with safeguarded cubic interpolation.
//!
//! Along a descent direction `d` from `x`, let φ(α) = f(x + αd). A step α is accepted when
//! - φ(α) ≤ φ(0) + c₁·α·φ′(0) (sufficient decrease), and
//! - |φ′(α)| ≤ c₂·|φ′(0)| (strong curvature).
//!
//! Value comparisons carry a slack of [`VALUE_NOISE`](crate::driver::VALUE_NOISE)·|φ(0)|: once the
//! possible decrease drops below the objective's rounding error, the derivative (still accurate)
//! decides, which is what lets a quasi-Newton method drive the gradient norm to ~1e-12.

use nalgebra::DVector;

use crate::driver::{noise, Point};
use crate::{Objective, OptimError};

/// Sufficient-decrease constant c₁.
pub(crate) const C1: f64 = 1e-4;
/// Curvature constant c₂ (0.9 suits quasi-Newton directions, whose unit step is usually right).
pub(crate) const C2: f64 = 0.9;
/// Evaluation budget for one search, bracketing and zoom together.
const MAX_EVALS: usize = 60;
/// Growth factor of the trial step while bracketing.
const EXPAND: f64 = 4.0;

/// The outcome of one line search.
#[derive(Debug)]
pub(crate) enum Search {
    /// A step satisfying the strong Wolfe conditions.
    Found(Point),
    /// No such step within the budget; holds the lowest point strictly below the start, if any.
    Failed(Option<Point>),
}

/// One evaluated trial step.
#[derive(Debug)]
struct Trial {
    alpha: f64,
    /// φ(α); +∞ when the objective was not finite there.
    phi: f64,
    /// φ′(α); NaN when the objective was not finite there.
    dphi: f64,
    /// The evaluated point (`None` for α = 0, whose point the caller owns, and for non-finite ones).
    point: Option<Point>,
}

impl Trial {
    fn finite(&self) -> bool {
        self.phi.is_finite() && self.dphi.is_finite()
    }
}

struct LineSearch<'a> {
    f: &'a dyn Objective,
    start: &'a Point,
    d: &'a DVector<f64>,
    dphi0: f64,
    slack: f64,
    evals: usize,
    best: Option<Point>,
}

/// Search along `d` (a descent direction: ∇f(start)·d < 0) from `start`, first trying step `alpha0`.
/// An error from the objective ends the search (and the run).
pub(crate) fn strong_wolfe(
    f: &dyn Objective,
    start: &Point,
    d: &DVector<f64>,
    alpha0: f64,
) -> Result<Search, OptimError> {
    let dphi0 = start.grad.dot(d);
    if !(dphi0 < 0.0 && dphi0.is_finite() && alpha0.is_finite() && alpha0 > 0.0) {
        return Ok(Search::Failed(None));
    }
    let ls = LineSearch {
        f,
        start,
        d,
        dphi0,
        slack: noise(start.value),
        evals: 0,
        best: None,
    };
    ls.run(alpha0)
}

impl LineSearch<'_> {
    fn eval(&mut self, alpha: f64) -> Result<Trial, OptimError> {
        self.evals += 1;
        let x = &self.start.x + alpha * self.d;
        let Some(p) = Point::evaluate(self.f, x)? else {
            return Ok(Trial {
                alpha,
                phi: f64::INFINITY,
                dphi: f64::NAN,
                point: None,
            });
        };
        let dphi = p.grad.dot(self.d);
        let lower = p.value < self.start.value
            && match &self.best {
                Some(b) => p.value < b.value,
                None => true,
            };
        if lower {
            self.best = Some(p.clone());
        }
        Ok(Trial {
            alpha,
            phi: p.value,
            dphi,
            point: Some(p),
        })
    }

    fn sufficient_decrease(&self, t: &Trial) -> bool {
        t.finite() && t.phi <= self.start.value + C1 * t.alpha * self.dphi0 + self.slack
    }

    fn curvature(&self, t: &Trial) -> bool {
        t.dphi.abs() <= -C2 * self.dphi0
    }

    /// Algorithm 3.5: grow the step until it brackets an acceptable one, or is one.
    fn run(mut self, alpha0: f64) -> Result<Search, OptimError> {
        let mut prev = Trial {
            alpha: 0.0,
            phi: self.start.value,
            dphi: self.dphi0,
            point: None,
        };
        let mut alpha = alpha0;
        loop {
            if self.evals >= MAX_EVALS || !alpha.is_finite() {
                return Ok(Search::Failed(self.best));
            }
            let t = self.eval(alpha)?;
            let increased = prev.alpha > 0.0 && t.phi > prev.phi + self.slack;
            if !self.sufficient_decrease(&t) || increased {
                return self.zoom(prev, t);
            }
            if self.curvature(&t) {
                return Ok(found(t, self.best));
            }
            if t.dphi >= 0.0 {
                return self.zoom(t, prev);
            }
            prev = t;
            alpha *= EXPAND;
        }
    }

    /// Algorithm 3.6: shrink [lo, hi] around an acceptable step. `lo` satisfies sufficient decrease
    /// with the lowest value seen, and φ′(lo)·(hi − lo) < 0.
    fn zoom(mut self, mut lo: Trial, mut hi: Trial) -> Result<Search, OptimError> {
        while self.evals < MAX_EVALS {
            let width = (hi.alpha - lo.alpha).abs();
            if width <= f64::EPSILON * lo.alpha.abs().max(hi.alpha.abs()) {
                break;
            }
            let t = self.eval(interpolate(&lo, &hi))?;
            if !self.sufficient_decrease(&t) || t.phi > lo.phi + self.slack {
                hi = t;
            } else {
                if self.curvature(&t) {
                    return Ok(found(t, self.best));
                }
                if t.dphi * (hi.alpha - lo.alpha) >= 0.0 {
                    hi = lo;
                }
                lo = t;
            }
        }
        Ok(Search::Failed(self.best))
    }
}

/// The accepted trial's point; a trial that passed the tests is always finite, but fall back to
/// the best point rather than trust that blindly.
fn found(t: Trial, best: Option<Point>) -> Search {
    match t.point {
        Some(p) => Search::Found(p),
        None => {
            debug_assert!(false, "accepted a trial without a point");
            Search::Failed(best)
        }
    }
}

/// The next trial inside [lo, hi]: the minimizer of the cubic through both ends' values and slopes
/// when it lies safely inside, the midpoint otherwise (or when `hi` is not finite).
fn interpolate(lo: &Trial, hi: &Trial) -> f64 {
    let (a, b) = (lo.alpha, hi.alpha);
    let mid = 0.5 * (a + b);
    if !hi.finite() {
        return mid;
    }
    let (left, right) = (a.min(b), a.max(b));
    let margin = 0.1 * (right - left);
    match cubic_minimizer(a, lo.phi, lo.dphi, b, hi.phi, hi.dphi) {
        Some(c) if c >= left + margin && c <= right - margin => c,
        _ => mid,
    }
}

/// Minimizer of the cubic interpolating (a0, f0, g0) and (a1, f1, g1) (Nocedal & Wright eq. 3.59).
fn cubic_minimizer(a0: f64, f0: f64, g0: f64, a1: f64, f1: f64, g1: f64) -> Option<f64> {
    let d1 = g0 + g1 - 3.0 * (f0 - f1) / (a0 - a1);
    let disc = d1 * d1 - g0 * g1;
    if disc.is_nan() || disc < 0.0 {
        return None;
    }
    let d2 = (a1 - a0).signum() * disc.sqrt();
    let c = a1 - (a1 - a0) * (g1 + d2 - d1) / (g1 - g0 + 2.0 * d2);
    c.is_finite().then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f(x) = (x − 1)⁴ + x/2: smooth, convex, minimizer off the start.
    struct Quartic;
    impl Objective for Quartic {
        fn dim(&self) -> usize {
            1
        }
        fn value_grad(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> Result<f64, OptimError> {
            let t = x[0] - 1.0;
            g[0] = 4.0 * t.powi(3) + 0.5;
            Ok(t.powi(4) + 0.5 * x[0])
        }
    }

    fn start_at(x: f64) -> Point {
        Point::evaluate(&Quartic, DVector::from_element(1, x))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn cubic_minimizer_is_exact_on_a_cubic() {
        // φ(α) = α³ − 3α: minimizer at α = 1, φ′ = 3α² − 3.
        let phi = |a: f64| a * a * a - 3.0 * a;
        let dphi = |a: f64| 3.0 * a * a - 3.0;
        let c = cubic_minimizer(0.0, phi(0.0), dphi(0.0), 2.0, phi(2.0), dphi(2.0)).unwrap();
        assert!((c - 1.0).abs() < 1e-12, "{c}");
    }

    #[test]
    fn accepted_steps_satisfy_strong_wolfe() {
        let start = start_at(3.0);
        let d = -start.grad.clone();
        let dphi0 = start.grad.dot(&d);
        // Tiny, huge and moderate first trials all end in an acceptable step.
        for alpha0 in [1e-8, 1e-3, 0.1, 1.0, 1e4] {
            let Ok(Search::Found(p)) = strong_wolfe(&Quartic, &start, &d, alpha0) else {
                panic!("no step from alpha0 = {alpha0}");
            };
            let alpha = (p.x[0] - start.x[0]) / d[0];
            assert!(
                p.value <= start.value + C1 * alpha * dphi0,
                "alpha0 {alpha0}"
            );
            assert!(p.grad.dot(&d).abs() <= C2 * dphi0.abs(), "alpha0 {alpha0}");
        }
    }

    #[test]
    fn refuses_an_ascent_direction() {
        let start = start_at(3.0);
        let d = start.grad.clone();
        assert!(matches!(
            strong_wolfe(&Quartic, &start, &d, 1.0),
            Ok(Search::Failed(None))
        ));
    }

    /// exp(x) overflows for large steps: the search must back off, not hand back a non-finite point.
    struct Steep;
    impl Objective for Steep {
        fn dim(&self) -> usize {
            1
        }
        fn value_grad(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> Result<f64, OptimError> {
            g[0] = x[0].exp() - 1.0;
            Ok(x[0].exp() - x[0])
        }
    }

    #[test]
    fn backs_off_from_overflow() {
        let start = Point::evaluate(&Steep, DVector::from_element(1, -3.0))
            .unwrap()
            .unwrap();
        let d = DVector::from_element(1, 1.0);
        let Ok(Search::Found(p)) = strong_wolfe(&Steep, &start, &d, 1e6) else {
            panic!("no step");
        };
        assert!(p.value.is_finite() && p.value < start.value);
    }
}
