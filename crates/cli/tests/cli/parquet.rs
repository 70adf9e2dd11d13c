//! Parquet input and output.

use crate::common::{f, fails_in, fixture, json_in, ok_in, scratch_left, tmp};

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
