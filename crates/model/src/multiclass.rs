//! More than two classes: multinomial (softmax) regression and one-vs-rest binary models.

use crate::binary::{
    FitOptions, FitReport, FittedLogisticRegression, PENALIZED_NOTE, SEPARATED_NOTE,
};
use crate::distributed::{agreed, check_solver, classes_on_ranks};
use crate::inference::{self, Summary};
use crate::labels::{encode, sorted_classes, Label};
use crate::params::{ClassWeight, Penalty, ValidParams};
use crate::solve::{self, LossObjective, Problem};
use crate::statistics::{self, CovType, ModelStatistics};
use crate::ModelError;
use logreg_collective::{allreduce_counts, Collective, Local};
use logreg_linalg_core::{sigmoid, Design, IntoDesign};
use logreg_loss::MultinomialLogLoss;
use logreg_optim::NoObserver;
use nalgebra::{DMatrix, DVector};
use serde::de::DeserializeOwned;
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
    if let Some(sw) = sample_weight {
        if sw.len() != codes.len() {
            return Err(ModelError::Shape {
                what: "sample weights (one per row of X)",
                expected: codes.len(),
                found: sw.len(),
            });
        }
    }
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

    /// [`fit_multinomial`](Self::fit_multinomial) on a row selection, with sample weights,
    /// offsets, a warm start or feature names. Class weights apply. Unpenalized fits get
    /// standard errors against the first class (as statsmodels' `MNLogit`) and model statistics.
    pub fn fit_multinomial_with<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: MultiFitOptions<'_, L>,
    ) -> Result<FittedMultinomial<L>, ModelError> {
        let x = x.into_design()?;
        self.fit_multinomial_on_ranks(&x, y, opts, &Local, None)
    }

    /// [`fit_multinomial_with`](Self::fit_multinomial_with) on the rows of every rank of a job,
    /// as [`fit_distributed`](Self::fit_distributed) is for a binary model: each rank passes its
    /// own rows, every rank gets the same model, the classes are those of every rank's labels.
    pub fn fit_multinomial_distributed<'x, L>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: MultiFitOptions<'_, L>,
        world: &dyn Collective,
    ) -> Result<FittedMultinomial<L>, ModelError>
    where
        L: Label + Serialize + DeserializeOwned,
    {
        check_solver(world, self.solver().kind())?;
        let x = agreed(world, x.into_design().map_err(ModelError::from))?;
        let local = agreed(
            world,
            crate::binary::training_rows(&x, y.len(), opts.rows)
                .map(|rows| rows.iter().map(|&i| y[i].clone()).collect::<Vec<L>>()),
        )?;
        let classes = classes_on_ranks(world, &local)?;
        self.fit_multinomial_on_ranks(&x, y, opts, world, Some(classes))
    }

    /// The multinomial fit on this process's rows or on every rank's; `classes` are every
    /// rank's classes when known, else found in this process's labels.
    fn fit_multinomial_on_ranks<L: Label>(
        &self,
        x: &Design<'_>,
        y: &[L],
        opts: MultiFitOptions<'_, L>,
        world: &dyn Collective,
        classes: Option<Vec<L>>,
    ) -> Result<FittedMultinomial<L>, ModelError> {
        let prepared = match classes {
            None => prepare(x, y, opts.rows),
            Some(classes) => multi_classes(&classes).and_then(|classes| {
                Ok((
                    crate::binary::training_rows(x, y.len(), opts.rows)?,
                    classes,
                ))
            }),
        };
        let (rows, classes) = agreed(world, prepared)?;
        let d = x.n_cols();
        let k = classes.len();
        if let Some(names) = &opts.feature_names {
            check_names(names, d)?;
        }
        let codes = encode(y, &classes);
        let weights = class_weighted(
            self.class_weight(),
            &codes,
            &rows,
            k,
            opts.sample_weight,
            world,
        );
        let sel = opts.rows.map(|_| rows.as_slice());
        let loss = weights.and_then(|weights| {
            let mut loss = MultinomialLogLoss::on_rows(x, sel, &codes, k)?
                .with_intercept(self.fit_intercept());
            if let Some(w) = &weights {
                loss = loss.with_sample_weight(w)?;
            }
            if let Some(o) = opts.offset {
                loss = loss.with_offset(o)?;
            }
            Ok(loss)
        });
        let mut loss = agreed(world, loss)?.with_collective(world)?;
        let (lambda2, lambda1, scale) = self.penalty().strengths(loss.weight_sum());
        if lambda2 > 0.0 {
            loss = loss.with_l2(lambda2)?;
        }
        let p = loss.params_per_class();
        let mut x0 = DVector::zeros(loss.dim());
        if let Some(start) = &opts.warm_start {
            start.check(&classes, d)?;
            for c in 0..k {
                for j in 0..d {
                    x0[c * p + j] = start.coefficients[(c, j)];
                }
                if self.fit_intercept() {
                    x0[c * p + d] = start.intercepts[c];
                }
            }
        }
        let problem = Problem {
            objective: &LossObjective(&loss),
            data: logreg_loss::Data::Memory(x),
            rows: loss.rows(),
            intercept: self.fit_intercept(),
            classes: k,
            l2: loss.l2(),
            world,
        };
        let solved = if self.uses_l1_solver() {
            let l1p = solve::L1Problem {
                glm: crate::cd::Glm::Multinomial(&loss),
                l1: crate::cd::l1_weights(lambda1, k, d, self.fit_intercept()),
                screen: None,
            };
            solve::minimize_l1(self, &problem, l1p, x0, &mut NoObserver)?
        } else {
            solve::minimize(self, &problem, x0, &mut NoObserver)?
        };
        let report = solved.report;
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
        // Without a penalty, classifying every training row right means the classes are
        // linearly separable: scaling the parameters up drives the loss to 0, so no optimum exists.
        let separable = self.penalty() == Penalty::None && {
            let z = loss.logits(&report.x)?;
            let right = (0..loss.n_samples())
                .filter(|&pos| {
                    let yi = loss.class_of(pos);
                    (0..k).all(|c| c == yi || z[(pos, c)] < z[(pos, yi)])
                })
                .count();
            // Every rank's rows: all ranks must agree on the notes and statistics below.
            let mut counts = [right, loss.n_samples()];
            allreduce_counts(world, &mut counts)?;
            counts[0] == counts[1]
        };
        let fit_report = FitReport::new(solved.solver, &report, solved.stages, scale, separable);
        let (std_errors, inference_note, statistics) = if self.penalty() != Penalty::None {
            (None, Some(PENALIZED_NOTE.to_string()), None)
        } else if separable {
            (None, Some(SEPARATED_NOTE.to_string()), None)
        } else {
            let stats = multinomial_statistics(&loss, &report.x, world)?;
            match multinomial_std_errors(&loss, &report.x, self.cov_type()) {
                Ok(se) => (Some(se), None, stats),
                Err(reason) => (None, Some(reason), stats),
            }
        };
        Ok(FittedMultinomial {
            params: self.clone(),
            classes,
            feature_names: opts.feature_names,
            coefficients,
            intercepts,
            report: fit_report,
            std_errors,
            inference_note,
            statistics,
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

    /// [`fit_one_vs_rest`](Self::fit_one_vs_rest) on a row selection, with sample weights,
    /// offsets (class k's model gets column k), a warm start or feature names; each binary model
    /// reads the same borrowed design.
    pub fn fit_one_vs_rest_with<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: MultiFitOptions<'_, L>,
    ) -> Result<FittedOneVsRest<L>, ModelError> {
        let x = x.into_design()?;
        let x: &Design<'_> = &x;
        let (_, classes) = prepare(x, y, opts.rows)?;
        let k = classes.len();
        if let Some(o) = opts.offset {
            if o.len() != x.n_rows() * k {
                return Err(ModelError::Shape {
                    what: "offsets (one per row of X and class)",
                    expected: x.n_rows() * k,
                    found: o.len(),
                });
            }
        }
        if let Some(start) = &opts.warm_start {
            start.check(&classes, x.n_cols())?;
        }
        let d = x.n_cols();
        let start_of = |c: usize| {
            opts.warm_start.as_ref().map(|start| {
                let mut x0 = DVector::zeros(d + usize::from(self.fit_intercept()));
                for j in 0..d {
                    x0[j] = start.coefficients[(c, j)];
                }
                if self.fit_intercept() {
                    x0[d] = start.intercepts[c];
                }
                x0
            })
        };
        let models = classes
            .iter()
            .enumerate()
            .map(|(c, class)| {
                let yk: Vec<bool> = y.iter().map(|v| v == class).collect();
                let offset: Option<Vec<f64>> = opts
                    .offset
                    .map(|o| o.iter().skip(c).step_by(k).copied().collect());
                self.fit_from(
                    x,
                    &yk,
                    FitOptions {
                        rows: opts.rows,
                        sample_weight: opts.sample_weight,
                        offset: offset.as_deref(),
                        positive_class: Some(true),
                        feature_names: opts.feature_names.clone(),
                        ..FitOptions::default()
                    },
                    start_of(c),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FittedOneVsRest { classes, models })
    }
}

/// Feature names must be one per column of X.
fn check_names(names: &[String], d: usize) -> Result<(), ModelError> {
    if names.len() == d {
        Ok(())
    } else {
        Err(ModelError::Shape {
            what: "feature names (one per column of X)",
            expected: d,
            found: names.len(),
        })
    }
}

/// The model statistics of an unpenalized multinomial fit at its optimum (statsmodels' `MNLogit`:
/// df_model = (K − 1)(p − 1), AIC and BIC count (K − 1)·p parameters).
fn multinomial_statistics(
    loss: &MultinomialLogLoss<'_>,
    theta: &DVector<f64>,
    world: &dyn Collective,
) -> Result<Option<ModelStatistics>, ModelError> {
    let s = loss.weight_sum();
    let llf = -loss.value(theta)? * s;
    let k = loss.n_classes();
    let offset = |pos: usize, c: usize| loss.offset(pos, c);
    let Some(llnull) = statistics::null_log_likelihood(
        world,
        loss.n_samples(),
        k,
        |pos| loss.class_of(pos),
        |pos| loss.weight(pos),
        loss.has_offset()
            .then_some(&offset as &dyn Fn(usize, usize) -> f64),
    )?
    else {
        return Ok(None);
    };
    let p = loss.params_per_class();
    Ok(Some(ModelStatistics::new(
        llf,
        llnull,
        s,
        (k - 1) * p,
        (k - 1) * p.saturating_sub(1),
    )))
}

/// Standard errors of classes 1…K−1's parameters against class 0's ((K − 1) × p): the loss with
/// class 0's parameters held at 0 has the same optimum (shifted) and, as its Hessian, the block of
/// the full one that leaves class 0 out.
fn multinomial_std_errors(
    loss: &MultinomialLogLoss<'_>,
    theta: &DVector<f64>,
    cov_type: CovType,
) -> Result<DMatrix<f64>, String> {
    let (k, p) = (loss.n_classes(), loss.params_per_class());
    let free = (k - 1) * p;
    let s = loss.weight_sum();
    let h = loss.hessian(theta).map_err(|e| e.to_string())?;
    let info = h.view((p, p), (free, free)) * s;
    let meat = || {
        let m = loss.score_outer_product(theta).map_err(|e| e.to_string())?;
        Ok(m.view((p, p), (free, free)).into_owned())
    };
    let cov = inference::covariance(info, meat, cov_type, s)?;
    Ok(DMatrix::from_fn(k - 1, p, |c, j| {
        cov[(c * p + j, c * p + j)].sqrt()
    }))
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
        self.decision_function_with(x, rows, None)
    }

    /// rows × K logits of the rows `rows` of X (every row when `None`), plus offsets given K per
    /// row of X (row-major, as [`MultiFitOptions::offset`]).
    pub fn decision_function_with(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
        offset: Option<&[f64]>,
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
        if let Some(o) = offset {
            check_offset_len(o, x.n_rows(), k)?;
            for (pos, row) in z.chunks_exact_mut(k).enumerate() {
                let i = sel.row_at(pos);
                for (zc, oc) in row.iter_mut().zip(&o[i * k..(i + 1) * k]) {
                    *zc += oc;
                }
            }
        }
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

    /// Log-likelihood, LR test, AIC, BIC, pseudo-R² and deviance of an unpenalized fit, as
    /// statsmodels' `MNLogit` reports them; `None` for penalized or separated fits.
    pub fn statistics(&self) -> Option<&ModelStatistics> {
        self.statistics.as_ref()
    }

    /// Why there are no standard errors (or statistics), when there are none.
    pub fn inference_note(&self) -> Option<&str> {
        self.inference_note.as_deref()
    }

    /// One coefficient table per class after the first, each against the first (the reference
    /// class), with standard errors, z, p-values and 95% intervals: statsmodels' `MNLogit`
    /// summary. An error for penalized or separated fits.
    pub fn summary(&self) -> Result<MultinomialSummary<L>, ModelError> {
        let se = self
            .std_errors
            .as_ref()
            .ok_or_else(|| ModelError::InferenceUnavailable {
                reason: self
                    .inference_note
                    .clone()
                    .unwrap_or_else(|| "no standard errors were computed".into()),
            })?;
        let d = self.coefficients.ncols();
        let mut names: Vec<String> = match &self.feature_names {
            Some(n) => n.clone(),
            None => (1..=d).map(|j| format!("x{j}")).collect(),
        };
        if self.params.fit_intercept() {
            names.push("intercept".into());
        }
        let tables = (1..self.classes.len())
            .map(|c| {
                let mut coef: Vec<f64> = (0..d)
                    .map(|j| self.coefficients[(c, j)] - self.coefficients[(0, j)])
                    .collect();
                if self.params.fit_intercept() {
                    coef.push(self.intercepts[c] - self.intercepts[0]);
                }
                let table =
                    Summary::new(names.clone(), coef, se.row(c - 1).iter().copied().collect())
                        .with_statistics(self.params.cov_type(), None);
                (self.classes[c].clone(), table)
            })
            .collect();
        Ok(MultinomialSummary {
            reference_class: self.classes[0].clone(),
            tables,
            cov_type: self.params.cov_type(),
            statistics: self.statistics.clone(),
        })
    }
}

/// The coefficient tables of a multinomial fit, as statsmodels' `MNLogit` prints them: one per
/// class after the first, the log-odds of that class against the reference class.
#[derive(Debug, Clone, PartialEq)]
pub struct MultinomialSummary<L> {
    /// The class every table is measured against (the first in sorted order).
    pub reference_class: L,
    /// (class, its table against the reference class), in class order.
    pub tables: Vec<(L, Summary)>,
    /// How the standard errors were computed.
    pub cov_type: CovType,
    /// The model's statistics.
    pub statistics: Option<ModelStatistics>,
}

impl<L: std::fmt::Debug> std::fmt::Display for MultinomialSummary<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(stats) = &self.statistics {
            write!(f, "{stats}")?;
        }
        for (class, table) in &self.tables {
            writeln!(f, "\nclass {class:?} against {:?}", self.reference_class)?;
            write!(f, "{table}")?;
        }
        Ok(())
    }
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
        self.decision_function_with(&x, None, None)
    }

    /// rows × K logits of the rows `rows` of X (every row when `None`), class k's model adding
    /// the offsets of class k (given K per row of X, row-major, as [`MultiFitOptions::offset`]).
    pub fn decision_function_with(
        &self,
        x: &Design<'_>,
        rows: Option<&[usize]>,
        offset: Option<&[f64]>,
    ) -> Result<DMatrix<f64>, ModelError> {
        let k = self.models.len();
        if let Some(o) = offset {
            check_offset_len(o, x.n_rows(), k)?;
        }
        let cols = self
            .models
            .iter()
            .enumerate()
            .map(|(c, m)| {
                let oc: Option<Vec<f64>> =
                    offset.map(|o| o.iter().skip(c).step_by(k).copied().collect());
                m.decision_function_on(x, rows, oc.as_deref())
            })
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
