//! Law: any convex quadratic is minimized by L-BFGS and Newton to 1e-8 (relative).
mod common;

use common::Quadratic;
use logreg_optim::{Lbfgs, Newton, NoObserver, Solver};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// A = MᵀM + δI (SPD, condition up to ~1e3 over the sampled ranges) and b, in dimension 1..=8.
fn quadratic() -> impl Strategy<Value = (Quadratic, DVector<f64>)> {
    (1usize..=8).prop_flat_map(|n| {
        (
            prop::collection::vec(-2.0..2.0f64, n * n),
            prop::collection::vec(-10.0..10.0f64, n),
            prop::collection::vec(-3.0..3.0f64, n),
            0.05..2.0f64,
        )
            .prop_map(move |(m, b, x0, delta)| {
                let m = DMatrix::from_vec(n, n, m);
                let a = m.transpose() * &m + DMatrix::identity(n, n) * delta;
                (
                    Quadratic {
                        a,
                        b: DVector::from_vec(b),
                    },
                    DVector::from_vec(x0),
                )
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::with_failure_persistence(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")) })]

    #[test]
    fn lbfgs_and_newton_find_the_minimizer((f, x0) in quadratic()) {
        let target = f.minimizer();
        let scale = target.norm().max(1.0);
        let l = Lbfgs::new().minimize(&f, x0.clone(), &mut NoObserver).unwrap();
        prop_assert!(l.converged(), "lbfgs stopped: {:?}", l.stop);
        prop_assert!((&l.x - &target).norm() <= 1e-8 * scale,
            "lbfgs off by {:e}", (&l.x - &target).norm());
        let n = Newton::new().minimize(&f, x0, &mut NoObserver).unwrap();
        prop_assert!(n.converged(), "newton stopped: {:?}", n.stop);
        prop_assert!(n.iterations <= 2, "newton took {}", n.iterations);
        prop_assert!((&n.x - &target).norm() <= 1e-8 * scale,
            "newton off by {:e}", (&n.x - &target).norm());
    }
}
