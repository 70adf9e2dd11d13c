//! Predictions and metrics for a CSV or Parquet file of any size: rows are read, preprocessed and
//! scored in chunks, so memory stays bounded by the chunk size, not the file (metrics keep one
//! logit and one flag per row for the ROC curve).

use crate::model::ModelError;
use crate::preprocess::{
    read_csv_chunks, ChunkResult, ColumnType, CsvOptions, Field, FileFormat, Schema, Table,
    TableFile,
};
use crate::{ClassLabel, Classifier, Error, Evaluation};
use std::path::{Path, PathBuf};

/// One chunk of a [`Classifier::predict_csv`] run.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictedChunk {
    /// 1-based data row (header not counted) of the chunk's first row in the file.
    pub first_row: usize,
    /// The columns asked to keep (such as an id), one row per prediction.
    pub kept: Table,
    /// P(positive class) per row, as [`Classifier::predict_proba`].
    pub proba: Vec<f64>,
    /// Predicted class per row, as [`Classifier::predict`].
    pub labels: Vec<ClassLabel>,
}

/// The chunks of a [`Classifier::predict_csv`] run; after an error the iterator ends.
pub struct CsvPredictions<'a> {
    classifier: &'a Classifier,
    chunks: Box<dyn Iterator<Item = ChunkResult>>,
    keep: Vec<String>,
    path: PathBuf,
    rows_read: usize,
    offset: usize,
    done: bool,
}

/// The chunks of a file read with `schema`'s columns and types: CSV by the chunked reader (one
/// bad cell stops it at its row), Parquet by row groups.
fn schema_chunks(
    path: &Path,
    format: FileFormat,
    schema: &Schema,
    chunk_size: usize,
) -> Result<Box<dyn Iterator<Item = ChunkResult>>, Error> {
    match format {
        FileFormat::Csv => {
            let mut chunks = read_csv_chunks(path, schema, chunk_size, &CsvOptions::new())
                .map_err(|e| e.with_path(path))?;
            let mut done = 0;
            Ok(Box::new(std::iter::from_fn(move || {
                let item = chunks.next()?;
                Some(item.map(|t| {
                    let first = done;
                    done += t.n_rows();
                    (first, t)
                }))
            })))
        }
        FileFormat::Parquet => {
            let mut file = TableFile::open(path, format, &CsvOptions::new())?;
            let names = schema.names();
            file.select(&names)?;
            for f in &schema.fields {
                file.set_type(&f.name, f.column_type)?;
            }
            // Schema order, as the CSV reader gives it.
            let chunks = file.chunks(chunk_size)?;
            Ok(Box::new(chunks.map(move |c| {
                c.and_then(|(first, t)| Ok((first, t.select(&names)?)))
            })))
        }
    }
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
        self.predict_file(path, FileFormat::Csv, keep, chunk_size)
    }

    /// [`predict_csv`](Self::predict_csv) for a CSV or Parquet file (Parquet: only the columns
    /// needed are decoded, row group by row group).
    pub fn predict_file<S: AsRef<str>>(
        &self,
        path: impl AsRef<Path>,
        format: FileFormat,
        keep: &[S],
        chunk_size: usize,
    ) -> Result<CsvPredictions<'_>, Error> {
        let path = path.as_ref();
        let mut schema = self.pipeline().input_schema().cloned().ok_or_else(|| {
            Error::Model(ModelError::CorruptModel {
                reason: "the preprocessing pipeline is not fitted".into(),
            })
        })?;
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
        let chunks = schema_chunks(path, format, &schema, chunk_size)?;
        Ok(CsvPredictions {
            classifier: self,
            chunks,
            keep: kept,
            path: path.to_path_buf(),
            rows_read: 0,
            offset: 0,
            done: false,
        })
    }

    /// Metrics on a labelled CSV or Parquet file, read in chunks of `chunk_size` rows: the
    /// [`evaluate`](Self::evaluate) of the whole table, in memory bounded by the chunk (plus a
    /// logit and a flag per row for the ROC curve). Returns the metrics and the number of rows.
    pub fn evaluate_file(
        &self,
        path: impl AsRef<Path>,
        format: FileFormat,
        chunk_size: usize,
    ) -> Result<(Evaluation, usize), Error> {
        let path = path.as_ref();
        let mut schema = self.pipeline().input_schema().cloned().ok_or_else(|| {
            Error::Model(ModelError::CorruptModel {
                reason: "the preprocessing pipeline is not fitted".into(),
            })
        })?;
        let target = self.target().to_string();
        let numeric_labels = self
            .model()
            .classes()
            .iter()
            .all(|c| matches!(c, ClassLabel::Number(_)));
        if schema.column_type(&target).is_none() {
            schema.fields.push(Field {
                name: target.clone(),
                column_type: if numeric_labels {
                    ColumnType::Numeric
                } else {
                    ColumnType::Categorical
                },
            });
        }
        let classes = self.model().classes().clone();
        let (mut truth, mut z) = (Vec::new(), Vec::new());
        for chunk in schema_chunks(path, format, &schema, chunk_size)? {
            let (first, table) = chunk.map_err(|e| Error::Preprocess(e.with_path(path)))?;
            let labels = crate::classifier::labels_in_at(table.column(&target)?, &target, first)
                .map_err(|e| in_file(e, first, path))?;
            let f = self.features(&table).map_err(|e| in_file(e, first, path))?;
            let scores = self
                .model()
                .decision_function(&f.design)
                .map_err(|e| in_file(e.into(), first, path))?;
            for (i, (label, s)) in labels.iter().zip(scores.iter()).enumerate() {
                if *label != classes[0] && *label != classes[1] {
                    return Err(Error::UnknownLabel {
                        column: target.clone(),
                        row: first + i + 1,
                        value: label.to_string(),
                        classes: vec![classes[0].to_string(), classes[1].to_string()],
                    });
                }
                truth.push(*label == classes[1]);
                z.push(*s);
            }
        }
        let n = truth.len();
        Ok((Evaluation::from_logits(&truth, &z)?, n))
    }
}

/// An error from a chunk whose first row is `offset` in the file, made to name rows of the file.
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
        other => other,
    }
}

impl CsvPredictions<'_> {
    /// Data rows read from the file so far.
    pub fn rows_read(&self) -> usize {
        self.rows_read
    }

    fn predict(&self, table: &Table) -> Result<PredictedChunk, Error> {
        let offset = self.offset;
        let in_file = |e: Error| in_file(e, offset, &self.path);
        let features = self.classifier.features(table).map_err(in_file)?;
        let model = self.classifier.model();
        let proba = model
            .predict_proba(&features.design)
            .map_err(|e| in_file(e.into()))?
            .iter()
            .copied()
            .collect();
        let labels = model
            .predict(&features.design)
            .map_err(|e| in_file(e.into()))?;
        Ok(PredictedChunk {
            first_row: offset + 1,
            kept: table.select(&self.keep)?,
            proba,
            labels,
        })
    }
}

impl Iterator for CsvPredictions<'_> {
    type Item = Result<PredictedChunk, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = match self.chunks.next()? {
            Ok((first, table)) => {
                self.offset = first;
                self.rows_read = first + table.n_rows();
                self.predict(&table)
            }
            Err(e) => Err(Error::Preprocess(e.with_path(&self.path))),
        };
        self.done = item.is_err();
        Some(item)
    }
}
