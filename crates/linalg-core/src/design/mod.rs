//! The design matrix: one type that carries the data from the file to the solver.
//!
//! A [`Design`] is n samples × d features in one of three storages:
//!
//! - [`Dense`]`<f64>`: row-major (one sample after another), borrowed from the caller or owned;
//! - [`Dense`]`<f32>`: the same at half the bytes; every sum over it is accumulated in f64;
//! - [`Csr`]: compressed sparse rows (f64 values, sorted `u32` column indices), optionally with
//!   implicit column standardization (see [`Csr::with_standardization`]).
//!
//! Every constructor checks the data once: the shape, and that every value is finite and no larger
//! in magnitude than [`MAX_MAGNITUDE`] (products of larger values overflow a Hessian). After that
//! nothing re-validates, and the kernels (in [`crate::passes`](crate::Design::fused_pass)) cannot
//! fail on the data. Row subsets (training rows, cross-validation folds, mini-batches) are index
//! lists passed to the kernels, never copies; the intercept is a separate scalar, never a column of
//! ones.
//!
//! ```
//! use logreg_linalg_core::{Csr, Dense, Design};
//!
//! // Borrowed: no copy of the caller's row-major slice.
//! let values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
//! let x = Design::from(Dense::new(&values[..], 3, 2)?);
//! assert_eq!((x.n_rows(), x.n_cols()), (3, 2));
//!
//! // Sparse, from (row, column, value) triplets.
//! let s = Csr::from_triplets(2, 3, &[(0, 2, 1.5), (1, 0, -1.0)])?;
//! assert_eq!(s.row(0), (&[2u32][..], &[1.5][..]));
//! # Ok::<(), logreg_linalg_core::LinalgError>(())
//! ```

mod csr;
mod dense;

pub use csr::{ColumnScaling, Csr};
pub use dense::Dense;

use std::borrow::Cow;

use nalgebra::DMatrix;
use rayon::prelude::*;

use crate::LinalgError;

/// Largest feature magnitude a design accepts: its square, summed over a million rows, stays
/// finite, so neither a logit nor a Hessian entry can overflow.
pub const MAX_MAGNITUDE: f64 = 1e150;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
}

/// The element types of a dense design: `f64` and `f32`. Sums are always taken in f64.
pub trait Real:
    Copy + Send + Sync + PartialEq + std::fmt::Debug + Default + 'static + sealed::Sealed
{
    /// `"f64"` or `"f32"`.
    const NAME: &'static str;
    /// The value as f64 (exact for both types).
    fn to_f64(self) -> f64;
    /// The nearest value of this type (rounding to nearest for f32).
    fn from_f64(v: f64) -> Self;
}

impl Real for f64 {
    const NAME: &'static str = "f64";
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }
}

impl Real for f32 {
    const NAME: &'static str = "f32";
    #[inline(always)]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
}

/// Whether `v` is a value a design may hold: finite and within [`MAX_MAGNITUDE`].
#[inline(always)]
fn acceptable(v: f64) -> bool {
    // NaN fails the comparison; ±∞ exceeds the bound.
    v.abs() <= MAX_MAGNITUDE
}

/// The error for an unacceptable value at (row, column): non-finite first, then too large.
pub(crate) fn bad_value(row: usize, column: usize, value: f64) -> LinalgError {
    if value.is_finite() {
        LinalgError::TooLarge { row, column, value }
    } else {
        LinalgError::NonFinite { row, column, value }
    }
}

/// Elements per parallel validation task.
const CHECK_CHUNK: usize = 1 << 16;

/// The first position (in storage order) of an unacceptable value, if any; one parallel pass that
/// decides in vectorizable chunks and searches element by element only inside a bad chunk.
fn first_unacceptable<T: Real>(values: &[T]) -> Option<usize> {
    values
        .par_chunks(CHECK_CHUNK)
        .enumerate()
        .find_first(|(_, chunk)| {
            !chunk
                .iter()
                .fold(true, |ok, &v| ok & acceptable(v.to_f64()))
        })
        .and_then(|(c, chunk)| {
            chunk
                .iter()
                .position(|&v| !acceptable(v.to_f64()))
                .map(|k| c * CHECK_CHUNK + k)
        })
}

/// The design matrix: n samples × d features, dense (f64 or f32, row-major) or sparse (CSR).
///
/// [`Dense`] and [`Csr`] say what each storage costs and guarantees.
#[derive(Debug, Clone, PartialEq)]
pub enum Design<'a> {
    /// Dense, row-major, f64.
    Dense(Dense<'a, f64>),
    /// Dense, row-major, f32 (sums in f64).
    DenseF32(Dense<'a, f32>),
    /// Compressed sparse rows.
    Sparse(Csr<'a>),
}

impl<'a> From<Dense<'a, f64>> for Design<'a> {
    fn from(x: Dense<'a, f64>) -> Self {
        Design::Dense(x)
    }
}

impl<'a> From<Dense<'a, f32>> for Design<'a> {
    fn from(x: Dense<'a, f32>) -> Self {
        Design::DenseF32(x)
    }
}

impl<'a> From<Csr<'a>> for Design<'a> {
    fn from(x: Csr<'a>) -> Self {
        Design::Sparse(x)
    }
}

/// Which storage a design uses (what a user or a pipeline asks for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Storage {
    /// Dense row-major f64.
    Dense,
    /// Dense row-major f32.
    DenseF32,
    /// Compressed sparse rows (f64 values).
    Sparse,
}

impl Storage {
    /// `"dense-f64"`, `"dense-f32"` or `"sparse"`.
    pub fn name(self) -> &'static str {
        match self {
            Storage::Dense => "dense-f64",
            Storage::DenseF32 => "dense-f32",
            Storage::Sparse => "sparse",
        }
    }
}

impl Design<'_> {
    /// A row-major copy of a column-major `nalgebra` matrix (checked while copying).
    pub fn from_dmatrix(x: &DMatrix<f64>) -> Result<Design<'static>, LinalgError> {
        Dense::from_dmatrix(x).map(Design::Dense)
    }

    /// Number of rows (samples) n.
    pub fn n_rows(&self) -> usize {
        match self {
            Design::Dense(x) => x.n_rows(),
            Design::DenseF32(x) => x.n_rows(),
            Design::Sparse(x) => x.n_rows(),
        }
    }

    /// Number of columns (features) d.
    pub fn n_cols(&self) -> usize {
        match self {
            Design::Dense(x) => x.n_cols(),
            Design::DenseF32(x) => x.n_cols(),
            Design::Sparse(x) => x.n_cols(),
        }
    }

    /// The storage kind.
    pub fn storage(&self) -> Storage {
        match self {
            Design::Dense(_) => Storage::Dense,
            Design::DenseF32(_) => Storage::DenseF32,
            Design::Sparse(_) => Storage::Sparse,
        }
    }

    /// Bytes of data a pass over the whole design reads (values, plus indices and row pointers
    /// for CSR).
    pub fn bytes(&self) -> usize {
        match self {
            Design::Dense(x) => x.as_slice().len() * 8,
            Design::DenseF32(x) => x.as_slice().len() * 4,
            Design::Sparse(x) => x.nnz() * 12 + (x.n_rows() + 1) * 8,
        }
    }

    /// Stored values: n·d for dense, the number of stored entries for CSR.
    pub fn stored_values(&self) -> usize {
        match self {
            Design::Dense(x) => x.as_slice().len(),
            Design::DenseF32(x) => x.as_slice().len(),
            Design::Sparse(x) => x.nnz(),
        }
    }

    /// The same design borrowing this one's data (no copy).
    pub fn view(&self) -> Design<'_> {
        match self {
            Design::Dense(x) => Design::Dense(x.view()),
            Design::DenseF32(x) => Design::DenseF32(x.view()),
            Design::Sparse(x) => Design::Sparse(x.view()),
        }
    }

    /// The same design owning its data (copies what was borrowed).
    pub fn into_owned(self) -> Design<'static> {
        match self {
            Design::Dense(x) => Design::Dense(x.into_owned()),
            Design::DenseF32(x) => Design::DenseF32(x.into_owned()),
            Design::Sparse(x) => Design::Sparse(x.into_owned()),
        }
    }

    /// The value at (row, column) as f64 (with a CSR standardization applied); `None` outside.
    pub fn get(&self, row: usize, column: usize) -> Option<f64> {
        if row >= self.n_rows() || column >= self.n_cols() {
            return None;
        }
        Some(match self {
            Design::Dense(x) => x.as_slice()[row * x.n_cols() + column],
            Design::DenseF32(x) => f64::from(x.as_slice()[row * x.n_cols() + column]),
            Design::Sparse(x) => {
                let (idx, val) = x.row(row);
                let raw = idx.binary_search(&(column as u32)).map_or(0.0, |k| val[k]);
                match x.scaling() {
                    Some(s) => (raw - s.shift[column]) * s.scale[column],
                    None => raw,
                }
            }
        })
    }

    /// The rows at `rows` (0-based, repeats allowed) as a new dense f64 matrix, in that order.
    /// Meant for small outputs (reports, tests); fits select rows by index without copying.
    pub fn to_dmatrix(&self, rows: Option<&[usize]>) -> Result<DMatrix<f64>, LinalgError> {
        let n = self.n_rows();
        let all: Vec<usize>;
        let rows = match rows {
            Some(r) => r,
            None => {
                all = (0..n).collect();
                &all
            }
        };
        if let Some(&row) = rows.iter().find(|&&r| r >= n) {
            return Err(LinalgError::RowOutOfRange { row, n_rows: n });
        }
        let d = self.n_cols();
        Ok(DMatrix::from_fn(rows.len(), d, |i, j| {
            self.get(rows[i], j).unwrap_or(0.0)
        }))
    }

    /// Check that every index in `rows` names a row of this design.
    pub fn check_rows(&self, rows: &[usize]) -> Result<(), LinalgError> {
        let n = self.n_rows();
        match rows.iter().find(|&&r| r >= n) {
            Some(&row) => Err(LinalgError::RowOutOfRange { row, n_rows: n }),
            None => Ok(()),
        }
    }
}

/// What the estimators accept as X: a [`Design`] (borrowed as is) or an `nalgebra` matrix
/// (copied once into a row-major design, checked while copying).
pub trait IntoDesign<'a> {
    /// The design, borrowed or converted.
    fn into_design(self) -> Result<Cow<'a, Design<'a>>, LinalgError>;
}

impl<'a> IntoDesign<'a> for &'a Design<'a> {
    fn into_design(self) -> Result<Cow<'a, Design<'a>>, LinalgError> {
        Ok(Cow::Borrowed(self))
    }
}

impl<'a> IntoDesign<'a> for &'a DMatrix<f64> {
    fn into_design(self) -> Result<Cow<'a, Design<'a>>, LinalgError> {
        Ok(Cow::Owned(Design::from_dmatrix(self)?))
    }
}
