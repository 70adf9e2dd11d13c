//! A table in, a decision out: a fitted preprocessing pipeline and a logistic regression saved as
//! one artifact, and the metrics a user reads after training.

use crate::evaluate::{confusion_matrix, multiclass_report, roc_auc, ConfusionMatrix, ReportRow};
use crate::linalg::Design;
use crate::model::{
    from_versioned_json, log_loss_from_logits, read_text, sorted_classes, to_versioned_json,
    write_new, CvOptions, CvResult, FitOptions, FittedLogisticRegression, FittedModel,
    FittedMultinomial, FittedOneVsRest, ModelError, ModelKind, MultiClass, MultiFitOptions,
    Summary, ValidParams,
};
use crate::preprocess::{ColumnView, Features, Pipeline, Table};
use crate::Error;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::path::Path;

/// A class label read from a table column: a number (from a numeric column) or text.
///
/// Numbers order numerically and before text, so labels sort as scikit-learn sorts them and the
/// positive class is the larger one by default (1 over 0, 4 over 2, "yes" over "no").
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ClassLabel {
    /// A label from a numeric column.
    Number(f64),
    /// A label from a text column.
    Text(String),
}

impl PartialOrd for ClassLabel {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (ClassLabel::Number(a), ClassLabel::Number(b)) => a.partial_cmp(b),
            (ClassLabel::Text(a), ClassLabel::Text(b)) => Some(a.cmp(b)),
            (ClassLabel::Number(_), ClassLabel::Text(_)) => Some(Ordering::Less),
            (ClassLabel::Text(_), ClassLabel::Number(_)) => Some(Ordering::Greater),
        }
    }
}

impl std::fmt::Debug for ClassLabel {
    /// Quoted as the file wrote it (`"yes"`, `"1"`): how error messages name labels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.to_string())
    }
}

impl std::fmt::Display for ClassLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Integral labels print without a fraction: "1", not "1.0".
            ClassLabel::Number(v) if v.fract() == 0.0 && v.abs() < 1e15 => {
                write!(f, "{}", *v as i64)
            }
            ClassLabel::Number(v) => write!(f, "{v}"),
            ClassLabel::Text(s) => f.write_str(s),
        }
    }
}

impl From<&str> for ClassLabel {
    fn from(s: &str) -> Self {
        ClassLabel::Text(s.to_string())
    }
}

impl From<f64> for ClassLabel {
    fn from(v: f64) -> Self {
        ClassLabel::Number(v)
    }
}

/// The labels of column `target`, or an error naming the first missing one (1-based data row).
pub fn labels_of(table: &Table, target: &str) -> Result<Vec<ClassLabel>, Error> {
    labels_in(table.column(target)?, target)
}

/// The labels a column holds; `target` names it in errors.
fn labels_in(column: ColumnView<'_>, target: &str) -> Result<Vec<ClassLabel>, Error> {
    let missing = |i: usize| Error::MissingLabel {
        column: target.to_string(),
        row: i + 1,
    };
    match column {
        ColumnView::Numeric(v) => v
            .iter()
            .enumerate()
            .map(|(i, x)| x.map(ClassLabel::Number).ok_or_else(|| missing(i)))
            .collect(),
        ColumnView::Categorical(v) => v
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.map(|s| ClassLabel::Text(s.to_string()))
                    .ok_or_else(|| missing(i))
            })
            .collect(),
    }
}

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
    /// Counts of true/false positives/negatives.
    pub confusion: ConfusionMatrix,
}

impl Evaluation {
    /// Evaluate logits `z` (positive when z > 0) against the truth (`true` = positive class).
    pub fn from_logits(y_true: &[bool], z: &[f64]) -> Result<Self, Error> {
        let y_pred: Vec<bool> = z.iter().map(|&v| v > 0.0).collect();
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
    pipeline: Pipeline,
    model: FittedModel<ClassLabel>,
}

/// The file's shape: a binary model under `model`, as files before multiclass support were
/// written (they still load: `model_kind` defaults to binary); a K-class model under
/// `multinomial` or `one_vs_rest`, named by `model_kind`.
#[derive(Serialize, Deserialize)]
struct ClassifierFile {
    target: String,
    pipeline: Pipeline,
    #[serde(default = "binary_kind")]
    model_kind: ModelKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<FittedLogisticRegression<ClassLabel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    multinomial: Option<FittedMultinomial<ClassLabel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    one_vs_rest: Option<FittedOneVsRest<ClassLabel>>,
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
        }
    }
}

const CLASSIFIER_KIND: &str = "logreg_classifier";

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
}

impl Classifier {
    /// Fit `pipeline` on the table's feature columns and `params` on its output, predicting
    /// column `target` (excluded from the features).
    pub fn fit(
        table: &Table,
        target: &str,
        pipeline: Pipeline,
        params: &ValidParams,
    ) -> Result<Self, Error> {
        Self::fit_with(table, target, pipeline, params, FitOptions::default())
    }

    /// [`fit`](Self::fit) with options: the training rows (`opts.rows`: the pipeline and the model
    /// learn from those rows only), a positive class (matched by its printed form, so "1" finds
    /// the number 1), sample weights or offsets (one per table row), a warm start or an
    /// observer; feature names are set here. The table is left as it was.
    pub fn fit_with(
        table: &Table,
        target: &str,
        pipeline: Pipeline,
        params: &ValidParams,
        opts: FitOptions<'_, ClassLabel>,
    ) -> Result<Self, Error> {
        // Cheap: a table's columns are shared until someone writes to them.
        Ok(Self::fit_owned(table.clone(), target, pipeline, params, opts)?.classifier)
    }

    /// [`fit_with`](Self::fit_with) taking the table over: its numbers are scaled in place and
    /// become the design without a copy when the pipeline allows (no one-hot encoding, binning
    /// or flags), so CSV → model holds them once. Returns the design of every row and the labels
    /// with the classifier.
    pub fn fit_owned(
        table: Table,
        target: &str,
        mut pipeline: Pipeline,
        params: &ValidParams,
        mut opts: FitOptions<'_, ClassLabel>,
    ) -> Result<Trained, Error> {
        let (features_table, target_column) = table.split_target_owned(target)?;
        let labels = labels_in(target_column.view(), target)?;
        drop(target_column);
        let train_labels: Vec<ClassLabel> = match opts.rows {
            Some(rows) => rows
                .iter()
                .filter_map(|&i| labels.get(i).cloned())
                .collect(),
            None => labels.clone(),
        };
        // Checked before the pipeline runs, so a label problem is reported before any work.
        let classes = sorted_classes(&train_labels)?;
        match classes.len() {
            0 => return Err(ModelError::Empty.into()),
            1 => {
                return Err(ModelError::SingleClass {
                    class: format!("{:?}", classes[0]),
                }
                .into())
            }
            2 => {}
            k => {
                if opts.positive_class.is_some()
                    || opts.offset.is_some()
                    || opts.warm_start.is_some()
                {
                    return Err(ModelError::InvalidParam {
                        name: "positive_class, offset or warm_start",
                        value: format!("given with {k} classes"),
                        expected: "two classes (they belong to a binary model)",
                    }
                    .into());
                }
                let features = pipeline.fit_transform_owned(features_table, opts.rows)?;
                let mo = MultiFitOptions {
                    rows: opts.rows,
                    sample_weight: opts.sample_weight,
                    feature_names: Some(features.names.clone()),
                };
                let model =
                    match params.multi_class() {
                        MultiClass::Multinomial => FittedModel::Multinomial(
                            params.fit_multinomial_with(&features.design, &labels, mo)?,
                        ),
                        MultiClass::OneVsRest => FittedModel::OneVsRest(
                            params.fit_one_vs_rest_with(&features.design, &labels, mo)?,
                        ),
                    };
                return Ok(Trained {
                    classifier: Classifier {
                        target: target.to_string(),
                        pipeline,
                        model,
                    },
                    features,
                    labels,
                });
            }
        }
        if let Some(wanted) = opts.positive_class.take() {
            let name = wanted.to_string();
            let found = train_labels.iter().find(|l| l.to_string() == name).cloned();
            opts.positive_class = Some(found.ok_or_else(|| {
                let mut classes: Vec<String> = train_labels.iter().map(|l| l.to_string()).collect();
                classes.sort();
                classes.dedup();
                Error::Model(ModelError::UnknownPositiveClass {
                    given: name,
                    classes: classes.into_iter().take(10).collect(),
                })
            })?);
        }
        let features = pipeline.fit_transform_owned(features_table, opts.rows)?;
        opts.feature_names = Some(features.names.clone());
        let model = FittedModel::Binary(params.fit_with(&features.design, &labels, opts)?);
        Ok(Trained {
            classifier: Classifier {
                target: target.to_string(),
                pipeline,
                model,
            },
            features,
            labels,
        })
    }

    /// Choose C (and ρ) by cross-validation on the rows `cv.rows` (every row when `None`) and
    /// refit there, as [`ValidParams::cross_validate`]; the pipeline is fitted on those rows first
    /// and the folds are taken from its output. Returns the classifier at the chosen C, the design
    /// of every row with the labels, and the cross-validation table.
    pub fn cross_validate_owned(
        table: Table,
        target: &str,
        mut pipeline: Pipeline,
        params: &ValidParams,
        mut cv: CvOptions<'_>,
    ) -> Result<(Trained, CvResult<ClassLabel>), Error> {
        let (features_table, target_column) = table.split_target_owned(target)?;
        let labels = labels_in(target_column.view(), target)?;
        drop(target_column);
        let features = pipeline.fit_transform_owned(features_table, cv.rows)?;
        cv.feature_names = Some(features.names.clone());
        if cv.multi_class != params.multi_class() {
            cv.multi_class = params.multi_class();
        }
        let result = params.cross_validate(&features.design, &labels, cv)?;
        let trained = Trained {
            classifier: Classifier {
                target: target.to_string(),
                pipeline,
                model: result.refit.clone(),
            },
            features,
            labels,
        };
        Ok((trained, result))
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

    /// The fitted preprocessing pipeline.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
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

    /// Names of the model's features, after preprocessing.
    pub fn feature_names(&self) -> &[String] {
        self.model.feature_names().unwrap_or(&[])
    }

    /// The feature matrix the model sees for `table` (the target column, if present, is ignored).
    pub fn features(&self, table: &Table) -> Result<Features, Error> {
        let features = self.pipeline.transform(table)?;
        self.model.check_feature_names(&features.names)?;
        Ok(features)
    }

    /// Logits, one per row of `table` (binary: the positive class's; K classes: the predicted
    /// class's; see [`decision_matrix`](Self::decision_matrix) for all of them).
    pub fn decision_function(&self, table: &Table) -> Result<Vec<f64>, Error> {
        let f = self.features(table)?;
        let z = self.model.decision_function_on(&f.design, None)?;
        Ok(match self.model.kind() {
            ModelKind::Binary => z.column(0).iter().copied().collect(),
            _ => z.row_iter().map(|r| r.max()).collect(),
        })
    }

    /// Logits of every row of `table`: n × 1 for a binary model, n × K otherwise.
    pub fn decision_matrix(&self, table: &Table) -> Result<DMatrix<f64>, Error> {
        let f = self.features(table)?;
        Ok(self.model.decision_function_on(&f.design, None)?)
    }

    /// P(positive class), one per row of `table`; for a K-class model the probability of the
    /// predicted class (every class's: [`predict_proba_matrix`](Self::predict_proba_matrix)).
    pub fn predict_proba(&self, table: &Table) -> Result<Vec<f64>, Error> {
        let p = self.predict_proba_matrix(table)?;
        Ok(match self.model.kind() {
            ModelKind::Binary => p.column(1).iter().copied().collect(),
            _ => p.row_iter().map(|r| r.max()).collect(),
        })
    }

    /// Class probabilities, n × K, columns in the order of [`classes`](Self::classes).
    pub fn predict_proba_matrix(&self, table: &Table) -> Result<DMatrix<f64>, Error> {
        let f = self.features(table)?;
        Ok(self.model.predict_proba_on(&f.design, None)?)
    }

    /// Predicted class of each row of `table`.
    pub fn predict(&self, table: &Table) -> Result<Vec<ClassLabel>, Error> {
        let f = self.features(table)?;
        let classes = self.model.classes();
        Ok(self
            .model
            .predict_index_on(&f.design, None)?
            .into_iter()
            .map(|k| classes[k].clone())
            .collect())
    }

    /// Metrics on a table that holds the target column.
    pub fn evaluate(&self, table: &Table) -> Result<Evaluation, Error> {
        let labels = labels_of(table, &self.target)?;
        let z = self.decision_function(table)?;
        self.evaluate_logits(&labels, None, &z)
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
        let z = self.model.decision_function_on(design, rows)?;
        if self.model.kind() != ModelKind::Binary {
            return Err(Error::Model(ModelError::InvalidParam {
                name: "model",
                value: format!("a {}-class model", self.model.classes().len()),
                expected: "a binary model (use evaluate_multiclass_on)",
            }));
        }
        let z: Vec<f64> = z.column(0).iter().copied().collect();
        self.evaluate_logits(labels, rows, &z)
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
        let z = self.model.decision_function_on(design, rows)?;
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
        let kind = self.model.kind();
        let pred = crate::model::argmax_from_logits(kind, &z);
        let names: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let report = multiclass_report(&truth, &pred, &refs)?;
        Ok(MulticlassEvaluation {
            n: truth.len(),
            accuracy: report.accuracy,
            classes: names,
            per_class: report.classes,
            macro_avg: report.macro_avg,
            weighted_avg: report.weighted_avg,
            confusion: report.confusion,
            log_loss: log_loss_from_logits(kind, &z, &truth),
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
    fn evaluate_logits(
        &self,
        labels: &[ClassLabel],
        rows: Option<&[usize]>,
        z: &[f64],
    ) -> Result<Evaluation, Error> {
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
        let truth: Vec<bool> = rows.iter().map(|&i| labels[i] == *positive).collect();
        Evaluation::from_logits(&truth, z)
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

    /// The classifier as versioned JSON.
    pub fn to_json(&self) -> Result<String, Error> {
        Ok(to_versioned_json(CLASSIFIER_KIND, self)?)
    }

    /// A classifier from versioned JSON, checked for internal consistency.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let c: Classifier = from_versioned_json(CLASSIFIER_KIND, text)?;
        c.model.validate()?;
        match c.pipeline.feature_names() {
            Some(names) => c.model.check_feature_names(names)?,
            None => {
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
