//! Gradient descent: fixed-step behaviour, convergence on quadratics, and divergence detection.
mod common;

use common::*;
use logreg_optim::{Control, GradientDescent, NoObserver, Objective, Solver, Stop};
use nalgebra::DVector;

#[test]
fn minimizes_a_well_conditioned_quadratic() {
    let target = DVector::from_row_slice(&[1.0, -2.0, 3.0]);
    let f = Quadratic::with_spectrum(&[1.0, 2.0, 3.0], &target);
    let r = GradientDescent::new(0.3)
        .minimize(&f, DVector::zeros(3), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::GradientTolerance);
    assert!(r.grad_norm <= 1e-8);
    assert!((&r.x - &target).norm() < 1e-8, "{}", r.x);
}

#[test]
fn minimizes_an_ill_conditioned_quadratic_given_the_iterations() {
    // κ = 100 with η = 1/L: the slow direction contracts by 0.99 per step, ~2000 steps to 1e-8.
    let target = DVector::from_row_slice(&[2.0, -1.0]);
    let f = Quadratic::with_spectrum(&[1.0, 100.0], &target);
    let gd = GradientDescent::new(0.01).tol(1e-9);
    let short = gd
        .max_iter(100)
        .minimize(&f, DVector::zeros(2), &mut NoObserver);
    assert_eq!(short.unwrap().stop, Stop::MaxIterations);
    let r = gd
        .max_iter(5000)
        .minimize(&f, DVector::zeros(2), &mut NoObserver)
        .unwrap();
    assert_eq!(r.stop, Stop::GradientTolerance);
    assert!(
        r.iterations > 1000 && r.iterations < 5000,
        "{}",
        r.iterations
    );
    assert!((&r.x - &target).norm() < 1e-8);
}

#[test]
fn a_learning_rate_ten_times_too_large_is_reported_as_diverged_quickly() {
    // L = 10, stable for η < 0.2; η = 2 multiplies the stiff component by −19 per step.
    let target = DVector::from_row_slice(&[1.0, 1.0]);
    let f = Quadratic::with_spectrum(&[1.0, 10.0], &target);
    let x0 = DVector::from_row_slice(&[0.5, -0.5]);
    let f0 = f.value(&x0).unwrap();
    let r = GradientDescent::new(2.0)
        .max_iter(100_000)
        .minimize(&f, x0.clone(), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::Diverged);
    assert!(
        r.iterations <= 15,
        "took {} iterations to notice",
        r.iterations
    );
    // The best point seen is handed back: here, the start.
    assert!(r.value <= f0);
    assert_eq!(r.x, x0);
}

#[test]
fn an_overflowing_step_is_diverged_with_the_last_finite_point() {
    let f = Quadratic::with_spectrum(&[1.0, 2.0], &DVector::from_row_slice(&[1.0, 1.0]));
    let x0 = DVector::from_row_slice(&[3.0, 3.0]);
    let r = GradientDescent::new(1e300)
        .minimize(&f, x0.clone(), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::Diverged);
    assert_eq!(r.x, x0);
    assert_eq!(r.iterations, 0);
}

#[test]
fn history_is_monotone_with_a_small_learning_rate_on_a_convex_problem() {
    let f = logistic_problem();
    let x0 = DVector::zeros(f.dim());
    let r = GradientDescent::new(0.5)
        .max_iter(300)
        .minimize(&f, x0.clone(), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.history[0], f.value(&x0).unwrap());
    assert!(r.history.len() > 100);
    for w in r.history.windows(2) {
        assert!(w[1] <= w[0], "objective went up: {} -> {}", w[0], w[1]);
    }
    assert_eq!(*r.history.last().unwrap(), r.value);
}

#[test]
fn threshold_stops_when_the_objective_stops_changing() {
    let f = logistic_problem();
    let r = GradientDescent::new(0.5)
        .threshold(1e-7)
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert_eq!(r.stop, Stop::LossChangeBelowThreshold);
    assert!(r.converged());
    let n = r.history.len();
    assert!((r.history[n - 2] - r.history[n - 1]).abs() < 1e-7);
    // ... and not before.
    assert!(r
        .history
        .windows(2)
        .take(n - 2)
        .all(|w| (w[0] - w[1]).abs() >= 1e-7));
}

#[test]
fn observer_sees_every_iteration_and_can_stop_the_run() {
    let f = logistic_problem();
    let mut seen = Vec::new();
    let r = GradientDescent::new(0.5)
        .minimize(
            &f,
            DVector::zeros(f.dim()),
            &mut |it: &logreg_optim::Iteration<'_>| {
                seen.push((it.iteration, it.value));
                if it.iteration == 3 {
                    Control::Stop
                } else {
                    Control::Continue
                }
            },
        )
        .unwrap();
    assert_eq!(r.stop, Stop::ObserverRequested);
    assert_eq!(r.iterations, 3);
    assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(seen.iter().map(|s| s.1).collect::<Vec<_>>(), r.history[1..]);
}

#[test]
fn a_start_at_the_minimizer_takes_no_iterations() {
    let target = DVector::from_row_slice(&[1.0, 2.0]);
    let f = Quadratic::with_spectrum(&[1.0, 3.0], &target);
    let r = GradientDescent::default()
        .minimize(&f, f.minimizer(), &mut NoObserver)
        .unwrap();
    assert_eq!((r.iterations, r.stop), (0, Stop::GradientTolerance));
    assert_eq!(r.history.len(), 1);
}
