//! OWL-QN: the L1 solver for objectives read in passes. Checked against coordinate descent on
//! quadratics (where each coordinate's minimizer is exact) and on banknote's logistic loss.
mod common;

use common::*;
use logreg_optim::{
    soft_threshold, L1Penalized, Lbfgs, NoObserver, Objective, OwlQn, Solver, Stop, L1,
};
use nalgebra::{DMatrix, DVector};

/// ½xᵀAx − bᵀx + Σ λⱼ|xⱼ| by cyclic coordinate descent, run until nothing moves.
fn lasso_by_cd(a: &DMatrix<f64>, b: &DVector<f64>, lambda: &[f64]) -> DVector<f64> {
    let n = b.len();
    let mut x = DVector::zeros(n);
    for _ in 0..100_000 {
        let mut moved = 0.0_f64;
        for j in 0..n {
            let r = b[j] - (a.row(j) * &x)[0] + a[(j, j)] * x[j];
            let new = soft_threshold(r, lambda[j]) / a[(j, j)];
            moved = moved.max((new - x[j]).abs());
            x[j] = new;
        }
        if moved < 1e-15 {
            break;
        }
    }
    x
}

#[test]
fn reaches_the_lasso_solution_with_exact_zeros() {
    let target = DVector::from_row_slice(&[1.0, -2.0, 0.05, 0.5, -0.02, 3.0]);
    let f = Quadratic::with_spectrum(&[1.0, 2.0, 5.0, 10.0, 30.0, 100.0], &target);
    let lambda = [0.8, 0.8, 0.8, 0.8, 0.8, 0.0];
    let l1 = L1::new(lambda.to_vec()).unwrap();
    let obj = L1Penalized::new(&f, l1).unwrap();
    let r = OwlQn::default()
        .tol(1e-11)
        .minimize(&obj, DVector::zeros(6), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::SubgradientTolerance, "{:?}", r.stop);
    let want = lasso_by_cd(&f.a, &f.b, &lambda);
    for j in 0..6 {
        assert!(
            (r.x[j] - want[j]).abs() < 1e-9,
            "{j}: {} vs {}",
            r.x[j],
            want[j]
        );
        assert_eq!(r.x[j] == 0.0, want[j] == 0.0, "zero pattern at {j}");
    }
    assert!(want.iter().any(|&v| v == 0.0), "the test needs a zero");
}

#[test]
fn without_an_l1_term_it_is_lbfgs() {
    let f = banknote();
    let owl = OwlQn::default()
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    let lbfgs = Lbfgs::new()
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert_eq!(owl.stop, Stop::GradientTolerance);
    assert!((&owl.x - &lbfgs.x).amax() < 1e-8);
}

#[test]
fn l1_logistic_regression_on_banknote_is_optimal() {
    let f = banknote();
    // A strong penalty on every coefficient but the intercept (column 0).
    let mut w = vec![0.05; f.dim()];
    w[0] = 0.0;
    let obj = L1Penalized::new(&f, L1::new(w.clone()).unwrap()).unwrap();
    let r = OwlQn::default()
        .minimize(&obj, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert!(r.converged(), "{:?}", r.stop);
    assert!(r.grad_norm <= 1e-10);
    assert!(r.x.iter().skip(1).any(|&v| v == 0.0), "{}", r.x);
    // Optimality in the subgradient sense, checked from scratch.
    let mut g = DVector::zeros(f.dim());
    f.value_grad(&r.x, &mut g).unwrap();
    for j in 1..f.dim() {
        if r.x[j] == 0.0 {
            assert!(g[j].abs() <= w[j] + 1e-10);
        } else {
            assert!((g[j] + w[j] * r.x[j].signum()).abs() <= 1e-10);
        }
    }
}
