//! Coordinate-descent Newton as a step of `optim`'s driver: the working set, the inner sweeps
//! and the line search of each outer iteration.

use super::hessian::gram_cost;
use super::model::{slots, Model};
use super::*;
use logreg_optim::{soft_threshold, Objective, Point, Step, StepResult, Stop};

/// Coordinate-descent Newton as a step of `optim`'s driver, on the objective
/// `L1Penalized(loss, l1)`: points carry the full objective and its minimum-norm subgradient.
pub(crate) struct CdStep<'l, 'a, 'c> {
    glm: Glm<'l, 'a>,
    l1: Vec<f64>,
    curvature: &'c Curvature,
    /// ∇ of the smooth part at the current point.
    grad: DVector<f64>,
    /// Coordinates the first outer iteration may move besides the nonzero ones and the violators
    /// (a path's strong-rule screen).
    screen: Option<Vec<bool>>,
    /// Rows the loss sums over, on every rank: the shrinking thresholds scale with it, and
    /// every rank must take the same decisions.
    n_rows: f64,
    /// Inner sweeps, over every outer iteration.
    pub(crate) sweeps: usize,
    /// Whether the last outer iteration formed the working set's Hessian (column models).
    prefer_gram: bool,
    /// A binary column model's logits at the current point, moved along by each step's Xδ (one
    /// pass over the columns δ touches, not over X) for the next model's curvatures; empty for
    /// the other models.
    logits: Vec<f64>,
    /// The smooth part as the driver evaluates it: its gradient at the start is taken from there.
    smooth: &'c KeptGradient<'c>,
}

/// An objective that keeps the gradient of its last evaluation, so that coordinate descent's
/// start reuses the driver's evaluation of the smooth part instead of making a pass of its own.
pub(crate) struct KeptGradient<'o> {
    inner: &'o dyn Objective,
    last: std::cell::RefCell<Option<(DVector<f64>, DVector<f64>)>>,
}

impl<'o> KeptGradient<'o> {
    pub(crate) fn new(inner: &'o dyn Objective) -> Self {
        KeptGradient {
            inner,
            last: std::cell::RefCell::new(None),
        }
    }

    /// The gradient kept from an evaluation at exactly `x`, if that was the last one.
    fn take_at(&self, x: &DVector<f64>) -> Option<DVector<f64>> {
        let mut last = self.last.borrow_mut();
        match last.take() {
            Some((at, g)) if at == *x => Some(g),
            _ => None,
        }
    }
}

impl Objective for KeptGradient<'_> {
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn value_grad(&self, x: &DVector<f64>, grad: &mut DVector<f64>) -> Result<f64, OptimError> {
        let v = self.inner.value_grad(x, grad)?;
        *self.last.borrow_mut() = Some((x.clone(), grad.clone()));
        Ok(v)
    }
}

impl<'l, 'a, 'c> CdStep<'l, 'a, 'c> {
    pub(crate) fn new(
        glm: Glm<'l, 'a>,
        l1: Vec<f64>,
        curvature: &'c Curvature,
        screen: Option<Vec<bool>>,
        n_rows: usize,
        smooth: &'c KeptGradient<'c>,
    ) -> Self {
        CdStep {
            smooth,
            glm,
            l1,
            curvature,
            grad: DVector::zeros(0),
            screen,
            n_rows: n_rows as f64,
            sweeps: 0,
            prefer_gram: false,
            logits: Vec::new(),
        }
    }

    fn l1_value(&self, x: &DVector<f64>) -> f64 {
        self.l1.iter().zip(x.iter()).map(|(l, v)| l * v.abs()).sum()
    }

    fn subgradient(&self, x: &DVector<f64>, g: &DVector<f64>) -> DVector<f64> {
        DVector::from_fn(x.len(), |j, _| {
            let l = self.l1[j];
            if x[j] > 0.0 {
                g[j] + l
            } else if x[j] < 0.0 {
                g[j] - l
            } else {
                soft_threshold(g[j], l)
            }
        })
    }

    /// Copies the columns the coordinates `coords` read, where the curvature comes from
    /// sparse columns copied as needed.
    fn ensure_columns(&self, coords: &[usize]) {
        if let (Curvature::Columns(cols), Data::Memory(x)) = (self.curvature, self.glm.data()) {
            let glm = self.glm;
            cols.ensure(
                x,
                glm.rows(),
                coords.iter().filter_map(|&c| glm.column_of(c)),
            );
        }
    }

    /// The quadratic model at θ over the working set (coordinates in increasing order).
    fn model(&self, theta: &DVector<f64>, working: &[usize]) -> Result<Model<'c>, ModelError> {
        Ok(match self.curvature {
            Curvature::Gram => {
                let full = self.glm.hessian(theta)?;
                let m = working.len();
                Model::Gram {
                    h: DMatrix::from_fn(m, m, |a, b| full[(working[a], working[b])]),
                    hd: vec![0.0; m],
                    slot: slots(theta.len(), working),
                }
            }
            Curvature::Columns(cols) => match self.glm {
                Glm::Binary(loss) => {
                    let s = loss.weight_sum();
                    let d: Vec<f64> = if self.logits.is_empty() {
                        loss.curvatures(theta)?.iter().map(|c| c / s).collect()
                    } else {
                        let mut d = self.logits.clone();
                        logreg_linalg_core::sigmoid_curvature_in_place(&mut d);
                        for (pos, di) in d.iter_mut().enumerate() {
                            *di *= loss.weight(pos) / s;
                        }
                        d
                    };
                    let n = d.len();
                    let mut model = Model::Binary {
                        cols,
                        d,
                        q: vec![0.0; n],
                        l2: loss.l2(),
                        n_features: loss.n_features(),
                        delta: vec![0.0; theta.len()],
                        gram: gram_cost(cols, working, loss.n_features()),
                    };
                    if self.prefer_gram {
                        // The last outer iteration needed the Hessian: form it now unless it
                        // costs more than GRAM_SWEEPS sweeps.
                        let sweep: usize = working.iter().map(|&c| model.coord_cost(c)).sum();
                        model.form_gram(working, sweep.saturating_mul(GRAM_SWEEPS));
                    }
                    model
                }
                Glm::Multinomial(loss) => {
                    let k = loss.n_classes();
                    let z = loss.logits(theta)?;
                    let n = z.nrows();
                    let mut p = vec![0.0; n * k];
                    for i in 0..n {
                        let row = z.row(i);
                        let mx = row.max();
                        let mut sum = 0.0;
                        for c in 0..k {
                            let e = (row[c] - mx).exp();
                            p[i * k + c] = e;
                            sum += e;
                        }
                        for c in 0..k {
                            p[i * k + c] /= sum;
                        }
                    }
                    let s = loss.weight_sum();
                    let w = (0..n).map(|i| loss.weight(i) / s).collect();
                    Model::Multi {
                        cols,
                        p,
                        w,
                        q: vec![0.0; n * k],
                        m: vec![0.0; n],
                        k,
                        l2: loss.l2(),
                        per_class: loss.params_per_class(),
                        n_features: loss.design().n_cols(),
                        delta: vec![0.0; theta.len()],
                    }
                }
            },
        })
    }
}

impl Step for CdStep<'_, '_, '_> {
    fn name(&self) -> &'static str {
        "coordinate-descent"
    }

    fn init(&mut self, _f: &dyn Objective, start: &Point) -> Result<(), OptimError> {
        self.grad = match self.smooth.take_at(&start.x) {
            Some(g) => g,
            None => {
                let mut g = DVector::zeros(start.x.len());
                self.glm.value_grad(&start.x, &mut g).map_err(to_optim)?;
                g
            }
        };
        if let (Curvature::Columns(cols), Glm::Binary(loss)) = (self.curvature, self.glm) {
            // From the columns of the nonzero coefficients (none at the null-model start), not
            // a pass over the rows; the coordinates that are not zero are in every working set.
            let nonzero: Vec<usize> = (0..start.x.len()).filter(|&j| start.x[j] != 0.0).collect();
            self.ensure_columns(&nonzero);
            let mut z = cols.times(start.x.as_slice(), loss.n_features());
            if loss.has_offset() {
                for (pos, zi) in z.iter_mut().enumerate() {
                    *zi += loss.offset(pos);
                }
            }
            self.logits = z;
        }
        Ok(())
    }

    fn step(&mut self, _f: &dyn Objective, cur: &Point) -> Result<StepResult, OptimError> {
        self.outer(cur).map_err(to_optim)
    }
}

/// A model error carried through the driver (turned back by `ModelError::from`).
fn to_optim(e: ModelError) -> OptimError {
    match e {
        ModelError::Optim(o) => o,
        ModelError::Loss(l) => OptimError::Evaluation(logreg_optim::EvaluationError::new(l)),
        other => OptimError::Evaluation(logreg_optim::EvaluationError::new(CdError(
            other.to_string(),
        ))),
    }
}

/// Any other model error inside a coordinate-descent step, as text.
#[derive(Debug)]
struct CdError(String);

impl std::fmt::Display for CdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CdError {}

impl CdStep<'_, '_, '_> {
    fn outer(&mut self, cur: &Point) -> Result<StepResult, ModelError> {
        let theta = &cur.x;
        let p = theta.len();
        let g = self.grad.clone();
        let n = self.n_rows;
        let m_out = cur.grad.amax();
        // The working set: unpenalized and nonzero coordinates, and zero ones near violation.
        let screen = self.screen.take();
        let working: Vec<usize> = (0..p)
            .filter(|&j| {
                let l = self.l1[j];
                l == 0.0
                    || theta[j] != 0.0
                    || g[j].abs() >= l - m_out / n
                    || screen.as_ref().is_some_and(|s| s[j])
            })
            .collect();
        self.ensure_columns(&working);
        let mut model = self.model(theta, &working)?;

        let mut diag = vec![0.0; p];
        let mut top = 0.0_f64;
        for &j in &working {
            diag[j] = model.diag(j);
            top = top.max(diag[j]);
        }
        // newGLMNET's ν keeps every coordinate's curvature positive.
        let nu = 1e-12 * top.max(f64::MIN_POSITIVE);
        for &j in &working {
            diag[j] += nu;
        }
        // Inner sweeps to a forcing tolerance that tightens as the outer iterations converge.
        let eta = (m_out.sqrt()).min(0.1);
        let inner_tol = eta * m_out;
        let mut delta = vec![0.0; p];
        let mut active = working.clone();
        let mut m_in_prev = f64::INFINITY;
        let mut spent = 0usize;
        for _ in 0..MAX_SWEEPS {
            self.sweeps += 1;
            let mut m_in = 0.0_f64;
            let mut support_moved = false;
            spent += active.iter().map(|&j| model.coord_cost(j)).sum::<usize>();

            let mut keep = Vec::with_capacity(active.len());
            for &j in &active {
                let a = diag[j];
                if a.is_nan() || a <= 0.0 {
                    continue;
                }
                let b = g[j] + model.h_delta(j);
                let l = self.l1[j];
                let u = theta[j] + delta[j];
                let violation = if u > 0.0 {
                    (b + l).abs()
                } else if u < 0.0 {
                    (b - l).abs()
                } else {
                    (b.abs() - l).max(0.0)
                };
                m_in = m_in.max(violation);
                // Inner shrinking: a zero coordinate well inside its optimality band sits out
                // the following sweeps (it is looked at again before the inner loop ends).
                if u == 0.0 && l > 0.0 && b.abs() < l - m_in_prev / n {
                    continue;
                }
                keep.push(j);
                let new = if l > 0.0 {
                    // A zero coefficient whose gradient sits on the edge of its band (|b| = λ up
                    // to rounding, as every one does at exactly C_min) stays zero.
                    if u == 0.0 && b.abs() <= l * (1.0 + ROUNDING_BAND) {
                        0.0
                    } else {
                        soft_threshold(u - b / a, l / a)
                    }
                } else {
                    u - b / a
                };
                let t = new - u;
                if t != 0.0 && t.is_finite() {
                    support_moved |= (u == 0.0) != (new == 0.0);
                    delta[j] += t;
                    model.update(j, t);
                }
            }
            m_in_prev = m_in;
            if m_in <= inner_tol {
                if active.len() == working.len() {
                    break;
                }
                active = working.clone();
                m_in_prev = f64::INFINITY;
            } else {
                active = keep;
                if model.form_gram(&working, spent) {
                    self.prefer_gram = true;
                }
                // Once a sweep leaves the support alone, solve the model on it outright.
                if !support_moved {
                    model.face_newton(&g, theta, &mut delta, &self.l1, &working, nu);
                }
            }
        }
        let x_delta = match (self.curvature, self.logits.is_empty()) {
            (Curvature::Columns(cols), false) => cols.times(&delta, self.glm.data().n_cols()),
            _ => Vec::new(),
        };
        let delta = DVector::from_vec(delta);
        let f0 = cur.value;
        // Δ coordinate by coordinate: near the optimum it is far below the rounding of ‖θ‖₁,
        // and the difference of two L1 norms would leave only that rounding (any sign), ending
        // the fit early wherever the path happens to land.
        let model_decrease: f64 = (0..p)
            .map(|j| {
                let l1_change = (theta[j] + delta[j]).abs() - theta[j].abs();
                g[j] * delta[j] + self.l1[j] * l1_change
            })
            .sum();
        let noise = VALUE_NOISE * f0.abs();
        if model_decrease.is_nan() || model_decrease >= 0.0 || delta.iter().all(|&v| v == 0.0) {
            return Ok(StepResult::Finished {
                point: cur.clone(),
                inner: 1,
                stop: Stop::Stationary,
            });
        }
        let mut alpha = 1.0;
        for _ in 0..MAX_HALVINGS {
            let x = theta + alpha * &delta;
            let mut gx = DVector::zeros(p);
            let v = self.glm.value_grad(&x, &mut gx)?;
            let value = v + self.l1_value(&x);
            if value.is_finite() {
                let sub = self.subgradient(&x, &gx);
                let sub_norm = sub.norm();
                let armijo = value - f0 <= SIGMA * alpha * model_decrease;
                let flat_but_closer = value <= f0 + noise && sub_norm < cur.grad_norm;
                if armijo || flat_but_closer {
                    self.grad = gx;
                    for (z, xd) in self.logits.iter_mut().zip(&x_delta) {
                        *z += alpha * xd;
                    }
                    return Ok(StepResult::Moved {
                        point: Point {
                            x,
                            value,
                            grad: sub,
                            grad_norm: sub_norm,
                        },
                        inner: 1,
                    });
                }
            }
            alpha *= 0.5;
        }
        if -model_decrease <= STATIONARY_NOISE * noise {
            return Ok(StepResult::Finished {
                point: cur.clone(),
                inner: 1,
                stop: Stop::Stationary,
            });
        }
        Ok(StepResult::Stalled)
    }
}
