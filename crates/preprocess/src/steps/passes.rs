//! Fitting steps on rows read in chunks (a file larger than memory, read in passes): each
//! learning step keeps small running statistics, fed chunk by chunk with the chunk's training
//! rows, and is fitted from them at the end of the pass. What it learns is what `fit_rows`
//! learns on the same rows, to rounding:
//!
//! - [`StandardScaler`]: count, mean and sum of squared deviations per column, each chunk's by
//!   the two-pass algorithm and the chunks merged by Chan, Golub and LeVeque's update (exact in
//!   exact arithmetic; the same to a few ulps as the whole-table two-pass algorithm);
//! - [`MinMaxScaler`]: minimum, maximum and count;
//! - [`OneHotEncoder`]: the categories seen (then the encoder's own checks and naming);
//! - [`Imputer`]: mean (a compensated sum and a count), most frequent value (counts per
//!   value), or the constant. The median needs every value of the column at once and is refused
//!   ([`PreprocessError::CannotFit`]) for rows read in passes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::impute::{Fill, FittedFill, ImputeStrategy};
use super::scale::ColumnScaling;
use super::stats::{AccurateSum, Moments};
use super::{Step, Transformer};
use crate::column::{Column, ColumnView};
use crate::error::PreprocessError;
use crate::schema::ColumnType;
use crate::table::Table;

/// The running statistics of one learning step.
#[derive(Debug)]
pub(crate) enum Accumulator {
    Standard {
        names: Vec<String>,
        /// (count, mean, Σ squared deviations, first missing 0-based row of the file)
        stats: Vec<(usize, f64, f64, Option<usize>)>,
    },
    MinMax {
        names: Vec<String>,
        stats: Vec<(Option<usize>, f64, f64, usize)>,
    },
    OneHot {
        columns: Vec<String>,
        seen: Vec<BTreeSet<String>>,
        /// The first missing cell's 0-based row of the file, per column.
        missing: Vec<Option<usize>>,
        names: Vec<String>,
    },
    Impute {
        columns: Vec<String>,
        per_column: Vec<ImputeStats>,
    },
}

/// What the imputer keeps for one column.
#[derive(Debug)]
pub(crate) enum ImputeStats {
    Mean(AccurateSum, usize),
    /// Numeric values by bit pattern (−0 folded into +0): value, count.
    FrequentNumber(HashMap<u64, (f64, usize)>),
    FrequentLabel(BTreeMap<String, usize>),
    Constant,
}

/// Whether a step learns anything from rows (and so needs a pass of its own).
pub(crate) fn learns(step: &Step) -> bool {
    matches!(
        step,
        Step::StandardScaler(_) | Step::MinMaxScaler(_) | Step::OneHotEncoder(_) | Step::Imputer(_)
    )
}

/// The positions of `names` in `table`, each a numeric column (else the step's type error).
fn numeric_views<'t>(
    table: &'t Table,
    names: &[String],
    step: &str,
) -> Result<Vec<ColumnView<'t>>, PreprocessError> {
    let positions = super::numeric_positions(table, names, step)?;
    Ok(positions.into_iter().map(|i| table.view_at(i)).collect())
}

impl Accumulator {
    /// Empty statistics for `step`, whose input looks like `table` (the first chunk).
    pub(crate) fn start(step: &Step, table: &Table) -> Result<Accumulator, PreprocessError> {
        Ok(match step {
            Step::StandardScaler(s) => {
                let names = s.column_names(table)?;
                numeric_views(table, &names, "StandardScaler")?;
                Accumulator::Standard {
                    stats: vec![(0, 0.0, 0.0, None); names.len()],
                    names,
                }
            }
            Step::MinMaxScaler(s) => {
                let names = s.column_names(table)?;
                numeric_views(table, &names, "MinMaxScaler")?;
                Accumulator::MinMax {
                    stats: vec![(None, f64::INFINITY, f64::NEG_INFINITY, 0); names.len()],
                    names,
                }
            }
            Step::OneHotEncoder(s) => {
                let columns = s.columns().to_vec();
                super::check_column_list(&columns, "OneHotEncoder")?;
                for c in &columns {
                    super::categorical_position(table, c, "OneHotEncoder")?;
                }
                Accumulator::OneHot {
                    seen: vec![BTreeSet::new(); columns.len()],
                    missing: vec![None; columns.len()],
                    columns,
                    names: table.column_names().to_vec(),
                }
            }
            Step::Imputer(s) => {
                let columns = s.columns().to_vec();
                super::check_column_list(&columns, "Imputer")?;
                let mut per_column = Vec::with_capacity(columns.len());
                for c in &columns {
                    let view = table.column(c)?;
                    let stats = match (s.strategy(), view.column_type()) {
                        (ImputeStrategy::Mean, ColumnType::Numeric) => {
                            ImputeStats::Mean(AccurateSum::default(), 0)
                        }
                        (ImputeStrategy::Median, ColumnType::Numeric) => {
                            return Err(PreprocessError::CannotFit {
                                step: "Imputer".into(),
                                column: c.clone(),
                                reason: "the median needs every value of the column at once, \
                                         which a fit in passes does not hold; impute the mean or \
                                         the most frequent value instead"
                                    .into(),
                            })
                        }
                        (ImputeStrategy::MostFrequent, ColumnType::Numeric) => {
                            ImputeStats::FrequentNumber(HashMap::new())
                        }
                        (ImputeStrategy::MostFrequent, ColumnType::Categorical) => {
                            ImputeStats::FrequentLabel(BTreeMap::new())
                        }
                        (ImputeStrategy::Constant(_), _) => ImputeStats::Constant,
                        // The step's own fit names the type error.
                        _ => {
                            let mut probe = s.clone();
                            probe.fit_rows(table, None)?;
                            ImputeStats::Constant
                        }
                    };
                    per_column.push(stats);
                }
                Accumulator::Impute {
                    columns,
                    per_column,
                }
            }
            other => {
                return Err(PreprocessError::param(
                    "step",
                    format!("{other:?} learns nothing from rows"),
                ))
            }
        })
    }

    /// Adds the rows `rows` (0-based in `table`) of a chunk whose first row is row `first` of
    /// the file.
    pub(crate) fn feed(
        &mut self,
        table: &Table,
        rows: &[usize],
        first: usize,
    ) -> Result<(), PreprocessError> {
        match self {
            Accumulator::Standard { names, stats } => {
                for (view, s) in numeric_views(table, names, "StandardScaler")?
                    .iter()
                    .zip(stats.iter_mut())
                {
                    let Some(v) = view.as_numeric() else { continue };
                    // The chunk's own two passes, then Chan's merge into the running total.
                    let (mut n, mut sum) = (0usize, AccurateSum::default());
                    for &r in rows {
                        let x = v.raw(r);
                        if x.is_nan() {
                            s.3.get_or_insert(first + r);
                        } else {
                            sum.add(x);
                            n += 1;
                        }
                    }
                    if n == 0 {
                        continue;
                    }
                    let mean = sum.value() / n as f64;
                    let (mut corr, mut sq) = (AccurateSum::default(), AccurateSum::default());
                    for &r in rows {
                        let x = v.raw(r);
                        if !x.is_nan() {
                            corr.add(x - mean);
                            sq.add((x - mean) * (x - mean));
                        }
                    }
                    let c = corr.value();
                    let m2 = (sq.value() - c * c / n as f64).max(0.0);
                    let mean = mean + c / n as f64;
                    let (n0, n1) = (s.0 as f64, n as f64);
                    let total = n0 + n1;
                    let delta = mean - s.1;
                    s.1 += delta * n1 / total;
                    s.2 += m2 + delta * delta * n0 * n1 / total;
                    s.0 += n;
                }
            }
            Accumulator::MinMax { names, stats } => {
                for (view, s) in numeric_views(table, names, "MinMaxScaler")?
                    .iter()
                    .zip(stats.iter_mut())
                {
                    let Some(v) = view.as_numeric() else { continue };
                    for &r in rows {
                        let x = v.raw(r);
                        if x.is_nan() {
                            s.0.get_or_insert(first + r);
                        } else {
                            s.1 = s.1.min(x);
                            s.2 = s.2.max(x);
                            s.3 += 1;
                        }
                    }
                }
            }
            Accumulator::OneHot {
                columns,
                seen,
                missing,
                ..
            } => {
                for ((c, set), miss) in columns.iter().zip(seen.iter_mut()).zip(missing) {
                    let i = super::categorical_position(table, c, "OneHotEncoder")?;
                    let ColumnView::Categorical(col) = table.view_at(i) else {
                        continue;
                    };
                    let mut used = vec![false; col.categories().len()];
                    for &r in rows {
                        match col.codes()[r] {
                            crate::column::CategoricalColumn::MISSING => {
                                miss.get_or_insert(first + r);
                            }
                            code => used[code as usize] = true,
                        }
                    }
                    for (label, _) in col.categories().iter().zip(&used).filter(|(_, u)| **u) {
                        if !set.contains(label) {
                            set.insert(label.clone());
                        }
                    }
                }
            }
            Accumulator::Impute {
                columns,
                per_column,
            } => {
                for (c, stats) in columns.iter().zip(per_column.iter_mut()) {
                    let view = table.column(c)?;
                    match (stats, view) {
                        (ImputeStats::Mean(sum, n), ColumnView::Numeric(v)) => {
                            for &r in rows {
                                let x = v.raw(r);
                                if !x.is_nan() {
                                    sum.add(x);
                                    *n += 1;
                                }
                            }
                        }
                        (ImputeStats::FrequentNumber(counts), ColumnView::Numeric(v)) => {
                            for &r in rows {
                                let x = v.raw(r);
                                if !x.is_nan() {
                                    let x = if x == 0.0 { 0.0 } else { x };
                                    counts.entry(x.to_bits()).or_insert((x, 0)).1 += 1;
                                }
                            }
                        }
                        (ImputeStats::FrequentLabel(counts), ColumnView::Categorical(col)) => {
                            let mut local = vec![0usize; col.categories().len()];
                            for &r in rows {
                                let code = col.codes()[r];
                                if code != crate::column::CategoricalColumn::MISSING {
                                    local[code as usize] += 1;
                                }
                            }
                            for (label, k) in col.categories().iter().zip(local) {
                                if k > 0 {
                                    *counts.entry(label.clone()).or_insert(0) += k;
                                }
                            }
                        }
                        (ImputeStats::Constant, _) => {}
                        (_, view) => {
                            let found = view.column_type();
                            return Err(PreprocessError::ColumnType {
                                column: c.clone(),
                                expected: if found == ColumnType::Numeric {
                                    ColumnType::Categorical
                                } else {
                                    ColumnType::Numeric
                                },
                                found,
                                context: "Imputer (the column changed type between chunks)".into(),
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Fits `step` from the statistics (replacing any earlier fit).
    pub(crate) fn finish(self, step: &mut Step) -> Result<(), PreprocessError> {
        match (self, step) {
            (Accumulator::Standard { names, stats }, Step::StandardScaler(s)) => {
                let mut fitted = Vec::with_capacity(names.len());
                for (name, (n, mean, m2, missing)) in names.into_iter().zip(stats) {
                    if let Some(row) = missing {
                        return Err(PreprocessError::missing(row, &name, "StandardScaler"));
                    }
                    let m = Moments::from_streamed(n, mean, m2);
                    let (mean, std) =
                        m.mean_std().map_err(|reason| PreprocessError::CannotFit {
                            step: "StandardScaler".into(),
                            column: name.clone(),
                            reason: reason.into(),
                        })?;
                    fitted.push(ColumnScaling {
                        column: name,
                        offset: mean,
                        scale: std,
                    });
                }
                s.set_fitted(fitted);
            }
            (Accumulator::MinMax { names, stats }, Step::MinMaxScaler(s)) => {
                s.fit_from(names, stats)?;
            }
            (
                Accumulator::OneHot {
                    columns,
                    seen,
                    missing,
                    names,
                },
                Step::OneHotEncoder(s),
            ) => {
                // The encoder's own fit on a small table holding each seen category once (and
                // a missing cell where the column had one), so its checks, category order and
                // output names are exactly those of a fit on the rows themselves.
                let mut labels: Vec<Vec<Option<String>>> = Vec::new();
                let mut first_missing: Option<(usize, String)> = None;
                for ((c, set), miss) in columns.iter().zip(&seen).zip(&missing) {
                    let mut col: Vec<Option<String>> = set.iter().cloned().map(Some).collect();
                    if let Some(row) = *miss {
                        col.push(None);
                        if first_missing.as_ref().is_none_or(|(r, _)| row < *r) {
                            first_missing = Some((row, c.clone()));
                        }
                    }
                    labels.push(col);
                }
                if let (Some((row, column)), false) = (&first_missing, s.allows_missing()) {
                    return Err(PreprocessError::missing(*row, column, "OneHotEncoder"));
                }
                let rows = labels.iter().map(Vec::len).max().unwrap_or(0).max(1);
                let mut cols: Vec<(String, Column)> = Vec::with_capacity(names.len());
                for name in &names {
                    let column = match columns.iter().position(|c| c == name) {
                        Some(k) => {
                            let mut v = labels[k].clone();
                            let pad = v.iter().find(|l| l.is_some()).cloned().flatten();
                            v.resize(rows, pad);
                            Column::categorical_with_missing(v)
                        }
                        None => Column::numeric(vec![0.0; rows]),
                    };
                    cols.push((name.clone(), column));
                }
                let table = Table::new(cols)?;
                s.fit_rows(&table, None)?;
            }
            (
                Accumulator::Impute {
                    columns,
                    per_column,
                },
                Step::Imputer(s),
            ) => {
                let mut fitted = Vec::with_capacity(columns.len());
                for (c, stats) in columns.into_iter().zip(per_column) {
                    let cannot = |reason: &str| PreprocessError::CannotFit {
                        step: "Imputer".into(),
                        column: c.clone(),
                        reason: reason.to_string(),
                    };
                    const EMPTY: &str = "it has no non-missing values to learn a fill value from";
                    let value = match stats {
                        ImputeStats::Mean(sum, n) => {
                            if n == 0 {
                                return Err(cannot(EMPTY));
                            }
                            let mean = sum.value() / n as f64;
                            if !mean.is_finite() {
                                return Err(cannot(
                                    "the values are too large: their mean overflows f64",
                                ));
                            }
                            Fill::Number(mean)
                        }
                        ImputeStats::FrequentNumber(counts) => counts
                            .into_values()
                            .max_by(|(x, n), (y, m)| n.cmp(m).then(y.total_cmp(x)))
                            .map(|(x, _)| Fill::Number(x))
                            .ok_or_else(|| cannot(EMPTY))?,
                        ImputeStats::FrequentLabel(counts) => counts
                            .into_iter()
                            .max_by(|(x, n), (y, m)| n.cmp(m).then(y.cmp(x)))
                            .map(|(x, _)| Fill::Label(x))
                            .ok_or_else(|| cannot(EMPTY))?,
                        ImputeStats::Constant => match s.strategy() {
                            ImputeStrategy::Constant(fill) => fill.clone(),
                            _ => return Err(cannot(EMPTY)),
                        },
                    };
                    fitted.push(FittedFill { column: c, value });
                }
                s.set_fitted(fitted);
            }
            (_, step) => {
                return Err(PreprocessError::param(
                    "step",
                    format!("statistics gathered for another step than {step:?}"),
                ))
            }
        }
        Ok(())
    }
}
