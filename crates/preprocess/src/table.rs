//! `Table`: named, typed columns with missing values, and the feature matrix it turns into.

use std::sync::Arc;

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

/// Named, typed columns of equal length: what a CSV file reads into and steps transform.
///
/// Column names are unique and non-empty, every column has [`Table::n_rows`] rows, and numeric
/// values are finite. Columns are shared between a table and the tables derived from it
/// (`select`, `drop`, steps' output), so those are cheap.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Arc<Column>>,
    n_rows: usize,
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
            columns: columns.into_iter().map(Arc::new).collect(),
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
            Some(i) => Ok(&self.columns[i]),
            None => Err(self.not_found(name)),
        }
    }

    /// `(name, column)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Column)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.columns.iter().map(|c| &**c))
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
                .map(|c| Arc::new(c.take_unchecked(indices)))
                .collect(),
            n_rows: indices.len(),
        })
    }

    /// Removes the named column and returns it (pandas `pop`).
    pub fn pop(&mut self, name: &str) -> Result<Column, PreprocessError> {
        let i = self.position(name).ok_or_else(|| self.not_found(name))?;
        self.names.remove(i);
        let column = self.columns.remove(i);
        Ok(Arc::try_unwrap(column).unwrap_or_else(|shared| (*shared).clone()))
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
        self.check_new(&name, &column)?;
        column.check_finite(&name)?;
        if self.names.is_empty() {
            self.n_rows = column.len();
        }
        self.names.push(name);
        self.columns.push(Arc::new(column));
        Ok(())
    }

    /// Converts an all-numeric table without missing values into a feature matrix
    /// (row = sample, column = feature, in column order).
    pub fn to_features(&self) -> Result<Features, PreprocessError> {
        let n = self.n_rows;
        let mut data = Vec::with_capacity(n.saturating_mul(self.n_cols()));
        for (name, column) in self.iter() {
            match column {
                Column::Numeric(v) => {
                    for (i, x) in v.iter().enumerate() {
                        match x {
                            Some(x) => data.push(*x),
                            None => {
                                return Err(PreprocessError::missing(i, name, "the feature matrix"))
                            }
                        }
                    }
                }
                Column::Categorical(_) => {
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

    fn check_new(&self, name: &str, column: &Column) -> Result<(), PreprocessError> {
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
        if !self.names.is_empty() && column.len() != self.n_rows {
            return Err(PreprocessError::LengthMismatch {
                column: name.to_string(),
                expected: self.n_rows,
                found: column.len(),
            });
        }
        Ok(())
    }

    /// Appends a column a step produced (finite by construction).
    pub(crate) fn push_derived(
        &mut self,
        name: String,
        column: Column,
    ) -> Result<(), PreprocessError> {
        self.check_new(&name, &column)?;
        debug_assert!(column.check_finite(&name).is_ok());
        if self.names.is_empty() {
            self.n_rows = column.len();
        }
        self.names.push(name);
        self.columns.push(Arc::new(column));
        Ok(())
    }

    /// Replaces the column at `i` with one a step produced.
    pub(crate) fn replace_at(&mut self, i: usize, column: Column) {
        debug_assert_eq!(column.len(), self.n_rows);
        self.columns[i] = Arc::new(column);
    }

    /// Mutable access to the column at `i`, copying it first if another table shares it.
    pub(crate) fn column_mut_at(&mut self, i: usize) -> &mut Column {
        Arc::make_mut(&mut self.columns[i])
    }

    pub(crate) fn column_at(&self, i: usize) -> &Column {
        &self.columns[i]
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
