//! What every solver promises: parameters checked and named, inputs checked, finite reports even
//! where no minimizer exists, history and observer conventions.
mod common;

use common::*;
use logreg_optim::{
    GradientDescent, Lbfgs, LearningRate, Newton, NoObserver, Objective, OptimError, Report, Sgd,
    Solver, SolverConfig, Stop,
};
use nalgebra::DVector;

fn invalid_name(e: Result<(), OptimError>) -> &'static str {
    match e {
        Err(OptimError::InvalidParameter { name, .. }) => name,
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn gradient_descent_names_its_bad_parameters() {
    for lr in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(
            invalid_name(GradientDescent::new(lr).validate()),
            "learning_rate"
        );
    }
    let gd = GradientDescent::default();
    assert_eq!(invalid_name(gd.max_iter(0).validate()), "max_iter");
    assert_eq!(invalid_name(gd.tol(-1e-9).validate()), "tol");
    assert_eq!(invalid_name(gd.tol(f64::NAN).validate()), "tol");
    assert_eq!(invalid_name(gd.threshold(-1.0).validate()), "threshold");
    assert!(gd.validate().is_ok());
}

#[test]
fn sgd_names_its_bad_parameters() {
    let sgd = Sgd::default();
    for eta0 in [0.0, -0.1, f64::NAN] {
        for lr in [
            LearningRate::Constant { eta0 },
            LearningRate::Adaptive { eta0 },
            LearningRate::InvScaling {
                eta0,
                power_t: 0.25,
            },
        ] {
            assert_eq!(invalid_name(sgd.learning_rate(lr).validate()), "eta0");
        }
    }
    let bad_power = LearningRate::InvScaling {
        eta0: 0.1,
        power_t: f64::NAN,
    };
    assert_eq!(
        invalid_name(sgd.learning_rate(bad_power).validate()),
        "power_t"
    );
    assert_eq!(invalid_name(sgd.batch_size(0).validate()), "batch_size");
    assert_eq!(invalid_name(sgd.max_epochs(0).validate()), "max_epochs");
    for m in [1.0, 1.5, -0.1, f64::NAN] {
        assert_eq!(invalid_name(sgd.momentum(m).validate()), "momentum");
    }
    assert_eq!(invalid_name(sgd.tol(-1.0).validate()), "tol");
    assert_eq!(
        invalid_name(sgd.n_iter_no_change(0).validate()),
        "n_iter_no_change"
    );
    assert!(sgd.momentum(0.0).validate().is_ok());
    assert!(sgd.momentum(0.99).validate().is_ok());
}

#[test]
fn lbfgs_and_newton_name_their_bad_parameters() {
    let l = Lbfgs::default();
    assert_eq!(invalid_name(l.memory(0).validate()), "memory");
    assert_eq!(invalid_name(l.max_iter(0).validate()), "max_iter");
    assert_eq!(invalid_name(l.tol(-1.0).validate()), "tol");
    assert_eq!(invalid_name(l.ftol(f64::NAN).validate()), "ftol");
    let n = Newton::default();
    assert_eq!(invalid_name(n.max_iter(0).validate()), "max_iter");
    assert_eq!(invalid_name(n.tol(f64::INFINITY).validate()), "tol");
}

#[test]
fn the_error_message_names_parameter_and_value() {
    let e = Lbfgs::new().memory(0).validate().unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid solver parameter `memory` = 0: expected at least 1"
    );
}

/// Run every solver on `f` from `x0`, in the order GD, SGD, L-BFGS, Newton.
fn all_solvers(f: &dyn Objective, x0: &DVector<f64>) -> Vec<Result<Report, OptimError>> {
    vec![
        GradientDescent::new(0.1).minimize(f, x0.clone(), &mut NoObserver),
        Sgd::default().minimize(f, x0.clone(), &mut NoObserver),
        Lbfgs::new().minimize(f, x0.clone(), &mut NoObserver),
        Newton::new().minimize(f, x0.clone(), &mut NoObserver),
    ]
}

#[test]
fn minimize_validates_before_anything_else() {
    let f = logistic_problem();
    // Both the parameter and x0 are wrong: the parameter is reported.
    let bad_x0 = DVector::zeros(2);
    let e = Lbfgs::new()
        .memory(0)
        .minimize(&f, bad_x0.clone(), &mut NoObserver);
    assert!(matches!(
        e,
        Err(OptimError::InvalidParameter { name: "memory", .. })
    ));
    let e = Sgd::new()
        .batch_size(0)
        .minimize(&f, bad_x0.clone(), &mut NoObserver);
    assert!(matches!(
        e,
        Err(OptimError::InvalidParameter {
            name: "batch_size",
            ..
        })
    ));
    let e = GradientDescent::new(f64::NAN).minimize(&f, bad_x0.clone(), &mut NoObserver);
    assert!(matches!(
        e,
        Err(OptimError::InvalidParameter {
            name: "learning_rate",
            ..
        })
    ));
    let e = Newton::new()
        .max_iter(0)
        .minimize(&f, bad_x0, &mut NoObserver);
    assert!(matches!(
        e,
        Err(OptimError::InvalidParameter {
            name: "max_iter",
            ..
        })
    ));
}

#[test]
fn a_starting_point_of_the_wrong_length_is_a_dimension_mismatch() {
    let f = logistic_problem();
    for r in all_solvers(&f, &DVector::zeros(4)) {
        assert_eq!(
            r.unwrap_err(),
            OptimError::DimensionMismatch {
                expected: 6,
                found: 4
            }
        );
    }
}

#[test]
fn a_non_finite_start_is_an_error() {
    let f = logistic_problem();
    let mut x0 = DVector::zeros(6);
    x0[2] = f64::NAN;
    for r in all_solvers(&f, &x0) {
        assert!(matches!(r, Err(OptimError::NonFiniteStart { .. })), "{r:?}");
    }
    // Finite value, infinite gradient.
    struct Kink;
    impl Smooth for Kink {
        fn dim_(&self) -> usize {
            1
        }
        fn f(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
            g[0] = 0.5 / x[0].abs().sqrt();
            x[0].abs().sqrt()
        }
    }
    objective!(Kink);
    let r = Lbfgs::new().minimize(&Kink, DVector::zeros(1), &mut NoObserver);
    assert_eq!(r.unwrap_err(), OptimError::NonFiniteStart { value: 0.0 });
}

#[test]
fn without_an_attained_minimum_every_solver_stops_with_finite_parameters() {
    // Separable "logistic regression": the objective only approaches 0 as ‖x‖ → ∞.
    let x0 = DVector::zeros(2);
    for mean in [false, true] {
        let f = Separable::new(mean);
        let f0 = f.value(&x0).unwrap();
        for (name, r) in ["gd", "sgd", "lbfgs", "newton"]
            .into_iter()
            .zip(all_solvers(&f, &x0))
        {
            let r = r.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_sane(&r);
            let summary = (r.value, r.iterations, r.stop);
            assert!(
                r.value < 0.1 * f0,
                "{name} (mean {mean}): little progress: {summary:?}"
            );
            // Moving out along the separating direction is the only way down.
            assert!(r.x[0] + r.x[1] > 1.0, "{name}: {}", r.x);
            assert!(r.stop != Stop::Diverged, "{name}: {:?}", r.stop);
        }
    }
}

#[test]
fn history_starts_at_x0_and_the_observer_sees_one_based_iterations() {
    let f = logistic_problem();
    let x0 = DVector::from_element(6, 0.1);
    let f0 = f.value(&x0).unwrap();
    for (k, r) in all_solvers(&f, &x0).into_iter().enumerate() {
        let r = r.unwrap();
        assert_sane(&r);
        assert_eq!(r.history[0], f0, "solver {k}");
    }
    let mut seen = Vec::new();
    let r = Lbfgs::new()
        .max_iter(3)
        .minimize(&f, x0, &mut |it: &logreg_optim::Iteration<'_>| {
            seen.push(it.iteration);
            logreg_optim::Control::Continue
        })
        .unwrap();
    assert_eq!(seen, [1, 2, 3]);
    assert_eq!(r.stop, Stop::MaxIterations);
}

#[test]
fn solvers_accept_trait_objects() {
    let f = logistic_problem();
    let dyn_f: &dyn Objective = &f;
    let r = Lbfgs::new().minimize(dyn_f, DVector::zeros(6), &mut NoObserver);
    assert!(r.unwrap().converged());
    let r = Newton::new().minimize(dyn_f, DVector::zeros(6), &mut NoObserver);
    assert!(r.unwrap().converged());
    let r = Sgd::new()
        .max_epochs(2)
        .minimize(dyn_f, DVector::zeros(6), &mut NoObserver);
    assert_eq!(r.unwrap().epochs, Some(2));
}

#[test]
fn zero_dimensional_problems_are_trivially_converged() {
    struct Nothing;
    impl Smooth for Nothing {
        fn dim_(&self) -> usize {
            0
        }
        fn f(&self, _: &DVector<f64>, _: &mut DVector<f64>) -> f64 {
            1.0
        }
        fn h(&self, _: &DVector<f64>) -> Option<nalgebra::DMatrix<f64>> {
            Some(nalgebra::DMatrix::zeros(0, 0))
        }
    }
    objective!(Nothing);
    let x0 = DVector::zeros(0);
    for r in [
        GradientDescent::default().minimize(&Nothing, x0.clone(), &mut NoObserver),
        Lbfgs::new().minimize(&Nothing, x0.clone(), &mut NoObserver),
        Newton::new().minimize(&Nothing, x0.clone(), &mut NoObserver),
    ] {
        let r = r.unwrap();
        assert_eq!(
            (r.stop, r.iterations, r.value),
            (Stop::GradientTolerance, 0, 1.0)
        );
    }
}
