//! Seeded train/test splits and k-fold cross-validation, plain and stratified.
//!
//! All randomness comes from `ChaCha8Rng::seed_from_u64(seed)`: the same inputs and seed give the
//! same split on every platform. The shuffles themselves are not scikit-learn's (its generator is
//! numpy's), so the indices differ from scikit-learn's for the same seed, but the sizes follow its
//! rules.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::EvalError;

/// Indices of the samples used for training and for testing; together they are `0..n`, each once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Split {
    /// Indices of the training samples.
    pub train: Vec<usize>,
    /// Indices of the test samples.
    pub test: Vec<usize>,
}

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// `test_size` must be a fraction in `[0, 1)`.
fn check_test_size(test_size: f64) -> Result<(), EvalError> {
    if (0.0..1.0).contains(&test_size) {
        Ok(())
    } else {
        Err(EvalError::InvalidParameter {
            name: "test_size",
            value: test_size.to_string(),
            expected: "a fraction in [0, 1)",
        })
    }
}

/// scikit-learn's test-set size, `ceil(test_size · n)`.
fn n_test_for(test_size: f64, n: usize) -> usize {
    // `test_size < 1`, so this is ≤ n; `min` only guards against rounding.
    ((test_size * n as f64).ceil() as usize).min(n)
}

/// Random split of `0..n` with `ceil(test_size · n)` samples in the test set, as scikit-learn's
/// `train_test_split`.
///
/// Both index lists come in shuffled order (the order of a random permutation). `test_size = 0`
/// puts everything in train and leaves test empty. Errors if `test_size` is not in `[0, 1)`
/// ([`EvalError::InvalidParameter`]), if `n = 0` ([`EvalError::Empty`]), or if the test set would
/// take every sample ([`EvalError::EmptyTrainSet`], e.g. `n = 1`, `test_size = 0.5`).
pub fn train_test_split(n: usize, test_size: f64, seed: u64) -> Result<Split, EvalError> {
    check_test_size(test_size)?;
    if n == 0 {
        return Err(EvalError::Empty { what: "samples" });
    }
    let n_test = n_test_for(test_size, n);
    if n_test == n {
        return Err(EvalError::EmptyTrainSet {
            n_samples: n,
            test_size,
            n_test,
        });
    }
    let mut perm: Vec<usize> = (0..n).collect();
    perm.shuffle(&mut rng(seed));
    let train = perm.split_off(n_test);
    Ok(Split { train, test: perm })
}

/// Indices of each class's samples, classes in order of first appearance (labels are compared
/// with `==`, so a NaN label is a class of its own).
fn group_by_class<T: PartialEq>(labels: &[T]) -> Vec<Vec<usize>> {
    let mut reps: Vec<&T> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        match reps.iter().position(|&r| r == label) {
            Some(c) => members[c].push(i),
            None => {
                reps.push(label);
                members.push(vec![i]);
            }
        }
    }
    members
}

/// Fails on the first class (in order of appearance) with fewer than `needed` members.
fn check_class_sizes(
    classes: &[Vec<usize>],
    needed: usize,
    what: &'static str,
) -> Result<(), EvalError> {
    match classes.iter().find(|m| m.len() < needed) {
        Some(m) => Err(EvalError::ClassTooSmall {
            first_index: m.first().copied().unwrap_or(0),
            count: m.len(),
            needed,
            what,
        }),
        None => Ok(()),
    }
}

/// Random split that keeps each class's proportion: every class is split on its own, then the
/// parts are merged and shuffled.
///
/// A class of `n_c` samples puts `ceil(test_size · n_c)` in the test set (scikit-learn's rounding
/// for one split), clamped to `1 ..= n_c − 1` so every class appears in both sets; so its test
/// count is within 1 of `test_size · n_c`. The test set may hence be a few samples larger than
/// [`train_test_split`]'s (at most one per class). Classes are told apart with `==`.
///
/// Errors: `test_size` not in `[0, 1)`, no labels, or — when `test_size > 0` — a class with fewer
/// than 2 members ([`EvalError::ClassTooSmall`], as scikit-learn refuses too). With
/// `test_size = 0` everything goes to train, and any class size is fine.
pub fn stratified_train_test_split<T: PartialEq + Clone>(
    labels: &[T],
    test_size: f64,
    seed: u64,
) -> Result<Split, EvalError> {
    check_test_size(test_size)?;
    if labels.is_empty() {
        return Err(EvalError::Empty { what: "labels" });
    }
    let mut classes = group_by_class(labels);
    if test_size > 0.0 {
        check_class_sizes(&classes, 2, "train and test set")?;
    }
    let mut rng = rng(seed);
    let mut split = Split::default();
    for members in &mut classes {
        let n_c = members.len();
        let n_test = if test_size > 0.0 {
            n_test_for(test_size, n_c).clamp(1, n_c - 1)
        } else {
            0
        };
        members.shuffle(&mut rng);
        split.test.extend_from_slice(&members[..n_test]);
        split.train.extend_from_slice(&members[n_test..]);
    }
    split.train.shuffle(&mut rng);
    split.test.shuffle(&mut rng);
    Ok(split)
}

/// `n_splits` must be at least 2.
fn check_n_splits(n_splits: usize) -> Result<(), EvalError> {
    if n_splits >= 2 {
        Ok(())
    } else {
        Err(EvalError::InvalidParameter {
            name: "n_splits",
            value: n_splits.to_string(),
            expected: "an integer ≥ 2",
        })
    }
}

/// One split per fold from each sample's fold number; both index lists ascending.
fn splits_from_folds(fold_of: &[usize], n_splits: usize) -> Vec<Split> {
    (0..n_splits)
        .map(|f| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..fold_of.len()).partition(|&i| fold_of[i] == f);
            Split { train, test }
        })
        .collect()
}

/// K-fold cross-validation (scikit-learn's `KFold`): `0..n` cut into `n_splits` consecutive folds,
/// optionally after a seeded shuffle; each fold is the test set once.
///
/// Fold sizes are scikit-learn's: the first `n % n_splits` folds have `n / n_splits + 1` samples,
/// the others `n / n_splits`. Build it with [`KFold::new`] (which checks `n_splits`); the fields are
/// public for inspection and serde, and [`KFold::split`] checks them again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KFold {
    /// Number of folds, at least 2.
    pub n_splits: usize,
    /// Whether to shuffle the samples before cutting them into folds.
    pub shuffle: bool,
    /// Seed of the shuffle (unused when `shuffle` is false).
    pub seed: u64,
}

impl KFold {
    /// `n_splits` folds without shuffling; errors if `n_splits < 2`.
    pub fn new(n_splits: usize) -> Result<Self, EvalError> {
        check_n_splits(n_splits)?;
        Ok(KFold {
            n_splits,
            shuffle: false,
            seed: 0,
        })
    }

    /// Shuffle the samples with this seed before cutting them into folds.
    pub fn shuffle(self, seed: u64) -> Self {
        KFold {
            shuffle: true,
            seed,
            ..self
        }
    }

    /// The `n_splits` splits of `0..n`, fold order; train and test ascending in each.
    ///
    /// The test sets partition `0..n`. Errors if `n_splits < 2`, `n = 0` or `n < n_splits`.
    pub fn split(&self, n: usize) -> Result<Vec<Split>, EvalError> {
        check_n_splits(self.n_splits)?;
        if n == 0 {
            return Err(EvalError::Empty { what: "samples" });
        }
        if n < self.n_splits {
            return Err(EvalError::TooFewSamples {
                n_samples: n,
                n_splits: self.n_splits,
            });
        }
        let mut order: Vec<usize> = (0..n).collect();
        if self.shuffle {
            order.shuffle(&mut rng(self.seed));
        }
        let (size, extra) = (n / self.n_splits, n % self.n_splits);
        let mut fold_of = vec![0; n];
        let mut start = 0;
        for f in 0..self.n_splits {
            let len = size + usize::from(f < extra);
            for &i in &order[start..start + len] {
                fold_of[i] = f;
            }
            start += len;
        }
        Ok(splits_from_folds(&fold_of, self.n_splits))
    }
}

/// Stratified k-fold (scikit-learn's `StratifiedKFold`): every fold's test set has each class in
/// about the proportion it has overall.
///
/// As scikit-learn does, the labels are lined up class by class (classes here in order of first
/// appearance) and dealt to the folds in turn, so each fold gets `⌊n_c / k⌋` or `⌈n_c / k⌉`
/// samples of a class of `n_c`, and fold sizes are those of [`KFold`]. Within a class the samples
/// go to folds in index order, or in a seeded random order with [`StratifiedKFold::shuffle`].
///
/// Unlike scikit-learn, which only warns, a class with fewer than `n_splits` members is an error
/// ([`EvalError::ClassTooSmall`]): some test fold would miss it, and per-fold metrics such as ROC
/// AUC would be undefined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StratifiedKFold {
    /// Number of folds, at least 2.
    pub n_splits: usize,
    /// Whether to shuffle each class's samples before dealing them to folds.
    pub shuffle: bool,
    /// Seed of the shuffle (unused when `shuffle` is false).
    pub seed: u64,
}

impl StratifiedKFold {
    /// `n_splits` folds without shuffling; errors if `n_splits < 2`.
    pub fn new(n_splits: usize) -> Result<Self, EvalError> {
        check_n_splits(n_splits)?;
        Ok(StratifiedKFold {
            n_splits,
            shuffle: false,
            seed: 0,
        })
    }

    /// Shuffle each class's samples with this seed before dealing them to folds.
    pub fn shuffle(self, seed: u64) -> Self {
        StratifiedKFold {
            shuffle: true,
            seed,
            ..self
        }
    }

    /// The `n_splits` splits of `0..labels.len()`, fold order; train and test ascending in each.
    ///
    /// Errors if `n_splits < 2`, `labels` is empty, there are fewer samples than folds, or a
    /// class has fewer than `n_splits` members.
    pub fn split<T: PartialEq>(&self, labels: &[T]) -> Result<Vec<Split>, EvalError> {
        let k = self.n_splits;
        check_n_splits(k)?;
        if labels.is_empty() {
            return Err(EvalError::Empty { what: "labels" });
        }
        if labels.len() < k {
            return Err(EvalError::TooFewSamples {
                n_samples: labels.len(),
                n_splits: k,
            });
        }
        let mut classes = group_by_class(labels);
        check_class_sizes(&classes, k, "test fold")?;

        let mut rng = rng(self.seed);
        let mut fold_of = vec![0; labels.len()];
        let mut position = 0;
        for members in &mut classes {
            // Class c holds positions position..position + n_c of the lined-up labels, and
            // position p is dealt to fold p % k.
            let mut per_fold = vec![0usize; k];
            for p in position..position + members.len() {
                per_fold[p % k] += 1;
            }
            position += members.len();
            if self.shuffle {
                members.shuffle(&mut rng);
            }
            let mut assigned = members.iter();
            for (f, &count) in per_fold.iter().enumerate() {
                for &i in assigned.by_ref().take(count) {
                    fold_of[i] = f;
                }
            }
        }
        Ok(splits_from_folds(&fold_of, k))
    }
}
