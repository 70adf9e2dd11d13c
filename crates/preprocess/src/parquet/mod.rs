//! Parquet files as tables: read by row groups and record batches, only the columns asked for,
//! into the same [`Table`](crate::Table) a CSV file gives; and predictions written as Parquet.
//!
//! Column types map onto the table's two:
//! - integer (signed, unsigned, any width), floating-point (16, 32, 64 bits) and boolean (1 for
//!   true) columns are numeric;
//! - string columns (`Utf8`, `LargeUtf8`, `Utf8View`) and dictionary-encoded string columns are
//!   categorical, labels as stored;
//! - any other type (dates, timestamps, decimals, binary, lists, structs) is refused with
//!   [`PreprocessError::UnsupportedType`] when the column is read; a column that is not read may
//!   have any type.
//!
//! A null is a missing value, and so is a floating-point NaN (as pandas reads both); an
//! infinite float is an error naming its data row, as `inf` in a CSV file is. A numeric
//! column read as categorical (e.g. to one-hot encode integer codes) gets its values as text.
//! Rows in errors are 1-based data rows of the whole file; an unreadable file or row group is
//! [`PreprocessError::Parquet`], naming the row group and its rows.
//!
//! ```
//! use logreg_preprocess::parquet::{write_parquet, ParquetColumn, ParquetPasses};
//!
//! let path = std::env::temp_dir().join(format!("logreg-doc-{}.parquet", std::process::id()));
//! write_parquet(
//!     &path,
//!     &[
//!         ("x", ParquetColumn::Float64(vec![1.0, 2.5, f64::NAN])),
//!         ("city", ParquetColumn::Utf8(vec!["Lyon".into(), "Paris".into(), "Lyon".into()])),
//!     ],
//! )?;
//! let file = ParquetPasses::open(&path)?;
//! assert_eq!(file.n_rows(), 3);
//! let mut rows = 0;
//! for chunk in file.chunks(2)? {
//!     let (_first, table) = chunk?;
//!     rows += table.n_rows();
//! }
//! assert_eq!(rows, 3);
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), logreg_preprocess::PreprocessError>(())
//! ```

mod batch;
mod chunks;
mod whole;
mod write;

pub use write::{write_parquet, ParquetColumn, ParquetWriter};

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};

use crate::error::PreprocessError;
use crate::schema::{ColumnType, Field, Schema};

/// A Parquet file opened for reading in passes: its metadata (schema, row groups) read once.
#[derive(Debug, Clone)]
pub struct ParquetPasses {
    path: PathBuf,
    metadata: ArrowReaderMetadata,
    names: Vec<String>,
    /// One per top-level column: its type as stored maps to this table type (or to none).
    natural: Vec<Option<ColumnType>>,
    /// One per top-level column: the type it is read as, or `None` when not read.
    types: Vec<Option<ColumnType>>,
}

/// The table type a Parquet column maps to, if any.
fn natural_type(t: &DataType) -> Option<ColumnType> {
    match t {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Boolean => Some(ColumnType::Numeric),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Some(ColumnType::Categorical),
        DataType::Dictionary(_, v) => match v.as_ref() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                Some(ColumnType::Categorical)
            }
            _ => None,
        },
        _ => None,
    }
}

fn parquet_error(path: &Path, place: String, e: impl std::fmt::Display) -> PreprocessError {
    PreprocessError::Parquet {
        path: Some(path.to_path_buf()),
        place,
        message: e.to_string(),
    }
}

impl ParquetPasses {
    /// Opens `path` and reads its footer (schema, row groups). A file that is not Parquet, or
    /// whose footer is truncated or corrupt, is [`PreprocessError::Parquet`]. Every column is
    /// read, as its natural type, until [`select`](Self::select) says otherwise.
    pub fn open(path: impl AsRef<Path>) -> Result<ParquetPasses, PreprocessError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| PreprocessError::Io {
            path: Some(path.to_path_buf()),
            source,
        })?;
        let metadata = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
            .map_err(|e| parquet_error(path, "not a readable Parquet file".into(), e))?;
        let names: Vec<String> = metadata
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(PreprocessError::DuplicateColumn {
                    path: Some(path.to_path_buf()),
                    column: n.clone(),
                });
            }
        }
        let natural: Vec<Option<ColumnType>> = metadata
            .schema()
            .fields()
            .iter()
            .map(|f| natural_type(f.data_type()))
            .collect();
        Ok(ParquetPasses {
            path: path.to_path_buf(),
            metadata,
            names,
            types: natural.clone(),
            natural,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every top-level column of the file, in file order.
    pub fn header(&self) -> &[String] {
        &self.names
    }

    /// Data rows (from the footer).
    pub fn n_rows(&self) -> usize {
        usize::try_from(self.metadata.metadata().file_metadata().num_rows()).unwrap_or(0)
    }

    fn position(&self, column: &str) -> Result<usize, PreprocessError> {
        self.names
            .iter()
            .position(|n| n == column)
            .ok_or_else(|| PreprocessError::ColumnNotFound {
                column: column.to_string(),
                available: self.names.clone(),
            })
    }

    /// The columns read, in file order, with their types. Columns of a type that cannot be
    /// read are left out here (see [`unsupported`](Self::unsupported)).
    pub fn schema(&self) -> Schema {
        Schema {
            fields: self
                .names
                .iter()
                .zip(&self.types)
                .filter_map(|(name, t)| {
                    t.map(|column_type| Field {
                        name: name.clone(),
                        column_type,
                    })
                })
                .collect(),
        }
    }

    /// The columns whose type cannot be read, with that type: reading one is an error.
    pub fn unsupported(&self) -> Vec<(String, String)> {
        self.natural
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_none())
            .map(|(i, _)| {
                (
                    self.names[i].clone(),
                    self.metadata.schema().field(i).data_type().to_string(),
                )
            })
            .collect()
    }

    /// Reads only these columns, in file order; each must exist and be of a type that can be
    /// read ([`PreprocessError::UnsupportedType`] otherwise).
    pub fn select<S: AsRef<str>>(&mut self, names: &[S]) -> Result<(), PreprocessError> {
        let mut keep = Vec::new();
        for n in names {
            let i = self.position(n.as_ref())?;
            if self.natural[i].is_none() {
                return Err(self.unsupported_error(i));
            }
            keep.push(i);
        }
        for (i, t) in self.types.iter_mut().enumerate() {
            *t = if keep.contains(&i) {
                t.or(self.natural[i])
            } else {
                None
            };
        }
        Ok(())
    }

    /// Reads `column` as `column_type`: numbers as text labels (written as Rust prints them,
    /// integers without a fraction), or text as numbers (a label that is not a number is an
    /// error naming its row).
    pub fn set_type(
        &mut self,
        column: &str,
        column_type: ColumnType,
    ) -> Result<(), PreprocessError> {
        let i = self.position(column)?;
        if self.natural[i].is_none() {
            return Err(self.unsupported_error(i));
        }
        self.types[i] = Some(column_type);
        Ok(())
    }

    fn unsupported_error(&self, i: usize) -> PreprocessError {
        PreprocessError::UnsupportedType {
            path: Some(self.path.clone()),
            column: self.names[i].clone(),
            found: self.metadata.schema().field(i).data_type().to_string(),
        }
    }
}
