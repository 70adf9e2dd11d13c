//! The report `train`, `evaluate` and `summary` print: one struct, shown as text or as JSON.
//!
//! The JSON schema is documented in the README ("Command-line tool"); scripts depend on it, so
//! fields are only ever added.

use logreg::model::{ModelStatistics, Penalty, Summary};
use logreg::{Classifier, Evaluation};
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
    /// [negative, positive], as text.
    pub classes: [String; 2],
    /// The class whose probability is predicted, as text.
    pub positive_class: String,
    /// Feature names in model order, after preprocessing.
    pub features: Vec<String>,
    /// One per feature, in the space the model sees (after encoding and standardization).
    pub coefficients: Vec<f64>,
    /// The intercept (0 when none is fitted).
    pub intercept: f64,
    /// Whether an intercept was fitted.
    pub fit_intercept: bool,
    /// The solver that ran.
    pub solver: &'static str,
    /// `none` or `l2`.
    pub penalty: &'static str,
    /// scikit-learn's C, for `l2`.
    pub c: Option<f64>,
    /// `C·Σ loss_i + ½‖w‖²`, or `Σ loss_i` without a penalty, at the solution.
    pub objective: f64,
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
    pub train: Option<Metrics>,
    /// Metrics on the test rows (train) or on DATA (evaluate).
    pub test: Option<Metrics>,
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
        let s: Option<&ModelStatistics> = model.statistics();
        let has_se = model.summary().is_ok();
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
            inference_note: match (s, model.inference_note()) {
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
                let mut estimates: Vec<f64> = model.coefficients().iter().copied().collect();
                if model.params().fit_intercept() {
                    names.push("intercept".into());
                    estimates.push(model.intercept());
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
        let (penalty, c) = match params.penalty() {
            Penalty::None => ("none", None),
            Penalty::L2 { c } => ("l2", Some(c)),
        };
        let [neg, pos] = model.classes();
        Report {
            command,
            model_file: None,
            data: None,
            target: clf.target().to_string(),
            classes: [neg.to_string(), pos.to_string()],
            positive_class: pos.to_string(),
            features: clf.feature_names().to_vec(),
            coefficients: model.coefficients().iter().copied().collect(),
            intercept: model.intercept(),
            fit_intercept: params.fit_intercept(),
            solver: fit.solver.name(),
            penalty,
            c,
            objective: fit.objective,
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
        let _ = writeln!(
            w,
            "target      {:?}: classes {:?} and {:?}, positive class {:?}",
            self.target, self.classes[0], self.classes[1], self.positive_class
        );
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
        let (penalty, formula) = match self.c {
            Some(c) => (format!("L2, C = {c}"), "C·Σ loss + ½‖w‖²"),
            None => ("none".to_string(), "Σ loss"),
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
        let rows: Vec<(&str, &Metrics)> = [("train", &self.train), ("test", &self.test)]
            .into_iter()
            .filter_map(|(name, m)| m.as_ref().map(|m| (name, m)))
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
            None => {
                // A wide model lists its largest coefficients; --json has every one.
                let mut shown: Vec<usize> = (0..self.coefficients.len()).collect();
                if shown.len() > TEXT_COEFFICIENTS {
                    shown.sort_by(|&a, &b| {
                        self.coefficients[b]
                            .abs()
                            .total_cmp(&self.coefficients[a].abs())
                    });
                    shown.truncate(TEXT_COEFFICIENTS);
                    let _ = writeln!(
                        w,
                        "\ncoefficients (the {TEXT_COEFFICIENTS} largest in magnitude of {}; --json \
                         lists all)",
                        self.coefficients.len()
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
                for &j in &shown {
                    let name = self.features.get(j).map_or("", String::as_str);
                    let _ = writeln!(w, "  {name:<width$}  {:>14.6}", self.coefficients[j]);
                }
                if self.fit_intercept {
                    let _ = writeln!(w, "  {:<width$}  {:>14.6}", "intercept", self.intercept);
                }
            }
        }
        if !self.plots.is_empty() {
            let _ = writeln!(w, "\ncharts      {}", self.plots.join(", "));
        }
        s
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
