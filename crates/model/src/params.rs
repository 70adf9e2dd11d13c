//! Configuration: an unchecked builder whose `check()` returns validated parameters. The solver is
//! an enum that carries its own settings, so a setting that means nothing for the chosen solver
//! (a batch size with Newton) cannot be expressed, and a deserialized configuration is checked
//! exactly like a built one.

use crate::statistics::CovType;
use crate::ModelError;
use logreg_optim::{GradientDescent, Lbfgs, LearningRate, Newton, NewtonCg, Sgd, SolverConfig};
use serde::{Deserialize, Serialize};

/// The penalty on the coefficients (never on the intercept).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Penalty {
    /// No penalty: maximum likelihood (needed for standard errors and p-values).
    None,
    /// `½‖w‖²` added to `C·Σ sᵢℓᵢ`, as scikit-learn: smaller `c` = stronger regularization.
    L2 {
        /// Inverse regularization strength, > 0.
        c: f64,
    },
}

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
}

impl SolverKind {
    /// Every solver, in the order the command line lists them.
    pub const ALL: [SolverKind; 6] = [
        SolverKind::Auto,
        SolverKind::Gd,
        SolverKind::Sgd,
        SolverKind::Lbfgs,
        SolverKind::Newton,
        SolverKind::NewtonCg,
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
        }
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
        }
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
        }
    }
}

impl From<SolverKind> for Solver {
    fn from(kind: SolverKind) -> Self {
        Solver::default_for(kind)
    }
}

/// How classes are weighted in the loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeight {
    /// Every sample counts by its sample weight.
    None,
    /// Weight class c by `n / (n_classes · n_c)`, as scikit-learn's `class_weight="balanced"`.
    Balanced,
}

/// Logistic-regression settings as given, not yet checked. Defaults mirror scikit-learn's, except
/// that the exact solvers are run to a much tighter tolerance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogisticRegressionParams {
    pub(crate) penalty: Penalty,
    pub(crate) fit_intercept: bool,
    pub(crate) solver: Solver,
    /// Overrides the solver's own iteration budget (epochs for SGD).
    pub(crate) max_iter: Option<usize>,
    /// Overrides the solver's own tolerance.
    pub(crate) tol: Option<f64>,
    pub(crate) class_weight: ClassWeight,
    pub(crate) seed: u64,
    /// How standard errors are computed (unpenalized fits).
    pub(crate) cov_type: CovType,
}

impl Default for LogisticRegressionParams {
    fn default() -> Self {
        LogisticRegressionParams {
            penalty: Penalty::L2 { c: 1.0 },
            fit_intercept: true,
            solver: Solver::Auto,
            max_iter: None,
            tol: None,
            class_weight: ClassWeight::None,
            seed: 0,
            cov_type: CovType::Nonrobust,
        }
    }
}

/// Checked logistic-regression settings: every value is in range, whether built with
/// [`LogisticRegressionParams::check`] or read from a file (reading checks too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "LogisticRegressionParams",
    into = "LogisticRegressionParams"
)]
// Transparent, so that checked settings can be lent out as a view of unchecked ones that passed
// the checks (linfa's `ParamGuard::check_ref`, in `linfa.rs`).
#[repr(transparent)]
pub struct ValidParams(pub(crate) LogisticRegressionParams);

impl TryFrom<LogisticRegressionParams> for ValidParams {
    type Error = ModelError;
    fn try_from(p: LogisticRegressionParams) -> Result<Self, ModelError> {
        p.check()
    }
}

impl From<ValidParams> for LogisticRegressionParams {
    fn from(v: ValidParams) -> Self {
        v.0
    }
}

impl LogisticRegressionParams {
    /// The penalty (default L2 with C = 1).
    pub fn penalty(mut self, penalty: Penalty) -> Self {
        self.penalty = penalty;
        self
    }

    /// Shorthand for `penalty(Penalty::L2 { c })`.
    pub fn c(self, c: f64) -> Self {
        self.penalty(Penalty::L2 { c })
    }

    /// Whether to fit an (unpenalized) intercept (default true).
    pub fn fit_intercept(mut self, yes: bool) -> Self {
        self.fit_intercept = yes;
        self
    }

    /// The solver and its settings (default [`Solver::Auto`]); a [`SolverKind`] means that
    /// solver with its default settings.
    pub fn solver(mut self, solver: impl Into<Solver>) -> Self {
        self.solver = solver.into();
        self
    }

    /// Iteration budget (epochs for SGD), overriding the solver's own (gd, sgd, lbfgs: 1000;
    /// newton: 100; newton-cg: 200).
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = Some(n);
        self
    }

    /// Convergence tolerance, overriding the solver's own: for gd, lbfgs, newton and newton-cg
    /// the gradient norm of the mean objective (defaults 1e-8, 1e-10, 1e-10, 1e-10); for sgd the
    /// least per-epoch improvement of the objective that counts as progress (default 1e-5).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = Some(tol);
        self
    }

    /// Class weighting (default none).
    pub fn class_weight(mut self, cw: ClassWeight) -> Self {
        self.class_weight = cw;
        self
    }

    /// Seed for everything random in a fit (SGD's shuffling); fits are reproducible.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How the standard errors of an unpenalized fit are computed (statsmodels' `cov_type`;
    /// default nonrobust). A robust type with a penalty is refused by [`check`](Self::check):
    /// penalized fits have no standard errors.
    pub fn cov_type(mut self, cov_type: CovType) -> Self {
        self.cov_type = cov_type;
        self
    }

    /// Validate every setting, naming the first one out of range.
    pub fn check(self) -> Result<ValidParams, ModelError> {
        let bad = |name: &'static str, value: String, expected: &'static str| {
            Err(ModelError::InvalidParam {
                name,
                value,
                expected,
            })
        };
        if let Penalty::L2 { c } = self.penalty {
            if !(c.is_finite() && c > 0.0) {
                return bad("c", c.to_string(), "a finite number > 0");
            }
        }
        if self.max_iter == Some(0) {
            return bad("max_iter", "0".into(), "at least 1");
        }
        if let Some(tol) = self.tol {
            if !(tol.is_finite() && tol >= 0.0) {
                return bad("tol", tol.to_string(), "a finite number >= 0");
            }
        }
        if self.cov_type != CovType::Nonrobust && self.penalty != Penalty::None {
            return bad(
                "cov_type",
                self.cov_type.name().into(),
                "nonrobust unless the penalty is none (penalized fits have no standard errors)",
            );
        }
        self.solver.validate()?;
        Ok(ValidParams(self))
    }
}

impl ValidParams {
    /// The settings these were checked from.
    pub fn params(&self) -> &LogisticRegressionParams {
        &self.0
    }

    /// The penalty.
    pub fn penalty(&self) -> Penalty {
        self.0.penalty
    }

    /// Whether an intercept is fitted.
    pub fn fit_intercept(&self) -> bool {
        self.0.fit_intercept
    }

    /// The solver as configured (possibly `Auto`), with the iteration budget, tolerance and seed
    /// overrides applied.
    pub fn solver(&self) -> Solver {
        self.0
            .solver
            .with_overrides(self.0.max_iter, self.0.tol, self.0.seed)
    }

    /// The class weighting.
    pub fn class_weight(&self) -> ClassWeight {
        self.0.class_weight
    }

    /// The seed of everything random in a fit.
    pub fn seed(&self) -> u64 {
        self.0.seed
    }

    /// The iteration budget override, if any.
    pub fn max_iter(&self) -> Option<usize> {
        self.0.max_iter
    }

    /// The tolerance override, if any.
    pub fn tol(&self) -> Option<f64> {
        self.0.tol
    }

    /// How standard errors are computed.
    pub fn cov_type(&self) -> CovType {
        self.0.cov_type
    }
}

/// The parameters as files store them: this version's shape, or the flat one files of format
/// version 1 wrote (`"solver": "gd"` with `learning_rate`, `batch_size` and
/// `loss_change_threshold` beside it), which is turned into the solver enum.
#[derive(Deserialize)]
struct ParamsFile {
    penalty: Penalty,
    fit_intercept: bool,
    solver: SolverFile,
    #[serde(default)]
    max_iter: Option<usize>,
    #[serde(default)]
    tol: Option<f64>,
    #[serde(default)]
    learning_rate: Option<f64>,
    #[serde(default)]
    loss_change_threshold: Option<f64>,
    #[serde(default)]
    batch_size: Option<usize>,
    class_weight: ClassWeight,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    cov_type: CovType,
}

/// The solver as a file gives it: a configuration (this version) or a bare name (version 1).
enum SolverFile {
    Config(Solver),
    Name(SolverKind),
}

impl<'de> Deserialize<'de> for SolverFile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = SolverFile;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a solver name or a solver configuration")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SolverFile, E> {
                SolverKind::from_name(v)
                    .or_else(|| SolverKind::from_name(&v.replace('_', "-")))
                    .map(SolverFile::Name)
                    .ok_or_else(|| {
                        E::unknown_variant(
                            v,
                            &["auto", "gd", "sgd", "lbfgs", "newton", "newton-cg"],
                        )
                    })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<SolverFile, A::Error> {
                Solver::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(SolverFile::Config)
            }
        }
        d.deserialize_any(Visit)
    }
}

impl<'de> Deserialize<'de> for LogisticRegressionParams {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = ParamsFile::deserialize(d)?;
        let solver = match f.solver {
            SolverFile::Config(s) => s,
            SolverFile::Name(kind) => {
                let mut s = Solver::default_for(kind);
                match &mut s {
                    Solver::Gd(gd) => {
                        *gd = gd
                            .learning_rate(f.learning_rate.unwrap_or(0.1))
                            .threshold(f.loss_change_threshold.unwrap_or(0.0));
                    }
                    Solver::Sgd(sgd) => {
                        if let Some(eta0) = f.learning_rate {
                            *sgd = sgd.learning_rate(LearningRate::Adaptive { eta0 });
                        }
                        if let Some(n) = f.batch_size {
                            *sgd = sgd.batch_size(n);
                        }
                    }
                    _ => {}
                }
                s
            }
        };
        Ok(LogisticRegressionParams {
            penalty: f.penalty,
            fit_intercept: f.fit_intercept,
            solver,
            max_iter: f.max_iter,
            tol: f.tol,
            class_weight: f.class_weight,
            seed: f.seed,
            cov_type: f.cov_type,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(e: ModelError) -> &'static str {
        match e {
            ModelError::InvalidParam { name, .. } => name,
            other => panic!("expected InvalidParam, got {other}"),
        }
    }

    #[test]
    fn invalid_values_are_named() {
        let p = LogisticRegressionParams::default;
        assert_eq!(name_of(p().c(0.0).check().unwrap_err()), "c");
        assert_eq!(name_of(p().c(-1.0).check().unwrap_err()), "c");
        assert_eq!(name_of(p().c(f64::NAN).check().unwrap_err()), "c");
        assert_eq!(name_of(p().max_iter(0).check().unwrap_err()), "max_iter");
        assert_eq!(name_of(p().tol(-1e-3).check().unwrap_err()), "tol");
        assert_eq!(
            name_of(p().cov_type(CovType::Hc1).check().unwrap_err()),
            "cov_type"
        );
        assert!(p()
            .penalty(Penalty::None)
            .cov_type(CovType::Hc1)
            .check()
            .is_ok());
        assert_eq!(
            name_of(p().solver(Solver::gd(0.0)).check().unwrap_err()),
            "learning_rate"
        );
        assert_eq!(
            name_of(p().solver(Solver::gd(-0.1)).check().unwrap_err()),
            "learning_rate"
        );
        assert_eq!(
            name_of(
                p().solver(Solver::Sgd(Sgd::default().batch_size(0)))
                    .check()
                    .unwrap_err()
            ),
            "batch_size"
        );
        assert_eq!(
            name_of(
                p().solver(Solver::Gd(GradientDescent::new(0.1).threshold(f64::NAN)))
                    .check()
                    .unwrap_err()
            ),
            "threshold"
        );
        let msg = p().c(0.0).check().unwrap_err().to_string();
        assert!(msg.contains("`c`") && msg.contains("> 0"), "{msg}");
    }

    #[test]
    fn defaults_mirror_scikit_learn() {
        let v = LogisticRegressionParams::default().check().unwrap();
        assert_eq!(v.penalty(), Penalty::L2 { c: 1.0 });
        assert!(v.fit_intercept());
        assert_eq!(v.solver(), Solver::Auto);
        for s in SolverKind::ALL {
            assert_eq!(SolverKind::from_name(s.name()), Some(s));
        }
        assert_eq!(SolverKind::from_name("adam"), None);
    }

    #[test]
    fn overrides_reach_the_solver() {
        let v = LogisticRegressionParams::default()
            .solver(Solver::sgd())
            .max_iter(7)
            .tol(1e-3)
            .seed(9)
            .check()
            .unwrap();
        assert_eq!(
            v.solver(),
            Solver::Sgd(Sgd::default().max_epochs(7).tol(1e-3).seed(9))
        );
    }

    #[test]
    fn reading_checks_and_old_files_still_load() {
        let v = LogisticRegressionParams::default()
            .solver(Solver::Gd(GradientDescent::new(0.5).threshold(1e-4)))
            .check()
            .unwrap();
        let json = serde_json::to_string(&v).unwrap();
        let back: ValidParams = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
        // An edited file with a learning rate of zero is refused by name.
        let bad = json.replace("\"learning_rate\":0.5", "\"learning_rate\":0.0");
        let e = serde_json::from_str::<ValidParams>(&bad).unwrap_err();
        assert!(e.to_string().contains("learning_rate"), "{e}");
        // Format version 1's flat parameters.
        let old = r#"{"penalty":{"kind":"l2","c":1.0},"fit_intercept":true,"solver":"gd",
            "max_iter":50,"tol":null,"learning_rate":0.25,"loss_change_threshold":0.001,
            "batch_size":null,"class_weight":"none","seed":0}"#;
        let v: ValidParams = serde_json::from_str(old).unwrap();
        assert_eq!(
            v.solver(),
            Solver::Gd(GradientDescent::new(0.25).threshold(0.001).max_iter(50))
        );
        let old_sgd = old
            .replace("\"gd\"", "\"sgd\"")
            .replace("null,\"class", "8,\"class");
        let v: ValidParams = serde_json::from_str(&old_sgd).unwrap();
        assert_eq!(
            v.solver(),
            Solver::Sgd(
                Sgd::default()
                    .learning_rate(LearningRate::Adaptive { eta0: 0.25 })
                    .batch_size(8)
                    .max_epochs(50)
            )
        );
    }
}
