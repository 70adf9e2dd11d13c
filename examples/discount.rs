//! Smart discounts: which customers of an online store should get a discount code?
//!
//! ```sh
//! cargo run --release --example discount [OUTPUT_DIR]
//! ```
//!
//! The story of the "smart discounts" tutorial, retold: 9 customers, the amount each spent and
//! whether they were sent a code. A first model without an intercept gets stuck at a loss of
//! 0.419; the debugging session finds the missing intercept; the fixed model sends a code to a
//! new customer who spent $10 and not to one who spent $250. The steps live in
//! `logreg_tutorials::discount` (so `crates/tutorials/tests/tutorials.rs` can check them); this
//! file runs them in order and prints what the tutorial printed.

use logreg_tutorials::{self as tutorials, discount};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = tutorials::output_dir("discount", std::env::args_os().nth(1));

    // The data: amount spent (dollars, unscaled) and whether a code was sent.
    let customers = discount::load()?;
    println!("amount_spent  send_discount");
    for (x, y) in customers.amount_spent.iter().zip(&customers.send_discount) {
        println!("{x:>12}  {y:>13}");
    }

    // First attempt: p = σ(w · amount_spent), gradient descent at learning rate 0.01. The
    // tutorial prints the loss every 10 000 iterations and watches it refuse to move; here it
    // stops moving so early that we print it every 10.
    println!(
        "\nGradient descent without an intercept (learning rate {}, up to {} iterations):",
        discount::LEARNING_RATE,
        discount::MAX_ITER
    );
    let mut print_loss = |it: usize, loss: f64| println!("  iteration {it:>6}: loss {loss}");
    let no_intercept = discount::train(&customers, false, 10, &mut print_loss)?;
    let r = no_intercept.report();
    println!(
        "  {} after {} iterations: loss {}, w = {:.6}",
        r.stop,
        r.iterations,
        r.history.last().copied().unwrap_or(f64::NAN),
        no_intercept.coefficients()[0]
    );
    // Not a bug in the descent: 0.41899… is the smallest loss any line through the origin can
    // reach. A customer who spent $0 gets σ(w·0) = ½ whatever w is, so the model cannot put its
    // 50% point anywhere but $0, and every customer with a positive spend gets P < ½: no one
    // would ever be sent a code. The library stops as soon as the gradient vanishes (norm below
    // 1e-8) instead of spending the remaining iterations on the same number.
    for d in discount::decide(&no_intercept, &discount::NEW_CUSTOMERS)? {
        println!(
            "  a customer who spent ${}: P(send) = {:.3} → {}",
            d.amount_spent, d.probability, d.send
        );
    }

    // The fix: an intercept, p = σ(w · amount_spent + b). Same learning rate, same budget.
    println!("\nGradient descent with an intercept:");
    let with_intercept = discount::train(&customers, true, discount::LOG_EVERY, &mut print_loss)?;
    let r = with_intercept.report();
    println!(
        "  {} after {} iterations: loss {:.6}, w = {:.5}, b = {:.5}",
        r.stop,
        r.iterations,
        r.history.last().copied().unwrap_or(f64::NAN),
        with_intercept.coefficients()[0],
        with_intercept.intercept()
    );
    println!(
        "  the model sends a code below ${:.2} spent",
        -with_intercept.intercept() / with_intercept.coefficients()[0]
    );
    // What the library adds: it notices that the classes are perfectly separable, so the loss
    // has no minimum and the weights would grow forever with more iterations. The decisions are
    // sound; the probabilities are as confident as the iteration budget allowed.
    if discount::is_separable(&with_intercept) {
        if let Some(w) = with_intercept.convergence_warning() {
            println!("  the library warns: {w}");
        }
    }

    println!("\nThe two new customers:");
    let decisions = discount::decide(&with_intercept, &discount::NEW_CUSTOMERS)?;
    for d in &decisions {
        println!(
            "  spent ${:>3}: P(send) = {:.4} → {} ({})",
            d.amount_spent,
            d.probability,
            d.send,
            if d.send == 1 { "send" } else { "don't send" }
        );
    }
    let sends: Vec<u8> = decisions.iter().map(|d| d.send).collect();
    println!("  predictions: {sends:?} (the tutorial's: [1, 0])");

    let files = discount::draw(&out, &customers, &no_intercept, &with_intercept)?;
    println!("\nCharts written to {}:", out.display());
    for f in files {
        println!("  {}", f.display());
    }
    Ok(())
}
