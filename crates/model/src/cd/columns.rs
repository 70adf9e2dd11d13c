//! The training rows column by column, for coordinate steps.

use logreg_linalg_core::{Design, Rows};
use rayon::prelude::*;
use std::sync::OnceLock;

/// The training rows stored column by column (rows in pass order).
pub(crate) enum Columns {
    Dense {
        n: usize,
        values: Vec<f64>,
    },
    /// Sparse columns, each copied from the rows the first time a working set holds it
    /// ([`Columns::ensure`]): an L1 fit reads a few hundred of tens of thousands of columns, and
    /// picking those out of the rows costs one read of the row indices, where transposing every
    /// column costs scattered writes of every stored value.
    Sparse {
        n: usize,
        columns: Vec<OnceLock<SparseColumn>>,
    },
}

/// One sparse column: the pass positions of its stored values, increasing, and the values.
pub(crate) struct SparseColumn {
    rows: Vec<u32>,
    values: Vec<f64>,
}

/// Rows per task when sparse columns are picked out of the rows.
const PICK_ROWS: usize = 16_384;

impl Columns {
    /// The copy (sparse columns empty until [`Columns::ensure`]), or `None` for a standardized
    /// sparse design (whose columns are dense) or more rows than a column can index.
    pub(super) fn of(x: &Design<'_>, rows: Rows<'_>) -> Option<Columns> {
        let n = rows.len();
        let d = x.n_cols();
        Some(match x {
            Design::Dense(m) => {
                let data = m.as_slice();
                let mut values = vec![0.0; n * d];
                for pos in 0..n {
                    let r = rows.row_at(pos);
                    for (j, &v) in data[r * d..(r + 1) * d].iter().enumerate() {
                        values[j * n + pos] = v;
                    }
                }
                Columns::Dense { n, values }
            }
            Design::DenseF32(m) => {
                let data = m.as_slice();
                let mut values = vec![0.0; n * d];
                for pos in 0..n {
                    let r = rows.row_at(pos);
                    for (j, &v) in data[r * d..(r + 1) * d].iter().enumerate() {
                        values[j * n + pos] = f64::from(v);
                    }
                }
                Columns::Dense { n, values }
            }
            Design::Sparse(csr) => {
                if csr.scaling().is_some() || u32::try_from(n).is_err() {
                    return None;
                }
                Columns::Sparse {
                    n,
                    columns: (0..d).map(|_| OnceLock::new()).collect(),
                }
            }
        })
    }

    /// Copies the sparse columns among `need` that are not yet held out of the rows of `x` (the
    /// design `of` was given, in the same pass order `rows`): one parallel read of the row
    /// indices in fixed blocks, the values of each column kept in pass order, so the copy is the
    /// same at any thread count. Nothing to do for dense columns.
    pub(super) fn ensure(&self, x: &Design<'_>, rows: Rows<'_>, need: impl Iterator<Item = usize>) {
        let (Columns::Sparse { n, columns }, Design::Sparse(csr)) = (self, x) else {
            return;
        };
        let mut missing: Vec<usize> = need.filter(|&j| columns[j].get().is_none()).collect();
        if missing.is_empty() {
            return;
        }
        missing.sort_unstable();
        missing.dedup();
        let mut local = vec![u32::MAX; columns.len()];
        for (k, &j) in missing.iter().enumerate() {
            local[j] = k as u32;
        }
        let n = *n;
        // Per block of rows, each missing column's part; then per column, its parts in order.
        let parts: Vec<Vec<SparseColumn>> = (0..n.div_ceil(PICK_ROWS))
            .into_par_iter()
            .map(|block| {
                let mut out: Vec<SparseColumn> = (0..missing.len())
                    .map(|_| SparseColumn {
                        rows: Vec::new(),
                        values: Vec::new(),
                    })
                    .collect();
                for pos in block * PICK_ROWS..((block + 1) * PICK_ROWS).min(n) {
                    let (idx, val) = csr.row(rows.row_at(pos));
                    for (&j, &v) in idx.iter().zip(val) {
                        let k = local[j as usize];
                        if k != u32::MAX {
                            let col = &mut out[k as usize];
                            col.rows.push(pos as u32);
                            col.values.push(v);
                        }
                    }
                }
                out
            })
            .collect();
        let built: Vec<SparseColumn> = (0..missing.len())
            .into_par_iter()
            .map(|k| {
                let len = parts.iter().map(|p| p[k].rows.len()).sum();
                let mut col = SparseColumn {
                    rows: Vec::with_capacity(len),
                    values: Vec::with_capacity(len),
                };
                for p in &parts {
                    col.rows.extend_from_slice(&p[k].rows);
                    col.values.extend_from_slice(&p[k].values);
                }
                col
            })
            .collect();
        for (&j, col) in missing.iter().zip(built) {
            // Only this thread fills the cells, and each was empty above.
            let _ = columns[j].set(col);
        }
    }

    /// Column j of a sparse copy (empty if [`Columns::ensure`] was not asked for it).
    #[inline]
    pub(super) fn sparse(columns: &[OnceLock<SparseColumn>], j: usize) -> (&[u32], &[f64]) {
        debug_assert!(columns[j].get().is_some(), "column {j} was not copied");
        columns[j]
            .get()
            .map_or((&[], &[]), |c| (c.rows.as_slice(), c.values.as_slice()))
    }

    /// Xδ per pass position, for δ over the `n_features` columns and (when longer) an intercept.
    pub(super) fn times(&self, delta: &[f64], n_features: usize) -> Vec<f64> {
        let n = match self {
            Columns::Dense { n, .. } | Columns::Sparse { n, .. } => *n,
        };
        let b = delta.get(n_features).copied().unwrap_or(0.0);
        let mut out = vec![b; n];
        for (j, &t) in delta.iter().enumerate().take(n_features) {
            if t != 0.0 {
                self.visit(j, |i, x| out[i] += t * x);
            }
        }
        out
    }

    /// How many values column j stores.
    pub(super) fn stored(&self, j: usize) -> usize {
        match self {
            Columns::Dense { n, .. } => *n,
            Columns::Sparse { columns, .. } => Columns::sparse(columns, j).0.len(),
        }
    }

    /// Calls `f(position, value)` for the stored values of column j.
    #[inline]
    pub(super) fn visit(&self, j: usize, mut f: impl FnMut(usize, f64)) {
        match self {
            Columns::Dense { n, values } => {
                for (i, &v) in values[j * n..(j + 1) * n].iter().enumerate() {
                    f(i, v);
                }
            }
            Columns::Sparse { columns, .. } => {
                let (rows, values) = Columns::sparse(columns, j);
                for (&i, &v) in rows.iter().zip(values) {
                    f(i as usize, v);
                }
            }
        }
    }
}
