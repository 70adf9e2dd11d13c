//! Reading a CSV stream as tables of at most `chunk_size` rows with a fixed schema, in bounded
//! memory (for transforming or scoring a file larger than RAM).

use std::collections::HashSet;
use std::io::Read;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use crate::column::CategoricalColumn;
use crate::error::PreprocessError;
use crate::read::cells::NaSet;
use crate::read::options::CsvOptions;
use crate::read::parse::{parse_rows, read_header, Parsed, Plan, Role, RowProblem};
use crate::read::source::{Bytes, ReadBlocks, SliceBlocks};
use crate::read::tokenizer::Tokenizer;
use crate::schema::{ColumnType, Schema};
use crate::table::{Block, Slot, Table};
use rayon::prelude::*;

/// An iterator of [`Table`] chunks with a fixed schema; see [`crate::read_csv_chunks`].
///
/// Rows of each yielded table are numbered from 1 again; errors from reading carry the data row
/// of the whole file. After an error the iterator ends.
pub struct CsvChunks<R: Read> {
    blocks: ReadBlocks<R>,
    /// A regular file, memory-mapped: batches parse slices of it in place (no `read()` copies)
    /// and give its pages back once parsed; `blocks` is then unused.
    mapped: Option<Mapped>,
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

/// One segment of a batch: its chunks' parsed rows, then its first problem (local row) if any.
type SegmentParse = (Vec<Parsed>, Option<(usize, RowProblem)>);

/// A mapped file and where its unread records start.
struct Mapped {
    map: memmap2::Mmap,
    next: usize,
    tok: Tokenizer,
    block_size: usize,
}

impl Mapped {
    /// The byte range of the next block of whole records, `None` at the end.
    fn next_range(&mut self) -> Option<Range<usize>> {
        let rest = &self.map[self.next..];
        let block = SliceBlocks::continuing(rest, self.tok, self.block_size).next_slice()?;
        let range = self.next..self.next + block.len();
        self.next = range.end;
        Some(range)
    }
}

impl<R: Read> CsvChunks<R> {
    pub(crate) fn open(
        reader: R,
        map: Option<memmap2::Mmap>,
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
        let (header, block, start, mapped) = match map {
            Some(map) => {
                let mut slices = SliceBlocks::new(&map, tok, options.block_bytes());
                let (header, first, start) = read_header(&mut slices, tok, &path)?;
                let next = first.as_ptr() as usize - map.as_ptr() as usize + first.len();
                let block = first.to_vec();
                let mapped = Mapped {
                    map,
                    next,
                    tok,
                    block_size: options.block_bytes(),
                };
                (header, block, start, Some(mapped))
            }
            None => {
                let (header, first, start) = read_header(&mut blocks, tok, &path)?;
                let block = match first {
                    Bytes::Owned(v) => v,
                    Bytes::Borrowed(s) => s.to_vec(),
                };
                (header, block, start, None)
            }
        };
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
        Ok(CsvChunks {
            blocks,
            mapped,
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
                let next = match &mut self.mapped {
                    // One chunk at a time is the slow path: a copy of the block is fine here.
                    Some(m) => m.next_range().map(|r| m.map[r].to_vec()),
                    None => {
                        let spare = std::mem::take(&mut self.block);
                        self.blocks.next_owned(Some(spare))?
                    }
                };
                match next {
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
        Ok(Some(self.build_table(parsed)))
    }

    /// The table of rows just parsed, with the schema's columns.
    fn build_table(&self, parsed: Parsed) -> Table {
        let n = parsed.rows;
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
        Table::from_parts(self.schema.names(), slots, blocks, n)
    }

    /// Up to `max_blocks` blocks of the file (each a few MiB of whole records) parsed on every
    /// core at once, as tables of at most `chunk_size` rows, in file order, each with the number
    /// of data rows before it; then, if a row has a problem, the error (its row counted in the
    /// whole file), after the tables of the rows before it. Empty at the end of the file.
    ///
    /// This is the fast way through a large file: [`Iterator::next`] parses one chunk at a time
    /// on one core. Don't mix the two on one reader.
    pub fn next_batch(
        &mut self,
        max_blocks: usize,
    ) -> (Vec<(usize, Table)>, Option<PreprocessError>) {
        if self.done {
            return (Vec::new(), None);
        }
        loop {
            let (tables, error, read_any) = self.parse_batch(max_blocks);
            // A batch of blocks that held no whole row (say, the line feed of a CRLF that a
            // block boundary split off) is not the end of the file.
            if tables.is_empty() && error.is_none() && read_any {
                continue;
            }
            return (tables, error);
        }
    }

    /// One batch of [`next_batch`](Self::next_batch), and whether any block was read.
    fn parse_batch(
        &mut self,
        max_blocks: usize,
    ) -> (Vec<(usize, Table)>, Option<PreprocessError>, bool) {
        let leftover = self.pos;
        self.pos = self.block.len();
        let wanted = max_blocks.max(1) - usize::from(leftover < self.block.len());
        // Blocks of a mapped file as byte ranges of it; of a stream, read into buffers.
        let mut ranges: Vec<Range<usize>> = Vec::new();
        let mut read: Vec<Vec<u8>> = Vec::new();
        match &mut self.mapped {
            Some(m) => ranges.extend(std::iter::from_fn(|| m.next_range()).take(wanted)),
            None => {
                while read.len() < wanted {
                    match self.blocks.next_owned(None) {
                        Ok(Some(block)) => read.push(block),
                        Ok(None) => break,
                        Err(e) => {
                            self.done = true;
                            return (Vec::new(), Some(e), true);
                        }
                    }
                }
            }
        }
        let mut segments: Vec<&[u8]> = Vec::new();
        if leftover < self.block.len() {
            segments.push(&self.block[leftover..]);
        }
        if let Some(m) = &self.mapped {
            segments.extend(ranges.iter().map(|r| &m.map[r.clone()]));
        }
        segments.extend(read.iter().map(Vec::as_slice));
        let plan = &self.plan;
        let chunk = self.chunk_size;

        let parsed: Vec<SegmentParse> = segments
            .par_iter()
            .map(|seg| {
                let mut out = Vec::new();
                let mut pos = 0;
                let mut rows = 0;
                loop {
                    let mut p = Parsed::new(plan, Vec::new());
                    let ok = parse_rows(plan, &mut p, seg, &mut pos, chunk);
                    let problem = p.problem.take().map(|(r, pr)| (rows + r, pr));
                    rows += p.rows;
                    let empty = p.rows == 0;
                    if !empty {
                        out.push(p);
                    }
                    if !ok || problem.is_some() {
                        return (out, problem);
                    }
                    if empty || pos >= seg.len() {
                        return (out, None);
                    }
                }
            })
            .collect();
        let read_any = !segments.is_empty();
        drop(segments);
        if let Some(m) = &self.mapped {
            // Parsed into tables: the mapped pages go back, so memory stays flat.
            for r in &ranges {
                super::release_pages(&m.map, &m.map[r.clone()]);
            }
        }
        let mut tables = Vec::new();
        for (pieces, problem) in parsed {
            let before_segment = self.rows_read;
            for p in pieces {
                let first = self.rows_read;
                self.rows_read += p.rows;
                self.rows_before_last_chunk = first;
                tables.push((first, self.build_table(p)));
            }
            if let Some((row, problem)) = problem {
                self.done = true;
                let e = problem.into_error(&self.plan, before_segment + row + 1, &self.path);
                return (tables, Some(e), true);
            }
        }
        if !read_any {
            self.done = true;
            if self.rows_read == 0 {
                return (
                    tables,
                    Some(PreprocessError::NoRows {
                        path: self.path.clone(),
                    }),
                    false,
                );
            }
        }
        (tables, None, read_any)
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
