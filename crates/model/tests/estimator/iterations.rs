//! Warm starts and the observer of each iteration.

use crate::common::{assert_close, banknote_standardized, coef};
use logreg_model::{FitOptions, LogisticRegression, ModelError, SolverKind};

#[test]
fn warm_start_from_the_optimum_needs_no_steps() {
    let (x, y) = banknote_standardized();
    let p = LogisticRegression::params().tol(1e-8).check().unwrap();
    let first = p.fit(&x, &y).unwrap();
    let again = p
        .fit_with(
            &x,
            &y,
            FitOptions {
                warm_start: Some(&first),
                ..FitOptions::default()
            },
        )
        .unwrap();
    assert!(
        again.report().iterations <= 1,
        "{}",
        again.report().iterations
    );
    assert_close(&coef(&again), &coef(&first), 1e-9, "warm start");
    let narrow = x.columns(0, 3).into_owned();
    assert!(matches!(
        p.fit_with(
            &narrow,
            &y,
            FitOptions {
                warm_start: Some(&first),
                ..FitOptions::default()
            }
        ),
        Err(ModelError::Shape { .. })
    ));
}

#[test]
fn observer_sees_every_iteration() {
    let (x, y) = banknote_standardized();
    let mut seen = Vec::new();
    let mut obs = |it: &logreg_optim::Iteration<'_>| {
        seen.push(it.iteration);
        logreg_optim::Control::Continue
    };
    let m = LogisticRegression::params()
        .solver(SolverKind::Lbfgs)
        .check()
        .unwrap()
        .fit_with(
            &x,
            &y,
            FitOptions {
                observer: Some(&mut obs),
                ..FitOptions::default()
            },
        )
        .unwrap();
    assert_eq!(seen.len(), m.report().iterations);
    assert_eq!(seen.first(), Some(&1));
}
