//! Preprocessing steps: each learns from training rows with `fit` and rewrites tables with
//! `transform` afterwards.
//!
//! Where output columns go (so a pipeline reproduces pandas' column order):
//! - steps that rewrite a column (scalers, [`BooleanEncoder`], [`Imputer`], a [`Binner`] whose
//!   output name is its input) keep it in place;
//! - a [`Binner`] with another output name appends the new column at the end, like
//!   `df["age_group"] = pd.cut(...)`;
//! - [`OneHotEncoder`] removes its source columns and appends the indicator columns at the end,
//!   column by column in the order given, like `pd.get_dummies(df, columns=[...])`.
//!
//! A missing value reaching any step but the [`Imputer`] is an error naming its row and column
//! (unless a step is told otherwise: [`OutOfRange::Missing`], [`HandleMissing::AllZero`]).

mod bin;
mod boolean;
mod impute;
mod one_hot;
mod passes;
mod scale;
mod stats;

pub use bin::{Binner, OutOfRange};
pub use boolean::BooleanEncoder;
pub use impute::{Fill, FittedFill, ImputeStrategy, Imputer};
pub use one_hot::{EncodedColumn, HandleMissing, HandleUnknown, OneHotEncoder};
pub(crate) use passes::{learns, Accumulator};
pub use scale::{ColumnScaling, Columns, MinMaxScaler, StandardScaler};

use serde::{Deserialize, Serialize};

use crate::error::PreprocessError;
use crate::ranks::Ranks;
use crate::schema::ColumnType;
use crate::table::Table;

/// The interface every step shares: learn from training rows, then transform any rows.
pub trait Transformer {
    /// Learns the step's parameters from the rows `rows` of `table` (0-based indices, e.g. the
    /// training split; every row if `None`), replacing any earlier fit. Errors name data rows of
    /// `table` (index + 1).
    fn fit_rows(&mut self, table: &Table, rows: Option<&[usize]>) -> Result<(), PreprocessError>;

    /// [`fit_rows`](Self::fit_rows) on the rows of every rank of a job: each rank passes its own
    /// table (the same columns on every rank) and rows, and every rank learns the parameters of
    /// all the rows (see [`Ranks`]), so every rank transforms identically. A failure on one
    /// rank's rows is every rank's error. With [`Ranks::local`] this is `fit_rows`.
    fn fit_rows_in(
        &mut self,
        table: &Table,
        rows: Option<&[usize]>,
        ranks: &Ranks<'_>,
    ) -> Result<(), PreprocessError>;

    /// Learns the step's parameters from every row of `table` (the training rows).
    fn fit(&mut self, table: &Table) -> Result<(), PreprocessError> {
        self.fit_rows(table, None)
    }

    /// Applies the fitted step to a table it takes over, reusing its column buffers where no
    /// other table shares them.
    fn transform_owned(&self, table: Table) -> Result<Table, PreprocessError>;

    /// Whether `fit` has succeeded (steps with nothing to learn are always fitted).
    fn is_fitted(&self) -> bool;

    /// Applies the fitted step; `table` is left as it was.
    fn transform(&self, table: &Table) -> Result<Table, PreprocessError> {
        self.transform_owned(table.clone())
    }

    /// `fit` then `transform` on the same rows.
    fn fit_transform(&mut self, table: &Table) -> Result<Table, PreprocessError> {
        self.fit(table)?;
        self.transform(table)
    }
}

/// Removes columns mid-pipeline (e.g. `age` once `age_group` is derived from it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropColumns {
    columns: Vec<String>,
}

impl DropColumns {
    /// Drops the named columns; each must exist.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        DropColumns {
            columns: columns.into_iter().map(Into::into).collect(),
        }
    }

    /// The columns it drops.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }
}

impl Transformer for DropColumns {
    fn fit_rows(&mut self, table: &Table, _rows: Option<&[usize]>) -> Result<(), PreprocessError> {
        table.drop(&self.columns).map(|_| ())
    }

    fn fit_rows_in(
        &mut self,
        table: &Table,
        rows: Option<&[usize]>,
        ranks: &Ranks<'_>,
    ) -> Result<(), PreprocessError> {
        // Learns nothing from the values: the same check on every rank.
        ranks.agreed(self.fit_rows(table, rows))
    }

    fn transform_owned(&self, mut table: Table) -> Result<Table, PreprocessError> {
        for name in &self.columns {
            table.remove(name)?;
        }
        Ok(table)
    }

    fn is_fitted(&self) -> bool {
        true
    }
}

/// One step of a [`crate::Pipeline`]; serializes as `{"step": "standard_scaler", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// See [`DropColumns`].
    DropColumns(DropColumns),
    /// See [`StandardScaler`].
    StandardScaler(StandardScaler),
    /// See [`MinMaxScaler`].
    MinMaxScaler(MinMaxScaler),
    /// See [`OneHotEncoder`].
    OneHotEncoder(OneHotEncoder),
    /// See [`Binner`].
    Binner(Binner),
    /// See [`BooleanEncoder`].
    BooleanEncoder(BooleanEncoder),
    /// See [`Imputer`].
    Imputer(Imputer),
}

impl Step {
    fn inner(&self) -> &dyn Transformer {
        match self {
            Step::DropColumns(s) => s,
            Step::StandardScaler(s) => s,
            Step::MinMaxScaler(s) => s,
            Step::OneHotEncoder(s) => s,
            Step::Binner(s) => s,
            Step::BooleanEncoder(s) => s,
            Step::Imputer(s) => s,
        }
    }

    fn inner_mut(&mut self) -> &mut dyn Transformer {
        match self {
            Step::DropColumns(s) => s,
            Step::StandardScaler(s) => s,
            Step::MinMaxScaler(s) => s,
            Step::OneHotEncoder(s) => s,
            Step::Binner(s) => s,
            Step::BooleanEncoder(s) => s,
            Step::Imputer(s) => s,
        }
    }
}

impl Transformer for Step {
    fn fit_rows(&mut self, table: &Table, rows: Option<&[usize]>) -> Result<(), PreprocessError> {
        self.inner_mut().fit_rows(table, rows)
    }

    fn fit_rows_in(
        &mut self,
        table: &Table,
        rows: Option<&[usize]>,
        ranks: &Ranks<'_>,
    ) -> Result<(), PreprocessError> {
        self.inner_mut().fit_rows_in(table, rows, ranks)
    }

    fn transform_owned(&self, table: Table) -> Result<Table, PreprocessError> {
        self.inner().transform_owned(table)
    }

    fn is_fitted(&self) -> bool {
        self.inner().is_fitted()
    }
}

macro_rules! into_step {
    ($($t:ident),*) => {$(
        impl From<$t> for Step {
            fn from(s: $t) -> Step {
                Step::$t(s)
            }
        }
    )*};
}
into_step!(
    DropColumns,
    StandardScaler,
    MinMaxScaler,
    OneHotEncoder,
    Binner,
    BooleanEncoder,
    Imputer
);

// ---- helpers shared by the steps ------------------------------------------------------------

/// Position of a numeric column, or an error naming what `step` needed.
fn numeric_position(table: &Table, name: &str, step: &str) -> Result<usize, PreprocessError> {
    typed_position(table, name, step, ColumnType::Numeric)
}

/// Position of a categorical column, or an error naming what `step` needed.
fn categorical_position(table: &Table, name: &str, step: &str) -> Result<usize, PreprocessError> {
    typed_position(table, name, step, ColumnType::Categorical)
}

fn typed_position(
    table: &Table,
    name: &str,
    step: &str,
    expected: ColumnType,
) -> Result<usize, PreprocessError> {
    let i = table.position(name).ok_or_else(|| table.not_found(name))?;
    check_type(table, i, name, step, expected)
}

/// Positions of the named numeric columns, found in one pass over the table's names (steps
/// over thousands of one-hot columns would otherwise spend their time searching names).
fn numeric_positions<S: AsRef<str>>(
    table: &Table,
    names: &[S],
    step: &str,
) -> Result<Vec<usize>, PreprocessError> {
    table
        .positions(names)
        .into_iter()
        .zip(names)
        .map(|(i, name)| {
            let name = name.as_ref();
            let i = i.ok_or_else(|| table.not_found(name))?;
            check_type(table, i, name, step, ColumnType::Numeric)
        })
        .collect()
}

/// `i` if the column there has the `expected` type, else an error naming what `step` needed.
fn check_type(
    table: &Table,
    i: usize,
    name: &str,
    step: &str,
    expected: ColumnType,
) -> Result<usize, PreprocessError> {
    let found = table.type_at(i);
    if found != expected {
        return Err(PreprocessError::ColumnType {
            column: name.to_string(),
            expected,
            found,
            context: step.to_string(),
        });
    }
    Ok(i)
}

/// The rows a step fits on, in order: `rows` (checked against `table`), or every row.
fn fit_rows_of<'a>(
    table: &Table,
    rows: Option<&'a [usize]>,
) -> Result<impl Iterator<Item = usize> + Clone + 'a, PreprocessError> {
    if let Some(rows) = rows {
        table.check_rows(rows)?;
    }
    let n = table.n_rows();
    let (all, some) = match rows {
        None => (Some(0..n), None),
        Some(r) => (None, Some(r.iter().copied())),
    };
    Ok(all.into_iter().flatten().chain(some.into_iter().flatten()))
}

/// Errors if a list of column names is empty or repeats a name.
fn check_column_list(columns: &[String], step: &str) -> Result<(), PreprocessError> {
    if columns.is_empty() {
        return Err(PreprocessError::param(
            "columns",
            format!("{step} needs at least one column"),
        ));
    }
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].contains(c) {
            return Err(PreprocessError::param(
                "columns",
                format!("{step} lists column {c:?} twice"),
            ));
        }
    }
    Ok(())
}

/// Quoted, comma-separated, cut short after a few.
fn quoted_list(items: &[String]) -> String {
    const SHOW: usize = 20;
    let mut out = items
        .iter()
        .take(SHOW)
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOW {
        out.push_str(&format!(", ... ({} more)", items.len() - SHOW));
    }
    out
}
