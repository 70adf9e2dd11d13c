//! The fit on every rank's table, and metrics of every rank's rows.

use logreg_collective::{all_gather_f64, Collective};

use super::agreed;
use crate::classifier::{
    check_fit_classes, split_fit_columns, train_k_classes, training_labels, unknown_positive_class,
};
use crate::linalg::Design;
use crate::model::{
    classes_on_ranks, FitOptions, FittedLogisticRegression, FittedModel, ModelError, ValidParams,
};
use crate::preprocess::{Pipeline, Ranks, RowOrigins, Table};
use crate::{ClassLabel, Classifier, Error, Evaluation, FitColumns, MulticlassEvaluation, Trained};
use nalgebra::DMatrix;

impl Classifier {
    /// [`fit_owned_with`](Classifier::fit_owned_with) on the rows of every rank: each rank
    /// passes its own table (the same columns and types on every rank; see
    /// [`read_csv_on_ranks`](super::read_csv_on_ranks)) and its training rows (`opts.rows`, this rank's indices), and every
    /// rank gets the same classifier, with the features, labels and offsets of its own rows. The
    /// classes are those of every rank's training labels; the pipeline learns from every rank's
    /// training rows; the model is [`ValidParams::fit_distributed`] for two classes and
    /// [`ValidParams::fit_multinomial_distributed`] or
    /// [`ValidParams::fit_one_vs_rest_distributed`] for more (a rank may lack some classes),
    /// with each rank's sample weights and offsets taken from the `columns` of its table. A
    /// failure on one rank is every rank's error, at its file and row when `ranks` knows the
    /// rows' origins. With [`Ranks::local`] this is [`fit_owned_with`](Classifier::fit_owned_with).
    pub fn fit_on_ranks(
        table: Table,
        target: &str,
        columns: &FitColumns,
        mut pipeline: Pipeline,
        params: &ValidParams,
        mut opts: FitOptions<'_, ClassLabel>,
        ranks: &Ranks<'_>,
    ) -> Result<Trained, Error> {
        let world = ranks.world();
        let no_origins = RowOrigins::new();
        let origins = ranks.origins().unwrap_or(&no_origins);
        columns.check(target)?;
        let (features_table, labels, sample_weight, offset) = agreed(
            world,
            origins,
            split_fit_columns(
                table,
                target,
                columns,
                opts.sample_weight.is_some(),
                opts.offset.is_some(),
            ),
        )?;
        let train_labels = training_labels(&labels, opts.rows);
        // Every rank's classes, checked before the pipeline runs.
        let classes = classes_on_ranks(world, &train_labels)?;
        if check_fit_classes(&classes, &opts, offset.is_some())? > 2 {
            let parts = (features_table, labels, sample_weight);
            return train_k_classes(target, columns, pipeline, parts, params, opts, ranks);
        }
        if let Some(wanted) = opts.positive_class.take() {
            let name = wanted.to_string();
            let found = classes.iter().find(|l| l.to_string() == name).cloned();
            opts.positive_class =
                Some(found.ok_or_else(|| unknown_positive_class(name, &classes))?);
        }
        let features = pipeline.fit_transform_owned_in(features_table, opts.rows, ranks)?;
        let opts = FitOptions {
            sample_weight: opts.sample_weight.or(sample_weight.as_deref()),
            offset: opts.offset.or(offset.as_deref()),
            rows: opts.rows,
            positive_class: opts.positive_class,
            warm_start: opts.warm_start,
            feature_names: Some(features.names.clone()),
            observer: opts.observer.map(|o| o as &mut dyn crate::optim::Observer),
        };
        let model = fit_binary(params, &features.design, &labels, opts, world)?;
        Ok(Trained {
            classifier: Classifier::from_parts(
                target.to_string(),
                Some(pipeline),
                FittedModel::Binary(model),
                columns,
            ),
            features,
            labels,
            offset,
            sample_weight,
        })
    }
}

impl Trained {
    /// [`Classifier::evaluate_multiclass_on`] over every rank's rows: each rank passes its rows
    /// (`None`: all of them) and every rank gets the per-class metrics, confusion matrix and log
    /// loss of all those rows together. Each row's logits and class travel to every rank
    /// (8(K + 1) bytes a row).
    pub fn evaluate_multiclass_on_ranks(
        &self,
        ranks: &Ranks<'_>,
        rows: Option<&[usize]>,
    ) -> Result<MulticlassEvaluation, Error> {
        let world = ranks.world();
        let no_origins = RowOrigins::new();
        let origins = ranks.origins().unwrap_or(&no_origins);
        let classifier = &self.classifier;
        let local = agreed(
            world,
            origins,
            classifier.logits_and_classes(&self.features.design, &self.labels, rows),
        )?;
        let (z, truth) = local;
        let width = z.ncols();
        let mine: Vec<f64> = z
            .row_iter()
            .zip(&truth)
            .flat_map(|(r, &t)| r.iter().copied().chain([t as f64]).collect::<Vec<f64>>())
            .collect();
        let (mut all_z, mut all_truth) = (Vec::new(), Vec::new());
        for theirs in all_gather_f64(world, &mine)? {
            for row in theirs.chunks_exact(width + 1) {
                all_z.extend_from_slice(&row[..width]);
                all_truth.push(row[width] as usize);
            }
        }
        let z = DMatrix::from_row_slice(all_truth.len(), width, &all_z);
        classifier.multiclass_evaluation(&z, &all_truth)
    }

    /// [`evaluate`](Trained::evaluate) over every rank's rows: each rank passes its rows (`None`:
    /// all of them) and every rank gets the metrics of all those rows together, at a probability
    /// `threshold`. The logits (offsets included) and labels of the rows travel to every rank
    /// (16 bytes a row), so that ROC AUC is exact.
    pub fn evaluate_on_ranks(
        &self,
        ranks: &Ranks<'_>,
        rows: Option<&[usize]>,
        threshold: f64,
    ) -> Result<Evaluation, Error> {
        let world = ranks.world();
        let no_origins = RowOrigins::new();
        let origins = ranks.origins().unwrap_or(&no_origins);
        let local = agreed(
            world,
            origins,
            (|| {
                let z = self.logits(rows)?;
                let truth = self.classifier.truth(&self.labels, rows)?;
                Ok(z.iter()
                    .zip(truth)
                    .flat_map(|(&z, t)| [z, f64::from(u8::from(t))])
                    .collect::<Vec<f64>>())
            })(),
        )?;
        let (mut truth, mut z) = (Vec::new(), Vec::new());
        for theirs in all_gather_f64(world, &local)? {
            for pair in theirs.chunks_exact(2) {
                z.push(pair[0]);
                truth.push(pair[1] != 0.0);
            }
        }
        Evaluation::from_logits_at(&truth, &z, threshold)
    }
}

/// The binary fit on this process's rows (one rank), or on every rank's: one process skips
/// gathering the classes, which copies every training label.
pub(super) fn fit_binary(
    params: &ValidParams,
    design: &Design<'_>,
    labels: &[ClassLabel],
    opts: FitOptions<'_, ClassLabel>,
    world: &dyn Collective,
) -> Result<FittedLogisticRegression<ClassLabel>, ModelError> {
    if world.size() == 1 {
        params.fit_with(design, labels, opts)
    } else {
        params.fit_distributed(design, labels, opts, world)
    }
}
