//! Reading libsvm / svmlight files straight into a sparse design.
//!
//! Each line is `label index:value index:value …`, fields separated by spaces or tabs:
//! - the label is a number (`1`, `-1`, `+1`, `0.5`), kept as written;
//! - indices are 1-based integers, strictly increasing within a line; feature `i` is design
//!   column `i − 1`, and the file's feature count is its largest index (or the count given);
//! - values are finite numbers (no larger than 1e150 in magnitude); a feature not listed is 0;
//! - `#` starts a comment to the end of the line; blank and comment-only lines are skipped;
//! - `qid:` (ranking query ids) is refused: this is a classifier.
//!
//! Every error names the file, the 1-based line (comment and blank lines counted), the token,
//! what was expected there and what was found.
//!
//! ```
//! use logreg_preprocess::read_libsvm_from;
//! let text = "+1 1:0.5 3:2 # a comment\n-1 2:1\n";
//! let data = read_libsvm_from(text.as_bytes(), None)?;
//! assert_eq!(data.n_features(), 3);
//! assert_eq!(data.labels.get(0), Some("+1"));
//! assert_eq!(data.numeric_labels(), [1.0, -1.0]);
//! assert_eq!(data.design.row(0), (&[0u32, 2][..], &[0.5, 2.0][..]));
//! # Ok::<(), logreg_preprocess::PreprocessError>(())
//! ```

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use logreg_linalg_core::{Csr, MAX_MAGNITUDE};

use crate::column::CategoricalColumn;
use crate::error::PreprocessError;

/// The rows of a libsvm file (or of one chunk of it): a sparse design, the labels as written,
/// and the feature count.
#[derive(Debug, Clone, PartialEq)]
pub struct LibsvmData {
    /// One row per data line; column `i − 1` holds feature `i`.
    pub design: Csr<'static>,
    /// The label of each row, as written (all numbers).
    pub labels: CategoricalColumn,
}

impl LibsvmData {
    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.design.n_rows()
    }

    /// The feature count: the design's number of columns.
    pub fn n_features(&self) -> usize {
        self.design.n_cols()
    }

    /// The labels as numbers (checked when read).
    pub fn numeric_labels(&self) -> Vec<f64> {
        let values: Vec<f64> = self
            .labels
            .categories()
            .iter()
            .map(|l| l.parse().unwrap_or(f64::NAN))
            .collect();
        self.labels
            .codes()
            .iter()
            .map(|&c| values.get(c as usize).copied().unwrap_or(f64::NAN))
            .collect()
    }
}

/// Reads a whole libsvm file. With `n_features`, the design has that many columns and a larger
/// index is an error (e.g. a model's feature count at prediction); without, it has as many as
/// the largest index.
pub fn read_libsvm(
    path: impl AsRef<Path>,
    n_features: Option<usize>,
) -> Result<LibsvmData, PreprocessError> {
    let path = path.as_ref();
    let file = open(path)?;
    let mut lines = Lines::new(
        BufReader::with_capacity(1 << 20, file),
        Some(path.into()),
        n_features,
    );
    lines.read(usize::MAX)
}

/// [`read_libsvm`] over any buffered reader (`&[u8]` is one).
pub fn read_libsvm_from<R: BufRead>(
    reader: R,
    n_features: Option<usize>,
) -> Result<LibsvmData, PreprocessError> {
    Lines::new(reader, None, n_features).read(usize::MAX)
}

/// Reads a libsvm file in chunks of at most `chunk_size` rows, in bounded memory (for
/// prediction on a file of any size). Pass the model's feature count as `n_features` so every
/// chunk has that many columns.
pub fn read_libsvm_chunks(
    path: impl AsRef<Path>,
    chunk_size: usize,
    n_features: Option<usize>,
) -> Result<LibsvmChunks<BufReader<File>>, PreprocessError> {
    let path = path.as_ref();
    if chunk_size == 0 {
        return Err(PreprocessError::param("chunk_size", "must be at least 1"));
    }
    let file = open(path)?;
    Ok(LibsvmChunks {
        lines: Lines::new(
            BufReader::with_capacity(1 << 20, file),
            Some(path.into()),
            n_features,
        ),
        chunk_size,
        rows_before_last_chunk: 0,
        done: false,
    })
}

/// A run of a libsvm file's lines (one per rank of a distributed fit): its bytes and the lines
/// of the file before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibsvmRange {
    /// Whole lines.
    pub bytes: std::ops::Range<u64>,
    /// Lines of the file before the run (so that errors name the file's lines).
    pub lines_before: usize,
}

/// Cuts the file at `path` into `parts` consecutive runs of whole lines of about equal size in
/// bytes (one scan for line ends); a run is empty when the file has fewer lines than `parts`.
pub fn libsvm_line_ranges(
    path: impl AsRef<Path>,
    parts: usize,
) -> Result<Vec<LibsvmRange>, PreprocessError> {
    use std::io::Read;
    let path = path.as_ref();
    let io = |source| PreprocessError::Io {
        path: Some(path.to_path_buf()),
        source,
    };
    let mut file = open(path)?;
    let size = file.metadata().map_err(io)?.len();
    let parts = parts.max(1);
    let target = |k: usize| size * k as u64 / parts as u64;
    // Cut k starts at the first line that begins at or after target(k).
    let mut cuts = vec![(0u64, 0usize)];
    let (mut offset, mut lines) = (0u64, 0usize);
    // `lines` counts line ends; a run's `lines_before` is the count before its first byte.
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        for pos in memchr::memchr_iter(b'\n', &buf[..n]) {
            lines += 1;
            let next_line = offset + pos as u64 + 1;
            while cuts.len() < parts && next_line >= target(cuts.len()) && next_line < size {
                cuts.push((next_line, lines));
            }
        }
        offset += n as u64;
    }
    while cuts.len() < parts {
        cuts.push((size, lines));
    }
    cuts.push((size, lines));
    Ok(cuts
        .windows(2)
        .map(|w| LibsvmRange {
            bytes: w[0].0..w[1].0,
            lines_before: w[0].1,
        })
        .collect())
}

/// Reads one run of a libsvm file (see [`libsvm_line_ranges`]); errors name the file and its
/// lines. `n_features` as in [`read_libsvm`].
pub fn read_libsvm_range(
    path: impl AsRef<Path>,
    range: &LibsvmRange,
    n_features: Option<usize>,
) -> Result<LibsvmData, PreprocessError> {
    use std::io::{Read, Seek, SeekFrom};
    let path = path.as_ref();
    let mut file = open(path)?;
    file.seek(SeekFrom::Start(range.bytes.start))
        .map_err(|source| PreprocessError::Io {
            path: Some(path.to_path_buf()),
            source,
        })?;
    let len = range.bytes.end.saturating_sub(range.bytes.start);
    let mut lines = Lines::new(
        BufReader::with_capacity(1 << 20, file.take(len)),
        Some(path.into()),
        n_features,
    );
    lines.line = range.lines_before;
    lines.read(usize::MAX)
}

fn open(path: &Path) -> Result<File, PreprocessError> {
    File::open(path).map_err(|source| PreprocessError::Io {
        path: Some(path.to_path_buf()),
        source,
    })
}

/// The chunks of [`read_libsvm_chunks`]; after an error the iterator ends.
pub struct LibsvmChunks<R> {
    lines: Lines<R>,
    chunk_size: usize,
    rows_before_last_chunk: usize,
    done: bool,
}

impl<R: BufRead> LibsvmChunks<R> {
    /// Data rows before the chunk last returned (its first row is this + 1).
    pub fn rows_before_last_chunk(&self) -> usize {
        self.rows_before_last_chunk
    }
}

impl<R: BufRead> Iterator for LibsvmChunks<R> {
    type Item = Result<LibsvmData, PreprocessError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let before = self.lines.rows;
        match self.lines.read(self.chunk_size) {
            Ok(data) if data.n_rows() == 0 => {
                self.done = true;
                None
            }
            Ok(data) => {
                self.rows_before_last_chunk = before;
                Some(Ok(data))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// The reading state: the stream, where it is, and the feature count asked for.
struct Lines<R> {
    reader: R,
    path: Option<PathBuf>,
    n_features: Option<usize>,
    line: usize,
    rows: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R, path: Option<PathBuf>, n_features: Option<usize>) -> Self {
        Lines {
            reader,
            path,
            n_features,
            line: 0,
            rows: 0,
            buf: Vec::new(),
        }
    }

    fn error(
        &self,
        token: &[u8],
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> PreprocessError {
        PreprocessError::InvalidLibsvm {
            path: self.path.clone(),
            line: self.line,
            token: String::from_utf8_lossy(token).into_owned(),
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// Up to `max_rows` data rows.
    fn read(&mut self, max_rows: usize) -> Result<LibsvmData, PreprocessError> {
        let mut indptr = vec![0usize];
        let mut indices: Vec<u32> = Vec::new();
        let mut values: Vec<f64> = Vec::new();
        let mut labels: Vec<Box<[u8]>> = Vec::new();
        let mut label_codes: Vec<u32> = Vec::new();
        let mut max_index = 0usize;
        while indptr.len() - 1 < max_rows {
            self.buf.clear();
            let n = self
                .reader
                .read_until(b'\n', &mut self.buf)
                .map_err(|source| PreprocessError::Io {
                    path: self.path.clone(),
                    source,
                })?;
            if n == 0 {
                break;
            }
            self.line += 1;
            let buf = std::mem::take(&mut self.buf);
            let content = match buf.iter().position(|&b| b == b'#') {
                Some(i) => &buf[..i],
                None => &buf[..],
            };
            let mut tokens = content
                .split(|b| b.is_ascii_whitespace())
                .filter(|t| !t.is_empty());
            let Some(label) = tokens.next() else {
                self.buf = buf;
                continue;
            };
            let result = self.parse_line(label, tokens, &mut indices, &mut values, &mut max_index);
            let code = result.map(|()| match labels.iter().position(|l| **l == *label) {
                Some(c) => c as u32,
                None => {
                    labels.push(label.into());
                    (labels.len() - 1) as u32
                }
            });
            self.buf = buf;
            label_codes.push(code?);
            indptr.push(indices.len());
            self.rows += 1;
        }
        let n_cols = self.n_features.unwrap_or(max_index);
        let n_rows = indptr.len() - 1;
        let design = Csr::new(n_rows, n_cols, indptr, indices, values)?;
        let categories = labels
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect();
        Ok(LibsvmData {
            design,
            labels: CategoricalColumn::from_parts(label_codes, categories),
        })
    }

    /// Checks a data line and appends its entries.
    fn parse_line<'t>(
        &self,
        label: &[u8],
        tokens: impl Iterator<Item = &'t [u8]>,
        indices: &mut Vec<u32>,
        values: &mut Vec<f64>,
        max_index: &mut usize,
    ) -> Result<(), PreprocessError> {
        let label_text = std::str::from_utf8(label).unwrap_or("");
        if !label_text.parse::<f64>().is_ok_and(f64::is_finite) {
            let found = if label.contains(&b':') {
                "a feature (index:value) where the label should be".to_string()
            } else {
                format!("{:?}", String::from_utf8_lossy(label))
            };
            return Err(self.error(label, "a numeric label first on the line", found));
        }
        let mut previous = 0usize;
        for token in tokens {
            let Some(colon) = token.iter().position(|&b| b == b':') else {
                return Err(self.error(
                    token,
                    "index:value",
                    format!("{:?} (no ':')", String::from_utf8_lossy(token)),
                ));
            };
            let (index, value) = (&token[..colon], &token[colon + 1..]);
            if index == b"qid" {
                return Err(self.error(
                    token,
                    "index:value (qid, a ranking query id, is not supported by a classifier: \
                     remove the qid:… tokens)",
                    "qid",
                ));
            }
            let index = self.index(token, index)?;
            if index <= previous {
                return Err(self.error(
                    token,
                    format!("an index greater than the previous one ({previous}); indices must increase along a line"),
                    index.to_string(),
                ));
            }
            if let Some(limit) = self.n_features {
                if index > limit {
                    return Err(self.error(
                        token,
                        format!("an index of at most {limit} (the number of features)"),
                        index.to_string(),
                    ));
                }
            }
            let text = std::str::from_utf8(value).unwrap_or("");
            let x: f64 = text.parse().map_err(|_| {
                self.error(
                    token,
                    "a number after ':'",
                    format!("{:?}", String::from_utf8_lossy(value)),
                )
            })?;
            if x.is_nan() || x.abs() > MAX_MAGNITUDE {
                let expected = if x.is_finite() {
                    format!("a value no larger than {MAX_MAGNITUDE:e} in magnitude")
                } else {
                    "a finite number".to_string()
                };
                return Err(self.error(token, expected, text));
            }
            previous = index;
            *max_index = (*max_index).max(index);
            // The index checks above bound it by u32::MAX.
            indices.push((index - 1) as u32);
            values.push(x);
        }
        Ok(())
    }

    /// A 1-based feature index.
    fn index(&self, token: &[u8], index: &[u8]) -> Result<usize, PreprocessError> {
        let text = std::str::from_utf8(index).unwrap_or("");
        match text.parse::<i64>() {
            Ok(i) if i >= 1 && i <= i64::from(u32::MAX) => Ok(i as usize),
            Ok(i) if i < 1 => Err(self.error(
                token,
                "an index of at least 1 (libsvm indices are 1-based)",
                i.to_string(),
            )),
            Ok(i) => Err(self.error(
                token,
                format!("an index of at most {}", u32::MAX),
                i.to_string(),
            )),
            Err(_) => Err(self.error(
                token,
                "an integer index before ':'",
                format!("{:?}", String::from_utf8_lossy(index)),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_lines_read_separately_are_the_file_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.svm");
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!("{} {}:{}\n", i % 2, i % 5 + 1, i));
            if i % 7 == 0 {
                text.push_str("# a comment\n\n");
            }
        }
        text.push_str("1 3:1");
        std::fs::write(&path, &text).unwrap();
        let whole = read_libsvm(&path, Some(5)).unwrap();
        for parts in 1..=7 {
            let ranges = libsvm_line_ranges(&path, parts).unwrap();
            assert_eq!(ranges.len(), parts);
            let mut row = 0;
            for r in &ranges {
                let part = read_libsvm_range(&path, r, Some(5)).unwrap();
                for i in 0..part.n_rows() {
                    assert_eq!(part.design.row(i), whole.design.row(row + i));
                    assert_eq!(part.labels.get(i), whole.labels.get(row + i));
                }
                row += part.n_rows();
            }
            assert_eq!(row, whole.n_rows(), "{parts} parts");
        }
        // An error in a later run names the file's line.
        std::fs::write(&path, "1 1:1\n0 2:1\n1 3:x\n").unwrap();
        let whole = read_libsvm(&path, None).unwrap_err().to_string();
        let ranges = libsvm_line_ranges(&path, 2).unwrap();
        let part = read_libsvm_range(&path, &ranges[1], None)
            .unwrap_err()
            .to_string();
        assert_eq!(part, whole);
    }

    fn read(text: &str) -> Result<LibsvmData, PreprocessError> {
        read_libsvm_from(text.as_bytes(), None)
    }

    fn message(text: &str) -> String {
        read(text).expect_err("bad input").to_string()
    }

    #[test]
    fn reads_rows_labels_and_comments() {
        let data =
            read("# header comment\n1 2:0.5 10:-1\n\n-1\t1:3 # trailing\r\n+1 3:0\n").unwrap();
        assert_eq!(data.n_rows(), 3);
        assert_eq!(data.n_features(), 10);
        assert_eq!(data.design.row(0), (&[1u32, 9][..], &[0.5, -1.0][..]));
        assert_eq!(data.design.row(1), (&[0u32][..], &[3.0][..]));
        assert_eq!(data.design.row(2), (&[2u32][..], &[0.0][..]));
        assert_eq!(data.numeric_labels(), [1.0, -1.0, 1.0]);
        assert_eq!(data.labels.get(2), Some("+1"));
        let wide = read_libsvm_from("0 1:1\n".as_bytes(), Some(5)).unwrap();
        assert_eq!(wide.n_features(), 5);
    }

    #[test]
    fn every_error_names_line_token_expected_and_found() {
        let cases = [
            ("1 2:1\n1 3\n", "line 2, token \"3\": expected index:value, found \"3\" (no ':')"),
            ("1 0:1\n", "line 1, token \"0:1\": expected an index of at least 1 (libsvm indices are 1-based), found 0"),
            ("1 -2:1\n", "line 1, token \"-2:1\": expected an index of at least 1 (libsvm indices are 1-based), found -2"),
            ("1 x:1\n", "line 1, token \"x:1\": expected an integer index before ':', found \"x\""),
            ("1 2:abc\n", "line 1, token \"2:abc\": expected a number after ':', found \"abc\""),
            ("1 2:nan\n", "line 1, token \"2:nan\": expected a finite number, found nan"),
            ("1 2:inf\n", "line 1, token \"2:inf\": expected a finite number, found inf"),
            ("1 2:1e300\n", "line 1, token \"2:1e300\": expected a value no larger than 1e150 in magnitude, found 1e300"),
            ("1 3:1 2:1\n", "line 1, token \"2:1\": expected an index greater than the previous one (3); indices must increase along a line, found 2"),
            ("1 3:1 3:2\n", "line 1, token \"3:2\": expected an index greater than the previous one (3); indices must increase along a line, found 3"),
            ("# c\nyes 1:1\n", "line 2, token \"yes\": expected a numeric label first on the line, found \"yes\""),
            ("1:1 2:1\n", "line 1, token \"1:1\": expected a numeric label first on the line, found a feature (index:value) where the label should be"),
            ("1 qid:3 1:1\n", "line 1, token \"qid:3\": expected index:value (qid, a ranking query id, is not supported by a classifier: remove the qid:… tokens), found qid"),
        ];
        for (text, want) in cases {
            assert_eq!(message(text), want, "{text:?}");
        }
        let limited = read_libsvm_from("1 7:1\n".as_bytes(), Some(5)).unwrap_err();
        assert_eq!(
            limited.to_string(),
            "line 1, token \"7:1\": expected an index of at most 5 (the number of features), found 7"
        );
    }

    #[test]
    fn chunks_cover_the_file_and_name_its_lines() {
        let path = std::env::temp_dir().join(format!("logreg-libsvm-{}.svm", std::process::id()));
        std::fs::write(&path, "1 1:1\n0 2:1\n# note\n1 3:1\n0 1:1 x\n").unwrap();
        let mut chunks = read_libsvm_chunks(&path, 2, Some(3)).unwrap();
        let first = chunks.next().unwrap().unwrap();
        assert_eq!((first.n_rows(), first.n_features()), (2, 3));
        let err = chunks.next().unwrap().unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: line 5, token \"x\"", path.display())),
            "{err}"
        );
        assert!(chunks.next().is_none());
        std::fs::write(&path, "1 1:1\n0 2:1\n1 3:1\n").unwrap();
        let sizes: Vec<usize> = read_libsvm_chunks(&path, 2, None)
            .unwrap()
            .map(|c| c.unwrap().n_rows())
            .collect();
        assert_eq!(sizes, [2, 1]);
        let whole = read_libsvm(&path, None).unwrap();
        assert_eq!(whole.n_rows(), 3);
        std::fs::remove_file(&path).ok();
        let missing = read_libsvm(&path, None).unwrap_err();
        assert!(matches!(missing, PreprocessError::Io { .. }));
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        for text in [
            "",
            "\n\n",
            "#",
            "1",
            "1 :",
            "1 :1",
            "1 1:",
            "\u{ff} 1:1",
            "1 99999999999:1",
            "1 1:1:1",
        ] {
            let _ = read(text);
        }
        assert_eq!(read("").unwrap().n_rows(), 0);
    }
}
