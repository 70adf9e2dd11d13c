//! The flags' value types (`--penalty`, `--format`, …) and the parsers of values clap cannot
//! read alone (`--memory-limit`, `--bin`).

use crate::error::CliError;
use clap::ValueEnum;
use logreg::preprocess::{BinSpec, FileFormat};

/// The penalty on the coefficients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PenaltyArg {
    /// Maximum likelihood (needed for standard errors and p-values).
    None,
    /// ½‖w‖² added to C·Σ loss, as scikit-learn.
    L2,
    /// ‖w‖₁ added to C·Σ loss (the lasso: coefficients exactly 0).
    L1,
    /// (1 − ρ)/2‖w‖² + ρ‖w‖₁ added to C·Σ loss, ρ = --l1-ratio.
    Elasticnet,
}

/// How a label column with more than two classes is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MultiClassArg {
    /// One softmax model over all classes.
    Multinomial,
    /// One binary model per class against the rest.
    Ovr,
}

/// How cross-validation scores the held-out rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScoringArg {
    /// Fraction classified correctly.
    Accuracy,
    /// Mean log loss (lower is better).
    LogLoss,
    /// ROC AUC (K classes: the mean one-vs-rest AUC).
    RocAuc,
}

/// How missing feature values are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImputeArg {
    /// Numeric columns: the training mean.
    Mean,
    /// Numeric columns: the training median.
    Median,
    /// Every column: the most frequent training value.
    MostFrequent,
}

/// The data file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// From the extension: libsvm for `.svm` or `.libsvm`, Parquet for `.parquet` or `.pq`,
    /// else CSV.
    Auto,
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// libsvm / svmlight: `label index:value …`, 1-based indices.
    Libsvm,
}

impl FormatArg {
    /// The format of `path`: as given, or by its extension for `auto`.
    pub(crate) fn resolve(self, path: &std::path::Path) -> FormatArg {
        match self {
            FormatArg::Auto => {
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if ext.eq_ignore_ascii_case("svm") || ext.eq_ignore_ascii_case("libsvm") {
                    FormatArg::Libsvm
                } else if logreg::preprocess::FileFormat::from_path(path)
                    == logreg::preprocess::FileFormat::Parquet
                {
                    FormatArg::Parquet
                } else {
                    FormatArg::Csv
                }
            }
            other => other,
        }
    }
}

/// The table format (CSV or Parquet) of `path` for a model that reads table columns:
/// `format` when given, else from the extension.
pub(crate) fn format_of(path: &std::path::Path, format: FormatArg) -> Result<FileFormat, CliError> {
    match format.resolve(path) {
        FormatArg::Parquet => Ok(FileFormat::Parquet),
        FormatArg::Libsvm => Err(CliError::usage(format!(
            "--format libsvm: {} is read by a model fitted on table columns, which reads CSV or \
             Parquet files",
            path.display()
        ))),
        FormatArg::Csv | FormatArg::Auto => Ok(FileFormat::Csv),
    }
}

/// Parses a memory size: a number and an optional unit, B, K/KB/KiB, M/MB/MiB, G/GB/GiB or
/// T/TB/TiB, any case, all powers of 1024 (as `sort -S` and `java -Xmx` read them).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("expected a size such as 1GB or 512MB, found {text:?}"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?}: use B, KB, MB, GB or TB (powers of 1024)"
            ))
        }
    };
    let bytes = value * (1u64 << shift) as f64;
    if !(1.0..1.8e19).contains(&bytes) {
        return Err(format!("{text:?} is not a usable size"));
    }
    Ok(bytes as u64)
}

/// How the design's numbers are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DtypeArg {
    /// 8 bytes a value.
    F64,
    /// 4 bytes a value: half the memory and the reading per pass; sums still in f64.
    F32,
}

/// How classes are weighted in the loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ClassWeightArg {
    /// Every row counts once.
    None,
    /// Each class weighted by n / (2 · its count), as scikit-learn's "balanced".
    Balanced,
}

/// How standard errors are computed (statsmodels' `cov_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CovTypeArg {
    /// The inverse observed information.
    Nonrobust,
    /// White's heteroscedasticity-robust sandwich.
    Hc0,
    /// HC0 times n / (n − p).
    Hc1,
}

/// Parses `COL:EDGES[:LABELS]`; without labels the intervals are named as pandas prints them.
pub(crate) fn parse_bin(spec: &str) -> Result<BinSpec, String> {
    let mut parts = spec.splitn(3, ':');
    let column = parts.next().unwrap_or_default().trim();
    let edges_text = parts.next().ok_or_else(|| {
        format!("expected COL:EDGES[:LABELS] such as age:18,30,65, found {spec:?}")
    })?;
    if column.is_empty() {
        return Err(format!("the column name before ':' is empty in {spec:?}"));
    }
    let mut edges = Vec::new();
    for e in edges_text.split(',') {
        let x: f64 = e
            .trim()
            .parse()
            .map_err(|_| format!("edge {e:?} is not a number (in {spec:?})"))?;
        if !x.is_finite() {
            return Err(format!("edge {e:?} is not finite (in {spec:?})"));
        }
        edges.push(x);
    }
    if edges.len() < 2 {
        return Err(format!("at least two edges are needed (in {spec:?})"));
    }
    if edges.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!("edges must be strictly increasing (in {spec:?})"));
    }
    let labels: Vec<String> = match parts.next() {
        Some(text) => text.split(',').map(|l| l.trim().to_string()).collect(),
        None => edges
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let open = if i == 0 { '[' } else { '(' };
                format!("{open}{}, {}]", w[0], w[1])
            })
            .collect(),
    };
    if labels.len() != edges.len() - 1 {
        return Err(format!(
            "{} edges make {} intervals, but {} labels were given (in {spec:?})",
            edges.len(),
            edges.len() - 1,
            labels.len()
        ));
    }
    if let Some(l) = labels.iter().find(|l| l.is_empty()) {
        return Err(format!("a label is empty {l:?} (in {spec:?})"));
    }
    for (i, l) in labels.iter().enumerate() {
        if labels[..i].contains(l) {
            return Err(format!("label {l:?} is repeated (in {spec:?})"));
        }
    }
    Ok(BinSpec {
        column: column.to_string(),
        edges,
        labels,
    })
}

pub(super) fn cov_name(c: CovTypeArg) -> &'static str {
    match c {
        CovTypeArg::Nonrobust => "nonrobust",
        CovTypeArg::Hc0 => "hc0",
        CovTypeArg::Hc1 => "hc1",
    }
}

pub(super) fn penalty_name(p: PenaltyArg) -> &'static str {
    match p {
        PenaltyArg::None => "none",
        PenaltyArg::L2 => "l2",
        PenaltyArg::L1 => "l1",
        PenaltyArg::Elasticnet => "elasticnet",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_powers_of_1024() {
        assert_eq!(parse_size("1GB"), Ok(1 << 30));
        assert_eq!(parse_size("512mb"), Ok(512 << 20));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("2 GiB"), Ok(2 << 30));
        for bad in ["", "GB", "1XB", "-1GB", "1e999", "0"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bins_parse_with_and_without_labels() {
        let b = parse_bin("age:18,25,35:young,mid").unwrap();
        assert_eq!(b.column, "age");
        assert_eq!(b.edges, [18.0, 25.0, 35.0]);
        assert_eq!(b.labels, ["young", "mid"]);
        let b = parse_bin("x:0,1.5,3").unwrap();
        assert_eq!(b.labels, ["[0, 1.5]", "(1.5, 3]"]);
        for bad in [
            "age",
            ":1,2",
            "age:1",
            "age:2,1",
            "age:1,x",
            "age:1,inf",
            "age:1,2:a,b",
            "age:1,2,3:a,a",
            "age:1,2:",
        ] {
            assert!(parse_bin(bad).is_err(), "{bad}");
        }
    }
}
