//! Weighted column means and variances over the rows of a pass.

use super::{check_len, Moments, Rows};
use crate::blocks;
use crate::design::{Design, Real};
use crate::LinalgError;

impl<'a> Design<'a> {
    /// Means and variances of the columns over the rows of the pass, each row weighted by
    /// `weights` (one per row visited; all 1 when `None`). Computed as weighted sums of x and x²
    /// about a first-row reference, in the fixed blocks of a pass.
    pub fn column_moments(
        &self,
        rows: Rows<'_>,
        weights: Option<&[f64]>,
    ) -> Result<Moments, LinalgError> {
        self.check_selection(&rows)?;
        if let Some(s) = weights {
            check_len("column moments (weights)", rows.len(), s.len())?;
        }
        let d = self.n_cols();
        let n = rows.len();
        let weight = |pos: usize| weights.map_or(1.0, |s| s[pos]);
        let total: f64 = (0..n).map(weight).sum();
        if n == 0 || total <= 0.0 {
            return Ok(Moments {
                mean: vec![0.0; d],
                var: vec![0.0; d],
            });
        }
        // Shifted sums (about the first visited row) keep a dense column's variance accurate when
        // its mean is far from zero; sparse columns are summed about 0 (their implicit zeros then
        // contribute nothing) and mapped through the standardization, if any, at the end.
        let reference: Vec<f64> = match self {
            Design::Sparse(_) => vec![0.0; d],
            Design::Dense(x) => x.row(rows.row_at(0)).unwrap_or(&[]).to_vec(),
            Design::DenseF32(x) => x
                .row(rows.row_at(0))
                .unwrap_or(&[])
                .iter()
                .map(|v| f64::from(*v))
                .collect(),
        };
        let per = 4096;
        let map = |blk: usize| {
            let mut s1 = vec![0.0; d];
            let mut s2 = vec![0.0; d];
            for pos in blk * per..((blk + 1) * per).min(n) {
                let i = rows.row_at(pos);
                let wi = weight(pos);
                match self {
                    Design::Dense(x) => {
                        accumulate_row(x.row(i).unwrap_or(&[]), &reference, wi, &mut s1, &mut s2)
                    }
                    Design::DenseF32(x) => {
                        accumulate_row(x.row(i).unwrap_or(&[]), &reference, wi, &mut s1, &mut s2)
                    }
                    Design::Sparse(x) => {
                        let (idx, val) = x.row(i);
                        for (&j, &v) in idx.iter().zip(val) {
                            s1[j as usize] += wi * v;
                            s2[j as usize] += wi * v * v;
                        }
                    }
                }
            }
            (s1, s2)
        };
        let add = |(mut a1, mut a2): (Vec<f64>, Vec<f64>), (b1, b2): (Vec<f64>, Vec<f64>)| {
            for (x, y) in a1.iter_mut().zip(&b1) {
                *x += y;
            }
            for (x, y) in a2.iter_mut().zip(&b2) {
                *x += y;
            }
            (a1, a2)
        };
        let (s1, s2) = blocks::tree_reduce(n.div_ceil(per), &map, &add)
            .unwrap_or_else(|| (vec![0.0; d], vec![0.0; d]));
        let (shift, scale) = match self {
            Design::Sparse(x) => match x.scaling() {
                Some(sc) => (sc.shift.clone(), sc.scale.clone()),
                None => (vec![0.0; d], vec![1.0; d]),
            },
            _ => (vec![0.0; d], vec![1.0; d]),
        };
        let mut mean = vec![0.0; d];
        let mut var = vec![0.0; d];
        for j in 0..d {
            let m = s1[j] / total;
            mean[j] = (reference[j] + m - shift[j]) * scale[j];
            var[j] = (s2[j] / total - m * m).max(0.0) * scale[j] * scale[j];
        }
        Ok(Moments { mean, var })
    }
}

fn accumulate_row<T: Real>(x: &[T], reference: &[f64], w: f64, s1: &mut [f64], s2: &mut [f64]) {
    for (j, v) in x.iter().enumerate() {
        let t = v.to_f64() - reference[j];
        s1[j] += w * t;
        s2[j] += w * t * t;
    }
}
