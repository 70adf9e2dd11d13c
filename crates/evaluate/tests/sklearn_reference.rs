//! Every metric against the value scikit-learn 1.9.1 (numpy 2.4.6) computes on the same input.
//! Each reference value sits next to the exact Python command that printed it; the inputs in those
//! commands are the Rust inputs written with 0/1 for false/true.

use logreg_evaluate::{
    accuracy, classification_report, confusion_matrix, f1_score, log_loss, precision, recall,
    roc_auc, roc_curve, roc_curve_full, roc_curve_with, ConfusionMatrix, EvalError, RocCurve,
};

/// Relative closeness for values that scikit-learn computes with a different summation order.
fn assert_close(actual: f64, expected: f64, rel: f64) {
    let tol = rel * expected.abs().max(1e-300);
    assert!(
        (actual - expected).abs() <= tol,
        "got {actual:e}, expected {expected:e} (relative tolerance {rel:e})"
    );
}

fn bools(v: &[u8]) -> Vec<bool> {
    v.iter().map(|&b| b == 1).collect()
}

fn predict(scores: &[f64]) -> Vec<bool> {
    scores.iter().map(|&s| s >= 0.5).collect()
}

// D1: 12 samples, 4 positive; ties at 0.8 (one of each class), 0.4 (two negatives and a positive)
// and 0.1 (two negatives), and three negatives in a row at 0.3, 0.2, 0.1 (a collinear point).
const D1_Y: [u8; 12] = [0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0];
const D1_S: [f64; 12] = [0.1, 0.4, 0.35, 0.8, 0.8, 0.4, 0.2, 0.9, 0.1, 0.55, 0.4, 0.3];

// D2: 20 samples, 6 positive; ties within and across classes at 0.7, 0.5, 0.35, 0.2.
const D2_Y: [u8; 20] = [1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1];
const D2_S: [f64; 20] = [
    0.9, 0.2, 0.7, 0.3, 0.7, 0.1, 0.5, 0.5, 0.2, 0.5, 0.05, 0.6, 0.35, 0.35, 0.8, 0.1, 0.95, 0.4,
    0.2, 0.2,
];

#[test]
fn d1_hard_prediction_metrics() {
    // python3 -c 'import numpy as np; from sklearn.metrics import *
    // y = [0,0,1,0,1,0,0,1,0,0,1,0]; p = np.array([0.1,0.4,0.35,0.8,0.8,0.4,0.2,0.9,0.1,0.55,0.4,0.3]) >= 0.5
    // print(confusion_matrix(y, p).ravel().tolist(), [repr(f(y, p)) for f in (accuracy_score,
    //       precision_score, recall_score, f1_score)], repr(recall_score(y, p, pos_label=0)))'
    // → [6, 2, 2, 2] ['0.6666666666666666', '0.5', '0.5', '0.5'] 0.75
    let (y, p) = (bools(&D1_Y), predict(&D1_S));
    let cm = confusion_matrix(&y, &p).unwrap();
    assert_eq!(
        cm,
        ConfusionMatrix {
            tn: 6,
            fp: 2,
            fn_: 2,
            tp: 2
        }
    );
    assert_eq!(accuracy(&y, &p).unwrap(), 0.6666666666666666);
    assert_eq!(precision(&y, &p).unwrap(), 0.5);
    assert_eq!(recall(&y, &p).unwrap(), 0.5);
    assert_eq!(f1_score(&y, &p).unwrap(), 0.5);
    assert_eq!(cm.specificity(), 0.75);
    assert_eq!(cm.support(), 4);
    assert_eq!(cm.total(), 12);
}

#[test]
fn d2_hard_prediction_metrics() {
    // python3 -c 'import numpy as np; from sklearn.metrics import *
    // y = [1,0,0,0,1,0,0,0,0,1,0,0,1,0,0,0,1,0,0,1]
    // p = np.array([0.9,0.2,0.7,0.3,0.7,0.1,0.5,0.5,0.2,0.5,0.05,0.6,0.35,0.35,0.8,0.1,0.95,0.4,0.2,0.2]) >= 0.5
    // print(confusion_matrix(y, p).ravel().tolist(), [repr(f(y, p)) for f in (accuracy_score,
    //       precision_score, recall_score, f1_score)], repr(recall_score(y, p, pos_label=0)))'
    // → [9, 5, 2, 4] ['0.65', '0.4444444444444444', '0.6666666666666666', '0.5333333333333333'] 0.6428571428571429
    let (y, p) = (bools(&D2_Y), predict(&D2_S));
    let cm = confusion_matrix(&y, &p).unwrap();
    assert_eq!((cm.tn, cm.fp, cm.fn_, cm.tp), (9, 5, 2, 4));
    assert_eq!(accuracy(&y, &p).unwrap(), 0.65);
    assert_eq!(cm.accuracy(), 0.65);
    assert_eq!(precision(&y, &p).unwrap(), 0.4444444444444444);
    assert_eq!(recall(&y, &p).unwrap(), 0.6666666666666666);
    assert_eq!(f1_score(&y, &p).unwrap(), 0.5333333333333333);
    assert_eq!(cm.specificity(), 0.6428571428571429);
}

#[test]
fn all_negative_predictions_give_zero_not_nan() {
    // python3 -W ignore -c 'from sklearn.metrics import *
    // y = [1,0,0,0,1,0,0,0,0,1,0,0,1,0,0,0,1,0,0,1]; p = [0]*20
    // print(confusion_matrix(y, p).ravel().tolist(), [repr(f(y, p)) for f in (accuracy_score,
    //       precision_score, recall_score, f1_score)])'
    // → [14, 0, 6, 0] ['0.7', '0.0', '0.0', '0.0']
    let y = bools(&D2_Y);
    let p = vec![false; 20];
    let cm = confusion_matrix(&y, &p).unwrap();
    assert_eq!((cm.tn, cm.fp, cm.fn_, cm.tp), (14, 0, 6, 0));
    assert_eq!(accuracy(&y, &p).unwrap(), 0.7);
    assert_eq!(precision(&y, &p).unwrap(), 0.0); // 0/0
    assert_eq!(recall(&y, &p).unwrap(), 0.0);
    assert_eq!(f1_score(&y, &p).unwrap(), 0.0);
}

#[test]
fn no_actual_positives_give_zero_recall() {
    // python3 -W ignore -c 'from sklearn.metrics import *
    // y = [0,0,0,0,0]; p = [0,1,0,1,1]
    // print(confusion_matrix(y, p, labels=[0,1]).ravel().tolist(), [repr(f(y, p)) for f in
    //       (precision_score, recall_score, f1_score, accuracy_score)])'
    // → [2, 3, 0, 0] ['0.0', '0.0', '0.0', '0.4']
    let y = bools(&[0, 0, 0, 0, 0]);
    let p = bools(&[0, 1, 0, 1, 1]);
    let cm = confusion_matrix(&y, &p).unwrap();
    assert_eq!((cm.tn, cm.fp, cm.fn_, cm.tp), (2, 3, 0, 0));
    assert_eq!(precision(&y, &p).unwrap(), 0.0);
    assert_eq!(recall(&y, &p).unwrap(), 0.0); // 0/0
    assert_eq!(f1_score(&y, &p).unwrap(), 0.0);
    assert_eq!(accuracy(&y, &p).unwrap(), 0.4);
    assert_eq!(cm.specificity(), 0.4);
}

#[test]
fn all_zero_matrix_ratios_are_zero() {
    let cm = ConfusionMatrix::default();
    for v in [
        cm.accuracy(),
        cm.precision(),
        cm.recall(),
        cm.f1(),
        cm.specificity(),
    ] {
        assert_eq!(v, 0.0);
    }
}

#[test]
fn multiclass_accuracy() {
    // python3 -c 'from sklearn.metrics import accuracy_score
    // print(repr(accuracy_score(["cat","dog","bird","bird","dog"], ["cat","bird","bird","bird","dog"])))'
    // → 0.8
    let t = ["cat", "dog", "bird", "bird", "dog"];
    let p = ["cat", "bird", "bird", "bird", "dog"];
    assert_eq!(accuracy(&t, &p).unwrap(), 0.8);
    assert_eq!(accuracy(&[0u8, 1, 2], &[0u8, 1, 2]).unwrap(), 1.0);
}

fn assert_curve(c: &RocCurve, fpr: &[f64], tpr: &[f64], thresholds: &[f64]) {
    // Rates are counts over counts, divided once: bit-identical to scikit-learn's.
    assert_eq!(c.fpr, fpr, "fpr");
    assert_eq!(c.tpr, tpr, "tpr");
    assert_eq!(c.thresholds, thresholds, "thresholds");
}

#[test]
fn d1_roc_curve_default_drops_collinear_point_like_sklearn() {
    // python3 -c 'from sklearn.metrics import roc_curve
    // y = [0,0,1,0,1,0,0,1,0,0,1,0]; s = [0.1,0.4,0.35,0.8,0.8,0.4,0.2,0.9,0.1,0.55,0.4,0.3]
    // for d in (True, False): print([x.tolist() for x in roc_curve(y, s, drop_intermediate=d)])'
    // → [[0.0, 0.0, 0.125, 0.25, 0.5, 0.5, 0.75, 1.0], [0.0, 0.25, 0.5, 0.5, 0.75, 1.0, 1.0, 1.0],
    //    [inf, 0.9, 0.8, 0.55, 0.4, 0.35, 0.2, 0.1]]
    //   [[0.0, 0.0, 0.125, 0.25, 0.5, 0.5, 0.625, 0.75, 1.0], [0.0, 0.25, 0.5, 0.5, 0.75, 1.0, 1.0,
    //    1.0, 1.0], [inf, 0.9, 0.8, 0.55, 0.4, 0.35, 0.3, 0.2, 0.1]]
    let y = bools(&D1_Y);
    let inf = f64::INFINITY;
    let default = roc_curve(&y, &D1_S).unwrap();
    assert_curve(
        &default,
        &[0.0, 0.0, 0.125, 0.25, 0.5, 0.5, 0.75, 1.0],
        &[0.0, 0.25, 0.5, 0.5, 0.75, 1.0, 1.0, 1.0],
        &[inf, 0.9, 0.8, 0.55, 0.4, 0.35, 0.2, 0.1],
    );
    assert_eq!(roc_curve_with(&y, &D1_S, true).unwrap(), default);

    let full = roc_curve_full(&y, &D1_S).unwrap();
    assert_curve(
        &full,
        &[0.0, 0.0, 0.125, 0.25, 0.5, 0.5, 0.625, 0.75, 1.0],
        &[0.0, 0.25, 0.5, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0],
        &[inf, 0.9, 0.8, 0.55, 0.4, 0.35, 0.3, 0.2, 0.1],
    );
    assert_eq!(roc_curve_with(&y, &D1_S, false).unwrap(), full);
    assert_eq!(full.points()[6], (0.625, 1.0));
    assert_eq!(full.points().len(), full.fpr.len());
}

#[test]
fn d1_roc_auc() {
    // python3 -c 'from sklearn.metrics import roc_auc_score
    // print(repr(roc_auc_score([0,0,1,0,1,0,0,1,0,0,1,0], [0.1,0.4,0.35,0.8,0.8,0.4,0.2,0.9,0.1,0.55,0.4,0.3])))'
    // → 0.765625
    let y = bools(&D1_Y);
    assert_eq!(roc_auc(&y, &D1_S).unwrap(), 0.765625);
    assert_eq!(roc_curve(&y, &D1_S).unwrap().auc(), 0.765625);
    assert_eq!(roc_curve_full(&y, &D1_S).unwrap().auc(), 0.765625);
}

#[test]
fn d2_roc_curve_and_auc() {
    // python3 -c 'from sklearn.metrics import roc_curve, roc_auc_score
    // y = [1,0,0,0,1,0,0,0,0,1,0,0,1,0,0,0,1,0,0,1]
    // s = [0.9,0.2,0.7,0.3,0.7,0.1,0.5,0.5,0.2,0.5,0.05,0.6,0.35,0.35,0.8,0.1,0.95,0.4,0.2,0.2]
    // print(repr(roc_auc_score(y, s)))
    // for d in (True, False): print([x.tolist() for x in roc_curve(y, s, drop_intermediate=d)])'
    // → 0.744047619047619, and the same curve for both settings (no collinear point):
    let fpr = [
        0.0,
        0.0,
        0.0,
        0.07142857142857142,
        0.14285714285714285,
        0.21428571428571427,
        0.35714285714285715,
        0.42857142857142855,
        0.5,
        0.5714285714285714,
        0.7857142857142857,
        0.9285714285714286,
        1.0,
    ];
    let tpr = [
        0.0,
        0.16666666666666666,
        0.3333333333333333,
        0.3333333333333333,
        0.5,
        0.5,
        0.6666666666666666,
        0.6666666666666666,
        0.8333333333333334,
        0.8333333333333334,
        1.0,
        1.0,
        1.0,
    ];
    let thresholds = [
        f64::INFINITY,
        0.95,
        0.9,
        0.8,
        0.7,
        0.6,
        0.5,
        0.4,
        0.35,
        0.3,
        0.2,
        0.1,
        0.05,
    ];
    let y = bools(&D2_Y);
    assert_curve(&roc_curve(&y, &D2_S).unwrap(), &fpr, &tpr, &thresholds);
    assert_curve(&roc_curve_full(&y, &D2_S).unwrap(), &fpr, &tpr, &thresholds);
    assert_close(roc_auc(&y, &D2_S).unwrap(), 0.744047619047619, 1e-15);
    assert_close(
        roc_curve(&y, &D2_S).unwrap().auc(),
        0.744047619047619,
        1e-15,
    );
}

#[test]
fn auc_of_perfect_inverted_and_constant_rankings() {
    // python3 -c 'from sklearn.metrics import roc_auc_score, roc_curve
    // y = [0,1,0,1,1]; print(roc_auc_score(y, [0.1,0.8,0.3,0.9,0.6]), roc_auc_score(y, [0.9,0.2,0.7,0.1,0.4]),
    //       roc_auc_score(y, [0.5]*5), [x.tolist() for x in roc_curve(y, [0.5]*5)])'
    // → 1.0 0.0 0.5 [[0.0, 1.0], [0.0, 1.0], [inf, 0.5]]
    let y = bools(&[0, 1, 0, 1, 1]);
    assert_eq!(roc_auc(&y, &[0.1, 0.8, 0.3, 0.9, 0.6]).unwrap(), 1.0);
    assert_eq!(roc_auc(&y, &[0.9, 0.2, 0.7, 0.1, 0.4]).unwrap(), 0.0);
    assert_eq!(roc_auc(&y, &[0.5; 5]).unwrap(), 0.5);
    let c = roc_curve(&y, &[0.5; 5]).unwrap();
    assert_curve(&c, &[0.0, 1.0], &[0.0, 1.0], &[f64::INFINITY, 0.5]);
    assert_eq!(c.points(), vec![(0.0, 0.0), (1.0, 1.0)]);
}

#[test]
fn roc_with_two_samples_keeps_every_point() {
    // python3 -c 'from sklearn.metrics import roc_curve; print([x.tolist() for x in roc_curve([1,0], [0.3,0.7])])'
    // → [[0.0, 1.0, 1.0], [0.0, 0.0, 1.0], [inf, 0.7, 0.3]]
    let c = roc_curve(&[true, false], &[0.3, 0.7]).unwrap();
    assert_curve(
        &c,
        &[0.0, 1.0, 1.0],
        &[0.0, 0.0, 1.0],
        &[f64::INFINITY, 0.7, 0.3],
    );
}

#[test]
fn log_loss_clips_and_weights_like_sklearn() {
    // python3 -c 'from sklearn.metrics import log_loss
    // y = [1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0]
    // p = [0.9, 0.0, 1.0, 0.3, 1e-20, 0.999999999999999999, 0.5, 0.05, 2e-16, 0.9999999999999998, 0.7310585786300049, 0.01]
    // w = [1.0, 2.0, 0.5, 3.0, 1.0, 0.0, 2.0, 1.0, 1.0, 0.25, 4.0, 1.5]
    // print(repr(log_loss(y, p)), repr(log_loss(y, p, sample_weight=w)))'
    // → 12.142033459532035 7.538196064854761
    let y = bools(&[1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0]);
    #[allow(clippy::excessive_precision)]
    let p = [
        0.9,
        0.0,
        1.0,
        0.3,
        1e-20,
        0.999999999999999999,
        0.5,
        0.05,
        2e-16,
        0.9999999999999998,
        0.7310585786300049,
        0.01,
    ];
    let w = [1.0, 2.0, 0.5, 3.0, 1.0, 0.0, 2.0, 1.0, 1.0, 0.25, 4.0, 1.5];
    assert_close(log_loss(&y, &p, None).unwrap(), 12.142033459532035, 1e-14);
    assert_close(
        log_loss(&y, &p, Some(&w)).unwrap(),
        7.538196064854761,
        1e-14,
    );
}

#[test]
fn log_loss_of_ordinary_probabilities() {
    // python3 -c 'from sklearn.metrics import log_loss
    // print(repr(log_loss([1,0,1,1,0], [0.8,0.3,0.6,0.95,0.1])))'
    // → 0.24945958581286196
    let y = bools(&[1, 0, 1, 1, 0]);
    let p = [0.8, 0.3, 0.6, 0.95, 0.1];
    assert_close(log_loss(&y, &p, None).unwrap(), 0.24945958581286196, 1e-15);
    // Unit weights change nothing; scaling all weights changes nothing.
    assert_close(
        log_loss(&y, &p, Some(&[1.0; 5])).unwrap(),
        0.24945958581286196,
        1e-15,
    );
    assert_close(
        log_loss(&y, &p, Some(&[3.0; 5])).unwrap(),
        0.24945958581286196,
        1e-15,
    );
}

#[test]
fn log_loss_survives_huge_weights() {
    let y = bools(&[1, 0, 1, 1, 0]);
    let p = [0.8, 0.3, 0.6, 0.95, 0.1];
    let w = [f64::MAX; 5];
    assert_close(
        log_loss(&y, &p, Some(&w)).unwrap(),
        0.24945958581286196,
        1e-15,
    );
}

#[test]
fn d1_classification_report_text() {
    // python3 -c 'import numpy as np; from sklearn.metrics import classification_report
    // y = [0,0,1,0,1,0,0,1,0,0,1,0]; p = np.array([0.1,0.4,0.35,0.8,0.8,0.4,0.2,0.9,0.1,0.55,0.4,0.3]) >= 0.5
    // print(repr(classification_report(y, p, target_names=["no", "yes"])))
    // print(repr(classification_report(y, p, target_names=["no", "yes"], digits=4)))'
    // (macro avg = 0.625 exactly: Python and Rust both round the tie to even, "0.62")
    let r = classification_report(&bools(&D1_Y), &predict(&D1_S), ["no", "yes"]).unwrap();
    assert_eq!(
        r.to_string(),
        "              precision    recall  f1-score   support\n\n          no       0.75      0.75      0.75         8\n         yes       0.50      0.50      0.50         4\n\n    accuracy                           0.67        12\n   macro avg       0.62      0.62      0.62        12\nweighted avg       0.67      0.67      0.67        12\n"
    );
    assert_eq!(
        format!("{r:.4}"),
        "              precision    recall  f1-score   support\n\n          no     0.7500    0.7500    0.7500         8\n         yes     0.5000    0.5000    0.5000         4\n\n    accuracy                         0.6667        12\n   macro avg     0.6250    0.6250    0.6250        12\nweighted avg     0.6667    0.6667    0.6667        12\n"
    );
    assert_eq!(r.to_text(4), format!("{r:.4}"));
    // An absurd precision is capped instead of building a gigantic string.
    assert_eq!(format!("{r:.65535}"), r.to_text(17));
    assert_eq!(r.to_text(usize::MAX), r.to_text(17));
    assert!(r.to_text(17).contains("0.66666666666666663"));
}

#[test]
fn d2_classification_report_values_and_text() {
    // python3 -c 'import numpy as np; from sklearn.metrics import classification_report
    // y = [1,0,0,0,1,0,0,0,0,1,0,0,1,0,0,0,1,0,0,1]
    // p = np.array([0.9,0.2,0.7,0.3,0.7,0.1,0.5,0.5,0.2,0.5,0.05,0.6,0.35,0.35,0.8,0.1,0.95,0.4,0.2,0.2]) >= 0.5
    // print(classification_report(y, p, output_dict=True))
    // print(repr(classification_report(y, p, target_names=["not churned", "churned customer"])))
    // print(repr(classification_report(y, p, target_names=["no", "yes"], digits=3)))'
    let (y, p) = (bools(&D2_Y), predict(&D2_S));
    let r = classification_report(&y, &p, ["not churned", "churned customer"]).unwrap();
    let [neg, pos] = &r.classes;
    assert_eq!(neg.label, "not churned");
    assert_eq!(pos.label, "churned customer");
    assert_eq!(
        (neg.precision, neg.recall, neg.f1, neg.support),
        (0.8181818181818182, 0.6428571428571429, 0.72, 14)
    );
    assert_eq!(
        (pos.precision, pos.recall, pos.f1, pos.support),
        (
            0.4444444444444444,
            0.6666666666666666,
            0.5333333333333333,
            6
        )
    );
    assert_eq!(r.accuracy, 0.65);
    let (m, w) = (&r.macro_avg, &r.weighted_avg);
    assert_close(m.precision, 0.6313131313131313, 1e-15);
    assert_close(m.recall, 0.6547619047619048, 1e-15);
    assert_close(m.f1, 0.6266666666666667, 1e-15);
    assert_close(w.precision, 0.706060606060606, 1e-15);
    assert_close(w.recall, 0.65, 1e-15);
    assert_close(w.f1, 0.664, 1e-15);
    assert_eq!((m.support, w.support), (20, 20));
    assert_eq!(
        r.to_string(),
        "                  precision    recall  f1-score   support\n\n     not churned       0.82      0.64      0.72        14\nchurned customer       0.44      0.67      0.53         6\n\n        accuracy                           0.65        20\n       macro avg       0.63      0.65      0.63        20\n    weighted avg       0.71      0.65      0.66        20\n"
    );
    let r3 = classification_report(&y, &p, ["no", "yes"]).unwrap();
    assert_eq!(
        format!("{r3:.3}"),
        "              precision    recall  f1-score   support\n\n          no      0.818     0.643     0.720        14\n         yes      0.444     0.667     0.533         6\n\n    accuracy                          0.650        20\n   macro avg      0.631     0.655     0.627        20\nweighted avg      0.706     0.650     0.664        20\n"
    );
}

#[test]
fn classification_report_with_zero_division() {
    // python3 -W ignore -c 'from sklearn.metrics import classification_report
    // y = [1,0,0,0,1,0,0,0,0,1,0,0,1,0,0,0,1,0,0,1]
    // print(repr(classification_report(y, [0]*20, target_names=["neg", "pos"])))
    // print(repr(classification_report([0]*5, [0,1,0,1,1], labels=[0,1], target_names=["neg", "pos"])))'
    let r = classification_report(&bools(&D2_Y), &[false; 20], ["neg", "pos"]).unwrap();
    assert_eq!(
        r.to_string(),
        "              precision    recall  f1-score   support\n\n         neg       0.70      1.00      0.82        14\n         pos       0.00      0.00      0.00         6\n\n    accuracy                           0.70        20\n   macro avg       0.35      0.50      0.41        20\nweighted avg       0.49      0.70      0.58        20\n"
    );
    let r = classification_report(&[false; 5], &bools(&[0, 1, 0, 1, 1]), ["neg", "pos"]).unwrap();
    assert_eq!(
        r.to_string(),
        "              precision    recall  f1-score   support\n\n         neg       1.00      0.40      0.57         5\n         pos       0.00      0.00      0.00         0\n\n    accuracy                           0.40         5\n   macro avg       0.50      0.20      0.29         5\nweighted avg       1.00      0.40      0.57         5\n"
    );
}

#[test]
fn confusion_matrix_display_has_headers() {
    let cm = ConfusionMatrix {
        tn: 6,
        fp: 2,
        fn_: 2,
        tp: 123456789,
    };
    let text = cm.to_string();
    assert_eq!(
        text,
        "                 predicted\n                  negative   positive\nactual negative          6          2\n       positive          2  123456789"
    );
    let small = ConfusionMatrix {
        tn: 6,
        fp: 2,
        fn_: 2,
        tp: 2,
    };
    assert_eq!(
        small.to_string(),
        "                 predicted\n                 negative  positive\nactual negative         6         2\n       positive         2         2"
    );
}

#[test]
fn outputs_are_serde_types() {
    fn serde_roundtrip_capable<T: serde::Serialize + serde::de::DeserializeOwned>() {}
    serde_roundtrip_capable::<ConfusionMatrix>();
    serde_roundtrip_capable::<RocCurve>();
    serde_roundtrip_capable::<logreg_evaluate::ClassificationReport>();
    serde_roundtrip_capable::<logreg_evaluate::Split>();
    serde_roundtrip_capable::<logreg_evaluate::KFold>();
    serde_roundtrip_capable::<logreg_evaluate::StratifiedKFold>();
    // The error type is a std error with a message.
    fn is_error<E: std::error::Error + Send + Sync + 'static>() {}
    is_error::<EvalError>();
}

#[test]
fn unshuffled_folds_match_sklearn() {
    // python3 -c 'import numpy as np; from sklearn.model_selection import KFold, StratifiedKFold
    // print([t.tolist() for _, t in KFold(3).split(np.zeros(10))])
    // y = [0,0,1,0,1,0,0,1,0,0,1,0,1,0]
    // print([t.tolist() for _, t in StratifiedKFold(3).split(np.zeros(len(y)), y)])
    // print([t.tolist() for _, t in StratifiedKFold(4).split(np.zeros(len(y)), y)])'
    // → [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    //   [[0, 1, 2, 3, 4], [5, 6, 7, 8, 10], [9, 11, 12, 13]]
    //   [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10], [11, 12, 13]]
    // (Classes are taken in order of first appearance, which here is scikit-learn's sorted order.)
    use logreg_evaluate::{KFold, StratifiedKFold};
    let tests = |folds: Vec<logreg_evaluate::Split>| -> Vec<Vec<usize>> {
        folds.into_iter().map(|f| f.test).collect()
    };
    assert_eq!(
        tests(KFold::new(3).unwrap().split(10).unwrap()),
        vec![vec![0, 1, 2, 3], vec![4, 5, 6], vec![7, 8, 9]]
    );
    let y = bools(&[0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0]);
    assert_eq!(
        tests(StratifiedKFold::new(3).unwrap().split(&y).unwrap()),
        vec![
            vec![0, 1, 2, 3, 4],
            vec![5, 6, 7, 8, 10],
            vec![9, 11, 12, 13]
        ]
    );
    assert_eq!(
        tests(StratifiedKFold::new(4).unwrap().split(&y).unwrap()),
        vec![
            vec![0, 1, 2, 3],
            vec![4, 5, 6, 7],
            vec![8, 9, 10],
            vec![11, 12, 13]
        ]
    );
}

#[test]
fn split_sizes_follow_sklearn_rounding() {
    // python3 -c 'from sklearn.model_selection import train_test_split
    // print([len(train_test_split(list(range(n)), test_size=t)[1]) for n, t in
    //        [(10, 0.3), (10, 0.25), (7, 0.5), (100, 0.07), (3, 0.1)]])'
    // → [3, 3, 4, 8, 1]   (0.07 · 100 = 7.000000000000001 in floating point, so ceil gives 8)
    use logreg_evaluate::train_test_split;
    for ((n, t), expected) in [(10, 0.3), (10, 0.25), (7, 0.5), (100, 0.07), (3, 0.1)]
        .into_iter()
        .zip([3, 3, 4, 8, 1])
    {
        let s = train_test_split(n, t, 0).unwrap();
        assert_eq!(s.test.len(), expected, "n = {n}, test_size = {t}");
        assert_eq!(s.train.len(), n - expected);
    }
}

#[test]
fn hand_made_huge_counts_do_not_overflow() {
    let m = usize::MAX;
    let cm = ConfusionMatrix {
        tn: m,
        fp: m,
        fn_: m,
        tp: m,
    };
    assert_eq!(cm.total(), usize::MAX);
    assert_eq!(cm.support(), usize::MAX);
    for v in [
        cm.accuracy(),
        cm.precision(),
        cm.recall(),
        cm.f1(),
        cm.specificity(),
    ] {
        assert_eq!(v, 0.5);
    }
    assert!(cm.to_string().contains(&m.to_string()));
}
