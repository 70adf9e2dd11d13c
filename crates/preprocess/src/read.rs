//! Reading CSV into a [`Table`], all at once or in chunks of bounded size.
//!
//! Rules, shared by [`read_csv`], [`read_csv_from`] and the chunked readers:
//! - The first record is the header; a UTF-8 byte-order mark before it is dropped. Names must be
//!   non-empty and unique.
//! - Fields may be quoted (`"a, b"`, `""` for a quote); lines end in LF or CRLF; empty lines
//!   are skipped.
//! - A cell is *missing* if it is empty or only whitespace, or equals (as written or with
//!   surrounding whitespace trimmed) one of the NA tokens: by default pandas' list,
//!   [`DEFAULT_NA_VALUES`], plus any [`CsvOptions::na_values`].
//! - A column is numeric if every non-missing cell parses as an `f64` (surrounding whitespace
//!   ignored); otherwise categorical, labels kept exactly as written. A number that overflows
//!   or is written as infinity (`inf`, `1e999`) is an error, never a silent ∞.
//!   [`CsvOptions::column_type`] forces a type. A column with no non-missing cell is numeric.
//! - Rows in errors are 1-based *data rows*: the header is not counted, so data row 1 is the
//!   record after the header (for files without empty lines or multi-line quoted fields, file
//!   line `r + 1`).

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::PreprocessError;
use crate::table::{Column, ColumnType, Schema, Table};

/// Tokens pandas' `read_csv` reads as missing by default (`keep_default_na=True`), pandas 2–3.
pub const DEFAULT_NA_VALUES: &[&str] = &[
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// How to read a CSV file: delimiter, quote, missing-value tokens and column type overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvOptions {
    delimiter: u8,
    quote: u8,
    na_values: Vec<String>,
    keep_default_na: bool,
    types: Vec<(String, ColumnType)>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: b',',
            quote: b'"',
            na_values: Vec::new(),
            keep_default_na: true,
            types: Vec::new(),
        }
    }
}

impl CsvOptions {
    /// Comma-separated, `"` quotes, pandas' NA tokens, types inferred.
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

    fn forced_type(&self, column: &str) -> Option<ColumnType> {
        self.types
            .iter()
            .rev()
            .find(|(name, _)| name == column)
            .map(|(_, t)| *t)
    }

    fn validate(&self) -> Result<(), PreprocessError> {
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

    fn na_set(&self) -> NaSet {
        let mut tokens: HashSet<String> = self.na_values.iter().cloned().collect();
        if self.keep_default_na {
            tokens.extend(DEFAULT_NA_VALUES.iter().map(|s| s.to_string()));
        }
        NaSet { tokens }
    }
}

/// The tokens that mean "missing".
struct NaSet {
    tokens: HashSet<String>,
}

impl NaSet {
    fn is_na(&self, cell: &str) -> bool {
        let trimmed = cell.trim();
        trimmed.is_empty() || self.tokens.contains(cell) || self.tokens.contains(trimmed)
    }
}

/// Why a cell is not a usable number.
enum NumberError {
    NotANumber,
    NotFinite,
}

fn parse_number(cell: &str) -> Result<f64, NumberError> {
    match cell.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(NumberError::NotFinite),
        Err(_) => Err(NumberError::NotANumber),
    }
}

fn number_error(
    err: NumberError,
    path: &Option<PathBuf>,
    row: usize,
    column: &str,
    cell: &str,
) -> PreprocessError {
    let expected = match err {
        NumberError::NotANumber => "a number (the column is read as numeric)",
        NumberError::NotFinite => "a finite number",
    };
    PreprocessError::InvalidValue {
        path: path.clone(),
        row,
        column: column.to_string(),
        expected: expected.to_string(),
        found: cell.to_string(),
    }
}

/// Drops a UTF-8 byte-order mark at the very start of a stream.
struct SkipBom<R> {
    inner: R,
    head: [u8; 3],
    head_len: usize,
    head_pos: usize,
    checked: bool,
}

impl<R: Read> SkipBom<R> {
    fn new(inner: R) -> Self {
        SkipBom {
            inner,
            head: [0; 3],
            head_len: 0,
            head_pos: 0,
            checked: false,
        }
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.checked {
            while self.head_len < 3 {
                match self.inner.read(&mut self.head[self.head_len..]) {
                    Ok(0) => break,
                    Ok(n) => self.head_len += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            self.checked = true;
            if self.head[..self.head_len] == [0xEF, 0xBB, 0xBF] {
                self.head_pos = 3;
            }
        }
        if self.head_pos < self.head_len {
            let n = buf.len().min(self.head_len - self.head_pos);
            buf[..n].copy_from_slice(&self.head[self.head_pos..self.head_pos + n]);
            self.head_pos += n;
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

/// Records of a CSV stream after its header, with data rows counted and checked for length.
struct Records<R: Read> {
    csv: csv::Reader<SkipBom<R>>,
    path: Option<PathBuf>,
    header: Vec<String>,
    record: csv::ByteRecord,
    rows_read: usize,
}

impl<R: Read> Records<R> {
    fn open(
        reader: R,
        options: &CsvOptions,
        path: Option<PathBuf>,
    ) -> Result<Self, PreprocessError> {
        options.validate()?;
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(options.delimiter)
            .quote(options.quote)
            .from_reader(SkipBom::new(reader));
        let mut records = Records {
            csv,
            path,
            header: Vec::new(),
            record: csv::ByteRecord::new(),
            rows_read: 0,
        };
        if !records.read_raw()? {
            return Err(PreprocessError::NoHeader { path: records.path });
        }
        let mut header = Vec::with_capacity(records.record.len());
        let mut seen = HashSet::new();
        for (i, field) in records.record.iter().enumerate() {
            let name = std::str::from_utf8(field).map_err(|_| PreprocessError::HeaderNotUtf8 {
                path: records.path.clone(),
                position: i + 1,
            })?;
            if name.trim().is_empty() {
                return Err(PreprocessError::EmptyColumnName {
                    path: records.path.clone(),
                    position: i + 1,
                });
            }
            if !seen.insert(name) {
                return Err(PreprocessError::DuplicateColumn {
                    path: records.path.clone(),
                    column: name.to_string(),
                });
            }
            header.push(name.to_string());
        }
        records.header = header;
        Ok(records)
    }

    fn read_raw(&mut self) -> Result<bool, PreprocessError> {
        self.csv.read_byte_record(&mut self.record).map_err(|e| {
            let source = match e.into_kind() {
                csv::ErrorKind::Io(io) => io,
                other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
            };
            PreprocessError::Io {
                path: self.path.clone(),
                source,
            }
        })
    }

    /// Reads the next data row into `self.record`; `false` at the end.
    fn next_row(&mut self) -> Result<bool, PreprocessError> {
        if !self.read_raw()? {
            return Ok(false);
        }
        self.rows_read += 1;
        if self.record.len() != self.header.len() {
            return Err(PreprocessError::RaggedRow {
                path: self.path.clone(),
                row: self.rows_read,
                expected: self.header.len(),
                found: self.record.len(),
            });
        }
        Ok(true)
    }

    /// Field `index` of the current row as text.
    fn field(&self, index: usize) -> Result<&str, PreprocessError> {
        let bytes = self.record.get(index).unwrap_or_default();
        std::str::from_utf8(bytes).map_err(|_| PreprocessError::InvalidUtf8 {
            path: self.path.clone(),
            row: self.rows_read,
            column: self.header.get(index).cloned().unwrap_or_default(),
        })
    }
}

/// Reads a whole CSV file into a [`Table`] (see the [module rules](self)).
pub fn read_csv(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Table, PreprocessError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|source| PreprocessError::Io {
        path: Some(path.to_path_buf()),
        source,
    })?;
    read_table(file, options, Some(path.to_path_buf()))
}

/// Reads CSV from any reader (a file, `&[u8]`, stdin) into a [`Table`].
pub fn read_csv_from<R: Read>(reader: R, options: &CsvOptions) -> Result<Table, PreprocessError> {
    read_table(reader, options, None)
}

fn read_table<R: Read>(
    reader: R,
    options: &CsvOptions,
    path: Option<PathBuf>,
) -> Result<Table, PreprocessError> {
    let mut records = Records::open(reader, options, path)?;
    let header = records.header.clone();
    for (name, _) in &options.types {
        if !header.contains(name) {
            return Err(PreprocessError::ColumnNotFound {
                column: name.clone(),
                available: header,
            });
        }
    }
    let na = options.na_set();
    let mut raw: Vec<Vec<Option<String>>> = vec![Vec::new(); header.len()];
    while records.next_row()? {
        for (i, cells) in raw.iter_mut().enumerate() {
            let cell = records.field(i)?;
            cells.push(if na.is_na(cell) {
                None
            } else {
                Some(cell.to_string())
            });
        }
    }
    if records.rows_read == 0 {
        return Err(PreprocessError::NoRows { path: records.path });
    }
    let n_rows = records.rows_read;
    let mut columns = Vec::with_capacity(header.len());
    for (name, cells) in header.iter().zip(raw) {
        let column = match options.forced_type(name) {
            Some(ColumnType::Categorical) => Column::Categorical(cells),
            Some(ColumnType::Numeric) => parse_numeric(&records.path, name, &cells)?,
            None => {
                let numeric = cells
                    .iter()
                    .flatten()
                    .all(|c| c.trim().parse::<f64>().is_ok());
                if numeric {
                    parse_numeric(&records.path, name, &cells)?
                } else {
                    Column::Categorical(cells)
                }
            }
        };
        columns.push(column);
    }
    Ok(Table::from_checked(header, columns, n_rows))
}

fn parse_numeric(
    path: &Option<PathBuf>,
    name: &str,
    cells: &[Option<String>],
) -> Result<Column, PreprocessError> {
    cells
        .iter()
        .enumerate()
        .map(|(i, cell)| match cell {
            None => Ok(None),
            Some(c) => parse_number(c)
                .map(Some)
                .map_err(|e| number_error(e, path, i + 1, name, c)),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Column::Numeric)
}

/// Reads a CSV file as a sequence of [`Table`]s of at most `chunk_size` rows each, with the
/// columns and types of `schema` (in schema order; other columns of the file are skipped).
///
/// Memory stays bounded by the chunk size, so a fitted pipeline can transform a file larger
/// than RAM chunk by chunk. Columns of `schema` missing from the file are an error here; a
/// header with no rows is an error at the first `next()`.
///
/// ```
/// use logreg_preprocess::{read_csv_chunks_from, ColumnType, CsvOptions, Schema};
/// let data = "x,label\n1,a\n2,b\n3,c\n";
/// let schema = Schema::new([("x", ColumnType::Numeric)]);
/// let mut chunks = read_csv_chunks_from(data.as_bytes(), &schema, 2, &CsvOptions::new())?;
/// let sizes: Vec<usize> = chunks.by_ref().map(|t| t.map(|t| t.n_rows())).collect::<Result<_, _>>()?;
/// assert_eq!(sizes, [2, 1]);
/// # Ok::<(), logreg_preprocess::PreprocessError>(())
/// ```
pub fn read_csv_chunks(
    path: impl AsRef<Path>,
    schema: &Schema,
    chunk_size: usize,
    options: &CsvOptions,
) -> Result<CsvChunks<File>, PreprocessError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|source| PreprocessError::Io {
        path: Some(path.to_path_buf()),
        source,
    })?;
    CsvChunks::open(file, schema, chunk_size, options, Some(path.to_path_buf()))
}

/// [`read_csv_chunks`] over any reader.
pub fn read_csv_chunks_from<R: Read>(
    reader: R,
    schema: &Schema,
    chunk_size: usize,
    options: &CsvOptions,
) -> Result<CsvChunks<R>, PreprocessError> {
    CsvChunks::open(reader, schema, chunk_size, options, None)
}

/// An iterator of [`Table`] chunks with a fixed schema; see [`read_csv_chunks`].
///
/// Rows of each yielded table are numbered from 1 again; errors from reading carry the data row
/// of the whole file. After an error the iterator ends.
pub struct CsvChunks<R: Read> {
    records: Records<R>,
    schema: Schema,
    /// For each schema column, its field index in the file.
    positions: Vec<usize>,
    chunk_size: usize,
    na: NaSet,
    rows_before_last_chunk: usize,
    done: bool,
}

impl<R: Read> CsvChunks<R> {
    fn open(
        reader: R,
        schema: &Schema,
        chunk_size: usize,
        options: &CsvOptions,
        path: Option<PathBuf>,
    ) -> Result<Self, PreprocessError> {
        if chunk_size == 0 {
            return Err(PreprocessError::param("chunk_size", "must be at least 1"));
        }
        let records = Records::open(reader, options, path)?;
        let mut positions = Vec::with_capacity(schema.fields.len());
        let mut missing = Vec::new();
        let mut seen = HashSet::new();
        for field in &schema.fields {
            if !seen.insert(field.name.as_str()) {
                return Err(PreprocessError::DuplicateColumn {
                    path: None,
                    column: field.name.clone(),
                });
            }
            match records.header.iter().position(|h| *h == field.name) {
                Some(i) => positions.push(i),
                None => missing.push(field.name.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(PreprocessError::SchemaMismatch {
                missing,
                mistyped: Vec::new(),
            });
        }
        Ok(CsvChunks {
            records,
            schema: schema.clone(),
            positions,
            chunk_size,
            na: options.na_set(),
            rows_before_last_chunk: 0,
            done: false,
        })
    }

    /// The file's header (all its column names, including those not in the schema).
    pub fn header(&self) -> &[String] {
        &self.records.header
    }

    /// Data rows read so far.
    pub fn rows_read(&self) -> usize {
        self.records.rows_read
    }

    /// Data rows before the chunk last returned: add it to a row inside that chunk (see
    /// [`PreprocessError::with_row_offset`]) to get the data row in the file.
    pub fn rows_before_last_chunk(&self) -> usize {
        self.rows_before_last_chunk
    }

    fn read_chunk(&mut self) -> Result<Option<Table>, PreprocessError> {
        let start = self.records.rows_read;
        let mut columns: Vec<Column> = self
            .schema
            .fields
            .iter()
            .map(|f| match f.column_type {
                ColumnType::Numeric => Column::Numeric(Vec::with_capacity(self.chunk_size)),
                ColumnType::Categorical => Column::Categorical(Vec::with_capacity(self.chunk_size)),
            })
            .collect();
        let mut n = 0;
        while n < self.chunk_size && self.records.next_row()? {
            n += 1;
            for ((column, &pos), field) in columns
                .iter_mut()
                .zip(&self.positions)
                .zip(&self.schema.fields)
            {
                let cell = self.records.field(pos)?;
                let missing = self.na.is_na(cell);
                match column {
                    Column::Numeric(v) => v.push(if missing {
                        None
                    } else {
                        Some(parse_number(cell).map_err(|e| {
                            number_error(
                                e,
                                &self.records.path,
                                self.records.rows_read,
                                &field.name,
                                cell,
                            )
                        })?)
                    }),
                    Column::Categorical(v) => v.push(if missing {
                        None
                    } else {
                        Some(cell.to_string())
                    }),
                }
            }
        }
        if n == 0 {
            if start == 0 {
                return Err(PreprocessError::NoRows {
                    path: self.records.path.clone(),
                });
            }
            return Ok(None);
        }
        self.rows_before_last_chunk = start;
        Ok(Some(Table::from_checked(self.schema.names(), columns, n)))
    }
}

impl<R: Read> Iterator for CsvChunks<R> {
    type Item = Result<Table, PreprocessError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.read_chunk() {
            Ok(Some(table)) => Some(Ok(table)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_bom_only_at_start() {
        let mut out = String::new();
        SkipBom::new("\u{feff}a\u{feff}".as_bytes())
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "a\u{feff}");
        let mut out = Vec::new();
        SkipBom::new(&b"ab"[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, b"ab");
    }

    #[test]
    fn na_tokens_match_pandas_and_trim() {
        let na = CsvOptions::new().na_values(["?"]).na_set();
        for t in ["", "  ", "NA", " NA ", "nan", "NULL", "#N/A", "?", "None"] {
            assert!(na.is_na(t), "{t:?}");
        }
        for t in ["unknown", "0", "na", "none"] {
            assert!(!na.is_na(t), "{t:?}");
        }
        let bare = CsvOptions::new().keep_default_na(false).na_set();
        assert!(bare.is_na("") && !bare.is_na("NA"));
    }
}
