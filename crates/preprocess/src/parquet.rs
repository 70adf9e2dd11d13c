//! Parquet files as tables: read by row groups and record batches, only the columns asked for,
//! into the same [`Table`] a CSV file gives; and predictions written as Parquet.
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

use std::borrow::Cow;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type,
    UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field as ArrowField, Schema as ArrowSchema};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::column::{CategoricalColumn, FastMap};
use crate::error::PreprocessError;
use crate::read::ChunkResult;
use crate::schema::{ColumnType, Field, Schema};
use crate::table::{Block, Slot, Table};

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

    /// One pass over the file: its rows as chunk tables of at most `batch_rows` rows (the
    /// columns read, in file order), row group by row group, decoding only those columns.
    pub fn chunks(
        &self,
        batch_rows: usize,
    ) -> Result<impl Iterator<Item = ChunkResult> + 'static, PreprocessError> {
        self.pass(batch_rows)
    }

    /// The state of one pass, on a handle of its own on the file.
    fn pass(&self, batch_rows: usize) -> Result<ParquetChunks, PreprocessError> {
        let file = File::open(&self.path).map_err(|source| PreprocessError::Io {
            path: Some(self.path.clone()),
            source,
        })?;
        let read: Vec<usize> = (0..self.names.len())
            .filter(|&i| self.types[i].is_some())
            .collect();
        let meta = self.metadata.metadata();
        let groups: Vec<(usize, usize)> = (0..meta.num_row_groups())
            .scan(0usize, |start, g| {
                let n = usize::try_from(meta.row_group(g).num_rows()).unwrap_or(0);
                let out = (*start, n);
                *start += n;
                Some(out)
            })
            .collect();
        Ok(ParquetChunks {
            path: self.path.clone(),
            file,
            metadata: self.metadata.clone(),
            mask: ProjectionMask::roots(self.metadata.parquet_schema(), read.iter().copied()),
            columns: read
                .iter()
                .map(|&i| {
                    (
                        self.names[i].clone(),
                        self.types[i].unwrap_or(ColumnType::Numeric),
                    )
                })
                .collect(),
            end_group: groups.len(),
            groups,
            next_group: 0,
            batch_rows: batch_rows.max(1),
            reader: None,
            row: 0,
            done: false,
        })
    }
}

impl ParquetPasses {
    /// Every row in one table, the row groups decoded on every core (each with its own handle
    /// on the file) and joined in file order. `None` when the file has no rows.
    pub fn read_all(&self) -> Result<Option<Table>, PreprocessError> {
        use rayon::prelude::*;
        let n_groups = self.metadata.metadata().num_row_groups();
        let decoded: Vec<Result<Vec<Table>, PreprocessError>> = (0..n_groups)
            .into_par_iter()
            .map(|g| -> Result<Vec<Table>, PreprocessError> {
                let mut pass = self.pass(usize::MAX)?;
                let (start, rows) = pass.groups[g];
                pass.next_group = g;
                pass.end_group = g + 1;
                pass.row = start;
                pass.batch_rows = rows.max(1);
                pass.map(|c| c.map(|(_, t)| t)).collect()
            })
            .collect();
        // The first failing row group's error, whichever core saw it first.
        let mut tables = Vec::with_capacity(n_groups);
        for group in decoded {
            tables.extend(group?);
        }
        match tables.len() {
            0 => Ok(None),
            1 => Ok(tables.pop()),
            _ => Table::concat(tables).map(Some),
        }
    }
}

/// The chunks of one pass over a Parquet file.
struct ParquetChunks {
    path: PathBuf,
    file: File,
    metadata: ArrowReaderMetadata,
    mask: ProjectionMask,
    /// The columns read: name and the type they are read as.
    columns: Vec<(String, ColumnType)>,
    /// Each row group's first row and rows.
    groups: Vec<(usize, usize)>,
    next_group: usize,
    /// The pass stops before this row group.
    end_group: usize,
    batch_rows: usize,
    reader: Option<(
        usize,
        parquet::arrow::arrow_reader::ParquetRecordBatchReader,
    )>,
    /// Rows handed out so far.
    row: usize,
    done: bool,
}

impl ParquetChunks {
    fn place(&self, g: usize) -> String {
        let (start, n) = self.groups[g];
        format!(
            "row group {} of {} (data rows {}–{})",
            g + 1,
            self.groups.len(),
            start + 1,
            start + n
        )
    }

    fn next_chunk(&mut self) -> Result<Option<(usize, Table)>, PreprocessError> {
        loop {
            if let Some((g, reader)) = &mut self.reader {
                let g = *g;
                match reader.next() {
                    Some(Ok(batch)) => {
                        let first = self.row;
                        let table = batch_to_table(&batch, &self.columns, first)
                            .map_err(|e| e.with_path(&self.path))?;
                        self.row += batch.num_rows();
                        return Ok(Some((first, table)));
                    }
                    Some(Err(e)) => {
                        return Err(parquet_error(
                            &self.path,
                            format!("{} cannot be decoded", self.place(g)),
                            e,
                        ))
                    }
                    None => self.reader = None,
                }
            }
            let g = self.next_group;
            if g >= self.end_group {
                return Ok(None);
            }
            self.next_group += 1;
            let file = self
                .file
                .try_clone()
                .map_err(|source| PreprocessError::Io {
                    path: Some(self.path.clone()),
                    source,
                })?;
            let reader =
                ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.metadata.clone())
                    .with_projection(self.mask.clone())
                    .with_row_groups(vec![g])
                    .with_batch_size(self.batch_rows)
                    .build()
                    .map_err(|e| {
                        parquet_error(&self.path, format!("{} cannot be read", self.place(g)), e)
                    })?;
            self.reader = Some((g, reader));
        }
    }
}

impl Iterator for ParquetChunks {
    type Item = ChunkResult;

    fn next(&mut self) -> Option<ChunkResult> {
        if self.done {
            return None;
        }
        match self.next_chunk() {
            Ok(Some(c)) => Some(Ok(c)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// One record batch as a table: numeric columns into one row-major block (NaN for missing),
/// categorical ones as codes. `first` is the batch's first row in the file (for errors).
fn batch_to_table(
    batch: &RecordBatch,
    columns: &[(String, ColumnType)],
    first: usize,
) -> Result<Table, PreprocessError> {
    let n = batch.num_rows();
    let width = columns
        .iter()
        .filter(|(_, t)| *t == ColumnType::Numeric)
        .count();
    let mut slots = Vec::with_capacity(columns.len());
    let mut numbers: Vec<Cow<'_, [f64]>> = Vec::with_capacity(width);
    for (k, (name, t)) in columns.iter().enumerate() {
        let array = batch.column(k);
        match t {
            ColumnType::Numeric => {
                slots.push(Slot::Numeric {
                    block: 0,
                    col: numbers.len(),
                });
                numbers.push(numbers_of(array, name, first)?);
            }
            ColumnType::Categorical => {
                slots.push(Slot::Categorical(Arc::new(labels_of(array))));
            }
        }
    }
    // Columns into the row-major block a tile of rows at a time, so the rows being written
    // stay in cache while every column visits them.
    let mut values = vec![0.0; n * width];
    for start in (0..n).step_by(TILE_ROWS) {
        let end = (start + TILE_ROWS).min(n);
        for (col, column) in numbers.iter().enumerate() {
            for (row, &v) in values[start * width..end * width]
                .chunks_exact_mut(width)
                .zip(&column[start..end])
            {
                row[col] = v;
            }
        }
    }
    Ok(Table::from_parts(
        columns.iter().map(|(n, _)| n.clone()).collect(),
        slots,
        vec![Block { values, width }],
        n,
    ))
}

/// Rows of a batch copied into the row-major block together (a few hundred KB of it).
const TILE_ROWS: usize = 256;

/// Column `array` as numbers (NaN for missing); an infinite value is an error naming its row.
/// A float64 column without nulls is used where it lies.
fn numbers_of<'a>(
    array: &'a ArrayRef,
    name: &str,
    first: usize,
) -> Result<Cow<'a, [f64]>, PreprocessError> {
    let infinite = |i: usize, v: f64| PreprocessError::InvalidValue {
        path: None,
        row: first + i + 1,
        column: name.to_string(),
        expected: "a finite number".to_string(),
        found: v.to_string(),
    };
    if array.data_type() == &DataType::Float64 && array.null_count() == 0 {
        let values: &[f64] = array.as_primitive::<Float64Type>().values();
        if let Some(i) = values.iter().position(|v| v.is_infinite()) {
            return Err(infinite(i, values[i]));
        }
        return Ok(Cow::Borrowed(values));
    }
    let mut out = vec![f64::NAN; array.len()];
    let mut put = |i: usize, v: Option<f64>| -> Result<(), PreprocessError> {
        let v = v.unwrap_or(f64::NAN);
        if v.is_infinite() {
            return Err(infinite(i, v));
        }
        out[i] = v;
        Ok(())
    };
    macro_rules! prim {
        ($t:ty, $conv:expr) => {{
            for (i, v) in array.as_primitive::<$t>().iter().enumerate() {
                put(i, v.map($conv))?;
            }
        }};
    }
    match array.data_type() {
        DataType::Int8 => prim!(Int8Type, f64::from),
        DataType::Int16 => prim!(Int16Type, f64::from),
        DataType::Int32 => prim!(Int32Type, f64::from),
        DataType::Int64 => prim!(Int64Type, |v: i64| v as f64),
        DataType::UInt8 => prim!(UInt8Type, f64::from),
        DataType::UInt16 => prim!(UInt16Type, f64::from),
        DataType::UInt32 => prim!(UInt32Type, f64::from),
        DataType::UInt64 => prim!(UInt64Type, |v: u64| v as f64),
        DataType::Float16 => prim!(Float16Type, |v: HalfF16| v.to_f64()),
        DataType::Float32 => prim!(Float32Type, f64::from),
        DataType::Float64 => prim!(Float64Type, |v: f64| v),
        DataType::Boolean => {
            for (i, v) in array.as_boolean().iter().enumerate() {
                put(i, v.map(|b| f64::from(u8::from(b))))?;
            }
        }
        _ => {
            // Text read as numbers: each label parsed, as a CSV cell of a numeric column.
            let labels = labels_of(array);
            let parsed: Vec<Result<f64, String>> = labels
                .categories()
                .iter()
                .map(|l| l.trim().parse::<f64>().map_err(|_| l.clone()))
                .collect();
            for (i, &code) in labels.codes().iter().enumerate() {
                let v = match parsed.get(code as usize) {
                    None => None,
                    Some(Ok(v)) => Some(*v),
                    Some(Err(text)) => {
                        return Err(PreprocessError::InvalidValue {
                            path: None,
                            row: first + i + 1,
                            column: name.to_string(),
                            expected: "a number (the column is read as numeric)".to_string(),
                            found: text.clone(),
                        })
                    }
                };
                put(i, v)?;
            }
        }
    }
    Ok(Cow::Owned(out))
}

type HalfF16 = <Float16Type as arrow_array::ArrowPrimitiveType>::Native;

/// A column as labels: strings as stored, dictionary values by key, numbers as text; nulls
/// (and NaN) missing.
fn labels_of(array: &ArrayRef) -> CategoricalColumn {
    let mut lookup: FastMap<String, u32> = FastMap::default();
    let mut categories: Vec<String> = Vec::new();
    let mut code_of = |label: &str| -> u32 {
        if let Some(&c) = lookup.get(label) {
            return c;
        }
        let c = categories.len() as u32;
        categories.push(label.to_string());
        lookup.insert(label.to_string(), c);
        c
    };
    let n = array.len();
    let mut codes = Vec::with_capacity(n);
    let missing = CategoricalColumn::MISSING;
    match array.data_type() {
        DataType::Utf8 => {
            for v in array.as_string::<i32>().iter() {
                codes.push(v.map_or(missing, &mut code_of));
            }
        }
        DataType::LargeUtf8 => {
            for v in array.as_string::<i64>().iter() {
                codes.push(v.map_or(missing, &mut code_of));
            }
        }
        DataType::Utf8View => {
            for v in array.as_string_view().iter() {
                codes.push(v.map_or(missing, &mut code_of));
            }
        }
        DataType::Dictionary(_, _) => {
            let dict = array.as_any_dictionary();
            let values = labels_of(dict.values());
            // Dictionary entries may repeat a label: map each entry to the label's code.
            let entry: Vec<u32> = values
                .codes()
                .iter()
                .map(|&c| {
                    values
                        .categories()
                        .get(c as usize)
                        .map_or(missing, |l| code_of(l))
                })
                .collect();
            for (i, k) in dict.normalized_keys().into_iter().enumerate() {
                let code = if array.is_null(i) {
                    missing
                } else {
                    entry.get(k).copied().unwrap_or(missing)
                };
                codes.push(code);
            }
        }
        _ => {
            // Numbers as labels (a numeric column read as categorical).
            let numbers: Vec<f64> = match numbers_of(array, "", 0) {
                Ok(v) => v.into_owned(),
                // Infinite values have no label but their text.
                Err(_) => (0..n)
                    .map(|i| {
                        let a = array.slice(i, 1);
                        match numbers_of(&a, "", 0) {
                            Ok(one) => one.first().copied().unwrap_or(f64::NAN),
                            Err(_) => f64::INFINITY,
                        }
                    })
                    .collect(),
            };
            for v in numbers {
                codes.push(if v.is_nan() {
                    missing
                } else {
                    code_of(&v.to_string())
                });
            }
        }
    }
    CategoricalColumn::from_parts(codes, categories)
}

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
