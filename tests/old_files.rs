//! Files written by the previous release (format version 1: flat solver settings, stop reasons as
//! sentences, pipeline numbers as strings) still load, and predict what that release predicted.
//! The fixtures were written by `logreg train … --out` of release 0.1.0 before format version 2.

use logreg::preprocess::{read_csv, CsvOptions};
use logreg::{ClassLabel, Classifier};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn version_1_model_files_load_with_their_settings() {
    for name in ["banknote_v1.json", "bank_v1.json", "banknote_gd_v1.json"] {
        let clf = Classifier::load(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            clf.model().report().converged || name.contains("gd"),
            "{name}"
        );
    }
    let gd = Classifier::load(fixture("banknote_gd_v1.json")).unwrap();
    let solver = gd.model().params().solver();
    assert_eq!(
        solver,
        logreg::model::Solver::Gd(logreg::optim::GradientDescent::new(0.5).max_iter(50))
    );
    assert_eq!(gd.model().report().stop, logreg::optim::Stop::MaxIterations);
}

#[test]
fn version_1_bank_model_predicts_what_it_predicted_then() {
    let clf = Classifier::load(fixture("bank_v1.json")).unwrap();
    let table = read_csv(
        format!("{}/datasets/bank.csv", env!("CARGO_MANIFEST_DIR")),
        &CsvOptions::new(),
    )
    .unwrap();
    let rows: Vec<usize> = (0..50).collect();
    let proba = clf.predict_proba(&table.take(&rows).unwrap()).unwrap();
    let labels = clf.predict(&table.take(&rows).unwrap()).unwrap();
    let expected = std::fs::read_to_string(fixture("bank_v1_predictions.csv")).unwrap();
    for (i, line) in expected.lines().skip(1).enumerate() {
        let (label, p) = line.split_once(',').unwrap();
        let p: f64 = p.parse().unwrap();
        assert_eq!(labels[i], ClassLabel::from(label), "row {i}");
        assert!(
            (proba[i] - p).abs() <= 1e-12 * p.max(1e-3),
            "row {i}: {} vs {p}",
            proba[i]
        );
    }
}
