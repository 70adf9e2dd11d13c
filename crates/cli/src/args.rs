//! The command line: clap definitions, and the checks that turn arguments into a plan before any
//! file is read (so a bad argument fails at once, with exit code 2).

use crate::error::CliError;
use clap::{Args, Parser, Subcommand, ValueEnum};
use logreg::model::{
    CGrid, ClassWeight, CovType, LogisticRegression, LogisticRegressionParams, ModelError,
    MultiClass, Penalty, Scoring, Solver, SolverKind, ValidParams,
};
use logreg::preprocess::{
    BinSpec, DesignStorage, FileFormat, ImputeStrategy, OneHot, PipelineSpec, SpecProblem,
};
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

/// The penalty on the coefficients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PenaltyArg {
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
pub(crate) enum MultiClassArg {
    /// One softmax model over all classes.
    Multinomial,
    /// One binary model per class against the rest.
    Ovr,
}

/// How cross-validation scores the held-out rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScoringArg {
    /// Fraction classified correctly.
    Accuracy,
    /// Mean log loss (lower is better).
    LogLoss,
    /// ROC AUC (K classes: the mean one-vs-rest AUC).
    RocAuc,
}

/// How missing feature values are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImputeArg {
    /// Numeric columns: the training mean.
    Mean,
    /// Numeric columns: the training median.
    Median,
    /// Every column: the most frequent training value.
    MostFrequent,
}

/// The data file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// From the extension: libsvm for `.svm` or `.libsvm`, Parquet for `.parquet` or `.pq`,
    /// else CSV.
    Auto,
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// libsvm / svmlight: `label index:value …`, 1-based indices.
    Libsvm,
}

impl FormatArg {
    /// The format of `path`: as given, or by its extension for `auto`.
    pub(crate) fn resolve(self, path: &std::path::Path) -> FormatArg {
        match self {
            FormatArg::Auto => {
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if ext.eq_ignore_ascii_case("svm") || ext.eq_ignore_ascii_case("libsvm") {
                    FormatArg::Libsvm
                } else if logreg::preprocess::FileFormat::from_path(path)
                    == logreg::preprocess::FileFormat::Parquet
                {
                    FormatArg::Parquet
                } else {
                    FormatArg::Csv
                }
            }
            other => other,
        }
    }
}

/// The table format (CSV or Parquet) of `path` for a model that reads table columns:
/// `format` when given, else from the extension.
pub(crate) fn format_of(path: &std::path::Path, format: FormatArg) -> Result<FileFormat, CliError> {
    match format.resolve(path) {
        FormatArg::Parquet => Ok(FileFormat::Parquet),
        FormatArg::Libsvm => Err(CliError::usage(format!(
            "--format libsvm: {} is read by a model fitted on table columns, which reads CSV or \
             Parquet files",
            path.display()
        ))),
        FormatArg::Csv | FormatArg::Auto => Ok(FileFormat::Csv),
    }
}

/// Parses a memory size: a number and an optional unit, B, K/KB/KiB, M/MB/MiB, G/GB/GiB or
/// T/TB/TiB, any case, all powers of 1024 (as `sort -S` and `java -Xmx` read them).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("expected a size such as 1GB or 512MB, found {text:?}"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?}: use B, KB, MB, GB or TB (powers of 1024)"
            ))
        }
    };
    let bytes = value * (1u64 << shift) as f64;
    if !(1.0..1.8e19).contains(&bytes) {
        return Err(format!("{text:?} is not a usable size"));
    }
    Ok(bytes as u64)
}

/// How the design's numbers are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DtypeArg {
    /// 8 bytes a value.
    F64,
    /// 4 bytes a value: half the memory and the reading per pass; sums still in f64.
    F32,
}

/// How classes are weighted in the loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ClassWeightArg {
    /// Every row counts once.
    None,
    /// Each class weighted by n / (2 · its count), as scikit-learn's "balanced".
    Balanced,
}

/// How standard errors are computed (statsmodels' `cov_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CovTypeArg {
    /// The inverse observed information.
    Nonrobust,
    /// White's heteroscedasticity-robust sandwich.
    Hc0,
    /// HC0 times n / (n − p).
    Hc1,
}

/// Options of `logreg train`.
#[derive(Debug, Clone, Args)]
pub(crate) struct TrainArgs {
    /// CSV file with a header row, or a libsvm file [default: the bundled datasets/banknote.csv,
    /// target `class`, standardized]. With --distributed: one CSV file (each rank reads a run of
    /// its rows), or a quoted glob such as 'data/part-*.csv' (each rank reads whole files).
    #[arg(value_name = "DATA.csv")]
    pub data: Option<PathBuf>,

    /// More shard files, with --distributed: DATA.csv and these are assigned to the ranks in
    /// order, each rank reading whole files.
    #[arg(value_name = "MORE.csv", requires = "distributed")]
    pub more_data: Vec<PathBuf>,

    /// Fit on the ranks of an MPI job (`mpirun -n 4 logreg train … --distributed`): each rank
    /// reads only its share of the rows, every rank fits the same model (two classes or a
    /// multinomial one; any penalty), rank 0 writes the model and the report. Not with --plot,
    /// --cv, --multi-class ovr or --solver sgd. Needs a build with the `mpi` feature.
    #[arg(long)]
    pub distributed: bool,

    /// The data file's format: auto (libsvm for .svm/.libsvm, Parquet for .parquet/.pq, else
    /// CSV), csv, parquet or libsvm.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,

    /// How the features are stored: f64, or f32 (half the memory; sums still in f64).
    #[arg(long, value_enum, default_value_t = DtypeArg::F64)]
    pub dtype: DtypeArg,

    /// The most categories a one-hot encoded column may have (a guard against encoding an
    /// identifier by mistake).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_categories: usize,

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

    /// Column of sample weights (finite, > 0; frequency weights); it is not a feature.
    #[arg(long, value_name = "COL")]
    pub sample_weight: Option<String>,

    /// Column of offsets added to every logit (e.g. log exposure); it is not a feature, and
    /// evaluate and predict read it too.
    #[arg(long, value_name = "COL")]
    pub offset: Option<String>,

    /// Start the solver from this saved model's coefficients (same features).
    #[arg(long, value_name = "MODEL.json")]
    pub warm_start: Option<PathBuf>,

    /// Standard errors: nonrobust, hc0 or hc1 (robust sandwich); unpenalized fits only.
    #[arg(long, value_enum, value_name = "TYPE")]
    pub cov_type: Option<CovTypeArg>,

    /// Predict positive when P(positive) > T, in (0, 1), for the reported metrics [default: 0.5].
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub threshold: Option<f64>,

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

    /// Write SVG charts to this directory: loss.svg, roc.svg, threshold.svg and calibration.svg
    /// (two classes), boundary.svg (two classes, two features), and with --cv path.svg
    /// (coefficients against C) and cv.svg.
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,

    /// Overwrite an existing model file or chart.
    #[arg(long)]
    pub force: bool,

    /// Print the report as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,

    /// Fit in passes over the file within this much memory (e.g. 1GB, 512MB; powers of 1024,
    /// at least 16MB): the design goes to a scratch file read back in blocks [default: in
    /// passes only when the design would take more than half the available memory].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub memory_limit: Option<u64>,

    /// Directory for the scratch files of a fit in passes [default: the system's temporary
    /// directory].
    #[arg(long, value_name = "DIR")]
    pub scratch_dir: Option<PathBuf>,
}

/// Options of `logreg evaluate`.
#[derive(Debug, Clone, Args)]
pub(crate) struct EvaluateArgs {
    /// A model saved by `logreg train --out`.
    #[arg(long, short, value_name = "MODEL.json")]
    pub model: PathBuf,

    /// CSV or Parquet file with the model's input columns and its target column, read in
    /// chunks (memory does not grow with the file); or a libsvm file, for a model trained on
    /// one.
    #[arg(value_name = "DATA.csv")]
    pub data: PathBuf,

    /// Predict positive when P(positive) > T, in (0, 1) [default: 0.5].
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub threshold: Option<f64>,

    /// Write SVG charts of DATA to this directory: roc.svg, threshold.svg, calibration.svg.
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,

    /// Overwrite existing charts.
    #[arg(long)]
    pub force: bool,

    /// Print the report as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,

    /// Format of DATA: auto (from the extension: .parquet or .pq is Parquet, else CSV), csv
    /// or parquet (a model fitted on libsvm rows reads libsvm whatever this says).
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
}

/// Options of `logreg predict`.
#[derive(Debug, Clone, Args)]
pub(crate) struct PredictArgs {
    /// A model saved by `logreg train --out`.
    #[arg(long, short, value_name = "MODEL.json")]
    pub model: PathBuf,

    /// CSV or Parquet file with the model's input columns (other columns are ignored).
    #[arg(value_name = "DATA.csv")]
    pub data: PathBuf,

    /// Format of DATA: auto (from the extension: .parquet or .pq is Parquet, else CSV), csv
    /// or parquet (a model fitted on libsvm rows reads libsvm whatever this says).
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,

    /// Add probabilities: a `probability` column, P(positive class), for a binary model; one
    /// `p_<class>` column per class for a K-class model.
    #[arg(long)]
    pub proba: bool,

    /// Add a `logit` column: the decision function x·w + b (+ offset).
    #[arg(long)]
    pub logit: bool,

    /// Predict positive when P(positive) > T, in (0, 1) [default: 0.5].
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub threshold: Option<f64>,

    /// Copy this column (e.g. an id) to the output, as written.
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,

    /// Write here instead of to stdout: Parquet (Snappy) when the name ends in .parquet or
    /// .pq, else CSV.
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
pub(crate) struct SummaryArgs {
    /// A model saved by `logreg train --out`.
    #[arg(long, short, value_name = "MODEL.json")]
    pub model: PathBuf,

    /// Print the report as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `logreg export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// A model saved by `logreg train --out`.
    #[arg(long, short, value_name = "MODEL.json")]
    pub model: PathBuf,

    /// The ONNX file to write.
    #[arg(long, value_name = "OUT.onnx")]
    pub onnx: PathBuf,

    /// Replace OUT.onnx if it exists (never done otherwise).
    #[arg(long)]
    pub force: bool,
}

/// Parses `COL:EDGES[:LABELS]`; without labels the intervals are named as pandas prints them.
pub(crate) fn parse_bin(spec: &str) -> Result<BinSpec, String> {
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

/// `train`'s arguments, checked.
#[derive(Debug, Clone)]
pub(crate) struct TrainPlan {
    /// The data file, or `None` for the bundled banknote data.
    pub data: Option<PathBuf>,
    /// CSV (with the pipeline below) or libsvm (sparse rows as read, no pipeline).
    pub format: FormatArg,
    /// The label column.
    pub target: String,
    /// Validated estimator settings.
    pub params: ValidParams,
    /// The preprocessing the flags describe (checked); the library builds it.
    pub pipeline: PipelineSpec,
    /// The sample-weight column.
    pub sample_weight: Option<String>,
    /// The offset column.
    pub offset: Option<String>,
    /// The probability threshold of the reported metrics.
    pub threshold: f64,
    /// `--memory-limit`: fit in passes within this many bytes.
    pub memory_limit: Option<u64>,
    /// Cross-validation of C, if asked for.
    pub cv: Option<CvPlan>,
}

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

impl TrainPlan {
    /// The columns that are not features: the target, the weight and the offset column.
    pub(crate) fn outside(&self) -> Vec<&str> {
        std::iter::once(self.target.as_str())
            .chain(self.sample_weight.as_deref())
            .chain(self.offset.as_deref())
            .collect()
    }
}

/// `--threshold T`, checked: a probability strictly between 0 and 1 (0.5 when not given).
pub(crate) fn check_threshold(t: Option<f64>) -> Result<f64, CliError> {
    match t {
        None => Ok(0.5),
        Some(t) if t > 0.0 && t < 1.0 => Ok(t),
        Some(t) => Err(CliError::usage(format!(
            "--threshold {t} is out of range: expected a probability strictly between 0 and 1"
        ))),
    }
}

/// The first flag given that a fit in passes cannot honour yet: weights and offsets (a column
/// beside the labels to keep per row), a warm start, robust covariances, K-class models,
/// cross-validation and MPI ranks.
pub(crate) fn refused_in_passes(a: &TrainArgs) -> Option<&'static str> {
    [
        ("--sample-weight", a.sample_weight.is_some()),
        ("--offset", a.offset.is_some()),
        ("--warm-start", a.warm_start.is_some()),
        ("--cov-type", a.cov_type.is_some()),
        ("--multi-class", a.multi_class.is_some()),
        ("--cv", a.cv.is_some()),
        ("--distributed", a.distributed),
    ]
    .into_iter()
    .find(|(_, given)| *given)
    .map(|(flag, _)| flag)
}

/// The bundled data's label column.
pub(crate) const DEMO_TARGET: &str = "class";

/// Checks `train`'s arguments without reading anything.
pub(crate) fn plan_train(a: &TrainArgs) -> Result<TrainPlan, CliError> {
    let usage = |m: String| CliError::usage(m);
    if a.distributed {
        if a.plot.is_some() {
            return Err(usage(
                "--plot is not available with --distributed: the charts need every row on one \
                 process; train on one machine to plot"
                    .into(),
            ));
        }
        if a.solver == "sgd" {
            return Err(usage(
                "--solver sgd cannot run with --distributed: its mini-batches are drawn on one \
                 process; use auto, lbfgs, newton, newton-cg or gd"
                    .into(),
            ));
        }
        if a.multi_class == Some(MultiClassArg::Ovr) {
            return Err(usage(
                "--multi-class ovr is not available with --distributed: one-vs-rest models are \
                 fitted on one process; K classes on ranks fit one multinomial model (the \
                 default)"
                    .into(),
            ));
        }
        if a.cv.is_some() {
            return Err(usage(
                "--cv is not available with --distributed: cross-validation runs on one \
                 process; give C with --c"
                    .into(),
            ));
        }
    }
    let demo = a.data.is_none();
    let format = match &a.data {
        Some(path) => a.format.resolve(path),
        None => FormatArg::Csv,
    };
    if a.distributed && format == FormatArg::Parquet {
        return Err(usage(
            "--distributed reads CSV or libsvm files, not Parquet; train on one machine (leave \
             out --distributed)"
                .into(),
        ));
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
    if cv.is_some() && a.warm_start.is_some() {
        return Err(usage(
            "--warm-start cannot be used with --cv: the path starts every fold from all-zero coefficients"
                .into(),
        ));
    }
    if cv.is_some() && a.offset.is_some() {
        return Err(usage(
            "--offset cannot be used with --cv: the cross-validated fits take sample weights, not offsets"
                .into(),
        ));
    }
    let threshold = check_threshold(a.threshold)?;
    if let Some(cov) = a.cov_type {
        if a.penalty != PenaltyArg::None {
            return Err(usage(format!(
                "--cov-type {} needs --penalty none: penalized fits have no standard errors",
                cov_name(cov)
            )));
        }
    }
    if format == FormatArg::Libsvm {
        return plan_libsvm(a, threshold, cv);
    }
    let target = match (&a.target, demo) {
        (Some(t), _) => t.clone(),
        (None, true) => DEMO_TARGET.to_string(),
        (None, false) => return Err(usage("--target COL is required with a data file".into())),
    };
    if target.is_empty() {
        return Err(usage("--target: the column name is empty".into()));
    }
    let params = estimator(a)?;
    let one_hot = match a.one_hot.as_deref() {
        None => OneHot::Off,
        Some([only]) if only == "auto" => OneHot::Auto,
        Some(cols) => OneHot::Columns(cols.to_vec()),
    };
    if let Some(limit) = a.memory_limit {
        if limit < logreg::passes::MIN_MEMORY_LIMIT {
            return Err(usage(format!(
                "--memory-limit {limit} bytes is out of range: expected at least 16MB (the \
                 parser's buffers and one block of the design)"
            )));
        }
        if a.solver == "sgd" {
            return Err(usage(
                "--solver sgd needs the data in memory (its mini-batches read rows at random); \
                 with --memory-limit use auto, lbfgs, newton, newton-cg or gd"
                    .into(),
            ));
        }
        if a.impute == Some(ImputeArg::Median) {
            return Err(usage(
                "--impute median needs every value of a column in memory; with --memory-limit \
                 use --impute mean or most-frequent"
                    .into(),
            ));
        }
        if let Some(flag) = refused_in_passes(a) {
            return Err(usage(format!(
                "{flag} is not available in a fit in passes (--memory-limit) yet; fit in \
                 memory (leave out --memory-limit)"
            )));
        }
    }
    let pipeline = PipelineSpec {
        drop: a.drop.clone(),
        impute: a.impute.map(|s| match s {
            ImputeArg::Mean => ImputeStrategy::Mean,
            ImputeArg::Median => ImputeStrategy::Median,
            ImputeArg::MostFrequent => ImputeStrategy::MostFrequent,
        }),
        bins: a.bins.clone(),
        one_hot,
        drop_first: a.drop_first,
        max_categories: a.max_categories,
        standardize: a.standardize || demo,
        // f64: dense, or sparse when one-hot columns leave most values zero; f32 always dense.
        storage: match a.dtype {
            DtypeArg::F64 => DesignStorage::Auto,
            DtypeArg::F32 => DesignStorage::DenseF32,
        },
    };
    pipeline
        .check(&target)
        .map_err(|p| usage(spec_problem(&p)))?;
    check_roles(a, &target, &pipeline)?;
    Ok(TrainPlan {
        data: a.data.clone(),
        format,
        target,
        params,
        pipeline,
        sample_weight: a.sample_weight.clone(),
        offset: a.offset.clone(),
        threshold,
        memory_limit: a.memory_limit,
        cv,
    })
}

/// The weight and offset columns: named, not the target, not each other, and never features
/// (not encoded, binned or dropped).
fn check_roles(a: &TrainArgs, target: &str, spec: &PipelineSpec) -> Result<(), CliError> {
    let usage = |m: String| CliError::usage(m);
    let mut named: Vec<(&str, &str)> = Vec::new();
    if let OneHot::Columns(cols) = &spec.one_hot {
        named.extend(cols.iter().map(|c| ("--one-hot", c.as_str())));
    }
    named.extend(spec.bins.iter().map(|b| ("--bin", b.column.as_str())));
    named.extend(spec.drop.iter().map(|d| ("--drop", d.as_str())));
    let roles = [
        ("--sample-weight", a.sample_weight.as_deref()),
        ("--offset", a.offset.as_deref()),
    ];
    for (i, (flag, col)) in roles.iter().enumerate() {
        let Some(col) = col else { continue };
        if col.is_empty() {
            return Err(usage(format!("{flag}: the column name is empty")));
        }
        if *col == target {
            return Err(usage(format!("{flag}: {col:?} is the target column")));
        }
        if let Some((other, _)) = roles[..i].iter().find(|(_, c)| c == &Some(*col)) {
            return Err(usage(format!(
                "{flag}: column {col:?} is also given to {other}"
            )));
        }
        if let Some((by, _)) = named.iter().find(|(_, c)| c == col) {
            return Err(usage(format!(
                "{flag}: column {col:?} is also named by {by}; the {} column is never a feature",
                if *flag == "--offset" {
                    "offset"
                } else {
                    "weight"
                }
            )));
        }
    }
    Ok(())
}

/// A pipeline problem in the flags' terms.
fn spec_problem(p: &SpecProblem) -> String {
    let flag = |field: &str| match field {
        "drop" => "--drop",
        "one_hot" => "--one-hot",
        "bins" => "--bin",
        _ => "--max-categories",
    };
    match p {
        SpecProblem::BadName { field, name } if name.trim().is_empty() => {
            format!("{}: an empty column name (check the commas)", flag(field))
        }
        SpecProblem::BadName { field, name } => {
            format!("{}: column {name:?} is listed twice", flag(field))
        }
        SpecProblem::TargetIsFeature { field, target } => format!(
            "{}: {target:?} is the target column, which is never a feature",
            flag(field)
        ),
        SpecProblem::AlsoDropped { field, column } => {
            format!(
                "{}: column {column:?} is also dropped by --drop",
                flag(field)
            )
        }
        SpecProblem::BinnedTwice { column } => format!("--bin: column {column:?} is binned twice"),
        SpecProblem::NoCategoriesAllowed => {
            "--max-categories 0 is out of range: expected at least 1".to_string()
        }
    }
}

fn cov_name(c: CovTypeArg) -> &'static str {
    match c {
        CovTypeArg::Nonrobust => "nonrobust",
        CovTypeArg::Hc0 => "hc0",
        CovTypeArg::Hc1 => "hc1",
    }
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

/// `train` on a libsvm file: the rows as read (sparse), so the flags that describe a table's
/// preprocessing do not apply and are refused by name.
fn plan_libsvm(a: &TrainArgs, threshold: f64, cv: Option<CvPlan>) -> Result<TrainPlan, CliError> {
    let table_flags = [
        ("--target", a.target.is_some()),
        ("--sample-weight", a.sample_weight.is_some()),
        ("--offset", a.offset.is_some()),
        ("--one-hot", a.one_hot.is_some()),
        ("--bin", !a.bins.is_empty()),
        ("--drop", !a.drop.is_empty()),
        ("--impute", a.impute.is_some()),
        ("--standardize", a.standardize),
        ("--drop-first", a.drop_first),
        ("--dtype", a.dtype != DtypeArg::F64),
    ];
    if let Some((flag, _)) = table_flags.iter().find(|(_, given)| *given) {
        return Err(CliError::usage(format!(
            "{flag} describes a CSV table's columns; a libsvm file's rows are used as read \
             (labels first, features by index)"
        )));
    }
    if a.memory_limit.is_some() {
        return Err(CliError::usage(
            "--memory-limit: a libsvm file is fitted in memory; a fit in passes reads CSV or \
             Parquet files",
        ));
    }
    if cv.is_some() {
        return Err(CliError::usage(
            "--cv reads CSV tables; with a libsvm file fit one C at a time (--c)",
        ));
    }
    Ok(TrainPlan {
        data: a.data.clone(),
        format: FormatArg::Libsvm,
        target: logreg::LIBSVM_TARGET.to_string(),
        params: estimator(a)?,
        pipeline: PipelineSpec::default(),
        sample_weight: None,
        offset: None,
        threshold,
        memory_limit: None,
        cv,
    })
}

/// `train`'s arguments when no command is given: the bundled-data demo, with every default
/// coming from the clap definitions above (the one place defaults are written).
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
    use proptest::prelude::*;

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

    #[test]
    fn sizes_parse_in_powers_of_1024() {
        assert_eq!(parse_size("1GB"), Ok(1 << 30));
        assert_eq!(parse_size("512mb"), Ok(512 << 20));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("2 GiB"), Ok(2 << 30));
        for bad in ["", "GB", "1XB", "-1GB", "1e999", "0"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
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
            (&["--memory-limit", "1MB"][..], "--memory-limit"),
            (
                &["--memory-limit", "1GB", "--solver", "sgd"][..],
                "--solver sgd",
            ),
            (
                &["--memory-limit", "1GB", "--impute", "median"][..],
                "--impute median",
            ),
            (
                &["--memory-limit", "1GB", "--offset", "o"][..],
                "--offset is not available in a fit in passes",
            ),
            (
                &["x.svm", "--memory-limit", "1GB"][..],
                "--memory-limit: a libsvm file is fitted in memory",
            ),
            (&["--threshold", "1"][..], "--threshold"),
            (&["--threshold", "0"][..], "--threshold"),
            (&["--cov-type", "hc1"][..], "--cov-type"),
            (&["--sample-weight", "class"][..], "--sample-weight"),
            (&["--offset", "w", "--sample-weight", "w"][..], "--offset"),
            (
                &["--sample-weight", "w", "--one-hot", "w"][..],
                "--sample-weight",
            ),
        ] {
            let e = train_plan(args).unwrap_err();
            assert!(e.contains(flag), "{args:?}: {e}");
        }
        assert!(train_plan(&["data.csv"]).unwrap_err().contains("--target"));
        let p = train_plan(&["d.csv", "-t", "y", "--one-hot", "auto"]).unwrap();
        assert_eq!(p.pipeline.one_hot, OneHot::Auto);
        assert!(
            !p.pipeline.standardize,
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
        "--memory-limit",
        "--scratch-dir",
        "--format",
        "parquet",
        "csv",
        "1GB",
        "16MB",
        "1KB",
        "--sample-weight",
        "--offset",
        "--warm-start",
        "--cov-type",
        "--threshold",
        "--logit",
        "hc0",
        "hc1",
        "nonrobust",
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
                    None => { let _ = plan_train(&default_train().unwrap()); }
                    Some(Command::Train(a)) => { let _ = plan_train(&a); }
                    Some(_) => {}
                },
                Err(e) => { let _ = e.render().to_string(); }
            }
        }
    }
}
