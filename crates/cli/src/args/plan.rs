//! `train`'s arguments checked into a [`TrainPlan`] before any file is read.

use super::cv::{plan_cv, CvPlan};
use super::estimator::estimator;
use super::train::TrainArgs;
use super::values::{cov_name, penalty_name, DtypeArg, FormatArg, ImputeArg, PenaltyArg};
use crate::error::CliError;
use logreg::model::ValidParams;
use logreg::preprocess::{DesignStorage, ImputeStrategy, OneHot, PipelineSpec, SpecProblem};
use std::path::PathBuf;

/// `train`'s arguments, checked.
#[derive(Debug, Clone)]
pub(crate) struct TrainPlan {
    /// The data file, or `None` for the bundled banknote data.
    pub data: Option<PathBuf>,
    /// CSV (with the pipeline below) or libsvm (sparse rows as read, no pipeline).
    pub format: FormatArg,
    /// The label column.
    pub target: String,
    /// Validated estimator settings.
    pub params: ValidParams,
    /// The preprocessing the flags describe (checked); the library builds it.
    pub pipeline: PipelineSpec,
    /// The sample-weight column.
    pub sample_weight: Option<String>,
    /// The offset column.
    pub offset: Option<String>,
    /// The probability threshold of the reported metrics.
    pub threshold: f64,
    /// `--memory-limit`: fit in passes within this many bytes.
    pub memory_limit: Option<u64>,
    /// Cross-validation of C, if asked for.
    pub cv: Option<CvPlan>,
}

impl TrainPlan {
    /// The columns that are not features: the target, the weight and the offset column.
    pub(crate) fn outside(&self) -> Vec<&str> {
        std::iter::once(self.target.as_str())
            .chain(self.sample_weight.as_deref())
            .chain(self.offset.as_deref())
            .collect()
    }
}

/// `--threshold T`, checked: a probability strictly between 0 and 1 (0.5 when not given).
pub(crate) fn check_threshold(t: Option<f64>) -> Result<f64, CliError> {
    match t {
        None => Ok(0.5),
        Some(t) if t > 0.0 && t < 1.0 => Ok(t),
        Some(t) => Err(CliError::usage(format!(
            "--threshold {t} is out of range: expected a probability strictly between 0 and 1"
        ))),
    }
}

/// The first flag given that a fit in passes cannot honour yet: weights and offsets (a column
/// beside the labels to keep per row), a warm start, robust covariances, K-class models,
/// cross-validation and MPI ranks.
pub(crate) fn refused_in_passes(a: &TrainArgs) -> Option<&'static str> {
    [
        ("--sample-weight", a.sample_weight.is_some()),
        ("--offset", a.offset.is_some()),
        ("--warm-start", a.warm_start.is_some()),
        ("--cov-type", a.cov_type.is_some()),
        ("--multi-class", a.multi_class.is_some()),
        ("--cv", a.cv.is_some()),
        ("--distributed", a.distributed),
    ]
    .into_iter()
    .find(|(_, given)| *given)
    .map(|(flag, _)| flag)
}

/// The bundled data's label column.
pub(crate) const DEMO_TARGET: &str = "class";

/// Checks `train`'s arguments without reading anything.
pub(crate) fn plan_train(a: &TrainArgs) -> Result<TrainPlan, CliError> {
    let usage = |m: String| CliError::usage(m);
    if a.distributed {
        if a.plot.is_some() {
            return Err(usage(
                "--plot is not available with --distributed: the charts need every row on one \
                 process; train on one machine to plot"
                    .into(),
            ));
        }
        if a.solver == "sgd" {
            return Err(usage(
                "--solver sgd cannot run with --distributed: its mini-batches are drawn on one \
                 process; use auto, lbfgs, newton, newton-cg or gd"
                    .into(),
            ));
        }
        if a.cv.is_some() {
            return Err(usage(
                "--cv is not available with --distributed: cross-validation runs on one \
                 process; give C with --c"
                    .into(),
            ));
        }
    }
    let demo = a.data.is_none();
    let format = match &a.data {
        Some(path) => a.format.resolve(path),
        None => FormatArg::Csv,
    };
    if !(0.0..1.0).contains(&a.test_size) {
        return Err(usage(format!(
            "--test-size {} is out of range: expected a fraction in [0, 1) (0 trains on every row)",
            a.test_size
        )));
    }
    if a.penalty == PenaltyArg::None && a.c.is_some() {
        return Err(usage(
            "--c sets the strength of the L2 penalty; it has no meaning with --penalty none".into(),
        ));
    }
    if a.positive.as_deref() == Some("") {
        return Err(usage("--positive: the label is empty".into()));
    }
    if let Some(r) = a.l1_ratio {
        if a.penalty != PenaltyArg::Elasticnet {
            return Err(usage(format!(
                "--l1-ratio applies to --penalty elasticnet, not {}",
                penalty_name(a.penalty)
            )));
        }
        if !(0.0..=1.0).contains(&r) {
            return Err(usage(format!(
                "--l1-ratio {r} is out of range: expected a number in [0, 1]"
            )));
        }
    }
    let cv = plan_cv(a)?;
    if a.penalty == PenaltyArg::Elasticnet
        && a.l1_ratio.is_none()
        && cv.as_ref().is_none_or(|c| c.l1_ratios.is_empty())
    {
        return Err(usage(
            "--penalty elasticnet needs --l1-ratio R (or, with --cv, --l1-ratios R1,R2,…)".into(),
        ));
    }
    if cv.is_some() && a.warm_start.is_some() {
        return Err(usage(
            "--warm-start cannot be used with --cv: the path starts every fold from all-zero coefficients"
                .into(),
        ));
    }
    if cv.is_some() && a.offset.is_some() {
        return Err(usage(
            "--offset cannot be used with --cv: the cross-validated fits take sample weights, not offsets"
                .into(),
        ));
    }
    let threshold = check_threshold(a.threshold)?;
    if let Some(cov) = a.cov_type {
        if a.penalty != PenaltyArg::None {
            return Err(usage(format!(
                "--cov-type {} needs --penalty none: penalized fits have no standard errors",
                cov_name(cov)
            )));
        }
    }
    if format == FormatArg::Libsvm {
        return plan_libsvm(a, threshold, cv);
    }
    let target = match (&a.target, demo) {
        (Some(t), _) => t.clone(),
        (None, true) => DEMO_TARGET.to_string(),
        (None, false) => return Err(usage("--target COL is required with a data file".into())),
    };
    if target.is_empty() {
        return Err(usage("--target: the column name is empty".into()));
    }
    let params = estimator(a)?;
    let one_hot = match a.one_hot.as_deref() {
        None => OneHot::Off,
        Some([only]) if only == "auto" => OneHot::Auto,
        Some(cols) => OneHot::Columns(cols.to_vec()),
    };
    if let Some(limit) = a.memory_limit {
        if limit < logreg::passes::MIN_MEMORY_LIMIT {
            return Err(usage(format!(
                "--memory-limit {limit} bytes is out of range: expected at least 16MB (the \
                 parser's buffers and one block of the design)"
            )));
        }
        if a.solver == "sgd" {
            return Err(usage(
                "--solver sgd needs the data in memory (its mini-batches read rows at random); \
                 with --memory-limit use auto, lbfgs, newton, newton-cg or gd"
                    .into(),
            ));
        }
        if a.impute == Some(ImputeArg::Median) {
            return Err(usage(
                "--impute median needs every value of a column in memory; with --memory-limit \
                 use --impute mean or most-frequent"
                    .into(),
            ));
        }
        if let Some(flag) = refused_in_passes(a) {
            return Err(usage(format!(
                "{flag} is not available in a fit in passes (--memory-limit) yet; fit in \
                 memory (leave out --memory-limit)"
            )));
        }
    }
    let pipeline = PipelineSpec {
        drop: a.drop.clone(),
        impute: a.impute.map(|s| match s {
            ImputeArg::Mean => ImputeStrategy::Mean,
            ImputeArg::Median => ImputeStrategy::Median,
            ImputeArg::MostFrequent => ImputeStrategy::MostFrequent,
        }),
        bins: a.bins.clone(),
        one_hot,
        drop_first: a.drop_first,
        max_categories: a.max_categories,
        standardize: a.standardize || demo,
        // f64: dense, or sparse when one-hot columns leave most values zero; f32 always dense.
        storage: match a.dtype {
            DtypeArg::F64 => DesignStorage::Auto,
            DtypeArg::F32 => DesignStorage::DenseF32,
        },
    };
    pipeline
        .check(&target)
        .map_err(|p| usage(spec_problem(&p)))?;
    check_roles(a, &target, &pipeline)?;
    Ok(TrainPlan {
        data: a.data.clone(),
        format,
        target,
        params,
        pipeline,
        sample_weight: a.sample_weight.clone(),
        offset: a.offset.clone(),
        threshold,
        memory_limit: a.memory_limit,
        cv,
    })
}

/// The weight and offset columns: named, not the target, not each other, and never features
/// (not encoded, binned or dropped).
fn check_roles(a: &TrainArgs, target: &str, spec: &PipelineSpec) -> Result<(), CliError> {
    let usage = |m: String| CliError::usage(m);
    let mut named: Vec<(&str, &str)> = Vec::new();
    if let OneHot::Columns(cols) = &spec.one_hot {
        named.extend(cols.iter().map(|c| ("--one-hot", c.as_str())));
    }
    named.extend(spec.bins.iter().map(|b| ("--bin", b.column.as_str())));
    named.extend(spec.drop.iter().map(|d| ("--drop", d.as_str())));
    let roles = [
        ("--sample-weight", a.sample_weight.as_deref()),
        ("--offset", a.offset.as_deref()),
    ];
    for (i, (flag, col)) in roles.iter().enumerate() {
        let Some(col) = col else { continue };
        if col.is_empty() {
            return Err(usage(format!("{flag}: the column name is empty")));
        }
        if *col == target {
            return Err(usage(format!("{flag}: {col:?} is the target column")));
        }
        if let Some((other, _)) = roles[..i].iter().find(|(_, c)| c == &Some(*col)) {
            return Err(usage(format!(
                "{flag}: column {col:?} is also given to {other}"
            )));
        }
        if let Some((by, _)) = named.iter().find(|(_, c)| c == col) {
            return Err(usage(format!(
                "{flag}: column {col:?} is also named by {by}; the {} column is never a feature",
                if *flag == "--offset" {
                    "offset"
                } else {
                    "weight"
                }
            )));
        }
    }
    Ok(())
}

/// A pipeline problem in the flags' terms.
fn spec_problem(p: &SpecProblem) -> String {
    let flag = |field: &str| match field {
        "drop" => "--drop",
        "one_hot" => "--one-hot",
        "bins" => "--bin",
        _ => "--max-categories",
    };
    match p {
        SpecProblem::BadName { field, name } if name.trim().is_empty() => {
            format!("{}: an empty column name (check the commas)", flag(field))
        }
        SpecProblem::BadName { field, name } => {
            format!("{}: column {name:?} is listed twice", flag(field))
        }
        SpecProblem::TargetIsFeature { field, target } => format!(
            "{}: {target:?} is the target column, which is never a feature",
            flag(field)
        ),
        SpecProblem::AlsoDropped { field, column } => {
            format!(
                "{}: column {column:?} is also dropped by --drop",
                flag(field)
            )
        }
        SpecProblem::BinnedTwice { column } => format!("--bin: column {column:?} is binned twice"),
        SpecProblem::NoCategoriesAllowed => {
            "--max-categories 0 is out of range: expected at least 1".to_string()
        }
    }
}

/// `train` on a libsvm file: the rows as read (sparse), so the flags that describe a table's
/// preprocessing do not apply and are refused by name.
fn plan_libsvm(a: &TrainArgs, threshold: f64, cv: Option<CvPlan>) -> Result<TrainPlan, CliError> {
    let table_flags = [
        ("--target", a.target.is_some()),
        ("--sample-weight", a.sample_weight.is_some()),
        ("--offset", a.offset.is_some()),
        ("--one-hot", a.one_hot.is_some()),
        ("--bin", !a.bins.is_empty()),
        ("--drop", !a.drop.is_empty()),
        ("--impute", a.impute.is_some()),
        ("--standardize", a.standardize),
        ("--drop-first", a.drop_first),
        ("--dtype", a.dtype != DtypeArg::F64),
    ];
    if let Some((flag, _)) = table_flags.iter().find(|(_, given)| *given) {
        return Err(CliError::usage(format!(
            "{flag} describes a CSV table's columns; a libsvm file's rows are used as read \
             (labels first, features by index)"
        )));
    }
    if a.memory_limit.is_some() {
        return Err(CliError::usage(
            "--memory-limit: a libsvm file is fitted in memory; a fit in passes reads CSV or \
             Parquet files",
        ));
    }
    if cv.is_some() {
        return Err(CliError::usage(
            "--cv reads CSV tables; with a libsvm file fit one C at a time (--c)",
        ));
    }
    Ok(TrainPlan {
        data: a.data.clone(),
        format: FormatArg::Libsvm,
        target: logreg::LIBSVM_TARGET.to_string(),
        params: estimator(a)?,
        pipeline: PipelineSpec::default(),
        sample_weight: None,
        offset: None,
        threshold,
        memory_limit: None,
        cv,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{default_train, Cli, Command};
    use clap::Parser;
    use proptest::prelude::*;

    fn train_plan(args: &[&str]) -> Result<TrainPlan, String> {
        let mut v = vec!["logreg", "train"];
        v.extend_from_slice(args);
        match Cli::try_parse_from(v) {
            Ok(Cli {
                command: Some(Command::Train(a)),
                ..
            }) => plan_train(&a).map_err(|e| e.message),
            Ok(_) => Err("not train".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn arguments_out_of_range_name_their_flag() {
        for (args, flag) in [
            (&["--c", "0"][..], "--c"),
            (&["--c", "-1"][..], "--c"),
            (&["--c", "NaN"][..], "--c"),
            (&["--max-iter", "0"][..], "--max-iter"),
            (&["--tol", "-1"][..], "--tol"),
            (&["--learning-rate", "0"][..], "--learning-rate"),
            (&["--batch-size", "0"][..], "--batch-size"),
            (&["--test-size", "1"][..], "--test-size"),
            (&["--test-size", "-0.1"][..], "--test-size"),
            (&["--penalty", "none", "--c", "2"][..], "--c"),
            (&["--drop", "a,,b"][..], "--drop"),
            (&["--one-hot", "a,a"][..], "--one-hot"),
            (&["--drop", "class"][..], "--drop"),
            (&["--bin", "a:1,2", "--bin", "a:3,4"][..], "--bin"),
            (&["--memory-limit", "1MB"][..], "--memory-limit"),
            (
                &["--memory-limit", "1GB", "--solver", "sgd"][..],
                "--solver sgd",
            ),
            (
                &["--memory-limit", "1GB", "--impute", "median"][..],
                "--impute median",
            ),
            (
                &["--memory-limit", "1GB", "--offset", "o"][..],
                "--offset is not available in a fit in passes",
            ),
            (
                &["x.svm", "--memory-limit", "1GB"][..],
                "--memory-limit: a libsvm file is fitted in memory",
            ),
            (&["--threshold", "1"][..], "--threshold"),
            (&["--threshold", "0"][..], "--threshold"),
            (&["--cov-type", "hc1"][..], "--cov-type"),
            (&["--sample-weight", "class"][..], "--sample-weight"),
            (&["--offset", "w", "--sample-weight", "w"][..], "--offset"),
            (
                &["--sample-weight", "w", "--one-hot", "w"][..],
                "--sample-weight",
            ),
        ] {
            let e = train_plan(args).unwrap_err();
            assert!(e.contains(flag), "{args:?}: {e}");
        }
        assert!(train_plan(&["data.csv"]).unwrap_err().contains("--target"));
        let p = train_plan(&["d.csv", "-t", "y", "--one-hot", "auto"]).unwrap();
        assert_eq!(p.pipeline.one_hot, OneHot::Auto);
        assert!(
            !p.pipeline.standardize,
            "only the bundled demo standardizes by default"
        );
    }

    const WORDS: &[&str] = &[
        "train",
        "evaluate",
        "predict",
        "summary",
        "help",
        "--help",
        "-h",
        "--version",
        "-V",
        "--quiet",
        "-q",
        "--target",
        "-t",
        "--positive",
        "--test-size",
        "--stratify",
        "--seed",
        "--solver",
        "--penalty",
        "--c",
        "--l1-ratio",
        "--multi-class",
        "--cv",
        "--cs",
        "--l1-ratios",
        "--scoring",
        "l1",
        "elasticnet",
        "ovr",
        "multinomial",
        "log-loss",
        "roc-auc",
        "coordinate-descent",
        "owl-qn",
        "0.01,1",
        "--max-iter",
        "--tol",
        "--learning-rate",
        "--batch-size",
        "--class-weight",
        "--no-intercept",
        "--standardize",
        "--one-hot",
        "--drop-first",
        "--bin",
        "--drop",
        "--impute",
        "--out",
        "-o",
        "--plot",
        "--force",
        "--json",
        "--model",
        "-m",
        "--proba",
        "--id",
        "--output",
        "--chunk-size",
        "--memory-limit",
        "--scratch-dir",
        "--format",
        "parquet",
        "csv",
        "1GB",
        "16MB",
        "1KB",
        "--sample-weight",
        "--offset",
        "--warm-start",
        "--cov-type",
        "--threshold",
        "--logit",
        "hc0",
        "hc1",
        "nonrobust",
        "auto",
        "none",
        "l2",
        "gd",
        "sgd",
        "lbfgs",
        "newton",
        "mean",
        "median",
        "most-frequent",
        "balanced",
        "0",
        "1",
        "-1",
        "0.5",
        "1e308",
        "1e999",
        "NaN",
        "inf",
        "-inf",
        "18446744073709551616",
        "",
        ",",
        ":",
        "a:1,2",
        "a:2,1",
        "a:1,2,3:x,y",
        "a:1,2:x,y",
        "x,y",
        "data.csv",
        "model.json",
        "é",
        "--",
        "-",
        "=",
        "--c=1",
        "--test-size=0",
    ];

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(str::to_string),
            1 => ".{0,6}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any argument vector parses to a plan or to an error; nothing panics.
        #[test]
        fn random_arguments_never_panic(words in prop::collection::vec(word(), 0..10)) {
            let argv = std::iter::once("logreg".to_string()).chain(words);
            match Cli::try_parse_from(argv) {
                Ok(cli) => match cli.command {
                    None => { let _ = plan_train(&default_train().unwrap()); }
                    Some(Command::Train(a)) => { let _ = plan_train(&a); }
                    Some(_) => {}
                },
                Err(e) => { let _ = e.render().to_string(); }
            }
        }
    }
}
