//! Saved models: JSON round trips that predict identically, and broken files with clear errors.

use crate::common::banknote_standardized;
use logreg_model::{FitOptions, FittedLogisticRegression, LogisticRegression, ModelError, Penalty};

#[test]
fn json_round_trip_predicts_identically() {
    let (x, y) = banknote_standardized();
    let names: Vec<String> = ["variance", "skewness", "curtosis", "entropy"]
        .map(String::from)
        .to_vec();
    let m = LogisticRegression::params()
        .penalty(Penalty::None)
        .check()
        .unwrap()
        .fit_with(
            &x,
            &y,
            FitOptions {
                feature_names: Some(names.clone()),
                ..FitOptions::default()
            },
        )
        .unwrap();
    let json = m.to_json().unwrap();
    assert!(json.contains("\"format_version\": 2") && json.contains("variance"));
    let back = FittedLogisticRegression::<u8>::from_json(&json).unwrap();
    assert_eq!(back, m);
    assert_eq!(
        back.predict_proba(&x).unwrap(),
        m.predict_proba(&x).unwrap()
    );
    assert_eq!(back.summary().unwrap(), m.summary().unwrap());
    assert!(back.check_feature_names(&names).is_ok());
    let swapped: Vec<String> = ["skewness", "variance", "curtosis", "entropy"]
        .map(String::from)
        .to_vec();
    assert!(back
        .check_feature_names(&swapped)
        .unwrap_err()
        .to_string()
        .contains("another order"));
    let other: Vec<String> = ["variance", "skewness", "curtosis", "colour"]
        .map(String::from)
        .to_vec();
    let msg = back.check_feature_names(&other).unwrap_err().to_string();
    assert!(
        msg.contains("missing entropy") && msg.contains("unexpected colour"),
        "{msg}"
    );

    // Files: never overwritten; loaded back equal.
    let dir = std::env::temp_dir().join(format!("logreg-model-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.json");
    let _ = std::fs::remove_file(&path);
    m.save(&path).unwrap();
    assert!(matches!(m.save(&path), Err(ModelError::Io { .. })));
    assert_eq!(FittedLogisticRegression::<u8>::load(&path).unwrap(), m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_model_files_give_clear_errors() {
    let (x, y) = banknote_standardized();
    let m = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    let json = m.to_json().unwrap();
    let load = |t: &str| FittedLogisticRegression::<u8>::from_json(t).unwrap_err();

    let e = load(&json.replace("\"format_version\": 2", "\"format_version\": 3"));
    assert!(
        matches!(
            e,
            ModelError::FormatVersion {
                found: 3,
                oldest: 1,
                supported: 2
            }
        ),
        "{e}"
    );
    let e = load(&json[..json.len() / 2]);
    assert!(e.to_string().contains("truncated"), "{e}");
    let e = load("{\"kind\": \"binary_logistic_regression\"}");
    assert!(
        matches!(e, ModelError::FormatVersion { found: 0, .. }),
        "{e}"
    );
    let e = load(&json.replace("binary_logistic_regression", "pipeline"));
    assert!(matches!(e, ModelError::WrongKind { .. }), "{e}");
    // One coefficient too many for the model's four feature names (coefficients are a plain list).
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut v2 = v.clone();
    v2["content"]["feature_names"] = serde_json::json!(["a", "b", "c", "d"]);
    let named: Result<FittedLogisticRegression<u8>, _> =
        FittedLogisticRegression::from_json(&v2.to_string());
    assert!(named.is_ok(), "four names for four coefficients load");
    v2["content"]["coefficients"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!(1.0));
    let e = load(&v2.to_string());
    assert!(
        e.to_string().contains("5 coefficients but 4 feature names"),
        "{e}"
    );
    // Feature names that disagree with the coefficients.
    let mut v3 = v.clone();
    v3["content"]["feature_names"] = serde_json::json!(["a", "b"]);
    let e = load(&v3.to_string());
    assert!(
        e.to_string().contains("4 coefficients but 2 feature names"),
        "{e}"
    );
    // Non-finite numbers cannot even be written in JSON; a null coefficient is a parse error.
    let mut v4 = v.clone();
    v4["content"]["intercept"] = serde_json::Value::Null;
    assert!(matches!(load(&v4.to_string()), ModelError::Json { .. }));
    let mut v5 = v;
    v5["content"]["params"]["penalty"]["c"] = serde_json::json!(-1.0);
    // Parameters are checked while they are read: the file cannot hold an invalid setting.
    let e = load(&v5.to_string());
    assert!(matches!(e, ModelError::Json { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("invalid parameter `c` = -1: expected a finite number > 0"),
        "{e}"
    );
}
