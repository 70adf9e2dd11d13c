//! Shared test data: the bundled banknote set, raw and standardized.
#![allow(dead_code)]

use nalgebra::DMatrix;

/// The rows of a bundled all-numeric dataset (datasets/NAME), header skipped.
pub(crate) fn numeric_rows(name: &str) -> Vec<Vec<f64>> {
    let path = format!("{}/../../datasets/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("bundled dataset");
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(|v| v.parse().expect("number")).collect())
        .collect()
}

/// (X, y) from datasets/banknote.csv: 1372 × 4 features, labels 0/1.
pub(crate) fn banknote() -> (DMatrix<f64>, Vec<u8>) {
    let rows = numeric_rows("banknote.csv");
    let x = DMatrix::from_fn(rows.len(), 4, |i, j| rows[i][j]);
    let y = rows.iter().map(|r| r[4] as u8).collect();
    (x, y)
}

/// Columns centred and divided by their population standard deviation (scikit-learn's scaler).
pub(crate) fn standardize(x: &DMatrix<f64>) -> DMatrix<f64> {
    let n = x.nrows() as f64;
    let mut out = x.clone();
    for mut col in out.column_iter_mut() {
        let mean = col.sum() / n;
        let sd = (col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        col.apply(|v| *v = (*v - mean) / sd);
    }
    out
}

pub(crate) fn banknote_standardized() -> (DMatrix<f64>, Vec<u8>) {
    let (x, y) = banknote();
    (standardize(&x), y)
}

/// scikit-learn's objective C·Σℓᵢ + ½‖w‖² (C = ∞ means no penalty), computed independently here.
pub(crate) fn sklearn_objective(
    x: &DMatrix<f64>,
    y: &[u8],
    w: &[f64],
    b: f64,
    c: Option<f64>,
) -> f64 {
    let mut total = 0.0;
    for i in 0..x.nrows() {
        let z: f64 = (0..x.ncols()).map(|j| x[(i, j)] * w[j]).sum::<f64>() + b;
        let softplus = z.max(0.0) + (-z.abs()).exp().ln_1p();
        total += softplus - f64::from(y[i]) * z;
    }
    match c {
        Some(c) => c * total + 0.5 * w.iter().map(|v| v * v).sum::<f64>(),
        None => total,
    }
}

/// ‖∇J‖ of scikit-learn's objective at (w, b), from the same independent formula.
pub(crate) fn sklearn_grad_norm(x: &DMatrix<f64>, y: &[u8], w: &[f64], b: f64, c: f64) -> f64 {
    let d = x.ncols();
    let mut g = vec![0.0; d + 1];
    for i in 0..x.nrows() {
        let z: f64 = (0..d).map(|j| x[(i, j)] * w[j]).sum::<f64>() + b;
        let r = 1.0 / (1.0 + (-z).exp()) - f64::from(y[i]);
        for j in 0..d {
            g[j] += c * r * x[(i, j)];
        }
        g[d] += c * r;
    }
    for j in 0..d {
        g[j] += w[j];
    }
    g.iter().map(|v| v * v).sum::<f64>().sqrt()
}
