//! The input as blocks of whole records, from a reader (bounded buffers, recycled) or from bytes
//! in memory (slices, no copy). A block never ends inside a record, so blocks parse
//! independently; a UTF-8 byte-order mark at the very start is dropped.

use std::io::Read;
use std::ops::Deref;
use std::path::PathBuf;

use crate::error::PreprocessError;
use crate::read::tokenizer::Tokenizer;

const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// How many bytes of byte-order marks open `data` (zero, one or two marks).
fn bom_len(data: &[u8]) -> usize {
    let mut n = 0;
    while n < 2 * BOM.len() && data[n..].starts_with(BOM) {
        n += BOM.len();
    }
    n
}

/// A block of text: owned (read from a stream) or borrowed (from memory).
pub(crate) enum Bytes<'a> {
    Owned(Vec<u8>),
    Borrowed(&'a [u8]),
}

impl Deref for Bytes<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Borrowed(s) => s,
        }
    }
}

/// Anything that hands out blocks of whole records in order.
pub(crate) trait Blocks<'a> {
    /// The next block, `None` at the end. `spare` is a buffer done with, to reuse.
    fn next_block(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Bytes<'a>>, PreprocessError>;
}

/// Blocks read from a stream into buffers of about `block_size` bytes.
pub(crate) struct ReadBlocks<R> {
    reader: R,
    path: Option<PathBuf>,
    tok: Tokenizer,
    block_size: usize,
    buf: Vec<u8>,
    eof: bool,
    started: bool,
}

impl<R: Read> ReadBlocks<R> {
    pub(crate) fn new(reader: R, tok: Tokenizer, block_size: usize, path: Option<PathBuf>) -> Self {
        ReadBlocks {
            reader,
            path,
            tok,
            block_size,
            buf: Vec::new(),
            eof: false,
            started: false,
        }
    }

    /// Reads until the buffer holds `want` bytes or the stream ends.
    fn fill(&mut self, want: usize) -> Result<(), PreprocessError> {
        while !self.eof && self.buf.len() < want {
            let missing = (want - self.buf.len()) as u64;
            let n = (&mut self.reader)
                .take(missing)
                .read_to_end(&mut self.buf)
                .map_err(|source| PreprocessError::Io {
                    path: self.path.clone(),
                    source,
                })?;
            if n == 0 {
                self.eof = true;
            }
        }
        Ok(())
    }

    /// The next block as an owned buffer.
    pub(crate) fn next_owned(
        &mut self,
        spare: Option<Vec<u8>>,
    ) -> Result<Option<Vec<u8>>, PreprocessError> {
        if !self.started {
            self.fill(self.block_size.max(2 * BOM.len()))?;
            let skip = bom_len(&self.buf);
            self.buf.drain(..skip);
            self.started = true;
        }
        let mut want = self.block_size;
        loop {
            self.fill(want)?;
            if self.buf.is_empty() {
                return Ok(None);
            }
            let end = self.tok.complete_prefix(&self.buf, self.eof);
            if end > 0 {
                let mut rest = spare.unwrap_or_default();
                rest.clear();
                rest.extend_from_slice(&self.buf[end..]);
                let mut block = std::mem::replace(&mut self.buf, rest);
                block.truncate(end);
                return Ok(Some(block));
            }
            // One record longer than a block: read on until it ends.
            want = want.max(self.buf.len()).saturating_mul(2);
        }
    }
}

impl<'a, R: Read> Blocks<'a> for ReadBlocks<R> {
    fn next_block(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Bytes<'a>>, PreprocessError> {
        Ok(self.next_owned(spare)?.map(Bytes::Owned))
    }
}

/// Blocks of bytes already in memory: slices of it.
pub(crate) struct SliceBlocks<'a> {
    data: &'a [u8],
    tok: Tokenizer,
    block_size: usize,
}

impl<'a> SliceBlocks<'a> {
    pub(crate) fn new(data: &'a [u8], tok: Tokenizer, block_size: usize) -> Self {
        SliceBlocks {
            data: &data[bom_len(data)..],
            tok,
            block_size,
        }
    }
}

impl<'a> SliceBlocks<'a> {
    /// Blocks of `data`, which continues an input already begun (no byte-order mark to drop).
    pub(crate) fn continuing(data: &'a [u8], tok: Tokenizer, block_size: usize) -> Self {
        SliceBlocks {
            data,
            tok,
            block_size,
        }
    }

    /// The next block of whole records, `None` at the end.
    pub(crate) fn next_slice(&mut self) -> Option<&'a [u8]> {
        if self.data.is_empty() {
            return None;
        }
        let mut want = self.block_size;
        loop {
            let at_eof = want >= self.data.len();
            let window = &self.data[..want.min(self.data.len())];
            let end = self.tok.complete_prefix(window, at_eof);
            if end > 0 {
                let (block, rest) = self.data.split_at(end);
                self.data = rest;
                return Some(block);
            }
            want = want.saturating_mul(2);
        }
    }
}

impl<'a> Blocks<'a> for SliceBlocks<'a> {
    fn next_block(
        &mut self,
        _spare: Option<Vec<u8>>,
    ) -> Result<Option<Bytes<'a>>, PreprocessError> {
        Ok(self.next_slice().map(Bytes::Borrowed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOK: Tokenizer = Tokenizer {
        delimiter: b',',
        quote: b'"',
    };

    fn all<'a>(mut blocks: impl Blocks<'a>) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(b) = blocks.next_block(None).unwrap() {
            out.push(b.to_vec());
        }
        out
    }

    #[test]
    fn blocks_end_at_records_and_drop_one_bom() {
        let text = "\u{feff}a,b\n\"x\ny\",2\n3,4".as_bytes();
        let records = TOK.records(&text[3..]);
        for size in 1..text.len() + 2 {
            for blocks in [
                all(ReadBlocks::new(text, TOK, size, None)),
                all(SliceBlocks::new(text, TOK, size)),
            ] {
                assert_eq!(blocks.concat(), &text[3..], "block size {size}");
                assert!(blocks.iter().all(|b| !b.is_empty()));
                // Blocks parsed one by one give the records of the whole.
                let parts: Vec<_> = blocks.iter().flat_map(|b| TOK.records(b)).collect();
                assert_eq!(parts, records, "block size {size}");
            }
        }
        let thrice = "\u{feff}\u{feff}\u{feff}a".as_bytes();
        assert_eq!(all(SliceBlocks::new(thrice, TOK, 2)).concat(), &thrice[6..]);
        assert_eq!(
            all(ReadBlocks::new(thrice, TOK, 1, None)).concat(),
            &thrice[6..]
        );
    }
}
