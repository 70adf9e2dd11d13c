//! A design read in passes: a source of row blocks, each block an ordinary [`Design`].
//!
//! Some data do not fit in memory (a file larger than RAM written to a scratch file, a database
//! cursor, a message queue replayed from an offset, one rank's shard). Solvers only ever need
//! sums over rows, so such data can be fit in *passes*: a pass visits every block in order, the
//! loss sums each block with the same kernels it uses in memory, and the blocks' sums are added
//! in block order, so a pass gives the same bits every time.
//!
//! ```
//! use logreg_linalg_core::{Dense, Design, InMemoryBlocks, RowBlocks};
//!
//! let x = Design::from(Dense::new(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, 2)?);
//! let blocks = InMemoryBlocks::new(&x, 2)?;            // blocks of 2 rows: [0, 1], [2]
//! let mut firsts = Vec::new();
//! blocks.pass(&mut |first, block| {
//!     firsts.push((first, block.n_rows()));
//!     Ok(())
//! })?;
//! assert_eq!(firsts, [(0, 2), (2, 1)]);
//! # Ok::<(), logreg_linalg_core::LinalgError>(())
//! ```

use std::sync::Arc;

use crate::design::{Csr, Dense, Design, Storage};
use crate::passes::{Moments, Rows};
use crate::LinalgError;

/// What went wrong in a source of row blocks (an I/O error, a file that changed under a pass, a
/// closed cursor), carried to the caller of the pass unchanged: the original error is kept and
/// can be recovered with [`downcast_ref`](Self::downcast_ref).
#[derive(Debug, Clone)]
pub struct SourceError(Arc<dyn std::error::Error + Send + Sync>);

impl SourceError {
    /// Wraps a source's own error.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        SourceError(Arc::new(error))
    }

    /// The source's error, if it is a `T`.
    pub fn downcast_ref<T: std::error::Error + 'static>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }
}

impl PartialEq for SourceError {
    /// The same error (not merely an equal message).
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// A source of row blocks: a design read in passes, each block summed with the in-memory kernels
/// and the blocks' sums added in block order, so a pass gives the same bits every time.
///
/// Implement it for your own source (a database cursor, a Kafka consumer replayed from an
/// offset): every pass must yield the same rows in the same order, as blocks that partition
/// `0..n_rows()` in order, each with `n_cols()` columns and the same storage. A block is a
/// [`Design`], so it was checked when it was built (finite values within
/// [`crate::MAX_MAGNITUDE`]); how many rows a block holds is the source's choice, and bounds the
/// memory a pass needs. Any [`RowBlocks`] can be fit with `logreg_model`'s `fit_blocks`.
pub trait RowBlocks: Sync {
    /// Rows over all blocks.
    fn n_rows(&self) -> usize;

    /// Columns of every block.
    fn n_cols(&self) -> usize;

    /// The storage of every block.
    fn storage(&self) -> Storage;

    /// Stored values over all blocks (n·d when dense, the stored entries when sparse): what the
    /// solvers' cost model needs.
    fn stored_values(&self) -> usize;

    /// One pass: `visit(first_row, block)` for every block in order, `first_row` the block's
    /// first row in `0..n_rows()`. Stops at the first error, the visitor's or the source's
    /// (a source error is [`LinalgError::Source`]).
    fn pass(
        &self,
        visit: &mut dyn FnMut(usize, &Design<'_>) -> Result<(), LinalgError>,
    ) -> Result<(), LinalgError>;
}

/// A design in memory seen as row blocks of at most `block_rows` rows each, without copying:
/// for testing a source against the in-memory fit, and for fitting in passes what is already
/// in memory.
#[derive(Debug, Clone)]
pub struct InMemoryBlocks<'a> {
    x: &'a Design<'a>,
    block_rows: usize,
}

impl<'a> InMemoryBlocks<'a> {
    /// Blocks of `block_rows` rows (at least 1) over `x`.
    pub fn new(x: &'a Design<'a>, block_rows: usize) -> Result<Self, LinalgError> {
        if block_rows == 0 {
            return Err(LinalgError::LengthMismatch {
                operation: "row blocks (rows per block, at least 1)",
                expected: 1,
                found: 0,
            });
        }
        Ok(InMemoryBlocks { x, block_rows })
    }
}

impl RowBlocks for InMemoryBlocks<'_> {
    fn n_rows(&self) -> usize {
        self.x.n_rows()
    }

    fn n_cols(&self) -> usize {
        self.x.n_cols()
    }

    fn storage(&self) -> Storage {
        self.x.storage()
    }

    fn stored_values(&self) -> usize {
        self.x.stored_values()
    }

    fn pass(
        &self,
        visit: &mut dyn FnMut(usize, &Design<'_>) -> Result<(), LinalgError>,
    ) -> Result<(), LinalgError> {
        let (n, d) = (self.x.n_rows(), self.x.n_cols());
        let mut first = 0;
        while first < n {
            let m = self.block_rows.min(n - first);
            let block = match self.x {
                Design::Dense(x) => {
                    let s = &x.as_slice()[first * d..(first + m) * d];
                    Design::Dense(Dense::from_checked(s.into(), m, d))
                }
                Design::DenseF32(x) => {
                    let s = &x.as_slice()[first * d..(first + m) * d];
                    Design::DenseF32(Dense::from_checked(s.into(), m, d))
                }
                Design::Sparse(x) => Design::Sparse(x.row_range(first, first + m)),
            };
            visit(first, &block)?;
            first += m;
        }
        Ok(())
    }
}

/// Each block's share of a pass over the rows `selection` (sorted, 0-based rows of the source;
/// every row when `None`): `visit(position, block, rows)` with the pass position of the block's
/// first selected row and the block's selected rows as a [`Rows`] of the block. Blocks with no
/// selected row are skipped.
///
/// This is how a loss runs its in-memory kernels on each block of a source.
pub fn for_each_selected(
    source: &dyn RowBlocks,
    selection: Option<&[usize]>,
    visit: &mut dyn FnMut(usize, &Design<'_>, Rows<'_>) -> Result<(), LinalgError>,
) -> Result<(), LinalgError> {
    let mut local: Vec<usize> = Vec::new();
    let mut taken = 0;
    source.pass(&mut |first, block| {
        let m = block.n_rows();
        match selection {
            None => visit(first, block, block.all_rows()),
            Some(sel) => {
                let start = taken;
                while taken < sel.len() && sel[taken] < first + m {
                    taken += 1;
                }
                if taken == start {
                    return Ok(());
                }
                local.clear();
                local.extend(sel[start..taken].iter().map(|&i| i - first));
                let rows = block.rows(Some(&local))?;
                visit(start, block, rows)
            }
        }
    })
}

/// Whether `selection` is sorted (repeats allowed), as passes over blocks need.
pub fn is_sorted_selection(selection: &[usize]) -> bool {
    selection.windows(2).all(|w| w[0] <= w[1])
}

/// Column means and population variances over the selected rows of a source (weights one per
/// selected row, in selection order), the blocks' moments combined in block order with Chan,
/// Golub and LeVeque's update (exact for any split of the rows into blocks).
pub fn column_moments(
    source: &dyn RowBlocks,
    selection: Option<&[usize]>,
    weights: Option<&[f64]>,
) -> Result<Moments, LinalgError> {
    let d = source.n_cols();
    let (mut total, mut mean, mut m2) = (0.0f64, vec![0.0; d], vec![0.0; d]);
    for_each_selected(source, selection, &mut |pos, block, rows| {
        let w = weights.map(|w| &w[pos..pos + rows.len()]);
        let part = block.column_moments(rows, w)?;
        let t = w.map_or(rows.len() as f64, |w| w.iter().sum());
        if t <= 0.0 {
            return Ok(());
        }
        let both = total + t;
        for j in 0..d {
            let delta = part.mean[j] - mean[j];
            mean[j] += delta * t / both;
            m2[j] += part.var[j] * t + delta * delta * total * t / both;
        }
        total = both;
        Ok(())
    })?;
    let var = if total > 0.0 {
        m2.iter().map(|v| (v / total).max(0.0)).collect()
    } else {
        vec![0.0; d]
    };
    Ok(Moments { mean, var })
}

impl Csr<'_> {
    /// Rows `start..end` as a matrix borrowing this one's arrays (row pointers rebased), with the
    /// same standardization.
    pub fn row_range(&self, start: usize, end: usize) -> Csr<'_> {
        let (indptr, indices, values) = self.arrays();
        let (a, b) = (indptr[start], indptr[end]);
        let rebased: Vec<usize> = indptr[start..=end].iter().map(|p| p - a).collect();
        let mut out = Csr::from_parts_checked(
            rebased.into(),
            indices[a..b].into(),
            values[a..b].into(),
            self.n_cols(),
        );
        out.set_scaling(self.scaling().cloned());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selected_rows_map_to_blocks_and_positions() {
        let x =
            Design::from(Dense::new((0..10).map(f64::from).collect::<Vec<_>>(), 10, 1).unwrap());
        let b = InMemoryBlocks::new(&x, 3).unwrap();
        let mut seen = Vec::new();
        for_each_selected(&b, Some(&[1, 2, 2, 7, 9]), &mut |pos, block, rows| {
            let vals: Vec<f64> = (0..rows.len())
                .map(|k| block.get(rows.row_at(k), 0).unwrap())
                .collect();
            seen.push((pos, vals));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [(0, vec![1.0, 2.0, 2.0]), (3, vec![7.0]), (4, vec![9.0])]
        );
        assert!(InMemoryBlocks::new(&x, 0).is_err());
    }

    #[test]
    fn moments_over_blocks_match_the_whole() {
        let v: Vec<f64> = (0..40)
            .map(|i| (i as f64 * 0.37).sin() * 5.0 + 100.0)
            .collect();
        let x = Design::from(Dense::new(v, 20, 2).unwrap());
        let sel: Vec<usize> = (0..20).filter(|i| i % 3 != 1).collect();
        let w: Vec<f64> = sel.iter().map(|&i| 1.0 + i as f64 / 10.0).collect();
        let whole = x
            .column_moments(x.rows(Some(&sel)).unwrap(), Some(&w))
            .unwrap();
        for per in [1, 4, 7, 20] {
            let b = InMemoryBlocks::new(&x, per).unwrap();
            let m = column_moments(&b, Some(&sel), Some(&w)).unwrap();
            for j in 0..2 {
                assert!((m.mean[j] - whole.mean[j]).abs() < 1e-12 * whole.mean[j].abs());
                assert!((m.var[j] - whole.var[j]).abs() < 1e-10 * whole.var[j]);
            }
        }
        let s =
            Csr::from_rows(3, [vec![(0, 1.0)], vec![(2, 2.0)], vec![], vec![(1, 3.0)]]).unwrap();
        let sx = Design::from(s);
        let b = InMemoryBlocks::new(&sx, 3).unwrap();
        let m = column_moments(&b, None, None).unwrap();
        let whole = sx.column_moments(sx.all_rows(), None).unwrap();
        for j in 0..3 {
            assert!((m.mean[j] - whole.mean[j]).abs() < 1e-15);
            assert!((m.var[j] - whole.var[j]).abs() < 1e-15);
        }
    }
}
