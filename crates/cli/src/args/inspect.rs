//! The options of the commands that read a saved model: `logreg evaluate`, `logreg summary` and
//! `logreg export`.

use super::values::FormatArg;
use clap::Args;
use std::path::PathBuf;

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
