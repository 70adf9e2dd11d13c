//! End to end through the facade: CSV → pipeline → model → metrics → saved artifact.
//! Reference numbers: `python3 tests/reference_bank.py` from the repository root.

use logreg::model::{FitOptions, LogisticRegression, Solver};
use logreg::preprocess::{read_csv, recipes, CsvOptions, Pipeline};
use logreg::{ClassLabel, Classifier, Error};

fn dataset(name: &str) -> String {
    format!("{}/datasets/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn bank_tutorial_cleaning_then_l2_reaches_scikit_learns_objective() {
    let table = read_csv(dataset("bank.csv"), &CsvOptions::new()).unwrap();
    let params = LogisticRegression::params().c(1.0).check().unwrap();
    let clf = Classifier::fit(
        &table,
        "deposit",
        recipes::bank_marketing_pipeline(),
        &params,
    )
    .unwrap();
    assert_eq!(clf.feature_names().len(), 45);
    assert_eq!(clf.positive_class(), &ClassLabel::from("yes"));
    // tests/reference_bank.py: "tutorial features 45 J 4526.459556458681"
    let j = clf.model().report().objective;
    let want = 4_526.459_556_458_681;
    assert!(((j - want) / want).abs() < 1e-8, "J = {j}");
    let eval = clf.evaluate(&table).unwrap();
    assert!(
        eval.accuracy > 0.8 && eval.roc_auc.unwrap() > 0.88,
        "{eval:?}"
    );
}

#[test]
fn banknote_gradient_descent_on_a_seeded_split_and_a_saved_classifier() {
    let table = read_csv(dataset("banknote.csv"), &CsvOptions::new()).unwrap();
    let split = logreg::evaluate::train_test_split(table.n_rows(), 0.2, 42).unwrap();
    let (train, test) = (
        table.take(&split.train).unwrap(),
        table.take(&split.test).unwrap(),
    );
    // The tutorials' gradient descent: rate 0.1, 1000 iterations, on standardized features.
    let params = LogisticRegression::params()
        .solver(Solver::gd(0.1))
        .max_iter(1000)
        .check()
        .unwrap();
    let clf = Classifier::fit(&train, "class", Pipeline::new().standardize_all(), &params).unwrap();
    let h = &clf.model().report().history;
    assert!(
        h.windows(2).all(|w| w[1] <= w[0]),
        "loss decreases monotonically"
    );
    let eval = clf.evaluate(&test).unwrap();
    assert!(eval.accuracy >= 0.97, "test accuracy {}", eval.accuracy);
    assert_eq!(eval.n, 275);

    // One artifact, preprocessing included, predicts identically after a round trip.
    let back = Classifier::from_json(&clf.to_json().unwrap()).unwrap();
    assert_eq!(back, clf);
    assert_eq!(
        back.predict_proba(&test).unwrap(),
        clf.predict_proba(&test).unwrap()
    );
    assert_eq!(back.predict(&test).unwrap().len(), 275);

    // Data without a feature column the model needs is an error naming it.
    let missing = test.drop(&["skewness"]).unwrap();
    let e = clf.predict(&missing).unwrap_err().to_string();
    assert!(e.contains("skewness"), "{e}");
}

#[test]
fn labels_positive_class_and_unknown_labels() {
    let csv = "x,label\n1,2\n2,2\n3,4\n4,2\n5,4\n6,4\n";
    let table = logreg::preprocess::read_csv_from(csv.as_bytes(), &CsvOptions::new()).unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let clf = Classifier::fit(&table, "label", Pipeline::new(), &params).unwrap();
    assert_eq!(clf.positive_class().to_string(), "4");
    let flipped = Classifier::fit_with(
        &table,
        "label",
        Pipeline::new(),
        &params,
        FitOptions {
            positive_class: Some(ClassLabel::from("2")),
            ..FitOptions::default()
        },
    )
    .unwrap();
    assert_eq!(flipped.positive_class().to_string(), "2");
    let e = Classifier::fit_with(
        &table,
        "label",
        Pipeline::new(),
        &params,
        FitOptions {
            positive_class: Some(ClassLabel::from("3")),
            ..FitOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("positive class 3 is not among the labels (2, 4)"),
        "{e}"
    );

    let other = "x,label\n1,2\n2,7\n";
    let t2 = logreg::preprocess::read_csv_from(other.as_bytes(), &CsvOptions::new()).unwrap();
    let e = clf.evaluate(&t2).unwrap_err();
    assert!(matches!(e, Error::UnknownLabel { row: 2, .. }), "{e}");
    let gap = "x,label\n1,2\n2,\n";
    let t3 = logreg::preprocess::read_csv_from(gap.as_bytes(), &CsvOptions::new()).unwrap();
    assert!(matches!(
        clf.evaluate(&t3).unwrap_err(),
        Error::MissingLabel { row: 2, .. }
    ));
    let one =
        logreg::preprocess::read_csv_from("x,label\n1,a\n2,a\n".as_bytes(), &CsvOptions::new())
            .unwrap();
    let e = Classifier::fit(&one, "label", Pipeline::new(), &params)
        .unwrap_err()
        .to_string();
    assert!(e.contains("only one class") && e.contains("\"a\""), "{e}");
    let e = Classifier::fit(&table, "target", Pipeline::new(), &params)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("target") && e.contains("label"),
        "lists the columns: {e}"
    );
}
