//! The sigmoid: how a score becomes a probability, and how a probability becomes a loss.
//!
//! ```sh
//! cargo run --release --example sigmoid [OUTPUT_DIR]
//! ```
//!
//! Every "from scratch" tutorial starts by plotting σ(z) = 1 / (1 + e^(−z)). This one also shows
//! what happens in the tails, where the tutorials' `np.log(sigmoid(z))` breaks and the library's
//! loss-from-logits does not. The steps live in `logreg_tutorials::sigmoid`.

use logreg::linalg::sigmoid;
use logreg_tutorials::{self as tutorials, sigmoid as tutorial};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = tutorials::output_dir("sigmoid", std::env::args_os().nth(1));

    // σ squeezes any real score into (0, 1), is ½ at 0 and symmetric: σ(−z) = 1 − σ(z).
    println!("     z    σ(z)");
    for z in [-6.0, -2.0, -1.0, 0.0, 1.0, 2.0, 6.0] {
        println!("{z:>6}  {:.6}", sigmoid(z));
    }

    // A sample's loss is −ln σ(z) if its label is 1 and −ln(1 − σ(z)) if it is 0. Computed from
    // the probability, as the tutorials do, a confident mistake costs "inf": σ(−800) underflows to
    // 0 and σ(40) rounds to exactly 1. Computed from the logit (softplus), it costs what it
    // should: 800 and 40. One such sample would make the tutorials' mean loss infinite and its
    // gradient useless; the library's stays exact.
    println!("\nloss of one sample, from the probability vs from the logit:");
    println!(
        "{:>6}  {:>11}  {:>13}  {:>12}  {:>13}  {:>12}",
        "z", "σ(z)", "label 1 naive", "label 1", "label 0 naive", "label 0"
    );
    for row in tutorial::tail_table(&[-800.0, -40.0, -5.0, 0.0, 5.0, 40.0]) {
        println!(
            "{:>6}  {:>11.4e}  {:>13.6}  {:>12.6}  {:>13.6}  {:>12.6}",
            row.z,
            row.probability,
            row.naive_loss_positive,
            row.loss_positive,
            row.naive_loss_negative,
            row.loss_negative
        );
    }

    let files = tutorial::draw(&out)?;
    println!("\nCharts written to {}:", out.display());
    for f in files {
        println!("  {}", f.display());
    }
    Ok(())
}
