//! The quadratic model of one outer iteration: its curvature coordinate by coordinate, from a
//! formed Hessian or from columns, and the exact solve on the support.

use super::columns::Columns;
use super::hessian::working_gram;
use super::PAIRS_PER_READ;
use nalgebra::{DMatrix, DVector};

/// The quadratic model's curvature at the current point, coordinate by coordinate.
pub(super) enum Model<'c> {
    /// H restricted to the working set W: coordinate c is row `slot[c]` of `h`; `hd` = (Hδ)_W.
    Gram {
        h: DMatrix<f64>,
        hd: Vec<f64>,
        slot: Vec<usize>,
    },
    /// Binary, from columns: D = curvatures / S, q = Xδ (per pass position); `gram` what
    /// forming the working set's Hessian would cost ([`gram_cost`]).
    Binary {
        cols: &'c Columns,
        d: Vec<f64>,
        q: Vec<f64>,
        l2: f64,
        n_features: usize,
        delta: Vec<f64>,
        gram: Option<(usize, Vec<u32>)>,
    },
    /// Multinomial, from columns: P (n × K, row-major), w = sᵢ/S, q = XΔ (n × K), m = Σₖ pₖqₖ.
    Multi {
        cols: &'c Columns,
        p: Vec<f64>,
        w: Vec<f64>,
        q: Vec<f64>,
        m: Vec<f64>,
        k: usize,
        l2: f64,
        per_class: usize,
        n_features: usize,
        delta: Vec<f64>,
    },
}

impl Model<'_> {
    /// (H + νI)_cc without ν.
    pub(super) fn diag(&self, c: usize) -> f64 {
        match self {
            Model::Gram { h, slot, .. } => h[(slot[c], slot[c])],
            Model::Binary {
                cols,
                d,
                l2,
                n_features,
                ..
            } => {
                if c == *n_features {
                    d.iter().sum()
                } else {
                    let mut s = 0.0;
                    cols.visit(c, |i, x| s += d[i] * x * x);
                    s + l2
                }
            }
            Model::Multi {
                cols,
                p,
                w,
                k,
                l2,
                per_class,
                n_features,
                ..
            } => {
                let (class, j) = (c / per_class, c % per_class);
                let curv = |i: usize| {
                    let pi = p[i * k + class];
                    w[i] * pi * (1.0 - pi)
                };
                if j == *n_features {
                    (0..w.len()).map(curv).sum()
                } else {
                    let mut s = 0.0;
                    cols.visit(j, |i, x| s += curv(i) * x * x);
                    s + l2
                }
            }
        }
    }

    /// (Hδ)_c.
    pub(super) fn h_delta(&self, c: usize) -> f64 {
        match self {
            Model::Gram { hd, slot, .. } => hd[slot[c]],
            Model::Binary {
                cols,
                d,
                q,
                l2,
                n_features,
                delta,
                ..
            } => {
                if c == *n_features {
                    d.iter().zip(q).map(|(a, b)| a * b).sum()
                } else {
                    let mut s = 0.0;
                    cols.visit(c, |i, x| s += x * d[i] * q[i]);
                    s + l2 * delta[c]
                }
            }
            Model::Multi {
                cols,
                p,
                w,
                q,
                m,
                k,
                l2,
                per_class,
                n_features,
                delta,
            } => {
                let (class, j) = (c / per_class, c % per_class);
                let r = |i: usize| w[i] * p[i * k + class] * (q[i * k + class] - m[i]);
                if j == *n_features {
                    (0..w.len()).map(r).sum()
                } else {
                    let mut s = 0.0;
                    cols.visit(j, |i, x| s += x * r(i));
                    s + l2 * delta[c]
                }
            }
        }
    }

    /// On a formed Hessian, the exact minimizer of the model on the current face — the coordinates
    /// of W that are nonzero or unpenalized, with their signs held — by one Cholesky solve, cut
    /// back to the first coordinate that would cross zero (which lands on 0 exactly). Along that
    /// segment the model decreases, so the step only helps the sweeps; it is what makes the inner
    /// problem cheap to solve exactly when coordinates are strongly correlated. `false` when
    /// nothing moved (no Hessian, an empty face, or a face matrix that is not positive definite).
    pub(super) fn face_newton(
        &mut self,
        g: &DVector<f64>,
        theta: &DVector<f64>,
        delta: &mut [f64],
        l1: &[f64],
        working: &[usize],
        nu: f64,
    ) -> bool {
        let Model::Gram { h, hd, slot } = self else {
            return false;
        };
        let face: Vec<usize> = working
            .iter()
            .copied()
            .filter(|&j| l1[j] == 0.0 || theta[j] + delta[j] != 0.0)
            .collect();
        let k = face.len();
        if k == 0 {
            return false;
        }
        let r = DVector::from_fn(k, |a, _| {
            let j = face[a];
            let u = theta[j] + delta[j];
            g[j] + hd[slot[j]] + if l1[j] > 0.0 { l1[j] * u.signum() } else { 0.0 }
        });
        let hf = DMatrix::from_fn(k, k, |a, b| {
            h[(slot[face[a]], slot[face[b]])] + if a == b { nu } else { 0.0 }
        });
        let Some(chol) = hf.cholesky() else {
            return false;
        };
        let step = -chol.solve(&r);
        if !step.iter().all(|v| v.is_finite()) {
            return false;
        }
        let mut alpha = 1.0_f64;
        for (a, &j) in face.iter().enumerate() {
            let u = theta[j] + delta[j];
            if l1[j] > 0.0 && (u + step[a]) * u <= 0.0 {
                alpha = alpha.min(-u / step[a]);
            }
        }
        if alpha.is_nan() || alpha <= 0.0 {
            return false;
        }
        let mut moved = false;
        for (a, &j) in face.iter().enumerate() {
            let u = theta[j] + delta[j];
            let blocked = l1[j] > 0.0 && (u + step[a]) * u <= 0.0 && -u / step[a] <= alpha;
            let t = if blocked { -u } else { alpha * step[a] };
            if t != 0.0 {
                delta[j] += t;
                moved = true;
                for (hdi, hij) in hd.iter_mut().zip(h.column(slot[j]).iter()) {
                    *hdi += t * hij;
                }
            }
        }
        moved
    }

    /// Reads of stored values one coordinate step costs (0 on a formed Hessian, where a step
    /// costs |W| operations).
    pub(super) fn coord_cost(&self, c: usize) -> usize {
        match self {
            Model::Binary {
                cols,
                n_features,
                d,
                ..
            } => {
                2 * if c == *n_features {
                    d.len()
                } else {
                    cols.stored(c)
                }
            }
            _ => 0,
        }
    }

    /// A column model turns into one on the working set's formed Hessian (keeping δ) once the
    /// sweeps have spent what forming it costs (`spent` reads; ski rental: at most twice the
    /// better of the two); `true` when it did.
    pub(super) fn form_gram(&mut self, working: &[usize], spent: usize) -> bool {
        let Model::Binary {
            cols,
            d,
            l2,
            n_features,
            delta,
            gram: Some((pairs, per_row)),
            ..
        } = self
        else {
            return false;
        };
        if spent.saturating_mul(PAIRS_PER_READ) < *pairs {
            return false;
        }
        let h = working_gram(cols, d, working, *n_features, *l2, per_row);
        let dw = DVector::from_iterator(working.len(), working.iter().map(|&c| delta[c]));
        let hd = (&h * dw).as_slice().to_vec();
        *self = Model::Gram {
            h,
            hd,
            slot: slots(delta.len(), working),
        };
        true
    }

    /// δ_c += t, keeping the model's products up to date.
    pub(super) fn update(&mut self, c: usize, t: f64) {
        match self {
            Model::Gram { h, hd, slot } => {
                for (hdi, hic) in hd.iter_mut().zip(h.column(slot[c]).iter()) {
                    *hdi += t * hic;
                }
            }
            Model::Binary {
                cols,
                q,
                n_features,
                delta,
                ..
            } => {
                delta[c] += t;
                if c == *n_features {
                    for qi in q.iter_mut() {
                        *qi += t;
                    }
                } else {
                    cols.visit(c, |i, x| q[i] += t * x);
                }
            }
            Model::Multi {
                cols,
                p,
                q,
                m,
                k,
                per_class,
                n_features,
                delta,
                ..
            } => {
                delta[c] += t;
                let (class, j) = (c / *per_class, c % *per_class);
                let k = *k;
                if j == *n_features {
                    for i in 0..m.len() {
                        q[i * k + class] += t;
                        m[i] += p[i * k + class] * t;
                    }
                } else {
                    cols.visit(j, |i, x| {
                        q[i * k + class] += t * x;
                        m[i] += p[i * k + class] * t * x;
                    });
                }
            }
        }
    }
}

/// `slot[c]` = c's position in `working` (`usize::MAX` outside it), for `p` coordinates.
pub(super) fn slots(p: usize, working: &[usize]) -> Vec<usize> {
    let mut slot = vec![usize::MAX; p];
    for (k, &c) in working.iter().enumerate() {
        slot[c] = k;
    }
    slot
}
