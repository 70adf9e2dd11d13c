//! The row-block kernels behind a dense [`Design`](crate::Design)'s passes, for f64 and f32.
//!
//! A pass cuts the rows it visits into blocks of a fixed number of bytes, so the cut depends on the
//! data's shape only, never on the number of threads. Rayon processes the blocks in parallel and
//! [`tree_reduce`] combines their partial results along a binary tree fixed by the number of
//! blocks: a pass gives the same bits with one thread or many.
//!
//! Inside a block, samples go in small chunks: the chunk's logits (four samples at a time, sharing
//! each load of w), then the caller's per-sample work over the whole chunk as a loop over slices
//! (which vectorizes), then the chunk's share of the gradient or of the Gram matrix while its rows
//! are still in L1. Meanwhile prefetches bring in the chunk two ahead, a few lines after each group
//! of four rows, so that memory keeps streaming while the core computes. X is read from memory once per pass. When the pass visits a
//! selection of rows (a training split, a fold, a mini-batch), each chunk's rows are first gathered
//! into a small buffer, and the same code runs on it.
//!
//! f32 values are widened to f64 as they are loaded; every product and sum is in f64, so an f32
//! design is exactly the f64 design of its (rounded) values, read at half the bytes.
//!
//! On x86-64 CPUs with AVX2 (detected at run time) the same Rust code is compiled a second time
//! for 256-bit registers, and the logits are written with intrinsics. Neither version uses fused
//! multiply-add and both do the same operations in the same order, so they give identical bits;
//! the tests check it.

use crate::design::Real;

/// Bytes of X per parallel block: large enough to amortize scheduling, small enough for L2.
const BLOCK_BYTES: usize = 256 * 1024;
/// Bytes of X per chunk of a fused pass: eight samples of 50 f64 features. Small chunks interleave
/// memory traffic and arithmetic finely; measured best among 2–16 KiB on a 2-core EPYC.
const CHUNK_BYTES: usize = 4 * 1024;
/// How many chunks ahead a fused pass prefetches (measured: 1–2 best, 0 much worse).
const PF_CHUNKS: usize = 2;
/// Most samples in one chunk (the length of the stack buffers).
pub(crate) const MAX_CHUNK: usize = 128;
/// Bytes of the two padded copies of a chunk that the Gram tiles read again and again (24–96 KiB
/// measured within a few per cent of each other).
const GRAM_CHUNK_BYTES: usize = 48 * 1024;
/// Above this many parameters (padded to a multiple of 8) the Gram matrix goes through nalgebra's
/// GEMM instead of the triangular tiles, whose partial no longer stays in L2: on a 2-core EPYC the
/// tiles take half GEMM's time at p = 129 and 201, and 15% more at p = 256.
const GRAM_TILES_MAX: usize = 224;

/// Samples per parallel block for d features of `bytes` bytes each.
pub(crate) fn rows_per_block(d: usize, bytes: usize) -> usize {
    (BLOCK_BYTES / bytes / d.max(1)).max(16)
}

/// Samples per chunk of a fused pass for d features of `bytes` bytes: a multiple of 4 in
/// 4..=MAX_CHUNK.
fn chunk_rows(d: usize, bytes: usize) -> usize {
    (CHUNK_BYTES / bytes / d.max(1)).clamp(4, MAX_CHUNK) & !3
}

/// Tests set this to run the portable kernels on a CPU that has AVX2.
#[cfg(test)]
pub(crate) static FORCE_PORTABLE: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Whether the running CPU has AVX2 (the answer is cached by the standard library).
#[inline]
pub(crate) fn has_avx2() -> bool {
    #[cfg(test)]
    if FORCE_PORTABLE.load(std::sync::atomic::Ordering::Relaxed) {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `map(0) + map(1) + … + map(n − 1)`, evaluated in parallel and combined along a balanced binary
/// tree whose shape depends only on n; `None` for n = 0. The order of addition never depends on
/// the thread count, so a sum of fixed tasks has the same bits on any machine.
///
/// ```
/// let sum = logreg_linalg_core::tree_reduce(5, &|i| vec![i as f64, 1.0], &|mut a, b| {
///     a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
///     a
/// });
/// assert_eq!(sum, Some(vec![10.0, 5.0]));
/// ```
pub fn tree_reduce<T, M, A>(n: usize, map: &M, add: &A) -> Option<T>
where
    T: Send,
    M: Fn(usize) -> T + Sync,
    A: Fn(T, T) -> T + Sync,
{
    fn go<T, M, A>(lo: usize, hi: usize, map: &M, add: &A) -> T
    where
        T: Send,
        M: Fn(usize) -> T + Sync,
        A: Fn(T, T) -> T + Sync,
    {
        if hi - lo == 1 {
            return map(lo);
        }
        let mid = lo + (hi - lo) / 2;
        let (left, right) = rayon::join(|| go(lo, mid, map, add), || go(mid, hi, map, add));
        add(left, right)
    }
    (n > 0).then(|| go(0, n, map, add))
}

/// Σ v in a fixed order: four interleaved lanes, then the remainder.
#[inline(always)]
pub(crate) fn lane_sum(v: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let quads = v.chunks_exact(4);
    let rest = quads.remainder();
    for q in quads {
        for k in 0..4 {
            acc[k] += q[k];
        }
    }
    let mut total = (acc[0] + acc[2]) + (acc[1] + acc[3]);
    for x in rest {
        total += x;
    }
    total
}

/// Where a block's rows come from: the matrix's own rows in order, or rows gathered by index.
#[derive(Clone, Copy)]
pub(crate) struct Source<'x, T> {
    /// The whole matrix, row-major.
    pub(crate) data: &'x [T],
    /// Features per row.
    pub(crate) d: usize,
    /// Rows of the matrix (needed when d = 0).
    pub(crate) n: usize,
    /// The rows visited, in order; `None` for every row.
    pub(crate) sel: Option<&'x [usize]>,
}

impl<'x, T: Real> Source<'x, T> {
    /// Number of rows the pass visits.
    pub(crate) fn len(&self) -> usize {
        match self.sel {
            Some(s) => s.len(),
            None => self.n,
        }
    }

    /// Rows at positions `start..start + m` of the pass, contiguous: a slice of the matrix, or
    /// gathered into `buf` (which must hold `m·d` values).
    #[inline(always)]
    fn rows<'b>(&self, start: usize, m: usize, buf: &'b mut [T]) -> &'b [T]
    where
        'x: 'b,
    {
        let d = self.d;
        match self.sel {
            None => &self.data[start * d..(start + m) * d],
            Some(sel) => {
                for (k, &i) in sel[start..start + m].iter().enumerate() {
                    buf[k * d..(k + 1) * d].copy_from_slice(&self.data[i * d..(i + 1) * d]);
                }
                &buf[..m * d]
            }
        }
    }

    /// Ask for the rows at positions `start..start + m` (clipped to the pass) to come into cache.
    #[inline(always)]
    fn prefetch(&self, start: usize, m: usize) {
        let d = self.d;
        match self.sel {
            None => {
                let from = (start * d).min(self.data.len());
                let to = ((start + m) * d).min(self.data.len());
                prefetch(&self.data[from..to]);
            }
            Some(sel) => {
                for &i in sel.iter().skip(start).take(m) {
                    if let Some(row) = self.data.get(i * d..(i + 1) * d) {
                        prefetch(row);
                    }
                }
            }
        }
    }
}

/// A scratch buffer for gathered rows when the pass has a selection (empty otherwise).
fn gather_buffer<T: Real>(src: &Source<'_, T>, rows: usize) -> Vec<T> {
    if src.sel.is_some() {
        vec![T::default(); rows * src.d]
    } else {
        Vec::new()
    }
}

dispatch! {
    pub(crate) fn sum_block<T>(src: &Source<'_, T>, first: usize, n: usize) -> f64
    where {
        T: Real,
    } {
        // Sixteen lanes: enough independent additions to keep up with memory on any core.
        let mut acc = [0.0f64; 16];
        let mut tail = 0.0;
        let chunk = MAX_CHUNK;
        let mut buf = gather_buffer(src, chunk);
        let mut start = 0;
        while start < n {
            let m = chunk.min(n - start);
            let xs = src.rows(first + start, m, &mut buf);
            let groups = xs.chunks_exact(16);
            let rest = groups.remainder();
            for o in groups {
                for k in 0..16 {
                    acc[k] += o[k].to_f64();
                }
            }
            for x in rest {
                tail += x.to_f64();
            }
            start += m;
        }
        let mut half = [0.0f64; 8];
        for k in 0..8 {
            half[k] = acc[k] + acc[k + 8];
        }
        ((half[0] + half[4]) + (half[1] + half[5])) + ((half[2] + half[6]) + (half[3] + half[7]))
            + tail
    }
}

/// `((a0 + a4) + (a1 + a5)) + ((a2 + a6) + (a3 + a7))`, the fold of [`dot_real`].
#[inline(always)]
fn fold8(a: &[f64; 8]) -> f64 {
    ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]))
}

/// `acc[k] += x[k]·w[k]` for k < 8: one row's eight lanes, written per row so that the compiler
/// vectorizes along the lanes (two 256-bit registers) rather than across rows.
#[inline(always)]
fn lanes8<T: Real>(acc: &mut [f64; 8], x: &[T], w: &[f64]) {
    let (x, w) = (&x[..8], &w[..8]);
    for k in 0..8 {
        acc[k] += x[k].to_f64() * w[k];
    }
}

/// The dot product of a row and w with [`crate::dot`]'s eight accumulators and fold.
#[inline(always)]
pub(crate) fn dot_real<T: Real>(x: &[T], w: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let full = x.len() / 8 * 8;
    let mut j = 0;
    while j < full {
        lanes8(&mut acc, &x[j..j + 8], &w[j..j + 8]);
        j += 8;
    }
    let mut tail = 0.0;
    for (xj, wj) in x[full..].iter().zip(&w[full..]) {
        tail += xj.to_f64() * wj;
    }
    fold8(&acc) + tail
}

/// `z[k] = x_k·w + b` for the `z.len()` rows of d features in `xs`, each exactly
/// `dot_real(x_k, w) + b`; four rows at a time share each load of w.
#[inline(always)]
#[allow(unsafe_code)]
pub(crate) fn logits_rows<T: Real>(xs: &[T], d: usize, w: &[f64], b: f64, z: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU has AVX2, checked just above.
        unsafe { avx2::logits_rows(xs, d, w, b, z) };
        return;
    }
    logits_rows_portable(xs, d, w, b, z);
}

/// [`logits_rows`] in plain Rust.
#[inline(always)]
fn logits_rows_portable<T: Real>(xs: &[T], d: usize, w: &[f64], b: f64, z: &mut [f64]) {
    let full = d / 8 * 8;
    let quads = z.len() / 4;
    for q in 0..quads {
        let x = &xs[4 * q * d..4 * (q + 1) * d];
        let (x0, x) = x.split_at(d);
        let (x1, x) = x.split_at(d);
        let (x2, x3) = x.split_at(d);
        let (mut a0, mut a1, mut a2, mut a3) = ([0.0f64; 8], [0.0f64; 8], [0.0f64; 8], [0.0f64; 8]);
        let mut j = 0;
        while j < full {
            let wj = &w[j..j + 8];
            lanes8(&mut a0, &x0[j..j + 8], wj);
            lanes8(&mut a1, &x1[j..j + 8], wj);
            lanes8(&mut a2, &x2[j..j + 8], wj);
            lanes8(&mut a3, &x3[j..j + 8], wj);
            j += 8;
        }
        let mut tail = [0.0f64; 4];
        for j in full..d {
            tail[0] += x0[j].to_f64() * w[j];
            tail[1] += x1[j].to_f64() * w[j];
            tail[2] += x2[j].to_f64() * w[j];
            tail[3] += x3[j].to_f64() * w[j];
        }
        z[4 * q] = fold8(&a0) + tail[0] + b;
        z[4 * q + 1] = fold8(&a1) + tail[1] + b;
        z[4 * q + 2] = fold8(&a2) + tail[2] + b;
        z[4 * q + 3] = fold8(&a3) + tail[3] + b;
    }
    for k in 4 * quads..z.len() {
        z[k] = dot_real(&xs[k * d..(k + 1) * d], w) + b;
    }
}

dispatch! {
    pub(crate) fn logits_block<T>(
        src: &Source<'_, T>,
        first: usize,
        w: &[f64],
        b: f64,
        z: &mut [f64],
    ) -> ()
    where {
        T: Real,
    } {
        let d = src.d;
        let chunk = MAX_CHUNK;
        let mut buf = gather_buffer(src, chunk);
        let mut start = 0;
        while start < z.len() {
            let m = chunk.min(z.len() - start);
            let xs = src.rows(first + start, m, &mut buf);
            logits_rows(xs, d, w, b, &mut z[start..start + m]);
            start += m;
        }
    }
}

/// `g += Σ_k r[k]·x_k` over the `r.len()` rows of d features in `xs`, four rows at a time.
#[inline(always)]
fn axpy_rows<T: Real>(xs: &[T], d: usize, r: &[f64], g: &mut [f64]) {
    let quads = r.len() / 4;
    for q in 0..quads {
        let x = &xs[4 * q * d..4 * (q + 1) * d];
        let (x0, x) = x.split_at(d);
        let (x1, x) = x.split_at(d);
        let (x2, x3) = x.split_at(d);
        let (r0, r1, r2, r3) = (r[4 * q], r[4 * q + 1], r[4 * q + 2], r[4 * q + 3]);
        for ((((gj, a0), a1), a2), a3) in g.iter_mut().zip(x0).zip(x1).zip(x2).zip(x3) {
            *gj += (r0 * a0.to_f64() + r1 * a1.to_f64()) + (r2 * a2.to_f64() + r3 * a3.to_f64());
        }
    }
    for k in 4 * quads..r.len() {
        let rk = r[k];
        for (gj, xj) in g.iter_mut().zip(&xs[k * d..(k + 1) * d]) {
            *gj += rk * xj.to_f64();
        }
    }
}

/// Ask the CPU to bring `xs` into cache: one prefetch per 64-byte line (a hint that cannot fault).
#[inline(always)]
pub(crate) fn prefetch<T>(xs: &[T]) {
    #[cfg(target_arch = "x86_64")]
    prefetch_with::<{ std::arch::x86_64::_MM_HINT_T0 }, T>(xs);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = xs;
}

/// Like [`prefetch`], into the level-2 cache only (the L1 keeps what the core reuses).
#[inline(always)]
pub(crate) fn prefetch_l2<T>(xs: &[T]) {
    #[cfg(target_arch = "x86_64")]
    prefetch_with::<{ std::arch::x86_64::_MM_HINT_T1 }, T>(xs);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = xs;
}

/// One prefetch with hint `H` per 64-byte line of `xs`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(unsafe_code)]
fn prefetch_with<const H: i32, T>(xs: &[T]) {
    let bytes = std::mem::size_of_val(xs);
    let base = xs.as_ptr().cast::<i8>();
    let mut off = 0;
    while off < bytes {
        // SAFETY: prefetching is a hint without side effects, and the address lies inside `xs`.
        unsafe { std::arch::x86_64::_mm_prefetch::<H>(base.add(off)) };
        off += 64;
    }
}

/// The rows of a chunk ahead, prefetched a few lines at a time between pieces of work rather
/// than all at once: a burst of prefetches finds every line-fill buffer of the core taken and
/// stalls it, where a trickle overlaps with the arithmetic.
struct Ahead<'x, T> {
    /// The bytes still to prefetch (empty when there is nothing ahead).
    rest: &'x [T],
    /// Elements per step.
    per_step: usize,
}

impl<'x, T: Real> Ahead<'x, T> {
    /// The rows at positions `start..start + m` of the pass (clipped to it), to be prefetched
    /// over `steps` calls of [`step`](Self::step). A pass over a row selection prefetches its
    /// rows at once here instead (they are not one range).
    #[inline(always)]
    fn new(src: &Source<'x, T>, start: usize, m: usize, steps: usize) -> Self {
        let rest: &'x [T] = match src.sel {
            None => {
                let d = src.d;
                let from = (start * d).min(src.data.len());
                let to = ((start + m) * d).min(src.data.len());
                &src.data[from..to]
            }
            Some(_) => {
                src.prefetch(start, m);
                &[]
            }
        };
        let line = 64 / std::mem::size_of::<T>();
        let lines = rest.len().div_ceil(line);
        let per_step = lines.div_ceil(steps.max(1)) * line;
        Ahead { rest, per_step }
    }

    /// Prefetch the next few lines.
    #[inline(always)]
    fn step(&mut self) {
        let k = self.per_step.min(self.rest.len());
        let (now, rest) = self.rest.split_at(k);
        prefetch(now);
        self.rest = rest;
    }
}

/// What one block of a fused pass accumulates (see [`crate::PassSums`]).
pub(crate) struct BlockSums {
    pub(crate) value: f64,
    pub(crate) grad: Vec<f64>,
    pub(crate) grad_bias: f64,
}

impl BlockSums {
    /// Componentwise sum, reusing `self`'s storage.
    pub(crate) fn add(mut self, other: BlockSums) -> BlockSums {
        self.value += other.value;
        for (a, b) in self.grad.iter_mut().zip(&other.grad) {
            *a += b;
        }
        self.grad_bias += other.grad_bias;
        self
    }
}

dispatch! {
    pub(crate) fn pass_block<T, F>(
        src: &Source<'_, T>,
        first: usize,
        n: usize,
        w: &[f64],
        b: f64,
        per_chunk: &F,
    ) -> BlockSums
    where {
        T: Real,
        F: Fn(usize, &mut [f64], &mut [f64]),
    } {
        let d = src.d;
        let mut sums = BlockSums { value: 0.0, grad: vec![0.0; d], grad_bias: 0.0 };
        let chunk = chunk_rows(d, std::mem::size_of::<T>());
        let (mut zbuf, mut lbuf) = ([0.0f64; MAX_CHUNK], [0.0f64; MAX_CHUNK]);
        let mut buf = gather_buffer(src, chunk);
        let mut start = 0;
        while start < n {
            let m = chunk.min(n - start);
            let rows = src.rows(first + start, m, &mut buf);
            let (z, l) = (&mut zbuf[..m], &mut lbuf[..m]);
            // While this chunk is computed, the one PF_CHUNKS ahead comes in, a few lines after
            // each group of four rows: with the prefetches in flight, memory keeps streaming
            // instead of waiting for the next demand miss.
            let mut ahead = Ahead::new(src, first + start + PF_CHUNKS * chunk, m, 2 * m.div_ceil(4));
            // Group by group, the logits and the gradient are those of the whole chunk (each
            // group of four rows is summed on its own, in the same order).
            let mut q = 0;
            while q < m {
                let e = (q + 4).min(m);
                logits_rows(&rows[q * d..e * d], d, w, b, &mut z[q..e]);
                ahead.step();
                q = e;
            }
            l.fill(0.0);
            per_chunk(first + start, z, l);
            sums.value += lane_sum(l);
            sums.grad_bias += lane_sum(z);
            let mut q = 0;
            while q < m {
                let e = (q + 4).min(m);
                axpy_rows(&rows[q * d..e * d], d, &z[q..e], &mut sums.grad);
                ahead.step();
                q = e;
            }
            start += m;
        }
        sums
    }
}

/// A block's share of Σ cᵢ·x̃ᵢx̃ᵢᵀ (x̃ᵢ = xᵢ with a trailing 1 when there is an intercept) as a
/// `width × width` row-major matrix, width = p rounded up to a multiple of 8. Only the tiles on
/// or below the diagonal are accumulated; [`GramSums::to_matrix`] mirrors the lower triangle.
pub(crate) struct GramSums {
    width: usize,
    h: Vec<f64>,
}

impl GramSums {
    /// Entrywise sum, reusing `self`'s storage.
    pub(crate) fn add(mut self, other: GramSums) -> GramSums {
        for (a, b) in self.h.iter_mut().zip(&other.h) {
            *a += b;
        }
        self
    }

    /// The p × p symmetric matrix whose lower triangle this holds.
    pub(crate) fn to_matrix(&self, p: usize) -> nalgebra::DMatrix<f64> {
        let width = self.width;
        nalgebra::DMatrix::from_fn(p, p, |i, j| {
            let (a, b) = if i >= j { (i, j) } else { (j, i) };
            self.h[a * width + b]
        })
    }
}

/// Rows × columns of one Gram tile: 4 × 8 is eight independent 256-bit accumulators, enough to
/// hide the latency of the additions.
const TILE_ROWS: usize = 4;
const TILE_COLS: usize = 8;

/// Parameters padded to whole tiles.
fn padded(p: usize) -> usize {
    p.div_ceil(TILE_COLS) * TILE_COLS
}

/// Whether the Gram matrix of p parameters uses the triangular tiles (else GEMM).
pub(crate) fn gram_uses_tiles(p: usize) -> bool {
    padded(p) <= GRAM_TILES_MAX
}

/// Samples per Gram chunk: the two padded copies of the chunk fill about GRAM_CHUNK_BYTES.
fn gram_chunk_rows(width: usize) -> usize {
    (GRAM_CHUNK_BYTES / 16 / width.max(8)).clamp(4, MAX_CHUNK)
}

/// Adds the tiles on or below the diagonal of Σ_k u_k v_kᵀ over the `m` padded rows of `u` and
/// `v` to `h`; each entry is summed over k in order, then added to `h`.
#[inline(always)]
fn gram_tiles(u: &[f64], v: &[f64], m: usize, width: usize, h: &mut [f64]) {
    for a0 in (0..width).step_by(TILE_ROWS) {
        for b0 in (0..=a0).step_by(TILE_COLS) {
            let mut acc = [[0.0f64; TILE_COLS]; TILE_ROWS];
            for (ur, vr) in u.chunks_exact(width).zip(v.chunks_exact(width)).take(m) {
                let uk = &ur[a0..a0 + TILE_ROWS];
                let vk = &vr[b0..b0 + TILE_COLS];
                for i in 0..TILE_ROWS {
                    for j in 0..TILE_COLS {
                        acc[i][j] += uk[i] * vk[j];
                    }
                }
            }
            for (i, row) in acc.iter().enumerate() {
                let at = (a0 + i) * width + b0;
                for (hj, aj) in h[at..at + TILE_COLS].iter_mut().zip(row) {
                    *hj += aj;
                }
            }
        }
    }
}

dispatch! {
    pub(crate) fn gram_block<T, F>(
        src: &Source<'_, T>,
        first: usize,
        n: usize,
        wb: Option<(&[f64], f64)>,
        intercept: bool,
        weights: &F,
    ) -> GramSums
    where {
        T: Real,
        F: Fn(usize, &mut [f64]),
    } {
        let d = src.d;
        let p = d + usize::from(intercept);
        let width = padded(p);
        let mut h = vec![0.0; width * width];
        let chunk = gram_chunk_rows(width);
        let mut cbuf = [0.0f64; MAX_CHUNK];
        let mut buf = gather_buffer(src, chunk);
        // The chunk's samples padded with zeros to `width` (v), and the same scaled by cᵢ (u).
        let mut v = vec![0.0; chunk * width];
        let mut u = vec![0.0; chunk * width];
        let total = src.len();
        let mut start = 0;
        while start < n {
            let m = chunk.min(n - start);
            let rows = src.rows(first + start, m, &mut buf);
            let c = &mut cbuf[..m];
            match wb {
                Some((w, b)) => logits_rows(rows, d, w, b, c),
                None => c.fill(0.0),
            }
            weights(first + start, c);
            for (k, (vk, uk)) in v.chunks_exact_mut(width).zip(u.chunks_exact_mut(width)).take(m).enumerate() {
                for (vj, xj) in vk[..d].iter_mut().zip(&rows[k * d..(k + 1) * d]) {
                    *vj = xj.to_f64();
                }
                if intercept {
                    vk[d] = 1.0;
                }
                let ck = c[k];
                for (uj, vj) in uk.iter_mut().zip(vk.iter()) {
                    *uj = ck * vj;
                }
            }
            // The tiles take long enough for the next chunk to arrive meanwhile.
            if first + start + m < total {
                src.prefetch(first + start + m, chunk);
            }
            gram_tiles(&u, &v, m, width, &mut h);
            start += m;
        }
        GramSums { width, h }
    }
}

dispatch! {
    pub(crate) fn scaled_block<T, F>(
        src: &Source<'_, T>,
        first: usize,
        n: usize,
        wb: Option<(&[f64], f64)>,
        intercept: bool,
        weights: &F,
    ) -> nalgebra::DMatrix<f64>
    where {
        T: Real,
        F: Fn(usize, &mut [f64]),
    } {
        // Column k is x̃_k·√c_k, so that the block's share of the Gram matrix is T·Tᵀ.
        let d = src.d;
        let p = d + usize::from(intercept);
        let mut buf = gather_buffer(src, n);
        let xs = src.rows(first, n, &mut buf);
        let mut c = vec![0.0; n];
        if let Some((w, b)) = wb {
            logits_rows(xs, d, w, b, &mut c);
        }
        weights(first, &mut c);
        let mut t = nalgebra::DMatrix::<f64>::zeros(p, n);
        for (k, (dst, &ck)) in t.as_mut_slice().chunks_exact_mut(p.max(1)).zip(&c).enumerate() {
            let s = ck.sqrt();
            for (tj, xj) in dst.iter_mut().zip(&xs[k * d..(k + 1) * d]) {
                *tj = s * xj.to_f64();
            }
            if intercept {
                dst[d] = s;
            }
        }
        t
    }
}

/// Per-class logits of a chunk: `z[k·K + c] = x_k·W_c + b_c` for the m rows of `xs`, K classes
/// stored class after class in `w` (K × d) and `b`.
#[inline(always)]
pub(crate) fn multi_logits_rows<T: Real>(
    xs: &[T],
    d: usize,
    w: &[f64],
    b: &[f64],
    m: usize,
    z: &mut [f64],
) {
    let k = b.len();
    let mut col = [0.0f64; MAX_CHUNK];
    for c in 0..k {
        logits_rows(xs, d, &w[c * d..(c + 1) * d], b[c], &mut col[..m]);
        for (r, &v) in col[..m].iter().enumerate() {
            z[r * k + c] = v;
        }
    }
}

/// What one block of a multi-output pass accumulates.
pub(crate) struct MultiBlockSums {
    pub(crate) value: f64,
    /// K × d, class after class.
    pub(crate) grad: Vec<f64>,
    /// K.
    pub(crate) grad_bias: Vec<f64>,
}

impl MultiBlockSums {
    /// Componentwise sum, reusing `self`'s storage.
    pub(crate) fn add(mut self, other: MultiBlockSums) -> MultiBlockSums {
        self.value += other.value;
        for (a, b) in self.grad.iter_mut().zip(&other.grad) {
            *a += b;
        }
        for (a, b) in self.grad_bias.iter_mut().zip(&other.grad_bias) {
            *a += b;
        }
        self
    }
}

dispatch! {
    pub(crate) fn multi_pass_block<T, F>(
        src: &Source<'_, T>,
        first: usize,
        n: usize,
        w: &[f64],
        b: &[f64],
        per_chunk: &F,
    ) -> MultiBlockSums
    where {
        T: Real,
        F: Fn(usize, &mut [f64], &mut [f64]),
    } {
        let d = src.d;
        let k = b.len();
        let mut sums = MultiBlockSums { value: 0.0, grad: vec![0.0; k * d], grad_bias: vec![0.0; k] };
        let chunk = chunk_rows(d, std::mem::size_of::<T>());
        let mut zbuf = vec![0.0f64; chunk * k];
        let mut lbuf = [0.0f64; MAX_CHUNK];
        let mut rbuf = [0.0f64; MAX_CHUNK];
        let mut buf = gather_buffer(src, chunk);
        let total = src.len();
        let mut start = 0;
        while start < n {
            let m = chunk.min(n - start);
            let rows = src.rows(first + start, m, &mut buf);
            let z = &mut zbuf[..m * k];
            multi_logits_rows(rows, d, w, b, m, z);
            let ahead = first + start + PF_CHUNKS * chunk;
            if ahead < total {
                src.prefetch(ahead, m);
            }
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
                axpy_rows(rows, d, r, &mut sums.grad[c * d..(c + 1) * d]);
            }
            start += m;
        }
        sums
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    //! The logits by hand: left to itself the compiler vectorizes four rows' dot products across
    //! the rows, with a shuffle per load, instead of along each row.

    use std::arch::x86_64::{
        __m256d, _mm256_add_pd, _mm256_cvtps_pd, _mm256_loadu_pd, _mm256_mul_pd, _mm256_setzero_pd,
        _mm256_storeu_pd, _mm_loadu_ps,
    };

    use crate::design::Real;

    /// Four values from the start of `s` (which has at least four), widened to f64.
    ///
    /// # Safety
    /// The CPU must have AVX2 and `s` at least four elements.
    #[inline(always)]
    unsafe fn load4<T: Real>(s: &[T]) -> __m256d {
        debug_assert!(s.len() >= 4);
        if std::mem::size_of::<T>() == 8 {
            // SAFETY: T is f64 (the only 8-byte Real) and s holds four of them.
            unsafe { _mm256_loadu_pd(s.as_ptr().cast::<f64>()) }
        } else {
            // SAFETY: T is f32 (the only 4-byte Real) and s holds four of them; widening to f64
            // is exact, like `to_f64`.
            unsafe { _mm256_cvtps_pd(_mm_loadu_ps(s.as_ptr().cast::<f32>())) }
        }
    }

    /// Four f64 from the start of `s`.
    ///
    /// # Safety
    /// The CPU must have AVX2 and `s` at least four elements.
    #[inline(always)]
    unsafe fn load4w(s: &[f64]) -> __m256d {
        debug_assert!(s.len() >= 4);
        // SAFETY: the caller guarantees four elements.
        unsafe { _mm256_loadu_pd(s.as_ptr()) }
    }

    /// [`super::logits_rows_portable`], the same operations in the same order: `dot_real`'s
    /// eight lanes acc[0..8] are `lo` (lanes 0–3) and `hi` (4–7), so `lo + hi` holds
    /// `acc[k] + acc[k + 4]` and its lanes are folded as `(s0 + s1) + (s2 + s3)`.
    ///
    /// # Safety
    /// The CPU must have AVX2; `xs` holds `z.len()` rows of `d` values and `w` has `d` entries.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn logits_rows<T: Real>(
        xs: &[T],
        d: usize,
        w: &[f64],
        b: f64,
        z: &mut [f64],
    ) {
        let full = d / 8 * 8;
        let quads = z.len() / 4;
        for q in 0..quads {
            let x = &xs[4 * q * d..4 * (q + 1) * d];
            let rows = [&x[..d], &x[d..2 * d], &x[2 * d..3 * d], &x[3 * d..4 * d]];
            let mut lo = [_mm256_setzero_pd(); 4];
            let mut hi = [_mm256_setzero_pd(); 4];
            let mut j = 0;
            while j < full {
                // SAFETY: j + 8 ≤ full ≤ d, so every load has four elements; AVX2 is present.
                unsafe {
                    let (wl, wh) = (load4w(&w[j..j + 4]), load4w(&w[j + 4..j + 8]));
                    for r in 0..4 {
                        let (xl, xh) = (load4(&rows[r][j..j + 4]), load4(&rows[r][j + 4..j + 8]));
                        lo[r] = _mm256_add_pd(lo[r], _mm256_mul_pd(xl, wl));
                        hi[r] = _mm256_add_pd(hi[r], _mm256_mul_pd(xh, wh));
                    }
                }
                j += 8;
            }
            for r in 0..4 {
                let mut s = [0.0f64; 4];
                // SAFETY: `s` has room for four f64; AVX2 is present.
                unsafe { _mm256_storeu_pd(s.as_mut_ptr(), _mm256_add_pd(lo[r], hi[r])) };
                let mut tail = 0.0;
                for (xj, wj) in rows[r][full..].iter().zip(&w[full..d]) {
                    tail += xj.to_f64() * wj;
                }
                z[4 * q + r] = ((s[0] + s[1]) + (s[2] + s[3])) + tail + b;
            }
        }
        for k in 4 * quads..z.len() {
            z[k] = super::dot_real(&xs[k * d..(k + 1) * d], w) + b;
        }
    }
}
