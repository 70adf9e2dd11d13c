//! CSV shards and row ranges of one file: the single process's classifier on every rank, and shard
//! errors that name the rank, the file and the column.

use crate::common::{bank_rows, on_ranks, params, pipeline, relative_gap, train_on_ranks, write};
use logreg::distributed::{read_csv_on_ranks, DataSource};
use logreg::model::FitOptions;
use logreg::preprocess::{read_csv, CsvOptions, FileFormat};
use logreg::Classifier;

#[test]
fn shards_and_row_ranges_train_the_single_process_classifier() {
    let n = 3000;
    let (header, rows) = bank_rows(n);
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("bank.csv");
    write(&whole, &header, &rows);
    // Five shards of uneven sizes.
    let cuts = [0, 400, 1100, 1900, 2500, n];
    for k in 0..5 {
        write(
            &dir.path().join(format!("part-{k:05}.csv")),
            &header,
            &rows[cuts[k]..cuts[k + 1]],
        );
    }

    // One process, every row: the reference.
    let table = read_csv(&whole, &CsvOptions::new()).unwrap();
    let split = logreg::evaluate::train_test_split(n, 0.2, 7).unwrap();
    let single = Classifier::fit_owned(
        table,
        "deposit",
        pipeline(),
        &params(),
        FitOptions {
            rows: Some(&split.train),
            ..FitOptions::default()
        },
    )
    .unwrap();
    let design = &single.features.design;
    let single_test = single
        .classifier
        .evaluate_on(design, &single.labels, Some(&split.test))
        .unwrap();
    let coefficients = |json: &str| -> Vec<f64> {
        let clf = Classifier::from_json(json).unwrap();
        let mut c: Vec<f64> = clf
            .binary_model()
            .unwrap()
            .coefficients()
            .iter()
            .copied()
            .collect();
        c.push(clf.binary_model().unwrap().intercept());
        c
    };
    let expected = coefficients(&single.classifier.to_json().unwrap());

    let pattern = DataSource::from_args([format!("{}/part-*.csv", dir.path().display())]);
    let one_file = DataSource::from_args([whole.display().to_string()]);
    for (source, sizes) in [(&pattern, 1..=4), (&one_file, 1..=3)] {
        for size in sizes {
            let results = on_ranks(size, |rank| train_on_ranks(rank, source, FileFormat::Csv));
            for (json, train, test) in &results {
                assert_eq!(
                    json, &results[0].0,
                    "{source}, {size} ranks: every rank's model"
                );
                assert_eq!(train, &results[0].1);
                let gap = relative_gap(&coefficients(json), &expected);
                assert!(gap <= 1e-10, "{source}, {size} ranks: gap {gap:e}");
                assert_eq!(test.n, single_test.n);
                assert_eq!(test.confusion, single_test.confusion);
                assert_eq!(
                    test.roc_auc.map(|a| (a * 1e12).round()),
                    single_test.roc_auc.map(|a| (a * 1e12).round())
                );
                assert!((test.log_loss - single_test.log_loss).abs() < 1e-12);
            }
        }
    }
}

#[test]
fn a_column_with_text_in_one_shard_is_categorical_on_every_rank() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), "x,k,y\n1,1,0\n2,2,1\n3,1,0\n").unwrap();
    std::fs::write(dir.path().join("b.csv"), "x,k,y\n4,z,1\n5,1,0\n6,2,1\n").unwrap();
    let source = DataSource::from_args([format!("{}/*.csv", dir.path().display())]);
    let kinds = on_ranks(2, |rank| {
        let mine = read_csv_on_ranks(rank, &source, &CsvOptions::new()).unwrap();
        (
            mine.table.schema(),
            mine.rows_before,
            mine.total_rows,
            mine.table.column("k").unwrap().display_value(0),
        )
    });
    assert_eq!(kinds[0].0, kinds[1].0);
    assert_eq!(
        kinds[0].0.fields[1].column_type,
        logreg::preprocess::ColumnType::Categorical
    );
    assert_eq!((kinds[0].1, kinds[0].2, kinds[1].1), (0, 6, 3));
    assert_eq!(kinds[0].3.as_deref(), Some("1"));
}

#[test]
fn shard_errors_are_every_ranks_and_name_the_rank_the_file_and_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("p0.csv"), "x,y\n1,0\n2,1\n").unwrap();
    std::fs::write(d.join("p1.csv"), "x,y\n3,0\n4,1\n").unwrap();
    std::fs::write(d.join("p2.csv"), "x,z\n5,0\n6,1\n").unwrap();
    std::fs::write(d.join("p3.csv"), "x,y\n7,0\n8,1,9\n").unwrap();
    let list = |names: &[&str]| {
        DataSource::from_args(names.iter().map(|n| d.join(n).display().to_string()))
    };
    let errors = |size: usize, source: DataSource| {
        let out = on_ranks(size, |rank| {
            read_csv_on_ranks(rank, &source, &CsvOptions::new())
                .unwrap_err()
                .to_string()
        });
        assert!(out.iter().all(|e| e == &out[0]), "{out:?}");
        out[0].clone()
    };
    let p = |n: &str| d.join(n).display().to_string();
    assert_eq!(
        errors(3, list(&["p0.csv", "p1.csv", "p2.csv"])),
        format!(
            "the shards' columns disagree: rank 2's file `{}` has no column \"y\" (compared \
             with rank 0's `{}`)",
            p("p2.csv"),
            p("p0.csv")
        )
    );
    assert_eq!(
        errors(3, list(&["p0.csv", "p1.csv"])),
        "3 ranks but only 2 shard file(s): rank 2 would get none; run with at most 2 rank(s) or \
         split the data into more files"
    );
    assert_eq!(
        errors(2, list(&["p0.csv", "missing.csv"])),
        format!(
            "rank 1 of 2 failed: shard `{}` does not exist or cannot be read: No such file or \
             directory (os error 2)",
            p("missing.csv")
        )
    );
    assert_eq!(
        errors(2, list(&["p0.csv", "p3.csv"])),
        format!(
            "rank 1 of 2 failed: {}: data row 2 has 3 fields, expected 2 (one per header column)",
            p("p3.csv")
        )
    );
    assert_eq!(
        errors(5, list(&["p0.csv"])),
        "5 ranks but only 2 row(s): rank 2 would get none; run with at most 2 rank(s)"
    );
}
