//! Parsing a block of whole records straight into typed buffers: numbers into a row-major `f64`
//! block (NaN for missing), labels into codes of a per-block dictionary. Each cell is read once;
//! nothing is allocated per cell (a dictionary allocates once per distinct label).

use std::path::PathBuf;

use crate::column::{CategoricalColumn, FastMap};
use crate::error::PreprocessError;
use crate::read::cells::{fast_number, parse_number, NaSet, NumberError};
use crate::read::source::{Blocks, Bytes};
use crate::read::tokenizer::{FieldEnd, Tokenizer};

/// What to do with one field of the file.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Role {
    /// Not read (beyond finding where it ends).
    Skip,
    /// Into column `col` of the numeric block. `forced`: a non-number is an error rather than a
    /// sign that the column is categorical.
    Numeric { col: usize, forced: bool },
    /// Into categorical column `col`.
    Categorical { col: usize },
}

/// How to parse every field of a record.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) tok: Tokenizer,
    pub(crate) na: NaSet,
    /// One per header field.
    pub(crate) roles: Vec<Role>,
    /// One per header field: which cell error of a row is reported first (the lowest).
    pub(crate) order: Vec<usize>,
    /// One per header field, for messages.
    pub(crate) names: Vec<String>,
    pub(crate) n_numeric: usize,
    pub(crate) n_categorical: usize,
    /// Streaming: a bad number stops at its row (a whole-file read reports them column by
    /// column once every row is read).
    pub(crate) stop_at_bad_number: bool,
}

/// A problem that ends the reading at one row.
#[derive(Debug, Clone)]
pub(crate) enum RowProblem {
    Ragged {
        found: usize,
    },
    Utf8 {
        field: usize,
    },
    Number {
        field: usize,
        error: NumberError,
        text: String,
    },
}

/// Labels of one categorical column, coded in order of first appearance.
#[derive(Debug, Default)]
pub(crate) struct Labels {
    pub(crate) codes: Vec<u32>,
    lookup: FastMap<Box<[u8]>, u32>,
}

impl Labels {
    #[inline]
    fn code(&mut self, label: &[u8]) -> u32 {
        if let Some(&code) = self.lookup.get(label) {
            return code;
        }
        // A block holds fewer distinct labels than bytes, far below u32::MAX.
        let code = self.lookup.len() as u32;
        self.lookup.insert(label.into(), code);
        code
    }

    /// Forget everything after the first `rows` rows (labels first seen there too).
    fn truncate(&mut self, rows: usize) {
        self.codes.truncate(rows);
        let seen = self
            .codes
            .iter()
            .filter(|&&c| c != CategoricalColumn::MISSING)
            .map(|&c| c + 1)
            .max()
            .unwrap_or(0);
        if (seen as usize) < self.lookup.len() {
            // Codes are given in order of first appearance: the later ones appeared only after.
            self.lookup.retain(|_, code| *code < seen);
        }
    }

    /// The distinct labels, by code.
    pub(crate) fn into_parts(self) -> (Vec<u32>, Vec<Box<[u8]>>) {
        let mut labels = vec![Box::<[u8]>::default(); self.lookup.len()];
        for (label, code) in self.lookup {
            labels[code as usize] = label;
        }
        (self.codes, labels)
    }
}

/// What parsing one block (or one chunk) produced.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) rows: usize,
    /// `rows × n_numeric`, row-major, NaN for missing (a whole-file read moves the side
    /// columns' numbers to `side`, leaving the first numbers of each row).
    pub(crate) numeric: Vec<f64>,
    /// The side columns' numbers (see [`crate::CsvOptions::side_columns`]), row-major.
    pub(crate) side: Vec<f64>,
    pub(crate) labels: Vec<Labels>,
    /// The row (0-based within this block) where reading stopped, and why.
    pub(crate) problem: Option<(usize, RowProblem)>,
    /// Per numeric column: the first bad number (0-based row, why, the cell).
    pub(crate) bad_numbers: Vec<Option<(usize, NumberError, String)>>,
    /// Per numeric column: an inferred-numeric column met text, so it is categorical after all.
    pub(crate) not_numeric: Vec<bool>,
}

impl Parsed {
    /// Empty, writing numbers into `numeric` (a buffer to reuse: fresh memory costs the kernel a
    /// page clearing per 4 KiB, which for a 1 GB file was a third of the time).
    pub(crate) fn new(plan: &Plan, mut numeric: Vec<f64>) -> Parsed {
        numeric.clear();
        Parsed {
            rows: 0,
            numeric,
            side: Vec::new(),
            labels: (0..plan.n_categorical).map(|_| Labels::default()).collect(),
            problem: None,
            bad_numbers: vec![None; plan.n_numeric],
            not_numeric: vec![false; plan.n_numeric],
        }
    }
}

/// Parses records from `pos` until the input ends, `max_rows` rows are read, or a row has a
/// problem (recorded in `out.problem`; returns false then).
pub(crate) fn parse_rows(
    plan: &Plan,
    out: &mut Parsed,
    input: &[u8],
    pos: &mut usize,
    max_rows: usize,
) -> bool {
    let tok = plan.tok;
    let n_fields = plan.roles.len();
    let mut scratch = Vec::new();
    let mut read = 0;
    while read < max_rows && tok.start_record(input, pos) {
        let row = out.rows;
        let base = out.numeric.len();
        out.numeric.resize(base + plan.n_numeric, f64::NAN);
        let mut field = 0;
        let mut problem: Option<(usize, RowProblem)> = None;
        loop {
            let role = plan.roles.get(field).copied().unwrap_or(Role::Skip);
            let how = match role {
                Role::Numeric { col, forced } => {
                    // The common case: a plain number that ends where the field ends.
                    let fast = fast_number(&input[*pos..]).and_then(|(x, n)| {
                        let end = *pos + n;
                        let how = tok.end_at(input, end)?;
                        (!plan.na.may_be_token(&input[*pos..end])).then_some((x, end, how))
                    });
                    if let Some((x, end, how)) = fast {
                        out.numeric[base + col] = x;
                        *pos = Tokenizer::resume(end, how);
                        how
                    } else {
                        let (span, how) = tok.field(input, pos);
                        match std::str::from_utf8(tok.text(input, span, &mut scratch)) {
                            Err(_) => note(&mut problem, plan, field, RowProblem::Utf8 { field }),
                            Ok(cell) if plan.na.is_na(cell) => {}
                            Ok(cell) => match parse_number(cell) {
                                Ok(x) => out.numeric[base + col] = x,
                                Err(error) if plan.stop_at_bad_number => note(
                                    &mut problem,
                                    plan,
                                    field,
                                    RowProblem::Number {
                                        field,
                                        error,
                                        text: cell.to_string(),
                                    },
                                ),
                                Err(NumberError::NotANumber) if !forced => {
                                    out.not_numeric[col] = true;
                                }
                                Err(error) => {
                                    if out.bad_numbers[col].is_none() {
                                        out.bad_numbers[col] = Some((row, error, cell.to_string()));
                                    }
                                }
                            },
                        }
                        how
                    }
                }
                Role::Categorical { col } => {
                    let (span, how) = tok.field(input, pos);
                    let bytes = tok.text(input, span, &mut scratch);
                    let code = if !(bytes.is_ascii() || std::str::from_utf8(bytes).is_ok()) {
                        note(&mut problem, plan, field, RowProblem::Utf8 { field });
                        CategoricalColumn::MISSING
                    } else if plan.na.is_na_utf8(bytes) {
                        CategoricalColumn::MISSING
                    } else {
                        out.labels[col].code(bytes)
                    };
                    out.labels[col].codes.push(code);
                    how
                }
                Role::Skip => tok.field(input, pos).1,
            };
            field += 1;
            if how != FieldEnd::Delimiter {
                break;
            }
        }
        let problem = if field != n_fields {
            Some(RowProblem::Ragged { found: field })
        } else {
            problem.map(|(_, p)| p)
        };
        if let Some(p) = problem {
            // The rows before the problem stay whole; this one leaves nothing behind.
            out.numeric.truncate(base);
            for labels in &mut out.labels {
                labels.truncate(row);
            }
            out.problem = Some((row, p));
            return false;
        }
        out.rows += 1;
        read += 1;
    }
    true
}

/// Keeps the row's problem with the lowest order.
fn note(slot: &mut Option<(usize, RowProblem)>, plan: &Plan, field: usize, p: RowProblem) {
    let order = plan.order[field];
    if slot.as_ref().is_none_or(|(o, _)| order < *o) {
        *slot = Some((order, p));
    }
}

impl RowProblem {
    /// The error, at 1-based data row `row` of the file.
    pub(crate) fn into_error(
        self,
        plan: &Plan,
        row: usize,
        path: &Option<PathBuf>,
    ) -> PreprocessError {
        let name = |field: usize| plan.names.get(field).cloned().unwrap_or_default();
        match self {
            RowProblem::Ragged { found } => PreprocessError::RaggedRow {
                path: path.clone(),
                row,
                expected: plan.roles.len(),
                found,
            },
            RowProblem::Utf8 { field } => PreprocessError::InvalidUtf8 {
                path: path.clone(),
                row,
                column: name(field),
            },
            RowProblem::Number { field, error, text } => {
                number_error(error, path, row, &name(field), &text)
            }
        }
    }
}

/// The error for a cell that is not a usable number.
pub(crate) fn number_error(
    err: NumberError,
    path: &Option<PathBuf>,
    row: usize,
    column: &str,
    cell: &str,
) -> PreprocessError {
    let expected = match err {
        NumberError::NotANumber => "a number (the column is read as numeric)",
        NumberError::NotFinite => "a finite number",
    };
    PreprocessError::InvalidValue {
        path: path.clone(),
        row,
        column: column.to_string(),
        expected: expected.to_string(),
        found: cell.to_string(),
    }
}

/// Reads the header: the first record of the input. Returns the column names, the block it was
/// in and where the data rows start in it.
pub(crate) fn read_header<'a>(
    blocks: &mut dyn Blocks<'a>,
    tok: Tokenizer,
    path: &Option<PathBuf>,
) -> Result<(Vec<String>, Bytes<'a>, usize), PreprocessError> {
    let (block, mut pos) = loop {
        let Some(block) = blocks.next_block(None)? else {
            return Err(PreprocessError::NoHeader { path: path.clone() });
        };
        let mut pos = 0;
        // A block of blank lines holds no record.
        if tok.start_record(&block, &mut pos) {
            break (block, pos);
        }
    };
    let mut names: Vec<String> = Vec::new();
    let mut scratch = Vec::new();
    loop {
        let position = names.len() + 1;
        let (span, how) = tok.field(&block, &mut pos);
        let name = std::str::from_utf8(tok.text(&block, span, &mut scratch)).map_err(|_| {
            PreprocessError::HeaderNotUtf8 {
                path: path.clone(),
                position,
            }
        })?;
        if name.trim().is_empty() {
            return Err(PreprocessError::EmptyColumnName {
                path: path.clone(),
                position,
            });
        }
        if names.iter().any(|n| n == name) {
            return Err(PreprocessError::DuplicateColumn {
                path: path.clone(),
                column: name.to_string(),
            });
        }
        names.push(name.to_string());
        if how != FieldEnd::Delimiter {
            break;
        }
    }
    Ok((names, block, pos))
}

/// Which of the first `max_rows` records' columns hold only numbers (or nothing): the types
/// the full read starts from. Returns the verdicts and the bytes those rows took.
pub(crate) fn sample_types(
    tok: Tokenizer,
    na: &NaSet,
    input: &[u8],
    n_fields: usize,
    max_rows: usize,
) -> (Vec<bool>, usize, usize) {
    let mut numeric = vec![true; n_fields];
    let mut scratch = Vec::new();
    let mut pos = 0;
    let mut rows = 0;
    while rows < max_rows && tok.start_record(input, &mut pos) {
        let mut field = 0;
        loop {
            let (span, how) = tok.field(input, &mut pos);
            if field < n_fields && numeric[field] {
                numeric[field] = match std::str::from_utf8(tok.text(input, span, &mut scratch)) {
                    // The full read reports it; as a guess, it is text.
                    Err(_) => false,
                    Ok(cell) => {
                        na.is_na(cell) || parse_number(cell) != Err(NumberError::NotANumber)
                    }
                };
            }
            field += 1;
            if how != FieldEnd::Delimiter {
                break;
            }
        }
        rows += 1;
    }
    (numeric, rows, pos)
}
