//! Data given at prediction time.

use crate::common::{csv, message, toy_classifier, xy};
use logreg::model::LogisticRegression;
use nalgebra::DMatrix;

#[test]
fn wrong_number_of_features_for_the_model() {
    let (x, y) = xy();
    let model = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    assert_eq!(
        message(model.predict(&DMatrix::zeros(1, 3))),
        "columns of X (features the model was fitted on): expected 2, found 3"
    );
}

#[test]
fn column_missing_at_prediction() {
    let clf = toy_classifier();
    let table = csv("colour\nred\n").unwrap();
    assert_eq!(
        message(clf.predict(&table)),
        "the input does not have the expected columns: missing columns \"x\""
    );
}

#[test]
fn category_unseen_at_fit() {
    let clf = toy_classifier();
    let table = csv("x,colour\n1,red\n2,green\n").unwrap();
    assert_eq!(
        message(clf.predict(&table)),
        "data row 2, column \"colour\": expected one of the categories seen in fit: \
         \"blue\", \"red\", found \"green\""
    );
}

#[test]
fn text_where_the_model_needs_a_number() {
    let clf = toy_classifier();
    let table = csv("x,colour\n1,red\nabc,red\n").unwrap();
    assert_eq!(
        message(clf.predict(&table)),
        "data row 2, column \"x\": expected a number (the pipeline was fitted on a numeric \
         column; read new files with CsvOptions::with_schema(pipeline.input_schema())), found \"abc\""
    );
}

#[test]
fn missing_value_at_prediction() {
    let clf = toy_classifier();
    let table = csv("x,colour\n1,red\n,red\n").unwrap();
    assert_eq!(
        message(clf.predict(&table)),
        "data row 2, column \"x\": missing value reached the feature matrix; \
         fill it with an Imputer or remove the row first"
    );
}
