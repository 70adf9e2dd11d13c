//! Distributed fits (ranks as threads here; MPI processes under mpirun).

use crate::common::{message, xy};
use logreg::model::{FitOptions, LogisticRegression, Solver};
use logreg::preprocess::CsvOptions;

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
