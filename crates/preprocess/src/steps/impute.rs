//! `Imputer`: fills missing values with a statistic learned in fit, like scikit-learn's
//! `SimpleImputer`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::stats::AccurateSum;
use super::{check_column_list, fit_rows_of, Transformer};
use crate::column::{CategoricalColumn, ColumnView};
use crate::error::PreprocessError;
use crate::ranks::Ranks;
use crate::schema::ColumnType;
use crate::table::{Slot, Table};

/// How [`Imputer`] chooses the fill value of a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImputeStrategy {
    /// The mean of the non-missing values (numeric columns).
    Mean,
    /// The median of the non-missing values, averaging the middle two (numeric columns).
    Median,
    /// The most frequent value; ties go to the smallest, as in scikit-learn (either type).
    MostFrequent,
    /// A given value: a number for numeric columns, or an own level such as `"missing"` for
    /// categorical ones.
    Constant(Fill),
}

/// A fill value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fill {
    /// For a numeric column.
    Number(#[serde(deserialize_with = "crate::lenient::number")] f64),
    /// For a categorical column.
    Label(String),
}

/// The fill value learned for one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedFill {
    /// Column name.
    pub column: String,
    /// What replaces its missing values.
    pub value: Fill,
}

/// Replaces missing values, column by column, with a value learned from the training rows.
#[doc(alias = "SimpleImputer")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imputer {
    columns: Vec<String>,
    strategy: ImputeStrategy,
    fitted: Option<Vec<FittedFill>>,
}

impl Imputer {
    const NAME: &'static str = "Imputer";

    /// The columns it fills.
    pub(super) fn columns(&self) -> &[String] {
        &self.columns
    }

    /// How it chooses the fill values.
    pub(super) fn strategy(&self) -> &ImputeStrategy {
        &self.strategy
    }

    pub(super) fn set_fitted(&mut self, fitted: Vec<FittedFill>) {
        self.fitted = Some(fitted);
    }

    /// Fills the named columns' missing values by `strategy`.
    pub fn new<S: Into<String>>(
        columns: impl IntoIterator<Item = S>,
        strategy: ImputeStrategy,
    ) -> Self {
        Imputer {
            columns: columns.into_iter().map(Into::into).collect(),
            strategy,
            fitted: None,
        }
    }

    /// The fill value learned per column.
    pub fn fill_values(&self) -> Option<&[FittedFill]> {
        self.fitted.as_deref()
    }

    /// What this rank's rows say about a column's fill value (its statistic's ingredients), or
    /// an error that depends only on the column's type and the strategy (the same on every rank).
    fn summarize(
        &self,
        name: &str,
        column: ColumnView<'_>,
        rows: impl Iterator<Item = usize>,
    ) -> Result<Summary, PreprocessError> {
        let wrong_type = |expected| PreprocessError::ColumnType {
            column: name.to_string(),
            expected,
            found: column.column_type(),
            context: format!("Imputer with strategy {:?}", self.strategy),
        };
        match (&self.strategy, column) {
            (ImputeStrategy::Constant(fill), _) => match (fill, column) {
                (Fill::Number(x), ColumnView::Numeric(_)) if x.is_finite() => {
                    Ok(Summary::Given(fill.clone()))
                }
                (Fill::Number(x), ColumnView::Numeric(_)) => Err(PreprocessError::param(
                    "fill",
                    format!("the fill value must be finite, got {x}"),
                )),
                (Fill::Label(_), ColumnView::Categorical(_)) => Ok(Summary::Given(fill.clone())),
                (Fill::Number(_), _) => Err(wrong_type(ColumnType::Numeric)),
                (Fill::Label(_), _) => Err(wrong_type(ColumnType::Categorical)),
            },
            (ImputeStrategy::Mean, ColumnView::Numeric(v)) => {
                let (mut sum, mut n) = (AccurateSum::default(), 0usize);
                for x in rows.map(|r| v.raw(r)).filter(|x| !x.is_nan()) {
                    sum.add(x);
                    n += 1;
                }
                Ok(Summary::Mean { sum, n })
            }
            (ImputeStrategy::Median, ColumnView::Numeric(v)) => {
                let mut present: Vec<f64> =
                    rows.map(|r| v.raw(r)).filter(|x| !x.is_nan()).collect();
                present.sort_by(f64::total_cmp);
                Ok(Summary::Sorted(present))
            }
            (ImputeStrategy::Mean | ImputeStrategy::Median, _) => {
                Err(wrong_type(ColumnType::Numeric))
            }
            (ImputeStrategy::MostFrequent, ColumnView::Numeric(v)) => {
                let mut counts: HashMap<u64, (f64, usize)> = HashMap::new();
                for x in rows.map(|r| v.raw(r)).filter(|x| !x.is_nan()) {
                    let x = if x == 0.0 { 0.0 } else { x }; // one key for −0 and +0
                    counts.entry(x.to_bits()).or_insert((x, 0)).1 += 1;
                }
                Ok(Summary::Numbers(counts.into_values().collect()))
            }
            (ImputeStrategy::MostFrequent, ColumnView::Categorical(c)) => {
                let mut counts = vec![0usize; c.categories().len()];
                for r in rows {
                    let code = c.codes()[r];
                    if code != CategoricalColumn::MISSING {
                        counts[code as usize] += 1;
                    }
                }
                Ok(Summary::Labels(
                    c.categories()
                        .iter()
                        .zip(counts)
                        .filter(|(_, n)| *n > 0)
                        .map(|(x, n)| (x.clone(), n))
                        .collect(),
                ))
            }
        }
    }
}

/// One rank's ingredients of a column's fill value.
enum Summary {
    /// A constant: nothing to learn.
    Given(Fill),
    /// The sum and count of the present values.
    Mean { sum: AccurateSum, n: usize },
    /// The present values, sorted (`f64::total_cmp`).
    Sorted(Vec<f64>),
    /// Each distinct present number and how often it occurs.
    Numbers(Vec<(f64, usize)>),
    /// Each present label and how often it occurs.
    Labels(Vec<(String, usize)>),
}

impl Summary {
    /// Every rank's ingredients combined (rank order), then the fill value; the same on every
    /// rank. With one rank, the statistic of its rows.
    fn fill(self, name: &str, ranks: &Ranks<'_>) -> Result<Fill, PreprocessError> {
        let cannot = |reason: &str| PreprocessError::CannotFit {
            step: Imputer::NAME.to_string(),
            column: name.to_string(),
            reason: reason.to_string(),
        };
        const EMPTY: &str = "it has no non-missing values to learn a fill value from";
        match self {
            Summary::Given(fill) => Ok(fill),
            Summary::Mean { sum, n } => {
                let mut n = [n];
                ranks.sum_counts(&mut n)?;
                let sum = AccurateSum::over_ranks(&[sum], ranks)?[0];
                if n[0] == 0 {
                    return Err(cannot(EMPTY));
                }
                let mean = sum.value() / n[0] as f64;
                if !mean.is_finite() {
                    return Err(cannot("the values are too large: their mean overflows f64"));
                }
                Ok(Fill::Number(mean))
            }
            Summary::Sorted(present) => {
                let mut n = [present.len()];
                ranks.sum_counts(&mut n)?;
                if n[0] == 0 {
                    return Err(cannot(EMPTY));
                }
                let m = n[0] / 2;
                let (a, b) = if n[0] % 2 == 1 {
                    let v = kth_smallest(&present, [m, m], ranks)?;
                    return Ok(Fill::Number(v[0]));
                } else {
                    let v = kth_smallest(&present, [m - 1, m], ranks)?;
                    (v[0], v[1])
                };
                let mid = (a + b) / 2.0;
                Ok(Fill::Number(if mid.is_finite() {
                    mid
                } else {
                    a / 2.0 + b / 2.0
                }))
            }
            Summary::Numbers(mut counts) => {
                if ranks.is_distributed() {
                    let wire: Vec<f64> = counts.iter().flat_map(|&(x, c)| [x, c as f64]).collect();
                    let mut all: HashMap<u64, (f64, usize)> = HashMap::new();
                    for theirs in ranks.gather_f64(&wire)? {
                        for pair in theirs.chunks_exact(2) {
                            all.entry(pair[0].to_bits()).or_insert((pair[0], 0)).1 +=
                                pair[1] as usize;
                        }
                    }
                    counts = all.into_values().collect();
                }
                counts
                    .into_iter()
                    .max_by(|(x, n), (y, m)| n.cmp(m).then(y.total_cmp(x)))
                    .map(|(x, _)| Fill::Number(x))
                    .ok_or_else(|| cannot(EMPTY))
            }
            Summary::Labels(mut counts) => {
                if ranks.is_distributed() {
                    let labels: Vec<String> = counts.iter().map(|(l, _)| l.clone()).collect();
                    let numbers: Vec<f64> = counts.iter().map(|&(_, c)| c as f64).collect();
                    let mut all: HashMap<String, usize> = HashMap::new();
                    let gathered = ranks.gather_strings(&labels)?;
                    for (theirs, their_counts) in
                        gathered.into_iter().zip(ranks.gather_f64(&numbers)?)
                    {
                        for (label, c) in theirs.into_iter().zip(their_counts) {
                            *all.entry(label).or_insert(0) += c as usize;
                        }
                    }
                    counts = all.into_iter().collect();
                }
                counts
                    .into_iter()
                    .max_by(|(x, n), (y, m)| n.cmp(m).then(y.cmp(x)))
                    .map(|(x, _)| Fill::Label(x))
                    .ok_or_else(|| cannot(EMPTY))
            }
        }
    }
}

/// The `k[0]`-th and `k[1]`-th smallest (0-based) of every rank's present values (each rank's
/// sorted by `f64::total_cmp`). One rank reads them off its sorted values; several search the
/// order-preserving integer key of a double by bisection: each of the 64 rounds counts, on every
/// rank, the values at or below the candidate key (a binary search in its sorted values) and
/// adds the counts over the ranks. Exact, and no rank ever holds another's values.
fn kth_smallest(
    sorted: &[f64],
    k: [usize; 2],
    ranks: &Ranks<'_>,
) -> Result<[f64; 2], PreprocessError> {
    if !ranks.is_distributed() {
        return Ok(k.map(|i| sorted[i]));
    }
    const SIGN: u64 = 1 << 63;
    let key = |x: f64| {
        let b = x.to_bits();
        if b & SIGN != 0 {
            !b
        } else {
            b | SIGN
        }
    };
    let value = |k: u64| {
        if k & SIGN != 0 {
            f64::from_bits(k & !SIGN)
        } else {
            f64::from_bits(!k)
        }
    };
    // The smallest key with more than k values at or below it is the k-th smallest value's key.
    let (mut lo, mut hi) = ([0u64; 2], [u64::MAX; 2]);
    while lo != hi {
        let mid: [u64; 2] = std::array::from_fn(|j| lo[j] + (hi[j] - lo[j]) / 2);
        let mut below = mid.map(|m| sorted.partition_point(|&x| key(x) <= m));
        ranks.sum_counts(&mut below)?;
        for j in 0..2 {
            if lo[j] == hi[j] {
                continue;
            }
            if below[j] > k[j] {
                hi[j] = mid[j];
            } else {
                lo[j] = mid[j] + 1;
            }
        }
    }
    Ok(lo.map(value))
}

impl Transformer for Imputer {
    fn fit_rows(&mut self, table: &Table, rows: Option<&[usize]>) -> Result<(), PreprocessError> {
        self.fit_rows_in(table, rows, &Ranks::local())
    }

    fn fit_rows_in(
        &mut self,
        table: &Table,
        rows: Option<&[usize]>,
        ranks: &Ranks<'_>,
    ) -> Result<(), PreprocessError> {
        let summaries = ranks.agreed((|| {
            check_column_list(&self.columns, Self::NAME)?;
            let rows = fit_rows_of(table, rows)?;
            self.columns
                .iter()
                .map(|name| self.summarize(name, table.column(name)?, rows.clone()))
                .collect::<Result<Vec<_>, PreprocessError>>()
        })())?;
        let fitted = self
            .columns
            .iter()
            .zip(summaries)
            .map(|(name, summary)| {
                Ok(FittedFill {
                    column: name.clone(),
                    value: summary.fill(name, ranks)?,
                })
            })
            .collect::<Result<Vec<_>, PreprocessError>>()?;
        self.fitted = Some(fitted);
        Ok(())
    }

    fn transform_owned(&self, mut table: Table) -> Result<Table, PreprocessError> {
        let fitted = self
            .fitted
            .as_ref()
            .ok_or_else(|| PreprocessError::NotFitted {
                step: Self::NAME.to_string(),
            })?;
        // Block columns to fill, grouped by block so each block is read (and written) once.
        let mut by_block: Vec<(usize, Vec<(usize, f64)>)> = Vec::new();
        for f in fitted {
            let i = table
                .position(&f.column)
                .ok_or_else(|| table.not_found(&f.column))?;
            let found = table.type_at(i);
            let expected = match f.value {
                Fill::Number(_) => ColumnType::Numeric,
                Fill::Label(_) => ColumnType::Categorical,
            };
            if expected != found {
                return Err(type_error(&f.column, expected, found));
            }
            match (&f.value, table.slot(i)) {
                (Fill::Number(x), Slot::Numeric { block, .. }) => {
                    if !x.is_finite() {
                        return Err(PreprocessError::param(
                            "fill",
                            format!("fill value {x} for column {:?} is not finite", f.column),
                        ));
                    }
                    let block = *block;
                    match by_block.iter_mut().find(|(b, _)| *b == block) {
                        Some((_, cols)) => cols.push((i, *x)),
                        None => by_block.push((block, vec![(i, *x)])),
                    }
                }
                (Fill::Label(label), Slot::Categorical(c)) if c.n_missing() > 0 => {
                    if let Some(c) = table.categorical_mut(i) {
                        let code = c.code_of(label);
                        for x in c.codes_mut() {
                            if *x == CategoricalColumn::MISSING {
                                *x = code;
                            }
                        }
                    }
                }
                // One-hot indicators are never missing.
                _ => {}
            }
        }
        for (b, cols) in by_block {
            let positions: Vec<usize> = cols.iter().map(|&(i, _)| i).collect();
            let shown = |t: &Table| {
                positions
                    .iter()
                    .any(|&i| t.view_at(i).first_missing().is_some())
            };
            // Reading first keeps a shared block shared when there is nothing to fill.
            if !shown(&table) {
                continue;
            }
            let n = table.n_rows();
            let (block, block_cols) = table.block_mut(b, &positions);
            let fills: Vec<(usize, f64)> = block_cols
                .iter()
                .zip(&cols)
                .map(|(&c, &(_, x))| (c, x))
                .collect();
            let width = block.width;
            for row in block.values.chunks_exact_mut(width).take(n) {
                for &(c, x) in &fills {
                    if row[c].is_nan() {
                        row[c] = x;
                    }
                }
            }
        }
        Ok(table)
    }

    fn is_fitted(&self) -> bool {
        self.fitted.is_some()
    }
}

fn type_error(column: &str, expected: ColumnType, found: ColumnType) -> PreprocessError {
    PreprocessError::ColumnType {
        column: column.to_string(),
        expected,
        found,
        context: "Imputer".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::Column;

    fn table() -> Table {
        Table::new([
            (
                "x",
                Column::numeric_with_missing([Some(1.0), None, Some(4.0), Some(10.0), Some(4.0)]),
            ),
            (
                "c",
                Column::categorical_with_missing([
                    Some("b"),
                    Some("a"),
                    None,
                    Some("b"),
                    Some("a"),
                ]),
            ),
        ])
        .unwrap()
    }

    fn fill(strategy: ImputeStrategy, column: &str) -> Fill {
        let mut imp = Imputer::new([column], strategy);
        imp.fit(&table()).unwrap();
        imp.fill_values().unwrap()[0].value.clone()
    }

    #[test]
    fn strategies_match_sklearn() {
        // python3 -c "import numpy as np; from sklearn.impute import SimpleImputer as S;
        //   x=np.array([[1],[np.nan],[4],[10],[4]]); c=np.array([['b'],['a'],[None],['b'],['a']],
        //   dtype=object); print([S(strategy=s).fit(x).statistics_[0] for s in
        //   ['mean','median','most_frequent']], S(strategy='most_frequent',
        //   missing_values=None).fit(c).statistics_[0])"
        // [np.float64(4.75), np.float64(4.0), np.float64(4.0)] a
        assert_eq!(fill(ImputeStrategy::Mean, "x"), Fill::Number(4.75));
        assert_eq!(fill(ImputeStrategy::Median, "x"), Fill::Number(4.0));
        assert_eq!(fill(ImputeStrategy::MostFrequent, "x"), Fill::Number(4.0));
        assert_eq!(
            fill(ImputeStrategy::MostFrequent, "c"),
            Fill::Label("a".into())
        );
        let own = ImputeStrategy::Constant(Fill::Label("missing".into()));
        let mut imp = Imputer::new(["c"], own);
        let out = imp.fit_transform(&table()).unwrap();
        assert_eq!(
            out.column("c").unwrap().as_categorical().unwrap().get(2),
            Some("missing")
        );
        let out = Imputer::new(["x"], ImputeStrategy::Median)
            .fit_transform(&table())
            .unwrap();
        assert_eq!(out.numeric_values("x").unwrap(), [1.0, 4.0, 4.0, 10.0, 4.0]);
    }

    #[test]
    fn median_of_even_count_averages() {
        let t = Table::new([("x", Column::numeric([3.0, 1.0, 2.0, 10.0]))]).unwrap();
        let mut imp = Imputer::new(["x"], ImputeStrategy::Median);
        imp.fit(&t).unwrap();
        assert_eq!(imp.fill_values().unwrap()[0].value, Fill::Number(2.5));
    }

    #[test]
    fn errors() {
        let msg = Imputer::new(["c"], ImputeStrategy::Mean)
            .fit(&table())
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("\"c\"") && msg.contains("categorical"),
            "{msg}"
        );
        let empty = Table::new([("x", Column::numeric_with_missing([None, None]))]).unwrap();
        let msg = Imputer::new(["x"], ImputeStrategy::Mean)
            .fit(&empty)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("no non-missing"), "{msg}");
        let nan = ImputeStrategy::Constant(Fill::Number(f64::NAN));
        assert!(Imputer::new(["x"], nan).fit(&table()).is_err());
        let msg = Imputer::new(["x"], ImputeStrategy::Mean)
            .transform(&table())
            .unwrap_err()
            .to_string();
        assert!(msg.contains("not fitted"), "{msg}");
    }
}
