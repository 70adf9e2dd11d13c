//! libsvm files, and errors located in them and in categories.

use crate::common::{fails_in, json_in, ok_in, tmp, write};

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
