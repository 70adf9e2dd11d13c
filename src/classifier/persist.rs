//! A [`Classifier`]'s file: versioned JSON, files of every earlier shape still loading.

use super::labels::ClassLabel;
use super::Classifier;
use crate::model::{
    from_versioned_json, read_text, to_versioned_json, write_new, FittedLogisticRegression,
    FittedModel, FittedMultinomial, FittedOneVsRest, ModelError, ModelKind,
};
use crate::preprocess::Pipeline;
use crate::Error;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The file's shape: a binary model under `model`, as files before multiclass support were
/// written (they still load: `model_kind` defaults to binary); a K-class model under
/// `multinomial` or `one_vs_rest`, named by `model_kind`.
#[derive(Serialize, Deserialize)]
pub(super) struct ClassifierFile {
    target: String,
    #[serde(default)]
    pipeline: Option<Pipeline>,
    #[serde(default = "binary_kind")]
    model_kind: ModelKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<FittedLogisticRegression<ClassLabel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    multinomial: Option<FittedMultinomial<ClassLabel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    one_vs_rest: Option<FittedOneVsRest<ClassLabel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sample_weight_column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    offset_column: Option<String>,
}

fn binary_kind() -> ModelKind {
    ModelKind::Binary
}

impl TryFrom<ClassifierFile> for Classifier {
    type Error = String;
    fn try_from(f: ClassifierFile) -> Result<Self, String> {
        let model = match (f.model_kind, f.model, f.multinomial, f.one_vs_rest) {
            (ModelKind::Binary, Some(m), None, None) => FittedModel::Binary(m),
            (ModelKind::Multinomial, None, Some(m), None) => FittedModel::Multinomial(m),
            (ModelKind::OneVsRest, None, None, Some(m)) => FittedModel::OneVsRest(m),
            (kind, ..) => {
                return Err(format!(
                    "model_kind is {:?} but the file does not hold exactly that model",
                    kind.name()
                ))
            }
        };
        Ok(Classifier {
            target: f.target,
            pipeline: f.pipeline,
            model,
            sample_weight_column: f.sample_weight_column,
            offset_column: f.offset_column,
        })
    }
}

impl From<Classifier> for ClassifierFile {
    fn from(c: Classifier) -> Self {
        let kind = c.model.kind();
        let (mut model, mut multinomial, mut one_vs_rest) = (None, None, None);
        match c.model {
            FittedModel::Binary(m) => model = Some(m),
            FittedModel::Multinomial(m) => multinomial = Some(m),
            FittedModel::OneVsRest(m) => one_vs_rest = Some(m),
        }
        ClassifierFile {
            target: c.target,
            pipeline: c.pipeline,
            model_kind: kind,
            model,
            multinomial,
            one_vs_rest,
            sample_weight_column: c.sample_weight_column,
            offset_column: c.offset_column,
        }
    }
}

const CLASSIFIER_KIND: &str = "logreg_classifier";

impl Classifier {
    /// The classifier as versioned JSON.
    pub fn to_json(&self) -> Result<String, Error> {
        Ok(to_versioned_json(CLASSIFIER_KIND, self)?)
    }

    /// A classifier from versioned JSON, checked for internal consistency.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let c: Classifier = from_versioned_json(CLASSIFIER_KIND, text)?;
        c.model.validate()?;
        match c.pipeline.as_ref().map(Pipeline::feature_names) {
            Some(Some(names)) => c.model.check_feature_names(names)?,
            // A libsvm model: its features are the indices 1..=d.
            None => {
                let d = c.model.n_features();
                let names: Vec<String> = (1..=d).map(|i| i.to_string()).collect();
                c.model.check_feature_names(&names)?;
            }
            Some(None) => {
                return Err(Error::Model(ModelError::CorruptModel {
                    reason: "the preprocessing pipeline is not fitted".into(),
                }))
            }
        }
        if c.model.feature_names().is_none() {
            return Err(Error::Model(ModelError::CorruptModel {
                reason: "the model has no feature names".into(),
            }));
        }
        Ok(c)
    }

    /// Write to a new file; an existing file is never overwritten.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        Ok(write_new(path.as_ref(), &self.to_json()?)?)
    }

    /// Read a file written by [`save`](Self::save).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::from_json(&read_text(path.as_ref())?)
    }
}
