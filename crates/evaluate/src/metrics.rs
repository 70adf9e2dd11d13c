//! Metrics of hard predictions (accuracy, the confusion matrix and the ratios read off it) and the
//! log loss of user-supplied probabilities.
//!
//! **Undefined ratios.** Precision, recall, F1 and specificity are 0/0 when their denominator
//! counts no samples (e.g. precision when nothing is predicted positive). They are then reported
//! as `0.0`, which is what scikit-learn returns with its default `zero_division="warn"` (it also
//! prints a warning; we cannot, so check [`ConfusionMatrix`] counts if it matters).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::check::{compensated_sum, finite, ratio, same_len_nonempty};
use crate::EvalError;

/// Fraction of predictions equal to the truth (scikit-learn's `accuracy_score`); any label type.
pub fn accuracy<T: PartialEq>(y_true: &[T], y_pred: &[T]) -> Result<f64, EvalError> {
    same_len_nonempty("y_pred", y_true.len(), y_pred.len())?;
    let correct = y_true.iter().zip(y_pred).filter(|(t, p)| t == p).count();
    Ok(correct as f64 / y_true.len() as f64)
}

/// Counts of a binary classifier's outcomes (`true` = positive class), as scikit-learn's
/// `confusion_matrix(y_true, y_pred).ravel()` orders them: `tn, fp, fn, tp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConfusionMatrix {
    /// True negatives: actual negative, predicted negative.
    pub tn: usize,
    /// False positives: actual negative, predicted positive.
    pub fp: usize,
    /// False negatives: actual positive, predicted negative (`fn` is a keyword).
    pub fn_: usize,
    /// True positives: actual positive, predicted positive.
    pub tp: usize,
}

impl ConfusionMatrix {
    /// The four counts widened so that sums of hand-made (huge) fields cannot overflow.
    fn wide(&self) -> [u128; 4] {
        [self.tn, self.fp, self.fn_, self.tp].map(|c| c as u128)
    }

    /// Number of samples counted, `tn + fp + fn + tp` (saturating at `usize::MAX`).
    pub fn total(&self) -> usize {
        let [tn, fp, fn_, tp] = self.wide();
        usize::try_from(tn + fp + fn_ + tp).unwrap_or(usize::MAX)
    }

    /// Number of actual positives, `tp + fn` (scikit-learn's support of the positive class).
    pub fn support(&self) -> usize {
        self.tp.saturating_add(self.fn_)
    }

    /// Fraction of correct predictions, `(tp + tn) / total`; 0 for an all-zero matrix.
    pub fn accuracy(&self) -> f64 {
        let [tn, fp, fn_, tp] = self.wide();
        ratio(tp + tn, tn + fp + fn_ + tp)
    }

    /// Precision `tp / (tp + fp)`; 0 when nothing is predicted positive.
    pub fn precision(&self) -> f64 {
        let [_, fp, _, tp] = self.wide();
        ratio(tp, tp + fp)
    }

    /// Recall (sensitivity, true positive rate) `tp / (tp + fn)`; 0 when there are no positives.
    pub fn recall(&self) -> f64 {
        let [_, _, fn_, tp] = self.wide();
        ratio(tp, tp + fn_)
    }

    /// F1 score `2tp / (2tp + fp + fn)`, the harmonic mean of precision and recall; 0 when
    /// `tp + fp + fn = 0`.
    pub fn f1(&self) -> f64 {
        // Computed from counts, as scikit-learn does, rather than from the rounded ratios.
        let [_, fp, fn_, tp] = self.wide();
        ratio(2 * tp, 2 * tp + fp + fn_)
    }

    /// Specificity (true negative rate, recall of the negative class) `tn / (tn + fp)`; 0 when
    /// there are no negatives.
    pub fn specificity(&self) -> f64 {
        let [tn, fp, _, _] = self.wide();
        ratio(tn, tn + fp)
    }

    /// The metrics of the negative class: the same matrix with the roles of the classes swapped.
    pub fn swapped(&self) -> ConfusionMatrix {
        ConfusionMatrix {
            tn: self.tp,
            fp: self.fn_,
            fn_: self.fp,
            tp: self.tn,
        }
    }
}

/// The 2×2 table with actual classes as rows and predicted classes as columns, as scikit-learn
/// lays out `confusion_matrix` (negative first).
impl fmt::Display for ConfusionMatrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cells = [self.tn, self.fp, self.fn_, self.tp].map(|c| c.to_string());
        let w = cells
            .iter()
            .map(String::len)
            .chain(["negative".len()])
            .max()
            .unwrap_or(0);
        let row = "actual".len() + 1 + "negative".len();
        writeln!(f, "{:row$}  predicted", "")?;
        writeln!(f, "{:row$}  {:>w$}  {:>w$}", "", "negative", "positive")?;
        writeln!(f, "actual negative  {:>w$}  {:>w$}", cells[0], cells[1])?;
        write!(f, "       positive  {:>w$}  {:>w$}", cells[2], cells[3])
    }
}

/// Counts `tn, fp, fn, tp` of binary predictions (`true` = positive class).
pub fn confusion_matrix(y_true: &[bool], y_pred: &[bool]) -> Result<ConfusionMatrix, EvalError> {
    same_len_nonempty("y_pred", y_true.len(), y_pred.len())?;
    let mut cm = ConfusionMatrix::default();
    for (&t, &p) in y_true.iter().zip(y_pred) {
        match (t, p) {
            (false, false) => cm.tn += 1,
            (false, true) => cm.fp += 1,
            (true, false) => cm.fn_ += 1,
            (true, true) => cm.tp += 1,
        }
    }
    Ok(cm)
}

/// Precision of the positive class, `tp / (tp + fp)`; 0 when nothing is predicted positive.
pub fn precision(y_true: &[bool], y_pred: &[bool]) -> Result<f64, EvalError> {
    Ok(confusion_matrix(y_true, y_pred)?.precision())
}

/// Recall of the positive class, `tp / (tp + fn)`; 0 when `y_true` has no positives.
pub fn recall(y_true: &[bool], y_pred: &[bool]) -> Result<f64, EvalError> {
    Ok(confusion_matrix(y_true, y_pred)?.recall())
}

/// F1 score of the positive class, `2tp / (2tp + fp + fn)`; 0 when that is 0/0.
pub fn f1_score(y_true: &[bool], y_pred: &[bool]) -> Result<f64, EvalError> {
    Ok(confusion_matrix(y_true, y_pred)?.f1())
}

/// Mean negative log-likelihood of user-supplied probabilities of the positive class
/// (scikit-learn's `log_loss`), optionally weighted.
///
/// This is for probabilities that come from elsewhere (another library, a file). A model of this
/// workspace computes its own log loss exactly from logits (`softplus(z) − y·z`), which needs no
/// clipping and loses nothing for confident predictions; prefer that when you have the model.
///
/// As scikit-learn ≥ 1.5 does, each sample contributes `−ln(clip(p))` if positive and
/// `−ln(clip(1 − p))` if negative, with `clip` to `[ε, 1 − ε]`, `ε = f64::EPSILON`, so a
/// confidently wrong 0 or 1 costs about 36.04 rather than infinity. With weights the result is
/// `Σ wᵢ ℓᵢ / Σ wᵢ`.
///
/// Errors: `proba` or `sample_weight` of the wrong length, no samples, a probability that is NaN
/// or infinite ([`EvalError::NonFinite`]) or outside `[0, 1]` ([`EvalError::OutOfRange`]), a
/// weight that is not finite or negative, or weights summing to 0.
pub fn log_loss(
    y_true: &[bool],
    proba: &[f64],
    sample_weight: Option<&[f64]>,
) -> Result<f64, EvalError> {
    same_len_nonempty("proba", y_true.len(), proba.len())?;
    finite("proba", proba)?;
    if let Some(index) = proba.iter().position(|p| !(0.0..=1.0).contains(p)) {
        return Err(EvalError::OutOfRange {
            what: "proba",
            index,
            value: proba[index],
            expected: "a probability in [0, 1]",
        });
    }
    if let Some(w) = sample_weight {
        same_len_nonempty("sample_weight", y_true.len(), w.len())?;
        finite("sample_weight", w)?;
        if let Some(index) = w.iter().position(|&v| v < 0.0) {
            return Err(EvalError::OutOfRange {
                what: "sample_weight",
                index,
                value: w[index],
                expected: "a weight ≥ 0",
            });
        }
    }

    let eps = f64::EPSILON;
    // Clip the probability of the observed class, as scikit-learn clips both columns [1 − p, p].
    let loss = |(&y, &p): (&bool, &f64)| {
        let q = if y { p } else { 1.0 - p };
        -q.clamp(eps, 1.0 - eps).ln()
    };
    let losses = y_true.iter().zip(proba).map(loss);
    match sample_weight {
        None => Ok(compensated_sum(losses) / y_true.len() as f64),
        Some(w) => {
            // Weights near f64::MAX would overflow the sums (∞/∞ = NaN); shrinking them all by
            // 2⁻⁶⁴ is exact and leaves the ratio alone (weights it flushes to 0 were < 2⁻¹⁰⁰⁰ of
            // the total anyway).
            let mut scale = 1.0;
            let mut total = compensated_sum(w.iter().copied());
            if total.is_nan() || total > 1e300 {
                scale = 2f64.powi(-64);
                total = compensated_sum(w.iter().map(|&wi| wi * scale));
            }
            if total <= 0.0 {
                return Err(EvalError::ZeroTotalWeight {
                    what: "sample_weight",
                });
            }
            let weighted = losses.zip(w).map(|(l, &wi)| l * (wi * scale));
            Ok(compensated_sum(weighted) / total)
        }
    }
}
