//! Writing predictions as Parquet: [`write_parquet`] for a whole file, [`ParquetWriter`] for
//! batches of rows.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field as ArrowField, Schema as ArrowSchema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::error::PreprocessError;

/// A column of predictions to write with [`write_parquet`].
#[derive(Debug, Clone, PartialEq)]
pub enum ParquetColumn {
    /// Text (ids, labels).
    Utf8(Vec<String>),
    /// Text with nulls (`None`).
    Utf8Nullable(Vec<Option<String>>),
    /// Numbers (probabilities).
    Float64(Vec<f64>),
}

/// Writes named columns of equal length as one Parquet file (Snappy) to `path`, creating or
/// truncating it (callers that must never leave a partial file write to a temporary name and
/// rename, as `logreg_model::write_atomic` does).
pub fn write_parquet(
    path: impl AsRef<Path>,
    columns: &[(&str, ParquetColumn)],
) -> Result<(), PreprocessError> {
    let path = path.as_ref();
    let file = File::create(path).map_err(|source| PreprocessError::Io {
        path: Some(path.to_path_buf()),
        source,
    })?;
    let mut w = ParquetWriter::new(
        file,
        &columns.iter().map(|(n, c)| (*n, c)).collect::<Vec<_>>(),
    )
    .map_err(|e| e.with_path(path))?;
    w.write(columns).map_err(|e| e.with_path(path))?;
    w.finish().map_err(|e| e.with_path(path))?;
    Ok(())
}

/// Writes batches of rows as a Parquet file (Snappy), one row group per
/// [`ROW_GROUP_ROWS`](Self::ROW_GROUP_ROWS) rows, to any `Write + Send` sink.
pub struct ParquetWriter<W: std::io::Write + Send> {
    writer: ArrowWriter<W>,
    schema: Arc<ArrowSchema>,
}

impl<W: std::io::Write + Send> ParquetWriter<W> {
    /// Rows per row group.
    pub const ROW_GROUP_ROWS: usize = 1 << 20;

    /// A writer whose columns are named and typed like `columns` (their values are ignored).
    pub fn new(sink: W, columns: &[(&str, &ParquetColumn)]) -> Result<Self, PreprocessError> {
        let fields: Vec<ArrowField> = columns
            .iter()
            .map(|(name, c)| match c {
                ParquetColumn::Utf8(_) | ParquetColumn::Utf8Nullable(_) => {
                    ArrowField::new(*name, DataType::Utf8, true)
                }
                ParquetColumn::Float64(_) => ArrowField::new(*name, DataType::Float64, false),
            })
            .collect();
        let schema = Arc::new(ArrowSchema::new(fields));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(Self::ROW_GROUP_ROWS))
            .build();
        let writer = ArrowWriter::try_new(sink, Arc::clone(&schema), Some(props))
            .map_err(|e| write_error(&e))?;
        Ok(ParquetWriter { writer, schema })
    }

    /// Appends rows: one column per column of the writer, in order, of equal lengths.
    pub fn write(&mut self, columns: &[(&str, ParquetColumn)]) -> Result<(), PreprocessError> {
        let arrays: Vec<ArrayRef> = columns
            .iter()
            .map(|(_, c)| -> ArrayRef {
                match c {
                    ParquetColumn::Utf8(v) => Arc::new(StringArray::from_iter_values(v)),
                    ParquetColumn::Utf8Nullable(v) => Arc::new(StringArray::from(v.clone())),
                    ParquetColumn::Float64(v) => Arc::new(Float64Array::from(v.clone())),
                }
            })
            .collect();
        let batch =
            RecordBatch::try_new(Arc::clone(&self.schema), arrays).map_err(|e| write_error(&e))?;
        self.writer.write(&batch).map_err(|e| write_error(&e))
    }

    /// Writes the footer and returns the sink.
    pub fn finish(self) -> Result<W, PreprocessError> {
        self.writer.into_inner().map_err(|e| write_error(&e))
    }
}

fn write_error(e: &dyn std::fmt::Display) -> PreprocessError {
    PreprocessError::Io {
        path: None,
        source: std::io::Error::other(e.to_string()),
    }
}
