//! [`Csr`]: compressed sparse rows, optionally with implicit column standardization
//! ([`ColumnScaling`]), and the row checks every constructor runs.

use std::borrow::Cow;

use rayon::prelude::*;

use super::{acceptable, bad_value, Dense, MAX_MAGNITUDE};
use crate::LinalgError;

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

    /// Built from borrowed or owned arrays the caller has already checked.
    pub(crate) fn from_parts_checked(
        indptr: Cow<'a, [usize]>,
        indices: Cow<'a, [u32]>,
        values: Cow<'a, [f64]>,
        n_cols: usize,
    ) -> Csr<'a> {
        debug_assert_eq!(indptr.last().copied(), Some(indices.len()));
        Csr {
            indptr,
            indices,
            values,
            n_cols,
            scaling: None,
        }
    }

    pub(crate) fn set_scaling(&mut self, scaling: Option<ColumnScaling>) {
        self.scaling = scaling;
    }

    /// A CSR matrix over arrays this program checked when it wrote them (a scratch file read
    /// back in blocks): the lengths and the row pointers' ends are checked, not every entry
    /// (debug builds check everything).
    pub fn from_trusted(
        n_rows: usize,
        n_cols: usize,
        indptr: impl Into<Cow<'a, [usize]>>,
        indices: impl Into<Cow<'a, [u32]>>,
        values: impl Into<Cow<'a, [f64]>>,
    ) -> Result<Self, LinalgError> {
        let (indptr, indices, values) = (indptr.into(), indices.into(), values.into());
        if indptr.len() != n_rows + 1 || indices.len() != values.len() {
            return Err(LinalgError::LengthMismatch {
                operation: "CSR arrays (n_rows + 1 row pointers, one value per index)",
                expected: n_rows + 1,
                found: indptr.len(),
            });
        }
        if indptr[0] != 0 || indptr[n_rows] != indices.len() {
            return Err(LinalgError::BadIndptr {
                row: 0,
                reason: format!(
                    "the row pointers run from {} to {}, expected 0 to {}",
                    indptr[0],
                    indptr[n_rows],
                    indices.len()
                ),
            });
        }
        debug_assert!(Csr::new(n_rows, n_cols, &indptr[..], &indices[..], &values[..]).is_ok());
        Ok(Csr::from_parts_checked(indptr, indices, values, n_cols))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Design;

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
