//! Labels with more than two classes: multinomial and one-vs-rest.

use crate::common::{dataset, f, json_in, ok_in, tmp};
use serde_json::Value;

#[test]
fn multiclass_train_evaluate_predict_and_summary() {
    let dir = tmp();
    let d = dir.path();
    let iris = dataset("iris.csv");
    let j = json_in(
        d,
        &[
            "train",
            &iris,
            "-t",
            "species",
            "--standardize",
            "--out",
            "iris.json",
            "--json",
        ],
    );
    assert_eq!(j["model_kind"], "multinomial");
    assert_eq!(
        j["classes"],
        serde_json::json!(["setosa", "versicolor", "virginica"])
    );
    assert_eq!(j["positive_class"], Value::Null);
    let coef = j["coefficients"].as_array().unwrap();
    assert_eq!(coef.len(), 3);
    assert!(coef.iter().all(|r| r.as_array().unwrap().len() == 4));
    assert_eq!(j["intercept"].as_array().unwrap().len(), 3);
    let test = &j["test"];
    assert_eq!(test["per_class"].as_array().unwrap().len(), 3);
    assert_eq!(test["confusion"].as_array().unwrap().len(), 3);
    let n: u64 = test["confusion"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()))
        .sum();
    assert_eq!(n, test["n"].as_u64().unwrap());
    assert!(f(&test["accuracy"]) > 0.9 && f(&test["log_loss"]) > 0.0);
    assert!(test["macro_avg"]["f1"].is_number() && test["weighted_avg"]["support"] == test["n"]);

    let e = json_in(d, &["evaluate", "-m", "iris.json", &iris, "--json"]);
    assert_eq!(e["test"]["n"], 150);
    let text = ok_in(d, &["evaluate", "-m", "iris.json", &iris]);
    assert!(
        text.contains("true \\ predicted") && text.contains("weighted avg"),
        "{text}"
    );

    let out = ok_in(d, &["predict", "-m", "iris.json", &iris, "--proba"]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("prediction,p_setosa,p_versicolor,p_virginica")
    );
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 4);
        let total: f64 = cells[1..].iter().map(|c| c.parse::<f64>().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-12, "{line}");
    }
    let summary = ok_in(d, &["summary", "-m", "iris.json"]);
    assert!(
        summary.contains("setosa") && summary.contains("virginica"),
        "{summary}"
    );
    assert!(summary.contains("petal_width"), "{summary}");

    let ovr = json_in(
        d,
        &[
            "train",
            &iris,
            "-t",
            "species",
            "--multi-class",
            "ovr",
            "--json",
        ],
    );
    assert_eq!(ovr["model_kind"], "ovr");
    assert_eq!(ovr["coefficients"].as_array().unwrap().len(), 3);
}

#[test]
fn multinomial_fits_reach_scikit_learns_objective() {
    // tests/reference_penalties.py: LogisticRegression(C=1) (multinomial, newton-cholesky at
    // tol 1e-14) on StandardScaler output; J = C·Σ(logsumexp(z) − z_y) + ½‖W‖².
    let dir = tmp();
    let d = dir.path();
    for (file, target, reference) in [
        ("iris.csv", "species", 31.37876826079647),
        ("digits.csv", "digit", 113.47995478033414),
    ] {
        let j = json_in(
            d,
            &[
                "train",
                &dataset(file),
                "-t",
                target,
                "--standardize",
                "--test-size",
                "0",
                "--json",
            ],
        );
        assert_eq!(j["model_kind"], "multinomial");
        let got = f(&j["objective"]);
        assert!(
            (got - reference).abs() <= 1e-8 * reference,
            "{file}: {got} vs scikit-learn's {reference}"
        );
    }
}
