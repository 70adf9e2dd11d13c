//! Choosing and joining rows: `take` (row indices, repeats allowed) and `concat`.

use std::sync::Arc;

use crate::column::{CategoricalColumn, ColumnView, NumericView};
use crate::error::PreprocessError;
use crate::schema::ColumnType;

use super::{Block, Indicator, Slot, Table};

impl Table {
    /// The rows at the given 0-based indices, in that order (repeats allowed): the tool for
    /// train/test splits when copies are wanted (a pipeline can also fit on row indices).
    pub fn take(&self, indices: &[usize]) -> Result<Table, PreprocessError> {
        self.check_rows(indices)?;
        let mut out = Table::empty(indices.len());
        // One new block per old block, holding only the columns this table shows.
        let mut new_block: Vec<Option<usize>> = vec![None; self.blocks.len()];
        let mut new_col = vec![0usize; self.slots.len()];
        let mut shown: Vec<Vec<usize>> = vec![Vec::new(); self.blocks.len()];
        for (i, slot) in self.slots.iter().enumerate() {
            if let Slot::Numeric { block, col } = slot {
                new_col[i] = shown[*block].len();
                shown[*block].push(*col);
            }
        }
        for (b, cols) in shown.iter().enumerate() {
            if cols.is_empty() {
                continue;
            }
            let block = &self.blocks[b];
            let mut values = Vec::with_capacity(indices.len() * cols.len());
            for &row in indices {
                let base = row * block.width;
                values.extend(cols.iter().map(|&c| block.values[base + c]));
            }
            new_block[b] = Some(out.blocks.len());
            out.blocks.push(Arc::new(Block {
                values,
                width: cols.len(),
            }));
        }
        // Indicators of one encoded column share their codes; so do their copies.
        let mut taken_codes: Vec<(*const Vec<u32>, Arc<Vec<u32>>)> = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let slot = match slot {
                Slot::Numeric { block, .. } => Slot::Numeric {
                    block: new_block[*block].unwrap_or(0),
                    col: new_col[i],
                },
                Slot::Categorical(c) => Slot::Categorical(Arc::new(c.take(indices))),
                Slot::Indicator(ind) => {
                    let key = Arc::as_ptr(&ind.codes);
                    let codes = match taken_codes.iter().find(|(k, _)| *k == key) {
                        Some((_, codes)) => Arc::clone(codes),
                        None => {
                            let codes = Arc::new(indices.iter().map(|&r| ind.codes[r]).collect());
                            taken_codes.push((key, Arc::clone(&codes)));
                            codes
                        }
                    };
                    Slot::Indicator(Indicator {
                        codes,
                        code: ind.code,
                        ops: ind.ops.clone(),
                    })
                }
            };
            out.names.push(self.names[i].clone());
            out.slots.push(slot);
        }
        Ok(out)
    }

    /// The rows of `parts` one after the other, in order (pandas `concat` of frames with the
    /// same columns): every part must have the same column names, in the same order, with the
    /// same types. Numeric columns become one row-major block (so the result can still become
    /// a design without a copy), categorical columns one list of categories (in order of first
    /// appearance) with their codes translated. What a rank does with the several files it
    /// reads.
    ///
    /// ```
    /// use logreg_preprocess::{Column, Table};
    /// let a = Table::new([("x", Column::numeric([1.0])), ("c", Column::categorical(["p"]))])?;
    /// let b = Table::new([("x", Column::numeric([2.0, 3.0])), ("c", Column::categorical(["q", "p"]))])?;
    /// let t = Table::concat(vec![a, b])?;
    /// assert_eq!(t.n_rows(), 3);
    /// assert_eq!(t.column("c")?.display_value(2).as_deref(), Some("p"));
    /// # Ok::<(), logreg_preprocess::PreprocessError>(())
    /// ```
    pub fn concat(parts: Vec<Table>) -> Result<Table, PreprocessError> {
        let mut parts = parts.into_iter();
        let Some(first) = parts.next() else {
            return Ok(Table::empty(0));
        };
        let rest: Vec<Table> = parts.collect();
        if rest.is_empty() {
            return Ok(first);
        }
        let schema = first.schema();
        for t in &rest {
            let theirs = t.schema();
            if theirs != schema {
                let missing = schema
                    .fields
                    .iter()
                    .filter(|f| !theirs.fields.iter().any(|g| g.name == f.name))
                    .map(|f| f.name.clone())
                    .collect();
                let mistyped = schema
                    .fields
                    .iter()
                    .filter_map(|f| {
                        let g = theirs.fields.iter().find(|g| g.name == f.name)?;
                        (g.column_type != f.column_type)
                            .then(|| (f.name.clone(), f.column_type, g.column_type))
                    })
                    .collect();
                return Err(PreprocessError::SchemaMismatch { missing, mistyped });
            }
        }
        let all: Vec<&Table> = std::iter::once(&first).chain(&rest).collect();
        let n: usize = all.iter().map(|t| t.n_rows).sum();
        let numeric: Vec<usize> = (0..first.n_cols())
            .filter(|&i| first.type_at(i) == ColumnType::Numeric)
            .collect();
        let mut values = Vec::with_capacity(n * numeric.len());
        for t in &all {
            let views: Vec<NumericView<'_>> = numeric
                .iter()
                .filter_map(|&i| t.view_at(i).as_numeric())
                .collect();
            for r in 0..t.n_rows {
                values.extend(views.iter().map(|v| v.raw(r)));
            }
        }
        let mut slots = Vec::with_capacity(first.n_cols());
        for i in 0..first.n_cols() {
            if let Some(col) = numeric.iter().position(|&k| k == i) {
                slots.push(Slot::Numeric { block: 0, col });
                continue;
            }
            let mut categories: Vec<String> = Vec::new();
            let mut index: std::collections::HashMap<String, u32> =
                std::collections::HashMap::new();
            let mut codes = Vec::with_capacity(n);
            for t in &all {
                let ColumnView::Categorical(c) = t.view_at(i) else {
                    continue;
                };
                let remap: Vec<u32> = c
                    .categories()
                    .iter()
                    .map(|label| {
                        *index.entry(label.clone()).or_insert_with(|| {
                            categories.push(label.clone());
                            (categories.len() - 1) as u32
                        })
                    })
                    .collect();
                codes.extend(c.codes().iter().map(|&code| {
                    if code == CategoricalColumn::MISSING {
                        code
                    } else {
                        remap[code as usize]
                    }
                }));
            }
            slots.push(Slot::Categorical(Arc::new(CategoricalColumn::from_parts(
                codes, categories,
            ))));
        }
        let width = numeric.len();
        Ok(Table::from_parts(
            first.names.clone(),
            slots,
            vec![Block { values, width }],
            n,
        ))
    }
}
