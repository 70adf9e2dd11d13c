//! Reading CSV into tables: format details, type inference, missing values, and every error,
//! whose message must name the row, column and value.

use std::path::PathBuf;

use logreg_preprocess::{
    read_csv, read_csv_from, Column, ColumnType, CsvOptions, PreprocessError, Table,
    DEFAULT_NA_VALUES,
};

fn read(text: &str) -> Result<Table, PreprocessError> {
    read_csv_from(text.as_bytes(), &CsvOptions::new())
}

fn read_with(text: &str, options: &CsvOptions) -> Result<Table, PreprocessError> {
    read_csv_from(text.as_bytes(), options)
}

fn message(result: Result<Table, PreprocessError>) -> String {
    match result {
        Ok(t) => panic!(
            "expected an error, got a table with columns {:?}",
            t.column_names()
        ),
        Err(e) => e.to_string(),
    }
}

fn assert_mentions(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} should mention {p:?}");
    }
}

/// A file in the temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        let path = std::env::temp_dir().join(format!("logreg-pre-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn quoted_fields_and_line_endings() {
    let lf = "name,note,x\n\"Smith, J\",\"said \"\"hi\"\"\",1.5\nLee,\"two\nlines\",2\n";
    let crlf = lf
        .replace('\n', "\r\n")
        .replace("two\r\nlines", "two\nlines");
    for text in [lf.to_string(), crlf] {
        let t = read(&text).unwrap();
        assert_eq!(t.column_names(), ["name", "note", "x"]);
        assert_eq!(t.n_rows(), 2);
        assert_eq!(
            t.column("name").unwrap(),
            &Column::categorical(["Smith, J", "Lee"])
        );
        assert_eq!(
            t.column("note").unwrap(),
            &Column::categorical(["said \"hi\"", "two\nlines"])
        );
        assert_eq!(t.numeric_values("x").unwrap(), [1.5, 2.0]);
    }
    // No line end after the last row is fine too.
    assert_eq!(read("a,b\n1,2").unwrap().n_rows(), 1);
}

#[test]
fn byte_order_mark_is_stripped() {
    let t = read("\u{feff}age,job\n30,admin.\n").unwrap();
    assert_eq!(t.column_names(), ["age", "job"]);
    assert_eq!(t.numeric_values("age").unwrap(), [30.0]);
    let quoted = read("\u{feff}\"age\",job\n30,x\n").unwrap();
    assert_eq!(quoted.column_names(), ["age", "job"]);
}

#[test]
fn other_delimiters() {
    let t = read_with("a;b\n1,5;x\n", &CsvOptions::new().delimiter(b';')).unwrap();
    assert_eq!(
        t.column("a").unwrap().column_type(),
        ColumnType::Categorical
    ); // "1,5"
    let t = read_with("a\tb\n1\t2\n", &CsvOptions::new().delimiter(b'\t')).unwrap();
    assert_eq!(t.numeric_values("b").unwrap(), [2.0]);
    let bad = read_with("a\n1\n", &CsvOptions::new().delimiter(b'\n'));
    assert!(matches!(bad, Err(PreprocessError::InvalidParameter { .. })));
    let bad = read_with("a\n1\n", &CsvOptions::new().delimiter(b'"'));
    assert_mentions(&message(bad), &["delimiter"]);
}

#[test]
fn type_inference_and_overrides() {
    let text = "int,float,text,mixed,empty,zip\n1,0.5,a,1,,01234\n2,-1e3,b,x,NA,99\n";
    let t = read(text).unwrap();
    let types: Vec<ColumnType> = t.iter().map(|(_, c)| c.column_type()).collect();
    use ColumnType::*;
    assert_eq!(
        types,
        [Numeric, Numeric, Categorical, Categorical, Numeric, Numeric]
    );
    assert_eq!(t.column("empty").unwrap().n_missing(), 2);
    assert_eq!(t.numeric_values("float").unwrap(), [0.5, -1000.0]);
    // Numbers keep their spelling when read as categories.
    let opts = CsvOptions::new().column_type("zip", Categorical);
    let t = read_with(text, &opts).unwrap();
    assert_eq!(
        t.column("zip").unwrap(),
        &Column::categorical(["01234", "99"])
    );
    // An override for a column that is not there is an error listing what is.
    let msg = message(read_with(
        text,
        &CsvOptions::new().column_type("zpi", Categorical),
    ));
    assert_mentions(&msg, &["\"zpi\"", "\"zip\""]);
}

#[test]
fn missing_values_follow_pandas() {
    // python3 -c "from pandas._libs.parsers import STR_NA_VALUES; print(sorted(STR_NA_VALUES))"
    // ['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
    //  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']
    let mut text = String::from("x,c\n");
    for token in DEFAULT_NA_VALUES {
        text.push_str(&format!("{token},{token}\n"));
    }
    text.push_str("1,a\n");
    let t = read(&text).unwrap();
    assert_eq!(t.n_rows(), DEFAULT_NA_VALUES.len() + 1);
    assert_eq!(t.column("x").unwrap().column_type(), ColumnType::Numeric);
    assert_eq!(t.column("x").unwrap().n_missing(), DEFAULT_NA_VALUES.len());
    assert_eq!(t.column("c").unwrap().n_missing(), DEFAULT_NA_VALUES.len());
    // Whitespace-only cells are missing; "unknown" is a category (bank.csv uses it).
    let t = read("x,c\n  ,unknown\n2, NA \n").unwrap();
    assert_eq!(
        t.column("x").unwrap(),
        &Column::numeric_with_missing([None, Some(2.0)])
    );
    assert_eq!(
        t.column("c").unwrap(),
        &Column::categorical_with_missing([Some("unknown"), None])
    );
    // Extra tokens, and switching the defaults off.
    let t = read_with("x\n?\n1\n", &CsvOptions::new().na_values(["?"])).unwrap();
    assert_eq!(
        t.column("x").unwrap(),
        &Column::numeric_with_missing([None, Some(1.0)])
    );
    let t = read_with("c\nNA\n", &CsvOptions::new().keep_default_na(false)).unwrap();
    assert_eq!(t.column("c").unwrap(), &Column::categorical(["NA"]));
}

#[test]
fn non_numeric_value_in_numeric_column() {
    let opts = CsvOptions::new().column_type("age", ColumnType::Numeric);
    let msg = message(read_with("age,job\n31,a\nforty,b\n", &opts));
    assert_mentions(&msg, &["data row 2", "\"age\"", "\"forty\"", "a number"]);
}

#[test]
fn infinity_is_an_error_not_a_value() {
    for (cell, row) in [
        ("inf", 2),
        ("-inf", 2),
        ("1e999", 2),
        ("Infinity", 2),
        ("-1e400", 2),
    ] {
        let text = format!("x,y\n1,a\n{cell},b\n");
        let msg = message(read(&text));
        assert_mentions(
            &msg,
            &[
                &format!("data row {row}"),
                "\"x\"",
                &format!("{cell:?}"),
                "finite",
            ],
        );
        let forced = CsvOptions::new().column_type("x", ColumnType::Numeric);
        assert_mentions(
            &message(read_with(&text, &forced)),
            &["finite", &format!("{cell:?}")],
        );
    }
    // Among words it is just a label.
    let t = read("x\ninf\nabc\n").unwrap();
    assert_eq!(t.column("x").unwrap(), &Column::categorical(["inf", "abc"]));
}

#[test]
fn ragged_rows() {
    let msg = message(read("a,b,c\n1,2,3\n4,5\n"));
    assert_mentions(&msg, &["data row 2", "2 fields", "expected 3"]);
    let msg = message(read("a,b\n1,2\n3,4\n5,6,7\n"));
    assert_mentions(&msg, &["data row 3", "3 fields", "expected 2"]);
}

#[test]
fn blank_lines_are_skipped_and_not_counted() {
    let opts = CsvOptions::new().column_type("a", ColumnType::Numeric);
    let msg = message(read_with("a\n1\n\n\nx\n", &opts));
    assert_mentions(&msg, &["data row 2", "\"x\""]);
}

#[test]
fn bad_headers() {
    let msg = message(read("a,b,a\n1,2,3\n"));
    assert_mentions(&msg, &["\"a\"", "more than once"]);
    let msg = message(read("a,,c\n1,2,3\n"));
    assert_mentions(&msg, &["header field 2", "empty"]);
    let msg = message(read("a, \n1,2\n"));
    assert_mentions(&msg, &["header field 2"]);
}

#[test]
fn empty_inputs() {
    assert!(matches!(read(""), Err(PreprocessError::NoHeader { .. })));
    assert!(matches!(
        read("\u{feff}"),
        Err(PreprocessError::NoHeader { .. })
    ));
    assert!(matches!(
        read("\n\n"),
        Err(PreprocessError::NoHeader { .. })
    ));
    let msg = message(read("a,b\n"));
    assert_mentions(&msg, &["header but no data rows"]);
    assert!(matches!(
        read("a,b\n\n"),
        Err(PreprocessError::NoRows { .. })
    ));
}

#[test]
fn invalid_utf8_names_the_row() {
    let bytes = b"a,b\n1,ok\n2,caf\xe9\n";
    let err = read_csv_from(&bytes[..], &CsvOptions::new()).unwrap_err();
    assert_eq!(err.row(), Some(2));
    assert_eq!(err.column(), Some("b"));
    assert_mentions(&err.to_string(), &["data row 2", "\"b\"", "UTF-8"]);
    let err = read_csv_from(&b"a,\xff\n1,2\n"[..], &CsvOptions::new()).unwrap_err();
    assert_mentions(&err.to_string(), &["header field 2", "UTF-8"]);
}

#[test]
fn errors_from_files_name_the_path() {
    let file = TempFile::new("bad.csv", b"age\n1\n1e999\n");
    let msg = read_csv(&file.0, &CsvOptions::new())
        .unwrap_err()
        .to_string();
    assert_mentions(
        &msg,
        &[&format!("{}: data row 2", file.0.display()), "\"1e999\""],
    );
    let file = TempFile::new("ragged.csv", b"a,b\n1,2\n3\n");
    let msg = read_csv(&file.0, &CsvOptions::new())
        .unwrap_err()
        .to_string();
    assert_mentions(&msg, &[&format!("{}: data row 2", file.0.display())]);
    let nowhere = std::env::temp_dir().join("logreg-pre-does-not-exist.csv");
    let err = read_csv(&nowhere, &CsvOptions::new()).unwrap_err();
    assert!(matches!(err, PreprocessError::Io { .. }));
    assert_mentions(&err.to_string(), &["logreg-pre-does-not-exist.csv"]);
    let ok = TempFile::new("ok.csv", b"\xef\xbb\xbfa,b\r\n1,x\r\n");
    let t = read_csv(&ok.0, &CsvOptions::new()).unwrap();
    assert_eq!(t.column_names(), ["a", "b"]);
}

#[test]
fn reads_the_bank_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/bank.csv");
    let t = read_csv(path, &CsvOptions::new()).unwrap();
    assert_eq!((t.n_rows(), t.n_cols()), (11162, 17));
    assert_eq!(t.column("age").unwrap().column_type(), ColumnType::Numeric);
    assert_eq!(
        t.column("job").unwrap().column_type(),
        ColumnType::Categorical
    );
    assert!(t.iter().all(|(_, c)| c.n_missing() == 0));
    // python3 -c "import pandas as pd; d=pd.read_csv('datasets/bank.csv'); print(d.balance.sum())"
    // 17061547
    let balance: f64 = t.numeric_values("balance").unwrap().iter().sum();
    assert_eq!(balance, 17061547.0);
}
