//! Random argument lists run through the whole command, in-process, in a scratch directory that
//! holds a data file, a file with gaps and a saved model: every run ends with exit code 0, 1 or
//! 2, an error is one `error: …` line, and `predict --proba` only prints probabilities in [0, 1].
//! (The `cli_args` fuzz target in `fuzz/` does the same without a vocabulary.)

use proptest::prelude::*;
use std::path::{Path, PathBuf};

const DATA: &str = "id,size,colour,age,y\n\
1,1.5,red,23,no\n2,2.0,blue,35,no\n3,0.5,red,41,yes\n4,3.5,green,19,yes\n\
5,2.5,blue,66,no\n6,1.0,green,52,yes\n7,4.0,red,30,no\n8,0.25,blue,45,yes\n\
9,3.0,green,27,no\n10,1.75,red,60,yes\n11,2.25,blue,33,no\n12,0.75,green,48,yes\n";
const GAPS: &str =
    "id,size,colour,age,y\n1,,red,23,no\n2,2.0,,35,yes\n3,NA,red,41,yes\n4,1,blue,,no\n";

/// Values of every kind, valid and not, for any option.
const VALUES: &[&str] = &[
    "y",
    "id",
    "size",
    "colour",
    "age",
    "yes",
    "no",
    "auto",
    "none",
    "l2",
    "gd",
    "sgd",
    "lbfgs",
    "newton",
    "balanced",
    "mean",
    "median",
    "most-frequent",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "0.25",
    "0.999",
    "1e-12",
    "1e300",
    "NaN",
    "inf",
    "",
    ",",
    "size,colour",
    "age:18,30,50,100",
    "age:18,30,50,100:a,b,c",
    "age:1,2",
    "age:2,1",
    "size:0,1:x",
    "data.csv",
    "gaps.csv",
    "model.json",
    "new.json",
    "out.csv",
    "plots",
    "nope.csv",
    "é",
];

/// `train`'s options: flags alone, or taking a value.
const TRAIN_FLAGS: &[&str] = &[
    "--stratify",
    "--no-intercept",
    "--standardize",
    "--drop-first",
    "--force",
    "--json",
    "-q",
];
const TRAIN_OPTIONS: &[&str] = &[
    "--positive",
    "--test-size",
    "--seed",
    "--solver",
    "--penalty",
    "--c",
    "--max-iter",
    "--tol",
    "--learning-rate",
    "--batch-size",
    "--class-weight",
    "--one-hot",
    "--bin",
    "--drop",
    "--impute",
    "--out",
    "--plot",
    "-t",
    "--sample-weight",
    "--offset",
    "--warm-start",
    "--cov-type",
    "--threshold",
];
const OTHER_FLAGS: &[&str] = &["--proba", "--logit", "--force", "--json", "-q"];
const OTHER_OPTIONS: &[&str] = &[
    "--id",
    "--output",
    "--chunk-size",
    "-m",
    "--threshold",
    "--plot",
];

/// Values an option is meant to take, with edge cases among them.
fn own_values(option: &str) -> &'static [&'static str] {
    match option {
        "--positive" => &["yes", "no", "maybe"],
        "--test-size" => &["0", "0.25", "0.5", "0.999", "1"],
        "--seed" | "--max-iter" | "--batch-size" | "--chunk-size" => &["0", "1", "3", "50"],
        "--solver" => &["auto", "gd", "sgd", "lbfgs", "newton"],
        "--penalty" => &["none", "l2"],
        "--c" | "--tol" | "--learning-rate" => &["1e-12", "0.01", "1", "1e300", "0", "-1"],
        "--class-weight" => &["none", "balanced"],
        "--one-hot" => &["auto", "colour", "colour,age", "id"],
        "--bin" => &[
            "age:18,30,50,100",
            "age:18,30,50,100:a,b,c",
            "age:1,2",
            "size:0,1:x",
        ],
        "--drop" => &["id", "size,colour", "y", "nope"],
        "--impute" => &["mean", "median", "most-frequent"],
        "--out" | "--output" => &["new.json", "out.csv", "model.json", "data.csv", "plots"],
        "--plot" => &["plots", "data.csv"],
        "-t" => &["y", "colour", "size", "nope"],
        "--id" => &["id", "colour", "nope"],
        "--sample-weight" | "--offset" => &["age", "size", "id", "y", "colour", "nope"],
        "--warm-start" => &["model.json", "nope.json", "data.csv"],
        "--cov-type" => &["nonrobust", "hc0", "hc1", "hc3"],
        "--threshold" => &["0", "0.3", "0.5", "1", "-1", "NaN"],
        "-m" => &["model.json", "data.csv", "nope.json"],
        _ => VALUES,
    }
}

/// An option of `train` or of the other commands, with a value when it takes one.
fn option(train: bool) -> impl Strategy<Value = Vec<String>> {
    let (flags, options) = if train {
        (TRAIN_FLAGS, TRAIN_OPTIONS)
    } else {
        (OTHER_FLAGS, OTHER_OPTIONS)
    };
    let own = prop::sample::select(options).prop_flat_map(|o| {
        prop::sample::select(own_values(o)).prop_map(move |v| vec![o.to_string(), v.to_string()])
    });
    let any = (prop::sample::select(options), prop::sample::select(VALUES))
        .prop_map(|(o, v)| vec![o.to_string(), v.to_string()]);
    prop_oneof![
        3 => prop::sample::select(flags).prop_map(|f| vec![f.to_string()]),
        8 => own,
        1 => any,
        1 => prop::sample::select(VALUES).prop_map(|v| vec![v.to_string()]),
    ]
}

/// Beginnings of command lines that reach real work (a data file, a model).
const HEADS: &[&[&str]] = &[
    &["train", "data.csv", "-t", "y"],
    &["train", "gaps.csv", "-t", "y"],
    &["train"],
    &["predict", "-m", "model.json", "data.csv"],
    &["predict", "-m", "model.json", "gaps.csv"],
    &["evaluate", "-m", "model.json", "data.csv"],
    &["evaluate", "-m", "model.json", "gaps.csv"],
    &["summary", "-m", "model.json"],
];

/// A command line: a command, its data or model, and options.
fn command_line() -> impl Strategy<Value = Vec<String>> {
    prop::sample::select(HEADS).prop_flat_map(|head| {
        let train = head.first() == Some(&"train");
        prop::collection::vec(option(train), 0..5).prop_map(move |opts| {
            let mut args: Vec<String> = head.iter().map(|s| s.to_string()).collect();
            args.extend(opts.into_iter().flatten());
            args
        })
    })
}

/// Runs `args` in `dir` and checks the outcome.
fn check_run(dir: &Path, args: &[String]) -> Result<(), TestCaseError> {
    for (name, text) in [("data.csv", DATA), ("gaps.csv", GAPS)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let argv = std::iter::once("logreg".to_string()).chain(args.iter().cloned());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = logreg_cli::run(argv, &mut out, &mut err);
    prop_assert!(code <= 2, "exit code {code}");
    let err = String::from_utf8_lossy(&err);
    if code == 1 {
        prop_assert!(
            err.starts_with("error: ") && err.lines().count() == 1,
            "{err}"
        );
    }
    let out = String::from_utf8_lossy(&out);
    if code == 0 && args.iter().any(|a| a == "predict") && args.iter().any(|a| a == "--proba") {
        let col = out
            .lines()
            .next()
            .and_then(|h| h.split(',').position(|c| c == "probability"));
        for line in out.lines().skip(1) {
            if let Some(p) = col.and_then(|c| line.split(',').nth(c)) {
                let p: f64 = p
                    .parse()
                    .map_err(|_| TestCaseError::fail(line.to_string()))?;
                prop_assert!((0.0..=1.0).contains(&p), "{line}");
            }
        }
    }
    // Whatever the run wrote goes, so the next case sees the same directory.
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name();
        if name != "model.json" {
            let p = entry.path();
            let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
        }
    }
    Ok(())
}

fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    std::fs::write(path.join("data.csv"), DATA).unwrap();
    std::env::set_current_dir(&path).unwrap();
    let argv = [
        "logreg",
        "train",
        "data.csv",
        "-t",
        "y",
        "--one-hot",
        "auto",
        "-o",
        "model.json",
    ];
    assert_eq!(logreg_cli::run(argv, &mut Vec::new(), &mut Vec::new()), 0);
    (dir, path)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::with_failure_persistence(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")) })]

    /// Any command line of the command's options and values: an exit code and a message, no panic.
    #[test]
    fn random_command_lines_never_panic(
        args in command_line(),
    ) {
        thread_local! {
            static DIR: (tempfile::TempDir, PathBuf) = scratch();
        }
        DIR.with(|(_, path)| check_run(path, &args))?;
    }
}
