//! Class labels: read from a table column or libsvm rows.

use crate::preprocess::{ColumnView, LibsvmData, Table};
use crate::Error;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A class label read from a table column: a number (from a numeric column) or text.
///
/// Numbers order numerically and before text, so labels sort as scikit-learn sorts them and the
/// positive class is the larger one by default (1 over 0, 4 over 2, "yes" over "no").
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ClassLabel {
    /// A label from a numeric column.
    Number(f64),
    /// A label from a text column.
    Text(String),
}

impl PartialOrd for ClassLabel {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (ClassLabel::Number(a), ClassLabel::Number(b)) => a.partial_cmp(b),
            (ClassLabel::Text(a), ClassLabel::Text(b)) => Some(a.cmp(b)),
            (ClassLabel::Number(_), ClassLabel::Text(_)) => Some(Ordering::Less),
            (ClassLabel::Text(_), ClassLabel::Number(_)) => Some(Ordering::Greater),
        }
    }
}

impl std::fmt::Debug for ClassLabel {
    /// Quoted as the file wrote it (`"yes"`, `"1"`): how error messages name labels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.to_string())
    }
}

impl std::fmt::Display for ClassLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Integral labels print without a fraction: "1", not "1.0".
            ClassLabel::Number(v) if v.fract() == 0.0 && v.abs() < 1e15 => {
                write!(f, "{}", *v as i64)
            }
            ClassLabel::Number(v) => write!(f, "{v}"),
            ClassLabel::Text(s) => f.write_str(s),
        }
    }
}

impl From<&str> for ClassLabel {
    fn from(s: &str) -> Self {
        ClassLabel::Text(s.to_string())
    }
}

impl From<f64> for ClassLabel {
    fn from(v: f64) -> Self {
        ClassLabel::Number(v)
    }
}

/// The labels of column `target`, or an error naming the first missing one (1-based data row).
pub fn labels_of(table: &Table, target: &str) -> Result<Vec<ClassLabel>, Error> {
    labels_in(table.column(target)?, target)
}

/// The labels a column holds; `target` names it in errors.
pub(crate) fn labels_in(column: ColumnView<'_>, target: &str) -> Result<Vec<ClassLabel>, Error> {
    labels_in_at(column, target, 0)
}

/// [`labels_in`] for a chunk whose first row is row `offset` of its file.
pub(crate) fn labels_in_at(
    column: ColumnView<'_>,
    target: &str,
    offset: usize,
) -> Result<Vec<ClassLabel>, Error> {
    let missing = |i: usize| Error::MissingLabel {
        column: target.to_string(),
        row: offset + i + 1,
    };
    match column {
        ColumnView::Numeric(v) => v
            .iter()
            .enumerate()
            .map(|(i, x)| x.map(ClassLabel::Number).ok_or_else(|| missing(i)))
            .collect(),
        ColumnView::Categorical(v) => v
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.map(|s| ClassLabel::Text(s.to_string()))
                    .ok_or_else(|| missing(i))
            })
            .collect(),
    }
}

/// The labels of libsvm rows, as numbers.
pub fn libsvm_labels(data: &LibsvmData) -> Vec<ClassLabel> {
    data.numeric_labels()
        .into_iter()
        .map(ClassLabel::Number)
        .collect()
}
