//! Whole fits through the public builder, one per solver and data set, with scikit-learn's default
//! objective (L2, C = 1, an intercept): banknote (standardized), bank (the tutorial's pipeline,
//! standardized), `make_logistic` 200 000 × 50 and 1 000 000 × 50 (seed 42, the comparison
//! script's data) and a wide 10 000 × 1 000 set. Gradient descent and SGD run on the two small sets
//! only; Newton and L-BFGS everywhere, which is what `SolverKind::Auto` chooses between.
//!
//! A fit includes what `fit` does besides the solver (checks, the sample-major copy of X, the
//! report), as a user would time it. Before each data set the bench prints every solver's
//! iteration count and objective, so the times can be read against the work done.
//! `cargo bench --bench solvers` takes about two and a half minutes on 2 cores.

// `criterion_group!` defines a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use logreg::linalg::Design;
use logreg::model::datasets::make_logistic;
use logreg::model::{LogisticRegression, SolverKind, ValidParams};
use logreg::preprocess::{read_csv, recipes, CsvOptions, Pipeline};
use std::time::Duration;

/// Seed of the synthetic sets, shared with `benches/compare/`.
const SEED: u64 = 42;

fn dataset(name: &str) -> String {
    format!("{}/datasets/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// banknote.csv: 1372 × 4, every feature standardized.
fn banknote() -> (Design<'static>, Vec<f64>) {
    let table = read_csv(dataset("banknote.csv"), &CsvOptions::new()).expect("bundled data set");
    let y = table.numeric_values("class").expect("numeric labels");
    let x = Pipeline::new()
        .drop(["class"])
        .standardize_all()
        .fit_transform(&table)
        .expect("numeric features");
    (x.design, y)
}

/// bank.csv through the tutorial's cleaning: 11 162 × 45, standardized.
fn bank() -> (Design<'static>, Vec<f64>) {
    let table = read_csv(dataset("bank.csv"), &CsvOptions::new()).expect("bundled data set");
    let y = recipes::bank_marketing_target(&table).expect("yes/no target");
    let x = recipes::bank_marketing_pipeline()
        .fit_transform(&table)
        .expect("the recipe fits its own data set");
    (x.design, y)
}

fn params(solver: SolverKind) -> ValidParams {
    LogisticRegression::params()
        .c(1.0)
        .fit_intercept(true)
        .solver(solver)
        .check()
        .expect("valid settings")
}

/// Fit each solver on one data set: print what it did once, then time it.
fn bench_set(c: &mut Criterion, name: &str, x: &Design<'_>, y: &[f64], solvers: &[SolverKind]) {
    for &solver in solvers {
        let m = params(solver).fit(x, y).expect("fit");
        let r = m.report();
        eprintln!(
            "{name} {}: {} iterations, J = {:.12e}, ‖∇L‖ = {:.1e}, {}",
            solver.name(),
            r.iterations,
            r.objective,
            r.grad_norm,
            r.stop
        );
    }
    let mut g = c.benchmark_group(format!("fit/{name}"));
    let big = x.stored_values() >= 1_000_000;
    if big {
        // Each fit takes long enough that one per sample is the measurement.
        g.sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(500));
    }
    g.sample_size(10)
        .measurement_time(Duration::from_secs(if big { 3 } else { 2 }));
    for &solver in solvers {
        let p = params(solver);
        g.bench_function(BenchmarkId::from_parameter(solver.name()), |b| {
            b.iter(|| p.fit(x, y).expect("fit"))
        });
    }
    g.finish();
}

fn bench_fits(c: &mut Criterion) {
    use SolverKind::{Gd, Lbfgs, Newton, Sgd};
    let (x, y) = banknote();
    bench_set(c, "banknote", &x, &y, &[Newton, Lbfgs, Gd, Sgd]);
    let (x, y) = bank();
    bench_set(c, "bank", &x, &y, &[Newton, Lbfgs, Gd, Sgd]);
    for (n, d) in [(200_000, 50), (1_000_000, 50), (10_000, 1_000)] {
        let (x, y) = make_logistic(n, d, SEED).expect("valid shape");
        let x = Design::from(x);
        bench_set(c, &format!("{n}x{d}"), &x, &y, &[Newton, Lbfgs]);
    }
}

criterion_group!(benches, bench_fits);
criterion_main!(benches);
