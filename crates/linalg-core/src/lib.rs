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
//! The passes a loss needs (logits, a fused value-and-gradient pass, a weighted Gram matrix, their
//! multi-class forms) work on a [`Design`]: dense row-major f64 or f32 borrowed from the caller or
//! owned, or sparse CSR. Each pass splits the rows into fixed blocks, processed in parallel (rayon)
//! and summed in block order, so results are bit-identical whatever the number of threads.
//!
//! ```
//! use logreg_linalg_core::{Dense, Design};
//!
//! let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];                 // 3 rows × 2 columns, row-major
//! let design = Design::from(Dense::new(&x[..], 3, 2)?);    // borrowed: no copy
//! let mut z = [0.0; 3];
//! design.logits(design.all_rows(), &[1.0, -1.0], 0.5, &mut z)?;
//! assert_eq!(z, [-0.5, -0.5, -0.5]);
//! # Ok::<(), logreg_linalg_core::LinalgError>(())
//! ```

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;

/// Compile `$body` twice, as plain Rust and for AVX2, and run the AVX2 one when the CPU has it.
/// The body must not depend on which version runs (it is the same source either way).
macro_rules! dispatch {
    ($(#[$meta:meta])* $vis:vis fn $name:ident $(<$($g:ident),*>)? ($($arg:ident : $ty:ty),* $(,)?) -> $ret:ty
        $(where { $($bound:tt)* })? { $($body:tt)* }) => {
        $(#[$meta])*
        #[allow(clippy::too_many_arguments)]
        // The one unsafe call: into the AVX2 copy, after the CPU said it has AVX2.
        #[allow(unsafe_code)]
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
mod design;
mod passes;
mod row_blocks;
mod sparse;
mod vector_math;

pub use blocks::tree_reduce;
pub use design::{ColumnScaling, Csr, Dense, Design, IntoDesign, Real, Storage, MAX_MAGNITUDE};
pub use passes::{Moments, MultiPassSums, PassSums, Rows, MAX_SPARSE_GRAM};
pub use row_blocks::{
    column_moments, for_each_selected, is_sorted_selection, InMemoryBlocks, RowBlocks, SourceError,
};

pub use vector_math::{
    sigmoid_curvature, sigmoid_curvature_in_place, softplus_sigmoid, softplus_sigmoid_in_place,
};

/// Errors from building a design or running a pass: shapes that do not fit together, or values a
/// design cannot hold. Rows and columns are 0-based.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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
    /// n_rows · n_cols does not fit in memory's address space.
    #[error("a design of {n_rows} rows × {n_cols} columns is too large to address")]
    ShapeOverflow {
        /// Rows asked for.
        n_rows: usize,
        /// Columns asked for.
        n_cols: usize,
    },
    /// A row index is outside the matrix.
    #[error("row index {row} out of range for {n_rows} rows")]
    RowOutOfRange {
        /// The offending index.
        row: usize,
        /// Number of rows available.
        n_rows: usize,
    },
    /// A value is NaN or infinite.
    #[error("feature value at row {row}, column {column} is {value}, expected a finite number")]
    NonFinite {
        /// 0-based row.
        row: usize,
        /// 0-based column.
        column: usize,
        /// The value found.
        value: f64,
    },
    /// A value is so large that products of values overflow (|x| must be at most 1e150).
    #[error("feature value at row {row}, column {column} is {value:e}; values this large overflow the fit (|x| must be below 1e150): rescale or standardize the column")]
    TooLarge {
        /// 0-based row.
        row: usize,
        /// 0-based column.
        column: usize,
        /// The value found.
        value: f64,
    },
    /// CSR row pointers that do not describe consecutive rows.
    #[error("sparse matrix: bad row pointers at row {row}: {reason}")]
    BadIndptr {
        /// 0-based row.
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// A row's column indices are not strictly increasing (unsorted, or a column twice).
    #[error("sparse matrix: row {row}, entry {position}: column {column} follows column {previous}; the column indices of a row must be strictly increasing (sorted, no duplicates)")]
    UnsortedIndices {
        /// 0-based row.
        row: usize,
        /// 0-based position of the entry within the row.
        position: usize,
        /// The column before it.
        previous: usize,
        /// The column found.
        column: usize,
    },
    /// A column index at or beyond the number of columns.
    #[error("sparse matrix: row {row}, entry {position}: column index {column} is out of range for {n_cols} columns")]
    ColumnOutOfRange {
        /// 0-based row.
        row: usize,
        /// 0-based position of the entry (within the row, or among the triplets).
        position: usize,
        /// The index found.
        column: usize,
        /// Number of columns.
        n_cols: usize,
    },
    /// An implicit standardization that cannot be applied.
    #[error("sparse matrix standardization, column {column}: {reason}")]
    BadScaling {
        /// 0-based column.
        column: usize,
        /// What is wrong.
        reason: String,
    },
    /// A source of row blocks failed during a pass (see [`RowBlocks`]).
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A dense result that would be too large to form (use products with vectors instead).
    #[error("{operation} of {n_params} parameters is not formed (the limit is {limit}); use a solver based on Hessian-vector products")]
    TooWide {
        /// What was asked for.
        operation: &'static str,
        /// Parameters it would have.
        n_params: usize,
        /// The most allowed.
        limit: usize,
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

/// The row-major copy of a column-major matrix, in parallel tiles of consecutive rows (each tile's
/// columns are read as contiguous runs and its output stays in cache), and whether every element
/// is acceptable for a design (finite, within [`MAX_MAGNITUDE`]).
pub(crate) fn transpose_checked(x: &DMatrix<f64>) -> (Vec<f64>, bool) {
    /// Rows per tile: 256 × d doubles of output stay in L2 while d runs of 2 KiB are read.
    const TILE: usize = 256;
    let (n, d) = x.shape();
    let src = x.as_slice();
    // Zeroed by the allocator without touching the pages (calloc), so the advice still counts.
    let mut data = vec![0.0; n * d];
    advise_huge_pages(data.as_mut_ptr() as usize, std::mem::size_of_val(&data[..]));
    let ok = if d == 0 {
        true
    } else {
        data.par_chunks_mut(TILE * d)
            .enumerate()
            .map(|(t, out)| {
                let (i0, m) = (t * TILE, out.len() / d);
                let mut ok = true;
                for j in 0..d {
                    let col = &src[j * n + i0..j * n + i0 + m];
                    for (k, &v) in col.iter().enumerate() {
                        out[k * d + j] = v;
                        ok &= v.abs() <= MAX_MAGNITUDE;
                    }
                }
                ok
            })
            .reduce(|| true, |a, b| a && b)
    };
    (data, ok)
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
#[allow(unsafe_code)]
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
mod tests;
