//! Fitting a [`Classifier`]: on a table (binary or K classes), on libsvm rows, or with C chosen
//! by cross-validation.

use super::labels::{labels_in, ClassLabel};
use super::{Classifier, Trained};
use crate::collective::Local;
use crate::columns::{values_of, FitColumns};
use crate::distributed::LocalLibsvm;
use crate::model::{
    CvOptions, CvResult, FitOptions, FittedModel, ModelError, MultiClass, MultiFitOptions,
    ValidParams,
};
use crate::preprocess::{LibsvmData, Pipeline, Ranks, Table};
use crate::Error;

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
/// rank's.
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
            FittedModel::OneVsRest(params.fit_one_vs_rest_distributed(design, &labels, mo, world)?)
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

/// The labels of the training rows `rows` (every row when `None`).
pub(crate) fn training_labels(labels: &[ClassLabel], rows: Option<&[usize]>) -> Vec<ClassLabel> {
    match rows {
        Some(rows) => rows
            .iter()
            .filter_map(|&i| labels.get(i).cloned())
            .collect(),
        None => labels.to_vec(),
    }
}

/// The error for a positive class `given` that is none of the training labels (the first ten
/// classes, sorted by their printed form, are named).
pub(crate) fn unknown_positive_class(given: String, train_labels: &[ClassLabel]) -> Error {
    let mut classes: Vec<String> = train_labels.iter().map(|l| l.to_string()).collect();
    classes.sort();
    classes.dedup();
    Error::Model(ModelError::UnknownPositiveClass {
        given,
        classes: classes.into_iter().take(10).collect(),
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
        pipeline: Pipeline,
        params: &ValidParams,
        opts: FitOptions<'_, ClassLabel>,
    ) -> Result<Trained, Error> {
        // One process is the job of one rank: the same checks, pipeline and fit.
        Self::fit_on_ranks(
            table,
            target,
            columns,
            pipeline,
            params,
            opts,
            &Ranks::local(),
        )
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

    /// Fit on libsvm rows: the sparse design as read and its labels (numbers, as the file
    /// wrote them). The classifier then predicts libsvm files with the same feature count
    /// (see [`predict_libsvm`](Self::predict_libsvm)); its features are named by their 1-based
    /// libsvm index.
    pub fn fit_libsvm(
        data: LibsvmData,
        params: &ValidParams,
        opts: FitOptions<'_, ClassLabel>,
    ) -> Result<Trained, Error> {
        let rows = data.n_rows();
        let local = LocalLibsvm {
            labels: data.numeric_labels(),
            design: data.design,
            rows_before: 0,
            total_rows: rows,
        };
        Self::fit_libsvm_on_ranks(local, params, opts, &Local)
    }
}
