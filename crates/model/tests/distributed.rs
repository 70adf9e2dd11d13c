//! Fits split over ranks (threads of one process, `InProcess`, which give the bits MPI gives)
//! agree with the single-process fit of the same rows, give every rank the same bits, and give
//! the same bits on every run; a rank's failure is every rank's error.

mod common;

use logreg_collective::{assign_rows, Collective, InProcess};
use logreg_linalg_core::{Csr, Dense, Design};
use logreg_model::datasets::{make_blobs, make_logistic, make_sparse_logistic};
use logreg_model::{
    ClassWeight, FitOptions, FittedLogisticRegression, FittedMultinomial, LogisticRegression,
    ModelError, MultiFitOptions, Penalty, Solver, ValidParams,
};
use nalgebra::{DMatrix, DVector};
use std::ops::Range;
use std::thread;

/// Runs `work(rank, its row range)` on every rank of a group of `size`, each on its own thread.
fn on_ranks<T: Send>(
    size: usize,
    n: usize,
    work: impl Fn(&InProcess, Range<usize>) -> T + Sync,
) -> Vec<T> {
    let group = InProcess::group(size).unwrap();
    thread::scope(|s| {
        let handles: Vec<_> = group
            .into_iter()
            .map(|rank| {
                let work = &work;
                s.spawn(move || {
                    let range = assign_rows(n, rank.size(), rank.rank()).unwrap();
                    work(&rank, range)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// The rows `range` of a row-major dense design.
fn dense_rows(x: &Dense<'_, f64>, range: Range<usize>) -> Design<'static> {
    let d = x.n_cols();
    let values = x.as_slice()[range.start * d..range.end * d].to_vec();
    Design::from(Dense::new(values, range.len(), d).unwrap())
}

/// max |a − b| / max |b|: agreement relative to the size of the coefficients.
fn relative_gap(a: &[f64], b: &[f64]) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

fn theta(m: &FittedLogisticRegression<f64>) -> Vec<f64> {
    let mut t: Vec<f64> = m.coefficients().iter().copied().collect();
    t.push(m.intercept());
    t
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Fits `params` on `size` ranks holding contiguous rows of (x, y); checks every rank got the
/// same bits and returns rank 0's parameters.
fn fit_split(params: &ValidParams, x: &Dense<'_, f64>, y: &[f64], size: usize) -> Vec<f64> {
    let fits = on_ranks(size, y.len(), |rank, range| {
        let local = dense_rows(x, range.clone());
        let fit = params
            .fit_distributed(&local, &y[range], FitOptions::default(), rank)
            .unwrap();
        (theta(&fit), fit.report().iterations)
    });
    for (t, it) in &fits[1..] {
        assert_eq!(bits(t), bits(&fits[0].0), "ranks disagree");
        assert_eq!(*it, fits[0].1);
    }
    fits[0].0.clone()
}

#[test]
fn l2_fits_on_up_to_four_ranks_match_the_single_process_fit_for_every_solver() {
    let (x, y) = make_logistic(3000, 8, 11).unwrap();
    let single_design = Design::from(x.clone());
    for solver in [
        Solver::Auto,
        Solver::lbfgs(),
        Solver::newton(),
        Solver::newton_cg(),
    ] {
        let params = LogisticRegression::params()
            .c(0.5)
            .solver(solver)
            .check()
            .unwrap();
        let single = theta(&params.fit(&single_design, &y).unwrap());
        for size in 1..=4 {
            let split = fit_split(&params, &x, &y, size);
            let gap = relative_gap(&split, &single);
            assert!(gap <= 1e-10, "{solver:?} on {size} ranks: gap {gap:e}");
            // The same rank count gives the same bits on every run.
            assert_eq!(bits(&fit_split(&params, &x, &y, size)), bits(&split));
        }
    }
}

#[test]
fn badly_scaled_columns_are_preconditioned_from_every_ranks_moments() {
    // Columns far from zero and of very different scales: the change of variables must be the
    // same on every rank (moments of all rows), or the ranks would take different steps.
    let (x, y) = make_logistic(2000, 4, 5).unwrap();
    let mut values = x.as_slice().to_vec();
    for row in values.chunks_exact_mut(4) {
        row[0] = 1e4 + 3.0 * row[0];
        row[1] *= 1e-3;
    }
    let x = Dense::new(values, 2000, 4).unwrap();
    let params = LogisticRegression::params()
        .solver(Solver::lbfgs())
        .check()
        .unwrap();
    let single = theta(&params.fit(&Design::from(x.clone()), &y).unwrap());
    for size in [2, 3] {
        let gap = relative_gap(&fit_split(&params, &x, &y, size), &single);
        assert!(gap <= 1e-10, "{size} ranks: gap {gap:e}");
    }
}

#[test]
fn unpenalized_fits_with_weights_offsets_and_balanced_classes_match_including_standard_errors() {
    let (x, y) = make_logistic(1500, 3, 2).unwrap();
    let n = y.len();
    let weights: Vec<f64> = (0..n).map(|i| 0.5 + (i % 7) as f64 / 4.0).collect();
    let offset: Vec<f64> = (0..n).map(|i| ((i % 5) as f64 - 2.0) / 10.0).collect();
    let params = LogisticRegression::params()
        .penalty(Penalty::None)
        .class_weight(ClassWeight::Balanced)
        .check()
        .unwrap();
    let single = params
        .fit_with(
            &Design::from(x.clone()),
            &y,
            FitOptions {
                sample_weight: Some(&weights),
                offset: Some(&offset),
                ..FitOptions::default()
            },
        )
        .unwrap();
    let single_se = single.summary().unwrap();
    let fits = on_ranks(3, n, |rank, range| {
        let local = dense_rows(&x, range.clone());
        params
            .fit_distributed(
                &local,
                &y[range.clone()],
                FitOptions {
                    sample_weight: Some(&weights[range.clone()]),
                    offset: Some(&offset[range]),
                    ..FitOptions::default()
                },
                rank,
            )
            .unwrap()
    });
    for fit in &fits {
        assert!(relative_gap(&theta(fit), &theta(&single)) <= 1e-10);
        let gap = (fit.report().objective - single.report().objective).abs();
        assert!(gap <= 1e-10 * single.report().objective.abs());
        let se = fit.summary().unwrap();
        assert!(relative_gap(&se.std_errors, &single_se.std_errors) <= 1e-9);
    }
}

#[test]
fn a_rank_may_hold_a_single_class_and_the_classes_are_everyones() {
    // Sorted by label: rank 0 holds only negatives, the last rank only positives.
    let (x, y) = make_logistic(900, 3, 9).unwrap();
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| y[a].total_cmp(&y[b]));
    let d = x.n_cols();
    let values: Vec<f64> = order
        .iter()
        .flat_map(|&i| x.row(i).unwrap().to_vec())
        .collect();
    let x = Dense::new(values, order.len(), d).unwrap();
    let y: Vec<f64> = order.iter().map(|&i| y[i]).collect();
    let params = LogisticRegression::params().check().unwrap();
    let single = theta(&params.fit(&Design::from(x.clone()), &y).unwrap());
    assert!(relative_gap(&fit_split(&params, &x, &y, 3), &single) <= 1e-10);
}

#[test]
fn sparse_designs_fit_the_same_split_over_ranks() {
    // L-BFGS stops once the gradient is below its tolerance, so two runs whose sums round
    // differently agree to about ‖g‖ / (smallest curvature), here λ = 1/n: at the default
    // tolerance (‖g‖ ≈ 5e-12 at the stop) the coefficients are 1.7e-10 apart, at 1e-13 far less.
    let (x, y) = make_sparse_logistic(2000, 300, 12, 4).unwrap();
    for params in [
        LogisticRegression::params()
            .solver(Solver::lbfgs())
            .tol(1e-13),
        LogisticRegression::params().tol(1e-13),
    ] {
        check_sparse_split(&params.check().unwrap(), &x, &y);
    }
}

fn check_sparse_split(params: &ValidParams, x: &Csr<'_>, y: &[f64]) {
    let x = Design::from(x.clone());
    let single = theta(&params.fit(&x, y).unwrap());
    let fits = on_ranks(3, y.len(), |rank, range| {
        let local = rows_of(&x, range.clone());
        let fit = params
            .fit_distributed(&local, &y[range], FitOptions::default(), rank)
            .unwrap();
        theta(&fit)
    });
    for t in fits {
        let gap = relative_gap(&t, &single);
        assert!(gap <= 1e-10, "gap {gap:e}");
    }
}

#[test]
fn multinomial_fits_match_the_single_process_fit() {
    let (x, labels) = make_blobs(1200, &[[0.0, 0.0], [1.5, 0.5], [0.5, 2.0]], 1.2, 3).unwrap();
    // Interleave the classes so every rank sees some of each, then shift a column off zero.
    let x = DMatrix::from_fn(x.nrows(), 2, |i, j| {
        x[(i, j)] + if j == 0 { 50.0 } else { 0.0 }
    });
    let params = LogisticRegression::params().c(2.0).check().unwrap();
    let single: FittedMultinomial<usize> = params.fit_multinomial(&x, &labels).unwrap();
    let flat = |m: &FittedMultinomial<usize>| -> Vec<f64> {
        let mut v: Vec<f64> = m.coefficients().iter().copied().collect();
        v.extend(m.intercepts().iter());
        v
    };
    for size in 1..=3 {
        let fits = on_ranks(size, labels.len(), |rank, range| {
            let local = x.rows(range.start, range.len()).into_owned();
            let fit = params
                .fit_multinomial_distributed(
                    &local,
                    &labels[range],
                    MultiFitOptions::default(),
                    rank,
                )
                .unwrap();
            flat(&fit)
        });
        for f in &fits {
            assert_eq!(bits(f), bits(&fits[0]));
            let gap = relative_gap(f, &flat(&single));
            assert!(gap <= 1e-10, "{size} ranks: gap {gap:e}");
        }
    }
}

#[test]
fn one_ranks_bad_input_is_every_ranks_error_and_sgd_is_refused() {
    let (x, y) = make_logistic(300, 2, 1).unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let errors = on_ranks(3, y.len(), |rank, range| {
        let local = dense_rows(&x, range.clone());
        let mut labels = y[range].to_vec();
        if rank.rank() == 1 {
            labels[4] = f64::NAN;
        }
        params
            .fit_distributed(&local, &labels, FitOptions::default(), rank)
            .unwrap_err()
            .to_string()
    });
    assert_eq!(
        errors,
        vec![
            "rank 1 of 3 failed: label at row 4 is NaN, which cannot be ordered against the \
             other labels"
                .to_string();
            3
        ]
    );

    let sgd = LogisticRegression::params()
        .solver(Solver::sgd())
        .check()
        .unwrap();
    let errors = on_ranks(2, y.len(), |rank, range| {
        let local = dense_rows(&x, range.clone());
        match sgd.fit_distributed(&local, &y[range], FitOptions::default(), rank) {
            Err(ModelError::InvalidParam { name, .. }) => name,
            other => panic!("expected sgd to be refused, got {other:?}"),
        }
    });
    assert_eq!(errors, ["solver", "solver"]);
}

#[test]
fn three_classes_in_a_binary_fit_are_found_across_ranks() {
    let x = DVector::from_fn(6, |i, _| i as f64);
    let y = [0.0, 0.0, 1.0, 1.0, 2.0, 2.0];
    let params = LogisticRegression::params().check().unwrap();
    let errors = on_ranks(3, 6, |rank, range| {
        let local = DMatrix::from_column_slice(range.len(), 1, &x.as_slice()[range.clone()]);
        params
            .fit_distributed(&local, &y[range], FitOptions::default(), rank)
            .unwrap_err()
            .to_string()
    });
    assert!(errors.iter().all(|e| e == &errors[0]));
    assert!(errors[0].starts_with("binary logistic regression needs exactly 2 classes, found 3"));
}

/// The L1 and elastic-net fits of `params` on 1 to 3 ranks: every rank the same bits (and
/// iterations), within 1e-10 of the single-process fit, the same coefficients exactly zero, and
/// the solver named `solver` in the report's last stage.
fn check_l1_split(params: &ValidParams, x: &Design<'_>, y: &[f64], solver: &str, what: &str) {
    let single_fit = params.fit(x, y).unwrap();
    let single = theta(&single_fit);
    let zeros = |t: &[f64]| t.iter().map(|v| *v == 0.0).collect::<Vec<bool>>();
    assert!(
        zeros(&single).contains(&true),
        "{what}: no coefficient is 0"
    );
    for size in 1..=3 {
        let fits = on_ranks(size, y.len(), |rank, range| {
            let local = rows_of(x, range.clone());
            let fit = params
                .fit_distributed(&local, &y[range], FitOptions::default(), rank)
                .unwrap();
            let stage = fit.report().stages.last().unwrap();
            assert_eq!(stage.solver.name(), solver, "{what}: {}", stage.reason);
            (theta(&fit), fit.report().iterations)
        });
        for (t, it) in &fits {
            assert_eq!(bits(t), bits(&fits[0].0), "{what}: ranks disagree");
            assert_eq!(*it, fits[0].1);
        }
        let gap = relative_gap(&fits[0].0, &single);
        assert!(gap <= 1e-10, "{what} on {size} ranks: gap {gap:e}");
        assert_eq!(zeros(&fits[0].0), zeros(&single), "{what} on {size} ranks");
    }
}

/// `n` rows of `signal` columns of [`make_logistic`]'s model and `noise` columns that the labels
/// do not depend on (which an L1 penalty sets to 0).
fn with_noise_columns(
    n: usize,
    signal: usize,
    noise: usize,
    seed: u64,
) -> (Dense<'static, f64>, Vec<f64>) {
    let (xs, y) = make_logistic(n, signal, seed).unwrap();
    let (xn, _) = make_logistic(n, noise, seed + 1).unwrap();
    let values: Vec<f64> = (0..n)
        .flat_map(|i| [xs.row(i).unwrap(), xn.row(i).unwrap()].concat())
        .collect();
    (Dense::new(values, n, signal + noise).unwrap(), y)
}

/// The rows `range` of a dense or sparse design.
fn rows_of(x: &Design<'_>, range: Range<usize>) -> Design<'static> {
    match x {
        Design::Dense(m) => dense_rows(m, range),
        Design::Sparse(csr) => {
            let (indptr, indices, values) = csr.arrays();
            let (a, b) = (indptr[range.start], indptr[range.end]);
            let local = Csr::new(
                range.len(),
                csr.n_cols(),
                indptr[range.clone()]
                    .iter()
                    .chain([&b])
                    .map(|p| p - a)
                    .collect::<Vec<_>>(),
                indices[a..b].to_vec(),
                values[a..b].to_vec(),
            )
            .unwrap();
            Design::from(local)
        }
        Design::DenseF32(_) => unreachable!("the tests here use f64 designs"),
    }
}

#[test]
fn l1_and_elastic_net_fits_on_ranks_match_the_single_process_fit() {
    // Few parameters: coordinate descent on the summed Hessian (its Gram mode), and OWL-QN
    // when asked for.
    let (x, y) = with_noise_columns(3000, 5, 5, 21);
    let x = Design::from(x);
    for (penalty, solver, name) in [
        (Penalty::L1 { c: 0.02 }, Solver::Auto, "coordinate-descent"),
        (
            Penalty::ElasticNet {
                c: 0.02,
                l1_ratio: 0.6,
            },
            Solver::Auto,
            "coordinate-descent",
        ),
        (
            Penalty::L1 { c: 0.02 },
            Solver::default_for(logreg_model::SolverKind::OwlQn),
            "owl-qn",
        ),
    ] {
        let params = LogisticRegression::params()
            .penalty(penalty)
            .solver(solver)
            .tol(1e-12)
            .check()
            .unwrap();
        check_l1_split(&params, &x, &y, name, &format!("{penalty:?}, {name}"));
    }
}

#[test]
fn wide_l1_fits_on_ranks_run_owl_qn_and_match_the_single_process_coordinate_descent() {
    // 600 parameters, too many for a formed Hessian: one process copies the columns for its
    // coordinate steps, but on ranks each holds only its rows' columns, so OWL-QN runs there.
    // Both reach the same optimum.
    let (x, y) = make_sparse_logistic(1500, 600, 10, 8).unwrap();
    let x = Design::from(x);
    let params = LogisticRegression::params()
        .penalty(Penalty::L1 { c: 0.5 })
        .tol(1e-12)
        .check()
        .unwrap();
    let single = theta(&params.fit(&x, &y).unwrap());
    for size in 2..=3 {
        let fits = on_ranks(size, y.len(), |rank, range| {
            let fit = params
                .fit_distributed(
                    &rows_of(&x, range.clone()),
                    &y[range],
                    FitOptions::default(),
                    rank,
                )
                .unwrap();
            let stage = &fit.report().stages[0];
            assert_eq!(stage.solver.name(), "owl-qn");
            assert!(
                stage.reason.contains(&format!("on {size} ranks")),
                "{}",
                stage.reason
            );
            theta(&fit)
        });
        for t in &fits {
            assert_eq!(bits(t), bits(&fits[0]));
        }
        let gap = relative_gap(&fits[0], &single);
        assert!(gap <= 1e-10, "{size} ranks: gap {gap:e}");
    }
}

#[test]
fn l1_multinomial_fits_on_ranks_match_the_single_process_fit() {
    let (x, labels) = make_blobs(
        1500,
        &[
            [0.0, 0.0, 1.0, 0.0],
            [1.5, 0.5, 0.0, 0.0],
            [0.5, 2.0, -1.0, 0.0],
        ],
        1.5,
        6,
    )
    .unwrap();
    let flat = |m: &FittedMultinomial<usize>| -> Vec<f64> {
        let mut v: Vec<f64> = m.coefficients().iter().copied().collect();
        v.extend(m.intercepts().iter());
        v
    };
    for penalty in [
        Penalty::L1 { c: 0.01 },
        Penalty::ElasticNet {
            c: 0.01,
            l1_ratio: 0.5,
        },
    ] {
        let params = LogisticRegression::params()
            .penalty(penalty)
            .tol(1e-12)
            .check()
            .unwrap();
        let single = flat(&params.fit_multinomial(&x, &labels).unwrap());
        assert!(single.contains(&0.0), "{penalty:?}: no coefficient is 0");
        for size in 2..=3 {
            let fits = on_ranks(size, labels.len(), |rank, range| {
                let local = x.rows(range.start, range.len()).into_owned();
                flat(
                    &params
                        .fit_multinomial_distributed(
                            &local,
                            &labels[range],
                            MultiFitOptions::default(),
                            rank,
                        )
                        .unwrap(),
                )
            });
            for f in &fits {
                assert_eq!(bits(f), bits(&fits[0]));
            }
            let gap = relative_gap(&fits[0], &single);
            assert!(gap <= 1e-10, "{penalty:?} on {size} ranks: gap {gap:e}");
        }
    }
}
