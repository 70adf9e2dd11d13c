//! More than two classes: multinomial (softmax) regression and one-vs-rest binary models.

use crate::binary::{FitOptions, FitReport, FittedLogisticRegression};
use crate::labels::{encode, sorted_classes, Label};
use crate::params::{Penalty, ValidParams};
use crate::solve::{self, LossObjective};
use crate::{check_features, check_magnitudes, ModelError};
use logreg_linalg_core::sigmoid;
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

fn multi_classes<L: Label>(y: &[L], n: usize) -> Result<Vec<L>, ModelError> {
    if y.len() != n {
        return Err(ModelError::Shape {
            what: "labels y (one per row of X)",
            expected: n,
            found: y.len(),
        });
    }
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

impl ValidParams {
    /// Fit a multinomial (softmax) model: one coefficient vector per class, probabilities by
    /// softmax, the penalty `½ Σₖ‖wₖ‖²` as scikit-learn's multinomial `LogisticRegression`.
    pub fn fit_multinomial<L: Label>(
        &self,
        x: &DMatrix<f64>,
        y: &[L],
    ) -> Result<FittedMultinomial<L>, ModelError> {
        let (n, d) = x.shape();
        if n == 0 {
            return Err(ModelError::Empty);
        }
        if d == 0 {
            return Err(ModelError::NoFeatures);
        }
        let classes = multi_classes(y, n)?;
        check_magnitudes(x)?;
        let k = classes.len();
        let codes = encode(y, &classes);
        let mut loss = MultinomialLogLoss::new(x, &codes, k)?.with_intercept(self.fit_intercept());
        if let Penalty::L2 { c } = self.penalty() {
            let lambda = logreg_loss::LogLoss::l2_from_c(c, loss.weight_sum())?;
            loss = loss.with_l2(lambda)?;
        }
        let solver = self.solver().resolve(n, loss.dim());
        let report = solve::run(
            solver,
            self,
            &LossObjective(&loss),
            DVector::zeros(loss.dim()),
            &mut NoObserver,
        )?;
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
        let scale = match self.penalty() {
            Penalty::L2 { c } => c * loss.weight_sum(),
            Penalty::None => loss.weight_sum(),
        };
        let converged = report.converged();
        let report = FitReport {
            solver,
            iterations: report.iterations,
            epochs: report.epochs,
            converged,
            stop: report.stop.describe().to_string(),
            objective: report.value * scale,
            grad_norm: report.grad_norm,
            history: report.history,
            warning: (!converged).then(|| crate::ConvergenceWarning::NotConverged {
                stop: report.stop.describe().to_string(),
            }),
        };
        Ok(FittedMultinomial {
            params: self.clone(),
            classes,
            coefficients,
            intercepts,
            report,
        })
    }

    /// Fit one binary model per class (that class against the rest), with these settings.
    pub fn fit_one_vs_rest<L: Label>(
        &self,
        x: &DMatrix<f64>,
        y: &[L],
    ) -> Result<FittedOneVsRest<L>, ModelError> {
        let classes = multi_classes(y, x.nrows())?;
        let models = classes
            .iter()
            .map(|c| {
                let yk: Vec<bool> = y.iter().map(|v| v == c).collect();
                self.fit_with(
                    x,
                    &yk,
                    FitOptions {
                        positive_class: Some(true),
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

    /// n × K logits.
    pub fn decision_function(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>, ModelError> {
        check_features(x, self.coefficients.ncols())?;
        let mut z = x * self.coefficients.transpose();
        for mut row in z.row_iter_mut() {
            row += self.intercepts.transpose();
        }
        match z.iter().position(|v| !v.is_finite()) {
            Some(idx) => Err(ModelError::NonFiniteLogit {
                row: idx % z.nrows().max(1),
            }),
            None => Ok(z),
        }
    }

    /// n × K class probabilities (softmax of the logits, computed with the maximum subtracted).
    pub fn predict_proba(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>, ModelError> {
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
    pub fn predict(&self, x: &DMatrix<f64>) -> Result<Vec<L>, ModelError> {
        Ok(argmax_rows(&self.decision_function(x)?, &self.classes))
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

    /// n × K logits, one column per class's binary model.
    pub fn decision_function(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>, ModelError> {
        let cols = self
            .models
            .iter()
            .map(|m| m.decision_function(x))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DMatrix::from_columns(&cols))
    }

    /// n × K probabilities: each binary model's P(class k), normalized over the classes as
    /// scikit-learn's one-vs-rest does.
    pub fn predict_proba(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>, ModelError> {
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
    pub fn predict(&self, x: &DMatrix<f64>) -> Result<Vec<L>, ModelError> {
        Ok(argmax_rows(&self.decision_function(x)?, &self.classes))
    }
}
