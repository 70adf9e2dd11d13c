//! The options of `logreg train`.

use super::values::{
    parse_bin, parse_size, ClassWeightArg, CovTypeArg, DtypeArg, FormatArg, ImputeArg,
    MultiClassArg, PenaltyArg, ScoringArg,
};
use clap::Args;
use logreg::preprocess::BinSpec;
use std::path::PathBuf;

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
