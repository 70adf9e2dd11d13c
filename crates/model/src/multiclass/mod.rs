//! More than two classes: multinomial (softmax) regression and one-vs-rest binary models.

use crate::binary::{check_weight_count, FitReport, FittedLogisticRegression};
use crate::labels::{sorted_classes, Label};
use crate::params::{ClassWeight, ValidParams};
use crate::statistics::ModelStatistics;
use crate::ModelError;
use logreg_collective::{allreduce_counts, Collective};
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

mod fit;
mod multinomial;
mod one_vs_rest;

pub use multinomial::MultinomialSummary;

/// A fitted multinomial (softmax) logistic regression over K ≥ 2 classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "L: Serialize",
    deserialize = "L: serde::de::DeserializeOwned"
))]
pub struct FittedMultinomial<L> {
    params: ValidParams,
    classes: Vec<L>,
    #[serde(default)]
    feature_names: Option<Vec<String>>,
    /// K × d, one row per class.
    coefficients: DMatrix<f64>,
    intercepts: DVector<f64>,
    report: FitReport,
    /// Standard errors of each non-reference class's parameters against the reference class
    /// (the first): (K − 1) × (d + intercept), for unpenalized fits.
    #[serde(default)]
    std_errors: Option<DMatrix<f64>>,
    #[serde(default)]
    inference_note: Option<String>,
    #[serde(default)]
    statistics: Option<ModelStatistics>,
}

/// A fitted one-vs-rest model: one binary model per class, class k against all others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "L: Serialize",
    deserialize = "L: serde::de::DeserializeOwned"
))]
pub struct FittedOneVsRest<L> {
    classes: Vec<L>,
    models: Vec<FittedLogisticRegression<bool>>,
}

pub(crate) fn multi_classes<L: Label>(y: &[L]) -> Result<Vec<L>, ModelError> {
    let classes = sorted_classes(y)?;
    if classes.len() < 2 {
        return Err(ModelError::SingleClass {
            class: classes
                .first()
                .map_or_else(|| "none".into(), |c| format!("{c:?}")),
        });
    }
    Ok(classes)
}

/// Optional inputs to [`ValidParams::fit_multinomial_with`] and
/// [`ValidParams::fit_one_vs_rest_with`].
pub struct MultiFitOptions<'a, L> {
    /// Fit on these rows of X only (0-based), without copying them; labels, weights and offsets
    /// are still given for every row of X.
    pub rows: Option<&'a [usize]>,
    /// One weight per row of X, finite and > 0 (default: all 1).
    pub sample_weight: Option<&'a [f64]>,
    /// Known terms added to the logits, K per row of X, row after row: `offset[i·K + k]` is added
    /// to row i's logit of class k (glmnet's multinomial `offset`, classes in sorted order). For
    /// one-vs-rest, class k's binary model gets the offsets of class k.
    pub offset: Option<&'a [f64]>,
    /// Start from these coefficients instead of zeros (classes must match).
    pub warm_start: Option<MultiWarmStart<L>>,
    /// Names of the columns of X, kept with the model.
    pub feature_names: Option<Vec<String>>,
}

impl<L> Default for MultiFitOptions<'_, L> {
    fn default() -> Self {
        MultiFitOptions {
            rows: None,
            sample_weight: None,
            offset: None,
            warm_start: None,
            feature_names: None,
        }
    }
}

/// A starting point for a multiclass fit: one coefficient row and intercept per class, taken from
/// a fitted multinomial or one-vs-rest model (either can start either).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiWarmStart<L> {
    classes: Vec<L>,
    /// K × d.
    coefficients: DMatrix<f64>,
    intercepts: DVector<f64>,
}

impl<L: Clone> From<&FittedMultinomial<L>> for MultiWarmStart<L> {
    fn from(m: &FittedMultinomial<L>) -> Self {
        MultiWarmStart {
            classes: m.classes.clone(),
            coefficients: m.coefficients.clone(),
            intercepts: m.intercepts.clone(),
        }
    }
}

impl<L: Clone> From<&FittedOneVsRest<L>> for MultiWarmStart<L> {
    fn from(m: &FittedOneVsRest<L>) -> Self {
        let d = m.models.first().map_or(0, |b| b.n_features());
        MultiWarmStart {
            classes: m.classes.clone(),
            coefficients: DMatrix::from_fn(m.models.len(), d, |k, j| m.models[k].coefficients()[j]),
            intercepts: DVector::from_fn(m.models.len(), |k, _| m.models[k].intercept()),
        }
    }
}

impl<L: Label> MultiWarmStart<L> {
    /// Checked against the data's classes and number of features.
    fn check(&self, classes: &[L], d: usize) -> Result<(), ModelError> {
        if self.classes.as_slice() != classes {
            let show = |c: &[L]| {
                c.iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(ModelError::InvalidParam {
                name: "warm_start",
                value: format!("a model of the classes ({})", show(&self.classes)),
                expected: "a model of the same classes as the labels",
            });
        }
        if self.coefficients.ncols() != d {
            return Err(ModelError::Shape {
                what: "warm-start model's coefficients (one per column of X)",
                expected: d,
                found: self.coefficients.ncols(),
            });
        }
        Ok(())
    }
}

/// Sample weights times class weights, one per row of X (`None` when all are 1). Balanced class
/// weights are n / (K · n_k) over the training rows, as scikit-learn's.
pub(crate) fn class_weighted(
    cw: ClassWeight,
    codes: &[usize],
    rows: &[usize],
    k: usize,
    sample_weight: Option<&[f64]>,
    world: &dyn Collective,
) -> Result<Option<Vec<f64>>, ModelError> {
    // Counted (over the ranks) before anything can fail on this rank alone: [n, n₁, …, n_K].
    let counts = match cw {
        ClassWeight::None => None,
        ClassWeight::Balanced => {
            let mut counts = vec![0usize; k + 1];
            counts[0] = rows.len();
            for &i in rows {
                counts[codes[i] + 1] += 1;
            }
            allreduce_counts(world, &mut counts)?;
            Some(counts)
        }
    };
    check_weight_count(sample_weight, codes.len())?;
    let per_class = match counts {
        None => return Ok(sample_weight.map(<[f64]>::to_vec)),
        Some(counts) => {
            let n = counts[0] as f64;
            counts[1..]
                .iter()
                .map(|&c| {
                    if c == 0 {
                        0.0
                    } else {
                        n / (k as f64 * c as f64)
                    }
                })
                .collect::<Vec<f64>>()
        }
    };
    Ok(Some(
        codes
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                sample_weight.map_or(1.0, |s| s[i]) * per_class[c].max(f64::MIN_POSITIVE)
            })
            .collect(),
    ))
}

fn argmax_rows<L: Clone>(m: &DMatrix<f64>, classes: &[L]) -> Vec<L> {
    m.row_iter()
        .map(|r| {
            let (k, _) = r
                .iter()
                .enumerate()
                .fold((0, f64::NEG_INFINITY), |best, (k, &v)| {
                    if v > best.1 {
                        (k, v)
                    } else {
                        best
                    }
                });
            classes[k].clone()
        })
        .collect()
}

/// Offsets must be K per row of X.
fn check_offset_len(o: &[f64], n: usize, k: usize) -> Result<(), ModelError> {
    if o.len() == n * k {
        Ok(())
    } else {
        Err(ModelError::Shape {
            what: "offsets (one per row of X and class)",
            expected: n * k,
            found: o.len(),
        })
    }
}
