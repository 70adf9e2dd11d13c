//! How well probabilities are calibrated, and how the hard decisions change with the threshold:
//! the Brier score, the reliability diagram's bins, and the confusion matrix at many thresholds.

use serde::{Deserialize, Serialize};

use crate::check::{compensated_sum, finite, same_len_nonempty};
use crate::metrics::ConfusionMatrix;
use crate::EvalError;

/// The probabilities must be finite and in [0, 1].
fn probabilities(proba: &[f64]) -> Result<(), EvalError> {
    finite("proba", proba)?;
    match proba.iter().position(|p| !(0.0..=1.0).contains(p)) {
        Some(index) => Err(EvalError::OutOfRange {
            what: "proba",
            index,
            value: proba[index],
            expected: "a probability in [0, 1]",
        }),
        None => Ok(()),
    }
}

/// The Brier score, the mean squared difference between P(positive) and the outcome (1 for a
/// positive, 0 for a negative): scikit-learn's `brier_score_loss`. 0 is perfect; always
/// predicting ½ scores ¼.
pub fn brier_score_loss(y_true: &[bool], proba: &[f64]) -> Result<f64, EvalError> {
    same_len_nonempty("proba", y_true.len(), proba.len())?;
    probabilities(proba)?;
    let sq = y_true.iter().zip(proba).map(|(&y, &p)| {
        let e = p - f64::from(u8::from(y));
        e * e
    });
    Ok(compensated_sum(sq) / y_true.len() as f64)
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// The bin's lower edge.
    pub lower: f64,
    /// The bin's upper edge.
    pub upper: f64,
    /// Samples whose probability falls in the bin.
    pub count: usize,
    /// Their mean predicted probability (scikit-learn's `prob_pred`).
    pub mean_predicted: f64,
    /// The fraction of them that are positive (scikit-learn's `prob_true`).
    pub fraction_positive: f64,
}

/// The reliability diagram's bins: [0, 1] cut into `n_bins` equal intervals, each sample in the
/// interval of its probability, as scikit-learn's `calibration_curve(strategy="uniform")` bins
/// them (a probability on an inner edge goes to the lower bin; 1 goes to the last). Empty bins
/// are left out, as scikit-learn leaves them out.
pub fn calibration_curve(
    y_true: &[bool],
    proba: &[f64],
    n_bins: usize,
) -> Result<Vec<CalibrationBin>, EvalError> {
    same_len_nonempty("proba", y_true.len(), proba.len())?;
    probabilities(proba)?;
    if n_bins == 0 {
        return Err(EvalError::InvalidParameter {
            name: "n_bins",
            value: "0".into(),
            expected: "at least 1",
        });
    }
    // numpy.linspace(0, 1, n_bins + 1)'s edges: b · step, the last exactly 1.
    let step = 1.0 / n_bins as f64;
    let edge = |b: usize| if b == n_bins { 1.0 } else { b as f64 * step };
    let (mut count, mut sum_p, mut pos) = (
        vec![0usize; n_bins],
        vec![0.0; n_bins],
        vec![0usize; n_bins],
    );
    for (&y, &p) in y_true.iter().zip(proba) {
        // numpy.searchsorted(edges[1:-1], p, side="left"): the number of inner edges below p.
        let b = (1..n_bins).take_while(|&e| edge(e) < p).count();
        count[b] += 1;
        sum_p[b] += p;
        pos[b] += usize::from(y);
    }
    Ok((0..n_bins)
        .filter(|&b| count[b] > 0)
        .map(|b| CalibrationBin {
            lower: edge(b),
            upper: edge(b + 1),
            count: count[b],
            mean_predicted: sum_p[b] / count[b] as f64,
            fraction_positive: pos[b] as f64 / count[b] as f64,
        })
        .collect())
}

/// The confusion matrix of predicting positive when `score > t`, for each threshold `t` (any
/// order, any values); one sort of the scores and a binary search per threshold.
pub fn confusion_at_thresholds(
    y_true: &[bool],
    scores: &[f64],
    thresholds: &[f64],
) -> Result<Vec<ConfusionMatrix>, EvalError> {
    same_len_nonempty("scores", y_true.len(), scores.len())?;
    if let Some(index) = scores.iter().position(|s| s.is_nan()) {
        return Err(EvalError::NonFinite {
            what: "scores",
            index,
            value: scores[index],
        });
    }
    if let Some(index) = thresholds.iter().position(|t| t.is_nan()) {
        return Err(EvalError::NonFinite {
            what: "thresholds",
            index,
            value: thresholds[index],
        });
    }
    let mut order: Vec<(f64, bool)> = scores.iter().copied().zip(y_true.iter().copied()).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    // positives_at_or_below[i]: positives among the i lowest scores.
    let mut below = Vec::with_capacity(order.len() + 1);
    below.push(0usize);
    for &(_, y) in &order {
        below.push(below.last().copied().unwrap_or(0) + usize::from(y));
    }
    let (n, positives) = (order.len(), below[order.len()]);
    Ok(thresholds
        .iter()
        .map(|&t| {
            // Rows with score ≤ t are predicted negative.
            let k = order.partition_point(|&(s, _)| s <= t);
            let fn_ = below[k];
            let tn = k - fn_;
            let tp = positives - fn_;
            let fp = (n - k) - tp;
            ConfusionMatrix { tn, fp, fn_, tp }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::confusion_matrix;

    #[test]
    fn brier_and_calibration_match_scikit_learn() {
        // sklearn.metrics.brier_score_loss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]) = 0.0375
        let y = [false, true, true, false];
        let p = [0.1, 0.9, 0.8, 0.3];
        assert!((brier_score_loss(&y, &p).unwrap() - 0.0375).abs() < 1e-16);
        assert!(brier_score_loss(&y, &[0.1, 0.9, 1.2, 0.3]).is_err());
        // sklearn.calibration.calibration_curve(y, p, n_bins=5) for
        // y = [0, 0, 1, 1, 1, 0, 1], p = [0.1, 0.2, 0.2, 0.55, 0.6, 0.4, 1.0]:
        // prob_true [1/3, 0, 1, 1], prob_pred [1/6, 0.4, 0.575, 1.0] (0.2, on an edge, goes down)
        let y = [false, false, true, true, true, false, true];
        let p = [0.1, 0.2, 0.2, 0.55, 0.6, 0.4, 1.0];
        let bins = calibration_curve(&y, &p, 5).unwrap();
        let frac: Vec<f64> = bins.iter().map(|b| b.fraction_positive).collect();
        let pred: Vec<f64> = bins.iter().map(|b| b.mean_predicted).collect();
        let count: Vec<usize> = bins.iter().map(|b| b.count).collect();
        assert_eq!(frac, [1.0 / 3.0, 0.0, 1.0, 1.0]);
        assert_eq!(count, [3, 1, 2, 1]);
        for (g, w) in pred.iter().zip([0.5 / 3.0, 0.4, 0.575, 1.0]) {
            assert!((g - w).abs() < 1e-15, "{g} vs {w}");
        }
        assert_eq!((bins[1].lower, bins[1].upper), (0.2, 0.4));
        assert!(calibration_curve(&y, &p, 0).is_err());
    }

    #[test]
    fn confusion_at_thresholds_equals_one_matrix_per_threshold() {
        let y = [true, false, true, true, false, false, true, false];
        let s = [0.3, -1.0, 2.0, 0.3, 0.3, 5.0, -0.2, -3.0];
        let t = [-10.0, 0.3, 0.0, 10.0, -0.2, f64::INFINITY];
        let got = confusion_at_thresholds(&y, &s, &t).unwrap();
        for (cm, &ti) in got.iter().zip(&t) {
            let pred: Vec<bool> = s.iter().map(|&v| v > ti).collect();
            assert_eq!(*cm, confusion_matrix(&y, &pred).unwrap(), "threshold {ti}");
        }
        assert!(confusion_at_thresholds(&y, &s, &[f64::NAN]).is_err());
    }
}
