//! Logistic regression with a neural-network mindset, step by step.
//!
//! ```sh
//! cargo run --release --example step_by_step [OUTPUT_DIR]
//! ```
//!
//! The classic notebook's structure: initialize the parameters to zero, propagate (forward: cost;
//! backward: gradients), optimize by gradient descent, predict, and assemble it all into a model
//! that reports train and test accuracy. Each step is a function in
//! `logreg_tutorials::step_by_step`, built on `logreg::loss::LogLoss` rather than on
//! hand-written math; this file calls them in the notebook's order.

use logreg_tutorials::{self as tutorials, step_by_step as nn};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = tutorials::output_dir("step_by_step", std::env::args_os().nth(1));

    // The data: banknotes, 80/20, standardized with the training rows' statistics.
    let (train, test) = nn::load_dataset()?;
    println!(
        "training examples: {}, test examples: {}, features: {}",
        train.y.len(),
        test.y.len(),
        train.x.ncols()
    );

    // Step 1: zeros. (Unlike a deeper network, logistic regression has no symmetry to break: its
    // loss is convex, and zero is as good a start as any.)
    let (w, b) = nn::initialize_with_zeros(train.x.ncols());
    println!("initialize_with_zeros: w = {:?}, b = {b}", w.as_slice());

    // Step 2: the notebook checks propagate on a tiny example before trusting it. The gradients
    // agree to every digit it prints; the cost differs in the 13th digit, and ours is the right
    // one (5.80154531939415026 to 20 digits): the notebook's ln(1 − σ(12)) loses about three
    // digits to cancellation, while the loss computed from the logit, softplus(12), loses none.
    let check = nn::propagate_check()?;
    println!(
        "propagate check: cost = {}, dw = {:?}, db = {} (notebook: 5.801545319394553, \
         [0.99845601, 2.39507239], 0.00145557813678)",
        check.cost,
        check.dw.as_slice(),
        check.db
    );

    // Steps 3 to 5: optimize with learning rate 0.5 for 2000 iterations, printing the cost every
    // 100, then predict both sets and score them.
    println!(
        "\nmodel: learning rate {}, {} iterations",
        nn::LEARNING_RATE,
        nn::NUM_ITERATIONS
    );
    let result = nn::model(
        &train,
        &test,
        nn::NUM_ITERATIONS,
        nn::LEARNING_RATE,
        &mut |i, cost| println!("  cost after iteration {i}: {cost:.6}"),
    )?;
    println!("train accuracy: {:.2} %", 100.0 * result.train_accuracy);
    println!("test accuracy:  {:.2} %", 100.0 * result.test_accuracy);
    println!(
        "w = {:?}, b = {:.4}",
        result
            .optimized
            .w
            .map(|v| (v * 1e4).round() / 1e4)
            .as_slice(),
        result.optimized.b
    );

    // The notebook's closing experiment: the same model at smaller learning rates.
    let mut runs = vec![result];
    for &rate in &nn::COMPARED_RATES[1..] {
        let r = nn::model(&train, &test, nn::NUM_ITERATIONS, rate, &mut |_, _| {})?;
        println!(
            "learning rate {rate}: final recorded cost {:.4}, train {:.2} %, test {:.2} %",
            r.optimized.costs.last().copied().unwrap_or(f64::NAN),
            100.0 * r.train_accuracy,
            100.0 * r.test_accuracy
        );
        runs.push(r);
    }

    let files = nn::draw(&out, &runs)?;
    println!("\nCharts written to {}:", out.display());
    for f in files {
        println!("  {}", f.display());
    }
    Ok(())
}
