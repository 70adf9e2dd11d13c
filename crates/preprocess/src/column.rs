//! Columns: owned ([`Column`], what tables are built from and `pop` returns) and borrowed views
//! of a table's columns ([`ColumnView`]).
//!
//! Storage costs 8 bytes per numeric value (NaN marks a missing value: a table never holds NaN as
//! a value) and 4 bytes per categorical value (a code into the column's list of categories, with
//! [`CategoricalColumn::MISSING`] for a missing value).

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;

use rustc_hash::FxHasher;

use crate::schema::ColumnType;

/// A hash map with a fast non-cryptographic hash: keys are category labels, never attacker-chosen
/// in a way that matters (a slow pathological file costs time, not correctness).
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A categorical column: one code per row into a list of distinct categories.
///
/// Categories are kept in the order they were first met (a CSV reader meets them in file order);
/// steps that need them sorted sort them. Two columns are equal when their rows hold the same
/// labels, whatever the order of their category lists.
#[derive(Clone)]
pub struct CategoricalColumn {
    codes: Vec<u32>,
    categories: Vec<String>,
}

impl CategoricalColumn {
    /// The code of a missing value.
    pub const MISSING: u32 = u32::MAX;

    /// A column from labels (`None` for missing), categories in order of first appearance.
    pub fn new<S: AsRef<str>>(labels: impl IntoIterator<Item = Option<S>>) -> Self {
        let mut lookup: FastMap<String, u32> = FastMap::default();
        let mut categories = Vec::new();
        let codes = labels
            .into_iter()
            .map(|label| match label {
                None => Self::MISSING,
                Some(label) => {
                    let label = label.as_ref();
                    if let Some(&code) = lookup.get(label) {
                        return code;
                    }
                    // Fewer than u32::MAX distinct labels fit in memory next to their codes.
                    let code = u32::try_from(categories.len()).unwrap_or(Self::MISSING - 1);
                    lookup.insert(label.to_string(), code);
                    categories.push(label.to_string());
                    code
                }
            })
            .collect();
        CategoricalColumn { codes, categories }
    }

    /// Built from parts a reader or step has checked: every code is `MISSING` or indexes
    /// `categories`, and categories are distinct.
    pub(crate) fn from_parts(codes: Vec<u32>, categories: Vec<String>) -> Self {
        debug_assert!(codes
            .iter()
            .all(|&c| c == Self::MISSING || (c as usize) < categories.len()));
        CategoricalColumn { codes, categories }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The label at a 0-based row (`None` if missing or out of range).
    pub fn get(&self, row: usize) -> Option<&str> {
        let code = *self.codes.get(row)?;
        self.categories.get(code as usize).map(String::as_str)
    }

    /// One code per row: an index into [`categories`](Self::categories), or
    /// [`MISSING`](Self::MISSING).
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }

    /// The distinct labels the codes point to (some may not occur in any row, e.g. after
    /// `Table::take`).
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The labels, row by row (`None` for missing).
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.codes
            .iter()
            .map(|&c| self.categories.get(c as usize).map(String::as_str))
    }

    /// Number of missing values.
    pub fn n_missing(&self) -> usize {
        self.codes.iter().filter(|&&c| c == Self::MISSING).count()
    }

    /// The labels (`None` for missing), copied out.
    pub fn to_vec(&self) -> Vec<Option<String>> {
        self.iter().map(|l| l.map(str::to_string)).collect()
    }

    /// The rows at the given (checked) indices, sharing nothing with `self`.
    pub(crate) fn take(&self, rows: &[usize]) -> CategoricalColumn {
        CategoricalColumn {
            codes: rows.iter().map(|&i| self.codes[i]).collect(),
            categories: self.categories.clone(),
        }
    }

    /// The code of `label`, appending it to the categories if new.
    pub(crate) fn code_of(&mut self, label: &str) -> u32 {
        match self.categories.iter().position(|c| c == label) {
            Some(i) => i as u32,
            None => {
                self.categories.push(label.to_string());
                (self.categories.len() - 1) as u32
            }
        }
    }

    /// The codes, to rewrite in place.
    pub(crate) fn codes_mut(&mut self) -> &mut [u32] {
        &mut self.codes
    }
}

impl PartialEq for CategoricalColumn {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl fmt::Debug for CategoricalColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// `x ← (x − offset) / scale`: one fitted scaling, kept as a recipe on an indicator column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Affine {
    pub(crate) offset: f64,
    pub(crate) scale: f64,
}

/// The affine maps in order, as an eager step would apply them (so results are bit-identical).
#[inline]
pub(crate) fn apply(ops: &[Affine], mut x: f64) -> f64 {
    for op in ops {
        x = (x - op.offset) / op.scale;
    }
    x
}

/// A read-only view of a numeric column: values in a row-major block (every `stride`-th value),
/// or a one-hot indicator computed on read.
#[derive(Clone, Copy)]
pub struct NumericView<'a> {
    repr: NumericRepr<'a>,
}

#[derive(Clone, Copy)]
enum NumericRepr<'a> {
    Strided {
        data: &'a [f64],
        offset: usize,
        stride: usize,
        len: usize,
    },
    Indicator {
        codes: &'a [u32],
        code: u32,
        ops: &'a [Affine],
    },
}

impl<'a> NumericView<'a> {
    /// Column `offset` of a row-major block with `stride` values per row.
    pub(crate) fn strided(data: &'a [f64], offset: usize, stride: usize) -> Self {
        let len = data.len().checked_div(stride).unwrap_or(0);
        NumericView {
            repr: NumericRepr::Strided {
                data,
                offset,
                stride,
                len,
            },
        }
    }

    /// 1 where `codes[i] == code`, else 0, then `ops`.
    pub(crate) fn indicator(codes: &'a [u32], code: u32, ops: &'a [Affine]) -> Self {
        NumericView {
            repr: NumericRepr::Indicator { codes, code, ops },
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self.repr {
            NumericRepr::Strided { len, .. } => len,
            NumericRepr::Indicator { codes, .. } => codes.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at a 0-based row (`None` if missing or out of range).
    pub fn get(&self, row: usize) -> Option<f64> {
        if row >= self.len() {
            return None;
        }
        let x = self.raw(row);
        (!x.is_nan()).then_some(x)
    }

    /// The value at a row known to be in range; NaN if missing.
    #[inline]
    pub(crate) fn raw(&self, row: usize) -> f64 {
        match self.repr {
            NumericRepr::Strided {
                data,
                offset,
                stride,
                ..
            } => data[row * stride + offset],
            NumericRepr::Indicator { codes, code, ops } => {
                apply(ops, if codes[row] == code { 1.0 } else { 0.0 })
            }
        }
    }

    /// The values, row by row (`None` for missing).
    pub fn iter(&self) -> impl Iterator<Item = Option<f64>> + 'a {
        let view = *self;
        (0..view.len()).map(move |i| {
            let x = view.raw(i);
            (!x.is_nan()).then_some(x)
        })
    }

    /// Number of missing values.
    pub fn n_missing(&self) -> usize {
        match self.repr {
            NumericRepr::Indicator { .. } => 0,
            NumericRepr::Strided { .. } => self.iter().filter(Option::is_none).count(),
        }
    }

    /// The values (`None` for missing), copied out.
    pub fn to_vec(&self) -> Vec<Option<f64>> {
        self.iter().collect()
    }

    /// The values with NaN for missing ones, copied out.
    pub(crate) fn raw_values(&self) -> Vec<f64> {
        (0..self.len()).map(|i| self.raw(i)).collect()
    }

    /// The first row (0-based) whose value is missing.
    pub fn first_missing(&self) -> Option<usize> {
        match self.repr {
            NumericRepr::Indicator { .. } => None,
            NumericRepr::Strided { .. } => (0..self.len()).find(|&i| self.raw(i).is_nan()),
        }
    }
}

impl PartialEq for NumericView<'_> {
    /// Same length and the same values, missing where the other is missing.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl fmt::Debug for NumericView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A borrowed column of a [`crate::Table`]: what [`crate::Table::column`] returns.
#[derive(Clone, Copy, PartialEq)]
pub enum ColumnView<'a> {
    /// Numbers (missing values read as `None`).
    Numeric(NumericView<'a>),
    /// Category labels.
    Categorical(&'a CategoricalColumn),
}

impl<'a> ColumnView<'a> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            ColumnView::Numeric(v) => v.len(),
            ColumnView::Categorical(c) => c.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Numeric or categorical.
    pub fn column_type(&self) -> ColumnType {
        match self {
            ColumnView::Numeric(_) => ColumnType::Numeric,
            ColumnView::Categorical(_) => ColumnType::Categorical,
        }
    }

    /// Number of missing values.
    pub fn n_missing(&self) -> usize {
        match self {
            ColumnView::Numeric(v) => v.n_missing(),
            ColumnView::Categorical(c) => c.n_missing(),
        }
    }

    /// The first row (0-based) whose value is missing.
    pub fn first_missing(&self) -> Option<usize> {
        match self {
            ColumnView::Numeric(v) => v.first_missing(),
            ColumnView::Categorical(c) => c
                .codes()
                .iter()
                .position(|&x| x == CategoricalColumn::MISSING),
        }
    }

    /// The numbers, if numeric.
    pub fn as_numeric(&self) -> Option<NumericView<'a>> {
        match self {
            ColumnView::Numeric(v) => Some(*v),
            ColumnView::Categorical(_) => None,
        }
    }

    /// The labels, if categorical.
    pub fn as_categorical(&self) -> Option<&'a CategoricalColumn> {
        match self {
            ColumnView::Numeric(_) => None,
            ColumnView::Categorical(c) => Some(c),
        }
    }

    /// The cell at a 0-based row as text, for messages and output (`None` if missing or out of
    /// range).
    pub fn display_value(&self, row: usize) -> Option<String> {
        match self {
            ColumnView::Numeric(v) => v.get(row).map(|x| x.to_string()),
            ColumnView::Categorical(c) => c.get(row).map(str::to_string),
        }
    }

    /// An owned copy.
    pub fn to_column(&self) -> Column {
        match self {
            ColumnView::Numeric(v) => Column::Numeric(v.raw_values()),
            ColumnView::Categorical(c) => Column::Categorical((*c).clone()),
        }
    }
}

impl fmt::Debug for ColumnView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnView::Numeric(v) => f.debug_tuple("Numeric").field(v).finish(),
            ColumnView::Categorical(c) => f.debug_tuple("Categorical").field(c).finish(),
        }
    }
}

impl PartialEq<Column> for ColumnView<'_> {
    fn eq(&self, other: &Column) -> bool {
        *self == other.view()
    }
}

impl PartialEq<&Column> for ColumnView<'_> {
    fn eq(&self, other: &&Column) -> bool {
        *self == other.view()
    }
}

impl PartialEq<ColumnView<'_>> for Column {
    fn eq(&self, other: &ColumnView<'_>) -> bool {
        self.view() == *other
    }
}

/// An owned column: what [`crate::Table::new`] and [`crate::Table::push_column`] take and
/// [`crate::Table::pop`] returns.
#[derive(Clone)]
pub enum Column {
    /// Numbers; NaN marks a missing value (±∞ is refused by tables).
    Numeric(Vec<f64>),
    /// Category labels.
    Categorical(CategoricalColumn),
}

impl Column {
    /// A numeric column; NaN values are missing.
    pub fn numeric(values: impl IntoIterator<Item = f64>) -> Self {
        Column::Numeric(values.into_iter().collect())
    }

    /// A numeric column with `None` for missing values.
    pub fn numeric_with_missing(values: impl IntoIterator<Item = Option<f64>>) -> Self {
        Column::Numeric(values.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
    }

    /// A categorical column without missing values.
    pub fn categorical<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Self {
        Column::Categorical(CategoricalColumn::new(values.into_iter().map(Some)))
    }

    /// A categorical column with `None` for missing values.
    pub fn categorical_with_missing<S: AsRef<str>>(
        values: impl IntoIterator<Item = Option<S>>,
    ) -> Self {
        Column::Categorical(CategoricalColumn::new(values))
    }

    /// A borrowed view, with the same accessors as a table's columns.
    pub fn view(&self) -> ColumnView<'_> {
        match self {
            Column::Numeric(v) => ColumnView::Numeric(NumericView::strided(v, 0, 1)),
            Column::Categorical(c) => ColumnView::Categorical(c),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.view().len()
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Numeric or categorical.
    pub fn column_type(&self) -> ColumnType {
        self.view().column_type()
    }

    /// Number of missing values.
    pub fn n_missing(&self) -> usize {
        self.view().n_missing()
    }

    /// The cell at a 0-based row as text (`None` if missing or out of range).
    pub fn display_value(&self, row: usize) -> Option<String> {
        self.view().display_value(row)
    }
}

impl PartialEq for Column {
    /// Same rows with the same values (missing where the other is missing).
    fn eq(&self, other: &Self) -> bool {
        self.view() == other.view()
    }
}

impl fmt::Debug for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.view().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categorical_codes_follow_first_appearance() {
        let c = CategoricalColumn::new([Some("b"), None, Some("a"), Some("b")]);
        assert_eq!(c.categories(), ["b", "a"]);
        assert_eq!(c.codes(), [0, CategoricalColumn::MISSING, 1, 0]);
        assert_eq!(c.get(2), Some("a"));
        assert_eq!(c.get(1), None);
        assert_eq!(c.n_missing(), 1);
        // Equal by labels, whatever the category order.
        let same = CategoricalColumn::from_parts(
            vec![1, CategoricalColumn::MISSING, 0, 1],
            vec!["a".into(), "b".into()],
        );
        assert_eq!(c, same);
        assert_ne!(
            c,
            CategoricalColumn::new([Some("b"), None, Some("a"), Some("a")])
        );
    }

    #[test]
    fn numeric_missing_is_nan_and_compares_equal() {
        let a = Column::numeric_with_missing([Some(1.0), None]);
        assert_eq!(a, Column::numeric([1.0, f64::NAN]));
        assert_ne!(a, Column::numeric([1.0, 2.0]));
        assert_eq!(a.n_missing(), 1);
        assert_eq!(a.display_value(0).as_deref(), Some("1"));
        assert_eq!(a.display_value(1), None);
        assert_eq!(a.view().first_missing(), Some(1));
    }

    #[test]
    fn views_of_a_block_and_of_an_indicator() {
        let block = [1.0, 10.0, 2.0, 20.0, 3.0, f64::NAN];
        let second = NumericView::strided(&block, 1, 2);
        assert_eq!(second.len(), 3);
        assert_eq!(
            second.iter().collect::<Vec<_>>(),
            [Some(10.0), Some(20.0), None]
        );
        let ops = [Affine {
            offset: 0.5,
            scale: 0.5,
        }];
        let codes = [0, 1, CategoricalColumn::MISSING];
        let ind = NumericView::indicator(&codes, 1, &ops);
        assert_eq!(ind.raw_values(), [-1.0, 1.0, -1.0]);
        assert_eq!(ind.n_missing(), 0);
    }
}
