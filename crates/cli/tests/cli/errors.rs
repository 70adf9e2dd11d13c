//! Errors of data, models and arguments: exit codes and messages.

use crate::common::{dataset, fails_in, ok_in, tmp, write};
use std::path::Path;

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
