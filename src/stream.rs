//! Predictions for a CSV or libsvm file of any size: rows are read, preprocessed and scored in
//! chunks, so memory stays bounded by the chunk size, not the file. CSV chunks are parsed,
//! transformed and scored a batch at a time on every core, and handed out in file order; the
//! next batch is read and parsed while the caller writes out the one before.

use crate::linalg::{sigmoid, Design};
use crate::model::{argmax_from_logits, logit_threshold, proba_from_logits, ModelError, ModelKind};
use crate::preprocess::{
    read_csv_chunks, read_libsvm_chunks, ColumnType, CsvChunks, CsvOptions, Field, LibsvmChunks,
    PreprocessError, Table,
};
use crate::{ClassLabel, Classifier, Error};
use nalgebra::DMatrix;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;

/// Blocks of the file (a few MiB each) parsed and scored at once, per thread.
const BLOCKS_PER_THREAD: usize = 2;

/// One chunk of a [`Classifier::predict_csv`] run.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictedChunk {
    /// 1-based data row (header not counted) of the chunk's first row in the file.
    pub first_row: usize,
    /// The columns asked to keep (such as an id), one row per prediction.
    pub kept: Table,
    /// P(positive class) per row, as [`Classifier::predict_proba`] (K classes: the predicted
    /// class's probability).
    pub proba: Vec<f64>,
    /// Every class's probability, rows × K, columns in the order of [`Classifier::classes`].
    pub probabilities: DMatrix<f64>,
    /// Predicted class per row, as [`Classifier::predict_at`] at the run's threshold (K classes:
    /// the most probable).
    pub labels: Vec<ClassLabel>,
    /// The logit (decision function, offset included) per row (K classes: the predicted class's).
    pub logits: Vec<f64>,
}

/// Parsed chunks of a batch of blocks, each with the number of data rows before it, then the
/// error that ended the file's reading, if any.
type Batch = (Vec<(usize, Table)>, Option<PreprocessError>);

/// The chunks of a [`Classifier::predict_csv`] run; after an error the iterator ends.
///
/// A thread of its own reads and parses the file one batch ahead (parsing on every core), so
/// the next rows are parsed while the caller writes out the ones before.
pub struct CsvPredictions<'a> {
    classifier: &'a Classifier,
    /// Batches from the reading thread, in file order; the last one is empty or ends in an
    /// error.
    batches: Receiver<Batch>,
    reader: Option<JoinHandle<()>>,
    keep: Vec<String>,
    path: PathBuf,
    /// Chunks scored ahead, in file order; an error, if any, comes last.
    ready: VecDeque<Result<PredictedChunk, Error>>,
    rows_read: usize,
    done: bool,
    /// Logit above which a row is predicted positive.
    cut: f64,
}

impl Classifier {
    /// Predict every row of the CSV file at `path`, `chunk_size` rows at a time, keeping the
    /// columns named in `keep` alongside the predictions.
    ///
    /// The file must hold the pipeline's input columns (others are skipped unless kept); they are
    /// read with the types they had in training, so a non-numeric cell in a numeric column is an
    /// error naming its row, column and value. Kept columns that are not inputs are read as text,
    /// exactly as written. Rows in errors are data rows of the whole file.
    ///
    /// ```
    /// use logreg::model::LogisticRegression;
    /// use logreg::preprocess::{read_csv_from, CsvOptions, Pipeline};
    /// use logreg::Classifier;
    ///
    /// let csv = "id,x,y\na,1,0\nb,2,0\nc,3,1\nd,4,0\ne,5,1\nf,6,1\n";
    /// let table = read_csv_from(csv.as_bytes(), &CsvOptions::new())?;
    /// let params = LogisticRegression::params().check()?;
    /// let clf = Classifier::fit(&table, "y", Pipeline::new().select(["x"]), &params)?;
    /// let path = std::env::temp_dir().join(format!("logreg-doc-{}.csv", std::process::id()));
    /// std::fs::write(&path, csv).unwrap();
    /// let mut n = 0;
    /// for chunk in clf.predict_csv(&path, &["id"], 4)? {
    ///     let chunk = chunk?;
    ///     assert_eq!(chunk.kept.column_names(), ["id"]);
    ///     n += chunk.proba.len();
    /// }
    /// assert_eq!(n, 6);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), logreg::Error>(())
    /// ```
    pub fn predict_csv<S: AsRef<str>>(
        &self,
        path: impl AsRef<Path>,
        keep: &[S],
        chunk_size: usize,
    ) -> Result<CsvPredictions<'_>, Error> {
        let path = path.as_ref();
        let mut schema = self
            .table_pipeline()?
            .input_schema()
            .cloned()
            .ok_or_else(|| {
                Error::Model(ModelError::CorruptModel {
                    reason: "the preprocessing pipeline is not fitted".into(),
                })
            })?;
        if let Some(offset) = self.offset_column() {
            // Read as a number like the inputs, so text in it is an error naming its row.
            if schema.column_type(offset).is_none() {
                schema.fields.push(Field {
                    name: offset.to_string(),
                    column_type: ColumnType::Numeric,
                });
            }
        }
        let mut kept = Vec::with_capacity(keep.len());
        for name in keep {
            let name = name.as_ref();
            if kept.iter().any(|k| k == name) {
                continue;
            }
            if schema.column_type(name).is_none() {
                schema.fields.push(Field {
                    name: name.to_string(),
                    column_type: ColumnType::Categorical,
                });
            }
            kept.push(name.to_string());
        }
        let chunks =
            read_csv_chunks(path, &schema, chunk_size, &CsvOptions::new()).map_err(|e| {
                match (e, self.offset_column()) {
                    (PreprocessError::SchemaMismatch { missing, .. }, Some(offset))
                        if missing.iter().any(|m| m == offset) =>
                    {
                        Error::MissingOffsetColumn {
                            column: offset.to_string(),
                        }
                    }
                    (e, _) => Error::Preprocess(e.with_path(path)),
                }
            })?;
        let (batches, reader) = read_ahead(chunks, path)?;
        Ok(CsvPredictions {
            classifier: self,
            batches,
            reader: Some(reader),
            keep: kept,
            path: path.to_path_buf(),
            ready: VecDeque::new(),
            rows_read: 0,
            done: false,
            cut: 0.0,
        })
    }

    /// Predict every row of the libsvm file at `path` (this classifier must have been fitted on
    /// libsvm rows), `chunk_size` rows at a time; a feature index above the model's feature
    /// count is an error naming its line.
    pub fn predict_libsvm(
        &self,
        path: impl AsRef<Path>,
        chunk_size: usize,
    ) -> Result<LibsvmPredictions<'_>, Error> {
        if !self.reads_libsvm() {
            return Err(Error::Model(ModelError::CorruptModel {
                reason: "this model was fitted on table columns and reads CSV files, not libsvm"
                    .into(),
            }));
        }
        let path = path.as_ref();
        let chunks = read_libsvm_chunks(path, chunk_size, Some(self.model().n_features()))?;
        Ok(LibsvmPredictions {
            classifier: self,
            chunks,
            path: path.to_path_buf(),
            done: false,
            cut: 0.0,
        })
    }
}

/// Starts the thread that reads and parses `chunks` a batch at a time, at most one batch ahead
/// of the one being scored (memory stays a few batches).
fn read_ahead(
    mut chunks: CsvChunks<File>,
    path: &Path,
) -> Result<(Receiver<Batch>, JoinHandle<()>), Error> {
    let (sender, batches) = mpsc::sync_channel::<Batch>(1);
    let blocks = BLOCKS_PER_THREAD * rayon::current_num_threads();
    let reader = std::thread::Builder::new()
        .name("logreg-csv-reader".into())
        .spawn(move || loop {
            let batch = chunks.next_batch(blocks);
            let last = batch.0.is_empty() || batch.1.is_some();
            // A closed channel: the predictions were dropped before the end.
            if sender.send(batch).is_err() || last {
                return;
            }
        })
        .map_err(|source| {
            Error::Preprocess(PreprocessError::Io {
                path: Some(path.to_path_buf()),
                source,
            })
        })?;
    Ok((batches, reader))
}

/// Rows of the file before a chunk's first, translated into an error's rows.
fn in_file(e: Error, offset: usize, path: &Path) -> Error {
    match e {
        Error::Preprocess(p) => Error::Preprocess(p.with_row_offset(offset).with_path(path)),
        Error::Model(ModelError::NonFiniteLogit { row }) => {
            Error::Model(ModelError::NonFiniteLogit { row: row + offset })
        }
        Error::Model(ModelError::NonFiniteFeature { row, column, value }) => {
            Error::Model(ModelError::NonFiniteFeature {
                row: row + offset,
                column,
                value,
            })
        }
        Error::AuxValue {
            role,
            column,
            row,
            found,
            expected,
        } => Error::AuxValue {
            role,
            column,
            row: row + offset,
            found,
            expected,
        },
        other => other,
    }
}

/// A chunk's predictions from its logits (n × 1 binary, n × K otherwise). Binary: P(positive)
/// and the class, positive when the logit is above `cut` (0 for P > 0.5, decided on the logit
/// as the model's own predict does). K classes: the most probable class and its probability.
fn scored(
    classifier: &Classifier,
    first: usize,
    kept: Table,
    z: &DMatrix<f64>,
    cut: f64,
) -> PredictedChunk {
    let model = classifier.model();
    let classes = model.classes();
    let kind = model.kind();
    let probabilities = proba_from_logits(kind, z);
    let (logits, proba, labels): (Vec<f64>, Vec<f64>, Vec<ClassLabel>) = match kind {
        ModelKind::Binary => {
            let logits: Vec<f64> = z.column(0).iter().copied().collect();
            let proba = logits.iter().map(|&v| sigmoid(v)).collect();
            let labels = logits
                .iter()
                .map(|&v| classes[usize::from(v > cut)].clone())
                .collect();
            (logits, proba, labels)
        }
        _ => {
            let best = argmax_from_logits(kind, z);
            let logits = best.iter().enumerate().map(|(i, &k)| z[(i, k)]).collect();
            let proba = best
                .iter()
                .enumerate()
                .map(|(i, &k)| probabilities[(i, k)])
                .collect();
            let labels = best.iter().map(|&k| classes[k].clone()).collect();
            (logits, proba, labels)
        }
    };
    PredictedChunk {
        first_row: first + 1,
        kept,
        proba,
        probabilities,
        labels,
        logits,
    }
}

impl CsvPredictions<'_> {
    /// Predict positive when P(positive) > `threshold` ∈ (0, 1) instead of 0.5.
    pub fn with_threshold(mut self, threshold: f64) -> Result<Self, Error> {
        self.cut = logit_threshold(threshold)?;
        self.classifier.require_binary("a probability threshold")?;
        Ok(self)
    }

    /// Data rows read from the file so far.
    pub fn rows_read(&self) -> usize {
        self.rows_read
    }

    /// Transforms and scores the next batch of chunks on every core.
    fn fill(&mut self) {
        let Ok((tables, error)) = self.batches.recv() else {
            // The reading thread ended without its last batch: it failed, so the rows after
            // those handed out are unknown, and the run must not look complete.
            self.ready
                .push_back(Err(Error::Preprocess(PreprocessError::Io {
                    path: Some(self.path.clone()),
                    source: std::io::Error::other("the thread reading the file stopped"),
                })));
            self.done = true;
            return;
        };
        let (classifier, keep, path, cut) = (self.classifier, &self.keep, &self.path, self.cut);
        let predict = |first: usize, table: &Table| -> Result<PredictedChunk, Error> {
            let in_file = |e: Error| in_file(e, first, path);
            let features = classifier.features(table).map_err(in_file)?;
            let offsets = classifier.offsets(table).map_err(in_file)?;
            let logits = classifier
                .model()
                .decision_function_on(&features.design, None, offsets.as_deref())
                .map_err(|e| in_file(e.into()))?;
            let kept = table.select(keep)?;
            Ok(scored(classifier, first, kept, &logits, cut))
        };
        let scored: Vec<Result<PredictedChunk, Error>> = tables
            .par_iter()
            .map(|(first, table)| predict(*first, table))
            .collect();
        for item in scored {
            let failed = item.is_err();
            if let Ok(chunk) = &item {
                self.rows_read = chunk.first_row - 1 + chunk.labels.len();
            }
            self.ready.push_back(item);
            if failed {
                self.done = true;
                return;
            }
        }
        match error {
            Some(e) => {
                self.ready
                    .push_back(Err(Error::Preprocess(e.with_path(&self.path))));
                self.done = true;
            }
            None if tables.is_empty() => self.done = true,
            None => {}
        }
    }
}

impl Iterator for CsvPredictions<'_> {
    type Item = Result<PredictedChunk, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ready.is_empty() && !self.done {
            self.fill();
        }
        let item = self.ready.pop_front()?;
        if item.is_err() {
            self.ready.clear();
            self.done = true;
        }
        Some(item)
    }
}

impl Drop for CsvPredictions<'_> {
    fn drop(&mut self) {
        // Closing the channel stops the reading thread after the batch it is parsing.
        let (_, closed) = mpsc::sync_channel(0);
        drop(std::mem::replace(&mut self.batches, closed));
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// The chunks of a [`Classifier::predict_libsvm`] run; after an error the iterator ends.
pub struct LibsvmPredictions<'a> {
    classifier: &'a Classifier,
    chunks: LibsvmChunks<BufReader<File>>,
    path: PathBuf,
    done: bool,
    cut: f64,
}

impl LibsvmPredictions<'_> {
    /// Predict positive when P(positive) > `threshold` ∈ (0, 1) instead of 0.5.
    pub fn with_threshold(mut self, threshold: f64) -> Result<Self, Error> {
        self.cut = logit_threshold(threshold)?;
        Ok(self)
    }
}

impl Iterator for LibsvmPredictions<'_> {
    type Item = Result<PredictedChunk, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = match self.chunks.next()? {
            Ok(data) => {
                let first = self.chunks.rows_before_last_chunk();
                let design = Design::Sparse(data.design);
                let model = self.classifier.model();
                match model.decision_function_on(&design, None, None) {
                    Ok(z) => {
                        let kept = Table::empty(z.nrows());
                        Ok(scored(self.classifier, first, kept, &z, self.cut))
                    }
                    Err(e) => Err(in_file(Error::Model(e), first, &self.path)),
                }
            }
            Err(e) => Err(Error::Preprocess(e)),
        };
        self.done = item.is_err();
        Some(item)
    }
}
