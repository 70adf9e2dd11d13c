//! `train --cv`: the folds checked against the class counts before any fit, and the path at the
//! chosen ρ.

use crate::error::{CliError, CliResult};
use logreg::model::{CvResult, PathOptions, RegularizationPath};
use logreg::{ClassLabel, Trained};
use std::path::Path;

/// Stratified folds need every class at least `folds` times among the training rows (and twice at
/// the very least): checked before any fit, naming the class.
pub(super) fn check_folds(
    labels: &[ClassLabel],
    train_rows: Option<&[usize]>,
    folds: usize,
    path: &Path,
) -> CliResult<()> {
    let train: Vec<&ClassLabel> = match train_rows {
        Some(r) => r.iter().map(|&i| &labels[i]).collect(),
        None => labels.iter().collect(),
    };
    let mut counts: Vec<(&ClassLabel, usize)> = Vec::new();
    for l in train {
        match counts.iter_mut().find(|(c, _)| *c == l) {
            Some((_, n)) => *n += 1,
            None => counts.push((l, 1)),
        }
    }
    let Some(&(class, least)) = counts.iter().min_by_key(|(_, n)| *n) else {
        return Ok(());
    };
    let class = class.to_string();
    if least == 1 {
        return Err(CliError::failed(format!(
            "{}: --cv {folds}: class {class:?} has a single training row; stratified \
             cross-validation needs at least 2 rows of every class",
            path.display()
        )));
    }
    if folds > least {
        return Err(CliError::failed(format!(
            "{}: --cv {folds} is more than the smallest class count: class {class:?} has {least} \
             training rows, and every fold needs one of each class",
            path.display()
        )));
    }
    Ok(())
}

/// The path at the chosen ρ over its cross-validation grid, on every training row.
pub(super) fn chosen_path(
    trained: &Trained,
    cv: &CvResult<ClassLabel>,
    train_rows: Option<&[usize]>,
) -> Result<RegularizationPath<ClassLabel>, logreg::Error> {
    let params = trained.classifier.model().params();
    let table = cv
        .paths
        .iter()
        .find(|p| p.l1_ratio == cv.best.l1_ratio)
        .unwrap_or(&cv.paths[0]);
    let cs: Vec<f64> = table.rows.iter().map(|r| r.c).collect();
    Ok(params.path(
        &trained.features.design,
        &trained.labels,
        &cs,
        PathOptions {
            rows: train_rows,
            sample_weight: trained.sample_weight.as_deref(),
            multi_class: params.multi_class(),
        },
    )?)
}
