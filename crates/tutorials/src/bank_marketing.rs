//! Bank marketing: will a client subscribe to a term deposit after the call?
//!
//! The tutorial cleans `datasets/bank.csv` (bins age, drops `age` and `day`, maps the yes/no
//! flags to 1/0, one-hot encodes seven categorical columns dropping the first level,
//! standardizes everything: [`bank_marketing_pipeline`]), trains logistic regression by gradient
//! descent and stops at the accuracy. Here the pipeline is fitted on the training rows only (so
//! no test statistic leaks into the scaling), and the evaluation the tutorial left for later
//! follows: the confusion matrix, precision, recall, F1, the ROC curve and its area. Then the same
//! pipeline and the same objective (scikit-learn's default, L2 with C = 1) are fitted by L-BFGS and
//! Newton, which reach the exact optimum in a few dozen and a handful of iterations, where 1000
//! fixed-rate gradient steps stop short of it.

use super::{read, save};
use crate::Error;
use logreg::evaluate::{
    classification_report, roc_curve, train_test_split, ClassificationReport, RocCurve,
};
use logreg::model::{LogisticRegression, Solver, SolverKind};
use logreg::preprocess::recipes::{bank_marketing_pipeline, BANK_TARGET};
use logreg::preprocess::Table;
use logreg::{labels_of, Classifier, Evaluation};
use logreg_plot::{roc_chart, Chart};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Seed of the train/test split.
pub const SPLIT_SEED: u64 = 42;
/// Fraction of clients held out for testing.
pub const TEST_SIZE: f64 = 0.2;
/// Learning rate of gradient descent.
pub const LEARNING_RATE: f64 = 0.1;
/// Iterations of gradient descent.
pub const MAX_ITER: usize = 1000;
/// The solvers compared, gradient descent first.
pub const SOLVERS: [SolverKind; 3] = [SolverKind::Gd, SolverKind::Lbfgs, SolverKind::Newton];

/// `datasets/bank.csv` split 80/20 with [`SPLIT_SEED`]: `(train, test)` tables, target included.
pub fn load() -> Result<(Table, Table), Error> {
    let bank = read("bank.csv")?;
    let split = train_test_split(bank.n_rows(), TEST_SIZE, SPLIT_SEED)?;
    Ok((bank.take(&split.train)?, bank.take(&split.test)?))
}

/// A classifier and how long fitting it (pipeline included) took.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The solver used.
    pub solver: SolverKind,
    /// The fitted pipeline and model.
    pub classifier: Classifier,
    /// Wall-clock time of the fit.
    pub elapsed: Duration,
}

/// Fit the tutorial's pipeline and an L2 (C = 1) logistic regression on `train` with `solver`
/// (gradient descent runs at [`LEARNING_RATE`] for [`MAX_ITER`] iterations; the others to their
/// own tolerance).
pub fn fit(train: &Table, solver: SolverKind) -> Result<Fit, Error> {
    let mut params = LogisticRegression::params().c(1.0).solver(solver);
    if solver == SolverKind::Gd {
        params = params.solver(Solver::gd(LEARNING_RATE)).max_iter(MAX_ITER);
    }
    let params = params.check()?;
    let start = Instant::now();
    let classifier = Classifier::fit(train, BANK_TARGET, bank_marketing_pipeline(), &params)?;
    Ok(Fit {
        solver,
        classifier,
        elapsed: start.elapsed(),
    })
}

/// The truth (`true` = subscribed) and the classifier's logits on `test`.
pub fn truth_and_scores(clf: &Classifier, test: &Table) -> Result<(Vec<bool>, Vec<f64>), Error> {
    let positive = clf.positive_class();
    let truth = labels_of(test, BANK_TARGET)?
        .iter()
        .map(|l| l == positive)
        .collect();
    Ok((truth, clf.decision_function(test)?))
}

/// Accuracy, precision, recall, F1, ROC AUC, log loss and the confusion matrix on `test`.
pub fn evaluate(clf: &Classifier, test: &Table) -> Result<Evaluation, Error> {
    Ok(clf.evaluate(test)?)
}

/// scikit-learn's classification report on `test` (P > 0.5 predicts "yes").
pub fn report(clf: &Classifier, test: &Table) -> Result<ClassificationReport, Error> {
    let (truth, z) = truth_and_scores(clf, test)?;
    let predicted: Vec<bool> = z.iter().map(|&v| v > 0.0).collect();
    Ok(classification_report(&truth, &predicted, ["no", "yes"])?)
}

/// The ROC curve on `test`.
pub fn roc(clf: &Classifier, test: &Table) -> Result<RocCurve, Error> {
    let (truth, z) = truth_and_scores(clf, test)?;
    Ok(roc_curve(&truth, &z)?)
}

/// How far each solver's objective is above the best one reached, after each iteration, on a
/// log scale: gradient descent's slow linear convergence against L-BFGS and Newton.
pub fn convergence_chart(fits: &[Fit]) -> Chart {
    let best = fits
        .iter()
        .filter_map(|f| f.classifier.model().report().history.last().copied())
        .fold(f64::INFINITY, f64::min);
    fits.iter().fold(
        Chart::new("Bank marketing: objective above the optimum")
            .x_label("iteration")
            .y_label("mean objective − best (log scale)")
            .log_y(),
        |chart, f| {
            let gap: Vec<(f64, f64)> = f
                .classifier
                .model()
                .report()
                .history
                .iter()
                .enumerate()
                .map(|(i, &v)| (i as f64, v - best))
                .collect();
            // A solver that lands exactly on the best value has no point above it to draw.
            if gap.iter().any(|&(_, g)| g > 0.0) {
                chart.line(f.solver.name(), &gap)
            } else {
                chart
            }
        },
    )
}

/// Write the ROC curve of `roc` (with area `auc`) and the solvers' convergence into `dir`;
/// returns the files written.
pub fn draw(dir: &Path, roc: &RocCurve, auc: f64, fits: &[Fit]) -> Result<Vec<PathBuf>, Error> {
    let roc = roc_chart(&roc.points(), auc).title("Bank marketing: ROC curve on the test set");
    Ok(vec![
        save(&roc, dir, "roc.svg")?,
        save(&convergence_chart(fits), dir, "convergence.svg")?,
    ])
}
