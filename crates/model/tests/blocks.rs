//! A fit in passes over row blocks is the in-memory fit: the same rows, the same solver, the same
//! optimum (to rounding: only the order in which the blocks' sums are added differs).

use logreg_linalg_core::{Csr, Dense, Design, InMemoryBlocks};
use logreg_model::datasets::make_logistic;
use logreg_model::{ClassWeight, FitOptions, LogisticRegression, Penalty, Solver, SolverKind};

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

#[test]
fn every_full_pass_solver_reaches_the_in_memory_optimum_on_blocks() {
    let (x, y) = make_logistic(3000, 6, 7).unwrap();
    let x = Design::from(x);
    let rows: Vec<usize> = (0..3000).rev().filter(|i| i % 5 != 0).collect();
    let weights: Vec<f64> = (0..3000).map(|i| 1.0 + (i % 7) as f64 / 7.0).collect();
    for solver in [
        Solver::lbfgs(),
        Solver::newton(),
        Solver::newton_cg(),
        Solver::Auto,
    ] {
        for penalty in [Penalty::L2 { c: 0.5 }, Penalty::None] {
            let params = LogisticRegression::params()
                .solver(solver)
                .penalty(penalty)
                .class_weight(ClassWeight::Balanced)
                .check()
                .unwrap();
            let opts = || FitOptions {
                rows: Some(&rows),
                sample_weight: Some(&weights),
                ..FitOptions::default()
            };
            let mem = params.fit_with(&x, &y, opts()).unwrap();
            for per in [1, 97, 1000, 5000] {
                let blocks = InMemoryBlocks::new(&x, per).unwrap();
                let fit = params.fit_blocks(&blocks, &y, opts()).unwrap();
                let (a, b) = (fit.report().objective, mem.report().objective);
                assert!(
                    close(a, b, 1e-12),
                    "{solver:?} {penalty:?} {per}: {a} vs {b}"
                );
                for j in 0..6 {
                    let (u, v) = (fit.coefficients()[j], mem.coefficients()[j]);
                    assert!((u - v).abs() < 1e-7, "{solver:?} {per}: {u} vs {v}");
                }
                assert_eq!(fit.report().converged, mem.report().converged);
                if penalty == Penalty::None {
                    // Standard errors come from the Hessian, accumulated block by block.
                    let (s, t) = (fit.summary().unwrap(), mem.summary().unwrap());
                    for (p, q) in s.std_errors.iter().zip(&t.std_errors) {
                        assert!(close(*p, *q, 1e-6), "{p} vs {q}");
                    }
                }
            }
        }
    }
}

#[test]
fn sparse_and_f32_blocks_fit_like_memory_and_sgd_is_refused() {
    let (x, y) = make_logistic(800, 4, 3).unwrap();
    let f32x = Design::from(x.to_f32());
    let triplets: Vec<(usize, usize, f64)> = (0..800)
        .flat_map(|i| {
            let r = x.row(i).unwrap().to_vec();
            (0..4)
                .filter(move |j| (i + j) % 3 != 0)
                .map(move |j| (i, j, r[j]))
        })
        .collect();
    let sparse = Design::from(Csr::from_triplets(800, 4, &triplets).unwrap());
    let params = LogisticRegression::params().check().unwrap();
    for design in [&f32x, &sparse] {
        let mem = params.fit(design, &y).unwrap();
        let blocks = InMemoryBlocks::new(design, 64).unwrap();
        let fit = params
            .fit_blocks(&blocks, &y, FitOptions::default())
            .unwrap();
        assert!(close(fit.report().objective, mem.report().objective, 1e-12));
    }
    let sgd = LogisticRegression::params()
        .solver(Solver::sgd())
        .check()
        .unwrap();
    let dense = Design::from(Dense::new(vec![0.0, 1.0, 2.0, 3.0], 4, 1).unwrap());
    let blocks = InMemoryBlocks::new(&dense, 2).unwrap();
    let e = sgd
        .fit_blocks(&blocks, &[0, 1, 0, 1], FitOptions::default())
        .unwrap_err();
    assert!(e.to_string().contains("need the data in memory"), "{e}");
}

#[test]
fn l1_and_elastic_net_on_blocks_reach_the_in_memory_optimum() {
    let (x, y) = make_logistic(2000, 8, 11).unwrap();
    let x = Design::from(x);
    let rows: Vec<usize> = (0..2000).filter(|i| i % 4 != 0).collect();
    for penalty in [
        Penalty::L1 { c: 0.05 },
        Penalty::ElasticNet {
            c: 0.05,
            l1_ratio: 0.5,
        },
    ] {
        for solver in [Solver::Auto, Solver::default_for(SolverKind::OwlQn)] {
            let params = LogisticRegression::params()
                .solver(solver)
                .penalty(penalty)
                .check()
                .unwrap();
            let opts = || FitOptions {
                rows: Some(&rows),
                ..FitOptions::default()
            };
            let mem = params.fit_with(&x, &y, opts()).unwrap();
            let blocks = InMemoryBlocks::new(&x, 300).unwrap();
            let fit = params.fit_blocks(&blocks, &y, opts()).unwrap();
            let (a, b) = (fit.report().objective, mem.report().objective);
            assert!(close(a, b, 1e-9), "{solver:?} {penalty:?}: {a} vs {b}");
            // The same solver ran (a formed Hessian is within reach of row blocks here).
            assert_eq!(fit.report().solver, mem.report().solver);
            for j in 0..8 {
                let (u, v) = (fit.coefficients()[j], mem.coefficients()[j]);
                assert!((u - v).abs() < 1e-6, "{solver:?} {penalty:?}: {u} vs {v}");
                // Exact zeros stay exact zeros.
                assert_eq!(u == 0.0, v == 0.0, "{solver:?} {penalty:?} coefficient {j}");
            }
        }
    }
}

#[test]
fn l1_on_blocks_too_wide_for_a_formed_hessian_runs_owl_qn() {
    // 600 features: more parameters than coordinate descent forms a Hessian for, and row blocks
    // give no column copy, so the L1 fit on blocks runs OWL-QN and says why.
    let (x, y) = make_logistic(700, 600, 5).unwrap();
    let x = Design::from(x);
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.02 })
        .check()
        .unwrap();
    let blocks = InMemoryBlocks::new(&x, 128).unwrap();
    let fit = params
        .fit_blocks(&blocks, &y, FitOptions::default())
        .unwrap();
    assert_eq!(fit.report().solver, SolverKind::OwlQn);
    assert!(
        fit.report().stages[0]
            .reason
            .contains("row blocks read in passes do not give"),
        "{:?}",
        fit.report().stages
    );
    let owl = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.02 })
        .solver(Solver::default_for(SolverKind::OwlQn))
        .check()
        .unwrap();
    let mem = owl.fit(&x, &y).unwrap();
    let (a, b) = (fit.report().objective, mem.report().objective);
    assert!(close(a, b, 1e-8), "{a} vs {b}");
}
