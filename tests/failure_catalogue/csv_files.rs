//! CSV files and labels.

use crate::common::{csv, message};
use logreg::model::LogisticRegression;
use logreg::preprocess::{read_csv, read_csv_from, ColumnType, CsvOptions, Pipeline};
use logreg::Classifier;
use nalgebra::DMatrix;

#[test]
fn file_that_does_not_exist() {
    let m = message(read_csv("no/such.csv", &CsvOptions::new()));
    assert!(m.starts_with("no/such.csv: cannot read input: "), "{m}");
}

#[test]
fn row_with_too_few_fields() {
    let m = message(csv("a,b\n1,2\n3\n"));
    assert_eq!(
        m,
        "data row 2 has 1 field, expected 2 (one per header column)"
    );
}

#[test]
fn header_but_no_rows() {
    assert_eq!(
        message(csv("a,b\n")),
        "the input has a header but no data rows"
    );
}

#[test]
fn duplicate_column_name() {
    assert_eq!(
        message(csv("a,a\n1,2\n")),
        "column name \"a\" appears more than once"
    );
}

#[test]
fn text_in_a_column_declared_numeric() {
    let opts = CsvOptions::new().column_type("x", ColumnType::Numeric);
    let m = message(read_csv_from("x\n1\nabc\n".as_bytes(), &opts));
    assert_eq!(
        m,
        "data row 2, column \"x\": expected a number (the column is read as numeric), found \"abc\""
    );
}

#[test]
fn missing_feature_value_at_fit() {
    let table = csv("x,y\n1,0\n,1\n3,0\n").unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(Classifier::fit(&table, "y", Pipeline::new(), &params));
    assert_eq!(
        m,
        "data row 2, column \"x\": missing value reached the feature matrix; \
         fill it with an Imputer or remove the row first"
    );
}

#[test]
fn missing_label() {
    let table = csv("x,y\n1,0\n2,\n3,1\n").unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(Classifier::fit(&table, "y", Pipeline::new(), &params));
    assert_eq!(m, "column \"y\", row 2: the label is missing");
}

#[test]
fn one_class_only() {
    let table = csv("x,y\n1,yes\n2,yes\n").unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(Classifier::fit(&table, "y", Pipeline::new(), &params));
    assert_eq!(
        m,
        "only one class in the labels (\"yes\"); a classifier needs two"
    );
}

#[test]
fn more_than_two_classes_for_a_binary_fit() {
    // `Classifier` fits a multinomial model then; the binary estimator refuses.
    let x = DMatrix::from_fn(12, 1, |i, _| i as f64);
    let labels: Vec<String> = (0..12).map(|i| format!("c{i}")).collect();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(params.fit(&x, &labels));
    assert_eq!(
        m,
        "binary logistic regression needs exactly 2 classes, found 12: \"c0\", \"c1\", \"c10\", \
         \"c11\", \"c2\", \"c3\", \"c4\", \"c5\", \"c6\", \"c7\", …; \
         use the multinomial or one-vs-rest model"
    );
}
