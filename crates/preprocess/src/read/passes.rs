//! A CSV file read in passes: the header and column types once, then any number of passes, each
//! parsing the file on every core and handing over its rows as chunk tables in file order, in
//! bounded memory (a few blocks of text and of parsed rows at a time).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use crate::column::CategoricalColumn;
use crate::error::PreprocessError;
use crate::read::cells::NaSet;
use crate::read::options::CsvOptions;
use crate::read::parse::{number_error, read_header, sample_types, Parsed, Plan, Role};
use crate::read::source::ReadBlocks;
use crate::read::tokenizer::Tokenizer;
use crate::read::whole::{run, Sink};
use crate::schema::{ColumnType, Field, Schema};
use crate::table::{Block, Slot, Table};

/// Records the column types are guessed from (as [`crate::read_csv`]).
const SAMPLE_ROWS: usize = 1000;

/// Chunks parsed ahead of the consumer.
const AHEAD: usize = 4;

/// The rows of one pass, a table at a time: `(first_row, table)` with `first_row` the 0-based
/// index of the table's first row in the file.
pub type ChunkResult = Result<(usize, Table), PreprocessError>;

/// A CSV file opened for reading in passes; see [`crate::read_csv_passes`].
#[derive(Debug, Clone)]
pub struct CsvPasses {
    path: PathBuf,
    options: CsvOptions,
    header: Vec<String>,
    /// One per header field: its type, or `None` when it is not read.
    types: Vec<Option<ColumnType>>,
    /// One per header field: whether the type was given (else guessed from the sample).
    forced: Vec<bool>,
    /// Bytes per data row in the sample (for estimates).
    sample_row_bytes: Option<f64>,
}

impl CsvPasses {
    pub(crate) fn open(path: &Path, options: &CsvOptions) -> Result<CsvPasses, PreprocessError> {
        options.validate()?;
        let file = super::open_file(path)?;
        let p = Some(path.to_path_buf());
        let tok = super::tokenizer(options);
        let mut blocks = ReadBlocks::new(file, tok, options.block_bytes(), p.clone());
        let (header, first, start) = read_header(&mut blocks, tok, &p)?;
        options.check_forced_in(&header)?;
        let na = NaSet::new(options);
        let (numeric, rows, bytes) =
            sample_types(tok, &na, &first[start..], header.len(), SAMPLE_ROWS);
        let mut types = Vec::with_capacity(header.len());
        let mut forced = Vec::with_capacity(header.len());
        for (name, &numeric) in header.iter().zip(&numeric) {
            let given = options.forced_type(name);
            forced.push(given.is_some());
            types.push(Some(given.unwrap_or(if numeric {
                ColumnType::Numeric
            } else {
                ColumnType::Categorical
            })));
        }
        Ok(CsvPasses {
            path: path.to_path_buf(),
            options: options.clone(),
            header,
            types,
            forced,
            sample_row_bytes: (rows > 0).then(|| bytes as f64 / rows as f64),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every column of the file, in file order (including those not read).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The columns read, in file order, with their types (guessed from the first 1 000 rows
    /// unless given; a guess proved wrong by a pass is corrected: see [`Self::chunks`]).
    pub fn schema(&self) -> Schema {
        Schema {
            fields: self
                .header
                .iter()
                .zip(&self.types)
                .filter_map(|(name, t)| {
                    t.map(|column_type| Field {
                        name: name.clone(),
                        column_type,
                    })
                })
                .collect(),
        }
    }

    /// Reads only these columns (in file order); the others are skipped. Each must exist.
    pub fn select<S: AsRef<str>>(&mut self, names: &[S]) -> Result<(), PreprocessError> {
        for n in names {
            if !self.header.iter().any(|h| h == n.as_ref()) {
                return Err(PreprocessError::ColumnNotFound {
                    column: n.as_ref().to_string(),
                    available: self.header.clone(),
                });
            }
        }
        for (name, t) in self.header.iter().zip(&mut self.types) {
            if !names.iter().any(|n| n.as_ref() == name) {
                *t = None;
            } else if t.is_none() {
                *t = Some(ColumnType::Categorical);
            }
        }
        Ok(())
    }

    /// Reads `column` as `column_type` from now on (as [`CsvOptions::column_type`]).
    pub fn set_type(
        &mut self,
        column: &str,
        column_type: ColumnType,
    ) -> Result<(), PreprocessError> {
        match self.header.iter().position(|h| h == column) {
            Some(i) => {
                self.types[i] = Some(column_type);
                self.forced[i] = true;
                Ok(())
            }
            None => Err(PreprocessError::ColumnNotFound {
                column: column.to_string(),
                available: self.header.clone(),
            }),
        }
    }

    /// Estimated data rows: the file's size over the sample's bytes per row.
    pub fn estimated_rows(&self) -> Option<usize> {
        let size = std::fs::metadata(&self.path).ok()?.len() as f64;
        self.sample_row_bytes
            .map(|per| (size / per.max(1.0)).ceil() as usize)
    }

    /// One pass over the file: its rows as chunk tables (the columns read, in file order), in
    /// file order, parsed on every core. A column guessed numeric that holds text further down
    /// ends the pass with [`PreprocessError::NotNumericAfterAll`]
    /// (the caller reads it as text with [`set_type`](Self::set_type) and starts the pass again).
    /// After an error the iterator ends.
    pub fn chunks(&self) -> Result<impl Iterator<Item = ChunkResult> + 'static, PreprocessError> {
        let file = super::open_file(&self.path)?;
        let (tx, rx) = sync_channel::<ChunkResult>(AHEAD);
        let plan_parts = (
            self.options.clone(),
            self.header.clone(),
            self.types.clone(),
            self.forced.clone(),
        );
        let path = Some(self.path.clone());
        std::thread::spawn(move || {
            let (options, header, types, forced) = plan_parts;
            let tok = Tokenizer {
                delimiter: options.delimiter_byte(),
                quote: options.quote_byte(),
            };
            let mut blocks = ReadBlocks::new(file, tok, options.block_bytes(), path.clone());
            let (_, first, start) = match read_header(&mut blocks, tok, &path) {
                Ok(h) => h,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            let (mut n_numeric, mut n_categorical) = (0, 0);
            let mut names = Vec::new();
            let mut slots = Vec::new();
            let mut numeric_field = Vec::new();
            let roles: Vec<Role> = types
                .iter()
                .zip(&forced)
                .enumerate()
                .map(|(f, (t, &forced))| match t {
                    None => Role::Skip,
                    Some(ColumnType::Numeric) => {
                        n_numeric += 1;
                        names.push(header[f].clone());
                        slots.push(SlotPlan::Numeric(n_numeric - 1));
                        numeric_field.push(f);
                        Role::Numeric {
                            col: n_numeric - 1,
                            forced,
                        }
                    }
                    Some(ColumnType::Categorical) => {
                        n_categorical += 1;
                        names.push(header[f].clone());
                        slots.push(SlotPlan::Categorical(n_categorical - 1));
                        Role::Categorical {
                            col: n_categorical - 1,
                        }
                    }
                })
                .collect();
            let plan = Plan {
                tok,
                na: NaSet::new(&options),
                roles,
                order: (0..header.len()).collect(),
                names: header.clone(),
                n_numeric,
                n_categorical,
                stop_at_bad_number: false,
            };
            let mut sink = ChunkSink {
                tx,
                rows: 0,
                names,
                slots,
                numeric_field,
                header,
            };
            run(
                &plan,
                Box::new(blocks),
                first,
                start,
                options.thread_count(),
                &mut sink,
                &path,
                // Blocks read into buffers of their own: nothing mapped to give back.
                &|_: &[u8]| {},
            );
        });
        Ok(CsvPassIter { rx, done: false })
    }
}

/// One pass's chunks (see [`CsvPasses::chunks`]); dropping it stops the pass's threads.
struct CsvPassIter {
    rx: Receiver<ChunkResult>,
    done: bool,
}

impl Iterator for CsvPassIter {
    type Item = ChunkResult;

    fn next(&mut self) -> Option<ChunkResult> {
        if self.done {
            return None;
        }
        match self.rx.recv() {
            Ok(Ok(chunk)) => Some(Ok(chunk)),
            Ok(Err(e)) => {
                self.done = true;
                Some(Err(e))
            }
            Err(_) => {
                self.done = true;
                None
            }
        }
    }
}

/// Where a chunk table's column comes from.
#[derive(Clone, Copy)]
enum SlotPlan {
    Numeric(usize),
    Categorical(usize),
}

/// Turns parsed blocks into chunk tables and sends them on.
struct ChunkSink {
    tx: SyncSender<ChunkResult>,
    rows: usize,
    names: Vec<String>,
    slots: Vec<SlotPlan>,
    /// For each numeric column, its header field.
    numeric_field: Vec<usize>,
    header: Vec<String>,
}

impl Sink for ChunkSink {
    fn merge(
        &mut self,
        parsed: Parsed,
        plan: &Plan,
        path: &Option<PathBuf>,
        _spare: &Mutex<Vec<Vec<f64>>>,
    ) -> bool {
        let offset = self.rows;
        if let Some(col) = parsed.not_numeric.iter().position(|&b| b) {
            let field = self.numeric_field[col];
            let _ = self.tx.send(Err(PreprocessError::NotNumericAfterAll {
                path: path.clone(),
                column: self.header[field].clone(),
                rows: SAMPLE_ROWS,
            }));
            return false;
        }
        let first_bad = parsed
            .bad_numbers
            .iter()
            .enumerate()
            .filter_map(|(col, b)| b.as_ref().map(|b| (col, b)))
            .min_by_key(|(_, (row, _, _))| *row);
        if let Some((col, (row, error, text))) = first_bad {
            let field = self.numeric_field[col];
            let _ = self.tx.send(Err(number_error(
                *error,
                path,
                offset + row + 1,
                &self.header[field],
                text,
            )));
            return false;
        }
        let rows = parsed.rows;
        let mut labels: Vec<Option<CategoricalColumn>> = parsed
            .labels
            .into_iter()
            .map(|l| {
                let (mut codes, labels) = l.into_parts();
                codes.truncate(rows);
                let categories = labels
                    .iter()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .collect();
                Some(CategoricalColumn::from_parts(codes, categories))
            })
            .collect();
        let slots = self
            .slots
            .iter()
            .map(|s| match *s {
                SlotPlan::Numeric(col) => Slot::Numeric { block: 0, col },
                SlotPlan::Categorical(col) => Slot::Categorical(Arc::new(
                    labels[col]
                        .take()
                        .unwrap_or_else(|| CategoricalColumn::from_parts(Vec::new(), Vec::new())),
                )),
            })
            .collect();
        let mut values = parsed.numeric;
        values.truncate(rows * plan.n_numeric);
        let table = Table::from_parts(
            self.names.clone(),
            slots,
            vec![Block {
                values,
                width: plan.n_numeric,
            }],
            rows,
        );
        self.rows += rows;
        if rows > 0 && self.tx.send(Ok((offset, table))).is_err() {
            return false;
        }
        if let Some((row, problem)) = parsed.problem {
            let _ = self
                .tx
                .send(Err(problem.into_error(plan, offset + row + 1, path)));
            return false;
        }
        true
    }

    fn fail(&mut self, e: PreprocessError) {
        let _ = self.tx.send(Err(e));
    }
}
