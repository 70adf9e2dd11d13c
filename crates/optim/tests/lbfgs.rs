//! L-BFGS: quadratics (including badly conditioned ones), Rosenbrock, high-precision logistic
//! regression, and what happens when the line search cannot make progress.
mod common;

use common::*;
use logreg_optim::{Control, Iteration, Lbfgs, NoObserver, Objective, Solver, Stop};
use nalgebra::DVector;

#[test]
fn minimizes_quadratics_from_well_to_badly_conditioned() {
    let target = DVector::from_row_slice(&[1.0, -2.0, 3.0, 0.5, -1.5]);
    for kappa in [1.0_f64, 10.0, 1e3, 1e6] {
        let spectrum: Vec<f64> = (0..5).map(|i| kappa.powf(i as f64 / 4.0)).collect();
        let f = Quadratic::with_spectrum(&spectrum, &target);
        // A gradient tolerance relative to the stiffest curvature: asking ‖g‖ ≤ 1e-12 of a problem
        // whose gradient starts near 1e6 would ask for more digits than a double has.
        let r = Lbfgs::new()
            .tol(1e-12 * kappa)
            .minimize(&f, DVector::zeros(5), &mut NoObserver)
            .unwrap();
        assert_sane(&r);
        assert!(r.converged(), "κ = {kappa}: {:?}", r.stop);
        let err = (&r.x - &target).norm() / target.norm();
        assert!(err < 1e-8, "κ = {kappa}: relative error {err:e}");
        assert!(
            r.iterations < 100,
            "κ = {kappa}: {} iterations",
            r.iterations
        );
    }
}

#[test]
fn memory_of_one_still_converges() {
    let target = DVector::from_row_slice(&[1.0, 2.0, 3.0]);
    let f = Quadratic::with_spectrum(&[1.0, 5.0, 20.0], &target);
    let r = Lbfgs::new()
        .memory(1)
        .minimize(&f, DVector::zeros(3), &mut NoObserver)
        .unwrap();
    assert_eq!(r.stop, Stop::GradientTolerance);
    assert!((&r.x - &target).norm() < 1e-9);
}

#[test]
fn minimizes_rosenbrock() {
    let r = Lbfgs::new()
        .minimize(
            &Rosenbrock,
            DVector::from_row_slice(&[-1.2, 1.0]),
            &mut NoObserver,
        )
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::GradientTolerance);
    assert!(
        (r.x[0] - 1.0).abs() < 1e-9 && (r.x[1] - 1.0).abs() < 1e-9,
        "{}",
        r.x
    );
    assert!(r.iterations < 100, "{} iterations", r.iterations);
    // Every accepted step satisfies sufficient decrease, so the history never goes up.
    assert!(r.history.windows(2).all(|w| w[1] <= w[0]));
}

#[test]
fn drives_the_logistic_gradient_to_1e_12() {
    let f = logistic_problem();
    let optimum = logistic_optimum(&f);
    let r = Lbfgs::new()
        .tol(1e-12)
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::GradientTolerance, "{r:?}");
    assert!(r.grad_norm <= 1e-12);
    assert!(r.iterations < 50, "{} iterations", r.iterations);
    assert!((&r.x - &optimum.x).norm() / optimum.x.norm() < 1e-10);
}

#[test]
fn ftol_stops_on_a_small_relative_decrease() {
    let f = logistic_problem();
    let r = Lbfgs::new()
        .ftol(1e-6)
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert_eq!(r.stop, Stop::LossChangeBelowThreshold);
    let n = r.history.len();
    let (a, b) = (r.history[n - 2], r.history[n - 1]);
    assert!((a - b) / a.abs().max(b.abs()).max(1.0) <= 1e-6);
    let strict = Lbfgs::new()
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert!(r.iterations < strict.iterations);
}

/// ½‖x‖² with a gradient of the wrong sign: no step along "−gradient" ever decreases it.
struct LyingGradient;
impl Smooth for LyingGradient {
    fn dim_(&self) -> usize {
        2
    }
    fn f(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        g.copy_from(&(-x));
        0.5 * x.norm_squared()
    }
}

#[test]
fn a_failed_line_search_returns_the_start_not_something_worse() {
    let x0 = DVector::from_row_slice(&[1.0, -1.0]);
    let r = Lbfgs::new()
        .minimize(&LyingGradient, x0.clone(), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::LineSearchFailed);
    assert_eq!(r.x, x0);
    assert_eq!(r.iterations, 0);
}

/// ½‖x − 10‖², but not finite once ‖x‖ > 5: the minimizer lies beyond a NaN wall.
struct NanWall;
impl Smooth for NanWall {
    fn dim_(&self) -> usize {
        2
    }
    fn f(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        if x.norm() > 5.0 {
            g.fill(f64::NAN);
            return f64::NAN;
        }
        g.copy_from(&x.add_scalar(-10.0));
        0.5 * g.norm_squared()
    }
}

#[test]
fn a_nan_region_never_leaks_into_the_report() {
    let r = Lbfgs::new()
        .minimize(&NanWall, DVector::zeros(2), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert!(r.x.norm() <= 5.0);
    assert!(r.value < NanWall.value(&DVector::zeros(2)).unwrap());
}

#[test]
fn observer_can_stop_the_run() {
    let mut count = 0;
    let r = Lbfgs::new()
        .minimize(
            &Rosenbrock,
            DVector::from_row_slice(&[-1.2, 1.0]),
            &mut |it: &Iteration<'_>| {
                count += 1;
                assert_eq!(it.iteration, count);
                if it.iteration == 4 {
                    Control::Stop
                } else {
                    Control::Continue
                }
            },
        )
        .unwrap();
    assert_eq!((r.stop, r.iterations), (Stop::ObserverRequested, 4));
}

objective!(LyingGradient, NanWall);
