//! The default solver reaches the optimum on raw, badly conditioned data (issue: "a default that
//! reaches the optimum on any data"): columns on scales 10⁻³…10³, copies scaled ×1000,
//! near-collinear columns, features far from zero. Each data set is seeded; the reference optimum
//! is Newton's method run to 1e-12.

use logreg_linalg_core::{Dense, Design};
use logreg_model::{LogisticRegression, Penalty, Solver, SolverKind};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Labels from a logistic model on the standardized columns of `x` (row-major n × d), so every
/// data set has a finite optimum whatever its scales.
fn labels(x: &[f64], n: usize, d: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut mean = vec![0.0; d];
    let mut sd = vec![0.0; d];
    for j in 0..d {
        mean[j] = (0..n).map(|i| x[i * d + j]).sum::<f64>() / n as f64;
        sd[j] = ((0..n)
            .map(|i| (x[i * d + j] - mean[j]).powi(2))
            .sum::<f64>()
            / n as f64)
            .sqrt()
            .max(1e-300);
    }
    let beta: Vec<f64> = (0..d)
        .map(|j| if j % 3 == 0 { 1.5 } else { -0.5 } / (d as f64).sqrt())
        .collect();
    (0..n)
        .map(|i| {
            let z: f64 = (0..d)
                .map(|j| beta[j] * (x[i * d + j] - mean[j]) / sd[j])
                .sum::<f64>()
                * 2.0;
            f64::from(rng.random::<f64>() < logreg_linalg_core::sigmoid(z))
        })
        .collect()
}

/// 1 797 × 84: 64 pixel counts (0–16) and 20 copies of the first 20 scaled ×1000.
fn pixels_and_scaled_copies() -> (Vec<f64>, usize, usize, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let (n, d) = (1797, 84);
    let mut x = Vec::with_capacity(n * d);
    for _ in 0..n {
        let px: Vec<f64> = (0..64)
            .map(|_| (rng.random::<f64>() * 17.0).floor())
            .collect();
        x.extend_from_slice(&px);
        x.extend(px[..20].iter().map(|v| v * 1000.0));
    }
    let y = labels(&x, n, d, &mut rng);
    (x, n, d, y)
}

/// 5 000 × 200 with column scales spread log-uniformly over 10⁻³…10³.
fn scales_1e_minus3_to_1e3() -> (Vec<f64>, usize, usize, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let (n, d) = (5000, 200);
    let scale: Vec<f64> = (0..d)
        .map(|j| 10f64.powf(-3.0 + 6.0 * j as f64 / (d - 1) as f64))
        .collect();
    let mut x = Vec::with_capacity(n * d);
    for _ in 0..n {
        for s in &scale {
            x.push(normal(&mut rng) * s);
        }
    }
    let y = labels(&x, n, d, &mut rng);
    (x, n, d, y)
}

/// 3 000 × 120: 90 columns equal to one of the first 30 plus noise of 1e-6.
fn near_collinear() -> (Vec<f64>, usize, usize, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (n, d) = (3000, 120);
    let mut x = Vec::with_capacity(n * d);
    for _ in 0..n {
        let base: Vec<f64> = (0..30).map(|_| normal(&mut rng)).collect();
        x.extend_from_slice(&base);
        for k in 0..90 {
            x.push(base[k % 30] + 1e-6 * normal(&mut rng));
        }
    }
    let y = labels(&x[..], n, d, &mut rng);
    (x, n, d, y)
}

/// 20 000 × 100, every feature N(50, 1).
fn centred_at_50() -> (Vec<f64>, usize, usize, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let (n, d) = (20_000, 100);
    let x: Vec<f64> = (0..n * d).map(|_| 50.0 + normal(&mut rng)).collect();
    let y = labels(&x, n, d, &mut rng);
    (x, n, d, y)
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
