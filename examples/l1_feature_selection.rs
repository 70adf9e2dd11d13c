//! Feature selection with an L1 penalty on the bank-marketing data: the regularization path and
//! C chosen by cross-validation.
//!
//! ```sh
//! cargo run --release --example l1_feature_selection [OUTPUT_DIR]
//! ```
//!
//! The tutorial's cleaning of `datasets/bank.csv` (45 standardized features), 20% of the clients
//! held out; on the rest an L1 penalty over 20 values of C from `C_min` (where every coefficient
//! is exactly zero) up, 5-fold cross-validated by log loss. Prints the table, the features the
//! best C keeps and the sparser set the 1-SE rule keeps, the held-out scores, and writes the path
//! chart. The steps live in `logreg_tutorials::feature_selection`.

use logreg_tutorials::{self as tutorials, feature_selection as fs};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = tutorials::output_dir("l1_feature_selection", std::env::args_os().nth(1));
    let started = std::time::Instant::now();
    let s = fs::select()?;
    println!(
        "{} features; {} training and {} held-out clients; path, {}-fold CV and refit in {:.2?}",
        s.trained.classifier.feature_names().len(),
        s.train_rows.len(),
        s.test_rows.len(),
        fs::FOLDS,
        started.elapsed()
    );
    let table = &s.cv.paths[0];
    println!(
        "C_min = {:.4e}: below it every coefficient is exactly 0\n",
        table.c_min.unwrap_or(f64::NAN)
    );
    println!(
        "{:>12}  {:>9}  {:>9}  {:>8}",
        "C", "log loss", "sd", "nonzero"
    );
    for r in &table.rows {
        let mark = if r.c == s.cv.best.c {
            "  <- best"
        } else if r.c == s.cv.one_se.c {
            "  <- 1-SE"
        } else {
            ""
        };
        println!(
            "{:>12.4e}  {:>9.5}  {:>9.5}  {:>8.1}{mark}",
            r.c, r.mean, r.std, r.nonzero
        );
    }

    for (what, c) in [("best", s.cv.best.c), ("1-SE", s.cv.one_se.c)] {
        let kept = fs::kept_at(&s, c);
        let mut by_size = kept.clone();
        by_size.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let top: Vec<String> = by_size
            .iter()
            .take(8)
            .map(|(n, w)| format!("{n} {w:+.3}"))
            .collect();
        println!(
            "\n{what} C = {c:.4e} keeps {} features; the largest: {}",
            kept.len(),
            top.join(", ")
        );
    }

    let clf = &s.trained.classifier;
    let eval = clf.evaluate_on(
        &s.trained.features.design,
        &s.trained.labels,
        Some(&s.test_rows),
    )?;
    println!(
        "\nheld-out clients at the best C: accuracy {:.4}, ROC AUC {:.4}, log loss {:.4}",
        eval.accuracy,
        eval.roc_auc.unwrap_or(f64::NAN),
        eval.log_loss
    );
    println!("chart: {}", fs::path_chart(&s, &out)?.display());
    Ok(())
}
