//! Cross-validation: fit on each fold's training rows, score on its held-out rows; and the choice
//! of C (and ρ) by cross-validated regularization paths.

use crate::binary::FitOptions;
use crate::fitted::{argmax_from_logits, log_loss_from_logits, proba_from_logits, FittedModel};
use crate::labels::{encode, Label};
use crate::multiclass::MultiFitOptions;
use crate::params::MultiClass;
use crate::params::{Penalty, ValidParams};
use crate::path::{c_grid, ModelKind, PathOptions, PathPoint};
use crate::ModelError;
use logreg_evaluate::Split;
use logreg_linalg_core::{Design, IntoDesign};
use nalgebra::DMatrix;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Accuracy of a binary model on each fold's test rows, fitting on its training rows.
///
/// Folds come from [`logreg_evaluate::KFold`] or [`logreg_evaluate::StratifiedKFold`]; nothing
/// from a fold's test rows reaches its fit. Folds select rows of X by index: nothing is copied.
///
/// ```
/// use logreg_evaluate::KFold;
/// use logreg_model::{cross_val_accuracy, LogisticRegression};
/// use nalgebra::DMatrix;
///
/// let x = DMatrix::from_fn(40, 1, |i, _| i as f64);
/// let y: Vec<u8> = (0..40).map(|i| u8::from(i >= 20)).collect();
/// let folds = KFold::new(4)?.shuffle(7).split(40)?;
/// let scores = cross_val_accuracy(&LogisticRegression::params().check()?, &x, &y, &folds)?;
/// assert_eq!(scores.len(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cross_val_accuracy<'x, L: Label>(
    params: &ValidParams,
    x: impl IntoDesign<'x>,
    y: &[L],
    folds: &[Split],
) -> Result<Vec<f64>, ModelError> {
    let x = x.into_design()?;
    let x: &Design<'_> = &x;
    if y.len() != x.n_rows() {
        return Err(ModelError::Shape {
            what: "labels y (one per row of X)",
            expected: x.n_rows(),
            found: y.len(),
        });
    }
    folds
        .iter()
        .map(|fold| {
            for idx in [&fold.train, &fold.test] {
                if let Some(&bad) = idx.iter().find(|&&i| i >= x.n_rows()) {
                    return Err(ModelError::Shape {
                        what: "fold row index (must be below the number of rows)",
                        expected: x.n_rows(),
                        found: bad,
                    });
                }
            }
            if fold.test.is_empty() {
                return Err(ModelError::Empty);
            }
            let model = params.fit_with(
                x,
                y,
                FitOptions {
                    rows: Some(&fold.train),
                    ..FitOptions::default()
                },
            )?;
            let z = model.decision_function_on(x, Some(&fold.test), None)?;
            let [negative, positive] = model.classes();
            let correct = z
                .iter()
                .zip(&fold.test)
                .filter(|(&zi, &i)| {
                    y[i] == if zi > 0.0 {
                        positive.clone()
                    } else {
                        negative.clone()
                    }
                })
                .count();
            Ok(correct as f64 / fold.test.len() as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LogisticRegression;
    use logreg_evaluate::{KFold, Split};
    use nalgebra::DMatrix;

    #[test]
    fn each_fold_is_scored_on_its_own_rows() {
        // Labels alternate in blocks the model can learn; a fold's score uses only its test rows.
        let x = DMatrix::from_fn(60, 1, |i, _| (i % 30) as f64);
        let y: Vec<u8> = (0..60).map(|i| u8::from(i % 30 >= 15)).collect();
        let folds = KFold::new(3).unwrap().shuffle(1).split(60).unwrap();
        let p = LogisticRegression::params().check().unwrap();
        let scores = cross_val_accuracy(&p, &x, &y, &folds).unwrap();
        assert_eq!(scores.len(), 3);
        assert!(scores.iter().all(|&s| s >= 0.9), "{scores:?}");
        let bad = [Split {
            train: vec![0, 1],
            test: vec![99],
        }];
        assert!(matches!(
            cross_val_accuracy(&p, &x, &y, &bad),
            Err(ModelError::Shape { .. })
        ));
        assert!(cross_val_accuracy(&p, &x, &y[..5], &folds).is_err());
    }
}

/// How cross-validation scores a model on held-out rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scoring {
    /// Fraction classified correctly (higher is better; scikit-learn's default).
    #[default]
    Accuracy,
    /// Mean log loss, from the logits (lower is better).
    #[serde(rename = "log_loss", alias = "log-loss")]
    LogLoss,
    /// Area under the ROC curve (higher is better); with more than two classes the unweighted
    /// mean of each class's one-vs-rest AUC (scikit-learn's `roc_auc_ovr`).
    #[serde(rename = "roc_auc", alias = "roc-auc")]
    RocAuc,
}

impl Scoring {
    /// The name used on the command line and in reports: `accuracy`, `log-loss`, `roc-auc`.
    pub fn name(self) -> &'static str {
        match self {
            Scoring::Accuracy => "accuracy",
            Scoring::LogLoss => "log-loss",
            Scoring::RocAuc => "roc-auc",
        }
    }

    /// Whether a larger score is better.
    pub fn greater_is_better(self) -> bool {
        self != Scoring::LogLoss
    }

    /// The score of logits `z` (as [`FittedModel::decision_function_on`] gives them) against the
    /// true class indices `y`.
    pub fn score(self, kind: ModelKind, z: &DMatrix<f64>, y: &[usize]) -> Result<f64, ModelError> {
        Ok(match self {
            Scoring::Accuracy => {
                let pred = argmax_from_logits(kind, z);
                pred.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / y.len().max(1) as f64
            }
            Scoring::LogLoss => log_loss_from_logits(kind, z, y),
            Scoring::RocAuc => {
                let auc = |truth: Vec<bool>, s: Vec<f64>| {
                    logreg_evaluate::roc_auc(&truth, &s).map_err(|e| ModelError::InvalidParam {
                        name: "scoring",
                        value: "roc-auc".into(),
                        expected: match e {
                            logreg_evaluate::EvalError::SingleClass { .. } => {
                                "held-out rows of every class (a fold holds one class only)"
                            }
                            _ => "scores ROC AUC can rank",
                        },
                    })
                };
                if kind == ModelKind::Binary {
                    auc(
                        y.iter().map(|&c| c == 1).collect(),
                        z.column(0).iter().copied().collect(),
                    )?
                } else {
                    let p = proba_from_logits(kind, z);
                    let k = p.ncols();
                    let mut total = 0.0;
                    for c in 0..k {
                        total += auc(
                            y.iter().map(|&v| v == c).collect(),
                            p.column(c).iter().copied().collect(),
                        )?;
                    }
                    total / k as f64
                }
            }
        })
    }
}

/// The values of C cross-validation tries.
#[derive(Debug, Clone, PartialEq)]
pub enum CGrid {
    /// This many values from [`c_grid`] (from `C_min` up, for each ρ).
    Count(usize),
    /// These values.
    Values(Vec<f64>),
}

/// Settings of [`ValidParams::cross_validate`].
#[derive(Debug, Clone)]
pub struct CvOptions<'a> {
    /// Number of stratified folds (≥ 2; default 5).
    pub folds: usize,
    /// The grid of C (default 10 values).
    pub cs: CGrid,
    /// The ρ values tried for an elastic net (empty: the parameters' own ρ).
    pub l1_ratios: Vec<f64>,
    /// How held-out rows are scored (default accuracy).
    pub scoring: Scoring,
    /// Seed of the folds' shuffle.
    pub seed: u64,
    /// The model for more than two classes.
    pub multi_class: MultiClass,
    /// Cross-validate (and refit) on these rows of X only.
    pub rows: Option<&'a [usize]>,
    /// One weight per row of X.
    pub sample_weight: Option<&'a [f64]>,
    /// Names of the columns of X, kept with the refitted model.
    pub feature_names: Option<Vec<String>>,
}

impl Default for CvOptions<'_> {
    fn default() -> Self {
        CvOptions {
            folds: 5,
            cs: CGrid::Count(10),
            l1_ratios: Vec::new(),
            scoring: Scoring::Accuracy,
            seed: 0,
            multi_class: MultiClass::Multinomial,
            rows: None,
            sample_weight: None,
            feature_names: None,
        }
    }
}

/// One C of a cross-validation table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvRow {
    /// scikit-learn's C.
    pub c: f64,
    /// The score on each fold's held-out rows, fold order.
    pub fold_scores: Vec<f64>,
    /// Their mean.
    pub mean: f64,
    /// Their standard deviation (population, as scikit-learn's `std_test_score`).
    pub std: f64,
    /// Nonzero coefficients, averaged over the folds' fits.
    pub nonzero: f64,
}

/// The table of one ρ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvPath {
    /// ρ.
    pub l1_ratio: f64,
    /// `C_min` on all the rows (`None` without an L1 part).
    pub c_min: Option<f64>,
    /// One row per C, increasing.
    pub rows: Vec<CvRow>,
}

/// A chosen (ρ, C) and its score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CvChoice {
    /// ρ.
    pub l1_ratio: f64,
    /// C.
    pub c: f64,
    /// Mean score over the folds.
    pub mean: f64,
    /// Standard deviation over the folds.
    pub std: f64,
}

/// The outcome of [`ValidParams::cross_validate`].
#[derive(Debug, Clone)]
pub struct CvResult<L> {
    /// How the rows were scored.
    pub scoring: Scoring,
    /// Number of folds.
    pub folds: usize,
    /// One table per ρ tried.
    pub paths: Vec<CvPath>,
    /// The (ρ, C) with the best mean score.
    pub best: CvChoice,
    /// glmnet's `lambda.1se`: at the best ρ, the smallest C (the strongest penalty, largest
    /// λ = 1/(C·n)) whose mean score is within one standard error (sd/√k, sd over folds with
    /// k − 1 degrees of freedom) of the best.
    pub one_se: CvChoice,
    /// The model refitted on all the rows at `best`.
    pub refit: FittedModel<L>,
}

impl ValidParams {
    /// Choose C (and ρ, for an elastic net, among `opts.l1_ratios`) by stratified k-fold
    /// cross-validation, as scikit-learn's `LogisticRegressionCV`: the folds select rows by index
    /// (nothing is copied), each fold's path is fitted warm-started along the grid, the folds run
    /// in parallel (results do not depend on the thread count), and the model is refitted on all
    /// the rows at the best C.
    ///
    /// ```
    /// use logreg_model::{CvOptions, CGrid, LogisticRegression, Penalty};
    /// use nalgebra::DMatrix;
    ///
    /// let x = DMatrix::from_fn(120, 3, |i, j| ((i * (j + 3)) % 11) as f64 - 5.0);
    /// let y: Vec<u8> = (0..120).map(|i| u8::from((i * 3) % 11 > 5)).collect();
    /// let params = LogisticRegression::params().penalty(Penalty::L1 { c: 1.0 }).check()?;
    /// let cv = params.cross_validate(&x, &y, CvOptions { folds: 3, cs: CGrid::Count(6), ..CvOptions::default() })?;
    /// assert_eq!(cv.paths[0].rows.len(), 6);
    /// assert!(cv.one_se.c <= cv.best.c);
    /// # Ok::<(), logreg_model::ModelError>(())
    /// ```
    pub fn cross_validate<'x, L: Label + Send + Sync>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: CvOptions<'_>,
    ) -> Result<CvResult<L>, ModelError> {
        let x = x.into_design()?;
        let x: &Design<'_> = &x;
        let rows = crate::binary::training_rows(x, y.len(), opts.rows)?;
        if opts.folds < 2 {
            return Err(ModelError::InvalidParam {
                name: "folds",
                value: opts.folds.to_string(),
                expected: "at least 2",
            });
        }
        if let CGrid::Values(v) = &opts.cs {
            if v.is_empty() {
                return Err(ModelError::InvalidParam {
                    name: "cs",
                    value: "[]".into(),
                    expected: "at least one value of C",
                });
            }
        }
        let rhos: Vec<f64> = if opts.l1_ratios.is_empty() {
            vec![self.penalty().l1_ratio()]
        } else {
            opts.l1_ratios.clone()
        };
        if let Some(&r) = rhos.iter().find(|r| !(0.0..=1.0).contains(*r)) {
            return Err(ModelError::InvalidParam {
                name: "l1_ratio",
                value: r.to_string(),
                expected: "a number in [0, 1]",
            });
        }
        let train_labels: Vec<L> = rows.iter().map(|&i| y[i].clone()).collect();
        let classes = crate::multiclass::multi_classes(&train_labels)?;
        let codes = encode(y, &classes);
        let binary = classes.len() == 2;
        let folds = logreg_evaluate::StratifiedKFold::new(opts.folds)
            .map_err(|e| ModelError::CrossValidation {
                reason: e.to_string(),
            })?
            .shuffle(opts.seed)
            .split(&train_labels)
            .map_err(|e| ModelError::CrossValidation {
                reason: e.to_string(),
            })?;
        // Fold positions index the training rows; map them to rows of X.
        let folds: Vec<(Vec<usize>, Vec<usize>)> = folds
            .into_iter()
            .map(|f| {
                (
                    f.train.iter().map(|&p| rows[p]).collect(),
                    f.test.iter().map(|&p| rows[p]).collect(),
                )
            })
            .collect();
        let path_opts = PathOptions {
            rows: Some(&rows),
            sample_weight: opts.sample_weight,
            multi_class: opts.multi_class,
        };
        let mut paths = Vec::with_capacity(rhos.len());
        for &rho in &rhos {
            let penalty = self.penalty_with_ratio(rho);
            let params = self.with_penalty(penalty);
            let c_min = params.c_min(x, y, path_opts)?;
            let cs = match &opts.cs {
                CGrid::Count(n) => c_grid(c_min, *n),
                CGrid::Values(v) => {
                    let mut v = v.clone();
                    v.sort_by(f64::total_cmp);
                    v
                }
            };
            let per_fold: Vec<Result<Vec<(f64, usize)>, ModelError>> = folds
                .par_iter()
                .map(|(train, test)| {
                    let path = params.path(
                        x,
                        y,
                        &cs,
                        PathOptions {
                            rows: Some(train),
                            ..path_opts
                        },
                    )?;
                    let truth: Vec<usize> = test.iter().map(|&i| codes[i]).collect();
                    path.points
                        .iter()
                        .map(|pt| {
                            let z = logits_of(x, test, pt, path.kind)?;
                            Ok((opts.scoring.score(path.kind, &z, &truth)?, pt.nonzero))
                        })
                        .collect()
                })
                .collect();
            let per_fold = per_fold.into_iter().collect::<Result<Vec<_>, _>>()?;
            let k = per_fold.len() as f64;
            let table = cs
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let fold_scores: Vec<f64> = per_fold.iter().map(|f| f[i].0).collect();
                    let mean = fold_scores.iter().sum::<f64>() / k;
                    let var = fold_scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / k;
                    CvRow {
                        c,
                        mean,
                        std: var.sqrt(),
                        nonzero: per_fold.iter().map(|f| f[i].1 as f64).sum::<f64>() / k,
                        fold_scores,
                    }
                })
                .collect();
            paths.push(CvPath {
                l1_ratio: rho,
                c_min,
                rows: table,
            });
        }
        let better = |a: f64, b: f64| {
            if opts.scoring.greater_is_better() {
                a > b
            } else {
                a < b
            }
        };
        let mut best: Option<(usize, usize)> = None;
        for (pi, p) in paths.iter().enumerate() {
            for (ri, r) in p.rows.iter().enumerate() {
                if best.is_none_or(|(bp, br)| better(r.mean, paths[bp].rows[br].mean)) {
                    best = Some((pi, ri));
                }
            }
        }
        let (bp, br) = best.ok_or(ModelError::Empty)?;
        let path = &paths[bp];
        let top = &path.rows[br];
        let choice = |r: &CvRow| CvChoice {
            l1_ratio: path.l1_ratio,
            c: r.c,
            mean: r.mean,
            std: r.std,
        };
        let nf = opts.folds as f64;
        let se = top.std * (nf / (nf - 1.0)).sqrt() / nf.sqrt();
        let within = |r: &CvRow| {
            if opts.scoring.greater_is_better() {
                r.mean >= top.mean - se
            } else {
                r.mean <= top.mean + se
            }
        };
        let one_se = path.rows.iter().find(|r| within(r)).unwrap_or(top);
        let best = choice(top);
        let one_se = choice(one_se);
        let refit_params = self.with_penalty(self.penalty_with_ratio(best.l1_ratio).with_c(best.c));
        let refit = refit_params.fit_any(
            x,
            y,
            &rows,
            opts.rows.is_some(),
            opts.sample_weight,
            opts.multi_class,
            binary,
            opts.feature_names.clone(),
        )?;
        Ok(CvResult {
            scoring: opts.scoring,
            folds: opts.folds,
            paths,
            best,
            one_se,
            refit,
        })
    }

    /// The penalty with L1 share ρ: L1 at 1, L2 at 0, elastic net between (at this C).
    fn penalty_with_ratio(&self, rho: f64) -> Penalty {
        let c = self.penalty().c().unwrap_or(1.0);
        if rho == 1.0 {
            Penalty::L1 { c }
        } else if rho == 0.0 {
            Penalty::L2 { c }
        } else {
            Penalty::ElasticNet { c, l1_ratio: rho }
        }
    }

    /// Fit the model the labels call for: binary for two classes, else multinomial or
    /// one-vs-rest.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fit_any<L: Label>(
        &self,
        x: &Design<'_>,
        y: &[L],
        rows: &[usize],
        selected: bool,
        sample_weight: Option<&[f64]>,
        multi_class: MultiClass,
        binary: bool,
        feature_names: Option<Vec<String>>,
    ) -> Result<FittedModel<L>, ModelError> {
        let sel = selected.then_some(rows);
        Ok(if binary {
            FittedModel::Binary(self.fit_with(
                x,
                y,
                FitOptions {
                    rows: sel,
                    sample_weight,
                    feature_names,
                    ..FitOptions::default()
                },
            )?)
        } else {
            let mo = MultiFitOptions {
                rows: sel,
                sample_weight,
                feature_names,
                ..MultiFitOptions::default()
            };
            match multi_class {
                MultiClass::Multinomial => {
                    FittedModel::Multinomial(self.fit_multinomial_with(x, y, mo)?)
                }
                MultiClass::OneVsRest => {
                    FittedModel::OneVsRest(self.fit_one_vs_rest_with(x, y, mo)?)
                }
            }
        })
    }
}

/// Logits of the rows `rows` under a path point.
fn logits_of(
    x: &Design<'_>,
    rows: &[usize],
    pt: &PathPoint,
    kind: ModelKind,
) -> Result<DMatrix<f64>, ModelError> {
    let sel = x.rows(Some(rows))?;
    let k = pt.coefficients.nrows();
    let n = rows.len();
    if kind == ModelKind::Binary {
        let w: Vec<f64> = pt.coefficients.row(0).iter().copied().collect();
        let mut z = vec![0.0; n];
        x.logits(sel, &w, pt.intercepts[0], &mut z)?;
        return Ok(DMatrix::from_column_slice(n, 1, &z));
    }
    let w: Vec<f64> = pt.coefficients.transpose().as_slice().to_vec();
    let mut z = vec![0.0; n * k];
    x.multi_logits(sel, &w, &pt.intercepts, &mut z)?;
    Ok(DMatrix::from_row_slice(n, k, &z))
}
