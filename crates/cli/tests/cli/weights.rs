//! Sample weights, offsets, thresholds and covariance types, against statsmodels.

use crate::common::{dataset, f, fails_in, json_in, ok_in, tmp, write};

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
