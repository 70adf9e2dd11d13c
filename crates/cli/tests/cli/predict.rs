//! Commands on a saved model (`evaluate`, `summary`, `predict`), and predictions that are
//! interrupted or whose reader goes away.

use crate::common::{dataset, f, json_in, ok_in, tmp, write};
use std::path::Path;

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
