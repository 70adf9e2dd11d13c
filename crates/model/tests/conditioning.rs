//! The default solver reaches the optimum on raw, badly conditioned data (issue: "a default that
//! reaches the optimum on any data"): columns on scales 10⁻³…10³, copies scaled ×1000,
//! near-collinear columns, features far from zero. Each data set is seeded; the reference optimum
//! is Newton's method run to 1e-12.

use logreg_linalg_core::{Dense, Design};
use logreg_model::datasets::{
    logistic_labels as labels, make_far_from_zero, make_near_collinear, make_scaled_copies,
    make_wide_scales, standard_normal as normal,
};
use logreg_model::{LogisticRegression, Penalty, Solver, SolverKind};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// One of the `datasets` generators' output as the checks take it: row-major values, n, d, y.
fn raw(
    made: Result<(Dense<'static, f64>, Vec<f64>), logreg_model::ModelError>,
) -> (Vec<f64>, usize, usize, Vec<f64>) {
    let (x, y) = made.unwrap();
    let (n, d) = (x.n_rows(), x.n_cols());
    (x.as_slice().to_vec(), n, d, y)
}

/// 1 797 × 84: 64 pixel counts (0–16) and 20 copies of the first 20 scaled ×1000.
fn pixels_and_scaled_copies() -> (Vec<f64>, usize, usize, Vec<f64>) {
    raw(make_scaled_copies(1))
}

/// 5 000 × 200 with column scales spread log-uniformly over 10⁻³…10³.
fn scales_1e_minus3_to_1e3() -> (Vec<f64>, usize, usize, Vec<f64>) {
    raw(make_wide_scales(2))
}

/// 3 000 × 120: 90 columns equal to one of the first 30 plus noise of 1e-6.
fn near_collinear() -> (Vec<f64>, usize, usize, Vec<f64>) {
    raw(make_near_collinear(3))
}

/// 20 000 × 100, every feature N(50, 1).
fn centred_at_50() -> (Vec<f64>, usize, usize, Vec<f64>) {
    raw(make_far_from_zero(4))
}

fn check_default_reaches_newton(name: &str, (x, n, d, y): (Vec<f64>, usize, usize, Vec<f64>)) {
    let design = Design::from(Dense::new(&x[..], n, d).unwrap());
    let exact = LogisticRegression::params()
        .solver(SolverKind::Newton)
        .tol(1e-12)
        .check()
        .unwrap()
        .fit(&design, &y)
        .unwrap();
    assert!(
        exact.report().converged,
        "{name}: reference {:?}",
        exact.report().stop
    );
    let auto = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&design, &y)
        .unwrap();
    let r = auto.report();
    assert!(
        r.converged,
        "{name}: auto stopped: {:?} ({:?})",
        r.stop, r.stages
    );
    let gap = (r.objective - exact.report().objective) / exact.report().objective;
    assert!(
        gap.abs() <= 1e-9,
        "{name}: objective {:e} relative off ({:?})",
        gap,
        r.stages
    );
    assert!(r
        .stages
        .iter()
        .all(|s| s.stop != logreg_optim::Stop::MaxIterations));
    // Explicit L-BFGS is preconditioned too, and reaches the same optimum.
    let lbfgs = LogisticRegression::params()
        .solver(Solver::lbfgs())
        .check()
        .unwrap()
        .fit(&design, &y)
        .unwrap();
    assert!(
        lbfgs.report().converged,
        "{name}: lbfgs {:?}",
        lbfgs.report().stop
    );
    let gap = (lbfgs.report().objective - exact.report().objective) / exact.report().objective;
    assert!(
        gap.abs() <= 1e-9,
        "{name}: lbfgs objective {gap:e} relative off"
    );
}

#[test]
fn pixel_counts_with_copies_scaled_by_1000() {
    check_default_reaches_newton("pixels", pixels_and_scaled_copies());
}

#[test]
fn column_scales_from_1e_minus_3_to_1e3() {
    check_default_reaches_newton("scales", scales_1e_minus3_to_1e3());
}

#[test]
fn near_collinear_columns() {
    check_default_reaches_newton("collinear", near_collinear());
}

#[test]
fn features_centred_far_from_zero() {
    check_default_reaches_newton("centred at 50", centred_at_50());
}

#[test]
fn auto_names_every_solver_that_ran_and_why() {
    let (x, n, d, y) = scales_1e_minus3_to_1e3();
    let design = Design::from(Dense::new(&x[..], n, d).unwrap());
    let m = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&design, &y)
        .unwrap();
    let stages = &m.report().stages;
    assert!(!stages.is_empty());
    assert_eq!(stages[0].solver, SolverKind::Lbfgs);
    assert!(
        stages[0]
            .reason
            .starts_with("auto: 201 parameters, 5000 rows"),
        "{stages:?}"
    );
    if stages.len() > 1 {
        assert!(stages[1].reason.contains("L-BFGS"), "{stages:?}");
        assert_eq!(m.report().solver, stages[1].solver);
    }
    let total: usize = stages.iter().map(|s| s.iterations).sum();
    assert_eq!(m.report().iterations, total);
}

#[test]
fn a_column_that_is_nearly_a_constant_stops_at_machine_precision_not_the_budget() {
    // Column 0 is −91 plus noise of 1.4e-4 (a coefficient of variation of 1.5e-6): the intercept
    // and w₀ cancel to 11 digits in every logit, the objective is noise at 1e-12, and Newton must
    // recognise that instead of spending its 100 iterations.
    let mut rng = ChaCha8Rng::seed_from_u64(576);
    let (n, d) = (600, 6);
    let x: Vec<f64> = (0..n * d).map(|_| normal(&mut rng)).collect();
    let y = labels(&x, n, d, &mut rng);
    let moved: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(k, v)| match k % d {
            0 => v * 1.366e-4 - 91.09,
            4 => v * 975.0,
            _ => *v,
        })
        .collect();
    let params = LogisticRegression::params()
        .penalty(Penalty::None)
        .check()
        .unwrap();
    let a = params
        .fit(&Design::from(Dense::new(&x[..], n, d).unwrap()), &y)
        .unwrap();
    let b = params
        .fit(&Design::from(Dense::new(&moved[..], n, d).unwrap()), &y)
        .unwrap();
    assert!(b.report().converged, "{:?}", b.report().stages);
    assert!(b.report().iterations < 40, "{:?}", b.report().stages);
    let (ja, jb) = (a.report().objective, b.report().objective);
    assert!(((ja - jb) / ja).abs() <= 1e-9, "{ja} vs {jb}");
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: Some(Box::new(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::with_cases(24) })]

    /// Without a penalty the optimum does not depend on the columns' units: rescaling columns by
    /// 10⁻³…10³ and moving them by up to 50 of their own standard deviations (the intercept
    /// absorbs shifts) leaves the objective where it was.
    #[test]
    fn the_fit_is_invariant_under_column_scales_and_offsets(
        seed in 0u64..1000,
        scales in prop::collection::vec(-3.0f64..3.0, 6),
        offsets in prop::collection::vec(-50.0f64..50.0, 6),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (n, d) = (600, 6);
        let x: Vec<f64> = (0..n * d).map(|_| normal(&mut rng)).collect();
        let y = labels(&x, n, d, &mut rng);
        let moved: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(k, v)| (v + offsets[k % d]) * 10f64.powf(scales[k % d]))
            .collect();
        let params = LogisticRegression::params().penalty(Penalty::None).check().unwrap();
        let a = params.fit(&Design::from(Dense::new(&x[..], n, d).unwrap()), &y).unwrap();
        let b = params.fit(&Design::from(Dense::new(&moved[..], n, d).unwrap()), &y).unwrap();
        prop_assert!(a.report().converged && b.report().converged,
            "{:?} / {:?}", a.report().stages, b.report().stages);
        let (ja, jb) = (a.report().objective, b.report().objective);
        prop_assert!(((ja - jb) / ja).abs() <= 1e-9, "{ja} vs {jb}");
    }
}
