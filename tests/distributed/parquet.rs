//! Parquet shards: the single process's classifier, and shards whose columns disagree.

use crate::common::{
    bank_rows, on_ranks, params, pipeline, relative_gap, train_on_ranks, write, write_parquet_table,
};
use logreg::distributed::{read_table_on_ranks, DataSource};
use logreg::model::FitOptions;
use logreg::preprocess::parquet::{write_parquet, ParquetColumn};
use logreg::preprocess::{read_csv, CsvOptions, FileFormat, TableFile};
use logreg::Classifier;
use std::path::Path;

#[test]
fn parquet_shards_train_the_single_process_classifier() {
    let n = 3000;
    let (header, rows) = bank_rows(n);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let whole_csv = d.join("bank.csv");
    write(&whole_csv, &header, &rows);
    let whole = read_csv(&whole_csv, &CsvOptions::new()).unwrap();
    write_parquet_table(&d.join("bank.parquet"), &whole);
    // Four shards of uneven sizes, each column of the type the whole file has.
    let typed = CsvOptions::new().with_schema(&whole.schema());
    let cuts = [0, 300, 1300, 2100, n];
    for k in 0..4 {
        let part = d.join(format!("part-{k}.csv"));
        write(&part, &header, &rows[cuts[k]..cuts[k + 1]]);
        let table = read_csv(&part, &typed).unwrap();
        write_parquet_table(&d.join(format!("part-{k:05}.parquet")), &table);
    }

    // One process, the whole Parquet file: the reference.
    let table = TableFile::open(
        d.join("bank.parquet"),
        FileFormat::Parquet,
        &CsvOptions::new(),
    )
    .unwrap()
    .read_all()
    .unwrap();
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
    let single_test = single
        .classifier
        .evaluate_on(&single.features.design, &single.labels, Some(&split.test))
        .unwrap();
    let model = |json: &str| -> Vec<f64> {
        let clf = Classifier::from_json(json).unwrap();
        let m = clf.binary_model().unwrap();
        m.coefficients()
            .iter()
            .copied()
            .chain([m.intercept()])
            .collect()
    };
    let expected = model(&single.classifier.to_json().unwrap());

    let pattern = DataSource::from_args([format!("{}/part-*.parquet", d.display())]);
    for size in 1..=3 {
        let results = on_ranks(size, |rank| {
            train_on_ranks(rank, &pattern, FileFormat::Parquet)
        });
        for (json, _, test) in &results {
            assert_eq!(json, &results[0].0, "{size} ranks: every rank's model");
            let gap = relative_gap(&model(json), &expected);
            assert!(gap <= 1e-10, "{size} ranks: gap {gap:e}");
            assert_eq!(test.confusion, single_test.confusion);
            assert!((test.log_loss - single_test.log_loss).abs() < 1e-12);
        }
    }
}

#[test]
fn parquet_shards_that_disagree_are_every_ranks_error_naming_the_rank_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let numbers = |v: &[f64]| ParquetColumn::Float64(v.to_vec());
    let text = |v: &[&str]| ParquetColumn::Utf8(v.iter().map(|s| s.to_string()).collect());
    let file = |name: &str, columns: &[(&str, ParquetColumn)]| {
        write_parquet(d.join(name), columns).unwrap();
        d.join(name)
    };
    let p0 = file(
        "p0.parquet",
        &[
            ("x", numbers(&[1.0, 2.0])),
            ("k", text(&["a", "b"])),
            ("y", numbers(&[0.0, 1.0])),
        ],
    );
    let p1 = file(
        "p1.parquet",
        &[
            ("x", numbers(&[3.0, 4.0])),
            ("k", text(&["b", "a"])),
            ("y", numbers(&[1.0, 0.0])),
        ],
    );
    let renamed = file(
        "p2.parquet",
        &[
            ("x", numbers(&[5.0])),
            ("kind", text(&["a"])),
            ("y", numbers(&[1.0])),
        ],
    );
    let retyped = file(
        "p3.parquet",
        &[
            ("x", numbers(&[5.0])),
            ("k", numbers(&[2.0])),
            ("y", numbers(&[1.0])),
        ],
    );
    let errors = |size: usize, files: &[&Path], skip: &[String]| {
        let source = DataSource::from_args(files.iter().map(|p| p.display().to_string()));
        let out = on_ranks(size, |rank| {
            read_table_on_ranks(rank, &source, FileFormat::Parquet, &CsvOptions::new(), skip)
                .map(|local| local.table.schema())
                .map_err(|e| e.to_string())
        });
        assert!(out.iter().all(|e| e == &out[0]), "{out:?}");
        out[0].clone()
    };
    assert_eq!(
        errors(3, &[&p0, &p1, &renamed], &[]).unwrap_err(),
        format!(
            "the shards' columns disagree: rank 2's file `{}` has no column \"k\" (compared with \
             rank 0's `{}`)",
            renamed.display(),
            p0.display()
        )
    );
    assert_eq!(
        errors(2, &[&p0, &p1, &retyped], &[]).unwrap_err(),
        format!(
            "the shards' columns disagree: rank 1's file `{}` stores column \"k\" as numbers, \
             not as text (compared with rank 0's `{}`)",
            retyped.display(),
            p0.display()
        )
    );
    // A column left unread may have any type, but every file has it.
    let read = errors(2, &[&p0, &p1, &retyped], &["k".to_string()]).unwrap();
    assert_eq!(read.names(), ["x", "y"]);
    // One Parquet file is one shard: it is not cut into row ranges.
    assert_eq!(
        errors(2, &[&p0], &[]).unwrap_err(),
        "2 ranks but only 1 shard file(s): rank 1 would get none; run with at most 1 rank(s) or \
         split the data into more files"
    );
}
