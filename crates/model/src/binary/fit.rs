//! The binary fit: [`ValidParams::fit`] and its variants (in memory, in row blocks, on ranks),
//! and the statistics computed at the optimum.

use super::{
    check_name_count, combined_weights, rows_of, FitOptions, FitReport, FittedLogisticRegression,
    PENALIZED_NOTE, SEPARATED_NOTE,
};
use crate::distributed::{agreed, design_and_classes};
use crate::inference;
use crate::labels::{two_classes, Label};
use crate::params::{Penalty, ValidParams};
use crate::solve::{self, LossObjective, Problem};
use crate::statistics::{self, ModelStatistics};
use crate::ModelError;
use logreg_collective::{Collective, Local};
use logreg_linalg_core::{IntoDesign, RowBlocks};
use logreg_loss::{Data, LogLoss};
use logreg_optim::{NoObserver, Observer};
use nalgebra::DVector;
use serde::de::DeserializeOwned;
use serde::Serialize;

impl ValidParams {
    /// Fit on X (n × d, one sample per row) and n labels with exactly two distinct values.
    pub fn fit<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        self.fit_with(x, y, FitOptions::default())
    }

    /// [`fit`](Self::fit) on a row selection, with sample weights, an offset, an explicit
    /// positive class, a warm start, feature names or an observer.
    pub fn fit_with<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: FitOptions<'_, L>,
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        self.fit_from(x, y, opts, None)
    }

    /// [`fit_with`](Self::fit_with) from the parameters `start` (coefficients, then the
    /// intercept if fitted) when given, instead of zeros or `opts.warm_start`.
    pub(crate) fn fit_from<'x, L: Label>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: FitOptions<'_, L>,
        start: Option<DVector<f64>>,
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        let x = x.into_design()?;
        self.fit_on_ranks(Data::Memory(&x), y, opts, &Local, None, start)
    }

    /// Fit on a source of row blocks read in passes (a scratch file, a database cursor; see
    /// [`RowBlocks`]): the same fit as [`fit_with`](Self::fit_with) on the same rows, with every
    /// sum over rows taken block by block. `y` (and weights, offsets) has one entry per row of
    /// the source; `opts.rows` may list the rows in any order (they are visited in source
    /// order). Every solver but `sgd` (which needs random access to rows) works.
    ///
    /// ```
    /// use logreg_linalg_core::{Dense, Design, InMemoryBlocks};
    /// use logreg_model::{FitOptions, LogisticRegression};
    ///
    /// let x = Design::from(Dense::new(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 6, 1)?);
    /// let y = [0, 0, 1, 0, 1, 1];
    /// let params = LogisticRegression::params().check()?;
    /// let in_memory = params.fit(&x, &y)?;
    /// let blocks = InMemoryBlocks::new(&x, 4)?;
    /// let in_passes = params.fit_blocks(&blocks, &y, FitOptions::default())?;
    /// let gap = (in_passes.report().objective - in_memory.report().objective).abs();
    /// assert!(gap <= 1e-12 * in_memory.report().objective);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fit_blocks<L: Label>(
        &self,
        source: &dyn RowBlocks,
        y: &[L],
        opts: FitOptions<'_, L>,
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        self.fit_on_ranks(Data::Blocks(source), y, opts, &Local, None, None)
    }

    /// [`fit_with`](Self::fit_with) on the rows of every rank of a job: each rank passes its own
    /// rows (X, labels, weights, offsets, row selection) and the same settings, and every rank
    /// gets the same model, the one a single process would fit on all the rows (within the
    /// rounding of a different order of addition: the sums over rows are added by rank, then by
    /// block). The classes are those of every rank's labels, so a rank may hold only one of
    /// them; balanced class weights count every rank's rows. Every error is every rank's: a
    /// rank that fails (a bad label, a mismatched length) makes every rank return the same
    /// error, which names it. `sgd` is refused (its mini-batches are drawn on one process).
    ///
    /// Every rank must call this at the same point (it is a collective operation), with the
    /// same number of features.
    ///
    /// ```
    /// use logreg_collective::InProcess;
    /// use logreg_model::{FitOptions, LogisticRegression};
    /// use nalgebra::DMatrix;
    ///
    /// let params = LogisticRegression::params().check()?;
    /// let x = DMatrix::from_row_slice(6, 1, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    /// let y = ["no", "no", "yes", "no", "yes", "yes"];
    /// let single = params.fit(&x, &y)?;
    /// // Two ranks (threads here; processes under MPI), three rows each.
    /// let fits = std::thread::scope(|s| {
    ///     let handles: Vec<_> = InProcess::group(2)?.into_iter().map(|rank| {
    ///         let params = &params;
    ///         s.spawn(move || {
    ///             let mine = 3 * logreg_collective::Collective::rank(&rank);
    ///             let x = DMatrix::from_row_slice(3, 1, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0][mine..mine + 3]);
    ///             let y: Vec<String> = y[mine..mine + 3].iter().map(|s| s.to_string()).collect();
    ///             params.fit_distributed(&x, &y, FitOptions::default(), &rank)
    ///         })
    ///     }).collect();
    ///     Ok::<_, logreg_model::ModelError>(handles.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>())
    /// })?;
    /// for fit in fits {
    ///     let w = fit?.coefficients()[0];
    ///     assert!((w - single.coefficients()[0]).abs() <= 1e-10 * w.abs());
    /// }
    /// # Ok::<(), logreg_model::ModelError>(())
    /// ```
    pub fn fit_distributed<'x, L>(
        &self,
        x: impl IntoDesign<'x>,
        y: &[L],
        opts: FitOptions<'_, L>,
        world: &dyn Collective,
    ) -> Result<FittedLogisticRegression<L>, ModelError>
    where
        L: Label + Serialize + DeserializeOwned,
    {
        let (x, all) = design_and_classes(world, self.solver().kind(), x, y, opts.rows)?;
        let classes = two_classes(&all, opts.positive_class.clone())?;
        self.fit_on_ranks(Data::Memory(&x), y, opts, world, Some(classes), None)
    }

    /// The fit on data in memory or in row blocks, on this process's rows (`world` =
    /// [`Local`]) or on every rank's. `classes` are
    /// the labels' classes when known (every rank's), else found in this process's labels;
    /// `start` as in [`fit_from`](Self::fit_from).
    pub(crate) fn fit_on_ranks<L: Label>(
        &self,
        x: Data<'_>,
        y: &[L],
        opts: FitOptions<'_, L>,
        world: &dyn Collective,
        classes: Option<[L; 2]>,
        start: Option<DVector<f64>>,
    ) -> Result<FittedLogisticRegression<L>, ModelError> {
        let d = x.n_cols();
        // What each rank checks of its own rows; a failure anywhere is every rank's.
        let local = || -> Result<_, ModelError> {
            let mut rows = rows_of(x, y.len(), opts.rows)?;
            if let Data::Blocks(_) = x {
                // Passes visit rows in the source's order.
                rows.sort_unstable();
            }
            let classes = match classes {
                Some(c) => c,
                None => {
                    let train_labels: Vec<L> = rows.iter().map(|&i| y[i].clone()).collect();
                    two_classes(&train_labels, opts.positive_class.clone())?
                }
            };
            let y01: Vec<f64> = y
                .iter()
                .map(|v| f64::from(u8::from(*v == classes[1])))
                .collect();
            if let Some(names) = &opts.feature_names {
                check_name_count(names, d)?;
            }
            Ok((rows, classes, y01))
        };
        let (rows, classes, y01) = agreed(world, local())?;

        let weights = combined_weights(self.class_weight(), &y01, &rows, opts.sample_weight, world);
        let sel = opts.rows.map(|_| rows.as_slice());
        let loss = weights.and_then(|weights| {
            let loss = match x {
                Data::Memory(x) => LogLoss::on_rows(x, sel, &y01)?,
                Data::Blocks(src) => LogLoss::on_blocks(src, sel, &y01)?,
            };
            let mut loss = loss.with_intercept(self.fit_intercept());
            if let Some(w) = &weights {
                loss = loss.with_sample_weight(w)?;
            }
            if let Some(o) = opts.offset {
                loss = loss.with_offset(o)?;
            }
            Ok(loss)
        });
        let mut loss = agreed(world, loss)?.with_collective(world)?;
        let weight_sum = loss.weight_sum();
        let (lambda2, lambda1, scale) = self.penalty().strengths(weight_sum);
        if lambda2 > 0.0 {
            loss = loss.with_l2(lambda2)?;
        }

        let x0 = match (start, opts.warm_start) {
            (Some(x0), _) => x0,
            (None, Some(prev)) => {
                if let (Some(theirs), Some(ours)) = (prev.feature_names(), &opts.feature_names) {
                    if theirs != ours.as_slice() {
                        return Err(ModelError::FeatureNames {
                            detail: format!(
                                "the warm-start model's features differ: {}",
                                feature_difference(theirs, ours)
                            ),
                        });
                    }
                }
                prev.warm_start_point(d, self.fit_intercept())?
            }
            (None, None) => DVector::zeros(loss.dim()),
        };
        let mut no_obs = NoObserver;
        let obs: &mut dyn Observer = match opts.observer {
            Some(o) => o,
            None => &mut no_obs,
        };
        let problem = Problem {
            objective: &LossObjective(&loss),
            data: x,
            rows: loss.rows(),
            intercept: self.fit_intercept(),
            classes: 1,
            l2: loss.l2(),
            world,
        };
        let solved = if self.uses_l1_solver() {
            let l1 = crate::cd::l1_weights(lambda1, 1, d, self.fit_intercept());
            let l1p = solve::L1Problem {
                glm: crate::cd::Glm::Binary(&loss),
                l1,
                screen: None,
            };
            solve::minimize_l1(self, &problem, l1p, x0, obs)?
        } else {
            solve::minimize(self, &problem, x0, obs)?
        };
        let report = solved.report;

        let (coefficients, intercept) = split_theta(&report.x, d, self.fit_intercept());
        // Only an unpenalized fit can run off to infinity on separated classes.
        let separable = self.penalty() == Penalty::None && {
            let z = loss.logits(&report.x)?;
            let right_side = z
                .iter()
                .enumerate()
                .filter(|&(pos, &zi)| {
                    if loss.is_positive(pos) {
                        zi > 0.0
                    } else {
                        zi < 0.0
                    }
                })
                .count();
            let mut counts = [right_side, z.len()];
            logreg_collective::allreduce_counts(world, &mut counts)?;
            counts[0] == counts[1]
        };
        let fit_report = FitReport::new(solved.solver, &report, solved.stages, scale, separable);
        let (std_errors, inference_note, statistics) = if self.penalty() != Penalty::None {
            (None, Some(PENALIZED_NOTE.to_string()), None)
        } else if separable {
            (None, Some(SEPARATED_NOTE.to_string()), None)
        } else {
            let stats = binary_statistics(&loss, &report.x, world)?;
            match inference::std_errors(&loss, &report.x, self.cov_type()) {
                Ok(se) => (Some(se), None, stats),
                Err(reason) => (None, Some(reason), stats),
            }
        };
        Ok(FittedLogisticRegression {
            params: self.clone(),
            classes,
            feature_names: opts.feature_names,
            coefficients,
            intercept,
            std_errors,
            inference_note,
            report: fit_report,
            statistics,
        })
    }
}

/// The model statistics of an unpenalized binary fit at its optimum `theta` (`None` if the
/// null model cannot be fitted), over the rows of every rank of `world`.
fn binary_statistics(
    loss: &LogLoss<'_>,
    theta: &DVector<f64>,
    world: &dyn Collective,
) -> Result<Option<ModelStatistics>, ModelError> {
    let s = loss.weight_sum();
    let llf = -loss.value(theta)? * s;
    let offset = |pos: usize, k: usize| if k == 1 { loss.offset(pos) } else { 0.0 };
    let Some(llnull) = statistics::null_log_likelihood(
        world,
        loss.n_samples(),
        2,
        |pos| usize::from(loss.is_positive(pos)),
        |pos| loss.weight(pos),
        loss.has_offset()
            .then_some(&offset as &dyn Fn(usize, usize) -> f64),
    )?
    else {
        return Ok(None);
    };
    let p = loss.dim();
    Ok(Some(ModelStatistics::new(
        llf,
        llnull,
        s,
        p,
        p.saturating_sub(1),
    )))
}

/// How `found` differs from `expected`, in the words of [`ModelError::feature_mismatch`].
fn feature_difference(expected: &[String], found: &[String]) -> String {
    match ModelError::feature_mismatch(expected, found) {
        ModelError::FeatureNames { detail } => detail,
        other => other.to_string(),
    }
}

fn split_theta(theta: &DVector<f64>, d: usize, intercept: bool) -> (DVector<f64>, f64) {
    let w = theta.rows(0, d).into_owned();
    let b = if intercept { theta[d] } else { 0.0 };
    (w, b)
}
