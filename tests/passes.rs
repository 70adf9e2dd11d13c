//! A fit in passes (scratch file, row blocks) against the fit in memory of the same file: same
//! rows, same pipeline, same optimum; and the failures a fit in passes has of its own.

use logreg::evaluate::train_test_split;
use logreg::model::{FitOptions, LogisticRegression, Solver};
use logreg::passes::PassOptions;
use logreg::preprocess::parquet::{write_parquet, ParquetColumn};
use logreg::preprocess::{
    CsvOptions, FileFormat, ImputeStrategy, Imputer, OneHotEncoder, Pipeline, TableFile,
};
use logreg::{ClassLabel, Classifier};
use rand::{Rng, SeedableRng};
use std::fmt::Write as _;
use std::path::Path;

/// A CSV file of `n` rows: two numeric columns (one with gaps), a categorical one (with gaps),
/// and a yes/no label that depends on them.
fn write_data(path: &Path, n: usize, seed: u64) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut text = String::from("a,b,city,label\n");
    for i in 0..n {
        let a: f64 = rng.random_range(-3.0..3.0);
        let b: f64 = rng.random_range(0.0..100.0);
        let city = ["paris", "lyon", "nice"][rng.random_range(0..3)];
        let z = 1.2 * a - 0.02 * b + if city == "nice" { 0.8 } else { 0.0 } + 0.5;
        let label = if rng.random::<f64>() < 1.0 / (1.0 + (-z).exp()) {
            "yes"
        } else {
            "no"
        };
        let b_text = if i % 17 == 3 {
            String::new()
        } else {
            format!("{b}")
        };
        let city_text = if i % 23 == 5 { "" } else { city };
        writeln!(text, "{a},{b_text},{city_text},{label}").unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn pipeline() -> Pipeline {
    Pipeline::new()
        .step(Imputer::new(["b"], ImputeStrategy::Mean))
        .step(Imputer::new(["city"], ImputeStrategy::MostFrequent))
        .step(OneHotEncoder::new(["city"]).drop_first(true))
        .standardize_all()
}

#[test]
fn a_fit_in_passes_is_the_fit_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("data.csv");
    write_data(&csv, 20_000, 5);
    let scratch = dir.path().join("scratch");
    std::fs::create_dir(&scratch).unwrap();
    for solver in [Solver::Auto, Solver::lbfgs(), Solver::newton()] {
        let params = LogisticRegression::params().solver(solver).check().unwrap();
        // In memory, as `logreg train` does it.
        let file = TableFile::open(&csv, FileFormat::Csv, &CsvOptions::new()).unwrap();
        let table = file.read_all().unwrap();
        let split = train_test_split(table.n_rows(), 0.2, 7).unwrap();
        let mem = Classifier::fit_owned(
            table,
            "label",
            pipeline(),
            &params,
            FitOptions {
                rows: Some(&split.train),
                ..FitOptions::default()
            },
        )
        .unwrap();
        let test_mem = mem
            .classifier
            .evaluate_on(&mem.features.design, &mem.labels, Some(&split.test))
            .unwrap();
        // In passes, in blocks of about a megabyte.
        let fit = Classifier::fit_in_passes(
            &file,
            "label",
            pipeline(),
            &params,
            PassOptions {
                memory_limit: 16 << 20,
                scratch_dir: Some(scratch.clone()),
                test_size: 0.2,
                seed: 7,
                ..PassOptions::default()
            },
        )
        .unwrap();
        let (a, b) = (
            fit.classifier.model().report().objective,
            mem.classifier.model().report().objective,
        );
        assert!((a - b).abs() <= 1e-9 * b, "{solver:?}: {a} vs {b}");
        assert_eq!(fit.n_rows, 20_000);
        // Labels (for the split), impute, impute, one-hot, standardize, one chunk to fix the
        // output columns, then the writing pass.
        assert_eq!(fit.file_passes, 7);
        assert_eq!(
            fit.classifier.feature_names(),
            mem.classifier.feature_names()
        );
        let test = fit.test.unwrap();
        assert_eq!(test.n, test_mem.n);
        assert_eq!(test.confusion, test_mem.confusion);
        assert!((test.log_loss - test_mem.log_loss).abs() < 1e-9);
        assert_eq!(fit.classifier.positive_class(), &ClassLabel::from("yes"));
        // Nothing left in the scratch directory.
        assert_eq!(std::fs::read_dir(&scratch).unwrap().count(), 0);
    }
}

#[test]
fn parquet_and_csv_of_the_same_rows_fit_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("data.csv");
    write_data(&csv, 3000, 9);
    let table = TableFile::open(&csv, FileFormat::Csv, &CsvOptions::new())
        .unwrap()
        .read_all()
        .unwrap();
    let num = |c: &str| table.column(c).unwrap().as_numeric().unwrap().to_vec();
    let text = |c: &str| -> Vec<Option<String>> {
        table.column(c).unwrap().as_categorical().unwrap().to_vec()
    };
    let pq = dir.path().join("data.parquet");
    let a: Vec<f64> = num("a")
        .into_iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect();
    let b: Vec<f64> = num("b")
        .into_iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect();
    write_parquet(
        &pq,
        &[
            ("a", ParquetColumn::Float64(a)),
            ("b", ParquetColumn::Float64(b)),
            ("city", ParquetColumn::Utf8Nullable(text("city"))),
            ("label", ParquetColumn::Utf8Nullable(text("label"))),
        ],
    )
    .unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let mut objectives = Vec::new();
    for (path, format) in [(&csv, FileFormat::Csv), (&pq, FileFormat::Parquet)] {
        let file = TableFile::open(path, format, &CsvOptions::new()).unwrap();
        let fit = Classifier::fit_in_passes(
            &file,
            "label",
            pipeline(),
            &params,
            PassOptions {
                memory_limit: 16 << 20,
                scratch_dir: Some(dir.path().to_path_buf()),
                ..PassOptions::default()
            },
        )
        .unwrap();
        objectives.push(fit.classifier.model().report().objective);
    }
    assert!((objectives[0] - objectives[1]).abs() <= 1e-12 * objectives[0]);
}

#[test]
fn a_file_changed_between_passes_and_a_median_imputer_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("data.csv");
    write_data(&csv, 500, 1);
    let params = LogisticRegression::params().check().unwrap();
    let file = TableFile::open(&csv, FileFormat::Csv, &CsvOptions::new()).unwrap();
    // Appending after opening: the first pass already sees another file.
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("1,2,paris,yes\n");
    std::fs::write(&csv, text).unwrap();
    let e = Classifier::fit_in_passes(
        &file,
        "label",
        pipeline(),
        &params,
        PassOptions {
            scratch_dir: Some(dir.path().to_path_buf()),
            ..PassOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("data.csv: the file changed while it was being read (its size went from"),
        "{e}"
    );
    let file = TableFile::open(&csv, FileFormat::Csv, &CsvOptions::new()).unwrap();
    let median = Pipeline::new().step(Imputer::new(["b"], ImputeStrategy::Median));
    let e = Classifier::fit_in_passes(
        &file,
        "label",
        median.drop(["city"]),
        &params,
        PassOptions {
            scratch_dir: Some(dir.path().to_path_buf()),
            ..PassOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("the median needs every value"), "{e}");
    // Nothing left behind by either.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("logreg-scratch-")
        })
        .collect();
    assert!(left.is_empty());
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parquet")
        .join(name)
}

#[test]
fn parquet_column_types_map_onto_table_columns_and_nulls_are_missing() {
    let mut file = TableFile::open(
        fixture("types.parquet"),
        FileFormat::Parquet,
        &CsvOptions::new(),
    )
    .unwrap();
    let schema = file.schema();
    let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
    // `when` (a date) is not readable, so not in the schema.
    assert_eq!(names, ["i8", "u64", "f32", "flag", "city", "dict", "y"]);
    use logreg::preprocess::ColumnType::{Categorical, Numeric};
    let types: Vec<_> = schema.fields.iter().map(|f| f.column_type).collect();
    assert_eq!(
        types,
        [
            Numeric,
            Numeric,
            Numeric,
            Numeric,
            Categorical,
            Categorical,
            Categorical
        ]
    );
    let e = file.select(&["x", "when"]).unwrap_err().to_string();
    assert!(e.contains("no column named \"x\""), "{e}");
    let e = file.select(&["when"]).unwrap_err().to_string();
    assert!(
        e.ends_with("types.parquet: column \"when\" has type Date32, which cannot be read: supported are integer, floating-point, boolean, string and dictionary-encoded string columns; leave the column out (--drop when on the command line)"),
        "{e}"
    );
    file.select(&names).unwrap();
    let t = file.read_all().unwrap();
    let i8v = t.column("i8").unwrap().as_numeric().unwrap().to_vec();
    assert_eq!(i8v[..4], [Some(1.0), Some(2.0), None, Some(4.0)]);
    let flag = t.column("flag").unwrap().as_numeric().unwrap().to_vec();
    assert_eq!(
        flag[..5],
        [Some(1.0), Some(0.0), Some(1.0), Some(1.0), None]
    );
    let dict = t.column("dict").unwrap().as_categorical().unwrap().to_vec();
    assert_eq!(dict[4..6], [Some("b".to_string()), None]);
    assert_eq!(t.column("city").unwrap().n_missing(), 1);
    // A numeric column read as categories gets its values as text.
    file.set_type("u64", Categorical).unwrap();
    let t = file.read_all().unwrap();
    let u = t.column("u64").unwrap().as_categorical().unwrap().to_vec();
    assert_eq!(u[0].as_deref(), Some("10"));
}

#[test]
fn a_file_changed_between_two_passes_stops_the_fit_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("data.csv");
    write_data(&csv, 2000, 3);
    let file = TableFile::open(&csv, FileFormat::Csv, &CsvOptions::new()).unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let mut touched = false;
    let mut on_pass = |p: &logreg::passes::PassProgress| {
        // The first chunk of the second pass: rewrite the file (same size, new time).
        if p.pass == 2 && !touched {
            touched = true;
            let text = std::fs::read(&csv).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
            std::fs::write(&csv, text).unwrap();
        }
    };
    let e = Classifier::fit_in_passes(
        &file,
        "label",
        pipeline(),
        &params,
        PassOptions {
            scratch_dir: Some(dir.path().to_path_buf()),
            test_size: 0.2,
            progress: Some(&mut on_pass),
            ..PassOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(touched);
    assert!(
        e.ends_with("data.csv: the file changed while it was being read (its modification time changed); a fit in passes reads it several times: leave it unchanged until the fit ends, or copy it first"),
        "{e}"
    );
    let left = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("logreg-scratch-")
        })
        .count();
    assert_eq!(left, 0);
}

#[test]
fn truncated_and_corrupt_parquet_files_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(fixture("types.parquet")).unwrap();
    let cut = dir.path().join("cut.parquet");
    std::fs::write(&cut, &good[..good.len() / 2]).unwrap();
    let e = TableFile::open(&cut, FileFormat::Parquet, &CsvOptions::new())
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("cut.parquet: not a readable Parquet file: Parquet error: Invalid Parquet file. Corrupt footer"),
        "{e}"
    );
    let file = TableFile::open(
        fixture("corrupt.parquet"),
        FileFormat::Parquet,
        &CsvOptions::new(),
    )
    .unwrap();
    let e = file
        .chunks(500)
        .unwrap()
        .find_map(Result::err)
        .unwrap()
        .to_string();
    assert!(
        e.contains("corrupt.parquet: row group 2 of 3 (data rows 1001–2000) cannot be decoded: "),
        "{e}"
    );
}
