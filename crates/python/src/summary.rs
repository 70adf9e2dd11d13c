//! statsmodels-style summaries of unpenalized fits (`Logit` and `MNLogit` results) as Python
//! objects.

use logreg_model::MultinomialSummary as ModelMultinomialSummary;
use logreg_model::Summary as ModelSummary;
use pyo3::prelude::*;

/// A class label as the summary prints it: Python's `str()` of the label, unquoted.
#[derive(Clone, PartialEq)]
pub(crate) struct ClassName(pub(crate) String);

impl std::fmt::Debug for ClassName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The statsmodels-style summary of an unpenalized binary fit (statsmodels' `Logit` results):
/// model statistics and the coefficient table; `str()` prints it.
#[pyclass(frozen, module = "logreg._logreg")]
pub(crate) struct Summary {
    pub(crate) inner: ModelSummary,
}

/// The model statistics as statsmodels names them (`llf`, `llnull`, `llr`, `llr_pvalue`,
/// `aic`, `bic`, `prsquared`, `deviance`, `null_deviance`, `nobs`, `df_model`), shared by
/// [`Summary`] and [`MultinomialSummary`]; each is `None` when the fit has no statistics. PyO3
/// (without `multiple-pymethods`) takes one `#[pymethods]` block per class, so the class's own
/// methods are passed in.
macro_rules! statistics_getters {
    ($ty:ty { $($own:tt)* }) => {
        #[pymethods]
        impl $ty {
            $($own)*
            /// How the standard errors were computed: "nonrobust", "hc0" or "hc1".
            #[getter]
            fn cov_type(&self) -> &'static str {
                self.inner.cov_type.name()
            }
            /// The maximized log-likelihood (statsmodels' `llf`).
            #[getter]
            fn llf(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.log_likelihood)
            }
            /// The intercept-only model's log-likelihood (statsmodels' `llnull`).
            #[getter]
            fn llnull(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.null_log_likelihood)
            }
            /// The likelihood-ratio statistic 2 (llf − llnull).
            #[getter]
            fn llr(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.llr)
            }
            /// The likelihood-ratio test's p-value, P(χ²(df_model) ≥ llr).
            #[getter]
            fn llr_pvalue(&self) -> Option<f64> {
                self.inner.statistics.as_ref().and_then(|s| s.llr_p_value)
            }
            /// Akaike's information criterion.
            #[getter]
            fn aic(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.aic)
            }
            /// Schwarz's Bayesian information criterion.
            #[getter]
            fn bic(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.bic)
            }
            /// McFadden's pseudo-R² (statsmodels' `prsquared`).
            #[getter]
            fn prsquared(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.pseudo_r2)
            }
            /// The deviance −2 llf.
            #[getter]
            fn deviance(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.deviance)
            }
            /// The null model's deviance −2 llnull.
            #[getter]
            fn null_deviance(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.null_deviance)
            }
            /// Observations: rows, or the sum of their sample weights (frequency weights).
            #[getter]
            fn nobs(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.nobs)
            }
            /// Degrees of freedom of the likelihood-ratio test.
            #[getter]
            fn df_model(&self) -> Option<usize> {
                self.inner.statistics.as_ref().map(|s| s.df_model)
            }
            fn __str__(&self) -> String {
                self.inner.to_string()
            }
            fn __repr__(&self) -> String {
                self.inner.to_string()
            }
        }
    };
}

statistics_getters!(Summary {
    /// Parameter names: the features, then `intercept` when one was fitted.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.inner.names.clone()
    }
    /// Estimates.
    #[getter]
    fn coef(&self) -> Vec<f64> {
        self.inner.coef.clone()
    }
    /// Standard errors.
    #[getter]
    fn std_err(&self) -> Vec<f64> {
        self.inner.std_errors.clone()
    }
    /// z statistics.
    #[getter]
    fn z(&self) -> Vec<f64> {
        self.inner.z.clone()
    }
    /// Two-sided p-values.
    #[getter]
    fn p_values(&self) -> Vec<f64> {
        self.inner.p_values.clone()
    }
    /// Lower ends of the 95% Wald intervals.
    #[getter]
    fn ci_low(&self) -> Vec<f64> {
        self.inner.ci_low.clone()
    }
    /// Upper ends of the 95% Wald intervals.
    #[getter]
    fn ci_high(&self) -> Vec<f64> {
        self.inner.ci_high.clone()
    }
});

/// The statsmodels-style summary of an unpenalized multinomial fit (statsmodels' `MNLogit`
/// results): model statistics and one coefficient table per class after the first, the
/// log-odds of that class against the first (the reference class); `str()` prints it.
#[pyclass(frozen, module = "logreg._logreg")]
pub(crate) struct MultinomialSummary {
    pub(crate) inner: ModelMultinomialSummary<ClassName>,
    pub(crate) reference_class: Py<PyAny>,
    pub(crate) tables: Vec<(Py<PyAny>, Py<Summary>)>,
}

statistics_getters!(MultinomialSummary {
    /// The class every table is measured against (``classes_[0]``).
    #[getter]
    fn reference_class(&self, py: Python<'_>) -> Py<PyAny> {
        self.reference_class.clone_ref(py)
    }
    /// (class, its [`Summary`] against the reference class), for ``classes_[1:]``.
    #[getter]
    fn tables(&self, py: Python<'_>) -> Vec<(Py<PyAny>, Py<Summary>)> {
        self.tables
            .iter()
            .map(|(c, t)| (c.clone_ref(py), t.clone_ref(py)))
            .collect()
    }
});
