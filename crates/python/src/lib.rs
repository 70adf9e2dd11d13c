//! `logreg._logreg`: the Rust half of the Python package `logreg`.
//!
//! The Python half (`python/logreg/`) checks arguments the way scikit-learn does, encodes the
//! labels as codes `0..K` and calls `fit` (below). This module turns numpy arrays and scipy CSR matrices
//! into a [`Design`] — borrowed, not copied, whenever the layout allows — and fits with the GIL
//! released, so other Python threads run meanwhile.
//!
//! What is copied, and why:
//! - a C-contiguous float64 or float32 array: nothing (borrowed as `Dense` / `DenseF32`);
//! - any other strided layout (Fortran order, slices with steps): one row-major copy, since the
//!   kernels read rows (the Python layer asks scikit-learn for C order first, which copies then);
//! - CSR values: borrowed when float64 (the Python layer converts float32 values, a copy);
//! - CSR column indices: int32 borrowed as u32 after checking they are ≥ 0; int64 copied to u32
//!   after checking they fit;
//! - CSR row pointers: int64 borrowed as usize after checking they are ≥ 0; int32 copied (n + 1
//!   values);
//! - CSR with unsorted or duplicate indices: the Python layer sorts and sums them in a copy
//!   (`sum_duplicates`), the canonical form the kernels need.

use std::borrow::Cow;

use logreg_linalg_core::{log_sigmoid, sigmoid, Csr, Dense, Design, Real};
use logreg_model::{from_versioned_json, Summary as ModelSummary};
use logreg_model::{
    to_versioned_json, CovType, FitOptions, FitReport, FittedLogisticRegression, FittedMultinomial,
    LogisticRegression, ModelError, MultiFitOptions, MultiWarmStart,
    MultinomialSummary as ModelMultinomialSummary, Penalty, Solver, SolverKind, ValidParams,
};
use numpy::ndarray::Array2;
use numpy::{
    Element, IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use serde::{Deserialize, Serialize};

/// Every library error becomes a `ValueError` with the library's message: bad input, a setting
/// out of range, a corrupt saved model.
fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// A scipy index array (`indices` or `indptr`), borrowed from numpy.
enum Index<'py> {
    I32(PyReadonlyArray1<'py, i32>),
    I64(PyReadonlyArray1<'py, i64>),
}

/// A 1-D array as one slice: borrowed when contiguous, else copied.
fn slice_of<'a, T: Element + Copy>(a: &'a PyReadonlyArray1<'_, T>) -> Cow<'a, [T]> {
    match a.as_slice() {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(a.as_array().iter().copied().collect()),
    }
}

impl<'py> Index<'py> {
    fn from_py(x: &Bound<'py, PyAny>, what: &str) -> PyResult<Self> {
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
enum Input<'py> {
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
fn describe(x: &Bound<'_, PyAny>) -> String {
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
    fn from_py(x: &Bound<'py, PyAny>) -> PyResult<Self> {
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
    fn design(&self) -> PyResult<Design<'_>> {
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

fn dense<'a, T: Real + Element>(a: &'a PyReadonlyArray2<'_, T>) -> PyResult<Dense<'a, T>> {
    let [n, d] = [a.shape()[0], a.shape()[1]];
    // `as_slice` also accepts Fortran order, which must not be read as rows.
    let x = match a.as_slice() {
        Ok(s) if a.is_c_contiguous() => Dense::new(s, n, d),
        // Logical (row-major) order whatever the memory layout.
        _ => Dense::new(a.as_array().iter().copied().collect::<Vec<T>>(), n, d),
    };
    x.map_err(|e| value_error(ModelError::from(e)))
}

/// The fitted model: binary (two classes) or multinomial (three or more); labels are the codes
/// `0..K` the Python layer maps back to its `classes_`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Model {
    Binary(FittedLogisticRegression<i64>),
    Multinomial(FittedMultinomial<i64>),
}

const MODEL_KIND: &str = "logreg_python_model";

/// A fitted logistic regression, as returned by [`fit`]: coefficients, predictions, the fit
/// report, the summary table and the JSON the Python layer pickles.
#[pyclass(frozen, module = "logreg._logreg")]
struct Fitted {
    model: Model,
}

impl Fitted {
    fn report(&self) -> &FitReport {
        match &self.model {
            Model::Binary(m) => m.report(),
            Model::Multinomial(m) => m.report(),
        }
    }

    fn n_features(&self) -> usize {
        match &self.model {
            Model::Binary(m) => m.n_features(),
            Model::Multinomial(m) => m.coefficients().ncols(),
        }
    }

    /// Logits: n values (binary) or n × K, row after row (multinomial).
    fn logits(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<(Vec<f64>, usize)> {
        let input = Input::from_py(x)?;
        let x = input.design()?;
        py.detach(|| match &self.model {
            Model::Binary(m) => m.decision_function(&x).map(|z| (z.as_slice().to_vec(), 1)),
            Model::Multinomial(m) => m.decision_function(&x).map(|z| {
                let k = z.ncols();
                (z.transpose().as_slice().to_vec(), k)
            }),
        })
        .map_err(value_error)
    }
}

/// An n × k array from values row after row.
fn matrix<'py>(py: Python<'py>, values: Vec<f64>, k: usize) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let n = values.len() / k.max(1);
    Array2::from_shape_vec((n, k), values)
        .map(|a| a.into_pyarray(py))
        .map_err(value_error)
}

/// Softmax or log-softmax of each row of k logits, with the row maximum subtracted first.
fn softmax_rows(z: &mut [f64], k: usize, log: bool) {
    for row in z.chunks_exact_mut(k) {
        let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let s: f64 = row.iter().map(|v| (v - m).exp()).sum();
        let log_s = s.ln();
        for v in row.iter_mut() {
            *v = if log {
                *v - m - log_s
            } else {
                (*v - m).exp() / s
            };
        }
    }
}

#[pymethods]
impl Fitted {
    /// Coefficients, one row per class (one row for a binary model), as scikit-learn's `coef_`.
    #[getter]
    fn coef<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        match &self.model {
            Model::Binary(m) => matrix(py, m.coefficients().as_slice().to_vec(), m.n_features()),
            Model::Multinomial(m) => {
                let w = m.coefficients();
                matrix(py, w.transpose().as_slice().to_vec(), w.ncols())
            }
        }
    }

    /// Intercepts, one per row of `coef` (0 when none was fitted).
    #[getter]
    fn intercept<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        match &self.model {
            Model::Binary(m) => vec![m.intercept()].into_pyarray(py),
            Model::Multinomial(m) => m.intercepts().as_slice().to_vec().into_pyarray(py),
        }
    }

    /// Number of features the model was fitted on.
    #[getter]
    fn n_features_in(&self) -> usize {
        self.n_features()
    }

    /// Solver iterations over every stage (SGD: optimizer steps).
    #[getter]
    fn n_iter(&self) -> usize {
        self.report().iterations
    }

    /// The solver that ran (`auto` resolved).
    #[getter]
    fn solver(&self) -> &'static str {
        self.report().solver.name()
    }

    /// Whether a convergence test passed and no warning applies.
    #[getter]
    fn converged(&self) -> bool {
        self.report().converged
    }

    /// The objective in scikit-learn's scale: `C·Σ sᵢℓᵢ + ½‖w‖²`, or `Σ sᵢℓᵢ` unpenalized.
    #[getter]
    fn objective(&self) -> f64 {
        self.report().objective
    }

    /// The solver's reason for stopping.
    #[getter]
    fn stop(&self) -> String {
        self.report().stop.to_string()
    }

    /// Why the coefficients should not be trusted as an optimum, if they should not.
    #[getter]
    fn warning(&self) -> Option<String> {
        self.report().warning.as_ref().map(ToString::to_string)
    }

    /// The logits: shape (n,) for a binary model, (n, K) for a multinomial one.
    fn decision_function<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (z, k) = self.logits(py, x)?;
        Ok(match &self.model {
            Model::Binary(_) => z.into_pyarray(py).into_any(),
            Model::Multinomial(_) => matrix(py, z, k)?.into_any(),
        })
    }

    /// Class probabilities, shape (n, K) (K = 2 for a binary model), computed from the logits.
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        self.probabilities(py, x, false)
    }

    /// Logarithms of the class probabilities, computed from the logits (never as log(p), which
    /// is -inf for a probability that rounds to 0).
    fn predict_log_proba<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        self.probabilities(py, x, true)
    }

    /// The predicted class code of each row (0..K): positive when the logit is > 0 (P > 0.5),
    /// else the class with the largest logit.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let (z, k) = self.logits(py, x)?;
        let codes: Vec<i64> = match &self.model {
            Model::Binary(_) => z.iter().map(|&v| i64::from(v > 0.0)).collect(),
            Model::Multinomial(_) => z
                .chunks_exact(k)
                .map(|row| {
                    // The first of equal maxima, as numpy's argmax.
                    let mut best = 0;
                    for (c, &v) in row.iter().enumerate() {
                        if v > row[best] {
                            best = c;
                        }
                    }
                    best as i64
                })
                .collect(),
        };
        Ok(codes.into_pyarray(py))
    }

    /// The statsmodels-style summary of an unpenalized fit: model statistics and the
    /// coefficient table (binary: a [`Summary`]; multinomial: a [`MultinomialSummary`], one
    /// table per class against the first). `classes` are the Python labels of codes `0..K`. A
    /// `ValueError` saying why for penalized or separated fits.
    fn summary(&self, py: Python<'_>, classes: Vec<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        match &self.model {
            Model::Binary(m) => {
                let s = m.summary().map_err(value_error)?;
                Ok(Py::new(py, Summary { inner: s })?.into_any())
            }
            Model::Multinomial(m) => {
                let s = m.summary().map_err(value_error)?;
                let label = |code: i64| -> PyResult<(Py<PyAny>, ClassName)> {
                    let obj = usize::try_from(code)
                        .ok()
                        .and_then(|c| classes.get(c))
                        .ok_or_else(|| {
                            value_error(format!(
                                "class code {code}: expected one of {} class labels",
                                classes.len()
                            ))
                        })?;
                    let name = obj.bind(py).str()?.to_string();
                    Ok((obj.clone_ref(py), ClassName(name)))
                };
                let (reference, reference_name) = label(s.reference_class)?;
                let mut tables = Vec::with_capacity(s.tables.len());
                let mut named = Vec::with_capacity(s.tables.len());
                for (code, table) in s.tables {
                    let (obj, name) = label(code)?;
                    named.push((name, table.clone()));
                    tables.push((obj, Py::new(py, Summary { inner: table })?));
                }
                let inner = ModelMultinomialSummary {
                    reference_class: reference_name,
                    tables: named,
                    cov_type: s.cov_type,
                    statistics: s.statistics,
                };
                Ok(Py::new(
                    py,
                    MultinomialSummary {
                        inner,
                        reference_class: reference,
                        tables,
                    },
                )?
                .into_any())
            }
        }
    }

    /// The model as an ONNX graph (serialized protobuf) on one input `X` (double, `[N, d]`),
    /// with outputs `label` (the class as text) and `probabilities`; `classes` names the classes.
    fn to_onnx<'py>(
        &self,
        py: Python<'py>,
        classes: Vec<String>,
    ) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
        let (coefficients, intercepts) = match &self.model {
            Model::Binary(m) => (m.coefficients().as_slice().to_vec(), vec![m.intercept()]),
            Model::Multinomial(m) => (
                m.coefficients().transpose().as_slice().to_vec(),
                m.intercepts().as_slice().to_vec(),
            ),
        };
        let model = logreg_onnx::LinearModel {
            coefficients,
            intercepts,
            classes,
        };
        let bytes =
            logreg_onnx::linear_model_to_onnx(&model, self.n_features()).map_err(value_error)?;
        Ok(pyo3::types::PyBytes::new(py, &bytes))
    }

    /// The model as versioned JSON (what pickling stores).
    fn to_json(&self) -> PyResult<String> {
        to_versioned_json(MODEL_KIND, &self.model).map_err(value_error)
    }

    /// A model from [`to_json`](Self::to_json)'s text, checked for consistency.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Fitted> {
        let model: Model = from_versioned_json(MODEL_KIND, text).map_err(value_error)?;
        if let Model::Binary(m) = &model {
            m.validate().map_err(value_error)?;
        }
        Ok(Fitted { model })
    }
}

impl Fitted {
    fn probabilities<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        log: bool,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let (mut z, k) = self.logits(py, x)?;
        match &self.model {
            Model::Binary(_) => {
                // [P(negative), P(positive)] = [σ(−z), σ(z)]: both exact, neither 1 − the other.
                let f = if log { log_sigmoid } else { sigmoid };
                let p: Vec<f64> = z.iter().flat_map(|&v| [f(-v), f(v)]).collect();
                matrix(py, p, 2)
            }
            Model::Multinomial(_) => {
                softmax_rows(&mut z, k, log);
                matrix(py, z, k)
            }
        }
    }
}

/// A class label as the summary prints it: Python's `str()` of the label, unquoted.
#[derive(Clone, PartialEq)]
struct ClassName(String);

impl std::fmt::Debug for ClassName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The statsmodels-style summary of an unpenalized binary fit (statsmodels' `Logit` results):
/// model statistics and the coefficient table; `str()` prints it.
#[pyclass(frozen, module = "logreg._logreg")]
struct Summary {
    inner: ModelSummary,
}

/// The model statistics as statsmodels names them (`llf`, `llnull`, `llr`, `llr_pvalue`,
/// `aic`, `bic`, `prsquared`, `deviance`, `null_deviance`, `nobs`, `df_model`), shared by
/// [`Summary`] and [`MultinomialSummary`]; each is `None` when the fit has no statistics. PyO3
/// (without `multiple-pymethods`) takes one `#[pymethods]` block per class, so the class's own
/// methods are passed in.
macro_rules! statistics_getters {
    ($ty:ty { $($own:tt)* }) => {
        #[pymethods]
        impl $ty {
            $($own)*
            /// How the standard errors were computed: "nonrobust", "hc0" or "hc1".
            #[getter]
            fn cov_type(&self) -> &'static str {
                self.inner.cov_type.name()
            }
            /// The maximized log-likelihood (statsmodels' `llf`).
            #[getter]
            fn llf(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.log_likelihood)
            }
            /// The intercept-only model's log-likelihood (statsmodels' `llnull`).
            #[getter]
            fn llnull(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.null_log_likelihood)
            }
            /// The likelihood-ratio statistic 2 (llf − llnull).
            #[getter]
            fn llr(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.llr)
            }
            /// The likelihood-ratio test's p-value, P(χ²(df_model) ≥ llr).
            #[getter]
            fn llr_pvalue(&self) -> Option<f64> {
                self.inner.statistics.as_ref().and_then(|s| s.llr_p_value)
            }
            /// Akaike's information criterion.
            #[getter]
            fn aic(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.aic)
            }
            /// Schwarz's Bayesian information criterion.
            #[getter]
            fn bic(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.bic)
            }
            /// McFadden's pseudo-R² (statsmodels' `prsquared`).
            #[getter]
            fn prsquared(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.pseudo_r2)
            }
            /// The deviance −2 llf.
            #[getter]
            fn deviance(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.deviance)
            }
            /// The null model's deviance −2 llnull.
            #[getter]
            fn null_deviance(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.null_deviance)
            }
            /// Observations: rows, or the sum of their sample weights (frequency weights).
            #[getter]
            fn nobs(&self) -> Option<f64> {
                self.inner.statistics.as_ref().map(|s| s.nobs)
            }
            /// Degrees of freedom of the likelihood-ratio test.
            #[getter]
            fn df_model(&self) -> Option<usize> {
                self.inner.statistics.as_ref().map(|s| s.df_model)
            }
            fn __str__(&self) -> String {
                self.inner.to_string()
            }
            fn __repr__(&self) -> String {
                self.inner.to_string()
            }
        }
    };
}

statistics_getters!(Summary {
    /// Parameter names: the features, then `intercept` when one was fitted.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.inner.names.clone()
    }
    /// Estimates.
    #[getter]
    fn coef(&self) -> Vec<f64> {
        self.inner.coef.clone()
    }
    /// Standard errors.
    #[getter]
    fn std_err(&self) -> Vec<f64> {
        self.inner.std_errors.clone()
    }
    /// z statistics.
    #[getter]
    fn z(&self) -> Vec<f64> {
        self.inner.z.clone()
    }
    /// Two-sided p-values.
    #[getter]
    fn p_values(&self) -> Vec<f64> {
        self.inner.p_values.clone()
    }
    /// Lower ends of the 95% Wald intervals.
    #[getter]
    fn ci_low(&self) -> Vec<f64> {
        self.inner.ci_low.clone()
    }
    /// Upper ends of the 95% Wald intervals.
    #[getter]
    fn ci_high(&self) -> Vec<f64> {
        self.inner.ci_high.clone()
    }
});

/// The statsmodels-style summary of an unpenalized multinomial fit (statsmodels' `MNLogit`
/// results): model statistics and one coefficient table per class after the first, the
/// log-odds of that class against the first (the reference class); `str()` prints it.
#[pyclass(frozen, module = "logreg._logreg")]
struct MultinomialSummary {
    inner: ModelMultinomialSummary<ClassName>,
    reference_class: Py<PyAny>,
    tables: Vec<(Py<PyAny>, Py<Summary>)>,
}

statistics_getters!(MultinomialSummary {
    /// The class every table is measured against (``classes_[0]``).
    #[getter]
    fn reference_class(&self, py: Python<'_>) -> Py<PyAny> {
        self.reference_class.clone_ref(py)
    }
    /// (class, its [`Summary`] against the reference class), for ``classes_[1:]``.
    #[getter]
    fn tables(&self, py: Python<'_>) -> Vec<(Py<PyAny>, Py<Summary>)> {
        self.tables
            .iter()
            .map(|(c, t)| (c.clone_ref(py), t.clone_ref(py)))
            .collect()
    }
});

/// The parameters the Python estimator was given, checked by the library (errors name the
/// parameter). The one place that maps the Python names to the library's settings.
#[allow(clippy::too_many_arguments)]
fn params(
    penalty: Option<&str>,
    c: f64,
    fit_intercept: bool,
    solver: &str,
    max_iter: Option<usize>,
    tol: Option<f64>,
    seed: u64,
    learning_rate: Option<f64>,
    batch_size: Option<usize>,
    cov_type: &str,
) -> PyResult<ValidParams> {
    let cov_type = CovType::from_name(cov_type).ok_or_else(|| {
        PyValueError::new_err(format!(
            "cov_type '{cov_type}': expected 'nonrobust', 'hc0' or 'hc1'"
        ))
    })?;
    let penalty = match penalty {
        // scikit-learn ≥ 1.8 spells "no penalty" as C = inf.
        Some("l2") if c == f64::INFINITY => Penalty::None,
        Some("l2") => Penalty::L2 { c },
        None | Some("none") => Penalty::None,
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "penalty '{other}': expected 'l2' or None"
            )))
        }
    };
    let kind = SolverKind::from_name(solver).ok_or_else(|| {
        PyValueError::new_err(format!(
            "solver '{solver}': expected 'auto', 'gd', 'sgd', 'lbfgs', 'newton' or 'newton-cg'"
        ))
    })?;
    let solver = Solver::configured(kind, learning_rate, batch_size).map_err(|e| match e {
        ModelError::SettingNotForSolver {
            setting,
            takes_it,
            solver,
        } => {
            let names: Vec<String> = takes_it.iter().map(|k| format!("'{}'", k.name())).collect();
            PyValueError::new_err(format!(
                "{setting} applies to solver {}, not '{}'",
                names.join(" or "),
                solver.name()
            ))
        }
        other => value_error(other),
    })?;
    let mut p = LogisticRegression::params()
        .penalty(penalty)
        .fit_intercept(fit_intercept)
        .solver(solver)
        .cov_type(cov_type)
        .seed(seed);
    if let Some(n) = max_iter {
        p = p.max_iter(n);
    }
    if let Some(t) = tol {
        p = p.tol(t);
    }
    p.check().map_err(|e| match e {
        // SGD calls its initial rate eta0; the estimator calls it learning_rate.
        ModelError::InvalidParam {
            name: "eta0",
            value,
            expected,
        } => value_error(ModelError::InvalidParam {
            name: "learning_rate",
            value,
            expected,
        }),
        other => value_error(other),
    })
}

/// Sample weights as the library takes them, and the rows to fit on: rows of weight 0 are left
/// out (they contribute nothing to scikit-learn's objective), everything else is checked by the
/// library (a negative or NaN weight is an error naming its row).
fn weights_and_rows(sw: Option<&[f64]>) -> (Option<Vec<f64>>, Option<Vec<usize>>) {
    let Some(sw) = sw else {
        return (None, None);
    };
    if !sw.contains(&0.0) {
        return (Some(sw.to_vec()), None);
    }
    let rows = (0..sw.len()).filter(|&i| sw[i] != 0.0).collect();
    // A row left out may hold any positive weight: it is never read.
    let w = sw.iter().map(|&v| if v == 0.0 { 1.0 } else { v }).collect();
    (Some(w), Some(rows))
}

/// Fit a logistic regression on X (see [`Input`]) and label codes `y` in `0..n_classes`:
/// binary for two classes, multinomial for more. Runs without the GIL.
#[pyfunction]
#[pyo3(signature = (
    x, y, n_classes, *, penalty, c, fit_intercept, solver, max_iter, tol, seed,
    learning_rate=None, batch_size=None, cov_type="nonrobust", sample_weight=None,
    warm_start=None, feature_names=None
))]
#[allow(clippy::too_many_arguments)]
fn fit<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    y: PyReadonlyArray1<'py, i64>,
    n_classes: usize,
    penalty: Option<&str>,
    c: f64,
    fit_intercept: bool,
    solver: &str,
    max_iter: Option<usize>,
    tol: Option<f64>,
    seed: u64,
    learning_rate: Option<f64>,
    batch_size: Option<usize>,
    cov_type: &str,
    sample_weight: Option<PyReadonlyArray1<'py, f64>>,
    warm_start: Option<Bound<'py, Fitted>>,
    feature_names: Option<Vec<String>>,
) -> PyResult<Fitted> {
    let params = params(
        penalty,
        c,
        fit_intercept,
        solver,
        max_iter,
        tol,
        seed,
        learning_rate,
        batch_size,
        cov_type,
    )?;
    let input = Input::from_py(x)?;
    let design = input.design()?;
    let y = slice_of(&y);
    let sw = sample_weight.as_ref().map(slice_of);
    let warm = warm_start.as_ref().map(|w| &w.get().model);
    let model = py.detach(|| -> Result<Model, ModelError> {
        let (weights, rows) = weights_and_rows(sw.as_deref());
        if n_classes <= 2 {
            let warm = match warm {
                Some(Model::Binary(m)) => Some(m),
                _ => None,
            };
            params
                .fit_with(
                    &design,
                    &y,
                    FitOptions {
                        rows: rows.as_deref(),
                        sample_weight: weights.as_deref(),
                        positive_class: Some(1),
                        warm_start: warm,
                        feature_names,
                        ..FitOptions::default()
                    },
                )
                .map(Model::Binary)
        } else {
            let warm = match warm {
                Some(Model::Multinomial(m)) => Some(MultiWarmStart::from(m)),
                _ => None,
            };
            params
                .fit_multinomial_with(
                    &design,
                    &y,
                    MultiFitOptions {
                        rows: rows.as_deref(),
                        sample_weight: weights.as_deref(),
                        feature_names,
                        warm_start: warm,
                        ..MultiFitOptions::default()
                    },
                )
                .map(Model::Multinomial)
        }
    });
    let model = model.map_err(value_error)?;
    if let Model::Multinomial(m) = &model {
        if m.classes().len() != n_classes {
            return Err(value_error(format!(
                "{} classes have rows of positive weight, expected {n_classes}",
                m.classes().len()
            )));
        }
    }
    Ok(Fitted { model })
}

/// Checks X the way a fit would, without fitting: the design's shape and storage, so tests can
/// tell whether the arrays were borrowed.
#[pyfunction]
fn _design_info(x: &Bound<'_, PyAny>) -> PyResult<(usize, usize, &'static str, bool)> {
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

/// The extension module.
#[pymodule]
fn _logreg(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Fitted>()?;
    m.add_class::<Summary>()?;
    m.add_class::<MultinomialSummary>()?;
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    m.add_function(wrap_pyfunction!(_design_info, m)?)?;
    Ok(())
}
