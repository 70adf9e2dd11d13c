//! Binary logistic regression: fit on a design and two-class labels, predict, explain, save.

use crate::distributed::{agreed, check_solver, classes_on_ranks};
use crate::inference::{self, Summary};
use crate::labels::{two_classes, Label};
use crate::params::{ClassWeight, LogisticRegressionParams, Penalty, SolverKind, ValidParams};
use crate::solve::{self, LossObjective, Problem, Stage};
use crate::statistics::{self, ModelStatistics};
use crate::ModelError;
use logreg_collective::{Collective, Local};
use logreg_linalg_core::{sigmoid, Design, IntoDesign};
use logreg_loss::LogLoss;
use logreg_optim::{NoObserver, Observer, Report, Stop};
use nalgebra::DVector;
use serde::de::DeserializeOwned;
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
            x.check_rows(r)?;
            r.to_vec()
        }
        None => (0..x.n_rows()).collect(),
    };
    if rows.is_empty() {
        return Err(ModelError::Empty);
    }
    Ok(rows)
}

impl ValidParams {
    /// Fit on X (n × d, one sample per row) and n labels with exactly two distinct values.
    pub fn fit<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        self.fit_with(x, y, FitOptions::default())
    }

    /// [`fit`](Self::fit) on a row selection, with sample weights, an offset, an explicit
    /// positive class, a warm start, feature names or an observer.
    pub fn fit_with<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: FitOptions<'_, L>,
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        self.fit_from(x, y, opts, None)
    }

    /// [`fit_with`](Self::fit_with) from the parameters `start` (coefficients, then the
    /// intercept if fitted) when given, instead of zeros or `opts.warm_start`.
    pub(crate) fn fit_from<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: FitOptions<'_, L>,
        start: Option<DVector<f64>>,
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        let x = x.into_design()?;
        self.fit_on_ranks(&x, y, opts, &Local, None, start)
    }

    /// [`fit_with`](Self::fit_with) on the rows of every rank of a job: each rank passes its own
    /// rows (X, labels, weights, offsets, row selection) and the same settings, and every rank
    /// gets the same model, the one a single process would fit on all the rows (within the
    /// rounding of a different order of addition: the sums over rows are added by rank, then by
    /// block). The classes are those of every rank's labels, so a rank may hold only one of
    /// them; balanced class weights count every rank's rows. Every error is every rank's: a
    /// rank that fails (a bad label, a mismatched length) makes every rank return the same
    /// error, which names it. `sgd` is refused (its mini-batches are drawn on one process).
    ///
    /// Every rank must call this at the same point (it is a collective operation), with the
    /// same number of features.
    ///
    /// ```
    /// use logreg_collective::InProcess;
    /// use logreg_model::{FitOptions, LogisticRegression};
    /// use nalgebra::DMatrix;
    ///
    /// let params = LogisticRegression::params().check()?;
    /// let x = DMatrix::from_row_slice(6, 1, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    /// let y = ["no", "no", "yes", "no", "yes", "yes"];
    /// let single = params.fit(&x, &y)?;
    /// // Two ranks (threads here; processes under MPI), three rows each.
    /// let fits = std::thread::scope(|s| {
    ///     let handles: Vec<_> = InProcess::group(2)?.into_iter().map(|rank| {
    ///         let params = &params;
    ///         s.spawn(move || {
    ///             let mine = 3 * logreg_collective::Collective::rank(&rank);
    ///             let x = DMatrix::from_row_slice(3, 1, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0][mine..mine + 3]);
    ///             let y: Vec<String> = y[mine..mine + 3].iter().map(|s| s.to_string()).collect();
    ///             params.fit_distributed(&x, &y, FitOptions::default(), &rank)
    ///         })
    ///     }).collect();
    ///     Ok::<_, logreg_model::ModelError>(handles.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>())
    /// })?;
    /// for fit in fits {
    ///     let w = fit?.coefficients()[0];
    ///     assert!((w - single.coefficients()[0]).abs() <= 1e-10 * w.abs());
    /// }
    /// # Ok::<(), logreg_model::ModelError>(())
    /// ```
    pub fn fit_distributed<'x, L>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: FitOptions<'_, L>,
        world: &dyn Collective,
    ) -> Result<FittedLogisticRegression<L>, ModelError>
    where
        L: Label + Serialize + DeserializeOwned,
    {
        check_solver(world, self.solver().kind())?;
        let x = agreed(world, x.into_design().map_err(ModelError::from))?;
        let local = agreed(
            world,
            training_rows(&x, y.len(), opts.rows)
                .map(|rows| rows.iter().map(|&i| y[i].clone()).collect::<Vec<L>>()),
        )?;
        let all = classes_on_ranks(world, &local)?;
        let classes = two_classes(&all, opts.positive_class.clone())?;
        self.fit_on_ranks(&x, y, opts, world, Some(classes), None)
    }

    /// The fit, on this process's rows (`world` = [`Local`]) or on every rank's. `classes` are
    /// the labels' classes when known (every rank's), else found in this process's labels;
    /// `start` as in [`fit_from`](Self::fit_from).
    fn fit_on_ranks<L: Label>(
        &self,
        x: &Design<'_>,
        y: &[L],
        opts: FitOptions<'_, L>,
        world: &dyn Collective,
        classes: Option<[L; 2]>,
        start: Option<DVector<f64>>,
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        let d = x.n_cols();
        // What each rank checks of its own rows; a failure anywhere is every rank's.
        let local = || -> Result<_, ModelError> {
            let rows = training_rows(x, y.len(), opts.rows)?;
            let classes = match classes {
                Some(c) => c,
                None => {
                    let train_labels: Vec<L> = rows.iter().map(|&i| y[i].clone()).collect();
                    two_classes(&train_labels, opts.positive_class.clone())?
                }
            };
            let y01: Vec<f64> = y
                .iter()
                .map(|v| f64::from(u8::from(*v == classes[1])))
                .collect();
            if let Some(names) = &opts.feature_names {
                check_name_count(names, d)?;
            }
            Ok((rows, classes, y01))
        };
        let (rows, classes, y01) = agreed(world, local())?;

        let weights = combined_weights(self.class_weight(), &y01, &rows, opts.sample_weight, world);
        let sel = opts.rows.map(|_| rows.as_slice());
        let loss = weights.and_then(|weights| {
            let mut loss = LogLoss::on_rows(x, sel, &y01)?.with_intercept(self.fit_intercept());
            if let Some(w) = &weights {
                loss = loss.with_sample_weight(w)?;
            }
            if let Some(o) = opts.offset {
                loss = loss.with_offset(o)?;
            }
            Ok(loss)
        });
        let mut loss = agreed(world, loss)?.with_collective(world)?;
        let weight_sum = loss.weight_sum();
        let (lambda2, lambda1, scale) = self.penalty().strengths(weight_sum);
        if lambda2 > 0.0 {
            loss = loss.with_l2(lambda2)?;
        }

        let x0 = match (start, opts.warm_start) {
            (Some(x0), _) => x0,
            (None, Some(prev)) => {
                if let (Some(theirs), Some(ours)) = (prev.feature_names(), &opts.feature_names) {
                    if theirs != ours.as_slice() {
                        return Err(ModelError::FeatureNames {
                            detail: format!(
                                "the warm-start model's features differ: {}",
                                feature_difference(theirs, ours)
                            ),
                        });
                    }
                }
                prev.warm_start_point(d, self.fit_intercept())?
            }
            (None, None) => DVector::zeros(loss.dim()),
        };
        let mut no_obs = NoObserver;
        let obs: &mut dyn Observer = match opts.observer {
            Some(o) => o,
            None => &mut no_obs,
        };
        let problem = Problem {
            objective: &LossObjective(&loss),
            design: x,
            rows: loss.rows(),
            intercept: self.fit_intercept(),
            classes: 1,
            l2: loss.l2(),
            world,
        };
        let solved = if self.uses_l1_solver() {
            let l1 = crate::cd::l1_weights(lambda1, 1, d, self.fit_intercept());
            let l1p = solve::L1Problem {
                glm: crate::cd::Glm::Binary(&loss),
                l1,
                screen: None,
            };
            solve::minimize_l1(self, &problem, l1p, x0, obs)?
        } else {
            solve::minimize(self, &problem, x0, obs)?
        };
        let report = solved.report;

        let (coefficients, intercept) = split_theta(&report.x, d, self.fit_intercept());
        // Only an unpenalized fit can run off to infinity on separated classes.
        let separable = self.penalty() == Penalty::None && {
            let z = loss.logits(&report.x)?;
            let right_side = z
                .iter()
                .enumerate()
                .filter(|&(pos, &zi)| {
                    if loss.is_positive(pos) {
                        zi > 0.0
                    } else {
                        zi < 0.0
                    }
                })
                .count();
            let mut counts = [right_side, z.len()];
            logreg_collective::allreduce_counts(world, &mut counts)?;
            counts[0] == counts[1]
        };
        let fit_report = FitReport::new(solved.solver, &report, solved.stages, scale, separable);
        let (std_errors, inference_note, statistics) = if self.penalty() != Penalty::None {
            (None, Some(PENALIZED_NOTE.to_string()), None)
        } else if separable {
            (None, Some(SEPARATED_NOTE.to_string()), None)
        } else {
            let stats = binary_statistics(&loss, &report.x, world)?;
            match inference::std_errors(&loss, &report.x, self.cov_type()) {
                Ok(se) => (Some(se), None, stats),
                Err(reason) => (None, Some(reason), stats),
            }
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
            statistics,
        })
    }
}

/// Why a penalized fit has no standard errors or model statistics.
pub(crate) const PENALIZED_NOTE: &str =
    "standard errors and model statistics need an unpenalized fit (penalty none)";
/// Why a separated fit has none.
pub(crate) const SEPARATED_NOTE: &str =
    "standard errors and model statistics do not exist: the classes are perfectly separated";

/// The model statistics of an unpenalized binary fit at its optimum `theta` (`None` if the
/// null model cannot be fitted), over the rows of every rank of `world`.
fn binary_statistics(
    loss: &LogLoss<'_>,
    theta: &DVector<f64>,
    world: &dyn Collective,
) -> Result<Option<ModelStatistics>, ModelError> {
    let s = loss.weight_sum();
    let llf = -loss.value(theta)? * s;
    let offset = |pos: usize, k: usize| if k == 1 { loss.offset(pos) } else { 0.0 };
    let Some(llnull) = statistics::null_log_likelihood(
        world,
        loss.n_samples(),
        2,
        |pos| usize::from(loss.is_positive(pos)),
        |pos| loss.weight(pos),
        loss.has_offset()
            .then_some(&offset as &dyn Fn(usize, usize) -> f64),
    )?
    else {
        return Ok(None);
    };
    let p = loss.dim();
    Ok(Some(ModelStatistics::new(
        llf,
        llnull,
        s,
        p,
        p.saturating_sub(1),
    )))
}

/// How `found` differs from `expected`, in the words of [`ModelError::feature_mismatch`].
fn feature_difference(expected: &[String], found: &[String]) -> String {
    match ModelError::feature_mismatch(expected, found) {
        ModelError::FeatureNames { detail } => detail,
        other => other.to_string(),
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
    if let Some(sw) = sample_weight {
        if sw.len() != y01.len() {
            return Err(ModelError::Shape {
                what: "sample weights (one per row of X)",
                expected: y01.len(),
                found: sw.len(),
            });
        }
    }
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

fn split_theta(theta: &DVector<f64>, d: usize, intercept: bool) -> (DVector<f64>, f64) {
    let w = theta.rows(0, d).into_owned();
    let b = if intercept { theta[d] } else { 0.0 };
    (w, b)
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
    pub fn decision_function<'x>(
        &self,
        x: impl IntoDesign<'x>,
    ) -> Result<DVector<f64>, ModelError> {
        let x = x.into_design()?;
        self.decision_function_on(&x, None, None)
    }

    /// The logits `x·w + b (+ offset)` of the rows `rows` of X (every row when `None`), in that
    /// order, with one offset per row of X if given.
    pub fn decision_function_on(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
        offset: Option<&[f64]>,
    ) -> Result<DVector<f64>, ModelError> {
        if x.n_cols() != self.n_features() {
            return Err(ModelError::Shape {
                what: "columns of X (features the model was fitted on)",
                expected: self.n_features(),
                found: x.n_cols(),
            });
        }
        let sel = x.rows(rows)?;
        let mut z = vec![0.0; sel.len()];
        x.logits(sel, self.coefficients.as_slice(), self.intercept, &mut z)?;
        if let Some(o) = offset {
            if o.len() != x.n_rows() {
                return Err(ModelError::Shape {
                    what: "offsets (one per row of X)",
                    expected: x.n_rows(),
                    found: o.len(),
                });
            }
            for (pos, zi) in z.iter_mut().enumerate() {
                *zi += o[sel.row_at(pos)];
            }
        }
        // ±∞ logits are fine (probability 1 or 0); NaN ones come from ∞ − ∞ and mean nothing.
        match z.iter().position(|v| v.is_nan()) {
            Some(pos) => Err(ModelError::NonFiniteLogit {
                row: sel.row_at(pos),
            }),
            None => Ok(DVector::from_vec(z)),
        }
    }

    /// P(positive class | x), one per row.
    pub fn predict_proba<'x>(&self, x: impl IntoDesign<'x>) -> Result<DVector<f64>, ModelError> {
        Ok(self.decision_function(x)?.map(sigmoid))
    }

    /// The predicted class of each row (positive when P > 0.5, as scikit-learn).
    pub fn predict<'x>(&self, x: impl IntoDesign<'x>) -> Result<Vec<L>, ModelError> {
        self.predict_with_threshold(x, 0.5)
    }

    /// The predicted class of each row, positive when P(positive) > `threshold` ∈ (0, 1).
    ///
    /// The comparison is made on logits (`z > ln(t / (1 − t))`), so no probability rounding decides.
    pub fn predict_with_threshold<'x>(
        &self,
        x: impl IntoDesign<'x>,
        threshold: f64,
    ) -> Result<Vec<L>, ModelError> {
        let cut = logit_threshold(threshold)?;
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
        Ok(Summary::new(names, coef, se.iter().copied().collect())
            .with_statistics(self.params.cov_type(), self.statistics.clone()))
    }

    /// Log-likelihood, LR test, AIC, BIC, pseudo-R² and deviance of an unpenalized fit; `None`
    /// for penalized or separated fits (see [`inference_note`](Self::inference_note)).
    pub fn statistics(&self) -> Option<&ModelStatistics> {
        self.statistics.as_ref()
    }

    /// Why there are no standard errors (or statistics), when there are none.
    pub fn inference_note(&self) -> Option<&str> {
        self.inference_note.as_deref()
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
        Ok(())
    }
}

/// The logit at which a probability threshold t ∈ (0, 1) is crossed: ln(t / (1 − t)).
pub fn logit_threshold(threshold: f64) -> Result<f64, ModelError> {
    if !(threshold > 0.0 && threshold < 1.0) {
        return Err(ModelError::InvalidParam {
            name: "threshold",
            value: threshold.to_string(),
            expected: "a probability strictly between 0 and 1",
        });
    }
    Ok((threshold / (1.0 - threshold)).ln())
}
