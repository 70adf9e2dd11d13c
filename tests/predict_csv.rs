//! `Classifier::predict_csv`: chunked predictions equal whole-table ones, kept columns come back
//! as written, and errors name the file's rows.

use logreg::model::LogisticRegression;
use logreg::preprocess::{read_csv, CsvOptions, OneHotEncoder, Pipeline};
use logreg::{ClassLabel, Classifier};

const CSV: &str = "id,size,colour,sold\n\
007,1,red,no\n008,2,blue,no\n009,3,red,yes\n010,4,blue,no\n011,5,red,yes\n012,6,blue,yes\n013,7,red,yes\n";

fn fitted(dir: &std::path::Path) -> (Classifier, std::path::PathBuf) {
    let path = dir.join("data.csv");
    std::fs::write(&path, CSV).unwrap();
    let table = read_csv(&path, &CsvOptions::new()).unwrap();
    let pipeline = Pipeline::new()
        .drop(["id"])
        .step(OneHotEncoder::new(["colour"]).drop_first(true))
        .standardize_all();
    let params = LogisticRegression::params().check().unwrap();
    (
        Classifier::fit(&table, "sold", pipeline, &params).unwrap(),
        path,
    )
}

#[test]
fn chunks_predict_as_the_whole_table_does() {
    let dir = tempfile_dir();
    let (clf, path) = fitted(&dir);
    let table = read_csv(&path, &CsvOptions::new()).unwrap();
    let want_p = clf.predict_proba(&table).unwrap();
    let want_y = clf.predict(&table).unwrap();
    for chunk_size in [1, 2, 3, 7, 100] {
        let mut p = Vec::new();
        let mut y: Vec<ClassLabel> = Vec::new();
        let mut ids = Vec::new();
        let mut firsts = Vec::new();
        for chunk in clf.predict_csv(&path, &["id"], chunk_size).unwrap() {
            let chunk = chunk.unwrap();
            firsts.push(chunk.first_row);
            let col = chunk.kept.column("id").unwrap();
            ids.extend((0..chunk.kept.n_rows()).map(|i| col.display_value(i).unwrap()));
            p.extend(chunk.proba);
            y.extend(chunk.labels);
        }
        assert_eq!(p, want_p, "chunk size {chunk_size}");
        assert_eq!(y, want_y);
        assert_eq!(ids[0], "007", "kept columns are read as written");
        assert_eq!(firsts[0], 1);
        assert_eq!(
            firsts.get(1).copied(),
            (chunk_size < 7).then_some(chunk_size + 1)
        );
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn errors_name_the_file_row_and_the_iterator_ends() {
    let dir = tempfile_dir();
    let (clf, _) = fitted(&dir);
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "size,colour\n1,red\n2,blue\n3,green\n4,red\n").unwrap();
    let mut it = clf.predict_csv(&bad, &[] as &[&str], 2).unwrap();
    assert!(it.next().unwrap().is_ok());
    let e = it.next().unwrap().unwrap_err().to_string();
    assert!(
        e.contains("bad.csv") && e.contains("data row 3") && e.contains("green"),
        "{e}"
    );
    assert!(it.next().is_none());

    let words = dir.join("words.csv");
    std::fs::write(&words, "size,colour\n1,red\nbig,blue\n").unwrap();
    let e = clf
        .predict_csv(&words, &[] as &[&str], 10)
        .unwrap()
        .find_map(Result::err)
        .unwrap()
        .to_string();
    assert!(e.contains("data row 2") && e.contains("\"big\""), "{e}");

    let missing = dir.join("missing.csv");
    std::fs::write(&missing, "size\n1\n").unwrap();
    let e = clf
        .predict_csv(&missing, &[] as &[&str], 10)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("colour"), "{e}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn fit_errors_quote_labels_as_written() {
    let table = logreg::preprocess::read_csv_from(
        "x,y\n1,a b\n2,a b\n3,a b\n".as_bytes(),
        &CsvOptions::new(),
    )
    .unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let e = Classifier::fit(&table, "y", Pipeline::new(), &params)
        .unwrap_err()
        .to_string();
    assert!(e.contains("only one class in the labels (\"a b\")"), "{e}");
}

/// A fresh directory under the system temp dir (the facade has no tempfile dependency).
fn tempfile_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "logreg-predict-csv-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
