//! Laws checked on random inputs: ROC AUC is the Mann–Whitney statistic, curves are well formed,
//! nothing panics on hostile input, and splits partition the samples reproducibly while keeping
//! class proportions.

use logreg_evaluate::{
    log_loss, roc_auc, roc_curve, roc_curve_full, stratified_train_test_split, train_test_split,
    KFold, Split, StratifiedKFold,
};
use proptest::prelude::*;

/// Labels with both classes, and scores from a small grid so that ties are common.
fn labelled_scores() -> impl Strategy<Value = (Vec<bool>, Vec<f64>)> {
    (2usize..60).prop_flat_map(|n| {
        (
            prop::collection::vec(any::<bool>(), n)
                .prop_filter("both classes", |y| y.contains(&true) && y.contains(&false)),
            prop::collection::vec((0u8..8).prop_map(|k| f64::from(k) / 7.0 - 0.5), n),
        )
    })
}

/// (positive, negative) pairs ranked right, ties counting ½, in O(n²).
fn mann_whitney(y: &[bool], s: &[f64]) -> f64 {
    let mut twice = 0u64;
    let mut pairs = 0u64;
    for (i, &yi) in y.iter().enumerate() {
        for (j, &yj) in y.iter().enumerate() {
            if yi && !yj {
                pairs += 1;
                twice += if s[i] > s[j] {
                    2
                } else if s[i] == s[j] {
                    1
                } else {
                    0
                };
            }
        }
    }
    twice as f64 / (2 * pairs) as f64
}

/// Sorted concatenation of both halves is `0..n`: every index in exactly one of train/test.
fn assert_partition(split: &Split, n: usize) {
    let mut all: Vec<usize> = split.train.iter().chain(&split.test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..n).collect::<Vec<_>>());
}

/// Test sets of k folds partition `0..n`, and each train set is the rest.
fn assert_folds(folds: &[Split], n: usize) {
    let mut tests: Vec<usize> = folds.iter().flat_map(|f| f.test.iter().copied()).collect();
    tests.sort_unstable();
    assert_eq!(tests, (0..n).collect::<Vec<_>>());
    for f in folds {
        assert_partition(f, n);
        assert!(f.train.windows(2).all(|w| w[0] < w[1]));
        assert!(f.test.windows(2).all(|w| w[0] < w[1]));
    }
}

/// Labels in `0..k` where every class has at least `min` members, shuffled by proptest.
fn class_labels(max_classes: u8, min: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(min..min + 25, 1..=usize::from(max_classes)).prop_flat_map(|counts| {
        let labels: Vec<u8> = counts
            .iter()
            .enumerate()
            .flat_map(|(c, &n)| vec![c as u8; n])
            .collect();
        Just(labels).prop_shuffle()
    })
}

fn count(labels: &[u8], idx: &[usize], class: u8) -> usize {
    idx.iter().filter(|&&i| labels[i] == class).count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::with_failure_persistence(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")) })]

    #[test]
    fn auc_is_mann_whitney((y, s) in labelled_scores()) {
        let auc = roc_auc(&y, &s).unwrap();
        prop_assert!((0.0..=1.0).contains(&auc));
        // Both are an integer count over P·N divided once: identical, not just close.
        prop_assert_eq!(auc, mann_whitney(&y, &s));
        // The trapezoid over either curve gives the same area up to rounding.
        prop_assert!((roc_curve_full(&y, &s).unwrap().auc() - auc).abs() < 1e-12);
        prop_assert!((roc_curve(&y, &s).unwrap().auc() - auc).abs() < 1e-12);
        // Flipping the scores flips the ranking.
        let flipped: Vec<f64> = s.iter().map(|v| -v).collect();
        prop_assert!((roc_auc(&y, &flipped).unwrap() - (1.0 - auc)).abs() < 1e-12);
    }

    #[test]
    fn roc_curves_are_well_formed((y, s) in labelled_scores()) {
        let full = roc_curve_full(&y, &s).unwrap();
        let mut distinct = s.clone();
        distinct.sort_by(|a, b| b.total_cmp(a));
        distinct.dedup();
        prop_assert_eq!(&full.thresholds[1..], &distinct[..]);
        prop_assert_eq!(full.thresholds[0], f64::INFINITY);
        let default = roc_curve(&y, &s).unwrap();
        for c in [&full, &default] {
            let pts = c.points();
            prop_assert_eq!(pts.len(), c.thresholds.len());
            prop_assert_eq!(pts[0], (0.0, 0.0));
            prop_assert_eq!(*pts.last().unwrap(), (1.0, 1.0));
            prop_assert!(pts.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1));
            prop_assert!(c.thresholds.windows(2).all(|w| w[0] > w[1]));
        }
        // The default curve keeps a subset of the full curve's points, always the first real one.
        prop_assert!(default.thresholds.len() <= full.thresholds.len());
        prop_assert_eq!(default.thresholds.get(1), full.thresholds.get(1));
        for (k, t) in default.thresholds.iter().enumerate() {
            let i = full.thresholds.iter().position(|u| u == t).unwrap();
            prop_assert_eq!((full.fpr[i], full.tpr[i]), (default.fpr[k], default.tpr[k]));
        }
    }

    #[test]
    fn metrics_never_panic_on_hostile_input((y, s, w) in (0usize..8).prop_flat_map(|n| (
        prop::collection::vec(any::<bool>(), n),
        prop::collection::vec(prop_oneof![
            any::<f64>(), Just(f64::NAN), Just(f64::INFINITY), Just(0.0), Just(1.0), 0.0f64..=1.0
        ], n),
        prop::option::of(prop::collection::vec(prop_oneof![
            any::<f64>(), Just(0.0), Just(f64::MAX), 0.0f64..10.0
        ], n)),
    ))) {
        if let Ok(auc) = roc_auc(&y, &s) {
            prop_assert!((0.0..=1.0).contains(&auc));
        }
        if let Ok(c) = roc_curve(&y, &s) {
            prop_assert!(c.fpr.iter().chain(&c.tpr).all(|v| (0.0..=1.0).contains(v)));
        }
        if let Ok(l) = log_loss(&y, &s, w.as_deref()) {
            // At worst every sample is clipped at ε: −ln ε ≈ 36.04.
            prop_assert!(l.is_finite() && (0.0..=-f64::EPSILON.ln() + 1e-9).contains(&l), "{}", l);
        }
    }

    #[test]
    fn train_test_split_partitions_reproducibly(
        n in 1usize..300, test_size in 0.0f64..0.9, seed in any::<u64>()
    ) {
        let n_test = (test_size * n as f64).ceil() as usize;
        prop_assume!(n_test < n);
        let split = train_test_split(n, test_size, seed).unwrap();
        assert_partition(&split, n);
        prop_assert_eq!(split.test.len(), n_test);
        prop_assert_eq!(&split, &train_test_split(n, test_size, seed).unwrap());
    }

    #[test]
    fn stratified_split_keeps_every_class_proportion(
        labels in class_labels(4, 2), test_size in 0.0f64..0.95, seed in any::<u64>()
    ) {
        let split = stratified_train_test_split(&labels, test_size, seed).unwrap();
        assert_partition(&split, labels.len());
        prop_assert_eq!(&split, &stratified_train_test_split(&labels, test_size, seed).unwrap());
        let classes = labels.iter().copied().max().unwrap_or(0);
        for c in 0..=classes {
            let n_c = count(&labels, &(0..labels.len()).collect::<Vec<_>>(), c);
            let in_test = count(&labels, &split.test, c);
            let share = test_size * n_c as f64;
            prop_assert!((in_test as f64 - share).abs() < 1.0, "class {c}: {in_test} vs {share}");
            if test_size > 0.0 {
                prop_assert!(in_test >= 1 && count(&labels, &split.train, c) >= 1);
            } else {
                prop_assert_eq!(in_test, 0);
            }
        }
    }

    #[test]
    fn kfold_partitions_with_sklearn_fold_sizes(
        n in 2usize..300, k in 2usize..12, seed in any::<u64>(), shuffle in any::<bool>()
    ) {
        prop_assume!(k <= n);
        let mut kf = KFold::new(k).unwrap();
        if shuffle {
            kf = kf.shuffle(seed);
        }
        let folds = kf.split(n).unwrap();
        prop_assert_eq!(folds.len(), k);
        assert_folds(&folds, n);
        for (f, fold) in folds.iter().enumerate() {
            prop_assert_eq!(fold.test.len(), n / k + usize::from(f < n % k));
        }
        prop_assert_eq!(&folds, &kf.split(n).unwrap());
    }

    #[test]
    fn stratified_kfold_balances_every_class(
        labels in class_labels(3, 5), k in 2usize..6, seed in any::<u64>(), shuffle in any::<bool>()
    ) {
        let mut skf = StratifiedKFold::new(k).unwrap();
        if shuffle {
            skf = skf.shuffle(seed);
        }
        let folds = skf.split(&labels).unwrap();
        let n = labels.len();
        assert_folds(&folds, n);
        prop_assert_eq!(&folds, &skf.split(&labels).unwrap());
        let classes = labels.iter().copied().max().unwrap_or(0);
        for (f, fold) in folds.iter().enumerate() {
            prop_assert_eq!(fold.test.len(), n / k + usize::from(f < n % k));
            for c in 0..=classes {
                let n_c = labels.iter().filter(|&&l| l == c).count();
                let in_test = count(&labels, &fold.test, c);
                prop_assert!(in_test == n_c / k || in_test == n_c.div_ceil(k), "fold {f} class {c}");
            }
        }
    }

    #[test]
    fn different_seeds_usually_shuffle_differently(seed in any::<u64>()) {
        let a = train_test_split(50, 0.2, seed).unwrap();
        let b = train_test_split(50, 0.2, seed.wrapping_add(1)).unwrap();
        prop_assert_ne!(a, b);
    }
}
