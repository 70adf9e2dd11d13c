//! The data a loss sums over ([`Data`]: a design in memory or row blocks read in passes) and the
//! checks and gathers of per-row inputs (labels, weights, offsets) shared by both losses.

use crate::ranks::Ranks;
use crate::LossError;
use logreg_linalg_core::{
    for_each_selected, Design, LinalgError, Moments, PassSums, RowBlocks, Rows, Storage,
};
use nalgebra::DMatrix;

/// The data a loss sums over: a design in memory, or a source of row blocks read in passes.
#[derive(Clone, Copy)]
pub enum Data<'a> {
    /// A design in memory (the common case: each pass is one call of a kernel).
    Memory(&'a Design<'a>),
    /// Row blocks read in passes (see [`RowBlocks`]).
    Blocks(&'a dyn RowBlocks),
}

impl std::fmt::Debug for Data<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Data::Memory(x) => f.debug_tuple("Memory").field(x).finish(),
            Data::Blocks(b) => write!(
                f,
                "Blocks({} × {}, {})",
                b.n_rows(),
                b.n_cols(),
                b.storage().name()
            ),
        }
    }
}

impl<'a> Data<'a> {
    /// Rows n.
    pub fn n_rows(&self) -> usize {
        match self {
            Data::Memory(x) => x.n_rows(),
            Data::Blocks(b) => b.n_rows(),
        }
    }

    /// Columns d.
    pub fn n_cols(&self) -> usize {
        match self {
            Data::Memory(x) => x.n_cols(),
            Data::Blocks(b) => b.n_cols(),
        }
    }

    /// The storage of the design (or of every block).
    pub fn storage(&self) -> Storage {
        match self {
            Data::Memory(x) => x.storage(),
            Data::Blocks(b) => b.storage(),
        }
    }

    /// Stored values (n·d when dense).
    pub fn stored_values(&self) -> usize {
        match self {
            Data::Memory(x) => x.stored_values(),
            Data::Blocks(b) => b.stored_values(),
        }
    }

    /// Column means and variances over the rows of `rows` (weights one per row of the pass).
    pub fn column_moments(
        &self,
        rows: Rows<'_>,
        weights: Option<&[f64]>,
    ) -> Result<Moments, LinalgError> {
        match self {
            Data::Memory(x) => x.column_moments(rows, weights),
            Data::Blocks(b) => logreg_linalg_core::column_moments(*b, rows.indices(), weights),
        }
    }

    /// Σ cᵢ x̃ᵢx̃ᵢᵀ over the rows of `rows` (`c` one per row of the pass), each block's sum
    /// added in block order.
    pub fn weighted_gram(
        &self,
        rows: Rows<'_>,
        c: &[f64],
        intercept: bool,
    ) -> Result<DMatrix<f64>, LinalgError> {
        match self {
            Data::Memory(x) => x.weighted_gram(rows, c, intercept),
            Data::Blocks(src) => {
                if c.len() != rows.len() {
                    return Err(LinalgError::LengthMismatch {
                        operation: "weighted Gram (weights)",
                        expected: rows.len(),
                        found: c.len(),
                    });
                }
                let p = src.n_cols() + usize::from(intercept);
                let mut h = DMatrix::zeros(p, p);
                for_each_selected(*src, rows.indices(), &mut |pos, block, r| {
                    let m = r.len();
                    h += block.weighted_gram(r, &c[pos..pos + m], intercept)?;
                    Ok(())
                })?;
                Ok(h)
            }
        }
    }
}

/// Adds a later block's sums: the blocks of a pass are combined in block order with this.
fn add_sums(total: &mut PassSums, part: &PassSums) {
    total.value += part.value;
    total.grad += &part.grad;
    total.grad_bias += part.grad_bias;
}

/// The sums of a fused pass over the selected rows of a source of blocks, each block's sums
/// added in block order; `per_chunk` gets pass positions (across blocks).
pub(crate) fn blocks_fused_pass<F>(
    src: &dyn RowBlocks,
    rows: Rows<'_>,
    w: &[f64],
    b: f64,
    per_chunk: F,
) -> Result<PassSums, LinalgError>
where
    F: Fn(usize, &mut [f64], &mut [f64]) + Sync,
{
    let mut total = PassSums {
        value: 0.0,
        grad: nalgebra::DVector::zeros(src.n_cols()),
        grad_bias: 0.0,
    };
    for_each_selected(src, rows.indices(), &mut |pos, block, r| {
        let part = block.fused_pass(r, w, b, |first, z, l| per_chunk(pos + first, z, l))?;
        add_sums(&mut total, &part);
        Ok(())
    })?;
    Ok(total)
}

/// The labels as 0/1 booleans, one per design row.
pub(crate) fn labels_to_bool(y: &[f64], n: usize) -> Result<Vec<bool>, LossError> {
    if y.len() != n {
        return Err(LossError::LengthMismatch {
            what: "labels y",
            expected: n,
            found: y.len(),
        });
    }
    y.iter()
        .enumerate()
        .map(|(row, &value)| {
            if value == 1.0 {
                Ok(true)
            } else if value == 0.0 {
                Ok(false)
            } else {
                Err(LossError::InvalidLabel { row, value })
            }
        })
        .collect()
}

/// One value per design row: the length must match.
pub(crate) fn per_row(what: &'static str, v: &[f64], n: usize) -> Result<(), LossError> {
    if v.len() == n {
        Ok(())
    } else {
        Err(LossError::LengthMismatch {
            what,
            expected: n,
            found: v.len(),
        })
    }
}

/// Weights must be finite and > 0; returns them.
pub(crate) fn validate_weights(w: &[f64], n: usize) -> Result<(), LossError> {
    per_row("sample weights", w, n)?;
    match w
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v > 0.0))
    {
        Some((row, &value)) => Err(LossError::InvalidWeight { row, value }),
        None => Ok(()),
    }
}

/// `v` (one per design row) in the order of `rows`.
pub(crate) fn gather<T: Copy>(v: &[T], rows: &Rows<'_>) -> Vec<T> {
    match rows.indices() {
        Some(sel) => sel.iter().map(|&i| v[i]).collect(),
        None => v.to_vec(),
    }
}

/// Sample weights of a loss: checked (one per design row of `n`, finite and > 0), gathered in the
/// order of `rows`, with their sum over every rank (Σ sᵢ).
pub(crate) fn gathered_weights(
    weights: &[f64],
    n: usize,
    rows: &Rows<'_>,
    ranks: &Ranks<'_>,
) -> Result<(Vec<f64>, f64), LossError> {
    validate_weights(weights, n)?;
    let w = gather(weights, rows);
    let sum = ranks.total(w.iter().sum())?;
    Ok((w, sum))
}

/// Σ sᵢ over every rank: the sum of this rank's gathered `weights`, or its row count `n_rows`
/// when every row weighs 1.
pub(crate) fn weight_total(
    weights: Option<&[f64]>,
    n_rows: usize,
    ranks: &Ranks<'_>,
) -> Result<f64, LossError> {
    let local = match weights {
        Some(w) => w.iter().sum(),
        None => n_rows as f64,
    };
    ranks.total(local)
}

/// Offsets of a loss, `k` per design row of `n` (row after row), checked finite (an error names
/// the design row of the first that is not) and gathered in the order of `rows`.
pub(crate) fn gathered_offsets(
    what: &'static str,
    offset: &[f64],
    n: usize,
    k: usize,
    rows: &Rows<'_>,
) -> Result<Vec<f64>, LossError> {
    per_row(what, offset, n * k)?;
    if let Some((idx, &value)) = offset.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(LossError::InvalidOffset {
            row: idx / k,
            value,
        });
    }
    if k == 1 {
        return Ok(gather(offset, rows));
    }
    let mut gathered = Vec::with_capacity(rows.len() * k);
    for pos in 0..rows.len() {
        let i = rows.row_at(pos);
        gathered.extend_from_slice(&offset[i * k..(i + 1) * k]);
    }
    Ok(gathered)
}
