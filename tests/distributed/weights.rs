//! Sample weights, offsets, statistics and the threshold on ranks, and a bad weight on one rank.

use crate::common::{fit_split_on_ranks, on_ranks, params, weighted_rows, write};
use logreg::distributed::{read_csv_on_ranks, DataSource};
use logreg::model::{FitOptions, LogisticRegression};
use logreg::preprocess::{read_csv, CsvOptions, FileFormat, Pipeline, Ranks};
use logreg::{Classifier, FitColumns};

#[test]
fn weights_offsets_statistics_and_threshold_are_the_single_processs_on_ranks() {
    use logreg::model::{CovType, Penalty};
    let (header, rows) = weighted_rows(2000);
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("claims.csv");
    write(&whole, &header, &rows);
    for (k, part) in rows.chunks(700).enumerate() {
        write(&dir.path().join(format!("part-{k}.csv")), &header, part);
    }
    let params = LogisticRegression::params()
        .penalty(Penalty::None)
        .cov_type(CovType::Hc1)
        .tol(1e-12)
        .check()
        .unwrap();
    let columns = FitColumns::new().sample_weight("w").offset("o");
    let split = logreg::evaluate::train_test_split(rows.len(), 0.25, 3).unwrap();
    let single = Classifier::fit_owned_with(
        read_csv(&whole, &CsvOptions::new()).unwrap(),
        "y",
        &columns,
        Pipeline::new().standardize_all(),
        &params,
        FitOptions {
            rows: Some(&split.train),
            ..FitOptions::default()
        },
    )
    .unwrap();
    let want_summary = single.classifier.summary().unwrap();
    let want_test = single.evaluate(Some(&split.test), 0.3).unwrap();
    let source = DataSource::from_args([format!("{}/part-*.csv", dir.path().display())]);
    let results = on_ranks(3, |rank| {
        let standardized = Pipeline::new().standardize_all();
        fit_split_on_ranks(
            rank,
            (&source, FileFormat::Csv),
            "y",
            &columns,
            standardized,
            &params,
            (0.25, 3),
            |trained, ranks, split| {
                let test = trained
                    .evaluate_on_ranks(ranks, Some(&split.test), 0.3)
                    .unwrap();
                (trained.classifier, test)
            },
        )
    });
    let rel = |a: f64, b: f64| (a - b).abs() / b.abs().max(1e-300);
    for (clf, test) in &results {
        assert_eq!(clf.offset_column(), Some("o"));
        assert_eq!(clf.sample_weight_column(), Some("w"));
        let got = clf.summary().unwrap();
        for (what, a, b) in [
            ("coefficients", &got.coef, &want_summary.coef),
            (
                "HC1 standard errors",
                &got.std_errors,
                &want_summary.std_errors,
            ),
        ] {
            for (x, y) in a.iter().zip(b.iter()) {
                assert!(rel(*x, *y) < 1e-9, "{what}: {x} vs {y}");
            }
        }
        let (s, w) = (
            got.statistics.as_ref().unwrap(),
            want_summary.statistics.as_ref().unwrap(),
        );
        assert!(rel(s.log_likelihood, w.log_likelihood) < 1e-12);
        assert!(rel(s.null_log_likelihood, w.null_log_likelihood) < 1e-12);
        assert_eq!(s.nobs, w.nobs);
        assert_eq!(test.confusion, want_test.confusion);
        assert_eq!(test.threshold, 0.3);
        assert!((test.log_loss - want_test.log_loss).abs() < 1e-12);
    }
    assert_eq!(
        results[0].0, results[2].0,
        "every rank, the same classifier"
    );
}

#[test]
fn a_bad_weight_on_one_rank_is_every_ranks_error_at_its_files_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.csv"), "x,w,y\n1,1,0\n2,1,1\n3,1,0\n").unwrap();
    std::fs::write(d.join("b.csv"), "x,w,y\n4,1,1\n5,-2,0\n6,1,1\n").unwrap();
    let source = DataSource::from_args([format!("{}/*.csv", d.display())]);
    let params = params();
    let errors = on_ranks(2, |rank| {
        let mine = read_csv_on_ranks(rank, &source, &CsvOptions::new()).unwrap();
        let ranks = Ranks::new(rank).with_origins(&mine.origins);
        Classifier::fit_on_ranks(
            mine.table,
            "y",
            &FitColumns::new().sample_weight("w"),
            Pipeline::new(),
            &params,
            FitOptions::default(),
            &ranks,
        )
        .unwrap_err()
        .to_string()
    });
    let want = format!(
        "rank 1 of 2 failed: {}: data row 2, column \"w\": the sample weight is -2, expected a \
         finite number > 0",
        d.join("b.csv").display()
    );
    assert_eq!(errors, [want.clone(), want]);
}
