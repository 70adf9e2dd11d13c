//! Penalties, paths, cross-validation.

use crate::common::{csv, message, toy_classifier, xy};
use logreg::model::{CvOptions, FitOptions, LogisticRegression, PathOptions, Penalty, SolverKind};
use logreg::Classifier;
use nalgebra::DMatrix;

#[test]
fn l1_ratio_outside_zero_one() {
    let m = message(
        LogisticRegression::params()
            .penalty(Penalty::ElasticNet {
                c: 1.0,
                l1_ratio: 1.5,
            })
            .check(),
    );
    assert_eq!(
        m,
        "invalid parameter `l1_ratio` = 1.5: expected a number in [0, 1]"
    );
}

#[test]
fn l1_penalty_with_a_smooth_solver() {
    let m = message(
        LogisticRegression::params()
            .penalty(Penalty::L1 { c: 1.0 })
            .solver(SolverKind::Newton)
            .check(),
    );
    assert_eq!(
        m,
        "invalid parameter `solver` = newton: expected auto, coordinate-descent or owl-qn with an \
         L1 or elastic-net penalty (the others need a smooth objective)"
    );
}

#[test]
fn empty_list_of_c_for_a_path() {
    let (x, y) = xy();
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 1.0 })
        .check()
        .unwrap();
    let m = message(params.path(&x, &y, &[], PathOptions::default()));
    assert_eq!(
        m,
        "invalid parameter `cs` = []: expected at least one value of C"
    );
}

#[test]
fn fewer_than_two_folds() {
    let (x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(params.cross_validate(
        &x,
        &y,
        CvOptions {
            folds: 1,
            ..CvOptions::default()
        },
    ));
    assert_eq!(m, "invalid parameter `folds` = 1: expected at least 2");
}

#[test]
fn a_class_with_a_single_row_in_stratified_cross_validation() {
    let x = DMatrix::from_fn(12, 1, |i, _| i as f64);
    let y: Vec<u8> = (0..12)
        .map(|i| u8::from(i % 2 == 0) + u8::from(i == 11) * 2)
        .collect();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(params.cross_validate(
        &x,
        &y,
        CvOptions {
            folds: 3,
            ..CvOptions::default()
        },
    ));
    assert_eq!(
        m,
        "cross-validation: the class first seen at labels[11] has 1 member(s), fewer than the 3 \
         needed to appear in every test fold"
    );
}

#[test]
fn model_file_whose_kind_does_not_match_its_model() {
    let json = toy_classifier().to_json().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["content"]["model_kind"] = "multinomial".into();
    let m = message(Classifier::from_json(&v.to_string()));
    assert!(
        m.starts_with(
            "model file is not valid: model_kind is \"multinomial\" but the file does not hold \
             exactly that model (line 1, column "
        ),
        "{m}"
    );
}

#[test]
fn positive_class_not_a_label() {
    let (x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    let opts = FitOptions {
        positive_class: Some(7.0),
        ..FitOptions::default()
    };
    assert_eq!(
        message(params.fit_with(&x, &y, opts)),
        "positive class 7.0 is not among the labels (0.0, 1.0)"
    );
}

#[test]
fn label_that_is_not_a_number() {
    let (x, mut y) = xy();
    y[2] = f64::NAN;
    let params = LogisticRegression::params().check().unwrap();
    assert_eq!(
        message(params.fit(&x, &y)),
        "label at row 2 is NaN, which cannot be ordered against the other labels"
    );
}

#[test]
fn label_unknown_to_the_model_at_evaluate() {
    let clf = toy_classifier();
    let table = csv("x,colour,y\n1,red,no\n2,red,maybe\n").unwrap();
    assert_eq!(
        message(clf.evaluate(&table)),
        "column \"y\", row 2: label \"maybe\" is not one of the model's classes (no, yes)"
    );
}
