//! Binary logistic regression: fit on a design and two-class labels, predict, explain, save.

use crate::params::{ClassWeight, LogisticRegressionParams, SolverKind, ValidParams};
use crate::solve::Stage;
use crate::statistics::ModelStatistics;
use crate::ModelError;
use logreg_collective::Collective;
use logreg_linalg_core::Design;
use logreg_loss::Data;
use logreg_optim::{Observer, Report, Stop};
use nalgebra::DVector;
use serde::{Deserialize, Serialize};

mod fit;
mod fitted;

pub use fitted::logit_threshold;

/// Binary logistic regression. Start with [`LogisticRegression::params`].
///
/// ```
/// use logreg_model::{LogisticRegression, Penalty};
/// use nalgebra::DMatrix;
///
/// let x = DMatrix::from_row_slice(6, 1, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// let y = ["no", "no", "yes", "no", "yes", "yes"];
/// let model = LogisticRegression::params()
///     .penalty(Penalty::L2 { c: 1.0 })
///     .check()?
///     .fit(&x, &y)?;
/// assert_eq!(model.positive_class(), &"yes");              // the larger label, as scikit-learn
/// assert!(model.report().converged);
/// assert_eq!(model.predict(&DMatrix::from_row_slice(2, 1, &[0.0, 9.0]))?, ["no", "yes"]);
/// # Ok::<(), logreg_model::ModelError>(())
/// ```
///
/// X is a [`Design`] (dense f64 or f32 borrowed from the caller, or sparse), or an `nalgebra`
/// matrix, which is copied once into a row-major design.
#[derive(Debug, Clone, Copy)]
pub struct LogisticRegression;

impl LogisticRegression {
    /// Default settings (scikit-learn's: L2 penalty with C = 1, intercept, automatic solver).
    pub fn params() -> LogisticRegressionParams {
        LogisticRegressionParams::default()
    }
}

/// Optional inputs to [`ValidParams::fit_with`].
pub struct FitOptions<'a, L> {
    /// Fit on these rows of X only (0-based; a training split or a fold), without copying them;
    /// labels, weights and offsets are still given for every row of X.
    pub rows: Option<&'a [usize]>,
    /// One weight per row of X, finite and > 0 (default: all 1).
    pub sample_weight: Option<&'a [f64]>,
    /// One known term per row of X added to its logit (statsmodels' and glmnet's `offset`).
    pub offset: Option<&'a [f64]>,
    /// Which label is the positive class (default: the larger of the two, as scikit-learn).
    pub positive_class: Option<L>,
    /// Start from this model's coefficients instead of zeros.
    pub warm_start: Option<&'a FittedLogisticRegression<L>>,
    /// Names of the columns of X, kept with the model and checked at prediction time.
    pub feature_names: Option<Vec<String>>,
    /// Sees every solver iteration (progress bars, logging, early stopping).
    pub observer: Option<&'a mut dyn Observer>,
}

impl<L> Default for FitOptions<'_, L> {
    fn default() -> Self {
        FitOptions {
            rows: None,
            sample_weight: None,
            offset: None,
            positive_class: None,
            warm_start: None,
            feature_names: None,
            observer: None,
        }
    }
}

/// A signal that the fitted coefficients are not the optimum they claim to be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConvergenceWarning {
    /// The solver stopped before a convergence test passed.
    NotConverged {
        /// The solver's reason for stopping.
        stop: Stop,
    },
    /// Without a penalty the coefficients separate the training classes perfectly, so the
    /// likelihood has no maximum: the coefficients grow without bound and are not meaningful.
    Separable,
}

impl std::fmt::Display for ConvergenceWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConvergenceWarning::NotConverged { stop } => write!(f, "{stop}"),
            ConvergenceWarning::Separable => f.write_str(
                "not converged (data separable or nearly so): no finite maximum-likelihood \
                 coefficients exist; add a penalty (e.g. L2 with C = 1)",
            ),
        }
    }
}

/// How the fit went, kept with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// The solver that ran (`Auto` resolved; the last one when several ran).
    pub solver: SolverKind,
    /// Solver iterations (SGD: optimizer steps), over every stage.
    pub iterations: usize,
    /// Passes over the data, for SGD.
    pub epochs: Option<usize>,
    /// Whether a convergence test passed and no warning applies.
    pub converged: bool,
    /// The solver's reason for stopping.
    pub stop: Stop,
    /// The objective as scikit-learn states it: `C·Σ sᵢℓᵢ + ½‖w‖²`, or `Σ sᵢℓᵢ` without a penalty.
    pub objective: f64,
    /// Gradient norm of the mean objective at the solution.
    pub grad_norm: f64,
    /// Mean objective after each iteration (SGD: each epoch), starting at the initial point.
    pub history: Vec<f64>,
    /// Set when the coefficients should not be trusted as an optimum.
    pub warning: Option<ConvergenceWarning>,
    /// Every solver that ran, in order, and why (one entry unless `auto` switched solvers).
    #[serde(default)]
    pub stages: Vec<Stage>,
}

impl FitReport {
    /// A report for a finished run of `solver` on an objective whose optimum is reported in
    /// scikit-learn's scale: `scale` times the mean objective.
    pub(crate) fn new(
        solver: SolverKind,
        r: &Report,
        stages: Vec<Stage>,
        scale: f64,
        separable: bool,
    ) -> FitReport {
        let warning = if separable {
            Some(ConvergenceWarning::Separable)
        } else if !r.converged() {
            Some(ConvergenceWarning::NotConverged { stop: r.stop })
        } else {
            None
        };
        FitReport {
            solver,
            iterations: stages
                .iter()
                .map(|s| s.iterations)
                .sum::<usize>()
                .max(r.iterations),
            epochs: r.epochs,
            converged: warning.is_none() && r.stop != Stop::ObserverRequested,
            stop: r.stop,
            objective: r.value * scale,
            grad_norm: r.grad_norm,
            history: r.history.clone(),
            warning,
            stages,
        }
    }
}

/// A fitted binary logistic regression: coefficients, intercept, classes and how the fit went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "L: Serialize",
    deserialize = "L: serde::de::DeserializeOwned"
))]
pub struct FittedLogisticRegression<L> {
    pub(crate) params: ValidParams,
    /// [negative, positive].
    pub(crate) classes: [L; 2],
    pub(crate) feature_names: Option<Vec<String>>,
    #[serde(with = "crate::vector_as_list")]
    pub(crate) coefficients: DVector<f64>,
    pub(crate) intercept: f64,
    /// Standard errors of (coefficients…, intercept) for unpenalized fits.
    #[serde(with = "crate::vector_as_list::option")]
    pub(crate) std_errors: Option<DVector<f64>>,
    pub(crate) inference_note: Option<String>,
    pub(crate) report: FitReport,
    /// Log-likelihood, LR test, AIC, BIC, … of unpenalized fits (absent in older files).
    #[serde(default)]
    pub(crate) statistics: Option<ModelStatistics>,
}

/// The rows a fit uses (all of X's, or the selection, checked against X), after checking that X
/// has features and that there is one label per row.
pub(crate) fn training_rows(
    x: &Design<'_>,
    n_labels: usize,
    rows: Option<&[usize]>,
) -> Result<Vec<usize>, ModelError> {
    rows_of(Data::Memory(x), n_labels, rows)
}

/// [`training_rows`] for data in memory or in row blocks.
fn rows_of(x: Data<'_>, n_labels: usize, rows: Option<&[usize]>) -> Result<Vec<usize>, ModelError> {
    if x.n_cols() == 0 {
        return Err(ModelError::NoFeatures);
    }
    if n_labels != x.n_rows() {
        return Err(ModelError::Shape {
            what: "labels y (one per row of X)",
            expected: x.n_rows(),
            found: n_labels,
        });
    }
    let rows = match rows {
        Some(r) => {
            logreg_linalg_core::Rows::new(Some(r), x.n_rows())?;
            r.to_vec()
        }
        None => (0..x.n_rows()).collect(),
    };
    if rows.is_empty() {
        return Err(ModelError::Empty);
    }
    Ok(rows)
}

/// Why a penalized fit has no standard errors or model statistics.
pub(crate) const PENALIZED_NOTE: &str =
    "standard errors and model statistics need an unpenalized fit (penalty none)";
/// Why a separated fit has none.
pub(crate) const SEPARATED_NOTE: &str =
    "standard errors and model statistics do not exist: the classes are perfectly separated";

/// Feature names must be one per column of X.
pub(crate) fn check_name_count(names: &[String], d: usize) -> Result<(), ModelError> {
    if names.len() == d {
        Ok(())
    } else {
        Err(ModelError::Shape {
            what: "feature names (one per column of X)",
            expected: d,
            found: names.len(),
        })
    }
}

/// Sample weights, when given, must be one per row of X (`n` rows).
pub(crate) fn check_weight_count(
    sample_weight: Option<&[f64]>,
    n: usize,
) -> Result<(), ModelError> {
    match sample_weight {
        Some(sw) if sw.len() != n => Err(ModelError::Shape {
            what: "sample weights (one per row of X)",
            expected: n,
            found: sw.len(),
        }),
        _ => Ok(()),
    }
}

/// Sample weights times class weights (one per row of X), or `None` when every row weighs 1.
/// Balanced class weights count the training rows (of every rank), as scikit-learn does.
pub(crate) fn combined_weights(
    cw: ClassWeight,
    y01: &[f64],
    rows: &[usize],
    sample_weight: Option<&[f64]>,
    world: &dyn Collective,
) -> Result<Option<Vec<f64>>, ModelError> {
    // Counted (over the ranks) before anything can fail on this rank alone.
    let counts = match cw {
        ClassWeight::None => None,
        ClassWeight::Balanced => {
            let mut c = [rows.len(), rows.iter().filter(|&&i| y01[i] == 1.0).count()];
            logreg_collective::allreduce_counts(world, &mut c)?;
            Some(c.map(|v| v as f64))
        }
    };
    check_weight_count(sample_weight, y01.len())?;
    // scikit-learn: n / (n_classes · count of the class), from counts, not weights.
    let class_w = counts.map(|[n, pos]| [n / (2.0 * (n - pos)), n / (2.0 * pos)]);
    Ok(match (sample_weight, class_w) {
        (None, None) => None,
        (Some(sw), None) => Some(sw.to_vec()),
        (sw, Some(cwv)) => Some(
            y01.iter()
                .enumerate()
                .map(|(i, &yi)| sw.map_or(1.0, |s| s[i]) * cwv[usize::from(yi == 1.0)])
                .collect(),
        ),
    })
}
