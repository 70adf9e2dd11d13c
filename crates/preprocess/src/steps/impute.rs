//! `Imputer`: fills missing values with a statistic learned in fit, like scikit-learn's
//! `SimpleImputer`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{check_column_list, Transformer};
use crate::error::PreprocessError;
use crate::table::{Column, ColumnType, Table};

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
    Number(#[serde(with = "crate::exact::num")] f64),
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

    fn fit_column(&self, name: &str, column: &Column) -> Result<Fill, PreprocessError> {
        let cannot = |reason: &str| PreprocessError::CannotFit {
            step: Self::NAME.to_string(),
            column: name.to_string(),
            reason: reason.to_string(),
        };
        let wrong_type = |expected| PreprocessError::ColumnType {
            column: name.to_string(),
            expected,
            found: column.column_type(),
            context: format!("Imputer with strategy {:?}", self.strategy),
        };
        const EMPTY: &str = "it has no non-missing values to learn a fill value from";
        match (&self.strategy, column) {
            (ImputeStrategy::Constant(fill), _) => match (fill, column) {
                (Fill::Number(x), Column::Numeric(_)) if x.is_finite() => Ok(fill.clone()),
                (Fill::Number(x), Column::Numeric(_)) => Err(PreprocessError::param(
                    "fill",
                    format!("the fill value must be finite, got {x}"),
                )),
                (Fill::Label(_), Column::Categorical(_)) => Ok(fill.clone()),
                (Fill::Number(_), _) => Err(wrong_type(ColumnType::Numeric)),
                (Fill::Label(_), _) => Err(wrong_type(ColumnType::Categorical)),
            },
            (ImputeStrategy::Mean, Column::Numeric(v)) => {
                let present: Vec<f64> = v.iter().flatten().copied().collect();
                if present.is_empty() {
                    return Err(cannot(EMPTY));
                }
                let mean =
                    super::scale::accurate_sum(present.iter().copied()) / present.len() as f64;
                if !mean.is_finite() {
                    return Err(cannot("the values are too large: their mean overflows f64"));
                }
                Ok(Fill::Number(mean))
            }
            (ImputeStrategy::Median, Column::Numeric(v)) => {
                let mut present: Vec<f64> = v.iter().flatten().copied().collect();
                if present.is_empty() {
                    return Err(cannot(EMPTY));
                }
                present.sort_by(f64::total_cmp);
                let m = present.len() / 2;
                let median = if present.len() % 2 == 1 {
                    present[m]
                } else {
                    let (a, b) = (present[m - 1], present[m]);
                    let mid = (a + b) / 2.0;
                    if mid.is_finite() {
                        mid
                    } else {
                        a / 2.0 + b / 2.0
                    }
                };
                Ok(Fill::Number(median))
            }
            (ImputeStrategy::Mean | ImputeStrategy::Median, _) => {
                Err(wrong_type(ColumnType::Numeric))
            }
            (ImputeStrategy::MostFrequent, Column::Numeric(v)) => {
                let mut counts: HashMap<u64, (f64, usize)> = HashMap::new();
                for &x in v.iter().flatten() {
                    let x = if x == 0.0 { 0.0 } else { x }; // one key for −0 and +0
                    counts.entry(x.to_bits()).or_insert((x, 0)).1 += 1;
                }
                counts
                    .into_values()
                    .max_by(|(x, n), (y, m)| n.cmp(m).then(y.total_cmp(x)))
                    .map(|(x, _)| Fill::Number(x))
                    .ok_or_else(|| cannot(EMPTY))
            }
            (ImputeStrategy::MostFrequent, Column::Categorical(v)) => {
                let mut counts: HashMap<&str, usize> = HashMap::new();
                for s in v.iter().flatten() {
                    *counts.entry(s.as_str()).or_insert(0) += 1;
                }
                counts
                    .into_iter()
                    .max_by(|(x, n), (y, m)| n.cmp(m).then(y.cmp(x)))
                    .map(|(x, _)| Fill::Label(x.to_string()))
                    .ok_or_else(|| cannot(EMPTY))
            }
        }
    }
}

impl Transformer for Imputer {
    fn fit(&mut self, table: &Table) -> Result<(), PreprocessError> {
        check_column_list(&self.columns, Self::NAME)?;
        let fitted = self
            .columns
            .iter()
            .map(|name| {
                let value = self.fit_column(name, table.column(name)?)?;
                Ok(FittedFill {
                    column: name.clone(),
                    value,
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
        for f in fitted {
            let i = table
                .position(&f.column)
                .ok_or_else(|| table.not_found(&f.column))?;
            let found = table.type_at(i);
            if table.column_at(i).n_missing() == 0 {
                // Still check the type, so a fitted imputer fails the same way on every table.
                let expected = match f.value {
                    Fill::Number(_) => ColumnType::Numeric,
                    Fill::Label(_) => ColumnType::Categorical,
                };
                if expected != found {
                    return Err(type_error(&f.column, expected, found));
                }
                continue;
            }
            let filled = match (&f.value, table.column_at(i)) {
                (Fill::Number(x), Column::Numeric(v)) => {
                    if !x.is_finite() {
                        return Err(PreprocessError::param(
                            "fill",
                            format!("fill value {x} for column {:?} is not finite", f.column),
                        ));
                    }
                    Column::Numeric(v.iter().map(|c| c.or(Some(*x))).collect())
                }
                (Fill::Label(s), Column::Categorical(v)) => Column::Categorical(
                    v.iter()
                        .map(|c| c.clone().or_else(|| Some(s.clone())))
                        .collect(),
                ),
                (Fill::Number(_), _) => {
                    return Err(type_error(&f.column, ColumnType::Numeric, found))
                }
                (Fill::Label(_), _) => {
                    return Err(type_error(&f.column, ColumnType::Categorical, found))
                }
            };
            table.replace_at(i, filled);
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

    fn table() -> Table {
        Table::new([
            (
                "x",
                Column::Numeric(vec![Some(1.0), None, Some(4.0), Some(10.0), Some(4.0)]),
            ),
            (
                "c",
                Column::Categorical(vec![
                    Some("b".into()),
                    Some("a".into()),
                    None,
                    Some("b".into()),
                    Some("a".into()),
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
            out.column("c").unwrap().as_categorical().unwrap()[2].as_deref(),
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
        let empty = Table::new([("x", Column::Numeric(vec![None, None]))]).unwrap();
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
