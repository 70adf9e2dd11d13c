//! Matrices, weights and parameters given to a fit, and fits that finish without an optimum.

use crate::common::{message, xy};
use logreg::model::{
    FitOptions, LogisticRegression, MultiFitOptions, MultiWarmStart, Solver, SolverKind,
};
use nalgebra::DMatrix;

#[test]
fn labels_and_rows_differ_in_number() {
    let (x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    assert_eq!(
        message(params.fit(&x, &y[..3])),
        "labels y (one per row of X): expected 4, found 3"
    );
}

#[test]
fn no_rows_or_no_columns() {
    let params = LogisticRegression::params().check().unwrap();
    let none: [f64; 0] = [];
    assert_eq!(
        message(params.fit(&DMatrix::zeros(0, 2), &none)),
        "no samples: X has 0 rows"
    );
    assert_eq!(
        message(params.fit(&DMatrix::zeros(2, 0), &[0.0, 1.0])),
        "no features: X has 0 columns (at least 1 is needed)"
    );
}

#[test]
fn nan_or_infinite_feature() {
    let (mut x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    x[(2, 1)] = f64::NAN;
    assert_eq!(
        message(params.fit(&x, &y)),
        "feature value at row 2, column 1 is NaN, expected a finite number"
    );
    x[(2, 1)] = f64::NEG_INFINITY;
    assert_eq!(
        message(params.fit(&x, &y)),
        "feature value at row 2, column 1 is -inf, expected a finite number"
    );
}

#[test]
fn feature_too_large_to_fit() {
    let (mut x, y) = xy();
    x[(1, 0)] = 1e300;
    let params = LogisticRegression::params().check().unwrap();
    assert_eq!(
        message(params.fit(&x, &y)),
        "feature value at row 1, column 0 is 1e300; values this large overflow the fit \
         (|x| must be below 1e150): rescale or standardize the column"
    );
}

#[test]
fn huge_feature_at_prediction_is_refused_like_at_fit() {
    // A design holds values within ±1e150 whether it is fitted on or predicted: a value beyond
    // is named, never turned into a confident probability.
    let (x, y) = xy();
    let model = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    let big = DMatrix::from_row_slice(2, 2, &[1e100, 0.0, -1e300, 1e300]);
    assert_eq!(
        message(model.predict_proba(&big)),
        "feature value at row 1, column 0 is -1e300; values this large overflow the fit (|x| must \
         be below 1e150): rescale or standardize the column"
    );
    let p = model
        .predict_proba(&DMatrix::from_row_slice(1, 2, &[1e150, -1e150]))
        .unwrap();
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)), "{p}");
    let infinite = DMatrix::from_row_slice(1, 2, &[f64::INFINITY, 0.0]);
    assert_eq!(
        message(model.predict_proba(&infinite)),
        "feature value at row 0, column 0 is inf, expected a finite number"
    );
}

#[test]
fn negative_zero_or_nan_sample_weight() {
    let (x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    for w in [-1.0, 0.0, f64::NAN] {
        let weights = [1.0, w, 1.0, 1.0];
        let opts = FitOptions {
            sample_weight: Some(&weights),
            ..FitOptions::default()
        };
        let want = format!("sample weight at row 1 is {w}, expected a finite number > 0");
        assert_eq!(message(params.fit_with(&x, &y, opts)), want);
    }
}

#[test]
fn invalid_parameters_are_named_at_build_time() {
    assert_eq!(
        message(LogisticRegression::params().c(0.0).check()),
        "invalid parameter `c` = 0: expected a finite number > 0"
    );
    assert_eq!(
        message(
            LogisticRegression::params()
                .solver(Solver::gd(-1.0))
                .check()
        ),
        "invalid parameter `learning_rate` = -1: expected a finite number > 0"
    );
    assert_eq!(
        message(LogisticRegression::params().max_iter(0).check()),
        "invalid parameter `max_iter` = 0: expected at least 1"
    );
    let m = message(
        LogisticRegression::params()
            .solver(SolverKind::Newton)
            .tol(f64::NAN)
            .check(),
    );
    assert_eq!(
        m,
        "invalid parameter `tol` = NaN: expected a finite number >= 0"
    );
}

#[test]
fn warm_start_of_another_shape() {
    let (x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    let y3 = [0.0, 1.0, 2.0, 1.0];
    let narrow3 = params
        .fit_multinomial(&x.columns(0, 1).into_owned(), &y3)
        .unwrap();
    assert_eq!(
        message(params.fit_multinomial_with(
            &x,
            &y3,
            MultiFitOptions {
                warm_start: Some(MultiWarmStart::from(&narrow3)),
                ..MultiFitOptions::default()
            },
        )),
        "warm-start model's coefficients (one per column of X): expected 2, found 1"
    );
    let narrow = params.fit(&x.columns(0, 1).into_owned(), &y).unwrap();
    assert_eq!(
        message(params.fit_with(
            &x,
            &y,
            FitOptions {
                warm_start: Some(&narrow),
                ..FitOptions::default()
            },
        )),
        "warm-start model's coefficients (one per column of X): expected 2, found 1"
    );
}

#[test]
fn separable_data_or_spent_budget_is_a_warning_not_an_error() {
    let (x, _) = xy();
    let separable = [0.0, 0.0, 1.0, 1.0];
    let model = LogisticRegression::params()
        .penalty(logreg::model::Penalty::None)
        .check()
        .unwrap()
        .fit(&x, &separable)
        .unwrap();
    let w = model.convergence_warning().expect("a warning");
    assert_eq!(
        w.to_string(),
        "not converged (data separable or nearly so): no finite maximum-likelihood coefficients \
         exist; add a penalty (e.g. L2 with C = 1)"
    );
}
