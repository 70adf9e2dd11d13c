//! Every way to call the crate wrongly gives the right `EvalError` variant, and its message names
//! the problem (the input, the index or the parameter) so a user can fix it.

use logreg_evaluate::{
    accuracy, classification_report, confusion_matrix, f1_score, log_loss, precision, recall,
    roc_auc, roc_curve, roc_curve_full, stratified_train_test_split, train_test_split, EvalError,
    KFold, StratifiedKFold,
};

/// The error's message contains every one of `words`.
fn assert_says(e: &EvalError, words: &[&str]) {
    let msg = e.to_string();
    for w in words {
        assert!(msg.contains(w), "message {msg:?} should mention {w:?}");
    }
}

#[test]
fn hard_prediction_metrics_reject_length_mismatch_and_empty_input() {
    let t = [true, false, true];
    let p = [true, false];
    type Metric = fn(&[bool], &[bool]) -> Result<f64, EvalError>;
    let metrics: [(&str, Metric); 5] = [
        ("accuracy", |a, b| accuracy(a, b)),
        ("precision", precision),
        ("recall", recall),
        ("f1_score", f1_score),
        ("report", |a, b| {
            classification_report(a, b, ["n", "p"]).map(|r| r.accuracy)
        }),
    ];
    for (name, metric) in metrics {
        let e = metric(&t, &p).unwrap_err();
        assert_eq!(
            e,
            EvalError::LengthMismatch {
                what: "y_pred",
                expected: 3,
                found: 2
            },
            "{name}"
        );
        assert_says(&e, &["y_pred", "length 2", "expected 3"]);
        let e = metric(&[], &[]).unwrap_err();
        assert_eq!(e, EvalError::Empty { what: "y_true" }, "{name}");
        assert_says(&e, &["y_true", "empty"]);
    }
    assert!(matches!(
        confusion_matrix(&[true], &[]),
        Err(EvalError::LengthMismatch { found: 0, .. })
    ));
    assert!(matches!(
        accuracy::<u8>(&[], &[]),
        Err(EvalError::Empty { .. })
    ));
}

#[test]
fn roc_rejects_bad_scores() {
    let y = [true, false, true, false];
    type Curve = fn(&[bool], &[f64]) -> Result<(), EvalError>;
    let fns: [(&str, Curve); 3] = [
        ("roc_curve", |y, s| roc_curve(y, s).map(drop)),
        ("roc_curve_full", |y, s| roc_curve_full(y, s).map(drop)),
        ("roc_auc", |y, s| roc_auc(y, s).map(drop)),
    ];
    for (name, f) in fns {
        let e = f(&y, &[0.1, 0.2, 0.3]).unwrap_err();
        assert_eq!(
            e,
            EvalError::LengthMismatch {
                what: "scores",
                expected: 4,
                found: 3
            },
            "{name}"
        );
        assert_says(&e, &["scores", "length 3", "expected 4"]);

        assert_eq!(
            f(&[], &[]).unwrap_err(),
            EvalError::Empty { what: "y_true" },
            "{name}"
        );

        let e = f(&y, &[0.1, 0.2, f64::NAN, 0.4]).unwrap_err();
        assert!(
            matches!(e, EvalError::NonFinite { what: "scores", index: 2, value } if value.is_nan()),
            "{name}: {e:?}"
        );
        assert_says(&e, &["scores[2]", "NaN", "finite"]);

        let e = f(&y, &[0.1, f64::NEG_INFINITY, 0.3, 0.4]).unwrap_err();
        assert!(matches!(
            e,
            EvalError::NonFinite {
                what: "scores",
                index: 1,
                ..
            }
        ));
        assert_says(&e, &["scores[1]", "-inf"]);

        for single in [[true; 4], [false; 4]] {
            let e = f(&single, &[0.1, 0.2, 0.3, 0.4]).unwrap_err();
            assert_eq!(e, EvalError::SingleClass { what: "y_true" }, "{name}");
            assert_says(&e, &["y_true", "one class", "ROC"]);
        }
    }
}

#[test]
fn log_loss_rejects_bad_probabilities_and_weights() {
    let y = [true, false, true];
    let e = log_loss(&y, &[0.5, 0.5], None).unwrap_err();
    assert_eq!(
        e,
        EvalError::LengthMismatch {
            what: "proba",
            expected: 3,
            found: 2
        }
    );
    assert_says(&e, &["proba", "length 2"]);

    assert_eq!(
        log_loss(&[], &[], None).unwrap_err(),
        EvalError::Empty { what: "y_true" }
    );

    let e = log_loss(&y, &[0.5, f64::NAN, 0.5], None).unwrap_err();
    assert!(matches!(
        e,
        EvalError::NonFinite {
            what: "proba",
            index: 1,
            ..
        }
    ));
    assert_says(&e, &["proba[1]", "NaN"]);
    let e = log_loss(&y, &[0.5, 0.5, f64::INFINITY], None).unwrap_err();
    assert_says(&e, &["proba[2]", "inf"]);

    for (bad, shown) in [(1.5, "1.5"), (-0.1, "-0.1")] {
        let e = log_loss(&y, &[0.5, 0.5, bad], None).unwrap_err();
        assert_eq!(
            e,
            EvalError::OutOfRange {
                what: "proba",
                index: 2,
                value: bad,
                expected: "a probability in [0, 1]"
            }
        );
        assert_says(&e, &["proba[2]", shown, "[0, 1]"]);
    }

    let p = [0.5, 0.5, 0.5];
    let e = log_loss(&y, &p, Some(&[1.0])).unwrap_err();
    assert_eq!(
        e,
        EvalError::LengthMismatch {
            what: "sample_weight",
            expected: 3,
            found: 1
        }
    );
    assert_says(&e, &["sample_weight", "length 1"]);
    let e = log_loss(&y, &p, Some(&[1.0, f64::NAN, 1.0])).unwrap_err();
    assert_says(&e, &["sample_weight[1]", "NaN"]);
    let e = log_loss(&y, &p, Some(&[1.0, 1.0, -2.0])).unwrap_err();
    assert!(matches!(
        e,
        EvalError::OutOfRange {
            what: "sample_weight",
            index: 2,
            ..
        }
    ));
    assert_says(&e, &["sample_weight[2]", "-2", "≥ 0"]);
    let e = log_loss(&y, &p, Some(&[0.0; 3])).unwrap_err();
    assert_eq!(
        e,
        EvalError::ZeroTotalWeight {
            what: "sample_weight"
        }
    );
    assert_says(&e, &["sample_weight", "sums to 0"]);
}

#[test]
fn splits_reject_bad_test_size() {
    for bad in [1.0, 1.5, -0.1, f64::NAN, f64::INFINITY] {
        let e = train_test_split(10, bad, 0).unwrap_err();
        assert!(
            matches!(
                e,
                EvalError::InvalidParameter {
                    name: "test_size",
                    ..
                }
            ),
            "{bad}: {e:?}"
        );
        assert_says(&e, &["test_size", &bad.to_string(), "[0, 1)"]);
        let e = stratified_train_test_split(&[0, 1, 0, 1], bad, 0).unwrap_err();
        assert!(matches!(
            e,
            EvalError::InvalidParameter {
                name: "test_size",
                ..
            }
        ));
    }
}

#[test]
fn train_test_split_rejects_no_samples_and_empty_train() {
    let e = train_test_split(0, 0.25, 0).unwrap_err();
    assert_eq!(e, EvalError::Empty { what: "samples" });
    assert_says(&e, &["samples", "empty"]);

    let e = train_test_split(1, 0.5, 0).unwrap_err();
    assert_eq!(
        e,
        EvalError::EmptyTrainSet {
            n_samples: 1,
            test_size: 0.5,
            n_test: 1
        }
    );
    assert_says(&e, &["1 sample", "test_size = 0.5", "train set empty"]);
    // ceil(0.95 · 10) = 10 as well.
    assert!(matches!(
        train_test_split(10, 0.95, 0),
        Err(EvalError::EmptyTrainSet { n_test: 10, .. })
    ));
    // But a single sample with test_size = 0 is a valid (train-only) split.
    let s = train_test_split(1, 0.0, 0).unwrap();
    assert_eq!((s.train, s.test), (vec![0], vec![]));
}

#[test]
fn stratified_split_rejects_empty_labels_and_singleton_classes() {
    let e = stratified_train_test_split::<u8>(&[], 0.2, 0).unwrap_err();
    assert_eq!(e, EvalError::Empty { what: "labels" });

    let labels = ["a", "b", "a", "c", "b", "a"];
    let e = stratified_train_test_split(&labels, 0.3, 0).unwrap_err();
    assert_eq!(
        e,
        EvalError::ClassTooSmall {
            first_index: 3,
            count: 1,
            needed: 2,
            what: "train and test set"
        }
    );
    assert_says(&e, &["labels[3]", "1 member", "2 needed", "train and test"]);
    // Without a test set a singleton class is harmless.
    let s = stratified_train_test_split(&labels, 0.0, 0).unwrap();
    assert_eq!(s.train.len(), 6);
    assert!(s.test.is_empty());
}

#[test]
fn kfold_rejects_bad_n_splits_and_too_few_samples() {
    for bad in [0, 1] {
        let e = KFold::new(bad).unwrap_err();
        assert_eq!(
            e,
            EvalError::InvalidParameter {
                name: "n_splits",
                value: bad.to_string(),
                expected: "an integer ≥ 2"
            }
        );
        assert_says(&e, &["n_splits", &bad.to_string(), "≥ 2"]);
        assert!(matches!(
            StratifiedKFold::new(bad),
            Err(EvalError::InvalidParameter {
                name: "n_splits",
                ..
            })
        ));
    }
    // Fields are public, so `split` checks them again rather than trusting construction.
    let hand_made = KFold {
        n_splits: 1,
        shuffle: false,
        seed: 0,
    };
    assert!(matches!(
        hand_made.split(10),
        Err(EvalError::InvalidParameter {
            name: "n_splits",
            ..
        })
    ));
    let hand_made = StratifiedKFold {
        n_splits: 0,
        shuffle: true,
        seed: 0,
    };
    assert!(matches!(
        hand_made.split(&[0, 1]),
        Err(EvalError::InvalidParameter { .. })
    ));

    let kf = KFold::new(5).unwrap();
    assert_eq!(
        kf.split(0).unwrap_err(),
        EvalError::Empty { what: "samples" }
    );
    let e = kf.split(3).unwrap_err();
    assert_eq!(
        e,
        EvalError::TooFewSamples {
            n_samples: 3,
            n_splits: 5
        }
    );
    assert_says(&e, &["n_splits = 5", "3 sample"]);
}

#[test]
fn stratified_kfold_rejects_empty_labels_and_small_classes() {
    let skf = StratifiedKFold::new(3).unwrap().shuffle(1);
    assert_eq!(
        skf.split::<bool>(&[]).unwrap_err(),
        EvalError::Empty { what: "labels" }
    );
    assert_eq!(
        skf.split(&[true, false]).unwrap_err(),
        EvalError::TooFewSamples {
            n_samples: 2,
            n_splits: 3
        }
    );
    // The positive class (first seen at index 2) has 2 < 3 members: one test fold would miss it.
    let y = [false, false, true, false, false, true, false];
    let e = skf.split(&y).unwrap_err();
    assert_eq!(
        e,
        EvalError::ClassTooSmall {
            first_index: 2,
            count: 2,
            needed: 3,
            what: "test fold"
        }
    );
    assert_says(&e, &["labels[2]", "2 member", "3 needed", "test fold"]);
}
