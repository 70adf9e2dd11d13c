//! `BooleanEncoder`: flag columns such as `yes`/`no` → 1/0, as pandas `.map({"yes": 1, "no": 0})`.

use serde::{Deserialize, Serialize};

use super::{categorical_position, check_column_list, quoted_list, Transformer};
use crate::column::{CategoricalColumn, Column, ColumnView};
use crate::error::PreprocessError;
use crate::ranks::Ranks;
use crate::schema::ColumnType;
use crate::table::Table;

/// Maps flag columns such as `yes`/`no` to 1/0 in place (pandas `.map({"yes": 1, "no": 0})`).
///
/// Tokens match exactly (case and spaces count); any other value is an error naming its row,
/// column and value, and so is a missing value. Nothing is learned in fit, which only checks
/// the columns.
#[doc(alias = "map")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BooleanEncoder {
    columns: Vec<String>,
    true_values: Vec<String>,
    false_values: Vec<String>,
}

impl BooleanEncoder {
    const NAME: &'static str = "BooleanEncoder";

    /// Maps `yes` → 1 and `no` → 0 in the named categorical columns.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        BooleanEncoder {
            columns: columns.into_iter().map(Into::into).collect(),
            true_values: vec!["yes".to_string()],
            false_values: vec!["no".to_string()],
        }
    }

    /// The tokens read as 1 (replacing the default `yes`).
    pub fn true_values<S: Into<String>>(mut self, tokens: impl IntoIterator<Item = S>) -> Self {
        self.true_values = tokens.into_iter().map(Into::into).collect();
        self
    }

    /// The tokens read as 0 (replacing the default `no`).
    pub fn false_values<S: Into<String>>(mut self, tokens: impl IntoIterator<Item = S>) -> Self {
        self.false_values = tokens.into_iter().map(Into::into).collect();
        self
    }

    /// The columns it maps.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The tokens read as 1.
    pub fn true_tokens(&self) -> &[String] {
        &self.true_values
    }

    /// The tokens read as 0.
    pub fn false_tokens(&self) -> &[String] {
        &self.false_values
    }

    /// Maps one column to 1/0 without a table (e.g. a yes/no target); `name` is for messages.
    pub fn encode_column(
        &self,
        name: &str,
        column: ColumnView<'_>,
    ) -> Result<Vec<f64>, PreprocessError> {
        self.check_tokens()?;
        let column = column
            .as_categorical()
            .ok_or_else(|| PreprocessError::ColumnType {
                column: name.to_string(),
                expected: ColumnType::Categorical,
                found: column.column_type(),
                context: Self::NAME.to_string(),
            })?;
        let flags: Vec<Option<f64>> = column
            .categories()
            .iter()
            .map(|v| {
                if self.true_values.contains(v) {
                    Some(1.0)
                } else if self.false_values.contains(v) {
                    Some(0.0)
                } else {
                    None
                }
            })
            .collect();
        column
            .codes()
            .iter()
            .enumerate()
            .map(|(row, &code)| {
                if code == CategoricalColumn::MISSING {
                    return Err(PreprocessError::missing(row, name, Self::NAME));
                }
                flags[code as usize].ok_or_else(|| {
                    PreprocessError::value(
                        row,
                        name,
                        format!(
                            "{} (→ 1) or {} (→ 0)",
                            quoted_list(&self.true_values),
                            quoted_list(&self.false_values)
                        ),
                        column.categories()[code as usize].clone(),
                    )
                })
            })
            .collect()
    }

    fn check_tokens(&self) -> Result<(), PreprocessError> {
        if self.true_values.is_empty() || self.false_values.is_empty() {
            return Err(PreprocessError::param(
                "true_values/false_values",
                "both need at least one token",
            ));
        }
        if let Some(t) = self
            .true_values
            .iter()
            .find(|t| self.false_values.contains(t))
        {
            return Err(PreprocessError::param(
                "true_values/false_values",
                format!("{t:?} is listed as both true and false"),
            ));
        }
        Ok(())
    }
}

impl Transformer for BooleanEncoder {
    fn fit_rows(&mut self, table: &Table, _rows: Option<&[usize]>) -> Result<(), PreprocessError> {
        check_column_list(&self.columns, Self::NAME)?;
        self.check_tokens()?;
        for name in &self.columns {
            categorical_position(table, name, Self::NAME)?;
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
        for name in &self.columns {
            let i = categorical_position(&table, name, Self::NAME)?;
            let flags = self.encode_column(name, table.view_at(i))?;
            table.replace_at(i, Column::Numeric(flags));
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

    fn colors() -> Table {
        Table::new([
            ("n", Column::numeric([1.0, 2.0, 3.0])),
            ("color", Column::categorical(["red", "blue", "green"])),
            ("flag", Column::categorical(["yes", "no", "yes"])),
        ])
        .unwrap()
    }

    #[test]
    fn boolean_encoder() {
        let out = BooleanEncoder::new(["flag"])
            .fit_transform(&colors())
            .unwrap();
        assert_eq!(out.column_names(), ["n", "color", "flag"]);
        assert_eq!(out.numeric_values("flag").unwrap(), [1.0, 0.0, 1.0]);
        let t = Table::new([("f", Column::categorical(["Y", "n", "maybe"]))]).unwrap();
        let enc = BooleanEncoder::new(["f"])
            .true_values(["Y"])
            .false_values(["n", "N"]);
        let msg = enc.transform(&t).unwrap_err().to_string();
        assert!(
            msg.contains("data row 3") && msg.contains("\"f\"") && msg.contains("\"maybe\""),
            "{msg}"
        );
        let missing =
            Table::new([("f", Column::categorical_with_missing([None::<&str>]))]).unwrap();
        let msg = BooleanEncoder::new(["f"])
            .transform(&missing)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("data row 1") && msg.contains("missing"),
            "{msg}"
        );
        let both = BooleanEncoder::new(["f"])
            .true_values(["x"])
            .false_values(["x"]);
        assert!(both.encode_column("f", t.column("f").unwrap()).is_err());
    }
}
