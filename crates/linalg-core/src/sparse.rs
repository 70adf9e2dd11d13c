//! The kernels behind a CSR [`Design`](crate::Design)'s passes.
//!
//! Rows are cut into blocks by their number of stored values (each block at least
//! [`BLOCK_NNZ`] values, and at least [`GRAD_REUSE`] · d, so that summing the blocks' gradient
//! vectors costs little next to the pass), processed in parallel and combined by the same fixed
//! tree as the dense passes: the cut depends on the data only, so results do not depend on the
//! number of threads. Inside a block, rows go in chunks: the chunk's logits (a gather of w per
//! stored value), the caller's per-sample work on the chunk, then a scatter of each residual into
//! the block's gradient.
//!
//! Where the time goes (200 000 × 50 000, 75 values a row, 2 cores, stop 26): a logits-only pass
//! runs at the speed of reading the CSR arrays; a gradient pass takes about twice as long, the
//! difference being the scatter's read-modify-write of random entries of the block's d-long
//! partial. Measured and not kept, each within the VM's ±10 % noise or slower: AVX2 gathers
//! (`vgatherdpd`) for the row dot product; w and the gradient interleaved in one table (so that
//! the logits bring the scatter's line into L1); chunks cut by stored values (4–64 rows, 32 is
//! best); prefetching the gradient's lines during the logits; loading four gradient entries
//! before storing them.
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

/// `Σ_k x_k·w_k` over one row's stored values, four accumulators in a fixed order (value k goes to
/// accumulator k mod 4; the rest after the last whole four, in order).
#[inline(always)]
fn row_dot(idx: &[u32], val: &[f64], w: &[f64]) -> f64 {
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

/// `g[j] += r·x_j` over one row's stored values, four at a time.
#[inline(always)]
fn row_axpy(idx: &[u32], val: &[f64], r: f64, g: &mut [f64]) {
    let (qi, qv) = (idx.chunks_exact(4), val[..idx.len()].chunks_exact(4));
    let (ri, rv) = (qi.remainder(), qv.remainder());
    for (i4, v4) in qi.zip(qv) {
        for l in 0..4 {
            g[i4[l] as usize] += r * v4[l];
        }
    }
    for (&j, &v) in ri.iter().zip(rv) {
        g[j as usize] += r * v;
    }
}

/// Logits of the rows at positions `first..first + z.len()`, prefetching rows [`PF_ROWS`] ahead.
pub(crate) fn logits_block(src: &SparseSource<'_>, first: usize, w: &[f64], b: f64, z: &mut [f64]) {
    for (k, zk) in z.iter_mut().enumerate() {
        src.prefetch_row(first + k + PF_ROWS);
        let (idx, val) = src.row(first + k);
        *zk = row_dot(idx, val, w) + b;
    }
}

/// What one block of a sparse pass accumulates: Σ l, Σ r·x (d long), Σ r.
pub(crate) fn pass_block<F>(
    src: &SparseSource<'_>,
    first: usize,
    n: usize,
    w: &[f64],
    b: f64,
    per_chunk: &F,
) -> crate::blocks::BlockSums
where
    F: Fn(usize, &mut [f64], &mut [f64]),
{
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
        logits_block(src, first + start, w, b, z);
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
