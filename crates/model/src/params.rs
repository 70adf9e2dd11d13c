//! Configuration: an unchecked builder whose `check()` returns validated parameters. The solver is
//! an enum that carries its own settings, so a setting that means nothing for the chosen solver
//! (a batch size with Newton) cannot be expressed, and a deserialized configuration is checked
//! exactly like a built one.

pub(crate) use crate::solver::{Solver, SolverKind};
use crate::statistics::CovType;
use crate::ModelError;
use logreg_optim::LearningRate;
use serde::{Deserialize, Serialize};

/// The penalty on the coefficients (never on the intercept), in scikit-learn's scale: the
/// objective is `C·Σ sᵢℓᵢ + (1 − ρ)/2·‖w‖² + ρ·‖w‖₁` with ρ = 0 for L2, 1 for L1 and `l1_ratio`
/// for the elastic net (for a multinomial model ‖W‖² and ‖W‖₁ are elementwise over every class's
/// coefficients). Smaller `c` = stronger regularization.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Penalty {
    /// No penalty: maximum likelihood (needed for standard errors and p-values).
    None,
    /// `½‖w‖²` added to `C·Σ sᵢℓᵢ`.
    L2 {
        /// Inverse regularization strength, > 0.
        c: f64,
    },
    /// `‖w‖₁` added to `C·Σ sᵢℓᵢ` (the lasso: many coefficients exactly 0).
    L1 {
        /// Inverse regularization strength, > 0.
        c: f64,
    },
    /// `(1 − ρ)/2·‖w‖² + ρ·‖w‖₁` added to `C·Σ sᵢℓᵢ`, ρ = `l1_ratio` ∈ [0, 1].
    #[serde(rename = "elasticnet", alias = "elastic_net")]
    ElasticNet {
        /// Inverse regularization strength, > 0.
        c: f64,
        /// ρ: 0 is L2, 1 is L1.
        l1_ratio: f64,
    },
}

impl Penalty {
    /// The name used in reports and on the command line: `none`, `l2`, `l1`, `elasticnet`.
    pub fn name(&self) -> &'static str {
        match self {
            Penalty::None => "none",
            Penalty::L2 { .. } => "l2",
            Penalty::L1 { .. } => "l1",
            Penalty::ElasticNet { .. } => "elasticnet",
        }
    }

    /// scikit-learn's C, or `None` without a penalty.
    pub fn c(&self) -> Option<f64> {
        match *self {
            Penalty::None => None,
            Penalty::L2 { c } | Penalty::L1 { c } | Penalty::ElasticNet { c, .. } => Some(c),
        }
    }

    /// ρ, the L1 share: 0 for L2 (and none), 1 for L1.
    pub fn l1_ratio(&self) -> f64 {
        match *self {
            Penalty::None | Penalty::L2 { .. } => 0.0,
            Penalty::L1 { .. } => 1.0,
            Penalty::ElasticNet { l1_ratio, .. } => l1_ratio,
        }
    }

    /// The same kind of penalty at another C (`None` stays `None`).
    pub fn with_c(&self, c: f64) -> Penalty {
        match *self {
            Penalty::None => Penalty::None,
            Penalty::L2 { .. } => Penalty::L2 { c },
            Penalty::L1 { .. } => Penalty::L1 { c },
            Penalty::ElasticNet { l1_ratio, .. } => Penalty::ElasticNet { c, l1_ratio },
        }
    }

    /// Whether the penalty has an L1 part (ρ > 0), which makes the objective non-smooth and
    /// needs a solver that handles it (coordinate descent or OWL-QN).
    pub fn has_l1(&self) -> bool {
        self.l1_ratio() > 0.0 && self.c().is_some()
    }

    /// The strengths in the mean objective `(1/S)Σ sᵢℓᵢ + λ₂/2‖w‖² + λ₁‖w‖₁` for a total sample
    /// weight S: `λ = 1/(C·S)`, `λ₂ = (1 − ρ)λ`, `λ₁ = ρλ`; and the factor `C·S` (S without a
    /// penalty) that turns the mean objective into scikit-learn's.
    pub fn strengths(&self, weight_sum: f64) -> (f64, f64, f64) {
        match self.c() {
            None => (0.0, 0.0, weight_sum),
            Some(c) => {
                let lambda = 1.0 / (c * weight_sum);
                let rho = self.l1_ratio();
                ((1.0 - rho) * lambda, rho * lambda, c * weight_sum)
            }
        }
    }

    /// The penalty's name with its settings, as reports print it (`L1, C = 0.1`).
    pub fn describe(&self) -> String {
        match *self {
            Penalty::None => "none".into(),
            Penalty::L2 { c } => format!("L2, C = {c}"),
            Penalty::L1 { c } => format!("L1, C = {c}"),
            Penalty::ElasticNet { c, l1_ratio } => {
                format!("elastic net, C = {c}, l1_ratio = {l1_ratio}")
            }
        }
    }
}

/// How labels with more than two classes are modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MultiClass {
    /// One softmax model over all classes (scikit-learn's default).
    #[default]
    Multinomial,
    /// One binary model per class against the rest.
    #[serde(rename = "ovr", alias = "one_vs_rest")]
    OneVsRest,
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
    /// How more than two classes are modelled where the caller does not say (the command line,
    /// `Classifier`, cross-validation).
    pub(crate) multi_class: MultiClass,
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
            multi_class: MultiClass::Multinomial,
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

    /// Set C, keeping the kind of penalty (L2 when there is none).
    pub fn c(self, c: f64) -> Self {
        let p = match self.penalty {
            Penalty::None => Penalty::L2 { c },
            other => other.with_c(c),
        };
        self.penalty(p)
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
    /// the gradient norm of the mean objective (defaults 1e-8, 1e-10, 1e-10, 1e-10); for
    /// coordinate-descent and owl-qn the norm of its minimum-norm subgradient (default 1e-10);
    /// for sgd the least per-epoch improvement of the objective that counts as progress (default
    /// 1e-5).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = Some(tol);
        self
    }

    /// Class weighting (default none).
    pub fn class_weight(mut self, cw: ClassWeight) -> Self {
        self.class_weight = cw;
        self
    }

    /// How labels with more than two classes are modelled by callers that pick the model from
    /// the labels (`Classifier`, the command line): multinomial (default) or one-vs-rest.
    pub fn multi_class(mut self, multi_class: MultiClass) -> Self {
        self.multi_class = multi_class;
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
        if let Some(c) = self.penalty.c() {
            if !(c.is_finite() && c > 0.0) {
                return bad("c", c.to_string(), "a finite number > 0");
            }
        }
        if let Penalty::ElasticNet { l1_ratio, .. } = self.penalty {
            if !(0.0..=1.0).contains(&l1_ratio) {
                return bad("l1_ratio", l1_ratio.to_string(), "a number in [0, 1]");
            }
        }
        let kind = self.solver.kind();
        if self.penalty.has_l1() && !kind.handles_l1() {
            return bad(
                "solver",
                kind.name().to_string(),
                "auto, coordinate-descent or owl-qn with an L1 or elastic-net penalty (the others need a smooth objective)",
            );
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
    /// Whether the fit goes to an L1-capable solver: the penalty has an L1 part, or coordinate
    /// descent or OWL-QN was asked for.
    pub(crate) fn uses_l1_solver(&self) -> bool {
        self.penalty().has_l1()
            || matches!(
                self.0.solver.kind(),
                SolverKind::CoordinateDescent | SolverKind::OwlQn
            )
    }

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

    /// How more than two classes are modelled (multinomial or one-vs-rest).
    pub fn multi_class(&self) -> MultiClass {
        self.0.multi_class
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
    multi_class: MultiClass,
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
                            &[
                                "auto",
                                "gd",
                                "sgd",
                                "lbfgs",
                                "newton",
                                "newton-cg",
                                "coordinate-descent",
                                "owl-qn",
                            ],
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
            multi_class: f.multi_class,
            cov_type: f.cov_type,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logreg_optim::{GradientDescent, Sgd};

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
