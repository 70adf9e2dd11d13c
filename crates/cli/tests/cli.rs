//! The real `logreg` binary on every command, every documented error, and the bank reference.
//! Reference numbers: `python3 tests/reference_bank.py` from the repository root.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn dataset(name: &str) -> String {
    root().join("datasets").join(name).display().to_string()
}

fn logreg() -> Command {
    Command::new(env!("CARGO_BIN_EXE_logreg"))
}

/// Runs the binary in `dir`; returns (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = logreg().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Succeeds with nothing on stderr (no progress bar when stderr is not a terminal).
fn ok_in(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = run_in(dir, args);
    assert_eq!(code, 0, "{args:?} failed: {err}");
    assert!(err.is_empty(), "{args:?} wrote to stderr: {err}");
    out
}

fn json_in(dir: &Path, args: &[&str]) -> Value {
    let out = ok_in(dir, args);
    assert_eq!(out.lines().count(), 1, "one JSON object on one line: {out}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// Fails with exit code `code` and one `error: ...` line on stderr; returns that line.
fn fails_in(dir: &Path, args: &[&str], code: i32) -> String {
    let (got, out, err) = run_in(dir, args);
    assert_eq!(got, code, "{args:?}: stdout {out} stderr {err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    if code == 1 {
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("error: "), "{err}");
    }
    err
}

fn tmp() -> TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

const METRICS: [&str; 7] = [
    "n",
    "accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "log_loss",
];

#[test]
fn bare_run_trains_on_the_bundled_banknote_data() {
    // From a fresh clone's root, as the README's first command runs it.
    let out = ok_in(&root(), &[]);
    for want in [
        "datasets/banknote.csv: 1372 rows, 5 columns",
        "1097 training rows, 275 test rows",
        "newton",
        "variance",
        "intercept",
        "test ",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    // `train` without data, from elsewhere: the data set is found where it was built.
    let dir = tmp();
    let r = json_in(dir.path(), &["train", "--json", "--quiet"]);
    assert_eq!(r["target"], "class");
    assert_eq!(r["data"]["rows"], 1372);
    assert_eq!(r["test"]["n"], 275);
    assert!(f(&r["test"]["accuracy"]) > 0.97, "{r}");
}

#[test]
fn train_json_has_the_documented_schema() {
    let dir = tmp();
    let r = json_in(
        dir.path(),
        &[
            "train",
            &dataset("banknote.csv"),
            "--target",
            "class",
            "--standardize",
            "--json",
        ],
    );
    assert_eq!(r["command"], "train");
    let features: Vec<&str> = r["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(features, ["variance", "skewness", "curtosis", "entropy"]);
    assert_eq!(r["coefficients"].as_array().unwrap().len(), 4);
    f(&r["intercept"]);
    assert_eq!(r["positive_class"], "1");
    assert_eq!(r["classes"], serde_json::json!(["0", "1"]));
    assert!(f(&r["objective"]) > 0.0);
    assert!(r["iterations"].as_u64().unwrap() >= 1);
    assert_eq!(r["converged"], true);
    assert_eq!(r["solver"], "newton");
    assert_eq!(r["penalty"], "l2");
    assert_eq!(f(&r["c"]), 1.0);
    for set in ["train", "test"] {
        for k in METRICS {
            f(&r[set][k]);
        }
        for k in ["tn", "fp", "fn", "tp"] {
            assert!(r[set]["confusion"][k].is_u64(), "{set}.confusion.{k}");
        }
    }
    assert_eq!(
        r["train"]["n"].as_u64().unwrap() + r["test"]["n"].as_u64().unwrap(),
        1372
    );
    assert_eq!(r["split"]["test_rows"], 275);

    // --test-size 0 trains on every row and has no test metrics.
    let r = json_in(
        dir.path(),
        &[
            "train",
            &dataset("banknote.csv"),
            "-t",
            "class",
            "--test-size",
            "0",
            "--json",
        ],
    );
    assert_eq!(r["train"]["n"], 1372);
    assert!(r["test"].is_null());
}

#[test]
fn bank_one_hot_auto_reaches_scikit_learns_objective() {
    let dir = tmp();
    let r = json_in(
        dir.path(),
        &[
            "train",
            &dataset("bank.csv"),
            "--target",
            "deposit",
            "--one-hot",
            "auto",
            "--drop-first",
            "--standardize",
            "--c",
            "1",
            "--test-size",
            "0",
            "--json",
        ],
    );
    let features = r["features"].as_array().unwrap();
    assert_eq!(features.len(), 42);
    // pandas get_dummies order: numeric columns in file order, then each category column's dummies.
    assert_eq!(features[0], "age");
    assert_eq!(features[7], "job_blue-collar");
    assert_eq!(features[23], "default_yes");
    assert_eq!(features[41], "poutcome_unknown");
    // tests/reference_bank.py: "auto features 42 J 4558.042919387312"
    let want = 4_558.042_919_387_312;
    let j = f(&r["objective"]);
    assert!(((j - want) / want).abs() < 1e-6, "J = {j}");
    assert_eq!(r["positive_class"], "yes");
}

#[test]
fn evaluate_summary_and_predict_use_the_saved_model() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("banknote.csv");
    ok_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "class",
            "--standardize",
            "--penalty",
            "none",
            "--out",
            "m.json",
        ],
    );
    assert!(d.join("m.json").is_file());

    let r = json_in(d, &["evaluate", "--model", "m.json", &data, "--json"]);
    assert_eq!(r["command"], "evaluate");
    assert_eq!(r["test"]["n"], 1372);
    assert!(r["train"].is_null());
    assert!(f(&r["test"]["accuracy"]) > 0.97);
    let text = ok_in(d, &["evaluate", "-m", "m.json", &data]);
    assert!(
        text.contains("accuracy") && text.contains("data "),
        "{text}"
    );

    let s = json_in(d, &["summary", "--model", "m.json", "--json"]);
    assert_eq!(s["command"], "summary");
    let names = s["names"].as_array().unwrap();
    assert_eq!(names.len(), 5);
    assert_eq!(names[4], "intercept");
    for k in [
        "estimates",
        "std_errors",
        "z",
        "p_values",
        "ci_low",
        "ci_high",
    ] {
        let v = s[k].as_array().unwrap_or_else(|| panic!("{k}: {s}"));
        assert_eq!(v.len(), 5, "{k}");
    }
    for i in 0..5 {
        let (lo, c, hi) = (
            f(&s["ci_low"][i]),
            f(&s["estimates"][i]),
            f(&s["ci_high"][i]),
        );
        assert!(lo < c && c < hi);
        let p = f(&s["p_values"][i]);
        assert!((0.0..=1.0).contains(&p));
    }
    assert_eq!(s["coefficients"][0], s["estimates"][0]);
    let text = ok_in(d, &["summary", "-m", "m.json"]);
    assert!(text.contains("std err") && text.contains("P>|z|"), "{text}");

    // A penalized model has no standard errors: the table says why, and the run succeeds.
    ok_in(d, &["train", &data, "-t", "class", "--out", "l2.json"]);
    let s = json_in(d, &["summary", "-m", "l2.json", "--json"]);
    assert!(s["std_errors"].is_null() && s["p_values"].is_null());
    assert!(s["inference_note"]
        .as_str()
        .unwrap()
        .contains("penalty none"));
    assert_eq!(s["estimates"].as_array().unwrap().len(), 5);

    // predict: one row per input row, with the id column kept, to stdout and to a file.
    let out = ok_in(d, &["predict", "-m", "m.json", &data]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "prediction");
    assert_eq!(lines.len(), 1373);
    assert!(lines[1..].iter().all(|l| *l == "0" || *l == "1"));

    let csv = "id,variance,skewness,curtosis,entropy\n\
               a,3.6216,8.6661,-2.8073,-0.44699\n\
               \"b,2\",-1.3971,3.3191,-1.3927,-1.9948\n\
               c,0.3292,-4.4552,4.5718,-0.9888\n";
    let new = write(d, "new.csv", csv);
    ok_in(
        d,
        &[
            "predict", "-m", "m.json", &new, "--proba", "--id", "id", "--output", "p.csv",
        ],
    );
    let p = std::fs::read_to_string(d.join("p.csv")).unwrap();
    let rows: Vec<&str> = p.lines().collect();
    assert_eq!(rows[0], "id,prediction,probability");
    assert_eq!(rows.len(), 4);
    assert!(rows[1].starts_with("a,0,"), "{p}");
    assert!(rows[2].starts_with("\"b,2\",1,"), "{p}");
    for r in &rows[1..] {
        let prob: f64 = r.rsplit(',').next().unwrap().parse().unwrap();
        let class = r.rsplit(',').nth(1).unwrap();
        assert!((0.0..=1.0).contains(&prob));
        assert_eq!(class == "1", prob > 0.5, "{r}");
    }
    // Chunk size does not change the output.
    let small = ok_in(
        d,
        &[
            "predict",
            "-m",
            "m.json",
            &new,
            "--proba",
            "--id",
            "id",
            "--chunk-size",
            "1",
        ],
    );
    assert_eq!(small, p);
}

#[test]
fn existing_files_are_not_overwritten_without_force() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("discount.csv");
    write(d, "m.json", "precious");
    let e = fails_in(
        d,
        &["train", &data, "-t", "send_discount", "--out", "m.json"],
        1,
    );
    assert!(e.contains("m.json") && e.contains("--force"), "{e}");
    assert_eq!(
        std::fs::read_to_string(d.join("m.json")).unwrap(),
        "precious"
    );
    ok_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--out",
            "m.json",
            "--force",
        ],
    );
    assert!(std::fs::read_to_string(d.join("m.json"))
        .unwrap()
        .contains("format_version"));

    write(d, "p.csv", "precious");
    let e = fails_in(
        d,
        &["predict", "-m", "m.json", &data, "--output", "p.csv"],
        1,
    );
    assert!(e.contains("p.csv") && e.contains("--force"), "{e}");
    assert_eq!(
        std::fs::read_to_string(d.join("p.csv")).unwrap(),
        "precious"
    );
    ok_in(
        d,
        &[
            "predict", "-m", "m.json", &data, "--output", "p.csv", "--force",
        ],
    );
    assert_eq!(
        std::fs::read_to_string(d.join("p.csv"))
            .unwrap()
            .lines()
            .count(),
        10
    );

    // Never the input file itself.
    let copy = write(d, "in.csv", &std::fs::read_to_string(&data).unwrap());
    let e = fails_in(
        d,
        &[
            "predict", "-m", "m.json", &copy, "--output", &copy, "--force",
        ],
        1,
    );
    assert!(e.contains("input file"), "{e}");

    // Charts too.
    std::fs::create_dir(d.join("plots")).unwrap();
    write(&d.join("plots"), "loss.svg", "precious");
    let e = fails_in(
        d,
        &["train", &data, "-t", "send_discount", "--plot", "plots"],
        1,
    );
    assert!(e.contains("loss.svg") && e.contains("--force"), "{e}");
}

#[test]
fn plots_are_svg_with_a_boundary_for_two_features() {
    let dir = tmp();
    let d = dir.path();
    let r = json_in(
        d,
        &[
            "train",
            &dataset("toy.csv"),
            "-t",
            "label",
            "--test-size",
            "0",
            "--plot",
            "charts",
            "--json",
        ],
    );
    assert_eq!(r["plots"].as_array().unwrap().len(), 5);
    for name in [
        "loss.svg",
        "roc.svg",
        "threshold.svg",
        "calibration.svg",
        "boundary.svg",
    ] {
        let svg = std::fs::read_to_string(d.join("charts").join(name)).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
    }
    // Four features: no boundary.
    let r = json_in(
        d,
        &[
            "train",
            &dataset("banknote.csv"),
            "-t",
            "class",
            "--plot",
            "four",
            "--json",
        ],
    );
    assert_eq!(r["plots"].as_array().unwrap().len(), 4);
    assert!(!d.join("four/boundary.svg").exists());
}

#[test]
fn pipeline_flags_bin_one_hot_drop_impute_and_positive() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("discount.csv");
    let r = json_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--positive",
            "0",
            "--test-size",
            "0",
            "--json",
        ],
    );
    assert_eq!(r["positive_class"], "0");
    let e = fails_in(
        d,
        &["train", &data, "-t", "send_discount", "--positive", "7"],
        1,
    );
    assert!(e.contains("positive class 7") && e.contains("0, 1"), "{e}");

    let r = json_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--bin",
            "amount_spent:0,30,100,200:low,mid,high",
            "--drop-first",
            "--test-size",
            "0",
            "--json",
        ],
    );
    assert_eq!(
        r["features"],
        serde_json::json!(["amount_spent_low", "amount_spent_mid"])
    );
    let r = json_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--bin",
            "amount_spent:0,50,200",
            "--test-size",
            "0",
            "--json",
        ],
    );
    assert_eq!(
        r["features"],
        serde_json::json!(["amount_spent_(50, 200]", "amount_spent_[0, 50]"])
    );

    // Numbers one-hot encoded as categories, as written; a dropped column is not a feature.
    let csv =
        "id,code,x,y\n1,10,0.5,a\n2,20,1.5,b\n3,10,2.5,a\n4,30,0.1,b\n5,20,2.0,a\n6,30,1.0,b\n";
    let t = write(d, "t.csv", csv);
    let r = json_in(
        d,
        &[
            "train",
            &t,
            "-t",
            "y",
            "--one-hot",
            "code",
            "--drop",
            "id",
            "--standardize",
            "--test-size",
            "0",
            "--json",
        ],
    );
    assert_eq!(
        r["features"],
        serde_json::json!(["x", "code_10", "code_20", "code_30"])
    );
    assert_eq!(r["positive_class"], "b");

    // Missing values: an error naming row and column, or filled with --impute.
    let gaps = "x,c,y\n1,u,0\n,v,1\n3,,0\n4,u,1\n5,v,0\n6,u,1\n";
    let g = write(d, "gaps.csv", gaps);
    let e = fails_in(d, &["train", &g, "-t", "y", "--one-hot", "auto"], 1);
    assert!(
        e.contains("gaps.csv")
            && e.contains("data row 2")
            && e.contains("\"x\"")
            && e.contains("--impute"),
        "{e}"
    );
    for strategy in ["mean", "median", "most-frequent"] {
        ok_in(
            d,
            &[
                "train",
                &g,
                "-t",
                "y",
                "--one-hot",
                "auto",
                "--impute",
                strategy,
                "--test-size",
                "0",
            ],
        );
    }
    ok_in(
        d,
        &[
            "train",
            &g,
            "-t",
            "y",
            "--one-hot",
            "auto",
            "--impute",
            "median",
            "--test-size",
            "0",
            "-o",
            "imp.json",
        ],
    );
    let out = ok_in(d, &["predict", "-m", "imp.json", &g, "--proba"]);
    assert_eq!(out.lines().count(), 7);

    // Every solver runs from the command line.
    for solver in ["auto", "gd", "sgd", "lbfgs", "newton"] {
        let r = json_in(
            d,
            &[
                "train",
                &data,
                "-t",
                "send_discount",
                "--standardize",
                "--solver",
                solver,
                "--max-iter",
                "50",
                "--tol",
                "1e-6",
                "--test-size",
                "0",
                "--json",
            ],
        );
        // `auto` names the solver that ran last (L-BFGS, or Newton when it took over) and every
        // stage in `stages`.
        let ran = r["solver"].as_str().unwrap_or_default().to_string();
        if solver == "auto" {
            assert!(["lbfgs", "newton"].contains(&ran.as_str()), "{ran}");
            assert_eq!(r["stages"][0]["solver"], "lbfgs");
        } else {
            assert_eq!(ran, solver);
            assert_eq!(r["stages"][0]["reason"], "chosen by the caller");
        }
    }
    let r = json_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--standardize",
            "--solver",
            "gd",
            "--learning-rate",
            "0.5",
            "--max-iter",
            "3",
            "--test-size",
            "0",
            "--json",
        ],
    );
    assert_eq!(r["iterations"], 3);
    assert_eq!(r["converged"], false);
}

#[test]
fn data_errors_name_the_file_row_column_and_value() {
    let dir = tmp();
    let d = dir.path();
    let e = fails_in(d, &["train", "nope.csv", "--target", "y"], 1);
    assert!(e.contains("nope.csv") && e.contains("No such file"), "{e}");

    let e = fails_in(d, &["train", &dataset("toy.csv"), "--target", "nope"], 1);
    assert!(
        e.contains("--target") && e.contains("\"nope\"") && e.contains("\"x1\", \"x2\", \"label\""),
        "{e}"
    );

    let one = write(d, "one.csv", "x,y\n1,a\n2,a\n3,a\n");
    let e = fails_in(d, &["train", &one, "-t", "y"], 1);
    assert!(e.contains("only one class") && e.contains("\"a\""), "{e}");

    let three = write(d, "three.csv", "x,y\n1,a\n2,b\n3,c\n4,a\n");
    let e = fails_in(d, &["train", &three, "-t", "y", "--positive", "a"], 1);
    assert!(
        e.ends_with("--positive applies to two classes; target column \"y\" has 3\n"),
        "{e}"
    );

    let word = write(d, "word.csv", "x,y\n1,0\n2,1\nabc,0\n4,1\n");
    let e = fails_in(d, &["train", &word, "-t", "y"], 1);
    assert!(
        e.contains("word.csv")
            && e.contains("data row 3")
            && e.contains("\"x\"")
            && e.contains("\"abc\""),
        "{e}"
    );

    let label_gap = write(d, "label_gap.csv", "x,y\n1,0\n2,\n3,1\n");
    let e = fails_in(d, &["train", &label_gap, "-t", "y"], 1);
    assert!(e.contains("row 2") && e.contains("label is missing"), "{e}");

    let ragged = write(d, "ragged.csv", "x,y\n1,0\n2,1,7\n");
    let e = fails_in(d, &["train", &ragged, "-t", "y"], 1);
    assert!(e.contains("data row 2") && e.contains("3 fields"), "{e}");

    let empty = write(d, "empty.csv", "");
    fails_in(d, &["train", &empty, "-t", "y"], 1);
}

#[test]
fn model_errors_and_prediction_errors() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("discount.csv");
    ok_in(d, &["train", &data, "-t", "send_discount", "-o", "m.json"]);
    let text = std::fs::read_to_string(d.join("m.json")).unwrap();

    let e = fails_in(d, &["summary", "-m", "missing.json"], 1);
    assert!(e.contains("missing.json"), "{e}");
    let v3 = write(
        d,
        "v3.json",
        &text.replacen("\"format_version\": 2", "\"format_version\": 3", 1),
    );
    for args in [
        vec!["summary", "-m", &v3],
        vec!["evaluate", "-m", &v3, &data],
        vec!["predict", "-m", &v3, &data],
    ] {
        let e = fails_in(d, &args, 1);
        assert!(
            e.contains("v3.json") && e.contains("format version 3"),
            "{e}"
        );
    }
    let cut = write(d, "cut.json", &text[..text.len() / 2]);
    let e = fails_in(d, &["summary", "-m", &cut], 1);
    assert!(e.contains("cut.json") && e.contains("truncated"), "{e}");

    // Predictions: a missing input column, a word in a numeric column, a missing value.
    let no_col = write(d, "no_col.csv", "other\n1\n");
    let e = fails_in(d, &["predict", "-m", "m.json", &no_col], 1);
    assert!(e.contains("amount_spent"), "{e}");
    let bad = write(d, "bad.csv", "amount_spent\n1\n2\nlots\n");
    let e = fails_in(
        d,
        &["predict", "-m", "m.json", &bad, "--chunk-size", "2"],
        1,
    );
    assert!(
        e.contains("bad.csv") && e.contains("data row 3") && e.contains("\"lots\""),
        "{e}"
    );
    let gap = write(d, "gap.csv", "amount_spent,note\n1,a\n2,b\n3,c\n,d\n5,e\n");
    let e = fails_in(
        d,
        &["predict", "-m", "m.json", &gap, "--chunk-size", "3"],
        1,
    );
    assert!(
        e.contains("gap.csv") && e.contains("data row 4") && e.contains("amount_spent"),
        "{e}"
    );
    let e = fails_in(
        d,
        &["predict", "-m", "m.json", &data, "--id", "customer"],
        1,
    );
    assert!(e.contains("customer"), "{e}");
    // A failed prediction leaves no partial output file, and with --force the old output stays
    // until a new one is complete.
    for force in [false, true] {
        if force {
            write(d, "out.csv", "precious");
        }
        let mut args = vec![
            "predict",
            "-m",
            "m.json",
            &bad,
            "--chunk-size",
            "1",
            "-o",
            "out.csv",
        ];
        args.extend(force.then_some("--force"));
        fails_in(d, &args, 1);
        let left = std::fs::read_to_string(d.join("out.csv")).ok();
        assert_eq!(left.as_deref(), force.then_some("precious"));
    }
    let mut names: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    assert!(names.is_empty(), "temporary files left: {names:?}");

    // Evaluate: a label the model does not know.
    let other = write(d, "other.csv", "amount_spent,send_discount\n1,0\n2,5\n");
    let e = fails_in(d, &["evaluate", "-m", "m.json", &other], 1);
    assert!(e.contains("row 2") && e.contains("\"5\""), "{e}");
}

#[test]
fn bad_arguments_exit_2_and_help_has_examples() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("discount.csv");
    for args in [
        vec!["train", &data, "-t", "send_discount", "--c", "0"],
        vec!["train", &data, "-t", "send_discount", "--c", "abc"],
        vec!["train", &data, "-t", "send_discount", "--solver", "adam"],
        vec![
            "train",
            &data,
            "-t",
            "send_discount",
            "--penalty",
            "elasticnet",
        ],
        vec!["train", &data, "-t", "send_discount", "--test-size", "1"],
        vec!["train", &data, "-t", "send_discount", "--max-iter", "0"],
        vec![
            "train",
            &data,
            "-t",
            "send_discount",
            "--learning-rate",
            "-1",
        ],
        vec![
            "train",
            &data,
            "-t",
            "send_discount",
            "--bin",
            "amount_spent:5,1",
        ],
        vec![
            "train",
            &data,
            "-t",
            "send_discount",
            "--penalty",
            "none",
            "--c",
            "3",
        ],
        vec!["train", &data],
        vec!["train", "--nope"],
        vec!["evaluate", &data],
        vec!["predict", "-m", "m.json"],
        vec!["predict", "-m", "m.json", &data, "--chunk-size", "0"],
        vec!["frobnicate"],
    ] {
        fails_in(d, &args, 2);
    }
    for cmd in ["train", "evaluate", "predict", "summary"] {
        let out = ok_in(d, &[cmd, "--help"]);
        assert!(
            out.contains("Example"),
            "{cmd} --help has an example:\n{out}"
        );
        assert!(out.contains("logreg "), "{out}");
    }
    assert!(ok_in(d, &["--help"]).contains("Examples"));
    assert!(ok_in(d, &["--version"]).starts_with("logreg "));
}

#[test]
fn distributed_flags_are_checked_before_any_work() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("discount.csv");
    let train = |extra: &[&'static str]| -> Vec<String> {
        let mut a: Vec<String> = ["train", data.as_str(), "-t", "send_discount"]
            .map(String::from)
            .to_vec();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let fails_in = |d: &Path, args: &[String], code: i32| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails_in(d, &args, code)
    };
    let e = fails_in(d, &train(&["--distributed", "--plot", "plots"]), 2);
    assert_eq!(
        e.trim_end(),
        "error: --plot is not available with --distributed: the charts need every row on one \
         process; train on one machine to plot"
    );
    let e = fails_in(d, &train(&["--distributed", "--solver", "sgd"]), 2);
    assert_eq!(
        e.trim_end(),
        "error: --solver sgd cannot run with --distributed: its mini-batches are drawn on one \
         process; use auto, lbfgs, newton, newton-cg or gd"
    );
    let e = fails_in(d, &train(&["--distributed", "--multi-class", "ovr"]), 2);
    assert_eq!(
        e.trim_end(),
        "error: --multi-class ovr is not available with --distributed: one-vs-rest models are \
         fitted on one process; K classes on ranks fit one multinomial model (the default)"
    );
    let e = fails_in(d, &train(&["--distributed", "--cv", "3"]), 2);
    assert_eq!(
        e.trim_end(),
        "error: --cv is not available with --distributed: cross-validation runs on one process; \
         give C with --c"
    );
    // Several data files are shards: only a distributed run takes them.
    let mut twice = train(&[]);
    twice.push(data.clone());
    fails_in(d, &twice, 2);
    if cfg!(feature = "mpi") {
        return;
    }
    let e = fails_in(d, &train(&["--distributed"]), 2);
    assert_eq!(
        e.trim_end(),
        "error: --distributed: this build has no MPI support; to run distributed, install an MPI \
         library with its headers and clang (Debian/Ubuntu: `apt-get install openmpi-bin \
         libopenmpi-dev libclang-dev clang`), rebuild with the cargo feature `mpi` (`cargo build \
         --release --features mpi`) and launch with `mpirun`"
    );
}

/// Trains `m.json` in `d` on the discount data and writes `big.csv`, 100 000 rows to predict
/// (long enough to interrupt); returns the data file's path.
fn model_and_big_file(d: &Path) -> String {
    ok_in(
        d,
        &[
            "train",
            &dataset("discount.csv"),
            "-t",
            "send_discount",
            "-o",
            "m.json",
        ],
    );
    let big: String = std::iter::once("amount_spent\n".to_string())
        .chain((0..100_000).map(|i| format!("{}\n", i % 250)))
        .collect();
    write(d, "big.csv", &big)
}

#[test]
fn a_closed_stdout_stops_predict_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tmp();
    let d = dir.path();
    let big = model_and_big_file(d);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_logreg"))
        .current_dir(d)
        .args(["predict", "-m", "m.json", &big, "--proba"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "prediction,probability\n");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.code().is_some(), "not killed by a signal");
}

#[test]
fn a_predict_killed_mid_write_leaves_the_old_output_whole() {
    use std::time::{Duration, Instant};
    let dir = tmp();
    let d = dir.path();
    let big = model_and_big_file(d);
    let old = write(d, "scores.csv", "prediction,probability\n1,0.75\n");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_logreg"))
        .current_dir(d)
        .args(["predict", "-m", "m.json", &big, "--proba"])
        .args(["--output", &old, "--force", "--quiet"])
        .spawn()
        .unwrap();
    // Kill it once the new output has reached the disk in part (the first 64 KiB buffer).
    let deadline = Instant::now() + Duration::from_secs(60);
    let partial = loop {
        let temp = std::fs::read_dir(d)
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().starts_with(".scores.csv."));
        if let Some(temp) = temp.filter(|t| t.metadata().is_ok_and(|m| m.len() > 0)) {
            break temp.path();
        }
        assert!(
            child.try_wait().unwrap().is_none() && Instant::now() < deadline,
            "predict finished (or never started writing) before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(1));
    };
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());
    let written = std::fs::metadata(&partial).unwrap().len();
    assert_eq!(
        std::fs::read_to_string(&old).unwrap(),
        "prediction,probability\n1,0.75\n"
    );

    // The next run replaces it whole.
    ok_in(
        d,
        &[
            "predict", "-m", "m.json", &big, "--proba", "-o", &old, "--force",
        ],
    );
    let whole = std::fs::read_to_string(&old).unwrap();
    assert_eq!(whole.lines().count(), 100_001);
    assert!(
        written > 0 && written < whole.len() as u64,
        "killed after {written} bytes"
    );
}

/// The exact message of a usage error (exit 2) or a data error (exit 1), without `error: `.
fn message(d: &Path, args: &[&str], code: i32) -> String {
    let e = fails_in(d, args, code);
    e.lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string()
}

#[test]
fn penalty_and_cross_validation_flags_are_checked_before_any_work() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("banknote.csv");
    let t = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = ["train", data.as_str(), "-t", "class"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let usage = |extra: &[&str]| {
        let v = t(extra);
        let refs: Vec<&str> = v.iter().map(String::as_str).collect();
        message(d, &refs, 2)
    };
    assert_eq!(
        usage(&["--penalty", "elasticnet", "--l1-ratio", "1.5"]),
        "--l1-ratio 1.5 is out of range: expected a number in [0, 1]"
    );
    assert_eq!(
        usage(&["--penalty", "elasticnet", "--l1-ratio", "-0.1"]),
        "--l1-ratio -0.1 is out of range: expected a number in [0, 1]"
    );
    assert_eq!(
        usage(&["--l1-ratio", "0.5"]),
        "--l1-ratio applies to --penalty elasticnet, not l2"
    );
    assert_eq!(
        usage(&["--penalty", "l1", "--l1-ratio", "0.5"]),
        "--l1-ratio applies to --penalty elasticnet, not l1"
    );
    assert_eq!(
        usage(&["--penalty", "elasticnet"]),
        "--penalty elasticnet needs --l1-ratio R (or, with --cv, --l1-ratios R1,R2,…)"
    );
    assert_eq!(
        usage(&["--solver", "lbfgs", "--learning-rate", "0.1"]),
        "--learning-rate applies to --solver gd or sgd, not lbfgs"
    );
    assert_eq!(
        usage(&["--solver", "gd", "--batch-size", "8"]),
        "--batch-size applies to --solver sgd, not gd"
    );
    assert_eq!(
        usage(&["--cv", "1"]),
        "--cv 1 is out of range: expected at least 2 folds"
    );
    assert_eq!(
        usage(&["--cv", "3", "--cs", ""]),
        "--cs: the list of C values is empty"
    );
    assert_eq!(
        usage(&["--cv", "3", "--cs", ",,"]),
        "--cs: the list of C values is empty"
    );
    assert_eq!(
        usage(&["--cv", "3", "--cs", "0.1,-2"]),
        "--cs: \"-2\" is not a value of C (expected a finite number > 0)"
    );
    assert_eq!(usage(&["--cs", "5"]), "--cs applies with --cv K");
    assert_eq!(
        usage(&["--cv", "3", "--c", "2"]),
        "--c is chosen by --cv; give the values to try with --cs"
    );
    assert_eq!(
        usage(&["--penalty", "l1", "--solver", "lbfgs"]),
        "--solver lbfgs is out of range: expected auto, coordinate-descent or owl-qn with an L1 or elastic-net penalty (the others need a smooth objective)"
    );

    // Fold counts against the classes: after reading the labels, before any fit.
    let small = write(d, "small.csv", "x,y\n1,a\n2,a\n3,b\n4,b\n5,b\n6,a\n7,b\n");
    assert_eq!(
        message(d, &["train", &small, "-t", "y", "--test-size", "0", "--cv", "4"], 1),
        format!(
            "{small}: --cv 4 is more than the smallest class count: class \"a\" has 3 training rows, and every fold needs one of each class"
        )
    );
    let lonely = write(d, "lonely.csv", "x,y\n1,a\n2,a\n3,b\n4,a\n5,a\n6,a\n7,a\n");
    assert_eq!(
        message(d, &["train", &lonely, "-t", "y", "--test-size", "0", "--cv", "2"], 1),
        format!(
            "{lonely}: --cv 2: class \"b\" has a single training row; stratified cross-validation needs at least 2 rows of every class"
        )
    );

    // Combinations the cross-validated fit does not take, before any file is read.
    assert_eq!(
        usage(&["--penalty", "l1", "--cv", "3", "--offset", "x"]),
        "--offset cannot be used with --cv: the cross-validated fits take sample weights, not offsets"
    );
    assert_eq!(
        usage(&["--penalty", "l1", "--cv", "3", "--warm-start", "m.json"]),
        "--warm-start cannot be used with --cv: the path starts every fold from all-zero coefficients"
    );
    let svm = write(d, "rows.svm", "1 1:0.5\n-1 1:2\n1 1:1\n-1 1:3\n");
    assert_eq!(
        message(d, &["train", &svm, "--penalty", "l1", "--cv", "2"], 2),
        "--cv reads CSV tables; with a libsvm file fit one C at a time (--c)"
    );
    // Flags of a binary model with three classes: after reading the labels, naming the flag.
    let three = write(
        d,
        "three.csv",
        "x,o,y\n1,0,a\n2,0,b\n3,0,c\n4,0,a\n5,0,b\n6,0,c\n",
    );
    for flag in [
        ["--threshold", "0.3"],
        ["--positive", "a"],
        ["--offset", "o"],
    ] {
        assert_eq!(
            message(d, &["train", &three, "-t", "y", flag[0], flag[1]], 1),
            format!(
                "{three}: {} applies to two classes; target column \"y\" has 3",
                flag[0]
            )
        );
    }
    // Weights and L1 with cross-validation: the weight column is not a feature, and the fit runs.
    let weighted = write(
        d,
        "weighted.csv",
        "x,z,w,y\n1,5,1,0\n2,3,2,1\n3,4,1,0\n4,1,3,1\n5,2,1,0\n6,0,2,1\n7,3,1,1\n0,4,2,0\n",
    );
    let j = json_in(
        d,
        &[
            "train",
            &weighted,
            "-t",
            "y",
            "--sample-weight",
            "w",
            "--penalty",
            "l1",
            "--cv",
            "2",
            "--cs",
            "3",
            "--test-size",
            "0",
            "--json",
        ],
    );
    assert_eq!(j["features"], serde_json::json!(["x", "z"]));
    assert_eq!(j["sample_weight_column"], "w");
    assert_eq!(j["path"]["points"].as_array().unwrap().len(), 3);
}

#[test]
fn l1_cross_validation_prints_the_table_and_writes_path_and_cv_charts() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("banknote.csv");
    let args = [
        "train",
        &data,
        "-t",
        "class",
        "--standardize",
        "--penalty",
        "l1",
        "--cv",
        "3",
        "--cs",
        "6",
        "--scoring",
        "log-loss",
        "--plot",
        "charts",
        "--json",
    ];
    let j = json_in(d, &args);
    assert_eq!(j["penalty"], "l1");
    assert_eq!(j["l1_ratio"], 1.0);
    assert_eq!(j["solver"], "coordinate-descent");
    assert_eq!(
        j["stop"],
        "converged (minimum-norm subgradient below tolerance)"
    );
    assert!(f(&j["optimality"]) <= 1e-10);
    let cv = &j["cv"];
    assert_eq!(cv["folds"], 3);
    assert_eq!(cv["scoring"], "log-loss");
    let rows = cv["tables"][0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let best = f(&cv["best"]["c"]);
    assert_eq!(f(&j["c"]), best, "the model is refitted at the chosen C");
    let lowest = rows
        .iter()
        .map(|r| f(&r["mean"]))
        .fold(f64::INFINITY, f64::min);
    assert_eq!(f(&cv["best"]["mean"]), lowest);
    assert!(f(&cv["one_se"]["c"]) <= best);
    let points = j["path"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    assert_eq!(points[0]["nonzero"], 0, "the grid starts at C_min");
    assert!(f(&j["path"]["c_min"]) > 0.0);
    let plots: Vec<&str> = j["plots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for name in ["path.svg", "cv.svg"] {
        let file = plots.iter().find(|p| p.ends_with(name)).unwrap();
        let text = std::fs::read_to_string(d.join(file)).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        assert!(doc
            .descendants()
            .any(|n| n.has_tag_name("polyline") || n.has_tag_name("path")));
    }
    // The text report: one line per C with mean ± sd and nonzeros, and the choice.
    let text = ok_in(d, &args[..args.len() - 3]);
    assert!(
        text.contains("cross-validation (3 stratified folds, log-loss)"),
        "{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.contains(" ± ") && !l.starts_with("chosen"))
            .count(),
        6,
        "{text}"
    );
    assert!(text.contains("chosen      C = "), "{text}");
}

#[test]
fn multiclass_train_evaluate_predict_and_summary() {
    let dir = tmp();
    let d = dir.path();
    let iris = dataset("iris.csv");
    let j = json_in(
        d,
        &[
            "train",
            &iris,
            "-t",
            "species",
            "--standardize",
            "--out",
            "iris.json",
            "--json",
        ],
    );
    assert_eq!(j["model_kind"], "multinomial");
    assert_eq!(
        j["classes"],
        serde_json::json!(["setosa", "versicolor", "virginica"])
    );
    assert_eq!(j["positive_class"], Value::Null);
    let coef = j["coefficients"].as_array().unwrap();
    assert_eq!(coef.len(), 3);
    assert!(coef.iter().all(|r| r.as_array().unwrap().len() == 4));
    assert_eq!(j["intercept"].as_array().unwrap().len(), 3);
    let test = &j["test"];
    assert_eq!(test["per_class"].as_array().unwrap().len(), 3);
    assert_eq!(test["confusion"].as_array().unwrap().len(), 3);
    let n: u64 = test["confusion"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()))
        .sum();
    assert_eq!(n, test["n"].as_u64().unwrap());
    assert!(f(&test["accuracy"]) > 0.9 && f(&test["log_loss"]) > 0.0);
    assert!(test["macro_avg"]["f1"].is_number() && test["weighted_avg"]["support"] == test["n"]);

    let e = json_in(d, &["evaluate", "-m", "iris.json", &iris, "--json"]);
    assert_eq!(e["test"]["n"], 150);
    let text = ok_in(d, &["evaluate", "-m", "iris.json", &iris]);
    assert!(
        text.contains("true \\ predicted") && text.contains("weighted avg"),
        "{text}"
    );

    let out = ok_in(d, &["predict", "-m", "iris.json", &iris, "--proba"]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("prediction,p_setosa,p_versicolor,p_virginica")
    );
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 4);
        let total: f64 = cells[1..].iter().map(|c| c.parse::<f64>().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-12, "{line}");
    }
    let summary = ok_in(d, &["summary", "-m", "iris.json"]);
    assert!(
        summary.contains("setosa") && summary.contains("virginica"),
        "{summary}"
    );
    assert!(summary.contains("petal_width"), "{summary}");

    let ovr = json_in(
        d,
        &[
            "train",
            &iris,
            "-t",
            "species",
            "--multi-class",
            "ovr",
            "--json",
        ],
    );
    assert_eq!(ovr["model_kind"], "ovr");
    assert_eq!(ovr["coefficients"].as_array().unwrap().len(), 3);
}

#[test]
fn multinomial_fits_reach_scikit_learns_objective() {
    // tests/reference_penalties.py: LogisticRegression(C=1) (multinomial, newton-cholesky at
    // tol 1e-14) on StandardScaler output; J = C·Σ(logsumexp(z) − z_y) + ½‖W‖².
    let dir = tmp();
    let d = dir.path();
    for (file, target, reference) in [
        ("iris.csv", "species", 31.37876826079647),
        ("digits.csv", "digit", 113.47995478033414),
    ] {
        let j = json_in(
            d,
            &[
                "train",
                &dataset(file),
                "-t",
                target,
                "--standardize",
                "--test-size",
                "0",
                "--json",
            ],
        );
        assert_eq!(j["model_kind"], "multinomial");
        let got = f(&j["objective"]);
        assert!(
            (got - reference).abs() <= 1e-8 * reference,
            "{file}: {got} vs scikit-learn's {reference}"
        );
    }
}

/// Relative difference, for comparisons with statsmodels.
fn rel(got: f64, want: f64) -> f64 {
    ((got - want) / want).abs()
}

#[test]
fn weights_offsets_and_statistics_equal_statsmodels() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("claims.csv");
    let train = |cov: &str, out: &str| {
        json_in(
            d,
            &[
                "train",
                &data,
                "-t",
                "claim",
                "--sample-weight",
                "policies",
                "--offset",
                "log_exposure",
                "--penalty",
                "none",
                "--cov-type",
                cov,
                "--test-size",
                "0",
                "-o",
                out,
                "--json",
            ],
        )
    };
    // crates/model/tests/statistics_reference.py, section 2 (GLM freq_weights with an offset).
    let r = train("hc1", "m.json");
    assert_eq!(r["features"], serde_json::json!(["age", "power", "urban"]));
    assert_eq!(r["sample_weight_column"], "policies");
    assert_eq!(r["offset_column"], "log_exposure");
    assert_eq!(r["cov_type"], "hc1");
    for (key, want) in [
        ("log_likelihood", -1018.0362011421328),
        ("null_log_likelihood", -1069.4859747531489),
        ("llr", 102.8995472220322),
        ("llr_p_value", 3.6978962063309134e-22),
        ("aic", 2044.0724022842655),
        ("bic", 2066.5098684360823),
        ("pseudo_r2", 0.04810701105537296),
        ("deviance", 2036.0724022842655),
    ] {
        assert!(rel(f(&r[key]), want) < 1e-8, "{key}: {} vs {want}", r[key]);
    }
    assert!(r["inference_note"].is_null());
    let s = json_in(d, &["summary", "-m", "m.json", "--json"]);
    for (got, want) in s["std_errors"].as_array().unwrap().iter().zip([
        0.002959315745033295,
        0.015550563235204862,
        0.11047671133015674,
        0.2088235368222273,
    ]) {
        assert!(rel(f(got), want) < 1e-6, "HC1 {got} vs {want}");
    }
    assert_eq!(s["log_likelihood"], r["log_likelihood"]);
    let text = ok_in(d, &["summary", "-m", "m.json"]);
    assert!(
        text.find("Log-Likelihood:").unwrap() < text.find("std err").unwrap()
            && text.contains("Covariance Type:")
            && text.contains("hc1"),
        "{text}"
    );

    // Logit(y, X, offset=…) without weights: section 1's coefficients to 1e-8.
    let r = json_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "claim",
            "--offset",
            "log_exposure",
            "--drop",
            "policies",
            "--penalty",
            "none",
            "--test-size",
            "0",
            "--json",
        ],
    );
    let mut params: Vec<f64> = r["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .map(f)
        .collect();
    params.push(f(&r["intercept"]));
    for (g, w) in params.iter().zip([
        -0.0200371054215522,
        0.0784448999303031,
        0.4727213768949304,
        -0.5183198592934661,
    ]) {
        assert!(rel(*g, w) < 1e-8, "{g} vs {w}");
    }

    // A penalized fit: the statistics are null, and the note says why.
    let r = json_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "claim",
            "--sample-weight",
            "policies",
            "--test-size",
            "0",
            "--json",
        ],
    );
    for key in [
        "log_likelihood",
        "llr_p_value",
        "aic",
        "bic",
        "pseudo_r2",
        "cov_type",
    ] {
        assert!(r[key].is_null(), "{key}: {}", r[key]);
    }
    assert_eq!(
        r["inference_note"],
        "standard errors and model statistics need an unpenalized fit (penalty none)"
    );

    // A weighted L2 fit reaches scikit-learn's objective (section 4) to 1e-9.
    let r = json_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "claim",
            "--sample-weight",
            "policies",
            "--drop",
            "log_exposure",
            "--standardize",
            "--c",
            "0.5",
            "--test-size",
            "0",
            "--json",
        ],
    );
    assert!(
        rel(f(&r["objective"]), 543.1842141183869) < 1e-9,
        "{}",
        r["objective"]
    );

    // Predict and evaluate read the offset column; --logit is the decision function.
    let out = ok_in(
        d,
        &[
            "predict",
            "-m",
            "m.json",
            &data,
            "--proba",
            "--logit",
            "--threshold",
            "0.3",
        ],
    );
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("prediction,probability,logit"));
    for line in lines {
        let v: Vec<&str> = line.split(',').collect();
        let (p, z): (f64, f64) = (v[1].parse().unwrap(), v[2].parse().unwrap());
        assert!((p - 1.0 / (1.0 + (-z).exp())).abs() < 1e-15);
        assert_eq!(v[0], if p > 0.3 { "1" } else { "0" }, "{line}");
    }
    let e = json_in(
        d,
        &[
            "evaluate",
            "-m",
            "m.json",
            &data,
            "--threshold",
            "0.3",
            "--json",
        ],
    );
    assert_eq!(e["threshold"], 0.3);
    let e5 = json_in(d, &["evaluate", "-m", "m.json", &data, "--json"]);
    assert!(f(&e["test"]["recall"]) > f(&e5["test"]["recall"]));
    assert_eq!(e["test"]["brier_score"], e5["test"]["brier_score"]);
    assert!(f(&e5["test"]["brier_score"]) > 0.0 && f(&e5["test"]["brier_score"]) < 0.25);

    // Charts: threshold and calibration under --plot (train and evaluate).
    let r = json_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "claim",
            "--drop",
            "policies,log_exposure",
            "--plot",
            "p",
            "--json",
        ],
    );
    let plots: Vec<&str> = r["plots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for name in ["loss.svg", "roc.svg", "threshold.svg", "calibration.svg"] {
        assert!(plots.iter().any(|p| p.ends_with(name)), "{plots:?}");
    }
    let cal = std::fs::read_to_string(d.join("p/calibration.svg")).unwrap();
    assert!(
        cal.contains("n = ") && cal.contains("perfectly calibrated"),
        "{cal}"
    );
    let thr = std::fs::read_to_string(d.join("p/threshold.svg")).unwrap();
    assert!(thr.contains("precision") && thr.contains("threshold 0.5"));
    let e = json_in(
        d,
        &["evaluate", "-m", "m.json", &data, "--plot", "q", "--json"],
    );
    assert_eq!(e["plots"].as_array().unwrap().len(), 3);

    // Warm start from the saved model: same features, the optimum is reached at once.
    let r = json_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "claim",
            "--sample-weight",
            "policies",
            "--offset",
            "log_exposure",
            "--penalty",
            "none",
            "--test-size",
            "0",
            "--warm-start",
            "m.json",
            "--json",
        ],
    );
    assert!(
        r["iterations"].as_u64().unwrap() <= 2,
        "{}",
        r["iterations"]
    );
    let e = fails_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "claim",
            "--test-size",
            "0",
            "--warm-start",
            "m.json",
        ],
        1,
    );
    assert!(
        e.contains("--warm-start") && e.contains("features differ"),
        "{e}"
    );
}

#[test]
fn weight_offset_threshold_and_cov_type_errors_are_exact() {
    let dir = tmp();
    let d = dir.path();
    let neg = write(
        d,
        "neg.csv",
        "x,w,o,y\n1,1,0,0\n2,-1,0,1\n3,1,0,0\n4,1,0,1\n",
    );
    let zero = write(
        d,
        "zero.csv",
        "x,w,o,y\n1,1,0,0\n2,0,0,1\n3,1,0,0\n4,1,0,1\n",
    );
    let gap = write(d, "gap.csv", "x,w,o,y\n1,1,0,0\n2,1,0,1\n3,,0,0\n4,1,0,1\n");
    let text = write(
        d,
        "text.csv",
        "x,w,o,y\n1,1,0,0\n2,1,abc,1\n3,1,0,0\n4,1,0,1\n",
    );
    let no_o = write(d, "no_o.csv", "x,w,y\n1,1,0\n2,1,1\n");
    let cases: [(Vec<&str>, i32, String); 9] = [
        (
            vec!["train", &neg, "-t", "y", "--sample-weight", "w"],
            1,
            format!("error: {neg}: data row 2, column \"w\": the sample weight is -1, expected a finite number > 0"),
        ),
        (
            vec!["train", &zero, "-t", "y", "--sample-weight", "w"],
            1,
            format!("error: {zero}: data row 2, column \"w\": the sample weight is 0, expected a finite number > 0"),
        ),
        (
            vec!["train", &gap, "-t", "y", "--sample-weight", "w"],
            1,
            format!("error: {gap}: data row 3, column \"w\": the sample weight is missing, expected a finite number > 0"),
        ),
        (
            vec!["train", &text, "-t", "y", "--offset", "o"],
            1,
            format!("error: {text}: data row 2, column \"o\": expected a number (the column is read as numeric), found \"abc\""),
        ),
        (
            vec!["train", &neg, "-t", "y", "--sample-weight", "w", "--one-hot", "w"],
            2,
            "error: --sample-weight: column \"w\" is also named by --one-hot; the weight column is never a feature".into(),
        ),
        (
            vec!["train", &neg, "-t", "y", "--threshold", "1.5"],
            2,
            "error: --threshold 1.5 is out of range: expected a probability strictly between 0 and 1".into(),
        ),
        (
            vec!["predict", "-m", "m.json", &neg, "--threshold", "0"],
            2,
            "error: --threshold 0 is out of range: expected a probability strictly between 0 and 1".into(),
        ),
        (
            vec!["train", &neg, "-t", "y", "--cov-type", "hc0"],
            2,
            "error: --cov-type hc0 needs --penalty none: penalized fits have no standard errors".into(),
        ),
        (
            vec!["train", &zero, "-t", "y", "--offset", "o", "--sample-weight", "o"],
            2,
            "error: --offset: column \"o\" is also given to --sample-weight".into(),
        ),
    ];
    for (args, code, want) in &cases {
        let e = fails_in(d, args, *code);
        assert_eq!(e.trim_end(), want, "{args:?}");
    }
    ok_in(
        d,
        &[
            "train",
            &zero,
            "-t",
            "y",
            "--offset",
            "o",
            "--drop",
            "w",
            "-o",
            "m.json",
            "--test-size",
            "0",
        ],
    );
    // A missing offset at prediction names its row in the file, across chunks.
    let o_gap = write(d, "o_gap.csv", "x,o\n1,0\n2,0.5\n3,\n4,0\n");
    let e = fails_in(
        d,
        &["predict", "-m", "m.json", &o_gap, "--chunk-size", "2"],
        1,
    );
    assert_eq!(
        e.trim_end(),
        format!("error: {o_gap}: data row 3, column \"o\": the offset is missing, expected a finite number")
    );
    for cmd in ["predict", "evaluate"] {
        let e = fails_in(d, &[cmd, "-m", "m.json", &no_o], 1);
        assert_eq!(
            e.trim_end(),
            format!("error: {no_o}: the model adds the offset column \"o\" to every logit, and the input has no column \"o\"")
        );
    }
}

#[test]
fn libsvm_files_train_evaluate_and_predict() {
    let dir = tmp();
    let d = dir.path();
    let rows = "1 1:0.5 3:1\n-1 2:1\n1 1:2 2:0.1\n-1 3:0.3\n1 1:1.5\n-1 2:0.7 3:0.2\n";
    let svm = write(d, "rows.svm", rows);
    let report = json_in(
        d,
        &[
            "train",
            &svm,
            "--test-size",
            "0",
            "--out",
            "m.json",
            "--json",
        ],
    );
    assert_eq!(report["features"], serde_json::json!(["1", "2", "3"]));
    assert_eq!(report["classes"], serde_json::json!(["-1", "1"]));
    assert_eq!(report["data"]["rows"], 6);
    // The extension is not needed with --format libsvm; the model says what it reads.
    let txt = write(d, "rows.txt", rows);
    let again = json_in(
        d,
        &[
            "train",
            &txt,
            "--format",
            "libsvm",
            "--test-size",
            "0",
            "--json",
        ],
    );
    assert_eq!(again["coefficients"], report["coefficients"]);
    let eval = json_in(d, &["evaluate", "-m", "m.json", &txt, "--json"]);
    assert_eq!(eval["test"]["n"], 6);
    assert_eq!(eval["test"]["accuracy"], report["train"]["accuracy"]);
    let out = ok_in(d, &["predict", "-m", "m.json", &svm, "--proba"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "prediction,probability");
    assert_eq!(lines.len(), 7);
    for line in &lines[1..] {
        let (label, p) = line.split_once(',').unwrap();
        let p: f64 = p.parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert_eq!(label, if p > 0.5 { "1" } else { "-1" }, "{line}");
    }
}

#[test]
fn libsvm_and_category_errors_are_located() {
    let dir = tmp();
    let d = dir.path();
    let cases = [
        (
            "1 1:0.5 3:1\n-1 2 1\n",
            "line 2, token \"2\": expected index:value, found \"2\" (no ':')",
        ),
        (
            "1 qid:3 1:0.5\n",
            "line 1, token \"qid:3\": expected index:value (qid, a ranking query id, is not \
             supported by a classifier: remove the qid:… tokens), found qid",
        ),
        (
            "1 0:0.5\n",
            "line 1, token \"0:0.5\": expected an index of at least 1 (libsvm indices are \
             1-based), found 0",
        ),
        (
            "yes 1:0.5\n-1 1:2\n",
            "line 1, token \"yes\": expected a numeric label first on the line, found \"yes\"",
        ),
        (
            "1 3:0.5 2:1\n",
            "line 1, token \"2:1\": expected an index greater than the previous one (3); \
             indices must increase along a line, found 2",
        ),
        (
            "1 1:nan\n",
            "line 1, token \"1:nan\": expected a finite number, found nan",
        ),
        (
            "1 1:1\n2 1:2\n3 1:0\n",
            "target column \"label\" has 3 distinct values (\"1\", \"2\", \"3\"); a model of \
             libsvm rows is binary and needs exactly two (K-class models read CSV tables)",
        ),
    ];
    for (i, (text, message)) in cases.iter().enumerate() {
        let name = format!("bad{i}.svm");
        let path = write(d, &name, text);
        let e = fails_in(d, &["train", &path, "--test-size", "0"], 1);
        assert_eq!(e.trim_end(), format!("error: {path}: {message}"));
    }

    // A model knows its feature count: a higher index at prediction is an error.
    let svm = write(d, "rows.svm", "1 1:0.5 3:1\n-1 2:1\n1 1:2\n-1 3:0.3\n");
    ok_in(d, &["train", &svm, "--test-size", "0", "--out", "m.json"]);
    let high = write(d, "high.svm", "1 1:0.5 7:1\n");
    for command in ["evaluate", "predict"] {
        let e = fails_in(d, &[command, "-m", "m.json", &high], 1);
        let e = e.lines().last().unwrap();
        assert_eq!(
            e,
            format!(
                "error: {high}: line 1, token \"7:1\": expected an index of at most 3 (the \
                 number of features), found 7"
            )
        );
    }
    // Table flags and --id mean nothing for libsvm rows.
    let e = fails_in(d, &["train", &svm, "--standardize"], 2);
    assert!(
        e.contains("--standardize describes a CSV table's columns"),
        "{e}"
    );
    let e = fails_in(d, &["predict", "-m", "m.json", &svm, "--id", "x"], 2);
    assert!(e.contains("--id x: this model reads libsvm rows"), "{e}");

    // The one-hot guard names the flag that raises it.
    let cats = write(d, "cats.csv", "a,b,y\n1,p,0\n2,q,1\n3,r,0\n4,s,1\n5,t,1\n");
    let e = fails_in(
        d,
        &[
            "train",
            &cats,
            "-t",
            "y",
            "--one-hot",
            "b",
            "--max-categories",
            "3",
            "--test-size",
            "0",
        ],
        1,
    );
    assert_eq!(
        e.trim_end(),
        format!(
            "error: {cats}: cannot fit OneHotEncoder on column \"b\": it has 5 distinct values, \
             more than --max-categories = 3; is it an identifier? (raise the limit with \
             --max-categories if not)"
        )
    );
    ok_in(
        d,
        &[
            "train",
            &cats,
            "-t",
            "y",
            "--one-hot",
            "b",
            "--max-categories",
            "5",
            "--test-size",
            "0",
        ],
    );
    let e = fails_in(d, &["train", &cats, "-t", "y", "--max-categories", "0"], 2);
    assert!(e.contains("--max-categories 0 is out of range"), "{e}");
}

#[test]
fn export_writes_onnx_and_never_overwrites_without_force() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("bank.csv");
    ok_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "deposit",
            "--one-hot",
            "auto",
            "--standardize",
            "--out",
            "m.json",
            "--quiet",
        ],
    );
    let out = ok_in(d, &["export", "--onnx", "m.onnx", "--model", "m.json"]);
    let bytes = std::fs::read(d.join("m.onnx")).unwrap();
    assert!(
        out.starts_with(&format!(
            "wrote m.onnx ({} bytes): inputs age, job, ",
            bytes.len()
        )),
        "{out}"
    );
    assert!(
        out.trim_end().ends_with("outputs label, probabilities"),
        "{out}"
    );
    // ModelProto field 1 (ir_version 9) first: the protobuf bytes 0x08 0x09.
    assert_eq!(&bytes[..2], &[0x08, 0x09]);

    write(d, "keep.onnx", "precious");
    let e = fails_in(
        d,
        &["export", "--onnx", "keep.onnx", "--model", "m.json"],
        1,
    );
    assert_eq!(
        e,
        "error: keep.onnx already exists; pass --force to overwrite it (or choose another --onnx)\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("keep.onnx")).unwrap(),
        "precious"
    );
    ok_in(
        d,
        &[
            "export",
            "--onnx",
            "keep.onnx",
            "--model",
            "m.json",
            "--force",
        ],
    );
    assert_eq!(std::fs::read(d.join("keep.onnx")).unwrap(), bytes);

    let e = fails_in(
        d,
        &["export", "--onnx", "x.onnx", "--model", "nope.json"],
        1,
    );
    assert_eq!(
        e,
        "error: nope.json: No such file or directory (os error 2)\n"
    );
    assert!(!d.join("x.onnx").exists());
    let e = fails_in(d, &["export", "--model", "m.json"], 2);
    assert!(e.contains("--onnx <OUT.onnx>"), "{e}");
}

// ---- fits in passes (--memory-limit) and Parquet ----

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/parquet")
        .join(name)
        .display()
        .to_string()
}

/// Scratch directories left in `dir`.
fn scratch_left(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("logreg-scratch-"))
        .collect()
}

#[test]
fn train_in_passes_fits_what_memory_fits_and_leaves_no_scratch() {
    let dir = tmp();
    let d = dir.path();
    let bank = dataset("bank.csv");
    let flags = [
        "train",
        &bank,
        "-t",
        "deposit",
        "--one-hot",
        "auto",
        "--drop-first",
        "--standardize",
        "--json",
    ];
    let mem = json_in(d, &flags);
    assert_eq!(mem["mode"]["mode"], "in memory");
    let mut passes: Vec<&str> = flags.to_vec();
    passes.extend(["--memory-limit", "16MB", "--scratch-dir", "."]);
    let streamed = json_in(d, &passes);
    assert_eq!(streamed["mode"]["mode"], "in passes");
    assert_eq!(streamed["mode"]["reason"], "--memory-limit 16.0 MiB given");
    assert_eq!(streamed["mode"]["memory_limit"], 16 << 20);
    // Labels, one-hot, standardize, one chunk for the output columns, the writing pass.
    assert_eq!(streamed["mode"]["file_passes"], 5);
    let (a, b) = (f(&mem["objective"]), f(&streamed["objective"]));
    assert!((a - b).abs() <= 1e-9 * a, "{a} vs {b}");
    assert_eq!(mem["features"], streamed["features"]);
    assert_eq!(mem["split"], streamed["split"]);
    assert_eq!(mem["test"]["confusion"], streamed["test"]["confusion"]);
    assert!(scratch_left(d).is_empty());
    // Text output names the mode.
    let text_flags: Vec<&str> = passes.iter().copied().filter(|a| *a != "--json").collect();
    let text = ok_in(d, &text_flags);
    assert!(
        text.contains(
            "mode        in passes (--memory-limit 16.0 MiB given): 5 passes over the file"
        ),
        "{text}"
    );
}

#[test]
fn flags_a_fit_in_passes_cannot_honour_are_refused_by_name() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("discount.csv");
    let refused: [&[&str]; 8] = [
        &["--sample-weight", "amount_spent"],
        &["--offset", "amount_spent"],
        &["--warm-start", "m.json"],
        &["--penalty", "none", "--cov-type", "hc1"],
        &["--multi-class", "ovr"],
        &["--cv", "3"],
        &["--distributed"],
        // The first refused flag is named when there are several.
        &["--multi-class", "multinomial", "--cv", "3"],
    ];
    for extra in refused {
        let mut args = vec![
            "train",
            &data,
            "-t",
            "send_discount",
            "--memory-limit",
            "16MB",
        ];
        args.extend(extra);
        let e = fails_in(d, &args, 2);
        let flag = extra
            .iter()
            .find(|a| a.starts_with("--") && **a != "--penalty");
        let flag = flag.unwrap();
        assert_eq!(
            e.trim_end(),
            format!(
                "error: {flag} is not available in a fit in passes (--memory-limit) yet; fit in \
                 memory (leave out --memory-limit)"
            ),
            "{extra:?}"
        );
    }
    let e = fails_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--memory-limit",
            "16MB",
            "--solver",
            "sgd",
        ],
        2,
    );
    assert_eq!(
        e.trim_end(),
        "error: --solver sgd needs the data in memory (its mini-batches read rows at random); \
         with --memory-limit use auto, lbfgs, newton, newton-cg or gd"
    );
    let e = fails_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--memory-limit",
            "16MB",
            "--impute",
            "median",
        ],
        2,
    );
    assert_eq!(
        e.trim_end(),
        "error: --impute median needs every value of a column in memory; with --memory-limit \
         use --impute mean or most-frequent"
    );
    let e = fails_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--memory-limit",
            "1MB",
        ],
        2,
    );
    assert_eq!(
        e.trim_end(),
        "error: --memory-limit 1048576 bytes is out of range: expected at least 16MB (the \
         parser's buffers and one block of the design)"
    );
    let svm = write(d, "rows.svm", "1 1:0.5\n0 1:-0.5\n");
    let e = fails_in(d, &["train", &svm, "--memory-limit", "16MB"], 2);
    assert_eq!(
        e.trim_end(),
        "error: --memory-limit: a libsvm file is fitted in memory; a fit in passes reads CSV or \
         Parquet files"
    );
    // Parquet is read by one process: --distributed refuses it before any work.
    let e = fails_in(
        d,
        &[
            "train",
            &fixture("types.parquet"),
            "-t",
            "y",
            "--distributed",
        ],
        2,
    );
    assert_eq!(
        e.trim_end(),
        "error: --distributed reads CSV or libsvm files, not Parquet; train on one machine \
         (leave out --distributed)"
    );
}

#[test]
fn a_fit_in_passes_of_three_classes_is_refused_and_l1_in_passes_fits_what_memory_fits() {
    let dir = tmp();
    let d = dir.path();
    let iris = dataset("iris.csv");
    let e = fails_in(
        d,
        &[
            "train",
            &iris,
            "-t",
            "species",
            "--memory-limit",
            "16MB",
            "--scratch-dir",
            ".",
        ],
        1,
    );
    assert_eq!(
        e.trim_end(),
        format!(
            "error: {iris}: target column \"species\" has 3 distinct values (\"setosa\", \
             \"versicolor\", \"virginica\"); a fit in passes is binary and needs exactly two (K-class models are \
             fitted in memory)"
        )
    );
    assert!(scratch_left(d).is_empty());
    // L1 and elastic net run in passes: coordinate descent on a Hessian formed block by block.
    let bank = dataset("bank.csv");
    for penalty in [
        &["--penalty", "l1"][..],
        &["--penalty", "elasticnet", "--l1-ratio", "0.5"],
    ] {
        let mut flags = vec![
            "train",
            &bank,
            "-t",
            "deposit",
            "--one-hot",
            "auto",
            "--standardize",
            "--c",
            "0.01",
            "--json",
        ];
        flags.extend(penalty);
        let mem = json_in(d, &flags);
        flags.extend(["--memory-limit", "16MB", "--scratch-dir", "."]);
        let streamed = json_in(d, &flags);
        assert_eq!(streamed["mode"]["mode"], "in passes");
        assert_eq!(mem["solver"], streamed["solver"]);
        let (a, b) = (f(&mem["objective"]), f(&streamed["objective"]));
        assert!((a - b).abs() <= 1e-8 * a, "{penalty:?}: {a} vs {b}");
        assert_eq!(mem["test"]["confusion"], streamed["test"]["confusion"]);
        assert!(scratch_left(d).is_empty());
    }
}

#[test]
fn parquet_trains_predicts_to_parquet_and_evaluates() {
    let dir = tmp();
    let d = dir.path();
    let data = fixture("types.parquet");
    let base = [
        "train",
        &data,
        "-t",
        "y",
        "--drop",
        "when",
        "--one-hot",
        "city,dict",
        "--impute",
        "mean",
        "--test-size",
        "0",
        "--json",
    ];
    let mem = json_in(d, &[&base[..], &["-o", "m.json"]].concat());
    assert_eq!(mem["data"]["rows"], 8);
    assert_eq!(
        mem["features"],
        serde_json::json!([
            "i8",
            "u64",
            "f32",
            "flag",
            "city_lyon",
            "city_nice",
            "city_paris",
            "dict_a",
            "dict_b"
        ])
    );
    let streamed = json_in(d, &[&base[..], &["--memory-limit", "16MB"]].concat());
    let (a, b) = (f(&mem["objective"]), f(&streamed["objective"]));
    assert!((a - b).abs() <= 1e-9 * a, "{a} vs {b}");

    ok_in(
        d,
        &[
            "predict",
            "-m",
            "m.json",
            &data,
            "--proba",
            "--id",
            "y",
            "-o",
            "s.parquet",
        ],
    );
    let out = logreg::preprocess::TableFile::open(
        d.join("s.parquet"),
        logreg::preprocess::FileFormat::Parquet,
        &logreg::preprocess::CsvOptions::new(),
    )
    .unwrap()
    .read_all()
    .unwrap();
    assert_eq!(out.column_names(), ["y", "prediction", "probability"]);
    assert_eq!(out.n_rows(), 8);
    let csv = ok_in(d, &["predict", "-m", "m.json", &data, "--proba"]);
    let p = out
        .column("probability")
        .unwrap()
        .as_numeric()
        .unwrap()
        .to_vec();
    let first: f64 = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(p[0], Some(first));
    let eval = json_in(d, &["evaluate", "-m", "m.json", &data, "--json"]);
    assert_eq!(eval["test"]["n"], 8);
    assert_eq!(eval["test"]["accuracy"], mem["train"]["accuracy"]);
    // --format overrides the extension.
    let copy = d.join("types.bin");
    std::fs::copy(&data, &copy).unwrap();
    let copy = copy.display().to_string();
    ok_in(
        d,
        &["evaluate", "-m", "m.json", &copy, "--format", "parquet"],
    );
    let e = fails_in(d, &["evaluate", "-m", "m.json", &copy], 1);
    assert!(e.starts_with("error: "), "{e}");
}

#[test]
fn bad_parquet_files_are_located_errors() {
    let dir = tmp();
    let d = dir.path();
    let good = std::fs::read(fixture("types.parquet")).unwrap();
    std::fs::write(d.join("cut.parquet"), &good[..good.len() / 2]).unwrap();
    let e = fails_in(d, &["train", "cut.parquet", "-t", "y"], 1);
    assert_eq!(
        e,
        "error: cut.parquet: not a readable Parquet file: Parquet error: Invalid Parquet file. Corrupt footer\n"
    );
    let corrupt = fixture("corrupt.parquet");
    for extra in [&[][..], &["--memory-limit", "16MB"][..]] {
        let e = fails_in(d, &[&["train", &corrupt, "-t", "y"][..], extra].concat(), 1);
        assert!(
            e.starts_with(&format!(
                "error: {corrupt}: row group 2 of 3 (data rows 1001–2000) cannot be decoded: "
            )),
            "{e}"
        );
    }
    let types = fixture("types.parquet");
    let e = fails_in(d, &["train", &types, "-t", "y", "--impute", "mean"], 1);
    assert_eq!(
        e,
        format!("error: {types}: column \"when\" has type Date32, which cannot be read: supported are integer, floating-point, boolean, string and dictionary-encoded string columns; leave the column out (--drop when on the command line)\n")
    );
    assert!(scratch_left(d).is_empty());
}

/// A small tmpfs at `dir` (removed on drop): a disk that fills up.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: PathBuf, size: &str) -> SmallDisk {
        std::fs::create_dir_all(&dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "mounting a tmpfs needs root (as the project's machines and CI run)"
        );
        SmallDisk(dir)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_scratch_disk_is_a_clear_error_and_leaves_nothing() {
    let dir = tmp();
    let d = dir.path();
    let disk = SmallDisk::mount(d.join("small"), "256k");
    let e = fails_in(
        d,
        &[
            "train",
            &dataset("bank.csv"),
            "-t",
            "deposit",
            "--one-hot",
            "auto",
            "--memory-limit",
            "16MB",
            "--scratch-dir",
            "small",
            "--out",
            "m.json",
        ],
        1,
    );
    assert!(
        e.starts_with("error: cannot write the scratch file small/logreg-scratch-"),
        "{e}"
    );
    // The bank design is about 4 MiB: the write fails once the 256 KiB disk is full.
    assert!(
        e.contains(
            "/design.f64: No space left on device (os error 28); the design needs more than "
        ) && e.ends_with(
            " in all: free space there or choose another directory with --scratch-dir\n"
        ),
        "{e}"
    );
    assert!(scratch_left(&disk.0).is_empty());
    assert!(!d.join("m.json").exists());
}

/// A CSV of `rows` rows and 20 numeric columns: long enough to kill a fit in the middle.
fn wide_file(d: &Path, rows: usize) -> String {
    let mut text: String = (0..20).map(|j| format!("x{j},")).collect();
    text.push_str("y\n");
    for i in 0..rows {
        for j in 0..20 {
            text.push_str(&format!("{},", ((i * 31 + j * 17) % 1000) as f64 / 77.0));
        }
        text.push_str(if (i * 7) % 3 == 0 { "1\n" } else { "0\n" });
    }
    write(d, "wide.csv", &text)
}

#[test]
fn a_fit_in_passes_killed_or_interrupted_leaves_nothing_after_the_next_start() {
    use std::time::{Duration, Instant};
    let dir = tmp();
    let d = dir.path();
    let wide = wide_file(d, 200_000);
    let scratch = d.join("scratch");
    std::fs::create_dir(&scratch).unwrap();
    let start = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_logreg"))
            .current_dir(d)
            .args([
                "train",
                &wide,
                "-t",
                "y",
                "--memory-limit",
                "16MB",
                "--quiet",
            ])
            .args([
                "--scratch-dir",
                "scratch",
                "--out",
                "m.json",
                "--max-iter",
                "100000",
            ])
            .args(["--solver", "gd", "--tol", "1e-300"])
            .args(extra)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Wait until the scratch design exists and is being read, then kill -9 or Ctrl-C.
    let wait_for_scratch = |child: &mut std::process::Child| {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let full = std::fs::read_dir(&scratch)
                .unwrap()
                .filter_map(Result::ok)
                .any(|e| {
                    e.path()
                        .join("design.f64")
                        .metadata()
                        .is_ok_and(|m| m.len() > 1 << 20)
                });
            if full {
                break;
            }
            assert!(child.try_wait().unwrap().is_none() && Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    let mut child = start(&[]);
    wait_for_scratch(&mut child);
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());
    assert_eq!(
        scratch_left(&scratch).len(),
        1,
        "kill -9 leaves its scratch"
    );
    assert!(!d.join("m.json").exists());
    // A concurrent live run's scratch is not touched by another run's clean-up.
    let mut live = start(&[]);
    wait_for_scratch(&mut live);
    let small = write(d, "small.csv", "x,y\n1,0\n2,1\n3,0\n4,1\n");
    ok_in(
        d,
        &[
            "train",
            &small,
            "-t",
            "y",
            "--memory-limit",
            "16MB",
            "--scratch-dir",
            "scratch",
        ],
    );
    assert_eq!(
        scratch_left(&scratch).len(),
        1,
        "the killed run's is gone, the live one's stays"
    );
    // Ctrl-C: the live run stops at its next block and removes its own scratch.
    let status = std::process::Command::new("kill")
        .args(["-INT", &live.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = live.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "error: interrupted\n");
    assert!(scratch_left(&scratch).is_empty());
    assert!(!d.join("m.json").exists());
}
