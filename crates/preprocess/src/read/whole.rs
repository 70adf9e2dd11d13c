//! Reading a whole input into a [`Table`], on every core.
//!
//! One thread cuts the input into blocks of whole records ([`crate::read::source`]); worker
//! threads parse blocks into typed buffers ([`crate::read::parse`]); this thread joins them in
//! input order: numbers appended to the table's numeric block (the side columns of
//! [`CsvOptions::side_columns`] to a second one), per-block dictionaries merged
//! into each column's (codes rewritten), rows counted so every error names the data row of the
//! whole input. The result does not depend on the number of threads or where blocks end.
//!
//! Types come from the first 1 000 records and are confirmed by the full pass: a column that
//! turns out to hold text after all is read again from the input, as labels, exactly as written.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use crate::column::{CategoricalColumn, FastMap};
use crate::error::PreprocessError;
use crate::read::cells::NaSet;
use crate::read::options::CsvOptions;
use crate::read::parse::{number_error, parse_rows, read_header, sample_types, Parsed, Plan, Role};
use crate::read::source::{Blocks, Bytes};
use crate::read::tokenizer::Tokenizer;
use crate::schema::ColumnType;
use crate::table::{Block, Slot, Table};

/// Records the types are guessed from.
const SAMPLE_ROWS: usize = 1000;

/// Opens the input (again, if a column must be re-read).
pub(crate) type Open<'o, 'a> =
    dyn Fn() -> Result<Box<dyn Blocks<'a> + Send + 'a>, PreprocessError> + 'o;

/// Told about each borrowed block once it is parsed and joined, in input order (a mapped file
/// gives its pages back, so the process's resident memory does not grow with the file).
pub(crate) type Release<'r> = dyn Fn(&[u8]) + Sync + 'r;

/// Reads the input `open` gives into a table. `total_bytes`, when known, sizes the numeric
/// block up front (capacity never written costs no memory).
pub(crate) fn read_table<'a>(
    open: &Open<'_, 'a>,
    total_bytes: Option<u64>,
    options: &CsvOptions,
    path: &Option<PathBuf>,
    release: &Release<'_>,
) -> Result<Table, PreprocessError> {
    options.validate()?;
    let tok = Tokenizer {
        delimiter: options.delimiter_byte(),
        quote: options.quote_byte(),
    };
    let mut blocks = open()?;
    let (header, first, start) = read_header(&mut *blocks, tok, path)?;
    options.check_forced_in(&header)?;
    let na = NaSet::new(options);
    let (numeric_in_sample, sample_rows, sample_bytes) =
        sample_types(tok, &na, &first[start..], header.len(), SAMPLE_ROWS);
    let kinds: Vec<(bool, bool)> = header
        .iter()
        .zip(&numeric_in_sample)
        .map(|(name, &numeric)| match options.forced_type(name) {
            Some(t) => (t == ColumnType::Numeric, true),
            None => (numeric, false),
        })
        .collect();
    // Numeric columns are numbered features first, side columns after: each parsed row then
    // splits into the two blocks at one place (`n_main`).
    let is_side = |field: usize| kinds[field].0 && options.is_side(&header[field]);
    let n_main = (0..header.len())
        .filter(|&f| kinds[f].0 && !is_side(f))
        .count();
    let (mut n_main_seen, mut n_side, mut n_categorical) = (0, 0, 0);
    let roles: Vec<Role> = (0..header.len())
        .map(|field| {
            let (numeric, forced) = kinds[field];
            if !numeric {
                n_categorical += 1;
                return Role::Categorical {
                    col: n_categorical - 1,
                };
            }
            let col = if is_side(field) {
                n_side += 1;
                n_main + n_side - 1
            } else {
                n_main_seen += 1;
                n_main_seen - 1
            };
            Role::Numeric { col, forced }
        })
        .collect();
    let n_numeric = n_main + n_side;
    let plan = Plan {
        tok,
        na,
        roles,
        order: (0..header.len()).collect(),
        names: header.clone(),
        n_numeric,
        n_categorical,
        stop_at_bad_number: false,
    };
    let expected_rows = match total_bytes {
        Some(total) if sample_rows > 0 && sample_bytes > 0 => {
            let per_row = sample_bytes as f64 / sample_rows as f64;
            (total as f64 / per_row * 1.05) as usize + 64
        }
        _ => 0,
    };
    let mut merged = Merged::new(&plan, n_main, expected_rows);
    run(
        &plan,
        blocks,
        first,
        start,
        options.thread_count(),
        &mut merged,
        path,
        release,
    );
    if let Some(e) = merged.error {
        return Err(e);
    }
    if merged.rows == 0 {
        return Err(PreprocessError::NoRows { path: path.clone() });
    }
    // Numbers that are not, column by column (as a column-at-a-time reader meets them).
    let mut text_after_all = Vec::new();
    for (field, role) in plan.roles.iter().enumerate() {
        if let Role::Numeric { col, forced } = *role {
            if !forced && merged.not_numeric[col] {
                text_after_all.push(field);
            } else if let Some((row, error, text)) = &merged.bad_numbers[col] {
                return Err(number_error(*error, path, row + 1, &header[field], text));
            }
        }
    }
    let mut relabeled = reread_as_labels(
        open,
        &plan,
        &text_after_all,
        merged.rows,
        options,
        path,
        release,
    )?;
    let n_rows = merged.rows;
    let mut labels = merged.labels.into_iter().map(GlobalLabels::into_column);
    let slots = plan
        .roles
        .iter()
        .enumerate()
        .map(|(field, role)| match *role {
            Role::Numeric { col, .. } => match text_after_all.iter().position(|&f| f == field) {
                Some(k) => Slot::Categorical(Arc::new(std::mem::replace(
                    &mut relabeled[k],
                    CategoricalColumn::from_parts(Vec::new(), Vec::new()),
                ))),
                None if col < n_main => Slot::Numeric { block: 0, col },
                None => Slot::Numeric {
                    block: 1,
                    col: col - n_main,
                },
            },
            Role::Categorical { .. } | Role::Skip => Slot::Categorical(Arc::new(
                labels
                    .next()
                    .unwrap_or_else(|| CategoricalColumn::from_parts(Vec::new(), Vec::new())),
            )),
        })
        .collect();
    let mut values = merged.numeric;
    values.shrink_to_fit();
    let mut blocks = vec![Block {
        values,
        width: n_main,
    }];
    if n_side > 0 {
        blocks.push(Block {
            values: merged.side,
            width: n_side,
        });
    }
    Ok(Table::from_parts(header, slots, blocks, n_rows))
}

/// The columns at `fields` (guessed numeric, found to hold text) read again as labels.
fn reread_as_labels<'a>(
    open: &Open<'_, 'a>,
    plan: &Plan,
    fields: &[usize],
    n_rows: usize,
    options: &CsvOptions,
    path: &Option<PathBuf>,
    release: &Release<'_>,
) -> Result<Vec<CategoricalColumn>, PreprocessError> {
    if fields.is_empty() {
        return Ok(Vec::new());
    }
    let mut blocks = open()?;
    let (_, first, start) = read_header(&mut *blocks, plan.tok, path)?;
    let roles = (0..plan.roles.len())
        .map(|f| match fields.iter().position(|&g| g == f) {
            Some(col) => Role::Categorical { col },
            None => Role::Skip,
        })
        .collect();
    let again = Plan {
        tok: plan.tok,
        na: NaSet::new(options),
        roles,
        order: plan.order.clone(),
        names: plan.names.clone(),
        n_numeric: 0,
        n_categorical: fields.len(),
        stop_at_bad_number: false,
    };
    let mut merged = Merged::new(&again, 0, 0);
    run(
        &again,
        blocks,
        first,
        start,
        options.thread_count(),
        &mut merged,
        path,
        release,
    );
    if let Some(e) = merged.error {
        return Err(e);
    }
    if merged.rows != n_rows {
        return Err(PreprocessError::Io {
            path: path.clone(),
            source: std::io::Error::other(format!(
                "the input changed while it was read: {n_rows} data rows, then {}",
                merged.rows
            )),
        });
    }
    Ok(merged
        .labels
        .into_iter()
        .map(GlobalLabels::into_column)
        .collect())
}

/// A column's labels across blocks.
struct GlobalLabels {
    codes: Vec<u32>,
    lookup: FastMap<Box<[u8]>, u32>,
    categories: Vec<String>,
}

impl GlobalLabels {
    fn code(&mut self, label: Box<[u8]>) -> u32 {
        if let Some(&code) = self.lookup.get(&label) {
            return code;
        }
        let code = self.categories.len() as u32;
        // Checked as UTF-8 when parsed; the lossy conversion is never lossy here.
        self.categories
            .push(String::from_utf8_lossy(&label).into_owned());
        self.lookup.insert(label, code);
        code
    }

    fn into_column(self) -> CategoricalColumn {
        CategoricalColumn::from_parts(self.codes, self.categories)
    }
}

/// Where parsed blocks go, in input order: joined into one table ([`Merged`]), or handed on
/// as chunks (a read in passes).
pub(crate) trait Sink {
    /// Takes the next block; false ends the read (an error, or nobody wants more).
    fn merge(
        &mut self,
        parsed: Parsed,
        plan: &Plan,
        path: &Option<PathBuf>,
        spare: &Mutex<Vec<Vec<f64>>>,
    ) -> bool;

    /// Records an input error met after the blocks merged so far.
    fn fail(&mut self, e: PreprocessError);

    /// How many of each row's numbers stay in the parsed block; the rest (the side columns)
    /// are moved out by the parsing threads. All of them unless the sink splits them.
    fn n_main(&self, plan: &Plan) -> usize {
        plan.n_numeric
    }
}

/// The blocks joined so far.
struct Merged {
    rows: usize,
    /// The first `n_main` numbers of each row (the features).
    numeric: Vec<f64>,
    /// The rest (the side columns of [`CsvOptions::side_columns`]).
    side: Vec<f64>,
    n_main: usize,
    labels: Vec<GlobalLabels>,
    bad_numbers: Vec<Option<(usize, crate::read::cells::NumberError, String)>>,
    not_numeric: Vec<bool>,
    error: Option<PreprocessError>,
}

impl Merged {
    fn new(plan: &Plan, n_main: usize, expected_rows: usize) -> Merged {
        Merged {
            rows: 0,
            numeric: logreg_linalg_core::vec_with_capacity_huge(
                expected_rows.saturating_mul(n_main),
            ),
            side: Vec::with_capacity(
                expected_rows.saturating_mul(plan.n_numeric.saturating_sub(n_main)),
            ),
            n_main,
            labels: (0..plan.n_categorical)
                .map(|_| GlobalLabels {
                    codes: Vec::with_capacity(expected_rows),
                    lookup: FastMap::default(),
                    categories: Vec::new(),
                })
                .collect(),
            bad_numbers: vec![None; plan.n_numeric],
            not_numeric: vec![false; plan.n_numeric],
            error: None,
        }
    }
}

impl Sink for Merged {
    /// Appends the next block; false once an error has ended the read. The block's number
    /// buffer is handed back to `spare` for the next block.
    fn merge(
        &mut self,
        parsed: Parsed,
        plan: &Plan,
        path: &Option<PathBuf>,
        spare: &Mutex<Vec<Vec<f64>>>,
    ) -> bool {
        if self.error.is_some() {
            return false;
        }
        let offset = self.rows;
        let rows = parsed.rows;
        // `parse_block` moved the side columns' numbers out of each row.
        self.numeric
            .extend_from_slice(&parsed.numeric[..rows * self.n_main]);
        self.side.extend_from_slice(&parsed.side);
        if let Ok(mut spare) = spare.lock() {
            spare.push(parsed.numeric);
        }
        for (global, local) in self.labels.iter_mut().zip(parsed.labels) {
            let (codes, labels) = local.into_parts();
            let remap: Vec<u32> = labels.into_iter().map(|l| global.code(l)).collect();
            global.codes.extend(codes.iter().take(rows).map(|&c| {
                if c == CategoricalColumn::MISSING {
                    c
                } else {
                    remap[c as usize]
                }
            }));
        }
        for (mine, theirs) in self.bad_numbers.iter_mut().zip(parsed.bad_numbers) {
            if mine.is_none() {
                *mine = theirs.map(|(row, e, text)| (row + offset, e, text));
            }
        }
        for (mine, theirs) in self.not_numeric.iter_mut().zip(parsed.not_numeric) {
            *mine |= theirs;
        }
        self.rows += rows;
        if let Some((row, problem)) = parsed.problem {
            self.error = Some(problem.into_error(plan, offset + row + 1, path));
            return false;
        }
        true
    }

    /// Records an input error met after the blocks merged so far.
    fn fail(&mut self, e: PreprocessError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    fn n_main(&self, _plan: &Plan) -> usize {
        self.n_main
    }
}

/// One block parsed from `start`, numbers written into a spare buffer if there is one; the
/// numbers after the first `n_main` of each row (the side columns) are moved to `side`, here on
/// the parsing threads rather than in the one thread that joins the blocks.
fn parse_block(
    plan: &Plan,
    block: &[u8],
    start: usize,
    spare: &Mutex<Vec<Vec<f64>>>,
    n_main: usize,
) -> Parsed {
    let buffer = spare
        .lock()
        .ok()
        .and_then(|mut s| s.pop())
        .unwrap_or_default();
    let mut parsed = Parsed::new(plan, buffer);
    let mut pos = start;
    parse_rows(plan, &mut parsed, block, &mut pos, usize::MAX);
    let width = plan.n_numeric;
    if n_main < width {
        let rows = parsed.rows;
        parsed.side.reserve(rows * (width - n_main));
        for r in 0..rows {
            let (from, to) = (r * width, r * n_main);
            parsed
                .side
                .extend_from_slice(&parsed.numeric[from + n_main..from + width]);
            // Row r moves to [r·n_main, …), never past its own start: front to back is safe.
            parsed.numeric.copy_within(from..from + n_main, to);
        }
        parsed.numeric.truncate(rows * n_main);
    }
    parsed
}

/// Parses every block, `first` from `start`, and merges them in order into `merged`; each
/// borrowed block goes to `release` once merged.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run<'a, S: Sink>(
    plan: &Plan,
    mut blocks: Box<dyn Blocks<'a> + Send + 'a>,
    first: Bytes<'a>,
    start: usize,
    threads: usize,
    merged: &mut S,
    path: &Option<PathBuf>,
    release: &Release<'_>,
) {
    let spare_numbers = Mutex::new(Vec::new());
    let spare_numbers = &spare_numbers;
    let n_main = merged.n_main(plan);
    let parse = |block: &[u8], start: usize| parse_block(plan, block, start, spare_numbers, n_main);
    let merge = |merged: &mut S, parsed: Parsed| merged.merge(parsed, plan, path, spare_numbers);
    let second = blocks.next_block(None);
    let second = match second {
        Ok(Some(block)) if threads > 1 => block,
        Ok(next) => {
            // One block, or one thread: no threads to start.
            let mut next = next;
            let mut block = first;
            let mut start = start;
            loop {
                if !merge(merged, parse(&block, start)) {
                    return;
                }
                let spare = match block {
                    Bytes::Owned(v) => Some(v),
                    Bytes::Borrowed(b) => {
                        release(b);
                        None
                    }
                };
                let Some(b) = next.take() else { return };
                block = b;
                start = 0;
                match blocks.next_block(spare) {
                    Ok(n) => next = n,
                    Err(e) => {
                        if merge(merged, parse(&block, 0)) {
                            merged.fail(e);
                        }
                        return;
                    }
                }
            }
        }
        Err(e) => {
            if merge(merged, parse(&first, start)) {
                merged.fail(e);
            }
            return;
        }
    };
    type Done<'a> = (usize, Result<(Parsed, Bytes<'a>), PreprocessError>);
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Bytes<'a>, usize)>(threads);
        let (done_tx, done_rx) = mpsc::sync_channel::<Done<'a>>(2 * threads);
        let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
        let reader_done = done_tx.clone();
        scope.spawn(move || {
            for (index, block, start) in [(0, first, start), (1, second, 0)] {
                if work_tx.send((index, block, start)).is_err() {
                    return;
                }
            }
            let mut index = 2;
            loop {
                match blocks.next_block(spare_rx.try_recv().ok()) {
                    Ok(Some(block)) => {
                        if work_tx.send((index, block, 0)).is_err() {
                            return;
                        }
                        index += 1;
                    }
                    // Dropping the sender lets the workers finish.
                    Ok(None) => return,
                    Err(e) => {
                        let _ = reader_done.send((index, Err(e)));
                        return;
                    }
                }
            }
        });
        let work_rx = Arc::new(Mutex::new(work_rx));
        for _ in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || loop {
                let job = match work_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok((index, block, start)) = job else {
                    return;
                };
                let parsed = parse(&block, start);
                if done_tx.send((index, Ok((parsed, block)))).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        drop(work_rx);
        // Join in input order; blocks finished early wait here.
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (index, result) in done_rx.iter() {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&next) {
                next += 1;
                match result {
                    Ok((parsed, block)) => {
                        if !merge(merged, parsed) {
                            // Returning drops the receivers, which stops every thread.
                            return;
                        }
                        match block {
                            Bytes::Owned(v) => {
                                let _ = spare_tx.send(v);
                            }
                            Bytes::Borrowed(b) => release(b),
                        }
                    }
                    Err(e) => {
                        merged.fail(e);
                        return;
                    }
                }
            }
        }
    });
}
