//! The fitted multinomial model's methods and its summary ([`MultinomialSummary`]).

use super::{argmax_rows, check_offset_len, FittedMultinomial};
use crate::binary::FitReport;
use crate::inference::Summary;
use crate::labels::Label;
use crate::params::ValidParams;
use crate::statistics::{CovType, ModelStatistics};
use crate::ModelError;
use logreg_linalg_core::{Design, IntoDesign};
use nalgebra::{DMatrix, DVector};

impl<L: Label> FittedMultinomial<L> {
    /// The classes, in increasing order; column k of the outputs belongs to class k.
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// K × d coefficients, one row per class.
    pub fn coefficients(&self) -> &DMatrix<f64> {
        &self.coefficients
    }

    /// One intercept per class.
    pub fn intercepts(&self) -> &DVector<f64> {
        &self.intercepts
    }

    /// How the fit went.
    pub fn report(&self) -> &FitReport {
        &self.report
    }

    /// The settings the model was fitted with.
    pub fn params(&self) -> &ValidParams {
        &self.params
    }

    /// Names of the features, when given at fit time.
    pub fn feature_names(&self) -> Option<&[String]> {
        self.feature_names.as_deref()
    }

    /// n × K logits.
    pub fn decision_function<'x>(
        &self,
        x: impl IntoDesign<'x>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let x = x.into_design()?;
        self.decision_function_on(&x, None)
    }

    /// rows × K logits of the rows `rows` of X (every row when `None`).
    pub fn decision_function_on(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
    ) -> Result<DMatrix<f64>, ModelError> {
        self.decision_function_with(x, rows, None)
    }

    /// rows × K logits of the rows `rows` of X (every row when `None`), plus offsets given K per
    /// row of X (row-major, as [`MultiFitOptions::offset`](super::MultiFitOptions::offset)).
    pub fn decision_function_with(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
        offset: Option<&[f64]>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let (k, d) = self.coefficients.shape();
        if x.n_cols() != d {
            return Err(ModelError::Shape {
                what: "columns of X (features the model was fitted on)",
                expected: d,
                found: x.n_cols(),
            });
        }
        let sel = x.rows(rows)?;
        // Class after class, as the kernels take them.
        let w: Vec<f64> = self.coefficients.transpose().as_slice().to_vec();
        let mut z = vec![0.0; sel.len() * k];
        x.multi_logits(sel, &w, self.intercepts.as_slice(), &mut z)?;
        if let Some(o) = offset {
            check_offset_len(o, x.n_rows(), k)?;
            for (pos, row) in z.chunks_exact_mut(k).enumerate() {
                let i = sel.row_at(pos);
                for (zc, oc) in row.iter_mut().zip(&o[i * k..(i + 1) * k]) {
                    *zc += oc;
                }
            }
        }
        match z.iter().position(|v| !v.is_finite()) {
            Some(idx) => Err(ModelError::NonFiniteLogit {
                row: sel.row_at(idx / k.max(1)),
            }),
            None => Ok(DMatrix::from_row_slice(sel.len(), k, &z)),
        }
    }

    /// n × K class probabilities (softmax of the logits, computed with the maximum subtracted).
    pub fn predict_proba<'x>(&self, x: impl IntoDesign<'x>) -> Result<DMatrix<f64>, ModelError> {
        let mut z = self.decision_function(x)?;
        for mut row in z.row_iter_mut() {
            let m = row.max();
            row.apply(|v| *v = (*v - m).exp());
            let s = row.sum();
            row /= s;
        }
        Ok(z)
    }

    /// The most probable class of each row.
    pub fn predict<'x>(&self, x: impl IntoDesign<'x>) -> Result<Vec<L>, ModelError> {
        Ok(argmax_rows(&self.decision_function(x)?, &self.classes))
    }

    /// Check the invariants a loaded model must satisfy (shapes agree, numbers finite, classes
    /// distinct).
    pub fn validate(&self) -> Result<(), ModelError> {
        let corrupt = |reason: String| Err(ModelError::CorruptModel { reason });
        let (k, d) = self.coefficients.shape();
        if k < 2 || k != self.classes.len() {
            return corrupt(format!(
                "{k} coefficient rows for {} classes",
                self.classes.len()
            ));
        }
        if d == 0 {
            return corrupt("the model has no coefficients".into());
        }
        if self.intercepts.len() != k {
            return corrupt(format!(
                "{} intercepts for {k} classes",
                self.intercepts.len()
            ));
        }
        if let Some(names) = &self.feature_names {
            if names.len() != d {
                return corrupt(format!(
                    "{d} coefficients but {} feature names",
                    names.len()
                ));
            }
        }
        if self
            .coefficients
            .iter()
            .chain(self.intercepts.iter())
            .any(|v| !v.is_finite())
        {
            return corrupt("a coefficient or intercept is not finite".into());
        }
        for (i, c) in self.classes.iter().enumerate() {
            if self.classes[..i].contains(c) {
                return corrupt(format!("class {c:?} appears twice"));
            }
        }
        Ok(())
    }

    /// Log-likelihood, LR test, AIC, BIC, pseudo-R² and deviance of an unpenalized fit, as
    /// statsmodels' `MNLogit` reports them; `None` for penalized or separated fits.
    pub fn statistics(&self) -> Option<&ModelStatistics> {
        self.statistics.as_ref()
    }

    /// Why there are no standard errors (or statistics), when there are none.
    pub fn inference_note(&self) -> Option<&str> {
        self.inference_note.as_deref()
    }

    /// One coefficient table per class after the first, each against the first (the reference
    /// class), with standard errors, z, p-values and 95% intervals: statsmodels' `MNLogit`
    /// summary. An error for penalized or separated fits.
    pub fn summary(&self) -> Result<MultinomialSummary<L>, ModelError> {
        let se = self
            .std_errors
            .as_ref()
            .ok_or_else(|| ModelError::InferenceUnavailable {
                reason: self
                    .inference_note
                    .clone()
                    .unwrap_or_else(|| "no standard errors were computed".into()),
            })?;
        let d = self.coefficients.ncols();
        let mut names: Vec<String> = match &self.feature_names {
            Some(n) => n.clone(),
            None => (1..=d).map(|j| format!("x{j}")).collect(),
        };
        if self.params.fit_intercept() {
            names.push("intercept".into());
        }
        let tables = (1..self.classes.len())
            .map(|c| {
                let mut coef: Vec<f64> = (0..d)
                    .map(|j| self.coefficients[(c, j)] - self.coefficients[(0, j)])
                    .collect();
                if self.params.fit_intercept() {
                    coef.push(self.intercepts[c] - self.intercepts[0]);
                }
                let table =
                    Summary::new(names.clone(), coef, se.row(c - 1).iter().copied().collect())
                        .with_statistics(self.params.cov_type(), None);
                (self.classes[c].clone(), table)
            })
            .collect();
        Ok(MultinomialSummary {
            reference_class: self.classes[0].clone(),
            tables,
            cov_type: self.params.cov_type(),
            statistics: self.statistics.clone(),
        })
    }
}

/// The coefficient tables of a multinomial fit, as statsmodels' `MNLogit` prints them: one per
/// class after the first, the log-odds of that class against the reference class.
#[derive(Debug, Clone, PartialEq)]
pub struct MultinomialSummary<L> {
    /// The class every table is measured against (the first in sorted order).
    pub reference_class: L,
    /// (class, its table against the reference class), in class order.
    pub tables: Vec<(L, Summary)>,
    /// How the standard errors were computed.
    pub cov_type: CovType,
    /// The model's statistics.
    pub statistics: Option<ModelStatistics>,
}

impl<L: std::fmt::Debug> std::fmt::Display for MultinomialSummary<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(stats) = &self.statistics {
            write!(f, "{stats}")?;
        }
        for (class, table) in &self.tables {
            writeln!(f, "\nclass {class:?} against {:?}", self.reference_class)?;
            write!(f, "{table}")?;
        }
        Ok(())
    }
}
