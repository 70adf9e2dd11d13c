//! The fit in passes: labels, the preprocessing's passes, the scratch design, the solver's
//! passes over it, the metrics.

use super::labels::{distinct_in, LabelCodes};
use super::{block_bytes, PassOptions, PassProgress, TrainedInPasses, MIN_MEMORY_LIMIT};
use crate::evaluate::{stratified_train_test_split, train_test_split, Split};
use crate::linalg::{LinalgError, RowBlocks, SourceError};
use crate::model::{two_classes, FitOptions, FittedModel, ModelError, ValidParams};
use crate::optim::{NoObserver, Observer};
use crate::preprocess::{Pipeline, PreprocessError, Table, TableFile};
use crate::{ClassLabel, Classifier, Error, Evaluation, FitColumns};
use logreg_scratch::{DesignWriter, ScratchDir};

/// The features and the target column of a chunk.
fn split_chunk(table: Table, target: &str, first: usize) -> Result<(Table, Table), Error> {
    let (features, target_column) = table
        .split_target_owned(target)
        .map_err(|e| Error::Preprocess(e.with_row_offset(first)))?;
    let labels = Table::new([(target, target_column)])?;
    Ok((features, labels))
}

fn source_error(e: Error) -> LinalgError {
    LinalgError::Source(SourceError::new(e))
}

/// Runs one pass over the file, calling `visit(first_row, chunk)` until it returns false.
fn each_chunk(
    file: &TableFile,
    chunk_rows: usize,
    visit: &mut dyn FnMut(usize, Table) -> Result<bool, Error>,
) -> Result<(), Error> {
    for chunk in file.chunks(chunk_rows)? {
        logreg_scratch::check_interrupted().map_err(Error::Scratch)?;
        let (first, table) = chunk?;
        if !visit(first, table)? {
            break;
        }
    }
    Ok(())
}

impl Classifier {
    /// Fits a pipeline and a model on a CSV or Parquet file in passes, never holding more than
    /// a bounded number of rows (see the [module documentation](crate::passes)): the fit the
    /// same pipeline and parameters make in memory on the same rows, for data larger than
    /// memory. Every solver but `sgd` runs; the median imputer is refused.
    ///
    /// ```
    /// use logreg::model::LogisticRegression;
    /// use logreg::passes::PassOptions;
    /// use logreg::preprocess::{CsvOptions, FileFormat, Pipeline, TableFile};
    /// use logreg::Classifier;
    ///
    /// let path = std::env::temp_dir().join(format!("logreg-doc-passes-{}.csv", std::process::id()));
    /// std::fs::write(&path, "x,y\n1,0\n2,0\n3,1\n4,0\n5,1\n6,1\n").unwrap();
    /// let file = TableFile::open(&path, FileFormat::Csv, &CsvOptions::new())?;
    /// let params = LogisticRegression::params().check()?;
    /// let fit = Classifier::fit_in_passes(&file, "y", Pipeline::new().standardize_all(), &params,
    ///     PassOptions { memory_limit: 64 << 20, ..PassOptions::default() })?;
    /// assert_eq!(fit.n_rows, 6);
    /// assert!(fit.classifier.model().report().converged);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn fit_in_passes(
        file: &TableFile,
        target: &str,
        mut pipeline: Pipeline,
        params: &ValidParams,
        mut opts: PassOptions<'_>,
    ) -> Result<TrainedInPasses, Error> {
        if opts.memory_limit < MIN_MEMORY_LIMIT {
            return Err(Error::Model(ModelError::InvalidParam {
                name: "memory_limit",
                value: opts.memory_limit.to_string(),
                expected: "at least 16 MB",
            }));
        }
        let threshold = opts.threshold;
        crate::model::logit_threshold(threshold)?;
        if !file.schema().fields.iter().any(|f| f.name == target) {
            return Err(PreprocessError::ColumnNotFound {
                column: target.to_string(),
                available: file.header().to_vec(),
            }
            .into());
        }
        let parent = opts.scratch_dir.clone().unwrap_or_else(std::env::temp_dir);
        logreg_scratch::clean_stale(&parent);
        let scratch = ScratchDir::create(&parent)?;
        let mut no_progress = |_: &PassProgress| {};
        let progress: &mut dyn FnMut(&PassProgress) = match opts.progress.take() {
            Some(p) => p,
            None => &mut no_progress,
        };
        // Rows of a Parquet batch: a few megabytes of design at a time.
        let width = file.schema().fields.len().max(1);
        let chunk_rows = ((4 << 20) / (8 * width)).clamp(1024, 1 << 16);
        let learns = pipeline.steps().iter().any(|s| {
            matches!(
                s,
                crate::preprocess::Step::StandardScaler(_)
                    | crate::preprocess::Step::MinMaxScaler(_)
                    | crate::preprocess::Step::OneHotEncoder(_)
                    | crate::preprocess::Step::Imputer(_)
            )
        });
        let holdout = opts.test_size > 0.0;
        let labels_first = learns && (holdout || opts.stratify);
        let mut file_passes = 0;
        let mut labels = LabelCodes::new();
        let mut split: Option<Split> = None;
        let make_split = |labels: &LabelCodes| -> Result<Option<Split>, Error> {
            if !holdout {
                return Ok(None);
            }
            let s = if opts.stratify {
                stratified_train_test_split(&labels.codes, opts.test_size, opts.seed)?
            } else {
                train_test_split(labels.codes.len(), opts.test_size, opts.seed)?
            };
            Ok(Some(s))
        };

        // 1. Labels first, when the steps must know the training rows before the design.
        if labels_first {
            file_passes += 1;
            let pass = file_passes;
            let mut rows = 0;
            each_chunk(file, chunk_rows, &mut |first, table| {
                let column = table.column(target)?;
                labels.extend(column, target, first)?;
                rows += table.n_rows();
                progress(&PassProgress {
                    pass,
                    what: "reading labels".into(),
                    rows,
                });
                Ok(true)
            })?;
            if labels.codes.is_empty() {
                return Err(PreprocessError::NoRows {
                    path: Some(file.path().to_path_buf()),
                }
                .into());
            }
            split = make_split(&labels)?;
        }

        // 2. One pass per learning step, on the training rows.
        if learns {
            let mask: Option<Vec<bool>> = split.as_ref().map(|s| {
                let mut m = vec![false; labels.codes.len()];
                for &i in &s.train {
                    m[i] = true;
                }
                m
            });
            let mut failure: Option<Error> = None;
            let mut pass_rows = 0;
            let used = pipeline.fit_passes(mask.as_deref(), &mut |visit| {
                file_passes += 1;
                pass_rows = 0;
                let pass = file_passes;
                let result = each_chunk(file, chunk_rows, &mut |first, table| {
                    let n = table.n_rows();
                    let (features, _) = split_chunk(table, target, first)?;
                    let more = visit(first, features)?;
                    pass_rows += n;
                    progress(&PassProgress {
                        pass,
                        what: "fitting the preprocessing".into(),
                        rows: pass_rows,
                    });
                    Ok(more)
                });
                result.map_err(|e| match e {
                    Error::Preprocess(p) => p,
                    other => {
                        failure = Some(other);
                        PreprocessError::InvalidParameter {
                            parameter: "pass".into(),
                            reason: "stopped".into(),
                        }
                    }
                })
            });
            if let Some(e) = failure {
                return Err(e);
            }
            used?;
        }

        // 3. The design, written to the scratch directory (with the labels, if not read yet).
        let mut writer: Option<DesignWriter> = None;
        file_passes += 1;
        let pass = file_passes;
        let mut rows = 0;
        let read_labels = !labels_first;
        each_chunk(file, chunk_rows, &mut |first, table| {
            let n = table.n_rows();
            let (features, target_table) = split_chunk(table, target, first)?;
            if read_labels {
                labels.extend(target_table.column(target)?, target, first)?;
            }
            if !pipeline.is_fitted() {
                // Nothing to learn: the first chunk fixes the output columns.
                let shape = features.clone();
                pipeline.fit_passes(None, &mut |visit| visit(first, shape.clone()).map(|_| ()))?;
            }
            let f = pipeline
                .transform_owned(features)
                .map_err(|e| e.with_row_offset(first))?;
            if writer.is_none() {
                writer = Some(DesignWriter::create(
                    &scratch,
                    f.design.storage(),
                    f.design.n_cols(),
                )?);
            }
            if let Some(w) = writer.as_mut() {
                w.append(&f.design).map_err(Error::Scratch)?;
            }
            rows += n;
            progress(&PassProgress {
                pass,
                what: "writing the design".into(),
                rows,
            });
            Ok(true)
        })?;
        let Some(writer) = writer else {
            return Err(PreprocessError::NoRows {
                path: Some(file.path().to_path_buf()),
            }
            .into());
        };
        if rows != labels.codes.len() {
            return Err(PreprocessError::InputChanged {
                path: Some(file.path().to_path_buf()),
                what: format!(
                    "one pass read {} data rows, another {rows}",
                    labels.codes.len()
                ),
            }
            .into());
        }
        if split.is_none() {
            split = make_split(&labels)?;
        }
        let n = rows;

        // 4. The solver, in passes over the scratch file.
        let n_cols = writer.n_cols();
        let block_bytes = block_bytes(opts.memory_limit, n, split.is_some());
        let design = writer.finish(block_bytes).map_err(Error::Scratch)?;
        let block_rows = (block_bytes / (8 * n_cols.max(1))).max(1);
        let train_rows: Option<Vec<usize>> = split.as_ref().map(|s| {
            let mut t = s.train.clone();
            t.sort_unstable();
            t
        });
        // The classes of the training rows; an unknown positive class is named by its text.
        let positive = match opts.positive_class.take() {
            None => None,
            Some(wanted) => {
                let name = wanted.to_string();
                let all = if train_rows.is_some() {
                    distinct_in(&labels, train_rows.as_deref())
                } else {
                    labels.labels.clone()
                };
                Some(
                    all.iter()
                        .find(|l| l.to_string() == name)
                        .cloned()
                        .ok_or_else(|| {
                            let mut classes: Vec<String> =
                                all.iter().map(|l| l.to_string()).collect();
                            classes.sort();
                            Error::Model(ModelError::UnknownPositiveClass {
                                given: name,
                                classes: classes.into_iter().take(10).collect(),
                            })
                        })?,
                )
            }
        };
        let all_train = distinct_in(&labels, train_rows.as_deref());
        let classes = two_classes(&all_train, positive)?;
        let class_code = |label: &ClassLabel| labels.labels.iter().position(|l| l == label);
        let neg_code = class_code(&classes[0]).unwrap_or(0) as u16;
        let pos_code = class_code(&classes[1]).unwrap_or(0) as u16;
        // 0/1 codes: 1 for the positive class (the larger one, so the fit keeps it positive).
        let y: Vec<u8> = labels
            .codes
            .iter()
            .map(|&c| u8::from(c == pos_code))
            .collect();
        let mut no_observer = NoObserver;
        let observer: &mut dyn Observer = match opts.observer.take() {
            Some(o) => o,
            None => &mut no_observer,
        };
        let model = params.fit_blocks(
            &design,
            &y,
            FitOptions {
                rows: train_rows.as_deref(),
                feature_names: pipeline.feature_names().map(<[String]>::to_vec),
                observer: Some(observer),
                ..FitOptions::default()
            },
        )?;
        let model = model.with_classes(classes.clone());
        let classifier = Classifier::from_parts(
            target.to_string(),
            Some(pipeline),
            FittedModel::Binary(model),
            &FitColumns::default(),
        );

        // 5. Scores of every row, for the metrics.
        let mut z = vec![0.0; n];
        let scoring = file_passes + 1;
        design.pass(&mut |first, block| {
            let s = classifier
                .model()
                .decision_function_on(block, None, None)
                .map_err(|e| source_error(e.into()))?;
            z[first..first + s.len()].copy_from_slice(s.as_slice());
            progress(&PassProgress {
                pass: scoring,
                what: "scoring".into(),
                rows: first + s.len(),
            });
            Ok(())
        })?;
        let metrics = |rows: Option<&[usize]>| -> Result<(Evaluation, Vec<bool>, Vec<f64>), Error> {
            let idx: Vec<usize> = match rows {
                Some(r) => r.to_vec(),
                None => (0..n).collect(),
            };
            let mut truth = Vec::with_capacity(idx.len());
            let mut scores = Vec::with_capacity(idx.len());
            for &i in &idx {
                let c = labels.codes[i];
                if c != pos_code && c != neg_code {
                    return Err(Error::UnknownLabel {
                        column: target.to_string(),
                        row: i + 1,
                        value: labels.labels[c as usize].to_string(),
                        classes: vec![classes[0].to_string(), classes[1].to_string()],
                    });
                }
                truth.push(c == pos_code);
                scores.push(z[i]);
            }
            let e = Evaluation::from_logits_at(&truth, &scores, threshold)?;
            Ok((e, truth, scores))
        };
        let (train, train_truth, train_scores) = metrics(train_rows.as_deref())?;
        let (test, roc_rows) = match &split {
            Some(s) => {
                let mut rows = s.test.clone();
                rows.sort_unstable();
                let (e, truth, scores) = metrics(Some(&rows))?;
                (Some(e), (truth, scores))
            }
            None => (None, (train_truth, train_scores)),
        };
        Ok(TrainedInPasses {
            classifier,
            n_rows: n,
            split,
            train,
            test,
            roc_rows,
            file_passes,
            scratch_bytes: design.bytes(),
            block_rows,
        })
    }
}
