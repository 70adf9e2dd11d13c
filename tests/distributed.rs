//! Distributed training through the facade, with ranks as threads (`InProcess`, the bits MPI
//! gives): shard files or row ranges of one file, the pipeline fitted on every rank's rows, the
//! single process's split, and the same classifier and metrics as one process fitting all the
//! rows; shard errors name the rank, the file and the column.

use logreg::collective::InProcess;
use logreg::distributed::{read_csv_on_ranks, read_table_on_ranks, split_on_ranks, DataSource};
use logreg::evaluate::Split;
use logreg::model::{FitOptions, LogisticRegression, ValidParams};
use logreg::preprocess::parquet::{write_parquet, ParquetColumn};
use logreg::preprocess::{
    read_csv, CsvOptions, FileFormat, ImputeStrategy, Imputer, OneHotEncoder, Pipeline, Ranks,
    Table, TableFile,
};
use logreg::{Classifier, Evaluation, FitColumns, Trained};
use std::path::Path;

const BANK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/bank.csv");
const CATEGORICAL: [&str; 9] = [
    "job",
    "marital",
    "education",
    "default",
    "housing",
    "loan",
    "contact",
    "month",
    "poutcome",
];

fn pipeline() -> Pipeline {
    Pipeline::new()
        .step(Imputer::new(["balance"], ImputeStrategy::Median))
        .step(OneHotEncoder::new(CATEGORICAL).drop_first(true))
        .standardize_all()
}

fn params() -> ValidParams {
    LogisticRegression::params()
        .c(0.5)
        .tol(1e-12)
        .check()
        .unwrap()
}

/// `rows` data rows of bank.csv (a stride through the file, which is sorted by label), with a
/// few balances missing, as text.
fn bank_rows(rows: usize) -> (String, Vec<String>) {
    let text = std::fs::read_to_string(BANK).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let all: Vec<&str> = lines.collect();
    let body: Vec<String> = (0..rows)
        .map(|i| all[(i * 3671) % all.len()])
        .enumerate()
        .map(|(i, l)| {
            if i % 97 == 5 {
                // balance is the sixth field
                let mut f: Vec<&str> = l.split(',').collect();
                f[5] = "";
                f.join(",")
            } else {
                l.to_string()
            }
        })
        .collect();
    (header, body)
}

fn write(path: &Path, header: &str, rows: &[String]) {
    std::fs::write(path, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
}

/// This rank's rows of `source`, the single process's split of all the rows (`test_size`,
/// `seed`) as this rank's indices, and the classifier of `pipeline` and `params` fitted on every
/// rank's training rows, handed to `then` with the rank's view of the job.
#[allow(clippy::too_many_arguments)]
fn fit_split_on_ranks<T>(
    rank: &InProcess,
    (source, format): (&DataSource, FileFormat),
    target: &str,
    columns: &FitColumns,
    pipeline: Pipeline,
    params: &ValidParams,
    (test_size, seed): (f64, u64),
    then: impl FnOnce(Trained, &Ranks<'_>, &Split) -> T,
) -> T {
    let mine = read_table_on_ranks(rank, source, format, &CsvOptions::new(), &[]).unwrap();
    let split = split_on_ranks(rank, mine.position(), test_size, seed, None).unwrap();
    let ranks = Ranks::new(rank).with_origins(&mine.origins);
    let trained = Classifier::fit_on_ranks(
        mine.table,
        target,
        columns,
        pipeline,
        params,
        FitOptions {
            rows: Some(&split.train),
            ..FitOptions::default()
        },
        &ranks,
    )
    .unwrap();
    then(trained, &ranks, &split)
}

/// What one rank ends with: the model's JSON and the train and test metrics.
fn train_on_ranks(
    rank: &InProcess,
    source: &DataSource,
    format: FileFormat,
) -> (String, Evaluation, Evaluation) {
    let (columns, params) = (FitColumns::default(), params());
    fit_split_on_ranks(
        rank,
        (source, format),
        "deposit",
        &columns,
        pipeline(),
        &params,
        (0.2, 7),
        |trained, ranks, split| {
            let train = trained
                .evaluate_on_ranks(ranks, Some(&split.train), 0.5)
                .unwrap();
            let test = trained
                .evaluate_on_ranks(ranks, Some(&split.test), 0.5)
                .unwrap();
            (trained.classifier.to_json().unwrap(), train, test)
        },
    )
}

/// max |a − b| / max |b|: agreement relative to the size of the coefficients.
fn relative_gap(a: &[f64], b: &[f64]) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

fn on_ranks<T: Send>(size: usize, work: impl Fn(&InProcess) -> T + Sync) -> Vec<T> {
    InProcess::run(size, work).unwrap()
}

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

/// `table` as a Parquet file: numbers as doubles (a missing one as NaN, which reads back
/// missing), text as strings (a missing one as null).
fn write_parquet_table(path: &Path, table: &Table) {
    let columns: Vec<(String, ParquetColumn)> = table
        .column_names()
        .iter()
        .map(|name| {
            let column = table.column(name).unwrap();
            let values = match column.as_numeric() {
                Some(v) => {
                    ParquetColumn::Float64(v.iter().map(|x| x.unwrap_or(f64::NAN)).collect())
                }
                None => ParquetColumn::Utf8Nullable(
                    (0..table.n_rows())
                        .map(|i| column.display_value(i))
                        .collect(),
                ),
            };
            (name.clone(), values)
        })
        .collect();
    let named: Vec<(&str, ParquetColumn)> = columns
        .iter()
        .map(|(n, c)| (n.as_str(), c.clone()))
        .collect();
    write_parquet(path, &named).unwrap();
}

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

#[test]
fn libsvm_shards_and_line_ranges_train_the_single_process_classifier() {
    use logreg::distributed::read_libsvm_on_ranks;
    use logreg::model::datasets::make_sparse_logistic;
    use logreg::preprocess::read_libsvm;
    let (x, y) = make_sparse_logistic(3000, 200, 8, 3).unwrap();
    let lines: Vec<String> = (0..x.n_rows())
        .map(|i| {
            let (idx, val) = x.row(i);
            let mut l = if y[i] == 1.0 {
                "+1".to_string()
            } else {
                "-1".to_string()
            };
            for (j, v) in idx.iter().zip(val) {
                l.push_str(&format!(" {}:{v:?}", j + 1));
            }
            l
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("all.svm"), lines.join("\n") + "\n").unwrap();
    for (k, part) in lines.chunks(700).enumerate() {
        std::fs::write(d.join(format!("part-{k}.svm")), part.join("\n") + "\n").unwrap();
    }
    let params = params();
    let single = Classifier::fit_libsvm(
        read_libsvm(d.join("all.svm"), None).unwrap(),
        &params,
        FitOptions::default(),
    )
    .unwrap();
    let expected: Vec<f64> = single
        .classifier
        .binary_model()
        .unwrap()
        .coefficients()
        .iter()
        .copied()
        .collect();
    let sources = [
        DataSource::from_args([format!("{}/part-*.svm", d.display())]),
        DataSource::from_args([d.join("all.svm").display().to_string()]),
    ];
    for source in &sources {
        for size in [2, 3] {
            let fits = on_ranks(size, |rank| {
                let local = read_libsvm_on_ranks(rank, source, None).unwrap();
                let trained =
                    Classifier::fit_libsvm_on_ranks(local, &params, FitOptions::default(), rank)
                        .unwrap();
                trained.classifier.to_json().unwrap()
            });
            for json in &fits {
                assert_eq!(json, &fits[0]);
                let clf = Classifier::from_json(json).unwrap();
                let got: Vec<f64> = clf
                    .binary_model()
                    .unwrap()
                    .coefficients()
                    .iter()
                    .copied()
                    .collect();
                assert_eq!(
                    got.len(),
                    expected.len(),
                    "{source}: every rank has every feature"
                );
                let gap = relative_gap(&got, &expected);
                assert!(gap <= 1e-10, "{source}, {size} ranks: gap {gap:e}");
            }
        }
    }
}

/// A claims-like table: two features, a weight column, an offset column (log exposure), a 0/1
/// label; deterministic, no randomness crate needed.
fn weighted_rows(n: usize) -> (String, Vec<String>) {
    let rows = (0..n)
        .map(|i| {
            // Different multipliers per column, so the columns are not shifts of one sequence.
            let u = |k: usize| {
                ((i * [7919, 104_729, 15_485_863, 32_452_843][k - 1] + 17 * k) % 1009) as f64
                    / 1009.0
            };
            let (x1, x2) = (u(1) * 4.0 - 2.0, u(2) * 2.0 - 1.0);
            let w = 1 + (i * 31) % 4;
            let o = (0.2 + u(3)).ln();
            let z = 0.8 * x1 - 1.1 * x2 + o + 0.3;
            let y = u(4) < 1.0 / (1.0 + (-z).exp());
            format!("{x1},{x2},{w},{o},{}", u8::from(y))
        })
        .collect();
    ("x1,x2,w,o,y".to_string(), rows)
}

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

#[test]
fn a_multinomial_l1_fit_on_ranks_is_the_single_process_classifier_even_where_ranks_lack_classes() {
    let params = LogisticRegression::params()
        .penalty(logreg::model::Penalty::L1 { c: 0.5 })
        .tol(1e-12)
        .check()
        .unwrap();
    iris_on_ranks_is_the_single_process_classifier(&params);
}

#[test]
fn a_one_vs_rest_fit_on_ranks_is_the_single_process_classifier_even_where_ranks_lack_classes() {
    for penalty in [
        logreg::model::Penalty::L2 { c: 1.0 },
        logreg::model::Penalty::L1 { c: 0.5 },
    ] {
        let params = LogisticRegression::params()
            .penalty(penalty)
            .multi_class(logreg::model::MultiClass::OneVsRest)
            .tol(1e-12)
            .check()
            .unwrap();
        iris_on_ranks_is_the_single_process_classifier(&params);
    }
}

/// iris (3 classes) fitted with `params` on 2 and 3 ranks: every rank's model is the single
/// process's (the same coefficients exactly 0 under L1), and so are the test metrics.
fn iris_on_ranks_is_the_single_process_classifier(params: &ValidParams) {
    // iris.csv is sorted by species: on 3 ranks each rank holds one class, on 2 one rank two.
    let iris = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/iris.csv");
    let split = logreg::evaluate::train_test_split(150, 0.2, 3).unwrap();
    let single = Classifier::fit_owned(
        read_csv(iris, &CsvOptions::new()).unwrap(),
        "species",
        Pipeline::new().standardize_all(),
        params,
        FitOptions {
            rows: Some(&split.train),
            ..FitOptions::default()
        },
    )
    .unwrap();
    let single_test = single
        .classifier
        .evaluate_multiclass_on(&single.features.design, &single.labels, Some(&split.test))
        .unwrap();
    let flat = |json: &str| -> Vec<f64> {
        match Classifier::from_json(json).unwrap().model() {
            logreg::model::FittedModel::Multinomial(m) => m
                .coefficients()
                .iter()
                .chain(m.intercepts().iter())
                .copied()
                .collect(),
            logreg::model::FittedModel::OneVsRest(m) => m
                .models()
                .iter()
                .flat_map(|b| b.coefficients().iter().copied().chain([b.intercept()]))
                .collect(),
            other => panic!("expected a K-class model, got {:?}", other.kind()),
        }
    };
    let expected = flat(&single.classifier.to_json().unwrap());
    let l1 = matches!(params.penalty(), logreg::model::Penalty::L1 { .. });
    assert_eq!(l1, expected.contains(&0.0), "L1 sets some coefficient to 0");
    let source = DataSource::from_args([iris]);
    for size in [2, 3] {
        let results = on_ranks(size, |rank| {
            let (columns, standardized) =
                (FitColumns::default(), Pipeline::new().standardize_all());
            fit_split_on_ranks(
                rank,
                (&source, FileFormat::Csv),
                "species",
                &columns,
                standardized,
                params,
                (0.2, 3),
                |trained, ranks, split| {
                    let test = trained
                        .evaluate_multiclass_on_ranks(ranks, Some(&split.test))
                        .unwrap();
                    (trained.classifier.to_json().unwrap(), test)
                },
            )
        });
        for (json, test) in &results {
            assert_eq!(json, &results[0].0, "{size} ranks: every rank's model");
            let got = flat(json);
            let gap = relative_gap(&got, &expected);
            assert!(gap <= 1e-10, "{size} ranks: gap {gap:e}");
            assert_eq!(
                got.iter().map(|v| *v == 0.0).collect::<Vec<_>>(),
                expected.iter().map(|v| *v == 0.0).collect::<Vec<_>>()
            );
            assert_eq!(test.n, single_test.n);
            assert_eq!(test.confusion, single_test.confusion);
            assert!((test.log_loss - single_test.log_loss).abs() < 1e-12);
        }
    }
}
