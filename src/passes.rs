//! Fits on files larger than memory: the file is read in passes, the design is written once to
//! a scratch file and every solver pass reads it back block by block, so memory holds a bounded
//! number of rows (plus a few bytes of bookkeeping per row: a label code, the split).
//!
//! 1. A first pass reads the labels (and counts the rows) — merged into the writing pass when
//!    nothing needs them earlier.
//! 2. Each preprocessing step that learns from rows takes one pass
//!    ([`Pipeline::fit_passes`]), on the training rows of the split.
//! 3. A writing pass transforms every row and appends its design row to a scratch file
//!    ([`logreg_scratch::DesignWriter`]) in a private directory removed at exit.
//! 4. The solver's passes read the scratch file memory-mapped in blocks of a size set by the
//!    memory limit ([`logreg_scratch::DesignFile`], a
//!    [`RowBlocks`] source), with the same kernels, the same solvers
//!    and the same stopping rules as a fit in memory
//!    ([`ValidParams::fit_blocks`](crate::model::ValidParams::fit_blocks)).
//! 5. One more pass over the scratch file scores the training and test rows.
//!
//! Splits are row indices on the stream: the same seeded split of `0..n` as in memory, so a fit
//! in passes and a fit in memory of the same file with the same seed fit the same rows.

use std::path::PathBuf;

use crate::evaluate::{stratified_train_test_split, train_test_split, Split};
use crate::linalg::{LinalgError, RowBlocks, SourceError};
use crate::model::{two_classes, FitOptions, FittedModel, ModelError, ValidParams};
use crate::optim::{NoObserver, Observer};
use crate::preprocess::{ColumnView, FileFormat, Pipeline, PreprocessError, Table, TableFile};
use crate::{ClassLabel, Classifier, Error, Evaluation, FitColumns};
use logreg_scratch::{DesignWriter, ScratchDir};

/// Fewer bytes than this cannot hold a block, the parser's buffers and the bookkeeping.
pub const MIN_MEMORY_LIMIT: u64 = 16 << 20;

/// How a fit larger than memory reads its data (the library form of `--memory-limit`).
pub struct PassOptions<'a> {
    /// The memory the fit may use, in bytes (at least [`MIN_MEMORY_LIMIT`]): bounds the rows
    /// read at a time and the blocks of the solver's passes.
    pub memory_limit: u64,
    /// Where the scratch directory goes (default: the system's temporary directory).
    pub scratch_dir: Option<PathBuf>,
    /// The held-out rows: a fraction in `[0, 1)` (0: none), its seed, and whether the split
    /// keeps the class proportions.
    pub test_size: f64,
    /// Seed of the split.
    pub seed: u64,
    /// Keep each class's proportion in the split.
    pub stratify: bool,
    /// The class whose probability is predicted (matched by its printed form).
    pub positive_class: Option<ClassLabel>,
    /// The metrics count a row as predicted positive when P(positive) > `threshold`, in
    /// (0, 1) (0.5 by default).
    pub threshold: f64,
    /// Sees every solver iteration.
    pub observer: Option<&'a mut dyn Observer>,
    /// Sees every chunk or block of every pass.
    pub progress: Option<&'a mut dyn FnMut(&PassProgress)>,
}

impl Default for PassOptions<'_> {
    fn default() -> Self {
        PassOptions {
            memory_limit: 1 << 30,
            scratch_dir: None,
            test_size: 0.0,
            seed: 42,
            stratify: false,
            positive_class: None,
            threshold: 0.5,
            observer: None,
            progress: None,
        }
    }
}

/// Where a fit in passes is: which pass, doing what, how many rows done.
#[derive(Debug, Clone, PartialEq)]
pub struct PassProgress {
    /// 1-based pass number over the input file (then over the scratch file).
    pub pass: usize,
    /// What the pass does: "reading labels", "fitting StandardScaler", "writing the design",
    /// "scoring".
    pub what: String,
    /// Rows done in this pass.
    pub rows: usize,
}

/// What [`Classifier::fit_in_passes`] hands back.
#[derive(Debug)]
pub struct TrainedInPasses {
    /// The fitted pipeline and model (the same artifact a fit in memory makes).
    pub classifier: Classifier,
    /// Data rows in the file.
    pub n_rows: usize,
    /// The split, when rows were held out (row indices of the file).
    pub split: Option<Split>,
    /// Metrics on the training rows.
    pub train: Evaluation,
    /// Metrics on the held-out rows.
    pub test: Option<Evaluation>,
    /// For a ROC chart: the held-out rows' (else the training rows') truth and logits.
    pub roc_rows: (Vec<bool>, Vec<f64>),
    /// Passes over the input file.
    pub file_passes: usize,
    /// Bytes of the scratch design.
    pub scratch_bytes: u64,
    /// Rows per block of the solver's passes.
    pub block_rows: usize,
}

/// Every row's label as a code into the distinct labels (two bytes a row).
struct LabelCodes {
    codes: Vec<u16>,
    labels: Vec<ClassLabel>,
}

impl LabelCodes {
    fn new() -> Self {
        LabelCodes {
            codes: Vec::new(),
            labels: Vec::new(),
        }
    }

    fn code(&mut self, label: ClassLabel) -> Result<u16, Error> {
        if let Some(k) = self.labels.iter().position(|l| *l == label) {
            return Ok(k as u16);
        }
        if self.labels.len() > usize::from(u16::MAX) {
            let mut shown: Vec<String> = self
                .labels
                .iter()
                .take(10)
                .map(|l| format!("{l:?}"))
                .collect();
            shown.push("…".into());
            return Err(Error::Model(ModelError::NotBinary {
                count: self.labels.len(),
                classes: shown,
            }));
        }
        self.labels.push(label);
        Ok((self.labels.len() - 1) as u16)
    }

    /// Appends the labels of a chunk's target column, whose first row is `first` in the file.
    fn extend(&mut self, column: ColumnView<'_>, target: &str, first: usize) -> Result<(), Error> {
        let missing = |i: usize| Error::MissingLabel {
            column: target.to_string(),
            row: first + i + 1,
        };
        match column {
            ColumnView::Numeric(v) => {
                let mut last: Option<(u64, u16)> = None;
                for (i, x) in v.iter().enumerate() {
                    let x = x.ok_or_else(|| missing(i))?;
                    let code = match last {
                        Some((bits, c)) if bits == x.to_bits() => c,
                        _ => {
                            let c = self.code(ClassLabel::Number(x))?;
                            last = Some((x.to_bits(), c));
                            c
                        }
                    };
                    self.codes.push(code);
                }
            }
            ColumnView::Categorical(c) => {
                let mut map: Vec<Option<u16>> = vec![None; c.categories().len()];
                for (i, &k) in c.codes().iter().enumerate() {
                    let slot = map.get_mut(k as usize).ok_or_else(|| missing(i))?;
                    let code = match slot {
                        Some(code) => *code,
                        None => {
                            let code =
                                self.code(ClassLabel::Text(c.categories()[k as usize].clone()))?;
                            *slot = Some(code);
                            code
                        }
                    };
                    self.codes.push(code);
                }
            }
        }
        Ok(())
    }
}

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

/// The distinct labels among the rows `rows` (every row when `None`), in order of appearance.
fn distinct_in(labels: &LabelCodes, rows: Option<&[usize]>) -> Vec<ClassLabel> {
    let mut seen = vec![false; labels.labels.len()];
    let mut visit = |c: u16| seen[c as usize] = true;
    match rows {
        Some(r) => r.iter().for_each(|&i| visit(labels.codes[i])),
        None => labels.codes.iter().for_each(|&c| visit(c)),
    }
    labels
        .labels
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|(l, _)| l.clone())
        .collect()
}

/// Bytes per block of the solver's passes under `limit`: what remains once the per-row
/// bookkeeping (label code, 0/1 label and f64 copy, logits for the metrics, the split's
/// indices) and a fixed allowance for the program are set aside, a quarter of it (the block
/// mapped, the kernels' buffers, the metrics' sort), between 1 MB and 256 MB.
pub fn block_bytes(limit: u64, n_rows: usize, split: bool) -> usize {
    let per_row: u64 = 2 + 1 + 8 + 8 + 8 + if split { 16 } else { 0 };
    let fixed: u64 = 96 << 20;
    let free = limit.saturating_sub(fixed + per_row * n_rows as u64);
    ((free / 4) as usize).clamp(1 << 20, 256 << 20)
}

/// The memory the system can give this process now, in bytes (Linux: `MemAvailable` in
/// `/proc/meminfo`); `None` elsewhere or if unreadable.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// How a fit reads its data, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum FitMode {
    /// The whole table, then the whole design, in memory.
    InMemory {
        /// Why.
        reason: String,
    },
    /// In passes within this many bytes.
    InPasses {
        /// The memory limit.
        memory_limit: u64,
        /// Why.
        reason: String,
    },
}

/// Bytes a fit in memory needs for a file: the design (8 bytes a value, `columns` values a
/// row) plus the labels, estimated from the file's rows (exact for Parquet, from the CSV's
/// first rows otherwise).
pub fn estimated_design_bytes(file: &TableFile, columns: usize) -> Option<u64> {
    let rows = file.estimated_rows()? as u64;
    Some(rows * (columns as u64 * 8 + 16))
}

/// Chooses how to fit `file`: in passes within `memory_limit` when one is given; otherwise in
/// passes when the estimated design exceeds half the available memory (then within that
/// half), else in memory.
pub fn choose_mode(file: &TableFile, columns: usize, memory_limit: Option<u64>) -> FitMode {
    use logreg_scratch::human_bytes;
    if let Some(limit) = memory_limit {
        return FitMode::InPasses {
            memory_limit: limit,
            reason: format!("--memory-limit {} given", human_bytes(limit)),
        };
    }
    let estimate = estimated_design_bytes(file, columns);
    match (estimate, available_memory()) {
        (Some(e), Some(avail)) if e > avail / 2 => FitMode::InPasses {
            memory_limit: (avail / 2).max(MIN_MEMORY_LIMIT),
            reason: format!(
                "the design (about {}) exceeds half the available memory ({} of {})",
                human_bytes(e),
                human_bytes(avail / 2),
                human_bytes(avail)
            ),
        },
        (Some(e), Some(avail)) => FitMode::InMemory {
            reason: format!(
                "the design (about {}) fits in half the available memory ({})",
                human_bytes(e),
                human_bytes(avail / 2)
            ),
        },
        _ => FitMode::InMemory {
            reason: "the available memory is unknown".into(),
        },
    }
}

/// The format of `path` from its extension, or `format` when given.
pub fn format_of(path: &std::path::Path, format: Option<FileFormat>) -> FileFormat {
    format.unwrap_or_else(|| FileFormat::from_path(path))
}
