//! The command line: clap definitions, and the checks that turn arguments into a plan before any
//! file is read (so a bad argument fails at once, with exit code 2).
//!
//! The commands are defined here, each command's options in `train`, `predict` and `inspect`,
//! the flags' value types and parsers in `values`; `plan` checks `train`'s arguments (with `cv`
//! for cross-validation and `estimator` for the model's settings).

mod cv;
mod estimator;
mod inspect;
mod plan;
mod predict;
mod request;
mod train;
mod values;

pub(crate) use inspect::{EvaluateArgs, ExportArgs, SummaryArgs};
pub(crate) use plan::{check_threshold, plan_train, refused_in_passes, TrainPlan};
pub(crate) use predict::PredictArgs;
pub(crate) use request::fit_request;
pub(crate) use train::TrainArgs;
pub(crate) use values::{format_of, FormatArg};

use crate::error::CliError;
use clap::{Parser, Subcommand};

const ABOUT: &str = "Logistic regression on CSV files: train, evaluate, predict, summarize.";

const MAIN_EXAMPLES: &str = "\
Examples:
  logreg                                        train on the bundled banknote data
  logreg train data.csv --target y --standardize --out model.json
  logreg evaluate --model model.json test.csv
  logreg predict --model model.json new.csv --proba --id id --output predictions.csv
  logreg summary --model model.json

Run `logreg <COMMAND> --help` for each command's options.";

const TRAIN_EXAMPLES: &str = "\
Examples:
  logreg train                                  the bundled banknote data, standardized, 80/20 split
  logreg train datasets/bank.csv --target deposit --one-hot auto --drop-first --standardize \\
      --c 1 --test-size 0 --json
  logreg train datasets/bank.csv --target deposit --drop day --bin age:18,25,35,45,55,65,100 \\
      --one-hot auto --drop-first --standardize --out bank.json --plot plots/
  logreg train datasets/bank.csv --target deposit --one-hot auto --drop-first --standardize \\
      --penalty l1 --cv 5 --cs 20 --scoring log-loss --plot plots/    L1 with C chosen by 5-fold CV
  logreg train datasets/iris.csv --target species --standardize        3 classes: multinomial";

const EVALUATE_EXAMPLES: &str = "\
Example:
  logreg evaluate --model model.json test.csv --json";

const PREDICT_EXAMPLES: &str = "\
Examples:
  logreg predict --model model.json new.csv                       classes to stdout
  logreg predict --model model.json new.csv --proba --id customer_id --output scores.csv";

const EXPORT_EXAMPLES: &str = "\
Example:
  logreg train datasets/bank.csv --target deposit --one-hot auto --standardize --out bank.json
  logreg export --onnx bank.onnx --model bank.json

The graph takes one input per column the model reads, shaped [N, 1]: double for numeric
columns (NaN = missing), string for categorical ones (\"\" = missing). Outputs: `label` (the
predicted class) and `probabilities` ([N, 2]: negative class, positive class).";

const SUMMARY_EXAMPLES: &str = "\
Example:
  logreg train data.csv --target y --penalty none --out model.json
  logreg summary --model model.json";

/// The `logreg` command line.
#[derive(Debug, Parser)]
#[command(name = "logreg", version, about = ABOUT, after_help = MAIN_EXAMPLES)]
pub(crate) struct Cli {
    /// No progress bars on stderr (they only appear on a terminal, for runs that take a moment).
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// What to do; without a command, `train` on the bundled banknote data.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Fit a preprocessing pipeline and a logistic regression on a CSV file and report how it did.
    #[command(after_help = TRAIN_EXAMPLES)]
    Train(Box<TrainArgs>),
    /// Metrics of a saved model on a labelled CSV file.
    #[command(after_help = EVALUATE_EXAMPLES)]
    Evaluate(EvaluateArgs),
    /// Predict every row of a CSV file with a saved model, streaming (bounded memory).
    #[command(after_help = PREDICT_EXAMPLES)]
    Predict(PredictArgs),
    /// Coefficient table of a saved model: standard errors, z, p-values, 95% intervals.
    #[command(after_help = SUMMARY_EXAMPLES)]
    Summary(SummaryArgs),
    /// Write a saved model (pipeline and model) as an ONNX graph (ai.onnx 19, ai.onnx.ml 3).
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(ExportArgs),
}

/// `train`'s arguments when no command is given: the bundled-data demo, with every default
/// coming from the clap definitions (the one place defaults are written).
pub(crate) fn default_train() -> Result<TrainArgs, CliError> {
    match Cli::try_parse_from(["logreg", "train"]) {
        Ok(Cli {
            command: Some(Command::Train(a)),
            ..
        }) => Ok(*a),
        // The definitions above make `logreg train` always parse.
        _ => Err(CliError::usage(
            "internal error: `logreg train` with no arguments did not parse",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn default_train_is_the_banknote_demo() {
        let a = default_train().unwrap();
        let plan = plan_train(&a).unwrap();
        assert_eq!(plan.target, "class");
        assert!(plan.pipeline.standardize && plan.data.is_none());
        assert_eq!(a.test_size, 0.2);
    }
}
