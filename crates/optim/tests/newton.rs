//! Newton: one step on quadratics, Rosenbrock, indefinite Hessians, and logistic regression to
//! machine precision.
mod common;

use common::*;
use logreg_optim::{Control, Iteration, Newton, NoObserver, Objective, OptimError, Solver, Stop};
use nalgebra::{DMatrix, DVector};

#[test]
fn solves_a_quadratic_in_one_step_whatever_its_conditioning() {
    let target = DVector::from_row_slice(&[1.0, -2.0, 3.0, 0.5]);
    for kappa in [1.0_f64, 1e3, 1e8] {
        let spectrum: Vec<f64> = (0..4).map(|i| kappa.powf(i as f64 / 3.0)).collect();
        let f = Quadratic::with_spectrum(&spectrum, &target);
        let r = Newton::new()
            .tol(1e-9 * kappa)
            .minimize(&f, DVector::zeros(4), &mut NoObserver)
            .unwrap();
        assert_sane(&r);
        assert_eq!(r.stop, Stop::GradientTolerance, "κ = {kappa}");
        assert_eq!(r.iterations, 1, "κ = {kappa}");
        assert!(
            (&r.x - &target).norm() / target.norm() < 1e-8,
            "κ = {kappa}"
        );
    }
}

#[test]
fn minimizes_rosenbrock() {
    let r = Newton::new()
        .minimize(
            &Rosenbrock,
            DVector::from_row_slice(&[-1.2, 1.0]),
            &mut NoObserver,
        )
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::GradientTolerance);
    assert!(
        (r.x[0] - 1.0).abs() < 1e-10 && (r.x[1] - 1.0).abs() < 1e-10,
        "{}",
        r.x
    );
    assert!(r.iterations < 40, "{} iterations", r.iterations);
    assert!(r.history.windows(2).all(|w| w[1] <= w[0]));
}

#[test]
fn an_indefinite_hessian_still_gives_a_decrease() {
    // At (1, 0.1) the Hessian is diag(1, −0.97): a pure Newton step would head for the saddle.
    let x0 = DVector::from_row_slice(&[1.0, 0.1]);
    assert!(
        DoubleWell
            .hessian(&x0)
            .unwrap()
            .symmetric_eigenvalues()
            .min()
            < 0.0
    );
    let f0 = DoubleWell.value(&x0).unwrap();
    let mut first = None;
    let r = Newton::new()
        .minimize(&DoubleWell, x0, &mut |it: &Iteration<'_>| {
            first.get_or_insert(it.value);
            Control::Continue
        })
        .unwrap();
    assert!(
        first.unwrap() < f0,
        "first step did not decrease: {first:?} vs {f0}"
    );
    assert_eq!(r.stop, Stop::GradientTolerance);
    // It ends at a minimum (0, ±1) — value −¼ — not at the saddle (value 0).
    assert!((r.value + 0.25).abs() < 1e-12, "{}", r.x);
    assert!(r.x[0].abs() < 1e-10 && (r.x[1].abs() - 1.0).abs() < 1e-10);
}

#[test]
fn a_start_exactly_at_the_saddle_is_already_stationary() {
    let r = Newton::new()
        .minimize(&DoubleWell, DVector::zeros(2), &mut NoObserver)
        .unwrap();
    assert_eq!((r.stop, r.iterations), (Stop::GradientTolerance, 0));
}

#[test]
fn converges_on_logistic_regression_to_1e_12_in_under_15_iterations() {
    let f = logistic_problem();
    let r = Newton::new()
        .tol(1e-12)
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::GradientTolerance);
    assert!(r.grad_norm < 1e-12);
    assert!(r.iterations < 15, "{} iterations", r.iterations);
}

/// ½‖x − 3‖² without a Hessian.
struct NoHessian;
impl Smooth for NoHessian {
    fn dim_(&self) -> usize {
        2
    }
    fn f(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        g.copy_from(&x.add_scalar(-3.0));
        0.5 * g.norm_squared()
    }
}

#[test]
fn an_objective_without_a_hessian_is_an_error_not_a_panic() {
    let e = Newton::new()
        .minimize(&NoHessian, DVector::zeros(2), &mut NoObserver)
        .unwrap_err();
    assert_eq!(
        e,
        OptimError::Unavailable {
            what: "the Hessian"
        }
    );
}

/// ½‖x − 3‖² whose "Hessian" has the wrong shape.
struct WrongShapeHessian;
impl Smooth for WrongShapeHessian {
    fn dim_(&self) -> usize {
        2
    }
    fn f(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        Smooth::f(&NoHessian, x, g)
    }
    fn h(&self, _: &DVector<f64>) -> Option<DMatrix<f64>> {
        Some(DMatrix::identity(3, 2))
    }
}

#[test]
fn a_malformed_hessian_falls_back_to_steepest_descent() {
    let r = Newton::new()
        .minimize(&WrongShapeHessian, DVector::zeros(2), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::GradientTolerance);
    assert!((r.x[0] - 3.0).abs() < 1e-9);
}

#[test]
fn observer_can_stop_the_run() {
    let r = Newton::new()
        .minimize(
            &Rosenbrock,
            DVector::from_row_slice(&[-1.2, 1.0]),
            &mut |it: &Iteration<'_>| {
                if it.iteration == 2 {
                    Control::Stop
                } else {
                    Control::Continue
                }
            },
        )
        .unwrap();
    assert_eq!((r.stop, r.iterations), (Stop::ObserverRequested, 2));
}

objective!(NoHessian, WrongShapeHessian);
