//! Two clusters of points, a line between them: logistic regression on `make_blobs` data.
//!
//! ```sh
//! cargo run --release --example blobs [OUTPUT_DIR]
//! ```
//!
//! 150 points in two Gaussian clusters, generated with a seed so every run sees the same data;
//! gradient descent from random weights; the cost every 100 iterations; and two pictures: the
//! decision boundary over the points and the training-loss curve. The steps live in
//! `logreg_tutorials::blobs`.

use logreg_tutorials::{self as tutorials, blobs};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Seed of the random initial weights.
const INIT_SEED: u64 = 7;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = tutorials::output_dir("blobs", std::env::args_os().nth(1));

    // The data: like scikit-learn's make_blobs(n_samples=150, centers=2, cluster_std=1).
    let data = blobs::make()?;
    let ones = data.y.iter().filter(|&&v| v == 1.0).count();
    println!(
        "{} points around {:?} and {:?} (σ = {}): {} in cluster 0, {ones} in cluster 1",
        data.y.len(),
        blobs::CENTERS[0],
        blobs::CENTERS[1],
        blobs::CLUSTER_STD,
        data.y.len() - ones
    );

    // Random initial weights (w₁, w₂, b), uniform in [-1, 1), from a seeded generator.
    let mut rng = ChaCha8Rng::seed_from_u64(INIT_SEED);
    let initial: [f64; 3] = std::array::from_fn(|_| rng.random_range(-1.0..1.0));
    println!(
        "random initial weights: {:?}",
        initial.map(|v| (v * 1e4).round() / 1e4)
    );

    // Gradient descent, learning rate 0.1, 1000 iterations; the cost every 100.
    let report = blobs::descend(&data, initial, &mut |it, cost| {
        println!("  cost after iteration {it:>4}: {cost:.6}")
    })?;
    let trained: [f64; 3] = report.x.as_slice().try_into()?;
    println!(
        "{} after {} iterations; weights {:?}",
        report.stop,
        report.iterations,
        trained.map(|v| (v * 1e4).round() / 1e4)
    );
    let accuracy = tutorials::accuracy_of(&report.x, &data.x, &data.y);
    println!("training accuracy: {accuracy:.4}");

    // What the library adds: the exact optimum of the same loss, by Newton's method. After 1000
    // fixed-rate steps gradient descent classifies as well but is still on its way: its weights
    // are about half the optimal ones. Newton's method gets there in about ten iterations.
    let exact = tutorials::exact_fit(&data)?;
    let minimum = exact.report().history.last().copied().unwrap_or(f64::NAN);
    println!(
        "Newton's method: {} after {} iterations; weights [{:.4}, {:.4}, {:.4}], cost {minimum:.6}",
        exact.report().stop,
        exact.report().iterations,
        exact.coefficients()[0],
        exact.coefficients()[1],
        exact.intercept(),
    );
    if let Some(warning) = exact.convergence_warning() {
        println!("  the library warns: {warning}");
    }

    let files = blobs::draw(&out, &data, initial, trained, &report.history, minimum)?;
    println!("\nCharts written to {}:", out.display());
    for f in files {
        println!("  {}", f.display());
    }
    Ok(())
}
