//! Fits on rows spread over the ranks of a job (the processes of an MPI job, or threads in
//! tests): each rank reads only its share of the data, the pipeline and the model learn from all
//! the rows, and every rank ends with the same classifier, the one a single process fits on all
//! the rows (to the rounding of a different order of addition: sums are added by rank, then by
//! block).
//!
//! The pieces, in the order a distributed `train` runs them:
//! - [`DataSource`]: shard files (a glob or a list, whole files per rank) or one file split into
//!   row ranges; [`read_csv_on_ranks`] reads this rank's rows, checks that every file of every
//!   rank has the same columns (an error names the rank, the file and the column) and gives
//!   every column one type on every rank.
//! - [`split_on_ranks`]: the single process's train/test split of all the rows, as this rank's
//!   row indices.
//! - [`Classifier::fit_on_ranks`]: the pipeline fitted on every rank's training rows
//!   ([`Pipeline::fit_transform_owned_in`]) and the model on all of them
//!   ([`ValidParams::fit_distributed`](crate::model::ValidParams::fit_distributed), or
//!   [`ValidParams::fit_multinomial_distributed`](crate::model::ValidParams::fit_multinomial_distributed)
//!   for more than two classes).
//! - [`Trained::evaluate_on_ranks`] and [`Trained::evaluate_multiclass_on_ranks`]: metrics of
//!   all the rows.
//!
//! Every function here is collective: every rank calls it at the same point. A failure on one
//! rank (an unreadable shard, a bad cell) is every rank's error, naming the rank, the file and
//! the row; no rank is left waiting.
//!
//! ```
//! use logreg::distributed::{read_csv_on_ranks, DataSource};
//! use logreg::collective::InProcess;
//! use logreg::preprocess::{CsvOptions, Pipeline, Ranks};
//! use logreg::{model::LogisticRegression, Classifier};
//!
//! let dir = tempfile::tempdir()?;
//! for (k, rows) in ["1,0\n2,0\n3,1\n", "4,0\n5,1\n6,1\n"].iter().enumerate() {
//!     std::fs::write(dir.path().join(format!("part-{k}.csv")), format!("x,y\n{rows}"))?;
//! }
//! let source = DataSource::from_args([format!("{}/part-*.csv", dir.path().display())]);
//! let params = LogisticRegression::params().check()?;
//! // Two ranks as threads; under `mpirun`, `logreg::collective::init_distributed()` instead.
//! let models = InProcess::run(2, |rank| -> Result<String, logreg::Error> {
//!     let mine = read_csv_on_ranks(rank, &source, &CsvOptions::new())?;
//!     let ranks = Ranks::new(rank).with_origins(&mine.origins);
//!     let pipeline = Pipeline::new().standardize_all();
//!     let trained = Classifier::fit_on_ranks(
//!         mine.table, "y", &Default::default(), pipeline, &params, Default::default(), &ranks)?;
//!     trained.classifier.to_json()
//! })?;
//! assert_eq!(models[0].as_ref().unwrap(), models[1].as_ref().unwrap());   // the same model
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use logreg_collective::{
    agree, all_gather_bytes, all_gather_f64, shards_for_rank, Collective, CollectiveError,
    ShardSpec,
};

use crate::classifier::{check_fit_classes, split_fit_columns, train_k_classes};
use crate::evaluate::{stratified_train_test_split, train_test_split, Split};
use crate::linalg::{Csr, Design};
use crate::model::{
    classes_on_ranks, two_classes, FitOptions, FittedModel, ModelError, ValidParams,
};
use crate::preprocess::{
    csv_row_ranges, libsvm_line_ranges, read_csv, read_csv_range, read_libsvm, read_libsvm_range,
    ColumnType, CsvOptions, CsvRange, Features, FileFormat, LibsvmRange, Pipeline, PreprocessError,
    Ranks, RowOrigins, Schema, Table, TableFile,
};
use crate::{
    ClassLabel, Classifier, Error, Evaluation, FitColumns, MulticlassEvaluation, Trained,
    LIBSVM_TARGET,
};
use nalgebra::DMatrix;

/// Where a distributed fit's rows are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// Shard files, each read whole by one rank: a glob pattern or a list (see [`ShardSpec`]);
    /// the ranks take contiguous runs of the sorted files, so their rows in rank order are the
    /// files' rows in order.
    Shards(ShardSpec),
    /// One file whose data rows are cut into as many contiguous runs as there are ranks, at
    /// record boundaries (quote-aware), of about equal size; rank `r` reads run `r`.
    RowsOf(PathBuf),
}

impl DataSource {
    /// From command-line arguments: one file (no `*`, `?` or `[`) is split into row ranges; a
    /// pattern or several files are shards.
    ///
    /// ```
    /// use logreg::distributed::DataSource;
    /// assert_eq!(DataSource::from_args(["big.csv"]), DataSource::RowsOf("big.csv".into()));
    /// assert!(matches!(DataSource::from_args(["data/part-*.csv"]), DataSource::Shards(_)));
    /// ```
    pub fn from_args<I, S>(args: I) -> DataSource
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        match ShardSpec::from_args(args) {
            ShardSpec::List(files) if files.len() == 1 => {
                DataSource::RowsOf(files.into_iter().next().unwrap_or_default())
            }
            spec => DataSource::Shards(spec),
        }
    }
}

impl fmt::Display for DataSource {
    /// The pattern, the files (comma-separated) or the file, as a report shows the data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataSource::Shards(ShardSpec::Pattern(p)) => f.write_str(p),
            DataSource::Shards(ShardSpec::List(files)) => {
                let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
                f.write_str(&names.join(","))
            }
            DataSource::RowsOf(path) => write!(f, "{}", path.display()),
        }
    }
}

/// What this rank read: its rows, where they came from, and where they sit among all the rows.
#[derive(Debug)]
pub struct LocalRows {
    /// This rank's rows, with the columns (and types) every rank has.
    pub table: Table,
    /// The file and data row of each of this rank's rows, for messages.
    pub origins: RowOrigins,
    /// What this rank read: whole files, or a run of rows of one file.
    pub parts: Vec<Part>,
    /// Rows of the ranks before this one: this rank's first row is row `rows_before` of all.
    pub rows_before: usize,
    /// Rows over every rank.
    pub total_rows: usize,
    /// Every column of the files, the same on every rank: the table's, and those of Parquet
    /// files left unread.
    pub header: Vec<String>,
    /// The columns of Parquet files left unread.
    skipped: Vec<String>,
}

/// One piece of a rank's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A whole CSV file.
    File(PathBuf),
    /// A run of a CSV file's rows.
    Range(PathBuf, CsvRange),
    /// A whole Parquet file.
    Parquet(PathBuf),
}

impl Part {
    fn path(&self) -> &Path {
        match self {
            Part::File(p) | Part::Range(p, _) | Part::Parquet(p) => p,
        }
    }

    /// The part's rows and its file's columns (those left unread included); a Parquet file
    /// reads its columns but `skip`, each as the type `options` gives it, if any, else as
    /// stored.
    fn read(
        &self,
        options: &CsvOptions,
        skip: &[String],
    ) -> Result<(Table, Vec<String>), PreprocessError> {
        let table = match self {
            Part::File(p) => read_csv(p, options)?,
            Part::Range(p, r) => read_csv_range(p, options, r)?,
            Part::Parquet(p) => {
                let mut file = TableFile::open(p, FileFormat::Parquet, options)?;
                let keep: Vec<String> = file
                    .header()
                    .iter()
                    .filter(|c| !skip.contains(c))
                    .cloned()
                    .collect();
                file.select(&keep)?;
                for (column, column_type) in options.forced_types() {
                    file.set_type(column, *column_type)?;
                }
                return Ok((file.read_all()?, file.header().to_vec()));
            }
        };
        let header = table.column_names().to_vec();
        Ok((table, header))
    }
}

impl LocalRows {
    /// Reads this rank's data again with other options (say, a column forced to numbers to find
    /// the cell that is not one); every rank must call it, and a failure is every rank's.
    pub fn reread(
        &self,
        world: &dyn Collective,
        options: &CsvOptions,
    ) -> Result<Vec<Table>, Error> {
        let read = self
            .parts
            .iter()
            .map(|p| p.read(options, &self.skipped).map(|(table, _)| table))
            .collect::<Result<Vec<_>, _>>();
        agreed_plain(world, read.map_err(Error::from))
    }
}

/// This rank's outcome made every rank's (the error's own message, which names its file).
fn agreed_plain<T>(world: &dyn Collective, outcome: Result<T, Error>) -> Result<T, Error> {
    if world.size() == 1 {
        return outcome;
    }
    Ok(agree(world, outcome)?)
}

/// This rank's outcome made every rank's (with one rank, as it is): `Ok` on every rank, or on
/// every rank the error of the lowest failing rank, pointed at the file and data row its row
/// came from (`origins`: this rank's, see [`LocalRows::origins`]). Every rank must call it at
/// the same point.
pub fn agreed<T>(
    world: &dyn Collective,
    origins: &RowOrigins,
    outcome: Result<T, Error>,
) -> Result<T, Error> {
    if world.size() == 1 {
        return outcome;
    }
    let described = outcome.map_err(|e| match &e {
        Error::Preprocess(p) => origins.describe(p),
        Error::AuxValue { row, .. } => match row.checked_sub(1).and_then(|r| origins.locate(r)) {
            Some((path, file_row)) => {
                let moved = match e {
                    Error::AuxValue {
                        role,
                        column,
                        found,
                        expected,
                        ..
                    } => Error::AuxValue {
                        role,
                        column,
                        row: file_row,
                        found,
                        expected,
                    },
                    other => other,
                };
                format!("{}: {moved}", path.display())
            }
            None => e.to_string(),
        },
        Error::MissingLabel { row, column } | Error::UnknownLabel { row, column, .. } => {
            match row.checked_sub(1).and_then(|r| origins.locate(r)) {
                Some((path, file_row)) => {
                    let moved = match e {
                        Error::MissingLabel { column, .. } => Error::MissingLabel {
                            column,
                            row: file_row,
                        },
                        Error::UnknownLabel {
                            column,
                            value,
                            classes,
                            ..
                        } => Error::UnknownLabel {
                            column,
                            row: file_row,
                            value,
                            classes,
                        },
                        other => other,
                    };
                    format!("{}: {moved}", path.display())
                }
                None => format!("column {column:?}: {e}"),
            }
        }
        _ => e.to_string(),
    });
    Ok(agree(world, described)?)
}

/// Reads this rank's rows of `source`: its CSV shard files (each whole), or its run of the one
/// file's rows. Every file of every rank must have the same columns in the same order; a
/// column is read as numbers on every rank only if it holds numbers in every file (as one
/// process reading all the rows would decide), else as categories everywhere. Errors (a
/// missing or unreadable shard, a bad cell, more ranks than shards or rows, columns that
/// disagree) are every rank's, naming the rank and the file.
pub fn read_csv_on_ranks(
    world: &dyn Collective,
    source: &DataSource,
    options: &CsvOptions,
) -> Result<LocalRows, Error> {
    read_table_on_ranks(world, source, FileFormat::Csv, options, &[])
}

/// [`read_csv_on_ranks`] for files of `format`. Parquet files are shards, each read whole by
/// one rank (one file is one shard, for one rank): every column but those in `skip` (never
/// decoded, so they may be of any type, as the columns `train` drops on one machine), each
/// column `options` gives a type ([`CsvOptions::column_type`]) read as that type, the others as
/// stored. Their columns must have the same names, order and types (numbers or text) in every
/// file: an error names the rank, the file and the first column that differs. `skip` does not
/// apply to CSV files, whose every column is read.
pub fn read_table_on_ranks(
    world: &dyn Collective,
    source: &DataSource,
    format: FileFormat,
    options: &CsvOptions,
    skip: &[String],
) -> Result<LocalRows, Error> {
    let typed = format == FileFormat::Parquet;
    let source = match source {
        // A Parquet file is not cut into row ranges: it is one shard.
        DataSource::RowsOf(path) if typed => {
            DataSource::Shards(ShardSpec::List(vec![path.clone()]))
        }
        other => other.clone(),
    };
    let parts: Vec<Part> = match &source {
        DataSource::Shards(spec) => shards_for_rank(world, spec)?
            .into_iter()
            .map(if typed { Part::Parquet } else { Part::File })
            .collect(),
        DataSource::RowsOf(path) => {
            vec![Part::Range(path.clone(), row_range(world, path, options)?)]
        }
    };
    let skip = if typed { skip.to_vec() } else { Vec::new() };
    let read = parts
        .iter()
        .map(|p| p.read(options, &skip))
        .collect::<Result<Vec<_>, _>>();
    let (mut tables, headers): (Vec<Table>, Vec<Vec<String>>) =
        agreed_plain(world, read.map_err(Error::from))?
            .into_iter()
            .unzip();
    let reference = check_columns(world, &parts, &tables, &headers, typed)?;
    // Columns read as numbers here that hold text on another rank: read as categories.
    let reread =
        parts
            .iter()
            .zip(tables.iter_mut())
            .try_for_each(|(part, table)| -> Result<(), Error> {
                let categorical: Vec<String> = table
                    .schema()
                    .fields
                    .into_iter()
                    .zip(&reference.fields)
                    .filter(|(mine, all)| mine.column_type != all.column_type)
                    .map(|(mine, _)| mine.name)
                    .collect();
                if !categorical.is_empty() {
                    let mut forced = options.clone();
                    for name in categorical {
                        forced = forced.column_type(name, ColumnType::Categorical);
                    }
                    *table = part.read(&forced, &skip)?.0;
                }
                Ok(())
            });
    agreed_plain(world, reread)?;
    let mut origins = RowOrigins::new();
    let mut first = 0;
    for (part, table) in parts.iter().zip(&tables) {
        let before = match part {
            Part::File(_) | Part::Parquet(_) => 0,
            Part::Range(_, r) => r.rows_before,
        };
        origins.push(first, part.path(), before);
        first += table.n_rows();
    }
    let table = agreed_plain(world, Table::concat(tables).map_err(Error::from))?;
    let counts: Vec<usize> = all_gather_f64(world, &[table.n_rows() as f64])?
        .iter()
        .map(|c| c.first().copied().unwrap_or(0.0) as usize)
        .collect();
    let rank = world.rank();
    Ok(LocalRows {
        table,
        origins,
        parts,
        rows_before: counts[..rank].iter().sum(),
        total_rows: counts.iter().sum(),
        header: headers.into_iter().next().unwrap_or_default(),
        skipped: skip,
    })
}

/// This rank's run of the rows of `path`: rank 0 scans the file for record boundaries and tells
/// every rank its run; more ranks than rows is an error on every rank.
fn row_range(world: &dyn Collective, path: &Path, options: &CsvOptions) -> Result<CsvRange, Error> {
    let size = world.size();
    let ranges = if world.is_root() {
        csv_row_ranges(path, options, size).map_err(Error::from)
    } else {
        Ok(Vec::new())
    };
    let ranges = agreed_plain(world, ranges)?;
    let mut wire: Vec<f64> = ranges
        .iter()
        .flat_map(|r| {
            [
                r.header.start,
                r.header.end,
                r.data.start,
                r.data.end,
                r.rows_before as u64,
                r.rows as u64,
            ]
            .map(|v| v as f64)
        })
        .collect();
    wire.resize(6 * size, 0.0);
    world.broadcast_f64(0, &mut wire)?;
    let ranges: Vec<CsvRange> = wire
        .chunks_exact(6)
        .map(|w| CsvRange {
            header: w[0] as u64..w[1] as u64,
            data: w[2] as u64..w[3] as u64,
            rows_before: w[4] as usize,
            rows: w[5] as usize,
        })
        .collect();
    if let Some(idle_rank) = ranges.iter().position(|r| r.rows == 0) {
        return Err(CollectiveError::TooFewRows {
            rows: ranges.iter().map(|r| r.rows).sum(),
            ranks: size,
            idle_rank,
        }
        .into());
    }
    Ok(ranges[world.rank()].clone())
}

/// What this rank read of libsvm data: its rows (a sparse design with the feature count of all
/// the ranks' files, and the labels), and where they sit among all the rows.
#[derive(Debug)]
pub struct LocalLibsvm {
    /// This rank's rows; its columns are every rank's features (the largest index of any file).
    pub design: Csr<'static>,
    /// The label of each of this rank's rows.
    pub labels: Vec<f64>,
    /// Rows of the ranks before this one.
    pub rows_before: usize,
    /// Rows over every rank.
    pub total_rows: usize,
}

/// Reads this rank's rows of libsvm data: its shard files, or its run of the one file's lines
/// (rank 0 finds line boundaries and tells each rank its run). The feature count is the largest
/// index of any file of any rank (or `n_features` when given, a larger index being an error),
/// so every rank's design has the same columns. Errors are every rank's, naming the rank, the
/// file and its line.
pub fn read_libsvm_on_ranks(
    world: &dyn Collective,
    source: &DataSource,
    n_features: Option<usize>,
) -> Result<LocalLibsvm, Error> {
    let read = match source {
        DataSource::Shards(spec) => {
            let files = shards_for_rank(world, spec)?;
            agreed_plain(
                world,
                files
                    .iter()
                    .map(|p| read_libsvm(p, n_features))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Error::from),
            )?
        }
        DataSource::RowsOf(path) => {
            let size = world.size();
            let ranges = if world.is_root() {
                libsvm_line_ranges(path, size).map_err(Error::from)
            } else {
                Ok(Vec::new())
            };
            let ranges = agreed_plain(world, ranges)?;
            let mut wire: Vec<f64> = ranges
                .iter()
                .flat_map(|r| [r.bytes.start, r.bytes.end, r.lines_before as u64].map(|v| v as f64))
                .collect();
            wire.resize(3 * size, 0.0);
            world.broadcast_f64(0, &mut wire)?;
            let w = &wire[3 * world.rank()..3 * world.rank() + 3];
            let mine = LibsvmRange {
                bytes: w[0] as u64..w[1] as u64,
                lines_before: w[2] as usize,
            };
            vec![agreed_plain(
                world,
                read_libsvm_range(path, &mine, n_features).map_err(Error::from),
            )?]
        }
    };
    // This rank's files one after the other, then widened to every rank's feature count.
    let local_d = read.iter().map(|d| d.n_features()).max().unwrap_or(0);
    let (mut indptr, mut indices, mut values, mut labels) =
        (vec![0], Vec::new(), Vec::new(), Vec::new());
    for data in &read {
        let (p, i, v) = data.design.arrays();
        let base = indices.len();
        indptr.extend(p[1..].iter().map(|&k| base + k));
        indices.extend_from_slice(i);
        values.extend_from_slice(v);
        labels.extend(data.numeric_labels());
    }
    let shape: Vec<Vec<f64>> = all_gather_f64(world, &[labels.len() as f64, local_d as f64])?;
    let counts: Vec<usize> = shape
        .iter()
        .map(|s| s.first().copied().unwrap_or(0.0) as usize)
        .collect();
    let d = shape
        .iter()
        .map(|s| s.get(1).copied().unwrap_or(0.0) as usize)
        .max()
        .unwrap_or(0);
    if let Some(idle_rank) = counts.iter().position(|&c| c == 0) {
        return Err(CollectiveError::TooFewRows {
            rows: counts.iter().sum(),
            ranks: world.size(),
            idle_rank,
        }
        .into());
    }
    let design = agreed_plain(
        world,
        Csr::new(labels.len(), d, indptr, indices, values).map_err(Error::from),
    )?;
    let rank = world.rank();
    Ok(LocalLibsvm {
        design,
        labels,
        rows_before: counts[..rank].iter().sum(),
        total_rows: counts.iter().sum(),
    })
}

/// Every file of every rank has rank 0's first file's columns (`headers`, one per file), in
/// order (and, when `typed`, the types of those read); returns the columns read with the type
/// every rank reads them as (categorical where any file holds text).
fn check_columns(
    world: &dyn Collective,
    parts: &[Part],
    tables: &[Table],
    headers: &[Vec<String>],
    typed: bool,
) -> Result<Schema, Error> {
    let mine: Vec<(String, Vec<String>, Schema)> = parts
        .iter()
        .zip(tables)
        .zip(headers)
        .map(|((p, t), h)| (p.path().display().to_string(), h.clone(), t.schema()))
        .collect();
    let wire = serde_json::to_vec(&mine).map_err(|e| CollectiveError::Internal {
        what: format!("cannot encode this rank's columns: {e}"),
    })?;
    let mut all: Vec<Vec<(String, Vec<String>, Schema)>> = Vec::new();
    for (rank, bytes) in all_gather_bytes(world, &wire)?.iter().enumerate() {
        all.push(
            serde_json::from_slice(bytes).map_err(|e| CollectiveError::Internal {
                what: format!("the columns from rank {rank} do not read back: {e}"),
            })?,
        );
    }
    let Some((first_file, expected, reference)) = all.first().and_then(|f| f.first()).cloned()
    else {
        return Err(CollectiveError::Internal {
            what: "rank 0 read no file".into(),
        }
        .into());
    };
    let mut merged = reference.clone();
    for (rank, files) in all.iter().enumerate() {
        for (file, header, schema) in files {
            if *header != expected {
                let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
                let found: Vec<&str> = header.iter().map(String::as_str).collect();
                return Err(Error::ShardColumns {
                    rank,
                    file: file.into(),
                    reference: first_file.clone().into(),
                    detail: column_difference(&expected, &found),
                });
            }
            let retyped = schema
                .fields
                .iter()
                .zip(&reference.fields)
                .find(|(f, r)| f.column_type != r.column_type);
            if let (true, Some((f, r))) = (typed, retyped) {
                let kind = |t: ColumnType| match t {
                    ColumnType::Numeric => "numbers",
                    ColumnType::Categorical => "text",
                };
                return Err(Error::ShardColumns {
                    rank,
                    file: file.into(),
                    reference: first_file.clone().into(),
                    detail: format!(
                        "stores column {:?} as {}, not as {}",
                        f.name,
                        kind(f.column_type),
                        kind(r.column_type)
                    ),
                });
            }
            for (m, f) in merged.fields.iter_mut().zip(&schema.fields) {
                if f.column_type == ColumnType::Categorical {
                    m.column_type = ColumnType::Categorical;
                }
            }
        }
    }
    Ok(merged)
}

/// How a file's column names differ from the expected ones, naming the first column that does.
fn column_difference(expected: &[&str], found: &[&str]) -> String {
    if let Some(missing) = expected.iter().find(|c| !found.contains(c)) {
        return format!("has no column {missing:?}");
    }
    if let Some(extra) = found.iter().find(|c| !expected.contains(c)) {
        return format!("has a column {extra:?} that the others do not have");
    }
    match expected.iter().zip(found).position(|(a, b)| a != b) {
        Some(k) => format!(
            "has its columns in another order: column {} is {:?} where the others have {:?}",
            k + 1,
            found[k],
            expected[k]
        ),
        None => format!("has {} columns, the others {}", found.len(), expected.len()),
    }
}

/// Where a rank's rows sit among all the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowsOfRank {
    /// This rank's rows.
    pub rows: usize,
    /// Rows of the ranks before it.
    pub before: usize,
    /// Rows of every rank.
    pub total: usize,
}

impl LocalRows {
    /// Where this rank's rows sit among all the rows.
    pub fn position(&self) -> RowsOfRank {
        RowsOfRank {
            rows: self.table.n_rows(),
            before: self.rows_before,
            total: self.total_rows,
        }
    }
}

impl LocalLibsvm {
    /// Where this rank's rows sit among all the rows.
    pub fn position(&self) -> RowsOfRank {
        RowsOfRank {
            rows: self.labels.len(),
            before: self.rows_before,
            total: self.total_rows,
        }
    }
}

/// The train/test split one process makes of all the rows (`train_test_split` of
/// `total_rows`, or stratified by every rank's `classes`, one class index per local row), as
/// this rank's row indices (its rows are rows `rows_before..` of all). Every rank computes the
/// whole split: it costs one index per row of all the ranks, once.
pub fn split_on_ranks(
    world: &dyn Collective,
    local: RowsOfRank,
    test_size: f64,
    seed: u64,
    stratify_by: Option<&[usize]>,
) -> Result<Split, Error> {
    let all = match stratify_by {
        None => train_test_split(local.total, test_size, seed)?,
        Some(classes) => {
            let mine: Vec<f64> = classes.iter().map(|&c| c as f64).collect();
            let every: Vec<usize> = all_gather_f64(world, &mine)?
                .into_iter()
                .flatten()
                .map(|c| c as usize)
                .collect();
            stratified_train_test_split(&every, test_size, seed)?
        }
    };
    let (start, end) = (local.before, local.before + local.rows);
    let mine = |rows: Vec<usize>| -> Vec<usize> {
        rows.into_iter()
            .filter(|&i| (start..end).contains(&i))
            .map(|i| i - start)
            .collect()
    };
    Ok(Split {
        train: mine(all.train),
        test: mine(all.test),
    })
}

impl Classifier {
    /// [`fit_owned_with`](Classifier::fit_owned_with) on the rows of every rank: each rank
    /// passes its own table (the same columns and types on every rank; see
    /// [`read_csv_on_ranks`]) and its training rows (`opts.rows`, this rank's indices), and every
    /// rank gets the same classifier, with the features, labels and offsets of its own rows. The
    /// classes are those of every rank's training labels; the pipeline learns from every rank's
    /// training rows; the model is [`ValidParams::fit_distributed`] for two classes and
    /// [`ValidParams::fit_multinomial_distributed`] for more (a rank may lack some classes;
    /// one-vs-rest is refused on several ranks), with each rank's sample weights and offsets
    /// taken from the `columns` of its table. A failure on one rank is every
    /// rank's error, at its file and row when `ranks` knows the rows' origins.
    pub fn fit_on_ranks(
        table: Table,
        target: &str,
        columns: &FitColumns,
        mut pipeline: Pipeline,
        params: &ValidParams,
        mut opts: FitOptions<'_, ClassLabel>,
        ranks: &Ranks<'_>,
    ) -> Result<Trained, Error> {
        let world = ranks.world();
        let no_origins = RowOrigins::new();
        let origins = ranks.origins().unwrap_or(&no_origins);
        columns.check(target)?;
        let (features_table, labels, sample_weight, offset) = agreed(
            world,
            origins,
            split_fit_columns(
                table,
                target,
                columns,
                opts.sample_weight.is_some(),
                opts.offset.is_some(),
            ),
        )?;
        let train_labels: Vec<ClassLabel> = match opts.rows {
            Some(rows) => rows
                .iter()
                .filter_map(|&i| labels.get(i).cloned())
                .collect(),
            None => labels.clone(),
        };
        // Every rank's classes, checked before the pipeline runs.
        let classes = classes_on_ranks(world, &train_labels)?;
        if check_fit_classes(&classes, &opts, offset.is_some())? > 2 {
            let parts = (features_table, labels, sample_weight);
            return train_k_classes(target, columns, pipeline, parts, params, opts, ranks);
        }
        if let Some(wanted) = opts.positive_class.take() {
            let name = wanted.to_string();
            let found = classes.iter().find(|l| l.to_string() == name).cloned();
            opts.positive_class = Some(found.ok_or_else(|| {
                Error::Model(ModelError::UnknownPositiveClass {
                    given: name,
                    classes: classes.iter().take(10).map(|c| c.to_string()).collect(),
                })
            })?);
        }
        let features = pipeline.fit_transform_owned_in(features_table, opts.rows, ranks)?;
        let opts = FitOptions {
            sample_weight: opts.sample_weight.or(sample_weight.as_deref()),
            offset: opts.offset.or(offset.as_deref()),
            rows: opts.rows,
            positive_class: opts.positive_class,
            warm_start: opts.warm_start,
            feature_names: Some(features.names.clone()),
            observer: opts.observer.map(|o| o as &mut dyn crate::optim::Observer),
        };
        let model = params.fit_distributed(&features.design, &labels, opts, world)?;
        Ok(Trained {
            classifier: Classifier::from_parts(
                target.to_string(),
                Some(pipeline),
                FittedModel::Binary(model),
                columns,
            ),
            features,
            labels,
            offset,
            sample_weight,
        })
    }

    /// [`fit_libsvm`](Classifier::fit_libsvm) on the rows of every rank (see
    /// [`read_libsvm_on_ranks`]): every rank gets the same classifier, with the features and
    /// labels of its own rows. The classes are those of every rank's training labels.
    pub fn fit_libsvm_on_ranks(
        local: LocalLibsvm,
        params: &ValidParams,
        mut opts: FitOptions<'_, ClassLabel>,
        world: &dyn Collective,
    ) -> Result<Trained, Error> {
        let labels: Vec<ClassLabel> = local
            .labels
            .iter()
            .map(|&v| ClassLabel::Number(v))
            .collect();
        let train_labels: Vec<ClassLabel> = match opts.rows {
            Some(rows) => rows
                .iter()
                .filter_map(|&i| labels.get(i).cloned())
                .collect(),
            None => labels.clone(),
        };
        let classes = classes_on_ranks(world, &train_labels)?;
        two_classes(&classes, None)?;
        if let Some(wanted) = opts.positive_class.take() {
            let name = wanted.to_string();
            let as_number: Option<f64> = name.trim().parse().ok();
            let found = classes
                .iter()
                .find(|l| Some(*l) == as_number.map(ClassLabel::Number).as_ref())
                .cloned();
            opts.positive_class = Some(found.ok_or_else(|| {
                Error::Model(ModelError::UnknownPositiveClass {
                    given: name,
                    classes: classes.iter().take(10).map(|c| c.to_string()).collect(),
                })
            })?);
        }
        let names: Vec<String> = (1..=local.design.n_cols()).map(|i| i.to_string()).collect();
        let design = Design::Sparse(local.design);
        opts.feature_names = Some(names.clone());
        let model = params.fit_distributed(&design, &labels, opts, world)?;
        Ok(Trained {
            classifier: Classifier::from_parts(
                LIBSVM_TARGET.to_string(),
                None,
                FittedModel::Binary(model),
                &FitColumns::default(),
            ),
            features: Features { design, names },
            labels,
            offset: None,
            sample_weight: None,
        })
    }
}

impl Trained {
    /// [`Classifier::evaluate_multiclass_on`] over every rank's rows: each rank passes its rows
    /// (`None`: all of them) and every rank gets the per-class metrics, confusion matrix and log
    /// loss of all those rows together. Each row's logits and class travel to every rank
    /// (8(K + 1) bytes a row).
    pub fn evaluate_multiclass_on_ranks(
        &self,
        ranks: &Ranks<'_>,
        rows: Option<&[usize]>,
    ) -> Result<MulticlassEvaluation, Error> {
        let world = ranks.world();
        let no_origins = RowOrigins::new();
        let origins = ranks.origins().unwrap_or(&no_origins);
        let classifier = &self.classifier;
        let local = agreed(
            world,
            origins,
            classifier.logits_and_classes(&self.features.design, &self.labels, rows),
        )?;
        let (z, truth) = local;
        let width = z.ncols();
        let mine: Vec<f64> = z
            .row_iter()
            .zip(&truth)
            .flat_map(|(r, &t)| r.iter().copied().chain([t as f64]).collect::<Vec<f64>>())
            .collect();
        let (mut all_z, mut all_truth) = (Vec::new(), Vec::new());
        for theirs in all_gather_f64(world, &mine)? {
            for row in theirs.chunks_exact(width + 1) {
                all_z.extend_from_slice(&row[..width]);
                all_truth.push(row[width] as usize);
            }
        }
        let z = DMatrix::from_row_slice(all_truth.len(), width, &all_z);
        classifier.multiclass_evaluation(&z, &all_truth)
    }

    /// [`evaluate`](Trained::evaluate) over every rank's rows: each rank passes its rows (`None`:
    /// all of them) and every rank gets the metrics of all those rows together, at a probability
    /// `threshold`. The logits (offsets included) and labels of the rows travel to every rank
    /// (16 bytes a row), so that ROC AUC is exact.
    pub fn evaluate_on_ranks(
        &self,
        ranks: &Ranks<'_>,
        rows: Option<&[usize]>,
        threshold: f64,
    ) -> Result<Evaluation, Error> {
        let world = ranks.world();
        let no_origins = RowOrigins::new();
        let origins = ranks.origins().unwrap_or(&no_origins);
        let local = agreed(
            world,
            origins,
            (|| {
                let z = self.logits(rows)?;
                let truth = self.classifier.truth(&self.labels, rows)?;
                Ok(z.iter()
                    .zip(truth)
                    .flat_map(|(&z, t)| [z, f64::from(u8::from(t))])
                    .collect::<Vec<f64>>())
            })(),
        )?;
        let (mut truth, mut z) = (Vec::new(), Vec::new());
        for theirs in all_gather_f64(world, &local)? {
            for pair in theirs.chunks_exact(2) {
                z.push(pair[0]);
                truth.push(pair[1] != 0.0);
            }
        }
        Evaluation::from_logits_at(&truth, &z, threshold)
    }
}
