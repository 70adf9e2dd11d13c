//! Laws of the log loss, checked on random data: the gradient and Hessian are the derivatives of
//! the value (central finite differences), the loss is finite and ≥ 0 for extreme logits, and it is
//! convex along random lines.

use logreg_linalg_core::Design;
use logreg_loss::{log_loss_from_logit, residual_from_logit, LogLoss};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// Random problems: n × d data in [−3, 3], 0/1 labels, optional weights, λ, θ, and a direction.
#[derive(Debug, Clone)]
struct Problem {
    x: DMatrix<f64>,
    y: Vec<f64>,
    weights: Option<Vec<f64>>,
    lambda: f64,
    intercept: bool,
    theta: Vec<f64>,
    dir: Vec<f64>,
}

fn problem() -> impl Strategy<Value = Problem> {
    (1usize..25, 1usize..5, any::<bool>(), any::<bool>()).prop_flat_map(
        |(n, d, weighted, intercept)| {
            let p = d + usize::from(intercept);
            (
                prop::collection::vec(-3.0f64..3.0, n * d),
                prop::collection::vec(prop::bool::ANY, n),
                prop::collection::vec(0.1f64..3.0, n),
                0.0f64..2.0,
                prop::collection::vec(-2.0f64..2.0, p),
                prop::collection::vec(-1.0f64..1.0, p),
            )
                .prop_map(move |(xs, ys, ws, lambda, theta, dir)| Problem {
                    x: DMatrix::from_row_slice(n, d, &xs),
                    y: ys.into_iter().map(f64::from).collect(),
                    weights: weighted.then_some(ws),
                    lambda,
                    intercept,
                    theta,
                    dir,
                })
        },
    )
}

fn build<'a>(p: &Problem, x: &'a Design<'a>) -> LogLoss<'a> {
    let mut l = LogLoss::new(x, &p.y)
        .unwrap()
        .with_intercept(p.intercept)
        .with_l2(p.lambda)
        .unwrap();
    if let Some(w) = &p.weights {
        l = l.with_sample_weight(w).unwrap();
    }
    l
}

fn rel_err(a: &DVector<f64>, b: &DVector<f64>) -> f64 {
    // Relative to the gradient's size, with a floor so a vanishing gradient is compared absolutely.
    (a - b).norm() / b.norm().max(1e-2)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::with_failure_persistence(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")) })]

    #[test]
    fn gradient_matches_central_differences(p in problem()) {
        let x = Design::from_dmatrix(&p.x).unwrap();
        let loss = build(&p, &x);
        let theta = DVector::from_vec(p.theta.clone());
        let mut g = DVector::zeros(loss.dim());
        loss.value_grad(&theta, &mut g).unwrap();
        let h = 1e-5;
        let fd = DVector::from_fn(loss.dim(), |k, _| {
            let (mut tp, mut tm) = (theta.clone(), theta.clone());
            tp[k] += h;
            tm[k] -= h;
            (loss.value(&tp).unwrap() - loss.value(&tm).unwrap()) / (2.0 * h)
        });
        prop_assert!(rel_err(&fd, &g) < 1e-6, "fd {fd} vs analytic {g}");
    }

    #[test]
    fn hessian_matches_differences_of_the_gradient_and_hvp(p in problem()) {
        let x = Design::from_dmatrix(&p.x).unwrap();
        let loss = build(&p, &x);
        let theta = DVector::from_vec(p.theta.clone());
        let hess = loss.hessian(&theta).unwrap();
        let h = 1e-5;
        for k in 0..loss.dim() {
            let (mut tp, mut tm) = (theta.clone(), theta.clone());
            tp[k] += h;
            tm[k] -= h;
            let (mut gp, mut gm) = (DVector::zeros(loss.dim()), DVector::zeros(loss.dim()));
            loss.value_grad(&tp, &mut gp).unwrap();
            loss.value_grad(&tm, &mut gm).unwrap();
            let fd_col = (gp - gm) / (2.0 * h);
            let col = hess.column(k).into_owned();
            prop_assert!(rel_err(&fd_col, &col) < 1e-6, "column {k}: fd {fd_col} vs {col}");
        }
        let v = DVector::from_vec(p.dir.clone());
        let hv = loss.hessian_vec(&theta, &v).unwrap();
        prop_assert!((&hess * &v - hv).amax() < 1e-12);
        // Symmetric positive semi-definite.
        prop_assert!((&hess - hess.transpose()).amax() < 1e-14);
        prop_assert!(v.dot(&(&hess * &v)) >= -1e-14);
    }

    #[test]
    fn convex_along_random_lines(p in problem(), t in 0.0f64..1.0, s in 0.1f64..10.0) {
        let x = Design::from_dmatrix(&p.x).unwrap();
        let loss = build(&p, &x);
        let a = DVector::from_vec(p.theta.clone());
        let b = &a + DVector::from_vec(p.dir.clone()) * s;
        let mid = &a * (1.0 - t) + &b * t;
        let (fa, fb, fm) = (loss.value(&a).unwrap(), loss.value(&b).unwrap(), loss.value(&mid).unwrap());
        prop_assert!(fm <= (1.0 - t) * fa + t * fb + 1e-12 * (1.0 + fa.abs() + fb.abs()));
    }

    #[test]
    fn loss_at_zero_is_ln2_for_any_data(p in problem()) {
        let x = Design::from_dmatrix(&p.x).unwrap();
        let loss = build(&p, &x);
        let v = loss.value(&DVector::zeros(loss.dim())).unwrap();
        prop_assert!((v - std::f64::consts::LN_2).abs() < 1e-14);
    }

    #[test]
    fn loss_is_finite_and_nonnegative_for_extreme_logits(
        z in prop_oneof![-1e300f64..1e300, -1e3f64..1e3, Just(1e300), Just(-1e300)],
        positive in any::<bool>(),
    ) {
        let l = log_loss_from_logit(z, positive);
        prop_assert!(l.is_finite() && l >= 0.0, "ℓ({z}) = {l}");
        let r = residual_from_logit(z, positive);
        prop_assert!(r.is_finite() && r.abs() <= 1.0);
    }
}

#[test]
fn extreme_features_give_finite_loss() {
    // Logits of ±1e300 reached through the data, not only through the helper functions.
    // (Features above 1e150 are refused by the design, so the logits come from x·w.)
    let x = Design::from_dmatrix(&DMatrix::from_row_slice(2, 1, &[1e150, -1e150])).unwrap();
    let loss = LogLoss::new(&x, &[0.0, 1.0]).unwrap();
    let theta = DVector::from_vec(vec![1e150, 0.0]);
    let mut g = DVector::zeros(2);
    let v = loss.value_grad(&theta, &mut g).unwrap();
    assert!(v.is_finite() && v > 0.0, "{v}");
    assert!(g.iter().all(|gi| gi.is_finite()));
    // Mean of softplus(z) over two rows with z = 1e150·1e150 (rounded): the logit itself.
    assert_eq!(v, 1e150 * 1e150);
}
