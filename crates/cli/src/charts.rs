//! The charts of a model's scores on labelled rows, shared by `train --plot` and
//! `evaluate --plot`: ROC curve, precision/recall/F1 against the threshold, reliability diagram.

use crate::error::{CliError, CliResult};
use crate::files::write_text;
use logreg::evaluate::{calibration_curve, confusion_at_thresholds, roc_curve};
use logreg::linalg::sigmoid;
use logreg_plot::{calibration_chart, roc_chart, threshold_chart};
use std::path::{Path, PathBuf};

/// The files [`score_charts`] may write.
pub(crate) const FILES: &[&str] = &[ROC_SVG, THRESHOLD_SVG, CALIBRATION_SVG];
const ROC_SVG: &str = "roc.svg";
const THRESHOLD_SVG: &str = "threshold.svg";
const CALIBRATION_SVG: &str = "calibration.svg";
/// Bins of the reliability diagram.
const CALIBRATION_BINS: usize = 10;

/// Creates the `--plot` directory if needed.
pub(crate) fn create_dir(dir: &Path) -> CliResult<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::failed(format!(
            "--plot {}: cannot create the directory: {e}",
            dir.display()
        ))
    })
}

/// Writes roc.svg (when both classes occur), threshold.svg and calibration.svg for logits `z`
/// of rows whose truth is `truth`, described as `which` rows; returns the files written.
pub(crate) fn score_charts(
    dir: &Path,
    truth: &[bool],
    z: &[f64],
    threshold: f64,
    which: &str,
    force: bool,
) -> CliResult<Vec<PathBuf>> {
    let mut written = Vec::new();
    if let Ok(curve) = roc_curve(truth, z) {
        let roc = dir.join(ROC_SVG);
        let svg = roc_chart(&curve.points(), curve.auc())
            .title(format!("ROC curve ({which} rows)"))
            .to_svg()?;
        write_text(&roc, &svg, force)?;
        written.push(roc);
    }

    // Thresholds 0.01 … 0.99, compared on the logit scale as predictions are.
    let grid: Vec<f64> = (1..100).map(|i| f64::from(i) / 100.0).collect();
    let cuts: Vec<f64> = grid.iter().map(|t| (t / (1.0 - t)).ln()).collect();
    let matrices = confusion_at_thresholds(truth, z, &cuts).map_err(logreg::Error::from)?;
    let series = |f: fn(&logreg::evaluate::ConfusionMatrix) -> f64| -> Vec<(f64, f64)> {
        grid.iter()
            .zip(&matrices)
            .map(|(&t, m)| (t, f(m)))
            .collect()
    };
    let svg = threshold_chart(
        &series(|m| m.precision()),
        &series(|m| m.recall()),
        &series(|m| m.f1()),
        Some(threshold),
    )
    .title(format!(
        "Precision, recall and F1 by threshold ({which} rows)"
    ))
    .to_svg()?;
    let path = dir.join(THRESHOLD_SVG);
    write_text(&path, &svg, force)?;
    written.push(path);

    let proba: Vec<f64> = z.iter().map(|&v| sigmoid(v)).collect();
    let bins = calibration_curve(truth, &proba, CALIBRATION_BINS).map_err(logreg::Error::from)?;
    let points: Vec<(f64, f64, usize)> = bins
        .iter()
        .map(|b| (b.mean_predicted, b.fraction_positive, b.count))
        .collect();
    let svg = calibration_chart(&points)
        .title(format!(
            "Calibration ({which} rows, {CALIBRATION_BINS} bins)"
        ))
        .to_svg()?;
    let path = dir.join(CALIBRATION_SVG);
    write_text(&path, &svg, force)?;
    written.push(path);
    Ok(written)
}
