//! The solvers issue's acceptance on real data: banknote, standardized, C = 1.
//! Reference: scikit-learn newton-cholesky, `python3 crates/model/tests/reference.py` (line l2_c1).

mod common;
use common::*;
use logreg_model::{ConvergenceWarning, LogisticRegression, Penalty, Solver, SolverKind};
use nalgebra::DMatrix;

const SKLEARN_J: f64 = 97.911_296_043_313_8;
const SKLEARN_COEF: [f64; 4] = [
    -4.928_475_270_277_438,
    -5.040_842_316_195_032,
    -4.614_636_576_712_614_5,
    0.236_878_441_375_302_26,
];
const SKLEARN_INTERCEPT: f64 = -1.568_298_673_628_903;

fn fit(solver: SolverKind) -> logreg_model::FittedLogisticRegression<u8> {
    let (x, y) = banknote_standardized();
    LogisticRegression::params()
        .c(1.0)
        .solver(solver)
        .tol(1e-12)
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap()
}

#[test]
fn newton_and_lbfgs_reach_the_exact_optimum() {
    let (x, y) = banknote_standardized();
    for (solver, max_iters) in [(SolverKind::Newton, 15), (SolverKind::Lbfgs, 100)] {
        let m = fit(solver);
        let r = m.report();
        assert!(r.converged, "{solver:?}: {}", r.stop);
        assert!(r.iterations < max_iters, "{solver:?} took {}", r.iterations);
        let w: Vec<f64> = m.coefficients().iter().copied().collect();
        let j = sklearn_objective(&x, &y, &w, m.intercept(), Some(1.0));
        assert!(
            ((j - SKLEARN_J) / SKLEARN_J).abs() < 1e-9,
            "{solver:?}: J = {j}"
        );
        assert!(
            ((r.objective - j) / j).abs() < 1e-12,
            "reported objective {}",
            r.objective
        );
        let gn = sklearn_grad_norm(&x, &y, &w, m.intercept(), 1.0);
        assert!(gn < 1e-8, "{solver:?}: ‖∇J‖ = {gn:e}");
        for (a, b) in w.iter().zip(SKLEARN_COEF) {
            assert!((a - b).abs() < 1e-6, "{solver:?}: coef {a} vs {b}");
        }
        assert!((m.intercept() - SKLEARN_INTERCEPT).abs() < 1e-6);
    }
}

#[test]
fn gradient_descent_as_the_tutorials_run_it() {
    let (x, y) = banknote_standardized();
    let m = LogisticRegression::params()
        .solver(Solver::gd(0.1))
        .max_iter(1000)
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    let h = &m.report().history;
    assert_eq!(h.len(), 1001);
    assert!(
        h.windows(2).all(|p| p[1] <= p[0]),
        "loss must decrease monotonically"
    );

    // With rate 1 the same budget comes within 2e-2 of the optimum (relative, on J).
    let fast = LogisticRegression::params()
        .solver(Solver::gd(1.0))
        .max_iter(1000)
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    let gap = (fast.report().objective - SKLEARN_J) / SKLEARN_J;
    assert!((0.0..2e-2).contains(&gap), "relative gap {gap}");
}

#[test]
fn sgd_default_reaches_the_optimal_mean_loss() {
    let (x, y) = banknote_standardized();
    let m = LogisticRegression::params()
        .solver(SolverKind::Sgd)
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    // Mean objective L = J / (C·n).
    let gap = (m.report().objective - SKLEARN_J) / 1372.0;
    assert!((0.0..1e-3).contains(&gap), "mean-objective gap {gap:e}");
    assert!(m.report().epochs.is_some());
}

#[test]
fn every_solver_stops_on_separable_data_with_finite_weights() {
    // datasets/discount.csv, standardized: perfectly separable, so without a penalty the MLE does
    // not exist and the weights would grow for ever.
    let raw = DMatrix::from_column_slice(
        9,
        1,
        &[50.0, 10.0, 20.0, 5.0, 95.0, 70.0, 100.0, 200.0, 0.0],
    );
    let x = standardize(&raw);
    let y = [0, 1, 1, 1, 0, 0, 0, 0, 1];
    for solver in [
        SolverKind::Gd,
        SolverKind::Sgd,
        SolverKind::Lbfgs,
        SolverKind::Newton,
    ] {
        let m = LogisticRegression::params()
            .penalty(Penalty::None)
            .solver(solver)
            .max_iter(500)
            .check()
            .unwrap()
            .fit(&x, &y)
            .unwrap();
        assert!(m.coefficients().iter().all(|c| c.is_finite()) && m.intercept().is_finite());
        assert!(!m.report().converged, "{solver:?}");
        assert_eq!(
            m.convergence_warning(),
            Some(&ConvergenceWarning::Separable),
            "{solver:?}"
        );
        assert!(m
            .convergence_warning()
            .unwrap()
            .to_string()
            .starts_with("not converged (data separable or nearly so)"));
        assert!(
            m.summary().is_err(),
            "no standard errors for separated data"
        );
        assert_eq!(
            m.predict(&x).unwrap(),
            y,
            "{solver:?} still separates the data"
        );
    }
}
