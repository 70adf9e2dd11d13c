//! Preconditioning without changing the problem: a solver works on parameters θ′ of the centred and
//! scaled features, `x′ = (x − μ)/σ`, while the objective is still evaluated on the data as they
//! are. With θ = Tθ′,
//!
//! ```text
//! w = w′/σ,   b = b′ − Σⱼ μⱼwⱼ        so that   x·w + b = x′·w′ + b′,
//! f′(θ′) = f(Tθ′),   ∇f′ = Tᵀ∇f,   ∇²f′ = Tᵀ∇²f T,
//! ```
//!
//! the optimum is exactly the original problem's (the penalty stays on w, not on w′), only the
//! geometry the solver sees changes: columns of very different scales, or far from zero, no
//! longer make L-BFGS or conjugate gradients crawl. Nothing touches the data (a sparse design
//! stays sparse), and the map costs O(d) per evaluation. Newton's method is invariant to such a
//! change of variables in exact arithmetic, but not in floating point: a column that is nearly a
//! constant offset makes the raw Hessian too ill-conditioned for its Cholesky factor to be
//! accurate, and the standardized one is not, so Newton runs preconditioned too. Gradient descent
//! and SGD do not, because the tutorials' runs are the textbook algorithms on the data as given.

use logreg_collective::{all_gather_f64, Collective};
use logreg_linalg_core::{Moments, Rows};
use logreg_loss::Data;
use logreg_optim::{HessianOperator, Objective, OptimError};

use crate::ModelError;
use nalgebra::{DMatrix, DVector};

/// How far from the identity a change of variables must be to be worth making: columns already
/// about standardized (|μ| ≤ 0.1σ and σ within 10% of 1, everywhere) are solved as they are, bit
/// for bit — a scaling that close changes the conditioning by nothing a solver notices.
const IDENTITY_TOLERANCE: f64 = 0.1;
/// Rows the means and deviations are estimated from: any scaling gives the same optimum, so an
/// evenly spaced sample of the rows serves as well as all of them, at a negligible cost.
const SAMPLE_ROWS: usize = 10_000;

/// A centring and scaling of the parameters: `shift` (μ) and `scale` (1/σ) per feature, for
/// `classes` blocks of d features (plus an intercept each when `intercept`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scaling {
    shift: Vec<f64>,
    scale: Vec<f64>,
    intercept: bool,
    classes: usize,
}

impl Scaling {
    /// The scaling for the rows `rows` of `x` (on every rank of `world`: the moments of every
    /// rank's rows), or `None` when the columns are already centred and scaled (or the problem
    /// has no intercept to absorb a shift and unit scales). Constant columns are left alone
    /// (scaling them would divide by zero, centring them would only move their
    /// non-identifiable weight onto the intercept).
    pub(crate) fn for_design(
        x: Data<'_>,
        rows: Rows<'_>,
        intercept: bool,
        classes: usize,
        l2: f64,
        world: &dyn Collective,
    ) -> Result<Option<Scaling>, ModelError> {
        let n = rows.len();
        let (local, counted) = if n > SAMPLE_ROWS {
            let sample: Vec<usize> = (0..SAMPLE_ROWS)
                .map(|k| rows.row_at(k * n / SAMPLE_ROWS))
                .collect();
            (
                x.column_moments(Rows::new(Some(&sample), x.n_rows())?, None)?,
                SAMPLE_ROWS,
            )
        } else {
            (x.column_moments(rows, None)?, n)
        };
        // With several ranks, every rank's (sampled) moments, so that every rank scales alike.
        let m = if world.size() == 1 {
            local
        } else {
            merge_moments(world, counted, local)?
        };
        let d = m.mean.len();
        let mut shift = vec![0.0; d];
        let mut scale = vec![1.0; d];
        // Standardized data (every column centred with unit spread) is left alone.
        let mut identity = true;
        for j in 0..d {
            let sd = m.var[j].sqrt();
            if !(sd.is_finite() && sd > 0.0) {
                continue;
            }
            // Only tiny relative spreads are treated as constant: a column of 1e6 ± 1 is not.
            if sd <= 1e-12 * m.mean[j].abs() {
                continue;
            }
            if intercept {
                shift[j] = m.mean[j];
            }
            identity &= shift[j].abs() / sd <= IDENTITY_TOLERANCE
                && (1.0 / sd - 1.0).abs() <= IDENTITY_TOLERANCE;
            // Each column's curvature at zero is about var/4 from the loss plus λ from the
            // penalty, and the scaling multiplies it by scale². Balancing the sum, not the loss's
            // share alone, keeps a rare sparse column (variance far below 4λ) from turning its
            // penalty into the stiffest direction of the problem. Without a penalty it is 1/sd.
            scale[j] = 1.0 / (m.var[j] + 4.0 * l2).sqrt();
        }
        Ok((!identity).then_some(Scaling {
            shift,
            scale,
            intercept,
            classes,
        }))
    }

    fn d(&self) -> usize {
        self.shift.len()
    }

    fn per_class(&self) -> usize {
        self.d() + usize::from(self.intercept)
    }

    /// θ = Tθ′.
    pub(crate) fn to_original(&self, theta: &DVector<f64>) -> DVector<f64> {
        let (d, p) = (self.d(), self.per_class());
        let mut out = theta.clone();
        for c in 0..self.classes {
            let block = &mut out.as_mut_slice()[c * p..(c + 1) * p];
            let mut moved = 0.0;
            for ((w, s), mu) in block[..d].iter_mut().zip(&self.scale).zip(&self.shift) {
                *w *= s;
                moved += mu * *w;
            }
            if self.intercept {
                block[d] -= moved;
            }
        }
        out
    }

    /// θ′ = T⁻¹θ: w′ = σ ⊙ w, b′ = b + Σ μⱼwⱼ.
    pub(crate) fn to_scaled(&self, theta: &DVector<f64>) -> DVector<f64> {
        let (d, p) = (self.d(), self.per_class());
        let mut out = theta.clone();
        for c in 0..self.classes {
            let block = &mut out.as_mut_slice()[c * p..(c + 1) * p];
            let moved: f64 = block[..d]
                .iter()
                .zip(&self.shift)
                .map(|(w, mu)| mu * w)
                .sum();
            if self.intercept {
                block[d] += moved;
            }
            for (w, s) in block[..d].iter_mut().zip(&self.scale) {
                *w /= s;
            }
        }
        out
    }

    /// The weights of an L1 term on θ seen on θ′: |wⱼ| = sⱼ|w′ⱼ|, so λⱼ becomes λⱼsⱼ (the shift
    /// only moves intercepts, which carry no L1 weight).
    pub(crate) fn l1_weights(&self, weights: &[f64]) -> Vec<f64> {
        let (d, p) = (self.d(), self.per_class());
        weights
            .iter()
            .enumerate()
            .map(|(i, &l)| {
                let j = i % p;
                if j < d {
                    l * self.scale[j]
                } else {
                    l
                }
            })
            .collect()
    }

    /// Tᵀg: g′ⱼ = sⱼ(gⱼ − μⱼ g_b), g′_b = g_b.
    fn gradient_to_scaled(&self, g: &mut DVector<f64>) {
        let (d, p) = (self.d(), self.per_class());
        for c in 0..self.classes {
            let block = &mut g.as_mut_slice()[c * p..(c + 1) * p];
            let gb = if self.intercept { block[d] } else { 0.0 };
            for ((g, s), mu) in block[..d].iter_mut().zip(&self.scale).zip(&self.shift) {
                *g = s * (*g - mu * gb);
            }
        }
    }

    /// T as a dense matrix (for the formed Hessian, Tᵀ H T).
    fn matrix(&self) -> DMatrix<f64> {
        let n = self.classes * self.per_class();
        let mut t = DMatrix::identity(n, n);
        for k in 0..n {
            let e = DVector::from_fn(n, |i, _| f64::from(u8::from(i == k)));
            t.set_column(k, &self.to_original(&e));
        }
        t
    }
}

/// Every rank's column moments (`n` rows each) merged into those of all the rows: each rank's
/// count, means and variances are gathered and combined in rank order by Chan, Golub and
/// LeVeque's pairwise update (means and centred sums, never raw sums of squares), the same on
/// every rank.
fn merge_moments(world: &dyn Collective, n: usize, local: Moments) -> Result<Moments, ModelError> {
    let d = local.mean.len();
    let mut mine = Vec::with_capacity(1 + 2 * d);
    mine.push(n as f64);
    mine.extend_from_slice(&local.mean);
    mine.extend_from_slice(&local.var);
    let (mut total, mut mean, mut m2) = (0.0, vec![0.0; d], vec![0.0; d]);
    for theirs in all_gather_f64(world, &mine)? {
        let (nb, rest) = theirs.split_first().unwrap_or((&0.0, &[]));
        if *nb == 0.0 || rest.len() != 2 * d {
            continue;
        }
        let (mb, vb) = rest.split_at(d);
        if total == 0.0 {
            mean.copy_from_slice(mb);
            m2 = vb.iter().map(|v| v * nb).collect();
            total = *nb;
            continue;
        }
        let merged = total + nb;
        for j in 0..d {
            let delta = mb[j] - mean[j];
            mean[j] += delta * nb / merged;
            m2[j] += vb[j] * nb + delta * delta * total * nb / merged;
        }
        total = merged;
    }
    let var = m2.iter().map(|s| (s / total.max(1.0)).max(0.0)).collect();
    Ok(Moments { mean, var })
}

/// An objective seen through a [`Scaling`]: the solver's parameters are θ′, the inner objective
/// sees θ = Tθ′.
pub(crate) struct Preconditioned<'f> {
    pub(crate) inner: &'f dyn Objective,
    pub(crate) scaling: Scaling,
}

impl Objective for Preconditioned<'_> {
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn value_grad(&self, x: &DVector<f64>, grad: &mut DVector<f64>) -> Result<f64, OptimError> {
        let v = self.inner.value_grad(&self.scaling.to_original(x), grad)?;
        self.scaling.gradient_to_scaled(grad);
        Ok(v)
    }

    fn hessian(&self, x: &DVector<f64>) -> Result<DMatrix<f64>, OptimError> {
        let h = self.inner.hessian(&self.scaling.to_original(x))?;
        let t = self.scaling.matrix();
        Ok(t.transpose() * h * t)
    }

    fn hessian_operator<'s>(
        &'s self,
        x: &DVector<f64>,
    ) -> Result<Box<dyn HessianOperator + 's>, OptimError> {
        let inner = self.inner.hessian_operator(&self.scaling.to_original(x))?;
        Ok(Box::new(ScaledOperator {
            inner,
            scaling: &self.scaling,
        }))
    }

    fn n_samples(&self) -> Option<usize> {
        self.inner.n_samples()
    }

    fn value_grad_batch(
        &self,
        x: &DVector<f64>,
        rows: &[usize],
        grad: &mut DVector<f64>,
    ) -> Result<f64, OptimError> {
        let v = self
            .inner
            .value_grad_batch(&self.scaling.to_original(x), rows, grad)?;
        self.scaling.gradient_to_scaled(grad);
        Ok(v)
    }
}

/// Tᵀ H T v.
struct ScaledOperator<'s> {
    inner: Box<dyn HessianOperator + 's>,
    scaling: &'s Scaling,
}

impl HessianOperator for ScaledOperator<'_> {
    fn apply(&self, v: &DVector<f64>, out: &mut DVector<f64>) -> Result<(), OptimError> {
        self.inner.apply(&self.scaling.to_original(v), out)?;
        self.scaling.gradient_to_scaled(out);
        Ok(())
    }

    /// diag(TᵀHT): column j of T is sⱼ(eⱼ − μⱼe_b), so the entry is
    /// sⱼ²(Hⱼⱼ − 2μⱼH_jb + μⱼ²H_bb), with H's intercept column from one product per class.
    fn diagonal(&self) -> Result<Option<DVector<f64>>, OptimError> {
        let Some(mut diag) = self.inner.diagonal()? else {
            return Ok(None);
        };
        let sc = self.scaling;
        let (d, p) = (sc.d(), sc.per_class());
        let mut column = DVector::zeros(diag.len());
        for c in 0..sc.classes {
            let hb = if sc.intercept {
                let e = DVector::from_fn(diag.len(), |i, _| f64::from(u8::from(i == c * p + d)));
                self.inner.apply(&e, &mut column)?;
                Some(column.as_slice()[c * p..(c + 1) * p].to_vec())
            } else {
                None
            };
            let block = &mut diag.as_mut_slice()[c * p..(c + 1) * p];
            let hbb = if sc.intercept { block[d] } else { 0.0 };
            for j in 0..d {
                let (s, mu) = (sc.scale[j], sc.shift[j]);
                let hjb = hb.as_ref().map_or(0.0, |h| h[j]);
                block[j] = s * s * (block[j] - 2.0 * mu * hjb + mu * mu * hbb);
            }
        }
        Ok(Some(diag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logreg_linalg_core::{Dense, Design};

    fn scaling(intercept: bool) -> Scaling {
        let x = Design::from(
            Dense::new(
                vec![
                    1.0, 100.0, 5.0, 3.0, 300.0, 5.0, 2.0, 250.0, 5.0, 6.0, 120.0, 5.0,
                ],
                4,
                3,
            )
            .unwrap(),
        );
        Scaling::for_design(
            Data::Memory(&x),
            x.all_rows(),
            intercept,
            2,
            0.0,
            &logreg_collective::Local,
        )
        .unwrap()
        .unwrap()
    }

    #[test]
    fn the_maps_are_inverse_and_the_constant_column_is_left_alone() {
        for intercept in [true, false] {
            let s = scaling(intercept);
            assert_eq!((s.shift[2], s.scale[2]), (0.0, 1.0));
            let n = 2 * (3 + usize::from(intercept));
            let theta = DVector::from_fn(n, |i, _| i as f64 * 0.37 - 1.0);
            let back = s.to_scaled(&s.to_original(&theta));
            assert!((back - &theta).amax() < 1e-12);
            // Tᵀ as a matrix is what the gradient map applies.
            let mut g = theta.clone();
            s.gradient_to_scaled(&mut g);
            assert!((s.matrix().transpose() * &theta - g).amax() < 1e-12);
        }
    }

    #[test]
    fn standardized_columns_need_no_change_of_variables() {
        let x = Design::from(Dense::new(vec![-1.0, 1.0, 1.0, -1.0], 2, 2).unwrap());
        assert_eq!(
            Scaling::for_design(
                Data::Memory(&x),
                x.all_rows(),
                true,
                1,
                0.0,
                &logreg_collective::Local
            )
            .unwrap(),
            None
        );
    }
}
