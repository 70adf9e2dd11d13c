//! linfa's traits, with the `linfa` feature: logreg's binary estimator where linfa code expects
//! one, including linfa's cross-validation.
//!
//! - [`LogisticRegressionParams`] is linfa's unchecked parameter set ([`ParamGuard`], checked
//!   into [`ValidParams`]), so `params.fit(&dataset)` checks, then fits;
//! - [`ValidParams`] implements [`Fit`] for any linfa dataset of `f64` records and one target per
//!   sample; the records are borrowed as a design without a copy when they are in standard
//!   (row-major) layout, and the dataset's sample weights, if any, are the fit's;
//! - [`FittedLogisticRegression`] implements [`PredictInplace`] (and so linfa's `Predict`),
//!   predicting class labels.
//!
//! [`ValidParams`] and [`FittedLogisticRegression`] have inherent `fit` and `predict` methods
//! (taking X and y, returning `Result`s), which method-call syntax picks first; call linfa's as
//! `Fit::fit(&params, &dataset)` and `Predict::predict(&model, records)` (generic linfa code,
//! such as its cross-validation, reaches them through the traits anyway).
//!
//! ```
//! use linfa::prelude::*;
//! use logreg_model::LogisticRegression;
//! use ndarray::{array, Array1};
//!
//! let x = array![[0.5], [1.0], [1.5], [3.0], [3.5], [4.0]];
//! let y: Array1<&str> = array!["no", "no", "yes", "no", "yes", "yes"];
//! let data = Dataset::new(x, y);                                    // one target per sample
//! let model = LogisticRegression::params().c(1.0).fit(&data)?;   // checked, then fitted
//! let predicted: Array1<&str> = Predict::predict(&model, data.records());
//! assert_eq!(predicted.len(), 6);
//! # Ok::<(), logreg_model::ModelError>(())
//! ```
//!
//! linfa's `PredictInplace` has no way to report an error: X with another number of columns
//! than the model's, or with a NaN or infinite value, panics there with this library's message.
//! [`FittedLogisticRegression::predict`] returns the same error as a `Result`.

use crate::binary::{FitOptions, FittedLogisticRegression};
use crate::labels::Label;
use crate::params::{LogisticRegressionParams, ValidParams};
use crate::ModelError;
use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::{Fit, PredictInplace};
use linfa::ParamGuard;
use logreg_linalg_core::{Dense, Design};
use ndarray::{Array1, ArrayBase, Data, Ix2};

impl From<linfa::Error> for ModelError {
    fn from(e: linfa::Error) -> Self {
        ModelError::Linfa(e.to_string())
    }
}

impl ParamGuard for LogisticRegressionParams {
    type Checked = ValidParams;
    type Error = ModelError;

    fn check_ref(&self) -> Result<&ValidParams, ModelError> {
        // Validation reads the settings only; a clone of this small struct is what `check` takes.
        self.clone().check()?;
        let p: *const LogisticRegressionParams = self;
        // SAFETY: `ValidParams` is `#[repr(transparent)]` over `LogisticRegressionParams`, so the
        // two have the same layout, and these settings have just passed the checks that are
        // `ValidParams`'s only invariant; the reference keeps `self`'s lifetime.
        Ok(unsafe { &*p.cast::<ValidParams>() })
    }

    fn check(self) -> Result<ValidParams, ModelError> {
        LogisticRegressionParams::check(self)
    }
}

/// The records as a design: borrowed when row-major and contiguous, copied otherwise.
fn design<D: Data<Elem = f64>>(x: &ArrayBase<D, Ix2>) -> Result<Design<'_>, ModelError> {
    Ok(Design::Dense(Dense::from_ndarray(x.view())?))
}

impl<D, T, L> Fit<ArrayBase<D, Ix2>, T, ModelError> for ValidParams
where
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = L>,
    L: Label,
{
    type Object = FittedLogisticRegression<L>;

    /// Fit on the dataset's records and targets (two distinct labels), with its sample weights
    /// when it has them and its feature names when they are set.
    fn fit(
        &self,
        dataset: &DatasetBase<ArrayBase<D, Ix2>, T>,
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        let x = design(dataset.records())?;
        let y: Vec<L> = dataset.as_single_targets().iter().cloned().collect();
        let weights: Option<Vec<f64>> = dataset
            .weights()
            .map(|w| w.iter().map(|&v| f64::from(v)).collect());
        let names = dataset.feature_names();
        let feature_names = (names.len() == x.n_cols()).then(|| names.to_vec());
        self.fit_with(
            &x,
            &y,
            FitOptions {
                sample_weight: weights.as_deref(),
                feature_names,
                ..FitOptions::default()
            },
        )
    }
}

impl<D, L> PredictInplace<ArrayBase<D, Ix2>, Array1<L>> for FittedLogisticRegression<L>
where
    D: Data<Elem = f64>,
    L: Label,
{
    /// The predicted class of each row (positive when P > 0.5). Panics with the library's
    /// message when X does not fit the model (see the [module documentation](self)).
    fn predict_inplace<'a>(&'a self, x: &'a ArrayBase<D, Ix2>, y: &mut Array1<L>) {
        let predicted = design(x).and_then(|x| self.predict(&x));
        match predicted {
            Ok(labels) if labels.len() == y.len() => {
                y.iter_mut().zip(labels).for_each(|(slot, l)| *slot = l);
            }
            Ok(labels) => panic!(
                "linfa predict_inplace: the target has {} entries for {} rows of X",
                y.len(),
                labels.len()
            ),
            Err(e) => panic!("linfa predict_inplace: {e}"),
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<L> {
        Array1::from_elem(x.nrows(), self.classes()[0].clone())
    }
}
