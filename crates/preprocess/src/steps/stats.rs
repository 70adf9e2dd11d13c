//! Column statistics in one read of the rows: the sums the scalers and the imputer need,
//! computed as scikit-learn computes them (compensated sums, the corrected two-pass variance).
//!
//! Large tables are read in fixed chunks of rows on every core and the chunks' sums are added in
//! chunk order, so results do not depend on the number of threads (and a table of one chunk
//! gets exactly the sums of a plain loop).

use rayon::prelude::*;

use crate::error::PreprocessError;
use crate::ranks::Ranks;
use crate::table::{Slot, Table};

/// Rows per chunk of a parallel pass.
pub(super) const CHUNK_ROWS: usize = 1 << 14;

/// For each column at `positions[k]`, `step` folds every value of `rows` (all rows if `None`;
/// NaN for missing) into a copy of `init[k]`, chunk by chunk; `merge` adds a chunk's result to
/// the running total, chunks in row order.
pub(super) fn fold_columns<A, F, M>(
    table: &Table,
    positions: &[usize],
    rows: Option<&[usize]>,
    init: &[A],
    step: F,
    merge: M,
) -> Vec<A>
where
    A: Clone + Send + Sync,
    F: Fn(&mut A, usize, f64) + Sync,
    M: Fn(&mut A, A),
{
    let n = rows.map_or(table.n_rows(), <[usize]>::len);
    let chunks: Vec<Vec<A>> = (0..n.div_ceil(CHUNK_ROWS))
        .into_par_iter()
        .map(|c| {
            let mut acc = init.to_vec();
            let range = c * CHUNK_ROWS..n.min((c + 1) * CHUNK_ROWS);
            let at = move |i: usize| rows.map_or(i, |r| r[i]);
            for_each_value(table, positions, range.map(at), |k, r, x| {
                step(&mut acc[k], r, x)
            });
            acc
        })
        .collect();
    let mut total = init.to_vec();
    for chunk in chunks {
        for (t, a) in total.iter_mut().zip(chunk) {
            merge(t, a);
        }
    }
    total
}

/// Calls `f(k, row, x)` for every row of `rows` and the numeric column at `positions[k]`, with
/// NaN for missing. Each block's rows are read once for all its columns; each column sees its
/// values in row order, so per-column sums are the same as in a column-by-column loop.
fn for_each_value(
    table: &Table,
    positions: &[usize],
    rows: impl Iterator<Item = usize> + Clone,
    mut f: impl FnMut(usize, usize, f64),
) {
    let mut by_block: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
    let mut others = Vec::new();
    for (k, &i) in positions.iter().enumerate() {
        match table.slot(i) {
            Slot::Numeric { block, col } => match by_block.iter_mut().find(|(b, _)| b == block) {
                Some((_, cols)) => cols.push((k, *col)),
                None => by_block.push((*block, vec![(k, *col)])),
            },
            _ => others.push(k),
        }
    }
    for (b, cols) in &by_block {
        let block = &table.blocks()[*b];
        for r in rows.clone() {
            let row = &block.values[r * block.width..(r + 1) * block.width];
            for &(k, c) in cols {
                f(k, r, row[c]);
            }
        }
    }
    for k in others {
        if let Some(values) = table.view_at(positions[k]).as_numeric() {
            for r in rows.clone() {
                f(k, r, values.raw(r));
            }
        }
    }
}

/// Neumaier's compensated sum: error independent of the length, so long columns keep every
/// digit numpy's pairwise summation keeps (a plain loop lost 1e-13 on bank.csv's `pdays`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AccurateSum {
    sum: f64,
    compensation: f64,
}

impl AccurateSum {
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    pub(crate) fn value(&self) -> f64 {
        self.sum + self.compensation
    }

    /// Adds another sum (of later values) to this one.
    pub(crate) fn merge(&mut self, other: AccurateSum) {
        self.add(other.sum);
        self.compensation += other.compensation;
    }

    /// The running sum and its compensation, as another rank receives them.
    pub(crate) fn to_wire(self) -> [f64; 2] {
        [self.sum, self.compensation]
    }

    /// A sum received from another rank.
    pub(crate) fn from_wire(w: [f64; 2]) -> AccurateSum {
        AccurateSum {
            sum: w[0],
            compensation: w[1],
        }
    }

    /// Every rank's sum merged in rank order (as chunks are merged), the same on every rank.
    pub(crate) fn over_ranks(
        sums: &[AccurateSum],
        ranks: &Ranks<'_>,
    ) -> Result<Vec<AccurateSum>, PreprocessError> {
        if !ranks.is_distributed() {
            return Ok(sums.to_vec());
        }
        let wire: Vec<f64> = sums.iter().flat_map(|s| s.to_wire()).collect();
        let mut total = vec![AccurateSum::default(); sums.len()];
        for theirs in ranks.gather_f64(&wire)? {
            for (t, w) in total.iter_mut().zip(theirs.chunks_exact(2)) {
                t.merge(AccurateSum::from_wire([w[0], w[1]]));
            }
        }
        Ok(total)
    }
}

/// What the corrected two-pass algorithm accumulates for one column.
#[derive(Debug, Clone, Copy)]
pub(super) struct Moments {
    n: usize,
    pub(super) first_missing: Option<usize>,
    first: f64,
    all_equal: bool,
    sum: AccurateSum,
    mean: f64,
    correction: AccurateSum,
    squares: AccurateSum,
}

impl Default for Moments {
    fn default() -> Self {
        Moments {
            n: 0,
            first_missing: None,
            first: 0.0,
            all_equal: true,
            sum: AccurateSum::default(),
            mean: 0.0,
            correction: AccurateSum::default(),
            squares: AccurateSum::default(),
        }
    }
}

impl Moments {
    #[inline]
    pub(super) fn first_pass(&mut self, row: usize, x: f64) {
        if x.is_nan() {
            self.first_missing.get_or_insert(row);
            return;
        }
        if self.n == 0 {
            self.first = x;
        } else if x != self.first {
            self.all_equal = false;
        }
        self.sum.add(x);
        self.n += 1;
    }

    pub(super) fn set_mean(&mut self) {
        // A column of one repeated value has exactly that mean; sum / n can miss it by an ulp
        // (0.1 three times gives 0.10000000000000002), which would leave ±1e-17 where sklearn's
        // "constant column becomes 0" promises 0.
        self.mean = if self.all_equal {
            self.first
        } else {
            self.sum.value() / self.n as f64
        };
    }

    /// Adds the first-pass sums of later rows.
    pub(super) fn merge_first(&mut self, other: Moments) {
        if other.n > 0 {
            if self.n == 0 {
                self.first = other.first;
                self.all_equal = other.all_equal;
            } else {
                self.all_equal &= other.all_equal && other.first == self.first;
            }
        }
        self.first_missing = self.first_missing.or(other.first_missing);
        self.n += other.n;
        self.sum.merge(other.sum);
    }

    /// The first-pass sums of every rank merged in rank order (with `merge_first`, as chunks
    /// are), the same on every rank. Each rank has checked its own missing values before.
    pub(super) fn first_over_ranks(
        local: &mut [Moments],
        ranks: &Ranks<'_>,
    ) -> Result<(), PreprocessError> {
        if !ranks.is_distributed() {
            return Ok(());
        }
        let wire: Vec<f64> = local
            .iter()
            .flat_map(|m| {
                let [sum, compensation] = m.sum.to_wire();
                [
                    m.n as f64,
                    m.first,
                    f64::from(u8::from(m.all_equal)),
                    sum,
                    compensation,
                ]
            })
            .collect();
        let mut total = vec![Moments::default(); local.len()];
        for theirs in ranks.gather_f64(&wire)? {
            for (t, w) in total.iter_mut().zip(theirs.chunks_exact(5)) {
                t.merge_first(Moments {
                    n: w[0] as usize,
                    first: w[1],
                    all_equal: w[2] != 0.0,
                    sum: AccurateSum::from_wire([w[3], w[4]]),
                    ..Moments::default()
                });
            }
        }
        local.copy_from_slice(&total);
        Ok(())
    }

    /// The second-pass sums of every rank merged in rank order, the same on every rank.
    pub(super) fn second_over_ranks(
        local: &mut [Moments],
        ranks: &Ranks<'_>,
    ) -> Result<(), PreprocessError> {
        if !ranks.is_distributed() {
            return Ok(());
        }
        let wire: Vec<f64> = local
            .iter()
            .flat_map(|m| {
                let [c, cc] = m.correction.to_wire();
                let [q, qc] = m.squares.to_wire();
                [c, cc, q, qc]
            })
            .collect();
        let mut total: Vec<Moments> = local.iter().map(Moments::second_pass_start).collect();
        for theirs in ranks.gather_f64(&wire)? {
            for (t, w) in total.iter_mut().zip(theirs.chunks_exact(4)) {
                t.merge_second(Moments {
                    correction: AccurateSum::from_wire([w[0], w[1]]),
                    squares: AccurateSum::from_wire([w[2], w[3]]),
                    ..Moments::default()
                });
            }
        }
        for (l, t) in local.iter_mut().zip(total) {
            l.correction = t.correction;
            l.squares = t.squares;
        }
        Ok(())
    }

    /// Where a chunk's second pass starts: nothing summed, this column's mean known.
    pub(super) fn second_pass_start(&self) -> Moments {
        Moments {
            mean: self.mean,
            ..Moments::default()
        }
    }

    /// Adds the second-pass sums of later rows.
    pub(super) fn merge_second(&mut self, other: Moments) {
        self.correction.merge(other.correction);
        self.squares.merge(other.squares);
    }

    #[inline]
    pub(super) fn second_pass(&mut self, x: f64) {
        if !x.is_nan() {
            let d = x - self.mean;
            self.correction.add(d);
            self.squares.add(d * d);
        }
    }

    /// A 0/1 column with `ones` ones in `n` rows, without reading it: the sums the two passes
    /// would accumulate, in closed form.
    pub(super) fn indicator(n: usize, ones: usize) -> Moments {
        let mut m = Moments {
            n,
            ..Moments::default()
        };
        if n == 0 {
            return m;
        }
        let (nf, of) = (n as f64, ones as f64);
        m.mean = if ones == 0 {
            0.0
        } else if ones == n {
            1.0
        } else {
            of / nf
        };
        let (a, b) = (1.0 - m.mean, 0.0 - m.mean);
        m.correction.add(of * a);
        m.correction.add((nf - of) * b);
        m.squares.add(of * (a * a));
        m.squares.add((nf - of) * (b * b));
        m
    }

    /// The sums of `n` values with mean `mean` and squared deviations `m2`, gathered elsewhere
    /// (chunk by chunk, for a fit in passes).
    pub(super) fn from_streamed(n: usize, mean: f64, m2: f64) -> Moments {
        let mut m = Moments {
            n,
            mean,
            ..Moments::default()
        };
        m.squares.add(m2);
        m
    }

    /// Mean and population standard deviation as scikit-learn computes them, with constant
    /// columns given standard deviation 1.
    pub(super) fn mean_std(&self) -> Result<(f64, f64), &'static str> {
        if self.n == 0 {
            return Err("there are no rows to fit on");
        }
        let n = self.n as f64;
        let (mean, correction) = (self.mean, self.correction.value());
        // Corrected two-pass algorithm (Chan, Golub & LeVeque), as sklearn's
        // `_incremental_mean_and_var`.
        let var = (self.squares.value() - correction * correction / n) / n;
        if !mean.is_finite() || !var.is_finite() {
            return Err("the values are too large: their mean or variance overflows f64");
        }
        // sklearn's `_is_constant_feature`: the variance is within rounding error of zero.
        let eps = f64::EPSILON;
        let upper_bound = n * eps * var + (n * mean * eps).powi(2);
        let std = if var <= upper_bound { 1.0 } else { var.sqrt() };
        Ok((mean, std))
    }
}
