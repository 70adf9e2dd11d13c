//! The foundation's kernels: sigmoid over 10⁶ values, `dot`, and one loss-and-gradient evaluation
//! at 10³, 10⁵ and 10⁶ rows × 50 columns (seeded synthetic data generated here, not stored).

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use logreg::linalg::{dot, sigmoid_in_place};
use logreg::loss::LogLoss;
use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn data(n: usize, d: usize, seed: u64) -> (DMatrix<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = DMatrix::from_fn(n, d, |_, _| rng.random::<f64>() * 2.0 - 1.0);
    let y = (0..n).map(|_| f64::from(rng.random::<bool>())).collect();
    (x, y)
}

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

fn bench_loss_gradient(c: &mut Criterion) {
    let mut g = c.benchmark_group("loss_gradient");
    g.sample_size(20);
    for n in [1_000usize, 100_000, 1_000_000] {
        let (x, y) = data(n, 50, 3);
        let loss = LogLoss::new(&x, &y).expect("valid synthetic data");
        drop(x);
        let theta = DVector::from_element(51, 0.01);
        let mut grad = DVector::zeros(51);
        g.throughput(Throughput::Bytes((n * 50 * 8) as u64));
        g.bench_with_input(BenchmarkId::new("rows_x50", n), &n, |b, _| {
            b.iter(|| loss.value_grad(black_box(&theta), &mut grad))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_sigmoid, bench_dot, bench_loss_gradient);
criterion_main!(benches);
