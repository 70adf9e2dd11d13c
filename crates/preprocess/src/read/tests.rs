//! The reader against two references on random CSV text: a one-thread, one-block read of its own
//! (the parallel read must give exactly the same table or error), and the reader this one
//! replaced, kept here in a few lines on top of the `csv` crate (same values, types and errors).

use proptest::prelude::*;

use super::cells::{parse_number, NaSet, NumberError};
use super::parse::number_error;
use super::*;
use crate::column::Column;
use crate::schema::ColumnType;

/// The previous reader: every record through the `csv` crate, cells kept as text, types
/// decided once every row is read.
fn reference(text: &[u8], options: &CsvOptions) -> Result<Table, PreprocessError> {
    options.validate()?;
    // What SkipBom, the wrapper it read through, dropped; csv-core drops a second mark itself.
    let body = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let mut csv = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(options.delimiter_byte())
        .quote(options.quote_byte())
        .from_reader(body);
    let mut records = csv.byte_records();
    let header = match records.next() {
        None => return Err(PreprocessError::NoHeader { path: None }),
        Some(r) => r.map_err(|e| PreprocessError::Io {
            path: None,
            source: std::io::Error::other(e.to_string()),
        })?,
    };
    let mut names: Vec<String> = Vec::new();
    for (i, field) in header.iter().enumerate() {
        let name = std::str::from_utf8(field).map_err(|_| PreprocessError::HeaderNotUtf8 {
            path: None,
            position: i + 1,
        })?;
        if name.trim().is_empty() {
            return Err(PreprocessError::EmptyColumnName {
                path: None,
                position: i + 1,
            });
        }
        if names.iter().any(|n| n == name) {
            return Err(PreprocessError::DuplicateColumn {
                path: None,
                column: name.to_string(),
            });
        }
        names.push(name.to_string());
    }
    for (name, _) in options.forced_types() {
        if !names.contains(name) {
            return Err(PreprocessError::ColumnNotFound {
                column: name.clone(),
                available: names,
            });
        }
    }
    let na = NaSet::new(options);
    let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
    let mut rows = 0;
    for record in records {
        let record = record.map_err(|e| PreprocessError::Io {
            path: None,
            source: std::io::Error::other(e.to_string()),
        })?;
        rows += 1;
        if record.len() != names.len() {
            return Err(PreprocessError::RaggedRow {
                path: None,
                row: rows,
                expected: names.len(),
                found: record.len(),
            });
        }
        for (i, column) in cells.iter_mut().enumerate() {
            let cell =
                std::str::from_utf8(&record[i]).map_err(|_| PreprocessError::InvalidUtf8 {
                    path: None,
                    row: rows,
                    column: names[i].clone(),
                })?;
            column.push((!na.is_na(cell)).then(|| cell.to_string()));
        }
    }
    if rows == 0 {
        return Err(PreprocessError::NoRows { path: None });
    }
    let mut columns = Vec::new();
    for (name, column) in names.iter().zip(cells) {
        let numeric = match options.forced_type(name) {
            Some(t) => t == ColumnType::Numeric,
            None => column
                .iter()
                .flatten()
                .all(|c| parse_number(c) != Err(NumberError::NotANumber)),
        };
        if !numeric {
            columns.push((name.clone(), Column::categorical_with_missing(column)));
            continue;
        }
        let mut values = Vec::new();
        for (i, cell) in column.iter().enumerate() {
            values.push(match cell {
                None => None,
                Some(c) => {
                    Some(parse_number(c).map_err(|e| number_error(e, &None, i + 1, name, c))?)
                }
            });
        }
        columns.push((name.clone(), Column::numeric_with_missing(values)));
    }
    Table::new(columns)
}

/// A table or an error, comparable.
fn outcome(r: Result<Table, PreprocessError>) -> Result<Table, (String, Option<usize>)> {
    r.map_err(|e| (e.to_string(), e.row()))
}

/// CSV-like text: headers, numbers, NA tokens, quotes with line ends and commas inside,
/// ragged rows, stray bytes.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let atoms = prop::sample::select(vec![
        "a", "b", "c", ",", ",", ",", "\n", "\n", "\r\n", "\r", "\"", "\"x\ny\"", "\"1,5\"",
        "\"\"", "1", "-2.5", "0.125", "3e2", "1e999", "inf", "NaN", "NA", "", " ", " 7 ", "?",
        "\u{feff}", "\u{e9}", "\u{ff}", "yes",
    ]);
    prop::collection::vec(atoms, 0..120).prop_map(|parts| {
        let text = parts.concat();
        // "\u{ff}" stands for a byte that is not UTF-8.
        text.replace('\u{ff}', "\u{1}")
            .into_bytes()
            .into_iter()
            .map(|b| if b == 1 { 0xFF } else { b })
            .collect()
    })
}

/// A header and rows of numbers and labels, some quoted across lines: mostly valid files.
fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    let cell = prop::sample::select(vec![
        "1", "-2.5", "0.1", "1e-3", "NA", "", "x", "\"a\nb\"", "\"1\"", " 3", "nan", "7",
    ]);
    let row = prop::collection::vec(cell, 3);
    (prop::collection::vec(row, 1..40), 0usize..3).prop_map(|(rows, bad)| {
        let mut text = String::from("p,q,r\n");
        for (i, row) in rows.iter().enumerate() {
            text.push_str(&row.join(","));
            if bad == 1 && i == rows.len() / 2 {
                text.push_str(",extra");
            }
            text.push_str(if i % 3 == 0 { "\r\n" } else { "\n" });
        }
        if bad == 2 {
            text.push_str("word,1,2\n");
        }
        text.into_bytes()
    })
}

fn options() -> impl Strategy<Value = CsvOptions> {
    (0u8..4).prop_map(|k| match k {
        0 => CsvOptions::new(),
        1 => CsvOptions::new().na_values(["?", "7"]),
        2 => CsvOptions::new().column_type("a", ColumnType::Numeric),
        _ => CsvOptions::new().keep_default_na(false),
    })
}

fn check(
    text: &[u8],
    options: &CsvOptions,
    block: usize,
    threads: usize,
) -> Result<(), TestCaseError> {
    let one = outcome(read_csv_bytes(
        text,
        &options.clone().threads(1).block_size(1 << 30),
    ));
    let many = outcome(read_csv_bytes(
        text,
        &options.clone().threads(threads).block_size(block),
    ));
    prop_assert_eq!(
        &many,
        &one,
        "parallel read differs (block {}, {} threads)",
        block,
        threads
    );
    let streamed = outcome(read_csv_from(
        ReadBlocksProbe(text),
        &options.clone().threads(threads).block_size(block),
    ));
    prop_assert_eq!(&streamed, &one);
    // Side columns change the layout, never the table (names from both generators).
    let apart = outcome(read_csv_bytes(
        text,
        &options
            .clone()
            .side_columns(["a", "q", "r"])
            .threads(threads)
            .block_size(block),
    ));
    prop_assert_eq!(&apart, &one, "side columns change the table");
    prop_assert_eq!(
        &one,
        &outcome(reference(text, options)),
        "differs from the previous reader"
    );
    Ok(())
}

/// A reader that hands out a few bytes at a time, as a pipe does.
struct ReadBlocksProbe<'a>(&'a [u8]);

impl std::io::Read for ReadBlocksProbe<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0.len()).min(3);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn parallel_equals_one_thread_on_random_text(
        text in csvish(),
        options in options(),
        block in 1usize..24,
        threads in 2usize..4,
    ) {
        check(&text, &options, block, threads)?;
    }

    #[test]
    fn parallel_equals_one_thread_on_files(
        text in csv_file(),
        options in options(),
        block in 1usize..64,
        threads in 2usize..4,
    ) {
        check(&text, &options, block, threads)?;
    }
}

#[test]
fn a_column_with_text_far_down_is_read_again_as_labels() {
    // More rows than the sample, so the guess from the first 1 000 rows is "numeric".
    let mut text = String::from("x,y\n");
    for i in 0..3000 {
        text.push_str(&format!("{i},0{i}\n"));
    }
    text.push_str("later,1\n");
    for block in [64, 1 << 20] {
        let t = read_csv_bytes(
            text.as_bytes(),
            &CsvOptions::new().block_size(block).threads(2),
        )
        .unwrap();
        let x = t.column("x").unwrap();
        assert_eq!(x.column_type(), ColumnType::Categorical);
        assert_eq!(x.display_value(3000).as_deref(), Some("later"));
        assert_eq!(x.display_value(7).as_deref(), Some("7"));
        assert_eq!(t.column("y").unwrap().column_type(), ColumnType::Numeric);
        assert_eq!(t, reference(text.as_bytes(), &CsvOptions::new()).unwrap());
    }
}

#[test]
fn errors_far_down_name_the_row_of_the_file() {
    let mut text = String::from("x,y\n");
    for i in 0..5000 {
        text.push_str(&format!("{i},\"a\nb\"\n"));
    }
    text.push_str("1\n");
    let err = read_csv_bytes(
        text.as_bytes(),
        &CsvOptions::new().block_size(100).threads(3),
    )
    .unwrap_err();
    assert_eq!(err.row(), Some(5001));
    assert_eq!(
        err.to_string(),
        "data row 5001 has 1 field, expected 2 (one per header column)"
    );
}

/// The chunks read (first row, table) and the error, if any, as its text and its row.
type ReadOutcome = (Vec<(usize, Table)>, Option<(String, Option<usize>)>);

/// Chunks one at a time, as (first data row, table), then the error if any.
fn chunks_one_by_one(text: &[u8], schema: &crate::schema::Schema, size: usize) -> ReadOutcome {
    let mut out = Vec::new();
    let mut reader = match CsvChunks::open(text, None, schema, size, &CsvOptions::new(), None) {
        Ok(r) => r,
        Err(e) => return (out, Some((e.to_string(), e.row()))),
    };
    while let Some(item) = reader.next() {
        match item {
            Ok(t) => out.push((reader.rows_before_last_chunk(), t)),
            Err(e) => return (out, Some((e.to_string(), e.row()))),
        }
    }
    (out, None)
}

/// The same chunks through `next_batch`, blocks of `block` bytes, `per_batch` blocks at a time.
fn chunks_in_batches(
    text: &[u8],
    schema: &crate::schema::Schema,
    size: usize,
    block: usize,
    per_batch: usize,
) -> ReadOutcome {
    let mut out = Vec::new();
    let options = CsvOptions::new().block_size(block);
    let mut reader = match CsvChunks::open(text, None, schema, size, &options, None) {
        Ok(r) => r,
        Err(e) => return (out, Some((e.to_string(), e.row()))),
    };
    loop {
        let (tables, error) = reader.next_batch(per_batch);
        let done = tables.is_empty();
        out.extend(tables);
        if let Some(e) = error {
            return (out, Some((e.to_string(), e.row())));
        }
        if done {
            return (out, None);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Batches parsed on several cores hold the same rows, with the same first rows and the
    /// same error at the same row, as chunks read one at a time (the split into tables may
    /// differ: a batch's tables never straddle its blocks; and before an error a batch hands
    /// out every good row, where one chunk at a time drops the chunk that holds the error).
    #[test]
    fn batches_equal_chunks_read_one_at_a_time(
        text in csv_file(),
        size in 1usize..7,
        block in 1usize..64,
        per_batch in 1usize..4,
    ) {
        let schema = crate::schema::Schema::new([("r", ColumnType::Categorical), ("p", ColumnType::Numeric)]);
        let (one, e1) = chunks_one_by_one(&text, &schema, size);
        let (many, e2) = chunks_in_batches(&text, &schema, size, block, per_batch);
        prop_assert_eq!(&e2, &e1);
        prop_assert!(many.iter().all(|(_, t)| t.n_rows() <= size && t.n_rows() > 0));
        // A row with a problem leaves nothing behind: every column has the table's rows, and
        // every category is one of those rows' values.
        for (_, t) in &many {
            let r = t.column("r").unwrap().as_categorical().unwrap().to_vec();
            prop_assert_eq!(r.len(), t.n_rows());
            prop_assert_eq!(t.column("p").unwrap().as_numeric().unwrap().len(), t.n_rows());
            let cats = t.column("r").unwrap().as_categorical().unwrap().categories().to_vec();
            prop_assert!(cats.iter().all(|c| r.iter().any(|v| v.as_deref() == Some(c.as_str()))), "{:?} {:?}", cats, r);
        }
        let rows = |chunks: &[(usize, Table)]| -> Vec<(usize, Option<f64>, Option<String>)> {
            chunks.iter().flat_map(|(first, t)| {
                let p = t.column("p").unwrap().as_numeric().unwrap().to_vec();
                let r = t.column("r").unwrap().as_categorical().unwrap().to_vec();
                (0..t.n_rows()).map(move |i| (first + i + 1, p[i], r[i].clone()))
            }).collect()
        };
        let (many, one) = (rows(&many), rows(&one));
        if e1.is_none() {
            prop_assert_eq!(many, one);
        } else {
            prop_assert!(many.len() >= one.len() && many[..one.len()] == one[..]);
            if let Some((_, Some(bad))) = &e1 {
                prop_assert!(many.iter().all(|(row, _, _)| row < bad));
            }
        }
    }
}

#[test]
fn a_mapped_file_reads_like_its_bytes_even_when_a_column_is_read_again() {
    // Small blocks, so pages of the map are given back while later blocks are parsed, and a
    // column guessed numeric that holds text far down, so the map is read a second time.
    let mut text = String::from("x,y,z\n");
    for i in 0..20_000 {
        text.push_str(&format!("{i},{},\"q{}\"\n", i as f64 / 7.0, i % 13));
    }
    text.push_str("later,1,\"q\nr\"\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mapped.csv");
    std::fs::write(&path, &text).unwrap();
    for (block, threads) in [(4096, 2), (10_000, 3), (1 << 20, 1)] {
        let options = CsvOptions::new().block_size(block).threads(threads);
        let mapped = read_csv(&path, &options).unwrap();
        assert_eq!(mapped, read_csv_bytes(text.as_bytes(), &options).unwrap());
        assert_eq!(
            mapped.column("x").unwrap().column_type(),
            ColumnType::Categorical
        );
    }
    // Errors name the file and the row, as from a stream.
    std::fs::write(&path, "a,b\n1,2\n3\n").unwrap();
    let err = read_csv(&path, &CsvOptions::new()).unwrap_err();
    assert_eq!(err.row(), Some(2));
    assert!(err.to_string().contains("mapped.csv"), "{err}");
}

#[test]
fn a_mapped_file_gives_the_chunks_of_its_bytes() {
    // Quoted line ends, CRLF, a byte-order mark, and a bad number far down: the mapped file's
    // batches (parsed in place, pages given back) and chunks equal those of its bytes.
    let mut text = String::from("\u{feff}x,label\n");
    for i in 0..5_000 {
        text.push_str(&format!("{},\"l{}\n{}\"\r\n", i as f64 / 3.0, i % 7, i));
    }
    text.push_str("oops,1\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chunks.csv");
    std::fs::write(&path, &text).unwrap();
    let schema = crate::schema::Schema::new([
        ("x", ColumnType::Numeric),
        ("label", ColumnType::Categorical),
    ]);
    for (size, block, per_batch) in [(7, 4096, 2), (1000, 10_000, 3), (100_000, 1 << 20, 1)] {
        let options = CsvOptions::new().block_size(block);
        let (want, want_err) = chunks_in_batches(text.as_bytes(), &schema, size, block, per_batch);
        let mut reader = crate::read_csv_chunks(&path, &schema, size, &options).unwrap();
        let (mut got, mut got_err) = (Vec::new(), None);
        loop {
            let (tables, error) = reader.next_batch(per_batch);
            let done = tables.is_empty();
            got.extend(tables);
            if let Some(e) = error {
                got_err = Some(e.row());
                break;
            }
            if done {
                break;
            }
        }
        assert_eq!(got, want, "batches, chunk size {size}, block {block}");
        assert_eq!(got_err, want_err.map(|e| e.1));
        assert_eq!(got_err, Some(Some(5_001)));
        let mut one = Vec::new();
        let mut reader = crate::read_csv_chunks(&path, &schema, size, &options).unwrap();
        while let Some(Ok(t)) = reader.next() {
            one.push((reader.rows_before_last_chunk(), t));
        }
        assert_eq!(one, chunks_one_by_one(text.as_bytes(), &schema, size).0);
    }
}
