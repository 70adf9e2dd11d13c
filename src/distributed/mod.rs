//! Fits on rows spread over the ranks of a job (the processes of an MPI job, or threads in
//! tests): each rank reads only its share of the data, the pipeline and the model learn from all
//! the rows, and every rank ends with the same classifier, the one a single process fits on all
//! the rows (to the rounding of a different order of addition: sums are added by rank, then by
//! block).
//!
//! The pieces, in the order a distributed `train` runs them:
//! - [`DataSource`]: shard files (a glob or a list, whole files per rank) or one file split into
//!   row ranges; [`read_csv_on_ranks`] (or [`read_table_on_ranks`] for Parquet shards) reads
//!   this rank's rows, checks that every file of every rank has the same columns (an error
//!   names the rank, the file and the column) and gives every column one type on every rank.
//! - [`split_on_ranks`]: the single process's train/test split of all the rows, as this rank's
//!   row indices.
//! - [`Classifier::fit_on_ranks`](crate::Classifier::fit_on_ranks): the pipeline fitted on
//!   every rank's training rows
//!   ([`Pipeline::fit_transform_owned_in`](crate::preprocess::Pipeline::fit_transform_owned_in))
//!   and the model on all of them
//!   ([`ValidParams::fit_distributed`](crate::model::ValidParams::fit_distributed), or for more
//!   than two classes
//!   [`ValidParams::fit_multinomial_distributed`](crate::model::ValidParams::fit_multinomial_distributed)
//!   or [`ValidParams::fit_one_vs_rest_distributed`](crate::model::ValidParams::fit_one_vs_rest_distributed)).
//! - [`Trained::evaluate_on_ranks`](crate::Trained::evaluate_on_ranks) and
//!   [`Trained::evaluate_multiclass_on_ranks`](crate::Trained::evaluate_multiclass_on_ranks):
//!   metrics of all the rows.
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

mod fit;
mod libsvm;
mod tables;

pub use libsvm::{read_libsvm_on_ranks, LocalLibsvm};
pub use tables::{read_csv_on_ranks, read_table_on_ranks, LocalRows, Part};

use std::fmt;
use std::path::PathBuf;

use logreg_collective::{agree, all_gather_f64, Collective, ShardSpec};

use crate::evaluate::{stratified_train_test_split, train_test_split, Split};
use crate::preprocess::RowOrigins;
use crate::Error;

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
