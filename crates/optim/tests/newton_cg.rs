//! Trust-region Newton-CG: exact on quadratics, the Newton optimum on logistic problems, and every
//! solver passes an objective's error through unchanged.
mod common;

use common::*;
use logreg_optim::{
    EvaluationError, GradientDescent, HessianOperator, Lbfgs, Newton, NewtonCg, NoObserver,
    Objective, OptimError, Sgd, Solver, SolverConfig, Stop,
};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

#[test]
fn reaches_the_newton_optimum_on_banknote() {
    let f = banknote();
    let want = logistic_optimum(&f);
    let r = NewtonCg::new()
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.stop, Stop::GradientTolerance, "{r:?}");
    assert!(r.iterations <= 30, "{} iterations", r.iterations);
    assert!(((r.value - want.value) / want.value).abs() < 1e-12);
    assert!((&r.x - &want.x).amax() < 1e-6);
}

#[test]
fn converges_on_rosenbrock_from_the_classic_start() {
    let r = NewtonCg::new()
        .max_iter(500)
        .minimize(
            &Rosenbrock,
            DVector::from_row_slice(&[-1.2, 1.0]),
            &mut NoObserver,
        )
        .unwrap();
    assert!(r.converged(), "{:?}", r.stop);
    assert!(
        (&r.x - DVector::from_element(2, 1.0)).amax() < 1e-6,
        "{}",
        r.x
    );
}

#[test]
fn an_objective_without_hessian_products_is_an_error() {
    /// ½‖x‖² with no curvature information at all.
    struct Bare;
    impl Objective for Bare {
        fn dim(&self) -> usize {
            2
        }
        fn value_grad(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> Result<f64, OptimError> {
            g.copy_from(x);
            Ok(0.5 * x.norm_squared())
        }
    }
    let e = NewtonCg::new()
        .minimize(&Bare, DVector::from_element(2, 1.0), &mut NoObserver)
        .unwrap_err();
    assert_eq!(
        e,
        OptimError::Unavailable {
            what: "Hessian-vector products"
        }
    );
    assert!(NewtonCg::new().max_cg(0).validate().is_err());
}

/// An error the objective raises after the start (an I/O failure while streaming, say).
#[derive(Debug)]
struct Boom;

impl std::fmt::Display for Boom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("disk read failed at row block 7")
    }
}
impl std::error::Error for Boom {}

/// ½‖x − 1‖² that fails from its second evaluation on (the first is the start).
struct FailsLater(std::cell::Cell<usize>);

impl Objective for FailsLater {
    fn dim(&self) -> usize {
        2
    }
    fn value_grad(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> Result<f64, OptimError> {
        let calls = self.0.get() + 1;
        self.0.set(calls);
        if calls >= 2 {
            return Err(EvaluationError::new(Boom).into());
        }
        g.copy_from(&x.add_scalar(-1.0));
        Ok(0.5 * g.norm_squared())
    }
    fn hessian(&self, _: &DVector<f64>) -> Result<DMatrix<f64>, OptimError> {
        Ok(DMatrix::identity(2, 2))
    }
    fn hessian_operator<'s>(
        &'s self,
        _: &DVector<f64>,
    ) -> Result<Box<dyn HessianOperator + 's>, OptimError> {
        Ok(Box::new(DenseHessian(DMatrix::identity(2, 2) * 0.5)))
    }
    fn n_samples(&self) -> Option<usize> {
        Some(4)
    }
    fn value_grad_batch(
        &self,
        x: &DVector<f64>,
        _: &[usize],
        g: &mut DVector<f64>,
    ) -> Result<f64, OptimError> {
        self.value_grad(x, g)
    }
}

#[test]
fn an_evaluation_error_ends_every_solver_with_that_error() {
    let solvers: Vec<Box<dyn Solver>> = vec![
        Box::new(GradientDescent::new(0.1)),
        Box::new(Sgd::new().batch_size(1)),
        Box::new(Lbfgs::new()),
        Box::new(Newton::new()),
        Box::new(NewtonCg::new()),
    ];
    for s in solvers {
        let f = FailsLater(std::cell::Cell::new(0));
        let e = s
            .minimize(&f, DVector::from_element(2, 5.0), &mut NoObserver)
            .unwrap_err();
        let OptimError::Evaluation(inner) = &e else {
            panic!("expected the objective's error, got {e:?}");
        };
        assert!(inner.downcast_ref::<Boom>().is_some());
        assert_eq!(e.to_string(), "disk read failed at row block 7");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: Some(Box::new(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::with_cases(200) })]

    #[test]
    fn newton_cg_minimizes_convex_quadratics(
        eig in prop::collection::vec(0.01f64..100.0, 1..10),
        seed in 0u64..1000,
    ) {
        let n = eig.len();
        let target = DVector::from_fn(n, |i, _| ((i as u64 * 7 + seed) % 11) as f64 - 5.0);
        let f = Quadratic::with_spectrum(&eig, &target);
        let r = NewtonCg::new().tol(1e-11).minimize(&f, DVector::zeros(n), &mut NoObserver).unwrap();
        prop_assert!(r.converged(), "{:?}", r.stop);
        prop_assert!((&r.x - &target).norm() <= 1e-7 * target.norm().max(1.0),
            "off by {:e}", (&r.x - &target).norm());
    }
}
