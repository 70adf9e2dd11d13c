//! Columns that feed a fit without being features: sample weights and an offset (statsmodels'
//! and glmnet's `offset`, scikit-learn's `sample_weight`). They are taken out of the table before
//! the pipeline sees it, checked row by row, and the offset's column is read again at prediction.

use crate::preprocess::{ColumnView, Table};
use crate::Error;
use serde::{Deserialize, Serialize};

/// Which columns of a table hold sample weights and an offset (neither is a feature).
///
/// ```
/// use logreg::preprocess::{read_csv_from, CsvOptions, Pipeline};
/// use logreg::model::{LogisticRegression, Penalty};
/// use logreg::{Classifier, FitColumns};
///
/// let csv = "x,w,o,y\n1,1,0,0\n2,2,0.1,0\n3,1,-0.2,1\n4,1,0,0\n5,3,0.3,1\n6,1,0,1\n";
/// let table = read_csv_from(csv.as_bytes(), &CsvOptions::new())?;
/// let params = LogisticRegression::params().penalty(Penalty::None).check()?;
/// let columns = FitColumns::new().sample_weight("w").offset("o");
/// let trained = Classifier::fit_owned_with(table.clone(), "y", &columns, Pipeline::new(), &params,
///     Default::default())?;
/// let clf = trained.classifier;
/// assert_eq!(clf.feature_names(), ["x"]);
/// assert_eq!(clf.offset_column(), Some("o"));
/// let z = clf.decision_function(&table)?;       // reads column "o" and adds it to every logit
/// assert_eq!(z.len(), 6);
/// # Ok::<(), logreg::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FitColumns {
    /// The column of sample weights (finite and > 0), if any.
    pub sample_weight: Option<String>,
    /// The column of offsets (finite), added to every logit at fit and at prediction, if any.
    pub offset: Option<String>,
}

impl FitColumns {
    /// No weights, no offset.
    pub fn new() -> Self {
        Self::default()
    }

    /// Take sample weights from column `name`.
    pub fn sample_weight(mut self, name: impl Into<String>) -> Self {
        self.sample_weight = Some(name.into());
        self
    }

    /// Take offsets from column `name`.
    pub fn offset(mut self, name: impl Into<String>) -> Self {
        self.offset = Some(name.into());
        self
    }

    /// The roles must name different columns, none of them the target.
    pub(crate) fn check(&self, target: &str) -> Result<(), Error> {
        let roles = [
            ("sample weight", &self.sample_weight),
            ("offset", &self.offset),
        ];
        for (i, (role, col)) in roles.iter().enumerate() {
            let Some(col) = col else { continue };
            if col == target {
                return Err(Error::ColumnRoles {
                    column: col.clone(),
                    first: "target",
                    second: role,
                });
            }
            for (other, oc) in &roles[..i] {
                if oc.as_ref() == Some(col) {
                    return Err(Error::ColumnRoles {
                        column: col.clone(),
                        first: other,
                        second: role,
                    });
                }
            }
        }
        Ok(())
    }
}

/// The values of a weight (`positive`) or offset column, one per row, or an error naming the
/// first row that is missing, not a number, not finite or (weights) not > 0.
pub(crate) fn values_of(
    column: ColumnView<'_>,
    name: &str,
    role: &'static str,
    positive: bool,
) -> Result<Vec<f64>, Error> {
    let expected = if positive {
        "a finite number > 0"
    } else {
        "a finite number"
    };
    let bad = |row: usize, found: String| Error::AuxValue {
        role,
        column: name.to_string(),
        row: row + 1,
        found,
        expected,
    };
    match column {
        ColumnView::Numeric(v) => v
            .iter()
            .enumerate()
            .map(|(i, x)| match x {
                None => Err(bad(i, "missing".into())),
                Some(x) if !x.is_finite() || (positive && x <= 0.0) => Err(bad(i, x.to_string())),
                Some(x) => Ok(x),
            })
            .collect(),
        ColumnView::Categorical(c) => {
            // Text: name the first cell that is not a number.
            let (i, text) = c
                .iter()
                .enumerate()
                .find(|(_, t)| t.is_none_or(|t| t.trim().parse::<f64>().is_err()))
                .map_or((0, None), |(i, t)| (i, t));
            Err(bad(
                i,
                text.map_or_else(|| "missing".into(), |t| format!("{t:?}")),
            ))
        }
    }
}

/// The offset column of `table` for a model fitted with offsets in column `name`.
pub(crate) fn offsets_in(table: &Table, name: &str) -> Result<Vec<f64>, Error> {
    let column = table.column(name).map_err(|_| Error::MissingOffsetColumn {
        column: name.to_string(),
    })?;
    values_of(column, name, "offset", false)
}
