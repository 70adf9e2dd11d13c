//! The weighted Gram matrix (a logistic Hessian) of every storage.

use nalgebra::DMatrix;

use super::{check_len, fold_params, Rows};
use crate::blocks::{self, Source};
use crate::design::{ColumnScaling, Design, Real};
use crate::sparse;
use crate::LinalgError;

impl<'a> Design<'a> {
    /// The weighted Gram matrix Σ cᵢ·x̃ᵢx̃ᵢᵀ over the rows of the pass (x̃ᵢ = xᵢ with a trailing 1
    /// when `intercept`), with the weights computed in the same pass: `weights(first, c)` receives
    /// the logits `xᵢ·w + b` of pass positions `first..first + c.len()` (zeros when `wb` is
    /// `None`) and overwrites each with cᵢ ≥ 0. With cᵢ = σ(zᵢ)σ(−zᵢ) this is a logistic Hessian
    /// reading X once; exactly symmetric, the same bits whatever the threads.
    ///
    /// A sparse design with more than [`MAX_SPARSE_GRAM`] parameters is refused (the dense p × p
    /// result would not fit); solvers use Hessian-vector products there.
    ///
    /// ```
    /// use logreg_linalg_core::{Dense, Design};
    /// use nalgebra::DMatrix;
    ///
    /// let x = Design::from(Dense::new(vec![1.0, 2.0], 2, 1)?);
    /// // cᵢ = zᵢ = 2xᵢ: [Σ 2x³, Σ 2x²; Σ 2x², Σ 2x] with the intercept.
    /// let h = x.fused_gram(x.all_rows(), Some((&[2.0], 0.0)), true, |_, _z| {})?;
    /// assert_eq!(h, DMatrix::from_row_slice(2, 2, &[18.0, 10.0, 10.0, 6.0]));
    /// # Ok::<(), logreg_linalg_core::LinalgError>(())
    /// ```
    pub fn fused_gram<F>(
        &self,
        rows: Rows<'_>,
        wb: Option<(&[f64], f64)>,
        intercept: bool,
        weights: F,
    ) -> Result<DMatrix<f64>, LinalgError>
    where
        F: Fn(usize, &mut [f64]) + Sync,
    {
        self.check_selection(&rows)?;
        if let Some((w, _)) = wb {
            check_len("fused Gram (w)", self.n_cols(), w.len())?;
        }
        let d = self.n_cols();
        let p = d + usize::from(intercept);
        if p == 0 {
            return Ok(DMatrix::zeros(0, 0));
        }
        Ok(match self {
            Design::Dense(x) => dense_gram(&Self::dense_source(x, &rows), wb, intercept, &weights),
            Design::DenseF32(x) => {
                dense_gram(&Self::dense_source(x, &rows), wb, intercept, &weights)
            }
            Design::Sparse(x) => {
                if p > MAX_SPARSE_GRAM {
                    return Err(LinalgError::TooWide {
                        operation: "sparse Gram matrix",
                        n_params: p,
                        limit: MAX_SPARSE_GRAM,
                    });
                }
                let src = Self::sparse_source(x, &rows);
                let folded = match (x.scaling(), wb) {
                    (Some(s), Some((w, b))) => Some(fold_params(s, w, b)),
                    _ => None,
                };
                let wbf = match (&folded, wb) {
                    (Some((w, b)), _) => Some((&w[..], *b)),
                    (None, wb) => wb,
                };
                // With a standardization the raw Gram needs the intercept row (Σcx, Σc).
                let raw_intercept = intercept || x.scaling().is_some();
                let pr = d + usize::from(raw_intercept);
                let bounds = src.gram_blocks();
                let map = |k: usize| {
                    sparse::gram_block(
                        &src,
                        bounds[k],
                        bounds[k + 1] - bounds[k],
                        wbf,
                        raw_intercept,
                        &weights,
                    )
                };
                let add = |mut a: Vec<f64>, b: Vec<f64>| {
                    for (x, y) in a.iter_mut().zip(&b) {
                        *x += y;
                    }
                    a
                };
                let h = blocks::tree_reduce(bounds.len().saturating_sub(1), &map, &add)
                    .unwrap_or_else(|| vec![0.0; pr * pr]);
                let raw = DMatrix::from_fn(pr, pr, |i, j| {
                    let (a, b) = if i >= j { (i, j) } else { (j, i) };
                    h[a * pr + b]
                });
                match x.scaling() {
                    None => raw,
                    Some(s) => standardized_gram(&raw, s, intercept),
                }
            }
        })
    }

    /// [`fused_gram`](Self::fused_gram) with weights given (one per row of the pass).
    pub fn weighted_gram(
        &self,
        rows: Rows<'_>,
        c: &[f64],
        intercept: bool,
    ) -> Result<DMatrix<f64>, LinalgError> {
        check_len("weighted Gram (weights)", rows.len(), c.len())?;
        debug_assert!(c.iter().all(|&v| v >= 0.0));
        self.fused_gram(rows, None, intercept, |first, cs: &mut [f64]| {
            cs.copy_from_slice(&c[first..first + cs.len()]);
        })
    }
}

/// Most parameters (features plus intercept) for which a sparse design forms a dense Gram matrix.
pub const MAX_SPARSE_GRAM: usize = 4096;

fn dense_gram<T: Real, F>(
    src: &Source<'_, T>,
    wb: Option<(&[f64], f64)>,
    intercept: bool,
    weights: &F,
) -> DMatrix<f64>
where
    F: Fn(usize, &mut [f64]) + Sync,
{
    let d = src.d;
    let p = d + usize::from(intercept);
    let n = src.len();
    let per = blocks::rows_per_block(d, std::mem::size_of::<T>());
    if blocks::gram_uses_tiles(p) {
        let map = |blk: usize| {
            let first = blk * per;
            blocks::gram_block(src, first, per.min(n - first), wb, intercept, weights)
        };
        return match blocks::tree_reduce(n.div_ceil(per), &map, &blocks::GramSums::add) {
            Some(g) => g.to_matrix(p),
            None => DMatrix::zeros(p, p),
        };
    }
    // Wide data: segments of at least 2p samples, so that forming each segment's p × p share by
    // GEMM is worth its cost, and few of them are alive at once in the tree.
    let seg = per.max(2 * p);
    let map = |s: usize| {
        let (first, m) = (s * seg, seg.min(n - s * seg));
        let t = blocks::scaled_block(src, first, m, wb, intercept, weights);
        &t * t.transpose()
    };
    blocks::tree_reduce(n.div_ceil(seg), &map, &|a, b| a + b)
        .unwrap_or_else(|| DMatrix::zeros(p, p))
}

/// The Gram matrix of standardized columns from the raw one (which has the intercept row/column
/// last: Σcx and Σc): `H'ⱼₖ = σⱼσₖ(Gⱼₖ − μⱼuₖ − μₖuⱼ + μⱼμₖs)`, `H'ⱼ,b = σⱼ(uⱼ − μⱼs)`.
fn standardized_gram(raw: &DMatrix<f64>, s: &ColumnScaling, intercept: bool) -> DMatrix<f64> {
    let d = s.scale.len();
    let p = d + usize::from(intercept);
    let (u, c) = (raw.row(d).columns(0, d).transpose(), raw[(d, d)]);
    DMatrix::from_fn(p, p, |i, j| match (i < d, j < d) {
        (true, true) => {
            s.scale[i]
                * s.scale[j]
                * (raw[(i, j)] - s.shift[i] * u[j] - s.shift[j] * u[i]
                    + s.shift[i] * s.shift[j] * c)
        }
        (true, false) => s.scale[i] * (u[i] - s.shift[i] * c),
        (false, true) => s.scale[j] * (u[j] - s.shift[j] * c),
        (false, false) => c,
    })
}
