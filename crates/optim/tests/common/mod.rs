//! Test problems shared by the integration tests: objectives with known minimizers, a logistic
//! regression written from scratch (the crate itself knows nothing about it), and data.
#![allow(dead_code)] // each test binary uses its own subset

use logreg_optim::Objective;
use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The test problems cannot fail, so they are written without `Result`s; [`objective!`] adapts
/// them to [`Objective`].
pub(crate) trait Smooth {
    fn dim_(&self) -> usize;
    fn f(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64;
    fn h(&self, _x: &DVector<f64>) -> Option<DMatrix<f64>> {
        None
    }
    /// The mini-batch side, for problems that have one.
    fn batches(&self) -> Option<&dyn Batches> {
        None
    }
}

/// An average over samples that can be evaluated on a subset.
pub(crate) trait Batches {
    fn n_samples_(&self) -> usize;
    fn fb(&self, x: &DVector<f64>, rows: &[usize], g: &mut DVector<f64>) -> f64;
}

/// A formed Hessian as an operator (for Newton-CG on the test problems).
pub(crate) struct DenseHessian(pub DMatrix<f64>);

impl logreg_optim::HessianOperator for DenseHessian {
    fn apply(
        &self,
        v: &DVector<f64>,
        out: &mut DVector<f64>,
    ) -> Result<(), logreg_optim::OptimError> {
        out.copy_from(&(&self.0 * v));
        Ok(())
    }
}

/// `impl Objective` for test problems written as [`Smooth`].
#[macro_export]
macro_rules! objective {
    ($($t:ty),*) => {$(
        impl logreg_optim::Objective for $t {
            fn dim(&self) -> usize {
                $crate::common::Smooth::dim_(self)
            }
            fn value_grad(
                &self,
                x: &nalgebra::DVector<f64>,
                g: &mut nalgebra::DVector<f64>,
            ) -> Result<f64, logreg_optim::OptimError> {
                Ok($crate::common::Smooth::f(self, x, g))
            }
            fn hessian(
                &self,
                x: &nalgebra::DVector<f64>,
            ) -> Result<nalgebra::DMatrix<f64>, logreg_optim::OptimError> {
                $crate::common::Smooth::h(self, x)
                    .ok_or(logreg_optim::OptimError::Unavailable { what: "the Hessian" })
            }
            fn hessian_operator<'s>(
                &'s self,
                x: &nalgebra::DVector<f64>,
            ) -> Result<Box<dyn logreg_optim::HessianOperator + 's>, logreg_optim::OptimError> {
                let h = logreg_optim::Objective::hessian(self, x)?;
                Ok(Box::new($crate::common::DenseHessian(h)))
            }
            fn n_samples(&self) -> Option<usize> {
                $crate::common::Smooth::batches(self).map(|b| b.n_samples_())
            }
            fn value_grad_batch(
                &self,
                x: &nalgebra::DVector<f64>,
                rows: &[usize],
                g: &mut nalgebra::DVector<f64>,
            ) -> Result<f64, logreg_optim::OptimError> {
                match $crate::common::Smooth::batches(self) {
                    Some(b) => Ok(b.fb(x, rows, g)),
                    None => Err(logreg_optim::OptimError::Unavailable {
                        what: "mini-batch evaluations",
                    }),
                }
            }
        }
    )*};
}

/// f(x) = ½xᵀAx − bᵀx with A symmetric positive definite; minimizer A⁻¹b.
#[derive(Debug, Clone)]
pub(crate) struct Quadratic {
    pub a: DMatrix<f64>,
    pub b: DVector<f64>,
}

impl Quadratic {
    /// Diagonal A = diag(eigenvalues) rotated by a fixed orthogonal matrix, so that the problem is
    /// not axis-aligned; b chosen so the minimizer is `minimizer`.
    pub(crate) fn with_spectrum(eigenvalues: &[f64], minimizer: &DVector<f64>) -> Self {
        let n = eigenvalues.len();
        let q = rotation(n);
        let a = &q * DMatrix::from_diagonal(&DVector::from_row_slice(eigenvalues)) * q.transpose();
        let a = 0.5 * (&a + a.transpose());
        let b = &a * minimizer;
        Self { a, b }
    }

    pub(crate) fn minimizer(&self) -> DVector<f64> {
        self.a
            .clone()
            .cholesky()
            .expect("test matrix is SPD")
            .solve(&self.b)
    }
}

/// A fixed, well-spread orthogonal matrix (QR of a deterministic pseudo-random matrix).
pub(crate) fn rotation(n: usize) -> DMatrix<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let m = DMatrix::from_fn(n, n, |_, _| rng.random::<f64>() - 0.5);
    m.qr().q()
}

impl Smooth for Quadratic {
    fn dim_(&self) -> usize {
        self.b.len()
    }
    fn f(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        let ax = &self.a * x;
        g.copy_from(&(&ax - &self.b));
        0.5 * x.dot(&ax) - self.b.dot(x)
    }
    fn h(&self, _x: &DVector<f64>) -> Option<DMatrix<f64>> {
        Some(self.a.clone())
    }
}

/// Rosenbrock's banana f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1).
pub(crate) struct Rosenbrock;

impl Smooth for Rosenbrock {
    fn dim_(&self) -> usize {
        2
    }
    fn f(&self, v: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        let (x, y) = (v[0], v[1]);
        let r = y - x * x;
        g[0] = -2.0 * (1.0 - x) - 400.0 * x * r;
        g[1] = 200.0 * r;
        (1.0 - x).powi(2) + 100.0 * r * r
    }
    fn h(&self, v: &DVector<f64>) -> Option<DMatrix<f64>> {
        let (x, y) = (v[0], v[1]);
        Some(DMatrix::from_row_slice(
            2,
            2,
            &[
                2.0 - 400.0 * y + 1200.0 * x * x,
                -400.0 * x,
                -400.0 * x,
                200.0,
            ],
        ))
    }
}

/// f(x, y) = ½x² + ¼y⁴ − ½y²: minima at (0, ±1), a saddle at the origin, and an indefinite Hessian
/// wherever |y| < 1/√3.
pub(crate) struct DoubleWell;

impl Smooth for DoubleWell {
    fn dim_(&self) -> usize {
        2
    }
    fn f(&self, v: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        let (x, y) = (v[0], v[1]);
        g[0] = x;
        g[1] = y.powi(3) - y;
        0.5 * x * x + 0.25 * y.powi(4) - 0.5 * y * y
    }
    fn h(&self, v: &DVector<f64>) -> Option<DMatrix<f64>> {
        let y = v[1];
        Some(DMatrix::from_row_slice(
            2,
            2,
            &[1.0, 0.0, 0.0, 3.0 * y * y - 1.0],
        ))
    }
}

/// Numerically safe softplus ln(1 + eᶻ).
pub(crate) fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// Numerically safe logistic sigmoid.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Mean logistic loss (1/n)Σ softplus(zᵢ) − yᵢzᵢ, z = Xw, plus (l2/2)‖w‖² over every coordinate but
/// the first (the intercept column of ones).
pub(crate) struct Logistic {
    pub x: DMatrix<f64>,
    pub y: Vec<f64>,
    pub l2: f64,
}

impl Logistic {
    fn penalty_grad(&self, w: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        let mut pen = 0.0;
        for j in 1..w.len() {
            pen += 0.5 * self.l2 * w[j] * w[j];
            g[j] += self.l2 * w[j];
        }
        pen
    }
}

impl Smooth for Logistic {
    fn batches(&self) -> Option<&dyn Batches> {
        Some(self)
    }
    fn dim_(&self) -> usize {
        self.x.ncols()
    }
    fn f(&self, w: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        let rows: Vec<usize> = (0..self.y.len()).collect();
        self.fb(w, &rows, g)
    }
    fn h(&self, w: &DVector<f64>) -> Option<DMatrix<f64>> {
        let n = self.y.len();
        let z = &self.x * w;
        let mut h = DMatrix::zeros(w.len(), w.len());
        for i in 0..n {
            let p = sigmoid(z[i]);
            let row = self.x.row(i).transpose();
            h.ger(p * (1.0 - p) / n as f64, &row, &row, 1.0);
        }
        for j in 1..w.len() {
            h[(j, j)] += self.l2;
        }
        Some(h)
    }
}

impl Batches for Logistic {
    fn n_samples_(&self) -> usize {
        self.y.len()
    }
    fn fb(&self, w: &DVector<f64>, rows: &[usize], g: &mut DVector<f64>) -> f64 {
        g.fill(0.0);
        let mut loss = 0.0;
        let m = rows.len() as f64;
        for &i in rows {
            let row = self.x.row(i);
            let z = row.dot(&w.transpose());
            loss += softplus(z) - self.y[i] * z;
            let r = sigmoid(z) - self.y[i];
            for j in 0..w.len() {
                g[j] += r * row[j] / m;
            }
        }
        loss / m + self.penalty_grad(w, g)
    }
}

/// Standard normal draws by Box–Muller (the crate has no rand_distr).
pub(crate) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// `n` samples with `p` standardized features (plus a leading column of ones) and labels drawn
/// from a logistic model with moderately sized true coefficients: overlapping classes, so the
/// optimum is attained.
pub(crate) fn logistic_data(n: usize, p: usize, seed: u64) -> (DMatrix<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = DMatrix::from_fn(n, p + 1, |_, _| normal(&mut rng));
    standardize(&mut x);
    let w: Vec<f64> = (0..=p).map(|_| normal(&mut rng)).collect();
    let y = (0..n)
        .map(|i| {
            let z: f64 = (0..=p).map(|j| x[(i, j)] * w[j]).sum();
            f64::from(rng.random::<f64>() < sigmoid(z))
        })
        .collect();
    (x, y)
}

/// Centre and scale columns 1.. to mean 0, standard deviation 1, and set column 0 to ones.
pub(crate) fn standardize(x: &mut DMatrix<f64>) {
    let n = x.nrows() as f64;
    for j in 1..x.ncols() {
        let mean = x.column(j).sum() / n;
        let sd = (x.column(j).map(|v| (v - mean).powi(2)).sum() / n).sqrt();
        for i in 0..x.nrows() {
            x[(i, j)] = (x[(i, j)] - mean) / sd;
        }
    }
    x.column_mut(0).fill(1.0);
}

/// The logistic test problem of the brief: 1000 samples, 5 standardized features, tiny L2.
pub(crate) fn logistic_problem() -> Logistic {
    let (x, y) = logistic_data(1000, 5, 7);
    Logistic { x, y, l2: 1e-4 }
}

/// The banknote authentication data (1372 × 4), standardized, with an intercept column, and the
/// L2 penalty scikit-learn's default C = 1 amounts to in the mean form: 1/(C·n).
pub(crate) fn banknote() -> Logistic {
    let text = include_str!("../../../../datasets/banknote.csv");
    let mut rows = Vec::new();
    let mut y = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let v: Vec<f64> = line
            .split(',')
            .map(|s| s.trim().parse().expect("numeric banknote field"))
            .collect();
        rows.push([1.0, v[0], v[1], v[2], v[3]]);
        y.push(v[4]);
    }
    let mut x = DMatrix::from_fn(rows.len(), 5, |i, j| rows[i][j]);
    standardize(&mut x);
    let n = y.len() as f64;
    Logistic { x, y, l2: 1.0 / n }
}

/// Mean least squares (1/n)Σ ½(aᵢ·x − bᵢ)² with consistent data bᵢ = aᵢ·x*, so x* is the exact
/// minimizer and every sample's gradient vanishes there (SGD can converge with a constant step).
pub(crate) struct LeastSquares {
    pub a: DMatrix<f64>,
    pub b: DVector<f64>,
}

impl LeastSquares {
    pub(crate) fn consistent(n: usize, truth: &DVector<f64>, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let a = DMatrix::from_fn(n, truth.len(), |_, _| normal(&mut rng));
        let b = &a * truth;
        Self { a, b }
    }
}

impl Smooth for LeastSquares {
    fn batches(&self) -> Option<&dyn Batches> {
        Some(self)
    }
    fn dim_(&self) -> usize {
        self.a.ncols()
    }
    fn f(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        let rows: Vec<usize> = (0..self.b.len()).collect();
        self.fb(x, &rows, g)
    }
    fn h(&self, _x: &DVector<f64>) -> Option<DMatrix<f64>> {
        Some(self.a.transpose() * &self.a / self.b.len() as f64)
    }
}

impl Batches for LeastSquares {
    fn n_samples_(&self) -> usize {
        self.b.len()
    }
    fn fb(&self, x: &DVector<f64>, rows: &[usize], g: &mut DVector<f64>) -> f64 {
        g.fill(0.0);
        let m = rows.len() as f64;
        let mut v = 0.0;
        for &i in rows {
            let row = self.a.row(i);
            let r = row.dot(&x.transpose()) - self.b[i];
            v += 0.5 * r * r / m;
            for j in 0..x.len() {
                g[j] += r * row[j] / m;
            }
        }
        v
    }
}

/// Σᵢ softplus(−aᵢ·x) for points aᵢ that a line through the origin separates: the infimum 0 is
/// approached only as ‖x‖ → ∞ (logistic regression on separable data without a penalty). As a
/// mini-batch objective it is the mean over samples.
pub(crate) struct Separable {
    pub a: DMatrix<f64>,
    pub mean: bool,
}

impl Separable {
    pub(crate) fn new(mean: bool) -> Self {
        // Signed samples yᵢ·xᵢ, all on the side of (1, 1): separable with margin.
        let a = DMatrix::from_row_slice(
            6,
            2,
            &[1.0, 0.5, 0.3, 1.2, 2.0, -0.5, 0.8, 0.9, -0.2, 1.0, 1.5, 1.5],
        );
        Self { a, mean }
    }
}

impl Smooth for Separable {
    fn batches(&self) -> Option<&dyn Batches> {
        Some(self)
    }
    fn dim_(&self) -> usize {
        2
    }
    fn f(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        let rows: Vec<usize> = (0..self.a.nrows()).collect();
        let v = self.fb(x, &rows, g);
        if self.mean {
            v
        } else {
            let n = rows.len() as f64;
            *g *= n;
            n * v
        }
    }
    fn h(&self, x: &DVector<f64>) -> Option<DMatrix<f64>> {
        let n = self.a.nrows() as f64;
        let scale = if self.mean { 1.0 / n } else { 1.0 };
        let mut h = DMatrix::zeros(2, 2);
        for i in 0..self.a.nrows() {
            let row = self.a.row(i).transpose();
            let p = sigmoid(-row.dot(x));
            h.ger(scale * p * (1.0 - p), &row, &row, 1.0);
        }
        Some(h)
    }
}

impl Batches for Separable {
    fn n_samples_(&self) -> usize {
        self.a.nrows()
    }
    /// Mean over `rows` of softplus(−aᵢ·x).
    fn fb(&self, x: &DVector<f64>, rows: &[usize], g: &mut DVector<f64>) -> f64 {
        g.fill(0.0);
        let m = rows.len() as f64;
        let mut v = 0.0;
        for &i in rows {
            let row = self.a.row(i);
            let z = row.dot(&x.transpose());
            v += softplus(-z) / m;
            let s = -sigmoid(-z) / m;
            for j in 0..2 {
                g[j] += s * row[j];
            }
        }
        v
    }
}

/// The minimizer of a logistic problem to near machine precision, by Newton.
pub(crate) fn logistic_optimum(f: &Logistic) -> logreg_optim::Report {
    use logreg_optim::{NoObserver, Solver};
    let r = logreg_optim::Newton::new()
        .tol(1e-13)
        .minimize(f, DVector::zeros(f.dim()), &mut NoObserver)
        .expect("valid Newton run");
    assert!(
        r.grad_norm < 1e-11,
        "reference optimum not converged: {r:?}"
    );
    r
}

/// Every number a report carries is finite, and its history is consistent with its iteration count.
pub(crate) fn assert_sane(r: &logreg_optim::Report) {
    assert!(r.x.iter().all(|v| v.is_finite()), "non-finite x: {r:?}");
    assert!(r.value.is_finite() && r.grad_norm.is_finite(), "{r:?}");
    assert!(r.history.iter().all(|v| v.is_finite()), "{r:?}");
    let steps = r.epochs.unwrap_or(r.iterations);
    assert_eq!(
        r.history.len(),
        steps + 1,
        "history length vs iterations: {r:?}"
    );
}

objective!(
    Quadratic,
    Rosenbrock,
    DoubleWell,
    Logistic,
    LeastSquares,
    Separable
);
