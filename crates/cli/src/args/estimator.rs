//! The estimator settings (`--solver`, `--c`, `--penalty`, …) validated by the library, each
//! error naming its flag.

use super::train::TrainArgs;
use super::values::{ClassWeightArg, CovTypeArg, MultiClassArg, PenaltyArg};
use crate::error::CliError;
use logreg::model::{
    ClassWeight, CovType, LogisticRegression, LogisticRegressionParams, ModelError, MultiClass,
    Penalty, Solver, SolverKind, ValidParams,
};

/// The estimator settings, validated by the library; a setting out of range names its flag.
pub(super) fn estimator(a: &TrainArgs) -> Result<ValidParams, CliError> {
    let kind = SolverKind::from_name(&a.solver).ok_or_else(|| {
        CliError::usage(format!(
            "--solver {:?}: expected auto, gd, sgd, lbfgs, newton, newton-cg, coordinate-descent or owl-qn",
            a.solver
        ))
    })?;
    let solver = solver_config(kind, a.learning_rate, a.batch_size)?;
    let mut p: LogisticRegressionParams = LogisticRegression::params()
        .solver(solver)
        .seed(a.seed)
        .fit_intercept(!a.no_intercept)
        .class_weight(match a.class_weight {
            ClassWeightArg::None => ClassWeight::None,
            ClassWeightArg::Balanced => ClassWeight::Balanced,
        })
        .multi_class(match a.multi_class {
            Some(MultiClassArg::Ovr) => MultiClass::OneVsRest,
            _ => MultiClass::Multinomial,
        })
        .penalty({
            let c = a.c.unwrap_or(1.0);
            match a.penalty {
                PenaltyArg::None => Penalty::None,
                PenaltyArg::L2 => Penalty::L2 { c },
                PenaltyArg::L1 => Penalty::L1 { c },
                PenaltyArg::Elasticnet => Penalty::ElasticNet {
                    c,
                    // With --cv and --l1-ratios, ρ is chosen there; the first is a placeholder.
                    l1_ratio: a
                        .l1_ratio
                        .or_else(|| a.l1_ratios.as_ref().and_then(|v| v.first().copied()))
                        .unwrap_or(0.5),
                },
            }
        });
    if let Some(n) = a.max_iter {
        p = p.max_iter(n);
    }
    if let Some(t) = a.tol {
        p = p.tol(t);
    }
    if let Some(c) = a.cov_type {
        p = p.cov_type(match c {
            CovTypeArg::Nonrobust => CovType::Nonrobust,
            CovTypeArg::Hc0 => CovType::Hc0,
            CovTypeArg::Hc1 => CovType::Hc1,
        });
    }
    p.check().map_err(|e| match e {
        logreg::model::ModelError::InvalidParam {
            name,
            value,
            expected,
        } => {
            // SGD calls its initial rate eta0; on the command line it is --learning-rate.
            let name = if name == "eta0" {
                "learning_rate"
            } else {
                name
            };
            out_of_range(name, &value, expected)
        }
        other => CliError::usage(other.to_string()),
    })
}

/// `--flag VALUE is out of range: expected …`, for a library parameter named `name`.
fn out_of_range(name: &str, value: &str, expected: &str) -> CliError {
    CliError::usage(format!(
        "--{} {value} is out of range: expected {expected}",
        name.replace('_', "-")
    ))
}

/// The solver the flags describe, with the settings only it takes; a flag another solver would
/// ignore is refused (it would otherwise be silently meaningless).
fn solver_config(
    kind: SolverKind,
    learning_rate: Option<f64>,
    batch_size: Option<usize>,
) -> Result<Solver, CliError> {
    Solver::configured(kind, learning_rate, batch_size).map_err(|e| match e {
        ModelError::SettingNotForSolver {
            setting,
            takes_it,
            solver,
        } => {
            let names: Vec<&str> = takes_it.iter().map(|k| k.name()).collect();
            CliError::usage(format!(
                "--{} applies to --solver {}, not {solver}",
                setting.replace('_', "-"),
                names.join(" or ")
            ))
        }
        other => CliError::usage(other.to_string()),
    })
}
