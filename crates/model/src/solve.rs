//! The seam between the loss and the solvers: a loss seen as an `optim` objective, and the chosen
//! solver run on it.

use crate::cd::{CdStep, CoordinateDescent, Curvature, Glm, KeptGradient};
use crate::params::ValidParams;
use crate::precondition::{Preconditioned, Scaling};
use crate::solver::{Solver, SolverKind};
use crate::ModelError;
use logreg_collective::{allreduce_counts, Collective};
use logreg_linalg_core::{Rows, Storage};
use logreg_loss::{Data, LogLoss, LossError, MultinomialLogLoss};
use logreg_optim::{
    Control, EvaluationError, HessianOperator, Iteration, L1Penalized, Objective, Observer,
    OptimError, OwlQn, Report, Solver as _, Stop, L1,
};
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// One solver's part in a fit: `auto` may run more than one (see
/// [`FitReport::stages`](crate::FitReport::stages)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// The solver.
    pub solver: SolverKind,
    /// Its iterations.
    pub iterations: usize,
    /// Why it stopped.
    pub stop: Stop,
    /// Why it ran: the cost model's choice, or why the previous solver handed over.
    pub reason: String,
}

/// A loss (`LogLoss` or `MultinomialLogLoss`) seen as an `optim` objective, so any solver can
/// minimize it from any starting point (the estimators start from zeros or a previous fit; the
/// tutorials start from dummy or random weights). A loss error reaches the solver's caller as
/// [`OptimError::Evaluation`], which [`ModelError::from`] turns back into the loss error.
#[derive(Debug, Clone, Copy)]
pub struct LossObjective<'l, T>(pub &'l T);

fn eval_err(e: LossError) -> OptimError {
    OptimError::Evaluation(EvaluationError::new(e))
}

/// A loss's Hessian operator as an `optim` one.
struct Operator<H>(H);

/// What the two losses' Hessian operators offer.
trait LossHessian {
    fn product(&self, v: &DVector<f64>) -> Result<DVector<f64>, LossError>;
    fn diagonal(&self) -> Option<Result<DVector<f64>, LossError>>;
}

impl LossHessian for logreg_loss::LogLossHessian<'_, '_> {
    fn product(&self, v: &DVector<f64>) -> Result<DVector<f64>, LossError> {
        self.apply(v)
    }
    fn diagonal(&self) -> Option<Result<DVector<f64>, LossError>> {
        Some(logreg_loss::LogLossHessian::diagonal(self))
    }
}

impl LossHessian for logreg_loss::MultinomialHessian<'_, '_> {
    fn product(&self, v: &DVector<f64>) -> Result<DVector<f64>, LossError> {
        self.apply(v)
    }
    fn diagonal(&self) -> Option<Result<DVector<f64>, LossError>> {
        None
    }
}

impl<H: LossHessian> HessianOperator for Operator<H> {
    fn apply(&self, v: &DVector<f64>, out: &mut DVector<f64>) -> Result<(), OptimError> {
        out.copy_from(&self.0.product(v).map_err(eval_err)?);
        Ok(())
    }

    fn diagonal(&self) -> Result<Option<DVector<f64>>, OptimError> {
        self.0.diagonal().transpose().map_err(eval_err)
    }
}

/// The same adapter for each loss: both have the same methods, one written once here.
macro_rules! loss_objective {
    ($($loss:ident),*) => {$(
        impl Objective for LossObjective<'_, $loss<'_>> {
            fn dim(&self) -> usize {
                self.0.dim()
            }
            fn value_grad(
                &self,
                x: &DVector<f64>,
                grad: &mut DVector<f64>,
            ) -> Result<f64, OptimError> {
                self.0.value_grad(x, grad).map_err(eval_err)
            }
            fn hessian(&self, x: &DVector<f64>) -> Result<DMatrix<f64>, OptimError> {
                self.0.hessian(x).map_err(eval_err)
            }
            fn hessian_operator<'s>(
                &'s self,
                x: &DVector<f64>,
            ) -> Result<Box<dyn HessianOperator + 's>, OptimError> {
                Ok(Box::new(Operator(self.0.hessian_operator(x).map_err(eval_err)?)))
            }
            fn n_samples(&self) -> Option<usize> {
                Some(self.0.n_samples())
            }
            fn value_grad_batch(
                &self,
                x: &DVector<f64>,
                rows: &[usize],
                grad: &mut DVector<f64>,
            ) -> Result<f64, OptimError> {
                self.0.value_grad_rows(x, rows, grad).map_err(eval_err)
            }
        }
    )*};
}

loss_objective!(LogLoss, MultinomialLogLoss);

/// A problem as the solvers get it: the objective, and what preconditioning and the cost model need
/// to know about its data.
pub(crate) struct Problem<'a> {
    /// What is minimized.
    pub(crate) objective: &'a dyn Objective,
    /// The data it sums over (in memory, or row blocks read in passes).
    pub(crate) data: Data<'a>,
    /// The rows it sums over.
    pub(crate) rows: Rows<'a>,
    /// Whether each block of parameters ends with an intercept.
    pub(crate) intercept: bool,
    /// Parameter blocks (1, or K for a multinomial model).
    pub(crate) classes: usize,
    /// The L2 strength λ of the mean objective (0 without an L2 penalty): the preconditioner
    /// balances each column's curvature against it.
    pub(crate) l2: f64,
    /// The ranks whose rows the objective sums over (the design and rows are this rank's).
    pub(crate) world: &'a dyn Collective,
}

impl Problem<'_> {
    /// The shape of the whole problem: every rank's rows and stored values, so that every rank
    /// makes the same choices from it.
    fn shape(&self) -> Result<Shape, ModelError> {
        let mut counts = [self.rows.len(), self.data.stored_values()];
        allreduce_counts(self.world, &mut counts)?;
        Ok(Shape {
            n: counts[0],
            p: self.objective.dim(),
            nnz: counts[1],
            sparse: self.data.storage() == Storage::Sparse,
            classes: self.classes,
        })
    }
}

/// What the cost model needs to know about a problem.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    /// Rows the loss sums over.
    pub(crate) n: usize,
    /// Parameters.
    pub(crate) p: usize,
    /// Stored values of the design (n·d when dense).
    pub(crate) nnz: usize,
    /// Whether the design is sparse.
    pub(crate) sparse: bool,
    /// Parameter blocks.
    pub(crate) classes: usize,
}

/// Newton iterations a fit takes from a point L-BFGS has brought close (measured: 5–8 from zero
/// on every data set here, 2–4 after a handover).
const NEWTON_FINISH: f64 = 4.0;
/// Passes an L-BFGS iteration costs on average (the line search sometimes evaluates twice).
const LBFGS_PASSES: f64 = 1.2;
/// L-BFGS iterations watched before its convergence rate is trusted for a projection: its memory
/// fills over the first iterations, and its rate with it.
const PROBE_ITERATIONS: usize = 6;
/// Iterations over which the recent convergence rate is measured.
const RATE_WINDOW: usize = 3;
/// How much more than Newton's finish the projected rest of L-BFGS must cost before the handover:
/// projections made early are pessimistic (L-BFGS often turns superlinear once its memory
/// captures the curvature), so the handover waits for a clear case.
const SWITCH_MARGIN: f64 = 2.0;
/// Most parameters for which `auto` forms a dense Hessian (the Cholesky solve costs p³/3).
const NEWTON_MAX_PARAMS: usize = 2000;

impl Shape {
    /// A Newton iteration's cost in passes over the data: one Hessian plus about 1.5 evaluations.
    /// The Hessian's cost relative to a pass grows with the parameters per block: measured on
    /// 2 cores, 5.5 passes at 51 parameters (the blocked tiles), about p/10 throughout; a
    /// multinomial Hessian is K(K+1)/2 Gram passes; a sparse one costs Σ nnzᵢ²/2 against nnz.
    fn newton_iteration_passes(&self) -> f64 {
        let per_block = (self.p / self.classes.max(1)) as f64;
        let gram = if self.sparse {
            let avg = self.nnz as f64 / self.n.max(1) as f64;
            1.0 + avg / 4.0
        } else {
            1.0 + per_block / 10.0
        };
        let k = self.classes.max(1) as f64;
        let blocks = if self.classes > 1 {
            k * (k + 1.0) / 2.0
        } else {
            1.0
        };
        let solve = (self.p as f64).powi(3) / 3.0 / (self.nnz.max(1) as f64 * 2.0);
        blocks * gram + solve + 1.5
    }

    /// Whether a dense Hessian is affordable at all.
    fn newton_possible(&self) -> bool {
        self.p <= NEWTON_MAX_PARAMS
            && (!self.sparse || self.p <= logreg_linalg_core::MAX_SPARSE_GRAM)
    }
}

/// Minimize the problem from `x0` with the solver `params` configure, the iteration budget,
/// tolerance and seed overrides applied. L-BFGS, Newton and Newton-CG run preconditioned (see
/// [`crate::precondition`]); `auto` runs [`auto`].
pub(crate) fn minimize(
    params: &ValidParams,
    problem: &Problem<'_>,
    x0: DVector<f64>,
    obs: &mut dyn Observer,
) -> Result<Solved, ModelError> {
    let configured = params.solver();
    if configured == Solver::Auto {
        return auto(params, problem, x0, obs);
    }
    let report = run_stage(configured, problem, x0, obs)?;
    let stages = vec![Stage {
        solver: configured.kind(),
        iterations: report.iterations,
        stop: report.stop,
        reason: "chosen by the caller".to_string(),
    }];
    Ok(Solved {
        report,
        solver: configured.kind(),
        stages,
    })
}

/// Run one solver on the problem from `x0` (in the original coordinates; so is the report).
fn run_stage(
    solver: Solver,
    problem: &Problem<'_>,
    x0: DVector<f64>,
    obs: &mut dyn Observer,
) -> Result<Report, ModelError> {
    let f = problem.objective;
    let preconditioned = matches!(
        solver,
        Solver::Lbfgs(_) | Solver::Newton(_) | Solver::NewtonCg(_)
    );
    let scaling = if preconditioned {
        Scaling::for_design(
            problem.data,
            problem.rows,
            problem.intercept,
            problem.classes,
            problem.l2,
            problem.world,
        )?
    } else {
        None
    };
    let Some(scaling) = scaling else {
        return run(solver, f, x0, obs);
    };
    let scaled = Preconditioned {
        inner: f,
        scaling: scaling.clone(),
    };
    let mut report = run(solver, &scaled, scaling.to_scaled(&x0), obs)?;
    report.x = scaling.to_original(&report.x);
    // The tolerance was tested in the solver's coordinates; report the gradient the problem has.
    let mut g = DVector::zeros(report.x.len());
    f.value_grad(&report.x, &mut g)?;
    report.grad_norm = g.norm();
    Ok(report)
}

/// `auto`: preconditioned L-BFGS, watched. One L-BFGS iteration costs about a pass over the data,
/// a Newton iteration a Hessian more; L-BFGS wins on well-conditioned data (10–20 iterations)
/// and loses on hard data, where its count runs into the hundreds. So after a few iterations
/// its convergence rate projects how many more it needs, and as soon as those would cost more than
/// finishing with Newton from the current point, Newton (Cholesky, or Newton-CG when the Hessian
/// cannot be formed) takes over from there. The report names both stages and why.
fn auto(
    params: &ValidParams,
    problem: &Problem<'_>,
    x0: DVector<f64>,
    obs: &mut dyn Observer,
) -> Result<Solved, ModelError> {
    let shape = problem.shape()?;
    let tol = params.tol().unwrap_or(1e-10);
    let budget = params.max_iter();
    let newton_passes = shape.newton_iteration_passes();
    let finisher = if shape.newton_possible() {
        Solver::newton()
    } else {
        Solver::newton_cg()
    };
    let finish_cost = NEWTON_FINISH * newton_passes;
    let lbfgs = Solver::Lbfgs(
        logreg_optim::Lbfgs::default()
            .tol(tol)
            .max_iter(budget.unwrap_or(1000)),
    );
    let mut watch = Watch {
        inner: obs,
        tol,
        norms: Vec::new(),
        switch_at: None,
        finish_cost,
    };
    let first = run_stage(lbfgs, problem, x0, &mut watch)?;
    let handed_over = watch.switch_at;
    let obs = watch.inner;
    let mut stages = vec![Stage {
        solver: SolverKind::Lbfgs,
        iterations: first.iterations,
        stop: first.stop,
        reason: format!(
            "auto: {} parameters, {} rows{}: L-BFGS first (a Newton iteration costs about {:.0} passes)",
            shape.p,
            shape.n,
            if shape.sparse { ", sparse" } else { "" },
            newton_passes
        ),
    }];
    let done = first.converged() || first.stop == Stop::ObserverRequested && handed_over.is_none();
    if done {
        return Ok(Solved {
            report: first,
            solver: SolverKind::Lbfgs,
            stages,
        });
    }
    let why = match handed_over {
        Some(projected) => format!(
            "L-BFGS projected {projected:.0} more iterations, more than Newton needs from its point"
        ),
        None => format!(
            "L-BFGS stopped without converging ({})",
            first.stop.describe()
        ),
    };
    let finisher = finisher.with_overrides(budget, Some(tol), params.seed());
    let mut second = run_stage(finisher, problem, first.x.clone(), obs)?;
    stages.push(Stage {
        solver: finisher.kind(),
        iterations: second.iterations,
        stop: second.stop,
        reason: why,
    });
    let mut history = first.history;
    history.extend(second.history.iter().skip(1));
    second.history = history;
    second.iterations += first.iterations;
    Ok(Solved {
        report: second,
        solver: finisher.kind(),
        stages,
    })
}

/// Watches L-BFGS for `auto`: passes every iteration on, and asks to stop (to hand over) once the
/// projected rest of the run costs more than finishing with Newton.
struct Watch<'o> {
    inner: &'o mut dyn Observer,
    tol: f64,
    /// The gradient norms after each iteration so far.
    norms: Vec<f64>,
    /// The projected remaining iterations when the watch decided to hand over.
    switch_at: Option<f64>,
    finish_cost: f64,
}

impl Observer for Watch<'_> {
    fn observe(&mut self, it: &Iteration<'_>) -> Control {
        if self.inner.observe(it) == Control::Stop {
            return Control::Stop;
        }
        self.norms.push(it.grad_norm);
        if it.iteration < PROBE_ITERATIONS || it.grad_norm <= self.tol {
            return Control::Continue;
        }
        // Decrease of log ‖g‖ per iteration over the last few (L-BFGS speeds up as its memory
        // fills, so the recent rate predicts the rest better than the average since the start);
        // none means no progress.
        let k = self.norms.len();
        let before = self.norms[k.saturating_sub(RATE_WINDOW + 1)];
        let rate = (before / it.grad_norm).ln() / RATE_WINDOW.min(k - 1).max(1) as f64;
        let needed = (it.grad_norm / self.tol).ln();
        let remaining = if rate > 0.0 {
            needed / rate
        } else {
            f64::INFINITY
        };
        if remaining * LBFGS_PASSES > SWITCH_MARGIN * self.finish_cost {
            self.switch_at = Some(remaining);
            return Control::Stop;
        }
        Control::Continue
    }
}

/// What a fit's solvers produced: the final report, the last solver, and every stage.
pub(crate) struct Solved {
    pub(crate) report: Report,
    pub(crate) solver: SolverKind,
    pub(crate) stages: Vec<Stage>,
}

/// Run the concrete solver `solver` (never `Auto`) on `f` from `x0`.
fn run(
    solver: Solver,
    f: &dyn Objective,
    x0: DVector<f64>,
    obs: &mut dyn Observer,
) -> Result<Report, ModelError> {
    Ok(match solver {
        Solver::Gd(s) => s.minimize(f, x0, obs)?,
        Solver::Sgd(s) => s.minimize(f, x0, obs)?,
        Solver::Lbfgs(s) => s.minimize(f, x0, obs)?,
        Solver::Newton(s) => s.minimize(f, x0, obs)?,
        Solver::NewtonCg(s) => s.minimize(f, x0, obs)?,
        Solver::OwlQn(s) => s.minimize(f, x0, obs)?,
        // `auto` is resolved before any run, and coordinate descent goes through `minimize_l1`;
        // should either arrive here, L-BFGS is `auto`'s first stage.
        Solver::Auto | Solver::CoordinateDescent(_) => {
            logreg_optim::Lbfgs::default().minimize(f, x0, obs)?
        }
    })
}

/// An L1 (or elastic-net) problem: the loss (with the L2 share already in it), the L1 weights
/// (λ₁ on coefficients, 0 on intercepts), and an optional first working set (a path's screen).
pub(crate) struct L1Problem<'l, 'a> {
    pub(crate) glm: Glm<'l, 'a>,
    pub(crate) l1: Vec<f64>,
    pub(crate) screen: Option<Vec<bool>>,
}

/// Minimize `problem.objective + Σ λⱼ|θⱼ|` from `x0`: coordinate-descent Newton (`auto` and
/// `coordinate-descent`), or OWL-QN (asked for, or when the coordinate steps have no column
/// access: a standardized sparse design too wide for a formed Hessian, or a distributed fit too
/// wide for one). The report's point carries the full objective and its minimum-norm subgradient
/// norm.
///
/// On several ranks both solvers read only sums over every rank's rows (the loss's value,
/// gradient and Hessian go through its collective), and every choice here is made from those
/// sums and the global shape, so every rank takes the same steps.
pub(crate) fn minimize_l1(
    params: &ValidParams,
    problem: &Problem<'_>,
    l1p: L1Problem<'_, '_>,
    x0: DVector<f64>,
    obs: &mut dyn Observer,
) -> Result<Solved, ModelError> {
    let ranks = problem.world.size();
    let shape = problem.shape()?;
    let configured = params.solver();
    // From zero, start at the null model: the intercepts fitted, every coefficient 0.
    let mut x0 = x0;
    if x0.iter().all(|&v| v == 0.0) {
        crate::cd::null_intercepts(l1p.glm, &mut x0, problem.world)?;
    }
    let term = L1::new(l1p.l1.clone())?;
    let composite = L1Penalized::new(problem.objective, term)?;
    let cd = match configured {
        Solver::CoordinateDescent(cfg) => Some((cfg, "chosen by the caller")),
        Solver::Auto => Some((
            CoordinateDescent::default()
                .max_iter(params.max_iter().unwrap_or(100))
                .tol(params.tol().unwrap_or(1e-10)),
            "auto: the penalty has an L1 part",
        )),
        _ => None,
    };
    if let Some((cfg, why)) = cd {
        if let Some(curvature) = Curvature::choose(&l1p.glm, problem.rows, ranks) {
            let reason = format!("{why}; {}", curvature.describe());
            let smooth = KeptGradient::new(problem.objective);
            let composite = L1Penalized::new(&smooth, L1::new(l1p.l1.clone())?)?;
            let mut step = CdStep::new(l1p.glm, l1p.l1, &curvature, l1p.screen, shape.n, &smooth);
            let report = logreg_optim::run(&mut step, &composite, x0, &cfg.stop_rule(), obs)?;
            let stages = vec![Stage {
                solver: SolverKind::CoordinateDescent,
                iterations: report.iterations,
                stop: report.stop,
                reason,
            }];
            return Ok(Solved {
                report,
                solver: SolverKind::CoordinateDescent,
                stages,
            });
        }
    }
    let (owl, reason) = match configured {
        Solver::OwlQn(cfg) => (cfg, "chosen by the caller".to_string()),
        _ => (
            OwlQn::default()
                .max_iter(params.max_iter().unwrap_or(1000))
                .tol(params.tol().unwrap_or(1e-10)),
            match problem.data {
                Data::Blocks(_) => "coordinate descent needs column access or a formed Hessian, \
                                    which row blocks read in passes do not give for this many \
                                    parameters: OWL-QN"
                    .to_string(),
                Data::Memory(_) if ranks > 1 => format!(
                    "on {ranks} ranks coordinate descent needs a formed Hessian, and {} \
                     parameters{} are too many for one: OWL-QN",
                    shape.p,
                    if shape.sparse {
                        " of a sparse design"
                    } else {
                        ""
                    }
                ),
                Data::Memory(_) => "coordinate descent needs column access, which a standardized \
                                    sparse design this wide does not give: OWL-QN"
                    .to_string(),
            },
        ),
    };
    let scaling = Scaling::for_design(
        problem.data,
        problem.rows,
        problem.intercept,
        problem.classes,
        problem.l2,
        problem.world,
    )?;
    let report = match scaling {
        None => owl.minimize(&composite, x0, obs)?,
        Some(scaling) => {
            let weights = scaling.l1_weights(&l1p.l1);
            let scaled = Preconditioned {
                inner: problem.objective,
                scaling: scaling.clone(),
            };
            let scaled_composite = L1Penalized::new(&scaled, L1::new(weights)?)?;
            let mut r = owl.minimize(&scaled_composite, scaling.to_scaled(&x0), obs)?;
            r.x = scaling.to_original(&r.x);
            // Report the measure in the problem's own coordinates.
            let mut g = DVector::zeros(r.x.len());
            r.value = composite.value_grad(&r.x, &mut g)?;
            r.grad_norm = g.norm();
            r
        }
    };
    let stages = vec![Stage {
        solver: SolverKind::OwlQn,
        iterations: report.iterations,
        stop: report.stop,
        reason,
    }];
    Ok(Solved {
        report,
        solver: SolverKind::OwlQn,
        stages,
    })
}
