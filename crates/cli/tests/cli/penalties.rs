//! Penalties and cross-validation of C: flags checked before any work, the CV table and
//! charts.

use crate::common::{dataset, f, json_in, message, ok_in, tmp, write};

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
