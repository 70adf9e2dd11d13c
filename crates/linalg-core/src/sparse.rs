//! The kernels behind a CSR [`Design`](crate::Design)'s passes.
//!
//! Rows are cut into blocks by their number of stored values (each block at least
//! [`BLOCK_NNZ`] values, and at least [`GRAD_REUSE`] · d, so that summing the blocks' gradient
//! vectors costs little next to the pass), processed in parallel and combined by the same fixed
//! tree as the dense passes: the cut depends on the data only, so results do not depend on the
//! number of threads. Inside a block, rows go in chunks: the chunk's logits (a gather of w per
//! stored value, four at a time with AVX2's `vgatherdpd` when the CPU has it), the caller's
//! per-sample work on the chunk, then a scatter of each residual into the block's gradient.
//!
//! Where the time goes (200 000 × 50 000, 75 values a row, 2 cores): a logits-only pass runs at
//! the speed of reading the arrays; a gradient pass takes about twice as long, the difference
//! being the scatter's read-modify-write of random entries of the d-long partial. Measured and
//! rejected: w and the gradient interleaved in one table (so that the logits bring the scatter's
//! line into L1), chunks cut by stored values (4–64 rows), prefetching the gradient's lines during
//! the logits — each as slow or slower.
//!
//! These kernels see the raw stored values; an implicit standardization
//! ([`crate::ColumnScaling`]) is folded into the parameters before a pass and into its sums after
//! (see `passes.rs`).

use crate::blocks::{lane_sum, prefetch_l2, MAX_CHUNK};

/// Fewest stored values per parallel block.
const BLOCK_NNZ: usize = 32 * 1024;
/// Each block holds at least this many stored values per column, so that the blocks' d-long
/// gradient partials are few next to the values read: each is a fresh allocation (pages the
/// kernel clears, when d is large) and a d-long addition in the reduction. At 8, the RCV1-like
/// pass (37 partials of 400 KB) spent a seventh of its time clearing pages; at 32 it has 10
/// blocks, still enough to keep several cores busy.
const GRAD_REUSE: usize = 32;
/// Most blocks of a Gram pass (each holds a p × p partial).
const GRAM_BLOCKS: usize = 8;
/// Rows per chunk: a chunk's indices and values (about 12 bytes a stored value) stay in L1
/// between its logits and its scatter.
const CHUNK: usize = 32;
/// How many rows ahead of the logits a pass prefetches the stored values (into L2, leaving L1
/// to the chunk and the hot parts of w and the gradient): between the gathers of w and the
/// scatters, the hardware prefetcher alone lets the stream stall.
const PF_ROWS: usize = 16;

/// What a sparse pass reads: the CSR arrays and the rows it visits.
#[derive(Clone, Copy)]
pub(crate) struct SparseSource<'x> {
    pub(crate) indptr: &'x [usize],
    pub(crate) indices: &'x [u32],
    pub(crate) values: &'x [f64],
    pub(crate) d: usize,
    pub(crate) sel: Option<&'x [usize]>,
}

impl<'x> SparseSource<'x> {
    /// Number of rows the pass visits.
    pub(crate) fn len(&self) -> usize {
        match self.sel {
            Some(s) => s.len(),
            None => self.indptr.len() - 1,
        }
    }

    /// The file row at pass position `pos`.
    #[inline(always)]
    fn row_index(&self, pos: usize) -> usize {
        match self.sel {
            Some(s) => s[pos],
            None => pos,
        }
    }

    /// Stored indices and values of the row at pass position `pos`.
    #[inline(always)]
    fn row(&self, pos: usize) -> (&'x [u32], &'x [f64]) {
        let i = self.row_index(pos);
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// Ask for the stored indices and values of the row at pass position `pos` (if there is one)
    /// to come into cache.
    #[inline(always)]
    fn prefetch_row(&self, pos: usize) {
        if pos < self.len() {
            let (idx, val) = self.row(pos);
            prefetch_l2(idx);
            prefetch_l2(val);
        }
    }

    /// Block boundaries over pass positions: `bounds[k]..bounds[k + 1]` is block k. Each block
    /// holds at least `min_nnz` stored values (the last may hold fewer); empty for no rows.
    pub(crate) fn blocks(&self, min_nnz: usize) -> Vec<usize> {
        let n = self.len();
        let mut bounds = vec![0];
        let mut acc = 0usize;
        for pos in 0..n {
            let i = self.row_index(pos);
            // Empty rows still cost a little: count each row as at least one value.
            acc += (self.indptr[i + 1] - self.indptr[i]).max(1);
            if acc >= min_nnz {
                bounds.push(pos + 1);
                acc = 0;
            }
        }
        if *bounds.last().unwrap_or(&0) != n {
            bounds.push(n);
        }
        if n == 0 {
            bounds.clear();
        }
        bounds
    }

    /// Blocks of a gradient pass.
    pub(crate) fn pass_blocks(&self) -> Vec<usize> {
        self.blocks(BLOCK_NNZ.max(GRAD_REUSE * self.d))
    }

    /// Blocks of a Gram pass: at most [`GRAM_BLOCKS`].
    pub(crate) fn gram_blocks(&self) -> Vec<usize> {
        let total: usize = (0..self.len())
            .map(|pos| {
                let i = self.row_index(pos);
                (self.indptr[i + 1] - self.indptr[i]).max(1)
            })
            .sum();
        self.blocks(BLOCK_NNZ.max(total.div_ceil(GRAM_BLOCKS)))
    }
}

/// `Σ_k x_k·w_{j_k}` over one row's stored values `(j_k, x_k)`, four accumulators in a fixed order
/// (value k goes to accumulator k mod 4; the rest after the last whole four, in order), so the
/// AVX2 gathers and the portable loop give the same bits.
#[inline(always)]
#[allow(unsafe_code)]
fn row_dot(idx: &[u32], val: &[f64], w: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if can_gather(w.len()) && val.len() >= idx.len() {
        // SAFETY: just checked: the CPU has AVX2, `w` holds between 1 and i32::MAX entries and
        // `val` is at least as long as `idx`.
        return unsafe { avx2::row_dot(idx, val, w) };
    }
    let mut acc = [0.0f64; 4];
    let (qi, qv) = (idx.chunks_exact(4), val[..idx.len()].chunks_exact(4));
    let (ri, rv) = (qi.remainder(), qv.remainder());
    for (i4, v4) in qi.zip(qv) {
        for l in 0..4 {
            acc[l] += v4[l] * w[i4[l] as usize];
        }
    }
    let mut tail = 0.0;
    for (&j, &v) in ri.iter().zip(rv) {
        tail += v * w[j as usize];
    }
    (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail
}

/// Whether [`row_dot`] may gather from a w of `len` entries: the CPU has AVX2, and every index
/// the gathers form (at most `len − 1`) fits the instruction's signed 32-bit lanes.
#[inline(always)]
fn can_gather(len: usize) -> bool {
    crate::blocks::has_avx2() && len >= 1 && len <= i32::MAX as usize
}

/// Logits of the rows at positions `first..first + z.len()`, prefetching rows [`PF_ROWS`] ahead.
#[inline(always)]
fn logits_rows(src: &SparseSource<'_>, first: usize, w: &[f64], b: f64, z: &mut [f64]) {
    for (k, zk) in z.iter_mut().enumerate() {
        src.prefetch_row(first + k + PF_ROWS);
        let (idx, val) = src.row(first + k);
        *zk = row_dot(idx, val, w) + b;
    }
}

dispatch! {
    /// [`logits_rows`], compiled for AVX2 when the CPU has it (the gathers are then inlined).
    pub(crate) fn logits_block(src: &SparseSource<'_>, first: usize, w: &[f64], b: f64, z: &mut [f64]) -> () {
        logits_rows(src, first, w, b, z);
    }
}

dispatch! {
    /// What one block of a sparse pass accumulates: Σ l, Σ r·x (d long), Σ r.
    pub(crate) fn pass_block<F>(
        src: &SparseSource<'_>,
        first: usize,
        n: usize,
        w: &[f64],
        b: f64,
        per_chunk: &F,
    ) -> crate::blocks::BlockSums
    where {
        F: Fn(usize, &mut [f64], &mut [f64]),
    } {
        let mut sums = crate::blocks::BlockSums {
            value: 0.0,
            grad: vec![0.0; src.d],
            grad_bias: 0.0,
        };
        let (mut zbuf, mut lbuf) = ([0.0f64; MAX_CHUNK], [0.0f64; MAX_CHUNK]);
        let mut start = 0;
        while start < n {
            let m = CHUNK.min(n - start);
            let (z, l) = (&mut zbuf[..m], &mut lbuf[..m]);
            logits_rows(src, first + start, w, b, z);
            l.fill(0.0);
            per_chunk(first + start, z, l);
            sums.value += lane_sum(l);
            sums.grad_bias += lane_sum(z);
            for (k, &r) in z.iter().enumerate() {
                let (idx, val) = src.row(first + start + k);
                row_axpy(idx, val, r, &mut sums.grad);
            }
            start += m;
        }
        sums
    }
}

/// `g[j] += r·x_j` over one row's stored values, four at a time: the four entries of g are
/// loaded before any is stored (a row's columns are distinct), so that no load waits on the
/// store before it.
#[inline(always)]
fn row_axpy(idx: &[u32], val: &[f64], r: f64, g: &mut [f64]) {
    let (qi, qv) = (idx.chunks_exact(4), val[..idx.len()].chunks_exact(4));
    let (ri, rv) = (qi.remainder(), qv.remainder());
    for (i4, v4) in qi.zip(qv) {
        let (j0, j1, j2, j3) = (
            i4[0] as usize,
            i4[1] as usize,
            i4[2] as usize,
            i4[3] as usize,
        );
        let (a0, a1, a2, a3) = (g[j0], g[j1], g[j2], g[j3]);
        g[j0] = a0 + r * v4[0];
        g[j1] = a1 + r * v4[1];
        g[j2] = a2 + r * v4[2];
        g[j3] = a3 + r * v4[3];
    }
    for (&j, &v) in ri.iter().zip(rv) {
        g[j as usize] += r * v;
    }
}

/// A block's share of Σ cᵢ·x̃ᵢx̃ᵢᵀ as a full p × p row-major matrix (lower triangle filled), with
/// x̃ᵢ = xᵢ plus a trailing 1 when `intercept`.
pub(crate) fn gram_block<F>(
    src: &SparseSource<'_>,
    first: usize,
    n: usize,
    wb: Option<(&[f64], f64)>,
    intercept: bool,
    weights: &F,
) -> Vec<f64>
where
    F: Fn(usize, &mut [f64]),
{
    let d = src.d;
    let p = d + usize::from(intercept);
    let mut h = vec![0.0; p * p];
    let mut cbuf = [0.0f64; MAX_CHUNK];
    let mut start = 0;
    while start < n {
        let m = CHUNK.min(n - start);
        let c = &mut cbuf[..m];
        match wb {
            Some((w, b)) => logits_block(src, first + start, w, b, c),
            None => c.fill(0.0),
        }
        weights(first + start, c);
        for (k, &ck) in c.iter().enumerate() {
            let (idx, val) = src.row(first + start + k);
            for (a, (&ja, &va)) in idx.iter().zip(val).enumerate() {
                let cva = ck * va;
                let row = &mut h[ja as usize * p..];
                for (&jb, &vb) in idx[..=a].iter().zip(&val[..=a]) {
                    row[jb as usize] += cva * vb;
                }
                if intercept {
                    h[d * p + ja as usize] += cva;
                }
            }
            if intercept {
                h[d * p + d] += ck;
            }
        }
        start += m;
    }
    h
}

/// Per-class logits of the rows at positions `first..first + m` into `z` (m × K).
fn multi_logits(
    src: &SparseSource<'_>,
    first: usize,
    m: usize,
    w: &[f64],
    b: &[f64],
    z: &mut [f64],
) {
    let (k, d) = (b.len(), src.d);
    for r in 0..m {
        let (idx, val) = src.row(first + r);
        for c in 0..k {
            z[r * k + c] = row_dot(idx, val, &w[c * d..(c + 1) * d]) + b[c];
        }
    }
}

/// Per-class logits of the rows at positions `first..first + z.len() / K`.
pub(crate) fn multi_logits_block(
    src: &SparseSource<'_>,
    first: usize,
    w: &[f64],
    b: &[f64],
    z: &mut [f64],
) {
    let m = z.len() / b.len().max(1);
    multi_logits(src, first, m, w, b, z);
}

/// What one block of a sparse multi-output pass accumulates.
pub(crate) fn multi_pass_block<F>(
    src: &SparseSource<'_>,
    first: usize,
    n: usize,
    w: &[f64],
    b: &[f64],
    per_chunk: &F,
) -> crate::blocks::MultiBlockSums
where
    F: Fn(usize, &mut [f64], &mut [f64]),
{
    let (k, d) = (b.len(), src.d);
    let mut sums = crate::blocks::MultiBlockSums {
        value: 0.0,
        grad: vec![0.0; k * d],
        grad_bias: vec![0.0; k],
    };
    let mut zbuf = vec![0.0f64; CHUNK * k];
    let mut lbuf = [0.0f64; MAX_CHUNK];
    let mut rbuf = [0.0f64; MAX_CHUNK];
    let mut start = 0;
    while start < n {
        let m = CHUNK.min(n - start);
        let z = &mut zbuf[..m * k];
        multi_logits(src, first + start, m, w, b, z);
        let l = &mut lbuf[..m];
        l.fill(0.0);
        per_chunk(first + start, z, l);
        sums.value += lane_sum(l);
        for c in 0..k {
            let r = &mut rbuf[..m];
            for (row, rv) in r.iter_mut().enumerate() {
                *rv = z[row * k + c];
            }
            sums.grad_bias[c] += lane_sum(r);
        }
        for row in 0..m {
            let (idx, val) = src.row(first + start + row);
            for c in 0..k {
                let rc = z[row * k + c];
                let g = &mut sums.grad[c * d..(c + 1) * d];
                for (&j, &v) in idx.iter().zip(val) {
                    g[j as usize] += rc * v;
                }
            }
        }
        start += m;
    }
    sums
}

/// The floor of a sparse pass: every stored value and index of the block read once.
pub(crate) fn sum_block(src: &SparseSource<'_>, first: usize, n: usize) -> f64 {
    let mut acc = [0.0f64; 4];
    let mut idx_sum = 0u64;
    for pos in first..first + n {
        let (idx, val) = src.row(pos);
        for v in val.chunks(4) {
            for (a, x) in acc.iter_mut().zip(v) {
                *a += x;
            }
        }
        for &j in idx {
            idx_sum = idx_sum.wrapping_add(u64::from(j));
        }
    }
    // The index sum is folded in (times zero) so the compiler cannot skip reading the indices.
    (acc[0] + acc[2]) + (acc[1] + acc[3]) + 0.0 * idx_sum as f64
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    //! The sparse dot product with AVX2 gathers: four stored values at a time, lane l holding
    //! the portable loop's accumulator l.

    use std::arch::x86_64::{
        __m128i, _mm256_add_pd, _mm256_i32gather_pd, _mm256_loadu_pd, _mm256_mul_pd,
        _mm256_setzero_pd, _mm256_storeu_pd, _mm_loadu_si128, _mm_min_epu32, _mm_set1_epi32,
    };

    /// [`super::row_dot`] with one `vgatherdpd` per four stored values, the same operations in
    /// the same order (lane l is accumulator l, folded as `(a0 + a2) + (a1 + a3)`).
    ///
    /// Each column index is clamped to w's last entry before it is used, so no gather reads
    /// outside `w` whatever the indices; a CSR matrix checked on construction has every index
    /// below its column count (= w's length, checked by every pass), so for it the clamp never
    /// changes an index.
    ///
    /// # Safety
    /// The CPU must have AVX2; `w` must hold between 1 and `i32::MAX` entries, and `val` at least
    /// `idx.len()`.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(super) unsafe fn row_dot(idx: &[u32], val: &[f64], w: &[f64]) -> f64 {
        let n = idx.len();
        debug_assert!(val.len() >= n && !w.is_empty() && w.len() <= i32::MAX as usize);
        let full = n / 4 * 4;
        let last = _mm_set1_epi32((w.len() - 1) as i32);
        let mut acc = _mm256_setzero_pd();
        let mut k = 0;
        while k < full {
            // SAFETY: k + 4 ≤ full ≤ n ≤ val.len(), so both loads are inside `idx` and `val`;
            // every clamped index is at most w.len() − 1, so the gather reads inside `w`.
            unsafe {
                let j4 = _mm_loadu_si128(idx.as_ptr().add(k).cast::<__m128i>());
                let wv = _mm256_i32gather_pd::<8>(w.as_ptr(), _mm_min_epu32(j4, last));
                let v = _mm256_loadu_pd(val.as_ptr().add(k));
                acc = _mm256_add_pd(acc, _mm256_mul_pd(v, wv));
            }
            k += 4;
        }
        let mut tail = 0.0;
        for (&j, &v) in idx[full..].iter().zip(&val[full..n]) {
            tail += v * w[j as usize];
        }
        let mut s = [0.0f64; 4];
        // SAFETY: `s` has room for four f64.
        unsafe { _mm256_storeu_pd(s.as_mut_ptr(), acc) };
        (s[0] + s[2]) + (s[1] + s[3]) + tail
    }
}
