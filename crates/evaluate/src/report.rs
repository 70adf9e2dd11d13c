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
