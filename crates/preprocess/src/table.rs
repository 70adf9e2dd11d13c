//! `Table`: named, typed columns with missing values, and the feature matrix it turns into.

use std::fmt;
use std::sync::{Arc, OnceLock};

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use crate::error::PreprocessError;

/// The type of a column: numbers or category labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Finite `f64` values.
    Numeric,
    /// Text labels.
    Categorical,
}

/// One column of a [`Table`]; `None` is a missing value.
///
/// Numeric values inside a `Table` are always finite: the table refuses NaN and ±∞.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers.
    Numeric(Vec<Option<f64>>),
    /// Category labels.
    Categorical(Vec<Option<String>>),
}

impl Column {
    /// A numeric column without missing values.
    pub fn numeric(values: impl IntoIterator<Item = f64>) -> Self {
        Column::Numeric(values.into_iter().map(Some).collect())
    }

    /// A categorical column without missing values.
    pub fn categorical<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Self {
        Column::Categorical(values.into_iter().map(|s| Some(s.into())).collect())
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical(v) => v.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Numeric or categorical.
    pub fn column_type(&self) -> ColumnType {
        match self {
            Column::Numeric(_) => ColumnType::Numeric,
            Column::Categorical(_) => ColumnType::Categorical,
        }
    }

    /// Number of missing values.
    pub fn n_missing(&self) -> usize {
        match self {
            Column::Numeric(v) => v.iter().filter(|x| x.is_none()).count(),
            Column::Categorical(v) => v.iter().filter(|x| x.is_none()).count(),
        }
    }

    /// The values, if numeric.
    pub fn as_numeric(&self) -> Option<&[Option<f64>]> {
        match self {
            Column::Numeric(v) => Some(v),
            Column::Categorical(_) => None,
        }
    }

    /// The labels, if categorical.
    pub fn as_categorical(&self) -> Option<&[Option<String>]> {
        match self {
            Column::Numeric(_) => None,
            Column::Categorical(v) => Some(v),
        }
    }

    /// The cell at a 0-based row as text, for messages (`None` if missing or out of range).
    pub fn display_value(&self, index: usize) -> Option<String> {
        match self {
            Column::Numeric(v) => v.get(index).copied().flatten().map(|x| x.to_string()),
            Column::Categorical(v) => v.get(index).cloned().flatten(),
        }
    }

    /// Rows at the given 0-based indices; the caller has checked them.
    fn take_unchecked(&self, indices: &[usize]) -> Column {
        match self {
            Column::Numeric(v) => Column::Numeric(indices.iter().map(|&i| v[i]).collect()),
            Column::Categorical(v) => {
                Column::Categorical(indices.iter().map(|&i| v[i].clone()).collect())
            }
        }
    }

    /// Checks the table invariant that numeric values are finite.
    fn check_finite(&self, name: &str) -> Result<(), PreprocessError> {
        if let Column::Numeric(v) = self {
            if let Some(i) = v.iter().position(|x| x.is_some_and(|x| !x.is_finite())) {
                let found = v[i].map(|x| x.to_string()).unwrap_or_default();
                return Err(PreprocessError::value(i, name, "a finite number", found));
            }
        }
        Ok(())
    }
}

/// A column's name and type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// Column name.
    pub name: String,
    /// Column type.
    #[serde(rename = "type")]
    pub column_type: ColumnType,
}

/// Names and types of a table's columns, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Schema {
    /// The columns, in order.
    pub fields: Vec<Field>,
}

impl Schema {
    /// A schema from `(name, type)` pairs.
    pub fn new<S: Into<String>>(fields: impl IntoIterator<Item = (S, ColumnType)>) -> Self {
        Schema {
            fields: fields
                .into_iter()
                .map(|(name, column_type)| Field {
                    name: name.into(),
                    column_type,
                })
                .collect(),
        }
    }

    /// The type of the named column, if present.
    pub fn column_type(&self, name: &str) -> Option<ColumnType> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.column_type)
    }

    /// The column names, in order.
    pub fn names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.clone()).collect()
    }
}

/// How a table holds a column: as values, or (numeric only) as a recipe evaluated when read.
///
/// Scaling and one-hot encoding produce recipes, so a pipeline's transform allocates no column
/// per step: values are computed once, straight into the feature matrix, and materialized as a
/// [`Column`] only if someone asks for one.
#[derive(Clone)]
pub(crate) enum Stored {
    Plain(Column),
    Lazy(Lazy),
}

impl Stored {
    /// The values (computing and caching them for a recipe).
    pub(crate) fn column(&self) -> &Column {
        match self {
            Stored::Plain(c) => c,
            Stored::Lazy(l) => l.cache.get_or_init(|| l.materialize()),
        }
    }

    fn column_type(&self) -> ColumnType {
        match self {
            Stored::Plain(c) => c.column_type(),
            Stored::Lazy(_) => ColumnType::Numeric,
        }
    }

    fn into_column(self) -> Column {
        match self {
            Stored::Plain(c) => c,
            Stored::Lazy(mut l) => l.cache.take().unwrap_or_else(|| l.materialize()),
        }
    }
}

impl fmt::Debug for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.column().fmt(f)
    }
}

/// `x ← (x − offset) / scale`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Affine {
    pub(crate) offset: f64,
    pub(crate) scale: f64,
}

/// Where a recipe's values start.
#[derive(Clone)]
pub(crate) enum Base {
    /// A stored numeric column.
    Values(Arc<Stored>),
    /// 1 where `codes[i] == code`, else 0.
    Indicator { codes: Arc<Vec<u32>>, code: u32 },
}

/// A numeric column computed on demand: a base, then affine maps applied in order (exactly the
/// operations, in the same order, an eager step would do, so results are bit-identical).
#[derive(Clone)]
pub(crate) struct Lazy {
    base: Base,
    ops: Vec<Affine>,
    cache: OnceLock<Column>,
}

impl Lazy {
    /// Indicator column of `code`.
    pub(crate) fn indicator(codes: Arc<Vec<u32>>, code: u32) -> Lazy {
        Lazy {
            base: Base::Indicator { codes, code },
            ops: Vec::new(),
            cache: OnceLock::new(),
        }
    }

    /// `stored` (a numeric column) followed by one more affine map.
    pub(crate) fn scaled(stored: &Arc<Stored>, op: Affine) -> Lazy {
        let (base, mut ops) = match &**stored {
            Stored::Lazy(l) => (l.base.clone(), l.ops.clone()),
            Stored::Plain(_) => (Base::Values(Arc::clone(stored)), Vec::new()),
        };
        ops.push(op);
        Lazy {
            base,
            ops,
            cache: OnceLock::new(),
        }
    }

    /// The value of `row` with the first `n_ops` maps applied (`None` if missing or past the
    /// end).
    pub(crate) fn value(&self, row: usize, n_ops: usize) -> Option<f64> {
        let x = match &self.base {
            Base::Values(stored) => stored.column().as_numeric()?.get(row).copied().flatten()?,
            Base::Indicator { codes, code } => indicator(*codes.get(row)?, *code),
        };
        Some(apply(&self.ops[..n_ops.min(self.ops.len())], x))
    }

    /// The first row that is missing or not finite after all maps.
    pub(crate) fn first_bad_row(&self) -> Option<usize> {
        let ops = &self.ops[..];
        match &self.base {
            Base::Values(stored) => match stored.column() {
                Column::Numeric(v) => v
                    .iter()
                    .position(|x| !matches!(x, Some(x) if apply(ops, *x).is_finite())),
                Column::Categorical(v) => (!v.is_empty()).then_some(0),
            },
            Base::Indicator { codes, code } => codes
                .iter()
                .position(|&c| !apply(ops, indicator(c, *code)).is_finite()),
        }
    }

    /// Appends every value to `out`; `Err(row)` at the first missing one.
    fn extend_into(&self, out: &mut Vec<f64>) -> Result<(), usize> {
        let ops = &self.ops[..];
        match &self.base {
            Base::Values(stored) => match stored.column() {
                Column::Numeric(v) => {
                    if let Some(row) = v.iter().position(Option::is_none) {
                        return Err(row);
                    }
                    out.extend(v.iter().map(|x| apply(ops, x.unwrap_or_default())));
                }
                Column::Categorical(v) => return if v.is_empty() { Ok(()) } else { Err(0) },
            },
            Base::Indicator { codes, code } => {
                out.extend(codes.iter().map(|&c| apply(ops, indicator(c, *code))));
            }
        }
        Ok(())
    }

    /// Number of affine maps.
    pub(crate) fn n_ops(&self) -> usize {
        self.ops.len()
    }

    fn len(&self) -> usize {
        match &self.base {
            Base::Values(stored) => stored.column().len(),
            Base::Indicator { codes, .. } => codes.len(),
        }
    }

    fn materialize(&self) -> Column {
        let n_ops = self.ops.len();
        Column::Numeric((0..self.len()).map(|i| self.value(i, n_ops)).collect())
    }
}

/// The affine maps in order.
#[inline]
fn apply(ops: &[Affine], mut x: f64) -> f64 {
    for op in ops {
        x = (x - op.offset) / op.scale;
    }
    x
}

#[inline]
fn indicator(c: u32, code: u32) -> f64 {
    if c == code {
        1.0
    } else {
        0.0
    }
}

/// Named, typed columns of equal length: what a CSV file reads into and steps transform.
///
/// Column names are unique and non-empty, every column has [`Table::n_rows`] rows, and numeric
/// values are finite. Columns are shared between a table and the tables derived from it
/// (`select`, `drop`, steps' output), so those are cheap.
#[derive(Debug, Clone)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Arc<Stored>>,
    n_rows: usize,
}

impl PartialEq for Table {
    /// Same names, rows and values.
    fn eq(&self, other: &Table) -> bool {
        self.names == other.names
            && self.n_rows == other.n_rows
            && self
                .columns
                .iter()
                .zip(&other.columns)
                .all(|(a, b)| a.column() == b.column())
    }
}

impl Table {
    /// A table from `(name, column)` pairs; errors on duplicate or empty names, unequal
    /// lengths, or non-finite numbers.
    pub fn new<S: Into<String>>(
        columns: impl IntoIterator<Item = (S, Column)>,
    ) -> Result<Table, PreprocessError> {
        let mut table = Table::empty(0);
        for (name, column) in columns {
            table.push_column(name, column)?;
        }
        Ok(table)
    }

    /// A table with no columns and `n_rows` rows.
    pub fn empty(n_rows: usize) -> Table {
        Table {
            names: Vec::new(),
            columns: Vec::new(),
            n_rows,
        }
    }

    /// Built by the CSV reader, which has checked every invariant.
    pub(crate) fn from_checked(names: Vec<String>, columns: Vec<Column>, n_rows: usize) -> Table {
        debug_assert_eq!(names.len(), columns.len());
        debug_assert!(columns.iter().all(|c| c.len() == n_rows));
        Table {
            names,
            columns: columns
                .into_iter()
                .map(|c| Arc::new(Stored::Plain(c)))
                .collect(),
            n_rows,
        }
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.names.len()
    }

    /// Column names, in order.
    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    /// Names and types of the columns.
    pub fn schema(&self) -> Schema {
        Schema {
            fields: self
                .names
                .iter()
                .zip(&self.columns)
                .map(|(name, c)| Field {
                    name: name.clone(),
                    column_type: c.column_type(),
                })
                .collect(),
        }
    }

    /// Whether a column of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// The named column; the error lists the available names.
    pub fn column(&self, name: &str) -> Result<&Column, PreprocessError> {
        match self.position(name) {
            Some(i) => Ok(self.columns[i].column()),
            None => Err(self.not_found(name)),
        }
    }

    /// `(name, column)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Column)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.columns.iter().map(|c| c.column()))
    }

    /// A table with only the named columns, in the given order.
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<Table, PreprocessError> {
        let mut out = Table::empty(self.n_rows);
        for name in names {
            let name = name.as_ref();
            let i = self.position(name).ok_or_else(|| self.not_found(name))?;
            if out.contains(name) {
                return Err(PreprocessError::DuplicateColumn {
                    path: None,
                    column: name.to_string(),
                });
            }
            out.names.push(name.to_string());
            out.columns.push(Arc::clone(&self.columns[i]));
        }
        Ok(out)
    }

    /// A table without the named columns (each must exist, like pandas `drop`).
    pub fn drop<S: AsRef<str>>(&self, names: &[S]) -> Result<Table, PreprocessError> {
        let mut out = self.clone();
        for name in names {
            out.remove(name.as_ref())?;
        }
        Ok(out)
    }

    /// The rows at the given 0-based indices, in that order (repeats allowed): the tool for
    /// train/test splits.
    pub fn take(&self, indices: &[usize]) -> Result<Table, PreprocessError> {
        if let Some(&index) = indices.iter().find(|&&i| i >= self.n_rows) {
            return Err(PreprocessError::RowOutOfRange {
                index,
                n_rows: self.n_rows,
            });
        }
        Ok(Table {
            names: self.names.clone(),
            columns: self
                .columns
                .iter()
                .map(|c| Arc::new(Stored::Plain(c.column().take_unchecked(indices))))
                .collect(),
            n_rows: indices.len(),
        })
    }

    /// Removes the named column and returns it (pandas `pop`).
    pub fn pop(&mut self, name: &str) -> Result<Column, PreprocessError> {
        let i = self.position(name).ok_or_else(|| self.not_found(name))?;
        self.names.remove(i);
        let column = self.columns.remove(i);
        Ok(Arc::try_unwrap(column)
            .map(Stored::into_column)
            .unwrap_or_else(|shared| shared.column().clone()))
    }

    /// Splits off the target column: `(features, target)`.
    pub fn split_target(&self, name: &str) -> Result<(Table, Column), PreprocessError> {
        let mut features = self.clone();
        let target = features.pop(name)?;
        Ok((features, target))
    }

    /// The named column as dense numbers (for a 0/1 target); errors if it is categorical or has
    /// a missing value.
    pub fn numeric_values(&self, name: &str) -> Result<Vec<f64>, PreprocessError> {
        match self.column(name)? {
            Column::Numeric(v) => v
                .iter()
                .enumerate()
                .map(|(i, x)| x.ok_or_else(|| PreprocessError::missing(i, name, "numeric_values")))
                .collect(),
            Column::Categorical(_) => Err(PreprocessError::ColumnType {
                column: name.to_string(),
                expected: ColumnType::Numeric,
                found: ColumnType::Categorical,
                context: "numeric_values".to_string(),
            }),
        }
    }

    /// Appends a column; errors on a duplicate or empty name, a length other than
    /// [`Table::n_rows`] (any length if the table has no columns yet), or a non-finite number.
    pub fn push_column(
        &mut self,
        name: impl Into<String>,
        column: Column,
    ) -> Result<(), PreprocessError> {
        let name = name.into();
        self.check_new(&name, column.len())?;
        column.check_finite(&name)?;
        self.push_stored(name, column.len(), Stored::Plain(column));
        Ok(())
    }

    /// Converts an all-numeric table without missing values into a feature matrix
    /// (row = sample, column = feature, in column order).
    pub fn to_features(&self) -> Result<Features, PreprocessError> {
        let n = self.n_rows;
        let mut data = logreg_linalg_core::vec_with_capacity_huge(n.saturating_mul(self.n_cols()));
        for (name, stored) in self.names.iter().zip(&self.columns) {
            let missing = |i| PreprocessError::missing(i, name, "the feature matrix");
            match &**stored {
                Stored::Plain(Column::Numeric(v)) => {
                    if let Some(row) = v.iter().position(Option::is_none) {
                        return Err(missing(row));
                    }
                    data.extend(v.iter().map(|x| x.unwrap_or_default()));
                }
                Stored::Lazy(l) => l.extend_into(&mut data).map_err(missing)?,
                Stored::Plain(Column::Categorical(_)) => {
                    return Err(PreprocessError::ColumnType {
                        column: name.to_string(),
                        expected: ColumnType::Numeric,
                        found: ColumnType::Categorical,
                        context: "the feature matrix (encode it with OneHotEncoder or \
                                  BooleanEncoder, or drop it)"
                            .to_string(),
                    })
                }
            }
        }
        if data.len() != n.saturating_mul(self.n_cols()) {
            // Only a column of the wrong length could cause this; the table invariants forbid it.
            return Err(PreprocessError::LengthMismatch {
                column: "(feature matrix)".to_string(),
                expected: n.saturating_mul(self.n_cols()),
                found: data.len(),
            });
        }
        Ok(Features {
            // Column-major, as nalgebra stores it: one column after another.
            matrix: DMatrix::from_vec(n, self.n_cols(), data),
            names: self.names.clone(),
        })
    }

    // ---- crate-internal helpers for steps -------------------------------------------------

    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    pub(crate) fn not_found(&self, name: &str) -> PreprocessError {
        PreprocessError::ColumnNotFound {
            column: name.to_string(),
            available: self.names.clone(),
        }
    }

    fn check_new(&self, name: &str, len: usize) -> Result<(), PreprocessError> {
        if name.trim().is_empty() {
            return Err(PreprocessError::param(
                "column name",
                "column names must not be empty",
            ));
        }
        if self.contains(name) {
            return Err(PreprocessError::DuplicateColumn {
                path: None,
                column: name.to_string(),
            });
        }
        if !self.names.is_empty() && len != self.n_rows {
            return Err(PreprocessError::LengthMismatch {
                column: name.to_string(),
                expected: self.n_rows,
                found: len,
            });
        }
        Ok(())
    }

    fn push_stored(&mut self, name: String, len: usize, stored: Stored) {
        if self.names.is_empty() {
            self.n_rows = len;
        }
        self.names.push(name);
        self.columns.push(Arc::new(stored));
    }

    /// Appends a column a step produced (finite by construction).
    pub(crate) fn push_derived(
        &mut self,
        name: String,
        column: Column,
    ) -> Result<(), PreprocessError> {
        self.check_new(&name, column.len())?;
        debug_assert!(column.check_finite(&name).is_ok());
        self.push_stored(name, column.len(), Stored::Plain(column));
        Ok(())
    }

    /// Appends a recipe column a step produced.
    pub(crate) fn push_lazy(&mut self, name: String, lazy: Lazy) -> Result<(), PreprocessError> {
        let len = lazy.len();
        self.check_new(&name, len)?;
        self.push_stored(name, len, Stored::Lazy(lazy));
        Ok(())
    }

    /// Replaces the column at `i` with one a step produced.
    pub(crate) fn replace_at(&mut self, i: usize, column: Column) {
        debug_assert_eq!(column.len(), self.n_rows);
        self.columns[i] = Arc::new(Stored::Plain(column));
    }

    /// Replaces the column at `i` with a recipe.
    pub(crate) fn replace_lazy(&mut self, i: usize, lazy: Lazy) {
        debug_assert_eq!(lazy.len(), self.n_rows);
        self.columns[i] = Arc::new(Stored::Lazy(lazy));
    }

    /// The values of the column at `i` (computed if it is a recipe).
    pub(crate) fn column_at(&self, i: usize) -> &Column {
        self.columns[i].column()
    }

    /// The storage of the column at `i`.
    pub(crate) fn stored_at(&self, i: usize) -> &Arc<Stored> {
        &self.columns[i]
    }

    /// The type of the column at `i`, without computing a recipe.
    pub(crate) fn type_at(&self, i: usize) -> ColumnType {
        self.columns[i].column_type()
    }

    /// Removes the named column, returning its position.
    pub(crate) fn remove(&mut self, name: &str) -> Result<usize, PreprocessError> {
        let i = self.position(name).ok_or_else(|| self.not_found(name))?;
        self.names.remove(i);
        self.columns.remove(i);
        Ok(i)
    }
}

/// A feature matrix and the name of each of its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// `n × d`, one row per sample.
    pub matrix: DMatrix<f64>,
    /// `d` names, one per matrix column.
    pub names: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        Table::new([
            ("x", Column::numeric([1.0, 2.0, 3.0])),
            ("c", Column::categorical(["a", "b", "a"])),
            ("y", Column::numeric([0.0, 1.0, 1.0])),
        ])
        .unwrap()
    }

    #[test]
    fn shareable_across_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Table>();
        send_sync::<crate::Pipeline>();
        send_sync::<PreprocessError>();
    }

    #[test]
    fn accessors() {
        let t = sample();
        assert_eq!(t.n_rows(), 3);
        assert_eq!(t.n_cols(), 3);
        assert_eq!(t.column_names(), ["x", "c", "y"]);
        assert_eq!(
            t.column("c").unwrap().column_type(),
            ColumnType::Categorical
        );
        assert_eq!(
            t.schema(),
            Schema::new([
                ("x", ColumnType::Numeric),
                ("c", ColumnType::Categorical),
                ("y", ColumnType::Numeric)
            ])
        );
    }

    #[test]
    fn missing_column_lists_available() {
        let msg = sample().column("z").unwrap_err().to_string();
        assert!(
            msg.contains("\"z\"") && msg.contains("\"x\", \"c\", \"y\""),
            "{msg}"
        );
    }

    #[test]
    fn select_drop_take_split() {
        let t = sample();
        assert_eq!(t.select(&["y", "x"]).unwrap().column_names(), ["y", "x"]);
        assert_eq!(t.drop(&["c"]).unwrap().column_names(), ["x", "y"]);
        assert!(t.drop(&["nope"]).is_err());
        let rows = t.take(&[2, 0, 2]).unwrap();
        assert_eq!(rows.n_rows(), 3);
        assert_eq!(rows.column("x").unwrap(), &Column::numeric([3.0, 1.0, 3.0]));
        let err = t.take(&[3]).unwrap_err().to_string();
        assert!(
            err.contains("row index 3") && err.contains("3 rows"),
            "{err}"
        );
        let (x, y) = t.split_target("y").unwrap();
        assert_eq!(x.column_names(), ["x", "c"]);
        assert_eq!(y, Column::numeric([0.0, 1.0, 1.0]));
        assert_eq!(t.numeric_values("y").unwrap(), vec![0.0, 1.0, 1.0]);
        assert!(t.numeric_values("c").is_err());
    }

    #[test]
    fn rejects_bad_columns() {
        let dup = Table::new([("a", Column::numeric([1.0])), ("a", Column::numeric([2.0]))]);
        assert!(matches!(dup, Err(PreprocessError::DuplicateColumn { .. })));
        let len = Table::new([("a", Column::numeric([1.0])), ("b", Column::numeric([]))]);
        assert!(matches!(len, Err(PreprocessError::LengthMismatch { .. })));
        let nan = Table::new([("a", Column::Numeric(vec![Some(1.0), Some(f64::NAN)]))]);
        let msg = nan.unwrap_err().to_string();
        assert!(msg.contains("data row 2") && msg.contains("NaN"), "{msg}");
        assert!(Table::new([("", Column::numeric([1.0]))]).is_err());
    }

    #[test]
    fn features_in_column_order() {
        let t = sample().drop(&["c"]).unwrap();
        let f = t.to_features().unwrap();
        assert_eq!(f.names, ["x", "y"]);
        assert_eq!(f.matrix[(2, 0)], 3.0);
        assert_eq!(f.matrix[(1, 1)], 1.0);
        let err = sample().to_features().unwrap_err().to_string();
        assert!(
            err.contains("\"c\"") && err.contains("categorical"),
            "{err}"
        );
        let missing = Table::new([("m", Column::Numeric(vec![Some(1.0), None]))]).unwrap();
        let err = missing.to_features().unwrap_err().to_string();
        assert!(err.contains("data row 2") && err.contains("\"m\""), "{err}");
    }
}
