//! The kernels against the machine's limit: the streaming-read floor (the sum of every element of
//! X, read in the same parallel blocks as a gradient pass), one loss-and-gradient pass and one
//! Hessian, on `make_logistic` data of 200 000 and 1 000 000 rows × 50 features (seed 42, the
//! comparison script's data) stored as f64 and as f32, a sparse set shaped like RCV1
//! (`make_sparse_logistic`, 200 000 × 50 000, 75 values a row), a gradient at 10³ and 10⁵ rows,
//! sigmoid over 10⁶ values and `dot`.
//!
//! Throughput is in bytes of X, so the floor's figure is the memory bandwidth both cores reach and
//! the gradient's is how close a pass comes to it. `cargo bench --bench gradient` takes about two
//! minutes.

// `criterion_group!` defines a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use logreg::linalg::Design;
use logreg::linalg::{dot, sigmoid_in_place};
use logreg::loss::LogLoss;
use logreg::model::datasets::{make_logistic, make_sparse_logistic};
use nalgebra::DVector;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Duration;

/// Features of the synthetic sets.
const D: usize = 50;
/// Seed of the synthetic sets, shared with `benches/compare/`.
const SEED: u64 = 42;

fn bench_sigmoid(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let z: Vec<f64> = (0..1_000_000)
        .map(|_| rng.random::<f64>() * 40.0 - 20.0)
        .collect();
    let mut g = c.benchmark_group("sigmoid");
    g.throughput(Throughput::Elements(z.len() as u64));
    g.bench_function("1e6", |b| {
        let mut buf = z.clone();
        b.iter(|| {
            buf.copy_from_slice(&z);
            sigmoid_in_place(black_box(&mut buf));
        })
    });
    g.finish();
}

fn bench_dot(c: &mut Criterion) {
    let mut g = c.benchmark_group("dot");
    for n in [50usize, 1_000_000] {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let a: Vec<f64> = (0..n).map(|_| rng.random()).collect();
        let b: Vec<f64> = (0..n).map(|_| rng.random()).collect();
        g.throughput(Throughput::Bytes((16 * n) as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |bch, _| {
            bch.iter(|| dot(black_box(&a), black_box(&b)))
        });
    }
    g.finish();
}

/// The floor, a gradient pass and a Hessian at one size, measured back to back on the same data,
/// for f64 and for the same values stored as f32 (half the bytes: the f32 pass should take at most
/// 0.6 × the f64 one).
fn bench_passes(c: &mut Criterion) {
    for n in [200_000usize, 1_000_000] {
        let (x64, y) = make_logistic(n, D, SEED).expect("valid shape");
        let x32 = Design::from(x64.to_f32());
        let x64 = Design::from(x64);
        let theta = DVector::from_fn(D + 1, |j, _| 0.02 * (j as f64 - 25.0) / 25.0);
        let mut grad = DVector::zeros(D + 1);
        for (x, suffix) in [(&x64, ""), (&x32, "-f32")] {
            let loss = LogLoss::new(x, &y).expect("labels are 0/1");
            let bytes = Throughput::Bytes(x.bytes() as u64);
            let id = format!("{n}x{D}{suffix}");

            let mut g = c.benchmark_group("read_floor");
            g.sample_size(10).measurement_time(Duration::from_secs(4));
            g.throughput(bytes.clone());
            g.bench_function(&id, |b| b.iter(|| black_box(x.sum_all(x.all_rows()))));
            g.finish();

            let mut g = c.benchmark_group("gradient");
            g.sample_size(10).measurement_time(Duration::from_secs(4));
            g.throughput(bytes.clone());
            g.bench_function(&id, |b| {
                b.iter(|| loss.value_grad(black_box(&theta), &mut grad))
            });
            g.finish();

            if suffix.is_empty() {
                let mut g = c.benchmark_group("hessian");
                g.sample_size(10).measurement_time(Duration::from_secs(6));
                g.throughput(bytes);
                g.bench_function(&id, |b| b.iter(|| loss.hessian(black_box(&theta))));
                g.finish();
            }
        }
    }
}

/// A sparse pass on a seeded set shaped like RCV1 (200 000 × 50 000, 75 values a row), against
/// reading its CSR arrays once: the pass should take at most 1.5 × the read.
fn bench_sparse(c: &mut Criterion) {
    let (n, d, nnz) = (200_000usize, 50_000usize, 75usize);
    let (x, y) = make_sparse_logistic(n, d, nnz, SEED).expect("valid shape");
    let x = Design::from(x);
    let loss = LogLoss::new(&x, &y).expect("labels are 0/1");
    let theta = DVector::from_fn(d + 1, |j, _| 0.01 * ((j % 7) as f64 - 3.0));
    let mut grad = DVector::zeros(d + 1);
    let id = format!("{n}x{d}-sparse");
    let bytes = Throughput::Bytes(x.bytes() as u64);
    let mut g = c.benchmark_group("read_floor");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.throughput(bytes.clone());
    g.bench_function(&id, |b| b.iter(|| black_box(x.sum_all(x.all_rows()))));
    g.finish();
    let mut g = c.benchmark_group("gradient");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.throughput(bytes);
    g.bench_function(&id, |b| {
        b.iter(|| loss.value_grad(black_box(&theta), &mut grad))
    });
    g.finish();
}

/// Loss and gradient at the foundation's sizes, 10³ and 10⁵ rows × 50 (10⁶ is in `bench_passes`).
fn bench_small_gradients(c: &mut Criterion) {
    let mut g = c.benchmark_group("gradient");
    g.sample_size(20);
    for n in [1_000usize, 100_000] {
        let (x, y) = make_logistic(n, D, SEED).expect("valid shape");
        let x = Design::from(x);
        let loss = LogLoss::new(&x, &y).expect("labels are 0/1");
        let theta = DVector::from_fn(D + 1, |j, _| 0.02 * (j as f64 - 25.0) / 25.0);
        let mut grad = DVector::zeros(D + 1);
        g.throughput(Throughput::Bytes((n * D * 8) as u64));
        g.bench_function(format!("{n}x{D}"), |b| {
            b.iter(|| loss.value_grad(black_box(&theta), &mut grad))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_passes,
    bench_sparse,
    bench_small_gradients,
    bench_sigmoid,
    bench_dot
);
criterion_main!(benches);
