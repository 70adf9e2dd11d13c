//! The tutorials behind `examples/`, checked through the same `logreg_tutorials` calls the
//! examples make (not through their printed text): the numbers each tutorial reports, and that
//! every chart is written as SVG that parses as XML and draws at least one line.

use logreg::model::SolverKind;
use logreg_tutorials::{
    self as tutorials, bank_marketing, blobs, discount, feature_selection, sigmoid, step_by_step,
    toy_and_banknote,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};

/// A fresh, empty directory under the system's temp dir for one test's charts.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("logreg-tutorials-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every file is in `dir`, parses as XML with an `<svg>` root, and draws a path or polyline.
fn assert_svgs(dir: &Path, files: &[PathBuf], expected: usize) {
    assert_eq!(files.len(), expected, "{files:?}");
    for file in files {
        assert!(
            file.starts_with(dir),
            "{} is outside {}",
            file.display(),
            dir.display()
        );
        let text =
            std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{} is not XML: {e}", file.display()));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let lines = doc
            .descendants()
            .filter(|n| matches!(n.tag_name().name(), "path" | "polyline"))
            .count();
        assert!(lines >= 1, "{} draws no path or polyline", file.display());
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sigmoid_tails_are_exact_and_charts_are_drawn() {
    let rows = sigmoid::tail_table(&[-800.0, 0.0, 40.0]);
    // From the probability, confident mistakes cost infinity; from the logit, exactly |z|.
    assert!(rows[0].naive_loss_positive.is_infinite());
    assert_eq!(rows[0].loss_positive, 800.0);
    assert!(rows[2].naive_loss_negative.is_infinite());
    assert_eq!(rows[2].loss_negative, 40.0);
    assert!((rows[1].loss_positive - std::f64::consts::LN_2).abs() < 1e-15);

    let dir = scratch("sigmoid");
    assert_svgs(&dir, &sigmoid::draw(&dir).unwrap(), 2);
}

#[test]
fn discount_without_intercept_sticks_at_0_419_and_with_one_predicts_1_0() {
    let customers = discount::load().unwrap();
    assert_eq!(customers.amount_spent.shape(), (9, 1));

    let mut logged = Vec::new();
    let stuck = discount::train(&customers, false, 10, &mut |i, l| logged.push((i, l))).unwrap();
    // The tutorial's number, to the last digits: the minimum over every line through the origin.
    let floor = *stuck.report().history.last().unwrap();
    assert!((floor - 0.418_992_838_186_300_56).abs() < 1e-14, "{floor}");
    assert!(stuck.report().converged);
    assert_eq!(logged[0].0, 1);
    let sends: Vec<u8> = discount::decide(&stuck, &discount::NEW_CUSTOMERS)
        .unwrap()
        .iter()
        .map(|d| d.send)
        .collect();
    assert_eq!(sends, [0, 0], "without an intercept nobody gets a code");

    let fixed = discount::train(&customers, true, discount::LOG_EVERY, &mut |_, _| {}).unwrap();
    let decisions = discount::decide(&fixed, &discount::NEW_CUSTOMERS).unwrap();
    let sends: Vec<u8> = decisions.iter().map(|d| d.send).collect();
    assert_eq!(sends, [1, 0]);
    assert!(decisions[0].probability > 0.99 && decisions[1].probability < 1e-6);
    assert!(discount::is_separable(&fixed));
    assert_eq!(fixed.report().iterations, discount::MAX_ITER);

    let dir = scratch("discount");
    assert_svgs(
        &dir,
        &discount::draw(&dir, &customers, &stuck, &fixed).unwrap(),
        2,
    );
}

#[test]
fn toy_weights_and_banknote_accuracy() {
    let toy = toy_and_banknote::toy().unwrap();
    assert_eq!(
        toy_and_banknote::classify(&toy_and_banknote::DUMMY_WEIGHTS, &toy.x),
        [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    );
    let mut costs = Vec::new();
    let report = toy_and_banknote::toy_descent(&toy, &mut |_, c| costs.push(c)).unwrap();
    // The tutorial's printed costs and final weights, reproduced.
    assert!(
        (costs[0] - 1.182_528_373_826_317).abs() < 1e-12,
        "{costs:?}"
    );
    assert!(
        (costs[3] - 0.053_585_058_580_496_114).abs() < 1e-12,
        "{costs:?}"
    );
    let trained: [f64; 3] = report.x.as_slice().try_into().unwrap();
    for (got, want) in trained
        .iter()
        .zip([1.452_367_01, -1.440_438_89, -2.565_597_8])
    {
        assert!((got - want).abs() < 1e-7, "{trained:?}");
    }
    let labels: Vec<u8> = toy.y.iter().map(|&v| v as u8).collect();
    assert_eq!(toy_and_banknote::classify(&trained, &toy.x), labels);

    let (train, test) = toy_and_banknote::banknotes().unwrap();
    assert_eq!((train.y.len(), test.y.len()), (1097, 275));
    let model = toy_and_banknote::train(
        &train,
        toy_and_banknote::LEARNING_RATE,
        toy_and_banknote::MAX_ITER,
        toy_and_banknote::THRESHOLD,
        None,
    )
    .unwrap();
    let accuracy = toy_and_banknote::test_accuracy(&model, &test).unwrap();
    assert!(accuracy >= 0.97, "banknote test accuracy {accuracy}");

    let accuracy_curves: Vec<Vec<f64>> = toy_and_banknote::ACCURACY_RATES
        .iter()
        .map(|&r| {
            toy_and_banknote::accuracy_by_epoch(&train, &test, r, toy_and_banknote::CURVE_EPOCHS)
                .unwrap()
        })
        .collect();
    for c in &accuracy_curves {
        assert_eq!(c.len(), toy_and_banknote::CURVE_EPOCHS + 1);
    }
    // The larger rate learns faster.
    assert!(accuracy_curves[0][50] > accuracy_curves[1][50]);
    let loss_curves: Vec<Vec<f64>> = toy_and_banknote::LOSS_RATES
        .iter()
        .map(|&r| {
            toy_and_banknote::loss_by_iteration(&train, r, toy_and_banknote::CURVE_EPOCHS).unwrap()
        })
        .collect();
    let last = |c: &Vec<f64>| *c.last().unwrap();
    assert!(last(&loss_curves[2]) < last(&loss_curves[1]));
    assert!(last(&loss_curves[1]) < last(&loss_curves[0]));

    let dir = scratch("toy_and_banknote");
    let files =
        toy_and_banknote::draw(&dir, &toy, trained, &accuracy_curves, &loss_curves).unwrap();
    assert_svgs(&dir, &files, 3);
}

#[test]
fn blobs_from_random_weights() {
    let data = blobs::make().unwrap();
    assert_eq!(data.x.shape(), (150, 2));
    assert_eq!(data.y.iter().filter(|&&v| v == 1.0).count(), 75);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let initial: [f64; 3] = std::array::from_fn(|_| rng.random_range(-1.0..1.0));
    let mut logged = 0;
    let report = blobs::descend(&data, initial, &mut |_, _| logged += 1).unwrap();
    assert_eq!(logged, blobs::MAX_ITER / blobs::LOG_EVERY);
    assert_eq!(report.history.len(), blobs::MAX_ITER + 1);
    assert!(report.history.windows(2).all(|w| w[1] <= w[0]));
    assert!(tutorials::accuracy_of(&report.x, &data.x, &data.y) >= 0.9);
    let exact = tutorials::exact_fit(&data).unwrap();
    let minimum = *exact.report().history.last().unwrap();
    assert!(exact.report().converged && report.value > minimum);

    let trained: [f64; 3] = report.x.as_slice().try_into().unwrap();
    let dir = scratch("blobs");
    let files = blobs::draw(&dir, &data, initial, trained, &report.history, minimum).unwrap();
    assert_svgs(&dir, &files, 2);
}

#[test]
fn step_by_step_model() {
    let check = step_by_step::propagate_check().unwrap();
    // The notebook's values; the cost to the last digit of its exact value 5.80154531939415026.
    assert!(
        (check.cost - 5.801_545_319_394_15).abs() < 2e-15,
        "{}",
        check.cost
    );
    assert!((check.dw[0] - 0.998_456_01).abs() < 1e-8);
    assert!((check.dw[1] - 2.395_072_39).abs() < 1e-8);
    assert!((check.db - 0.001_455_578_136_78).abs() < 1e-14);

    let (train, test) = step_by_step::load_dataset().unwrap();
    let mut printed = 0;
    let result = step_by_step::model(
        &train,
        &test,
        step_by_step::NUM_ITERATIONS,
        step_by_step::LEARNING_RATE,
        &mut |_, _| printed += 1,
    )
    .unwrap();
    assert_eq!(
        printed,
        step_by_step::NUM_ITERATIONS / step_by_step::RECORD_EVERY
    );
    assert!((result.optimized.costs[0] - std::f64::consts::LN_2).abs() < 1e-12);
    assert!(
        result.train_accuracy >= 0.97 && result.test_accuracy >= 0.97,
        "{result:?}"
    );

    let dir = scratch("step_by_step");
    assert_svgs(&dir, &step_by_step::draw(&dir, &[result]).unwrap(), 1);
}

#[test]
fn bank_marketing_evaluation_and_solvers() {
    let (train, test) = bank_marketing::load().unwrap();
    let fits: Vec<bank_marketing::Fit> = bank_marketing::SOLVERS
        .iter()
        .map(|&s| bank_marketing::fit(&train, s).unwrap())
        .collect();
    let gd = &fits[0].classifier;
    assert_eq!(fits[0].solver, SolverKind::Gd);
    let eval = bank_marketing::evaluate(gd, &test).unwrap();
    let auc = eval.roc_auc.unwrap();
    assert!(eval.accuracy >= 0.80, "{eval:?}");
    assert!(auc >= 0.88, "{eval:?}");
    let report = bank_marketing::report(gd, &test).unwrap();
    assert_eq!(report.confusion_matrix, eval.confusion);
    let roc = bank_marketing::roc(gd, &test).unwrap();
    assert!((roc.auc() - auc).abs() < 1e-12);

    // L-BFGS and Newton reach the same optimum; 1000 gradient steps stop a little above it.
    let j: Vec<f64> = fits
        .iter()
        .map(|f| f.classifier.model().report().objective)
        .collect();
    assert!(((j[1] - j[2]) / j[2]).abs() < 1e-9, "{j:?}");
    assert!(j[0] > j[2], "{j:?}");
    for f in &fits[1..] {
        let e = bank_marketing::evaluate(&f.classifier, &test).unwrap();
        assert!(e.accuracy >= 0.80 && e.roc_auc.unwrap() >= 0.88, "{e:?}");
    }

    let dir = scratch("bank_marketing");
    assert_svgs(
        &dir,
        &bank_marketing::draw(&dir, &roc, auc, &fits).unwrap(),
        2,
    );
}

#[test]
fn l1_feature_selection_on_bank() {
    // A smaller grid than the example's (6 values, 3 folds) keeps the debug-build test quick.
    let s = feature_selection::select_with(6, 3).unwrap();
    let table = &s.cv.paths[0];
    assert_eq!(table.rows.len(), 6);
    assert_eq!(table.rows[0].nonzero, 0.0, "the grid starts at C_min");
    let n_features = s.trained.classifier.feature_names().len();
    assert_eq!(n_features, 45);
    assert!(
        s.cv.best.mean < 0.45,
        "cross-validated log loss {}",
        s.cv.best.mean
    );
    assert!(s.cv.one_se.c <= s.cv.best.c);
    let kept = feature_selection::kept_at(&s, s.cv.one_se.c);
    assert!(!kept.is_empty() && kept.len() <= n_features);
    let eval = s
        .trained
        .classifier
        .evaluate_on(
            &s.trained.features.design,
            &s.trained.labels,
            Some(&s.test_rows),
        )
        .unwrap();
    assert!(
        eval.accuracy > 0.78 && eval.roc_auc.unwrap() > 0.87,
        "{eval:?}"
    );
    let dir = scratch("l1_feature_selection");
    let chart = feature_selection::path_chart(&s, &dir).unwrap();
    assert_svgs(&dir, &[chart], 1);
}
