//! The report `train`, `evaluate` and `summary` print: one struct, shown as text or as JSON.
//!
//! The JSON schema is documented in the README ("Command-line tool"); scripts depend on it, so
//! fields are only ever added.

use logreg::model::{ModelKind, Penalty};
use logreg::Classifier;
use serde::Serialize;

mod fields;
mod text;

pub(crate) use fields::{
    AnyMetrics, Coefficients, CvInfo, DataInfo, Inference, Intercepts, Metrics, ModeInfo,
    MulticlassMetrics, PathInfo, PathPointInfo, SplitInfo, StageInfo, StatisticsFields,
};

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
}
