//! A table in, a decision out: a fitted preprocessing pipeline and a logistic regression saved as
//! one artifact, and the metrics a user reads after training.
//!
//! The [`Classifier`] type and its accessors are here; `labels` reads class labels, `fit` fits a
//! classifier (tables, libsvm rows, cross-validation), `predict` and `evaluate` use one, and
//! `persist` is its versioned file.

mod evaluate;
mod fit;
mod labels;
mod persist;
mod predict;

pub use evaluate::{Evaluation, MulticlassEvaluation};
pub(crate) use fit::{
    check_fit_classes, split_fit_columns, train_k_classes, training_labels, unknown_positive_class,
};
pub(crate) use labels::labels_in_at;
pub use labels::{labels_of, libsvm_labels, ClassLabel};

use crate::columns::FitColumns;
use crate::model::{FittedLogisticRegression, FittedModel, ModelError, ModelKind, Summary};
use crate::preprocess::{Features, Pipeline};
use crate::Error;
use persist::ClassifierFile;
use serde::{Deserialize, Serialize};

/// A fitted preprocessing pipeline and logistic regression, saved and loaded as one file.
///
/// ```
/// use logreg::preprocess::{read_csv_from, CsvOptions, OneHotEncoder, Pipeline};
/// use logreg::{model::LogisticRegression, Classifier};
///
/// let csv = "size,colour,sold\n1,red,no\n2,blue,no\n3,red,yes\n4,blue,no\n5,red,yes\n6,blue,yes\n";
/// let table = read_csv_from(csv.as_bytes(), &CsvOptions::new())?;
/// let pipeline = Pipeline::new().step(OneHotEncoder::new(["colour"]).drop_first(true)).standardize_all();
/// let params = LogisticRegression::params().check()?;
/// let clf = Classifier::fit(&table, "sold", pipeline, &params)?;
/// assert_eq!(clf.feature_names(), ["size", "colour_red"]);
/// let again = Classifier::from_json(&clf.to_json()?)?;
/// assert_eq!(again.predict_proba(&table)?, clf.predict_proba(&table)?);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ClassifierFile", into = "ClassifierFile")]
pub struct Classifier {
    target: String,
    /// How table columns become features; `None` for a model that reads libsvm rows, whose
    /// feature i is design column i − 1.
    pipeline: Option<Pipeline>,
    model: FittedModel<ClassLabel>,
    /// The column the sample weights came from (not needed to predict).
    sample_weight_column: Option<String>,
    /// The column of offsets, read again at every prediction.
    offset_column: Option<String>,
}

/// The target name of a model fitted on libsvm rows (whose labels have no column name).
pub const LIBSVM_TARGET: &str = "label";

/// What [`Classifier::fit_owned`] hands back besides the classifier: the design of every row of the
/// table (the training rows and the others, in file order) and their labels, so that metrics on
/// any split are computed without transforming the table again.
#[derive(Debug)]
pub struct Trained {
    /// The fitted pipeline and model.
    pub classifier: Classifier,
    /// The features of every row of the table, in its order.
    pub features: Features,
    /// The label of every row of the table.
    pub labels: Vec<ClassLabel>,
    /// The offset of every row of the table, when the fit had an offset column.
    pub offset: Option<Vec<f64>>,
    /// The sample weight of every row of the table, when the fit had a weight column.
    pub sample_weight: Option<Vec<f64>>,
}

impl Trained {
    /// The logits of the rows `rows` (every row if `None`), offsets included.
    pub fn logits(&self, rows: Option<&[usize]>) -> Result<Vec<f64>, Error> {
        let z = self.classifier.model.decision_function_on(
            &self.features.design,
            rows,
            self.offset.as_deref(),
        )?;
        Ok(z.iter().copied().collect())
    }

    /// Metrics on the rows `rows` (every row if `None`) at a probability threshold.
    pub fn evaluate(&self, rows: Option<&[usize]>, threshold: f64) -> Result<Evaluation, Error> {
        self.classifier
            .evaluate_logits_at(&self.labels, rows, &self.logits(rows)?, threshold)
    }
}

impl Classifier {
    /// A classifier from its parts (a pipeline fitted to produce the model's features, or none
    /// for libsvm rows; the columns the fit's sample weights and offsets came from).
    pub(crate) fn from_parts(
        target: String,
        pipeline: Option<Pipeline>,
        model: FittedModel<ClassLabel>,
        columns: &FitColumns,
    ) -> Self {
        Classifier {
            target,
            pipeline,
            model,
            sample_weight_column: columns.sample_weight.clone(),
            offset_column: columns.offset.clone(),
        }
    }

    /// The fitted model: binary, multinomial or one-vs-rest.
    pub fn model(&self) -> &FittedModel<ClassLabel> {
        &self.model
    }

    /// The binary model, when the classifier has two classes.
    pub fn binary_model(&self) -> Option<&FittedLogisticRegression<ClassLabel>> {
        self.model.as_binary()
    }

    /// The classes, in the model's order (binary: [negative, positive]).
    pub fn classes(&self) -> &[ClassLabel] {
        self.model.classes()
    }

    /// The column the fit's sample weights came from, if any.
    pub fn sample_weight_column(&self) -> Option<&str> {
        self.sample_weight_column.as_deref()
    }

    /// The column whose values are added to every logit, if the fit had an offset; every table
    /// given to predict or evaluate must have it.
    pub fn offset_column(&self) -> Option<&str> {
        self.offset_column.as_deref()
    }

    /// Whether the classifier reads libsvm rows (else table columns through its pipeline).
    pub fn reads_libsvm(&self) -> bool {
        self.pipeline.is_none()
    }

    /// The fitted preprocessing pipeline (`None` for a model fitted on libsvm rows).
    pub fn pipeline(&self) -> Option<&Pipeline> {
        self.pipeline.as_ref()
    }

    /// The fitted pipeline, or the error a table-reading call on a libsvm model gets.
    pub(crate) fn table_pipeline(&self) -> Result<&Pipeline, Error> {
        self.pipeline.as_ref().ok_or_else(|| {
            Error::Model(ModelError::CorruptModel {
                reason: "this model was fitted on libsvm rows and reads libsvm files, not tables"
                    .into(),
            })
        })
    }

    /// The name of the label column.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The class whose probability is predicted (binary); the last class for a K-class model.
    pub fn positive_class(&self) -> &ClassLabel {
        let c = self.model.classes();
        &c[c.len() - 1]
    }

    /// An error naming `what` unless the model is binary: thresholds, offsets and the binary
    /// metrics belong to a two-class model.
    pub(crate) fn require_binary(&self, what: &str) -> Result<(), Error> {
        match self.model.kind() {
            ModelKind::Binary => Ok(()),
            _ => Err(Error::Model(ModelError::InvalidParam {
                name: "model",
                value: format!(
                    "a {}-class model given to {what}",
                    self.model.classes().len()
                ),
                expected: "a binary model",
            })),
        }
    }

    /// Names of the model's features, after preprocessing.
    pub fn feature_names(&self) -> &[String] {
        self.model.feature_names().unwrap_or(&[])
    }

    /// The statsmodels-style coefficient table (unpenalized binary fits only).
    pub fn summary(&self) -> Result<Summary, Error> {
        match &self.model {
            FittedModel::Binary(m) => Ok(m.summary()?),
            _ => Err(Error::Model(ModelError::InferenceUnavailable {
                reason: "standard errors are computed for binary models only".into(),
            })),
        }
    }
}
