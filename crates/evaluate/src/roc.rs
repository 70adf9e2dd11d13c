//! ROC curves and the area under them, from scores where higher means "more positive".
//!
//! Each distinct score `t` is a threshold: predict positive when `score ≥ t`. Tied scores move
//! together, so a tie between a positive and a negative is one diagonal step of the curve and
//! counts ½ in the AUC, exactly as scikit-learn treats it.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::check::{both_classes, finite, same_len_nonempty};
use crate::EvalError;

/// Points of a ROC curve and the score thresholds that produce them.
///
/// `thresholds` decrease and start with `+∞` (nothing predicted positive), so the curve starts at
/// `(fpr, tpr) = (0, 0)` and ends at `(1, 1)` at the lowest score, as scikit-learn ≥ 1.3 returns.
/// The three vectors have the same length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RocCurve {
    /// False positive rate `fp / negatives` when predicting positive for `score ≥ threshold`.
    pub fpr: Vec<f64>,
    /// True positive rate `tp / positives` at the same thresholds.
    pub tpr: Vec<f64>,
    /// The thresholds: `+∞`, then distinct scores in decreasing order.
    pub thresholds: Vec<f64>,
}

impl RocCurve {
    /// The curve as `(fpr, tpr)` pairs, for plotting.
    pub fn points(&self) -> Vec<(f64, f64)> {
        self.fpr
            .iter()
            .copied()
            .zip(self.tpr.iter().copied())
            .collect()
    }

    /// Trapezoidal area under these points; equals [`roc_auc`] up to rounding (both curves).
    pub fn auc(&self) -> f64 {
        self.points()
            .windows(2)
            .map(|w| (w[1].0 - w[0].0) * (w[1].1 + w[0].1) / 2.0)
            .sum()
    }
}

/// Cumulative counts at each distinct score, highest score first.
struct Steps {
    /// False positives when predicting positive for `score ≥ thresholds[i]`.
    fps: Vec<usize>,
    /// True positives at the same thresholds.
    tps: Vec<usize>,
    /// Distinct scores, decreasing.
    thresholds: Vec<f64>,
}

/// Validates inputs and counts, like scikit-learn's `confusion_matrix_at_thresholds`.
fn steps(y_true: &[bool], scores: &[f64]) -> Result<Steps, EvalError> {
    same_len_nonempty("scores", y_true.len(), scores.len())?;
    finite("scores", scores)?;
    both_classes(y_true)?;

    // Highest score first, ties in input order (a stable argsort, as scikit-learn's): sorted
    // as (key, index) pairs whose keys order like the scores, contiguous and in parallel.
    let mut order: Vec<(u64, usize)> = scores
        .iter()
        .enumerate()
        .map(|(i, &s)| (descending_key(s), i))
        .collect();
    order.par_sort_unstable();

    let mut out = Steps {
        fps: Vec::new(),
        tps: Vec::new(),
        thresholds: Vec::new(),
    };
    let (mut tp, mut fp) = (0usize, 0usize);
    for (k, &(key, i)) in order.iter().enumerate() {
        if y_true[i] {
            tp += 1;
        } else {
            fp += 1;
        }
        // A threshold closes where the next score differs (−0.0 == 0.0, as numpy's diff says,
        // and as their keys say).
        let last_of_group = !matches!(order.get(k + 1), Some(&(next, _)) if next == key);
        if last_of_group {
            out.fps.push(fp);
            out.tps.push(tp);
            out.thresholds.push(scores[i]);
        }
    }
    Ok(out)
}

/// A key that sorts finite scores from the highest to the lowest, −0.0 and 0.0 equal: the bits
/// of the score mapped so that unsigned order is numeric order, then reversed.
fn descending_key(score: f64) -> u64 {
    let bits = (score + 0.0).to_bits();
    let ascending = if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    };
    !ascending
}

/// Builds the curve from counts, optionally dropping collinear points as scikit-learn does.
fn curve(steps: Steps, drop_intermediate: bool) -> RocCurve {
    let Steps {
        mut fps,
        mut tps,
        mut thresholds,
    } = steps;
    if drop_intermediate && fps.len() > 2 {
        // Keep the ends and every point where either count's second difference is non-zero (a
        // corner); scikit-learn does this before prepending the (0, 0) point.
        let corner = |i: usize| {
            let second = |v: &[usize]| v[i + 1] + v[i - 1] != 2 * v[i];
            second(&fps) || second(&tps)
        };
        let keep: Vec<usize> = (0..fps.len())
            .filter(|&i| i == 0 || i + 1 == fps.len() || corner(i))
            .collect();
        fps = keep.iter().map(|&i| fps[i]).collect();
        tps = keep.iter().map(|&i| tps[i]).collect();
        thresholds = keep.iter().map(|&i| thresholds[i]).collect();
    }
    // `steps` checked both classes occur, so the last counts are > 0.
    let negatives = fps.last().copied().unwrap_or(0) as f64;
    let positives = tps.last().copied().unwrap_or(0) as f64;
    debug_assert!(negatives > 0.0 && positives > 0.0);
    let rate = |counts: &[usize], total: f64| {
        std::iter::once(0.0)
            .chain(counts.iter().map(|&c| c as f64 / total))
            .collect()
    };
    RocCurve {
        fpr: rate(&fps, negatives),
        tpr: rate(&tps, positives),
        thresholds: std::iter::once(f64::INFINITY).chain(thresholds).collect(),
    }
}

/// ROC curve with scikit-learn's default `drop_intermediate=True`: points collinear with their
/// neighbours (which change neither the plot nor the area) are dropped.
///
/// The first real threshold (the highest score) and the last (the lowest) are always kept; use
/// [`roc_curve_full`] for one point per distinct score. Errors if the lengths differ, there are no
/// samples, a score is NaN or infinite, or `y_true` has only one class.
pub fn roc_curve(y_true: &[bool], scores: &[f64]) -> Result<RocCurve, EvalError> {
    Ok(curve(steps(y_true, scores)?, true))
}

/// ROC curve with one point per distinct score (scikit-learn's `drop_intermediate=False`).
pub fn roc_curve_full(y_true: &[bool], scores: &[f64]) -> Result<RocCurve, EvalError> {
    Ok(curve(steps(y_true, scores)?, false))
}

/// ROC curve, choosing scikit-learn's `drop_intermediate` behaviour explicitly.
pub fn roc_curve_with(
    y_true: &[bool],
    scores: &[f64],
    drop_intermediate: bool,
) -> Result<RocCurve, EvalError> {
    Ok(curve(steps(y_true, scores)?, drop_intermediate))
}

/// Area under the ROC curve (scikit-learn's `roc_auc_score`).
///
/// This is the trapezoid rule over the full curve, which equals the Mann–Whitney statistic: the
/// fraction of (positive, negative) pairs in which the positive scores higher, ties counting ½.
/// It is summed exactly in integers and divided once, so it is exact to one rounding. Errors as
/// [`roc_curve`], in particular [`EvalError::SingleClass`] when `y_true` has one class (the area
/// is 0/0 then; scikit-learn raises too).
pub fn roc_auc(y_true: &[bool], scores: &[f64]) -> Result<f64, EvalError> {
    let s = steps(y_true, scores)?;
    // Twice the area in units of one (negative, positive) cell: Σ Δfp · (tp + tp_prev).
    let (mut twice_area, mut fp_prev, mut tp_prev) = (0u128, 0usize, 0usize);
    for (&fp, &tp) in s.fps.iter().zip(&s.tps) {
        twice_area += (fp - fp_prev) as u128 * (tp + tp_prev) as u128;
        (fp_prev, tp_prev) = (fp, tp);
    }
    let cells = 2 * fp_prev as u128 * tp_prev as u128;
    Ok(twice_area as f64 / cells as f64)
}
