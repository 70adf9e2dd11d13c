//! Streaming: fixed-schema chunks of bounded size, transformed one at a time.

use logreg_preprocess::{
    read_csv_chunks, read_csv_chunks_from, read_csv_from, Column, ColumnType, CsvOptions,
    OneHotEncoder, Pipeline, PreprocessError, Schema, Table,
};

const DATA: &str = "id,x,city,label\n1,0.5,Paris,yes\n2,1.5,Lyon,no\n3,NA,Paris,no\n\
                    4,2.5,Nice,yes\n5,3.5,Lyon,yes\n";

fn schema() -> Schema {
    Schema::new([
        ("city", ColumnType::Categorical),
        ("x", ColumnType::Numeric),
    ])
}

fn chunks(data: &str, size: usize) -> Result<Vec<Table>, PreprocessError> {
    read_csv_chunks_from(data.as_bytes(), &schema(), size, &CsvOptions::new())?.collect()
}

#[test]
fn chunks_have_the_schema_and_bounded_size() {
    let parts = chunks(DATA, 2).unwrap();
    let sizes: Vec<usize> = parts.iter().map(Table::n_rows).collect();
    assert_eq!(sizes, [2, 2, 1]);
    for part in &parts {
        assert_eq!(part.schema(), schema()); // schema order; id and label skipped
    }
    assert_eq!(
        parts[1].column("x").unwrap(),
        &Column::numeric_with_missing([None, Some(2.5)])
    );
    // Together they are the file read whole.
    let whole = read_csv_from(DATA.as_bytes(), &CsvOptions::new()).unwrap();
    let rows: Vec<Option<String>> = parts
        .iter()
        .flat_map(|p| p.column("city").unwrap().as_categorical().unwrap().to_vec())
        .collect();
    assert_eq!(
        rows,
        whole
            .column("city")
            .unwrap()
            .as_categorical()
            .unwrap()
            .to_vec()
    );
    assert_eq!(chunks(DATA, 100).unwrap().len(), 1);
}

#[test]
fn transform_chunk_by_chunk_equals_whole() {
    let whole = read_csv_from(DATA.as_bytes(), &CsvOptions::new()).unwrap();
    let train = whole.take(&[0, 1, 3, 4]).unwrap();
    let mut pipeline = Pipeline::new()
        .select(["city", "x"])
        .step(OneHotEncoder::new(["city"]))
        .standardize_all();
    pipeline.fit(&train).unwrap();
    let want = pipeline.transform(&train).unwrap();

    let lines: Vec<&str> = DATA.lines().collect();
    let without_missing = [lines[0], lines[1], lines[2], lines[4], lines[5]].join("\n");
    let schema = pipeline.input_schema().unwrap().clone();
    let mut got = Vec::new();
    for chunk in
        read_csv_chunks_from(without_missing.as_bytes(), &schema, 3, &CsvOptions::new()).unwrap()
    {
        let features = pipeline.transform(&chunk.unwrap()).unwrap();
        got.extend(
            features
                .to_dmatrix()
                .row_iter()
                .map(|r| r.iter().copied().collect::<Vec<f64>>()),
        );
    }
    let want: Vec<Vec<f64>> = want
        .to_dmatrix()
        .row_iter()
        .map(|r| r.iter().copied().collect())
        .collect();
    assert_eq!(got, want);
}

#[test]
fn row_offset_points_into_the_file() {
    let whole = read_csv_from(DATA.as_bytes(), &CsvOptions::new()).unwrap();
    let mut pipeline = Pipeline::new().select(["x"]).standardize_all();
    pipeline.fit(&whole.take(&[0, 1]).unwrap()).unwrap();
    let schema = pipeline.input_schema().unwrap().clone();
    let mut reader = read_csv_chunks_from(DATA.as_bytes(), &schema, 2, &CsvOptions::new()).unwrap();
    assert_eq!(reader.header(), ["id", "x", "city", "label"]);
    let mut error = None;
    while let Some(chunk) = reader.next() {
        if let Err(e) = pipeline.transform(&chunk.unwrap()) {
            error = Some(e.with_row_offset(reader.rows_before_last_chunk()));
            break;
        }
    }
    let error = error.expect("row 3 has a missing x");
    assert_eq!(error.row(), Some(3));
    assert!(error.to_string().contains("data row 3"), "{error}");
}

#[test]
fn errors_carry_file_rows_and_end_the_iteration() {
    let bad = "city,x\nParis,1\nLyon,2\nNice,oops\nRome,4\n";
    let mut reader =
        read_csv_chunks_from(bad.as_bytes(), &schema(), 2, &CsvOptions::new()).unwrap();
    assert_eq!(reader.next().unwrap().unwrap().n_rows(), 2);
    let msg = reader.next().unwrap().unwrap_err().to_string();
    for part in ["data row 3", "\"x\"", "\"oops\"", "a number"] {
        assert!(msg.contains(part), "{msg} should mention {part}");
    }
    assert!(reader.next().is_none());
    let msg = chunks("city,x\nParis,1\nLyon\n", 10)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("data row 2") && msg.contains("has 1 field,"),
        "{msg}"
    );
    let msg = chunks("city,x\nParis,inf\n", 10).unwrap_err().to_string();
    assert!(msg.contains("finite") && msg.contains("\"inf\""), "{msg}");
}

#[test]
fn schema_and_parameter_errors() {
    let msg = chunks("city,y\nParis,1\n", 2).unwrap_err().to_string();
    assert!(msg.contains("missing columns \"x\""), "{msg}");
    let err = read_csv_chunks_from(DATA.as_bytes(), &schema(), 0, &CsvOptions::new()).err();
    assert!(matches!(
        err,
        Some(PreprocessError::InvalidParameter { .. })
    ));
    assert!(matches!(
        chunks("city,x\n", 2),
        Err(PreprocessError::NoRows { .. })
    ));
    assert!(matches!(
        chunks("", 2),
        Err(PreprocessError::NoHeader { .. })
    ));
    let missing_file = std::env::temp_dir().join("logreg-pre-no-such-chunks.csv");
    let err = read_csv_chunks(&missing_file, &schema(), 2, &CsvOptions::new()).err();
    assert!(err
        .unwrap()
        .to_string()
        .contains("logreg-pre-no-such-chunks.csv"));
}
