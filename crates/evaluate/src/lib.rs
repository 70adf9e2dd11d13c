//! Evaluation of binary classifiers: metrics, ROC curves, seeded splits and k-fold cross-validation.
//!
//! Labels are `&[bool]` with `true` the positive class; scores and probabilities are `&[f64]` with
//! one entry per label. Every function checks its inputs (lengths, emptiness, NaN/∞, parameter
//! ranges) and returns an [`EvalError`] naming the problem instead of panicking or returning NaN.
//! Values match scikit-learn's `sklearn.metrics` and `sklearn.model_selection` (the tests compare
//! them), including its conventions: 0/0 ratios are 0, ROC thresholds start at `+∞`, tied scores
//! count ½ in the AUC, test sets hold `ceil(test_size · n)` samples.
//!
//! ```
//! use logreg_evaluate::{classification_report, confusion_matrix, roc_auc, train_test_split, KFold};
//!
//! let y_true = [false, false, true, true, false, true];
//! let scores = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9];
//! let y_pred: Vec<bool> = scores.iter().map(|&s| s >= 0.5).collect();
//!
//! let cm = confusion_matrix(&y_true, &y_pred)?;
//! assert_eq!((cm.tn, cm.fp, cm.fn_, cm.tp), (3, 0, 1, 2));
//! assert_eq!(cm.precision(), 1.0);
//! assert!((cm.recall() - 2.0 / 3.0).abs() < 1e-15);
//!
//! // 8 of the 9 (positive, negative) pairs are ranked the right way round.
//! assert!((roc_auc(&y_true, &scores)? - 8.0 / 9.0).abs() < 1e-15);
//! println!("{}", classification_report(&y_true, &y_pred, ["negative", "positive"])?);
//!
//! let split = train_test_split(y_true.len(), 0.25, 42)?;
//! assert_eq!((split.train.len(), split.test.len()), (4, 2)); // ceil(0.25 · 6) = 2
//! let folds = KFold::new(3)?.shuffle(7).split(y_true.len())?;
//! assert!(folds.iter().all(|f| f.test.len() == 2));
//!
//! // Bad input is an error, not a panic: ROC AUC needs both classes.
//! assert!(roc_auc(&[true, true], &[0.2, 0.7]).is_err());
//! # Ok::<(), logreg_evaluate::EvalError>(())
//! ```
#![forbid(unsafe_code)]

mod calibration;
mod check;
mod error;
mod metrics;
mod report;
mod roc;
mod split;

pub use calibration::{
    brier_score_loss, calibration_curve, confusion_at_thresholds, CalibrationBin,
};
pub use error::EvalError;
pub use metrics::{
    accuracy, confusion_matrix, f1_score, log_loss, precision, recall, ConfusionMatrix,
};
pub use report::{
    classification_report, multiclass_report, ClassificationReport, MulticlassReport, ReportRow,
};
pub use roc::{roc_auc, roc_curve, roc_curve_full, roc_curve_with, RocCurve};
pub use split::{stratified_train_test_split, train_test_split, KFold, Split, StratifiedKFold};
