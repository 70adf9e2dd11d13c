//! [`Dense`]: a row-major matrix of f64 or f32, borrowed or owned, checked once on construction.

use std::borrow::Cow;

use nalgebra::DMatrix;
use rayon::prelude::*;

use super::{acceptable, bad_value, first_unacceptable, Real};
use crate::LinalgError;

/// A dense row-major n × d matrix of `f64` or `f32`, borrowed or owned; every value finite and
/// within [`MAX_MAGNITUDE`](crate::MAX_MAGNITUDE).
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

    /// A matrix over values this program checked when it wrote them (a scratch file read back
    /// in blocks): only the shape is checked here. Checking every value again would double the
    /// memory traffic of each pass over data read back from disk; debug builds still check.
    pub fn from_trusted(
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
        debug_assert!(first_unacceptable(&data).is_none());
        Ok(Dense {
            data,
            n: n_rows,
            d: n_cols,
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Design;

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
}
