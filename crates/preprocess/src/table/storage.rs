//! How a table keeps its columns, and the rules for changing them: in place when the table
//! alone holds a block, after copying only the columns it shows when another table shares it,
//! and dropping blocks no column uses any more.

use std::sync::Arc;

use super::Table;
use crate::column::{Affine, CategoricalColumn};
use crate::schema::ColumnType;

/// `n × width` numbers, row after row; NaN marks a missing value.
#[derive(Clone)]
pub(crate) struct Block {
    pub(crate) values: Vec<f64>,
    pub(crate) width: usize,
}

/// A one-hot indicator: 1 where `codes[i] == code`, else 0, then `ops` in order.
#[derive(Clone)]
pub(crate) struct Indicator {
    pub(crate) codes: Arc<Vec<u32>>,
    pub(crate) code: u32,
    pub(crate) ops: Vec<Affine>,
}

/// Where a column's values are.
#[derive(Clone)]
pub(crate) enum Slot {
    /// Column `col` of block `block`.
    Numeric { block: usize, col: usize },
    /// Codes into categories.
    Categorical(Arc<CategoricalColumn>),
    /// A one-hot indicator (numeric).
    Indicator(Indicator),
}

impl Slot {
    pub(super) fn column_type(&self) -> ColumnType {
        match self {
            Slot::Numeric { .. } | Slot::Indicator(_) => ColumnType::Numeric,
            Slot::Categorical(_) => ColumnType::Categorical,
        }
    }
}

impl Table {
    /// The categorical column at `i`, to rewrite (copied first if another table shares it).
    pub(crate) fn categorical_mut(&mut self, i: usize) -> Option<&mut CategoricalColumn> {
        match &mut self.slots[i] {
            Slot::Categorical(c) => Some(Arc::make_mut(c)),
            _ => None,
        }
    }

    /// The scalings of the indicator at `i`, to extend.
    pub(crate) fn indicator_ops_mut(&mut self, i: usize) -> Option<&mut Vec<Affine>> {
        match &mut self.slots[i] {
            Slot::Indicator(ind) => Some(&mut ind.ops),
            _ => None,
        }
    }

    /// Numeric block `b` to rewrite in place, with the block columns of `positions` (columns of
    /// the table stored in block `b`). A block no other table shares is changed where it is;
    /// a shared one is first copied, keeping only the columns this table shows. Returns the
    /// block and, for each position, its column in the block.
    pub(crate) fn block_mut(&mut self, b: usize, positions: &[usize]) -> (&mut Block, Vec<usize>) {
        if Arc::get_mut(&mut self.blocks[b]).is_none() {
            self.unshare(b);
        }
        let cols = positions
            .iter()
            .map(|&i| match self.slots[i] {
                Slot::Numeric { col, .. } => col,
                _ => usize::MAX,
            })
            .collect();
        let block = Arc::make_mut(&mut self.blocks[b]);
        (block, cols)
    }

    /// Copies block `b`'s columns this table shows into a block of its own.
    fn unshare(&mut self, b: usize) {
        let shown: Vec<(usize, usize)> = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s {
                Slot::Numeric { block, col } if *block == b => Some((i, *col)),
                _ => None,
            })
            .collect();
        let old = &self.blocks[b];
        let width = shown.len();
        let mut values = logreg_linalg_core::vec_with_capacity_huge(self.n_rows * width);
        for row in old.values.chunks_exact(old.width.max(1)).take(self.n_rows) {
            values.extend(shown.iter().map(|&(_, c)| row[c]));
        }
        for (new_col, &(i, _)) in shown.iter().enumerate() {
            self.slots[i] = Slot::Numeric {
                block: b,
                col: new_col,
            };
        }
        self.blocks[b] = Arc::new(Block { values, width });
    }

    /// Drops blocks no column points into, so their memory is released.
    pub(super) fn prune(&mut self) {
        let mut used = vec![false; self.blocks.len()];
        for slot in &self.slots {
            if let Slot::Numeric { block, .. } = slot {
                used[*block] = true;
            }
        }
        if used.iter().all(|&u| u) {
            return;
        }
        let mut renumber = vec![0usize; self.blocks.len()];
        let mut kept = Vec::new();
        for (b, block) in std::mem::take(&mut self.blocks).into_iter().enumerate() {
            if used[b] {
                renumber[b] = kept.len();
                kept.push(block);
            }
        }
        self.blocks = kept;
        for slot in &mut self.slots {
            if let Slot::Numeric { block, .. } = slot {
                *block = renumber[*block];
            }
        }
    }
}
