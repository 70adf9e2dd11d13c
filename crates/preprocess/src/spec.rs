//! A pipeline described by column names — what a command line or a configuration file says
//! ("drop these, bin that, one-hot encode the text columns, standardize") — and the one function
//! that turns such a description into the [`Pipeline`] for a given table.
//!
//! The order is fixed: drop → impute → bin → one-hot → standardize, stored as
//! [`DesignStorage`] says. The CLI builds its pipeline here; so can any program that takes the
//! same choices from its users.
//!
//! ```
//! use logreg_preprocess::{read_csv_from, CsvOptions, OneHot, PipelineSpec};
//!
//! let spec = PipelineSpec {
//!     one_hot: OneHot::Auto,
//!     standardize: true,
//!     ..PipelineSpec::default()
//! };
//! spec.check("y")?;
//! let csv = "x,colour,y\n1,red,0\n2,blue,1\n3,red,1\n";
//! let table = read_csv_from(csv.as_bytes(), &spec.csv_options())?;
//! assert_eq!(spec.encoded_columns(&table, &["y"]), ["colour"]);
//! let mut pipeline = spec.build(&table, &["y"]);
//! let (features, _) = table.split_target_owned("y")?;
//! let f = pipeline.fit_transform_owned(features, None)?;
//! assert_eq!(f.names, ["x", "colour_blue", "colour_red"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::features::DesignStorage;
use crate::read::CsvOptions;
use crate::schema::ColumnType;
use crate::steps::{Binner, ImputeStrategy, Imputer, OneHotEncoder};
use crate::table::Table;
use crate::Pipeline;

/// The most categories a one-hot encoded column may have by default (a guard against encoding an
/// identifier by mistake).
pub const DEFAULT_MAX_CATEGORIES: usize = 1000;

/// Which feature columns are one-hot encoded (binned columns always are).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OneHot {
    /// None.
    #[default]
    Off,
    /// Every feature column read as text.
    Auto,
    /// These, in this order (read as text even if they hold numbers).
    Columns(Vec<String>),
}

/// A numeric column cut into labelled intervals: right-closed, the first one closed on both
/// sides (`pd.cut(include_lowest=True)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinSpec {
    /// The numeric column to bin.
    pub column: String,
    /// Strictly increasing, finite, at least two.
    pub edges: Vec<f64>,
    /// One per interval.
    pub labels: Vec<String>,
}

/// What a pipeline does, by column name. [`check`](Self::check) it, read the CSV with
/// [`csv_options`](Self::csv_options), then [`build`](Self::build) the pipeline for the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineSpec {
    /// Columns that are not features.
    pub drop: Vec<String>,
    /// Fill missing values: numeric columns by this strategy, text columns by their most
    /// frequent value. `None`: a missing value is an error.
    pub impute: Option<ImputeStrategy>,
    /// Bins, applied before encoding.
    pub bins: Vec<BinSpec>,
    /// One-hot encoding.
    pub one_hot: OneHot,
    /// Drop each encoded column's first category (pandas `drop_first=True`).
    pub drop_first: bool,
    /// The most categories an encoded column may have.
    pub max_categories: usize,
    /// Standardize every output feature (mean 0, sd 1).
    pub standardize: bool,
    /// How the design stores its values.
    pub storage: DesignStorage,
}

impl Default for PipelineSpec {
    /// Every column but the target, as read: no imputation, bins or encoding, dense f64.
    fn default() -> Self {
        PipelineSpec {
            drop: Vec::new(),
            impute: None,
            bins: Vec::new(),
            one_hot: OneHot::Off,
            drop_first: false,
            max_categories: DEFAULT_MAX_CATEGORIES,
            standardize: false,
            storage: DesignStorage::Dense,
        }
    }
}

/// Why a [`PipelineSpec`] cannot be built. Each names the field at fault (`drop`, `one_hot`,
/// `bins`, `max_categories`), so a caller can say it in its own terms (the CLI names its flags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecProblem {
    /// A column name is empty, or listed twice in one field.
    BadName {
        /// The field.
        field: &'static str,
        /// The name (empty, or the repeated one).
        name: String,
    },
    /// The target column is dropped, encoded or binned.
    TargetIsFeature {
        /// The field.
        field: &'static str,
        /// The target column.
        target: String,
    },
    /// A column is both dropped and encoded or binned.
    AlsoDropped {
        /// The field that uses it.
        field: &'static str,
        /// The column.
        column: String,
    },
    /// A column is binned twice.
    BinnedTwice {
        /// The column.
        column: String,
    },
    /// `max_categories` is 0.
    NoCategoriesAllowed,
}

impl fmt::Display for SpecProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecProblem::BadName { field, name } if name.trim().is_empty() => {
                write!(f, "{field}: a column name is empty")
            }
            SpecProblem::BadName { field, name } => {
                write!(f, "{field}: column {name:?} is listed twice")
            }
            SpecProblem::TargetIsFeature { field, target } => write!(
                f,
                "{field}: {target:?} is the target column, which is never a feature"
            ),
            SpecProblem::AlsoDropped { field, column } => {
                write!(f, "{field}: column {column:?} is also dropped")
            }
            SpecProblem::BinnedTwice { column } => {
                write!(f, "bins: column {column:?} is binned twice")
            }
            SpecProblem::NoCategoriesAllowed => {
                write!(f, "max_categories: 0 is out of range: expected at least 1")
            }
        }
    }
}

impl std::error::Error for SpecProblem {}

impl PipelineSpec {
    /// Checks the description against itself and the target column, before any data is read.
    pub fn check(&self, target: &str) -> Result<(), SpecProblem> {
        let names = |field: &'static str, cols: &[String]| -> Result<(), SpecProblem> {
            for (i, c) in cols.iter().enumerate() {
                if c.trim().is_empty() || cols[..i].contains(c) {
                    return Err(SpecProblem::BadName {
                        field,
                        name: c.clone(),
                    });
                }
            }
            Ok(())
        };
        names("drop", &self.drop)?;
        if let OneHot::Columns(cols) = &self.one_hot {
            names("one_hot", cols)?;
        }
        if self.drop.iter().any(|d| d == target) {
            return Err(SpecProblem::TargetIsFeature {
                field: "drop",
                target: target.to_string(),
            });
        }
        let encoded: &[String] = match &self.one_hot {
            OneHot::Columns(cols) => cols,
            _ => &[],
        };
        let used = encoded
            .iter()
            .map(|c| ("one_hot", c))
            .chain(self.bins.iter().map(|b| ("bins", &b.column)));
        for (field, col) in used {
            if col == target {
                return Err(SpecProblem::TargetIsFeature {
                    field,
                    target: target.to_string(),
                });
            }
            if self.drop.contains(col) {
                return Err(SpecProblem::AlsoDropped {
                    field,
                    column: col.clone(),
                });
            }
        }
        for (i, b) in self.bins.iter().enumerate() {
            if self.bins[..i].iter().any(|o| o.column == b.column) {
                return Err(SpecProblem::BinnedTwice {
                    column: b.column.clone(),
                });
            }
        }
        if self.max_categories == 0 {
            return Err(SpecProblem::NoCategoriesAllowed);
        }
        Ok(())
    }

    /// How to read the CSV: the listed one-hot columns as text even if they hold numbers (a zip
    /// code is a category, not a quantity), binned ones as numbers.
    pub fn csv_options(&self) -> CsvOptions {
        let mut options = CsvOptions::new();
        if let OneHot::Columns(cols) = &self.one_hot {
            for c in cols.iter().filter(|c| !self.is_binned(c)) {
                options = options.column_type(c.clone(), ColumnType::Categorical);
            }
        }
        options
    }

    fn is_binned(&self, column: &str) -> bool {
        self.bins.iter().any(|b| b.column == column)
    }

    /// The columns that become features, in file order: all but the dropped ones and those in
    /// `outside` (the columns that are not features: the target, and a weight or offset column
    /// if there is one). The methods below take the same list.
    pub fn feature_columns<'t>(&self, table: &'t Table, outside: &[&str]) -> Vec<&'t str> {
        table
            .column_names()
            .iter()
            .map(String::as_str)
            .filter(|c| !outside.contains(c) && !self.drop.iter().any(|d| d == c))
            .collect()
    }

    /// The feature columns that are one-hot encoded, in output order (the listed ones in list
    /// order, or the text columns in file order; binned columns after them).
    pub fn encoded_columns(&self, table: &Table, outside: &[&str]) -> Vec<String> {
        let features = self.feature_columns(table, outside);
        let mut cols: Vec<String> = match &self.one_hot {
            OneHot::Off => Vec::new(),
            OneHot::Auto => features
                .iter()
                .filter(|c| self.is_binned(c) || is_text(table, c))
                .map(|c| c.to_string())
                .collect(),
            OneHot::Columns(cols) => cols.clone(),
        };
        // Binned columns hold labels: they are always encoded.
        for c in &features {
            if self.is_binned(c) && !cols.iter().any(|k| k == c) {
                cols.push(c.to_string());
            }
        }
        cols
    }

    /// Feature columns that must hold numbers (binned ones, and those not encoded) but were read
    /// as text: the pipeline cannot use them as they are.
    pub fn text_where_numbers_are_needed<'t>(
        &self,
        table: &'t Table,
        outside: &[&str],
    ) -> Vec<&'t str> {
        let encoded = self.encoded_columns(table, outside);
        self.feature_columns(table, outside)
            .into_iter()
            .filter(|c| self.is_binned(c) || !encoded.iter().any(|e| e == c))
            .filter(|c| is_text(table, c))
            .collect()
    }

    /// The pipeline this describes, for a table read with [`csv_options`](Self::csv_options)
    /// (its column types decide which columns `Auto` encodes and how each is imputed).
    pub fn build(&self, table: &Table, outside: &[&str]) -> Pipeline {
        let features = self.feature_columns(table, outside);
        let mut pipeline = Pipeline::new().drop(self.drop.iter().cloned());
        if let Some(strategy) = &self.impute {
            let of_type = |t: ColumnType| -> Vec<String> {
                features
                    .iter()
                    .filter(|c| table.column(c).is_ok_and(|col| col.column_type() == t))
                    .map(|c| c.to_string())
                    .collect()
            };
            let numeric = of_type(ColumnType::Numeric);
            let text = of_type(ColumnType::Categorical);
            if !numeric.is_empty() {
                pipeline = pipeline.step(Imputer::new(numeric, strategy.clone()));
            }
            if !text.is_empty() {
                pipeline = pipeline.step(Imputer::new(text, ImputeStrategy::MostFrequent));
            }
        }
        for b in &self.bins {
            pipeline = pipeline.step(
                Binner::new(b.column.clone(), b.edges.clone(), b.labels.clone())
                    .include_lowest(true),
            );
        }
        let encoded = self.encoded_columns(table, outside);
        if !encoded.is_empty() {
            pipeline = pipeline.step(
                OneHotEncoder::new(encoded)
                    .drop_first(self.drop_first)
                    .max_categories(self.max_categories),
            );
        }
        if self.standardize {
            pipeline = pipeline.standardize_all();
        }
        pipeline.storage(self.storage)
    }
}

fn is_text(table: &Table, column: &str) -> bool {
    table
        .column(column)
        .is_ok_and(|col| col.column_type() == ColumnType::Categorical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_csv_from;

    fn table(csv: &str, spec: &PipelineSpec) -> Table {
        read_csv_from(csv.as_bytes(), &spec.csv_options()).unwrap()
    }

    #[test]
    fn checks_name_the_field_at_fault() {
        let spec = |f: fn(&mut PipelineSpec)| {
            let mut s = PipelineSpec::default();
            f(&mut s);
            s.check("y").unwrap_err().to_string()
        };
        assert_eq!(
            spec(|s| s.drop = vec!["y".into()]),
            "drop: \"y\" is the target column, which is never a feature"
        );
        assert_eq!(
            spec(|s| s.one_hot = OneHot::Columns(vec!["a".into(), "a".into()])),
            "one_hot: column \"a\" is listed twice"
        );
        assert_eq!(
            spec(|s| s.drop = vec!["".into()]),
            "drop: a column name is empty"
        );
        assert_eq!(
            spec(|s| {
                s.drop = vec!["a".into()];
                s.one_hot = OneHot::Columns(vec!["a".into()]);
            }),
            "one_hot: column \"a\" is also dropped"
        );
        let bin = BinSpec {
            column: "a".into(),
            edges: vec![0.0, 1.0],
            labels: vec!["low".into()],
        };
        assert_eq!(
            spec(|s| s.bins = vec![BinSpec {
                column: "y".into(),
                edges: vec![0.0, 1.0],
                labels: vec!["l".into()]
            }]),
            "bins: \"y\" is the target column, which is never a feature"
        );
        let mut twice = PipelineSpec {
            bins: vec![bin.clone(), bin],
            ..PipelineSpec::default()
        };
        assert_eq!(
            twice.check("y").unwrap_err().to_string(),
            "bins: column \"a\" is binned twice"
        );
        twice.bins.pop();
        twice.max_categories = 0;
        assert_eq!(
            twice.check("y").unwrap_err(),
            SpecProblem::NoCategoriesAllowed
        );
    }

    #[test]
    fn listed_columns_are_read_as_text_and_auto_encodes_text_and_binned_columns() {
        let csv = "zip,age,colour,y\n10115,20,red,0\n80331,40,blue,1\n10115,60,red,1\n";
        let listed = PipelineSpec {
            one_hot: OneHot::Columns(vec!["zip".into()]),
            ..PipelineSpec::default()
        };
        let t = table(csv, &listed);
        assert_eq!(
            t.column("zip").unwrap().column_type(),
            ColumnType::Categorical
        );
        assert_eq!(listed.encoded_columns(&t, &["y"]), ["zip"]);
        assert_eq!(listed.text_where_numbers_are_needed(&t, &["y"]), ["colour"]);

        let auto = PipelineSpec {
            one_hot: OneHot::Auto,
            bins: vec![BinSpec {
                column: "age".into(),
                edges: vec![0.0, 30.0, 100.0],
                labels: vec!["young".into(), "old".into()],
            }],
            drop: vec!["zip".into()],
            ..PipelineSpec::default()
        };
        let t = table(csv, &auto);
        assert_eq!(auto.feature_columns(&t, &["y"]), ["age", "colour"]);
        assert_eq!(auto.feature_columns(&t, &["y", "colour"]), ["age"]);
        assert_eq!(auto.encoded_columns(&t, &["y"]), ["age", "colour"]);
        assert!(auto.text_where_numbers_are_needed(&t, &["y"]).is_empty());
        let mut p = auto.build(&t, &["y"]);
        let (x, _) = t.split_target_owned("y").unwrap();
        let f = p.fit_transform_owned(x, None).unwrap();
        assert_eq!(
            f.names,
            ["age_old", "age_young", "colour_blue", "colour_red"]
        );
    }
}
