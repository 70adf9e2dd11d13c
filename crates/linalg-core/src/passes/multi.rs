//! Passes with K outputs at once (one per class): the multinomial loss's logits and gradient.

use rayon::prelude::*;

use super::{check_len, fold_params, MultiPassSums, Rows};
use crate::blocks::{self, Source};
use crate::design::{Design, Real};
use crate::sparse;
use crate::LinalgError;

impl<'a> Design<'a> {
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
}
