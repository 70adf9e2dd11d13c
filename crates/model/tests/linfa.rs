//! The estimator through linfa's API (feature `linfa`): fit, predict, checked parameters, sample
//! weights and linfa's cross-validation give what the native API gives.

mod common;
use common::*;
use linfa::prelude::*;
use logreg_model::{LogisticRegression, ModelError, Penalty};
use ndarray::{Array1, Array2, Ix1};

fn dataset() -> Dataset<f64, u8, Ix1> {
    let (x, y) = banknote_standardized();
    let records = Array2::from_shape_fn(x.shape(), |(i, j)| x[(i, j)]);
    Dataset::new(records, Array1::from(y))
}

#[test]
fn fit_and_predict_through_linfa_equal_the_native_api() {
    let (x, y) = banknote_standardized();
    let native = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    let data = dataset();
    // Unchecked parameters: linfa's ParamGuard checks them first.
    let through_linfa = LogisticRegression::params().fit(&data).unwrap();
    assert_eq!(through_linfa.coefficients(), native.coefficients());
    assert_eq!(through_linfa.intercept(), native.intercept());
    // The inherent `predict` (which returns a Result) takes precedence: linfa's by its trait.
    let predicted: Array1<u8> = Predict::predict(&through_linfa, data.records());
    assert_eq!(predicted.to_vec(), native.predict(&x).unwrap());
    let accuracy = predicted
        .iter()
        .zip(data.targets())
        .filter(|(p, t)| p == t)
        .count() as f64
        / y.len() as f64;
    assert!(accuracy > 0.97, "{accuracy}");
}

#[test]
fn invalid_parameters_fail_at_linfa_fit_by_name() {
    let e = LogisticRegression::params()
        .c(-1.0)
        .fit(&dataset())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid parameter `c` = -1: expected a finite number > 0"
    );
    let p = LogisticRegression::params().c(2.0);
    assert_eq!(p.check_ref().unwrap().penalty(), Penalty::L2 { c: 2.0 });
}

#[test]
fn sample_weights_and_feature_names_of_the_dataset_are_used() {
    let data = dataset();
    let n = data.nsamples();
    let w: Array1<f32> = (0..n).map(|i| if i % 2 == 0 { 2.0 } else { 0.5 }).collect();
    let weighted = data
        .clone()
        .with_weights(w.clone())
        .with_feature_names(vec!["variance", "skewness", "curtosis", "entropy"]);
    let checked = LogisticRegression::params().check().unwrap();
    let m = Fit::fit(&checked, &weighted).unwrap();
    let (x, y) = banknote_standardized();
    let sw: Vec<f64> = w.iter().map(|&v| f64::from(v)).collect();
    let native = LogisticRegression::params()
        .check()
        .unwrap()
        .fit_with(
            &x,
            &y,
            logreg_model::FitOptions {
                sample_weight: Some(&sw),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(m.coefficients(), native.coefficients());
    assert_eq!(m.feature_names().unwrap()[1], "skewness");
}

#[test]
fn linfa_cross_validation_runs_our_estimator() {
    let mut data = dataset();
    let params = [
        LogisticRegression::params().c(0.01).check().unwrap(),
        LogisticRegression::params().c(1.0).check().unwrap(),
    ];
    let scores = data
        .cross_validate_single(5, &params, |pred, truth| {
            let right = pred.iter().zip(truth).filter(|(p, t)| p == t).count();
            Ok(right as f64 / truth.len() as f64)
        })
        .map_err(|e: ModelError| e)
        .unwrap();
    assert_eq!(scores.len(), 2);
    // linfa's folds are contiguous (banknote is sorted by class); the milder penalty fits
    // better out of sample too.
    assert!(scores[0] > 0.8 && scores[1] > 0.95, "{scores}");
    assert!(scores[1] > scores[0], "{scores}");
}

#[test]
fn column_major_records_are_copied_and_give_the_same_fit() {
    let data = dataset();
    let fortran = data.records().t().as_standard_layout().t().to_owned();
    assert!(!fortran.is_standard_layout());
    let a = LogisticRegression::params().fit(&data).unwrap();
    let b = LogisticRegression::params()
        .fit(&Dataset::new(fortran, data.targets().clone()))
        .unwrap();
    assert_eq!(a.coefficients(), b.coefficients());
}
