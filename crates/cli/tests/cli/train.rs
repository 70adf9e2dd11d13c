//! `logreg train`: the bundled demo, the JSON report, the pipeline flags, charts and
//! `--force`.

use crate::common::{dataset, f, fails_in, json_in, ok_in, root, tmp, write};

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
