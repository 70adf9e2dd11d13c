//! The multiclass fits: [`ValidParams::fit_multinomial`] and [`ValidParams::fit_one_vs_rest`]
//! with their variants, and the statistics and standard errors computed at the optimum.

use super::{class_weighted, multi_classes, FittedMultinomial, FittedOneVsRest, MultiFitOptions};
use crate::binary::{check_name_count, FitOptions, FitReport, PENALIZED_NOTE, SEPARATED_NOTE};
use crate::distributed::{agreed, design_and_classes};
use crate::inference;
use crate::labels::{encode, Label};
use crate::params::{Penalty, ValidParams};
use crate::solve::{self, LossObjective, Problem};
use crate::statistics::{self, CovType, ModelStatistics};
use crate::ModelError;
use logreg_collective::{allreduce_counts, Collective, Local};
use logreg_linalg_core::{Design, IntoDesign};
use logreg_loss::{Data, MultinomialLogLoss};
use logreg_optim::NoObserver;
use nalgebra::{DMatrix, DVector};
use serde::de::DeserializeOwned;
use serde::Serialize;

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
        let (x, classes) = design_and_classes(world, self.solver().kind(), x, y, opts.rows)?;
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
            check_name_count(names, d)?;
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
        let (_, classes) = prepare(&x, y, opts.rows)?;
        self.fit_one_vs_rest_on_ranks(&x, y, opts, &Local, classes)
    }

    /// [`fit_one_vs_rest_with`](Self::fit_one_vs_rest_with) on the rows of every rank of a
    /// job, as [`fit_multinomial_distributed`](Self::fit_multinomial_distributed) is for a
    /// multinomial model: the classes are those of every rank's labels (a rank may lack some),
    /// and each class's binary model is fitted with sums over every rank's rows, so every rank
    /// gets the model one process fits on all the rows.
    pub fn fit_one_vs_rest_distributed<'x, L>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: MultiFitOptions<'_, L>,
        world: &dyn Collective,
    ) -> Result<FittedOneVsRest<L>, ModelError>
    where
        L: Label + Serialize + DeserializeOwned,
    {
        let (x, classes) = design_and_classes(world, self.solver().kind(), x, y, opts.rows)?;
        let classes = agreed(world, multi_classes(&classes))?;
        self.fit_one_vs_rest_on_ranks(&x, y, opts, world, classes)
    }

    /// One binary model per class of `classes` (every rank's), each on this process's rows or
    /// on every rank's.
    fn fit_one_vs_rest_on_ranks<L: Label>(
        &self,
        x: &Design<'_>,
        y: &[L],
        opts: MultiFitOptions<'_, L>,
        world: &dyn Collective,
        classes: Vec<L>,
    ) -> Result<FittedOneVsRest<L>, ModelError> {
        let k = classes.len();
        let checked = (|| {
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
            Ok(())
        })();
        agreed(world, checked)?;
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
        // The binary classes are known: a rank whose rows lack class c still fits "c vs rest".
        let binary = [false, true];
        let models = classes
            .iter()
            .enumerate()
            .map(|(c, class)| {
                let yk: Vec<bool> = y.iter().map(|v| v == class).collect();
                let offset: Option<Vec<f64>> = opts
                    .offset
                    .map(|o| o.iter().skip(c).step_by(k).copied().collect());
                let fit_options = FitOptions {
                    rows: opts.rows,
                    sample_weight: opts.sample_weight,
                    offset: offset.as_deref(),
                    positive_class: Some(true),
                    feature_names: opts.feature_names.clone(),
                    ..FitOptions::default()
                };
                self.fit_on_ranks(
                    Data::Memory(x),
                    &yk,
                    fit_options,
                    world,
                    Some(binary),
                    start_of(c),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FittedOneVsRest { classes, models })
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
