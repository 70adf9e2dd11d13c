//! `CsvOptions`: delimiter, quote, missing-value tokens, column types and threads.

use crate::error::PreprocessError;
use crate::schema::{ColumnType, Schema};

/// Tokens pandas' `read_csv` reads as missing by default (`keep_default_na=True`), pandas 2–3.
pub const DEFAULT_NA_VALUES: &[&str] = &[
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// Bytes of text per block parsed in parallel: large enough that handing a block to a thread
/// costs nothing next to parsing it, small enough that the blocks in flight stay a few
/// megabytes.
const BLOCK_SIZE: usize = 4 << 20;

/// How to read a CSV file: delimiter, quote, missing-value tokens, column type overrides and
/// threads.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvOptions {
    delimiter: u8,
    quote: u8,
    na_values: Vec<String>,
    keep_default_na: bool,
    types: Vec<(String, ColumnType)>,
    side: Vec<String>,
    threads: Option<usize>,
    block_size: usize,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: b',',
            quote: b'"',
            na_values: Vec::new(),
            keep_default_na: true,
            types: Vec::new(),
            side: Vec::new(),
            threads: None,
            block_size: BLOCK_SIZE,
        }
    }
}

impl CsvOptions {
    /// Comma-separated, `"` quotes, pandas' NA tokens, types inferred, every core.
    pub fn new() -> Self {
        Self::default()
    }

    /// The field delimiter (an ASCII byte such as `b';'` or `b'\t'`; default `b','`).
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// The quote character (ASCII; default `b'"'`).
    pub fn quote(mut self, quote: u8) -> Self {
        self.quote = quote;
        self
    }

    /// Extra tokens read as missing, on top of [`DEFAULT_NA_VALUES`] (pandas `na_values`).
    pub fn na_values<S: Into<String>>(mut self, tokens: impl IntoIterator<Item = S>) -> Self {
        self.na_values.extend(tokens.into_iter().map(Into::into));
        self
    }

    /// Whether [`DEFAULT_NA_VALUES`] count as missing (default true, pandas `keep_default_na`).
    /// Empty and whitespace-only cells are missing either way.
    pub fn keep_default_na(mut self, keep: bool) -> Self {
        self.keep_default_na = keep;
        self
    }

    /// Forces the type of a column instead of inferring it (pandas `dtype`); the column must
    /// exist in the file.
    pub fn column_type(mut self, column: impl Into<String>, column_type: ColumnType) -> Self {
        self.types.push((column.into(), column_type));
        self
    }

    /// Forces the type of every column of `schema` (e.g. a fitted pipeline's input schema), so a
    /// file is read exactly as the training data was.
    pub fn with_schema(mut self, schema: &Schema) -> Self {
        for f in &schema.fields {
            self.types.push((f.name.clone(), f.column_type));
        }
        self
    }

    /// Numeric columns that are not features (a target, sample weights, offsets, columns to be
    /// dropped), kept out of the numeric block the other numeric columns share. With them apart
    /// that block holds exactly the features, and a dense design takes it over as it is instead
    /// of moving every row to close the gaps they leave. Only the layout changes: the table's
    /// columns, their order and values are the same. Names the file does not have are ignored.
    ///
    /// ```
    /// use logreg_preprocess::{read_csv_from, CsvOptions};
    /// let csv = "y,a,b\n1,0.5,2\n0,1.5,3\n";
    /// let t = read_csv_from(csv.as_bytes(), &CsvOptions::new().side_columns(["y"]))?;
    /// assert_eq!(t.column_names(), ["y", "a", "b"]);
    /// assert_eq!(t.column("y")?.as_numeric().unwrap().to_vec(), [Some(1.0), Some(0.0)]);
    /// # Ok::<(), logreg_preprocess::PreprocessError>(())
    /// ```
    pub fn side_columns<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.side.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Parses with at most `threads` threads (default: one per core; 0 means the default). The
    /// result does not depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = (threads > 0).then_some(threads);
        self
    }

    /// Splits the input into blocks of about `bytes` (tests use tiny blocks to put block ends
    /// everywhere).
    #[cfg(test)]
    pub(crate) fn block_size(mut self, bytes: usize) -> Self {
        self.block_size = bytes.max(1);
        self
    }

    pub(crate) fn delimiter_byte(&self) -> u8 {
        self.delimiter
    }

    pub(crate) fn quote_byte(&self) -> u8 {
        self.quote
    }

    pub(crate) fn extra_na_values(&self) -> &[String] {
        &self.na_values
    }

    pub(crate) fn keeps_default_na(&self) -> bool {
        self.keep_default_na
    }

    /// The columns given a type ([`column_type`](Self::column_type),
    /// [`with_schema`](Self::with_schema)), in the order given (a later one wins): what a
    /// reader of another format (a Parquet shard) applies as well.
    pub fn forced_types(&self) -> &[(String, ColumnType)] {
        &self.types
    }

    /// Every column given a type is in the file's `header` (else the error lists the header).
    pub(crate) fn check_forced_in(&self, header: &[String]) -> Result<(), PreprocessError> {
        match self.types.iter().find(|(name, _)| !header.contains(name)) {
            Some((name, _)) => Err(PreprocessError::ColumnNotFound {
                column: name.clone(),
                available: header.to_vec(),
            }),
            None => Ok(()),
        }
    }

    pub(crate) fn forced_type(&self, column: &str) -> Option<ColumnType> {
        self.types
            .iter()
            .rev()
            .find(|(name, _)| name == column)
            .map(|(_, t)| *t)
    }

    pub(crate) fn is_side(&self, column: &str) -> bool {
        self.side.iter().any(|name| name == column)
    }

    pub(crate) fn thread_count(&self) -> usize {
        self.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        })
    }

    pub(crate) fn block_bytes(&self) -> usize {
        self.block_size
    }

    pub(crate) fn validate(&self) -> Result<(), PreprocessError> {
        for (name, byte) in [("delimiter", self.delimiter), ("quote", self.quote)] {
            if !byte.is_ascii() || byte == b'\n' || byte == b'\r' {
                return Err(PreprocessError::param(
                    name,
                    format!("must be an ASCII character other than a line break, got byte {byte}"),
                ));
            }
        }
        if self.delimiter == self.quote {
            return Err(PreprocessError::param(
                "delimiter",
                "the delimiter and the quote character must differ",
            ));
        }
        Ok(())
    }
}
