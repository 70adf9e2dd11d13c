//! Predictions of a [`Classifier`]: features, logits, probabilities and classes.

use super::labels::ClassLabel;
use super::Classifier;
use crate::columns::offsets_in;
use crate::linalg::{sigmoid, Design};
use crate::model::{logit_threshold, proba_from_logits, ModelError, ModelKind};
use crate::preprocess::{Features, LibsvmData, Table};
use crate::Error;
use nalgebra::DMatrix;

impl Classifier {
    /// The offsets of `table`'s rows, when the model has an offset column.
    pub fn offsets(&self, table: &Table) -> Result<Option<Vec<f64>>, Error> {
        self.offset_column
            .as_deref()
            .map(|name| offsets_in(table, name))
            .transpose()
    }

    /// The feature matrix the model sees for `table` (the target column, if present, is ignored).
    pub fn features(&self, table: &Table) -> Result<Features, Error> {
        let features = self.table_pipeline()?.transform(table)?;
        self.model.check_feature_names(&features.names)?;
        Ok(features)
    }

    /// Logits, one per row of `table`, with the offset column added if the model has one
    /// (binary: the positive class's; K classes: the predicted class's; see
    /// [`decision_matrix`](Self::decision_matrix) for all of them).
    pub fn decision_function(&self, table: &Table) -> Result<Vec<f64>, Error> {
        let z = self.decision_matrix(table)?;
        Ok(match self.model.kind() {
            ModelKind::Binary => z.column(0).iter().copied().collect(),
            _ => z.row_iter().map(|r| r.max()).collect(),
        })
    }

    /// Logits of every row of `table`: n × 1 for a binary model, n × K otherwise.
    pub fn decision_matrix(&self, table: &Table) -> Result<DMatrix<f64>, Error> {
        let f = self.features(table)?;
        let offset = self.offsets(table)?;
        Ok(self
            .model
            .decision_function_on(&f.design, None, offset.as_deref())?)
    }

    /// P(positive class), one per row of `table`; for a K-class model the probability of the
    /// predicted class (every class's: [`predict_proba_matrix`](Self::predict_proba_matrix)).
    pub fn predict_proba(&self, table: &Table) -> Result<Vec<f64>, Error> {
        if self.model.kind() == ModelKind::Binary {
            return Ok(self
                .decision_function(table)?
                .into_iter()
                .map(sigmoid)
                .collect());
        }
        let p = self.predict_proba_matrix(table)?;
        Ok(p.row_iter().map(|r| r.max()).collect())
    }

    /// Class probabilities, n × K, columns in the order of [`classes`](Self::classes).
    pub fn predict_proba_matrix(&self, table: &Table) -> Result<DMatrix<f64>, Error> {
        let z = self.decision_matrix(table)?;
        Ok(proba_from_logits(self.model.kind(), &z))
    }

    /// Predicted class of each row of `table` (positive when P > 0.5, as scikit-learn).
    pub fn predict(&self, table: &Table) -> Result<Vec<ClassLabel>, Error> {
        if self.model.kind() == ModelKind::Binary {
            return self.predict_at(table, 0.5);
        }
        let classes = self.model.classes();
        let z = self.decision_matrix(table)?;
        Ok(crate::model::argmax_from_logits(self.model.kind(), &z)
            .into_iter()
            .map(|k| classes[k].clone())
            .collect())
    }

    /// Predicted class of each row of `table`, positive when P(positive) > `threshold` ∈ (0, 1)
    /// (compared on the logit scale); a binary model's only.
    pub fn predict_at(&self, table: &Table, threshold: f64) -> Result<Vec<ClassLabel>, Error> {
        let cut = logit_threshold(threshold)?;
        self.require_binary("a probability threshold")?;
        let classes = self.model.classes();
        Ok(self
            .decision_function(table)?
            .into_iter()
            .map(|z| classes[usize::from(z > cut)].clone())
            .collect())
    }

    /// Logits, one per libsvm row (this classifier must have been fitted on libsvm rows).
    pub fn decision_function_libsvm(&self, data: &LibsvmData) -> Result<Vec<f64>, Error> {
        if !self.reads_libsvm() {
            return Err(Error::Model(ModelError::CorruptModel {
                reason: "this model was fitted on table columns and reads CSV files, not libsvm"
                    .into(),
            }));
        }
        let design = Design::Sparse(data.design.view());
        self.require_binary("libsvm predictions")?;
        Ok(self
            .model
            .decision_function_on(&design, None, None)?
            .iter()
            .copied()
            .collect())
    }
}
