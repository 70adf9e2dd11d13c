//! The command line: clap definitions, and the checks that turn arguments into a plan before any
//! file is read (so a bad argument fails at once, with exit code 2).

use crate::error::CliError;
use clap::{Args, Parser, Subcommand, ValueEnum};
use logreg::model::{
    CGrid, ClassWeight, LogisticRegression, LogisticRegressionParams, MultiClass, Penalty, Scoring,
    Solver, SolverKind, ValidParams,
};
use logreg::optim::{GradientDescent, LearningRate, Sgd};
use logreg::preprocess::ImputeStrategy;
use std::path::PathBuf;

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

const SUMMARY_EXAMPLES: &str = "\
Example:
  logreg train data.csv --target y --penalty none --out model.json
  logreg summary --model model.json";

/// The `logreg` command line.
#[derive(Debug, Parser)]
#[command(name = "logreg", version, about = ABOUT, after_help = MAIN_EXAMPLES)]
pub struct Cli {
    /// No progress bars on stderr (they only appear on a terminal, for runs that take a moment).
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// What to do; without a command, `train` on the bundled banknote data.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
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
}

/// The penalty on the coefficients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PenaltyArg {
    /// Maximum likelihood (needed for standard errors and p-values).
    None,
    /// ½‖w‖² added to C·Σ loss, as scikit-learn.
    L2,
    /// ‖w‖₁ added to C·Σ loss (the lasso: coefficients exactly 0).
    L1,
    /// (1 − ρ)/2‖w‖² + ρ‖w‖₁ added to C·Σ loss, ρ = --l1-ratio.
    Elasticnet,
}

/// How a label column with more than two classes is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MultiClassArg {
    /// One softmax model over all classes.
    Multinomial,
    /// One binary model per class against the rest.
    Ovr,
}

/// How cross-validation scores the held-out rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoringArg {
    /// Fraction classified correctly.
    Accuracy,
    /// Mean log loss (lower is better).
    LogLoss,
    /// ROC AUC (K classes: the mean one-vs-rest AUC).
    RocAuc,
}

/// How missing feature values are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImputeArg {
    /// Numeric columns: the training mean.
    Mean,
    /// Numeric columns: the training median.
    Median,
    /// Every column: the most frequent training value.
    MostFrequent,
}

/// How classes are weighted in the loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClassWeightArg {
    /// Every row counts once.
    None,
    /// Each class weighted by n / (2 · its count), as scikit-learn's "balanced".
    Balanced,
}

/// Options of `logreg train`.
#[derive(Debug, Clone, Args)]
pub struct TrainArgs {
    /// CSV file with a header row [default: the bundled datasets/banknote.csv, target `class`,
    /// standardized].
    #[arg(value_name = "DATA.csv", requires = "target")]
    pub data: Option<PathBuf>,

    /// The label column (two distinct values).
    #[arg(long, short, value_name = "COL")]
    pub target: Option<String>,

    /// The label whose probability is predicted [default: the larger label, as scikit-learn].
    #[arg(long, value_name = "LABEL")]
    pub positive: Option<String>,

    /// Fraction of rows held out for testing, in [0, 1); 0 trains on every row.
    #[arg(
        long,
        value_name = "F",
        default_value_t = 0.2,
        allow_negative_numbers = true
    )]
    pub test_size: f64,

    /// Keep each class's proportion in the train/test split.
    #[arg(long)]
    pub stratify: bool,

    /// Seed of the train/test split and of SGD's shuffling.
    #[arg(long, value_name = "N", default_value_t = 42)]
    pub seed: u64,

    /// Solver: auto (chosen from the data's shape and the penalty), gd, sgd, lbfgs, newton,
    /// newton-cg, coordinate-descent or owl-qn (the last two for L1 and elastic net).
    #[arg(long, value_name = "NAME", default_value = "auto",
          value_parser = ["auto", "gd", "sgd", "lbfgs", "newton", "newton-cg", "coordinate-descent", "owl-qn"])]
    pub solver: String,

    /// Penalty on the coefficients (never on the intercept).
    #[arg(long, value_enum, default_value_t = PenaltyArg::L2)]
    pub penalty: PenaltyArg,

    /// Inverse regularization strength, scikit-learn's C (> 0; smaller = stronger) [default: 1].
    #[arg(long = "c", value_name = "C", allow_negative_numbers = true)]
    pub c: Option<f64>,

    /// The elastic net's L1 share ρ in [0, 1] (0 is L2, 1 is L1); only with --penalty elasticnet.
    #[arg(long, value_name = "R", allow_negative_numbers = true)]
    pub l1_ratio: Option<f64>,

    /// A label column with more than two classes: one multinomial model, or one-vs-rest.
    #[arg(long, value_enum, value_name = "KIND")]
    pub multi_class: Option<MultiClassArg>,

    /// Choose C by stratified K-fold cross-validation on the training rows, then refit there.
    #[arg(long, value_name = "K")]
    pub cv: Option<usize>,

    /// With --cv: how many values of C (from C_min up 10⁴-fold with an L1 part, else 1e-4 to 1e4),
    /// or the values themselves, comma-separated [default: 10].
    #[arg(long, value_name = "N|C1,C2,…", allow_negative_numbers = true)]
    pub cs: Option<String>,

    /// With --cv and --penalty elasticnet: the values of ρ to try, comma-separated.
    #[arg(
        long,
        value_name = "R1,R2,…",
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub l1_ratios: Option<Vec<f64>>,

    /// With --cv: how held-out rows are scored [default: accuracy].
    #[arg(long, value_enum, value_name = "SCORE")]
    pub scoring: Option<ScoringArg>,

    /// Iteration budget (epochs for sgd) [default: 100 for newton, 1000 otherwise].
    #[arg(long, value_name = "N")]
    pub max_iter: Option<usize>,

    /// Convergence tolerance [default: the solver's own].
    #[arg(long, value_name = "TOL", allow_negative_numbers = true)]
    pub tol: Option<f64>,

    /// Learning rate of gd (default 0.1) and initial rate of sgd.
    #[arg(long, value_name = "RATE", allow_negative_numbers = true)]
    pub learning_rate: Option<f64>,

    /// Rows per mini-batch for sgd [default: 16].
    #[arg(long, value_name = "N")]
    pub batch_size: Option<usize>,

    /// Class weighting in the loss.
    #[arg(long, value_enum, default_value_t = ClassWeightArg::None)]
    pub class_weight: ClassWeightArg,

    /// Fit without an intercept.
    #[arg(long)]
    pub no_intercept: bool,

    /// Standardize every feature column after encoding (mean 0, standard deviation 1).
    #[arg(long)]
    pub standardize: bool,

    /// Columns to one-hot encode (comma-separated), or `auto` for every non-numeric column.
    #[arg(long, value_name = "COLS|auto", value_delimiter = ',')]
    pub one_hot: Option<Vec<String>>,

    /// Drop each one-hot column's first category (pandas get_dummies(drop_first=True)).
    #[arg(long)]
    pub drop_first: bool,

    /// Bin a numeric column at comma-separated edges into intervals (first one closed), e.g.
    /// `age:18,25,35,100` or `age:18,25,35,100:young,adult,older`; the bins are one-hot encoded.
    /// Repeatable.
    #[arg(long = "bin", value_name = "COL:EDGES[:LABELS]", value_parser = parse_bin)]
    pub bins: Vec<BinSpec>,

    /// Columns that are not features (comma-separated; repeatable).
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    pub drop: Vec<String>,

    /// Fill missing feature values, learned on the training rows; categorical columns always get
    /// their most frequent value.
    #[arg(long, value_enum, value_name = "STRATEGY")]
    pub impute: Option<ImputeArg>,

    /// Save the model (pipeline included) to this JSON file.
    #[arg(long, short, value_name = "MODEL.json")]
    pub out: Option<PathBuf>,

    /// Write SVG charts to this directory: loss.svg, roc.svg (two classes), boundary.svg (two
    /// classes, two features), and with --cv path.svg (coefficients against C) and cv.svg.
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,

    /// Overwrite an existing model file or chart.
    #[arg(long)]
    pub force: bool,

    /// Print the report as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Options of `logreg evaluate`.
#[derive(Debug, Clone, Args)]
pub struct EvaluateArgs {
    /// A model saved by `logreg train --out`.
    #[arg(long, short, value_name = "MODEL.json")]
    pub model: PathBuf,

    /// CSV file with the model's input columns and its target column.
    #[arg(value_name = "DATA.csv")]
    pub data: PathBuf,

    /// Print the report as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Options of `logreg predict`.
#[derive(Debug, Clone, Args)]
pub struct PredictArgs {
    /// A model saved by `logreg train --out`.
    #[arg(long, short, value_name = "MODEL.json")]
    pub model: PathBuf,

    /// CSV file with the model's input columns (other columns are ignored).
    #[arg(value_name = "DATA.csv")]
    pub data: PathBuf,

    /// Add probabilities: a `probability` column, P(positive class), for a binary model; one
    /// `p_<class>` column per class for a K-class model.
    #[arg(long)]
    pub proba: bool,

    /// Copy this column (e.g. an id) to the output, as written.
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,

    /// Write CSV here instead of to stdout.
    #[arg(long, short, value_name = "OUT.csv")]
    pub output: Option<PathBuf>,

    /// Overwrite an existing output file.
    #[arg(long)]
    pub force: bool,

    /// Rows read and predicted at a time, 1 to 1000000 (bounds memory).
    #[arg(long, value_name = "N", default_value_t = 8192,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub chunk_size: u64,
}

/// Options of `logreg summary`.
#[derive(Debug, Clone, Args)]
pub struct SummaryArgs {
    /// A model saved by `logreg train --out`.
    #[arg(long, short, value_name = "MODEL.json")]
    pub model: PathBuf,

    /// Print the report as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `--bin COL:EDGES[:LABELS]`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct BinSpec {
    /// The numeric column to bin.
    pub column: String,
    /// Strictly increasing, finite, at least two.
    pub edges: Vec<f64>,
    /// One per interval.
    pub labels: Vec<String>,
}

/// Parses `COL:EDGES[:LABELS]`; without labels the intervals are named as pandas prints them.
pub fn parse_bin(spec: &str) -> Result<BinSpec, String> {
    let mut parts = spec.splitn(3, ':');
    let column = parts.next().unwrap_or_default().trim();
    let edges_text = parts.next().ok_or_else(|| {
        format!("expected COL:EDGES[:LABELS] such as age:18,30,65, found {spec:?}")
    })?;
    if column.is_empty() {
        return Err(format!("the column name before ':' is empty in {spec:?}"));
    }
    let mut edges = Vec::new();
    for e in edges_text.split(',') {
        let x: f64 = e
            .trim()
            .parse()
            .map_err(|_| format!("edge {e:?} is not a number (in {spec:?})"))?;
        if !x.is_finite() {
            return Err(format!("edge {e:?} is not finite (in {spec:?})"));
        }
        edges.push(x);
    }
    if edges.len() < 2 {
        return Err(format!("at least two edges are needed (in {spec:?})"));
    }
    if edges.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!("edges must be strictly increasing (in {spec:?})"));
    }
    let labels: Vec<String> = match parts.next() {
        Some(text) => text.split(',').map(|l| l.trim().to_string()).collect(),
        None => edges
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let open = if i == 0 { '[' } else { '(' };
                format!("{open}{}, {}]", w[0], w[1])
            })
            .collect(),
    };
    if labels.len() != edges.len() - 1 {
        return Err(format!(
            "{} edges make {} intervals, but {} labels were given (in {spec:?})",
            edges.len(),
            edges.len() - 1,
            labels.len()
        ));
    }
    if let Some(l) = labels.iter().find(|l| l.is_empty()) {
        return Err(format!("a label is empty {l:?} (in {spec:?})"));
    }
    for (i, l) in labels.iter().enumerate() {
        if labels[..i].contains(l) {
            return Err(format!("label {l:?} is repeated (in {spec:?})"));
        }
    }
    Ok(BinSpec {
        column: column.to_string(),
        edges,
        labels,
    })
}

/// Which columns are one-hot encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum OneHot {
    /// None (binned columns still are).
    Off,
    /// Every non-numeric feature column.
    Auto,
    /// These, in this order.
    Columns(Vec<String>),
}

/// `train`'s arguments, checked.
#[derive(Debug, Clone)]
pub struct TrainPlan {
    /// The CSV file, or `None` for the bundled banknote data.
    pub data: Option<PathBuf>,
    /// The label column.
    pub target: String,
    /// Validated estimator settings.
    pub params: ValidParams,
    /// Standardize every output feature.
    pub standardize: bool,
    /// One-hot encoding.
    pub one_hot: OneHot,
    /// Drop each encoded column's first category.
    pub drop_first: bool,
    /// Bins, applied before encoding.
    pub bins: Vec<BinSpec>,
    /// Columns left out.
    pub drop: Vec<String>,
    /// Missing-value filling.
    pub impute: Option<ImputeStrategy>,
    /// Cross-validation of C, if asked for.
    pub cv: Option<CvPlan>,
}

/// `--cv` and its companions, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CvPlan {
    /// Number of folds, ≥ 2.
    pub folds: usize,
    /// The grid of C.
    pub cs: CGrid,
    /// The values of ρ (empty: the penalty's own).
    pub l1_ratios: Vec<f64>,
    /// How held-out rows are scored.
    pub scoring: Scoring,
}

/// The bundled data's label column.
pub const DEMO_TARGET: &str = "class";

/// Checks `train`'s arguments without reading anything.
pub fn plan_train(a: &TrainArgs) -> Result<TrainPlan, CliError> {
    let usage = |m: String| CliError::usage(m);
    let demo = a.data.is_none();
    let target = match (&a.target, demo) {
        (Some(t), _) => t.clone(),
        (None, true) => DEMO_TARGET.to_string(),
        (None, false) => return Err(usage("--target COL is required with a data file".into())),
    };
    if target.is_empty() {
        return Err(usage("--target: the column name is empty".into()));
    }
    if !(0.0..1.0).contains(&a.test_size) {
        return Err(usage(format!(
            "--test-size {} is out of range: expected a fraction in [0, 1) (0 trains on every row)",
            a.test_size
        )));
    }
    if a.penalty == PenaltyArg::None && a.c.is_some() {
        return Err(usage(
            "--c sets the strength of the L2 penalty; it has no meaning with --penalty none".into(),
        ));
    }
    if a.positive.as_deref() == Some("") {
        return Err(usage("--positive: the label is empty".into()));
    }
    if let Some(r) = a.l1_ratio {
        if a.penalty != PenaltyArg::Elasticnet {
            return Err(usage(format!(
                "--l1-ratio applies to --penalty elasticnet, not {}",
                penalty_name(a.penalty)
            )));
        }
        if !(0.0..=1.0).contains(&r) {
            return Err(usage(format!(
                "--l1-ratio {r} is out of range: expected a number in [0, 1]"
            )));
        }
    }
    let cv = plan_cv(a)?;
    if a.penalty == PenaltyArg::Elasticnet
        && a.l1_ratio.is_none()
        && cv.as_ref().is_none_or(|c| c.l1_ratios.is_empty())
    {
        return Err(usage(
            "--penalty elasticnet needs --l1-ratio R (or, with --cv, --l1-ratios R1,R2,…)".into(),
        ));
    }
    let params = estimator(a)?;
    let one_hot = match a.one_hot.as_deref() {
        None => OneHot::Off,
        Some([only]) if only == "auto" => OneHot::Auto,
        Some(cols) => {
            check_names("--one-hot", cols)?;
            OneHot::Columns(cols.to_vec())
        }
    };
    check_names("--drop", &a.drop)?;
    if a.drop.contains(&target) {
        return Err(usage(format!(
            "--drop: {target:?} is the target column, which is never a feature"
        )));
    }
    let mut others: Vec<(&str, &str)> = Vec::new();
    if let OneHot::Columns(cols) = &one_hot {
        others.extend(cols.iter().map(|c| ("--one-hot", c.as_str())));
    }
    others.extend(a.bins.iter().map(|b| ("--bin", b.column.as_str())));
    for (flag, col) in &others {
        if *col == target {
            return Err(usage(format!(
                "{flag}: {col:?} is the target column, which is never a feature"
            )));
        }
        if a.drop.iter().any(|d| d == col) {
            return Err(usage(format!(
                "{flag}: column {col:?} is also dropped by --drop"
            )));
        }
    }
    for (i, b) in a.bins.iter().enumerate() {
        if a.bins[..i].iter().any(|o| o.column == b.column) {
            return Err(usage(format!(
                "--bin: column {:?} is binned twice",
                b.column
            )));
        }
    }
    Ok(TrainPlan {
        data: a.data.clone(),
        target,
        params,
        standardize: a.standardize || demo,
        one_hot,
        drop_first: a.drop_first,
        bins: a.bins.clone(),
        drop: a.drop.clone(),
        impute: a.impute.map(|s| match s {
            ImputeArg::Mean => ImputeStrategy::Mean,
            ImputeArg::Median => ImputeStrategy::Median,
            ImputeArg::MostFrequent => ImputeStrategy::MostFrequent,
        }),
        cv,
    })
}

fn penalty_name(p: PenaltyArg) -> &'static str {
    match p {
        PenaltyArg::None => "none",
        PenaltyArg::L2 => "l2",
        PenaltyArg::L1 => "l1",
        PenaltyArg::Elasticnet => "elasticnet",
    }
}

/// `--cv`, `--cs`, `--l1-ratios`, `--scoring`: each companion needs `--cv`, and every value is in
/// range, before any file is read.
fn plan_cv(a: &TrainArgs) -> Result<Option<CvPlan>, CliError> {
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

/// The estimator settings, validated by the library; a setting out of range names its flag.
fn estimator(a: &TrainArgs) -> Result<ValidParams, CliError> {
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
    if learning_rate.is_some() && !matches!(kind, SolverKind::Gd | SolverKind::Sgd) {
        return Err(CliError::usage(format!(
            "--learning-rate applies to --solver gd or sgd, not {kind}"
        )));
    }
    if batch_size.is_some() && kind != SolverKind::Sgd {
        return Err(CliError::usage(format!(
            "--batch-size applies to --solver sgd, not {kind}"
        )));
    }
    Ok(match kind {
        SolverKind::Gd => Solver::Gd(GradientDescent::new(learning_rate.unwrap_or(0.1))),
        SolverKind::Sgd => {
            let mut sgd = Sgd::default();
            if let Some(eta0) = learning_rate {
                sgd = sgd.learning_rate(LearningRate::Adaptive { eta0 });
            }
            if let Some(n) = batch_size {
                sgd = sgd.batch_size(n);
            }
            Solver::Sgd(sgd)
        }
        other => Solver::default_for(other),
    })
}

/// Column lists must name each column once, with non-empty names.
fn check_names(flag: &str, names: &[String]) -> Result<(), CliError> {
    for (i, n) in names.iter().enumerate() {
        if n.trim().is_empty() {
            return Err(CliError::usage(format!(
                "{flag}: an empty column name (check the commas)"
            )));
        }
        if names[..i].contains(n) {
            return Err(CliError::usage(format!(
                "{flag}: column {n:?} is listed twice"
            )));
        }
    }
    Ok(())
}

/// `train`'s arguments when no command is given: the bundled-data demo.
pub fn default_train() -> TrainArgs {
    match Cli::try_parse_from(["logreg", "train"]) {
        Ok(Cli {
            command: Some(Command::Train(a)),
            ..
        }) => *a,
        // The definitions above make `logreg train` always parse; this arm keeps main panic-free.
        _ => TrainArgs {
            data: None,
            target: None,
            positive: None,
            test_size: 0.2,
            stratify: false,
            seed: 42,
            solver: "auto".into(),
            penalty: PenaltyArg::L2,
            c: None,
            l1_ratio: None,
            multi_class: None,
            cv: None,
            cs: None,
            l1_ratios: None,
            scoring: None,
            max_iter: None,
            tol: None,
            learning_rate: None,
            batch_size: None,
            class_weight: ClassWeightArg::None,
            no_intercept: false,
            standardize: false,
            one_hot: None,
            drop_first: false,
            bins: Vec::new(),
            drop: Vec::new(),
            impute: None,
            out: None,
            plot: None,
            force: false,
            json: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use proptest::prelude::*;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn default_train_is_the_banknote_demo() {
        let a = default_train();
        let plan = plan_train(&a).unwrap();
        assert_eq!(plan.target, "class");
        assert!(plan.standardize && plan.data.is_none());
        assert_eq!(a.test_size, 0.2);
    }

    #[test]
    fn bins_parse_with_and_without_labels() {
        let b = parse_bin("age:18,25,35:young,mid").unwrap();
        assert_eq!(b.column, "age");
        assert_eq!(b.edges, [18.0, 25.0, 35.0]);
        assert_eq!(b.labels, ["young", "mid"]);
        let b = parse_bin("x:0,1.5,3").unwrap();
        assert_eq!(b.labels, ["[0, 1.5]", "(1.5, 3]"]);
        for bad in [
            "age",
            ":1,2",
            "age:1",
            "age:2,1",
            "age:1,x",
            "age:1,inf",
            "age:1,2:a,b",
            "age:1,2,3:a,a",
            "age:1,2:",
        ] {
            assert!(parse_bin(bad).is_err(), "{bad}");
        }
    }

    fn train_plan(args: &[&str]) -> Result<TrainPlan, String> {
        let mut v = vec!["logreg", "train"];
        v.extend_from_slice(args);
        match Cli::try_parse_from(v) {
            Ok(Cli {
                command: Some(Command::Train(a)),
                ..
            }) => plan_train(&a).map_err(|e| e.message),
            Ok(_) => Err("not train".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn arguments_out_of_range_name_their_flag() {
        for (args, flag) in [
            (&["--c", "0"][..], "--c"),
            (&["--c", "-1"][..], "--c"),
            (&["--c", "NaN"][..], "--c"),
            (&["--max-iter", "0"][..], "--max-iter"),
            (&["--tol", "-1"][..], "--tol"),
            (&["--learning-rate", "0"][..], "--learning-rate"),
            (&["--batch-size", "0"][..], "--batch-size"),
            (&["--test-size", "1"][..], "--test-size"),
            (&["--test-size", "-0.1"][..], "--test-size"),
            (&["--penalty", "none", "--c", "2"][..], "--c"),
            (&["--drop", "a,,b"][..], "--drop"),
            (&["--one-hot", "a,a"][..], "--one-hot"),
            (&["--drop", "class"][..], "--drop"),
            (&["--bin", "a:1,2", "--bin", "a:3,4"][..], "--bin"),
        ] {
            let e = train_plan(args).unwrap_err();
            assert!(e.contains(flag), "{args:?}: {e}");
        }
        assert!(train_plan(&["data.csv"]).unwrap_err().contains("--target"));
        let p = train_plan(&["d.csv", "-t", "y", "--one-hot", "auto"]).unwrap();
        assert_eq!(p.one_hot, OneHot::Auto);
        assert!(
            !p.standardize,
            "only the bundled demo standardizes by default"
        );
    }

    const WORDS: &[&str] = &[
        "train",
        "evaluate",
        "predict",
        "summary",
        "help",
        "--help",
        "-h",
        "--version",
        "-V",
        "--quiet",
        "-q",
        "--target",
        "-t",
        "--positive",
        "--test-size",
        "--stratify",
        "--seed",
        "--solver",
        "--penalty",
        "--c",
        "--l1-ratio",
        "--multi-class",
        "--cv",
        "--cs",
        "--l1-ratios",
        "--scoring",
        "l1",
        "elasticnet",
        "ovr",
        "multinomial",
        "log-loss",
        "roc-auc",
        "coordinate-descent",
        "owl-qn",
        "0.01,1",
        "--max-iter",
        "--tol",
        "--learning-rate",
        "--batch-size",
        "--class-weight",
        "--no-intercept",
        "--standardize",
        "--one-hot",
        "--drop-first",
        "--bin",
        "--drop",
        "--impute",
        "--out",
        "-o",
        "--plot",
        "--force",
        "--json",
        "--model",
        "-m",
        "--proba",
        "--id",
        "--output",
        "--chunk-size",
        "auto",
        "none",
        "l2",
        "gd",
        "sgd",
        "lbfgs",
        "newton",
        "mean",
        "median",
        "most-frequent",
        "balanced",
        "0",
        "1",
        "-1",
        "0.5",
        "1e308",
        "1e999",
        "NaN",
        "inf",
        "-inf",
        "18446744073709551616",
        "",
        ",",
        ":",
        "a:1,2",
        "a:2,1",
        "a:1,2,3:x,y",
        "a:1,2:x,y",
        "x,y",
        "data.csv",
        "model.json",
        "é",
        "--",
        "-",
        "=",
        "--c=1",
        "--test-size=0",
    ];

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(str::to_string),
            1 => ".{0,6}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any argument vector parses to a plan or to an error; nothing panics.
        #[test]
        fn random_arguments_never_panic(words in prop::collection::vec(word(), 0..10)) {
            let argv = std::iter::once("logreg".to_string()).chain(words);
            match Cli::try_parse_from(argv) {
                Ok(cli) => match cli.command {
                    None => { let _ = plan_train(&default_train()); }
                    Some(Command::Train(a)) => { let _ = plan_train(&a); }
                    Some(_) => {}
                },
                Err(e) => { let _ = e.render().to_string(); }
            }
        }
    }
}
