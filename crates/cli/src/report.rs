//! The report `train`, `evaluate` and `summary` print: one struct, shown as text or as JSON.
//!
//! The JSON schema is documented in the README ("Command-line tool"); scripts depend on it, so
//! fields are only ever added.

use logreg::model::{FittedModel, ModelKind, ModelStatistics, Penalty, Summary};
use logreg::{Classifier, Evaluation, MulticlassEvaluation};
use serde::Serialize;
use std::fmt::Write as _;

/// Coefficients a text report lists before it shows only the largest.
const TEXT_COEFFICIENTS: usize = 30;

/// Everything a run reports.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    /// `train`, `evaluate` or `summary`.
    pub command: &'static str,
    /// The model file read (evaluate, summary) or written (train), if any.
    pub model_file: Option<String>,
    /// The CSV file read, if any.
    pub data: Option<DataInfo>,
    /// The label column.
    pub target: String,
    /// The classes as text: [negative, positive] for a binary model, the K labels otherwise.
    pub classes: Vec<String>,
    /// The class whose probability is predicted, as text (`null` for a K-class model).
    pub positive_class: Option<String>,
    /// `binary`, `multinomial` or `ovr`.
    pub model_kind: &'static str,
    /// Feature names in model order, after preprocessing.
    pub features: Vec<String>,
    /// Binary: one per feature; K classes: K rows, each one per feature (same order), in the
    /// space the model sees (after encoding and standardization).
    pub coefficients: Coefficients,
    /// Binary: the intercept (0 when none is fitted); K classes: one per class.
    pub intercept: Intercepts,
    /// Whether an intercept was fitted.
    pub fit_intercept: bool,
    /// The solver that ran.
    pub solver: &'static str,
    /// `none`, `l2`, `l1` or `elasticnet`.
    pub penalty: &'static str,
    /// scikit-learn's C, unless the penalty is `none`.
    pub c: Option<f64>,
    /// ρ for `elasticnet` (1 for `l1`, 0 for `l2`), `null` without a penalty.
    pub l1_ratio: Option<f64>,
    /// `C·Σ loss_i + (1 − ρ)/2‖w‖² + ρ‖w‖₁`, or `Σ loss_i` without a penalty, at the solution.
    pub objective: f64,
    /// The final optimality measure of the mean objective: the gradient norm, or with an L1
    /// part the norm of the minimum-norm subgradient.
    pub optimality: f64,
    /// Solver iterations (sgd: optimizer steps).
    pub iterations: usize,
    /// Passes over the data (sgd only).
    pub epochs: Option<usize>,
    /// Whether a convergence test passed and no warning applies.
    pub converged: bool,
    /// Why the solver stopped.
    pub stop: String,
    /// Every solver that ran, in order (`auto` may hand L-BFGS over to Newton), and why.
    pub stages: Vec<StageInfo>,
    /// Why the coefficients should not be trusted as an optimum, if they should not.
    pub warning: Option<String>,
    /// How the rows were split (train only).
    pub split: Option<SplitInfo>,
    /// Metrics on the training rows (train only).
    pub train: Option<AnyMetrics>,
    /// Metrics on the test rows (train) or on DATA (evaluate).
    pub test: Option<AnyMetrics>,
    /// How the data were read (train only): in memory or in passes, and why.
    pub mode: Option<ModeInfo>,
    /// The regularization path on the training rows over the cross-validation grid (train
    /// with --cv).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathInfo>,
    /// The cross-validation table and the choice (train with --cv).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cv: Option<CvInfo>,
    /// Charts written (train or evaluate with --plot).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plots: Vec<String>,
    /// The number of ranks (MPI processes) the fit ran on (train with --distributed only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ranks: Option<usize>,
    /// The column of sample weights the fit used, if any.
    pub sample_weight_column: Option<String>,
    /// The column of offsets added to every logit, if any.
    pub offset_column: Option<String>,
    /// The probability threshold of the metrics (train, evaluate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Model statistics (train, summary).
    #[serde(flatten)]
    pub statistics: Option<StatisticsFields>,
    /// The coefficient table (summary only).
    #[serde(flatten)]
    pub inference: Option<Inference>,
}

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

impl Report {
    /// The model's part of the report; the caller fills in data, split, metrics, inference.
    pub(crate) fn of_model(command: &'static str, clf: &Classifier) -> Self {
        let model = clf.model();
        let fit = model.report();
        let params = model.params();
        let penalty: Penalty = params.penalty();
        let binary = model.kind() == ModelKind::Binary;
        let classes: Vec<String> = model.classes().iter().map(|c| c.to_string()).collect();
        Report {
            command,
            model_file: None,
            data: None,
            target: clf.target().to_string(),
            positive_class: binary.then(|| classes[1].clone()),
            classes,
            model_kind: model.kind().name(),
            features: clf.feature_names().to_vec(),
            coefficients: Coefficients::of(&model.coefficient_rows(), binary),
            intercept: Intercepts::of(&model.intercept_values(), binary),
            fit_intercept: params.fit_intercept(),
            solver: fit.solver.name(),
            penalty: penalty.name(),
            c: penalty.c(),
            l1_ratio: penalty.c().map(|_| penalty.l1_ratio()),
            objective: fit.objective,
            optimality: fit.grad_norm,
            iterations: fit.iterations,
            epochs: fit.epochs,
            converged: fit.converged,
            stop: fit.stop.describe().to_string(),
            stages: fit
                .stages
                .iter()
                .map(|s| StageInfo {
                    solver: s.solver.name(),
                    iterations: s.iterations,
                    stop: s.stop.describe().to_string(),
                    reason: s.reason.clone(),
                })
                .collect(),
            warning: fit.warning.as_ref().map(|w| w.to_string()),
            split: None,
            train: None,
            test: None,
            mode: None,
            path: None,
            cv: None,
            plots: Vec::new(),
            ranks: None,
            sample_weight_column: clf.sample_weight_column().map(str::to_string),
            offset_column: clf.offset_column().map(str::to_string),
            threshold: None,
            statistics: None,
            inference: None,
        }
    }

    /// One JSON object, one line.
    pub(crate) fn to_json(&self) -> String {
        // Every field is a plain number, string, list or option: serialization cannot fail.
        serde_json::to_string(self).unwrap_or_else(|e| {
            serde_json::json!({ "error": format!("cannot serialize the report: {e}") }).to_string()
        })
    }

    /// The readable report.
    pub(crate) fn to_text(&self) -> String {
        let mut s = String::new();
        // `write!` to a String cannot fail.
        let w = &mut s;
        if let Some(d) = &self.data {
            let _ = writeln!(
                w,
                "data        {}: {} rows, {} columns",
                d.path, d.rows, d.columns
            );
        }
        if let Some(ranks) = self.ranks {
            let _ = writeln!(
                w,
                "distributed {ranks} ranks, each reading its own rows; one model, written by rank 0"
            );
        }
        if let Some(m) = &self.model_file {
            let verb = if self.command == "train" {
                "saved to"
            } else {
                "read from"
            };
            let _ = writeln!(w, "model       {verb} {m}");
        }
        match &self.positive_class {
            Some(pos) => {
                let _ = writeln!(
                    w,
                    "target      {:?}: classes {:?} and {:?}, positive class {:?}",
                    self.target, self.classes[0], self.classes[1], pos
                );
            }
            None => {
                let shown: Vec<String> = self.classes.iter().map(|c| format!("{c:?}")).collect();
                let _ = writeln!(
                    w,
                    "target      {:?}: {} classes {} ({})",
                    self.target,
                    self.classes.len(),
                    shown.join(", "),
                    self.model_kind
                );
            }
        }
        if let Some(sp) = &self.split {
            if sp.test_rows == 0 {
                let _ = writeln!(
                    w,
                    "split       all {} rows train the model (test size 0)",
                    sp.train_rows
                );
            } else {
                let _ = writeln!(
                    w,
                    "split       {} training rows, {} test rows (test size {}, seed {}{})",
                    sp.train_rows,
                    sp.test_rows,
                    sp.test_size,
                    sp.seed,
                    if sp.stratified { ", stratified" } else { "" }
                );
            }
        }
        if let Some(m) = &self.mode {
            match (m.file_passes, m.scratch_bytes, m.block_rows) {
                (Some(p), Some(b), Some(r)) => {
                    let _ = writeln!(
                        w,
                        "mode        in passes ({}): {p} passes over the file, a {} scratch \
                         design read in blocks of {r} rows",
                        m.reason,
                        logreg::scratch::human_bytes(b)
                    );
                }
                _ => {
                    let _ = writeln!(w, "mode        {} ({})", m.mode, m.reason);
                }
            }
        }
        let _ = writeln!(w, "features    {} after preprocessing", self.features.len());
        if let Some(c) = &self.sample_weight_column {
            let _ = writeln!(w, "weights     column {c:?} (frequency weights)");
        }
        if let Some(c) = &self.offset_column {
            let _ = writeln!(w, "offset      column {c:?}, added to every logit");
        }
        let iters = match self.epochs {
            Some(e) => format!("{} steps in {e} epochs", self.iterations),
            None => format!("{} iterations", self.iterations),
        };
        let _ = writeln!(w, "solver      {}: {iters}, {}", self.solver, self.stop);
        if self.stages.len() > 1 {
            for s in &self.stages {
                let _ = writeln!(
                    w,
                    "            {} {} iterations ({}): {}",
                    s.solver, s.iterations, s.stop, s.reason
                );
            }
        }
        let (penalty, formula) = match (self.penalty, self.c, self.l1_ratio) {
            ("l2", Some(c), _) => (format!("L2, C = {c}"), "C·Σ loss + ½‖w‖²"),
            ("l1", Some(c), _) => (format!("L1, C = {c}"), "C·Σ loss + ‖w‖₁"),
            ("elasticnet", Some(c), Some(r)) => (
                format!("elastic net, C = {c}, l1_ratio = {r}"),
                "C·Σ loss + (1 − ρ)/2‖w‖² + ρ‖w‖₁",
            ),
            _ => ("none".to_string(), "Σ loss"),
        };
        let _ = writeln!(w, "penalty     {penalty}");
        let _ = writeln!(w, "objective   {:?} ({formula})", self.objective);
        let _ = writeln!(
            w,
            "converged   {}",
            if self.converged { "yes" } else { "no" }
        );
        if let Some(warning) = &self.warning {
            let _ = writeln!(w, "warning     {warning}");
        }
        if let Some(cv) = &self.cv {
            write_cv(w, cv);
        }
        let multi: Vec<(&str, &MulticlassMetrics)> = [("train", &self.train), ("test", &self.test)]
            .into_iter()
            .filter_map(|(name, m)| match m {
                Some(AnyMetrics::Multiclass(m)) => Some((name, m)),
                _ => None,
            })
            .collect();
        for (name, m) in multi {
            let name = if self.command == "evaluate" {
                "data"
            } else {
                name
            };
            write_multiclass(w, name, m, &self.classes);
        }
        let rows: Vec<(&str, &Metrics)> = [("train", &self.train), ("test", &self.test)]
            .into_iter()
            .filter_map(|(name, m)| match m {
                Some(AnyMetrics::Binary(m)) => Some((name, m)),
                _ => None,
            })
            .collect();
        if !rows.is_empty() {
            if let Some(t) = self.threshold.filter(|&t| t != 0.5) {
                let _ = writeln!(
                    w,
                    "threshold   positive when P({:?}) > {t}",
                    self.positive_class
                );
            }
            let _ = writeln!(
                w,
                "\n{:<8} {:>8} {:>9} {:>9} {:>7} {:>7} {:>8} {:>9} {:>7}",
                "metrics",
                "n",
                "accuracy",
                "precision",
                "recall",
                "f1",
                "roc_auc",
                "log_loss",
                "brier"
            );
            for (name, m) in rows {
                let auc = m
                    .roc_auc
                    .map_or_else(|| "-".to_string(), |a| format!("{a:.4}"));
                let name = if self.command == "evaluate" {
                    "data"
                } else {
                    name
                };
                let _ = writeln!(
                    w,
                    "{:<8} {:>8} {:>9.4} {:>9.4} {:>7.4} {:>7.4} {:>8} {:>9.4} {:>7.4}",
                    name,
                    m.n,
                    m.accuracy,
                    m.precision,
                    m.recall,
                    m.f1,
                    auc,
                    m.log_loss,
                    m.brier_score
                );
            }
        }
        if let Some(st) = &self.statistics {
            write_statistics(w, st);
        }
        match &self.inference {
            Some(inf) => write_inference(w, inf, self.statistics.as_ref()),
            None => self.write_coefficients(w),
        }
        if !self.plots.is_empty() {
            let _ = writeln!(w, "\ncharts      {}", self.plots.join(", "));
        }
        s
    }
}

impl Report {
    /// The coefficients by feature name: one column for a binary model, one per class otherwise.
    pub(crate) fn write_coefficients(&self, w: &mut String) {
        // A wide binary model lists its largest coefficients; --json has every one.
        let mut shown: Vec<usize> = (0..self.features.len()).collect();
        if let Coefficients::One(coef) = &self.coefficients {
            shown.truncate(coef.len());
            if shown.len() > TEXT_COEFFICIENTS {
                shown.sort_by(|&a, &b| coef[b].abs().total_cmp(&coef[a].abs()));
                shown.truncate(TEXT_COEFFICIENTS);
            }
        }
        if shown.len() < self.features.len() {
            let _ = writeln!(
                w,
                "\ncoefficients (the {TEXT_COEFFICIENTS} largest in magnitude of {}; --json \
                 lists all)",
                self.features.len()
            );
        } else {
            let _ = writeln!(
                w,
                "\ncoefficients (features as the model sees them, after preprocessing)"
            );
        }
        let width = shown
            .iter()
            .filter_map(|&j| self.features.get(j))
            .map(|f| f.chars().count())
            .max()
            .unwrap_or(0)
            .max(9);
        match (&self.coefficients, &self.intercept) {
            (Coefficients::One(coef), Intercepts::One(b)) => {
                for &j in &shown {
                    let name = self.features.get(j).map_or("", String::as_str);
                    let _ = writeln!(w, "  {name:<width$}  {:>14.6}", coef[j]);
                }
                if self.fit_intercept {
                    let _ = writeln!(w, "  {:<width$}  {b:>14.6}", "intercept");
                }
            }
            (Coefficients::PerClass(rows), Intercepts::PerClass(b)) => {
                let mut head = format!("  {:<width$}", "");
                for c in &self.classes {
                    head += &format!("  {:>14}", truncate(c, 14));
                }
                let _ = writeln!(w, "{head}");
                for (j, name) in self.features.iter().enumerate() {
                    let mut line = format!("  {name:<width$}");
                    for r in rows {
                        line += &format!("  {:>14.6}", r.get(j).copied().unwrap_or(f64::NAN));
                    }
                    let _ = writeln!(w, "{line}");
                }
                if self.fit_intercept {
                    let mut line = format!("  {:<width$}", "intercept");
                    for v in b {
                        line += &format!("  {v:>14.6}");
                    }
                    let _ = writeln!(w, "{line}");
                }
            }
            _ => {}
        }
    }
}

/// At most `n` characters of `s`.
fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// The cross-validation table: score mean ± sd and nonzero coefficients per C, then the choice.
fn write_cv(w: &mut String, cv: &CvInfo) {
    for t in &cv.tables {
        let _ = writeln!(
            w,
            "\ncross-validation ({} stratified folds, {}), l1_ratio = {}{}",
            cv.folds,
            cv.scoring,
            t.l1_ratio,
            t.c_min
                .map_or_else(String::new, |c| format!(", C_min = {c:.6e}"))
        );
        let _ = writeln!(
            w,
            "  {:>14}  {:>10}  {:>10}  {:>8}",
            "C", "mean", "sd", "nonzero"
        );
        for r in &t.rows {
            let mark = if r.c == cv.best.c && t.l1_ratio == cv.best.l1_ratio {
                "  best"
            } else if r.c == cv.one_se.c && t.l1_ratio == cv.one_se.l1_ratio {
                "  1-SE"
            } else {
                ""
            };
            let _ = writeln!(
                w,
                "  {:>14.6e}  {:>10.6} ± {:<8.6}  {:>8.1}{mark}",
                r.c, r.mean, r.std, r.nonzero
            );
        }
    }
    let _ = writeln!(
        w,
        "chosen      C = {} (l1_ratio {}): {} {:.6} ± {:.6}; refitted on every training row",
        cv.best.c, cv.best.l1_ratio, cv.scoring, cv.best.mean, cv.best.std
    );
    let _ = writeln!(
        w,
        "1-SE        C = {} (the strongest penalty within one standard error of the best)",
        cv.one_se.c
    );
}

/// A K-class model's metrics: scikit-learn's classification report, the confusion matrix, log loss.
fn write_multiclass(w: &mut String, name: &str, m: &MulticlassMetrics, classes: &[String]) {
    let width = classes
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
        .max("true \\ predicted".len());
    let _ = writeln!(
        w,
        "\n{name}: {} rows, accuracy {:.4}, log loss {:.4}",
        m.n, m.accuracy, m.log_loss
    );
    let _ = writeln!(
        w,
        "  {:>width$}  {:>9} {:>9} {:>9} {:>9}",
        "", "precision", "recall", "f1-score", "support"
    );
    for r in m.per_class.iter().chain([&m.macro_avg, &m.weighted_avg]) {
        let _ = writeln!(
            w,
            "  {:>width$}  {:>9.4} {:>9.4} {:>9.4} {:>9}",
            r.label, r.precision, r.recall, r.f1, r.support
        );
    }
    let cell = classes
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(1)
        .max(6);
    let mut head = format!("  {:>width$} ", "true \\ predicted");
    for c in classes {
        head += &format!(" {c:>cell$}");
    }
    let _ = writeln!(w, "{head}");
    for (c, row) in classes.iter().zip(&m.confusion) {
        let mut line = format!("  {c:>width$} ");
        for v in row {
            line += &format!(" {v:>cell$}");
        }
        let _ = writeln!(w, "{line}");
    }
}

/// statsmodels' header above the coefficient table, for unpenalized fits.
fn write_statistics(w: &mut String, st: &StatisticsFields) {
    if let Some(table) = &st.table {
        let _ = write!(w, "\n{table}");
        let _ = writeln!(
            w,
            "{:<18}{:>14}",
            "Covariance Type:",
            st.cov_type.unwrap_or("-")
        );
    }
}

fn write_inference(w: &mut String, inf: &Inference, st: Option<&StatisticsFields>) {
    let width = inf
        .names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let _ = writeln!(w);
    match (
        &inf.std_errors,
        &inf.z,
        &inf.p_values,
        &inf.ci_low,
        &inf.ci_high,
    ) {
        (Some(se), Some(z), Some(p), Some(lo), Some(hi)) => {
            let _ = writeln!(
                w,
                "{:<width$} {:>12} {:>10} {:>8} {:>9} {:>10} {:>10}",
                "", "coef", "std err", "z", "P>|z|", "[0.025", "0.975]"
            );
            let _ = writeln!(w, "{}", "-".repeat(width + 65));
            for i in 0..inf.names.len() {
                let _ = writeln!(
                    w,
                    "{:<width$} {:>12.6} {:>10.4} {:>8.3} {:>9.3e} {:>10.4} {:>10.4}",
                    inf.names[i],
                    inf.estimates.get(i).copied().unwrap_or(f64::NAN),
                    se.get(i).copied().unwrap_or(f64::NAN),
                    z.get(i).copied().unwrap_or(f64::NAN),
                    p.get(i).copied().unwrap_or(f64::NAN),
                    lo.get(i).copied().unwrap_or(f64::NAN),
                    hi.get(i).copied().unwrap_or(f64::NAN),
                );
            }
        }
        _ => {
            let _ = writeln!(w, "{:<width$} {:>12}", "", "coef");
            let _ = writeln!(w, "{}", "-".repeat(width + 13));
            for (name, c) in inf.names.iter().zip(&inf.estimates) {
                let _ = writeln!(w, "{name:<width$} {c:>12.6}");
            }
            if let Some(note) = st.and_then(|s| s.inference_note.as_ref()) {
                let _ = writeln!(w, "\nno standard errors, z, p-values or intervals: {note}");
            }
        }
    }
}
