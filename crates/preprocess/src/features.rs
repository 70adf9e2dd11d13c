//! From a table of numeric columns to the design matrix the model reads ([`Features`]), in the
//! storage the user chose ([`DesignStorage`]).
//!
//! When every column is a column of one numeric block that no other table shares (a CSV file
//! read, its target split off, imputed and scaled in place), the block *becomes* the dense design:
//! its columns are compacted in place and the buffer is moved, not copied. Anything else (a
//! shared table, columns from several blocks, one-hot indicators) is written once into a new
//! design of the chosen storage.

use std::sync::Arc;

use logreg_linalg_core::{Csr, Dense, Design, LinalgError, Real, MAX_MAGNITUDE};
use nalgebra::DMatrix;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::column::{apply, Affine, CategoricalColumn};
use crate::error::PreprocessError;
use crate::schema::ColumnType;
use crate::table::{Block, Slot, Table};

/// How the design matrix stores its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignStorage {
    /// Dense row-major f64 (8 bytes a value; the default).
    #[default]
    Dense,
    /// Dense row-major f32 (4 bytes a value; the model sums in f64).
    DenseF32,
    /// Compressed sparse rows: one-hot columns cost one entry per row and encoded column, and
    /// standardizing them keeps them sparse (the centering is implicit).
    Sparse,
    /// Sparse when one-hot columns make at most a quarter of the values nonzero, else dense f64
    /// (decided when the pipeline is fitted, then kept).
    Auto,
}

/// A design matrix and the name of each of its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// `n × d`, one row per sample.
    pub design: Design<'static>,
    /// `d` names, one per design column.
    pub names: Vec<String>,
}

impl Features {
    /// Number of rows (samples).
    pub fn n_rows(&self) -> usize {
        self.design.n_rows()
    }

    /// Number of columns (features).
    pub fn n_cols(&self) -> usize {
        self.design.n_cols()
    }

    /// The value at (row, column), 0-based, as the model sees it (standardization applied).
    pub fn get(&self, row: usize, column: usize) -> Option<f64> {
        self.design.get(row, column)
    }

    /// A dense column-major copy, for small outputs (reports, tests, plots).
    pub fn to_dmatrix(&self) -> DMatrix<f64> {
        let (n, d) = (self.n_rows(), self.n_cols());
        DMatrix::from_fn(n, d, |i, j| self.design.get(i, j).unwrap_or(0.0))
    }
}

impl Table {
    /// Converts an all-numeric table without missing values into a dense f64 design (row =
    /// sample, column = feature, in column order); the table is left as it was.
    pub fn to_features(&self) -> Result<Features, PreprocessError> {
        self.clone().into_features(DesignStorage::Dense)
    }

    /// Converts an all-numeric table without missing values into a design of the given storage,
    /// taking the table over: a uniquely owned single-block table becomes a dense design without
    /// a copy. [`DesignStorage::Auto`] is decided here from this table's values.
    pub fn into_features(self, storage: DesignStorage) -> Result<Features, PreprocessError> {
        let storage = match storage {
            DesignStorage::Auto => auto_storage(&self),
            s => s,
        };
        let (names, slots, blocks, n) = self.into_parts();
        for (name, slot) in names.iter().zip(&slots) {
            if let Slot::Categorical(_) = slot {
                return Err(PreprocessError::ColumnType {
                    column: name.to_string(),
                    expected: ColumnType::Numeric,
                    found: ColumnType::Categorical,
                    context: "the feature matrix (encode it with OneHotEncoder or \
                              BooleanEncoder, or drop it)"
                        .to_string(),
                });
            }
        }
        let d = names.len();
        let design = match storage {
            DesignStorage::Dense | DesignStorage::Auto => {
                let values = match in_place(&slots, blocks, n) {
                    Ok(values) => values,
                    Err(blocks) => gather::<f64>(&slots, &blocks, n),
                };
                check_missing(&values, &slots, &names, n)?;
                Design::Dense(Dense::new(values, n, d).map_err(|e| located(e, &names))?)
            }
            DesignStorage::DenseF32 => {
                let values = gather::<f32>(&slots, &blocks, n);
                if values.iter().any(|x| x.is_nan()) {
                    let wide = gather::<f64>(&slots, &blocks, n);
                    check_missing(&wide, &slots, &names, n)?;
                }
                Design::DenseF32(Dense::new(values, n, d).map_err(|e| located(e, &names))?)
            }
            DesignStorage::Sparse => Design::Sparse(sparse(&slots, &blocks, n, &names)?),
        };
        Ok(Features { design, names })
    }
}

/// Whether the table is better stored sparse: at most a quarter of its values nonzero, counting
/// an indicator as nonzero only where it reads 1 (its centering stays implicit).
pub(crate) fn auto_storage(table: &Table) -> DesignStorage {
    let n = table.n_rows();
    let d = table.n_cols();
    let mut nonzero = 0usize;
    let mut counted: Vec<*const Vec<u32>> = Vec::new();
    for slot in table.slots() {
        match slot {
            Slot::Indicator(ind) => {
                // Every row has at most one indicator at 1 per encoded column.
                let key = Arc::as_ptr(&ind.codes);
                if !counted.contains(&key) {
                    counted.push(key);
                    nonzero += n;
                }
            }
            _ => nonzero += n,
        }
    }
    if nonzero.saturating_mul(4) <= n.saturating_mul(d) && d > 0 {
        DesignStorage::Sparse
    } else {
        DesignStorage::Dense
    }
}

/// The values of a table whose columns are exactly the columns of one block it alone holds,
/// compacted in place into `n × d` row-major order; otherwise the blocks back.
fn in_place(
    slots: &[Slot],
    blocks: Vec<Arc<Block>>,
    n: usize,
) -> Result<Vec<f64>, Vec<Arc<Block>>> {
    let cols: Option<Vec<usize>> = slots
        .iter()
        .map(|s| match s {
            Slot::Numeric { block: 0, col } => Some(*col),
            _ => None,
        })
        .collect();
    let Some(cols) = cols else { return Err(blocks) };
    if blocks.len() != 1 || cols.is_empty() {
        return Err(blocks);
    }
    let mut blocks = blocks;
    let Some(block) = blocks.pop() else {
        return Err(blocks);
    };
    let block = match Arc::try_unwrap(block) {
        Ok(block) => block,
        Err(shared) => return Err(vec![shared]),
    };
    let Block { mut values, width } = block;
    let d = cols.len();
    let identity = d == width && cols.iter().enumerate().all(|(j, &c)| j == c);
    if !identity {
        // Row i's output [i·d, (i+1)·d) never reaches past its input row [i·w, (i+1)·w) since
        // d ≤ w (columns are distinct), so rows are moved front to back through a small buffer.
        let mut row = vec![0.0; d];
        for i in 0..n {
            let src = i * width;
            for (r, &c) in row.iter_mut().zip(&cols) {
                *r = values[src + c];
            }
            values[i * d..(i + 1) * d].copy_from_slice(&row);
        }
        values.truncate(n * d);
        // Large buffers shrink in place (mremap), releasing the columns dropped.
        values.shrink_to_fit();
    }
    Ok(values)
}

/// The value source of one design column.
enum Source<'a> {
    Block {
        values: &'a [f64],
        width: usize,
        col: usize,
    },
    Indicator {
        codes: &'a [u32],
        code: u32,
        zero: f64,
        one: f64,
    },
}

fn sources<'a>(slots: &'a [Slot], blocks: &'a [Arc<Block>]) -> Vec<Source<'a>> {
    slots
        .iter()
        .map(|s| match s {
            Slot::Numeric { block, col } => Source::Block {
                values: &blocks[*block].values,
                width: blocks[*block].width,
                col: *col,
            },
            Slot::Indicator(ind) => Source::Indicator {
                codes: &ind.codes,
                code: ind.code,
                zero: apply(&ind.ops, 0.0),
                one: apply(&ind.ops, 1.0),
            },
            // Categorical slots were refused before.
            Slot::Categorical(_) => Source::Indicator {
                codes: &[],
                code: 0,
                zero: f64::NAN,
                one: f64::NAN,
            },
        })
        .collect()
}

/// A new row-major `n × d` buffer holding every column.
fn gather<T: Real>(slots: &[Slot], blocks: &[Arc<Block>], n: usize) -> Vec<T> {
    let sources = sources(slots, blocks);
    let d = sources.len();
    let mut out = Vec::with_capacity(n * d);
    for i in 0..n {
        out.extend(sources.iter().map(|s| {
            T::from_f64(match *s {
                Source::Block { values, width, col } => values[i * width + col],
                Source::Indicator {
                    codes,
                    code,
                    zero,
                    one,
                } => {
                    if codes[i] == code {
                        one
                    } else {
                        zero
                    }
                }
            })
        }));
    }
    out
}

/// The first missing value, column by column: the error names it.
fn check_missing(
    values: &[f64],
    slots: &[Slot],
    names: &[String],
    n: usize,
) -> Result<(), PreprocessError> {
    // One parallel pass deciding chunk by chunk with a vectorizable fold; the search for the
    // first missing value per column only runs when there is one.
    let any_missing = values
        .par_chunks(1 << 16)
        .any(|chunk| chunk.iter().fold(false, |m, x| m | x.is_nan()));
    if !any_missing {
        return Ok(());
    }
    let d = slots.len();
    for (j, name) in names.iter().enumerate() {
        if let Some(row) = (0..n).find(|&i| values[i * d + j].is_nan()) {
            return Err(PreprocessError::missing(row, name, "the feature matrix"));
        }
    }
    Ok(())
}

/// A design error located by data row and column name.
fn located(e: LinalgError, names: &[String]) -> PreprocessError {
    match e {
        LinalgError::TooLarge { row, column, value }
        | LinalgError::NonFinite { row, column, value } => PreprocessError::InvalidValue {
            path: None,
            row: row + 1,
            column: names.get(column).cloned().unwrap_or_default(),
            expected: format!(
                "a finite number no larger than {MAX_MAGNITUDE:e} in magnitude (rescale or \
                     standardize the column)"
            ),
            found: value.to_string(),
        },
        other => PreprocessError::Design(other),
    }
}

/// The composed scalings of an indicator as `(x − shift)·scale`, the form a CSR's implicit
/// standardization takes.
fn shift_scale(ops: &[Affine]) -> (f64, f64) {
    // ((x − a₁)/s₁ − a₂)/s₂ = (x − (a₁ + a₂s₁)) / (s₁s₂), and so on.
    let (mut shift, mut product) = (0.0, 1.0);
    for op in ops {
        shift += op.offset * product;
        product *= op.scale;
    }
    (shift, 1.0 / product)
}

/// Compressed sparse rows: block columns store their nonzero values, an indicator one entry
/// where it reads 1, and indicators' scalings become the implicit standardization.
fn sparse(
    slots: &[Slot],
    blocks: &[Arc<Block>],
    n: usize,
    names: &[String],
) -> Result<Csr<'static>, PreprocessError> {
    let d = slots.len();
    if d > u32::MAX as usize {
        return Err(PreprocessError::param(
            "columns",
            format!("{d} features do not fit a sparse design's 32-bit column indices"),
        ));
    }
    // Block columns, and per encoded column a map from code to design column.
    let mut dense_cols: Vec<(u32, &[f64], usize, usize)> = Vec::new();
    let mut groups: Vec<(&[u32], Vec<u32>)> = Vec::new();
    let mut group_of: Vec<*const Vec<u32>> = Vec::new();
    let mut shift = vec![0.0; d];
    let mut scale = vec![1.0; d];
    for (j, slot) in slots.iter().enumerate() {
        match slot {
            Slot::Numeric { block, col } => {
                let b = &blocks[*block];
                dense_cols.push((j as u32, &b.values, b.width, *col));
            }
            Slot::Indicator(ind) => {
                let key = Arc::as_ptr(&ind.codes);
                let g = match group_of.iter().position(|k| *k == key) {
                    Some(g) => g,
                    None => {
                        group_of.push(key);
                        groups.push((&ind.codes, Vec::new()));
                        groups.len() - 1
                    }
                };
                let map = &mut groups[g].1;
                let code = ind.code as usize;
                if map.len() <= code {
                    map.resize(code + 1, u32::MAX);
                }
                map[code] = j as u32;
                (shift[j], scale[j]) = shift_scale(&ind.ops);
            }
            Slot::Categorical(_) => {}
        }
    }
    let mut indptr = Vec::with_capacity(n + 1);
    indptr.push(0usize);
    let mut indices: Vec<u32> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    let mut row: Vec<(u32, f64)> = Vec::with_capacity(dense_cols.len() + groups.len());
    let mut first_missing: Option<(usize, usize)> = None;
    for i in 0..n {
        row.clear();
        for &(j, vals, width, col) in &dense_cols {
            let v = vals[i * width + col];
            if v.is_nan() {
                let at = (j as usize, i);
                first_missing = Some(first_missing.map_or(at, |m| m.min(at)));
            } else if v != 0.0 {
                row.push((j, v));
            }
        }
        for (codes, map) in &groups {
            let c = codes[i];
            if c != CategoricalColumn::MISSING {
                if let Some(&j) = map.get(c as usize).filter(|&&j| j != u32::MAX) {
                    row.push((j, 1.0));
                }
            }
        }
        if !row.windows(2).all(|w| w[0].0 < w[1].0) {
            row.sort_unstable_by_key(|e| e.0);
        }
        indices.extend(row.iter().map(|e| e.0));
        values.extend(row.iter().map(|e| e.1));
        indptr.push(indices.len());
    }
    if let Some((j, i)) = first_missing {
        return Err(PreprocessError::missing(i, &names[j], "the feature matrix"));
    }
    let csr = Csr::new(n, d, indptr, indices, values).map_err(|e| located(e, names))?;
    if shift.iter().all(|&s| s == 0.0) && scale.iter().all(|&s| s == 1.0) {
        return Ok(csr);
    }
    csr.with_standardization(shift, scale)
        .map_err(|e| located(e, names))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::Column;

    fn dense_row(f: &Features, i: usize) -> Vec<f64> {
        (0..f.n_cols())
            .map(|j| f.get(i, j).unwrap_or(f64::NAN))
            .collect()
    }

    fn sample() -> Table {
        Table::new([
            ("x", Column::numeric([1.0, 2.0, 3.0])),
            ("c", Column::categorical(["a", "b", "a"])),
            ("y", Column::numeric([0.0, 1.0, 1.0])),
        ])
        .unwrap()
    }

    #[test]
    fn features_in_column_order() {
        let t = sample().drop(&["c"]).unwrap();
        let f = t.to_features().unwrap();
        assert_eq!(f.names, ["x", "y"]);
        assert_eq!(f.get(2, 0), Some(3.0));
        assert_eq!(f.get(1, 1), Some(1.0));
        assert_eq!(dense_row(&f, 1), [2.0, 1.0]);
        let err = sample().to_features().unwrap_err().to_string();
        assert!(
            err.contains("\"c\"") && err.contains("categorical"),
            "{err}"
        );
        let missing = Table::new([("m", Column::numeric_with_missing([Some(1.0), None]))]).unwrap();
        for storage in [
            DesignStorage::Dense,
            DesignStorage::DenseF32,
            DesignStorage::Sparse,
        ] {
            let err = missing
                .clone()
                .into_features(storage)
                .unwrap_err()
                .to_string();
            assert!(err.contains("data row 2") && err.contains("\"m\""), "{err}");
        }
    }

    #[test]
    fn an_owned_block_becomes_the_design_without_a_copy() {
        let block = Block {
            values: vec![1.0, 10.0, 100.0, 2.0, 20.0, 200.0],
            width: 3,
        };
        let ptr = block.values.as_ptr();
        let t = Table::from_parts(
            vec!["a".into(), "b".into(), "c".into()],
            vec![
                Slot::Numeric { block: 0, col: 0 },
                Slot::Numeric { block: 0, col: 1 },
                Slot::Numeric { block: 0, col: 2 },
            ],
            vec![block],
            2,
        );
        let shared = t.clone();
        // Shared: copied, and the original keeps its values.
        let f = shared
            .select(&["c", "a"])
            .unwrap()
            .into_features(DesignStorage::Dense)
            .unwrap();
        assert_eq!(
            f.to_dmatrix(),
            DMatrix::from_row_slice(2, 2, &[100.0, 1.0, 200.0, 2.0])
        );
        drop(shared);
        // Owned: compacted in place.
        let (t, _) = t.split_target_owned("b").unwrap();
        let f = t.into_features(DesignStorage::Dense).unwrap();
        let Design::Dense(x) = &f.design else {
            panic!("dense")
        };
        assert_eq!(x.as_slice(), [1.0, 100.0, 2.0, 200.0]);
        assert_eq!(x.as_slice().as_ptr(), ptr);
    }

    #[test]
    fn storages_hold_the_same_values() {
        let t = Table::new([
            ("x", Column::numeric([0.5, 0.0, -2.0])),
            ("y", Column::numeric([1.0, 2.0, 3.0])),
        ])
        .unwrap();
        let dense = t
            .clone()
            .into_features(DesignStorage::Dense)
            .unwrap()
            .to_dmatrix();
        for s in [
            DesignStorage::DenseF32,
            DesignStorage::Sparse,
            DesignStorage::Auto,
        ] {
            let f = t.clone().into_features(s).unwrap();
            assert_eq!(f.to_dmatrix(), dense, "{s:?}");
        }
        let f = t.into_features(DesignStorage::Sparse).unwrap();
        let Design::Sparse(csr) = &f.design else {
            panic!("sparse")
        };
        assert_eq!(csr.nnz(), 5, "the zero is not stored");
    }

    #[test]
    fn huge_values_are_refused_by_name() {
        let t = Table::new([("big", Column::numeric([1.0, 1e200]))]).unwrap();
        let msg = t.to_features().unwrap_err().to_string();
        assert!(
            msg.contains("data row 2") && msg.contains("\"big\""),
            "{msg}"
        );
    }

    #[test]
    fn composed_scalings_as_shift_and_scale() {
        let ops = [
            Affine {
                offset: 0.25,
                scale: 0.5,
            },
            Affine {
                offset: -1.0,
                scale: 4.0,
            },
        ];
        let (shift, scale) = shift_scale(&ops);
        for x in [0.0, 1.0] {
            assert!(((x - shift) * scale - apply(&ops, x)).abs() < 1e-15);
        }
    }
}
