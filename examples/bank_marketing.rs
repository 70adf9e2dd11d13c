//! Bank marketing: predicting term-deposit subscriptions, cleaned, trained and evaluated.
//!
//! ```sh
//! cargo run --release --example bank_marketing [OUTPUT_DIR]
//! ```
//!
//! The tutorial's cleaning of `datasets/bank.csv` as one pipeline, gradient descent on the
//! standardized features, and the evaluation the tutorial left for later: the confusion matrix,
//! precision, recall, F1, the ROC curve and its area. Then the library's exact solvers on the
//! same pipeline and the same objective, timed. The steps live in
//! `logreg_tutorials::bank_marketing`.

use logreg_tutorials::{self as tutorials, bank_marketing as bank};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = tutorials::output_dir("bank_marketing", std::env::args_os().nth(1));

    // 11 162 clients, split 80/20 with a fixed seed. Everything the pipeline learns (age bins'
    // levels, one-hot levels, means and standard deviations) is learned on the training rows.
    let (train, test) = bank::load()?;
    println!(
        "{} training clients, {} test clients",
        train.n_rows(),
        test.n_rows()
    );

    // Gradient descent, learning rate 0.1, 1000 iterations, L2 with C = 1 (scikit-learn's
    // default objective, so the exact solvers below can be compared with it).
    let gd = bank::fit(&train, logreg::model::SolverKind::Gd)?;
    let clf = &gd.classifier;
    println!(
        "{} features after cleaning: {}, …",
        clf.feature_names().len(),
        clf.feature_names()[..8].join(", ")
    );
    println!(
        "gradient descent: {} after {} iterations, {:.2?}",
        clf.model().report().stop,
        clf.model().report().iterations,
        gd.elapsed
    );

    // The evaluation on the held-out clients.
    let eval = bank::evaluate(clf, &test)?;
    let cm = &eval.confusion;
    println!("\nconfusion matrix (rows: truth, columns: prediction)");
    println!("             no    yes");
    println!("  no  {:>9} {:>6}", cm.tn, cm.fp);
    println!("  yes {:>9} {:>6}", cm.fn_, cm.tp);
    println!(
        "accuracy {:.4}  precision {:.4}  recall {:.4}  F1 {:.4}  ROC AUC {:.4}  log loss {:.4}",
        eval.accuracy,
        eval.precision,
        eval.recall,
        eval.f1,
        eval.roc_auc.unwrap_or(f64::NAN),
        eval.log_loss
    );
    println!("\n{}", bank::report(clf, &test)?);
    let roc = bank::roc(clf, &test)?;

    // What the library adds: the same pipeline and objective, solved exactly. The objective is
    // scikit-learn's C·Σ loss + ½‖w‖² on the training rows; Newton's value is the optimum.
    let mut fits = vec![gd];
    for solver in [
        logreg::model::SolverKind::Lbfgs,
        logreg::model::SolverKind::Newton,
    ] {
        fits.push(bank::fit(&train, solver)?);
    }
    println!("solver   iterations        time        objective   test accuracy   ROC AUC");
    for f in &fits {
        let r = f.classifier.model().report();
        let e = bank::evaluate(&f.classifier, &test)?;
        println!(
            "{:<8} {:>10} {:>11.2?} {:>16.6} {:>15.4} {:>9.4}",
            f.solver.name(),
            r.iterations,
            f.elapsed,
            r.objective,
            e.accuracy,
            e.roc_auc.unwrap_or(f64::NAN)
        );
    }

    let files = bank::draw(&out, &roc, eval.roc_auc.unwrap_or(f64::NAN), &fits)?;
    println!("\nCharts written to {}:", out.display());
    for f in files {
        println!("  {}", f.display());
    }
    Ok(())
}
