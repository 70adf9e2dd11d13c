//! The report as text: the tables and lines a person reads ([`Report::to_text`]).

use std::fmt::Write as _;

use super::{
    AnyMetrics, Coefficients, CvInfo, Inference, Intercepts, Metrics, MulticlassMetrics, Report,
    StatisticsFields,
};

/// Coefficients a text report lists before it shows only the largest.
const TEXT_COEFFICIENTS: usize = 30;

impl Report {
    /// The readable report.
    pub(crate) fn to_text(&self) -> String {
        let mut s = String::new();
        // `write!` to a String cannot fail.
        let w = &mut s;
        if let Some(d) = &self.data {
            let _ = writeln!(
                w,
                "data        {}: {} rows, {} columns",
                d.path, d.rows, d.columns
            );
        }
        if let Some(ranks) = self.ranks {
            let _ = writeln!(
                w,
                "distributed {ranks} ranks, each reading its own rows; one model, written by rank 0"
            );
        }
        if let Some(m) = &self.model_file {
            let verb = if self.command == "train" {
                "saved to"
            } else {
                "read from"
            };
            let _ = writeln!(w, "model       {verb} {m}");
        }
        match &self.positive_class {
            Some(pos) => {
                let _ = writeln!(
                    w,
                    "target      {:?}: classes {:?} and {:?}, positive class {:?}",
                    self.target, self.classes[0], self.classes[1], pos
                );
            }
            None => {
                let shown: Vec<String> = self.classes.iter().map(|c| format!("{c:?}")).collect();
                let _ = writeln!(
                    w,
                    "target      {:?}: {} classes {} ({})",
                    self.target,
                    self.classes.len(),
                    shown.join(", "),
                    self.model_kind
                );
            }
        }
        if let Some(sp) = &self.split {
            if sp.test_rows == 0 {
                let _ = writeln!(
                    w,
                    "split       all {} rows train the model (test size 0)",
                    sp.train_rows
                );
            } else {
                let _ = writeln!(
                    w,
                    "split       {} training rows, {} test rows (test size {}, seed {}{})",
                    sp.train_rows,
                    sp.test_rows,
                    sp.test_size,
                    sp.seed,
                    if sp.stratified { ", stratified" } else { "" }
                );
            }
        }
        if let Some(m) = &self.mode {
            match (m.file_passes, m.scratch_bytes, m.block_rows) {
                (Some(p), Some(b), Some(r)) => {
                    let _ = writeln!(
                        w,
                        "mode        in passes ({}): {p} passes over the file, a {} scratch \
                         design read in blocks of {r} rows",
                        m.reason,
                        logreg::scratch::human_bytes(b)
                    );
                }
                _ => {
                    let _ = writeln!(w, "mode        {} ({})", m.mode, m.reason);
                }
            }
        }
        let _ = writeln!(w, "features    {} after preprocessing", self.features.len());
        if let Some(c) = &self.sample_weight_column {
            let _ = writeln!(w, "weights     column {c:?} (frequency weights)");
        }
        if let Some(c) = &self.offset_column {
            let _ = writeln!(w, "offset      column {c:?}, added to every logit");
        }
        let iters = match self.epochs {
            Some(e) => format!("{} steps in {e} epochs", self.iterations),
            None => format!("{} iterations", self.iterations),
        };
        let _ = writeln!(w, "solver      {}: {iters}, {}", self.solver, self.stop);
        if self.stages.len() > 1 {
            for s in &self.stages {
                let _ = writeln!(
                    w,
                    "            {} {} iterations ({}): {}",
                    s.solver, s.iterations, s.stop, s.reason
                );
            }
        }
        let (penalty, formula) = match (self.penalty, self.c, self.l1_ratio) {
            ("l2", Some(c), _) => (format!("L2, C = {c}"), "C·Σ loss + ½‖w‖²"),
            ("l1", Some(c), _) => (format!("L1, C = {c}"), "C·Σ loss + ‖w‖₁"),
            ("elasticnet", Some(c), Some(r)) => (
                format!("elastic net, C = {c}, l1_ratio = {r}"),
                "C·Σ loss + (1 − ρ)/2‖w‖² + ρ‖w‖₁",
            ),
            _ => ("none".to_string(), "Σ loss"),
        };
        let _ = writeln!(w, "penalty     {penalty}");
        let _ = writeln!(w, "objective   {:?} ({formula})", self.objective);
        let _ = writeln!(
            w,
            "converged   {}",
            if self.converged { "yes" } else { "no" }
        );
        if let Some(warning) = &self.warning {
            let _ = writeln!(w, "warning     {warning}");
        }
        if let Some(cv) = &self.cv {
            write_cv(w, cv);
        }
        let multi: Vec<(&str, &MulticlassMetrics)> = [("train", &self.train), ("test", &self.test)]
            .into_iter()
            .filter_map(|(name, m)| match m {
                Some(AnyMetrics::Multiclass(m)) => Some((name, m)),
                _ => None,
            })
            .collect();
        for (name, m) in multi {
            let name = if self.command == "evaluate" {
                "data"
            } else {
                name
            };
            write_multiclass(w, name, m, &self.classes);
        }
        let rows: Vec<(&str, &Metrics)> = [("train", &self.train), ("test", &self.test)]
            .into_iter()
            .filter_map(|(name, m)| match m {
                Some(AnyMetrics::Binary(m)) => Some((name, m)),
                _ => None,
            })
            .collect();
        if !rows.is_empty() {
            if let Some(t) = self.threshold.filter(|&t| t != 0.5) {
                let _ = writeln!(
                    w,
                    "threshold   positive when P({:?}) > {t}",
                    self.positive_class
                );
            }
            let _ = writeln!(
                w,
                "\n{:<8} {:>8} {:>9} {:>9} {:>7} {:>7} {:>8} {:>9} {:>7}",
                "metrics",
                "n",
                "accuracy",
                "precision",
                "recall",
                "f1",
                "roc_auc",
                "log_loss",
                "brier"
            );
            for (name, m) in rows {
                let auc = m
                    .roc_auc
                    .map_or_else(|| "-".to_string(), |a| format!("{a:.4}"));
                let name = if self.command == "evaluate" {
                    "data"
                } else {
                    name
                };
                let _ = writeln!(
                    w,
                    "{:<8} {:>8} {:>9.4} {:>9.4} {:>7.4} {:>7.4} {:>8} {:>9.4} {:>7.4}",
                    name,
                    m.n,
                    m.accuracy,
                    m.precision,
                    m.recall,
                    m.f1,
                    auc,
                    m.log_loss,
                    m.brier_score
                );
            }
        }
        if let Some(st) = &self.statistics {
            write_statistics(w, st);
        }
        match &self.inference {
            Some(inf) => write_inference(w, inf, self.statistics.as_ref()),
            None => self.write_coefficients(w),
        }
        if !self.plots.is_empty() {
            let _ = writeln!(w, "\ncharts      {}", self.plots.join(", "));
        }
        s
    }
}

impl Report {
    /// The coefficients by feature name: one column for a binary model, one per class otherwise.
    pub(crate) fn write_coefficients(&self, w: &mut String) {
        // A wide binary model lists its largest coefficients; --json has every one.
        let mut shown: Vec<usize> = (0..self.features.len()).collect();
        if let Coefficients::One(coef) = &self.coefficients {
            shown.truncate(coef.len());
            if shown.len() > TEXT_COEFFICIENTS {
                shown.sort_by(|&a, &b| coef[b].abs().total_cmp(&coef[a].abs()));
                shown.truncate(TEXT_COEFFICIENTS);
            }
        }
        if shown.len() < self.features.len() {
            let _ = writeln!(
                w,
                "\ncoefficients (the {TEXT_COEFFICIENTS} largest in magnitude of {}; --json \
                 lists all)",
                self.features.len()
            );
        } else {
            let _ = writeln!(
                w,
                "\ncoefficients (features as the model sees them, after preprocessing)"
            );
        }
        let width = shown
            .iter()
            .filter_map(|&j| self.features.get(j))
            .map(|f| f.chars().count())
            .max()
            .unwrap_or(0)
            .max(9);
        match (&self.coefficients, &self.intercept) {
            (Coefficients::One(coef), Intercepts::One(b)) => {
                for &j in &shown {
                    let name = self.features.get(j).map_or("", String::as_str);
                    let _ = writeln!(w, "  {name:<width$}  {:>14.6}", coef[j]);
                }
                if self.fit_intercept {
                    let _ = writeln!(w, "  {:<width$}  {b:>14.6}", "intercept");
                }
            }
            (Coefficients::PerClass(rows), Intercepts::PerClass(b)) => {
                let mut head = format!("  {:<width$}", "");
                for c in &self.classes {
                    head += &format!("  {:>14}", truncate(c, 14));
                }
                let _ = writeln!(w, "{head}");
                for (j, name) in self.features.iter().enumerate() {
                    let mut line = format!("  {name:<width$}");
                    for r in rows {
                        line += &format!("  {:>14.6}", r.get(j).copied().unwrap_or(f64::NAN));
                    }
                    let _ = writeln!(w, "{line}");
                }
                if self.fit_intercept {
                    let mut line = format!("  {:<width$}", "intercept");
                    for v in b {
                        line += &format!("  {v:>14.6}");
                    }
                    let _ = writeln!(w, "{line}");
                }
            }
            _ => {}
        }
    }
}

/// At most `n` characters of `s`.
fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// The cross-validation table: score mean ± sd and nonzero coefficients per C, then the choice.
fn write_cv(w: &mut String, cv: &CvInfo) {
    for t in &cv.tables {
        let _ = writeln!(
            w,
            "\ncross-validation ({} stratified folds, {}), l1_ratio = {}{}",
            cv.folds,
            cv.scoring,
            t.l1_ratio,
            t.c_min
                .map_or_else(String::new, |c| format!(", C_min = {c:.6e}"))
        );
        let _ = writeln!(
            w,
            "  {:>14}  {:>10}  {:>10}  {:>8}",
            "C", "mean", "sd", "nonzero"
        );
        for r in &t.rows {
            let mark = if r.c == cv.best.c && t.l1_ratio == cv.best.l1_ratio {
                "  best"
            } else if r.c == cv.one_se.c && t.l1_ratio == cv.one_se.l1_ratio {
                "  1-SE"
            } else {
                ""
            };
            let _ = writeln!(
                w,
                "  {:>14.6e}  {:>10.6} ± {:<8.6}  {:>8.1}{mark}",
                r.c, r.mean, r.std, r.nonzero
            );
        }
    }
    let _ = writeln!(
        w,
        "chosen      C = {} (l1_ratio {}): {} {:.6} ± {:.6}; refitted on every training row",
        cv.best.c, cv.best.l1_ratio, cv.scoring, cv.best.mean, cv.best.std
    );
    let _ = writeln!(
        w,
        "1-SE        C = {} (the strongest penalty within one standard error of the best)",
        cv.one_se.c
    );
}

/// A K-class model's metrics: scikit-learn's classification report, the confusion matrix, log loss.
fn write_multiclass(w: &mut String, name: &str, m: &MulticlassMetrics, classes: &[String]) {
    let width = classes
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
        .max("true \\ predicted".len());
    let _ = writeln!(
        w,
        "\n{name}: {} rows, accuracy {:.4}, log loss {:.4}",
        m.n, m.accuracy, m.log_loss
    );
    let _ = writeln!(
        w,
        "  {:>width$}  {:>9} {:>9} {:>9} {:>9}",
        "", "precision", "recall", "f1-score", "support"
    );
    for r in m.per_class.iter().chain([&m.macro_avg, &m.weighted_avg]) {
        let _ = writeln!(
            w,
            "  {:>width$}  {:>9.4} {:>9.4} {:>9.4} {:>9}",
            r.label, r.precision, r.recall, r.f1, r.support
        );
    }
    let cell = classes
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(1)
        .max(6);
    let mut head = format!("  {:>width$} ", "true \\ predicted");
    for c in classes {
        head += &format!(" {c:>cell$}");
    }
    let _ = writeln!(w, "{head}");
    for (c, row) in classes.iter().zip(&m.confusion) {
        let mut line = format!("  {c:>width$} ");
        for v in row {
            line += &format!(" {v:>cell$}");
        }
        let _ = writeln!(w, "{line}");
    }
}

/// statsmodels' header above the coefficient table, for unpenalized fits.
fn write_statistics(w: &mut String, st: &StatisticsFields) {
    if let Some(table) = &st.table {
        let _ = write!(w, "\n{table}");
        let _ = writeln!(
            w,
            "{:<18}{:>14}",
            "Covariance Type:",
            st.cov_type.unwrap_or("-")
        );
    }
}

fn write_inference(w: &mut String, inf: &Inference, st: Option<&StatisticsFields>) {
    let width = inf
        .names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let _ = writeln!(w);
    match (
        &inf.std_errors,
        &inf.z,
        &inf.p_values,
        &inf.ci_low,
        &inf.ci_high,
    ) {
        (Some(se), Some(z), Some(p), Some(lo), Some(hi)) => {
            let _ = writeln!(
                w,
                "{:<width$} {:>12} {:>10} {:>8} {:>9} {:>10} {:>10}",
                "", "coef", "std err", "z", "P>|z|", "[0.025", "0.975]"
            );
            let _ = writeln!(w, "{}", "-".repeat(width + 65));
            for i in 0..inf.names.len() {
                let _ = writeln!(
                    w,
                    "{:<width$} {:>12.6} {:>10.4} {:>8.3} {:>9.3e} {:>10.4} {:>10.4}",
                    inf.names[i],
                    inf.estimates.get(i).copied().unwrap_or(f64::NAN),
                    se.get(i).copied().unwrap_or(f64::NAN),
                    z.get(i).copied().unwrap_or(f64::NAN),
                    p.get(i).copied().unwrap_or(f64::NAN),
                    lo.get(i).copied().unwrap_or(f64::NAN),
                    hi.get(i).copied().unwrap_or(f64::NAN),
                );
            }
        }
        _ => {
            let _ = writeln!(w, "{:<width$} {:>12}", "", "coef");
            let _ = writeln!(w, "{}", "-".repeat(width + 13));
            for (name, c) in inf.names.iter().zip(&inf.estimates) {
                let _ = writeln!(w, "{name:<width$} {c:>12.6}");
            }
            if let Some(note) = st.and_then(|s| s.inference_note.as_ref()) {
                let _ = writeln!(w, "\nno standard errors, z, p-values or intervals: {note}");
            }
        }
    }
}
