//! Reading a Parquet file in passes: row group by row group, record batch by record batch, only
//! the columns asked for, each batch as a chunk table; or every row group at once on every core.

use std::fs::File;
use std::path::PathBuf;

use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;

use super::batch::batch_to_table;
use super::{parquet_error, ParquetPasses};
use crate::error::PreprocessError;
use crate::read::ChunkResult;
use crate::schema::ColumnType;
use crate::table::Table;

impl ParquetPasses {
    /// One pass over the file: its rows as chunk tables of at most `batch_rows` rows (the
    /// columns read, in file order), row group by row group, decoding only those columns.
    pub fn chunks(
        &self,
        batch_rows: usize,
    ) -> Result<impl Iterator<Item = ChunkResult> + 'static, PreprocessError> {
        self.pass(batch_rows)
    }

    /// The state of one pass, on a handle of its own on the file.
    fn pass(&self, batch_rows: usize) -> Result<ParquetChunks, PreprocessError> {
        let file = File::open(&self.path).map_err(|source| PreprocessError::Io {
            path: Some(self.path.clone()),
            source,
        })?;
        let read: Vec<usize> = (0..self.names.len())
            .filter(|&i| self.types[i].is_some())
            .collect();
        let meta = self.metadata.metadata();
        let groups: Vec<(usize, usize)> = (0..meta.num_row_groups())
            .scan(0usize, |start, g| {
                let n = usize::try_from(meta.row_group(g).num_rows()).unwrap_or(0);
                let out = (*start, n);
                *start += n;
                Some(out)
            })
            .collect();
        Ok(ParquetChunks {
            path: self.path.clone(),
            file,
            metadata: self.metadata.clone(),
            mask: ProjectionMask::roots(self.metadata.parquet_schema(), read.iter().copied()),
            columns: read
                .iter()
                .map(|&i| {
                    (
                        self.names[i].clone(),
                        self.types[i].unwrap_or(ColumnType::Numeric),
                    )
                })
                .collect(),
            end_group: groups.len(),
            groups,
            next_group: 0,
            batch_rows: batch_rows.max(1),
            reader: None,
            row: 0,
            done: false,
        })
    }
}

impl ParquetPasses {
    /// Every row in one table, the row groups decoded on every core (each with its own handle
    /// on the file) and joined in file order. `None` when the file has no rows.
    pub fn read_all(&self) -> Result<Option<Table>, PreprocessError> {
        use rayon::prelude::*;
        let n_groups = self.metadata.metadata().num_row_groups();
        let decoded: Vec<Result<Vec<Table>, PreprocessError>> = (0..n_groups)
            .into_par_iter()
            .map(|g| -> Result<Vec<Table>, PreprocessError> {
                let mut pass = self.pass(usize::MAX)?;
                let (start, rows) = pass.groups[g];
                pass.next_group = g;
                pass.end_group = g + 1;
                pass.row = start;
                pass.batch_rows = rows.max(1);
                pass.map(|c| c.map(|(_, t)| t)).collect()
            })
            .collect();
        // The first failing row group's error, whichever core saw it first.
        let mut tables = Vec::with_capacity(n_groups);
        for group in decoded {
            tables.extend(group?);
        }
        match tables.len() {
            0 => Ok(None),
            1 => Ok(tables.pop()),
            _ => Table::concat(tables).map(Some),
        }
    }
}

/// The chunks of one pass over a Parquet file.
struct ParquetChunks {
    path: PathBuf,
    file: File,
    metadata: ArrowReaderMetadata,
    mask: ProjectionMask,
    /// The columns read: name and the type they are read as.
    columns: Vec<(String, ColumnType)>,
    /// Each row group's first row and rows.
    groups: Vec<(usize, usize)>,
    next_group: usize,
    /// The pass stops before this row group.
    end_group: usize,
    batch_rows: usize,
    reader: Option<(
        usize,
        parquet::arrow::arrow_reader::ParquetRecordBatchReader,
    )>,
    /// Rows handed out so far.
    row: usize,
    done: bool,
}

impl ParquetChunks {
    fn place(&self, g: usize) -> String {
        let (start, n) = self.groups[g];
        format!(
            "row group {} of {} (data rows {}–{})",
            g + 1,
            self.groups.len(),
            start + 1,
            start + n
        )
    }

    fn next_chunk(&mut self) -> Result<Option<(usize, Table)>, PreprocessError> {
        loop {
            if let Some((g, reader)) = &mut self.reader {
                let g = *g;
                match reader.next() {
                    Some(Ok(batch)) => {
                        let first = self.row;
                        let table = batch_to_table(&batch, &self.columns, first)
                            .map_err(|e| e.with_path(&self.path))?;
                        self.row += batch.num_rows();
                        return Ok(Some((first, table)));
                    }
                    Some(Err(e)) => {
                        return Err(parquet_error(
                            &self.path,
                            format!("{} cannot be decoded", self.place(g)),
                            e,
                        ))
                    }
                    None => self.reader = None,
                }
            }
            let g = self.next_group;
            if g >= self.end_group {
                return Ok(None);
            }
            self.next_group += 1;
            let file = self
                .file
                .try_clone()
                .map_err(|source| PreprocessError::Io {
                    path: Some(self.path.clone()),
                    source,
                })?;
            let reader =
                ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.metadata.clone())
                    .with_projection(self.mask.clone())
                    .with_row_groups(vec![g])
                    .with_batch_size(self.batch_rows)
                    .build()
                    .map_err(|e| {
                        parquet_error(&self.path, format!("{} cannot be read", self.place(g)), e)
                    })?;
            self.reader = Some((g, reader));
        }
    }
}

impl Iterator for ParquetChunks {
    type Item = ChunkResult;

    fn next(&mut self) -> Option<ChunkResult> {
        if self.done {
            return None;
        }
        match self.next_chunk() {
            Ok(Some(c)) => Some(Ok(c)),
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
