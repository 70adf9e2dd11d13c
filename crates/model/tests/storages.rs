//! The same fit through each storage of the design (issue "one data path"): dense f64 borrowed
//! from the caller, dense f32, CSR and an nalgebra `DMatrix` reach the same optimum. f32 data are
//! the f64 values rounded once; every sum is accumulated in f64, so the f32 fit's objective,
//! evaluated in f64 on the f32 values, is within 1e-6 relative of the f64 fit's.

use logreg_linalg_core::{Csr, Dense, Design};
use logreg_model::datasets::make_logistic_correlated;
use logreg_model::{LogisticRegression, SolverKind};

/// `C·Σ logloss + ½‖w‖²` (C = 1) in f64 on whatever storage `x` has.
fn objective(x: &Design<'_>, y: &[f64], w: &[f64], b: f64) -> f64 {
    let mut z = vec![0.0; x.n_rows()];
    x.logits(x.all_rows(), w, b, &mut z).unwrap();
    let loss: f64 = z
        .iter()
        .zip(y)
        .map(|(&zi, &yi)| zi.max(0.0) + (-zi.abs()).exp().ln_1p() - yi * zi)
        .sum();
    loss + 0.5 * w.iter().map(|v| v * v).sum::<f64>()
}

fn fit(x: &Design<'_>, y: &[f64], solver: SolverKind) -> (Vec<f64>, f64, f64) {
    let model = LogisticRegression::params()
        .solver(solver)
        .check()
        .unwrap()
        .fit(x, y)
        .unwrap();
    assert!(model.report().converged, "{:?}", model.report());
    let w: Vec<f64> = model.coefficients().iter().copied().collect();
    let b = model.intercept();
    let j = objective(x, y, &w, b);
    (w, b, j)
}

#[test]
fn every_storage_reaches_the_same_optimum() {
    let (x, y) = make_logistic_correlated(20_000, 30, 0.5, 7).unwrap();
    let (n, d) = (x.n_rows(), x.n_cols());
    let values = x.as_slice().to_vec();
    // Borrowed: the design points into `values`, no copy.
    let borrowed = Design::from(Dense::new(&values[..], n, d).unwrap());
    assert!(matches!(&borrowed, Design::Dense(dense) if dense.is_borrowed()));
    let f32_design = Design::from(x.to_f32());
    let csr = Design::from(
        Csr::from_rows(
            d,
            values.chunks_exact(d).map(|row| {
                row.iter()
                    .enumerate()
                    .filter(|(_, v)| **v != 0.0)
                    .map(|(j, v)| (j as u32, *v))
                    .collect::<Vec<_>>()
            }),
        )
        .unwrap(),
    );
    let dmatrix = nalgebra::DMatrix::from_row_slice(n, d, &values);
    for solver in [SolverKind::Auto, SolverKind::Lbfgs, SolverKind::Newton] {
        let (w64, b64, j64) = fit(&borrowed, &y, solver);
        let (w_sparse, b_sparse, j_sparse) = fit(&csr, &y, solver);
        assert!(
            ((j_sparse - j64) / j64).abs() <= 1e-12,
            "{j_sparse} vs {j64}"
        );
        let gap = w64
            .iter()
            .zip(&w_sparse)
            .map(|(a, b)| (a - b).abs())
            .fold((b64 - b_sparse).abs(), f64::max);
        assert!(gap <= 1e-7, "CSR coefficients differ by {gap} ({solver:?})");
        let from_matrix = LogisticRegression::params()
            .solver(solver)
            .check()
            .unwrap()
            .fit(&dmatrix, &y)
            .unwrap();
        let j_matrix = objective(
            &borrowed,
            &y,
            from_matrix.coefficients().as_slice(),
            from_matrix.intercept(),
        );
        assert!(
            ((j_matrix - j64) / j64).abs() <= 1e-12,
            "{j_matrix} vs {j64}"
        );
        // The f32 fit solves the problem on the rounded data; evaluated there in f64 its
        // objective is that problem's optimum, within 1e-6 of the f64 problem's.
        let (_, _, j32) = fit(&f32_design, &y, solver);
        assert!(((j32 - j64) / j64).abs() <= 1e-6, "f32 {j32} vs f64 {j64}");
        assert!(j32 != j64, "the f32 data should differ from the f64 data");
    }
}
