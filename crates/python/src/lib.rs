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

use logreg_model::{
    CovType, FitOptions, LogisticRegression, ModelError, MultiFitOptions, MultiWarmStart, Penalty,
    Solver, SolverKind, ValidParams,
};
use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

mod fitted;
mod input;
mod summary;

use fitted::{Fitted, Model};
use input::{_design_info, slice_of, Input};
use summary::{MultinomialSummary, Summary};

/// Every library error becomes a `ValueError` with the library's message: bad input, a setting
/// out of range, a corrupt saved model.
fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

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
