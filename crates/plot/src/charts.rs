//! Ready-made charts: loss, ROC, calibration, threshold and decision-boundary charts, and line
//! charts of several curves, each a `Chart` to adjust further or save.

use crate::Chart;

/// A line chart of several named curves, one colour each (loss or accuracy per epoch, say).
///
/// ```
/// let fast: Vec<(f64, f64)> = (0..50).map(|e| (e as f64, 1.0 - (-0.3 * e as f64).exp())).collect();
/// let slow: Vec<(f64, f64)> = (0..50).map(|e| (e as f64, 1.0 - (-0.05 * e as f64).exp())).collect();
/// let chart = logreg_plot::line_chart("Accuracy", [("lr = 1", &fast[..]), ("lr = 0.1", &slow[..])])
///     .x_label("epoch")
///     .y_label("accuracy");
/// assert!(chart.to_svg().is_ok());
/// ```
pub fn line_chart<'a, N: Into<String>>(
    title: &str,
    series: impl IntoIterator<Item = (N, &'a [(f64, f64)])>,
) -> Chart {
    series
        .into_iter()
        .fold(Chart::new(title), |chart, (name, points)| {
            chart.line(name, points)
        })
}

/// A loss-per-iteration curve (the value at index `i` is drawn at `x = i`).
pub fn loss_chart(history: &[f64]) -> Chart {
    let points: Vec<(f64, f64)> = history
        .iter()
        .enumerate()
        .map(|(i, &v)| (i as f64, v))
        .collect();
    Chart::new("Training loss")
        .x_label("iteration")
        .y_label("loss")
        .line("loss", &points)
}

/// A ROC curve from `(false positive rate, true positive rate)` points, with the chance diagonal.
pub fn roc_chart(fpr_tpr: &[(f64, f64)], auc: f64) -> Chart {
    let name = if auc.is_finite() {
        format!("ROC (AUC = {auc:.3})")
    } else {
        "ROC".to_string()
    };
    Chart::new("ROC curve")
        .x_label("false positive rate")
        .y_label("true positive rate")
        .x_range(-0.02, 1.02)
        .y_range(-0.02, 1.02)
        .reference_line("chance", &[(0.0, 0.0), (1.0, 1.0)])
        .line(name, fpr_tpr)
}

/// A reliability diagram: each bin's mean predicted probability against the fraction of its
/// samples that are positive, `(mean predicted, fraction positive, count)` per bin, with the
/// diagonal of perfect calibration and each bin's count written above its point.
///
/// ```
/// let bins = [(0.1, 0.05, 40), (0.5, 0.55, 12), (0.9, 0.85, 30)];
/// let svg = logreg_plot::calibration_chart(&bins).to_svg()?;
/// assert!(svg.contains(">n = 12<"));
/// # Ok::<(), logreg_plot::PlotError>(())
/// ```
pub fn calibration_chart(bins: &[(f64, f64, usize)]) -> Chart {
    let points: Vec<(f64, f64)> = bins.iter().map(|&(p, f, _)| (p, f)).collect();
    let counts: Vec<String> = bins.iter().map(|&(_, _, n)| format!("n = {n}")).collect();
    Chart::new("Calibration (reliability diagram)")
        .x_label("mean predicted probability")
        .y_label("fraction of positives")
        .x_range(-0.02, 1.02)
        .y_range(-0.02, 1.1)
        .reference_line("perfectly calibrated", &[(0.0, 0.0), (1.0, 1.0)])
        .line("model", &points)
        .labels(&points, &counts)
}

/// Precision, recall and F1 against the probability threshold (each point `(threshold,
/// value)`), with the threshold in use marked by a vertical dashed line.
///
/// ```
/// let chart = logreg_plot::threshold_chart(&[(0.25, 0.6), (0.5, 0.8), (0.75, 0.9)],
///     &[(0.25, 0.95), (0.5, 0.8), (0.75, 0.5)], &[(0.25, 0.73), (0.5, 0.8), (0.75, 0.64)], Some(0.5));
/// assert!(chart.to_svg()?.contains("threshold 0.5"));
/// # Ok::<(), logreg_plot::PlotError>(())
/// ```
pub fn threshold_chart(
    precision: &[(f64, f64)],
    recall: &[(f64, f64)],
    f1: &[(f64, f64)],
    chosen: Option<f64>,
) -> Chart {
    let mut chart = Chart::new("Precision, recall and F1 by threshold")
        .x_label("threshold on P(positive)")
        .y_label("score")
        .x_range(0.0, 1.0)
        .y_range(-0.02, 1.02)
        .line("precision", precision)
        .line("recall", recall)
        .line("F1", f1);
    if let Some(t) = chosen {
        chart = chart.reference_line(format!("threshold {t}"), &[(t, 0.0), (t, 1.0)]);
    }
    chart
}

/// Two classes of 2-D points with the decision boundary `w[0]·x + w[1]·y + b = 0` drawn over them.
///
/// ```
/// let neg = [(0.0, 0.5), (0.5, 0.0), (1.0, 1.0)];
/// let pos = [(2.0, 2.5), (3.0, 2.0), (2.5, 3.0)];
/// let svg = logreg_plot::decision_boundary_chart(&neg, &pos, ["rejected", "admitted"], [1.0, 1.0], -3.5)
///     .x_label("exam 1")
///     .y_label("exam 2")
///     .to_svg()?;
/// assert_eq!(svg.matches("<circle").count(), 6 + 2); // the points and two legend swatches
/// # Ok::<(), logreg_plot::PlotError>(())
/// ```
pub fn decision_boundary_chart(
    class0: &[(f64, f64)],
    class1: &[(f64, f64)],
    class_names: [&str; 2],
    w: [f64; 2],
    b: f64,
) -> Chart {
    Chart::new("Decision boundary")
        .x_label("x₁")
        .y_label("x₂")
        .scatter(class_names[0], class0)
        .scatter(class_names[1], class1)
        .boundary("decision boundary", w, b)
}
