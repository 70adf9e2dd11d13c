//! Files read in passes (fits larger than memory) and Parquet.

use crate::common::message;
use logreg::model::LogisticRegression;
use logreg::preprocess::{CsvOptions, Pipeline};
use logreg::{Classifier, Error};

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
