//! Regularization paths: one fit per C, from the strongest penalty to the weakest, each warm-started
//! from the last (glmnet's way to many fits for the price of a few), with a sequential strong-rule
//! screen (Tibshirani et al. 2012) seeding each fit's working set.
//!
//! With an L1 part (ρ > 0) every coefficient is exactly zero up to
//! `C_min = ρ / ‖∇ Σᵢ sᵢℓᵢ‖∞`, the gradient of the summed loss at w = 0 with the intercept at its
//! own optimum: there the optimality condition `C·|∇ⱼ| ≤ ρ` holds for every j (scikit-learn's
//! `l1_min_c` for ρ = 1; glmnet's `λ_max = ‖∇‖∞/(n·α)` with λ = 1/(C·n)).
//! [`ValidParams::c_min`] computes it, and [`c_grid`] spaces a grid up from it.

// Paths and their folds are fitted in one process.
use crate::binary::{combined_weights, training_rows};
use crate::cd::{l1_weights, null_intercepts, Glm};
use crate::labels::{encode, two_classes, Label};
use crate::multiclass::{class_weighted, multi_classes};
use crate::params::{MultiClass, Penalty, ValidParams};
use crate::solve::{self, L1Problem, LossObjective, Problem};
use crate::ModelError;
use logreg_collective::Local;
use logreg_linalg_core::{Design, IntoDesign};
use logreg_loss::{Data, LogLoss, MultinomialLogLoss};
use logreg_optim::NoObserver;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// The kind of model a fit produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Two classes, one coefficient vector.
    Binary,
    /// K classes, softmax.
    Multinomial,
    /// K classes, one binary model each.
    #[serde(rename = "ovr", alias = "one_vs_rest")]
    OneVsRest,
}

impl ModelKind {
    /// The name reports use: `binary`, `multinomial`, `ovr`.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Binary => "binary",
            ModelKind::Multinomial => "multinomial",
            ModelKind::OneVsRest => "ovr",
        }
    }
}

/// Optional inputs to [`ValidParams::path`] and [`ValidParams::c_min`].
#[derive(Debug, Clone, Copy, Default)]
pub struct PathOptions<'a> {
    /// Fit on these rows of X only (0-based), without copying them.
    pub rows: Option<&'a [usize]>,
    /// One weight per row of X, finite and > 0.
    pub sample_weight: Option<&'a [f64]>,
    /// The model for more than two classes (default multinomial).
    pub multi_class: MultiClass,
}

/// One C of a [`RegularizationPath`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathPoint {
    /// scikit-learn's C.
    pub c: f64,
    /// K × d coefficients (one row for a binary model, for its positive class).
    pub coefficients: DMatrix<f64>,
    /// K intercepts.
    pub intercepts: Vec<f64>,
    /// Coefficients that are not exactly 0.
    pub nonzero: usize,
    /// The objective in scikit-learn's scale at this C (summed over the binary models of a
    /// one-vs-rest fit).
    pub objective: f64,
    /// Solver iterations (summed over one-vs-rest's models).
    pub iterations: usize,
    /// Whether every fit at this C converged.
    pub converged: bool,
}

/// Fits along a grid of C, strongest penalty first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "L: Serialize",
    deserialize = "L: serde::de::DeserializeOwned"
))]
pub struct RegularizationPath<L> {
    /// The classes, in increasing order (binary: [negative, positive]).
    pub classes: Vec<L>,
    /// Binary, multinomial or one-vs-rest.
    pub kind: ModelKind,
    /// ρ, the L1 share of the penalty.
    pub l1_ratio: f64,
    /// The C up to which every coefficient is 0 (`None` without an L1 part).
    pub c_min: Option<f64>,
    /// One point per C, in increasing C.
    pub points: Vec<PathPoint>,
}

/// `n` values of C spaced evenly in log scale: from `c_min` up to `c_min · 10⁴` (glmnet's default
/// range, λ_max down to 10⁻⁴·λ_max) when there is one, else scikit-learn's `logspace(−4, 4, n)`.
///
/// ```
/// let cs = logreg_model::c_grid(Some(0.01), 5);
/// assert_eq!(cs.len(), 5);
/// assert!((cs[0] - 0.01).abs() < 1e-15 && (cs[4] - 100.0).abs() < 1e-9);
/// ```
pub fn c_grid(c_min: Option<f64>, n: usize) -> Vec<f64> {
    let (lo, hi) = match c_min {
        Some(c) => (c.log10(), c.log10() + 4.0),
        None => (-4.0, 4.0),
    };
    match n {
        0 => Vec::new(),
        1 => vec![10f64.powf(hi)],
        _ => (0..n)
            .map(|i| 10f64.powf(lo + (hi - lo) * i as f64 / (n - 1) as f64))
            .collect(),
    }
}

/// The problem of one path: labels encoded, weights, the loss without its penalty.
enum Prepared<'a> {
    Binary(LogLoss<'a>),
    Multinomial(MultinomialLogLoss<'a>),
    /// One binary loss per class.
    OneVsRest(Vec<LogLoss<'a>>),
}

impl ValidParams {
    /// The same settings with another penalty (already known to be valid).
    pub(crate) fn with_penalty(&self, penalty: Penalty) -> ValidParams {
        let mut p = self.0.clone();
        p.penalty = penalty;
        ValidParams(p)
    }

    /// The C up to which every coefficient of an L1 or elastic-net fit is exactly 0 (see the
    /// module documentation); `None` when the penalty has no L1 part.
    pub fn c_min<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: PathOptions<'_>,
    ) -> Result<Option<f64>, ModelError> {
        let x = x.into_design()?;
        let x: &Design<'_> = &x;
        let rows = training_rows(x, y.len(), opts.rows)?;
        let sel = opts.rows.map(|_| rows.as_slice());
        let (_, labels) = self.prepare(x, y, &rows, sel, opts)?;
        self.c_min_of(&labels)
    }

    fn c_min_of(&self, prepared: &Prepared<'_>) -> Result<Option<f64>, ModelError> {
        let rho = self.penalty().l1_ratio();
        if rho.is_nan() || rho <= 0.0 {
            return Ok(None);
        }
        let binary_max = |loss: &LogLoss<'_>| -> Result<f64, ModelError> {
            let d = loss.n_features();
            let mut theta = DVector::zeros(loss.dim());
            null_intercepts(Glm::Binary(loss), &mut theta, &Local)?;
            let mut g = DVector::zeros(loss.dim());
            loss.value_grad(&theta, &mut g)?;
            Ok(g.rows(0, d).amax() * loss.weight_sum())
        };
        let top = match prepared {
            Prepared::Binary(loss) => binary_max(loss)?,
            Prepared::OneVsRest(losses) => {
                let mut m = 0.0_f64;
                for l in losses {
                    m = m.max(binary_max(l)?);
                }
                m
            }
            Prepared::Multinomial(loss) => {
                let k = loss.n_classes();
                let p = loss.params_per_class();
                let d = loss.design().n_cols();
                let mut theta = DVector::zeros(loss.dim());
                null_intercepts(Glm::Multinomial(loss), &mut theta, &Local)?;
                let mut g = DVector::zeros(loss.dim());
                loss.value_grad(&theta, &mut g)?;
                let mut m = 0.0_f64;
                for c in 0..k {
                    m = m.max(g.rows(c * p, d).amax());
                }
                m * loss.weight_sum()
            }
        };
        Ok((top > 0.0).then(|| rho / top))
    }

    /// Classes and the unpenalized loss(es) for the training rows.
    fn prepare<'a, L: Label>(
        &self,
        x: &'a Design<'a>,
        y: &[L],
        rows: &[usize],
        sel: Option<&'a [usize]>,
        opts: PathOptions<'_>,
    ) -> Result<(Vec<L>, Prepared<'a>), ModelError> {
        let train: Vec<L> = rows.iter().map(|&i| y[i].clone()).collect();
        let classes = multi_classes(&train)?;
        let intercept = self.fit_intercept();
        if classes.len() == 2 {
            let classes = two_classes(&train, None)?.to_vec();
            let y01: Vec<f64> = y
                .iter()
                .map(|v| f64::from(u8::from(*v == classes[1])))
                .collect();
            let weights =
                combined_weights(self.class_weight(), &y01, rows, opts.sample_weight, &Local)?;
            let mut loss = LogLoss::on_rows(x, sel, &y01)?.with_intercept(intercept);
            if let Some(w) = &weights {
                loss = loss.with_sample_weight(w)?;
            }
            return Ok((classes, Prepared::Binary(loss)));
        }
        let k = classes.len();
        match opts.multi_class {
            MultiClass::Multinomial => {
                let codes = encode(y, &classes);
                let weights = class_weighted(
                    self.class_weight(),
                    &codes,
                    rows,
                    k,
                    opts.sample_weight,
                    &Local,
                )?;
                let mut loss =
                    MultinomialLogLoss::on_rows(x, sel, &codes, k)?.with_intercept(intercept);
                if let Some(w) = &weights {
                    loss = loss.with_sample_weight(w)?;
                }
                Ok((classes, Prepared::Multinomial(loss)))
            }
            MultiClass::OneVsRest => {
                let mut losses = Vec::with_capacity(k);
                for c in &classes {
                    let y01: Vec<f64> = y.iter().map(|v| f64::from(u8::from(v == c))).collect();
                    let weights = combined_weights(
                        self.class_weight(),
                        &y01,
                        rows,
                        opts.sample_weight,
                        &Local,
                    )?;
                    let mut loss = LogLoss::on_rows(x, sel, &y01)?.with_intercept(intercept);
                    if let Some(w) = &weights {
                        loss = loss.with_sample_weight(w)?;
                    }
                    losses.push(loss);
                }
                Ok((classes, Prepared::OneVsRest(losses)))
            }
        }
    }

    /// Fit the penalty of these settings at every C of `cs` (each finite and > 0), from the
    /// smallest C up, each fit warm-started from the previous one. The points come back in
    /// increasing C.
    ///
    /// ```
    /// use logreg_model::{LogisticRegression, PathOptions, Penalty};
    /// use nalgebra::DMatrix;
    ///
    /// let x = DMatrix::from_fn(60, 3, |i, j| ((i * (j + 2)) % 7) as f64 - 3.0);
    /// let y: Vec<u8> = (0..60).map(|i| u8::from((i * 2) % 7 > 3)).collect();
    /// let params = LogisticRegression::params().penalty(Penalty::L1 { c: 1.0 }).check()?;
    /// let c_min = params.c_min(&x, &y, PathOptions::default())?.unwrap();
    /// let path = params.path(&x, &y, &[c_min, 10.0 * c_min, 1000.0 * c_min], PathOptions::default())?;
    /// assert_eq!(path.points[0].nonzero, 0);                  // nothing enters before C_min
    /// assert!(path.points[2].nonzero > 0);
    /// # Ok::<(), logreg_model::ModelError>(())
    /// ```
    pub fn path<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        cs: &[f64],
        opts: PathOptions<'_>,
    ) -> Result<RegularizationPath<L>, ModelError> {
        let x = x.into_design()?;
        let x: &Design<'_> = &x;
        if cs.is_empty() {
            return Err(ModelError::InvalidParam {
                name: "cs",
                value: "[]".into(),
                expected: "at least one value of C",
            });
        }
        if let Some(&c) = cs.iter().find(|c| !(c.is_finite() && **c > 0.0)) {
            return Err(ModelError::InvalidParam {
                name: "cs",
                value: c.to_string(),
                expected: "values of C that are finite numbers > 0",
            });
        }
        if self.penalty() == Penalty::None {
            return Err(ModelError::InvalidParam {
                name: "penalty",
                value: "none".into(),
                expected: "a penalty with a C (l2, l1 or elasticnet) for a path over C",
            });
        }
        let rows = training_rows(x, y.len(), opts.rows)?;
        let sel = opts.rows.map(|_| rows.as_slice());
        let (classes, prepared) = self.prepare(x, y, &rows, sel, opts)?;
        let c_min = self.c_min_of(&prepared)?;
        let mut sorted = cs.to_vec();
        sorted.sort_by(f64::total_cmp);
        let d = x.n_cols();
        let (kind, points) = match &prepared {
            Prepared::Binary(loss) => (
                ModelKind::Binary,
                self.binary_path(loss, &sorted, d)?
                    .into_iter()
                    .map(|(pt, _)| pt)
                    .collect(),
            ),
            Prepared::Multinomial(loss) => (
                ModelKind::Multinomial,
                self.multinomial_path(loss, &sorted)?,
            ),
            Prepared::OneVsRest(losses) => {
                let per_class = losses
                    .iter()
                    .map(|l| self.binary_path(l, &sorted, d))
                    .collect::<Result<Vec<_>, _>>()?;
                let k = losses.len();
                let points = (0..sorted.len())
                    .map(|i| {
                        let mut coefficients = DMatrix::zeros(k, d);
                        let mut intercepts = Vec::with_capacity(k);
                        let (mut objective, mut iterations, mut converged) = (0.0, 0, true);
                        for (c, pts) in per_class.iter().enumerate() {
                            let pt = &pts[i].0;
                            coefficients.row_mut(c).copy_from(&pt.coefficients.row(0));
                            intercepts.push(pt.intercepts[0]);
                            objective += pt.objective;
                            iterations += pt.iterations;
                            converged &= pt.converged;
                        }
                        PathPoint {
                            c: sorted[i],
                            nonzero: coefficients.iter().filter(|v| **v != 0.0).count(),
                            coefficients,
                            intercepts,
                            objective,
                            iterations,
                            converged,
                        }
                    })
                    .collect();
                (ModelKind::OneVsRest, points)
            }
        };
        Ok(RegularizationPath {
            classes,
            kind,
            l1_ratio: self.penalty().l1_ratio(),
            c_min,
            points,
        })
    }

    /// The binary fits along `cs` (increasing), with each point's parameter vector.
    fn binary_path(
        &self,
        base: &LogLoss<'_>,
        cs: &[f64],
        d: usize,
    ) -> Result<Vec<(PathPoint, DVector<f64>)>, ModelError> {
        let intercept = self.fit_intercept();
        let s = base.weight_sum();
        let mut theta = DVector::zeros(base.dim());
        let mut prev_l1: Option<f64> = None;
        let mut out = Vec::with_capacity(cs.len());
        for &c in cs {
            let params = self.with_penalty(self.penalty().with_c(c));
            let (l2, l1, scale) = params.penalty().strengths(s);
            let loss = base.clone().with_l2(l2)?;
            let screen = match prev_l1 {
                Some(prev) if l1 > 0.0 => Some(strong_screen(base, &theta, l1, prev)?),
                _ => None,
            };
            let problem = Problem {
                objective: &LossObjective(&loss),
                data: loss.data(),
                rows: loss.rows(),
                intercept,
                classes: 1,
                l2,
                world: &Local,
            };
            let solved = if params.uses_l1_solver() {
                let l1p = L1Problem {
                    glm: Glm::Binary(&loss),
                    l1: l1_weights(l1, 1, d, intercept),
                    screen,
                };
                solve::minimize_l1(&params, &problem, l1p, theta.clone(), &mut NoObserver)?
            } else {
                solve::minimize(&params, &problem, theta.clone(), &mut NoObserver)?
            };
            let r = solved.report;
            theta = r.x.clone();
            prev_l1 = Some(l1);
            let coefficients = DMatrix::from_fn(1, d, |_, j| theta[j]);
            out.push((
                PathPoint {
                    c,
                    nonzero: coefficients.iter().filter(|v| **v != 0.0).count(),
                    coefficients,
                    intercepts: vec![if intercept { theta[d] } else { 0.0 }],
                    objective: r.value * scale,
                    iterations: r.iterations,
                    converged: r.converged(),
                },
                theta.clone(),
            ));
        }
        Ok(out)
    }

    fn multinomial_path(
        &self,
        base: &MultinomialLogLoss<'_>,
        cs: &[f64],
    ) -> Result<Vec<PathPoint>, ModelError> {
        let intercept = self.fit_intercept();
        let (k, p, d) = (
            base.n_classes(),
            base.params_per_class(),
            base.design().n_cols(),
        );
        let s = base.weight_sum();
        let mut theta = DVector::zeros(base.dim());
        let mut out = Vec::with_capacity(cs.len());
        for &c in cs {
            let params = self.with_penalty(self.penalty().with_c(c));
            let (l2, l1, scale) = params.penalty().strengths(s);
            let loss = base.clone().with_l2(l2)?;
            let problem = Problem {
                objective: &LossObjective(&loss),
                data: Data::Memory(loss.design()),
                rows: loss.rows(),
                intercept,
                classes: k,
                l2,
                world: &Local,
            };
            let solved = if params.uses_l1_solver() {
                let l1p = L1Problem {
                    glm: Glm::Multinomial(&loss),
                    l1: l1_weights(l1, k, d, intercept),
                    screen: None,
                };
                solve::minimize_l1(&params, &problem, l1p, theta.clone(), &mut NoObserver)?
            } else {
                solve::minimize(&params, &problem, theta.clone(), &mut NoObserver)?
            };
            let r = solved.report;
            theta = r.x.clone();
            let coefficients = DMatrix::from_fn(k, d, |cl, j| theta[cl * p + j]);
            let mut intercepts: Vec<f64> = (0..k)
                .map(|cl| if intercept { theta[cl * p + d] } else { 0.0 })
                .collect();
            let mean = intercepts.iter().sum::<f64>() / k as f64;
            intercepts.iter_mut().for_each(|b| *b -= mean);
            out.push(PathPoint {
                c,
                nonzero: coefficients.iter().filter(|v| **v != 0.0).count(),
                coefficients,
                intercepts,
                objective: r.value * scale,
                iterations: r.iterations,
                converged: r.converged(),
            });
        }
        Ok(out)
    }
}

/// The sequential strong rule: at the new L1 strength λ₁ (mean scale), with the previous one
/// `prev`, coefficient j is expected to stay 0 when |∇ⱼ loss(θ_prev)| < 2λ₁ − λ_prev; the others
/// form the first working set (the optimality check on every coordinate catches any mistake).
fn strong_screen(
    base: &LogLoss<'_>,
    theta: &DVector<f64>,
    l1: f64,
    prev: f64,
) -> Result<Vec<bool>, ModelError> {
    let mut g = DVector::zeros(base.dim());
    base.value_grad(theta, &mut g)?;
    let cut = 2.0 * l1 - prev;
    let d = base.n_features();
    Ok((0..base.dim())
        .map(|j| j >= d || g[j].abs() >= cut)
        .collect())
}
