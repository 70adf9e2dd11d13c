//! Numerical kernels for logistic regression: an exact sigmoid and softplus, dot products, the two
//! matrix–vector products a loss needs (`X·w`, `Xᵀ·r`), and fused passes that read X once.
//!
//! Everything here is written from logits. `sigmoid` evaluates `exp` only of non-positive numbers,
//! so it cannot overflow; `softplus(z) = max(z, 0) + ln(1 + e^{−|z|})` gives `ln σ(z) = −softplus(−z)`
//! and `ln(1 − σ(z)) = −softplus(z)` exactly even for |z| = 1e300.
//!
//! ```
//! use logreg_linalg_core::{sigmoid, log_sigmoid, softplus};
//! assert_eq!(sigmoid(0.0), 0.5);
//! assert_eq!(sigmoid(f64::INFINITY), 1.0);
//! assert_eq!(log_sigmoid(-1e300), -1e300);     // ln σ(−1e300), where σ itself underflows to 0
//! assert_eq!(softplus(0.0), std::f64::consts::LN_2);
//! ```
//!
//! The fused kernels work on a [`SampleMajor`] copy of the design matrix, one contiguous slice per
//! sample, and split the samples into fixed blocks that are processed in parallel (rayon) and summed
//! in block order, so results are bit-identical whatever the number of threads.

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;

/// Compile `$body` twice, as plain Rust and for AVX2, and run the AVX2 one when the CPU has it.
/// The body must not depend on which version runs (it is the same source either way).
macro_rules! dispatch {
    ($(#[$meta:meta])* $vis:vis fn $name:ident $(<$($g:ident),*>)? ($($arg:ident : $ty:ty),* $(,)?) -> $ret:ty
        $(where { $($bound:tt)* })? { $($body:tt)* }) => {
        $(#[$meta])*
        #[allow(clippy::too_many_arguments)]
        $vis fn $name $(<$($g),*>)? ($($arg: $ty),*) -> $ret $(where $($bound)*)? {
            #[inline(always)]
            #[allow(clippy::too_many_arguments)]
            fn body $(<$($g),*>)? ($($arg: $ty),*) -> $ret $(where $($bound)*)? { $($body)* }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            #[allow(clippy::too_many_arguments)]
            fn avx2 $(<$($g),*>)? ($($arg: $ty),*) -> $ret $(where $($bound)*)? {
                body($($arg),*)
            }

            #[cfg(target_arch = "x86_64")]
            if $crate::blocks::has_avx2() {
                // SAFETY: the CPU reported AVX2 just above.
                return unsafe { avx2($($arg),*) };
            }
            body($($arg),*)
        }
    };
}

mod blocks;
mod vector_math;

pub use vector_math::{
    sigmoid_curvature, sigmoid_curvature_in_place, softplus_sigmoid, softplus_sigmoid_in_place,
};

/// Errors from the kernels: the inputs' shapes do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinalgError {
    /// Two operands that must have matching lengths do not.
    #[error("length mismatch in {operation}: expected {expected}, found {found}")]
    LengthMismatch {
        /// Which operation and operand.
        operation: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// A row index is outside the matrix.
    #[error("row index {row} out of range for {n_rows} rows")]
    RowOutOfRange {
        /// The offending index.
        row: usize,
        /// Number of rows available.
        n_rows: usize,
    },
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

/// The logistic function σ(z) = 1 / (1 + e^{−z}), to within a few ulps over all of f64.
///
/// `exp` is only ever taken of a non-positive number, so nothing overflows; σ(±∞) = 1 / 0.
#[inline]
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// softplus(z) = ln(1 + e^z), computed as `max(z, 0) + ln_1p(e^{−|z|})`: exact for every finite z.
#[inline]
pub fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// ln σ(z) = −softplus(−z), exact where σ(z) itself would underflow.
#[inline]
pub fn log_sigmoid(z: f64) -> f64 {
    -softplus(-z)
}

/// ln(1 − σ(z)) = −softplus(z), exact where 1 − σ(z) would round to 0.
#[inline]
pub fn log_one_minus_sigmoid(z: f64) -> f64 {
    -softplus(z)
}

/// σ applied to every element of `z`.
pub fn sigmoid_vec(z: &DVector<f64>) -> DVector<f64> {
    z.map(sigmoid)
}

/// σ applied to every element of `z` in place.
pub fn sigmoid_in_place(z: &mut [f64]) {
    for v in z {
        *v = sigmoid(*v);
    }
}

/// Dot product of two equally long slices.
pub fn dot(a: &[f64], b: &[f64]) -> Result<f64, LinalgError> {
    check_len("dot", a.len(), b.len())?;
    Ok(dot_unchecked(a, b))
}

/// Dot product without the length check (lengths must be equal; extra elements are ignored).
///
/// Eight independent accumulators let the compiler vectorize and hide add latency; the summation
/// order is fixed, so the result is deterministic.
#[inline]
fn dot_unchecked(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f64; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// `y += alpha · x` over equally long slices.
#[inline]
fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    debug_assert_eq!(x.len(), y.len());
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// `X·w` for an n × d matrix X and a length-d vector w.
pub fn mul_vec(x: &DMatrix<f64>, w: &DVector<f64>) -> Result<DVector<f64>, LinalgError> {
    check_len("X·w (w)", x.ncols(), w.len())?;
    Ok(x * w)
}

/// `Xᵀ·r` for an n × d matrix X and a length-n vector r.
pub fn tr_mul_vec(x: &DMatrix<f64>, r: &DVector<f64>) -> Result<DVector<f64>, LinalgError> {
    check_len("Xᵀ·r (r)", x.nrows(), r.len())?;
    Ok(x.tr_mul(r))
}

/// A design matrix stored one sample after another (row-major), so a pass over samples reads
/// memory in order and each sample is one contiguous slice.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleMajor {
    /// Features × samples, column-major: column i is sample i.
    data: DMatrix<f64>,
}

/// What one fused pass accumulates: Σ lᵢ, Σ rᵢ·xᵢ and Σ rᵢ.
#[derive(Debug, Clone, PartialEq)]
pub struct PassSums {
    /// Σ lᵢ, the per-sample values returned by the closure.
    pub value: f64,
    /// Σ rᵢ·xᵢ, length d.
    pub grad: DVector<f64>,
    /// Σ rᵢ, the gradient with respect to the intercept.
    pub grad_bias: f64,
}

impl PassSums {
    fn zeros(d: usize) -> Self {
        PassSums {
            value: 0.0,
            grad: DVector::zeros(d),
            grad_bias: 0.0,
        }
    }
}

impl SampleMajor {
    /// Copy an n × d matrix (one sample per row) into sample-major order.
    pub fn from_rows(x: &DMatrix<f64>) -> Self {
        Self::transpose_checked(x).0
    }

    /// [`from_rows`](Self::from_rows), or `None` when an element is NaN or ±∞ (checked during the
    /// copy, so valid data is read once).
    pub fn from_rows_if_finite(x: &DMatrix<f64>) -> Option<Self> {
        let (s, finite) = Self::transpose_checked(x);
        finite.then_some(s)
    }

    /// The transpose, in parallel tiles of consecutive samples (each tile's columns are read as
    /// contiguous runs and its output stays in cache), and whether every element is finite.
    fn transpose_checked(x: &DMatrix<f64>) -> (Self, bool) {
        /// Samples per tile: 256 × d doubles of output stay in L2 while d runs of 2 KiB are read.
        const TILE: usize = 256;
        let (n, d) = x.shape();
        let src = x.as_slice();
        // Zeroed by the allocator without touching the pages (calloc), so the advice still counts.
        let mut data = vec![0.0; n * d];
        advise_huge_pages(data.as_mut_ptr() as usize, std::mem::size_of_val(&data[..]));
        let finite = if d == 0 {
            true
        } else {
            data.par_chunks_mut(TILE * d)
                .enumerate()
                .map(|(t, out)| {
                    let (i0, m) = (t * TILE, out.len() / d);
                    let mut finite = true;
                    for j in 0..d {
                        let col = &src[j * n + i0..j * n + i0 + m];
                        for (k, &v) in col.iter().enumerate() {
                            out[k * d + j] = v;
                            finite &= v.is_finite();
                        }
                    }
                    finite
                })
                .reduce(|| true, |a, b| a && b)
        };
        let s = SampleMajor {
            data: DMatrix::from_vec(d, n, data),
        };
        (s, finite)
    }

    /// Number of samples n.
    pub fn n_samples(&self) -> usize {
        self.data.ncols()
    }

    /// Number of features d.
    pub fn n_features(&self) -> usize {
        self.data.nrows()
    }

    /// The features of sample `i`, or `None` past the end.
    pub fn sample(&self, i: usize) -> Option<&[f64]> {
        let d = self.n_features();
        self.data.as_slice().get(i * d..(i + 1) * d)
    }

    /// The whole matrix as one slice, sample after sample.
    pub fn as_slice(&self) -> &[f64] {
        self.data.as_slice()
    }

    /// Back to an n × d matrix with one sample per row.
    pub fn to_rows(&self) -> DMatrix<f64> {
        self.data.transpose()
    }

    /// Samples `first..first + n`, one after another.
    fn rows(&self, first: usize, n: usize) -> &[f64] {
        let d = self.n_features();
        &self.data.as_slice()[first * d..(first + n) * d]
    }

    /// The parallel blocks: how many, and (first sample, number of samples) of block `blk`.
    fn n_blocks(&self) -> usize {
        self.n_samples()
            .div_ceil(blocks::rows_per_block(self.n_features()))
    }

    fn block(&self, blk: usize) -> (usize, usize) {
        let rows = blocks::rows_per_block(self.n_features());
        let first = blk * rows;
        (first, rows.min(self.n_samples() - first))
    }

    /// The sum of every element of X, read in the same parallel blocks as a fused pass and
    /// combined in a fixed order: the cheapest possible pass over the data, so the floor that
    /// [`fused_pass`](Self::fused_pass) is measured against. Deterministic like the passes.
    ///
    /// ```
    /// use logreg_linalg_core::SampleMajor;
    /// use nalgebra::DMatrix;
    ///
    /// let x = SampleMajor::from_rows(&DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]));
    /// assert_eq!(x.sum_all(), 10.0);
    /// ```
    pub fn sum_all(&self) -> f64 {
        let map = |blk: usize| {
            let (first, n) = self.block(blk);
            blocks::sum_block(self.rows(first, n))
        };
        blocks::tree_reduce(self.n_blocks(), &map, &|a, b| a + b).unwrap_or(0.0)
    }

    /// `x_i·w + b` for every sample (each exactly `dot(x_i, w) + b`).
    pub fn logits(&self, w: &[f64], b: f64) -> Result<DVector<f64>, LinalgError> {
        check_len("logits (w)", self.n_features(), w.len())?;
        let d = self.n_features();
        let mut z = vec![0.0; self.n_samples()];
        let rows = blocks::rows_per_block(d);
        z.par_chunks_mut(rows).enumerate().for_each(|(blk, zs)| {
            blocks::logits_block(self.rows(blk * rows, zs.len()), d, w, b, zs);
        });
        Ok(DVector::from_vec(z))
    }

    /// One pass over X: for each sample i, `z = x_i·w + b`, `(l, r) = per_sample(i, z)`; returns
    /// Σ l, Σ r·x_i and Σ r.
    ///
    /// This is the whole work of a logistic value-and-gradient evaluation, reading X once. When
    /// the per-sample work can run as a loop over a slice,
    /// [`fused_pass_chunks`](Self::fused_pass_chunks) lets it vectorize.
    pub fn fused_pass<F>(&self, w: &[f64], b: f64, per_sample: F) -> Result<PassSums, LinalgError>
    where
        F: Fn(usize, f64) -> (f64, f64) + Sync,
    {
        self.fused_pass_chunks(w, b, |first, z, l| {
            for (k, (zk, lk)) in z.iter_mut().zip(l.iter_mut()).enumerate() {
                let (value, residual) = per_sample(first + k, *zk);
                *zk = residual;
                *lk = value;
            }
        })
    }

    /// [`fused_pass`](Self::fused_pass) a chunk of consecutive samples at a time:
    /// `per_chunk(first, z, l)` receives the logits `z` of samples `first..first + z.len()`,
    /// overwrites each with that sample's residual rᵢ and writes its value lᵢ into `l` (which
    /// starts zeroed). Returns Σ l, Σ r·x_i and Σ r.
    ///
    /// X is cut into blocks of a fixed size (chunks are pieces of a block), processed in parallel
    /// and combined in a fixed order, so the result is the same bits whatever the number of threads.
    ///
    /// ```
    /// use logreg_linalg_core::SampleMajor;
    /// use nalgebra::DMatrix;
    ///
    /// let x = SampleMajor::from_rows(&DMatrix::from_row_slice(3, 1, &[1.0, 2.0, 3.0]));
    /// // l = z², r = 1: Σ z² and Σ x.
    /// let sums = x.fused_pass_chunks(&[2.0], 0.0, |_, z, l| {
    ///     for (zi, li) in z.iter_mut().zip(l.iter_mut()) {
    ///         *li = *zi * *zi;
    ///         *zi = 1.0;
    ///     }
    /// })?;
    /// assert_eq!((sums.value, sums.grad[0], sums.grad_bias), (56.0, 6.0, 3.0));
    /// # Ok::<(), logreg_linalg_core::LinalgError>(())
    /// ```
    pub fn fused_pass_chunks<F>(
        &self,
        w: &[f64],
        b: f64,
        per_chunk: F,
    ) -> Result<PassSums, LinalgError>
    where
        F: Fn(usize, &mut [f64], &mut [f64]) + Sync,
    {
        check_len("fused pass (w)", self.n_features(), w.len())?;
        let d = self.n_features();
        let map = |blk: usize| {
            let (first, n) = self.block(blk);
            let ahead = &self.data.as_slice()[first * d..];
            blocks::pass_block(self.rows(first, n), ahead, d, first, n, w, b, &per_chunk)
        };
        Ok(
            match blocks::tree_reduce(self.n_blocks(), &map, &blocks::BlockSums::add) {
                Some(s) => PassSums {
                    value: s.value,
                    grad: DVector::from_vec(s.grad),
                    grad_bias: s.grad_bias,
                },
                None => PassSums::zeros(d),
            },
        )
    }

    /// [`fused_pass`](Self::fused_pass) restricted to the given rows (a mini-batch), in their order.
    pub fn fused_pass_rows<F>(
        &self,
        rows: &[usize],
        w: &[f64],
        b: f64,
        per_sample: F,
    ) -> Result<PassSums, LinalgError>
    where
        F: Fn(usize, f64) -> (f64, f64),
    {
        check_len("fused pass (w)", self.n_features(), w.len())?;
        let n = self.n_samples();
        if let Some(&row) = rows.iter().find(|&&r| r >= n) {
            return Err(LinalgError::RowOutOfRange { row, n_rows: n });
        }
        let d = self.n_features();
        let xs = self.data.as_slice();
        let mut sums = PassSums::zeros(d);
        let g = sums.grad.as_mut_slice();
        for &i in rows {
            let xi = &xs[i * d..(i + 1) * d];
            let (l, r) = per_sample(i, dot_unchecked(xi, w) + b);
            sums.value += l;
            sums.grad_bias += r;
            axpy(r, xi, g);
        }
        Ok(sums)
    }

    /// The weighted Gram matrix Σ cᵢ·x̃ᵢx̃ᵢᵀ, where x̃ᵢ is sample i with a trailing 1 appended when
    /// `intercept` is true. Every `c_i` must be ≥ 0 (it is the Hessian of a convex loss). The
    /// result is exactly symmetric and the same bits whatever the number of threads.
    pub fn weighted_gram(&self, c: &[f64], intercept: bool) -> Result<DMatrix<f64>, LinalgError> {
        check_len("weighted Gram (weights)", self.n_samples(), c.len())?;
        debug_assert!(c.iter().all(|&v| v >= 0.0));
        Ok(self.gram_with(None, intercept, &|first, cs: &mut [f64]| {
            cs.copy_from_slice(&c[first..first + cs.len()]);
        }))
    }

    /// The weighted Gram matrix Σ cᵢ·x̃ᵢx̃ᵢᵀ with the weights computed from the logits in the same
    /// pass over X: `weights(first, z)` receives `z = x_i·w + b` for samples
    /// `first..first + z.len()` and overwrites each with cᵢ ≥ 0. With cᵢ = σ(zᵢ)σ(−zᵢ) this is a
    /// logistic Hessian reading X once; exactly symmetric, the same bits whatever the threads.
    ///
    /// ```
    /// use logreg_linalg_core::SampleMajor;
    /// use nalgebra::DMatrix;
    ///
    /// let x = SampleMajor::from_rows(&DMatrix::from_row_slice(2, 1, &[1.0, 2.0]));
    /// // cᵢ = zᵢ = 2xᵢ: [Σ 2x³, Σ 2x²; Σ 2x², Σ 2x] with the intercept.
    /// let h = x.fused_gram(&[2.0], 0.0, true, |_, z| {})?;
    /// assert_eq!(h, DMatrix::from_row_slice(2, 2, &[18.0, 10.0, 10.0, 6.0]));
    /// # Ok::<(), logreg_linalg_core::LinalgError>(())
    /// ```
    pub fn fused_gram<F>(
        &self,
        w: &[f64],
        b: f64,
        intercept: bool,
        weights: F,
    ) -> Result<DMatrix<f64>, LinalgError>
    where
        F: Fn(usize, &mut [f64]) + Sync,
    {
        check_len("fused Gram (w)", self.n_features(), w.len())?;
        Ok(self.gram_with(Some((w, b)), intercept, &weights))
    }

    fn gram_with<F>(&self, wb: Option<(&[f64], f64)>, intercept: bool, weights: &F) -> DMatrix<f64>
    where
        F: Fn(usize, &mut [f64]) + Sync,
    {
        let d = self.n_features();
        let p = d + usize::from(intercept);
        if p == 0 {
            return DMatrix::zeros(0, 0);
        }
        if blocks::gram_uses_tiles(p) {
            let map = |blk: usize| {
                let (first, n) = self.block(blk);
                let ahead = &self.data.as_slice()[first * d..];
                blocks::gram_block(
                    self.rows(first, n),
                    ahead,
                    d,
                    first,
                    n,
                    wb,
                    intercept,
                    weights,
                )
            };
            return match blocks::tree_reduce(self.n_blocks(), &map, &blocks::GramSums::add) {
                Some(g) => g.to_matrix(p),
                None => DMatrix::zeros(p, p),
            };
        }
        // Wide data: segments of at least 2p samples, so that forming each segment's p × p share
        // by GEMM is worth its cost, and few of them are alive at once in the tree.
        let n = self.n_samples();
        let seg = blocks::rows_per_block(d).max(2 * p);
        let map = |s: usize| {
            let (first, m) = (s * seg, seg.min(n - s * seg));
            let t = blocks::scaled_block(self.rows(first, m), d, first, m, wb, intercept, weights);
            &t * t.transpose()
        };
        blocks::tree_reduce(n.div_ceil(seg), &map, &|a, b| a + b)
            .unwrap_or_else(|| DMatrix::zeros(p, p))
    }
}

/// An empty vector with room for `len` values whose memory Linux is asked to back with
/// transparent huge pages, for large buffers that are filled once (a feature matrix, a copy of X):
/// their first touch then faults 2 MiB at a time instead of 4 KiB, which at hundreds of megabytes
/// is most of the cost of filling them. Elsewhere, or where the kernel declines, a plain vector.
///
/// ```
/// let mut v = logreg_linalg_core::vec_with_capacity_huge(1000);
/// v.extend((0..1000).map(f64::from));
/// assert_eq!(v[999], 999.0);
/// ```
pub fn vec_with_capacity_huge(len: usize) -> Vec<f64> {
    let mut v = Vec::with_capacity(len);
    let spare = v.spare_capacity_mut();
    advise_huge_pages(spare.as_mut_ptr() as usize, std::mem::size_of_val(spare));
    v
}

/// `MADV_HUGEPAGE` on the 2 MiB-aligned part of `[start, start + bytes)`, a region the caller owns
/// and has not touched yet. Advice only: it never changes the contents, and a refusal is ignored.
#[cfg(target_os = "linux")]
fn advise_huge_pages(start: usize, bytes: usize) {
    const HUGE: usize = 2 << 20;
    if bytes < 4 * HUGE {
        return;
    }
    let first = (start + HUGE - 1) & !(HUGE - 1);
    let end = (start + bytes) & !(HUGE - 1);
    if end > first {
        // SAFETY: [first, end) lies inside a live allocation the caller owns and is page aligned;
        // MADV_HUGEPAGE changes how the kernel backs the pages, never their contents.
        unsafe {
            libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
        }
    }
}

/// Elsewhere there is no such advice to give.
#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_start: usize, _bytes: usize) {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sigmoid_limits_and_symmetry_points() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(sigmoid(f64::INFINITY), 1.0);
        assert_eq!(sigmoid(f64::NEG_INFINITY), 0.0);
        assert_eq!(sigmoid(1e300), 1.0);
        assert_eq!(sigmoid(-1e300), 0.0);
        assert_eq!(sigmoid(f64::MAX), 1.0);
        assert_eq!(sigmoid(-f64::MAX), 0.0);
        // Deep in the tail σ(z) ≈ e^z with full relative precision (no 1 − x cancellation).
        let z: f64 = -700.0;
        assert!((sigmoid(z) / z.exp() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn sigmoid_within_a_few_ulps_of_high_precision_values() {
        // σ(z) from mpmath at 50 digits, rounded to f64: python3 -c "import mpmath as m;
        // m.mp.dps=50; print([float(1/(1+m.exp(-m.mpf(z)))) for z in (1,-1,5,-20,36.5,-36.5)])"
        let cases = [
            (1.0, 0.731_058_578_630_004_9),
            (-1.0, 0.268_941_421_369_995_1),
            (5.0, 0.993_307_149_075_715_2),
            (-20.0, 2.061_153_618_190_203_7e-9),
            (36.5, 0.999_999_999_999_999_9),
            (-36.5, 1.406_861_712_446_146_7e-16),
        ];
        for (z, want) in cases {
            let got: f64 = sigmoid(z);
            let ulp = f64::EPSILON * want;
            assert!(
                (got - want).abs() <= 4.0 * ulp,
                "σ({z}) = {got:e}, want {want:e}"
            );
        }
    }

    #[test]
    fn softplus_and_log_sigmoid_extremes() {
        assert_eq!(softplus(1e300), 1e300);
        assert_eq!(softplus(-1e300), 0.0);
        assert_eq!(log_sigmoid(-1e300), -1e300);
        assert_eq!(log_sigmoid(1e300), 0.0);
        assert_eq!(log_one_minus_sigmoid(1e300), -1e300);
        assert_eq!(softplus(0.0), std::f64::consts::LN_2);
        // softplus(−40) = ln(1 + e^−40) ≈ e^−40 to full relative precision.
        let want = (-40.0f64).exp();
        assert!((softplus(-40.0) / want - 1.0).abs() < 1e-15);
        // ln σ(40) = −ln(1 + e^−40) ≈ −e^−40, where 1 − σ would be 0.
        assert!((log_sigmoid(40.0) / -want - 1.0).abs() < 1e-15);
    }

    #[test]
    fn dot_matches_naive_and_rejects_mismatch() {
        let a: Vec<f64> = (0..37).map(|i| i as f64 * 0.5 - 3.0).collect();
        let b: Vec<f64> = (0..37).map(|i| (i as f64).sin()).collect();
        let naive: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b).unwrap() - naive).abs() < 1e-12);
        assert_eq!(dot(&[], &[]).unwrap(), 0.0);
        assert_eq!(
            dot(&a, &b[..3]),
            Err(LinalgError::LengthMismatch {
                operation: "dot",
                expected: 37,
                found: 3
            })
        );
    }

    #[test]
    fn matrix_products_match_nalgebra_and_check_shapes() {
        let x = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let w = DVector::from_vec(vec![0.5, -1.0]);
        assert_eq!(mul_vec(&x, &w).unwrap().as_slice(), &[-1.5, -2.5, -3.5]);
        let r = DVector::from_vec(vec![1.0, 0.0, -1.0]);
        assert_eq!(tr_mul_vec(&x, &r).unwrap().as_slice(), &[-4.0, -4.0]);
        assert!(mul_vec(&x, &r).is_err());
        assert!(tr_mul_vec(&x, &w).is_err());
    }

    #[test]
    fn sample_major_round_trip_and_access() {
        let x = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let s = SampleMajor::from_rows(&x);
        assert_eq!(s.n_samples(), 2);
        assert_eq!(s.n_features(), 3);
        assert_eq!(s.sample(1), Some(&[4.0, 5.0, 6.0][..]));
        assert_eq!(s.sample(2), None);
        assert_eq!(s.to_rows(), x);
        assert_eq!(s.as_slice(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    }

    fn random_matrix(n: usize, d: usize, seed: u64) -> DMatrix<f64> {
        // A tiny LCG keeps this test free of extra dependencies.
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        DMatrix::from_fn(n, d, |_, _| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 4.0 - 2.0
        })
    }

    #[test]
    fn fused_pass_equals_two_separate_products_across_many_blocks() {
        // Enough rows for several parallel blocks, so the block reduction is exercised.
        let (n, d) = (20_000, 7);
        let x = random_matrix(n, d, 7);
        let w = DVector::from_fn(d, |j, _| (j as f64 - 3.0) * 0.3);
        let b = 0.25;
        let s = SampleMajor::from_rows(&x);
        let sums = s
            .fused_pass(w.as_slice(), b, |i, z| (z * z, z + i as f64 * 1e-6))
            .unwrap();
        let z = mul_vec(&x, &w).unwrap().add_scalar(b);
        let r = DVector::from_fn(n, |i, _| z[i] + i as f64 * 1e-6);
        let g = tr_mul_vec(&x, &r).unwrap();
        assert!((sums.value - z.norm_squared()).abs() <= 1e-9 * z.norm_squared());
        assert!((&sums.grad - &g).norm() <= 1e-9 * g.norm());
        assert!((sums.grad_bias - r.sum()).abs() <= 1e-9 * r.abs().sum());
        let logits = s.logits(w.as_slice(), b).unwrap();
        assert!((&logits - &z).amax() < 1e-12);
    }

    #[test]
    fn fused_pass_is_deterministic() {
        let x = random_matrix(50_000, 5, 3);
        let s = SampleMajor::from_rows(&x);
        let w = [0.1, -0.2, 0.3, 0.0, 1.0];
        let f = |_: usize, z: f64| (softplus(z), sigmoid(z));
        let a = s.fused_pass(&w, 0.1, f).unwrap();
        let b = s.fused_pass(&w, 0.1, f).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn fused_pass_rows_matches_subset_and_rejects_bad_rows() {
        let x = random_matrix(10, 3, 1);
        let s = SampleMajor::from_rows(&x);
        let w = [1.0, 2.0, 3.0];
        let rows = [7, 2, 2];
        let sums = s.fused_pass_rows(&rows, &w, 0.0, |_, z| (z, 1.0)).unwrap();
        let want: f64 = rows
            .iter()
            .map(|&i| dot(s.sample(i).unwrap(), &w).unwrap())
            .sum();
        assert!((sums.value - want).abs() < 1e-12);
        assert_eq!(sums.grad_bias, 3.0);
        assert_eq!(
            s.fused_pass_rows(&[10], &w, 0.0, |_, z| (z, 1.0)),
            Err(LinalgError::RowOutOfRange {
                row: 10,
                n_rows: 10
            })
        );
        assert!(s.fused_pass(&w[..2], 0.0, |_, z| (z, 1.0)).is_err());
    }

    #[test]
    fn weighted_gram_matches_dense_formula() {
        let (n, d) = (3000, 4);
        let x = random_matrix(n, d, 11);
        let c: Vec<f64> = (0..n).map(|i| 0.1 + (i % 7) as f64 * 0.05).collect();
        let s = SampleMajor::from_rows(&x);
        let mut xa = DMatrix::from_element(n, d + 1, 1.0);
        xa.view_mut((0, 0), (n, d)).copy_from(&x);
        let cd = DMatrix::from_diagonal(&DVector::from_vec(c.clone()));
        let want = xa.transpose() * cd * &xa;
        let got = s.weighted_gram(&c, true).unwrap();
        assert!((&got - &want).amax() <= 1e-10 * want.amax());
        let no_b = s.weighted_gram(&c, false).unwrap();
        assert_eq!(no_b.shape(), (d, d));
        assert!((no_b - want.view((0, 0), (d, d))).amax() <= 1e-10 * want.amax());
        assert!(s.weighted_gram(&c[..5], true).is_err());
    }

    /// Every pass of the module on one data set, as bits: sum, logits, fused pass, both Grams.
    fn all_passes(s: &SampleMajor, w: &[f64], b: f64, c: &[f64]) -> Vec<u64> {
        let mut out = vec![s.sum_all().to_bits()];
        out.extend(s.logits(w, b).unwrap().iter().map(|v| v.to_bits()));
        let sums = s
            .fused_pass_chunks(w, b, |first, z, l| {
                for (k, (zk, lk)) in z.iter_mut().zip(l.iter_mut()).enumerate() {
                    *lk = softplus(*zk);
                    *zk = sigmoid(*zk) - ((first + k) % 2) as f64;
                }
            })
            .unwrap();
        out.push(sums.value.to_bits());
        out.push(sums.grad_bias.to_bits());
        out.extend(sums.grad.iter().map(|v| v.to_bits()));
        let gram = s
            .fused_gram(w, b, true, |_, z| sigmoid_curvature_in_place(z))
            .unwrap();
        out.extend(gram.iter().map(|v| v.to_bits()));
        let gram = s.weighted_gram(c, false).unwrap();
        out.extend(gram.iter().map(|v| v.to_bits()));
        out
    }

    fn problem(n: usize, d: usize, seed: u64) -> (SampleMajor, Vec<f64>, Vec<f64>) {
        let s = SampleMajor::from_rows(&random_matrix(n, d, seed));
        let w: Vec<f64> = (0..d).map(|j| ((j * 7 % 11) as f64 - 5.0) * 0.1).collect();
        let c: Vec<f64> = (0..n).map(|i| 0.05 + (i % 13) as f64 * 0.02).collect();
        (s, w, c)
    }

    #[test]
    fn results_do_not_depend_on_the_number_of_threads() {
        // Many blocks (and a ragged last one) for the tiles, and a wide set for the GEMM path.
        for (n, d) in [(40_003, 13), (700, 230)] {
            let (s, w, c) = problem(n, d, 5);
            let run = |threads: usize| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap()
                    .install(|| all_passes(&s, &w, 0.3, &c))
            };
            let one = run(1);
            assert_eq!(one, run(3), "{n} x {d}");
            assert_eq!(one, run(2), "{n} x {d}");
        }
    }

    #[test]
    fn avx2_and_portable_kernels_give_the_same_bits() {
        // Odd widths exercise every remainder: rows per quad, features per group of 8, padding.
        for (n, d) in [
            (5_001, 50),
            (301, 7),
            (97, 1),
            (3, 9),
            (1_000, 133),
            (300, 250),
        ] {
            let (s, w, c) = problem(n, d, 9);
            let fast = all_passes(&s, &w, -0.2, &c);
            blocks::FORCE_PORTABLE.store(true, std::sync::atomic::Ordering::Relaxed);
            let portable = all_passes(&s, &w, -0.2, &c);
            blocks::FORCE_PORTABLE.store(false, std::sync::atomic::Ordering::Relaxed);
            assert_eq!(fast, portable, "{n} x {d}");
        }
    }

    #[test]
    fn sum_all_is_the_sum_of_every_element() {
        let x = random_matrix(30_001, 11, 4);
        let s = SampleMajor::from_rows(&x);
        assert!((s.sum_all() - x.sum()).abs() <= 1e-9 * x.abs().sum());
        assert_eq!(SampleMajor::from_rows(&DMatrix::zeros(0, 3)).sum_all(), 0.0);
        assert_eq!(SampleMajor::from_rows(&DMatrix::zeros(4, 0)).sum_all(), 0.0);
    }

    #[test]
    fn from_rows_checks_finiteness_while_copying() {
        let x = random_matrix(1_000, 9, 2);
        let s = SampleMajor::from_rows_if_finite(&x).unwrap();
        assert_eq!(s, SampleMajor::from_rows(&x));
        assert_eq!(s.to_rows(), x);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut y = x.clone();
            y[(777, 8)] = bad;
            assert!(SampleMajor::from_rows_if_finite(&y).is_none());
        }
        let empty = SampleMajor::from_rows_if_finite(&DMatrix::zeros(0, 2)).unwrap();
        assert_eq!((empty.n_samples(), empty.n_features()), (0, 2));
    }

    #[test]
    fn fused_gram_equals_weighted_gram_of_the_logits_weights() {
        for (n, d) in [(3_001, 6), (400, 140)] {
            let (s, w, _) = problem(n, d, 8);
            let b = 0.1;
            let mut c: Vec<f64> = s.logits(&w, b).unwrap().iter().copied().collect();
            sigmoid_curvature_in_place(&mut c);
            let fused = s
                .fused_gram(&w, b, true, |_, z| sigmoid_curvature_in_place(z))
                .unwrap();
            assert_eq!(fused, s.weighted_gram(&c, true).unwrap(), "{n} x {d}");
            assert_eq!(fused, fused.transpose());
            assert!(s.fused_gram(&w[1..], b, true, |_, _| {}).is_err());
        }
    }

    #[test]
    fn wide_weighted_gram_matches_dense_formula() {
        // p = 241 > 224 parameters: the GEMM path.
        let (n, d) = (500, 240);
        let x = random_matrix(n, d, 12);
        let c: Vec<f64> = (0..n).map(|i| 0.1 + (i % 5) as f64 * 0.1).collect();
        let mut xa = DMatrix::from_element(n, d + 1, 1.0);
        xa.view_mut((0, 0), (n, d)).copy_from(&x);
        let want = xa.transpose() * DMatrix::from_diagonal(&DVector::from_vec(c.clone())) * &xa;
        let got = SampleMajor::from_rows(&x).weighted_gram(&c, true).unwrap();
        assert!((&got - &want).amax() <= 1e-10 * want.amax());
    }

    #[test]
    fn passes_without_features_see_only_the_intercept() {
        let s = SampleMajor::from_rows(&DMatrix::zeros(10, 0));
        let sums = s.fused_pass(&[], 0.5, |_, z| (z, 1.0)).unwrap();
        assert_eq!(
            (sums.value, sums.grad_bias, sums.grad.len()),
            (5.0, 10.0, 0)
        );
        assert_eq!(s.logits(&[], 0.5).unwrap().as_slice(), &[0.5; 10]);
        let h = s.fused_gram(&[], 0.0, true, |_, z| z.fill(2.0)).unwrap();
        assert_eq!(h, DMatrix::from_element(1, 1, 20.0));
        assert_eq!(s.weighted_gram(&[1.0; 10], false).unwrap().shape(), (0, 0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn sigmoid_is_bounded_monotone_and_symmetric(z in prop::num::f64::NORMAL | prop::num::f64::ZERO | prop::num::f64::SUBNORMAL) {
            let s = sigmoid(z);
            prop_assert!((0.0..=1.0).contains(&s));
            prop_assert!(!s.is_nan());
            // σ(−z) = 1 − σ(z) to rounding of the larger one.
            prop_assert!((sigmoid(-z) - (1.0 - s)).abs() <= 2.0 * f64::EPSILON);
            let next = sigmoid(z + z.abs().max(1e-300) * 1e-3);
            prop_assert!(next >= s);
        }

        #[test]
        // For z > 2 the direct ln σ(z) itself loses digits (σ ≈ 1), which is why log_sigmoid exists.
        fn log_sigmoid_matches_direct_form_where_that_is_accurate(z in -30.0f64..2.0) {
            let direct = sigmoid(z).ln();
            prop_assert!((log_sigmoid(z) - direct).abs() <= 1e-14 * direct.abs().max(1e-300) + 1e-16);
            prop_assert!(log_sigmoid(z) <= 0.0);
            prop_assert!(softplus(z) >= z.max(0.0));
        }

        #[test]
        fn softplus_is_finite_for_every_finite_input(z in prop::num::f64::NORMAL) {
            let v = softplus(z);
            prop_assert!(v.is_finite() && v >= 0.0);
        }
    }
}
