//! Weight and offset columns, thresholds, covariance types.

use crate::common::{csv, message, toy_classifier};
use logreg::model::{FitOptions, LogisticRegression};
use logreg::preprocess::Pipeline;
use logreg::{Classifier, Error};

fn fit_with_columns(text: &str, columns: logreg::FitColumns) -> Result<logreg::Trained, Error> {
    let params = LogisticRegression::params().check().unwrap();
    Classifier::fit_owned_with(
        csv(text).unwrap(),
        "y",
        &columns,
        Pipeline::new(),
        &params,
        FitOptions::default(),
    )
}

#[test]
fn negative_zero_or_missing_sample_weight_column() {
    let w = || logreg::FitColumns::new().sample_weight("w");
    for (body, want) in [
        (
            "x,w,y\n1,1,0\n2,-1,1\n3,1,0\n4,1,1\n",
            "data row 2, column \"w\": the sample weight is -1, expected a finite number > 0",
        ),
        (
            "x,w,y\n1,1,0\n2,0,1\n3,1,0\n4,1,1\n",
            "data row 2, column \"w\": the sample weight is 0, expected a finite number > 0",
        ),
        (
            "x,w,y\n1,1,0\n2,1,1\n3,,0\n4,1,1\n",
            "data row 3, column \"w\": the sample weight is missing, expected a finite number > 0",
        ),
    ] {
        assert_eq!(message(fit_with_columns(body, w())), want);
    }
}

#[test]
fn offset_column_that_is_not_numeric() {
    let m = message(fit_with_columns(
        "x,o,y\n1,0,0\n2,abc,1\n3,0,0\n4,0,1\n",
        logreg::FitColumns::new().offset("o"),
    ));
    assert_eq!(
        m,
        "data row 2, column \"o\": the offset is \"abc\", expected a finite number"
    );
}

#[test]
fn one_column_in_two_roles() {
    let m = message(fit_with_columns(
        "x,y\n1,0\n2,1\n",
        logreg::FitColumns::new().sample_weight("y"),
    ));
    assert_eq!(
        m,
        "column \"y\" cannot be both the target and the sample weight"
    );
}

#[test]
fn offset_column_absent_at_prediction() {
    let clf = fit_with_columns(
        "x,o,y\n1,0,0\n2,0.5,1\n3,0,0\n4,0,1\n",
        logreg::FitColumns::new().offset("o"),
    )
    .unwrap()
    .classifier;
    let m = message(clf.predict_proba(&csv("x\n1\n").unwrap()));
    assert_eq!(
        m,
        "the model adds the offset column \"o\" to every logit, and the input has no column \"o\""
    );
}

#[test]
fn threshold_outside_zero_one() {
    let clf = toy_classifier();
    let table = csv("x,colour\n1,red\n").unwrap();
    assert_eq!(
        message(clf.predict_at(&table, 1.5)),
        "invalid parameter `threshold` = 1.5: expected a probability strictly between 0 and 1"
    );
}

#[test]
fn robust_covariance_with_a_penalty() {
    let m = message(
        LogisticRegression::params()
            .cov_type(logreg::model::CovType::Hc1)
            .check(),
    );
    assert_eq!(
        m,
        "invalid parameter `cov_type` = hc1: expected nonrobust unless the penalty is none \
         (penalized fits have no standard errors)"
    );
}
