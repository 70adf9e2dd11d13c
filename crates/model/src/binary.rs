//! Binary logistic regression: fit on a matrix and two-class labels, predict, explain, save.

use crate::inference::{self, Summary};
use crate::labels::{describe, sorted_classes, Label};
use crate::params::{ClassWeight, LogisticRegressionParams, Penalty, SolverKind, ValidParams};
use crate::solve::{self, LossObjective};
use crate::{check_features, check_magnitudes, ModelError};
use logreg_linalg_core::sigmoid;
use logreg_loss::LogLoss;
use logreg_optim::{NoObserver, Observer, Report, Stop};
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

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
    /// One weight per sample, finite and > 0 (default: all 1).
    pub sample_weight: Option<&'a [f64]>,
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
            sample_weight: None,
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
        stop: String,
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
    /// The solver that ran (`Auto` resolved).
    pub solver: SolverKind,
    /// Solver iterations (SGD: optimizer steps).
    pub iterations: usize,
    /// Passes over the data, for SGD.
    pub epochs: Option<usize>,
    /// Whether a convergence test passed and no warning applies.
    pub converged: bool,
    /// The solver's reason for stopping, in words.
    pub stop: String,
    /// The objective as scikit-learn states it: `C·Σ sᵢℓᵢ + ½‖w‖²`, or `Σ sᵢℓᵢ` without a penalty.
    pub objective: f64,
    /// Gradient norm of the mean objective at the solution.
    pub grad_norm: f64,
    /// Mean objective after each iteration (SGD: each epoch), starting at the initial point.
    pub history: Vec<f64>,
    /// Set when the coefficients should not be trusted as an optimum.
    pub warning: Option<ConvergenceWarning>,
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
    #[serde(with = "crate::persist::vector_as_list")]
    pub(crate) coefficients: DVector<f64>,
    pub(crate) intercept: f64,
    /// Standard errors of (coefficients…, intercept) for unpenalized fits.
    #[serde(with = "crate::persist::vector_as_list::option")]
    pub(crate) std_errors: Option<DVector<f64>>,
    pub(crate) inference_note: Option<String>,
    pub(crate) report: FitReport,
}

impl ValidParams {
    /// Fit on an n × d matrix (one sample per row) and n labels with exactly two distinct values.
    pub fn fit<L: Label>(
        &self,
        x: &DMatrix<f64>,
        y: &[L],
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        self.fit_with(x, y, FitOptions::default())
    }

    /// [`fit`](Self::fit) with sample weights, an explicit positive class, a warm start, feature
    /// names or an observer.
    pub fn fit_with<L: Label>(
        &self,
        x: &DMatrix<f64>,
        y: &[L],
        opts: FitOptions<'_, L>,
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        let (n, d) = x.shape();
        if n == 0 {
            return Err(ModelError::Empty);
        }
        if d == 0 {
            return Err(ModelError::NoFeatures);
        }
        if y.len() != n {
            return Err(ModelError::Shape {
                what: "labels y (one per row of X)",
                expected: n,
                found: y.len(),
            });
        }
        let classes = two_classes(y, opts.positive_class)?;
        check_magnitudes(x)?;
        let y01: Vec<f64> = y
            .iter()
            .map(|v| f64::from(u8::from(*v == classes[1])))
            .collect();
        if let Some(names) = &opts.feature_names {
            check_name_count(names, d)?;
        }

        let weights = combined_weights(self.params().class_weight, &y01, opts.sample_weight)?;
        let mut loss = LogLoss::new(x, &y01)?.with_intercept(self.fit_intercept());
        if let Some(w) = &weights {
            loss = loss.with_sample_weight(w)?;
        }
        let weight_sum = loss.weight_sum();
        if let Penalty::L2 { c } = self.penalty() {
            let lambda = LogLoss::l2_from_c(c, weight_sum)?;
            loss = loss.with_l2(lambda)?;
        }

        let x0 = match opts.warm_start {
            Some(prev) => prev.warm_start_point(d, self.fit_intercept())?,
            None => DVector::zeros(loss.dim()),
        };
        let solver = self.solver().resolve(n, loss.dim());
        let mut no_obs = NoObserver;
        let obs: &mut dyn Observer = match opts.observer {
            Some(o) => o,
            None => &mut no_obs,
        };
        let report = solve::run(solver, self, &LossObjective(&loss), x0, obs)?;

        let (coefficients, intercept) = split_theta(&report.x, d, self.fit_intercept());
        // Only an unpenalized fit can run off to infinity on separated classes.
        let separable = self.penalty() == Penalty::None && {
            let z = loss.logits(&report.x)?;
            z.iter()
                .zip(&y01)
                .all(|(&zi, &yi)| (2.0 * yi - 1.0) * zi > 0.0)
        };
        let fit_report = make_report(solver, &report, separable, self.penalty(), weight_sum);
        let (std_errors, inference_note) = match (self.penalty(), separable) {
            (Penalty::L2 { .. }, _) => (
                None,
                Some("standard errors need an unpenalized fit (penalty none)".to_string()),
            ),
            (Penalty::None, true) => (
                None,
                Some("standard errors do not exist: the classes are perfectly separated".into()),
            ),
            (Penalty::None, false) => match inference::std_errors(&loss, &report.x) {
                Ok(se) => (Some(se), None),
                Err(reason) => (None, Some(reason)),
            },
        };
        Ok(FittedLogisticRegression {
            params: self.clone(),
            classes,
            feature_names: opts.feature_names,
            coefficients,
            intercept,
            std_errors,
            inference_note,
            report: fit_report,
        })
    }
}

fn two_classes<L: Label>(y: &[L], positive: Option<L>) -> Result<[L; 2], ModelError> {
    let classes = sorted_classes(y)?;
    match classes.len() {
        1 => Err(ModelError::SingleClass {
            class: format!("{:?}", classes[0]),
        }),
        2 => {
            let [neg, pos] = [classes[0].clone(), classes[1].clone()];
            match positive {
                None => Ok([neg, pos]),
                Some(p) if p == pos => Ok([neg, pos]),
                Some(p) if p == neg => Ok([pos, neg]),
                Some(p) => Err(ModelError::UnknownPositiveClass {
                    given: format!("{p:?}"),
                    classes: describe(&classes),
                }),
            }
        }
        count => Err(ModelError::NotBinary {
            count,
            classes: describe(&classes),
        }),
    }
}

fn check_name_count(names: &[String], d: usize) -> Result<(), ModelError> {
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

/// Sample weights times class weights, or `None` when every sample weighs 1.
fn combined_weights(
    cw: ClassWeight,
    y01: &[f64],
    sample_weight: Option<&[f64]>,
) -> Result<Option<Vec<f64>>, ModelError> {
    if let Some(sw) = sample_weight {
        if sw.len() != y01.len() {
            return Err(ModelError::Shape {
                what: "sample weights (one per row of X)",
                expected: y01.len(),
                found: sw.len(),
            });
        }
    }
    let class_w = match cw {
        ClassWeight::None => None,
        ClassWeight::Balanced => {
            // scikit-learn: n / (n_classes · count of the class), from counts, not weights.
            let n = y01.len() as f64;
            let pos = y01.iter().filter(|&&v| v == 1.0).count() as f64;
            Some([n / (2.0 * (n - pos)), n / (2.0 * pos)])
        }
    };
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

fn split_theta(theta: &DVector<f64>, d: usize, intercept: bool) -> (DVector<f64>, f64) {
    let w = theta.rows(0, d).into_owned();
    let b = if intercept { theta[d] } else { 0.0 };
    (w, b)
}

fn make_report(
    solver: SolverKind,
    r: &Report,
    separable: bool,
    penalty: Penalty,
    weight_sum: f64,
) -> FitReport {
    let warning = if separable {
        Some(ConvergenceWarning::Separable)
    } else if !r.converged() {
        Some(ConvergenceWarning::NotConverged {
            stop: r.stop.describe().to_string(),
        })
    } else {
        None
    };
    let scale = match penalty {
        Penalty::L2 { c } => c * weight_sum,
        Penalty::None => weight_sum,
    };
    FitReport {
        solver,
        iterations: r.iterations,
        epochs: r.epochs,
        converged: warning.is_none() && r.stop != Stop::ObserverRequested,
        stop: r.stop.describe().to_string(),
        objective: r.value * scale,
        grad_norm: r.grad_norm,
        history: r.history.clone(),
        warning,
    }
}

impl<L: Label> FittedLogisticRegression<L> {
    /// The coefficients w, one per feature.
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// The intercept b (0 when none was fitted).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The two classes, [negative, positive].
    pub fn classes(&self) -> &[L; 2] {
        &self.classes
    }

    /// The class whose probability `predict_proba` returns.
    pub fn positive_class(&self) -> &L {
        &self.classes[1]
    }

    /// Number of features the model expects.
    pub fn n_features(&self) -> usize {
        self.coefficients.len()
    }

    /// Names of the features, when given at fit time or attached since.
    pub fn feature_names(&self) -> Option<&[String]> {
        self.feature_names.as_deref()
    }

    /// Attach feature names (one per coefficient).
    pub fn with_feature_names(mut self, names: Vec<String>) -> Result<Self, ModelError> {
        check_name_count(&names, self.n_features())?;
        self.feature_names = Some(names);
        Ok(self)
    }

    /// Check that data with these column names can be given to this model: same names, same order.
    pub fn check_feature_names(&self, names: &[String]) -> Result<(), ModelError> {
        match &self.feature_names {
            Some(expected) if expected.as_slice() != names => {
                Err(ModelError::feature_mismatch(expected, names))
            }
            _ => check_name_count(names, self.n_features()),
        }
    }

    /// The settings the model was fitted with.
    pub fn params(&self) -> &ValidParams {
        &self.params
    }

    /// How the fit went: solver, iterations, convergence, objective, history.
    pub fn report(&self) -> &FitReport {
        &self.report
    }

    /// A warning when the coefficients should not be trusted as an optimum.
    pub fn convergence_warning(&self) -> Option<&ConvergenceWarning> {
        self.report.warning.as_ref()
    }

    /// The logits `x·w + b`, one per row.
    pub fn decision_function(&self, x: &DMatrix<f64>) -> Result<DVector<f64>, ModelError> {
        check_features(x, self.n_features())?;
        let z = (x * &self.coefficients).add_scalar(self.intercept);
        // ±∞ logits are fine (probability 1 or 0); NaN ones come from ∞ − ∞ and mean nothing.
        match z.iter().position(|v| v.is_nan()) {
            Some(row) => Err(ModelError::NonFiniteLogit { row }),
            None => Ok(z),
        }
    }

    /// P(positive class | x), one per row.
    pub fn predict_proba(&self, x: &DMatrix<f64>) -> Result<DVector<f64>, ModelError> {
        Ok(self.decision_function(x)?.map(sigmoid))
    }

    /// The predicted class of each row (positive when P > 0.5, as scikit-learn).
    pub fn predict(&self, x: &DMatrix<f64>) -> Result<Vec<L>, ModelError> {
        self.predict_with_threshold(x, 0.5)
    }

    /// The predicted class of each row, positive when P(positive) > `threshold` ∈ (0, 1).
    ///
    /// The comparison is made on logits (`z > ln(t / (1 − t))`), so no probability rounding decides.
    pub fn predict_with_threshold(
        &self,
        x: &DMatrix<f64>,
        threshold: f64,
    ) -> Result<Vec<L>, ModelError> {
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(ModelError::InvalidParam {
                name: "threshold",
                value: threshold.to_string(),
                expected: "a probability strictly between 0 and 1",
            });
        }
        let cut = (threshold / (1.0 - threshold)).ln();
        Ok(self
            .decision_function(x)?
            .iter()
            .map(|&z| self.classes[usize::from(z > cut)].clone())
            .collect())
    }

    /// Coefficient table with standard errors, z-scores, p-values and 95% confidence intervals
    /// (statsmodels' `Logit` summary); an error for penalized or separated fits.
    pub fn summary(&self) -> Result<Summary, ModelError> {
        let se = self
            .std_errors
            .as_ref()
            .ok_or_else(|| ModelError::InferenceUnavailable {
                reason: self
                    .inference_note
                    .clone()
                    .unwrap_or_else(|| "no standard errors were computed".into()),
            })?;
        let mut names: Vec<String> = match &self.feature_names {
            Some(n) => n.clone(),
            None => (1..=self.n_features()).map(|j| format!("x{j}")).collect(),
        };
        let mut coef: Vec<f64> = self.coefficients.iter().copied().collect();
        if self.params.fit_intercept() {
            names.push("intercept".into());
            coef.push(self.intercept);
        }
        Ok(Summary::new(names, coef, se.iter().copied().collect()))
    }

    fn warm_start_point(&self, d: usize, intercept: bool) -> Result<DVector<f64>, ModelError> {
        if self.n_features() != d {
            return Err(ModelError::Shape {
                what: "warm-start model's coefficients (one per column of X)",
                expected: d,
                found: self.n_features(),
            });
        }
        let mut x0 = DVector::zeros(d + usize::from(intercept));
        x0.rows_mut(0, d).copy_from(&self.coefficients);
        if intercept {
            x0[d] = self.intercept;
        }
        Ok(x0)
    }

    /// Check the invariants a loaded model must satisfy (lengths agree, numbers finite).
    pub fn validate(&self) -> Result<(), ModelError> {
        let corrupt = |reason: String| Err(ModelError::CorruptModel { reason });
        let d = self.n_features();
        if d == 0 {
            return corrupt("the model has no coefficients".into());
        }
        if let Some(names) = &self.feature_names {
            if names.len() != d {
                return corrupt(format!(
                    "{} coefficients but {} feature names",
                    d,
                    names.len()
                ));
            }
        }
        if let Some(se) = &self.std_errors {
            let p = d + usize::from(self.params.fit_intercept());
            if se.len() != p {
                return corrupt(format!("{} standard errors for {p} parameters", se.len()));
            }
        }
        if let Some(j) = self.coefficients.iter().position(|c| !c.is_finite()) {
            return corrupt(format!("coefficient {j} is {}", self.coefficients[j]));
        }
        if !self.intercept.is_finite() {
            return corrupt(format!("intercept is {}", self.intercept));
        }
        if self.classes[0] == self.classes[1] {
            return corrupt(format!("both classes are {:?}", self.classes[0]));
        }
        self.params.params().clone().check()?;
        Ok(())
    }
}
