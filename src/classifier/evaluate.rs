//! The metrics a user reads after training: [`Evaluation`] (binary) and
//! [`MulticlassEvaluation`], and the [`Classifier`] methods that compute them.

use super::labels::{labels_of, libsvm_labels, ClassLabel};
use super::Classifier;
use crate::evaluate::{
    brier_score_loss, confusion_matrix, multiclass_report, roc_auc, ConfusionMatrix, ReportRow,
};
use crate::linalg::{sigmoid, Design};
use crate::model::{log_loss_from_logits, logit_threshold};
use crate::preprocess::{LibsvmData, Table};
use crate::Error;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// How well a binary classifier did on labelled data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Number of samples.
    pub n: usize,
    /// Fraction classified correctly.
    pub accuracy: f64,
    /// tp / (tp + fp), 0 when nothing is predicted positive.
    pub precision: f64,
    /// tp / (tp + fn), 0 when nothing is positive.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Area under the ROC curve; `None` when only one class is present.
    pub roc_auc: Option<f64>,
    /// Mean log loss, computed exactly from the logits.
    pub log_loss: f64,
    /// Mean squared difference between P(positive) and the outcome (scikit-learn's
    /// `brier_score_loss`).
    pub brier_score: f64,
    /// The probability above which a row is predicted positive (0.5 by default).
    pub threshold: f64,
    /// Counts of true/false positives/negatives.
    pub confusion: ConfusionMatrix,
}

impl Evaluation {
    /// Evaluate logits `z` (positive when z > 0) against the truth (`true` = positive class).
    pub fn from_logits(y_true: &[bool], z: &[f64]) -> Result<Self, Error> {
        Self::from_logits_at(y_true, z, 0.5)
    }

    /// Evaluate logits `z` with rows predicted positive when P(positive) > `threshold` ∈ (0, 1)
    /// (compared on the logit scale, `z > ln(t / (1 − t))`); the threshold-free metrics (ROC
    /// AUC, log loss, Brier score) do not depend on it.
    pub fn from_logits_at(y_true: &[bool], z: &[f64], threshold: f64) -> Result<Self, Error> {
        let cut = logit_threshold(threshold)?;
        let y_pred: Vec<bool> = z.iter().map(|&v| v > cut).collect();
        let confusion = confusion_matrix(y_true, &y_pred)?;
        let y01: Vec<f64> = y_true.iter().map(|&b| f64::from(u8::from(b))).collect();
        let roc_auc = match roc_auc(y_true, z) {
            Ok(a) => Some(a),
            Err(crate::evaluate::EvalError::SingleClass { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(Evaluation {
            n: y_true.len(),
            accuracy: confusion.accuracy(),
            precision: confusion.precision(),
            recall: confusion.recall(),
            f1: confusion.f1(),
            roc_auc,
            log_loss: crate::loss::mean_log_loss(z, &y01, None)?,
            brier_score: brier_score_loss(
                y_true,
                &z.iter().map(|&v| sigmoid(v)).collect::<Vec<_>>(),
            )?,
            threshold,
            confusion,
        })
    }
}

/// How a classifier of K > 2 classes did on labelled data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MulticlassEvaluation {
    /// Number of samples.
    pub n: usize,
    /// Fraction classified correctly.
    pub accuracy: f64,
    /// The classes, as text, in the model's order.
    pub classes: Vec<String>,
    /// Precision, recall, F1 and support of each class.
    pub per_class: Vec<ReportRow>,
    /// Unweighted mean over the classes.
    pub macro_avg: ReportRow,
    /// Mean over the classes weighted by support.
    pub weighted_avg: ReportRow,
    /// K × K counts, row = true class, column = predicted class.
    pub confusion: Vec<Vec<usize>>,
    /// Mean multiclass log loss (from the logits).
    pub log_loss: f64,
}

impl Classifier {
    /// Metrics of the model on libsvm rows (their labels read as numbers), rows predicted
    /// positive when P(positive) > `threshold` ∈ (0, 1); errors name 1-based rows of the data.
    pub fn evaluate_libsvm(&self, data: &LibsvmData, threshold: f64) -> Result<Evaluation, Error> {
        let z = self.decision_function_libsvm(data)?;
        self.evaluate_logits(&libsvm_labels(data), &z, threshold)
    }

    /// Metrics of logits `z` (one per row, as [`decision_function`](Self::decision_function)
    /// gives) against `labels`, rows predicted positive when P(positive) > `threshold`.
    pub fn evaluate_logits(
        &self,
        labels: &[ClassLabel],
        z: &[f64],
        threshold: f64,
    ) -> Result<Evaluation, Error> {
        logit_threshold(threshold)?;
        self.evaluate_logits_at(labels, None, z, threshold)
    }

    /// Metrics on a table that holds the target column.
    pub fn evaluate(&self, table: &Table) -> Result<Evaluation, Error> {
        self.evaluate_at(table, 0.5)
    }

    /// Metrics on a table that holds the target column, rows predicted positive when
    /// P(positive) > `threshold` ∈ (0, 1).
    pub fn evaluate_at(&self, table: &Table, threshold: f64) -> Result<Evaluation, Error> {
        logit_threshold(threshold)?;
        let labels = labels_of(table, &self.target)?;
        let z = self.decision_function(table)?;
        self.evaluate_logits_at(&labels, None, &z, threshold)
    }

    /// Metrics on the rows `rows` (every row if `None`) of a design this classifier's pipeline
    /// produced, whose labels are `labels` (one per design row): what `train` reports for its
    /// training and test rows without transforming the table again. Errors name 1-based rows of
    /// the design.
    pub fn evaluate_on(
        &self,
        design: &Design<'_>,
        labels: &[ClassLabel],
        rows: Option<&[usize]>,
    ) -> Result<Evaluation, Error> {
        self.evaluate_on_with(design, labels, rows, None, 0.5)
    }

    /// [`evaluate_on`](Self::evaluate_on) with the offsets of every design row (required when
    /// the model has an offset column) and a probability threshold.
    pub fn evaluate_on_with(
        &self,
        design: &Design<'_>,
        labels: &[ClassLabel],
        rows: Option<&[usize]>,
        offset: Option<&[f64]>,
        threshold: f64,
    ) -> Result<Evaluation, Error> {
        if let (Some(column), None) = (&self.offset_column, offset) {
            return Err(Error::MissingOffsetColumn {
                column: column.clone(),
            });
        }
        let z: Vec<f64> = self
            .model
            .decision_function_on(design, rows, offset)?
            .iter()
            .copied()
            .collect();
        self.evaluate_logits_at(labels, rows, &z, threshold)
    }

    /// Per-class metrics, averages, the K × K confusion matrix and the multiclass log loss on the
    /// rows `rows` of a design this classifier's pipeline produced (any model kind; a binary
    /// model's two classes are reported the same way).
    pub fn evaluate_multiclass_on(
        &self,
        design: &Design<'_>,
        labels: &[ClassLabel],
        rows: Option<&[usize]>,
    ) -> Result<MulticlassEvaluation, Error> {
        let (z, truth) = self.logits_and_classes(design, labels, rows)?;
        self.multiclass_evaluation(&z, &truth)
    }

    /// The logits (one column per class; one for a binary model) of the rows `rows` of a design
    /// this classifier's pipeline produced, and each row's class index; a label the model does
    /// not know is an error naming its row.
    pub(crate) fn logits_and_classes(
        &self,
        design: &Design<'_>,
        labels: &[ClassLabel],
        rows: Option<&[usize]>,
    ) -> Result<(DMatrix<f64>, Vec<usize>), Error> {
        let z = self.model.decision_function_on(design, rows, None)?;
        let classes = self.model.classes();
        let all: Vec<usize>;
        let rows = match rows {
            Some(r) => r,
            None => {
                all = (0..labels.len()).collect();
                &all
            }
        };
        let mut truth = Vec::with_capacity(rows.len());
        for &i in rows {
            match classes.iter().position(|c| *c == labels[i]) {
                Some(k) => truth.push(k),
                None => {
                    return Err(Error::UnknownLabel {
                        column: self.target.clone(),
                        row: i + 1,
                        value: labels[i].to_string(),
                        classes: classes.iter().map(|c| c.to_string()).collect(),
                    })
                }
            }
        }
        Ok((z, truth))
    }

    /// The multiclass metrics of logits `z` (as [`logits_and_classes`](Self::logits_and_classes)
    /// gives them) against the rows' class indices.
    pub(crate) fn multiclass_evaluation(
        &self,
        z: &DMatrix<f64>,
        truth: &[usize],
    ) -> Result<MulticlassEvaluation, Error> {
        let classes = self.model.classes();
        let kind = self.model.kind();
        let pred = crate::model::argmax_from_logits(kind, z);
        let names: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let report = multiclass_report(truth, &pred, &refs)?;
        Ok(MulticlassEvaluation {
            n: truth.len(),
            accuracy: report.accuracy,
            classes: names,
            per_class: report.classes,
            macro_avg: report.macro_avg,
            weighted_avg: report.weighted_avg,
            confusion: report.confusion,
            log_loss: log_loss_from_logits(kind, z, truth),
        })
    }

    /// [`evaluate_multiclass_on`](Self::evaluate_multiclass_on) for a table holding the target
    /// column.
    pub fn evaluate_multiclass(&self, table: &Table) -> Result<MulticlassEvaluation, Error> {
        let labels = labels_of(table, &self.target)?;
        let f = self.features(table)?;
        self.evaluate_multiclass_on(&f.design, &labels, None)
    }

    /// Metrics of logits `z` for the rows `rows` of `labels` (all of them if `None`).
    pub(super) fn evaluate_logits_at(
        &self,
        labels: &[ClassLabel],
        rows: Option<&[usize]>,
        z: &[f64],
        threshold: f64,
    ) -> Result<Evaluation, Error> {
        self.require_binary("binary metrics (use evaluate_multiclass_on)")?;
        Evaluation::from_logits_at(&self.truth(labels, rows)?, z, threshold)
    }

    /// Whether each of the rows `rows` of `labels` (all of them if `None`) is of the positive
    /// class; a label that is neither class is an error naming its 1-based row.
    pub(crate) fn truth(
        &self,
        labels: &[ClassLabel],
        rows: Option<&[usize]>,
    ) -> Result<Vec<bool>, Error> {
        let positive = self.positive_class();
        let negative = &self.model.classes()[0];
        let all: Vec<usize>;
        let rows = match rows {
            Some(r) => r,
            None => {
                all = (0..labels.len()).collect();
                &all
            }
        };
        if let Some(&i) = rows
            .iter()
            .find(|&&i| labels[i] != *positive && labels[i] != *negative)
        {
            return Err(Error::UnknownLabel {
                column: self.target.clone(),
                row: i + 1,
                value: labels[i].to_string(),
                classes: vec![negative.to_string(), positive.to_string()],
            });
        }
        Ok(rows.iter().map(|&i| labels[i] == *positive).collect())
    }
}
