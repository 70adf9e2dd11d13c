//! Logistic regression estimators: binary (with statistical inference), multinomial and
//! one-vs-rest, plus persistence and a seeded blob generator.
//!
//! Parameters are built unchecked, validated by `check()`, and only then fitted, which returns a
//! separate fitted type, so nothing can predict before it is fitted and no invalid setting
//! reaches a solver. This crate wires the sibling crates together: the `loss` is adapted to an
//! `optim` objective in a few lines (see `solve.rs`).
//!
//! ```
//! use logreg_model::{LogisticRegression, Penalty};
//! use nalgebra::DMatrix;
//!
//! let x = DMatrix::from_row_slice(6, 1, &[0.5, 1.0, 1.5, 3.0, 3.5, 4.0]);
//! let y = [0, 0, 1, 0, 1, 1];
//! let fitted = LogisticRegression::params().penalty(Penalty::None).check()?.fit(&x, &y)?;
//! println!("{}", fitted.summary()?);                       // statsmodels-style table
//! let saved = fitted.to_json()?;
//! let back = logreg_model::FittedLogisticRegression::<i32>::from_json(&saved)?;
//! assert_eq!(back.predict_proba(&x)?, fitted.predict_proba(&x)?);
//! # Ok::<(), logreg_model::ModelError>(())
//! ```

mod binary;
mod cd;
mod cv;
pub mod datasets;
mod distributed;
mod fitted;
mod inference;
mod labels;
#[cfg(feature = "linfa")]
pub mod linfa;
mod multiclass;
mod params;
mod path;
mod persist;
mod precondition;
mod solve;
mod solver;
mod statistics;
mod vector_as_list;

pub use binary::{
    logit_threshold, ConvergenceWarning, FitOptions, FitReport, FittedLogisticRegression,
    LogisticRegression,
};
pub use cd::CoordinateDescent;
pub use cv::{cross_val_accuracy, CGrid, CvChoice, CvOptions, CvPath, CvResult, CvRow, Scoring};
pub use distributed::classes_on_ranks;
pub use fitted::{argmax_from_logits, log_loss_from_logits, proba_from_logits, FittedModel};
pub use inference::{erfc, two_sided_p_value, Summary};
pub use labels::{encode, sorted_classes, two_classes, Label};
pub use multiclass::{
    FittedMultinomial, FittedOneVsRest, MultiFitOptions, MultiWarmStart, MultinomialSummary,
};
pub use params::{ClassWeight, LogisticRegressionParams, MultiClass, Penalty, ValidParams};
pub use path::{c_grid, ModelKind, PathOptions, PathPoint, RegularizationPath};
pub use persist::{
    from_versioned_json, read_text, to_versioned_json, write_atomic, write_new, FORMAT_VERSION,
};
pub use solve::{LossObjective, Stage};
pub use solver::{Solver, SolverKind};
pub use statistics::{chi2_sf, gamma_q, ln_gamma, CovType, ModelStatistics};

use logreg_collective::CollectiveError;
use logreg_linalg_core::LinalgError;
use logreg_loss::LossError;
use logreg_optim::OptimError;

/// `a`, `a or b`, `a, b or c`.
fn names_or(kinds: &[SolverKind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// Everything that can go wrong configuring, fitting, using or loading a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A setting is out of range.
    #[error("invalid parameter `{name}` = {value}: expected {expected}")]
    InvalidParam {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// A step setting given with a solver that does not take it (see [`Solver::configured`]).
    #[error("{setting} applies to solver {}, not {solver}", names_or(takes_it))]
    SettingNotForSolver {
        /// The setting (`learning_rate`, `batch_size`).
        setting: &'static str,
        /// The solvers that take it.
        takes_it: &'static [SolverKind],
        /// The solver chosen.
        solver: SolverKind,
    },
    /// X has no rows.
    #[error("no samples: X has 0 rows")]
    Empty,
    /// X has no columns.
    #[error("no features: X has 0 columns (at least 1 is needed)")]
    NoFeatures,
    /// Two inputs whose sizes must agree do not.
    #[error("{what}: expected {expected}, found {found}")]
    Shape {
        /// Which input.
        what: &'static str,
        /// The size required.
        expected: usize,
        /// The size given.
        found: usize,
    },
    /// A feature value is NaN or infinite.
    #[error("feature value at row {row}, column {column} is {value}, expected a finite number")]
    NonFiniteFeature {
        /// 0-based row.
        row: usize,
        /// 0-based column.
        column: usize,
        /// The value found.
        value: f64,
    },
    /// A feature value is so large that products of features overflow (|x| must stay below 1e150).
    #[error("feature value at row {row}, column {column} is {value:e}; values this large overflow the fit (|x| must be below 1e150): rescale or standardize the column")]
    FeatureTooLarge {
        /// 0-based row.
        row: usize,
        /// 0-based column.
        column: usize,
        /// The value found.
        value: f64,
    },
    /// A logit is not a number (feature magnitudes whose products overflow to ∞ − ∞).
    #[error("the logit of row {row} is not a number: the features' products with the coefficients overflow")]
    NonFiniteLogit {
        /// 0-based row.
        row: usize,
    },
    /// A label cannot be compared with others (e.g. NaN).
    #[error("label at row {row} is {value}, which cannot be ordered against the other labels")]
    InvalidLabel {
        /// 0-based row.
        row: usize,
        /// The label found.
        value: String,
    },
    /// Every label is the same.
    #[error("only one class in the labels ({class}); a classifier needs two")]
    SingleClass {
        /// The one class present.
        class: String,
    },
    /// More than two classes where a binary model was asked for.
    #[error("binary logistic regression needs exactly 2 classes, found {count}: {}; use the multinomial or one-vs-rest model", classes.join(", "))]
    NotBinary {
        /// How many distinct classes there are.
        count: usize,
        /// The first classes in sorted order (at most ten, then `…`).
        classes: Vec<String>,
    },
    /// The requested positive class is not among the labels.
    #[error("positive class {given} is not among the labels ({})", classes.join(", "))]
    UnknownPositiveClass {
        /// The class asked for.
        given: String,
        /// The classes present.
        classes: Vec<String>,
    },
    /// Data given to a model do not have the columns it was fitted on.
    #[error("feature names do not match the model: {detail}")]
    FeatureNames {
        /// Which names are missing, unexpected or out of order.
        detail: String,
    },
    /// Standard errors and p-values cannot be computed for this fit.
    #[error("inference unavailable: {reason}")]
    InferenceUnavailable {
        /// Why.
        reason: String,
    },
    /// A saved model is not valid JSON or has the wrong structure.
    #[error("model file is not valid: {message} (line {line}, column {column})")]
    Json {
        /// What the parser said.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A saved model was written by another format version.
    #[error("model file has format version {found}, this program reads versions {oldest} to {supported}")]
    FormatVersion {
        /// The version in the file (0 when absent).
        found: u64,
        /// The oldest version this program reads.
        oldest: u64,
        /// The newest version this program reads (the one it writes).
        supported: u64,
    },
    /// A saved model holds something other than the kind expected.
    #[error("model file holds a `{found}`, expected a `{expected}`")]
    WrongKind {
        /// The kind asked for.
        expected: String,
        /// The kind in the file.
        found: String,
    },
    /// A saved model parses but is internally inconsistent.
    #[error("model file is inconsistent: {reason}")]
    CorruptModel {
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Cross-validation folds cannot be made from these labels.
    #[error("cross-validation: {reason}")]
    CrossValidation {
        /// Why (a class too small for the folds, fewer rows than folds).
        reason: String,
    },
    /// From building the loss (bad labels, weights or offsets).
    #[error(transparent)]
    Loss(LossError),
    /// From configuring or starting a solver.
    #[error(transparent)]
    Optim(OptimError),
    /// From building or reading the design matrix (shapes, row selections, sparse structure).
    #[error(transparent)]
    Linalg(LinalgError),
    /// From the ranks of a distributed fit: another rank's failure (every rank reports the same
    /// one), or the exchange itself.
    #[error(transparent)]
    Collective(#[from] CollectiveError),
    /// From linfa's dataset handling (with the `linfa` feature).
    #[error("linfa: {0}")]
    Linfa(String),
}

impl From<LinalgError> for ModelError {
    /// Bad feature values keep their model-level names (the messages are the same).
    fn from(e: LinalgError) -> Self {
        match e {
            LinalgError::NonFinite { row, column, value } => {
                ModelError::NonFiniteFeature { row, column, value }
            }
            LinalgError::TooLarge { row, column, value } => {
                ModelError::FeatureTooLarge { row, column, value }
            }
            other => ModelError::Linalg(other),
        }
    }
}

impl From<LossError> for ModelError {
    fn from(e: LossError) -> Self {
        match e {
            LossError::Linalg(l) => l.into(),
            LossError::Collective(c) => ModelError::Collective(c),
            other => ModelError::Loss(other),
        }
    }
}

impl From<OptimError> for ModelError {
    /// An objective's error carried through a solver comes back as the loss error it was.
    /// A solver setting out of range is an invalid parameter like any other.
    fn from(e: OptimError) -> Self {
        match e {
            OptimError::Evaluation(inner) => match inner.downcast_ref::<LossError>() {
                Some(l) => l.clone().into(),
                None => ModelError::Optim(OptimError::Evaluation(inner)),
            },
            OptimError::InvalidParameter {
                name,
                reason,
                value,
            } => ModelError::InvalidParam {
                name,
                value,
                expected: reason,
            },
            other => ModelError::Optim(other),
        }
    }
}

impl ModelError {
    /// Describe how `found` column names differ from `expected`.
    pub fn feature_mismatch(expected: &[String], found: &[String]) -> Self {
        let missing: Vec<&str> = expected
            .iter()
            .filter(|e| !found.contains(e))
            .map(String::as_str)
            .collect();
        let unexpected: Vec<&str> = found
            .iter()
            .filter(|f| !expected.contains(f))
            .map(String::as_str)
            .collect();
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("missing {}", missing.join(", ")));
        }
        if !unexpected.is_empty() {
            parts.push(format!("unexpected {}", unexpected.join(", ")));
        }
        if parts.is_empty() {
            parts.push(format!(
                "same names in another order (expected {})",
                expected.join(", ")
            ));
        }
        ModelError::FeatureNames {
            detail: parts.join("; "),
        }
    }
}
