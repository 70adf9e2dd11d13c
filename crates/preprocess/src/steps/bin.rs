//! `Binner`: a numeric column into labelled intervals, like pandas `cut`.

use serde::{Deserialize, Serialize};

use super::{numeric_position, Transformer};
use crate::column::{CategoricalColumn, Column};
use crate::error::PreprocessError;
use crate::ranks::Ranks;
use crate::table::Table;

/// What [`Binner`] does with a value outside every interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutOfRange {
    /// An error naming the row, column, value and the covered range (the default).
    #[default]
    Error,
    /// A missing label, as pandas `cut` gives NaN (a later [`crate::OneHotEncoder`] then needs
    /// [`crate::HandleMissing::AllZero`] to reproduce `get_dummies`' all-zero row).
    Missing,
}

/// Replaces a numeric column by interval labels: with edges `e₀ < e₁ < … < eₖ`, a value in
/// `(eⱼ, eⱼ₊₁]` gets `labels[j]` (right-closed, like pandas `cut(right=True)`).
///
/// The first interval excludes its left edge unless [`include_lowest`](Self::include_lowest)
/// is set (pandas `include_lowest=True`), so with edges starting at 18 an age of exactly 18 is
/// outside every interval by default. What happens then is [`OutOfRange`]'s choice. The output
/// replaces the source column in place, or is appended as a new column named by
/// [`output`](Self::output). Edges and labels are given, so fit only checks them.
#[doc(alias = "cut")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Binner {
    column: String,
    output: String,
    #[serde(deserialize_with = "crate::lenient::numbers")]
    edges: Vec<f64>,
    labels: Vec<String>,
    include_lowest: bool,
    out_of_range: OutOfRange,
}

impl Binner {
    const NAME: &'static str = "Binner";

    /// Bins `column` at `edges` (strictly increasing, finite, at least two) into `labels` (one
    /// per interval, distinct); checked at fit.
    pub fn new<S: Into<String>>(
        column: impl Into<String>,
        edges: impl IntoIterator<Item = f64>,
        labels: impl IntoIterator<Item = S>,
    ) -> Self {
        let column = column.into();
        Binner {
            output: column.clone(),
            column,
            edges: edges.into_iter().collect(),
            labels: labels.into_iter().map(Into::into).collect(),
            include_lowest: false,
            out_of_range: OutOfRange::Error,
        }
    }

    /// Writes the labels to a new column appended at the end, keeping the source column.
    pub fn output(mut self, name: impl Into<String>) -> Self {
        self.output = name.into();
        self
    }

    /// Makes the first interval closed, `[e₀, e₁]` (pandas `include_lowest=True`).
    pub fn include_lowest(mut self, yes: bool) -> Self {
        self.include_lowest = yes;
        self
    }

    /// What to do with values outside the edges.
    pub fn out_of_range(mut self, policy: OutOfRange) -> Self {
        self.out_of_range = policy;
        self
    }

    /// The interval edges.
    pub fn edges(&self) -> &[f64] {
        &self.edges
    }

    /// The interval labels.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The numeric column it bins.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The column the labels go to (the source column itself unless [`output`](Self::output)
    /// named another).
    pub fn output_column(&self) -> &str {
        &self.output
    }

    /// Whether the first interval includes its left edge.
    pub fn lowest_included(&self) -> bool {
        self.include_lowest
    }

    /// What happens to values outside the edges.
    pub fn out_of_range_policy(&self) -> OutOfRange {
        self.out_of_range
    }

    /// The label index of `x`, if it falls in an interval.
    pub fn bin_index(&self, x: f64) -> Option<usize> {
        let (first, last) = (*self.edges.first()?, *self.edges.last()?);
        if x > last || x < first || x.is_nan() {
            return None;
        }
        if x == first {
            return self.include_lowest.then_some(0);
        }
        // First edge ≥ x: x lies in (edges[k-1], edges[k]].
        let k = self.edges.partition_point(|&e| e < x);
        k.checked_sub(1).filter(|&j| j < self.labels.len())
    }

    fn validate(&self) -> Result<(), PreprocessError> {
        let e = &self.edges;
        if e.len() < 2 {
            return Err(PreprocessError::param(
                "edges",
                format!(
                    "Binner on {:?} needs at least two edges, got {}",
                    self.column,
                    e.len()
                ),
            ));
        }
        if e.iter().any(|x| !x.is_finite()) || e.windows(2).any(|w| w[0] >= w[1]) {
            return Err(PreprocessError::param(
                "edges",
                format!(
                    "Binner on {:?}: edges must be finite and strictly increasing, got {e:?}",
                    self.column
                ),
            ));
        }
        if self.labels.len() != e.len() - 1 {
            return Err(PreprocessError::param(
                "labels",
                format!(
                    "Binner on {:?}: {} edges make {} intervals, but {} labels were given",
                    self.column,
                    e.len(),
                    e.len() - 1,
                    self.labels.len()
                ),
            ));
        }
        for (i, l) in self.labels.iter().enumerate() {
            if self.labels[..i].contains(l) {
                return Err(PreprocessError::param(
                    "labels",
                    format!("Binner on {:?}: label {l:?} is repeated", self.column),
                ));
            }
        }
        if self.output.trim().is_empty() {
            return Err(PreprocessError::param(
                "output",
                "the output column needs a name",
            ));
        }
        Ok(())
    }

    fn range_text(&self) -> String {
        let (first, last) = (
            self.edges.first().copied().unwrap_or(f64::NAN),
            self.edges.last().copied().unwrap_or(f64::NAN),
        );
        let open = if self.include_lowest { '[' } else { '(' };
        format!("a value in {open}{first}, {last}]")
    }
}

impl Transformer for Binner {
    fn fit_rows(&mut self, table: &Table, _rows: Option<&[usize]>) -> Result<(), PreprocessError> {
        self.validate()?;
        numeric_position(table, &self.column, Self::NAME)?;
        if self.output != self.column && table.contains(&self.output) {
            return Err(PreprocessError::DuplicateColumn {
                path: None,
                column: self.output.clone(),
            });
        }
        Ok(())
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
        self.validate()?;
        let i = numeric_position(&table, &self.column, Self::NAME)?;
        let Some(values) = table.view_at(i).as_numeric() else {
            return Ok(table);
        };
        let mut codes = Vec::with_capacity(values.len());
        for row in 0..values.len() {
            let x = values.raw(row);
            if x.is_nan() {
                return Err(PreprocessError::missing(row, &self.column, Self::NAME));
            }
            match (self.bin_index(x), self.out_of_range) {
                // validate() caps the labels far below u32::MAX in practice; a code is an index.
                (Some(j), _) => codes.push(j as u32),
                (None, OutOfRange::Missing) => codes.push(CategoricalColumn::MISSING),
                (None, OutOfRange::Error) => {
                    return Err(PreprocessError::value(
                        row,
                        &self.column,
                        self.range_text(),
                        x.to_string(),
                    ))
                }
            }
        }
        let labels = Column::Categorical(CategoricalColumn::from_parts(codes, self.labels.clone()));
        if self.output == self.column {
            table.replace_at(i, labels);
        } else {
            table.push_derived(self.output.clone(), labels)?;
        }
        Ok(table)
    }

    fn is_fitted(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ages(x: &[f64]) -> Table {
        Table::new([("age", Column::numeric(x.iter().copied()))]).unwrap()
    }

    fn binner() -> Binner {
        Binner::new("age", [18.0, 25.0, 35.0, 100.0], ["18-24", "25-34", "35+"])
    }

    fn labels(t: &Table, name: &str) -> Vec<Option<String>> {
        let c = t.column(name).unwrap().as_categorical().unwrap();
        c.iter().map(|l| l.map(str::to_string)).collect()
    }

    #[test]
    fn right_closed_like_pandas_cut() {
        // python3 -c "import pandas as pd; print(pd.cut([18.5, 25, 25.5, 35, 100],
        //   bins=[18,25,35,100], labels=['18-24','25-34','35+']).tolist())"
        // ['18-24', '18-24', '25-34', '25-34', '35+']
        let out = binner()
            .output("group")
            .fit_transform(&ages(&[18.5, 25.0, 25.5, 35.0, 100.0]))
            .unwrap();
        assert_eq!(out.column_names(), ["age", "group"]);
        let want = ["18-24", "18-24", "25-34", "25-34", "35+"];
        assert_eq!(labels(&out, "group"), want.map(|s| Some(s.to_string())));
    }

    #[test]
    fn lowest_edge_and_out_of_range() {
        // pandas: pd.cut([18], bins=[18,25,35,100]) -> [NaN]; with include_lowest=True -> '18-24'
        let msg = binner()
            .transform(&ages(&[20.0, 18.0]))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("data row 2")
                && msg.contains("\"age\"")
                && msg.contains("\"18\"")
                && msg.contains("(18, 100]"),
            "{msg}"
        );
        let out = binner()
            .include_lowest(true)
            .transform(&ages(&[18.0]))
            .unwrap();
        assert_eq!(labels(&out, "age"), [Some("18-24".to_string())]);
        let out = binner()
            .out_of_range(OutOfRange::Missing)
            .transform(&ages(&[18.0, 100.5, 17.0]))
            .unwrap();
        assert_eq!(labels(&out, "age"), [None, None, None]);
        let msg = binner()
            .include_lowest(true)
            .transform(&ages(&[101.0]))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("[18, 100]") && msg.contains("\"101\""),
            "{msg}"
        );
    }

    #[test]
    fn bad_configuration() {
        let t = ages(&[20.0]);
        for b in [
            Binner::new("age", [1.0], Vec::<String>::new()),
            Binner::new("age", [1.0, 1.0], ["a"]),
            Binner::new("age", [1.0, f64::INFINITY], ["a"]),
            Binner::new("age", [1.0, 2.0], ["a", "b"]),
            Binner::new("age", [1.0, 2.0, 3.0], ["a", "a"]),
        ] {
            let mut b = b;
            assert!(matches!(
                b.fit(&t),
                Err(PreprocessError::InvalidParameter { .. })
            ));
        }
        let missing = Table::new([("age", Column::numeric_with_missing([None]))]).unwrap();
        let msg = binner().transform(&missing).unwrap_err().to_string();
        assert!(
            msg.contains("data row 1") && msg.contains("Binner"),
            "{msg}"
        );
    }
}
