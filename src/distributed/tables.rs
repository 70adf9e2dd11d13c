//! Tables on ranks: CSV shards, row ranges of one CSV file, Parquet shards; the columns checked
//! alike on every rank.

use std::path::{Path, PathBuf};

use logreg_collective::{
    all_gather_bytes, all_gather_f64, shards_for_rank, Collective, CollectiveError, ShardSpec,
};

use super::{agreed_plain, DataSource, RowsOfRank};
use crate::preprocess::{
    csv_row_ranges, read_csv, read_csv_range, ColumnType, CsvOptions, CsvRange, FileFormat,
    PreprocessError, RowOrigins, Schema, Table, TableFile,
};
use crate::Error;

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
