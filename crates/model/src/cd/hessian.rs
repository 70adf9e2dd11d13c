//! The binary model's Hessian on a working set, formed from the columns.

use super::columns::Columns;
use super::{GRAM_BLOCK, GRAM_MAX_PARAMS, GRAM_TASK_ROWS};
use logreg_linalg_core::tree_reduce;
use nalgebra::DMatrix;

/// What forming the binary model's Hessian on the working set W costs: the multiply-adds, and for
/// sparse columns how many of each row's values fall in W (`None` when W is larger than
/// [`GRAM_MAX_PARAMS`]). A coordinate sweep over W costs two passes over W's stored values.
pub(super) fn gram_cost(
    cols: &Columns,
    working: &[usize],
    n_features: usize,
) -> Option<(usize, Vec<u32>)> {
    let m = working.len();
    if m > GRAM_MAX_PARAMS {
        return None;
    }
    Some(match cols {
        Columns::Dense { n, .. } => (n * m * (m + 1) / 2, Vec::new()),
        Columns::Sparse { n, columns } => {
            let mut per_row = vec![0u32; *n];
            for &c in working.iter().filter(|&&c| c < n_features) {
                for &i in Columns::sparse(columns, c).0 {
                    per_row[i as usize] += 1;
                }
            }
            let pairs = per_row
                .iter()
                .map(|&k| (k as usize + 1) * (k as usize + 2) / 2)
                .sum();
            (pairs, per_row)
        }
    })
}

/// The binary model's Hessian on the working set W, `X_Wᵀ D X_W + λ₂I` (the intercept's row and
/// column too when it is in W; D = `d`, the curvatures over S), formed from the column copy
/// (`per_row` from [`gram_cost`]). With it a coordinate step costs |W| operations instead of a
/// column's length, and the model can be minimized exactly on its support
/// ([`Model::face_newton`]), which coordinate sweeps alone reach slowly when columns are
/// correlated (a frequent word and the intercept).
pub(super) fn working_gram(
    cols: &Columns,
    d: &[f64],
    working: &[usize],
    n_features: usize,
    l2: f64,
    per_row: &[u32],
) -> DMatrix<f64> {
    let m = working.len();
    let n = d.len();
    let intercept = working.last().is_some_and(|&c| c == n_features);
    let features = &working[..m - usize::from(intercept)];
    // Row-major upper triangle.
    let mut upper = vec![0.0; m * m];
    match cols {
        Columns::Dense { values, .. } => {
            let mut weighted = vec![0.0; n];
            for (a, &ca) in features.iter().enumerate() {
                for ((w, x), di) in weighted
                    .iter_mut()
                    .zip(&values[ca * n..(ca + 1) * n])
                    .zip(d)
                {
                    *w = x * di;
                }
                for (b, &cb) in features.iter().enumerate().skip(a) {
                    upper[a * m + b] = dot(&weighted, &values[cb * n..(cb + 1) * n]);
                }
                if intercept {
                    upper[a * m + m - 1] = weighted.iter().sum();
                }
            }
        }
        Columns::Sparse { columns, .. } => {
            let cols: Vec<(&[u32], &[f64])> = features
                .iter()
                .map(|&c| Columns::sparse(columns, c))
                .collect();
            let part = |task: usize| {
                let rows = task * GRAM_TASK_ROWS..((task + 1) * GRAM_TASK_ROWS).min(n);
                sparse_gram_part(&cols, d, per_row, rows, m, intercept)
            };
            let add = |mut left: Vec<f64>, right: Vec<f64>| {
                left.iter_mut().zip(&right).for_each(|(l, r)| *l += r);
                left
            };
            if let Some(sum) = tree_reduce(n.div_ceil(GRAM_TASK_ROWS), &part, &add) {
                upper = sum;
            }
        }
    }
    if intercept {
        upper[m * m - 1] = d.iter().sum();
    }
    DMatrix::from_fn(m, m, |a, b| {
        let v = upper[a.min(b) * m + a.max(b)];
        if a == b && !(intercept && a == m - 1) {
            v + l2
        } else {
            v
        }
    })
}

/// The upper triangle (row-major, m × m) of `X_Wᵀ D X_W` over the pass positions `rows`, from W's
/// sparse columns `cols` (the intercept's column last when `intercept`). Block by block of rows,
/// W's values are regrouped by row (from each column's cursor, in W's order, so every row's local
/// indices increase), then one outer product a row.
fn sparse_gram_part(
    cols: &[(&[u32], &[f64])],
    d: &[f64],
    per_row: &[u32],
    rows: std::ops::Range<usize>,
    m: usize,
    intercept: bool,
) -> Vec<f64> {
    let mut upper = vec![0.0; m * m];
    let mut cursor: Vec<usize> = cols
        .iter()
        .map(|(r, _)| r.partition_point(|&i| (i as usize) < rows.start))
        .collect();
    let mut start = vec![0usize; GRAM_BLOCK + 1];
    let mut next = vec![0usize; GRAM_BLOCK];
    let mut entries: Vec<(usize, f64)> = Vec::new();
    for b0 in rows.clone().step_by(GRAM_BLOCK) {
        let b1 = (b0 + GRAM_BLOCK).min(rows.end);
        for (i, &k) in per_row[b0..b1].iter().enumerate() {
            start[i + 1] = start[i] + k as usize;
        }
        let len = b1 - b0;
        entries.clear();
        entries.resize(start[len], (0, 0.0));
        next[..len].copy_from_slice(&start[..len]);
        for (k, &(col_rows, col_values)) in cols.iter().enumerate() {
            let mut t = cursor[k];
            while t < col_rows.len() && (col_rows[t] as usize) < b1 {
                let i = col_rows[t] as usize - b0;
                entries[next[i]] = (k, col_values[t]);
                next[i] += 1;
                t += 1;
            }
            cursor[k] = t;
        }
        for i in 0..len {
            let di = d[b0 + i];
            let row = &entries[start[i]..start[i + 1]];
            for (a, &(ka, va)) in row.iter().enumerate() {
                let s = di * va;
                let out = &mut upper[ka * m..(ka + 1) * m];
                for &(kb, vb) in &row[a..] {
                    out[kb] += s * vb;
                }
                if intercept {
                    out[m - 1] += s;
                }
            }
        }
    }
    upper
}

/// Σ aᵢbᵢ with four accumulators (a fixed order, so the same bits every time).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            acc[l] += x[l] * y[l];
        }
    }
    (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail
}
