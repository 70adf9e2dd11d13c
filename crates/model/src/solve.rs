//! The seam between the loss and the solvers: adapt a loss to `optim`'s traits and run the chosen
//! solver with the configured settings.

use crate::params::{SolverKind, ValidParams};
use crate::ModelError;
use logreg_loss::{LogLoss, MultinomialLogLoss};
use logreg_optim::{
    GradientDescent, Lbfgs, LearningRate, MiniBatchObjective, Newton, Objective, Observer, Report,
    Sgd, Solver,
};
use nalgebra::{DMatrix, DVector};

/// A loss (`LogLoss` or `MultinomialLogLoss`) seen as an `optim` objective, so any solver can
/// minimize it from any starting point (the estimators start from zeros or a previous fit; the
/// tutorials start from dummy or random weights). Shapes are fixed when the loss is built, so its
/// shape errors cannot occur; were one to, the value becomes NaN and the solver reports a
/// non-finite start or divergence rather than a result or a panic.
#[derive(Debug, Clone, Copy)]
pub struct LossObjective<'a, T>(pub &'a T);

macro_rules! impl_objective {
    ($loss:ty, $hessian:expr) => {
        impl Objective for LossObjective<'_, $loss> {
            fn dim(&self) -> usize {
                self.0.dim()
            }
            fn value_grad(&self, x: &DVector<f64>, grad: &mut DVector<f64>) -> f64 {
                let r = self.0.value_grad(x, grad);
                debug_assert!(r.is_ok(), "loss shape error inside a solver: {r:?}");
                r.unwrap_or(f64::NAN)
            }
            fn hessian(&self, x: &DVector<f64>) -> Option<DMatrix<f64>> {
                let h: fn(&$loss, &DVector<f64>) -> Option<DMatrix<f64>> = $hessian;
                h(self.0, x)
            }
        }

        impl MiniBatchObjective for LossObjective<'_, $loss> {
            fn n_samples(&self) -> usize {
                self.0.n_samples()
            }
            fn value_grad_batch(
                &self,
                x: &DVector<f64>,
                rows: &[usize],
                grad: &mut DVector<f64>,
            ) -> f64 {
                let r = self.0.value_grad_rows(x, rows, grad);
                debug_assert!(r.is_ok(), "loss shape error inside a solver: {r:?}");
                r.unwrap_or(f64::NAN)
            }
        }
    };
}

impl_objective!(LogLoss, |l, x| l.hessian(x).ok());
impl_objective!(MultinomialLogLoss, |l, x| l.hessian(x).ok());

/// Run the concrete solver `kind` (never `Auto`) on `f` from `x0`.
pub(crate) fn run<O>(
    kind: SolverKind,
    params: &ValidParams,
    f: &O,
    x0: DVector<f64>,
    obs: &mut dyn Observer,
) -> Result<Report, ModelError>
where
    O: MiniBatchObjective,
{
    let p = params.params();
    let max_iter = params.max_iter_for(kind);
    let report = match kind {
        SolverKind::Gd => {
            let mut gd = GradientDescent::new(p.learning_rate.unwrap_or(0.1))
                .max_iter(max_iter)
                .threshold(p.loss_change_threshold);
            if let Some(tol) = p.tol {
                gd = gd.tol(tol);
            }
            gd.minimize(f, x0, obs)?
        }
        SolverKind::Sgd => {
            let mut sgd = Sgd::default().max_epochs(max_iter).seed(p.seed);
            if let Some(eta0) = p.learning_rate {
                sgd = sgd.learning_rate(LearningRate::Adaptive { eta0 });
            }
            if let Some(n) = p.batch_size {
                sgd = sgd.batch_size(n);
            }
            if let Some(tol) = p.tol {
                sgd = sgd.tol(tol);
            }
            sgd.minimize(f, x0, obs)?
        }
        SolverKind::Lbfgs | SolverKind::Auto => {
            let mut lbfgs = Lbfgs::default().max_iter(max_iter);
            if let Some(tol) = p.tol {
                lbfgs = lbfgs.tol(tol);
            }
            lbfgs.minimize(f, x0, obs)?
        }
        SolverKind::Newton => {
            let mut newton = Newton::default().max_iter(max_iter);
            if let Some(tol) = p.tol {
                newton = newton.tol(tol);
            }
            newton.minimize(f, x0, obs)?
        }
    };
    Ok(report)
}
