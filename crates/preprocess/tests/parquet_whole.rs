//! A whole Parquet file read at once (row groups decoded in parallel straight into the table's
//! blocks) is the table its passes give, with or without side columns, and its errors name the
//! rows of the whole file.

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray};
use logreg_preprocess::parquet::ParquetPasses;
use logreg_preprocess::{CsvOptions, FileFormat, Table, TableFile};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

/// 35 rows in row groups of 7: a float with nulls (and `bad` at row `bad_row`, 1-based), an
/// integer, text with nulls and repeats, an integer target.
fn write(path: &std::path::Path, bad: Option<(usize, f64)>) {
    let n = 35;
    let x: Vec<Option<f64>> = (0..n)
        .map(|i| match bad {
            Some((row, v)) if row == i + 1 => Some(v),
            _ => (i % 5 != 3).then_some(i as f64 * 0.5 - 4.0),
        })
        .collect();
    let k: Vec<i32> = (0..n).map(|i| (i as i32 * 7) % 11).collect();
    let city: Vec<Option<&str>> = (0..n)
        .map(|i| ["Lyon", "Paris", "Nice"].get(i % 4).copied())
        .collect();
    let y: Vec<i64> = (0..n).map(|i| (i % 3 == 0) as i64).collect();
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("x", Arc::new(Float64Array::from(x))),
        ("k", Arc::new(Int32Array::from(k))),
        ("city", Arc::new(StringArray::from(city))),
        ("y", Arc::new(Int64Array::from(y))),
    ];
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(7))
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn a_whole_file_is_its_passes_joined_with_or_without_side_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("groups.parquet");
    write(&path, None);
    let file = ParquetPasses::open(&path).unwrap();
    let whole = file.read_all().unwrap().unwrap();
    assert_eq!(whole.n_rows(), 35);
    let chunks: Vec<Table> = file
        .chunks(3)
        .unwrap()
        .map(|c| c.unwrap().1)
        .collect::<Vec<_>>();
    assert!(chunks.len() >= 5, "one chunk or more per row group");
    assert_eq!(whole, Table::concat(chunks).unwrap());
    let side = file
        .read_all_with_side(|name| name == "y" || name == "k")
        .unwrap()
        .unwrap();
    assert_eq!(side, whole);
    // Through a table file whose options name the target as a side column.
    let table_file = TableFile::open(
        &path,
        FileFormat::Parquet,
        &CsvOptions::new().side_columns(["y"]),
    )
    .unwrap();
    assert_eq!(table_file.read_all().unwrap(), whole);
    let x = whole.column("x").unwrap().as_numeric().unwrap().to_vec();
    assert_eq!(
        x[..5],
        [Some(-4.0), Some(-3.5), Some(-3.0), None, Some(-2.0)]
    );
    assert_eq!(x[33], None);
    assert_eq!(x[34], Some(13.0));
    let city = whole.column("city").unwrap().as_categorical().unwrap();
    assert_eq!(city.categories(), ["Lyon", "Paris", "Nice"]);
    assert_eq!(
        city.to_vec()[27..30],
        [None, Some("Lyon".to_string()), Some("Paris".to_string())]
    );
    // Only the columns selected are read.
    let mut some = ParquetPasses::open(&path).unwrap();
    some.select(&["city", "y"]).unwrap();
    let t = some
        .read_all_with_side(|name| name == "y")
        .unwrap()
        .unwrap();
    assert_eq!(t.column_names(), ["city", "y"]);
    assert_eq!(t, whole.select(&["city", "y"]).unwrap());
}

#[test]
fn an_infinite_value_in_a_later_row_group_names_its_row_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inf.parquet");
    write(&path, Some((24, f64::INFINITY)));
    let e = ParquetPasses::open(&path)
        .unwrap()
        .read_all()
        .unwrap_err()
        .to_string();
    assert!(e.contains("inf.parquet"), "{e}");
    assert!(e.contains("row 24"), "{e}");
    assert!(e.contains("column \"x\""), "{e}");
}
