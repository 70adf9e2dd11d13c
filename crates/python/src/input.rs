//! From numpy arrays and scipy CSR matrices to a [`Design`]: borrowed whenever the layout
//! allows (see the crate's notes on what is copied and why), checked once.

use std::borrow::Cow;

use logreg_linalg_core::{Csr, Dense, Design, Real};
use logreg_model::ModelError;
use numpy::{Element, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::value_error;

/// A scipy index array (`indices` or `indptr`), borrowed from numpy.
pub(crate) enum Index<'py> {
    I32(PyReadonlyArray1<'py, i32>),
    I64(PyReadonlyArray1<'py, i64>),
}

/// A 1-D array as one slice: borrowed when contiguous, else copied.
pub(crate) fn slice_of<'a, T: Element + Copy>(a: &'a PyReadonlyArray1<'_, T>) -> Cow<'a, [T]> {
    match a.as_slice() {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(a.as_array().iter().copied().collect()),
    }
}

impl<'py> Index<'py> {
    pub(crate) fn from_py(x: &Bound<'py, PyAny>, what: &str) -> PyResult<Self> {
        if let Ok(a) = x.extract::<PyReadonlyArray1<'py, i32>>() {
            return Ok(Index::I32(a));
        }
        if let Ok(a) = x.extract::<PyReadonlyArray1<'py, i64>>() {
            return Ok(Index::I64(a));
        }
        Err(PyTypeError::new_err(format!(
            "X: the CSR matrix's {what} must be a 1-D int32 or int64 array, found {}",
            describe(x)
        )))
    }

    /// The first negative entry, if any, as (position, value).
    fn first_negative(&self) -> Option<(usize, i64)> {
        match self {
            Index::I32(a) => slice_of(a)
                .iter()
                .position(|&v| v < 0)
                .map(|p| (p, i64::from(slice_of(a)[p]))),
            Index::I64(a) => {
                let s = slice_of(a);
                s.iter().position(|&v| v < 0).map(|p| (p, s[p]))
            }
        }
    }

    /// Column indices as u32: int32 is reinterpreted in place (same bits once ≥ 0), int64 copied.
    fn as_u32(&self) -> PyResult<Cow<'_, [u32]>> {
        if let Some((p, v)) = self.first_negative() {
            return Err(PyValueError::new_err(format!(
                "X: the CSR matrix's column index at position {p} is {v}, expected >= 0"
            )));
        }
        match self {
            Index::I32(a) => Ok(match slice_of(a) {
                Cow::Borrowed(s) => Cow::Borrowed(bytemuck::cast_slice(s)),
                Cow::Owned(v) => Cow::Owned(v.into_iter().map(|i| i as u32).collect()),
            }),
            Index::I64(a) => slice_of(a)
                .iter()
                .enumerate()
                .map(|(p, &v)| {
                    u32::try_from(v).map_err(|_| {
                        PyValueError::new_err(format!(
                            "X: the CSR matrix's column index at position {p} is {v}, \
                             beyond the 2^32 columns this library supports"
                        ))
                    })
                })
                .collect::<PyResult<Vec<u32>>>()
                .map(Cow::Owned),
        }
    }

    /// Row pointers as usize: int64 is reinterpreted in place on 64-bit targets, int32 copied.
    fn as_usize(&self) -> PyResult<Cow<'_, [usize]>> {
        if let Some((p, v)) = self.first_negative() {
            return Err(PyValueError::new_err(format!(
                "X: the CSR matrix's indptr[{p}] is {v}, expected >= 0"
            )));
        }
        Ok(match self {
            Index::I32(a) => Cow::Owned(slice_of(a).iter().map(|&v| v as usize).collect()),
            Index::I64(a) => match slice_of(a) {
                Cow::Borrowed(s) => match bytemuck::try_cast_slice::<i64, usize>(s) {
                    Ok(u) => Cow::Borrowed(u),
                    Err(_) => Cow::Owned(s.iter().map(|&v| v as usize).collect()),
                },
                Cow::Owned(v) => Cow::Owned(v.into_iter().map(|i| i as usize).collect()),
            },
        })
    }
}

/// X as the Python layer hands it over: numpy or scipy arrays, borrowed (read-only) from Python.
pub(crate) enum Input<'py> {
    F64(PyReadonlyArray2<'py, f64>),
    F32(PyReadonlyArray2<'py, f32>),
    Csr {
        shape: (usize, usize),
        data: PyReadonlyArray1<'py, f64>,
        indices: Index<'py>,
        indptr: Index<'py>,
    },
}

/// How a Python object is named in a type error: its type, and dtype and shape for arrays.
pub(crate) fn describe(x: &Bound<'_, PyAny>) -> String {
    let ty = x
        .get_type()
        .name()
        .map_or_else(|_| "an object".to_string(), |n| n.to_string());
    match (x.getattr("dtype"), x.getattr("shape")) {
        (Ok(dtype), Ok(shape)) => format!("{ty} of dtype {dtype} and shape {shape}"),
        _ => ty,
    }
}

impl<'py> Input<'py> {
    pub(crate) fn from_py(x: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(a) = x.extract::<PyReadonlyArray2<'py, f64>>() {
            return Ok(Input::F64(a));
        }
        if let Ok(a) = x.extract::<PyReadonlyArray2<'py, f32>>() {
            return Ok(Input::F32(a));
        }
        if x.hasattr("indptr")? {
            let format: String = x.getattr("format")?.extract()?;
            if format != "csr" {
                return Err(PyTypeError::new_err(format!(
                    "X: expected a CSR sparse matrix, found format {format:?} (convert with .tocsr())"
                )));
            }
            let data = x.getattr("data")?;
            let data = data.extract::<PyReadonlyArray1<'py, f64>>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "X: the CSR matrix's values must be float64, found {}",
                    describe(&data)
                ))
            })?;
            return Ok(Input::Csr {
                shape: x.getattr("shape")?.extract()?,
                data,
                indices: Index::from_py(&x.getattr("indices")?, "indices")?,
                indptr: Index::from_py(&x.getattr("indptr")?, "indptr")?,
            });
        }
        Err(PyTypeError::new_err(format!(
            "X: expected a 2-D float64 or float32 numpy array or a scipy CSR matrix, found {}",
            describe(x)
        )))
    }

    /// The design over these arrays, borrowing them wherever the layout allows (see the module
    /// documentation); every value is checked once here (finite, not huge).
    pub(crate) fn design(&self) -> PyResult<Design<'_>> {
        match self {
            Input::F64(a) => dense(a).map(Design::Dense),
            Input::F32(a) => dense(a).map(Design::DenseF32),
            Input::Csr {
                shape,
                data,
                indices,
                indptr,
            } => Csr::new(
                shape.0,
                shape.1,
                indptr.as_usize()?,
                indices.as_u32()?,
                slice_of(data),
            )
            .map(Design::Sparse)
            .map_err(|e| value_error(ModelError::from(e))),
        }
    }
}

pub(crate) fn dense<'a, T: Real + Element>(
    a: &'a PyReadonlyArray2<'_, T>,
) -> PyResult<Dense<'a, T>> {
    let [n, d] = [a.shape()[0], a.shape()[1]];
    // `as_slice` also accepts Fortran order, which must not be read as rows.
    let x = match a.as_slice() {
        Ok(s) if a.is_c_contiguous() => Dense::new(s, n, d),
        // Logical (row-major) order whatever the memory layout.
        _ => Dense::new(a.as_array().iter().copied().collect::<Vec<T>>(), n, d),
    };
    x.map_err(|e| value_error(ModelError::from(e)))
}

/// Checks X the way a fit would, without fitting: the design's shape and storage, so tests can
/// tell whether the arrays were borrowed.
#[pyfunction]
pub(crate) fn _design_info(x: &Bound<'_, PyAny>) -> PyResult<(usize, usize, &'static str, bool)> {
    let input = Input::from_py(x)?;
    let design = input.design()?;
    let borrowed = match &design {
        Design::Dense(d) => d.is_borrowed(),
        Design::DenseF32(d) => d.is_borrowed(),
        Design::Sparse(s) => {
            let (indptr, indices, values) = s.arrays();
            match &input {
                Input::Csr {
                    data,
                    indices: i,
                    indptr: p,
                    ..
                } => {
                    let same = |a: *const u8, b: *const u8| std::ptr::eq(a, b);
                    let idx_ptr = match i {
                        Index::I32(a) => a.as_array().as_ptr().cast::<u8>(),
                        Index::I64(a) => a.as_array().as_ptr().cast::<u8>(),
                    };
                    let ptr_ptr = match p {
                        Index::I32(a) => a.as_array().as_ptr().cast::<u8>(),
                        Index::I64(a) => a.as_array().as_ptr().cast::<u8>(),
                    };
                    same(values.as_ptr().cast(), data.as_array().as_ptr().cast())
                        && same(indices.as_ptr().cast(), idx_ptr)
                        && same(indptr.as_ptr().cast(), ptr_ptr)
                }
                _ => false,
            }
        }
    };
    Ok((
        design.n_rows(),
        design.n_cols(),
        design.storage().name(),
        borrowed,
    ))
}
