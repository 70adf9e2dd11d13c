//! Any fitted model behind one type: binary, multinomial or one-vs-rest, with the class
//! probabilities of each as an n × K matrix in the order of its classes.

use crate::binary::{FitReport, FittedLogisticRegression};
use crate::labels::Label;
use crate::multiclass::{FittedMultinomial, FittedOneVsRest};
use crate::params::ValidParams;
use crate::path::ModelKind;
use crate::ModelError;
use logreg_linalg_core::{sigmoid, Design};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// A fitted binary, multinomial or one-vs-rest model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    content = "model",
    rename_all = "snake_case",
    bound(
        serialize = "L: Serialize",
        deserialize = "L: serde::de::DeserializeOwned"
    )
)]
pub enum FittedModel<L> {
    /// Two classes.
    Binary(FittedLogisticRegression<L>),
    /// K classes, softmax.
    Multinomial(FittedMultinomial<L>),
    /// K classes, one binary model each.
    #[serde(rename = "ovr")]
    OneVsRest(FittedOneVsRest<L>),
}

impl<L: Label> FittedModel<L> {
    /// Which kind of model this is.
    pub fn kind(&self) -> ModelKind {
        match self {
            FittedModel::Binary(_) => ModelKind::Binary,
            FittedModel::Multinomial(_) => ModelKind::Multinomial,
            FittedModel::OneVsRest(_) => ModelKind::OneVsRest,
        }
    }

    /// The classes in the order of the probability columns (binary: [negative, positive]).
    pub fn classes(&self) -> &[L] {
        match self {
            FittedModel::Binary(m) => m.classes(),
            FittedModel::Multinomial(m) => m.classes(),
            FittedModel::OneVsRest(m) => m.classes(),
        }
    }

    /// The binary model, if this is one.
    pub fn as_binary(&self) -> Option<&FittedLogisticRegression<L>> {
        match self {
            FittedModel::Binary(m) => Some(m),
            _ => None,
        }
    }

    /// The settings of the fit.
    pub fn params(&self) -> &ValidParams {
        match self {
            FittedModel::Binary(m) => m.params(),
            FittedModel::Multinomial(m) => m.params(),
            FittedModel::OneVsRest(m) => m.params(),
        }
    }

    /// How the fit went (one-vs-rest: the report of the first class's model; see
    /// [`FittedOneVsRest::models`] for each).
    pub fn report(&self) -> &FitReport {
        match self {
            FittedModel::Binary(m) => m.report(),
            FittedModel::Multinomial(m) => m.report(),
            FittedModel::OneVsRest(m) => m.models()[0].report(),
        }
    }

    /// Names of the features.
    pub fn feature_names(&self) -> Option<&[String]> {
        match self {
            FittedModel::Binary(m) => m.feature_names(),
            FittedModel::Multinomial(m) => m.feature_names(),
            FittedModel::OneVsRest(m) => m.models()[0].feature_names(),
        }
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.coefficient_rows().ncols()
    }

    /// Coefficients as K rows in feature order (one row for a binary model: its positive class).
    pub fn coefficient_rows(&self) -> DMatrix<f64> {
        match self {
            FittedModel::Binary(m) => {
                DMatrix::from_row_slice(1, m.n_features(), m.coefficients().as_slice())
            }
            FittedModel::Multinomial(m) => m.coefficients().clone(),
            FittedModel::OneVsRest(m) => {
                let d = m.models()[0].n_features();
                DMatrix::from_fn(m.models().len(), d, |k, j| m.models()[k].coefficients()[j])
            }
        }
    }

    /// The intercepts, one per coefficient row.
    pub fn intercept_values(&self) -> Vec<f64> {
        match self {
            FittedModel::Binary(m) => vec![m.intercept()],
            FittedModel::Multinomial(m) => m.intercepts().iter().copied().collect(),
            FittedModel::OneVsRest(m) => m.models().iter().map(|b| b.intercept()).collect(),
        }
    }

    /// Check that data with these column names can be given to the model.
    pub fn check_feature_names(&self, names: &[String]) -> Result<(), ModelError> {
        match self {
            FittedModel::Binary(m) => m.check_feature_names(names),
            FittedModel::Multinomial(m) => {
                check_names(m.feature_names(), names, m.coefficients().ncols())
            }
            FittedModel::OneVsRest(m) => m.models()[0].check_feature_names(names),
        }
    }

    /// Logits of the rows `rows` of X (every row when `None`): n × 1 for a binary model (the
    /// positive class's logit), n × K otherwise. Offsets: one per row of X for a binary model, K
    /// per row (row-major, as `MultiFitOptions::offset`) for the others.
    pub fn decision_function_on(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
        offset: Option<&[f64]>,
    ) -> Result<DMatrix<f64>, ModelError> {
        match self {
            FittedModel::Binary(m) => {
                let z = m.decision_function_on(x, rows, offset)?;
                Ok(DMatrix::from_column_slice(z.len(), 1, z.as_slice()))
            }
            FittedModel::Multinomial(m) => m.decision_function_with(x, rows, offset),
            FittedModel::OneVsRest(m) => m.decision_function_with(x, rows, offset),
        }
    }

    /// Class probabilities of the rows `rows` of X: n × K, columns in the order of
    /// [`classes`](Self::classes) (a binary model gives [1 − p, p]).
    pub fn predict_proba_on(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let z = self.decision_function_on(x, rows, None)?;
        Ok(proba_from_logits(self.kind(), &z))
    }

    /// The predicted class index (into [`classes`](Self::classes)) of each of the rows.
    pub fn predict_index_on(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
    ) -> Result<Vec<usize>, ModelError> {
        let z = self.decision_function_on(x, rows, None)?;
        Ok(argmax_from_logits(self.kind(), &z))
    }

    /// Check the invariants a loaded model must satisfy.
    pub fn validate(&self) -> Result<(), ModelError> {
        match self {
            FittedModel::Binary(m) => m.validate(),
            FittedModel::Multinomial(m) => m.validate(),
            FittedModel::OneVsRest(m) => m.validate(),
        }
    }
}

fn check_names(expected: Option<&[String]>, names: &[String], d: usize) -> Result<(), ModelError> {
    match expected {
        Some(e) if e != names => Err(ModelError::feature_mismatch(e, names)),
        _ if names.len() != d => Err(ModelError::Shape {
            what: "columns of X (features the model was fitted on)",
            expected: d,
            found: names.len(),
        }),
        _ => Ok(()),
    }
}

/// Probabilities from logits as [`FittedModel::decision_function_on`] gives them.
pub fn proba_from_logits(kind: ModelKind, z: &DMatrix<f64>) -> DMatrix<f64> {
    let n = z.nrows();
    match kind {
        ModelKind::Binary => DMatrix::from_fn(n, 2, |i, c| {
            if c == 1 {
                sigmoid(z[(i, 0)])
            } else {
                sigmoid(-z[(i, 0)])
            }
        }),
        ModelKind::Multinomial => {
            let mut p = z.clone();
            for mut row in p.row_iter_mut() {
                let m = row.max();
                row.apply(|v| *v = (*v - m).exp());
                let s = row.sum();
                row /= s;
            }
            p
        }
        ModelKind::OneVsRest => {
            let mut p = z.map(sigmoid);
            for mut row in p.row_iter_mut() {
                let s = row.sum();
                if s > 0.0 {
                    row /= s;
                }
            }
            p
        }
    }
}

/// The predicted class index from logits (binary: positive when z > 0).
pub fn argmax_from_logits(kind: ModelKind, z: &DMatrix<f64>) -> Vec<usize> {
    match kind {
        ModelKind::Binary => z.column(0).iter().map(|&v| usize::from(v > 0.0)).collect(),
        _ => z
            .row_iter()
            .map(|r| {
                let mut best = 0;
                for k in 1..r.len() {
                    if r[k] > r[best] {
                        best = k;
                    }
                }
                best
            })
            .collect(),
    }
}

/// The mean log loss of the true class indices `y` given logits (exact, from the logits: softplus
/// for binary, logsumexp for multinomial; one-vs-rest from its normalized probabilities, clipped
/// at 1e-15 as scikit-learn).
pub fn log_loss_from_logits(kind: ModelKind, z: &DMatrix<f64>, y: &[usize]) -> f64 {
    let n = y.len().max(1) as f64;
    let total: f64 = match kind {
        ModelKind::Binary => z
            .column(0)
            .iter()
            .zip(y)
            .map(|(&zi, &c)| logreg_loss::log_loss_from_logit(zi, c == 1))
            .sum(),
        ModelKind::Multinomial => z
            .row_iter()
            .zip(y)
            .map(|(r, &c)| {
                let m = r.max();
                m + r.iter().map(|v| (v - m).exp()).sum::<f64>().ln() - r[c]
            })
            .sum(),
        ModelKind::OneVsRest => {
            let p = proba_from_logits(kind, z);
            p.row_iter()
                .zip(y)
                .map(|(r, &c)| -r[c].clamp(1e-15, 1.0).ln())
                .sum()
        }
    };
    total / n
}
