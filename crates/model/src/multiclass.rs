//! More than two classes: multinomial (softmax) regression and one-vs-rest binary models.

use crate::binary::{FitOptions, FitReport, FittedLogisticRegression};
use crate::labels::{encode, sorted_classes, Label};
use crate::params::{ClassWeight, Penalty, ValidParams};
use crate::solve::{self, LossObjective, Problem};
use crate::ModelError;
use logreg_linalg_core::{sigmoid, Design, IntoDesign};
use logreg_loss::MultinomialLogLoss;
use logreg_optim::NoObserver;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

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
#[derive(Default)]
pub struct MultiFitOptions<'a> {
    /// Fit on these rows of X only (0-based), without copying them; labels and weights are still
    /// given for every row of X.
    pub rows: Option<&'a [usize]>,
    /// One weight per row of X, finite and > 0 (default: all 1).
    pub sample_weight: Option<&'a [f64]>,
    /// Names of the columns of X, kept with the model.
    pub feature_names: Option<Vec<String>>,
}

/// The rows a fit uses, checked, and the classes of their labels.
fn prepare<L: Label>(
    x: &Design<'_>,
    y: &[L],
    rows: Option<&[usize]>,
) -> Result<(Vec<usize>, Vec<L>), ModelError> {
    let rows = crate::binary::training_rows(x, y.len(), rows)?;
    let train: Vec<L> = rows.iter().map(|&i| y[i].clone()).collect();
    Ok((rows, multi_classes(&train)?))
}

/// Sample weights times class weights, one per row of X (`None` when all are 1). Balanced class
/// weights are n / (K · n_k) over the training rows, as scikit-learn's.
pub(crate) fn class_weighted(
    cw: ClassWeight,
    codes: &[usize],
    rows: &[usize],
    k: usize,
    sample_weight: Option<&[f64]>,
) -> Result<Option<Vec<f64>>, ModelError> {
    if let Some(sw) = sample_weight {
        if sw.len() != codes.len() {
            return Err(ModelError::Shape {
                what: "sample weights (one per row of X)",
                expected: codes.len(),
                found: sw.len(),
            });
        }
    }
    let per_class = match cw {
        ClassWeight::None => return Ok(sample_weight.map(<[f64]>::to_vec)),
        ClassWeight::Balanced => {
            let mut counts = vec![0usize; k];
            for &i in rows {
                counts[codes[i]] += 1;
            }
            let n = rows.len() as f64;
            counts
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

impl ValidParams {
    /// Fit a multinomial (softmax) model: one coefficient vector per class, probabilities by
    /// softmax, the penalty `½ Σₖ‖wₖ‖²` as scikit-learn's multinomial `LogisticRegression`.
    pub fn fit_multinomial<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
    ) -> Result<FittedMultinomial<L>, ModelError> {
        self.fit_multinomial_with(x, y, MultiFitOptions::default())
    }

    /// [`fit_multinomial`](Self::fit_multinomial) on a row selection, with sample weights or
    /// feature names. Class weights apply.
    pub fn fit_multinomial_with<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: MultiFitOptions<'_>,
    ) -> Result<FittedMultinomial<L>, ModelError> {
        let x = x.into_design()?;
        let x: &Design<'_> = &x;
        let (rows, classes) = prepare(x, y, opts.rows)?;
        let d = x.n_cols();
        let k = classes.len();
        let codes = encode(y, &classes);
        let weights = class_weighted(self.class_weight(), &codes, &rows, k, opts.sample_weight)?;
        let sel = opts.rows.map(|_| rows.as_slice());
        let mut loss =
            MultinomialLogLoss::on_rows(x, sel, &codes, k)?.with_intercept(self.fit_intercept());
        if let Some(w) = &weights {
            loss = loss.with_sample_weight(w)?;
        }
        let (lambda2, lambda1, scale) = self.penalty().strengths(loss.weight_sum());
        if lambda2 > 0.0 {
            loss = loss.with_l2(lambda2)?;
        }
        let problem = Problem {
            objective: &LossObjective(&loss),
            design: x,
            rows: loss.rows(),
            intercept: self.fit_intercept(),
            classes: k,
        };
        let zeros = DVector::zeros(loss.dim());
        let solved = if self.uses_l1_solver() {
            let l1p = solve::L1Problem {
                glm: crate::cd::Glm::Multinomial(&loss),
                l1: crate::cd::l1_weights(lambda1, k, d, self.fit_intercept()),
                screen: None,
            };
            solve::minimize_l1(self, &problem, l1p, zeros, &mut NoObserver)?
        } else {
            solve::minimize(self, &problem, zeros, &mut NoObserver)?
        };
        let report = solved.report;
        let p = loss.params_per_class();
        let mut coefficients = DMatrix::from_fn(k, d, |c, j| report.x[c * p + j]);
        let mut intercepts = DVector::from_fn(k, |c, _| {
            if self.fit_intercept() {
                report.x[c * p + d]
            } else {
                0.0
            }
        });
        // Softmax is unchanged by adding one vector to every class's parameters, so unpenalized
        // parts are only determined up to that shift; report the centred solution (Σₖ = 0), the
        // one scikit-learn's solvers return. With an L2 penalty the optimum is already centred.
        intercepts.add_scalar_mut(-intercepts.mean());
        if self.penalty() == Penalty::None {
            let mean = coefficients.row_mean();
            for mut row in coefficients.row_iter_mut() {
                row -= &mean;
            }
        }
        let report = FitReport::new(solved.solver, &report, solved.stages, scale, false);
        Ok(FittedMultinomial {
            params: self.clone(),
            classes,
            feature_names: opts.feature_names,
            coefficients,
            intercepts,
            report,
        })
    }

    /// Fit one binary model per class (that class against the rest), with these settings.
    pub fn fit_one_vs_rest<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
    ) -> Result<FittedOneVsRest<L>, ModelError> {
        self.fit_one_vs_rest_with(x, y, MultiFitOptions::default())
    }

    /// [`fit_one_vs_rest`](Self::fit_one_vs_rest) on a row selection, with sample weights or
    /// feature names; each binary model reads the same borrowed design.
    pub fn fit_one_vs_rest_with<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: MultiFitOptions<'_>,
    ) -> Result<FittedOneVsRest<L>, ModelError> {
        let x = x.into_design()?;
        let x: &Design<'_> = &x;
        let (_, classes) = prepare(x, y, opts.rows)?;
        let models = classes
            .iter()
            .map(|c| {
                let yk: Vec<bool> = y.iter().map(|v| v == c).collect();
                self.fit_with(
                    x,
                    &yk,
                    FitOptions {
                        rows: opts.rows,
                        sample_weight: opts.sample_weight,
                        positive_class: Some(true),
                        feature_names: opts.feature_names.clone(),
                        ..FitOptions::default()
                    },
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FittedOneVsRest { classes, models })
    }
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

impl<L: Label> FittedMultinomial<L> {
    /// The classes, in increasing order; column k of the outputs belongs to class k.
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// K × d coefficients, one row per class.
    pub fn coefficients(&self) -> &DMatrix<f64> {
        &self.coefficients
    }

    /// One intercept per class.
    pub fn intercepts(&self) -> &DVector<f64> {
        &self.intercepts
    }

    /// How the fit went.
    pub fn report(&self) -> &FitReport {
        &self.report
    }

    /// The settings the model was fitted with.
    pub fn params(&self) -> &ValidParams {
        &self.params
    }

    /// Names of the features, when given at fit time.
    pub fn feature_names(&self) -> Option<&[String]> {
        self.feature_names.as_deref()
    }

    /// n × K logits.
    pub fn decision_function<'x>(
        &self,
        x: impl IntoDesign<'x>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let x = x.into_design()?;
        self.decision_function_on(&x, None)
    }

    /// rows × K logits of the rows `rows` of X (every row when `None`).
    pub fn decision_function_on(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let (k, d) = self.coefficients.shape();
        if x.n_cols() != d {
            return Err(ModelError::Shape {
                what: "columns of X (features the model was fitted on)",
                expected: d,
                found: x.n_cols(),
            });
        }
        let sel = x.rows(rows)?;
        // Class after class, as the kernels take them.
        let w: Vec<f64> = self.coefficients.transpose().as_slice().to_vec();
        let mut z = vec![0.0; sel.len() * k];
        x.multi_logits(sel, &w, self.intercepts.as_slice(), &mut z)?;
        match z.iter().position(|v| !v.is_finite()) {
            Some(idx) => Err(ModelError::NonFiniteLogit {
                row: sel.row_at(idx / k.max(1)),
            }),
            None => Ok(DMatrix::from_row_slice(sel.len(), k, &z)),
        }
    }

    /// n × K class probabilities (softmax of the logits, computed with the maximum subtracted).
    pub fn predict_proba<'x>(&self, x: impl IntoDesign<'x>) -> Result<DMatrix<f64>, ModelError> {
        let mut z = self.decision_function(x)?;
        for mut row in z.row_iter_mut() {
            let m = row.max();
            row.apply(|v| *v = (*v - m).exp());
            let s = row.sum();
            row /= s;
        }
        Ok(z)
    }

    /// The most probable class of each row.
    pub fn predict<'x>(&self, x: impl IntoDesign<'x>) -> Result<Vec<L>, ModelError> {
        Ok(argmax_rows(&self.decision_function(x)?, &self.classes))
    }

    /// Check the invariants a loaded model must satisfy (shapes agree, numbers finite, classes
    /// distinct).
    pub fn validate(&self) -> Result<(), ModelError> {
        let corrupt = |reason: String| Err(ModelError::CorruptModel { reason });
        let (k, d) = self.coefficients.shape();
        if k < 2 || k != self.classes.len() {
            return corrupt(format!(
                "{k} coefficient rows for {} classes",
                self.classes.len()
            ));
        }
        if d == 0 {
            return corrupt("the model has no coefficients".into());
        }
        if self.intercepts.len() != k {
            return corrupt(format!(
                "{} intercepts for {k} classes",
                self.intercepts.len()
            ));
        }
        if let Some(names) = &self.feature_names {
            if names.len() != d {
                return corrupt(format!(
                    "{d} coefficients but {} feature names",
                    names.len()
                ));
            }
        }
        if self
            .coefficients
            .iter()
            .chain(self.intercepts.iter())
            .any(|v| !v.is_finite())
        {
            return corrupt("a coefficient or intercept is not finite".into());
        }
        for (i, c) in self.classes.iter().enumerate() {
            if self.classes[..i].contains(c) {
                return corrupt(format!("class {c:?} appears twice"));
            }
        }
        Ok(())
    }
}

impl<L: Label> FittedOneVsRest<L> {
    /// The classes, in increasing order.
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// The binary model of each class against the rest.
    pub fn models(&self) -> &[FittedLogisticRegression<bool>] {
        &self.models
    }

    /// The settings the models were fitted with.
    pub fn params(&self) -> &ValidParams {
        self.models[0].params()
    }

    /// rows × K logits of the rows `rows` of X (every row when `None`), one column per class.
    pub fn decision_function_on(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let cols = self
            .models
            .iter()
            .map(|m| m.decision_function_on(x, rows, None))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DMatrix::from_columns(&cols))
    }

    /// Check the invariants a loaded model must satisfy.
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.models.len() < 2 || self.models.len() != self.classes.len() {
            return Err(ModelError::CorruptModel {
                reason: format!(
                    "{} binary models for {} classes",
                    self.models.len(),
                    self.classes.len()
                ),
            });
        }
        let d = self.models[0].n_features();
        for m in &self.models {
            m.validate()?;
            if m.n_features() != d {
                return Err(ModelError::CorruptModel {
                    reason: "the binary models have different numbers of coefficients".into(),
                });
            }
        }
        Ok(())
    }

    /// n × K logits, one column per class's binary model.
    pub fn decision_function<'x>(
        &self,
        x: impl IntoDesign<'x>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let x = x.into_design()?;
        let cols = self
            .models
            .iter()
            .map(|m| m.decision_function_on(&x, None, None))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DMatrix::from_columns(&cols))
    }

    /// n × K probabilities: each binary model's P(class k), normalized over the classes as
    /// scikit-learn's one-vs-rest does.
    pub fn predict_proba<'x>(&self, x: impl IntoDesign<'x>) -> Result<DMatrix<f64>, ModelError> {
        let mut p = self.decision_function(x)?.map(sigmoid);
        for mut row in p.row_iter_mut() {
            let s = row.sum();
            if s > 0.0 {
                row /= s;
            }
        }
        Ok(p)
    }

    /// The class whose binary model gives the largest logit.
    pub fn predict<'x>(&self, x: impl IntoDesign<'x>) -> Result<Vec<L>, ModelError> {
        Ok(argmax_rows(&self.decision_function(x)?, &self.classes))
    }
}
