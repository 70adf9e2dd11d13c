//! The parts of a [`Report`](super::Report): data, split, metrics, statistics, inference, path
//! and cross-validation, each serialized as its JSON fields.

use logreg::model::{FittedModel, ModelStatistics, Summary};
use logreg::{Classifier, Evaluation, MulticlassEvaluation};
use serde::Serialize;

/// One vector of coefficients (binary) or one row per class.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub(crate) enum Coefficients {
    /// Binary.
    One(Vec<f64>),
    /// One row per class.
    PerClass(Vec<Vec<f64>>),
}

/// One intercept (binary) or one per class.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub(crate) enum Intercepts {
    /// Binary.
    One(f64),
    /// One per class.
    PerClass(Vec<f64>),
}

/// Binary metrics, or per-class metrics of a K-class model.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub(crate) enum AnyMetrics {
    /// Two classes.
    Binary(Metrics),
    /// K classes.
    Multiclass(MulticlassMetrics),
}

/// Metrics of a K-class model on a set of labelled rows.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MulticlassMetrics {
    /// Rows.
    pub n: usize,
    /// Fraction classified correctly.
    pub accuracy: f64,
    /// Mean multiclass log loss.
    pub log_loss: f64,
    /// Precision, recall, F1 and support of each class, in `classes` order.
    pub per_class: Vec<ClassMetrics>,
    /// Unweighted mean over the classes.
    pub macro_avg: ClassMetrics,
    /// Mean weighted by support.
    pub weighted_avg: ClassMetrics,
    /// K × K counts: row = true class, column = predicted class, in `classes` order.
    pub confusion: Vec<Vec<usize>>,
}

/// One row of a classification report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ClassMetrics {
    /// The class, or `macro avg` / `weighted avg`.
    pub label: String,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Rows of the class (all rows for the averages).
    pub support: usize,
}

impl From<&logreg::evaluate::ReportRow> for ClassMetrics {
    fn from(r: &logreg::evaluate::ReportRow) -> Self {
        ClassMetrics {
            label: r.label.clone(),
            precision: r.precision,
            recall: r.recall,
            f1: r.f1,
            support: r.support,
        }
    }
}

impl From<&MulticlassEvaluation> for MulticlassMetrics {
    fn from(e: &MulticlassEvaluation) -> Self {
        MulticlassMetrics {
            n: e.n,
            accuracy: e.accuracy,
            log_loss: e.log_loss,
            per_class: e.per_class.iter().map(ClassMetrics::from).collect(),
            macro_avg: ClassMetrics::from(&e.macro_avg),
            weighted_avg: ClassMetrics::from(&e.weighted_avg),
            confusion: e.confusion.clone(),
        }
    }
}

/// The regularization path over the cross-validation grid, on every training row.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PathInfo {
    /// ρ of the path (the chosen one).
    pub l1_ratio: f64,
    /// The C up to which every coefficient is 0 (`null` without an L1 part).
    pub c_min: Option<f64>,
    /// One point per C, increasing.
    pub points: Vec<PathPointInfo>,
}

/// One C of the path.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PathPointInfo {
    /// C.
    pub c: f64,
    /// Coefficients that are not exactly 0.
    pub nonzero: usize,
    /// The objective at this C.
    pub objective: f64,
    /// Solver iterations.
    pub iterations: usize,
    /// Whether the fit converged.
    pub converged: bool,
    /// Coefficients, as `coefficients` (one vector for binary, K rows otherwise).
    pub coefficients: Coefficients,
    /// Intercepts, as `intercept`.
    pub intercept: Intercepts,
}

/// The cross-validation table and choice.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CvInfo {
    /// Number of stratified folds.
    pub folds: usize,
    /// `accuracy`, `log-loss` or `roc-auc`.
    pub scoring: &'static str,
    /// One table per ρ tried.
    pub tables: Vec<logreg::model::CvPath>,
    /// The (ρ, C) with the best mean score, at which the model was refitted.
    pub best: logreg::model::CvChoice,
    /// The smallest C within one standard error of the best (glmnet's `lambda.1se`).
    pub one_se: logreg::model::CvChoice,
}

impl Coefficients {
    /// From K × d rows: one vector when `binary`.
    pub(crate) fn of(rows: &nalgebra::DMatrix<f64>, binary: bool) -> Self {
        if binary {
            Coefficients::One(rows.row(0).iter().copied().collect())
        } else {
            Coefficients::PerClass(
                rows.row_iter()
                    .map(|r| r.iter().copied().collect())
                    .collect(),
            )
        }
    }
}

impl Intercepts {
    /// From K intercepts: one number when `binary`.
    pub(crate) fn of(values: &[f64], binary: bool) -> Self {
        if binary {
            Intercepts::One(values.first().copied().unwrap_or(0.0))
        } else {
            Intercepts::PerClass(values.to_vec())
        }
    }
}

/// The model's statistics as the JSON report carries them: numbers for unpenalized fits, `null`
/// with `inference_note` saying why otherwise.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatisticsFields {
    /// statsmodels' `llf`.
    pub log_likelihood: Option<f64>,
    /// statsmodels' `llnull` (intercept only, with the offset if any).
    pub null_log_likelihood: Option<f64>,
    /// 2 (llf − llnull).
    pub llr: Option<f64>,
    /// P(χ²(df_model) ≥ llr).
    pub llr_p_value: Option<f64>,
    /// −2 llf + 2 p.
    pub aic: Option<f64>,
    /// −2 llf + ln(nobs) p.
    pub bic: Option<f64>,
    /// McFadden's 1 − llf / llnull.
    pub pseudo_r2: Option<f64>,
    /// −2 llf.
    pub deviance: Option<f64>,
    /// nonrobust, hc0 or hc1, when there are standard errors.
    pub cov_type: Option<&'static str>,
    /// Observations (rows, or the sum of the weights).
    pub nobs: Option<f64>,
    /// Degrees of freedom of the likelihood-ratio test.
    pub df_model: Option<usize>,
    /// Why there are no standard errors or statistics, when there are none.
    pub inference_note: Option<String>,
    /// The statistics as the model holds them, for the text report.
    #[serde(skip)]
    pub table: Option<ModelStatistics>,
}

impl StatisticsFields {
    /// From the model.
    pub(crate) fn of(clf: &Classifier) -> Self {
        let model = clf.model();
        let (s, note, has_se): (Option<&ModelStatistics>, Option<&str>, bool) = match model {
            FittedModel::Binary(m) => (m.statistics(), m.inference_note(), m.summary().is_ok()),
            FittedModel::Multinomial(m) => {
                (m.statistics(), m.inference_note(), m.summary().is_ok())
            }
            FittedModel::OneVsRest(_) => (
                None,
                Some("one-vs-rest fits K separate binary models: no joint likelihood statistics"),
                false,
            ),
        };
        StatisticsFields {
            log_likelihood: s.map(|s| s.log_likelihood),
            null_log_likelihood: s.map(|s| s.null_log_likelihood),
            llr: s.map(|s| s.llr),
            llr_p_value: s.and_then(|s| s.llr_p_value),
            aic: s.map(|s| s.aic),
            bic: s.map(|s| s.bic),
            pseudo_r2: s.map(|s| s.pseudo_r2),
            deviance: s.map(|s| s.deviance),
            cov_type: has_se.then(|| model.params().cov_type().name()),
            nobs: s.map(|s| s.nobs),
            df_model: s.map(|s| s.df_model),
            table: s.cloned(),
            inference_note: match (s, note) {
                (_, Some(note)) => Some(note.to_string()),
                (None, None) => Some(
                    "the model file predates model statistics; train it again to get them".into(),
                ),
                (Some(_), None) => None,
            },
        }
    }
}

/// One solver's part in a fit.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StageInfo {
    /// The solver.
    pub solver: &'static str,
    /// Its iterations.
    pub iterations: usize,
    /// Why it stopped.
    pub stop: String,
    /// Why it ran.
    pub reason: String,
}

/// The CSV file read.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DataInfo {
    /// As given on the command line.
    pub path: String,
    /// Data rows.
    pub rows: usize,
    /// Columns, target included.
    pub columns: usize,
}

/// How `train` read its data: the whole file in memory, or in passes over a scratch file.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ModeInfo {
    /// `"in memory"` or `"in passes"`.
    pub mode: &'static str,
    /// Why this mode ran.
    pub reason: String,
    /// In passes: the memory limit, bytes.
    pub memory_limit: Option<u64>,
    /// In passes: passes over the data file.
    pub file_passes: Option<usize>,
    /// In passes: bytes of the scratch design.
    pub scratch_bytes: Option<u64>,
    /// In passes: rows per block of the solver's passes.
    pub block_rows: Option<usize>,
}

impl ModeInfo {
    /// In memory, for `reason`.
    pub(crate) fn in_memory(reason: String) -> Self {
        ModeInfo {
            mode: "in memory",
            reason,
            memory_limit: None,
            file_passes: None,
            scratch_bytes: None,
            block_rows: None,
        }
    }
}

/// How `train` split the rows.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SplitInfo {
    /// Fraction held out.
    pub test_size: f64,
    /// Seed of the shuffle.
    pub seed: u64,
    /// Whether class proportions were kept.
    pub stratified: bool,
    /// Rows fitted on.
    pub train_rows: usize,
    /// Rows held out.
    pub test_rows: usize,
}

/// Metrics of the model on a set of labelled rows.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Metrics {
    /// Rows.
    pub n: usize,
    /// Fraction classified correctly.
    pub accuracy: f64,
    /// tp / (tp + fp), 0 when nothing is predicted positive.
    pub precision: f64,
    /// tp / (tp + fn), 0 when no row is positive.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Area under the ROC curve; `null` when the rows hold one class only.
    pub roc_auc: Option<f64>,
    /// Mean log loss.
    pub log_loss: f64,
    /// Mean squared error of P(positive) (scikit-learn's brier_score_loss).
    pub brier_score: f64,
    /// Counts.
    pub confusion: Confusion,
}

/// The confusion matrix.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Confusion {
    /// True negatives.
    pub tn: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// True positives.
    pub tp: usize,
}

impl From<&Evaluation> for Metrics {
    fn from(e: &Evaluation) -> Self {
        Metrics {
            n: e.n,
            accuracy: e.accuracy,
            precision: e.precision,
            recall: e.recall,
            f1: e.f1,
            roc_auc: e.roc_auc,
            log_loss: e.log_loss,
            brier_score: e.brier_score,
            confusion: Confusion {
                tn: e.confusion.tn,
                fp: e.confusion.fp,
                fn_: e.confusion.fn_,
                tp: e.confusion.tp,
            },
        }
    }
}

/// The statsmodels-style table; the arrays follow `names` (features, then `intercept` last).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Inference {
    /// Parameter names: the features, then `intercept` when one is fitted.
    pub names: Vec<String>,
    /// Estimates, in `names` order.
    pub estimates: Vec<f64>,
    /// Standard errors, or `null` when the fit does not allow them.
    pub std_errors: Option<Vec<f64>>,
    /// z = estimate / standard error.
    pub z: Option<Vec<f64>>,
    /// Two-sided p-values.
    pub p_values: Option<Vec<f64>>,
    /// Lower ends of the 95% confidence intervals.
    pub ci_low: Option<Vec<f64>>,
    /// Upper ends of the 95% confidence intervals.
    pub ci_high: Option<Vec<f64>>,
}

impl Inference {
    /// From the model's table, or from its coefficients and the reason there is no table.
    pub(crate) fn new(clf: &Classifier, summary: Result<Summary, String>) -> Self {
        match summary {
            Ok(s) => Inference {
                names: s.names,
                estimates: s.coef,
                std_errors: Some(s.std_errors),
                z: Some(s.z),
                p_values: Some(s.p_values),
                ci_low: Some(s.ci_low),
                ci_high: Some(s.ci_high),
            },
            Err(_) => {
                let model = clf.model();
                let mut names = clf.feature_names().to_vec();
                let mut estimates: Vec<f64> =
                    model.coefficient_rows().row(0).iter().copied().collect();
                if model.params().fit_intercept() {
                    names.push("intercept".into());
                    estimates.push(model.intercept_values()[0]);
                }
                Inference {
                    names,
                    estimates,
                    std_errors: None,
                    z: None,
                    p_values: None,
                    ci_low: None,
                    ci_high: None,
                }
            }
        }
    }
}
