//! Distributed fits (ranks as threads here; MPI processes under mpirun).

use crate::common::{csv, message, xy};
use logreg::model::{FitOptions, LogisticRegression, Solver};
use logreg::preprocess::{CsvOptions, Pipeline};
use logreg::Classifier;

/// Every rank's error, from `work` run on each rank of a group of `size` threads.
fn on_ranks(
    size: usize,
    work: impl Fn(&logreg::collective::InProcess) -> String + Sync,
) -> Vec<String> {
    let group = logreg::collective::InProcess::group(size).unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = group
            .into_iter()
            .map(|rank| {
                let work = &work;
                s.spawn(move || work(&rank))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
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
fn one_vs_rest_in_a_distributed_fit() {
    // Three classes over two ranks (rank 1 holds no "a"): one-vs-rest is refused on every rank,
    // before the pipeline runs.
    let params = LogisticRegression::params()
        .multi_class(logreg::model::MultiClass::OneVsRest)
        .check()
        .unwrap();
    let m = on_ranks(2, |rank| {
        let text = if logreg::collective::Collective::rank(rank) == 0 {
            "x,y\n1,a\n2,b\n3,c\n"
        } else {
            "x,y\n4,b\n5,c\n6,b\n"
        };
        let ranks = logreg::preprocess::Ranks::new(rank);
        message(Classifier::fit_on_ranks(
            csv(text).unwrap(),
            "y",
            &Default::default(),
            Pipeline::new(),
            &params,
            FitOptions::default(),
            &ranks,
        ))
    });
    let expected = "invalid parameter `multi_class` = ovr: expected multinomial in a distributed \
                    fit (one-vs-rest models are fitted on one process)";
    assert_eq!(m, [expected, expected]);
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
