//! The one error type of the crate.

/// Why a metric, curve or split could not be computed: each variant names the input at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// Two inputs that must have one entry per sample do not.
    #[error("{what} has length {found}, expected {expected} (one entry per sample)")]
    LengthMismatch {
        /// Which input has the wrong length.
        what: &'static str,
        /// The length required (that of `y_true` or of the labels).
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// There are no samples, so the quantity is undefined.
    #[error("{what} is empty: at least one sample is needed")]
    Empty {
        /// Which input is empty.
        what: &'static str,
    },
    /// A value that must be a finite number is NaN or infinite.
    #[error("{what}[{index}] is {value}, expected a finite number")]
    NonFinite {
        /// Which input.
        what: &'static str,
        /// 0-based index of the offending entry.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// A finite value lies outside the range its input allows.
    #[error("{what}[{index}] is {value}, expected {expected}")]
    OutOfRange {
        /// Which input.
        what: &'static str,
        /// 0-based index of the offending entry.
        index: usize,
        /// The value found.
        value: f64,
        /// The allowed range, in words.
        expected: &'static str,
    },
    /// Only one class occurs where both are needed (ROC curves and AUC are undefined then).
    #[error(
        "{what} contains only one class: ROC curves and ROC AUC need both positive and negative samples"
    )]
    SingleClass {
        /// Which input.
        what: &'static str,
    },
    /// Weights that are all zero leave a weighted mean undefined.
    #[error("{what} sums to 0: at least one weight must be > 0")]
    ZeroTotalWeight {
        /// Which input.
        what: &'static str,
    },
    /// A parameter is outside its allowed range.
    #[error("parameter `{name}` is {value}, expected {expected}")]
    InvalidParameter {
        /// The parameter's name, as in the function signature.
        name: &'static str,
        /// The value given, formatted.
        value: String,
        /// The allowed values, in words.
        expected: &'static str,
    },
    /// `test_size` takes every sample into the test set and leaves the train set empty.
    #[error(
        "with {n_samples} sample(s), test_size = {test_size} puts {n_test} in the test set and leaves the train set empty; lower test_size"
    )]
    EmptyTrainSet {
        /// Number of samples to split.
        n_samples: usize,
        /// The requested test fraction.
        test_size: f64,
        /// Test-set size it implies, `ceil(test_size · n_samples)`.
        n_test: usize,
    },
    /// Fewer samples than folds: some test fold would be empty.
    #[error("cannot make n_splits = {n_splits} folds from {n_samples} sample(s): n_splits must be ≤ the number of samples")]
    TooFewSamples {
        /// Number of samples to split.
        n_samples: usize,
        /// Number of folds requested.
        n_splits: usize,
    },
    /// A class has too few members to appear where stratification promises it will.
    #[error(
        "the class first seen at labels[{first_index}] has {count} member(s), fewer than the {needed} needed to appear in every {what}"
    )]
    ClassTooSmall {
        /// 0-based index of the first sample of the class in `labels`.
        first_index: usize,
        /// How many samples the class has.
        count: usize,
        /// How many it needs.
        needed: usize,
        /// Where it must appear ("train and test set", "test fold").
        what: &'static str,
    },
}
