//! scikit-learn's `classification_report` for a binary classifier: per-class precision, recall,
//! F1 and support, then accuracy and the macro and weighted averages.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::metrics::{confusion_matrix, ConfusionMatrix};
use crate::EvalError;

/// One line of a [`ClassificationReport`]: a class or an average over the two classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    /// The class name, or `"macro avg"` / `"weighted avg"`.
    pub label: String,
    /// Precision (0 when nothing is predicted as this class).
    pub precision: f64,
    /// Recall (0 when the class has no samples).
    pub recall: f64,
    /// F1 score (0 when precision and recall are both 0/0 or 0).
    pub f1: f64,
    /// Number of samples of the class in `y_true` (all samples for the averages).
    pub support: usize,
}

/// Per-class and averaged metrics of binary predictions, printed like scikit-learn's text report.
///
/// Both classes are always listed, negative (`false`) first as scikit-learn orders `0, 1`, even
/// when one of them never occurs (scikit-learn would then drop its row and reject the two
/// `target_names`). Ratios that are 0/0 are 0 (scikit-learn's `zero_division` default).
/// `Display` prints 2 decimals; ask for more with a precision: `format!("{report:.4}")`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationReport {
    /// The negative class's row, then the positive class's.
    pub classes: [ReportRow; 2],
    /// Fraction of correct predictions.
    pub accuracy: f64,
    /// Unweighted mean of the two classes' metrics.
    pub macro_avg: ReportRow,
    /// Mean of the two classes' metrics weighted by their support.
    pub weighted_avg: ReportRow,
    /// The counts the report is computed from.
    pub confusion_matrix: ConfusionMatrix,
}

/// Builds the report; `class_names` are `[negative, positive]`, the names of `false` and `true`.
pub fn classification_report(
    y_true: &[bool],
    y_pred: &[bool],
    class_names: [&str; 2],
) -> Result<ClassificationReport, EvalError> {
    let cm = confusion_matrix(y_true, y_pred)?;
    let row = |label: &str, m: &ConfusionMatrix| ReportRow {
        label: label.to_string(),
        precision: m.precision(),
        recall: m.recall(),
        f1: m.f1(),
        support: m.support(),
    };
    let classes = [row(class_names[0], &cm.swapped()), row(class_names[1], &cm)];
    let total = cm.total();
    let average = |label: &str, weights: [f64; 2]| {
        let sum = weights[0] + weights[1];
        let mean = |f: fn(&ReportRow) -> f64| {
            (weights[0] * f(&classes[0]) + weights[1] * f(&classes[1])) / sum
        };
        ReportRow {
            label: label.to_string(),
            precision: mean(|r| r.precision),
            recall: mean(|r| r.recall),
            f1: mean(|r| r.f1),
            support: total,
        }
    };
    let macro_avg = average("macro avg", [1.0, 1.0]);
    let weighted_avg = average(
        "weighted avg",
        [classes[0].support as f64, classes[1].support as f64],
    );
    Ok(ClassificationReport {
        accuracy: cm.accuracy(),
        classes,
        macro_avg,
        weighted_avg,
        confusion_matrix: cm,
    })
}

impl ClassificationReport {
    /// The text report with `digits` decimals, character for character as scikit-learn's
    /// `classification_report(..., digits=digits)` prints it.
    ///
    /// `digits` is capped at 17, past which an `f64` carries no further information (and a huge
    /// value would only make a huge string).
    pub fn to_text(&self, digits: usize) -> String {
        let digits = digits.min(17);
        // Port of scikit-learn's layout: a right-aligned name column at least as wide as
        // "weighted avg", then 9-character columns each preceded by a space.
        let name_width = self
            .classes
            .iter()
            .map(|r| r.label.chars().count())
            .max()
            .unwrap_or(0);
        let width = name_width.max("weighted avg".len()).max(digits);
        let mut out = format!("{:>width$} ", "");
        for header in ["precision", "recall", "f1-score", "support"] {
            out += &format!(" {header:>9}");
        }
        out += "\n\n";
        let line = |r: &ReportRow| {
            format!(
                "{:>width$}  {:>9.digits$} {:>9.digits$} {:>9.digits$} {:>9}\n",
                r.label, r.precision, r.recall, r.f1, r.support
            )
        };
        for r in &self.classes {
            out += &line(r);
        }
        out += "\n";
        out += &format!(
            "{:>width$}  {:>9} {:>9} {:>9.digits$} {:>9}\n",
            "accuracy", "", "", self.accuracy, self.macro_avg.support
        );
        out += &line(&self.macro_avg);
        out += &line(&self.weighted_avg);
        out
    }
}

/// scikit-learn's text layout; 2 decimals unless a precision is given (`{:.4}`).
impl fmt::Display for ClassificationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text(f.precision().unwrap_or(2)))
    }
}

/// scikit-learn's `classification_report` and `confusion_matrix` for K classes: per-class
/// precision, recall, F1 and support, accuracy, macro and support-weighted averages, and the K × K
/// counts (row = true class, column = predicted class, classes in the given order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MulticlassReport {
    /// One row per class, in the order of the class names.
    pub classes: Vec<ReportRow>,
    /// Fraction of correct predictions.
    pub accuracy: f64,
    /// Unweighted mean of the classes' metrics.
    pub macro_avg: ReportRow,
    /// Mean of the classes' metrics weighted by their support.
    pub weighted_avg: ReportRow,
    /// `confusion[t][p]`: rows of true class t predicted as p.
    pub confusion: Vec<Vec<usize>>,
}

/// Builds a [`MulticlassReport`] from class indices (`< class_names.len()`).
///
/// ```
/// let r = logreg_evaluate::multiclass_report(&[0, 1, 2, 2], &[0, 2, 2, 1], &["a", "b", "c"])?;
/// assert_eq!(r.confusion, vec![vec![1, 0, 0], vec![0, 0, 1], vec![0, 1, 1]]);
/// assert_eq!(r.accuracy, 0.5);
/// assert_eq!(r.classes[2].precision, 0.5);
/// # Ok::<(), logreg_evaluate::EvalError>(())
/// ```
pub fn multiclass_report(
    y_true: &[usize],
    y_pred: &[usize],
    class_names: &[&str],
) -> Result<MulticlassReport, EvalError> {
    if y_true.len() != y_pred.len() {
        return Err(EvalError::LengthMismatch {
            what: "y_pred",
            expected: y_true.len(),
            found: y_pred.len(),
        });
    }
    if y_true.is_empty() {
        return Err(EvalError::Empty { what: "y_true" });
    }
    let k = class_names.len();
    for (what, v) in [("y_true", y_true), ("y_pred", y_pred)] {
        if let Some(index) = v.iter().position(|&c| c >= k) {
            return Err(EvalError::OutOfRange {
                what,
                index,
                value: v[index] as f64,
                expected: "a class index below the number of class names",
            });
        }
    }
    let mut confusion = vec![vec![0usize; k]; k];
    for (&t, &p) in y_true.iter().zip(y_pred) {
        confusion[t][p] += 1;
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let classes: Vec<ReportRow> = (0..k)
        .map(|c| {
            let tp = confusion[c][c];
            let support: usize = confusion[c].iter().sum();
            let predicted: usize = confusion.iter().map(|r| r[c]).sum();
            let (precision, recall) = (ratio(tp, predicted), ratio(tp, support));
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            ReportRow {
                label: class_names[c].to_string(),
                precision,
                recall,
                f1,
                support,
            }
        })
        .collect();
    let n = y_true.len();
    let average = |label: &str, weight: &dyn Fn(&ReportRow) -> f64| {
        let total: f64 = classes.iter().map(weight).sum();
        let mean = |f: fn(&ReportRow) -> f64| {
            if total > 0.0 {
                classes.iter().map(|r| weight(r) * f(r)).sum::<f64>() / total
            } else {
                0.0
            }
        };
        ReportRow {
            label: label.to_string(),
            precision: mean(|r| r.precision),
            recall: mean(|r| r.recall),
            f1: mean(|r| r.f1),
            support: n,
        }
    };
    let macro_avg = average("macro avg", &|_| 1.0);
    let weighted_avg = average("weighted avg", &|r| r.support as f64);
    let correct: usize = (0..k).map(|c| confusion[c][c]).sum();
    Ok(MulticlassReport {
        accuracy: correct as f64 / n as f64,
        classes,
        macro_avg,
        weighted_avg,
        confusion,
    })
}
