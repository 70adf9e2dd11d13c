//! Reading a CSV stream as tables of at most `chunk_size` rows with a fixed schema, in bounded
//! memory (for transforming or scoring a file larger than RAM).

use std::collections::HashSet;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use crate::column::CategoricalColumn;
use crate::error::PreprocessError;
use crate::read::cells::NaSet;
use crate::read::options::CsvOptions;
use crate::read::parse::{parse_rows, read_header, Parsed, Plan, Role};
use crate::read::source::{Bytes, ReadBlocks};
use crate::read::tokenizer::Tokenizer;
use crate::schema::{ColumnType, Schema};
use crate::table::{Block, Slot, Table};

/// An iterator of [`Table`] chunks with a fixed schema; see [`crate::read_csv_chunks`].
///
/// Rows of each yielded table are numbered from 1 again; errors from reading carry the data row
/// of the whole file. After an error the iterator ends.
pub struct CsvChunks<R: Read> {
    blocks: ReadBlocks<R>,
    plan: Plan,
    header: Vec<String>,
    schema: Schema,
    /// For each schema column, its field index in the file.
    positions: Vec<usize>,
    block: Vec<u8>,
    pos: usize,
    chunk_size: usize,
    path: Option<PathBuf>,
    rows_read: usize,
    rows_before_last_chunk: usize,
    done: bool,
}

impl<R: Read> CsvChunks<R> {
    pub(crate) fn open(
        reader: R,
        schema: &Schema,
        chunk_size: usize,
        options: &CsvOptions,
        path: Option<PathBuf>,
    ) -> Result<Self, PreprocessError> {
        if chunk_size == 0 {
            return Err(PreprocessError::param("chunk_size", "must be at least 1"));
        }
        options.validate()?;
        let tok = Tokenizer {
            delimiter: options.delimiter_byte(),
            quote: options.quote_byte(),
        };
        let mut blocks = ReadBlocks::new(reader, tok, options.block_bytes(), path.clone());
        let (header, first, start) = read_header(&mut blocks, tok, &path)?;
        let mut positions = Vec::with_capacity(schema.fields.len());
        let mut missing = Vec::new();
        let mut seen = HashSet::new();
        for field in &schema.fields {
            if !seen.insert(field.name.as_str()) {
                return Err(PreprocessError::DuplicateColumn {
                    path: None,
                    column: field.name.clone(),
                });
            }
            match header.iter().position(|h| *h == field.name) {
                Some(i) => positions.push(i),
                None => missing.push(field.name.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(PreprocessError::SchemaMismatch {
                missing,
                mistyped: Vec::new(),
            });
        }
        let mut roles = vec![Role::Skip; header.len()];
        let mut order = vec![usize::MAX; header.len()];
        let (mut n_numeric, mut n_categorical) = (0, 0);
        for (s, (field, &f)) in schema.fields.iter().zip(&positions).enumerate() {
            order[f] = s;
            roles[f] = match field.column_type {
                ColumnType::Numeric => {
                    n_numeric += 1;
                    Role::Numeric {
                        col: n_numeric - 1,
                        forced: true,
                    }
                }
                ColumnType::Categorical => {
                    n_categorical += 1;
                    Role::Categorical {
                        col: n_categorical - 1,
                    }
                }
            };
        }
        let plan = Plan {
            tok,
            na: NaSet::new(options),
            roles,
            order,
            names: header.clone(),
            n_numeric,
            n_categorical,
            stop_at_bad_number: true,
        };
        let block = match first {
            Bytes::Owned(v) => v,
            Bytes::Borrowed(s) => s.to_vec(),
        };
        Ok(CsvChunks {
            blocks,
            plan,
            header,
            schema: schema.clone(),
            positions,
            block,
            pos: start,
            chunk_size,
            path,
            rows_read: 0,
            rows_before_last_chunk: 0,
            done: false,
        })
    }

    /// The file's header (all its column names, including those not in the schema).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Data rows read so far.
    pub fn rows_read(&self) -> usize {
        self.rows_read
    }

    /// Data rows before the chunk last returned: add it to a row inside that chunk (see
    /// [`PreprocessError::with_row_offset`]) to get the data row in the file.
    pub fn rows_before_last_chunk(&self) -> usize {
        self.rows_before_last_chunk
    }

    fn read_chunk(&mut self) -> Result<Option<Table>, PreprocessError> {
        let start = self.rows_read;
        let mut parsed = Parsed::new(&self.plan, Vec::new());
        while parsed.rows < self.chunk_size {
            if self.pos >= self.block.len() {
                let spare = std::mem::take(&mut self.block);
                match self.blocks.next_owned(Some(spare))? {
                    Some(block) => {
                        self.block = block;
                        self.pos = 0;
                    }
                    None => break,
                }
            }
            let room = self.chunk_size - parsed.rows;
            if !parse_rows(&self.plan, &mut parsed, &self.block, &mut self.pos, room) {
                self.rows_read = start + parsed.rows;
                if let Some((row, problem)) = parsed.problem {
                    return Err(problem.into_error(&self.plan, start + row + 1, &self.path));
                }
            }
        }
        let n = parsed.rows;
        self.rows_read = start + n;
        if n == 0 {
            if start == 0 {
                return Err(PreprocessError::NoRows {
                    path: self.path.clone(),
                });
            }
            return Ok(None);
        }
        self.rows_before_last_chunk = start;
        let mut labels = parsed.labels.into_iter().map(|l| {
            let (codes, labels) = l.into_parts();
            let categories = labels
                .iter()
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect();
            CategoricalColumn::from_parts(codes, categories)
        });
        let mut categorical: Vec<Option<CategoricalColumn>> = Vec::new();
        for _ in 0..self.plan.n_categorical {
            categorical.push(labels.next());
        }
        let slots = self
            .positions
            .iter()
            .map(|&f| match self.plan.roles[f] {
                Role::Numeric { col, .. } => Slot::Numeric { block: 0, col },
                Role::Categorical { col } => Slot::Categorical(Arc::new(
                    categorical
                        .get_mut(col)
                        .and_then(Option::take)
                        .unwrap_or_else(|| CategoricalColumn::from_parts(Vec::new(), Vec::new())),
                )),
                // Every schema column has a role; an empty column keeps the types aligned.
                Role::Skip => Slot::Categorical(Arc::new(CategoricalColumn::from_parts(
                    Vec::new(),
                    Vec::new(),
                ))),
            })
            .collect();
        let blocks = vec![Block {
            values: parsed.numeric,
            width: self.plan.n_numeric,
        }];
        Ok(Some(Table::from_parts(
            self.schema.names(),
            slots,
            blocks,
            n,
        )))
    }
}

impl<R: Read> Iterator for CsvChunks<R> {
    type Item = Result<Table, PreprocessError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.read_chunk() {
            Ok(Some(table)) => Some(Ok(table)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
