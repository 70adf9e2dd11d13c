//! A table in, a decision out: a fitted preprocessing pipeline and a logistic regression saved as
//! one artifact, and the metrics a user reads after training.

use crate::columns::{offsets_in, values_of, FitColumns};
use crate::evaluate::{
    brier_score_loss, confusion_matrix, multiclass_report, roc_auc, ConfusionMatrix, ReportRow,
};
use crate::linalg::{sigmoid, Design};
use crate::model::{
    from_versioned_json, log_loss_from_logits, logit_threshold, proba_from_logits, read_text,
    sorted_classes, to_versioned_json, two_classes, write_new, CvOptions, CvResult, FitOptions,
    FittedLogisticRegression, FittedModel, FittedMultinomial, FittedOneVsRest, ModelError,
    ModelKind, MultiClass, MultiFitOptions, Summary, ValidParams,
};
use crate::preprocess::{ColumnView, Features, LibsvmData, Pipeline, Ranks, Table};
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
pub(crate) fn labels_in(column: ColumnView<'_>, target: &str) -> Result<Vec<ClassLabel>, Error> {
    labels_in_at(column, target, 0)
}

/// [`labels_in`] for a chunk whose first row is row `offset` of its file.
pub(crate) fn labels_in_at(
    column: ColumnView<'_>,
    target: &str,
    offset: usize,
) -> Result<Vec<ClassLabel>, Error> {
    let missing = |i: usize| Error::MissingLabel {
        column: target.to_string(),
        row: offset + i + 1,
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

/// What a fit takes out of a table besides the features: the target's labels and the sample
/// weight and offset columns `columns` names (`weight_given`/`offset_given`: `FitOptions`
/// already holds them, and a column as well is an error). Returns the feature table, labels,
/// weights and offsets.
#[allow(clippy::type_complexity)]
pub(crate) fn split_fit_columns(
    table: Table,
    target: &str,
    columns: &FitColumns,
    weight_given: bool,
    offset_given: bool,
) -> Result<(Table, Vec<ClassLabel>, Option<Vec<f64>>, Option<Vec<f64>>), Error> {
    let (features, target_column) = table.split_target_owned(target)?;
    let labels = labels_in(target_column.view(), target)?;
    drop(target_column);
    let (features, sample_weight) = take_column(
        features,
        columns.sample_weight.as_deref(),
        "sample weight",
        weight_given,
    )?;
    let (features, offset) =
        take_column(features, columns.offset.as_deref(), "offset", offset_given)?;
    Ok((features, labels, sample_weight, offset))
}

/// The classes of a fit's training labels, checked: none or one is an error, and with more
/// than two the options that belong to a binary model (a positive class, offsets — given or
/// from `offset_column` —, a warm start) are refused. Returns how many classes there are.
pub(crate) fn check_fit_classes(
    classes: &[ClassLabel],
    opts: &FitOptions<'_, ClassLabel>,
    offset_column: bool,
) -> Result<usize, Error> {
    match classes.len() {
        0 => Err(ModelError::Empty.into()),
        1 => Err(ModelError::SingleClass {
            class: format!("{:?}", classes[0]),
        }
        .into()),
        k if k > 2
            && (opts.positive_class.is_some()
                || opts.offset.is_some()
                || offset_column
                || opts.warm_start.is_some()) =>
        {
            Err(ModelError::InvalidParam {
                name: "positive_class, offset or warm_start",
                value: format!("given with {k} classes"),
                expected: "two classes (they belong to a binary model)",
            }
            .into())
        }
        k => Ok(k),
    }
}

/// The pipeline fitted on the training rows of `table` and a K-class model (multinomial or
/// one-vs-rest, as `params` say) of its features and `labels` (the table's, with the sample
/// weights taken from its weight column), on this process's rows ([`Ranks::local`]) or on every
/// rank's (multinomial only: one-vs-rest is refused on several ranks, before any work).
pub(crate) fn train_k_classes(
    target: &str,
    columns: &FitColumns,
    mut pipeline: Pipeline,
    (table, labels, sample_weight): (Table, Vec<ClassLabel>, Option<Vec<f64>>),
    params: &ValidParams,
    opts: FitOptions<'_, ClassLabel>,
    ranks: &Ranks<'_>,
) -> Result<Trained, Error> {
    let world = ranks.world();
    if world.size() > 1 && params.multi_class() == MultiClass::OneVsRest {
        return Err(ModelError::InvalidParam {
            name: "multi_class",
            value: "ovr".to_string(),
            expected: "multinomial in a distributed fit (one-vs-rest models are fitted on one \
                       process)",
        }
        .into());
    }
    let features = pipeline.fit_transform_owned_in(table, opts.rows, ranks)?;
    let mo = MultiFitOptions {
        rows: opts.rows,
        sample_weight: opts.sample_weight.or(sample_weight.as_deref()),
        feature_names: Some(features.names.clone()),
        ..MultiFitOptions::default()
    };
    let design = &features.design;
    let model = match params.multi_class() {
        MultiClass::Multinomial => FittedModel::Multinomial(
            params.fit_multinomial_distributed(design, &labels, mo, world)?,
        ),
        MultiClass::OneVsRest => {
            FittedModel::OneVsRest(params.fit_one_vs_rest_with(design, &labels, mo)?)
        }
    };
    Ok(Trained {
        classifier: Classifier::from_parts(target.to_string(), Some(pipeline), model, columns),
        features,
        labels,
        offset: None,
        sample_weight,
    })
}

/// The table without column `name` and that column's values as weights (`role` "sample
/// weight": > 0) or offsets; `given` says whether `FitOptions` already holds them.
pub(crate) fn take_column(
    table: Table,
    name: Option<&str>,
    role: &'static str,
    given: bool,
) -> Result<(Table, Option<Vec<f64>>), Error> {
    let Some(name) = name else {
        return Ok((table, None));
    };
    if given {
        return Err(Error::Model(ModelError::InvalidParam {
            name: if role == "offset" {
                "offset"
            } else {
                "sample_weight"
            },
            value: format!("both a column ({name:?}) and FitOptions"),
            expected: "one of them",
        }));
    }
    let (rest, column) = table.split_target_owned(name)?;
    let values = values_of(column.view(), name, role, role != "offset")?;
    Ok((rest, Some(values)))
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
    /// How table columns become features; `None` for a model that reads libsvm rows, whose
    /// feature i is design column i − 1.
    pipeline: Option<Pipeline>,
    model: FittedModel<ClassLabel>,
    /// The column the sample weights came from (not needed to predict).
    sample_weight_column: Option<String>,
    /// The column of offsets, read again at every prediction.
    offset_column: Option<String>,
}

/// The file's shape: a binary model under `model`, as files before multiclass support were
/// written (they still load: `model_kind` defaults to binary); a K-class model under
/// `multinomial` or `one_vs_rest`, named by `model_kind`.
#[derive(Serialize, Deserialize)]
struct ClassifierFile {
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

/// The labels of libsvm rows, as numbers.
pub fn libsvm_labels(data: &LibsvmData) -> Vec<ClassLabel> {
    data.numeric_labels()
        .into_iter()
        .map(ClassLabel::Number)
        .collect()
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
        pipeline: Pipeline,
        params: &ValidParams,
        opts: FitOptions<'_, ClassLabel>,
    ) -> Result<Trained, Error> {
        Self::fit_owned_with(
            table,
            target,
            &FitColumns::default(),
            pipeline,
            params,
            opts,
        )
    }

    /// [`fit_owned`](Self::fit_owned) with sample weights and offsets taken from columns of the
    /// table (which are then not features); the classifier keeps the offset column's name and
    /// reads that column again whenever it predicts. Weights must be finite and > 0, offsets
    /// finite; an error names the first row that is not. Weights and offsets given in `opts` as
    /// well are refused.
    pub fn fit_owned_with(
        table: Table,
        target: &str,
        columns: &FitColumns,
        mut pipeline: Pipeline,
        params: &ValidParams,
        mut opts: FitOptions<'_, ClassLabel>,
    ) -> Result<Trained, Error> {
        columns.check(target)?;
        let (features_table, labels, sample_weight, offset) = split_fit_columns(
            table,
            target,
            columns,
            opts.sample_weight.is_some(),
            opts.offset.is_some(),
        )?;
        let train_labels: Vec<ClassLabel> = match opts.rows {
            Some(rows) => rows
                .iter()
                .filter_map(|&i| labels.get(i).cloned())
                .collect(),
            None => labels.clone(),
        };
        // Checked before the pipeline runs, so a label problem is reported before any work.
        let classes = sorted_classes(&train_labels)?;
        if check_fit_classes(&classes, &opts, offset.is_some())? > 2 {
            let parts = (features_table, labels, sample_weight);
            return train_k_classes(
                target,
                columns,
                pipeline,
                parts,
                params,
                opts,
                &Ranks::local(),
            );
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
        let opts = FitOptions {
            sample_weight: opts.sample_weight.or(sample_weight.as_deref()),
            offset: opts.offset.or(offset.as_deref()),
            rows: opts.rows,
            positive_class: opts.positive_class,
            warm_start: opts.warm_start,
            feature_names: opts.feature_names,
            observer: opts.observer.map(|o| o as &mut dyn crate::optim::Observer),
        };
        let model = FittedModel::Binary(params.fit_with(&features.design, &labels, opts)?);
        Ok(Trained {
            classifier: Classifier {
                target: target.to_string(),
                pipeline: Some(pipeline),
                model,
                sample_weight_column: columns.sample_weight.clone(),
                offset_column: columns.offset.clone(),
            },
            features,
            labels,
            offset,
            sample_weight,
        })
    }

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

    /// Choose C (and ρ) by cross-validation on the rows `cv.rows` (every row when `None`) and
    /// refit there, as [`ValidParams::cross_validate`]; the pipeline is fitted on those rows first
    /// and the folds are taken from its output. Returns the classifier at the chosen C, the design
    /// of every row with the labels, and the cross-validation table.
    ///
    /// Sample weights may come from a column (`columns.sample_weight`, as
    /// [`fit_owned_with`](Self::fit_owned_with)); an offset column is refused, since the path
    /// and its folds are fitted without offsets.
    pub fn cross_validate_owned(
        table: Table,
        target: &str,
        columns: &FitColumns,
        mut pipeline: Pipeline,
        params: &ValidParams,
        cv: CvOptions<'_>,
    ) -> Result<(Trained, CvResult<ClassLabel>), Error> {
        columns.check(target)?;
        if let Some(name) = &columns.offset {
            return Err(Error::Model(ModelError::InvalidParam {
                name: "offset",
                value: format!("the column {name:?} with cross-validation"),
                expected: "no offset (cross-validated fits take sample weights, not offsets)",
            }));
        }
        // The offset column was refused above, so none is taken out here.
        let (features_table, labels, sample_weight, _) =
            split_fit_columns(table, target, columns, cv.sample_weight.is_some(), false)?;
        let features = pipeline.fit_transform_owned(features_table, cv.rows)?;
        let cv = CvOptions {
            sample_weight: cv.sample_weight.or(sample_weight.as_deref()),
            feature_names: Some(features.names.clone()),
            multi_class: params.multi_class(),
            ..cv
        };
        let result = params.cross_validate(&features.design, &labels, cv)?;
        let trained = Trained {
            classifier: Classifier {
                target: target.to_string(),
                pipeline: Some(pipeline),
                model: result.refit.clone(),
                sample_weight_column: columns.sample_weight.clone(),
                offset_column: None,
            },
            features,
            labels,
            offset: None,
            sample_weight,
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

    /// The column the fit's sample weights came from, if any.
    pub fn sample_weight_column(&self) -> Option<&str> {
        self.sample_weight_column.as_deref()
    }

    /// The column whose values are added to every logit, if the fit had an offset; every table
    /// given to predict or evaluate must have it.
    pub fn offset_column(&self) -> Option<&str> {
        self.offset_column.as_deref()
    }

    /// The offsets of `table`'s rows, when the model has an offset column.
    pub fn offsets(&self, table: &Table) -> Result<Option<Vec<f64>>, Error> {
        self.offset_column
            .as_deref()
            .map(|name| offsets_in(table, name))
            .transpose()
    }

    /// Fit on libsvm rows: the sparse design as read and its labels (numbers, as the file
    /// wrote them). The classifier then predicts libsvm files with the same feature count
    /// (see [`predict_libsvm`](Self::predict_libsvm)); its features are named by their 1-based
    /// libsvm index.
    pub fn fit_libsvm(
        data: LibsvmData,
        params: &ValidParams,
        mut opts: FitOptions<'_, ClassLabel>,
    ) -> Result<Trained, Error> {
        let labels = libsvm_labels(&data);
        let names: Vec<String> = (1..=data.n_features()).map(|i| i.to_string()).collect();
        let train_labels: Vec<ClassLabel> = match opts.rows {
            Some(rows) => rows
                .iter()
                .filter_map(|&i| labels.get(i).cloned())
                .collect(),
            None => labels.clone(),
        };
        two_classes(&train_labels, None)?;
        if let Some(wanted) = opts.positive_class.take() {
            let name = wanted.to_string();
            let as_number: Option<f64> = name.trim().parse().ok();
            let found = train_labels
                .iter()
                .find(|l| Some(*l) == as_number.map(ClassLabel::Number).as_ref())
                .cloned();
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
        let design = Design::Sparse(data.design);
        opts.feature_names = Some(names.clone());
        let model = FittedModel::Binary(params.fit_with(&design, &labels, opts)?);
        Ok(Trained {
            classifier: Classifier {
                target: LIBSVM_TARGET.to_string(),
                pipeline: None,
                sample_weight_column: None,
                offset_column: None,
                model,
            },
            features: Features { design, names },
            labels,
            offset: None,
            sample_weight: None,
        })
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

    /// Metrics of the model on libsvm rows (their labels read as numbers), rows predicted
    /// positive when P(positive) > `threshold` ∈ (0, 1); errors name 1-based rows of the data.
    pub fn evaluate_libsvm(&self, data: &LibsvmData, threshold: f64) -> Result<Evaluation, Error> {
        let z = self.decision_function_libsvm(data)?;
        self.evaluate_logits(&libsvm_labels(data), &z, threshold)
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
    fn evaluate_logits_at(
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
