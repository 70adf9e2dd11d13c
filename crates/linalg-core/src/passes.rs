//! The passes a loss needs, for every storage: logits, one fused value-and-gradient pass, the
//! weighted Gram matrix (a Hessian), their multi-output forms (one logit per class), column
//! moments, and the read floor. Each reads X once, in fixed blocks summed in a fixed order, so its
//! result is the same bits whatever the number of threads.

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;

use crate::blocks::{self, Source};
use crate::design::{ColumnScaling, Dense, Design, Real};
use crate::sparse::{self, SparseSource};
use crate::LinalgError;

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

    /// K outputs at once (one per class): for each row, `zᵢₖ = xᵢ·Wₖ + bₖ` with `w` holding K
    /// rows of d (class after class) and `b` K intercepts; `per_chunk(first, z, l)` receives the
    /// chunk's logits row-major (m × K), overwrites them with residuals rᵢₖ and writes lᵢ into
    /// `l`. Returns Σ l, Σ rᵢₖ·xᵢ (K × d) and Σ rᵢₖ (K).
    pub fn multi_pass<F>(
        &self,
        rows: Rows<'_>,
        w: &[f64],
        b: &[f64],
        per_chunk: F,
    ) -> Result<MultiPassSums, LinalgError>
    where
        F: Fn(usize, &mut [f64], &mut [f64]) + Sync,
    {
        self.check_selection(&rows)?;
        let (k, d) = (b.len(), self.n_cols());
        check_len("multi-output pass (W: K × d)", k * d, w.len())?;
        fn dense<T: Real, F>(
            src: &Source<'_, T>,
            w: &[f64],
            b: &[f64],
            f: &F,
        ) -> Option<blocks::MultiBlockSums>
        where
            F: Fn(usize, &mut [f64], &mut [f64]) + Sync,
        {
            let n = src.len();
            let per = blocks::rows_per_block(src.d, std::mem::size_of::<T>());
            let map = |blk: usize| {
                let first = blk * per;
                blocks::multi_pass_block(src, first, per.min(n - first), w, b, f)
            };
            blocks::tree_reduce(n.div_ceil(per), &map, &blocks::MultiBlockSums::add)
        }
        let sums = match self {
            Design::Dense(x) => dense(&Self::dense_source(x, &rows), w, b, &per_chunk),
            Design::DenseF32(x) => dense(&Self::dense_source(x, &rows), w, b, &per_chunk),
            Design::Sparse(x) => {
                let src = Self::sparse_source(x, &rows);
                let folded: Option<(Vec<f64>, Vec<f64>)> = x.scaling().map(|s| {
                    let mut wf = Vec::with_capacity(k * d);
                    let mut bf = Vec::with_capacity(k);
                    for c in 0..k {
                        let (wc, bc) = fold_params(s, &w[c * d..(c + 1) * d], b[c]);
                        wf.extend(wc);
                        bf.push(bc);
                    }
                    (wf, bf)
                });
                let (wf, bf) = folded.as_ref().map_or((w, b), |(w, b)| (&w[..], &b[..]));
                let bounds = src.pass_blocks();
                let map = |kb: usize| {
                    sparse::multi_pass_block(
                        &src,
                        bounds[kb],
                        bounds[kb + 1] - bounds[kb],
                        wf,
                        bf,
                        &per_chunk,
                    )
                };
                let sums = blocks::tree_reduce(
                    bounds.len().saturating_sub(1),
                    &map,
                    &blocks::MultiBlockSums::add,
                );
                sums.map(|mut s| {
                    if let Some(sc) = x.scaling() {
                        for c in 0..k {
                            let rb = s.grad_bias[c];
                            for (j, g) in s.grad[c * d..(c + 1) * d].iter_mut().enumerate() {
                                *g = sc.scale[j] * (*g - sc.shift[j] * rb);
                            }
                        }
                    }
                    s
                })
            }
        };
        Ok(match sums {
            Some(s) => MultiPassSums {
                value: s.value,
                grad: s.grad,
                grad_bias: s.grad_bias,
            },
            None => MultiPassSums {
                value: 0.0,
                grad: vec![0.0; k * d],
                grad_bias: vec![0.0; k],
            },
        })
    }

    /// Per-class logits `zᵢₖ = xᵢ·Wₖ + bₖ` into `out` (rows × K, row-major).
    pub fn multi_logits(
        &self,
        rows: Rows<'_>,
        w: &[f64],
        b: &[f64],
        out: &mut [f64],
    ) -> Result<(), LinalgError> {
        self.check_selection(&rows)?;
        let (k, d) = (b.len(), self.n_cols());
        check_len("multi-output logits (W: K × d)", k * d, w.len())?;
        check_len(
            "multi-output logits (output: rows × K)",
            rows.len() * k,
            out.len(),
        )?;
        if k == 0 {
            return Ok(());
        }
        fn dense<T: Real>(src: &Source<'_, T>, w: &[f64], b: &[f64], out: &mut [f64]) {
            let k = b.len();
            let per = blocks::MAX_CHUNK;
            out.par_chunks_mut(per * k)
                .enumerate()
                .for_each(|(blk, zs)| {
                    let first = blk * per;
                    let m = zs.len() / k;
                    let mut buf = vec![T::default(); if src.sel.is_some() { m * src.d } else { 0 }];
                    let xs: &[T] = match src.sel {
                        None => &src.data[first * src.d..(first + m) * src.d],
                        Some(sel) => {
                            for (r, &i) in sel[first..first + m].iter().enumerate() {
                                buf[r * src.d..(r + 1) * src.d]
                                    .copy_from_slice(&src.data[i * src.d..(i + 1) * src.d]);
                            }
                            &buf
                        }
                    };
                    blocks::multi_logits_rows(xs, src.d, w, b, m, zs);
                });
        }
        match self {
            Design::Dense(x) => dense(&Self::dense_source(x, &rows), w, b, out),
            Design::DenseF32(x) => dense(&Self::dense_source(x, &rows), w, b, out),
            Design::Sparse(x) => {
                let src = Self::sparse_source(x, &rows);
                let folded: Option<(Vec<f64>, Vec<f64>)> = x.scaling().map(|s| {
                    let mut wf = Vec::with_capacity(k * d);
                    let mut bf = Vec::with_capacity(k);
                    for c in 0..k {
                        let (wc, bc) = fold_params(s, &w[c * d..(c + 1) * d], b[c]);
                        wf.extend(wc);
                        bf.push(bc);
                    }
                    (wf, bf)
                });
                let (wf, bf) = folded.as_ref().map_or((w, b), |(w, b)| (&w[..], &b[..]));
                let per = 256;
                out.par_chunks_mut(per * k)
                    .enumerate()
                    .for_each(|(blk, zs)| {
                        sparse::multi_logits_block(&src, blk * per, wf, bf, zs);
                    });
            }
        }
        Ok(())
    }

    /// Means and variances of the columns over the rows of the pass, each row weighted by
    /// `weights` (one per row visited; all 1 when `None`). Computed as weighted sums of x and x²
    /// about a first-row reference, in the fixed blocks of a pass.
    pub fn column_moments(
        &self,
        rows: Rows<'_>,
        weights: Option<&[f64]>,
    ) -> Result<Moments, LinalgError> {
        self.check_selection(&rows)?;
        if let Some(s) = weights {
            check_len("column moments (weights)", rows.len(), s.len())?;
        }
        let d = self.n_cols();
        let n = rows.len();
        let weight = |pos: usize| weights.map_or(1.0, |s| s[pos]);
        let total: f64 = (0..n).map(weight).sum();
        if n == 0 || total <= 0.0 {
            return Ok(Moments {
                mean: vec![0.0; d],
                var: vec![0.0; d],
            });
        }
        // Shifted sums (about the first visited row) keep a dense column's variance accurate when
        // its mean is far from zero; sparse columns are summed about 0 (their implicit zeros then
        // contribute nothing) and mapped through the standardization, if any, at the end.
        let reference: Vec<f64> = match self {
            Design::Sparse(_) => vec![0.0; d],
            Design::Dense(x) => x.row(rows.row_at(0)).unwrap_or(&[]).to_vec(),
            Design::DenseF32(x) => x
                .row(rows.row_at(0))
                .unwrap_or(&[])
                .iter()
                .map(|v| f64::from(*v))
                .collect(),
        };
        let per = 4096;
        let map = |blk: usize| {
            let mut s1 = vec![0.0; d];
            let mut s2 = vec![0.0; d];
            for pos in blk * per..((blk + 1) * per).min(n) {
                let i = rows.row_at(pos);
                let wi = weight(pos);
                match self {
                    Design::Dense(x) => {
                        accumulate_row(x.row(i).unwrap_or(&[]), &reference, wi, &mut s1, &mut s2)
                    }
                    Design::DenseF32(x) => {
                        accumulate_row(x.row(i).unwrap_or(&[]), &reference, wi, &mut s1, &mut s2)
                    }
                    Design::Sparse(x) => {
                        let (idx, val) = x.row(i);
                        for (&j, &v) in idx.iter().zip(val) {
                            s1[j as usize] += wi * v;
                            s2[j as usize] += wi * v * v;
                        }
                    }
                }
            }
            (s1, s2)
        };
        let add = |(mut a1, mut a2): (Vec<f64>, Vec<f64>), (b1, b2): (Vec<f64>, Vec<f64>)| {
            for (x, y) in a1.iter_mut().zip(&b1) {
                *x += y;
            }
            for (x, y) in a2.iter_mut().zip(&b2) {
                *x += y;
            }
            (a1, a2)
        };
        let (s1, s2) = blocks::tree_reduce(n.div_ceil(per), &map, &add)
            .unwrap_or_else(|| (vec![0.0; d], vec![0.0; d]));
        let (shift, scale) = match self {
            Design::Sparse(x) => match x.scaling() {
                Some(sc) => (sc.shift.clone(), sc.scale.clone()),
                None => (vec![0.0; d], vec![1.0; d]),
            },
            _ => (vec![0.0; d], vec![1.0; d]),
        };
        let mut mean = vec![0.0; d];
        let mut var = vec![0.0; d];
        for j in 0..d {
            let m = s1[j] / total;
            mean[j] = (reference[j] + m - shift[j]) * scale[j];
            var[j] = (s2[j] / total - m * m).max(0.0) * scale[j] * scale[j];
        }
        Ok(Moments { mean, var })
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

/// Most parameters (features plus intercept) for which a sparse design forms a dense Gram matrix.
pub const MAX_SPARSE_GRAM: usize = 4096;

fn accumulate_row<T: Real>(x: &[T], reference: &[f64], w: f64, s1: &mut [f64], s2: &mut [f64]) {
    for (j, v) in x.iter().enumerate() {
        let t = v.to_f64() - reference[j];
        s1[j] += w * t;
        s2[j] += w * t * t;
    }
}

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
