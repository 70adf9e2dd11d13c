//! A table file (CSV or Parquet) to read whole or in passes, checked unchanged between passes.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::PreprocessError;
use crate::parquet::ParquetPasses;
use crate::read::{ChunkResult, CsvOptions, CsvPasses};
use crate::schema::{ColumnType, Schema};
use crate::table::Table;

/// The formats a [`TableFile`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma-separated text with a header (see [`crate::read`]).
    Csv,
    /// Apache Parquet (see [`crate::parquet`]).
    Parquet,
}

impl FileFormat {
    /// Parquet for a name ending in `.parquet` or `.pq` (any case), else CSV.
    pub fn from_path(path: &Path) -> FileFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("parquet" | "pq") => FileFormat::Parquet,
            _ => FileFormat::Csv,
        }
    }

    /// `"csv"` or `"parquet"`.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Parquet => "parquet",
        }
    }
}

/// What identifies a file's contents cheaply: its size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    len: u64,
    modified: Option<SystemTime>,
}

impl Fingerprint {
    fn of(path: &Path) -> Result<Fingerprint, PreprocessError> {
        let m = std::fs::metadata(path).map_err(|source| PreprocessError::Io {
            path: Some(path.to_path_buf()),
            source,
        })?;
        Ok(Fingerprint {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

#[derive(Debug, Clone)]
enum Inner {
    Csv(CsvPasses),
    Parquet(ParquetPasses),
}

/// A CSV or Parquet file opened once (header and types, or footer) and then read whole or in
/// passes; every pass checks first and last that the file's size and modification time are
/// those it had when opened ([`PreprocessError::InputChanged`] otherwise).
///
/// ```
/// use logreg_preprocess::{CsvOptions, FileFormat, TableFile};
/// let path = std::env::temp_dir().join(format!("logreg-doc-file-{}.csv", std::process::id()));
/// std::fs::write(&path, "x,y\n1,a\n2,b\n").unwrap();
/// let file = TableFile::open(&path, FileFormat::from_path(&path), &CsvOptions::new())?;
/// assert_eq!(file.read_all()?.n_rows(), 2);
/// std::fs::write(&path, "x,y\n1,a\n2,b\n3,c\n").unwrap();        // changed since opened
/// // Refused before the first chunk (a change mid-pass is caught after the last one).
/// let pass = file.chunks(1000).and_then(|c| c.collect::<Result<Vec<_>, _>>());
/// assert!(pass.unwrap_err().to_string().contains("changed"));
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), logreg_preprocess::PreprocessError>(())
/// ```
#[derive(Debug, Clone)]
pub struct TableFile {
    path: PathBuf,
    inner: Inner,
    fingerprint: Fingerprint,
    csv_options: CsvOptions,
}

impl TableFile {
    /// Opens `path` as `format` (CSV read with `csv_options`).
    pub fn open(
        path: impl AsRef<Path>,
        format: FileFormat,
        csv_options: &CsvOptions,
    ) -> Result<TableFile, PreprocessError> {
        let path = path.as_ref();
        let fingerprint = Fingerprint::of(path)?;
        let inner = match format {
            FileFormat::Csv => Inner::Csv(crate::read_csv_passes(path, csv_options)?),
            FileFormat::Parquet => Inner::Parquet(ParquetPasses::open(path)?),
        };
        Ok(TableFile {
            path: path.to_path_buf(),
            inner,
            fingerprint,
            csv_options: csv_options.clone(),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its format.
    pub fn format(&self) -> FileFormat {
        match self.inner {
            Inner::Csv(_) => FileFormat::Csv,
            Inner::Parquet(_) => FileFormat::Parquet,
        }
    }

    /// Its size in bytes when opened.
    pub fn bytes(&self) -> u64 {
        self.fingerprint.len
    }

    /// Every column of the file, in file order.
    pub fn header(&self) -> &[String] {
        match &self.inner {
            Inner::Csv(c) => c.header(),
            Inner::Parquet(p) => p.header(),
        }
    }

    /// The columns read, in file order, with their types (for CSV guessed from the first 1 000
    /// rows unless set; Parquet columns of types that cannot be read are not among them).
    pub fn schema(&self) -> Schema {
        match &self.inner {
            Inner::Csv(c) => c.schema(),
            Inner::Parquet(p) => p.schema(),
        }
    }

    /// Reads only these columns; each must exist (and, in Parquet, be of a type that can be
    /// read).
    pub fn select<S: AsRef<str>>(&mut self, names: &[S]) -> Result<(), PreprocessError> {
        match &mut self.inner {
            Inner::Csv(c) => c.select(names),
            Inner::Parquet(p) => p.select(names),
        }
        .map_err(|e| e.with_path(&self.path))
    }

    /// Reads `column` as `column_type`.
    pub fn set_type(
        &mut self,
        column: &str,
        column_type: ColumnType,
    ) -> Result<(), PreprocessError> {
        match &mut self.inner {
            Inner::Csv(c) => c.set_type(column, column_type),
            Inner::Parquet(p) => p.set_type(column, column_type),
        }
        .map_err(|e| e.with_path(&self.path))
    }

    /// Data rows: exact for Parquet (from the footer), estimated for CSV (from the sample).
    pub fn estimated_rows(&self) -> Option<usize> {
        match &self.inner {
            Inner::Csv(c) => c.estimated_rows(),
            Inner::Parquet(p) => Some(p.n_rows()),
        }
    }

    /// Errors if the file's size or modification time changed since it was opened.
    pub fn check_unchanged(&self) -> Result<(), PreprocessError> {
        let now = Fingerprint::of(&self.path)?;
        if now == self.fingerprint {
            return Ok(());
        }
        let what = if now.len != self.fingerprint.len {
            format!(
                "its size went from {} to {} bytes",
                self.fingerprint.len, now.len
            )
        } else {
            "its modification time changed".to_string()
        };
        Err(PreprocessError::InputChanged {
            path: Some(self.path.clone()),
            what,
        })
    }

    /// One pass: the rows as chunk tables `(first_row, table)` in file order (Parquet in
    /// batches of at most `chunk_rows` rows; CSV in blocks of a few megabytes of text). The
    /// file is checked unchanged before the first chunk and after the last.
    pub fn chunks(
        &self,
        chunk_rows: usize,
    ) -> Result<Box<dyn Iterator<Item = ChunkResult> + Send>, PreprocessError> {
        self.check_unchanged()?;
        let inner: Box<dyn Iterator<Item = ChunkResult> + Send> = match &self.inner {
            Inner::Csv(c) => Box::new(c.chunks()?),
            Inner::Parquet(p) => Box::new(p.chunks(chunk_rows)?),
        };
        let path = self.path.clone();
        let this = self.clone();
        let mut done = false;
        let mut inner = inner;
        Ok(Box::new(std::iter::from_fn(move || {
            if done {
                return None;
            }
            match inner.next() {
                Some(Ok(c)) => Some(Ok(c)),
                Some(Err(e)) => {
                    done = true;
                    // A file cut short mid-pass fails to parse: say why.
                    Some(Err(match this.check_unchanged() {
                        Err(changed) => changed,
                        Ok(()) => e.with_path(&path),
                    }))
                }
                None => {
                    done = true;
                    this.check_unchanged().err().map(Err)
                }
            }
        })))
    }

    /// The whole file as one table (the columns read, with their types); the numeric columns
    /// the options name as side columns ([`CsvOptions::side_columns`]) in a block of their own.
    pub fn read_all(&self) -> Result<Table, PreprocessError> {
        match &self.inner {
            Inner::Csv(c) => {
                let mut options = self.csv_options.clone();
                for f in c.schema().fields {
                    options = options.column_type(f.name, f.column_type);
                }
                let table = crate::read_csv(&self.path, &options)?;
                let names = c.schema().names();
                table.select(&names)
            }
            Inner::Parquet(p) => p
                .read_all_with_side(|name| self.csv_options.is_side(name))?
                .ok_or_else(|| PreprocessError::NoRows {
                    path: Some(self.path.clone()),
                }),
        }
    }
}
