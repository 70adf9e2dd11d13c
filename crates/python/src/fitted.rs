//! The fitted model the Python layer holds: coefficients, predictions from logits, the fit
//! report, summaries and the JSON it pickles.

use logreg_linalg_core::{log_sigmoid, sigmoid};
use logreg_model::from_versioned_json;
use logreg_model::{
    to_versioned_json, FitReport, FittedLogisticRegression, FittedMultinomial,
    MultinomialSummary as ModelMultinomialSummary,
};
use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::prelude::*;
use serde::{Deserialize, Serialize};

use crate::input::Input;
use crate::summary::{ClassName, MultinomialSummary, Summary};
use crate::value_error;

/// The fitted model: binary (two classes) or multinomial (three or more); labels are the codes
/// `0..K` the Python layer maps back to its `classes_`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Model {
    Binary(FittedLogisticRegression<i64>),
    Multinomial(FittedMultinomial<i64>),
}

pub(crate) const MODEL_KIND: &str = "logreg_python_model";

/// A fitted logistic regression, as returned by [`fit`]: coefficients, predictions, the fit
/// report, the summary table and the JSON the Python layer pickles.
#[pyclass(frozen, module = "logreg._logreg")]
pub(crate) struct Fitted {
    pub(crate) model: Model,
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
pub(crate) fn matrix<'py>(
    py: Python<'py>,
    values: Vec<f64>,
    k: usize,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let n = values.len() / k.max(1);
    Array2::from_shape_vec((n, k), values)
        .map(|a| a.into_pyarray(py))
        .map_err(value_error)
}

/// Softmax or log-softmax of each row of k logits, with the row maximum subtracted first.
pub(crate) fn softmax_rows(z: &mut [f64], k: usize, log: bool) {
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
