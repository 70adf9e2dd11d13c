//! `StandardScaler` and `MinMaxScaler`: per-column affine maps `(x − offset) / scale`.
//!
//! Both read and write a block's columns in one pass over its rows (not one strided pass per
//! column), write in place when the table owns its block, and keep one-hot indicators sparse by
//! recording the map on the indicator instead of computing it.

use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::stats::{fold_columns, Moments, CHUNK_ROWS};
use super::{check_column_list, fit_rows_of, numeric_positions, Transformer};
use crate::column::{apply, Affine, CategoricalColumn};
use crate::error::PreprocessError;
use crate::ranks::Ranks;
use crate::schema::ColumnType;
use crate::table::{Slot, Table};

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
                .column_names()
                .iter()
                .enumerate()
                .filter(|&(i, _)| table.type_at(i) == ColumnType::Numeric)
                .map(|(_, n)| n.clone())
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
    #[serde(deserialize_with = "crate::lenient::number")]
    pub offset: f64,
    /// Divided by next: the standard deviation or the range; 1 for a constant column.
    #[serde(deserialize_with = "crate::lenient::number")]
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

impl StandardScaler {
    /// The columns it applies to in `table`.
    pub(super) fn column_names(&self, table: &Table) -> Result<Vec<String>, PreprocessError> {
        self.columns.resolve(table, Self::NAME)
    }

    pub(super) fn set_fitted(&mut self, fitted: Vec<ColumnScaling>) {
        self.fitted = Some(fitted);
    }
}

impl MinMaxScaler {
    /// The columns it applies to in `table`.
    pub(super) fn column_names(&self, table: &Table) -> Result<Vec<String>, PreprocessError> {
        self.columns.resolve(table, Self::NAME)
    }

    /// Fits from (first missing row, min, max, count) per column.
    pub(super) fn fit_from(
        &mut self,
        names: Vec<String>,
        acc: Vec<(Option<usize>, f64, f64, usize)>,
    ) -> Result<(), PreprocessError> {
        let mut fitted = Vec::with_capacity(names.len());
        for (name, (missing, min, max, count)) in names.into_iter().zip(acc) {
            if let Some(row) = missing {
                return Err(PreprocessError::missing(row, &name, Self::NAME));
            }
            let cannot = |reason: &str| PreprocessError::CannotFit {
                step: Self::NAME.to_string(),
                column: name.clone(),
                reason: reason.to_string(),
            };
            if count == 0 {
                return Err(cannot("there are no rows to fit on"));
            }
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
}

impl Transformer for StandardScaler {
    fn fit_rows(&mut self, table: &Table, rows: Option<&[usize]>) -> Result<(), PreprocessError> {
        self.fit_rows_in(table, rows, &Ranks::local())
    }

    fn fit_rows_in(
        &mut self,
        table: &Table,
        train_rows: Option<&[usize]>,
        ranks: &Ranks<'_>,
    ) -> Result<(), PreprocessError> {
        let (names, positions, rows) = ranks.agreed((|| {
            let names = self.columns.resolve(table, Self::NAME)?;
            let positions = numeric_positions(table, &names, Self::NAME)?;
            let rows = fit_rows_of(table, train_rows)?;
            Ok((names, positions, rows))
        })())?;
        // Pure one-hot indicators: mean and variance follow from how often their code occurs.
        // counts[0] is the number of rows, counts[1 + k] the ones of indicator column k.
        let mut counts = vec![rows.clone().count()];
        let mut indicators: Vec<usize> = Vec::new();
        let mut per_codes: Vec<(*const Vec<u32>, Vec<usize>)> = Vec::new();
        let mut generic = Vec::new();
        for (k, &i) in positions.iter().enumerate() {
            match table.slot(i) {
                Slot::Indicator(ind) if ind.ops.is_empty() => {
                    let key = Arc::as_ptr(&ind.codes);
                    let at = match per_codes.iter().position(|(p, _)| *p == key) {
                        Some(at) => at,
                        None => {
                            let mut c = Vec::new();
                            for r in rows.clone() {
                                // Rows with no indicator set (missing or unknown) count for none.
                                let code = ind.codes[r];
                                if code == CategoricalColumn::MISSING {
                                    continue;
                                }
                                let code = code as usize;
                                if code >= c.len() {
                                    c.resize(code + 1, 0);
                                }
                                c[code] += 1;
                            }
                            per_codes.push((key, c));
                            per_codes.len() - 1
                        }
                    };
                    counts.push(per_codes[at].1.get(ind.code as usize).copied().unwrap_or(0));
                    indicators.push(k);
                }
                _ => generic.push(k),
            }
        }
        // Everything else: the corrected two-pass algorithm, each pass one read of the rows.
        let gen_positions: Vec<usize> = generic.iter().map(|&k| positions[k]).collect();
        let fresh = vec![Moments::default(); generic.len()];
        let mut acc = fold_columns(
            table,
            &gen_positions,
            train_rows,
            &fresh,
            |m, r, x| m.first_pass(r, x),
            Moments::merge_first,
        );
        ranks.agreed(
            match generic
                .iter()
                .zip(&acc)
                .find_map(|(&k, m)| Some((k, m.first_missing?)))
            {
                Some((k, row)) => Err(PreprocessError::missing(row, &names[k], Self::NAME)),
                None => Ok(()),
            },
        )?;
        // With more than one rank, the sums of every rank's rows (each rank read its own).
        ranks.sum_counts(&mut counts)?;
        Moments::first_over_ranks(&mut acc, ranks)?;
        let mut moments: Vec<Option<Moments>> = vec![None; names.len()];
        for (j, &k) in indicators.iter().enumerate() {
            moments[k] = Some(Moments::indicator(counts[0], counts[1 + j]));
        }
        for m in &mut acc {
            m.set_mean();
        }
        let with_means: Vec<Moments> = acc.iter().map(Moments::second_pass_start).collect();
        let second = fold_columns(
            table,
            &gen_positions,
            train_rows,
            &with_means,
            |m, _, x| m.second_pass(x),
            Moments::merge_second,
        );
        for (m, s) in acc.iter_mut().zip(second) {
            m.merge_second(s);
        }
        Moments::second_over_ranks(&mut acc, ranks)?;
        for (g, m) in generic.iter().zip(acc) {
            moments[*g] = Some(m);
        }
        let mut fitted = Vec::with_capacity(names.len());
        for (name, m) in names.into_iter().zip(moments) {
            let m = m.unwrap_or_default();
            let (mean, std) = m.mean_std().map_err(|reason| PreprocessError::CannotFit {
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
    fn fit_rows(&mut self, table: &Table, rows: Option<&[usize]>) -> Result<(), PreprocessError> {
        self.fit_rows_in(table, rows, &Ranks::local())
    }

    fn fit_rows_in(
        &mut self,
        table: &Table,
        rows: Option<&[usize]>,
        ranks: &Ranks<'_>,
    ) -> Result<(), PreprocessError> {
        let (names, positions) = ranks.agreed((|| {
            let names = self.columns.resolve(table, Self::NAME)?;
            let positions = numeric_positions(table, &names, Self::NAME)?;
            table.check_rows(rows.unwrap_or(&[]))?;
            Ok((names, positions))
        })())?;
        // (first missing row, min, max, count)
        let fresh = vec![(None::<usize>, f64::INFINITY, f64::NEG_INFINITY, 0usize); names.len()];
        let merge = |a: &mut (Option<usize>, f64, f64, usize),
                     b: (Option<usize>, f64, f64, usize)| {
            a.0 = a.0.or(b.0);
            a.1 = a.1.min(b.1);
            a.2 = a.2.max(b.2);
            a.3 += b.3;
        };
        let mut acc = fold_columns(
            table,
            &positions,
            rows,
            &fresh,
            |a, r, x| {
                if x.is_nan() {
                    a.0.get_or_insert(r);
                } else {
                    a.1 = a.1.min(x);
                    a.2 = a.2.max(x);
                    a.3 += 1;
                }
            },
            merge,
        );
        ranks.agreed(
            match names.iter().zip(&acc).find_map(|(n, a)| Some((n, a.0?))) {
                Some((name, row)) => Err(PreprocessError::missing(row, name, Self::NAME)),
                None => Ok(()),
            },
        )?;
        if ranks.is_distributed() {
            let wire: Vec<f64> = acc.iter().flat_map(|a| [a.1, a.2, a.3 as f64]).collect();
            let mut total = fresh.clone();
            for theirs in ranks.gather_f64(&wire)? {
                for (t, w) in total.iter_mut().zip(theirs.chunks_exact(3)) {
                    merge(t, (None, w[0], w[1], w[2] as usize));
                }
            }
            acc = total;
        }
        self.fit_from(names, acc)
    }

    fn transform_owned(&self, table: Table) -> Result<Table, PreprocessError> {
        apply_scaling(self.fitted.as_deref(), table, Self::NAME)
    }

    fn is_fitted(&self) -> bool {
        self.fitted.is_some()
    }
}

/// `(x − offset) / scale` on each fitted column: block columns in place (one pass over each
/// block's rows; copied first only if another table shares the block), indicators by recording
/// the map.
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
    }
    let names: Vec<&str> = fitted.iter().map(|p| p.column.as_str()).collect();
    let positions = numeric_positions(&table, &names, step)?;
    // The first row whose result is not finite, with the value before this step (NaN: missing).
    let mut bad: Vec<Option<(usize, f64)>> = vec![None; fitted.len()];
    let mut by_block: Vec<(usize, Vec<usize>)> = Vec::new();
    for (k, &i) in positions.iter().enumerate() {
        match table.slot(i) {
            Slot::Numeric { block, .. } => match by_block.iter_mut().find(|(b, _)| b == block) {
                Some((_, ks)) => ks.push(k),
                None => by_block.push((*block, vec![k])),
            },
            Slot::Indicator(ind) => {
                let op = Affine {
                    offset: fitted[k].offset,
                    scale: fitted[k].scale,
                };
                let mut ops = ind.ops.clone();
                let before = [apply(&ops, 0.0), apply(&ops, 1.0)];
                ops.push(op);
                let ok = [apply(&ops, 0.0).is_finite(), apply(&ops, 1.0).is_finite()];
                if !(ok[0] && ok[1]) {
                    let row = ind
                        .codes
                        .iter()
                        .position(|&c| !ok[usize::from(c == ind.code)]);
                    if let Some(r) = row {
                        bad[k] = Some((r, before[usize::from(ind.codes[r] == ind.code)]));
                    }
                }
                if let Some(ops_mut) = table.indicator_ops_mut(i) {
                    ops_mut.push(op);
                }
            }
            Slot::Categorical(_) => {}
        }
    }
    let n = table.n_rows();
    for (b, ks) in by_block {
        let table_positions: Vec<usize> = ks.iter().map(|&k| positions[k]).collect();
        let (block, cols) = table.block_mut(b, &table_positions);
        let ops: Vec<(usize, usize, f64, f64)> = ks
            .iter()
            .zip(&cols)
            .map(|(&k, &c)| (k, c, fitted[k].offset, fitted[k].scale))
            .collect();
        let width = block.width.max(1);
        let n_fitted = fitted.len();
        // Chunks of rows on every core; each reports its first bad row per column.
        let found: Vec<Vec<Option<(usize, f64)>>> = block.values[..n * block.width]
            .par_chunks_mut(CHUNK_ROWS * width)
            .enumerate()
            .map(|(c, chunk)| {
                let mut bad = vec![None; n_fitted];
                for (r, row) in chunk.chunks_exact_mut(width).enumerate() {
                    for &(k, col, offset, scale) in &ops {
                        let x = row[col];
                        let y = (x - offset) / scale;
                        if !y.is_finite() && bad[k].is_none() {
                            bad[k] = Some((c * CHUNK_ROWS + r, x));
                        }
                        row[col] = y;
                    }
                }
                bad
            })
            .collect();
        for chunk in found {
            for (mine, theirs) in bad.iter_mut().zip(chunk) {
                if mine.is_none() {
                    *mine = theirs;
                }
            }
        }
    }
    for (k, p) in fitted.iter().enumerate() {
        if let Some((row, before)) = bad[k] {
            return Err(if before.is_nan() {
                PreprocessError::missing(row, &p.column, step)
            } else {
                PreprocessError::value(
                    row,
                    &p.column,
                    format!(
                        "a value whose scaled result is finite (offset {}, scale {})",
                        p.offset, p.scale
                    ),
                    before.to_string(),
                )
            });
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::Column;
    use crate::steps::stats::AccurateSum;

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
        let t = Table::new([("x", Column::numeric_with_missing([Some(1.0), None]))]).unwrap();
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
        let mut sum = AccurateSum::default();
        xs.iter().for_each(|&x| sum.add(x));
        assert_eq!(sum.value(), 2.0);
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
        let features = twice.to_features().unwrap();
        for i in 0..x.len() {
            assert_eq!(got[i].to_bits(), eager[i].to_bits());
            assert_eq!(features.get(i, 0).unwrap().to_bits(), eager[i].to_bits());
        }
        assert_eq!(twice, Table::new([("x", Column::numeric(eager))]).unwrap());
    }

    #[test]
    fn many_chunks_give_the_same_bits_on_any_number_of_threads() {
        let n = 3 * CHUNK_ROWS + 123;
        let x: Vec<f64> = (0..n)
            .map(|i| ((i * 7919) % 1000) as f64 / 7.0 + 1e6)
            .collect();
        let fit = || {
            let mut s = StandardScaler::new(["x"]);
            let out = s.fit_transform(&table(&x)).unwrap();
            (s.params().unwrap()[0].clone(), values(&out))
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(fit);
        let many = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(fit);
        assert_eq!(one.0.offset.to_bits(), many.0.offset.to_bits());
        assert_eq!(one.0.scale.to_bits(), many.0.scale.to_bits());
        assert!(one
            .1
            .iter()
            .zip(&many.1)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        // And accurate: the mean of exactly representable sums, computed in integers.
        let exact_mean =
            (0..n).map(|i| ((i * 7919) % 1000) as u64).sum::<u64>() as f64 / n as f64 / 7.0 + 1e6;
        assert!(
            (one.0.offset - exact_mean).abs() <= 1e-15 * exact_mean,
            "{}",
            one.0.offset
        );
        let mean_out = one.1.iter().sum::<f64>() / n as f64;
        assert!(mean_out.abs() < 1e-12, "{mean_out}");
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
