//! logreg: logistic regression from first principles.
//!
//! The facade over the workspace's crates. Each is re-exported under a short name, their errors
//! convert into one [`Error`], [`Classifier`] joins a preprocessing pipeline and a model into one
//! saved artifact, and [`prelude`] brings in what a typical program uses.
//!
//! ```
//! use logreg::prelude::*;
//! use nalgebra::DMatrix;
//!
//! let x = DMatrix::from_row_slice(6, 1, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
//! let y = [0, 0, 1, 0, 1, 1];
//! let model = LogisticRegression::params().c(1.0).check()?.fit(&x, &y)?;
//! let p = model.predict_proba(&x)?;
//! assert!(p[5] > p[0]);
//! # Ok::<(), logreg::Error>(())
//! ```
//!
//! | crate | re-exported as | what it does |
//! |---|---|---|
//! | `logreg-linalg-core` | [`linalg`] | sigmoid, softplus, dot, fused gradient passes |
//! | `logreg-loss` | [`loss`] | log loss from logits, gradient, Hessian, L2 |
//! | `logreg-optim` | [`optim`] | gradient descent, SGD, L-BFGS, Newton |
//! | `logreg-preprocess` | [`preprocess`] | CSV tables, scalers, one-hot, binning, pipelines |
//! | `logreg-model` | [`model`] | estimators, inference, persistence |
//! | `logreg-evaluate` | [`evaluate`] | metrics, ROC, splits, k-fold |
//! | `logreg-scratch` | [`scratch`] | scratch files and directories of fits larger than memory |
//! | `logreg-collective` | [`collective`] | ranks of a distributed fit: allreduce, broadcast, shards (MPI behind the `mpi` feature) |
//!
//! [`distributed`] fits a classifier on rows spread over the ranks of an MPI job; [`passes`]
//! fits one on a file larger than memory.
#![forbid(unsafe_code)]

mod classifier;
mod columns;
pub mod distributed;
pub mod passes;
mod stream;

pub use classifier::{
    labels_of, libsvm_labels, ClassLabel, Classifier, Evaluation, MulticlassEvaluation, Trained,
    LIBSVM_TARGET,
};
pub use columns::FitColumns;
pub use logreg_collective as collective;
pub use logreg_evaluate as evaluate;
pub use logreg_linalg_core as linalg;
pub use logreg_loss as loss;
pub use logreg_model as model;
pub use logreg_optim as optim;
pub use logreg_preprocess as preprocess;
pub use logreg_scratch as scratch;
pub use stream::{CsvPredictions, LibsvmPredictions, PredictedChunk};

/// Any error from the logreg crates, each carrying what is wrong and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// From the numerical kernels.
    #[error(transparent)]
    Linalg(#[from] linalg::LinalgError),
    /// From building or evaluating a loss.
    #[error(transparent)]
    Loss(#[from] loss::LossError),
    /// From configuring or running a solver.
    #[error(transparent)]
    Optim(#[from] optim::OptimError),
    /// From reading tables or preprocessing them.
    #[error(transparent)]
    Preprocess(#[from] preprocess::PreprocessError),
    /// From configuring, fitting, using or loading a model.
    #[error(transparent)]
    Model(#[from] model::ModelError),
    /// From computing metrics or splits.
    #[error(transparent)]
    Evaluate(#[from] evaluate::EvalError),
    /// From the scratch files of a fit in passes (a full disk, an interrupt).
    #[error(transparent)]
    Scratch(#[from] scratch::ScratchError),
    /// A label is missing in the target column.
    #[error("column {column:?}, row {row}: the label is missing")]
    MissingLabel {
        /// The target column.
        column: String,
        /// 1-based data row.
        row: usize,
    },
    /// From the ranks of a distributed fit: another rank's failure (every rank reports the same
    /// one, naming the rank), shard assignment, or the exchange itself.
    #[error(transparent)]
    Collective(#[from] collective::CollectiveError),
    /// Shard files whose columns disagree.
    #[error(
        "the shards' columns disagree: rank {rank}'s file `{}` {detail} (compared with rank 0's \
         `{}`)",
        file.display(),
        reference.display()
    )]
    ShardColumns {
        /// The rank that read the file.
        rank: usize,
        /// The file.
        file: std::path::PathBuf,
        /// The file its columns are compared with (rank 0's first).
        reference: std::path::PathBuf,
        /// Which column differs, and how.
        detail: String,
    },
    /// A weight or offset column holds a value that cannot be used.
    #[error("data row {row}, column {column:?}: the {role} is {found}, expected {expected}")]
    AuxValue {
        /// `sample weight` or `offset`.
        role: &'static str,
        /// The column.
        column: String,
        /// 1-based data row.
        row: usize,
        /// The value found (`missing` for an empty cell, text quoted).
        found: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// One column given two roles (target, sample weight, offset).
    #[error("column {column:?} cannot be both the {first} and the {second}")]
    ColumnRoles {
        /// The column.
        column: String,
        /// Its first role.
        first: &'static str,
        /// Its second role.
        second: &'static str,
    },
    /// The model adds an offset column to every logit, and the input lacks it.
    #[error("the model adds the offset column {column:?} to every logit, and the input has no column {column:?}")]
    MissingOffsetColumn {
        /// The offset column's name.
        column: String,
    },
    /// A label the model was not trained on.
    #[error("column {column:?}, row {row}: label {value:?} is not one of the model's classes ({})", classes.join(", "))]
    UnknownLabel {
        /// The target column.
        column: String,
        /// 1-based data row.
        row: usize,
        /// The label found.
        value: String,
        /// The model's classes.
        classes: Vec<String>,
    },
}

/// The names most programs need.
pub mod prelude {
    pub use crate::evaluate::{accuracy, roc_auc, train_test_split, KFold};
    pub use crate::linalg::{log_sigmoid, sigmoid, softplus};
    pub use crate::loss::LogLoss;
    pub use crate::model::{LogisticRegression, Penalty, SolverKind};
    pub use crate::optim::{
        GradientDescent, Lbfgs, Newton, NoObserver, Objective, Report, Sgd, Solver, Stop,
    };
    pub use crate::preprocess::{read_csv, CsvOptions, Pipeline, Table};
    pub use crate::{ClassLabel, Classifier, Error, Evaluation};
}
