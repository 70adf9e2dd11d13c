//! `OneHotEncoder`: categories → indicator columns, as pandas `get_dummies`.
//!
//! Labels are looked up once per category of a column, not once per row: rows are codes, and a
//! code maps to an indicator through a table built from the column's category list.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{categorical_position, check_column_list, fit_rows_of, quoted_list, Transformer};
use crate::column::{CategoricalColumn, ColumnView};
use crate::error::PreprocessError;
use crate::ranks::Ranks;
use crate::table::{Indicator, Table};

/// What [`OneHotEncoder::transform`](Transformer::transform) does with a category not seen in
/// fit (scikit-learn's `handle_unknown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandleUnknown {
    /// An error naming the row, column and value (the default).
    #[default]
    Error,
    /// An all-zero row for that column (scikit-learn's `handle_unknown="ignore"`).
    Ignore,
}

/// What [`OneHotEncoder`] does with a missing value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandleMissing {
    /// An error naming the row and column (the default).
    #[default]
    Error,
    /// An all-zero row for that column, as pandas `get_dummies(dummy_na=False)` does.
    AllZero,
}

/// The categories learned for one column, sorted; with `drop_first` the first one gets no
/// indicator column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodedColumn {
    /// Source column name.
    pub column: String,
    /// All categories seen in fit, sorted by byte order (as Python sorts `str`).
    pub categories: Vec<String>,
}

/// Replaces categorical columns by 0/1 indicator columns named `column_category`, like pandas
/// `get_dummies` and scikit-learn's `OneHotEncoder`.
///
/// Categories are the distinct non-missing values seen in fit, sorted. With
/// [`drop_first`](Self::drop_first) the first sorted category is dropped (pandas
/// `drop_first=True`, scikit-learn `drop="first"`). Source columns are removed; indicator
/// columns are appended at the end in the order the columns were listed.
///
/// Indicator columns are not stored as numbers: each is the column's codes and the code that
/// reads 1, so a column with thousands of categories costs 4 bytes a row, and a sparse design
/// ([`crate::DesignStorage::Sparse`]) stores one entry per row for it, standardized or not.
#[doc(alias = "get_dummies")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneHotEncoder {
    columns: Vec<String>,
    drop_first: bool,
    handle_unknown: HandleUnknown,
    handle_missing: HandleMissing,
    max_categories: usize,
    fitted: Option<Vec<EncodedColumn>>,
}

impl OneHotEncoder {
    const NAME: &'static str = "OneHotEncoder";

    /// The columns it encodes.
    pub(super) fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Whether a missing value is an all-zero row rather than an error.
    pub(super) fn allows_missing(&self) -> bool {
        self.handle_missing == HandleMissing::AllZero
    }

    /// Encodes the named categorical columns; keeps every category, errors on unknown or
    /// missing values, and refuses columns with more than 1000 categories.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        OneHotEncoder {
            columns: columns.into_iter().map(Into::into).collect(),
            drop_first: false,
            handle_unknown: HandleUnknown::Error,
            handle_missing: HandleMissing::Error,
            max_categories: 1000,
            fitted: None,
        }
    }

    /// Drops the first category in sorted order (pandas `drop_first=True`).
    pub fn drop_first(mut self, yes: bool) -> Self {
        self.drop_first = yes;
        self
    }

    /// What to do with categories not seen in fit.
    pub fn handle_unknown(mut self, policy: HandleUnknown) -> Self {
        self.handle_unknown = policy;
        self
    }

    /// What to do with missing values.
    pub fn handle_missing(mut self, policy: HandleMissing) -> Self {
        self.handle_missing = policy;
        self
    }

    /// The most categories a column may have (default 1000): fit fails beyond it with
    /// [`PreprocessError::TooManyCategories`], which catches an identifier column encoded by
    /// mistake before it becomes a huge matrix.
    pub fn max_categories(mut self, limit: usize) -> Self {
        self.max_categories = limit;
        self
    }

    /// Whether each column's first category gets no indicator (see [`drop_first`](Self::drop_first)).
    pub fn drops_first(&self) -> bool {
        self.drop_first
    }

    /// What happens to a category not seen in fit.
    pub fn unknown_policy(&self) -> HandleUnknown {
        self.handle_unknown
    }

    /// What happens to a missing value.
    pub fn missing_policy(&self) -> HandleMissing {
        self.handle_missing
    }

    /// The fitted categories per column.
    pub fn categories(&self) -> Option<&[EncodedColumn]> {
        self.fitted.as_deref()
    }

    /// Output column names, once fitted.
    pub fn feature_names(&self) -> Option<Vec<String>> {
        self.fitted
            .as_deref()
            .map(|fitted| output_names(fitted, self.drop_first))
    }

    /// For each row, the index of its category in `encoded.categories` ([`NO_CATEGORY`] for an
    /// all-zero row).
    fn codes(
        &self,
        encoded: &EncodedColumn,
        column: &CategoricalColumn,
    ) -> Result<Vec<u32>, PreprocessError> {
        let cats = &encoded.categories;
        // Fit caps the number of categories far below u32::MAX (checked in transform).
        let remap: Vec<u32> = column
            .categories()
            .iter()
            .map(|label| {
                cats.binary_search_by(|c| c.as_str().cmp(label))
                    .map_or(UNKNOWN, |j| j as u32)
            })
            .collect();
        let mut codes = Vec::with_capacity(column.len());
        for (row, &code) in column.codes().iter().enumerate() {
            if code == CategoricalColumn::MISSING {
                match self.handle_missing {
                    HandleMissing::Error => {
                        return Err(PreprocessError::missing(row, &encoded.column, Self::NAME))
                    }
                    HandleMissing::AllZero => codes.push(NO_CATEGORY),
                }
                continue;
            }
            match remap[code as usize] {
                UNKNOWN => match self.handle_unknown {
                    HandleUnknown::Error => {
                        return Err(PreprocessError::value(
                            row,
                            &encoded.column,
                            format!("one of the categories seen in fit: {}", quoted_list(cats)),
                            column.categories()[code as usize].clone(),
                        ))
                    }
                    HandleUnknown::Ignore => codes.push(NO_CATEGORY),
                },
                j => codes.push(j),
            }
        }
        Ok(codes)
    }
}

/// The code of a row that gets no indicator (missing or unknown, by option).
const NO_CATEGORY: u32 = CategoricalColumn::MISSING;

/// A category of the column that fit did not see.
const UNKNOWN: u32 = u32::MAX - 1;

impl Transformer for OneHotEncoder {
    fn fit_rows(&mut self, table: &Table, rows: Option<&[usize]>) -> Result<(), PreprocessError> {
        self.fit_rows_in(table, rows, &Ranks::local())
    }

    fn fit_rows_in(
        &mut self,
        table: &Table,
        rows: Option<&[usize]>,
        ranks: &Ranks<'_>,
    ) -> Result<(), PreprocessError> {
        // The categories each column shows on this rank's rows.
        let local = ranks.agreed((|| {
            check_column_list(&self.columns, Self::NAME)?;
            let rows = fit_rows_of(table, rows)?;
            let mut seen_per_column = Vec::with_capacity(self.columns.len());
            for name in &self.columns {
                let i = categorical_position(table, name, Self::NAME)?;
                let ColumnView::Categorical(column) = table.view_at(i) else {
                    continue;
                };
                let mut seen = vec![false; column.categories().len()];
                for row in rows.clone() {
                    match column.codes()[row] {
                        CategoricalColumn::MISSING
                            if self.handle_missing == HandleMissing::Error =>
                        {
                            return Err(PreprocessError::missing(row, name, Self::NAME))
                        }
                        CategoricalColumn::MISSING => {}
                        code => seen[code as usize] = true,
                    }
                }
                let categories: Vec<String> = column
                    .categories()
                    .iter()
                    .zip(&seen)
                    .filter(|(_, &s)| s)
                    .map(|(c, _)| c.clone())
                    .collect();
                seen_per_column.push((name.clone(), categories));
            }
            Ok(seen_per_column)
        })())?;
        // Every rank's categories (one list per column, columns one after the other).
        let merged: Vec<(String, Vec<String>)> = if ranks.is_distributed() {
            let mut union: Vec<(String, Vec<String>)> = local
                .iter()
                .map(|(name, _)| (name.clone(), Vec::new()))
                .collect();
            for (k, (_, categories)) in local.iter().enumerate() {
                for theirs in ranks.gather_strings(categories)? {
                    union[k].1.extend(theirs);
                }
            }
            for (_, c) in &mut union {
                c.sort_unstable();
                c.dedup();
            }
            union
        } else {
            local
        };
        let mut fitted = Vec::with_capacity(self.columns.len());
        for (name, mut categories) in merged {
            if categories.is_empty() {
                return Err(PreprocessError::CannotFit {
                    step: Self::NAME.to_string(),
                    column: name.clone(),
                    reason: "it has no non-missing values to learn categories from".into(),
                });
            }
            if categories.len() > self.max_categories {
                return Err(PreprocessError::TooManyCategories {
                    column: name.clone(),
                    distinct: categories.len(),
                    max_categories: self.max_categories,
                });
            }
            categories.sort_unstable();
            fitted.push(EncodedColumn {
                column: name.clone(),
                categories,
            });
        }
        // Output names must not collide with each other or with columns that stay.
        let names = output_names(&fitted, self.drop_first);
        let kept: std::collections::HashSet<&str> = table
            .column_names()
            .iter()
            .map(String::as_str)
            .filter(|n| !self.columns.iter().any(|c| c == n))
            .collect();
        let mut seen = std::collections::HashSet::with_capacity(names.len());
        for n in &names {
            if !seen.insert(n.as_str()) || kept.contains(n.as_str()) {
                return Err(PreprocessError::DuplicateColumn {
                    path: None,
                    column: n.clone(),
                });
            }
        }
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
        let mut all_codes = Vec::with_capacity(fitted.len());
        for encoded in fitted {
            let cats = &encoded.categories;
            let sorted = cats.windows(2).all(|w| w[0] < w[1]);
            if !sorted || cats.len() >= UNKNOWN as usize {
                return Err(PreprocessError::param(
                    "categories",
                    format!(
                        "the categories of column {:?} are not sorted and distinct, or too many \
                         (is the saved pipeline corrupt?)",
                        encoded.column
                    ),
                ));
            }
            let i = categorical_position(&table, &encoded.column, Self::NAME)?;
            let ColumnView::Categorical(column) = table.view_at(i) else {
                continue;
            };
            all_codes.push(Arc::new(self.codes(encoded, column)?));
        }
        for encoded in fitted {
            table.remove(&encoded.column)?;
        }
        let skip = usize::from(self.drop_first);
        let mut indicators = Vec::new();
        for (encoded, codes) in fitted.iter().zip(all_codes) {
            for (code, category) in encoded.categories.iter().enumerate().skip(skip) {
                indicators.push((
                    format!("{}_{category}", encoded.column),
                    Indicator {
                        codes: Arc::clone(&codes),
                        code: code as u32,
                        ops: Vec::new(),
                    },
                ));
            }
        }
        table.push_indicators(indicators)?;
        Ok(table)
    }

    fn is_fitted(&self) -> bool {
        self.fitted.is_some()
    }
}

/// `column_category` for every kept category, column by column.
fn output_names(fitted: &[EncodedColumn], drop_first: bool) -> Vec<String> {
    let skip = usize::from(drop_first);
    fitted
        .iter()
        .flat_map(|e| {
            e.categories
                .iter()
                .skip(skip)
                .map(move |c| format!("{}_{c}", e.column))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::Column;

    fn colors() -> Table {
        Table::new([
            ("n", Column::numeric([1.0, 2.0, 3.0])),
            ("color", Column::categorical(["red", "blue", "green"])),
            ("flag", Column::categorical(["yes", "no", "yes"])),
        ])
        .unwrap()
    }

    #[test]
    fn one_hot_sorted_and_appended() {
        // python3 -c "import pandas as pd; df=pd.DataFrame({'n':[1,2,3],
        //   'color':['red','blue','green'],'flag':['yes','no','yes']});
        //   print(pd.get_dummies(df, columns=['color'], drop_first=True).columns.tolist())"
        // ['n', 'flag', 'color_green', 'color_red']
        let mut enc = OneHotEncoder::new(["color"]).drop_first(true);
        let out = enc.fit_transform(&colors()).unwrap();
        assert_eq!(
            out.column_names(),
            ["n", "flag", "color_green", "color_red"]
        );
        assert_eq!(out.numeric_values("color_green").unwrap(), [0.0, 0.0, 1.0]);
        assert_eq!(out.numeric_values("color_red").unwrap(), [1.0, 0.0, 0.0]);
        let full = OneHotEncoder::new(["color"])
            .fit_transform(&colors())
            .unwrap();
        assert_eq!(full.n_cols(), 5);
        assert_eq!(full.numeric_values("color_blue").unwrap(), [0.0, 1.0, 0.0]);
    }

    #[test]
    fn unknown_category_error_or_zero() {
        let mut enc = OneHotEncoder::new(["color"]);
        enc.fit(&colors()).unwrap();
        let test = Table::new([("color", Column::categorical(["red", "purple"]))]).unwrap();
        let msg = enc.transform(&test).unwrap_err().to_string();
        assert!(
            msg.contains("data row 2") && msg.contains("\"color\"") && msg.contains("\"purple\""),
            "{msg}"
        );
        let mut enc = enc.handle_unknown(HandleUnknown::Ignore);
        enc.fit(&colors()).unwrap();
        let out = enc.transform(&test).unwrap();
        for c in ["color_blue", "color_green", "color_red"] {
            assert_eq!(out.numeric_values(c).unwrap()[1], 0.0);
        }
    }

    #[test]
    fn missing_is_error_unless_all_zero() {
        let t = Table::new([(
            "c",
            Column::categorical_with_missing([Some("a"), None, Some("b")]),
        )])
        .unwrap();
        let msg = OneHotEncoder::new(["c"]).fit(&t).unwrap_err().to_string();
        assert!(msg.contains("data row 2") && msg.contains("\"c\""), "{msg}");
        let out = OneHotEncoder::new(["c"])
            .handle_missing(HandleMissing::AllZero)
            .fit_transform(&t)
            .unwrap();
        assert_eq!(out.numeric_values("c_a").unwrap(), [1.0, 0.0, 0.0]);
        assert_eq!(out.numeric_values("c_b").unwrap(), [0.0, 0.0, 1.0]);
    }

    #[test]
    fn fit_refuses_bad_columns() {
        let msg = OneHotEncoder::new(["n"])
            .fit(&colors())
            .unwrap_err()
            .to_string();
        assert!(msg.contains("\"n\"") && msg.contains("numeric"), "{msg}");
        let msg = OneHotEncoder::new(["x"])
            .fit(&colors())
            .unwrap_err()
            .to_string();
        assert!(msg.contains("no column named \"x\""), "{msg}");
        let msg = OneHotEncoder::new(["color"])
            .max_categories(2)
            .fit(&colors())
            .unwrap_err()
            .to_string();
        assert!(msg.contains("3 distinct values"), "{msg}");
        // `a` + `b_c` and `a_b` + `c` would both be called `a_b_c`.
        let clash = Table::new([
            ("a", Column::categorical(["b_c"])),
            ("a_b", Column::categorical(["c"])),
        ])
        .unwrap();
        let err = OneHotEncoder::new(["a", "a_b"]).fit(&clash).unwrap_err();
        assert!(err.to_string().contains("a_b_c"), "{err}");
    }

    #[test]
    fn indicators_of_a_shared_table_and_of_many_categories() {
        // 3 000 levels: fit refuses them by default, with a typed error the CLI can recognise.
        let zips: Vec<String> = (0..6000).map(|i| format!("{:05}", i % 3000)).collect();
        let t = Table::new([("zip", Column::categorical(&zips))]).unwrap();
        let err = OneHotEncoder::new(["zip"]).fit(&t).unwrap_err();
        assert!(matches!(
            err,
            PreprocessError::TooManyCategories {
                distinct: 3000,
                max_categories: 1000,
                ..
            }
        ));
        assert!(
            err.to_string()
                .contains("raise the limit with max_categories"),
            "{err}"
        );
        let mut enc = OneHotEncoder::new(["zip"]).max_categories(5000);
        let out = enc.fit_transform(&t).unwrap();
        assert_eq!(out.n_cols(), 3000);
        assert_eq!(out.column_names()[17], "zip_00017");
        let col = out.column("zip_00017").unwrap();
        assert_eq!(col.display_value(17).as_deref(), Some("1"));
        assert_eq!(col.display_value(3017).as_deref(), Some("1"));
        assert_eq!(col.display_value(18).as_deref(), Some("0"));
        // Fitted on some rows only: categories those rows hold.
        let mut few = OneHotEncoder::new(["zip"]).max_categories(5000);
        few.fit_rows(&t, Some(&[5, 3, 5])).unwrap();
        assert_eq!(few.feature_names().unwrap(), ["zip_00003", "zip_00005"]);
    }
}
