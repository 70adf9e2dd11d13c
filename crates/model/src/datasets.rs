//! Seeded synthetic data: Gaussian blobs like scikit-learn's `make_blobs`, labels drawn from a
//! true logistic model for benchmarks, and four badly conditioned raw data sets (columns on very
//! different scales, scaled copies, near-collinear columns, features far from zero) on which a
//! default fit must still reach the optimum.

use crate::ModelError;
use logreg_linalg_core::{Csr, Dense};
use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n_samples` points in Gaussian clusters around `centers` (each of the same dimension), with
/// standard deviation `cluster_std`, spread as evenly as possible over the clusters (the first
/// `n % k` clusters get one more, as scikit-learn). Returns the points (one per row) and each
/// point's cluster index. The same seed gives the same data.
///
/// ```
/// let (x, y) = logreg_model::datasets::make_blobs(150, &[[-2.0, -2.0], [2.0, 2.0]], 1.0, 42).unwrap();
/// assert_eq!(x.shape(), (150, 2));
/// assert_eq!(y.iter().filter(|&&c| c == 1).count(), 75);
/// ```
pub fn make_blobs<const D: usize>(
    n_samples: usize,
    centers: &[[f64; D]],
    cluster_std: f64,
    seed: u64,
) -> Result<(DMatrix<f64>, Vec<usize>), ModelError> {
    if centers.is_empty() || D == 0 {
        return Err(ModelError::InvalidParam {
            name: "centers",
            value: format!("{} centers of dimension {D}", centers.len()),
            expected: "at least one center of dimension >= 1",
        });
    }
    if let Some(c) = centers.iter().flatten().find(|v| !v.is_finite()) {
        return Err(ModelError::InvalidParam {
            name: "centers",
            value: c.to_string(),
            expected: "finite coordinates",
        });
    }
    if !(cluster_std.is_finite() && cluster_std >= 0.0) {
        return Err(ModelError::InvalidParam {
            name: "cluster_std",
            value: cluster_std.to_string(),
            expected: "a finite number >= 0",
        });
    }
    let k = centers.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut labels = Vec::with_capacity(n_samples);
    for c in 0..k {
        let count = n_samples / k + usize::from(c < n_samples % k);
        labels.extend(std::iter::repeat_n(c, count));
    }
    let mut x = DMatrix::zeros(n_samples, D);
    for (i, &c) in labels.iter().enumerate() {
        for j in 0..D {
            x[(i, j)] = centers[c][j] + cluster_std * standard_normal(&mut rng);
        }
    }
    Ok((x, labels))
}

/// `n_samples` rows of `n_features` standard-normal features and labels drawn from a true logistic
/// model: `y ~ Bernoulli(σ(x·β))` with `β_j = (-1)^j · 2/√n_features` (so the logits have standard
/// deviation 2 whatever the width, and the classes overlap: the optimum is finite). The benchmark
/// and comparison data, generated row by row straight into a row-major design; the same seed
/// gives the same data.
///
/// ```
/// let (x, y) = logreg_model::datasets::make_logistic(1000, 5, 1).unwrap();
/// assert_eq!((x.n_rows(), x.n_cols()), (1000, 5));
/// assert!(y.iter().all(|&v| v == 0.0 || v == 1.0));
/// ```
pub fn make_logistic(
    n_samples: usize,
    n_features: usize,
    seed: u64,
) -> Result<(Dense<'static, f64>, Vec<f64>), ModelError> {
    make_logistic_correlated(n_samples, n_features, 0.0, seed)
}

/// [`make_logistic`] with correlated columns: each feature is `√(1−ρ)·eᵢⱼ + √ρ·fᵢ` for independent
/// standard normals e and one factor f per row, so every pair of columns has correlation ρ ∈
/// [0, 1) and the problem is harder to condition (more L-BFGS iterations) at the same size. With
/// ρ = 0 it is [`make_logistic`], draw for draw.
pub fn make_logistic_correlated(
    n_samples: usize,
    n_features: usize,
    rho: f64,
    seed: u64,
) -> Result<(Dense<'static, f64>, Vec<f64>), ModelError> {
    if n_samples == 0 || n_features == 0 {
        return Err(ModelError::InvalidParam {
            name: "shape",
            value: format!("{n_samples} x {n_features}"),
            expected: "at least one sample and one feature",
        });
    }
    if !(0.0..1.0).contains(&rho) {
        return Err(ModelError::InvalidParam {
            name: "rho",
            value: rho.to_string(),
            expected: "a correlation in [0, 1)",
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let scale = 2.0 / (n_features as f64).sqrt();
    let (own, shared) = ((1.0 - rho).sqrt(), rho.sqrt());
    let mut x = Vec::with_capacity(n_samples * n_features);
    let mut y = Vec::with_capacity(n_samples);
    for _ in 0..n_samples {
        let factor = if rho > 0.0 {
            standard_normal(&mut rng)
        } else {
            0.0
        };
        let mut z = 0.0;
        for j in 0..n_features {
            let v = own * standard_normal(&mut rng) + shared * factor;
            x.push(v);
            z += if j % 2 == 0 { scale } else { -scale } * v;
        }
        let p = logreg_linalg_core::sigmoid(z);
        y.push(f64::from(rng.random::<f64>() < p));
    }
    Ok((Dense::new(x, n_samples, n_features)?, y))
}

/// A sparse data set shaped like text data (RCV1: 200 000 rows × 50 000 features, ~75 stored
/// values a row): each row has `nnz_per_row` distinct columns drawn with a Zipf-like preference for
/// low column indices (frequent words), values `1/√nnz` (unit-length rows, as tf-idf normalizes),
/// and labels from a true logistic model on a sparse β. Seeded; the same seed gives the same data.
///
/// ```
/// let (x, y) = logreg_model::datasets::make_sparse_logistic(100, 1000, 10, 3).unwrap();
/// assert_eq!((x.n_rows(), x.n_cols(), x.nnz()), (100, 1000, 1000));
/// assert!(y.iter().any(|&v| v == 1.0) && y.iter().any(|&v| v == 0.0));
/// ```
pub fn make_sparse_logistic(
    n_samples: usize,
    n_features: usize,
    nnz_per_row: usize,
    seed: u64,
) -> Result<(Csr<'static>, Vec<f64>), ModelError> {
    if n_samples == 0 || n_features == 0 || nnz_per_row == 0 || nnz_per_row > n_features {
        return Err(ModelError::InvalidParam {
            name: "shape",
            value: format!("{n_samples} x {n_features} with {nnz_per_row} values a row"),
            expected: "at least one sample and one feature, 1 <= nnz_per_row <= n_features",
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // A sparse truth: every tenth column matters, with alternating signs and decaying size.
    let beta: Vec<f64> = (0..n_features)
        .map(|j| {
            if j % 10 == 0 {
                let s = if (j / 10) % 2 == 0 { 1.0 } else { -1.0 };
                s * 12.0 / (1.0 + (j as f64 / 500.0))
            } else {
                0.0
            }
        })
        .collect();
    let value = 1.0 / (nnz_per_row as f64).sqrt();
    let log_d = (n_features as f64).ln();
    let mut indptr = Vec::with_capacity(n_samples + 1);
    indptr.push(0usize);
    let mut indices: Vec<u32> = Vec::with_capacity(n_samples * nnz_per_row);
    let mut values: Vec<f64> = Vec::with_capacity(n_samples * nnz_per_row);
    let mut y = Vec::with_capacity(n_samples);
    let mut row: Vec<u32> = Vec::with_capacity(nnz_per_row);
    for _ in 0..n_samples {
        row.clear();
        while row.len() < nnz_per_row {
            // Log-uniform column: frequent low indices, a long tail (Zipf-like).
            let j = ((rng.random::<f64>() * log_d).exp() - 1.0) as usize;
            let j = j.min(n_features - 1) as u32;
            if !row.contains(&j) {
                row.push(j);
            }
        }
        row.sort_unstable();
        let z: f64 = row.iter().map(|&j| beta[j as usize] * value).sum::<f64>() - 0.3;
        y.push(f64::from(
            rng.random::<f64>() < logreg_linalg_core::sigmoid(z),
        ));
        indices.extend_from_slice(&row);
        values.extend(std::iter::repeat_n(value, row.len()));
        indptr.push(indices.len());
    }
    Ok((Csr::new(n_samples, n_features, indptr, indices, values)?, y))
}

/// 1 797 × 84, like scikit-learn's digits as a new user feeds them: 64 pixel counts (integers
/// 0–16, uniform) and 20 copies of the first 20 scaled ×1000, so the column scales differ 10³
/// and 20 pairs of columns are exactly collinear. Labels from [`logistic_labels`].
///
/// ```
/// let (x, y) = logreg_model::datasets::make_scaled_copies(1).unwrap();
/// assert_eq!((x.n_rows(), x.n_cols(), y.len()), (1797, 84, 1797));
/// let row = &x.as_slice()[..84];
/// assert_eq!(row[64], row[0] * 1000.0);
/// ```
pub fn make_scaled_copies(seed: u64) -> Result<(Dense<'static, f64>, Vec<f64>), ModelError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (n, d) = (1797, 84);
    let mut x = Vec::with_capacity(n * d);
    for _ in 0..n {
        let px: Vec<f64> = (0..64)
            .map(|_| (rng.random::<f64>() * 17.0).floor())
            .collect();
        x.extend_from_slice(&px);
        x.extend(px[..20].iter().map(|v| v * 1000.0));
    }
    labelled(x, n, d, &mut rng)
}

/// 5 000 × 200 standard normals, column `j` scaled by `10^(−3 + 6j/199)`: scales spread
/// log-uniformly over 10⁻³…10³ (a 10⁶ spread, as prices next to ratios). Labels from
/// [`logistic_labels`].
///
/// ```
/// let (x, y) = logreg_model::datasets::make_wide_scales(2).unwrap();
/// assert_eq!((x.n_rows(), x.n_cols(), y.len()), (5000, 200, 5000));
/// ```
pub fn make_wide_scales(seed: u64) -> Result<(Dense<'static, f64>, Vec<f64>), ModelError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (n, d) = (5000, 200);
    let scale: Vec<f64> = (0..d)
        .map(|j| 10f64.powf(-3.0 + 6.0 * j as f64 / (d - 1) as f64))
        .collect();
    let mut x = Vec::with_capacity(n * d);
    for _ in 0..n {
        for s in &scale {
            x.push(standard_normal(&mut rng) * s);
        }
    }
    labelled(x, n, d, &mut rng)
}

/// 3 000 × 120: 30 standard-normal columns and 90 near-copies of them (column `30 + k` is column
/// `k mod 30` plus noise of standard deviation 10⁻⁶), so the design is rank-deficient up to 10⁻⁶.
/// Labels from [`logistic_labels`].
///
/// ```
/// let (x, _) = logreg_model::datasets::make_near_collinear(3).unwrap();
/// assert_eq!((x.n_rows(), x.n_cols()), (3000, 120));
/// let row = &x.as_slice()[..120];
/// assert!((row[30] - row[0]).abs() < 1e-4);
/// ```
pub fn make_near_collinear(seed: u64) -> Result<(Dense<'static, f64>, Vec<f64>), ModelError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (n, d) = (3000, 120);
    let mut x = Vec::with_capacity(n * d);
    for _ in 0..n {
        let base: Vec<f64> = (0..30).map(|_| standard_normal(&mut rng)).collect();
        x.extend_from_slice(&base);
        for k in 0..90 {
            x.push(base[k % 30] + 1e-6 * standard_normal(&mut rng));
        }
    }
    labelled(x, n, d, &mut rng)
}

/// 20 000 × 100, every feature N(50, 1): far from zero, so without centring the intercept and
/// the slopes fight (the Hessian's intercept row is 50× the others). Labels from
/// [`logistic_labels`].
///
/// ```
/// let (x, _) = logreg_model::datasets::make_far_from_zero(4).unwrap();
/// assert_eq!((x.n_rows(), x.n_cols()), (20_000, 100));
/// let mean = x.as_slice().iter().sum::<f64>() / 2e6;
/// assert!((mean - 50.0).abs() < 0.01);
/// ```
pub fn make_far_from_zero(seed: u64) -> Result<(Dense<'static, f64>, Vec<f64>), ModelError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (n, d) = (20_000, 100);
    let x: Vec<f64> = (0..n * d)
        .map(|_| 50.0 + standard_normal(&mut rng))
        .collect();
    labelled(x, n, d, &mut rng)
}

/// `x` (row-major n × d) with labels drawn by [`logistic_labels`] from the same generator.
fn labelled(
    x: Vec<f64>,
    n: usize,
    d: usize,
    rng: &mut ChaCha8Rng,
) -> Result<(Dense<'static, f64>, Vec<f64>), ModelError> {
    let y = logistic_labels(&x, n, d, rng);
    Ok((Dense::new(x, n, d)?, y))
}

/// Labels `y ~ Bernoulli(σ(2·Σⱼ βⱼ·(xⱼ − x̄ⱼ)/sⱼ))` for a row-major `n × d` matrix `x`, with `x̄ⱼ`
/// and `sⱼ` each column's mean and population standard deviation and `βⱼ = 1.5/√d` for every
/// third column, `−0.5/√d` otherwise. Drawn on the standardized columns, so the classes overlap
/// and the optimum is finite whatever the columns' units; one uniform draw per row from `rng`.
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
/// let x: Vec<f64> = (0..400).map(|k| (k % 7) as f64 * 1e3).collect();
/// let y = logreg_model::datasets::logistic_labels(&x, 200, 2, &mut rng);
/// assert_eq!(y.len(), 200);
/// assert!(y.iter().all(|&v| v == 0.0 || v == 1.0));
/// ```
pub fn logistic_labels<R: Rng + ?Sized>(x: &[f64], n: usize, d: usize, rng: &mut R) -> Vec<f64> {
    debug_assert_eq!(x.len(), n * d);
    let mut mean = vec![0.0; d];
    let mut sd = vec![0.0; d];
    for j in 0..d {
        mean[j] = (0..n).map(|i| x[i * d + j]).sum::<f64>() / n as f64;
        sd[j] = ((0..n)
            .map(|i| (x[i * d + j] - mean[j]).powi(2))
            .sum::<f64>()
            / n as f64)
            .sqrt()
            .max(1e-300);
    }
    let beta: Vec<f64> = (0..d)
        .map(|j| if j % 3 == 0 { 1.5 } else { -0.5 } / (d as f64).sqrt())
        .collect();
    (0..n)
        .map(|i| {
            let z: f64 = (0..d)
                .map(|j| beta[j] * (x[i * d + j] - mean[j]) / sd[j])
                .sum::<f64>()
                * 2.0;
            f64::from(rng.random::<f64>() < logreg_linalg_core::sigmoid(z))
        })
        .collect()
}

/// A standard normal draw by the Box–Muller transform (u₁ ∈ (0, 1], so the log is finite): the
/// draw every generator here uses, for tests that build their own seeded data the same way.
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
/// let mean = (0..10_000).map(|_| logreg_model::datasets::standard_normal(&mut rng)).sum::<f64>() / 1e4;
/// assert!(mean.abs() < 0.05);
/// ```
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_reproducible_and_centered() {
        let centers = [[-3.0, 1.0], [4.0, -2.0]];
        let (a, ya) = make_blobs(2000, &centers, 0.5, 7).unwrap();
        let (b, yb) = make_blobs(2000, &centers, 0.5, 7).unwrap();
        assert_eq!(a, b);
        assert_eq!(ya, yb);
        let (c, _) = make_blobs(2000, &centers, 0.5, 8).unwrap();
        assert_ne!(a, c);
        for (k, center) in centers.iter().enumerate() {
            let rows: Vec<usize> = (0..2000).filter(|&i| ya[i] == k).collect();
            assert_eq!(rows.len(), 1000);
            for (j, &cj) in center.iter().enumerate() {
                let mean = rows.iter().map(|&i| a[(i, j)]).sum::<f64>() / 1000.0;
                let var = rows
                    .iter()
                    .map(|&i| (a[(i, j)] - mean).powi(2))
                    .sum::<f64>()
                    / 999.0;
                assert!((mean - cj).abs() < 0.06, "mean {mean} vs {cj}");
                assert!((var.sqrt() - 0.5).abs() < 0.04, "sd {}", var.sqrt());
            }
        }
    }

    #[test]
    fn uneven_counts_and_bad_arguments() {
        let (_, y) = make_blobs(7, &[[0.0], [1.0], [2.0]], 1.0, 0).unwrap();
        assert_eq!(y, [0, 0, 0, 1, 1, 2, 2]);
        assert!(make_blobs::<2>(10, &[], 1.0, 0).is_err());
        assert!(make_blobs(10, &[[0.0, 1.0]], -1.0, 0).is_err());
        assert!(make_blobs(10, &[[f64::NAN, 1.0]], 1.0, 0).is_err());
    }

    #[test]
    fn logistic_data_is_reproducible_and_balanced() {
        let (a, ya) = make_logistic(4000, 6, 3).unwrap();
        let (b, yb) = make_logistic(4000, 6, 3).unwrap();
        assert_eq!(a, b);
        assert_eq!(ya, yb);
        let pos = ya.iter().sum::<f64>() / 4000.0;
        assert!((pos - 0.5).abs() < 0.05, "{pos}");
        // The label follows the first feature's sign more often than not (β₀ > 0).
        let agree = (0..4000)
            .filter(|&i| (a.as_slice()[i * 6] > 0.0) == (ya[i] == 1.0))
            .count();
        assert!(agree > 2200, "{agree}");
        assert!(make_logistic(0, 3, 1).is_err());
        assert!(make_logistic(3, 0, 1).is_err());
    }

    #[test]
    fn correlated_columns_have_the_asked_correlation() {
        let (x, _) = make_logistic_correlated(20_000, 3, 0.8, 5).unwrap();
        let v = x.as_slice();
        let col = |j: usize| -> Vec<f64> { (0..20_000).map(|i| v[i * 3 + j]).collect() };
        let (a, b) = (col(0), col(2));
        let mean = |c: &[f64]| c.iter().sum::<f64>() / c.len() as f64;
        let (ma, mb) = (mean(&a), mean(&b));
        let cov: f64 = a
            .iter()
            .zip(&b)
            .map(|(p, q)| (p - ma) * (q - mb))
            .sum::<f64>()
            / 20_000.0;
        let sd =
            |c: &[f64], m: f64| (c.iter().map(|p| (p - m).powi(2)).sum::<f64>() / 20_000.0).sqrt();
        let r = cov / (sd(&a, ma) * sd(&b, mb));
        assert!((r - 0.8).abs() < 0.02, "{r}");
        assert!(make_logistic_correlated(10, 3, 1.0, 1).is_err());
    }

    #[test]
    fn sparse_data_is_reproducible_and_rows_are_unit_length() {
        let (a, ya) = make_sparse_logistic(500, 2000, 20, 9).unwrap();
        let (b, yb) = make_sparse_logistic(500, 2000, 20, 9).unwrap();
        assert_eq!((a.clone(), ya.clone()), (b, yb));
        for i in 0..500 {
            let (idx, val) = a.row(i);
            assert_eq!(idx.len(), 20);
            assert!((val.iter().map(|v| v * v).sum::<f64>() - 1.0).abs() < 1e-12);
        }
        let pos = ya.iter().sum::<f64>() / 500.0;
        assert!(pos > 0.2 && pos < 0.8, "{pos}");
        assert!(make_sparse_logistic(10, 5, 6, 1).is_err());
    }
}
