//! `--cv` and its companions checked into a [`CvPlan`].

use super::train::TrainArgs;
use super::values::{penalty_name, PenaltyArg, ScoringArg};
use crate::error::CliError;
use logreg::model::{CGrid, Scoring};

/// `--cv` and its companions, checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CvPlan {
    /// Number of folds, ≥ 2.
    pub folds: usize,
    /// The grid of C.
    pub cs: CGrid,
    /// The values of ρ (empty: the penalty's own).
    pub l1_ratios: Vec<f64>,
    /// How held-out rows are scored.
    pub scoring: Scoring,
}

/// `--cv`, `--cs`, `--l1-ratios`, `--scoring`: each companion needs `--cv`, and every value is in
/// range, before any file is read.
pub(super) fn plan_cv(a: &TrainArgs) -> Result<Option<CvPlan>, CliError> {
    let usage = |m: String| CliError::usage(m);
    let Some(folds) = a.cv else {
        for (given, flag) in [
            (a.cs.is_some(), "--cs"),
            (a.l1_ratios.is_some(), "--l1-ratios"),
            (a.scoring.is_some(), "--scoring"),
        ] {
            if given {
                return Err(usage(format!("{flag} applies with --cv K")));
            }
        }
        return Ok(None);
    };
    if folds < 2 {
        return Err(usage(format!(
            "--cv {folds} is out of range: expected at least 2 folds"
        )));
    }
    if a.penalty == PenaltyArg::None {
        return Err(usage(
            "--cv chooses C, which --penalty none does not have".into(),
        ));
    }
    if a.c.is_some() {
        return Err(usage(
            "--c is chosen by --cv; give the values to try with --cs".into(),
        ));
    }
    let cs = match a.cs.as_deref().map(str::trim) {
        None => CGrid::Count(10),
        Some(text) if text.chars().all(|ch| ch.is_ascii_digit()) && !text.is_empty() => {
            match text.parse::<usize>() {
                Ok(n) if n >= 1 => CGrid::Count(n),
                _ => {
                    return Err(usage(format!(
                        "--cs {text} is out of range: expected a count of at least 1, or values of C separated by commas"
                    )))
                }
            }
        }
        Some(text) => {
            let parts: Vec<&str> = text
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            if parts.is_empty() {
                return Err(usage("--cs: the list of C values is empty".into()));
            }
            let mut values = Vec::with_capacity(parts.len());
            for p in parts {
                match p.parse::<f64>() {
                    Ok(v) if v.is_finite() && v > 0.0 => values.push(v),
                    _ => {
                        return Err(usage(format!(
                            "--cs: {p:?} is not a value of C (expected a finite number > 0)"
                        )))
                    }
                }
            }
            CGrid::Values(values)
        }
    };
    let l1_ratios = match &a.l1_ratios {
        None => Vec::new(),
        Some(v) => {
            if a.penalty != PenaltyArg::Elasticnet {
                return Err(usage(format!(
                    "--l1-ratios applies to --penalty elasticnet, not {}",
                    penalty_name(a.penalty)
                )));
            }
            if v.is_empty() {
                return Err(usage("--l1-ratios: the list is empty".into()));
            }
            if let Some(r) = v.iter().find(|r| !(0.0..=1.0).contains(*r)) {
                return Err(usage(format!(
                    "--l1-ratios {r} is out of range: expected numbers in [0, 1]"
                )));
            }
            v.clone()
        }
    };
    let scoring = match a.scoring.unwrap_or(ScoringArg::Accuracy) {
        ScoringArg::Accuracy => Scoring::Accuracy,
        ScoringArg::LogLoss => Scoring::LogLoss,
        ScoringArg::RocAuc => Scoring::RocAuc,
    };
    Ok(Some(CvPlan {
        folds,
        cs,
        l1_ratios,
        scoring,
    }))
}
