//! Reading a Parquet file in passes: row group by row group, record batch by record batch, only
//! the columns asked for, each batch as a chunk table.

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

    /// The columns read (in file order, with the type each is read as) and the projection
    /// that decodes only those.
    pub(super) fn projection(&self) -> (ProjectionMask, Vec<(String, ColumnType)>) {
        let read: Vec<usize> = (0..self.names.len())
            .filter(|&i| self.types[i].is_some())
            .collect();
        let mask = ProjectionMask::roots(self.metadata.parquet_schema(), read.iter().copied());
        let columns = read
            .iter()
            .map(|&i| {
                (
                    self.names[i].clone(),
                    self.types[i].unwrap_or(ColumnType::Numeric),
                )
            })
            .collect();
        (mask, columns)
    }

    /// The state of one pass, on a handle of its own on the file.
    fn pass(&self, batch_rows: usize) -> Result<ParquetChunks, PreprocessError> {
        let file = File::open(&self.path).map_err(|source| PreprocessError::Io {
            path: Some(self.path.clone()),
            source,
        })?;
        let (mask, columns) = self.projection();
        let groups = row_groups(&self.metadata);
        Ok(ParquetChunks {
            path: self.path.clone(),
            file,
            metadata: self.metadata.clone(),
            mask,
            columns,
            groups,
            next_group: 0,
            batch_rows: batch_rows.max(1),
            reader: None,
            row: 0,
            done: false,
        })
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
    batch_rows: usize,
    reader: Option<(
        usize,
        parquet::arrow::arrow_reader::ParquetRecordBatchReader,
    )>,
    /// Rows handed out so far.
    row: usize,
    done: bool,
}

/// Each row group's first row and rows.
pub(super) fn row_groups(metadata: &ArrowReaderMetadata) -> Vec<(usize, usize)> {
    let meta = metadata.metadata();
    (0..meta.num_row_groups())
        .scan(0usize, |start, g| {
            let n = usize::try_from(meta.row_group(g).num_rows()).unwrap_or(0);
            let out = (*start, n);
            *start += n;
            Some(out)
        })
        .collect()
}

/// Row group `g` as errors name it: its number and its data rows.
pub(super) fn place(groups: &[(usize, usize)], g: usize) -> String {
    let (start, n) = groups[g];
    format!(
        "row group {} of {} (data rows {}–{})",
        g + 1,
        groups.len(),
        start + 1,
        start + n
    )
}

impl ParquetChunks {
    fn place(&self, g: usize) -> String {
        place(&self.groups, g)
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
            if g >= self.groups.len() {
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
