//! Fitting a pipeline on the rows of every rank of a job, so that every rank transforms its own
//! rows identically: each step computes its statistics on this rank's rows (counts, sums,
//! minima and maxima, category sets, value counts), the ranks exchange them, and every rank
//! merges them in rank order, with the same code that merges the chunks of one table, into
//! the statistics of all the rows. With one rank ([`Ranks::local`]) nothing is exchanged and
//! every step fits exactly as [`Transformer::fit_rows`](crate::Transformer::fit_rows) does.
//!
//! A step that fails on one rank's rows (a missing value, a value out of range) fails on every
//! rank alike, before any rank waits for another: every rank returns the same
//! [`PreprocessError::Collective`] error, naming the rank and, when the table's
//! [`RowOrigins`] are known, the file and its data row.

use std::path::{Path, PathBuf};

use logreg_collective::{
    agree, all_gather_f64, all_gather_strings, allreduce_counts, Collective, Local,
};

use crate::error::PreprocessError;

/// Where the rows of a table came from, for messages: consecutive runs of rows, each from one
/// file, starting at a given data row of that file.
///
/// ```
/// use logreg_preprocess::RowOrigins;
/// let mut origins = RowOrigins::new();
/// origins.push(0, "part-0.csv", 0);      // table rows 0.. are part-0.csv's data rows 1..
/// origins.push(500, "part-1.csv", 0);    // table rows 500.. are part-1.csv's data rows 1..
/// assert_eq!(origins.locate(502), Some((std::path::Path::new("part-1.csv"), 3)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowOrigins {
    /// (first table row, 0-based; file; data rows of the file before that one), by first row.
    runs: Vec<(usize, PathBuf, usize)>,
}

impl RowOrigins {
    /// No origins known.
    pub fn new() -> Self {
        RowOrigins::default()
    }

    /// Table rows from `first_row` (0-based) on are data rows `rows_before + 1, …` of `path`
    /// (until the next run). Runs are pushed in increasing `first_row`.
    pub fn push(&mut self, first_row: usize, path: impl Into<PathBuf>, rows_before: usize) {
        debug_assert!(self.runs.last().is_none_or(|r| r.0 <= first_row));
        self.runs.push((first_row, path.into(), rows_before));
    }

    /// The file and its 1-based data row that the 0-based table row `row` came from.
    pub fn locate(&self, row: usize) -> Option<(&Path, usize)> {
        let at = self.runs.partition_point(|r| r.0 <= row).checked_sub(1)?;
        let (first, path, before) = &self.runs[at];
        Some((path.as_path(), row - first + before + 1))
    }

    /// The error's message with its data row (if it names one) turned into the file's row and
    /// the file in front.
    pub fn describe(&self, error: &PreprocessError) -> String {
        let located = error.row().and_then(|row| {
            let (path, file_row) = self.locate(row.checked_sub(1)?)?;
            Some((path, relocated(error, file_row)?))
        });
        match located {
            Some((_, moved)) if moved.path().is_some() => moved.to_string(),
            Some((path, moved)) => format!("{}: {moved}", path.display()),
            None => error.to_string(),
        }
    }
}

/// A copy of a row-carrying error at another row.
fn relocated(error: &PreprocessError, row: usize) -> Option<PreprocessError> {
    Some(match error {
        PreprocessError::InvalidUtf8 { path, column, .. } => PreprocessError::InvalidUtf8 {
            path: path.clone(),
            row,
            column: column.clone(),
        },
        PreprocessError::RaggedRow {
            path,
            expected,
            found,
            ..
        } => PreprocessError::RaggedRow {
            path: path.clone(),
            row,
            expected: *expected,
            found: *found,
        },
        PreprocessError::InvalidValue {
            path,
            column,
            expected,
            found,
            ..
        } => PreprocessError::InvalidValue {
            path: path.clone(),
            row,
            column: column.clone(),
            expected: expected.clone(),
            found: found.clone(),
        },
        PreprocessError::MissingValue { column, step, .. } => PreprocessError::MissingValue {
            row,
            column: column.clone(),
            step: step.clone(),
        },
        _ => return None,
    })
}

/// The ranks a pipeline is fitted across, and where this rank's rows came from.
#[derive(Clone, Copy)]
pub struct Ranks<'a> {
    world: &'a dyn Collective,
    origins: Option<&'a RowOrigins>,
}

impl std::fmt::Debug for Ranks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rank {} of {}", self.world.rank(), self.world.size())
    }
}

impl<'a> Ranks<'a> {
    /// This process alone: steps fit exactly as `fit_rows` does.
    pub fn local() -> Ranks<'static> {
        Ranks {
            world: &Local,
            origins: None,
        }
    }

    /// The ranks of `world`; every rank must fit the same pipeline at the same point.
    pub fn new(world: &'a dyn Collective) -> Self {
        Ranks {
            world,
            origins: None,
        }
    }

    /// Names this rank's files and rows in errors.
    pub fn with_origins(mut self, origins: &'a RowOrigins) -> Self {
        self.origins = Some(origins);
        self
    }

    /// The collective the ranks talk through.
    pub fn world(&self) -> &'a dyn Collective {
        self.world
    }

    /// Where this rank's rows came from, when known.
    pub fn origins(&self) -> Option<&'a RowOrigins> {
        self.origins
    }

    /// Whether there is more than one rank.
    pub(crate) fn is_distributed(&self) -> bool {
        self.world.size() > 1
    }

    /// This rank's outcome made every rank's: as it is with one rank; with more, `Ok` on every
    /// rank or the same error on every rank (the lowest failing rank's, at its file's row).
    pub fn agreed<T>(&self, outcome: Result<T, PreprocessError>) -> Result<T, PreprocessError> {
        if !self.is_distributed() {
            return outcome;
        }
        let described = outcome.map_err(|e| match self.origins {
            Some(origins) => origins.describe(&e),
            None => e.to_string(),
        });
        Ok(agree(self.world, described)?)
    }

    /// Every rank's numbers, in rank order.
    pub(crate) fn gather_f64(&self, local: &[f64]) -> Result<Vec<Vec<f64>>, PreprocessError> {
        Ok(all_gather_f64(self.world, local)?)
    }

    /// Every rank's strings, in rank order.
    pub(crate) fn gather_strings(
        &self,
        local: &[String],
    ) -> Result<Vec<Vec<String>>, PreprocessError> {
        Ok(all_gather_strings(self.world, local)?)
    }

    /// Counts summed over the ranks.
    pub(crate) fn sum_counts(&self, counts: &mut [usize]) -> Result<(), PreprocessError> {
        if self.is_distributed() {
            allreduce_counts(self.world, counts)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_pointed_at_the_file_and_its_row() {
        let mut origins = RowOrigins::new();
        origins.push(0, "a.csv", 0);
        origins.push(3, "b.csv", 10);
        assert_eq!(origins.locate(2), Some((Path::new("a.csv"), 3)));
        assert_eq!(origins.locate(3), Some((Path::new("b.csv"), 11)));
        let e = PreprocessError::missing(4, "x", "StandardScaler");
        assert_eq!(
            origins.describe(&e),
            "b.csv: data row 12, column \"x\": missing value reached StandardScaler; fill it \
             with an Imputer or remove the row first"
        );
        let e = PreprocessError::value(0, "x", "a number", "abc");
        assert_eq!(
            origins.describe(&e),
            "a.csv: data row 1, column \"x\": expected a number, found \"abc\""
        );
        let no_row = PreprocessError::NotFitted { step: "S".into() };
        assert_eq!(origins.describe(&no_row), no_row.to_string());
        assert_eq!(RowOrigins::new().locate(0), None);
    }
}
