//! Choosing, removing and adding columns: `select`, `drop`, `pop`, the target split and
//! `push_column`.

use std::sync::Arc;

use crate::column::{CategoricalColumn, Column, ColumnView};
use crate::error::PreprocessError;
use crate::schema::ColumnType;

use super::{Slot, Table};

impl Table {
    /// A table with only the named columns, in the given order.
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<Table, PreprocessError> {
        let mut positions = Vec::with_capacity(names.len());
        for name in names {
            let name = name.as_ref();
            let i = self.position(name).ok_or_else(|| self.not_found(name))?;
            if positions.contains(&i) {
                return Err(PreprocessError::DuplicateColumn {
                    path: None,
                    column: name.to_string(),
                });
            }
            positions.push(i);
        }
        Ok(self.clone().keep(&positions))
    }

    /// The table restricted to `positions` (distinct, checked), in that order, taken over.
    pub(crate) fn keep(mut self, positions: &[usize]) -> Table {
        let names = positions.iter().map(|&i| self.names[i].clone()).collect();
        let slots = positions.iter().map(|&i| self.slots[i].clone()).collect();
        self.names = names;
        self.slots = slots;
        self.prune();
        self
    }

    /// A table without the named columns (each must exist, like pandas `drop`).
    pub fn drop<S: AsRef<str>>(&self, names: &[S]) -> Result<Table, PreprocessError> {
        self.clone().drop_owned(names)
    }

    /// [`drop`](Self::drop) on a table taken over.
    pub(crate) fn drop_owned<S: AsRef<str>>(
        mut self,
        names: &[S],
    ) -> Result<Table, PreprocessError> {
        for name in names {
            self.remove(name.as_ref())?;
        }
        Ok(self)
    }

    /// Removes the named column and returns it (pandas `pop`).
    pub fn pop(&mut self, name: &str) -> Result<Column, PreprocessError> {
        let i = self.position(name).ok_or_else(|| self.not_found(name))?;
        let column = match &self.slots[i] {
            Slot::Categorical(c) => Column::Categorical(CategoricalColumn::clone(c)),
            _ => self.view_at(i).to_column(),
        };
        self.names.remove(i);
        self.slots.remove(i);
        self.prune();
        Ok(column)
    }

    /// Splits off the target column: `(features, target)`.
    pub fn split_target(&self, name: &str) -> Result<(Table, Column), PreprocessError> {
        self.clone().split_target_owned(name)
    }

    /// [`split_target`](Self::split_target) on a table taken over: the features keep the
    /// table's storage, so a pipeline can turn them into a design without copying.
    pub fn split_target_owned(mut self, name: &str) -> Result<(Table, Column), PreprocessError> {
        let target = self.pop(name)?;
        Ok((self, target))
    }

    /// The named column as dense numbers (for a 0/1 target); errors if it is categorical or has
    /// a missing value.
    pub fn numeric_values(&self, name: &str) -> Result<Vec<f64>, PreprocessError> {
        match self.column(name)? {
            ColumnView::Numeric(v) => match v.first_missing() {
                Some(row) => Err(PreprocessError::missing(row, name, "numeric_values")),
                None => Ok(v.raw_values()),
            },
            ColumnView::Categorical(_) => Err(PreprocessError::ColumnType {
                column: name.to_string(),
                expected: ColumnType::Numeric,
                found: ColumnType::Categorical,
                context: "numeric_values".to_string(),
            }),
        }
    }

    /// Appends a column; errors on a duplicate or empty name, a length other than
    /// [`Table::n_rows`] (any length if the table has no columns yet), or an infinite number.
    pub fn push_column(
        &mut self,
        name: impl Into<String>,
        column: Column,
    ) -> Result<(), PreprocessError> {
        let name = name.into();
        self.check_new(&name, column.len())?;
        match column {
            Column::Numeric(values) => {
                if let Some(i) = values.iter().position(|x| x.is_infinite()) {
                    return Err(PreprocessError::value(
                        i,
                        &name,
                        "a finite number",
                        values[i].to_string(),
                    ));
                }
                self.push_numeric(name, values);
            }
            Column::Categorical(c) => self.push_slot(name, c.len(), Slot::Categorical(Arc::new(c))),
        }
        Ok(())
    }
}
