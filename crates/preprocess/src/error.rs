//! The crate's one error type.
//!
//! Every variant carries what a person needs to fix the input: the file (when known), the
//! 1-based *data row* (the header is not counted: data row 1 is the first record after the
//! header, and for a table built in memory data row `r` is index `r - 1`), the column name,
//! the value found and what was expected.

use std::path::{Path, PathBuf};

use crate::schema::ColumnType;

/// Everything that can go wrong while reading tables or fitting and applying preprocessing steps.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PreprocessError {
    /// The file or reader could not be read.
    #[error("{}cannot read input: {source}", at(path))]
    Io {
        /// The file, when reading from a path.
        path: Option<PathBuf>,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The input has no header row at all (it is empty).
    #[error(
        "{}the input is empty: expected a header row naming the columns",
        at(path)
    )]
    NoHeader {
        /// The file, when reading from a path.
        path: Option<PathBuf>,
    },

    /// The input has a header row but no data rows.
    #[error("{}the input has a header but no data rows", at(path))]
    NoRows {
        /// The file, when reading from a path.
        path: Option<PathBuf>,
    },

    /// A header field is empty (or only whitespace).
    #[error(
        "{}header field {position} is empty: every column needs a name",
        at(path)
    )]
    EmptyColumnName {
        /// The file, when reading from a path.
        path: Option<PathBuf>,
        /// 1-based position of the field in the header.
        position: usize,
    },

    /// Two columns have the same name (in a header, or created by a step).
    #[error("{}column name {column:?} appears more than once", at(path))]
    DuplicateColumn {
        /// The file, when reading from a path.
        path: Option<PathBuf>,
        /// The repeated name.
        column: String,
    },

    /// A header field is not valid UTF-8.
    #[error("{}header field {position} is not valid UTF-8", at(path))]
    HeaderNotUtf8 {
        /// The file, when reading from a path.
        path: Option<PathBuf>,
        /// 1-based position of the field in the header.
        position: usize,
    },

    /// A data cell is not valid UTF-8.
    #[error(
        "{}data row {row}, column {column:?}: the bytes are not valid UTF-8",
        at(path)
    )]
    InvalidUtf8 {
        /// The file, when reading from a path.
        path: Option<PathBuf>,
        /// 1-based data row (header not counted).
        row: usize,
        /// Column name.
        column: String,
    },

    /// A data row has a different number of fields than the header.
    #[error(
        "{}data row {row} has {}, expected {expected} (one per header column)",
        at(path),
        fields(*found)
    )]
    RaggedRow {
        /// The file, when reading from a path.
        path: Option<PathBuf>,
        /// 1-based data row (header not counted).
        row: usize,
        /// Number of header columns.
        expected: usize,
        /// Number of fields in this row.
        found: usize,
    },

    /// A cell holds a value the column or step cannot accept.
    #[error(
        "{}data row {row}, column {column:?}: expected {expected}, found {found:?}",
        at(path)
    )]
    InvalidValue {
        /// The file, when reading from a path.
        path: Option<PathBuf>,
        /// 1-based data row (header not counted).
        row: usize,
        /// Column name.
        column: String,
        /// What the column or step accepts.
        expected: String,
        /// The offending value as written.
        found: String,
    },

    /// A missing value reached a step that cannot handle it.
    #[error(
        "data row {row}, column {column:?}: missing value reached {step}; \
         fill it with an Imputer or remove the row first"
    )]
    MissingValue {
        /// 1-based data row (header not counted).
        row: usize,
        /// Column name.
        column: String,
        /// The step (or stage) that met it.
        step: String,
    },

    /// A column was asked for by name and is not there.
    #[error("no column named {column:?}; available columns: {}", list(available))]
    ColumnNotFound {
        /// The requested name.
        column: String,
        /// The names that exist.
        available: Vec<String>,
    },

    /// A column has the wrong type for what is asked of it.
    #[error("column {column:?} is {found}, but {context} needs a {expected} column")]
    ColumnType {
        /// Column name.
        column: String,
        /// The type needed.
        expected: ColumnType,
        /// The type it has.
        found: ColumnType,
        /// Who needs it (a step name or "the feature matrix").
        context: String,
    },

    /// A table (or file) lacks columns a fitted pipeline or schema needs, or has them with
    /// another type.
    #[error(
        "the input does not have the expected columns: {}",
        describe_schema(missing, mistyped)
    )]
    SchemaMismatch {
        /// Columns the pipeline needs that the table lacks.
        missing: Vec<String>,
        /// Columns present with another type: (name, expected, found).
        mistyped: Vec<(String, ColumnType, ColumnType)>,
    },

    /// A column's length differs from the table's number of rows.
    #[error("column {column:?} has {found} rows, but the table has {expected}")]
    LengthMismatch {
        /// Column name.
        column: String,
        /// Rows in the table.
        expected: usize,
        /// Rows in the column.
        found: usize,
    },

    /// A row index (0-based, as passed to `Table::take`) is past the end of the table.
    #[error("row index {index} is out of range for a table of {n_rows} rows")]
    RowOutOfRange {
        /// The 0-based index asked for.
        index: usize,
        /// Rows in the table.
        n_rows: usize,
    },

    /// A step or reader was configured with an impossible parameter.
    #[error("invalid parameter {parameter}: {reason}")]
    InvalidParameter {
        /// The parameter name.
        parameter: String,
        /// Why it is invalid.
        reason: String,
    },

    /// `transform` was called before `fit`.
    #[error("{step} is not fitted yet: call fit on the training rows first")]
    NotFitted {
        /// The step or pipeline.
        step: String,
    },

    /// A step could not learn its parameters from the given rows.
    #[error("cannot fit {step} on column {column:?}: {reason}")]
    CannotFit {
        /// The step.
        step: String,
        /// Column name.
        column: String,
        /// Why (no rows, no non-missing values, overflow...).
        reason: String,
    },

    /// A one-hot encoded column has more categories than the encoder allows (a guard against
    /// encoding an identifier by mistake).
    #[error(
        "cannot fit OneHotEncoder on column {column:?}: it has {distinct} distinct values, more \
         than max_categories = {max_categories}; is it an identifier? (raise the limit with \
         max_categories if not)"
    )]
    TooManyCategories {
        /// Column name.
        column: String,
        /// Distinct values in the rows fitted on.
        distinct: usize,
        /// The encoder's limit.
        max_categories: usize,
    },

    /// A line of a libsvm/svmlight file that cannot be read.
    #[error(
        "{}line {line}, token {token:?}: expected {expected}, found {found}",
        at(path)
    )]
    InvalidLibsvm {
        /// The file, when reading from a path.
        path: Option<PathBuf>,
        /// 1-based line of the file (comment and blank lines counted).
        line: usize,
        /// The whitespace-separated token at fault (the whole line if it has none).
        token: String,
        /// What the format allows there.
        expected: String,
        /// What is there instead.
        found: String,
    },

    /// The feature matrix could not be built from the transformed columns.
    #[error("cannot build the design matrix: {0}")]
    Design(#[from] logreg_linalg_core::LinalgError),

    /// A saved pipeline could not be parsed.
    #[error("cannot read saved pipeline: {0}")]
    Json(#[from] serde_json::Error),

    /// A Parquet file, or one of its row groups, cannot be read (not Parquet, truncated,
    /// corrupt, or compressed with a codec this build does not have).
    #[error("{}{place}: {message}", at(path))]
    Parquet {
        /// The file.
        path: Option<PathBuf>,
        /// Where: "not a readable Parquet file", or the row group and its data rows.
        place: String,
        /// The Parquet reader's reason.
        message: String,
    },

    /// A column's stored type maps to neither a numeric nor a categorical column.
    #[error("{}column {column:?} has type {found}, which cannot be read: supported are integer, floating-point, boolean, string and dictionary-encoded string columns; leave the column out (--drop {column} on the command line)", at(path))]
    UnsupportedType {
        /// The file.
        path: Option<PathBuf>,
        /// The column.
        column: String,
        /// Its stored type.
        found: String,
    },

    /// A column guessed numeric from the first rows holds text further down (a read in passes
    /// fixes the types before its first pass; this one starts again with the column as text).
    #[error(
        "{}column {column:?} looked numeric in the first {rows} rows but holds text further down",
        at(path)
    )]
    NotNumericAfterAll {
        /// The file.
        path: Option<PathBuf>,
        /// The column.
        column: String,
        /// Rows the guess was made from.
        rows: usize,
    },

    /// A file read in several passes changed between them.
    #[error("{}the file changed while it was being read ({what}); a fit in passes reads it several times: leave it unchanged until the fit ends, or copy it first", at(path))]
    InputChanged {
        /// The file.
        path: Option<PathBuf>,
        /// What changed.
        what: String,
    },

    /// From the ranks of a distributed fit: another rank's failure (every rank reports the same
    /// one, naming the rank and its file), or the exchange itself.
    #[error(transparent)]
    Collective(#[from] logreg_collective::CollectiveError),

    /// A saved pipeline was written by an incompatible version.
    #[error(
        "saved pipeline has format_version {found}; this library reads format_version {expected}"
    )]
    UnsupportedVersion {
        /// The version found in the file.
        found: u32,
        /// The version this library writes and reads.
        expected: u32,
    },
}

impl PreprocessError {
    /// The 1-based data row the error points at, if any.
    pub fn row(&self) -> Option<usize> {
        match self {
            Self::InvalidUtf8 { row, .. }
            | Self::RaggedRow { row, .. }
            | Self::InvalidValue { row, .. }
            | Self::MissingValue { row, .. } => Some(*row),
            _ => None,
        }
    }

    /// The column the error points at, if any.
    pub fn column(&self) -> Option<&str> {
        match self {
            Self::InvalidUtf8 { column, .. }
            | Self::InvalidValue { column, .. }
            | Self::MissingValue { column, .. }
            | Self::ColumnNotFound { column, .. }
            | Self::ColumnType { column, .. }
            | Self::DuplicateColumn { column, .. }
            | Self::LengthMismatch { column, .. }
            | Self::CannotFit { column, .. }
            | Self::UnsupportedType { column, .. }
            | Self::NotNumericAfterAll { column, .. }
            | Self::TooManyCategories { column, .. } => Some(column),
            _ => None,
        }
    }

    /// Shifts the data row by `offset`: turns a row inside a chunk into a row of the whole file.
    ///
    /// A table from [`crate::CsvChunks`] numbers its rows from 1; errors from transforming it point
    /// into the chunk. Pass the number of data rows before the chunk
    /// ([`crate::CsvChunks::rows_before_last_chunk`]) to point into the file instead.
    pub fn with_row_offset(mut self, offset: usize) -> Self {
        match &mut self {
            Self::InvalidUtf8 { row, .. }
            | Self::RaggedRow { row, .. }
            | Self::InvalidValue { row, .. }
            | Self::MissingValue { row, .. } => *row = row.saturating_add(offset),
            _ => {}
        }
        self
    }

    /// The file the error names, if it names one.
    pub(crate) fn path(&self) -> Option<&Path> {
        match self {
            Self::Io { path, .. }
            | Self::NoHeader { path }
            | Self::NoRows { path }
            | Self::EmptyColumnName { path, .. }
            | Self::DuplicateColumn { path, .. }
            | Self::HeaderNotUtf8 { path, .. }
            | Self::InvalidUtf8 { path, .. }
            | Self::RaggedRow { path, .. }
            | Self::InvalidValue { path, .. }
            | Self::InvalidLibsvm { path, .. } => path.as_deref(),
            _ => None,
        }
    }

    /// Attaches a file path to errors that can carry one and have none yet.
    pub fn with_path(mut self, new: &Path) -> Self {
        match &mut self {
            Self::Io { path, .. }
            | Self::NoHeader { path }
            | Self::NoRows { path }
            | Self::EmptyColumnName { path, .. }
            | Self::DuplicateColumn { path, .. }
            | Self::HeaderNotUtf8 { path, .. }
            | Self::InvalidUtf8 { path, .. }
            | Self::RaggedRow { path, .. }
            | Self::InvalidValue { path, .. }
            | Self::InvalidLibsvm { path, .. }
            | Self::Parquet { path, .. }
            | Self::UnsupportedType { path, .. }
            | Self::NotNumericAfterAll { path, .. }
            | Self::InputChanged { path, .. }
                if path.is_none() =>
            {
                *path = Some(new.to_path_buf());
            }
            _ => {}
        }
        self
    }

    /// Shorthand for [`PreprocessError::InvalidParameter`].
    pub(crate) fn param(parameter: &str, reason: impl Into<String>) -> Self {
        Self::InvalidParameter {
            parameter: parameter.to_string(),
            reason: reason.into(),
        }
    }

    /// Shorthand for an [`PreprocessError::InvalidValue`] without a path.
    pub(crate) fn value(
        row_index: usize,
        column: &str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Self::InvalidValue {
            path: None,
            row: row_index + 1,
            column: column.to_string(),
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// Shorthand for a [`PreprocessError::MissingValue`] at a 0-based row index.
    pub(crate) fn missing(row_index: usize, column: &str, step: &str) -> Self {
        Self::MissingValue {
            row: row_index + 1,
            column: column.to_string(),
            step: step.to_string(),
        }
    }
}

/// `"path: "` or nothing, as a message prefix.
fn at(path: &Option<PathBuf>) -> String {
    match path {
        Some(p) => format!("{}: ", p.display()),
        None => String::new(),
    }
}

fn fields(n: usize) -> String {
    if n == 1 {
        "1 field".to_string()
    } else {
        format!("{n} fields")
    }
}

/// Names quoted and comma-separated; long lists are cut short.
fn list(names: &[String]) -> String {
    const SHOW: usize = 40;
    let mut out = names
        .iter()
        .take(SHOW)
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.is_empty() {
        out.push_str("(none)");
    } else if names.len() > SHOW {
        out.push_str(&format!(", ... ({} more)", names.len() - SHOW));
    }
    out
}

fn describe_schema(missing: &[String], mistyped: &[(String, ColumnType, ColumnType)]) -> String {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("missing columns {}", list(missing)));
    }
    for (name, expected, found) in mistyped {
        parts.push(format!("column {name:?} is {found}, expected {expected}"));
    }
    parts.join("; ")
}
