//! The solvers: [`SolverKind`] names one (reports, the command line), [`Solver`] is one with its
//! own checked settings.

use crate::cd::CoordinateDescent;
use crate::ModelError;
use logreg_optim::{
    GradientDescent, Lbfgs, LearningRate, Newton, NewtonCg, OwlQn, Sgd, SolverConfig,
};
use serde::{Deserialize, Serialize};

/// Which solver fits the model: a name, for reports and the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolverKind {
    /// Chosen from the data's shape by a cost model (see [`Solver::Auto`]).
    Auto,
    /// Batch gradient descent with a fixed learning rate, as the tutorials run it.
    Gd,
    /// Mini-batch stochastic gradient descent.
    Sgd,
    /// Limited-memory BFGS with a strong-Wolfe line search.
    Lbfgs,
    /// Newton's method with a Cholesky solve (scikit-learn's newton-cholesky).
    Newton,
    /// Trust-region Newton with conjugate gradients on Hessian-vector products (liblinear's
    /// TRON, scikit-learn's newton-cg).
    #[serde(rename = "newton-cg", alias = "newton_cg")]
    NewtonCg,
    /// Coordinate-descent Newton (glmnet, liblinear's newGLMNET): the exact solver for L1 and
    /// elastic-net penalties on data in memory.
    #[serde(rename = "coordinate-descent", alias = "coordinate_descent")]
    CoordinateDescent,
    /// OWL-QN, L-BFGS for an L1 term, from values and gradients alone (data read in passes).
    #[serde(rename = "owl-qn", alias = "owl_qn")]
    OwlQn,
}

impl SolverKind {
    /// Every solver, in the order the command line lists them.
    pub const ALL: [SolverKind; 8] = [
        SolverKind::Auto,
        SolverKind::Gd,
        SolverKind::Sgd,
        SolverKind::Lbfgs,
        SolverKind::Newton,
        SolverKind::NewtonCg,
        SolverKind::CoordinateDescent,
        SolverKind::OwlQn,
    ];

    /// The name used in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SolverKind::Auto => "auto",
            SolverKind::Gd => "gd",
            SolverKind::Sgd => "sgd",
            SolverKind::Lbfgs => "lbfgs",
            SolverKind::Newton => "newton",
            SolverKind::NewtonCg => "newton-cg",
            SolverKind::CoordinateDescent => "coordinate-descent",
            SolverKind::OwlQn => "owl-qn",
        }
    }

    /// Whether the solver handles an L1 term (the others need a smooth objective).
    pub fn handles_l1(self) -> bool {
        matches!(
            self,
            SolverKind::Auto | SolverKind::CoordinateDescent | SolverKind::OwlQn
        )
    }

    /// Parse a name as printed by [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl std::fmt::Display for SolverKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The solver and its own settings. Each variant holds an `optim` configuration, checked when the
/// parameters are checked and whenever one is read from a file.
///
/// ```
/// use logreg_model::{LogisticRegression, Solver};
/// use logreg_optim::GradientDescent;
///
/// let params = LogisticRegression::params()
///     .solver(Solver::Gd(GradientDescent::new(0.1).threshold(1e-6)))
///     .max_iter(500)
///     .check()?;
/// assert_eq!(params.solver().kind().name(), "gd");
/// # Ok::<(), logreg_model::ModelError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Solver {
    /// Picked from the data by a cost model, and continued with a more robust solver if the
    /// first one spends its budget or stalls; the fit report names every solver that ran.
    Auto,
    /// Limited-memory BFGS.
    Lbfgs(Lbfgs),
    /// Newton with a Cholesky solve.
    Newton(Newton),
    /// Trust-region Newton-CG.
    #[serde(rename = "newton-cg", alias = "newton_cg")]
    NewtonCg(NewtonCg),
    /// Gradient descent with a fixed learning rate.
    Gd(GradientDescent),
    /// Mini-batch SGD.
    Sgd(Sgd),
    /// Coordinate-descent Newton (the default for L1 and elastic net).
    #[serde(rename = "coordinate-descent", alias = "coordinate_descent")]
    CoordinateDescent(CoordinateDescent),
    /// OWL-QN.
    #[serde(rename = "owl-qn", alias = "owl_qn")]
    OwlQn(OwlQn),
}

impl Solver {
    /// L-BFGS with default settings.
    pub fn lbfgs() -> Self {
        Solver::Lbfgs(Lbfgs::default())
    }

    /// Newton with default settings.
    pub fn newton() -> Self {
        Solver::Newton(Newton::default())
    }

    /// Newton-CG with default settings.
    pub fn newton_cg() -> Self {
        Solver::NewtonCg(NewtonCg::default())
    }

    /// Gradient descent at this learning rate, default settings otherwise.
    pub fn gd(learning_rate: f64) -> Self {
        Solver::Gd(GradientDescent::new(learning_rate))
    }

    /// SGD with default settings.
    pub fn sgd() -> Self {
        Solver::Sgd(Sgd::default())
    }

    /// The solver named `kind` with its default settings (gd: learning rate 0.1).
    pub fn default_for(kind: SolverKind) -> Self {
        match kind {
            SolverKind::Auto => Solver::Auto,
            SolverKind::Gd => Solver::Gd(GradientDescent::default()),
            SolverKind::Sgd => Solver::sgd(),
            SolverKind::Lbfgs => Solver::lbfgs(),
            SolverKind::Newton => Solver::newton(),
            SolverKind::NewtonCg => Solver::newton_cg(),
            SolverKind::CoordinateDescent => {
                Solver::CoordinateDescent(CoordinateDescent::default())
            }
            SolverKind::OwlQn => Solver::OwlQn(OwlQn::default()),
        }
    }

    /// The solver named `kind` with the step settings given (a learning rate for gd and sgd, a
    /// batch size for sgd; defaults otherwise). A setting the solver does not take is an error
    /// rather than silently meaningless.
    ///
    /// ```
    /// use logreg_model::{ModelError, Solver, SolverKind};
    /// assert!(Solver::configured(SolverKind::Sgd, Some(0.01), Some(64)).is_ok());
    /// let e = Solver::configured(SolverKind::Lbfgs, None, Some(64)).unwrap_err();
    /// assert!(matches!(e, ModelError::SettingNotForSolver { setting: "batch_size", .. }));
    /// ```
    pub fn configured(
        kind: SolverKind,
        learning_rate: Option<f64>,
        batch_size: Option<usize>,
    ) -> Result<Self, ModelError> {
        let refuse = |setting, takes_it: &'static [SolverKind]| ModelError::SettingNotForSolver {
            setting,
            takes_it,
            solver: kind,
        };
        if learning_rate.is_some() && !matches!(kind, SolverKind::Gd | SolverKind::Sgd) {
            return Err(refuse("learning_rate", &[SolverKind::Gd, SolverKind::Sgd]));
        }
        if batch_size.is_some() && kind != SolverKind::Sgd {
            return Err(refuse("batch_size", &[SolverKind::Sgd]));
        }
        Ok(match kind {
            SolverKind::Gd => Solver::gd(learning_rate.unwrap_or(0.1)),
            SolverKind::Sgd => {
                let mut sgd = Sgd::default();
                if let Some(eta0) = learning_rate {
                    sgd = sgd.learning_rate(LearningRate::Adaptive { eta0 });
                }
                if let Some(n) = batch_size {
                    sgd = sgd.batch_size(n);
                }
                Solver::Sgd(sgd)
            }
            other => Solver::default_for(other),
        })
    }

    /// Its name.
    pub fn kind(&self) -> SolverKind {
        match self {
            Solver::Auto => SolverKind::Auto,
            Solver::Lbfgs(_) => SolverKind::Lbfgs,
            Solver::Newton(_) => SolverKind::Newton,
            Solver::NewtonCg(_) => SolverKind::NewtonCg,
            Solver::Gd(_) => SolverKind::Gd,
            Solver::Sgd(_) => SolverKind::Sgd,
            Solver::CoordinateDescent(_) => SolverKind::CoordinateDescent,
            Solver::OwlQn(_) => SolverKind::OwlQn,
        }
    }

    /// Check the settings, naming the first one out of range.
    pub fn validate(&self) -> Result<(), ModelError> {
        match self {
            Solver::Auto => Ok(()),
            Solver::Lbfgs(s) => s.validate(),
            Solver::Newton(s) => s.validate(),
            Solver::NewtonCg(s) => s.validate(),
            Solver::Gd(s) => s.validate(),
            Solver::Sgd(s) => s.validate(),
            Solver::CoordinateDescent(s) => s.validate(),
            Solver::OwlQn(s) => s.validate(),
        }
        .map_err(ModelError::from)
    }

    /// The same solver with the iteration budget, tolerance and seed that the parameters set
    /// (each `None` leaves the solver's own).
    pub(crate) fn with_overrides(
        self,
        max_iter: Option<usize>,
        tol: Option<f64>,
        seed: u64,
    ) -> Self {
        /// `$s` with the budget (set by `$budget`, SGD counts epochs) and tolerance overridden.
        macro_rules! overridden {
            ($s:expr, $budget:ident) => {{
                let s = match max_iter {
                    Some(n) => $s.$budget(n),
                    None => $s,
                };
                match tol {
                    Some(t) => s.tol(t),
                    None => s,
                }
            }};
        }
        match self {
            Solver::Auto => Solver::Auto,
            Solver::Lbfgs(s) => Solver::Lbfgs(overridden!(s, max_iter)),
            Solver::Newton(s) => Solver::Newton(overridden!(s, max_iter)),
            Solver::NewtonCg(s) => Solver::NewtonCg(overridden!(s, max_iter)),
            Solver::Gd(s) => Solver::Gd(overridden!(s, max_iter)),
            Solver::Sgd(s) => Solver::Sgd(overridden!(s, max_epochs).seed(seed)),
            Solver::CoordinateDescent(s) => Solver::CoordinateDescent(overridden!(s, max_iter)),
            Solver::OwlQn(s) => Solver::OwlQn(overridden!(s, max_iter)),
        }
    }
}

impl From<SolverKind> for Solver {
    fn from(kind: SolverKind) -> Self {
        Solver::default_for(kind)
    }
}
