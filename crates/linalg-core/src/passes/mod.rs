//! The passes a loss needs, for every storage: logits, one fused value-and-gradient pass, the
//! weighted Gram matrix (a Hessian), their multi-output forms (one logit per class), column
//! moments, and the read floor. Each reads X once, in fixed blocks summed in a fixed order, so its
//! result is the same bits whatever the number of threads.

use nalgebra::DVector;
use rayon::prelude::*;

use crate::blocks::{self, Source};
use crate::design::{ColumnScaling, Dense, Design, Real};
use crate::sparse::{self, SparseSource};
use crate::LinalgError;

mod gram;
mod moments;
mod multi;

pub use gram::MAX_SPARSE_GRAM;

/// The rows a pass visits, in order: every row of a design, or a checked list of row indices
/// (a training split, a cross-validation fold, a mini-batch). Made by [`Design::rows`]; a pass
/// refuses a selection checked against a design of another size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rows<'r> {
    sel: Option<&'r [usize]>,
    n_rows: usize,
}

impl<'r> Rows<'r> {
    /// The rows at `indices` (0-based, in that order, repeats allowed; `None` for every row) of
    /// data with `n_rows` rows, such as a source of row blocks; checked once here.
    pub fn new(indices: Option<&'r [usize]>, n_rows: usize) -> Result<Self, LinalgError> {
        if let Some(&row) = indices.into_iter().flatten().find(|&&r| r >= n_rows) {
            return Err(LinalgError::RowOutOfRange { row, n_rows });
        }
        Ok(Rows {
            sel: indices,
            n_rows,
        })
    }

    /// The selected indices, or `None` for every row.
    pub fn indices(&self) -> Option<&'r [usize]> {
        self.sel
    }

    /// Number of rows visited.
    pub fn len(&self) -> usize {
        self.sel.map_or(self.n_rows, <[usize]>::len)
    }

    /// Whether no row is visited.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The design row at pass position `pos`.
    pub fn row_at(&self, pos: usize) -> usize {
        self.sel.map_or(pos, |s| s[pos])
    }
}

/// What one fused pass accumulates: Σ lᵢ, Σ rᵢ·xᵢ and Σ rᵢ.
#[derive(Debug, Clone, PartialEq)]
pub struct PassSums {
    /// Σ lᵢ, the per-sample values the closure wrote.
    pub value: f64,
    /// Σ rᵢ·xᵢ, length d.
    pub grad: DVector<f64>,
    /// Σ rᵢ, the gradient with respect to the intercept.
    pub grad_bias: f64,
}

/// What one multi-output pass accumulates over K outputs (classes).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiPassSums {
    /// Σ lᵢ.
    pub value: f64,
    /// Σ rᵢₖ·xᵢ for each output k: K × d, output after output.
    pub grad: Vec<f64>,
    /// Σ rᵢₖ for each output k.
    pub grad_bias: Vec<f64>,
}

/// Means and (population) variances of the columns over the rows of a pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    /// Σ sᵢxᵢⱼ / Σ sᵢ for each column j.
    pub mean: Vec<f64>,
    /// Σ sᵢ(xᵢⱼ − meanⱼ)² / Σ sᵢ for each column j (never negative).
    pub var: Vec<f64>,
}

fn check_len(operation: &'static str, expected: usize, found: usize) -> Result<(), LinalgError> {
    if expected == found {
        Ok(())
    } else {
        Err(LinalgError::LengthMismatch {
            operation,
            expected,
            found,
        })
    }
}

/// Parameters folded through a CSR standardization: with `x'ⱼ = (xⱼ − μⱼ)·σⱼ`,
/// `x'·w + b = x·(σ ⊙ w) + (b − μ·(σ ⊙ w))`.
fn fold_params(s: &ColumnScaling, w: &[f64], b: f64) -> (Vec<f64>, f64) {
    let ws: Vec<f64> = w.iter().zip(&s.scale).map(|(a, c)| a * c).collect();
    let shift: f64 = ws.iter().zip(&s.shift).map(|(a, m)| a * m).sum();
    (ws, b - shift)
}

impl<'a> Design<'a> {
    /// Every row, in order.
    pub fn all_rows(&self) -> Rows<'static> {
        Rows {
            sel: None,
            n_rows: self.n_rows(),
        }
    }

    /// The rows at `indices` (0-based, in that order, repeats allowed), checked once here; `None`
    /// means every row.
    pub fn rows<'r>(&self, indices: Option<&'r [usize]>) -> Result<Rows<'r>, LinalgError> {
        if let Some(idx) = indices {
            self.check_rows(idx)?;
        }
        Ok(Rows {
            sel: indices,
            n_rows: self.n_rows(),
        })
    }

    fn check_selection(&self, rows: &Rows<'_>) -> Result<(), LinalgError> {
        check_len(
            "row selection (made for a design of another size)",
            self.n_rows(),
            rows.n_rows,
        )
    }

    fn dense_source<'x, T: Real>(x: &'x Dense<'_, T>, rows: &Rows<'x>) -> Source<'x, T> {
        Source {
            data: x.as_slice(),
            d: x.n_cols(),
            n: x.n_rows(),
            sel: rows.sel,
        }
    }

    fn sparse_source<'x>(x: &'x crate::Csr<'_>, rows: &Rows<'x>) -> SparseSource<'x> {
        let (indptr, indices, values) = x.arrays();
        SparseSource {
            indptr,
            indices,
            values,
            d: x.n_cols(),
            sel: rows.sel,
        }
    }

    /// `xᵢ·w + b` for every row of the pass, into `out` (one per row visited).
    pub fn logits(
        &self,
        rows: Rows<'_>,
        w: &[f64],
        b: f64,
        out: &mut [f64],
    ) -> Result<(), LinalgError> {
        self.check_selection(&rows)?;
        check_len("logits (w)", self.n_cols(), w.len())?;
        check_len("logits (output)", rows.len(), out.len())?;
        fn dense<T: Real>(src: &Source<'_, T>, w: &[f64], b: f64, out: &mut [f64]) {
            let per = blocks::rows_per_block(src.d, std::mem::size_of::<T>());
            out.par_chunks_mut(per).enumerate().for_each(|(blk, zs)| {
                blocks::logits_block(src, blk * per, w, b, zs);
            });
        }
        match self {
            Design::Dense(x) => dense(&Self::dense_source(x, &rows), w, b, out),
            Design::DenseF32(x) => dense(&Self::dense_source(x, &rows), w, b, out),
            Design::Sparse(x) => {
                let src = Self::sparse_source(x, &rows);
                let folded = x.scaling().map(|s| fold_params(s, w, b));
                let (w, b) = folded.as_ref().map_or((w, b), |(w, b)| (&w[..], *b));
                let bounds = src.pass_blocks();
                let mut pieces: Vec<&mut [f64]> = Vec::with_capacity(bounds.len());
                let mut rest = out;
                for k in 1..bounds.len() {
                    let (a, r) = rest.split_at_mut(bounds[k] - bounds[k - 1]);
                    pieces.push(a);
                    rest = r;
                }
                pieces.into_par_iter().enumerate().for_each(|(k, zs)| {
                    sparse::logits_block(&src, bounds[k], w, b, zs);
                });
            }
        }
        Ok(())
    }

    /// One pass over the rows: for each row i visited, `z = xᵢ·w + b` and the caller's
    /// `per_chunk(first, z, l)`, which receives the logits of pass positions
    /// `first..first + z.len()`, overwrites each with that row's residual rᵢ and writes its value
    /// lᵢ into `l` (which starts zeroed). Returns Σ l, Σ r·xᵢ and Σ r.
    ///
    /// This is the whole work of a logistic value-and-gradient evaluation, reading X once.
    ///
    /// ```
    /// use logreg_linalg_core::{Dense, Design};
    ///
    /// let x = Design::from(Dense::new(vec![1.0, 2.0, 3.0], 3, 1)?);
    /// // l = z², r = 1: Σ z² and Σ x.
    /// let sums = x.fused_pass(x.all_rows(), &[2.0], 0.0, |_, z, l| {
    ///     for (zi, li) in z.iter_mut().zip(l.iter_mut()) {
    ///         *li = *zi * *zi;
    ///         *zi = 1.0;
    ///     }
    /// })?;
    /// assert_eq!((sums.value, sums.grad[0], sums.grad_bias), (56.0, 6.0, 3.0));
    /// # Ok::<(), logreg_linalg_core::LinalgError>(())
    /// ```
    pub fn fused_pass<F>(
        &self,
        rows: Rows<'_>,
        w: &[f64],
        b: f64,
        per_chunk: F,
    ) -> Result<PassSums, LinalgError>
    where
        F: Fn(usize, &mut [f64], &mut [f64]) + Sync,
    {
        self.check_selection(&rows)?;
        check_len("fused pass (w)", self.n_cols(), w.len())?;
        let d = self.n_cols();
        fn dense<T: Real, F>(
            src: &Source<'_, T>,
            w: &[f64],
            b: f64,
            f: &F,
        ) -> Option<blocks::BlockSums>
        where
            F: Fn(usize, &mut [f64], &mut [f64]) + Sync,
        {
            let n = src.len();
            let per = blocks::rows_per_block(src.d, std::mem::size_of::<T>());
            let map = |blk: usize| {
                let first = blk * per;
                blocks::pass_block(src, first, per.min(n - first), w, b, f)
            };
            blocks::tree_reduce(n.div_ceil(per), &map, &blocks::BlockSums::add)
        }
        let sums = match self {
            Design::Dense(x) => dense(&Self::dense_source(x, &rows), w, b, &per_chunk),
            Design::DenseF32(x) => dense(&Self::dense_source(x, &rows), w, b, &per_chunk),
            Design::Sparse(x) => {
                let src = Self::sparse_source(x, &rows);
                let folded = x.scaling().map(|s| fold_params(s, w, b));
                let (wf, bf) = folded.as_ref().map_or((w, b), |(w, b)| (&w[..], *b));
                let bounds = src.pass_blocks();
                let map = |k: usize| {
                    sparse::pass_block(
                        &src,
                        bounds[k],
                        bounds[k + 1] - bounds[k],
                        wf,
                        bf,
                        &per_chunk,
                    )
                };
                let sums = blocks::tree_reduce(
                    bounds.len().saturating_sub(1),
                    &map,
                    &blocks::BlockSums::add,
                );
                sums.map(|mut s| {
                    if let Some(sc) = x.scaling() {
                        // ∂/∂wⱼ of Σ lᵢ(x'ᵢ·w + b) = σⱼ(Σ rᵢxᵢⱼ − μⱼ Σ rᵢ).
                        for (j, g) in s.grad.iter_mut().enumerate() {
                            *g = sc.scale[j] * (*g - sc.shift[j] * s.grad_bias);
                        }
                    }
                    s
                })
            }
        };
        Ok(match sums {
            Some(s) => PassSums {
                value: s.value,
                grad: DVector::from_vec(s.grad),
                grad_bias: s.grad_bias,
            },
            None => PassSums {
                value: 0.0,
                grad: DVector::zeros(d),
                grad_bias: 0.0,
            },
        })
    }

    /// The sum of every stored value (and, for CSR, every index read too), read in the blocks of
    /// a pass: the cheapest possible pass over the data, the floor a gradient pass is measured
    /// against. Deterministic like the passes.
    ///
    /// ```
    /// use logreg_linalg_core::{Dense, Design};
    ///
    /// let x = Design::from(Dense::new(vec![1.0, 2.0, 3.0, 4.0], 2, 2)?);
    /// assert_eq!(x.sum_all(x.all_rows()), 10.0);
    /// # Ok::<(), logreg_linalg_core::LinalgError>(())
    /// ```
    pub fn sum_all(&self, rows: Rows<'_>) -> f64 {
        if self.check_selection(&rows).is_err() {
            return f64::NAN;
        }
        fn dense<T: Real>(src: &Source<'_, T>) -> f64 {
            let n = src.len();
            let per = blocks::rows_per_block(src.d, std::mem::size_of::<T>());
            let map = |blk: usize| {
                let first = blk * per;
                blocks::sum_block(src, first, per.min(n - first))
            };
            blocks::tree_reduce(n.div_ceil(per), &map, &|a, b| a + b).unwrap_or(0.0)
        }
        match self {
            Design::Dense(x) => dense(&Self::dense_source(x, &rows)),
            Design::DenseF32(x) => dense(&Self::dense_source(x, &rows)),
            Design::Sparse(x) => {
                let src = Self::sparse_source(x, &rows);
                let bounds = src.pass_blocks();
                let map = |k: usize| sparse::sum_block(&src, bounds[k], bounds[k + 1] - bounds[k]);
                blocks::tree_reduce(bounds.len().saturating_sub(1), &map, &|a, b| a + b)
                    .unwrap_or(0.0)
            }
        }
    }
}
