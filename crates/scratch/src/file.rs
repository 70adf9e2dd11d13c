//! A design written once to scratch files and read back memory-mapped in row blocks.
//!
//! Layout (native byte order: a scratch file never leaves the process that wrote it):
//! dense designs are one file of row-major values (`design.f64` or `design.f32`); CSR designs
//! are three, `indptr.u64` (n + 1 row pointers), `indices.u32` and `values.f64`.

// The scratch files are memory-mapped and advised (madvise) block by block: the unsafe
// calls are here and nowhere else in the crate; each says why it is sound.
#![allow(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use logreg_linalg_core::{
    ColumnScaling, Csr, Dense, Design, LinalgError, RowBlocks, SourceError, Storage,
};
use memmap2::{Advice, Mmap, UncheckedAdvice};

use crate::{check_interrupted, human_bytes, ScratchDir, ScratchError};

/// One scratch file being written.
struct Sink {
    path: PathBuf,
    file: File,
}

impl Sink {
    fn create(dir: &Path, name: &str) -> Result<Sink, ScratchError> {
        let path = dir.join(name);
        let file = OpenOptions::new()
            .create_new(true)
            .write(true)
            .read(true)
            .open(&path)
            .map_err(|source| ScratchError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        Ok(Sink { path, file })
    }
}

/// Bytes of a slice of plain numbers (f64, f32, u32, u64: no padding, every byte initialized).
fn as_bytes<T: Copy>(values: &[T]) -> &[u8] {
    // SAFETY: the callers pass slices of primitive numbers, which have no padding bytes; the
    // length is the slice's size in bytes and the lifetime is the slice's.
    unsafe {
        std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values))
    }
}

/// Writes a design to scratch files block by block; [`finish`](Self::finish) turns it into a
/// [`DesignFile`] to read back.
pub struct DesignWriter {
    storage: Storage,
    n_cols: usize,
    n_rows: usize,
    nnz: u64,
    written: u64,
    scaling: Option<ColumnScaling>,
    values: Sink,
    indices: Option<Sink>,
    indptr: Option<Sink>,
}

impl std::fmt::Debug for DesignWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DesignWriter({} rows × {}, {}, {})",
            self.n_rows,
            self.n_cols,
            self.storage.name(),
            self.values.path.display()
        )
    }
}

impl DesignWriter {
    /// A writer of a design with `n_cols` columns stored as `storage`, in `dir`.
    pub fn create(
        dir: &ScratchDir,
        storage: Storage,
        n_cols: usize,
    ) -> Result<DesignWriter, ScratchError> {
        let d = dir.path();
        let (values, indices, indptr) = match storage {
            Storage::Dense => (Sink::create(d, "design.f64")?, None, None),
            Storage::DenseF32 => (Sink::create(d, "design.f32")?, None, None),
            Storage::Sparse => (
                Sink::create(d, "values.f64")?,
                Some(Sink::create(d, "indices.u32")?),
                Some(Sink::create(d, "indptr.u64")?),
            ),
        };
        let mut w = DesignWriter {
            storage,
            n_cols,
            n_rows: 0,
            nnz: 0,
            written: 0,
            scaling: None,
            values,
            indices,
            indptr,
        };
        if storage == Storage::Sparse {
            w.write(Part::Indptr, as_bytes(&[0u64]))?;
        }
        Ok(w)
    }

    /// Rows written so far.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Columns of every row.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    fn write(&mut self, part: Part, bytes: &[u8]) -> Result<(), ScratchError> {
        let sink = match part {
            Part::Values => &mut self.values,
            Part::Indices => self.indices.as_mut().unwrap_or(&mut self.values),
            Part::Indptr => self.indptr.as_mut().unwrap_or(&mut self.values),
        };
        let written = self.written;
        sink.file
            .write_all(bytes)
            .map_err(|source| ScratchError::Write {
                path: sink.path.clone(),
                source,
                needed: format!("more than {}", human_bytes(written + bytes.len() as u64)),
            })?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Appends the rows of `block` (same storage and width as the writer's; a CSR block's
    /// standardization must be the same in every block).
    pub fn append(&mut self, block: &Design<'_>) -> Result<(), ScratchError> {
        check_interrupted()?;
        if block.storage() != self.storage || block.n_cols() != self.n_cols {
            return Err(ScratchError::Shape {
                expected: format!("{} columns, {}", self.n_cols, self.storage.name()),
                found: format!("{} columns, {}", block.n_cols(), block.storage().name()),
            });
        }
        match block {
            Design::Dense(x) => self.write(Part::Values, as_bytes(x.as_slice()))?,
            Design::DenseF32(x) => self.write(Part::Values, as_bytes(x.as_slice()))?,
            Design::Sparse(x) => {
                match (&self.scaling, x.scaling()) {
                    (_, None) if self.n_rows == 0 || self.scaling.is_none() => {}
                    (None, Some(s)) if self.n_rows == 0 => self.scaling = Some(s.clone()),
                    (Some(a), Some(b)) if a == b => {}
                    _ => {
                        return Err(ScratchError::Shape {
                            expected: "the standardization of the first block".into(),
                            found: "another standardization".into(),
                        })
                    }
                }
                let (indptr, indices, values) = x.arrays();
                let base = self.nnz;
                let ptrs: Vec<u64> = indptr[1..].iter().map(|&p| base + p as u64).collect();
                self.write(Part::Indptr, as_bytes(&ptrs))?;
                self.write(Part::Indices, as_bytes(indices))?;
                self.write(Part::Values, as_bytes(values))?;
                self.nnz += values.len() as u64;
            }
        }
        self.n_rows += block.n_rows();
        Ok(())
    }

    /// The design written, to read back in blocks of about `block_bytes` bytes (at least one
    /// row each).
    pub fn finish(self, block_bytes: usize) -> Result<DesignFile, ScratchError> {
        let map = |sink: &Sink| -> Result<Option<Mmap>, ScratchError> {
            let len = sink
                .file
                .metadata()
                .map_err(|source| ScratchError::Read {
                    path: sink.path.clone(),
                    source,
                })?
                .len();
            if len == 0 {
                return Ok(None);
            }
            // SAFETY: the file is private to this process (in a 0700 directory it created) and
            // is never written again; nothing truncates it while the map lives.
            let m = unsafe { Mmap::map(&sink.file) }.map_err(|source| ScratchError::Read {
                path: sink.path.clone(),
                source,
            })?;
            Ok(Some(m))
        };
        Ok(DesignFile {
            storage: self.storage,
            n_rows: self.n_rows,
            n_cols: self.n_cols,
            nnz: self.nnz as usize,
            bytes: self.written,
            block_bytes: block_bytes.max(1),
            scaling: self.scaling.clone(),
            values: map(&self.values)?,
            indices: self.indices.as_ref().map(map).transpose()?.flatten(),
            indptr: self.indptr.as_ref().map(map).transpose()?.flatten(),
            path: self.values.path.clone(),
            progress: None,
        })
    }
}

#[derive(Clone, Copy)]
enum Part {
    Values,
    Indices,
    Indptr,
}

/// What a pass reports after each block: rows done so far, and rows in all.
pub type PassProgress = Box<dyn Fn(usize, usize) + Send + Sync>;

/// A design in scratch files, read back memory-mapped in row blocks: a [`RowBlocks`] source.
///
/// Each block's pages are faulted in with one `MADV_POPULATE_READ` and released with
/// `MADV_DONTNEED` once the block is done, so a pass keeps about one block of the file mapped
/// (the page cache keeps the rest warm for the next pass, outside the process's memory).
pub struct DesignFile {
    storage: Storage,
    n_rows: usize,
    n_cols: usize,
    nnz: usize,
    bytes: u64,
    block_bytes: usize,
    scaling: Option<ColumnScaling>,
    values: Option<Mmap>,
    indices: Option<Mmap>,
    indptr: Option<Mmap>,
    path: PathBuf,
    progress: Option<PassProgress>,
}

impl std::fmt::Debug for DesignFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DesignFile({} rows × {}, {}, {})",
            self.n_rows,
            self.n_cols,
            self.storage.name(),
            self.path.display()
        )
    }
}

/// The slice of `T`s at bytes `range` of a map (empty without one).
fn typed<T: Copy>(map: Option<&Mmap>, start: usize, count: usize) -> Result<&[T], LinalgError> {
    let size = std::mem::size_of::<T>();
    let Some(map) = map else {
        return Ok(&[]);
    };
    let bytes = map
        .get(start * size..(start + count) * size)
        .ok_or_else(|| LinalgError::LengthMismatch {
            operation: "scratch file (bytes)",
            expected: (start + count) * size,
            found: map.len(),
        })?;
    // SAFETY: any bit pattern is a valid f64, f32, u32 or u64; align_to only hands out the
    // aligned middle part, and a map starts page aligned, so the middle is all of it.
    let (head, mid, tail) = unsafe { bytes.align_to::<T>() };
    if !head.is_empty() || !tail.is_empty() {
        return Err(LinalgError::LengthMismatch {
            operation: "scratch file alignment",
            expected: 0,
            found: head.len() + tail.len(),
        });
    }
    Ok(mid)
}

/// Fault in (before) or release (after) the bytes of a block.
fn advise(map: Option<&Mmap>, start: usize, len: usize, release: bool) {
    let Some(map) = map else { return };
    if len == 0 || start >= map.len() {
        return;
    }
    let len = len.min(map.len() - start);
    if release {
        // SAFETY: the block's slices are dropped before this call; DONTNEED on a read-only
        // private file mapping only drops the pages, which fault back in from the file.
        let _ = unsafe { map.unchecked_advise_range(UncheckedAdvice::DontNeed, start, len) };
    } else {
        // A hint: kernels before 5.14 refuse it, and pages then fault in as read.
        let _ = map.advise_range(Advice::PopulateRead, start, len);
    }
}

impl DesignFile {
    /// Bytes the scratch files hold.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The first scratch file's path (the directory holds the others).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Calls `progress(rows_done, n_rows)` after each block of every pass.
    pub fn with_progress(mut self, progress: PassProgress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Rows per dense block.
    fn dense_rows_per_block(&self, value_bytes: usize) -> usize {
        (self.block_bytes / (self.n_cols.max(1) * value_bytes)).max(1)
    }

    fn dense_pass<T: logreg_linalg_core::Real>(
        &self,
        visit: &mut dyn FnMut(usize, &Design<'_>) -> Result<(), LinalgError>,
    ) -> Result<(), LinalgError>
    where
        for<'x> Dense<'x, T>: Into<Design<'x>>,
    {
        let size = std::mem::size_of::<T>();
        let per = self.dense_rows_per_block(size);
        let d = self.n_cols;
        let map = self.values.as_ref();
        let mut first = 0;
        while first < self.n_rows {
            check_interrupted().map_err(SourceError::new)?;
            let m = per.min(self.n_rows - first);
            let (start, len) = (first * d * size, m * d * size);
            advise(map, start, len, false);
            {
                let values = typed::<T>(map, first * d, m * d)?;
                let block: Design<'_> = Dense::from_trusted(values, m, d)?.into();
                visit(first, &block)?;
            }
            advise(map, start, len, true);
            first += m;
            if let Some(p) = &self.progress {
                p(first, self.n_rows);
            }
        }
        Ok(())
    }

    fn sparse_pass(
        &self,
        visit: &mut dyn FnMut(usize, &Design<'_>) -> Result<(), LinalgError>,
    ) -> Result<(), LinalgError> {
        let indptr = typed::<u64>(self.indptr.as_ref(), 0, self.n_rows + 1)?;
        let mut first = 0;
        let mut local: Vec<usize> = Vec::new();
        while first < self.n_rows {
            check_interrupted().map_err(SourceError::new)?;
            // As many rows as fit in the block's bytes (12 per entry, 8 per row), at least one.
            let a = indptr[first] as usize;
            let mut end = first + 1;
            while end < self.n_rows
                && (indptr[end + 1] as usize - a) * 12 + (end + 1 - first) * 8 <= self.block_bytes
            {
                end += 1;
            }
            let b = indptr[end] as usize;
            advise(self.indices.as_ref(), a * 4, (b - a) * 4, false);
            advise(self.values.as_ref(), a * 8, (b - a) * 8, false);
            {
                local.clear();
                local.extend(indptr[first..=end].iter().map(|&p| p as usize - a));
                let indices = typed::<u32>(self.indices.as_ref(), a, b - a)?;
                let values = typed::<f64>(self.values.as_ref(), a, b - a)?;
                let mut csr =
                    Csr::from_trusted(end - first, self.n_cols, &local[..], indices, values)?;
                if let Some(s) = &self.scaling {
                    csr = csr.with_standardization(s.shift.clone(), s.scale.clone())?;
                }
                visit(first, &Design::Sparse(csr))?;
            }
            advise(self.indices.as_ref(), a * 4, (b - a) * 4, true);
            advise(self.values.as_ref(), a * 8, (b - a) * 8, true);
            advise(self.indptr.as_ref(), first * 8, (end - first) * 8, true);
            first = end;
            if let Some(p) = &self.progress {
                p(first, self.n_rows);
            }
        }
        Ok(())
    }
}

impl RowBlocks for DesignFile {
    fn n_rows(&self) -> usize {
        self.n_rows
    }

    fn n_cols(&self) -> usize {
        self.n_cols
    }

    fn storage(&self) -> Storage {
        self.storage
    }

    fn stored_values(&self) -> usize {
        match self.storage {
            Storage::Sparse => self.nnz,
            _ => self.n_rows * self.n_cols,
        }
    }

    fn pass(
        &self,
        visit: &mut dyn FnMut(usize, &Design<'_>) -> Result<(), LinalgError>,
    ) -> Result<(), LinalgError> {
        match self.storage {
            Storage::Dense => self.dense_pass::<f64>(visit),
            Storage::DenseF32 => self.dense_pass::<f32>(visit),
            Storage::Sparse => self.sparse_pass(visit),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks_of(file: &DesignFile) -> Vec<(usize, Vec<f64>)> {
        let mut out = Vec::new();
        file.pass(&mut |first, block| {
            let m = block.to_dmatrix(None)?;
            out.push((first, m.transpose().as_slice().to_vec()));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn every_storage_reads_back_what_was_written_in_blocks() {
        let parent = tempfile::tempdir().unwrap();
        let values: Vec<f64> = (0..30).map(|i| i as f64 * 0.5 - 3.0).collect();
        let dense = Design::from(Dense::new(values.clone(), 10, 3).unwrap());
        let f32d = Design::from(Dense::new(values.clone(), 10, 3).unwrap().to_f32());
        let sparse = Design::from(
            Csr::from_triplets(
                10,
                3,
                &[(0, 1, 2.0), (3, 0, -1.0), (3, 2, 4.0), (9, 1, 1.5)],
            )
            .unwrap(),
        );
        for x in [&dense, &f32d, &sparse] {
            for block_bytes in [1, 40, 1 << 20] {
                let dir = ScratchDir::create(parent.path()).unwrap();
                let mut w = DesignWriter::create(&dir, x.storage(), 3).unwrap();
                // Written in pieces of 4, 4 and 2 rows.
                let pieces = logreg_linalg_core::InMemoryBlocks::new(x, 4).unwrap();
                pieces
                    .pass(&mut |_, b| {
                        w.append(b).map_err(SourceError::new)?;
                        Ok(())
                    })
                    .unwrap();
                let file = w.finish(block_bytes).unwrap();
                assert_eq!((file.n_rows(), file.n_cols()), (10, 3));
                let got = blocks_of(&file);
                let whole: Vec<f64> = got.iter().flat_map(|(_, v)| v.clone()).collect();
                let expected = x.to_dmatrix(None).unwrap().transpose().as_slice().to_vec();
                assert_eq!(whole, expected, "{:?} {block_bytes}", x.storage());
                let firsts: Vec<usize> = got.iter().map(|(f, _)| *f).collect();
                match block_bytes {
                    1 => assert_eq!(firsts, (0..10).collect::<Vec<_>>()),
                    40 => assert!(firsts.len() > 1),
                    _ => assert_eq!(firsts, [0]),
                }
            }
        }
        assert!(crate::clean_stale(parent.path()).is_empty());
    }

    #[test]
    fn a_block_of_another_shape_is_refused() {
        let parent = tempfile::tempdir().unwrap();
        let dir = ScratchDir::create(parent.path()).unwrap();
        let mut w = DesignWriter::create(&dir, Storage::Dense, 2).unwrap();
        let e = w
            .append(&Design::from(Dense::new(vec![1.0], 1, 1).unwrap()))
            .unwrap_err();
        assert!(e.to_string().contains("2 columns"), "{e}");
    }
}
