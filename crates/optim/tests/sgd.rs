//! Mini-batch SGD: the default reaches a logistic optimum, runs are reproducible, every schedule
//! makes progress, and blow-ups are reported.
mod common;

use common::*;
use logreg_optim::{Control, Iteration, LearningRate, NoObserver, Objective, Sgd, Solver, Stop};
use nalgebra::DVector;

#[test]
fn default_reaches_the_logistic_optimum_within_1e_3_without_tuning() {
    let f = logistic_problem();
    let optimum = logistic_optimum(&f);
    for seed in [0, 1, 2] {
        let r = Sgd::default()
            .seed(seed)
            .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
            .unwrap();
        assert_sane(&r);
        let gap = r.value - optimum.value;
        assert!(
            (0.0..1e-3).contains(&gap),
            "seed {seed}: gap {gap:e}, {:?}",
            r.stop
        );
        assert!(r.converged(), "seed {seed}: {:?}", r.stop);
    }
}

#[test]
fn same_seed_gives_a_bit_identical_report_and_another_seed_a_different_one() {
    let f = logistic_problem();
    let sgd = Sgd::default().max_epochs(5);
    let run = |seed| {
        sgd.seed(seed)
            .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
            .unwrap()
    };
    let (a, b, c) = (run(11), run(11), run(12));
    assert_eq!(a.x, b.x);
    assert_eq!(a.history, b.history);
    assert_eq!(
        (a.iterations, a.epochs, a.stop),
        (b.iterations, b.epochs, b.stop)
    );
    assert_ne!(a.x, c.x);
    assert_ne!(a.history[1..], c.history[1..]);
}

#[test]
fn report_counts_steps_and_epochs_and_the_history_is_per_epoch() {
    let truth = DVector::from_row_slice(&[1.0, -1.0, 0.5]);
    let f = LeastSquares::consistent(100, &truth, 3);
    let mut epochs_seen = Vec::new();
    let r = Sgd::default()
        .batch_size(30)
        .max_epochs(4)
        .minimize(&f, DVector::zeros(3), &mut |it: &Iteration<'_>| {
            epochs_seen.push(it.iteration);
            Control::Continue
        })
        .unwrap();
    assert_sane(&r);
    assert_eq!(r.epochs, Some(4));
    assert_eq!(
        r.iterations,
        4 * 4,
        "100 samples in batches of 30: 4 steps per epoch"
    );
    assert_eq!(r.history[0], f.value(&DVector::zeros(3)).unwrap());
    assert_eq!(epochs_seen, [1, 2, 3, 4]);
    assert_eq!(r.stop, Stop::MaxIterations);
}

#[test]
fn every_schedule_with_and_without_momentum_and_averaging_reduces_least_squares() {
    let truth = DVector::from_row_slice(&[2.0, -1.0, 0.5, 3.0]);
    let f = LeastSquares::consistent(400, &truth, 5);
    let x0 = DVector::zeros(4);
    let f0 = f.value(&x0).unwrap();
    let schedules = [
        LearningRate::Constant { eta0: 0.05 },
        LearningRate::InvScaling {
            eta0: 0.1,
            power_t: 0.25,
        },
        LearningRate::Adaptive { eta0: 0.1 },
    ];
    for lr in schedules {
        for momentum in [0.0, 0.9] {
            for average in [false, true] {
                for batch_size in [1, 16] {
                    let r = Sgd::default()
                        .learning_rate(lr)
                        .momentum(momentum)
                        .average(average)
                        .batch_size(batch_size)
                        .max_epochs(30)
                        .minimize(&f, x0.clone(), &mut NoObserver)
                        .unwrap();
                    assert_sane(&r);
                    let case =
                        format!("{lr:?} momentum {momentum} average {average} b {batch_size}");
                    assert!(r.value < 1e-3 * f0, "{case}: {} vs {f0}", r.value);
                    assert!((&r.x - &truth).norm() < 0.05, "{case}: {}", r.x);
                }
            }
        }
    }
}

#[test]
fn constant_step_converges_to_the_exact_minimizer_when_every_sample_agrees() {
    // Consistent data: every sample's gradient vanishes at x*, so SGD has no noise floor.
    let truth = DVector::from_row_slice(&[1.5, -0.5]);
    let f = LeastSquares::consistent(200, &truth, 8);
    let r = Sgd::default()
        .learning_rate(LearningRate::Constant { eta0: 0.1 })
        .average(false)
        .tol(0.0)
        .max_epochs(200)
        .minimize(&f, DVector::zeros(2), &mut NoObserver)
        .unwrap();
    assert!((&r.x - &truth).norm() < 1e-10, "{} ({:?})", r.x, r.stop);
}

#[test]
fn adaptive_schedule_stops_converged_once_the_rate_has_decayed() {
    let f = logistic_problem();
    let r = Sgd::default()
        .learning_rate(LearningRate::Adaptive { eta0: 0.5 })
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert_eq!(r.stop, Stop::LossChangeBelowThreshold);
    // 0.5 / 5^k < 1e-6 needs k = 9 divisions, each after 5 epochs without progress.
    assert!(r.epochs.unwrap() >= 45, "{:?}", r.epochs);
}

#[test]
fn constant_schedule_stops_after_n_iter_no_change_epochs_without_progress() {
    let f = logistic_problem();
    let r = Sgd::default()
        .learning_rate(LearningRate::Constant { eta0: 0.1 })
        .tol(1e-3)
        .n_iter_no_change(3)
        .minimize(&f, DVector::zeros(f.dim()), &mut NoObserver)
        .unwrap();
    assert_eq!(r.stop, Stop::LossChangeBelowThreshold);
    let h = &r.history;
    let n = h.len();
    let best_before = h[..n - 3].iter().cloned().fold(f64::INFINITY, f64::min);
    assert!(h[n - 3..].iter().all(|&v| v > best_before - 1e-3));
}

#[test]
fn a_huge_learning_rate_is_reported_as_diverged_with_a_finite_point() {
    let truth = DVector::from_row_slice(&[1.0, 2.0]);
    let f = LeastSquares::consistent(50, &truth, 1);
    let x0 = DVector::from_row_slice(&[0.1, 0.1]);
    for lr in [
        LearningRate::Constant { eta0: 50.0 },
        LearningRate::Adaptive { eta0: 1e200 },
    ] {
        let r = Sgd::default()
            .learning_rate(lr)
            .minimize(&f, x0.clone(), &mut NoObserver)
            .unwrap();
        assert_sane(&r);
        assert_eq!(r.stop, Stop::Diverged, "{lr:?}");
        assert!(r.value <= f.value(&x0).unwrap());
        assert!(r.epochs.unwrap() < 20, "{lr:?}: {:?}", r.epochs);
    }
}

#[test]
fn batch_size_larger_than_the_data_is_one_full_batch_per_epoch() {
    let truth = DVector::from_row_slice(&[1.0, 2.0]);
    let f = LeastSquares::consistent(10, &truth, 1);
    let r = Sgd::default()
        .batch_size(1000)
        .max_epochs(3)
        .minimize(&f, DVector::zeros(2), &mut NoObserver)
        .unwrap();
    assert_eq!(r.iterations, 3);
}

/// ½‖x − 1‖² averaged over no samples: only the sample-free part is left.
struct NoSamples;
impl Smooth for NoSamples {
    fn batches(&self) -> Option<&dyn Batches> {
        Some(self)
    }
    fn dim_(&self) -> usize {
        2
    }
    fn f(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        g.copy_from(&x.add_scalar(-1.0));
        0.5 * g.norm_squared()
    }
}
impl Batches for NoSamples {
    fn n_samples_(&self) -> usize {
        0
    }
    fn fb(&self, _: &DVector<f64>, _: &[usize], _: &mut DVector<f64>) -> f64 {
        unreachable!("no samples to batch")
    }
}

#[test]
fn an_objective_without_samples_is_stepped_on_its_full_gradient() {
    let r = Sgd::default()
        .learning_rate(LearningRate::Constant { eta0: 0.5 })
        .average(false)
        .tol(0.0)
        .max_epochs(100)
        .minimize(&NoSamples, DVector::zeros(2), &mut NoObserver)
        .unwrap();
    assert_sane(&r);
    assert!((r.x[0] - 1.0).abs() < 1e-12, "{}", r.x);
}

#[test]
fn observer_can_stop_after_an_epoch() {
    let f = logistic_problem();
    let r = Sgd::default()
        .minimize(&f, DVector::zeros(f.dim()), &mut |it: &Iteration<'_>| {
            if it.iteration == 2 {
                Control::Stop
            } else {
                Control::Continue
            }
        })
        .unwrap();
    assert_eq!((r.stop, r.epochs), (Stop::ObserverRequested, Some(2)));
    assert_eq!(r.history.len(), 3);
}

objective!(NoSamples);
