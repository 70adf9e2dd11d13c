//! Checks of a training table against the flags, shared by one-process training (`train.rs`)
//! and training on MPI ranks (`distributed.rs`): how the CSV is read, that the named columns
//! exist, the class count and the flags that need two classes, and the messages for non-numeric and missing feature values.

use crate::args::{FormatArg, TrainArgs, TrainPlan};
use crate::error::{CliError, CliResult};
use logreg::preprocess::{ColumnType, CsvOptions, PreprocessError, Table};
use logreg::ClassLabel;

/// How the CSV is read: the `--one-hot` columns as categories even if they hold numbers.
pub(crate) fn csv_options(plan: &TrainPlan) -> CsvOptions {
    let mut options = plan.pipeline.csv_options();
    // Weights and offsets are numbers: text in them is an error naming its row and value.
    for c in plan.sample_weight.iter().chain(&plan.offset) {
        options = options.column_type(c.clone(), ColumnType::Numeric);
    }
    // The columns that are not features stay out of the features' numeric block, which then
    // becomes the design as it is.
    options.side_columns(
        std::iter::once(&plan.target)
            .chain(&plan.sample_weight)
            .chain(&plan.offset)
            .chain(&plan.pipeline.drop)
            .cloned(),
    )
}

/// The columns `--target`, `--drop`, `--bin`, `--sample-weight` and `--offset` name are among
/// `columns`, the columns of the table or file read from `data`.
pub(crate) fn check_flag_columns(
    columns: &[String],
    plan: &TrainPlan,
    data: &str,
) -> CliResult<()> {
    let spec = &plan.pipeline;
    for (flag, col) in std::iter::once(("--target", &plan.target))
        .chain(spec.drop.iter().map(|c| ("--drop", c)))
        .chain(spec.bins.iter().map(|b| ("--bin", &b.column)))
        .chain(plan.sample_weight.iter().map(|c| ("--sample-weight", c)))
        .chain(plan.offset.iter().map(|c| ("--offset", c)))
    {
        if !columns.contains(col) {
            let e = PreprocessError::ColumnNotFound {
                column: col.clone(),
                available: columns.to_vec(),
            };
            return Err(CliError::failed(format!("{data}: {flag}: {e}")));
        }
    }
    Ok(())
}

/// The target's sorted distinct labels (read from `data`) checked against the flags: at least
/// two (exactly two for libsvm rows, which are fitted as a binary model), and with more than two
/// none of the flags that belong to a binary model. Returns how many classes there are.
pub(crate) fn check_classes(
    classes: &[ClassLabel],
    args: &TrainArgs,
    plan: &TrainPlan,
    data: &str,
) -> CliResult<usize> {
    let only = (plan.format == FormatArg::Libsvm).then_some(
        "a model of libsvm rows is binary and needs exactly two (K-class models read CSV tables)",
    );
    let n_classes = check_class_count(classes, &plan.target, data, only)?;
    if n_classes > 2 {
        // These belong to a binary model: refused before any work, naming the flag.
        for (flag, given) in [
            ("--positive", args.positive.is_some()),
            ("--threshold", args.threshold.is_some()),
            ("--offset", plan.offset.is_some()),
            ("--warm-start", args.warm_start.is_some()),
        ] {
            if given {
                return Err(CliError::failed(format!(
                    "{data}: {flag} applies to two classes; target column {:?} has {n_classes}",
                    plan.target
                )));
            }
        }
    }
    Ok(n_classes)
}

/// At least two sorted distinct labels (exactly two when `binary_only` says why); how many.
fn check_class_count(
    classes: &[ClassLabel],
    target: &str,
    data: &str,
    binary_only: Option<&str>,
) -> CliResult<usize> {
    if classes.len() == 2 || (classes.len() > 2 && binary_only.is_none()) {
        return Ok(classes.len());
    }
    let mut shown: Vec<String> = classes
        .iter()
        .take(10)
        .map(|c| format!("{:?}", c.to_string()))
        .collect();
    if classes.len() > 10 {
        shown.push(format!("… ({} in all)", classes.len()));
    }
    let problem = if classes.len() == 1 {
        "only one class".to_string()
    } else {
        format!("{} distinct values", classes.len())
    };
    let need = match binary_only {
        Some(why) if classes.len() > 2 => why,
        _ => "a classifier needs at least two",
    };
    Err(CliError::failed(format!(
        "{data}: target column {target:?} has {problem} ({}); {need}",
        shown.join(", ")
    )))
}

/// What to do about a column `first` that must be numeric and is not.
pub(crate) fn numeric_hint(first: &str, plan: &TrainPlan) -> String {
    if plan.pipeline.bins.iter().any(|b| b.column == first) {
        format!("--bin needs a numeric column; {first:?} is not")
    } else {
        format!(
            "to use {first:?} as categories pass --one-hot {first} (or --one-hot auto); \
             to leave it out, --drop {first}"
        )
    }
}

/// The first missing feature value (0-based row, column), when `--impute` is not given.
pub(crate) fn first_missing(
    table: &Table,
    plan: &TrainPlan,
) -> Result<Option<(usize, String)>, PreprocessError> {
    if plan.pipeline.impute.is_some() {
        return Ok(None);
    }
    table.first_missing(&plan.pipeline.feature_columns(table, &plan.outside()))
}

/// The message for a missing feature value at 1-based data `row` of `data`.
pub(crate) fn missing_message(data: &str, row: usize, column: &str) -> String {
    format!(
        "{data}: data row {row}, column {column:?}: the value is missing; fill missing values \
         with --impute mean|median|most-frequent, or remove the row"
    )
}
