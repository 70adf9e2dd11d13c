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

/// A dense row-major n × d matrix of `f64` or `f32`, borrowed or owned; every value finite and
/// within [`MAX_MAGNITUDE`].
#[derive(Debug, Clone, PartialEq)]
pub struct Dense<'a, T: Real = f64> {
    data: Cow<'a, [T]>,
    n: usize,
    d: usize,
}

impl<'a, T: Real> Dense<'a, T> {
    /// A row-major matrix over `data` (sample `i` is `data[i·d..(i + 1)·d]`), borrowed when given
    /// a slice and owned when given a `Vec`. Checks the length and every value (one parallel
    /// pass); the error names the first bad cell by 0-based row and column.
    pub fn new(
        data: impl Into<Cow<'a, [T]>>,
        n_rows: usize,
        n_cols: usize,
    ) -> Result<Self, LinalgError> {
        let data = data.into();
        let expected = n_rows
            .checked_mul(n_cols)
            .ok_or(LinalgError::ShapeOverflow { n_rows, n_cols })?;
        if data.len() != expected {
            return Err(LinalgError::LengthMismatch {
                operation: "dense design (n_rows · n_cols values)",
                expected,
                found: data.len(),
            });
        }
        if let Some(at) = first_unacceptable(&data) {
            return Err(bad_value(at / n_cols, at % n_cols, data[at].to_f64()));
        }
        Ok(Dense {
            data,
            n: n_rows,
            d: n_cols,
        })
    }

    /// Built from values the caller has already checked (used by conversions in this crate).
    pub(crate) fn from_checked(data: Cow<'a, [T]>, n: usize, d: usize) -> Self {
        debug_assert_eq!(data.len(), n * d);
        Dense { data, n, d }
    }

    /// Number of rows (samples) n.
    pub fn n_rows(&self) -> usize {
        self.n
    }

    /// Number of columns (features) d.
    pub fn n_cols(&self) -> usize {
        self.d
    }

    /// Every value, row after row.
    pub fn as_slice(&self) -> &[T] {
        &self.data
    }

    /// Whether the values are borrowed from the caller (no copy was made).
    pub fn is_borrowed(&self) -> bool {
        matches!(self.data, Cow::Borrowed(_))
    }

    /// Row `i`, or `None` past the end.
    pub fn row(&self, i: usize) -> Option<&[T]> {
        self.data.get(i * self.d..(i + 1) * self.d)
    }

    /// The same matrix owning its values (copies them if borrowed).
    pub fn into_owned(self) -> Dense<'static, T> {
        Dense {
            data: Cow::Owned(self.data.into_owned()),
            n: self.n,
            d: self.d,
        }
    }

    /// The same matrix borrowing these values (no copy).
    pub fn view(&self) -> Dense<'_, T> {
        Dense {
            data: Cow::Borrowed(&self.data),
            n: self.n,
            d: self.d,
        }
    }

    /// The values, owned (copied if borrowed), row after row.
    pub fn into_vec(self) -> Vec<T> {
        self.data.into_owned()
    }

    /// A copy rounded to f32 (half the bytes per pass).
    pub fn to_f32(&self) -> Dense<'static, f32> {
        let data: Vec<f32> = self.data.par_iter().map(|v| v.to_f64() as f32).collect();
        Dense::from_checked(Cow::Owned(data), self.n, self.d)
    }

    /// A copy widened to f64.
    pub fn to_f64(&self) -> Dense<'static, f64> {
        let data: Vec<f64> = self.data.par_iter().map(|v| v.to_f64()).collect();
        Dense::from_checked(Cow::Owned(data), self.n, self.d)
    }
}

#[cfg(feature = "ndarray")]
impl<'a, T: Real> Dense<'a, T> {
    /// An `ndarray` view as a design: borrowed without a copy when it is in standard (row-major,
    /// contiguous) layout, copied row by row otherwise (column-major or strided views). Checked
    /// like [`Dense::new`].
    ///
    /// ```
    /// use logreg_linalg_core::Dense;
    /// let a = ndarray::arr2(&[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// let x = Dense::from_ndarray(a.view())?;
    /// assert!(x.is_borrowed());
    /// let t = Dense::from_ndarray(a.t())?;                  // column-major: copied
    /// assert_eq!((t.is_borrowed(), t.row(0)), (false, Some(&[1.0, 3.0, 5.0][..])));
    /// # Ok::<(), logreg_linalg_core::LinalgError>(())
    /// ```
    pub fn from_ndarray(x: ndarray::ArrayView2<'a, T>) -> Result<Self, LinalgError> {
        let (n, d) = x.dim();
        match x.to_slice() {
            Some(values) => Dense::new(values, n, d),
            None => Dense::new(x.iter().copied().collect::<Vec<T>>(), n, d),
        }
    }
}

impl Dense<'static, f64> {
    /// A row-major copy of a column-major `nalgebra` matrix, checked while it is copied (valid
    /// data are read once).
    pub fn from_dmatrix(x: &DMatrix<f64>) -> Result<Self, LinalgError> {
        let (n, d) = x.shape();
        let (data, ok) = crate::transpose_checked(x);
        if !ok {
            // Column-major search, so the error names the cell a column-major reader meets first.
            for column in 0..d {
                for row in 0..n {
                    let value = x[(row, column)];
                    if !acceptable(value) {
                        return Err(bad_value(row, column, value));
                    }
                }
            }
        }
        Ok(Dense::from_checked(Cow::Owned(data), n, d))
    }
}

/// Implicit standardization of a sparse matrix's columns: the matrix acts as if column j held
/// `(x_ij − shift_j) · scale_j`, without storing a single dense value.
///
/// This is how a standardized one-hot design stays sparse: the kernels fold the shift and scale
/// into the parameters and the sums (a shift would otherwise fill every zero).
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnScaling {
    /// Subtracted from every value of column j (including the implicit zeros).
    pub shift: Vec<f64>,
    /// Multiplies column j after the shift.
    pub scale: Vec<f64>,
}

/// A compressed-sparse-row matrix: row i's entries are `indices[indptr[i]..indptr[i + 1]]` (column
/// indices, strictly increasing) and the matching `values`. Every value finite and within
/// [`MAX_MAGNITUDE`]; explicit zeros are allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Csr<'a> {
    indptr: Cow<'a, [usize]>,
    indices: Cow<'a, [u32]>,
    values: Cow<'a, [f64]>,
    n_cols: usize,
    scaling: Option<ColumnScaling>,
}

impl<'a> Csr<'a> {
    /// A CSR matrix over the three arrays (borrowed or owned), checked: `indptr` has n + 1
    /// non-decreasing entries from 0 to nnz, each row's indices are strictly increasing and below
    /// `n_cols`, every value is finite. Errors name the 0-based row and the position in the row.
    pub fn new(
        n_rows: usize,
        n_cols: usize,
        indptr: impl Into<Cow<'a, [usize]>>,
        indices: impl Into<Cow<'a, [u32]>>,
        values: impl Into<Cow<'a, [f64]>>,
    ) -> Result<Self, LinalgError> {
        let (indptr, indices, values) = (indptr.into(), indices.into(), values.into());
        if n_cols > u32::MAX as usize + 1 {
            return Err(LinalgError::ShapeOverflow { n_rows, n_cols });
        }
        if indptr.len() != n_rows + 1 {
            return Err(LinalgError::LengthMismatch {
                operation: "CSR indptr (n_rows + 1 entries)",
                expected: n_rows + 1,
                found: indptr.len(),
            });
        }
        if indices.len() != values.len() {
            return Err(LinalgError::LengthMismatch {
                operation: "CSR values (one per column index)",
                expected: indices.len(),
                found: values.len(),
            });
        }
        if indptr[0] != 0 {
            return Err(LinalgError::BadIndptr {
                row: 0,
                reason: format!("indptr[0] is {}, expected 0", indptr[0]),
            });
        }
        if indptr[n_rows] != indices.len() {
            return Err(LinalgError::BadIndptr {
                row: n_rows,
                reason: format!(
                    "indptr[{n_rows}] is {}, expected the number of stored values {}",
                    indptr[n_rows],
                    indices.len()
                ),
            });
        }
        if let Some(row) = (0..n_rows).find(|&i| indptr[i + 1] < indptr[i]) {
            return Err(LinalgError::BadIndptr {
                row,
                reason: format!(
                    "indptr decreases from {} to {} (rows must not overlap)",
                    indptr[row],
                    indptr[row + 1]
                ),
            });
        }
        // Each row checked in parallel; the first bad row (in row order) is reported.
        let bad = (0..n_rows).into_par_iter().find_first(|&i| {
            check_row(
                &indices[indptr[i]..indptr[i + 1]],
                &values[indptr[i]..indptr[i + 1]],
                n_cols,
            )
            .is_err()
        });
        if let Some(row) = bad {
            let range = indptr[row]..indptr[row + 1];
            let e = check_row(&indices[range.clone()], &values[range], n_cols);
            if let Err(e) = e {
                return Err(e.at_row(row));
            }
        }
        Ok(Csr {
            indptr,
            indices,
            values,
            n_cols,
            scaling: None,
        })
    }

    /// Built from arrays the caller has already checked.
    pub(crate) fn from_checked(
        indptr: Vec<usize>,
        indices: Vec<u32>,
        values: Vec<f64>,
        n_cols: usize,
    ) -> Csr<'static> {
        Csr {
            indptr: Cow::Owned(indptr),
            indices: Cow::Owned(indices),
            values: Cow::Owned(values),
            n_cols,
            scaling: None,
        }
    }

    /// Number of rows n.
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Number of columns d.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Number of stored values.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// Row `i`'s column indices and values (empty slices past the end).
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        match (self.indptr.get(i), self.indptr.get(i + 1)) {
            (Some(&a), Some(&b)) => (&self.indices[a..b], &self.values[a..b]),
            _ => (&[], &[]),
        }
    }

    /// The three arrays: row pointers, column indices, values.
    pub fn arrays(&self) -> (&[usize], &[u32], &[f64]) {
        (&self.indptr, &self.indices, &self.values)
    }

    /// The implicit standardization, if any.
    pub fn scaling(&self) -> Option<&ColumnScaling> {
        self.scaling.as_ref()
    }

    /// Acts as if column j held `(x_ij − shift_j)·scale_j` (see [`ColumnScaling`]); both vectors
    /// need one finite entry per column, scales > 0.
    pub fn with_standardization(
        mut self,
        shift: Vec<f64>,
        scale: Vec<f64>,
    ) -> Result<Self, LinalgError> {
        for (what, v) in [("shift", &shift), ("scale", &scale)] {
            if v.len() != self.n_cols {
                return Err(LinalgError::LengthMismatch {
                    operation: if what == "shift" {
                        "column shift (one per column)"
                    } else {
                        "column scale (one per column)"
                    },
                    expected: self.n_cols,
                    found: v.len(),
                });
            }
        }
        if let Some(j) = shift.iter().position(|v| !acceptable(*v)) {
            return Err(LinalgError::BadScaling {
                column: j,
                reason: format!("shift {} is not a usable number", shift[j]),
            });
        }
        if let Some(j) = scale
            .iter()
            .position(|v| !(v.is_finite() && *v > 0.0 && *v <= MAX_MAGNITUDE))
        {
            return Err(LinalgError::BadScaling {
                column: j,
                reason: format!("scale {} is not a finite number > 0", scale[j]),
            });
        }
        self.scaling = Some(ColumnScaling { shift, scale });
        Ok(self)
    }

    /// The same matrix borrowing these arrays (no copy; a standardization is cloned).
    pub fn view(&self) -> Csr<'_> {
        Csr {
            indptr: Cow::Borrowed(&self.indptr),
            indices: Cow::Borrowed(&self.indices),
            values: Cow::Borrowed(&self.values),
            n_cols: self.n_cols,
            scaling: self.scaling.clone(),
        }
    }

    /// The same matrix owning its arrays (copies what was borrowed).
    pub fn into_owned(self) -> Csr<'static> {
        Csr {
            indptr: Cow::Owned(self.indptr.into_owned()),
            indices: Cow::Owned(self.indices.into_owned()),
            values: Cow::Owned(self.values.into_owned()),
            n_cols: self.n_cols,
            scaling: self.scaling,
        }
    }

    /// A matrix from `(row, column, value)` triplets in any order; entries with the same row and
    /// column are summed (as scipy's COO → CSR conversion does).
    pub fn from_triplets(
        n_rows: usize,
        n_cols: usize,
        triplets: &[(usize, usize, f64)],
    ) -> Result<Csr<'static>, LinalgError> {
        for (k, &(row, column, value)) in triplets.iter().enumerate() {
            if row >= n_rows {
                return Err(LinalgError::RowOutOfRange { row, n_rows });
            }
            if column >= n_cols || column > u32::MAX as usize {
                return Err(LinalgError::ColumnOutOfRange {
                    row,
                    position: k,
                    column,
                    n_cols,
                });
            }
            if !acceptable(value) {
                return Err(bad_value(row, column, value));
            }
        }
        let mut order: Vec<usize> = (0..triplets.len()).collect();
        order.sort_by_key(|&k| (triplets[k].0, triplets[k].1));
        let mut indptr = vec![0usize; n_rows + 1];
        let mut indices: Vec<u32> = Vec::with_capacity(triplets.len());
        let mut values: Vec<f64> = Vec::with_capacity(triplets.len());
        let mut last: Option<(usize, usize)> = None;
        for k in order {
            let (row, column, value) = triplets[k];
            if last == Some((row, column)) {
                if let Some(v) = values.last_mut() {
                    *v += value;
                    if !acceptable(*v) {
                        return Err(bad_value(row, column, *v));
                    }
                }
                continue;
            }
            last = Some((row, column));
            indices.push(column as u32);
            values.push(value);
            indptr[row + 1] += 1;
        }
        for i in 0..n_rows {
            indptr[i + 1] += indptr[i];
        }
        Ok(Csr::from_checked(indptr, indices, values, n_cols))
    }

    /// A matrix from rows of `(column, value)` pairs, each row in any order; a column repeated
    /// within a row is an error.
    pub fn from_rows<R>(n_cols: usize, rows: R) -> Result<Csr<'static>, LinalgError>
    where
        R: IntoIterator,
        R::Item: AsRef<[(u32, f64)]>,
    {
        let mut indptr = vec![0usize];
        let mut indices = Vec::new();
        let mut values = Vec::new();
        let mut sorted: Vec<(u32, f64)> = Vec::new();
        for (i, row) in rows.into_iter().enumerate() {
            sorted.clear();
            sorted.extend_from_slice(row.as_ref());
            sorted.sort_by_key(|e| e.0);
            let (idx, val): (Vec<u32>, Vec<f64>) = sorted.iter().copied().unzip();
            check_row(&idx, &val, n_cols).map_err(|e| e.at_row(i))?;
            indices.extend_from_slice(&idx);
            values.extend_from_slice(&val);
            indptr.push(indices.len());
        }
        Ok(Csr::from_checked(indptr, indices, values, n_cols))
    }

    /// The dense row-major f64 form (for small matrices and tests), with the standardization
    /// applied when there is one.
    pub fn to_dense(&self) -> Dense<'static, f64> {
        let (n, d) = (self.n_rows(), self.n_cols);
        let mut data = vec![0.0; n * d];
        for i in 0..n {
            let (idx, val) = self.row(i);
            for (&j, &v) in idx.iter().zip(val) {
                data[i * d + j as usize] = v;
            }
        }
        if let Some(s) = &self.scaling {
            for row in data.chunks_exact_mut(d.max(1)) {
                for (j, x) in row.iter_mut().enumerate() {
                    *x = (*x - s.shift[j]) * s.scale[j];
                }
            }
        }
        Dense::from_checked(Cow::Owned(data), n, d)
    }
}

/// Why one CSR row is invalid, before the row number is known.
enum RowError {
    Unsorted {
        position: usize,
        previous: u32,
        column: u32,
    },
    Column {
        position: usize,
        column: u32,
        n_cols: usize,
    },
    Value {
        column: u32,
        value: f64,
    },
}

impl RowError {
    fn at_row(self, row: usize) -> LinalgError {
        match self {
            RowError::Unsorted {
                position,
                previous,
                column,
            } => LinalgError::UnsortedIndices {
                row,
                position,
                previous: previous as usize,
                column: column as usize,
            },
            RowError::Column {
                position,
                column,
                n_cols,
            } => LinalgError::ColumnOutOfRange {
                row,
                position,
                column: column as usize,
                n_cols,
            },
            RowError::Value { column, value } => bad_value(row, column as usize, value),
        }
    }
}

fn check_row(indices: &[u32], values: &[f64], n_cols: usize) -> Result<(), RowError> {
    for (k, (&j, &v)) in indices.iter().zip(values).enumerate() {
        if j as usize >= n_cols {
            return Err(RowError::Column {
                position: k,
                column: j,
                n_cols,
            });
        }
        if k > 0 && indices[k - 1] >= j {
            return Err(RowError::Unsorted {
                position: k,
                previous: indices[k - 1],
                column: j,
            });
        }
        if !acceptable(v) {
            return Err(RowError::Value {
                column: j,
                value: v,
            });
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_borrows_and_checks() {
        let v = [1.0, 2.0, 3.0, 4.0];
        let x = Dense::new(&v[..], 2, 2).unwrap();
        assert!(x.is_borrowed());
        assert_eq!(x.row(1), Some(&[3.0, 4.0][..]));
        assert_eq!(
            Dense::new(&v[..], 3, 2).unwrap_err(),
            LinalgError::LengthMismatch {
                operation: "dense design (n_rows · n_cols values)",
                expected: 6,
                found: 4
            }
        );
        let bad = [1.0, 2.0, f64::NAN, 1e200];
        let e = Dense::new(&bad[..], 2, 2).unwrap_err();
        assert!(
            matches!(
                e,
                LinalgError::NonFinite {
                    row: 1,
                    column: 0,
                    ..
                }
            ),
            "{e}"
        );
        let big = vec![1.0, 2.0, 3.0, 1e200];
        let e = Dense::new(big, 2, 2).unwrap_err();
        assert!(
            matches!(
                e,
                LinalgError::TooLarge {
                    row: 1,
                    column: 1,
                    ..
                }
            ),
            "{e}"
        );
        // A bad value far into a large matrix is found (and the right one, not a later one).
        let mut long = vec![0.5f32; 300_000];
        long[250_001] = f32::INFINITY;
        long[299_999] = f32::NAN;
        let e = Dense::new(long, 100_000, 3).unwrap_err();
        assert!(
            matches!(
                e,
                LinalgError::NonFinite {
                    row: 83_333,
                    column: 2,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn from_dmatrix_is_row_major_and_checked() {
        let m = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let x = Dense::from_dmatrix(&m).unwrap();
        assert_eq!(x.as_slice(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let mut bad = m.clone();
        bad[(1, 0)] = f64::INFINITY;
        bad[(0, 2)] = f64::NAN;
        // Column-major order meets (1, 0) first.
        let e = Dense::from_dmatrix(&bad).unwrap_err();
        assert!(
            matches!(
                e,
                LinalgError::NonFinite {
                    row: 1,
                    column: 0,
                    ..
                }
            ),
            "{e}"
        );
        let d = Design::from_dmatrix(&m).unwrap();
        assert_eq!(d.to_dmatrix(None).unwrap(), m);
        assert_eq!(d.to_dmatrix(Some(&[1])).unwrap(), m.rows(1, 1).into_owned());
        assert!(d.to_dmatrix(Some(&[2])).is_err());
    }

    #[test]
    fn csr_checks_every_invariant_and_names_the_row() {
        let ok = Csr::new(2, 3, vec![0, 1, 3], vec![2u32, 0, 1], vec![1.0, 2.0, 3.0]).unwrap();
        assert_eq!(ok.row(1), (&[0u32, 1][..], &[2.0, 3.0][..]));
        let unsorted = Csr::new(2, 3, vec![0, 1, 3], vec![2u32, 1, 0], vec![1.0, 2.0, 3.0]);
        assert_eq!(
            unsorted.unwrap_err(),
            LinalgError::UnsortedIndices {
                row: 1,
                position: 1,
                previous: 1,
                column: 0
            }
        );
        let dup = Csr::new(1, 3, vec![0, 2], vec![1u32, 1], vec![1.0, 2.0]);
        assert!(matches!(
            dup,
            Err(LinalgError::UnsortedIndices { row: 0, .. })
        ));
        let range = Csr::new(1, 3, vec![0, 1], vec![3u32], vec![1.0]).unwrap_err();
        assert!(matches!(
            range,
            LinalgError::ColumnOutOfRange {
                row: 0,
                column: 3,
                ..
            }
        ));
        assert!(range.to_string().contains("3 columns"), "{range}");
        let nan = Csr::new(1, 3, vec![0, 1], vec![0u32], vec![f64::NAN]).unwrap_err();
        assert!(matches!(
            nan,
            LinalgError::NonFinite {
                row: 0,
                column: 0,
                ..
            }
        ));
        let ragged = Csr::new(2, 3, vec![0, 2, 1], vec![0u32, 1], vec![1.0, 1.0]).unwrap_err();
        assert!(matches!(ragged, LinalgError::BadIndptr { .. }), "{ragged}");
        let short = Csr::new(2, 3, vec![0, 1], vec![0u32], vec![1.0]).unwrap_err();
        assert!(matches!(short, LinalgError::LengthMismatch { .. }));
    }

    #[test]
    fn triplets_and_rows_build_the_same_matrix() {
        let t = Csr::from_triplets(3, 4, &[(2, 1, 1.0), (0, 3, 2.0), (0, 0, 1.0), (2, 1, 0.5)])
            .unwrap();
        let r = Csr::from_rows(4, [vec![(3, 2.0), (0, 1.0)], vec![], vec![(1, 1.5)]]).unwrap();
        assert_eq!(t, r);
        assert_eq!(t.nnz(), 3);
        assert!(Csr::from_rows(4, [vec![(1, 1.0), (1, 2.0)]]).is_err());
        assert!(Csr::from_triplets(3, 4, &[(3, 0, 1.0)]).is_err());
        assert!(Csr::from_triplets(3, 4, &[(0, 4, 1.0)]).is_err());
        let dense = Design::from(t).to_dmatrix(None).unwrap();
        assert_eq!(dense[(0, 3)], 2.0);
        assert_eq!(dense[(2, 1)], 1.5);
    }

    #[test]
    fn standardization_is_applied_on_read() {
        let s = Csr::from_rows(2, [vec![(0, 2.0)], vec![(1, 4.0)]])
            .unwrap()
            .with_standardization(vec![1.0, 2.0], vec![0.5, 0.25])
            .unwrap();
        let x = Design::from(s.clone());
        assert_eq!(x.get(0, 0), Some(0.5));
        assert_eq!(x.get(0, 1), Some(-0.5));
        assert_eq!(x.get(1, 1), Some(0.5));
        assert_eq!(s.to_dense().as_slice(), &[0.5, -0.5, -0.5, 0.5]);
        assert!(Csr::from_rows(2, [vec![(0, 2.0)]])
            .unwrap()
            .with_standardization(vec![0.0; 2], vec![1.0, 0.0])
            .is_err());
    }
}
