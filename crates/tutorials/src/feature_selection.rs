//! Feature selection with L1: which of the bank-marketing tutorial's 45 features does a lasso
//! keep, and how many does cross-validation say we need?
//!
//! An L1 penalty (`C·Σ loss + ‖w‖₁`) sets coefficients exactly to zero, more of them the smaller C
//! is. Up to `C_min` (computed exactly from the gradient at w = 0) every coefficient is zero; above
//! it features enter one by one. The regularization path fits a grid of C from `C_min` up,
//! each fit warm-started from the last, and 5-fold cross-validation scores every C on held-out
//! clients: the best C, and the smallest C within one standard error of it (glmnet's
//! `lambda.1se`, a sparser model that predicts about as well).

use super::{read, save};
use crate::Error;
use logreg::evaluate::train_test_split;
use logreg::model::{
    CGrid, CvOptions, CvResult, LogisticRegression, PathOptions, Penalty, RegularizationPath,
    Scoring,
};
use logreg::preprocess::recipes::{bank_marketing_pipeline, BANK_TARGET};
use logreg::{ClassLabel, Classifier, FitColumns, Trained};
use logreg_plot::Chart;
use std::path::{Path, PathBuf};

/// Values of C on the grid.
pub const GRID: usize = 20;
/// Cross-validation folds.
pub const FOLDS: usize = 5;
/// Seed of the train/test split and of the folds.
pub const SEED: u64 = 42;

/// What the tutorial computes: the classifier refitted at the chosen C (with the design of every
/// row), the cross-validation table, and the path on the training rows.
pub struct Selection {
    /// The pipeline and model at the best C, with the features of every client.
    pub trained: Trained,
    /// The training rows (the rest are held out).
    pub train_rows: Vec<usize>,
    /// The held-out rows.
    pub test_rows: Vec<usize>,
    /// The cross-validation table and choice.
    pub cv: CvResult<ClassLabel>,
    /// Coefficients along the grid, fitted on every training row.
    pub path: RegularizationPath<ClassLabel>,
}

/// Load `datasets/bank.csv`, hold out 20% of the clients, clean the rest with the tutorial's
/// pipeline, and choose C for an L1 penalty by [`FOLDS`]-fold cross-validation (log loss) over
/// [`GRID`] values from `C_min` up; then the path on all training rows over the same grid.
pub fn select() -> Result<Selection, Error> {
    select_with(GRID, FOLDS)
}

/// [`select`] with `grid` values of C and `folds` folds.
pub fn select_with(grid: usize, folds: usize) -> Result<Selection, Error> {
    let bank = read("bank.csv")?;
    let split = train_test_split(bank.n_rows(), 0.2, SEED)?;
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 1.0 })
        .check()?;
    let (trained, cv) = Classifier::cross_validate_owned(
        bank,
        BANK_TARGET,
        &FitColumns::default(),
        bank_marketing_pipeline(),
        &params,
        CvOptions {
            folds,
            cs: CGrid::Count(grid),
            scoring: Scoring::LogLoss,
            seed: SEED,
            rows: Some(&split.train),
            ..CvOptions::default()
        },
    )?;
    let cs: Vec<f64> = cv.paths[0].rows.iter().map(|r| r.c).collect();
    let path = params.path(
        &trained.features.design,
        &trained.labels,
        &cs,
        PathOptions {
            rows: Some(&split.train),
            ..PathOptions::default()
        },
    )?;
    Ok(Selection {
        trained,
        train_rows: split.train,
        test_rows: split.test,
        cv,
        path,
    })
}

/// The features whose coefficient is not zero at the path's point nearest to `c`, with it.
pub fn kept_at(s: &Selection, c: f64) -> Vec<(String, f64)> {
    let names = s.trained.classifier.feature_names();
    let point = s.path.points.iter().min_by(|a, b| {
        (a.c.ln() - c.ln())
            .abs()
            .total_cmp(&(b.c.ln() - c.ln()).abs())
    });
    match point {
        Some(p) => names
            .iter()
            .zip(p.coefficients.row(0).iter())
            .filter(|(_, &w)| w != 0.0)
            .map(|(n, &w)| (n.clone(), w))
            .collect(),
        None => Vec::new(),
    }
}

/// `path.svg`: every coefficient against log₁₀ C, the best and the 1-SE C marked.
pub fn path_chart(s: &Selection, dir: &Path) -> Result<PathBuf, Error> {
    let names = s.trained.classifier.feature_names();
    let mut chart = Chart::new("L1 path on the bank-marketing features")
        .x_label("log10(C)")
        .y_label("coefficient (standardized feature)");
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    let named = top_features(s, 10);
    for (j, name) in names.iter().enumerate() {
        let pts: Vec<(f64, f64)> = s
            .path
            .points
            .iter()
            .map(|p| (p.c.log10(), p.coefficients[(0, j)]))
            .collect();
        for &(_, v) in &pts {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        // Only the features that ever enter, and a name for the ten largest at the end.
        if pts.iter().any(|&(_, v)| v != 0.0) {
            let label = if named.contains(&j) {
                name.clone()
            } else {
                String::new()
            };
            chart = chart.line(label, &pts);
        }
    }
    for (label, c) in [("best C", s.cv.best.c), ("1-SE C", s.cv.one_se.c)] {
        let x = c.log10();
        chart = chart.reference_line(format!("{label} = {c:.3e}"), &[(x, lo), (x, hi)]);
    }
    save(&chart, dir, "path.svg")
}

/// The `n` features with the largest coefficients at the weakest penalty of the path.
fn top_features(s: &Selection, n: usize) -> Vec<usize> {
    let Some(last) = s.path.points.last() else {
        return Vec::new();
    };
    let mut order: Vec<usize> = (0..last.coefficients.ncols()).collect();
    order.sort_by(|&a, &b| {
        last.coefficients[(0, b)]
            .abs()
            .total_cmp(&last.coefficients[(0, a)].abs())
    });
    order.truncate(n);
    order
}
