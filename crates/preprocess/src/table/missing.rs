//! Finding the first missing value among named columns, in parallel over the rows.

use rayon::prelude::*;

use crate::error::PreprocessError;

use super::{Slot, Table};

/// Rows per parallel task of [`Table::first_missing`].
const MISSING_SCAN_ROWS: usize = 4096;

impl Table {
    /// The first missing value among the named columns: the earliest row (0-based), and of the
    /// columns missing there the first named. Numeric blocks are read row by row, once, however
    /// many of their columns are named (a column at a time would stride over the block once per
    /// column).
    ///
    /// ```
    /// use logreg_preprocess::{Column, Table};
    /// let t = Table::new([
    ///     ("a", Column::numeric_with_missing([Some(1.0), None])),
    ///     ("b", Column::numeric_with_missing([None, Some(2.0)])),
    /// ])?;
    /// assert_eq!(t.first_missing(&["a", "b"])?, Some((0, "b".to_string())));
    /// assert_eq!(t.first_missing(&["a"])?, Some((1, "a".to_string())));
    /// # Ok::<(), logreg_preprocess::PreprocessError>(())
    /// ```
    pub fn first_missing<S: AsRef<str>>(
        &self,
        names: &[S],
    ) -> Result<Option<(usize, String)>, PreprocessError> {
        let mut best: Option<(usize, usize)> = None; // (row, index into names)
        let mut in_block: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.blocks.len()];
        for (k, name) in names.iter().enumerate() {
            let i = self
                .position(name.as_ref())
                .ok_or_else(|| self.not_found(name.as_ref()))?;
            match &self.slots[i] {
                Slot::Numeric { block, col } => in_block[*block].push((*col, k)),
                _ => {
                    if let Some(row) = self.view_at(i).first_missing() {
                        if best.is_none_or(|b| (row, k) < b) {
                            best = Some((row, k));
                        }
                    }
                }
            }
        }
        for (block, cols) in self.blocks.iter().zip(&in_block) {
            if cols.is_empty() || block.width == 0 {
                continue;
            }
            let rows_to_scan = best.map_or(self.n_rows, |(row, _)| row + 1);
            let width = block.width;
            // In parallel chunks of rows; a chunk without any NaN (one vectorizable fold) is
            // passed over, and only a chunk with one is searched row by row.
            let found = block.values[..rows_to_scan * width]
                .par_chunks(MISSING_SCAN_ROWS * width)
                .enumerate()
                .find_map_first(|(c, chunk)| {
                    if !chunk.iter().fold(false, |m, x| m | x.is_nan()) {
                        return None;
                    }
                    chunk
                        .chunks_exact(width)
                        .enumerate()
                        .find_map(|(row, values)| {
                            cols.iter()
                                .filter(|(col, _)| values[*col].is_nan())
                                .map(|&(_, k)| (c * MISSING_SCAN_ROWS + row, k))
                                .min()
                        })
                });
            if let Some(hit) = found {
                if best.is_none_or(|b| hit < b) {
                    best = Some(hit);
                }
            }
        }
        Ok(best.map(|(row, k)| (row, names[k].as_ref().to_string())))
    }
}
