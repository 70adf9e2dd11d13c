//! Saved models: other versions, truncated or inconsistent files, and existing files.

use crate::common::{message, toy_classifier, xy};
use logreg::model::{FitOptions, FittedLogisticRegression, LogisticRegression};
use logreg::preprocess::Pipeline;
use logreg::Classifier;

#[test]
fn model_file_of_another_format_version() {
    let json = toy_classifier().to_json().unwrap();
    let other = json.replacen("\"format_version\": 2", "\"format_version\": 3", 1);
    assert_ne!(json, other);
    assert_eq!(
        message(Classifier::from_json(&other)),
        "model file has format version 3, this program reads versions 1 to 2"
    );
}

#[test]
fn truncated_model_file() {
    let json = toy_classifier().to_json().unwrap();
    let m = message(Classifier::from_json(&json[..json.len() / 2]));
    assert!(m.starts_with("model file is not valid: "), "{m}");
}

#[test]
fn model_file_with_the_wrong_number_of_coefficients() {
    let (x, y) = xy();
    let opts = FitOptions {
        feature_names: Some(vec!["size".into(), "age".into()]),
        ..FitOptions::default()
    };
    let model = LogisticRegression::params().check().unwrap();
    let json = model.fit_with(&x, &y, opts).unwrap().to_json().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let coef = v
        .pointer_mut("/content/coefficients")
        .expect("coefficients in the file");
    coef.as_array_mut().unwrap().push(0.5.into());
    let bad = v.to_string();
    assert_eq!(
        message(FittedLogisticRegression::<f64>::from_json(&bad)),
        "model file is inconsistent: 3 coefficients but 2 feature names"
    );
}

#[test]
fn model_file_that_holds_something_else() {
    let pipeline_json = Pipeline::new().standardize_all().to_json().unwrap();
    assert_eq!(
        message(Classifier::from_json(&pipeline_json)),
        "model file holds a `(no kind)`, expected a `logreg_classifier`"
    );
}

#[test]
fn saving_over_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    std::fs::write(&path, "keep me").unwrap();
    let m = message(toy_classifier().save(&path));
    let want = "already exists; choose another path or remove it first (nothing is overwritten)";
    assert!(m.ends_with(want), "{m}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
}
