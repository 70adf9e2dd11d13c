//! Predictions for a CSV file of any size: rows are read, preprocessed and scored in chunks, so
//! memory stays bounded by the chunk size, not the file.

use crate::model::{ModelError, ModelKind};
use crate::preprocess::{read_csv_chunks, ColumnType, CsvChunks, CsvOptions, Field, Table};
use crate::{ClassLabel, Classifier, Error};
use nalgebra::DMatrix;
use std::fs::File;
use std::path::{Path, PathBuf};

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
    /// Predicted class per row, as [`Classifier::predict`].
    pub labels: Vec<ClassLabel>,
}

/// The chunks of a [`Classifier::predict_csv`] run; after an error the iterator ends.
pub struct CsvPredictions<'a> {
    classifier: &'a Classifier,
    chunks: CsvChunks<File>,
    keep: Vec<String>,
    path: PathBuf,
    done: bool,
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
        let chunks = read_csv_chunks(path, &schema, chunk_size, &CsvOptions::new())
            .map_err(|e| e.with_path(path))?;
        Ok(CsvPredictions {
            classifier: self,
            chunks,
            keep: kept,
            path: path.to_path_buf(),
            done: false,
        })
    }
}

impl CsvPredictions<'_> {
    /// Data rows read from the file so far.
    pub fn rows_read(&self) -> usize {
        self.chunks.rows_read()
    }

    fn predict(&self, table: &Table) -> Result<PredictedChunk, Error> {
        let offset = self.chunks.rows_before_last_chunk();
        let in_file = |e: Error| match e {
            Error::Preprocess(p) => {
                Error::Preprocess(p.with_row_offset(offset).with_path(&self.path))
            }
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
        };
        let features = self.classifier.features(table).map_err(in_file)?;
        let model = self.classifier.model();
        let probabilities = model
            .predict_proba_on(&features.design, None)
            .map_err(|e| in_file(e.into()))?;
        let proba = match model.kind() {
            ModelKind::Binary => probabilities.column(1).iter().copied().collect(),
            _ => probabilities.row_iter().map(|r| r.max()).collect(),
        };
        let classes = model.classes();
        let labels = model
            .predict_index_on(&features.design, None)
            .map_err(|e| in_file(e.into()))?
            .into_iter()
            .map(|k| classes[k].clone())
            .collect();
        Ok(PredictedChunk {
            first_row: offset + 1,
            kept: table.select(&self.keep)?,
            proba,
            probabilities,
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
            Ok(table) => self.predict(&table),
            Err(e) => Err(Error::Preprocess(e.with_path(&self.path))),
        };
        self.done = item.is_err();
        Some(item)
    }
}
