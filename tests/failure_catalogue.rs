//! The README's "Bad input" catalogue, one test per row: each kind of bad input, and the exact
//! error a library user sees. If a message changes here, change the README's table with it.

use logreg::model::{
    CvOptions, FitOptions, FittedLogisticRegression, LogisticRegression, MultiFitOptions,
    MultiWarmStart, PathOptions, Penalty, Solver, SolverKind,
};
use logreg::preprocess::{
    read_csv, read_csv_from, ColumnType, CsvOptions, OneHotEncoder, Pipeline,
};
use logreg::{Classifier, Error};
use nalgebra::DMatrix;

fn csv(text: &str) -> Result<logreg::preprocess::Table, Error> {
    Ok(read_csv_from(text.as_bytes(), &CsvOptions::new())?)
}

fn message<T: std::fmt::Debug>(r: Result<T, impl Into<Error>>) -> String {
    r.map_err(Into::into)
        .expect_err("bad input must be an error")
        .to_string()
}

fn toy_classifier() -> Classifier {
    let table =
        csv("x,colour,y\n1,red,no\n2,blue,no\n3,red,yes\n4,blue,yes\n0.5,red,yes\n2.5,red,no\n")
            .unwrap();
    let pipeline = Pipeline::new().step(OneHotEncoder::new(["colour"]));
    let params = LogisticRegression::params().check().unwrap();
    Classifier::fit(&table, "y", pipeline, &params).unwrap()
}

fn xy() -> (DMatrix<f64>, Vec<f64>) {
    let x = DMatrix::from_row_slice(4, 2, &[1.0, 0.0, 2.0, 1.0, 3.0, 0.0, 4.0, 1.0]);
    (x, vec![0.0, 1.0, 0.0, 1.0])
}

// ---- CSV files ----

#[test]
fn file_that_does_not_exist() {
    let m = message(read_csv("no/such.csv", &CsvOptions::new()));
    assert!(m.starts_with("no/such.csv: cannot read input: "), "{m}");
}

#[test]
fn row_with_too_few_fields() {
    let m = message(csv("a,b\n1,2\n3\n"));
    assert_eq!(
        m,
        "data row 2 has 1 field, expected 2 (one per header column)"
    );
}

#[test]
fn header_but_no_rows() {
    assert_eq!(
        message(csv("a,b\n")),
        "the input has a header but no data rows"
    );
}

#[test]
fn duplicate_column_name() {
    assert_eq!(
        message(csv("a,a\n1,2\n")),
        "column name \"a\" appears more than once"
    );
}

#[test]
fn text_in_a_column_declared_numeric() {
    let opts = CsvOptions::new().column_type("x", ColumnType::Numeric);
    let m = message(read_csv_from("x\n1\nabc\n".as_bytes(), &opts));
    assert_eq!(
        m,
        "data row 2, column \"x\": expected a number (the column is read as numeric), found \"abc\""
    );
}

#[test]
fn missing_feature_value_at_fit() {
    let table = csv("x,y\n1,0\n,1\n3,0\n").unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(Classifier::fit(&table, "y", Pipeline::new(), &params));
    assert_eq!(
        m,
        "data row 2, column \"x\": missing value reached the feature matrix; \
         fill it with an Imputer or remove the row first"
    );
}

#[test]
fn missing_label() {
    let table = csv("x,y\n1,0\n2,\n3,1\n").unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(Classifier::fit(&table, "y", Pipeline::new(), &params));
    assert_eq!(m, "column \"y\", row 2: the label is missing");
}

// ---- labels ----

#[test]
fn one_class_only() {
    let table = csv("x,y\n1,yes\n2,yes\n").unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(Classifier::fit(&table, "y", Pipeline::new(), &params));
    assert_eq!(
        m,
        "only one class in the labels (\"yes\"); a classifier needs two"
    );
}

#[test]
fn more_than_two_classes_for_a_binary_fit() {
    // `Classifier` fits a multinomial model then; the binary estimator refuses.
    let x = DMatrix::from_fn(12, 1, |i, _| i as f64);
    let labels: Vec<String> = (0..12).map(|i| format!("c{i}")).collect();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(params.fit(&x, &labels));
    assert_eq!(
        m,
        "binary logistic regression needs exactly 2 classes, found 12: \"c0\", \"c1\", \"c10\", \
         \"c11\", \"c2\", \"c3\", \"c4\", \"c5\", \"c6\", \"c7\", …; \
         use the multinomial or one-vs-rest model"
    );
}

// ---- penalties, paths, cross-validation ----

#[test]
fn l1_ratio_outside_zero_one() {
    let m = message(
        LogisticRegression::params()
            .penalty(Penalty::ElasticNet {
                c: 1.0,
                l1_ratio: 1.5,
            })
            .check(),
    );
    assert_eq!(
        m,
        "invalid parameter `l1_ratio` = 1.5: expected a number in [0, 1]"
    );
}

#[test]
fn l1_penalty_with_a_smooth_solver() {
    let m = message(
        LogisticRegression::params()
            .penalty(Penalty::L1 { c: 1.0 })
            .solver(SolverKind::Newton)
            .check(),
    );
    assert_eq!(
        m,
        "invalid parameter `solver` = newton: expected auto, coordinate-descent or owl-qn with an \
         L1 or elastic-net penalty (the others need a smooth objective)"
    );
}

#[test]
fn empty_list_of_c_for_a_path() {
    let (x, y) = xy();
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 1.0 })
        .check()
        .unwrap();
    let m = message(params.path(&x, &y, &[], PathOptions::default()));
    assert_eq!(
        m,
        "invalid parameter `cs` = []: expected at least one value of C"
    );
}

#[test]
fn fewer_than_two_folds() {
    let (x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(params.cross_validate(
        &x,
        &y,
        CvOptions {
            folds: 1,
            ..CvOptions::default()
        },
    ));
    assert_eq!(m, "invalid parameter `folds` = 1: expected at least 2");
}

#[test]
fn a_class_with_a_single_row_in_stratified_cross_validation() {
    let x = DMatrix::from_fn(12, 1, |i, _| i as f64);
    let y: Vec<u8> = (0..12)
        .map(|i| u8::from(i % 2 == 0) + u8::from(i == 11) * 2)
        .collect();
    let params = LogisticRegression::params().check().unwrap();
    let m = message(params.cross_validate(
        &x,
        &y,
        CvOptions {
            folds: 3,
            ..CvOptions::default()
        },
    ));
    assert_eq!(
        m,
        "cross-validation: the class first seen at labels[11] has 1 member(s), fewer than the 3 \
         needed to appear in every test fold"
    );
}

#[test]
fn model_file_whose_kind_does_not_match_its_model() {
    let json = toy_classifier().to_json().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["content"]["model_kind"] = "multinomial".into();
    let m = message(Classifier::from_json(&v.to_string()));
    assert!(
        m.starts_with(
            "model file is not valid: model_kind is \"multinomial\" but the file does not hold \
             exactly that model (line 1, column "
        ),
        "{m}"
    );
}

#[test]
fn positive_class_not_a_label() {
    let (x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    let opts = FitOptions {
        positive_class: Some(7.0),
        ..FitOptions::default()
    };
    assert_eq!(
        message(params.fit_with(&x, &y, opts)),
        "positive class 7.0 is not among the labels (0.0, 1.0)"
    );
}

#[test]
fn label_that_is_not_a_number() {
    let (x, mut y) = xy();
    y[2] = f64::NAN;
    let params = LogisticRegression::params().check().unwrap();
    assert_eq!(
        message(params.fit(&x, &y)),
        "label at row 2 is NaN, which cannot be ordered against the other labels"
    );
}

#[test]
fn label_unknown_to_the_model_at_evaluate() {
    let clf = toy_classifier();
    let table = csv("x,colour,y\n1,red,no\n2,red,maybe\n").unwrap();
    assert_eq!(
        message(clf.evaluate(&table)),
        "column \"y\", row 2: label \"maybe\" is not one of the model's classes (no, yes)"
    );
}

// ---- matrices, weights, parameters ----

#[test]
fn labels_and_rows_differ_in_number() {
    let (x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    assert_eq!(
        message(params.fit(&x, &y[..3])),
        "labels y (one per row of X): expected 4, found 3"
    );
}

#[test]
fn no_rows_or_no_columns() {
    let params = LogisticRegression::params().check().unwrap();
    let none: [f64; 0] = [];
    assert_eq!(
        message(params.fit(&DMatrix::zeros(0, 2), &none)),
        "no samples: X has 0 rows"
    );
    assert_eq!(
        message(params.fit(&DMatrix::zeros(2, 0), &[0.0, 1.0])),
        "no features: X has 0 columns (at least 1 is needed)"
    );
}

#[test]
fn nan_or_infinite_feature() {
    let (mut x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    x[(2, 1)] = f64::NAN;
    assert_eq!(
        message(params.fit(&x, &y)),
        "feature value at row 2, column 1 is NaN, expected a finite number"
    );
    x[(2, 1)] = f64::NEG_INFINITY;
    assert_eq!(
        message(params.fit(&x, &y)),
        "feature value at row 2, column 1 is -inf, expected a finite number"
    );
}

#[test]
fn feature_too_large_to_fit() {
    let (mut x, y) = xy();
    x[(1, 0)] = 1e300;
    let params = LogisticRegression::params().check().unwrap();
    assert_eq!(
        message(params.fit(&x, &y)),
        "feature value at row 1, column 0 is 1e300; values this large overflow the fit \
         (|x| must be below 1e150): rescale or standardize the column"
    );
}

#[test]
fn huge_feature_at_prediction_is_refused_like_at_fit() {
    // A design holds values within ±1e150 whether it is fitted on or predicted: a value beyond
    // is named, never turned into a confident probability.
    let (x, y) = xy();
    let model = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    let big = DMatrix::from_row_slice(2, 2, &[1e100, 0.0, -1e300, 1e300]);
    assert_eq!(
        message(model.predict_proba(&big)),
        "feature value at row 1, column 0 is -1e300; values this large overflow the fit (|x| must \
         be below 1e150): rescale or standardize the column"
    );
    let p = model
        .predict_proba(&DMatrix::from_row_slice(1, 2, &[1e150, -1e150]))
        .unwrap();
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)), "{p}");
    let infinite = DMatrix::from_row_slice(1, 2, &[f64::INFINITY, 0.0]);
    assert_eq!(
        message(model.predict_proba(&infinite)),
        "feature value at row 0, column 0 is inf, expected a finite number"
    );
}

#[test]
fn negative_zero_or_nan_sample_weight() {
    let (x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    for w in [-1.0, 0.0, f64::NAN] {
        let weights = [1.0, w, 1.0, 1.0];
        let opts = FitOptions {
            sample_weight: Some(&weights),
            ..FitOptions::default()
        };
        let want = format!("sample weight at row 1 is {w}, expected a finite number > 0");
        assert_eq!(message(params.fit_with(&x, &y, opts)), want);
    }
}

#[test]
fn invalid_parameters_are_named_at_build_time() {
    assert_eq!(
        message(LogisticRegression::params().c(0.0).check()),
        "invalid parameter `c` = 0: expected a finite number > 0"
    );
    assert_eq!(
        message(
            LogisticRegression::params()
                .solver(Solver::gd(-1.0))
                .check()
        ),
        "invalid parameter `learning_rate` = -1: expected a finite number > 0"
    );
    assert_eq!(
        message(LogisticRegression::params().max_iter(0).check()),
        "invalid parameter `max_iter` = 0: expected at least 1"
    );
    let m = message(
        LogisticRegression::params()
            .solver(SolverKind::Newton)
            .tol(f64::NAN)
            .check(),
    );
    assert_eq!(
        m,
        "invalid parameter `tol` = NaN: expected a finite number >= 0"
    );
}

#[test]
fn warm_start_of_another_shape() {
    let (x, y) = xy();
    let params = LogisticRegression::params().check().unwrap();
    let y3 = [0.0, 1.0, 2.0, 1.0];
    let narrow3 = params
        .fit_multinomial(&x.columns(0, 1).into_owned(), &y3)
        .unwrap();
    assert_eq!(
        message(params.fit_multinomial_with(
            &x,
            &y3,
            MultiFitOptions {
                warm_start: Some(MultiWarmStart::from(&narrow3)),
                ..MultiFitOptions::default()
            },
        )),
        "warm-start model's coefficients (one per column of X): expected 2, found 1"
    );
    let narrow = params.fit(&x.columns(0, 1).into_owned(), &y).unwrap();
    assert_eq!(
        message(params.fit_with(
            &x,
            &y,
            FitOptions {
                warm_start: Some(&narrow),
                ..FitOptions::default()
            },
        )),
        "warm-start model's coefficients (one per column of X): expected 2, found 1"
    );
}

// ---- prediction-time data ----

#[test]
fn wrong_number_of_features_for_the_model() {
    let (x, y) = xy();
    let model = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    assert_eq!(
        message(model.predict(&DMatrix::zeros(1, 3))),
        "columns of X (features the model was fitted on): expected 2, found 3"
    );
}

#[test]
fn column_missing_at_prediction() {
    let clf = toy_classifier();
    let table = csv("colour\nred\n").unwrap();
    assert_eq!(
        message(clf.predict(&table)),
        "the input does not have the expected columns: missing columns \"x\""
    );
}

#[test]
fn category_unseen_at_fit() {
    let clf = toy_classifier();
    let table = csv("x,colour\n1,red\n2,green\n").unwrap();
    assert_eq!(
        message(clf.predict(&table)),
        "data row 2, column \"colour\": expected one of the categories seen in fit: \
         \"blue\", \"red\", found \"green\""
    );
}

#[test]
fn text_where_the_model_needs_a_number() {
    let clf = toy_classifier();
    let table = csv("x,colour\n1,red\nabc,red\n").unwrap();
    assert_eq!(
        message(clf.predict(&table)),
        "data row 2, column \"x\": expected a number (the pipeline was fitted on a numeric \
         column; read new files with CsvOptions::with_schema(pipeline.input_schema())), found \"abc\""
    );
}

#[test]
fn missing_value_at_prediction() {
    let clf = toy_classifier();
    let table = csv("x,colour\n1,red\n,red\n").unwrap();
    assert_eq!(
        message(clf.predict(&table)),
        "data row 2, column \"x\": missing value reached the feature matrix; \
         fill it with an Imputer or remove the row first"
    );
}

// ---- saved models ----

#[test]
fn model_file_of_another_format_version() {
    let json = toy_classifier().to_json().unwrap();
    let other = json.replacen("\"format_version\": 2", "\"format_version\": 3", 1);
    assert_ne!(json, other);
    assert_eq!(
        message(Classifier::from_json(&other)),
        "model file has format version 3, this program reads versions 1 to 2"
    );
}

#[test]
fn truncated_model_file() {
    let json = toy_classifier().to_json().unwrap();
    let m = message(Classifier::from_json(&json[..json.len() / 2]));
    assert!(m.starts_with("model file is not valid: "), "{m}");
}

#[test]
fn model_file_with_the_wrong_number_of_coefficients() {
    let (x, y) = xy();
    let opts = FitOptions {
        feature_names: Some(vec!["size".into(), "age".into()]),
        ..FitOptions::default()
    };
    let model = LogisticRegression::params().check().unwrap();
    let json = model.fit_with(&x, &y, opts).unwrap().to_json().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let coef = v
        .pointer_mut("/content/coefficients")
        .expect("coefficients in the file");
    coef.as_array_mut().unwrap().push(0.5.into());
    let bad = v.to_string();
    assert_eq!(
        message(FittedLogisticRegression::<f64>::from_json(&bad)),
        "model file is inconsistent: 3 coefficients but 2 feature names"
    );
}

#[test]
fn model_file_that_holds_something_else() {
    let pipeline_json = Pipeline::new().standardize_all().to_json().unwrap();
    assert_eq!(
        message(Classifier::from_json(&pipeline_json)),
        "model file holds a `(no kind)`, expected a `logreg_classifier`"
    );
}

#[test]
fn saving_over_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    std::fs::write(&path, "keep me").unwrap();
    let m = message(toy_classifier().save(&path));
    let want = "already exists; choose another path or remove it first (nothing is overwritten)";
    assert!(m.ends_with(want), "{m}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
}

// ---- fits that finish without an optimum ----

#[test]
fn separable_data_or_spent_budget_is_a_warning_not_an_error() {
    let (x, _) = xy();
    let separable = [0.0, 0.0, 1.0, 1.0];
    let model = LogisticRegression::params()
        .penalty(logreg::model::Penalty::None)
        .check()
        .unwrap()
        .fit(&x, &separable)
        .unwrap();
    let w = model.convergence_warning().expect("a warning");
    assert_eq!(
        w.to_string(),
        "not converged (data separable or nearly so): no finite maximum-likelihood coefficients \
         exist; add a penalty (e.g. L2 with C = 1)"
    );
}

// ---- distributed fits (ranks as threads here; MPI processes under mpirun) ----

/// Every rank's error, from `work` run on each rank of a group of `size` threads.
fn on_ranks(
    size: usize,
    work: impl Fn(&logreg::collective::InProcess) -> String + Sync,
) -> Vec<String> {
    logreg::collective::InProcess::run(size, work).unwrap()
}

fn shard_files(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn read_on_ranks(size: usize, dir: &std::path::Path, names: &[&str]) -> Vec<String> {
    let source = logreg::distributed::DataSource::from_args(
        names.iter().map(|n| dir.join(n).display().to_string()),
    );
    on_ranks(size, |rank| {
        message(logreg::distributed::read_csv_on_ranks(
            rank,
            &source,
            &CsvOptions::new(),
        ))
    })
}

#[test]
fn shards_whose_columns_disagree() {
    let dir = shard_files(&[("a.csv", "x,y\n1,0\n"), ("b.csv", "x,z\n2,1\n")]);
    let p = |n: &str| dir.path().join(n).display().to_string();
    let expected = format!(
        "the shards' columns disagree: rank 1's file `{}` has no column \"y\" (compared with \
         rank 0's `{}`)",
        p("b.csv"),
        p("a.csv")
    );
    assert_eq!(
        read_on_ranks(2, dir.path(), &["a.csv", "b.csv"]),
        [expected.clone(), expected]
    );
}

#[test]
fn more_ranks_than_shards() {
    let dir = shard_files(&[("a.csv", "x,y\n1,0\n"), ("b.csv", "x,y\n2,1\n")]);
    let m = read_on_ranks(3, dir.path(), &["a.csv", "b.csv"]);
    assert!(m.iter().all(|e| e
        == "3 ranks but only 2 shard file(s): rank 2 would get none; run with at most 2 \
            rank(s) or split the data into more files"));
}

#[test]
fn a_missing_or_unreadable_shard() {
    let dir = shard_files(&[("a.csv", "x,y\n1,0\n"), ("b.csv", "x,y\n2,1,3\n")]);
    let p = |n: &str| dir.path().join(n).display().to_string();
    let m = read_on_ranks(2, dir.path(), &["a.csv", "gone.csv"]);
    assert!(m.iter().all(|e| *e
        == format!(
            "rank 1 of 2 failed: shard `{}` does not exist or cannot be read: No such file or \
             directory (os error 2)",
            p("gone.csv")
        )));
    let m = read_on_ranks(2, dir.path(), &["a.csv", "b.csv"]);
    assert!(m.iter().all(|e| *e
        == format!(
            "rank 1 of 2 failed: {}: data row 1 has 3 fields, expected 2 (one per header column)",
            p("b.csv")
        )));
}

#[test]
fn sgd_in_a_distributed_fit() {
    let (x, y) = xy();
    let params = LogisticRegression::params()
        .solver(Solver::sgd())
        .check()
        .unwrap();
    let m = on_ranks(2, |rank| {
        message(params.fit_distributed(&x, &y, FitOptions::default(), rank))
    });
    assert_eq!(
        m[0],
        "invalid parameter `solver` = sgd: expected a solver that sums over every row in each \
         step (auto, lbfgs, newton, newton-cg or gd): sgd's mini-batches are drawn on one \
         process and cannot run distributed"
    );
}

#[test]
fn parquet_shards_that_store_a_column_as_another_kind() {
    use logreg::preprocess::parquet::{write_parquet, ParquetColumn};
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let k = ParquetColumn::Utf8(vec!["a".into()]);
    write_parquet(
        p("a.parquet"),
        &[("k", k), ("y", ParquetColumn::Float64(vec![0.0]))],
    )
    .unwrap();
    let k = ParquetColumn::Float64(vec![1.0]);
    write_parquet(
        p("b.parquet"),
        &[("k", k), ("y", ParquetColumn::Float64(vec![1.0]))],
    )
    .unwrap();
    let source = logreg::distributed::DataSource::from_args(
        ["a.parquet", "b.parquet"].map(|n| p(n).display().to_string()),
    );
    let m = on_ranks(2, |rank| {
        message(logreg::distributed::read_table_on_ranks(
            rank,
            &source,
            logreg::preprocess::FileFormat::Parquet,
            &CsvOptions::new(),
            &[],
        ))
    });
    let expected = format!(
        "the shards' columns disagree: rank 1's file `{}` stores column \"k\" as numbers, not \
         as text (compared with rank 0's `{}`)",
        p("b.parquet").display(),
        p("a.parquet").display()
    );
    assert_eq!(m, [expected.clone(), expected]);
}

#[test]
fn distributed_entry_point_without_mpi() {
    if logreg::collective::MPI_SUPPORT {
        return;
    }
    let m = message(logreg::collective::init_distributed().map(|_| ()));
    assert_eq!(
        m,
        "this build has no MPI support; to run distributed, install an MPI library with its \
         headers and clang (Debian/Ubuntu: `apt-get install openmpi-bin libopenmpi-dev \
         libclang-dev clang`), rebuild with the cargo feature `mpi` (`cargo build --release \
         --features mpi`) and launch with `mpirun`"
    );
}

// ---- weights, offsets, thresholds, covariance types ----

fn fit_with_columns(text: &str, columns: logreg::FitColumns) -> Result<logreg::Trained, Error> {
    let params = LogisticRegression::params().check().unwrap();
    Classifier::fit_owned_with(
        csv(text).unwrap(),
        "y",
        &columns,
        Pipeline::new(),
        &params,
        FitOptions::default(),
    )
}

#[test]
fn negative_zero_or_missing_sample_weight_column() {
    let w = || logreg::FitColumns::new().sample_weight("w");
    for (body, want) in [
        (
            "x,w,y\n1,1,0\n2,-1,1\n3,1,0\n4,1,1\n",
            "data row 2, column \"w\": the sample weight is -1, expected a finite number > 0",
        ),
        (
            "x,w,y\n1,1,0\n2,0,1\n3,1,0\n4,1,1\n",
            "data row 2, column \"w\": the sample weight is 0, expected a finite number > 0",
        ),
        (
            "x,w,y\n1,1,0\n2,1,1\n3,,0\n4,1,1\n",
            "data row 3, column \"w\": the sample weight is missing, expected a finite number > 0",
        ),
    ] {
        assert_eq!(message(fit_with_columns(body, w())), want);
    }
}

#[test]
fn offset_column_that_is_not_numeric() {
    let m = message(fit_with_columns(
        "x,o,y\n1,0,0\n2,abc,1\n3,0,0\n4,0,1\n",
        logreg::FitColumns::new().offset("o"),
    ));
    assert_eq!(
        m,
        "data row 2, column \"o\": the offset is \"abc\", expected a finite number"
    );
}

#[test]
fn one_column_in_two_roles() {
    let m = message(fit_with_columns(
        "x,y\n1,0\n2,1\n",
        logreg::FitColumns::new().sample_weight("y"),
    ));
    assert_eq!(
        m,
        "column \"y\" cannot be both the target and the sample weight"
    );
}

#[test]
fn offset_column_absent_at_prediction() {
    let clf = fit_with_columns(
        "x,o,y\n1,0,0\n2,0.5,1\n3,0,0\n4,0,1\n",
        logreg::FitColumns::new().offset("o"),
    )
    .unwrap()
    .classifier;
    let m = message(clf.predict_proba(&csv("x\n1\n").unwrap()));
    assert_eq!(
        m,
        "the model adds the offset column \"o\" to every logit, and the input has no column \"o\""
    );
}

#[test]
fn threshold_outside_zero_one() {
    let clf = toy_classifier();
    let table = csv("x,colour\n1,red\n").unwrap();
    assert_eq!(
        message(clf.predict_at(&table, 1.5)),
        "invalid parameter `threshold` = 1.5: expected a probability strictly between 0 and 1"
    );
}

#[test]
fn robust_covariance_with_a_penalty() {
    let m = message(
        LogisticRegression::params()
            .cov_type(logreg::model::CovType::Hc1)
            .check(),
    );
    assert_eq!(
        m,
        "invalid parameter `cov_type` = hc1: expected nonrobust unless the penalty is none \
         (penalized fits have no standard errors)"
    );
}

// ---- files read in passes (fits larger than memory) and Parquet ----

fn parquet_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parquet")
        .join(name)
}

fn open_parquet(path: &std::path::Path) -> Result<logreg::preprocess::TableFile, Error> {
    Ok(logreg::preprocess::TableFile::open(
        path,
        logreg::preprocess::FileFormat::Parquet,
        &CsvOptions::new(),
    )?)
}

#[test]
fn truncated_or_not_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.parquet");
    let good = std::fs::read(parquet_fixture("types.parquet")).unwrap();
    std::fs::write(&path, &good[..100]).unwrap();
    let m = message(open_parquet(&path));
    assert!(
        m.ends_with(
            "cut.parquet: not a readable Parquet file: Parquet error: Invalid Parquet file. Corrupt footer"
        ),
        "{m}"
    );
}

#[test]
fn corrupt_parquet_row_group() {
    let file = open_parquet(&parquet_fixture("corrupt.parquet")).unwrap();
    let m = message(file.read_all());
    assert!(
        m.contains("corrupt.parquet: row group 2 of 3 (data rows 1001–2000) cannot be decoded: "),
        "{m}"
    );
}

#[test]
fn parquet_column_of_an_unsupported_type() {
    let mut file = open_parquet(&parquet_fixture("types.parquet")).unwrap();
    let m = message(file.select(&["when"]));
    assert!(
        m.ends_with(
            "column \"when\" has type Date32, which cannot be read: supported are integer, \
             floating-point, boolean, string and dictionary-encoded string columns; leave the \
             column out (--drop when on the command line)"
        ),
        "{m}"
    );
}

#[test]
fn file_changed_between_passes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    std::fs::write(&path, "x,y\n1,0\n2,1\n").unwrap();
    let file = logreg::preprocess::TableFile::open(
        &path,
        logreg::preprocess::FileFormat::Csv,
        &CsvOptions::new(),
    )
    .unwrap();
    std::fs::write(&path, "x,y\n1,0\n2,1\n3,0\n").unwrap();
    let m = message(file.chunks(100).map(|_| ()));
    assert!(
        m.ends_with(
            "data.csv: the file changed while it was being read (its size went from 12 to 16 \
             bytes); a fit in passes reads it several times: leave it unchanged until the fit \
             ends, or copy it first"
        ),
        "{m}"
    );
}

#[test]
fn scratch_directory_that_cannot_be_created() {
    let m = message(logreg::scratch::ScratchDir::create("/no/such/dir"));
    assert!(
        m.starts_with(
            "cannot create a scratch directory in /no/such/dir: No such file or directory"
        ),
        "{m}"
    );
    assert!(
        m.ends_with("; choose another with --scratch-dir (or the library's scratch_dir option)")
    );
}

#[test]
fn median_imputation_in_passes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    std::fs::write(&path, "x,y\n1,0\n,1\n3,0\n4,1\n").unwrap();
    let file = logreg::preprocess::TableFile::open(
        &path,
        logreg::preprocess::FileFormat::Csv,
        &CsvOptions::new(),
    )
    .unwrap();
    let pipeline = Pipeline::new().step(logreg::preprocess::Imputer::new(
        ["x"],
        logreg::preprocess::ImputeStrategy::Median,
    ));
    let params = LogisticRegression::params().check().unwrap();
    let m = message(Classifier::fit_in_passes(
        &file,
        "y",
        pipeline,
        &params,
        logreg::passes::PassOptions {
            scratch_dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        },
    ));
    assert_eq!(
        m,
        "cannot fit Imputer on column \"x\": the median needs every value of the column at \
         once, which a fit in passes does not hold; impute the mean or the most frequent value \
         instead"
    );
}
