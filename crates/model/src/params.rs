//! Configuration: an unchecked builder whose `check()` returns validated parameters.

use crate::ModelError;
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

/// Which solver fits the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolverKind {
    /// Newton for at most 64 parameters and at least as many samples, else L-BFGS (see
    /// [`resolve`](SolverKind::resolve) for why).
    Auto,
    /// Batch gradient descent with a fixed learning rate, as the tutorials run it.
    Gd,
    /// Mini-batch stochastic gradient descent.
    Sgd,
    /// Limited-memory BFGS with a strong-Wolfe line search.
    Lbfgs,
    /// Newton's method with a Cholesky solve (scikit-learn's newton-cholesky).
    Newton,
}

impl SolverKind {
    /// The name used in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SolverKind::Auto => "auto",
            SolverKind::Gd => "gd",
            SolverKind::Sgd => "sgd",
            SolverKind::Lbfgs => "lbfgs",
            SolverKind::Newton => "newton",
        }
    }

    /// Parse a name as printed by [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Auto, Self::Gd, Self::Sgd, Self::Lbfgs, Self::Newton]
            .into_iter()
            .find(|s| s.name() == name)
    }

    /// The concrete solver `Auto` means for `n` samples and `p` parameters: Newton when
    /// `p <= 64 && n >= p`, else L-BFGS.
    ///
    /// Both reach the optimum to the same tolerance; what differs is the cost. Newton takes 6–8
    /// iterations whatever the data, each a Hessian (n·p²/2 multiply-adds) plus a gradient pass;
    /// L-BFGS takes one gradient pass per iteration, but its iteration count depends on the
    /// conditioning: 11 on the isotropic `make_logistic` sets, 20 on banknote, 60 on bank, more
    /// on unscaled data. Measured on 2 cores, a Newton fit costs as much as an L-BFGS fit of about
    /// 20 + 0.4·p iterations (p = 50: 28, p = 100: 42, p = 200: 97). Up to 64 parameters Newton is
    /// therefore at most about 2× slower than L-BFGS on the easiest data (1.75× at 100 000 × 50)
    /// and faster on bank (15 ms against 22 ms at 11 162 × 46); above, a Newton iteration costs
    /// ten or more gradient passes and L-BFGS wins unless the data are badly conditioned.
    pub fn resolve(self, n: usize, p: usize) -> SolverKind {
        match self {
            SolverKind::Auto if p <= 64 && n >= p => SolverKind::Newton,
            SolverKind::Auto => SolverKind::Lbfgs,
            other => other,
        }
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
/// that the exact solvers are run to a much tighter tolerance; settings left unset take the
/// chosen solver's own default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegressionParams {
    pub(crate) penalty: Penalty,
    pub(crate) fit_intercept: bool,
    pub(crate) solver: SolverKind,
    pub(crate) max_iter: Option<usize>,
    pub(crate) tol: Option<f64>,
    pub(crate) learning_rate: Option<f64>,
    pub(crate) loss_change_threshold: f64,
    pub(crate) batch_size: Option<usize>,
    pub(crate) class_weight: ClassWeight,
    pub(crate) seed: u64,
}

impl Default for LogisticRegressionParams {
    fn default() -> Self {
        LogisticRegressionParams {
            penalty: Penalty::L2 { c: 1.0 },
            fit_intercept: true,
            solver: SolverKind::Auto,
            max_iter: None,
            tol: None,
            learning_rate: None,
            loss_change_threshold: 0.0,
            batch_size: None,
            class_weight: ClassWeight::None,
            seed: 0,
        }
    }
}

/// Checked logistic-regression settings: every value is in range. Made by
/// [`LogisticRegressionParams::check`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ValidParams(pub(crate) LogisticRegressionParams);

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

    /// The solver (default [`SolverKind::Auto`]).
    pub fn solver(mut self, solver: SolverKind) -> Self {
        self.solver = solver;
        self
    }

    /// Iteration budget (epochs for SGD). Default: 1000 for gd, sgd and lbfgs, 100 for newton.
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = Some(n);
        self
    }

    /// Convergence tolerance: for gd, lbfgs and newton the gradient norm of the mean objective
    /// (defaults 1e-8, 1e-10, 1e-10); for sgd the least per-epoch improvement of the objective
    /// that counts as progress (default 1e-5). Unset, each solver uses its own default.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = Some(tol);
        self
    }

    /// Learning rate of gd (default 0.1, the tutorials' value) and sgd's initial rate (default: the
    /// SGD solver's own).
    pub fn learning_rate(mut self, rate: f64) -> Self {
        self.learning_rate = Some(rate);
        self
    }

    /// gd only: stop when the objective changes by less than this in one iteration (default 0 = off).
    pub fn loss_change_threshold(mut self, threshold: f64) -> Self {
        self.loss_change_threshold = threshold;
        self
    }

    /// sgd only: samples per mini-batch (default: the SGD solver's, 16; 1 is classic SGD).
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = Some(n);
        self
    }

    /// Class weighting (default none).
    pub fn class_weight(mut self, cw: ClassWeight) -> Self {
        self.class_weight = cw;
        self
    }

    /// Seed for everything random in a fit (SGD shuffling); fits are reproducible.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
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
        if let Some(rate) = self.learning_rate {
            if !(rate.is_finite() && rate > 0.0) {
                return bad("learning_rate", rate.to_string(), "a finite number > 0");
            }
        }
        if !(self.loss_change_threshold.is_finite() && self.loss_change_threshold >= 0.0) {
            return bad(
                "loss_change_threshold",
                self.loss_change_threshold.to_string(),
                "a finite number >= 0",
            );
        }
        if self.batch_size == Some(0) {
            return bad("batch_size", "0".into(), "at least 1");
        }
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

    /// The solver as configured (possibly `Auto`).
    pub fn solver(&self) -> SolverKind {
        self.0.solver
    }

    /// The iteration budget for a concrete solver.
    pub fn max_iter_for(&self, solver: SolverKind) -> usize {
        self.0.max_iter.unwrap_or(match solver {
            SolverKind::Newton => 100,
            _ => 1000,
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
            name_of(p().learning_rate(0.0).check().unwrap_err()),
            "learning_rate"
        );
        assert_eq!(
            name_of(p().learning_rate(-0.1).check().unwrap_err()),
            "learning_rate"
        );
        assert_eq!(
            name_of(p().batch_size(0).check().unwrap_err()),
            "batch_size"
        );
        assert_eq!(
            name_of(p().loss_change_threshold(f64::NAN).check().unwrap_err()),
            "loss_change_threshold"
        );
        let msg = p().c(0.0).check().unwrap_err().to_string();
        assert!(msg.contains("`c`") && msg.contains("> 0"), "{msg}");
    }

    #[test]
    fn defaults_mirror_scikit_learn() {
        let v = LogisticRegressionParams::default().check().unwrap();
        assert_eq!(v.penalty(), Penalty::L2 { c: 1.0 });
        assert!(v.fit_intercept());
        assert_eq!(v.max_iter_for(SolverKind::Newton), 100);
        assert_eq!(v.max_iter_for(SolverKind::Gd), 1000);
    }

    #[test]
    fn auto_picks_newton_for_tall_data_and_lbfgs_for_wide() {
        assert_eq!(SolverKind::Auto.resolve(1372, 5), SolverKind::Newton);
        assert_eq!(SolverKind::Auto.resolve(11_162, 46), SolverKind::Newton);
        assert_eq!(SolverKind::Auto.resolve(1_000_000, 64), SolverKind::Newton);
        assert_eq!(SolverKind::Auto.resolve(1_000_000, 65), SolverKind::Lbfgs);
        assert_eq!(SolverKind::Auto.resolve(10_000, 1001), SolverKind::Lbfgs);
        assert_eq!(SolverKind::Auto.resolve(10, 50), SolverKind::Lbfgs);
        assert_eq!(SolverKind::Gd.resolve(10, 50), SolverKind::Gd);
        for s in ["auto", "gd", "sgd", "lbfgs", "newton"] {
            assert_eq!(SolverKind::from_name(s).unwrap().name(), s);
        }
        assert_eq!(SolverKind::from_name("adam"), None);
    }
}
