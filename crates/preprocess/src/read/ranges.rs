//! One CSV file read in separate runs of rows (one per rank of a distributed fit): a quote-aware
//! scan finds record boundaries that cut the data into runs of about equal bytes, and each run
//! is read on its own, with the header in front, into a table of its rows only.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;

use super::source::ReadBlocks;
use super::tokenizer::FieldEnd;
use super::{open_file, read_csv_bytes, tokenizer, CsvOptions};
use crate::error::PreprocessError;
use crate::table::Table;

/// A run of a CSV file's records: the bytes of the header and of the run, and how many data
/// rows of the file come before it (so that errors name the file's rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRange {
    /// The header record (with any byte-order mark and blank lines before it).
    pub header: Range<u64>,
    /// Whole records: the run's data rows.
    pub data: Range<u64>,
    /// Data rows of the file before the run.
    pub rows_before: usize,
    /// Data rows in the run.
    pub rows: usize,
}

/// Cuts the data rows of the CSV file at `path` into `parts` consecutive runs of whole records,
/// of about equal size in bytes, in file order, by one quote-aware scan of the file (a quoted
/// line end never splits a record). A run is empty when the file has fewer rows than `parts`.
pub fn csv_row_ranges(
    path: impl AsRef<Path>,
    options: &CsvOptions,
    parts: usize,
) -> Result<Vec<CsvRange>, PreprocessError> {
    let path = path.as_ref();
    options.validate()?;
    let parts = parts.max(1);
    let mut file = open_file(path)?;
    let io = |source| PreprocessError::Io {
        path: Some(path.to_path_buf()),
        source,
    };
    let size = file.metadata().map_err(io)?.len();
    let mut start = [0u8; 6];
    let got = file.read(&mut start).map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut offset = bom_bytes(&start[..got]) as u64;
    let tok = tokenizer(options);
    let mut blocks = ReadBlocks::new(file, tok, options.block_bytes(), Some(path.to_path_buf()));
    // Record starts at which runs begin: (file offset, data rows before).
    let mut cuts: Vec<(u64, usize)> = Vec::with_capacity(parts + 1);
    let mut header_end = None;
    let mut rows = 0usize;
    let mut spare = None;
    while let Some(block) = blocks.next_owned(spare.take())? {
        let mut pos = 0;
        while tok.start_record(&block, &mut pos) {
            let at = offset + pos as u64;
            if let Some(data_start) = header_end {
                // The next cut is due once this record starts at or past its share of the bytes.
                let due = cuts.len();
                let target = data_start + (size - data_start) * due as u64 / parts as u64;
                if due < parts && at >= target {
                    cuts.push((at, rows));
                }
            }
            // The record's fields, up to its terminator (or the end of the file).
            while let FieldEnd::Delimiter = tok.field(&block, &mut pos).1 {}
            if header_end.is_none() {
                let end = offset + pos as u64;
                header_end = Some(end);
                cuts.push((end, 0));
            } else {
                rows += 1;
            }
        }
        offset += block.len() as u64;
        spare = Some(block);
    }
    let Some(header_end) = header_end else {
        return Err(PreprocessError::NoHeader {
            path: Some(path.to_path_buf()),
        });
    };
    while cuts.len() < parts {
        cuts.push((size, rows));
    }
    cuts.push((size, rows));
    Ok(cuts
        .windows(2)
        .map(|w| CsvRange {
            header: 0..header_end,
            data: w[0].0..w[1].0,
            rows_before: w[0].1,
            rows: w[1].1 - w[0].1,
        })
        .collect())
}

/// Reads one run of a CSV file (see [`csv_row_ranges`]) into a table of its rows, with the
/// header in front: the same columns, types and rules as [`super::read_csv`] (types are
/// guessed from the run's own rows). Errors name the file and its data rows.
pub fn read_csv_range(
    path: impl AsRef<Path>,
    options: &CsvOptions,
    range: &CsvRange,
) -> Result<Table, PreprocessError> {
    let path = path.as_ref();
    let io = |source| PreprocessError::Io {
        path: Some(path.to_path_buf()),
        source,
    };
    let mut file: File = open_file(path)?;
    let mut bytes = Vec::new();
    for part in [&range.header, &range.data] {
        file.seek(SeekFrom::Start(part.start)).map_err(io)?;
        let len = part.end.saturating_sub(part.start);
        let before = bytes.len();
        (&mut file).take(len).read_to_end(&mut bytes).map_err(io)?;
        if ((bytes.len() - before) as u64) < len {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the file is shorter than when it was split into runs (did it change?)",
            )));
        }
    }
    read_csv_bytes(&bytes, options)
        .map_err(|e| e.with_row_offset(range.rows_before).with_path(path))
}

/// How many bytes of UTF-8 byte-order marks open `data` (the reader drops up to two).
fn bom_bytes(data: &[u8]) -> usize {
    const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
    let mut n = 0;
    while n < 2 * BOM.len() && data[n..].starts_with(BOM) {
        n += BOM.len();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_csv;

    #[test]
    fn runs_read_separately_are_the_file_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        let mut text = String::from("\u{feff}x,label\n");
        for i in 0..50 {
            // Quoted line ends must never split a record.
            let label = if i % 7 == 0 {
                format!("\"two\nlines {i}\"")
            } else {
                format!("l{i}")
            };
            text.push_str(&format!("{i},{label}\n"));
            if i % 9 == 0 {
                text.push('\n');
            }
        }
        std::fs::write(&path, &text).unwrap();
        let whole = read_csv(&path, &CsvOptions::new()).unwrap();
        for parts in 1..=8 {
            let ranges = csv_row_ranges(&path, &CsvOptions::new(), parts).unwrap();
            assert_eq!(ranges.len(), parts);
            let mut rows = 0;
            for r in &ranges {
                assert_eq!(r.rows_before, rows);
                let t = read_csv_range(&path, &CsvOptions::new(), r).unwrap();
                assert_eq!(t.n_rows(), r.rows);
                let expected = whole
                    .take(&(rows..rows + r.rows).collect::<Vec<_>>())
                    .unwrap();
                assert_eq!(t.column("x").unwrap(), expected.column("x").unwrap());
                assert_eq!(
                    t.column("label").unwrap(),
                    expected.column("label").unwrap()
                );
                rows += r.rows;
            }
            assert_eq!(rows, 50);
            assert!(
                ranges.iter().all(|r| r.rows >= 50 / parts / 2),
                "{ranges:?}"
            );
        }
        let few = csv_row_ranges(&path, &CsvOptions::new(), 60).unwrap();
        assert!(few.iter().filter(|r| r.rows == 0).count() >= 10);
        assert_eq!(few.iter().map(|r| r.rows).sum::<usize>(), 50);
    }

    #[test]
    fn errors_in_a_run_name_the_file_and_its_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.csv");
        let mut text = String::from("x,y\n");
        for i in 0..20 {
            text.push_str(if i == 15 { "1,2,3\n" } else { "1,2\n" });
        }
        std::fs::write(&path, &text).unwrap();
        let ranges = csv_row_ranges(&path, &CsvOptions::new(), 2).unwrap();
        assert!(read_csv_range(&path, &CsvOptions::new(), &ranges[0]).is_ok());
        let e = read_csv_range(&path, &CsvOptions::new(), &ranges[1]).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: data row 16 has 3 fields, expected 2 (one per header column)",
                path.display()
            )
        );
    }
}
