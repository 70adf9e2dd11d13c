//! The fitted one-vs-rest model's methods.

use super::{argmax_rows, check_offset_len, FittedOneVsRest};
use crate::binary::FittedLogisticRegression;
use crate::labels::Label;
use crate::params::ValidParams;
use crate::ModelError;
use logreg_linalg_core::{sigmoid, Design, IntoDesign};
use nalgebra::DMatrix;

impl<L: Label> FittedOneVsRest<L> {
    /// The classes, in increasing order.
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// The binary model of each class against the rest.
    pub fn models(&self) -> &[FittedLogisticRegression<bool>] {
        &self.models
    }

    /// The settings the models were fitted with.
    pub fn params(&self) -> &ValidParams {
        self.models[0].params()
    }

    /// rows × K logits of the rows `rows` of X (every row when `None`), one column per class.
    pub fn decision_function_on(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let cols = self
            .models
            .iter()
            .map(|m| m.decision_function_on(x, rows, None))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DMatrix::from_columns(&cols))
    }

    /// Check the invariants a loaded model must satisfy.
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.models.len() < 2 || self.models.len() != self.classes.len() {
            return Err(ModelError::CorruptModel {
                reason: format!(
                    "{} binary models for {} classes",
                    self.models.len(),
                    self.classes.len()
                ),
            });
        }
        let d = self.models[0].n_features();
        for m in &self.models {
            m.validate()?;
            if m.n_features() != d {
                return Err(ModelError::CorruptModel {
                    reason: "the binary models have different numbers of coefficients".into(),
                });
            }
        }
        Ok(())
    }

    /// n × K logits, one column per class's binary model.
    pub fn decision_function<'x>(
        &self,
        x: impl IntoDesign<'x>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let x = x.into_design()?;
        self.decision_function_with(&x, None, None)
    }

    /// rows × K logits of the rows `rows` of X (every row when `None`), class k's model adding
    /// the offsets of class k (given K per row of X, row-major, as
    /// [`MultiFitOptions::offset`](super::MultiFitOptions::offset)).
    pub fn decision_function_with(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
        offset: Option<&[f64]>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let k = self.models.len();
        if let Some(o) = offset {
            check_offset_len(o, x.n_rows(), k)?;
        }
        let cols = self
            .models
            .iter()
            .enumerate()
            .map(|(c, m)| {
                let oc: Option<Vec<f64>> =
                    offset.map(|o| o.iter().skip(c).step_by(k).copied().collect());
                m.decision_function_on(x, rows, oc.as_deref())
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DMatrix::from_columns(&cols))
    }

    /// n × K probabilities: each binary model's P(class k), normalized over the classes as
    /// scikit-learn's one-vs-rest does.
    pub fn predict_proba<'x>(&self, x: impl IntoDesign<'x>) -> Result<DMatrix<f64>, ModelError> {
        let mut p = self.decision_function(x)?.map(sigmoid);
        for mut row in p.row_iter_mut() {
            let s = row.sum();
            if s > 0.0 {
                row /= s;
            }
        }
        Ok(p)
    }

    /// The class whose binary model gives the largest logit.
    pub fn predict<'x>(&self, x: impl IntoDesign<'x>) -> Result<Vec<L>, ModelError> {
        Ok(argmax_rows(&self.decision_function(x)?, &self.classes))
    }
}
