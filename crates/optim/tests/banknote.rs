//! The exactness target on real data: logistic regression on the banknote set (1372 × 4,
//! standardized, scikit-learn's default C = 1), where Newton and L-BFGS must agree to 1e-9.
mod common;

use common::*;
use logreg_optim::{Lbfgs, Newton, NoObserver, Objective, Solver, Stop};
use nalgebra::DVector;

#[test]
fn lbfgs_reaches_the_newton_optimum_to_1e_9_relative_in_well_under_100_iterations() {
    let f = banknote();
    assert_eq!((f.x.nrows(), f.dim()), (1372, 5));
    let newton = logistic_optimum(&f);
    assert!(newton.iterations < 15, "newton took {}", newton.iterations);
    let r = Lbfgs::new()
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::GradientTolerance);
    assert!(r.iterations < 50, "lbfgs took {}", r.iterations);
    let rel = (&r.x - &newton.x).norm() / newton.x.norm();
    assert!(rel < 1e-9, "relative distance {rel:e}");
    assert!((r.value - newton.value).abs() <= 1e-14 * newton.value.abs().max(1.0));
}

#[test]
fn newton_with_the_default_tolerance_is_already_exact() {
    let f = banknote();
    let r = Newton::new()
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert_eq!(r.stop, Stop::GradientTolerance);
    assert!(r.grad_norm <= 1e-10 && r.iterations < 15);
}
