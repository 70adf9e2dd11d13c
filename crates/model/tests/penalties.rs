//! L1 and elastic-net penalties: coordinate-descent Newton and OWL-QN reach the same optimum,
//! checked against the optimality conditions computed from scratch, with exact zeros, on dense
//! f64, f32 and sparse designs, binary, multinomial and one-vs-rest.
mod common;

use common::*;
use logreg_linalg_core::{Csr, Dense, Design};
use logreg_model::{LogisticRegression, Penalty, Solver, SolverKind};
use logreg_optim::{OwlQn, Stop};
use nalgebra::DMatrix;

/// Gradient of C·Σℓᵢ (no penalty) at (w, b), independently of the library.
fn loss_grad(x: &DMatrix<f64>, y: &[u8], w: &[f64], b: f64, c: f64) -> (Vec<f64>, f64) {
    let d = x.ncols();
    let mut g = vec![0.0; d];
    let mut gb = 0.0;
    for i in 0..x.nrows() {
        let z: f64 = (0..d).map(|j| x[(i, j)] * w[j]).sum::<f64>() + b;
        let r = 1.0 / (1.0 + (-z).exp()) - f64::from(y[i]);
        for j in 0..d {
            g[j] += c * r * x[(i, j)];
        }
        gb += c * r;
    }
    (g, gb)
}

/// The optimality conditions of C·Σℓ + (1−ρ)/2‖w‖² + ρ‖w‖₁ in scikit-learn's scale, within `tol`.
fn assert_optimal(x: &DMatrix<f64>, y: &[u8], w: &[f64], b: f64, c: f64, rho: f64, tol: f64) {
    let (g, gb) = loss_grad(x, y, w, b, c);
    assert!(gb.abs() <= tol, "intercept gradient {gb}");
    for j in 0..w.len() {
        let smooth = g[j] + (1.0 - rho) * w[j];
        if w[j] == 0.0 {
            assert!(
                smooth.abs() <= rho + tol,
                "zero coefficient {j}: |{smooth}| > {rho}"
            );
        } else {
            let v = smooth + rho * w[j].signum();
            assert!(v.abs() <= tol, "coefficient {j}: {v}");
        }
    }
}

fn l1_objective(x: &DMatrix<f64>, y: &[u8], w: &[f64], b: f64, c: f64, rho: f64) -> f64 {
    let smooth = sklearn_objective(x, y, w, b, Some(c));
    let sq: f64 = w.iter().map(|v| v * v).sum();
    smooth - 0.5 * sq + 0.5 * (1.0 - rho) * sq + rho * w.iter().map(|v| v.abs()).sum::<f64>()
}

#[test]
fn l1_and_elastic_net_reach_the_optimum_with_exact_zeros() {
    let (x, y) = banknote_standardized();
    for (penalty, rho) in [
        (Penalty::L1 { c: 0.01 }, 1.0),
        (Penalty::L1 { c: 0.1 }, 1.0),
        (Penalty::L1 { c: 1.0 }, 1.0),
        (
            Penalty::ElasticNet {
                c: 0.01,
                l1_ratio: 0.5,
            },
            0.5,
        ),
        (
            Penalty::ElasticNet {
                c: 1.0,
                l1_ratio: 0.5,
            },
            0.5,
        ),
    ] {
        let c = penalty.c().unwrap();
        let cd = LogisticRegression::params()
            .penalty(penalty)
            .check()
            .unwrap()
            .fit(&x, &y)
            .unwrap();
        let r = cd.report();
        assert_eq!(r.solver, SolverKind::CoordinateDescent);
        assert!(r.converged, "{penalty:?}: {:?}", r.stop);
        assert_eq!(r.stop, Stop::SubgradientTolerance, "{penalty:?}");
        assert!(r.grad_norm <= 1e-10);
        let w: Vec<f64> = cd.coefficients().iter().copied().collect();
        // The mean objective's subgradient ≤ 1e-10 is C·n·1e-10 in scikit-learn's scale.
        assert_optimal(
            &x,
            &y,
            &w,
            cd.intercept(),
            c,
            rho,
            1e-10 * c * 1372.0 * 10.0,
        );
        let j = l1_objective(&x, &y, &w, cd.intercept(), c, rho);
        assert!(
            (j - r.objective).abs() <= 1e-10 * j,
            "{j} vs {}",
            r.objective
        );

        let owl = LogisticRegression::params()
            .penalty(penalty)
            .solver(Solver::OwlQn(OwlQn::default()))
            .check()
            .unwrap()
            .fit(&x, &y)
            .unwrap();
        assert!(owl.report().converged, "{:?}", owl.report().stop);
        let jo = owl.report().objective;
        assert!((jo - j).abs() <= 1e-9 * j, "owl-qn {jo} vs cd {j}");
        for (a, b) in cd.coefficients().iter().zip(owl.coefficients().iter()) {
            assert_eq!(
                *a == 0.0,
                *b == 0.0,
                "zero patterns differ: {} vs {}",
                cd.coefficients(),
                owl.coefficients()
            );
        }
    }
    // At C = 0.01 the lasso keeps only some of the four features.
    let sparse = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.01 })
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    assert!(
        sparse.coefficients().iter().any(|&v| v == 0.0),
        "{}",
        sparse.coefficients()
    );
}

#[test]
fn dense_f32_and_sparse_designs_give_the_same_fit() {
    let (x, y) = banknote_standardized();
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.05 })
        .check()
        .unwrap();
    let dense = params.fit(&x, &y).unwrap();
    let x64 = Design::from_dmatrix(&x).unwrap();
    let x32 = match &x64 {
        Design::Dense(d) => Design::from(d.to_f32()),
        _ => unreachable!(),
    };
    let f32_fit = params.fit(&x32, &y).unwrap();
    let rows: Vec<Vec<(u32, f64)>> = (0..x.nrows())
        .map(|i| (0..4).map(|j| (j as u32, x[(i, j)])).collect())
        .collect();
    let csr = Design::from(Csr::from_rows(4, rows).unwrap());
    let sparse = params.fit(&csr, &y).unwrap();
    assert!((dense.coefficients() - sparse.coefficients()).amax() < 1e-9);
    assert!(f32_fit.report().converged);
    // f32 rounding moves the optimum a little, not the zero pattern.
    for (a, b) in dense
        .coefficients()
        .iter()
        .zip(f32_fit.coefficients().iter())
    {
        assert_eq!(*a == 0.0, *b == 0.0);
        assert!((a - b).abs() < 1e-4);
    }
    let _ = Dense::new(vec![0.0f64], 1, 1);
}

#[test]
fn wide_data_takes_the_column_path_and_agrees_with_owlqn() {
    // 300 features: above the formed-Hessian limit with 3 classes, and wide for a binary model.
    let (x, y) = logreg_model::datasets::make_logistic(800, 300, 5).unwrap();
    let design = Design::from(x);
    let y: Vec<u8> = y.iter().map(|&v| v as u8).collect();
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.05 })
        .check()
        .unwrap();
    let cd = params.fit(&design, &y).unwrap();
    assert!(cd.report().converged, "{:?}", cd.report().stop);
    assert!(
        cd.report().stages[0].reason.contains("Gram")
            || cd.report().stages[0].reason.contains("Hessian")
    );
    let owl = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.05 })
        .solver(Solver::OwlQn(OwlQn::default()))
        .check()
        .unwrap()
        .fit(&design, &y)
        .unwrap();
    let (a, b) = (cd.report().objective, owl.report().objective);
    assert!((a - b).abs() <= 1e-8 * a, "{a} vs {b}");

    // Multinomial: 3 classes × 301 parameters go to the column copy.
    let y3: Vec<u8> = (0..800).map(|i| y[i] + u8::from(i % 3 == 0)).collect();
    let m = params.fit_multinomial(&design, &y3).unwrap();
    assert!(m.report().converged, "{:?}", m.report().stop);
    assert!(
        m.report().stages[0].reason.contains("column"),
        "{}",
        m.report().stages[0].reason
    );
    let mo = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.05 })
        .solver(Solver::OwlQn(OwlQn::default()))
        .check()
        .unwrap()
        .fit_multinomial(&design, &y3)
        .unwrap();
    let (a, b) = (m.report().objective, mo.report().objective);
    assert!((a - b).abs() <= 1e-8 * a, "{a} vs {b}");
    assert!(m.coefficients().iter().any(|&v| v == 0.0));
}

#[test]
fn multinomial_and_one_vs_rest_take_l1() {
    let (x, y) = banknote_standardized();
    let y3: Vec<u8> = (0..x.nrows())
        .map(|i| y[i] + u8::from(x[(i, 2)] > 1.0))
        .collect();
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.01 })
        .check()
        .unwrap();
    let m = params.fit_multinomial(&x, &y3).unwrap();
    assert!(m.report().converged, "{:?}", m.report().stop);
    assert!(
        m.coefficients().iter().any(|&v| v == 0.0),
        "{}",
        m.coefficients()
    );
    let o = params.fit_one_vs_rest(&x, &y3).unwrap();
    assert!(o.models().iter().all(|b| b.report().converged));
}

#[test]
fn penalties_are_checked_by_name() {
    let e = LogisticRegression::params()
        .penalty(Penalty::ElasticNet {
            c: 1.0,
            l1_ratio: 1.5,
        })
        .check()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid parameter `l1_ratio` = 1.5: expected a number in [0, 1]"
    );
    let e = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.0 })
        .check()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid parameter `c` = 0: expected a finite number > 0"
    );
    let e = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 1.0 })
        .solver(SolverKind::Lbfgs)
        .check()
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("invalid parameter `solver` = lbfgs"),
        "{e}"
    );
    // Files keep the shapes L2 and none had.
    let v = LogisticRegression::params().check().unwrap();
    assert!(serde_json::to_string(&v)
        .unwrap()
        .contains(r#""penalty":{"kind":"l2","c":1.0}"#));
    let en = LogisticRegression::params()
        .penalty(Penalty::ElasticNet {
            c: 2.0,
            l1_ratio: 0.25,
        })
        .check()
        .unwrap();
    let back: logreg_model::ValidParams =
        serde_json::from_str(&serde_json::to_string(&en).unwrap()).unwrap();
    assert_eq!(back, en);
}

#[test]
fn c_min_is_exactly_where_the_first_coefficient_enters() {
    use logreg_model::PathOptions;
    let (x, y) = banknote_standardized();
    let y3: Vec<u8> = (0..x.nrows())
        .map(|i| y[i] + u8::from(x[(i, 2)] > 1.0))
        .collect();
    for (labels, rho) in [(&y, 1.0), (&y, 0.5), (&y3, 1.0)] {
        let penalty = if rho == 1.0 {
            Penalty::L1 { c: 1.0 }
        } else {
            Penalty::ElasticNet {
                c: 1.0,
                l1_ratio: rho,
            }
        };
        let params = LogisticRegression::params()
            .penalty(penalty)
            .check()
            .unwrap();
        let c_min = params
            .c_min(&x, labels, PathOptions::default())
            .unwrap()
            .unwrap();
        let path = params
            .path(
                &x,
                labels,
                &[c_min * 1.02, c_min, c_min * 0.5],
                PathOptions::default(),
            )
            .unwrap();
        assert_eq!(path.points[0].c, c_min * 0.5);
        assert_eq!(
            path.points[0].nonzero,
            0,
            "rho {rho} k {} {:?}",
            path.classes.len(),
            path.points[0]
        );
        assert_eq!(path.points[1].nonzero, 0);
        assert!(
            path.points[2].nonzero > 0,
            "just above C_min something enters"
        );
        assert!(path.points.iter().all(|p| p.converged));
    }
    let l2 = LogisticRegression::params().check().unwrap();
    assert_eq!(l2.c_min(&x, &y, PathOptions::default()).unwrap(), None);
}

#[test]
fn a_warm_started_path_matches_fits_from_scratch() {
    use logreg_model::{c_grid, PathOptions};
    let (x, y) = banknote_standardized();
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 1.0 })
        .check()
        .unwrap();
    let cs = c_grid(params.c_min(&x, &y, PathOptions::default()).unwrap(), 8);
    let path = params.path(&x, &y, &cs, PathOptions::default()).unwrap();
    assert_eq!(path.points.len(), 8);
    for pt in &path.points {
        let alone = LogisticRegression::params()
            .penalty(Penalty::L1 { c: pt.c })
            .check()
            .unwrap()
            .fit(&x, &y)
            .unwrap();
        let j = alone.report().objective;
        assert!(
            (pt.objective - j).abs() <= 1e-9 * j,
            "C = {}: {} vs {j}",
            pt.c,
            pt.objective
        );
        let w: Vec<f64> = alone.coefficients().iter().copied().collect();
        for (a, b) in pt.coefficients.iter().zip(&w) {
            assert_eq!(*a == 0.0, *b == 0.0);
        }
    }
    let e = params
        .path(&x, &y, &[], PathOptions::default())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid parameter `cs` = []: expected at least one value of C"
    );
}

#[test]
fn cross_validation_is_deterministic_and_picks_from_the_grid() {
    use logreg_model::{CGrid, CvOptions, Scoring};
    let (x, y) = banknote_standardized();
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 1.0 })
        .check()
        .unwrap();
    let opts = || CvOptions {
        folds: 5,
        cs: CGrid::Count(8),
        scoring: Scoring::LogLoss,
        seed: 3,
        ..CvOptions::default()
    };
    let a = params.cross_validate(&x, &y, opts()).unwrap();
    let b = params.cross_validate(&x, &y, opts()).unwrap();
    assert_eq!(a.paths, b.paths);
    let table = &a.paths[0].rows;
    assert_eq!(table.len(), 8);
    let best = table.iter().map(|r| r.mean).fold(f64::INFINITY, f64::min);
    assert_eq!(a.best.mean, best);
    assert!(a.one_se.c <= a.best.c && a.one_se.mean <= best + a.best.std);
    assert!(table.iter().all(|r| r.fold_scores.len() == 5));
    let refit = a.refit.as_binary().unwrap();
    assert_eq!(refit.params().penalty(), Penalty::L1 { c: a.best.c });

    // Elastic net: ρ is chosen too; multiclass scoring with ROC AUC.
    let en = LogisticRegression::params()
        .penalty(Penalty::ElasticNet {
            c: 1.0,
            l1_ratio: 0.5,
        })
        .check()
        .unwrap();
    let y3: Vec<u8> = (0..x.nrows())
        .map(|i| y[i] + u8::from(x[(i, 2)] > 1.0))
        .collect();
    let r = en
        .cross_validate(
            &x,
            &y3,
            CvOptions {
                folds: 3,
                cs: CGrid::Values(vec![0.01, 0.1, 1.0]),
                l1_ratios: vec![0.2, 0.8],
                scoring: Scoring::RocAuc,
                ..CvOptions::default()
            },
        )
        .unwrap();
    assert_eq!(r.paths.len(), 2);
    assert!([0.2, 0.8].contains(&r.best.l1_ratio));
    assert!(r.best.mean > 0.9 && r.best.mean <= 1.0);
    assert_eq!(r.refit.classes().len(), 3);

    // A class with a single row cannot be stratified.
    let mut lonely = y.clone();
    lonely[0] = 7;
    let e = params.cross_validate(&x, &lonely, opts()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("cross-validation: the class first seen"),
        "{e}"
    );
}

#[test]
fn wide_sparse_and_dense_binary_fits_on_the_column_copy_are_optimal() {
    // Zipf-like columns (frequent low indices, strongly correlated with the intercept), wider
    // than the formed-Hessian limit: the column copy, the working set's own Hessian and the
    // solve on the support; checked against the optimality conditions computed from scratch.
    let (csr, y) = logreg_model::datasets::make_sparse_logistic(1500, 700, 20, 7).unwrap();
    let y: Vec<u8> = y.iter().map(|&v| v as u8).collect();
    let dense = Design::from(csr.clone()).to_dmatrix(None).unwrap();
    for design in [Design::from(csr.to_dense()), Design::from(csr)] {
        for (penalty, c, rho) in [
            (Penalty::L1 { c: 0.5 }, 0.5, 1.0),
            (
                Penalty::ElasticNet {
                    c: 2.0,
                    l1_ratio: 0.5,
                },
                2.0,
                0.5,
            ),
        ] {
            let m = LogisticRegression::params()
                .penalty(penalty)
                .check()
                .unwrap()
                .fit(&design, &y)
                .unwrap();
            let r = m.report();
            assert!(r.converged, "{:?}", r.stop);
            assert!(
                r.stages[0].reason.contains("column"),
                "{}",
                r.stages[0].reason
            );
            let w: Vec<f64> = m.coefficients().iter().copied().collect();
            assert!(w.contains(&0.0) && w.iter().any(|&v| v != 0.0));
            assert_optimal(&dense, &y, &w, m.intercept(), c, rho, 1e-6);
        }
    }
}

#[test]
fn column_fits_give_the_same_bits_at_any_thread_count() {
    // Sparse columns picked out of the rows in parallel blocks and the working set's Hessian
    // summed over parallel row blocks: the fixed splits and the fixed order of the sums make the
    // coefficients the same bits on one thread as on three. Rows past a Hessian task (16 384)
    // and a Zipf-like design wider than the formed-Hessian limit reach both.
    let (csr, y) = logreg_model::datasets::make_sparse_logistic(40_000, 2_000, 12, 3).unwrap();
    let y: Vec<u8> = y.iter().map(|&v| v as u8).collect();
    let design = Design::from(csr);
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.05 })
        .check()
        .unwrap();
    let fit_on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| params.fit(&design, &y).unwrap())
    };
    let (one, three) = (fit_on(1), fit_on(3));
    assert!(one.report().converged, "{:?}", one.report().stop);
    assert!(
        one.report().stages[0].reason.contains("column"),
        "{}",
        one.report().stages[0].reason
    );
    let bits = |m: &logreg_model::FittedLogisticRegression<u8>| -> Vec<u64> {
        m.coefficients()
            .iter()
            .chain(std::iter::once(&m.intercept()))
            .map(|v| v.to_bits())
            .collect()
    };
    assert_eq!(bits(&one), bits(&three));
    let zeros = one.coefficients().iter().filter(|&&v| v == 0.0).count();
    assert!(zeros > 0 && zeros < 2_000, "{zeros} zeros");
}
