//! Fits on files larger than memory: the file is read in passes, the design is written once to
//! a scratch file and every solver pass reads it back block by block, so memory holds a bounded
//! number of rows (plus a few bytes of bookkeeping per row: a label code, the split).
//!
//! 1. A first pass reads the labels (and counts the rows) — merged into the writing pass when
//!    nothing needs them earlier.
//! 2. Each preprocessing step that learns from rows takes one pass
//!    ([`Pipeline::fit_passes`](crate::preprocess::Pipeline::fit_passes)), on the training
//!    rows of the split.
//! 3. A writing pass transforms every row and appends its design row to a scratch file
//!    ([`logreg_scratch::DesignWriter`]) in a private directory removed at exit.
//! 4. The solver's passes read the scratch file memory-mapped in blocks of a size set by the
//!    memory limit ([`logreg_scratch::DesignFile`], a
//!    [`RowBlocks`](crate::linalg::RowBlocks) source), with the same kernels, the same solvers
//!    and the same stopping rules as a fit in memory
//!    ([`ValidParams::fit_blocks`](crate::model::ValidParams::fit_blocks)).
//! 5. One more pass over the scratch file scores the training and test rows.
//!
//! Splits are row indices on the stream: the same seeded split of `0..n` as in memory, so a fit
//! in passes and a fit in memory of the same file with the same seed fit the same rows.

mod fit;
mod labels;
mod mode;

pub use mode::{
    available_memory, block_bytes, choose_mode, estimated_design_bytes, format_of, FitMode,
};

use std::path::PathBuf;

use crate::evaluate::Split;
use crate::optim::Observer;
use crate::{ClassLabel, Classifier, Evaluation};

/// Fewer bytes than this cannot hold a block, the parser's buffers and the bookkeeping.
pub const MIN_MEMORY_LIMIT: u64 = 16 << 20;

/// How a fit larger than memory reads its data (the library form of `--memory-limit`).
pub struct PassOptions<'a> {
    /// The memory the fit may use, in bytes (at least [`MIN_MEMORY_LIMIT`]): bounds the rows
    /// read at a time and the blocks of the solver's passes.
    pub memory_limit: u64,
    /// Where the scratch directory goes (default: the system's temporary directory).
    pub scratch_dir: Option<PathBuf>,
    /// The held-out rows: a fraction in `[0, 1)` (0: none), its seed, and whether the split
    /// keeps the class proportions.
    pub test_size: f64,
    /// Seed of the split.
    pub seed: u64,
    /// Keep each class's proportion in the split.
    pub stratify: bool,
    /// The class whose probability is predicted (matched by its printed form).
    pub positive_class: Option<ClassLabel>,
    /// The metrics count a row as predicted positive when P(positive) > `threshold`, in
    /// (0, 1) (0.5 by default).
    pub threshold: f64,
    /// Sees every solver iteration.
    pub observer: Option<&'a mut dyn Observer>,
    /// Sees every chunk or block of every pass.
    pub progress: Option<&'a mut dyn FnMut(&PassProgress)>,
}

impl Default for PassOptions<'_> {
    fn default() -> Self {
        PassOptions {
            memory_limit: 1 << 30,
            scratch_dir: None,
            test_size: 0.0,
            seed: 42,
            stratify: false,
            positive_class: None,
            threshold: 0.5,
            observer: None,
            progress: None,
        }
    }
}

/// Where a fit in passes is: which pass, doing what, how many rows done.
#[derive(Debug, Clone, PartialEq)]
pub struct PassProgress {
    /// 1-based pass number over the input file (then over the scratch file).
    pub pass: usize,
    /// What the pass does: "reading labels", "fitting StandardScaler", "writing the design",
    /// "scoring".
    pub what: String,
    /// Rows done in this pass.
    pub rows: usize,
}

/// What [`Classifier::fit_in_passes`] hands back.
#[derive(Debug)]
pub struct TrainedInPasses {
    /// The fitted pipeline and model (the same artifact a fit in memory makes).
    pub classifier: Classifier,
    /// Data rows in the file.
    pub n_rows: usize,
    /// The split, when rows were held out (row indices of the file).
    pub split: Option<Split>,
    /// Metrics on the training rows.
    pub train: Evaluation,
    /// Metrics on the held-out rows.
    pub test: Option<Evaluation>,
    /// For a ROC chart: the held-out rows' (else the training rows') truth and logits.
    pub roc_rows: (Vec<bool>, Vec<f64>),
    /// Passes over the input file.
    pub file_passes: usize,
    /// Bytes of the scratch design.
    pub scratch_bytes: u64,
    /// Rows per block of the solver's passes.
    pub block_rows: usize,
}
