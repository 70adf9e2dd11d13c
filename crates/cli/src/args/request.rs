//! The fit that `train`'s flags ask for, built once for `train` and `train --distributed`.

use super::plan::TrainPlan;
use super::train::TrainArgs;
use crate::progress::Progress;
use logreg::model::FitOptions;
use logreg::{ClassLabel, Classifier, FitColumns};

/// What `train`'s flags ask of the fit, on one process or on ranks: the options (training rows,
/// positive class, warm start, progress) and the weight and offset columns.
pub(crate) fn fit_request<'a>(
    args: &TrainArgs,
    plan: &TrainPlan,
    train_rows: Option<&'a [usize]>,
    warm_start: Option<&'a Classifier>,
    progress: &'a mut Progress,
) -> (FitOptions<'a, ClassLabel>, FitColumns) {
    let opts = FitOptions {
        rows: train_rows,
        positive_class: args.positive.as_deref().map(ClassLabel::from),
        warm_start: warm_start.and_then(Classifier::binary_model),
        observer: Some(progress),
        ..FitOptions::default()
    };
    let columns = FitColumns {
        sample_weight: plan.sample_weight.clone(),
        offset: plan.offset.clone(),
    };
    (opts, columns)
}
