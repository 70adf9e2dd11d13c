//! A whole Parquet file as one table: the row groups decoded on every core, each straight into
//! its own rows of the table's row-major block (no table per batch, no joining copy), only the
//! columns asked for.

use std::fs::File;
use std::sync::Arc;

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;
use rayon::prelude::*;

use super::batch::{into_rows, labels_of, numbers_of};
use super::chunks::{place, row_groups};
use super::{parquet_error, ParquetPasses};
use crate::column::{CategoricalColumn, FastMap};
use crate::error::PreprocessError;
use crate::schema::ColumnType;
use crate::table::{Block, Slot, Table};

/// Where a column read goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// Column `col` of the features' block.
    Main(usize),
    /// Column `col` of the side block.
    Side(usize),
    /// Categorical column `k` (codes).
    Labels(usize),
}

/// What every row group's decoding shares.
struct Plan<'a> {
    mask: &'a ProjectionMask,
    columns: &'a [(String, ColumnType)],
    roles: &'a [Role],
    groups: &'a [(usize, usize)],
    n_main: usize,
    n_side: usize,
    n_labels: usize,
}

/// A categorical column's labels across batches or row groups, codes rewritten into one
/// dictionary in order of first appearance.
#[derive(Default)]
struct Labels {
    codes: Vec<u32>,
    lookup: FastMap<String, u32>,
    categories: Vec<String>,
}

impl Labels {
    fn append(&mut self, part: &CategoricalColumn) {
        let remap: Vec<u32> = part
            .categories()
            .iter()
            .map(|label| match self.lookup.get(label) {
                Some(&code) => code,
                None => {
                    let code = self.categories.len() as u32;
                    self.categories.push(label.clone());
                    self.lookup.insert(label.clone(), code);
                    code
                }
            })
            .collect();
        self.codes.extend(part.codes().iter().map(|&k| {
            if k == CategoricalColumn::MISSING {
                k
            } else {
                remap[k as usize]
            }
        }));
    }

    fn into_column(self) -> CategoricalColumn {
        CategoricalColumn::from_parts(self.codes, self.categories)
    }
}

/// `len` zeros, the pages touched on every core (and backed by huge pages where the system
/// gives them), so each row group's first write finds its memory ready.
fn zeroed(len: usize) -> Vec<f64> {
    let mut v = logreg_linalg_core::vec_with_capacity_huge(len);
    v.par_extend(rayon::iter::repeat_n(0.0, len));
    v
}

/// Rows decoded at a time within a row group: a few megabytes of Arrow arrays, still in cache
/// while they are copied into rows.
fn batch_rows(width: usize) -> usize {
    ((4 << 20) / (8 * width.max(1))).clamp(1024, 1 << 16)
}

impl ParquetPasses {
    /// Every row in one table (the columns read, in file order, with their types); `None` when
    /// the file has no rows. The row groups are decoded on every core, each with its own handle
    /// on the file, straight into their rows of the numeric block.
    pub fn read_all(&self) -> Result<Option<Table>, PreprocessError> {
        self.read_all_with_side(|_| false)
    }

    /// [`read_all`](Self::read_all), with the numeric columns `is_side` names (the target,
    /// weights, offsets) in a block of their own, so that the features' block becomes the
    /// design as it is — as [`CsvOptions::side_columns`](crate::CsvOptions::side_columns) does
    /// for a CSV file. The table is the same either way.
    pub fn read_all_with_side(
        &self,
        is_side: impl Fn(&str) -> bool,
    ) -> Result<Option<Table>, PreprocessError> {
        let (mask, columns) = self.projection();
        let groups = row_groups(&self.metadata);
        let n: usize = groups.iter().map(|&(_, rows)| rows).sum();
        if n == 0 {
            return Ok(None);
        }
        let (mut n_main, mut n_side, mut n_labels) = (0, 0, 0);
        let roles: Vec<Role> = columns
            .iter()
            .map(|(name, t)| {
                let (count, role): (&mut usize, fn(usize) -> Role) = match t {
                    ColumnType::Categorical => (&mut n_labels, Role::Labels),
                    ColumnType::Numeric if is_side(name) => (&mut n_side, Role::Side),
                    ColumnType::Numeric => (&mut n_main, Role::Main),
                };
                *count += 1;
                role(*count - 1)
            })
            .collect();
        let plan = Plan {
            mask: &mask,
            columns: &columns,
            roles: &roles,
            groups: &groups,
            n_main,
            n_side,
            n_labels,
        };
        let mut main = zeroed(n * n_main);
        let mut side = zeroed(n * n_side);
        // Each row group's rows of both blocks, to be written by whichever core decodes it.
        let mut parts = Vec::with_capacity(groups.len());
        let (mut main_rest, mut side_rest) = (&mut main[..], &mut side[..]);
        for (g, &(_, rows)) in groups.iter().enumerate() {
            let (m, rest) = std::mem::take(&mut main_rest).split_at_mut(rows * n_main);
            main_rest = rest;
            let (s, rest) = std::mem::take(&mut side_rest).split_at_mut(rows * n_side);
            side_rest = rest;
            parts.push((g, m, s));
        }
        let decoded: Vec<Result<Vec<CategoricalColumn>, PreprocessError>> = parts
            .into_par_iter()
            .map(|(g, m, s)| {
                let file = File::open(&self.path).map_err(|source| PreprocessError::Io {
                    path: Some(self.path.clone()),
                    source,
                })?;
                self.decode_group(file, &plan, g, m, s)
            })
            .collect();
        // The first failing row group's error, whichever core saw it first.
        let mut labels: Vec<Labels> = (0..n_labels).map(|_| Labels::default()).collect();
        for group in decoded {
            for (all, part) in labels.iter_mut().zip(group?) {
                all.append(&part);
            }
        }
        let mut labels = labels.into_iter().map(Labels::into_column);
        let slots = roles
            .iter()
            .map(|role| match *role {
                Role::Main(col) => Slot::Numeric { block: 0, col },
                Role::Side(col) => Slot::Numeric { block: 1, col },
                Role::Labels(_) => Slot::Categorical(Arc::new(
                    labels
                        .next()
                        .unwrap_or_else(|| CategoricalColumn::from_parts(Vec::new(), Vec::new())),
                )),
            })
            .collect();
        let blocks = vec![
            Block {
                values: main,
                width: n_main,
            },
            Block {
                values: side,
                width: n_side,
            },
        ];
        let names = columns.into_iter().map(|(name, _)| name).collect();
        // A block no column uses (no side columns, or no features) is dropped here.
        Ok(Some(Table::from_parts(names, slots, blocks, n)))
    }

    /// Decodes row group `g` of `input` (a handle on the file) into `main` and `side` (its rows of the two blocks) and returns
    /// its categorical columns.
    fn decode_group<T: ChunkReader + 'static>(
        &self,
        input: T,
        plan: &Plan<'_>,
        g: usize,
        main: &mut [f64],
        side: &mut [f64],
    ) -> Result<Vec<CategoricalColumn>, PreprocessError> {
        let (start, rows) = plan.groups[g];
        let reader =
            ParquetRecordBatchReaderBuilder::new_with_metadata(input, self.metadata.clone())
                .with_projection(plan.mask.clone())
                .with_row_groups(vec![g])
                .with_batch_size(batch_rows(plan.n_main + plan.n_side))
                .build()
                .map_err(|e| {
                    parquet_error(
                        &self.path,
                        format!("{} cannot be read", place(plan.groups, g)),
                        e,
                    )
                })?;
        let mut labels: Vec<Labels> = (0..plan.n_labels).map(|_| Labels::default()).collect();
        let mut row = 0;
        for batch in reader {
            let batch = batch.map_err(|e| {
                parquet_error(
                    &self.path,
                    format!("{} cannot be decoded", place(plan.groups, g)),
                    e,
                )
            })?;
            let m = batch.num_rows();
            if row + m > rows {
                break;
            }
            let first = start + row;
            let mut numbers = Vec::with_capacity(plan.n_main + plan.n_side);
            for (k, ((name, _), role)) in plan.columns.iter().zip(plan.roles).enumerate() {
                let array = batch.column(k);
                match *role {
                    Role::Labels(j) => labels[j].append(&labels_of(array)),
                    Role::Main(_) | Role::Side(_) => numbers.push((
                        *role,
                        numbers_of(array, name, first).map_err(|e| e.with_path(&self.path))?,
                    )),
                }
            }
            let of = |main: bool| -> Vec<(usize, &[f64])> {
                numbers
                    .iter()
                    .filter_map(|(role, values)| match (*role, main) {
                        (Role::Main(col), true) | (Role::Side(col), false) => {
                            Some((col, &values[..]))
                        }
                        _ => None,
                    })
                    .collect()
            };
            into_rows(
                &of(true),
                &mut main[row * plan.n_main..(row + m) * plan.n_main],
                plan.n_main,
            );
            into_rows(
                &of(false),
                &mut side[row * plan.n_side..(row + m) * plan.n_side],
                plan.n_side,
            );
            row += m;
        }
        if row != rows {
            return Err(parquet_error(
                &self.path,
                format!("{} cannot be decoded", place(plan.groups, g)),
                format!("its footer says {rows} rows, its pages hold another number"),
            ));
        }
        Ok(labels.into_iter().map(Labels::into_column).collect())
    }
}
