//! Logistic regression from scratch: a toy set, then banknote authentication.
//!
//! ```sh
//! cargo run --release --example toy_and_banknote [OUTPUT_DIR]
//! ```
//!
//! The tutorial's story: dummy weights classify the toy set badly; gradient descent on the
//! cross-entropy fixes them; the same descent on 1372 real banknotes reaches about 99% test
//! accuracy; and the learning rate decides how fast accuracy rises and the loss falls. The steps
//! live in `logreg_tutorials::toy_and_banknote`; this file runs them in order.

use logreg_tutorials::{self as tutorials, toy_and_banknote as tut};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = tutorials::output_dir("toy_and_banknote", std::env::args_os().nth(1));

    // Part one: the toy set and the dummy weights (w₁, w₂, b) = (-0.4, 0.9, -2).
    let toy = tut::toy()?;
    let labels: Vec<u8> = toy.y.iter().map(|&v| v as u8).collect();
    println!("toy labels:                  {labels:?}");
    println!(
        "predicted by dummy weights:  {:?}",
        tut::classify(&tut::DUMMY_WEIGHTS, &toy.x)
    );

    // Gradient descent from the dummy weights: learning rate 0.1, at most 200 iterations, stop
    // once the loss improves by less than 1e-4. (The tutorial counts iterations from 0, so its
    // "Iteration 0" is our iteration 1, after the first step.)
    println!("\ngradient descent on the toy set:");
    let report = tut::toy_descent(&toy, &mut |it, cost| {
        println!("  iteration {:>3}, cost {cost}", it - 1)
    })?;
    let trained: [f64; 3] = report.x.as_slice().try_into()?;
    println!(
        "  {} after {} iterations; weights {:?}",
        report.stop,
        report.iterations,
        trained.map(|v| (v * 1e8).round() / 1e8)
    );
    println!(
        "predicted by trained weights: {:?}",
        tut::classify(&trained, &toy.x)
    );

    // Part two: the banknotes, unscaled as in the tutorial, split 80/20 with a fixed seed. The
    // tutorial appends a column of ones to learn an intercept; the library fits one itself.
    let (train, test) = tut::banknotes()?;
    println!(
        "\nbanknotes: {} training and {} test notes, {} features",
        train.y.len(),
        test.y.len(),
        train.x.ncols()
    );
    println!(
        "gradient descent, learning rate {}, at most {} iterations, loss-change threshold {:e}:",
        tut::LEARNING_RATE,
        tut::MAX_ITER,
        tut::THRESHOLD
    );
    let mut every_50 = |it: &logreg::optim::Iteration<'_>| {
        if (it.iteration - 1).is_multiple_of(50) {
            println!("  iteration {:>3}, cost {}", it.iteration - 1, it.value);
        }
        logreg::optim::Control::Continue
    };
    let model = tut::train(
        &train,
        tut::LEARNING_RATE,
        tut::MAX_ITER,
        tut::THRESHOLD,
        Some(&mut every_50),
    )?;
    println!(
        "  {} after {} iterations",
        model.report().stop,
        model.report().iterations
    );
    let accuracy = tut::test_accuracy(&model, &test)?;
    let correct = (accuracy * test.y.len() as f64).round();
    println!(
        "test accuracy: {accuracy:.4} ({correct} of {} right; the tutorial: 272 of 274, 0.9927)",
        test.y.len()
    );

    // What the library adds: the exact optimum of the same loss, by Newton's method, in a few
    // iterations instead of 1000 steps that are still descending.
    let exact = tutorials::exact_fit(&train)?;
    println!(
        "Newton's method: {} after {} iterations, training loss {:.5}, test accuracy {:.4}",
        exact.report().stop,
        exact.report().iterations,
        exact.report().history.last().copied().unwrap_or(f64::NAN),
        tut::test_accuracy(&exact, &test)?
    );

    // Accuracy against epochs for two learning rates, loss against iterations for three.
    println!("\ntest accuracy after 10, 50 and 200 epochs:");
    let at = |curve: &[f64], epoch: usize| curve.get(epoch).or(curve.last()).copied();
    let mut accuracy_curves = Vec::new();
    for rate in tut::ACCURACY_RATES {
        let curve = tut::accuracy_by_epoch(&train, &test, rate, tut::CURVE_EPOCHS)?;
        let [a, b, c] = [10, 50, 200].map(|e| at(&curve, e).unwrap_or(f64::NAN));
        println!("  α = {rate:<5} {a:.3}  {b:.3}  {c:.3}");
        accuracy_curves.push(curve);
    }
    println!("training loss after 200 iterations (or where the threshold stopped it):");
    let mut loss_curves = Vec::new();
    for rate in tut::LOSS_RATES {
        let curve = tut::loss_by_iteration(&train, rate, tut::CURVE_EPOCHS)?;
        println!(
            "  α = {rate:<5} {:.4} after {} iterations",
            curve.last().copied().unwrap_or(f64::NAN),
            curve.len() - 1
        );
        loss_curves.push(curve);
    }

    let files = tut::draw(&out, &toy, trained, &accuracy_curves, &loss_curves)?;
    println!("\nCharts written to {}:", out.display());
    for f in files {
        println!("  {}", f.display());
    }
    Ok(())
}
