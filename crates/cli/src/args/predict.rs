//! The options of `logreg predict`.

use super::values::FormatArg;
use clap::Args;
use std::path::PathBuf;

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
