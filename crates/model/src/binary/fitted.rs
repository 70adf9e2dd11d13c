//! The fitted binary model's methods: predict, explain, summarize, check, relabel.

use super::{check_name_count, ConvergenceWarning, FitReport, FittedLogisticRegression};
use crate::inference::Summary;
use crate::labels::Label;
use crate::params::ValidParams;
use crate::statistics::ModelStatistics;
use crate::ModelError;
use logreg_linalg_core::{sigmoid, Design, IntoDesign};
use nalgebra::DVector;

impl<L: Label> FittedLogisticRegression<L> {
    /// The same model with its classes named `classes` ([negative, positive]): for a model
    /// fitted on compact codes (0 and 1, e.g. labels read in passes) that stand for labels.
    pub fn with_classes<M: Label>(self, classes: [M; 2]) -> FittedLogisticRegression<M> {
        FittedLogisticRegression {
            params: self.params,
            classes,
            feature_names: self.feature_names,
            coefficients: self.coefficients,
            intercept: self.intercept,
            std_errors: self.std_errors,
            inference_note: self.inference_note,
            report: self.report,
            statistics: self.statistics,
        }
    }

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

    pub(super) fn warm_start_point(
        &self,
        d: usize,
        intercept: bool,
    ) -> Result<DVector<f64>, ModelError> {
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
