//! Reading CSV into a [`Table`], all at once (on every core) or in chunks of bounded size.
//!
//! Rules, shared by [`read_csv`], [`read_csv_from`] and the chunked readers:
//! - The first record is the header; a UTF-8 byte-order mark before it is dropped. Names must be
//!   non-empty and unique.
//! - Fields may be quoted (`"a, b"`, `""` for a quote, line ends inside quotes kept); lines end
//!   in LF, CRLF or CR; empty lines are skipped.
//! - A cell is *missing* if it is empty or only whitespace, or equals (as written or with
//!   surrounding whitespace trimmed) one of the NA tokens: by default pandas' list,
//!   [`DEFAULT_NA_VALUES`], plus any [`CsvOptions::na_values`].
//! - A column is numeric if every non-missing cell parses as an `f64` (surrounding whitespace
//!   ignored); otherwise categorical, labels kept exactly as written. A number that overflows
//!   or is written as infinity (`inf`, `1e999`) is an error, never a silent ∞.
//!   [`CsvOptions::column_type`] forces a type. A column with no non-missing cell is numeric.
//! - Rows in errors are 1-based *data rows*: the header is not counted, so data row 1 is the
//!   record after the header (for files without empty lines or multi-line quoted fields, file
//!   line `r + 1`). A file with several problems reports the first row that has the wrong
//!   number of fields or bytes that are not UTF-8; failing that, the first column (in file
//!   order) read as numeric that holds a non-number, at its first such row.
//!
//! How it is fast: every cell is parsed once, straight into the table's buffers (numbers into
//! one row-major block that can later become the design matrix without a copy, labels into
//! dictionary codes); the input is cut into blocks at record boundaries (quote-aware) and the
//! blocks are parsed on every core, then joined in order, so the result and the rows in errors
//! do not depend on the number of threads. Types are guessed from the first 1 000 records and
//! confirmed by the full pass; a column guessed numeric that holds text further down is read
//! again, as labels.

mod cells;
mod chunks;
mod options;
mod parse;
mod passes;
mod ranges;
mod source;
mod tokenizer;
mod whole;

use std::fs::File;
use std::io::Read;
use std::path::Path;

pub use chunks::CsvChunks;
pub use options::{CsvOptions, DEFAULT_NA_VALUES};
pub use passes::{ChunkResult, CsvPasses};
pub use ranges::{csv_row_ranges, read_csv_range, CsvRange};

use crate::error::PreprocessError;
use crate::schema::Schema;
use crate::table::Table;
use source::{ReadBlocks, SliceBlocks};
use tokenizer::Tokenizer;

fn open_file(path: &Path) -> Result<File, PreprocessError> {
    File::open(path).map_err(|source| PreprocessError::Io {
        path: Some(path.to_path_buf()),
        source,
    })
}

fn tokenizer(options: &CsvOptions) -> Tokenizer {
    Tokenizer {
        delimiter: options.delimiter_byte(),
        quote: options.quote_byte(),
    }
}

/// Reads a whole CSV file into a [`Table`] (see the [module rules](self)), parsing on every
/// core. A regular file is memory-mapped and parsed in place (no copy of its bytes into
/// buffers: on a 1 GB file the kernel's copies were an eighth of the work); anything else (a
/// pipe, a device) is read in blocks of a few megabytes. Memory is the table plus a few blocks.
///
/// A file truncated by another process *while* it is mapped and read ends the process (the
/// operating system raises `SIGBUS`), as in every reader that maps files; a file that changed
/// between two reads of it is a located error.
pub fn read_csv(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Table, PreprocessError> {
    let path = path.as_ref();
    let file = open_file(path)?;
    let meta = file.metadata().ok();
    let size = meta.as_ref().map(|m| m.len());
    if let Some(map) = meta
        .filter(|m| m.is_file() && m.len() > 0)
        .and_then(|_| map_file(&file))
    {
        let open = || -> Result<Box<dyn source::Blocks<'_> + Send + '_>, PreprocessError> {
            Ok(Box::new(SliceBlocks::new(
                &map,
                tokenizer(options),
                options.block_bytes(),
            )))
        };
        let release = |block: &[u8]| release_pages(&map, block);
        return whole::read_table(&open, size, options, &Some(path.to_path_buf()), &release);
    }
    let open = || -> Result<Box<dyn source::Blocks<'static> + Send>, PreprocessError> {
        let file = open_file(path)?;
        Ok(Box::new(ReadBlocks::new(
            file,
            tokenizer(options),
            options.block_bytes(),
            Some(path.to_path_buf()),
        )))
    };
    whole::read_table(&open, size, options, &Some(path.to_path_buf()), &|_| {})
}

/// Gives back the pages of `map` that lie wholly inside `block` (a slice of it whose records are
/// parsed and no longer read), so a mapped file's pages do not add up in the resident memory.
pub(crate) fn release_pages(map: &memmap2::Mmap, block: &[u8]) {
    // Only Unix has madvise; elsewhere the pages stay mapped until the read ends.
    #[cfg(not(unix))]
    let _ = (map, block);
    #[cfg(unix)]
    {
        let (base, page) = (map.as_ptr() as usize, page_size());
        // Whole pages inside the block only: a page shared with the next block may still be
        // parsed by another thread.
        let start = (block.as_ptr() as usize - base).next_multiple_of(page);
        let end = (block.as_ptr() as usize - base + block.len()) / page * page;
        if end > start {
            // SAFETY: the pages are of a read-only mapping of a file; once dropped they are read
            // again from the file on the next access (a column re-read as text reads them
            // again), so every `&[u8]` into the map keeps seeing the same bytes. Every block in
            // the range has been parsed.
            #[allow(unsafe_code)]
            let _ = unsafe {
                map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start)
            };
        }
    }
}

/// The page size blocks are trimmed to before their pages are given back. Where pages are
/// larger the system rounds the range out; that is harmless, as dropped pages of a read-only
/// file mapping are read again from the file when touched.
fn page_size() -> usize {
    4096
}

/// The file mapped read-only, or `None` when the system will not map it (then it is read).
#[allow(unsafe_code)]
fn map_file(file: &File) -> Option<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this read, and its bytes are only read as
    // `&[u8]`. Like every reader that maps files, this relies on no other process modifying the
    // file while it is read: a concurrent writer would make the parsed bytes unspecified, and a
    // truncation raises SIGBUS (documented on `read_csv`).
    let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
    // A hint only: read-ahead suits one front-to-back pass.
    #[cfg(unix)]
    let _ = map.advise(memmap2::Advice::Sequential);
    Some(map)
}

/// Reads CSV from any reader (`&[u8]`, stdin, a socket) into a [`Table`].
///
/// The input is read into memory first, because a column guessed numeric that turns out to hold
/// text must be read again; for large files prefer [`read_csv`], which reads the file in blocks.
pub fn read_csv_from<R: Read>(
    mut reader: R,
    options: &CsvOptions,
) -> Result<Table, PreprocessError> {
    let mut data = Vec::new();
    reader
        .read_to_end(&mut data)
        .map_err(|source| PreprocessError::Io { path: None, source })?;
    read_csv_bytes(&data, options)
}

/// Reads CSV text already in memory into a [`Table`], without copying it first.
pub fn read_csv_bytes(data: &[u8], options: &CsvOptions) -> Result<Table, PreprocessError> {
    let open = || -> Result<Box<dyn source::Blocks<'_> + Send + '_>, PreprocessError> {
        Ok(Box::new(SliceBlocks::new(
            data,
            tokenizer(options),
            options.block_bytes(),
        )))
    };
    whole::read_table(&open, Some(data.len() as u64), options, &None, &|_| {})
}

/// Reads a CSV file as a sequence of [`Table`]s of at most `chunk_size` rows each, with the
/// columns and types of `schema` (in schema order; other columns of the file are skipped).
///
/// Memory stays bounded by the chunk size, so a fitted pipeline can transform a file larger
/// than RAM chunk by chunk. Columns of `schema` missing from the file are an error here; a
/// header with no rows is an error at the first `next()`. A chunk with several problems reports
/// the first bad cell in row order.
///
/// ```
/// use logreg_preprocess::{read_csv_chunks_from, ColumnType, CsvOptions, Schema};
/// let data = "x,label\n1,a\n2,b\n3,c\n";
/// let schema = Schema::new([("x", ColumnType::Numeric)]);
/// let mut chunks = read_csv_chunks_from(data.as_bytes(), &schema, 2, &CsvOptions::new())?;
/// let sizes: Vec<usize> = chunks.by_ref().map(|t| t.map(|t| t.n_rows())).collect::<Result<_, _>>()?;
/// assert_eq!(sizes, [2, 1]);
/// # Ok::<(), logreg_preprocess::PreprocessError>(())
/// ```
pub fn read_csv_chunks(
    path: impl AsRef<Path>,
    schema: &Schema,
    chunk_size: usize,
    options: &CsvOptions,
) -> Result<CsvChunks<File>, PreprocessError> {
    let path = path.as_ref();
    let file = open_file(path)?;
    // A regular file is mapped and parsed in place, as `read_csv` does.
    let map = file
        .metadata()
        .ok()
        .filter(|m| m.is_file() && m.len() > 0)
        .and_then(|_| map_file(&file));
    CsvChunks::open(
        file,
        map,
        schema,
        chunk_size,
        options,
        Some(path.to_path_buf()),
    )
}

/// [`read_csv_chunks`] over any reader.
pub fn read_csv_chunks_from<R: Read>(
    reader: R,
    schema: &Schema,
    chunk_size: usize,
    options: &CsvOptions,
) -> Result<CsvChunks<R>, PreprocessError> {
    CsvChunks::open(reader, None, schema, chunk_size, options, None)
}

#[cfg(test)]
mod tests;

/// Opens a CSV file for reading in passes (for fits on files larger than memory): the header
/// and the column types (guessed from the first 1 000 rows, as [`read_csv`] does, unless given)
/// are read now; each [`CsvPasses::chunks`] is then one pass over the file, parsed on every
/// core and handed over as chunk tables of a few thousand rows, in bounded memory.
///
/// ```
/// use logreg_preprocess::{read_csv_passes, CsvOptions};
/// let path = std::env::temp_dir().join(format!("logreg-doc-passes-{}.csv", std::process::id()));
/// std::fs::write(&path, "x,y\n1,a\n2,b\n3,a\n").unwrap();
/// let file = read_csv_passes(&path, &CsvOptions::new())?;
/// for pass in 0..2 {
///     let rows: usize = file.chunks()?.map(|c| c.map(|(_, t)| t.n_rows())).sum::<Result<_, _>>()?;
///     assert_eq!(rows, 3);
/// }
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), logreg_preprocess::PreprocessError>(())
/// ```
pub fn read_csv_passes(
    path: impl AsRef<Path>,
    options: &CsvOptions,
) -> Result<CsvPasses, PreprocessError> {
    CsvPasses::open(path.as_ref(), options)
}
