//! `StandardScaler` and `MinMaxScaler`: per-column affine maps `(x − offset) / scale`.

use serde::{Deserialize, Serialize};

use super::{check_column_list, dense_values, numeric_position, Transformer};
use crate::error::PreprocessError;
use crate::table::{Affine, Column, Lazy, Table};

/// Which columns a scaler applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Columns {
    /// These columns (each must be numeric).
    Named(Vec<String>),
    /// Every numeric column present at fit time (e.g. all features after encoding).
    AllNumeric,
}

impl Columns {
    fn resolve(&self, table: &Table, step: &str) -> Result<Vec<String>, PreprocessError> {
        match self {
            Columns::Named(names) => {
                check_column_list(names, step)?;
                Ok(names.clone())
            }
            Columns::AllNumeric => Ok(table
                .iter()
                .filter(|(_, c)| matches!(c, Column::Numeric(_)))
                .map(|(n, _)| n.to_string())
                .collect()),
        }
    }
}

/// A fitted column map: `y = (x − offset) / scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnScaling {
    /// Column name.
    pub column: String,
    /// Subtracted first: the mean (`StandardScaler`) or the minimum (`MinMaxScaler`).
    #[serde(with = "crate::exact::num")]
    pub offset: f64,
    /// Divided by next: the standard deviation or the range; 1 for a constant column.
    #[serde(with = "crate::exact::num")]
    pub scale: f64,
}

/// Centres each column on its mean and divides by its population standard deviation (ddof 0),
/// like scikit-learn's `StandardScaler`.
///
/// Mean and variance are computed as scikit-learn does (mean = sum / n; variance by the
/// corrected two-pass algorithm), and a column scikit-learn's `_is_constant_feature` deems
/// constant gets scale 1, so it becomes all zeros rather than NaN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScaler {
    columns: Columns,
    fitted: Option<Vec<ColumnScaling>>,
}

impl StandardScaler {
    const NAME: &'static str = "StandardScaler";

    /// Standardizes the named numeric columns.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        StandardScaler {
            columns: Columns::Named(columns.into_iter().map(Into::into).collect()),
            fitted: None,
        }
    }

    /// Standardizes every numeric column present at fit time.
    pub fn all() -> Self {
        StandardScaler {
            columns: Columns::AllNumeric,
            fitted: None,
        }
    }

    /// The fitted per-column means (`offset`) and standard deviations (`scale`).
    pub fn params(&self) -> Option<&[ColumnScaling]> {
        self.fitted.as_deref()
    }
}

impl Transformer for StandardScaler {
    fn fit(&mut self, table: &Table) -> Result<(), PreprocessError> {
        let names = self.columns.resolve(table, Self::NAME)?;
        let mut fitted = Vec::with_capacity(names.len());
        for name in names {
            let i = numeric_position(table, &name, Self::NAME)?;
            let x = dense_values(table.column_at(i), &name, Self::NAME)?;
            let (mean, std) = mean_std(&x).map_err(|reason| PreprocessError::CannotFit {
                step: Self::NAME.to_string(),
                column: name.clone(),
                reason: reason.to_string(),
            })?;
            fitted.push(ColumnScaling {
                column: name,
                offset: mean,
                scale: std,
            });
        }
        self.fitted = Some(fitted);
        Ok(())
    }

    fn transform_owned(&self, table: Table) -> Result<Table, PreprocessError> {
        apply_scaling(self.fitted.as_deref(), table, Self::NAME)
    }

    fn is_fitted(&self) -> bool {
        self.fitted.is_some()
    }
}

/// Maps each column onto [0, 1]: `(x − min) / (max − min)`, like scikit-learn's `MinMaxScaler`
/// with the default `feature_range=(0, 1)`; a constant column (range below 10·ε, as
/// scikit-learn decides) gets scale 1, so it becomes all zeros.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScaler {
    columns: Columns,
    fitted: Option<Vec<ColumnScaling>>,
}

impl MinMaxScaler {
    const NAME: &'static str = "MinMaxScaler";

    /// Scales the named numeric columns.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        MinMaxScaler {
            columns: Columns::Named(columns.into_iter().map(Into::into).collect()),
            fitted: None,
        }
    }

    /// Scales every numeric column present at fit time.
    pub fn all() -> Self {
        MinMaxScaler {
            columns: Columns::AllNumeric,
            fitted: None,
        }
    }

    /// The fitted per-column minima (`offset`) and ranges (`scale`).
    pub fn params(&self) -> Option<&[ColumnScaling]> {
        self.fitted.as_deref()
    }
}

impl Transformer for MinMaxScaler {
    fn fit(&mut self, table: &Table) -> Result<(), PreprocessError> {
        let names = self.columns.resolve(table, Self::NAME)?;
        let mut fitted = Vec::with_capacity(names.len());
        for name in names {
            let i = numeric_position(table, &name, Self::NAME)?;
            let x = dense_values(table.column_at(i), &name, Self::NAME)?;
            let cannot = |reason: &str| PreprocessError::CannotFit {
                step: Self::NAME.to_string(),
                column: name.clone(),
                reason: reason.to_string(),
            };
            if x.is_empty() {
                return Err(cannot("there are no rows to fit on"));
            }
            let min = x.iter().copied().fold(f64::INFINITY, f64::min);
            let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let range = max - min;
            if !range.is_finite() {
                return Err(cannot("the range max − min overflows f64"));
            }
            let scale = if range < 10.0 * f64::EPSILON {
                1.0
            } else {
                range
            };
            fitted.push(ColumnScaling {
                column: name,
                offset: min,
                scale,
            });
        }
        self.fitted = Some(fitted);
        Ok(())
    }

    fn transform_owned(&self, table: Table) -> Result<Table, PreprocessError> {
        apply_scaling(self.fitted.as_deref(), table, Self::NAME)
    }

    fn is_fitted(&self) -> bool {
        self.fitted.is_some()
    }
}

/// Mean and population standard deviation as scikit-learn computes them, with constant columns
/// given standard deviation 1.
fn mean_std(x: &[f64]) -> Result<(f64, f64), &'static str> {
    if x.is_empty() {
        return Err("there are no rows to fit on");
    }
    let n = x.len() as f64;
    // A column of one repeated value has exactly that mean; sum / n can miss it by an ulp
    // (0.1 three times gives 0.10000000000000002), which would leave ±1e-17 where sklearn's
    // "constant column becomes 0" promises 0.
    let mean = if x.iter().all(|&xi| xi == x[0]) {
        x[0]
    } else {
        accurate_sum(x.iter().copied()) / n
    };
    // Corrected two-pass algorithm (Chan, Golub & LeVeque), as sklearn's
    // `_incremental_mean_and_var`.
    let correction = accurate_sum(x.iter().map(|&xi| xi - mean));
    let squares = accurate_sum(x.iter().map(|&xi| (xi - mean) * (xi - mean)));
    let var = (squares - correction * correction / n) / n;
    if !mean.is_finite() || !var.is_finite() {
        return Err("the values are too large: their mean or variance overflows f64");
    }
    // sklearn's `_is_constant_feature`: the variance is within rounding error of zero.
    let eps = f64::EPSILON;
    let upper_bound = n * eps * var + (n * mean * eps).powi(2);
    let std = if var <= upper_bound { 1.0 } else { var.sqrt() };
    Ok((mean, std))
}

/// Neumaier's compensated sum: error independent of the length, so long columns keep every
/// digit numpy's pairwise summation keeps (a plain loop lost 1e-13 on bank.csv's `pdays`).
pub(crate) fn accurate_sum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut compensation) = (0.0_f64, 0.0_f64);
    for x in values {
        let t = sum + x;
        if sum.abs() >= x.abs() {
            compensation += (sum - t) + x;
        } else {
            compensation += (x - t) + sum;
        }
        sum = t;
    }
    sum + compensation
}

/// `(x − offset) / scale` on each fitted column, in place where the buffer is not shared.
fn apply_scaling(
    fitted: Option<&[ColumnScaling]>,
    mut table: Table,
    step: &str,
) -> Result<Table, PreprocessError> {
    let fitted = fitted.ok_or_else(|| PreprocessError::NotFitted {
        step: step.to_string(),
    })?;
    for p in fitted {
        if !p.offset.is_finite() || !p.scale.is_finite() || p.scale <= 0.0 {
            return Err(PreprocessError::param(
                "scale",
                format!(
                    "{step} has offset {} and scale {} for column {:?}; a fitted scaler has a \
                     finite offset and a positive finite scale (is the saved pipeline corrupt?)",
                    p.offset, p.scale, p.column
                ),
            ));
        }
        let i = numeric_position(&table, &p.column, step)?;
        let op = Affine {
            offset: p.offset,
            scale: p.scale,
        };
        let lazy = Lazy::scaled(table.stored_at(i), op);
        // Check every row now, so errors come from this step; values are computed later, once.
        if let Some(row) = lazy.first_bad_row() {
            let before = lazy.value(row, lazy.n_ops().saturating_sub(1));
            return Err(match before {
                None => PreprocessError::missing(row, &p.column, step),
                Some(x) => PreprocessError::value(
                    row,
                    &p.column,
                    format!(
                        "a value whose scaled result is finite (offset {}, scale {})",
                        p.offset, p.scale
                    ),
                    x.to_string(),
                ),
            });
        }
        table.replace_lazy(i, lazy);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(x: &[f64]) -> Table {
        Table::new([("x", Column::numeric(x.iter().copied()))]).unwrap()
    }

    fn values(t: &Table) -> Vec<f64> {
        t.numeric_values("x").unwrap()
    }

    #[test]
    fn standard_scaler_matches_sklearn() {
        // python3 -c "from sklearn.preprocessing import StandardScaler; import numpy as np;
        //   s=StandardScaler().fit(np.array([[1.],[2.],[4.],[8.]])); print(repr(s.mean_[0]),
        //   repr(s.scale_[0]), s.transform([[1.],[8.]]).ravel().tolist())"
        // np.float64(3.75) np.float64(2.680951323690902) [-1.025755289064345, 1.5852581740085334]
        let mut s = StandardScaler::new(["x"]);
        let out = s.fit_transform(&table(&[1.0, 2.0, 4.0, 8.0])).unwrap();
        let p = &s.params().unwrap()[0];
        assert_eq!(p.offset, 3.75);
        assert!((p.scale - 2.680951323690902).abs() < 1e-15);
        let v = values(&out);
        assert!((v[0] - -1.025755289064345).abs() < 1e-15);
        assert!((v[3] - 1.5852581740085334).abs() < 1e-15);
    }

    #[test]
    fn constant_columns_become_zero() {
        // sklearn gives -1.3877787807814457e-17 for [0.1, 0.1, 0.1] (its mean is off by an ulp);
        // we give exactly 0.
        for x in [[5.0, 5.0, 5.0], [0.1, 0.1, 0.1]] {
            let out = StandardScaler::new(["x"])
                .fit_transform(&table(&x))
                .unwrap();
            assert_eq!(values(&out), [0.0, 0.0, 0.0]);
            let out = MinMaxScaler::new(["x"]).fit_transform(&table(&x)).unwrap();
            assert_eq!(values(&out), [0.0, 0.0, 0.0]);
        }
    }

    #[test]
    fn min_max_scaler() {
        // python3 -c "from sklearn.preprocessing import MinMaxScaler; import numpy as np;
        //   print(MinMaxScaler().fit_transform(np.array([[-2.],[0.],[6.]])).ravel().tolist())"
        // [0.0, 0.25, 1.0]
        let out = MinMaxScaler::new(["x"])
            .fit_transform(&table(&[-2.0, 0.0, 6.0]))
            .unwrap();
        assert_eq!(values(&out), [0.0, 0.25, 1.0]);
    }

    #[test]
    fn transform_uses_training_statistics() {
        let mut s = StandardScaler::new(["x"]);
        s.fit(&table(&[0.0, 2.0])).unwrap();
        assert_eq!(values(&s.transform(&table(&[4.0])).unwrap()), [3.0]);
    }

    #[test]
    fn errors_name_row_and_column() {
        let t = Table::new([("x", Column::Numeric(vec![Some(1.0), None]))]).unwrap();
        let msg = StandardScaler::new(["x"]).fit(&t).unwrap_err().to_string();
        assert!(
            msg.contains("data row 2") && msg.contains("\"x\"") && msg.contains("missing"),
            "{msg}"
        );
        let mut s = StandardScaler::new(["x"]);
        s.fit(&table(&[1.0, 2.0])).unwrap();
        let msg = s.transform(&t).unwrap_err().to_string();
        assert!(
            msg.contains("data row 2") && msg.contains("StandardScaler"),
            "{msg}"
        );
        let msg = StandardScaler::new(["x"])
            .transform(&t)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("not fitted"), "{msg}");
        let c = Table::new([("x", Column::categorical(["a"]))]).unwrap();
        let msg = MinMaxScaler::new(["x"]).fit(&c).unwrap_err().to_string();
        assert!(
            msg.contains("categorical") && msg.contains("MinMaxScaler"),
            "{msg}"
        );
        let msg = StandardScaler::new(["x"])
            .fit(&table(&[]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("no rows"), "{msg}");
        let msg = StandardScaler::new(["x"])
            .fit(&table(&[f64::MAX, -f64::MAX, f64::MAX]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("overflow"), "{msg}");
    }

    #[test]
    fn all_numeric_skips_categorical() {
        let t = Table::new([
            ("x", Column::numeric([1.0, 3.0])),
            ("c", Column::categorical(["a", "b"])),
        ])
        .unwrap();
        let out = StandardScaler::all().fit_transform(&t).unwrap();
        assert_eq!(out.numeric_values("x").unwrap(), [-1.0, 1.0]);
        assert_eq!(out.column("c").unwrap(), t.column("c").unwrap());
    }

    #[test]
    fn accurate_sum_keeps_small_terms() {
        let xs = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(xs.iter().sum::<f64>(), 1.0);
        assert_eq!(accurate_sum(xs.into_iter()), 2.0);
    }

    #[test]
    fn chained_scalers_compute_like_eager_steps() {
        let x = [0.3, -7.1, 2.2, 1e-3, 5.5];
        let t = table(&x);
        let mut s = StandardScaler::new(["x"]);
        let mut m = MinMaxScaler::new(["x"]);
        let once = s.fit_transform(&t).unwrap();
        let twice = m.fit_transform(&once).unwrap();
        let (a, b) = (&s.params().unwrap()[0], &m.params().unwrap()[0]);
        let eager: Vec<f64> = x
            .iter()
            .map(|v| (v - a.offset) / a.scale)
            .map(|v| (v - b.offset) / b.scale)
            .collect();
        // Through `Column` (materialized) and through the matrix (computed directly).
        let got = values(&twice);
        let matrix = twice.to_features().unwrap().matrix;
        for i in 0..x.len() {
            assert_eq!(got[i].to_bits(), eager[i].to_bits());
            assert_eq!(matrix[(i, 0)].to_bits(), eager[i].to_bits());
        }
        assert_eq!(twice, Table::new([("x", Column::numeric(eager))]).unwrap());
    }

    #[test]
    fn transform_leaves_input_untouched() {
        let t = table(&[1.0, 3.0]);
        let mut s = StandardScaler::new(["x"]);
        s.fit(&t).unwrap();
        let _ = s.transform(&t).unwrap();
        assert_eq!(values(&t), [1.0, 3.0]);
    }
}
