//! `Table`: named, typed columns of equal length, stored so that a numeric table read from a file
//! can become the design matrix without a copy.
//!
//! Numeric columns live in row-major blocks (`n × width` values, NaN for missing). A CSV file's
//! numeric columns form one block (its side columns, `CsvOptions::side_columns`, a second); a
//! column added with [`Table::push_column`] is a block of width
//! one. Categorical columns are codes into a list of categories. One-hot indicator columns are
//! never stored as numbers: they are a code to compare with, plus the scalings applied since
//! (that is what keeps a 3 000-level one-hot encoding sparse).
//!
//! Tables share their storage (`select`, `drop` and cloning copy nothing). A step that changes
//! values works in place when no other table shares the block, and otherwise copies only the
//! columns this table shows (copy on write): a pipeline holds the numbers at most twice, and a
//! table it owns outright not even that.

mod columns;
mod missing;
mod rows;
mod storage;

use std::fmt;
use std::sync::Arc;

use crate::column::{Column, ColumnView, NumericView};
use crate::error::PreprocessError;
use crate::schema::{ColumnType, Field, Schema};
pub(crate) use storage::{Block, Indicator, Slot};

/// Named, typed columns of equal length: what a CSV file reads into and steps transform.
///
/// Column names are unique and non-empty, every column has [`Table::n_rows`] rows, and numeric
/// values are finite (a missing value is not a value). Columns are shared between a table and
/// the tables derived from it (`select`, `drop`, clones), so those are cheap.
///
/// ```
/// use logreg_preprocess::{Column, Table};
///
/// let t = Table::new([
///     ("x", Column::numeric_with_missing([Some(1.5), None])),
///     ("city", Column::categorical(["Paris", "Lyon"])),
/// ])?;
/// assert_eq!(t.column("x")?.n_missing(), 1);
/// assert_eq!(t.column("city")?.display_value(1).as_deref(), Some("Lyon"));
/// # Ok::<(), logreg_preprocess::PreprocessError>(())
/// ```
#[derive(Clone)]
pub struct Table {
    names: Vec<String>,
    slots: Vec<Slot>,
    blocks: Vec<Arc<Block>>,
    n_rows: usize,
}

impl PartialEq for Table {
    /// Same names, rows and values.
    fn eq(&self, other: &Table) -> bool {
        self.names == other.names
            && self.n_rows == other.n_rows
            && (0..self.n_cols()).all(|i| self.view_at(i) == other.view_at(i))
    }
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, column) in self.iter() {
            map.entry(&name, &column);
        }
        map.finish()
    }
}

impl Table {
    /// A table from `(name, column)` pairs; errors on duplicate or empty names, unequal
    /// lengths, or infinite numbers (NaN is a missing value).
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
            slots: Vec::new(),
            blocks: Vec::new(),
            n_rows,
        }
    }

    /// Built by the CSV reader, which has checked every invariant: numeric columns are the
    /// columns of one block, in order.
    pub(crate) fn from_parts(
        names: Vec<String>,
        slots: Vec<Slot>,
        blocks: Vec<Block>,
        n_rows: usize,
    ) -> Table {
        let mut table = Table {
            names,
            slots,
            blocks: blocks.into_iter().map(Arc::new).collect(),
            n_rows,
        };
        table.prune();
        table
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
                .zip(&self.slots)
                .map(|(name, slot)| Field {
                    name: name.clone(),
                    column_type: slot.column_type(),
                })
                .collect(),
        }
    }

    /// Whether a column of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// The named column; the error lists the available names.
    pub fn column(&self, name: &str) -> Result<ColumnView<'_>, PreprocessError> {
        match self.position(name) {
            Some(i) => Ok(self.view_at(i)),
            None => Err(self.not_found(name)),
        }
    }

    /// `(name, column)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, ColumnView<'_>)> {
        self.names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.as_str(), self.view_at(i)))
    }

    // ---- crate-internal helpers for steps ------------------------------------------------------

    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The positions of many names at once (one pass over the table's names, not one each).
    pub(crate) fn positions<S: AsRef<str>>(&self, names: &[S]) -> Vec<Option<usize>> {
        if names.len() < 8 {
            return names.iter().map(|n| self.position(n.as_ref())).collect();
        }
        let mut index: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(self.names.len());
        for (i, n) in self.names.iter().enumerate().rev() {
            index.insert(n, i);
        }
        names
            .iter()
            .map(|n| index.get(n.as_ref()).copied())
            .collect()
    }

    pub(crate) fn not_found(&self, name: &str) -> PreprocessError {
        PreprocessError::ColumnNotFound {
            column: name.to_string(),
            available: self.names.clone(),
        }
    }

    /// Errors if a row index is out of range.
    pub(crate) fn check_rows(&self, rows: &[usize]) -> Result<(), PreprocessError> {
        match rows.iter().find(|&&i| i >= self.n_rows) {
            Some(&index) => Err(PreprocessError::RowOutOfRange {
                index,
                n_rows: self.n_rows,
            }),
            None => Ok(()),
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

    fn push_slot(&mut self, name: String, len: usize, slot: Slot) {
        if self.names.is_empty() {
            self.n_rows = len;
        }
        self.names.push(name);
        self.slots.push(slot);
    }

    /// Appends a numeric column (NaN for missing, no ±∞) as a block of its own.
    fn push_numeric(&mut self, name: String, values: Vec<f64>) {
        let len = values.len();
        self.blocks.push(Arc::new(Block { values, width: 1 }));
        let block = self.blocks.len() - 1;
        self.push_slot(name, len, Slot::Numeric { block, col: 0 });
    }

    /// Appends a column a step produced (checked by the step).
    pub(crate) fn push_derived(
        &mut self,
        name: String,
        column: Column,
    ) -> Result<(), PreprocessError> {
        self.check_new(&name, column.len())?;
        match column {
            Column::Numeric(values) => self.push_numeric(name, values),
            Column::Categorical(c) => self.push_slot(name, c.len(), Slot::Categorical(Arc::new(c))),
        }
        Ok(())
    }

    /// Appends one-hot indicators a step produced (names checked in one pass).
    pub(crate) fn push_indicators(
        &mut self,
        indicators: Vec<(String, Indicator)>,
    ) -> Result<(), PreprocessError> {
        let mut taken: std::collections::HashSet<String> = self.names.iter().cloned().collect();
        for (name, indicator) in indicators {
            let len = indicator.codes.len();
            if taken.contains(&name) {
                return Err(PreprocessError::DuplicateColumn {
                    path: None,
                    column: name,
                });
            }
            if name.trim().is_empty() || (!self.names.is_empty() && len != self.n_rows) {
                // The rare cases, with their messages.
                self.check_new(&name, len)?;
            }
            taken.insert(name.clone());
            self.push_slot(name, len, Slot::Indicator(indicator));
        }
        Ok(())
    }

    /// Replaces the column at `i` with one a step produced (same length).
    pub(crate) fn replace_at(&mut self, i: usize, column: Column) {
        debug_assert_eq!(column.len(), self.n_rows);
        self.slots[i] = match column {
            Column::Numeric(values) => {
                self.blocks.push(Arc::new(Block { values, width: 1 }));
                Slot::Numeric {
                    block: self.blocks.len() - 1,
                    col: 0,
                }
            }
            Column::Categorical(c) => Slot::Categorical(Arc::new(c)),
        };
        self.prune();
    }

    /// The column at `i`.
    pub(crate) fn view_at(&self, i: usize) -> ColumnView<'_> {
        match &self.slots[i] {
            Slot::Numeric { block, col } => {
                let b = &self.blocks[*block];
                ColumnView::Numeric(NumericView::strided(&b.values, *col, b.width))
            }
            Slot::Categorical(c) => ColumnView::Categorical(c),
            Slot::Indicator(ind) => {
                ColumnView::Numeric(NumericView::indicator(&ind.codes, ind.code, &ind.ops))
            }
        }
    }

    /// The storage of the column at `i`.
    pub(crate) fn slot(&self, i: usize) -> &Slot {
        &self.slots[i]
    }

    /// All column storages, in column order.
    pub(crate) fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// The numeric blocks the slots point into.
    pub(crate) fn blocks(&self) -> &[Arc<Block>] {
        &self.blocks
    }

    /// The type of the column at `i`.
    pub(crate) fn type_at(&self, i: usize) -> ColumnType {
        self.slots[i].column_type()
    }

    /// Removes the named column, returning its position.
    pub(crate) fn remove(&mut self, name: &str) -> Result<usize, PreprocessError> {
        let i = self.position(name).ok_or_else(|| self.not_found(name))?;
        self.names.remove(i);
        self.slots.remove(i);
        self.prune();
        Ok(i)
    }

    /// Takes the table apart (for building a design from it).
    pub(crate) fn into_parts(self) -> (Vec<String>, Vec<Slot>, Vec<Arc<Block>>, usize) {
        (self.names, self.slots, self.blocks, self.n_rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::CategoricalColumn;

    fn sample() -> Table {
        Table::new([
            ("x", Column::numeric([1.0, 2.0, 3.0])),
            ("c", Column::categorical(["a", "b", "a"])),
            ("y", Column::numeric([0.0, 1.0, 1.0])),
        ])
        .unwrap()
    }

    /// Two numeric columns in one block, as the CSV reader builds them.
    fn block_table() -> Table {
        Table::from_parts(
            vec!["a".into(), "b".into(), "c".into()],
            vec![
                Slot::Numeric { block: 0, col: 0 },
                Slot::Categorical(Arc::new(CategoricalColumn::new([Some("u"), None]))),
                Slot::Numeric { block: 0, col: 1 },
            ],
            vec![Block {
                values: vec![1.0, 10.0, f64::NAN, 20.0],
                width: 2,
            }],
            2,
        )
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
        assert_eq!(rows.column("x").unwrap(), Column::numeric([3.0, 1.0, 3.0]));
        assert_eq!(
            rows.column("c").unwrap(),
            Column::categorical(["a", "a", "a"])
        );
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
    fn block_columns_view_take_and_pop() {
        let t = block_table();
        assert_eq!(t.column("a").unwrap(), Column::numeric([1.0, f64::NAN]));
        assert_eq!(t.column("c").unwrap(), Column::numeric([10.0, 20.0]));
        let back = t.take(&[1, 0]).unwrap();
        assert_eq!(back.column("a").unwrap(), Column::numeric([f64::NAN, 1.0]));
        assert_eq!(
            back.column("b").unwrap(),
            Column::categorical_with_missing([None, Some("u")])
        );
        let mut u = t.clone();
        assert_eq!(u.pop("c").unwrap(), Column::numeric([10.0, 20.0]));
        assert_eq!(u.column_names(), ["a", "b"]);
        // The original still has all its columns.
        assert_eq!(t.n_cols(), 3);
    }

    #[test]
    fn writes_are_copy_on_write() {
        let t = block_table();
        let mut u = t.select(&["c"]).unwrap();
        let (block, cols) = u.block_mut(0, &[0]);
        assert_eq!(block.width, 1, "only the shown column is copied");
        block.values[cols[0]] = 99.0;
        assert_eq!(u.column("c").unwrap(), Column::numeric([99.0, 20.0]));
        assert_eq!(t.column("c").unwrap(), Column::numeric([10.0, 20.0]));
        // Owned outright: written in place, nothing copied.
        let mut w = block_table();
        let ptr = w.blocks()[0].values.as_ptr();
        let (block, _) = w.block_mut(0, &[0, 2]);
        assert_eq!(block.values.as_ptr(), ptr);
    }

    #[test]
    fn rejects_bad_columns() {
        let dup = Table::new([("a", Column::numeric([1.0])), ("a", Column::numeric([2.0]))]);
        assert!(matches!(dup, Err(PreprocessError::DuplicateColumn { .. })));
        let len = Table::new([("a", Column::numeric([1.0])), ("b", Column::numeric([]))]);
        assert!(matches!(len, Err(PreprocessError::LengthMismatch { .. })));
        let inf = Table::new([("a", Column::numeric([1.0, f64::NEG_INFINITY]))]);
        let msg = inf.unwrap_err().to_string();
        assert!(msg.contains("data row 2") && msg.contains("-inf"), "{msg}");
        assert!(Table::new([("", Column::numeric([1.0]))]).is_err());
        // NaN is how a missing value is written.
        let nan = Table::new([("a", Column::numeric([1.0, f64::NAN]))]).unwrap();
        assert_eq!(nan.column("a").unwrap().n_missing(), 1);
    }
}
