//! `train --plot`: the charts of a fit.

use crate::error::{CliError, CliResult};
use crate::files::write_text;
use logreg::model::{CvResult, RegularizationPath};
use logreg::{ClassLabel, Classifier, Trained};
use logreg_plot::{decision_boundary_chart, loss_chart, Chart};
use std::path::{Path, PathBuf};

/// Chart files `--plot` writes (besides `crate::charts::FILES`).
pub(super) const LOSS_SVG: &str = "loss.svg";
pub(super) const BOUNDARY_SVG: &str = "boundary.svg";
pub(super) const PATH_SVG: &str = "path.svg";
pub(super) const CV_SVG: &str = "cv.svg";

/// Writes the charts (replacing existing ones only with `force`); returns the files written.
pub(super) fn plot(
    trained: &Trained,
    dir: &Path,
    train_rows: Option<&[usize]>,
    test_rows: Option<&[usize]>,
    threshold: f64,
    cv: Option<(&CvResult<ClassLabel>, &RegularizationPath<ClassLabel>)>,
    force: bool,
) -> CliResult<Vec<PathBuf>> {
    let clf = &trained.classifier;
    let design = &trained.features.design;
    crate::charts::create_dir(dir)?;
    let mut written = vec![loss_chart_file(clf, dir, force)?];

    if let Some((cv, reg_path)) = cv {
        let file = dir.join(PATH_SVG);
        write_text(&file, &path_chart(trained, cv, reg_path).to_svg()?, force)?;
        written.push(file);
        let file = dir.join(CV_SVG);
        write_text(&file, &cv_chart(cv).to_svg()?, force)?;
        written.push(file);
    }
    let Some(model) = clf.binary_model() else {
        return Ok(written);
    };

    // ROC, threshold and calibration charts on the held-out rows when there are any.
    let (rows, which) = match test_rows {
        Some(t) => (Some(t), "test"),
        None => (train_rows, "training"),
    };
    let positive = clf.positive_class();
    let z = trained.logits(rows).map_err(CliError::from)?;
    let truth: Vec<bool> = match rows {
        Some(r) => r.iter().map(|&i| trained.labels[i] == *positive).collect(),
        None => trained.labels.iter().map(|l| l == positive).collect(),
    };
    written.extend(crate::charts::score_charts(
        dir, &truth, &z, threshold, which, force,
    )?);

    let names = clf.feature_names();
    if let [x_name, y_name] = names {
        let w = model.coefficients();
        let w = [w.get(0).copied(), w.get(1).copied()];
        let mut points: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
        for (i, l) in trained.labels.iter().enumerate() {
            if let (Some(x), Some(y)) = (design.get(i, 0), design.get(i, 1)) {
                points[usize::from(l == positive)].push((x, y));
            }
        }
        let [neg, pos] = model.classes();
        let (neg, pos) = (neg.to_string(), pos.to_string());
        let boundary = dir.join(BOUNDARY_SVG);
        let svg = decision_boundary_chart(
            &points[0],
            &points[1],
            [neg.as_str(), pos.as_str()],
            [w[0].unwrap_or(0.0), w[1].unwrap_or(0.0)],
            model.intercept(),
        )
        .x_label(x_name.as_str())
        .y_label(y_name.as_str())
        .to_svg()?;
        write_text(&boundary, &svg, force)?;
        written.push(boundary);
    }
    Ok(written)
}

/// Writes the training loss chart; returns its file.
pub(super) fn loss_chart_file(clf: &Classifier, dir: &Path, force: bool) -> CliResult<PathBuf> {
    let fit = clf.model().report();
    let loss = dir.join(LOSS_SVG);
    let svg = loss_chart(&fit.history)
        .title(format!("Training loss ({})", fit.solver.name()))
        .y_label("mean objective")
        .to_svg()?;
    write_text(&loss, &svg, force)?;
    Ok(loss)
}

/// Each coefficient against log₁₀ C along the path (one line per feature, and per class for a
/// K-class model), the chosen C marked.
pub(super) fn path_chart(
    trained: &Trained,
    cv: &CvResult<ClassLabel>,
    reg_path: &RegularizationPath<ClassLabel>,
) -> Chart {
    let names = trained.classifier.feature_names();
    let classes = &reg_path.classes;
    let k = reg_path
        .points
        .first()
        .map_or(0, |p| p.coefficients.nrows());
    let mut chart = Chart::new(format!(
        "Regularization path (l1_ratio {})",
        reg_path.l1_ratio
    ))
    .x_label("log10(C)")
    .y_label("coefficient");
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    // A legend for the ten largest coefficients at the weakest penalty; the rest are unnamed.
    let mut sizes: Vec<(usize, usize, f64)> = Vec::new();
    if let Some(last) = reg_path.points.last() {
        for class in 0..k {
            for j in 0..names.len() {
                sizes.push((class, j, last.coefficients[(class, j)].abs()));
            }
        }
    }
    sizes.sort_by(|a, b| b.2.total_cmp(&a.2));
    let named: Vec<(usize, usize)> = sizes.iter().take(10).map(|&(c, j, _)| (c, j)).collect();
    for (class, class_label) in classes.iter().enumerate().take(k) {
        for (j, name) in names.iter().enumerate() {
            let pts: Vec<(f64, f64)> = reg_path
                .points
                .iter()
                .map(|p| (p.c.log10(), p.coefficients[(class, j)]))
                .collect();
            if pts.iter().all(|&(_, v)| v == 0.0) {
                continue;
            }
            for &(_, v) in &pts {
                lo = lo.min(v);
                hi = hi.max(v);
            }
            let label = if !named.contains(&(class, j)) {
                String::new()
            } else if k > 1 {
                format!("{name} ({class_label})")
            } else {
                name.clone()
            };
            chart = chart.line(label, &pts);
        }
    }
    let x = cv.best.c.log10();
    chart.reference_line(format!("chosen C = {:.4e}", cv.best.c), &[(x, lo), (x, hi)])
}

/// The mean cross-validation score against log₁₀ C, ± one standard deviation as bars, the chosen
/// C marked.
pub(super) fn cv_chart(cv: &CvResult<ClassLabel>) -> Chart {
    let mut chart = Chart::new(format!("Cross-validation ({} folds)", cv.folds))
        .x_label("log10(C)")
        .y_label(cv.scoring.name());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for t in &cv.paths {
        let pts: Vec<(f64, f64)> = t.rows.iter().map(|r| (r.c.log10(), r.mean)).collect();
        let name = if cv.paths.len() > 1 {
            format!("mean score, l1_ratio {}", t.l1_ratio)
        } else {
            "mean score".to_string()
        };
        chart = chart.line(name, &pts);
        for r in &t.rows {
            let x = r.c.log10();
            lo = lo.min(r.mean - r.std);
            hi = hi.max(r.mean + r.std);
            chart = chart.reference_line("", &[(x, r.mean - r.std), (x, r.mean + r.std)]);
        }
    }
    let x = cv.best.c.log10();
    chart.reference_line(format!("chosen C = {:.4e}", cv.best.c), &[(x, lo), (x, hi)])
}
