//! Pipelines: schema checks, column order, JSON round trips and error reporting.

use logreg_preprocess::{
    Binner, BooleanEncoder, Column, ColumnType, Fill, ImputeStrategy, Imputer, MinMaxScaler,
    OneHotEncoder, OutOfRange, Pipeline, PreprocessError, StandardScaler, Table, FORMAT_VERSION,
};

/// Awkward floats (thirds, tiny and huge magnitudes) so a lossy JSON round trip would show.
fn table(n: usize) -> Table {
    let x: Vec<Option<f64>> = (0..n)
        .map(|i| (i % 7 != 3).then(|| (i as f64 + 0.1) / 3.0 * 1e-7))
        .collect();
    let big: Vec<f64> = (0..n).map(|i| 1e12 / (i as f64 + 7.0)).collect();
    let age: Vec<f64> = (0..n).map(|i| 18.0 + (i * 13 % 70) as f64).collect();
    let city: Vec<&str> = (0..n).map(|i| ["Paris", "Lyon", "Nice"][i % 3]).collect();
    let flag: Vec<&str> = (0..n)
        .map(|i| if i % 4 == 0 { "no" } else { "yes" })
        .collect();
    Table::new([
        ("x", Column::numeric_with_missing(x)),
        ("big", Column::numeric(big)),
        ("age", Column::numeric(age)),
        ("city", Column::categorical(city)),
        ("flag", Column::categorical(flag)),
        ("target", Column::numeric((0..n).map(|i| (i % 2) as f64))),
    ])
    .unwrap()
}

fn every_step() -> Pipeline {
    Pipeline::new()
        .drop(["target"])
        .step(Imputer::new(["x"], ImputeStrategy::Median))
        .step(
            Binner::new("age", [17.0, 30.0, 50.0, 90.0], ["young", "mid", "old"])
                .output("age_group")
                .out_of_range(OutOfRange::Error),
        )
        .drop_columns(["age"])
        .step(BooleanEncoder::new(["flag"]))
        .step(MinMaxScaler::new(["big"]))
        .step(OneHotEncoder::new(["city", "age_group"]).drop_first(true))
        .standardize_all()
}

#[test]
fn every_step_in_order() {
    let mut p = every_step();
    let f = p.fit_transform(&table(50)).unwrap();
    assert_eq!(
        f.names,
        [
            "x",
            "big",
            "flag",
            "city_Nice",
            "city_Paris",
            "age_group_old",
            "age_group_young"
        ]
    );
    assert_eq!(p.feature_names().unwrap(), f.names);
    assert_eq!(
        p.input_schema().unwrap().names(),
        ["x", "big", "age", "city", "flag"]
    );
    assert_eq!((f.n_rows(), f.n_cols()), (50, 7));
}

#[test]
fn json_round_trip_is_bit_identical() {
    let train = table(200);
    let test = table(333).take(&(100..333).collect::<Vec<_>>()).unwrap();
    let mut p = every_step();
    p.fit(&train).unwrap();
    let json = p.to_json().unwrap();
    assert!(json.contains("\"format_version\": 1"), "{json}");
    assert!(json.contains("\"step\": \"standard_scaler\""), "{json}");
    let back = Pipeline::from_json(&json).unwrap();
    assert_eq!(back, p);
    assert_eq!(back.to_json().unwrap(), json);
    let a = p.transform(&test).unwrap();
    let b = back.transform(&test).unwrap();
    assert_eq!(a.names, b.names);
    assert!(a
        .to_dmatrix()
        .iter()
        .zip(b.to_dmatrix().iter())
        .all(|(x, y)| x.to_bits() == y.to_bits()));
}

#[test]
fn unfitted_pipeline_round_trips_and_refuses_transform() {
    let p = every_step();
    let back = Pipeline::from_json(&p.to_json().unwrap()).unwrap();
    assert_eq!(back, p);
    let msg = back.transform(&table(5)).unwrap_err().to_string();
    assert!(msg.contains("Pipeline is not fitted"), "{msg}");
}

#[test]
fn bad_json() {
    let mut p = Pipeline::new().standardize_all();
    p.fit(&table(5).select(&["big"]).unwrap()).unwrap();
    let json = p.to_json().unwrap();
    let future = json.replace(
        &format!("\"format_version\": {FORMAT_VERSION}"),
        "\"format_version\": 99",
    );
    let msg = Pipeline::from_json(&future).unwrap_err().to_string();
    assert!(msg.contains("99"), "{msg}");
    assert!(matches!(
        Pipeline::from_json("{not json"),
        Err(PreprocessError::Json(_))
    ));
    // A hand-edited scale of 0 is refused at transform rather than producing inf.
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["steps"][0]["fitted"][0]["scale"] = serde_json::json!(0.0);
    let corrupt = Pipeline::from_json(&value.to_string()).unwrap();
    let msg = corrupt.transform(&table(5)).unwrap_err().to_string();
    assert!(msg.contains("scale"), "{msg}");
}

#[test]
fn schema_mismatch_names_columns() {
    let mut p = every_step();
    p.fit(&table(30)).unwrap();
    // Extra columns (target here) are ignored; missing or retyped ones are named.
    let t = table(10).drop(&["city", "target"]).unwrap();
    let mut t = t.drop(&["big"]).unwrap();
    t.push_column("big", Column::categorical(vec!["1"; 10]))
        .unwrap();
    let err = p.transform(&t).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("missing columns \"city\"")
            && msg.contains("\"big\" is categorical, expected numeric"),
        "{msg}"
    );
    assert!(p.transform(&table(10)).is_ok());
}

#[test]
fn unseen_category_names_row_column_value() {
    let mut p = Pipeline::new()
        .select(["city"])
        .step(OneHotEncoder::new(["city"]));
    p.fit(&table(9)).unwrap();
    let test = Table::new([("city", Column::categorical(["Paris", "Lyon", "Brest"]))]).unwrap();
    let msg = p.transform(&test).unwrap_err().to_string();
    assert!(
        msg.contains("data row 3") && msg.contains("\"city\"") && msg.contains("\"Brest\""),
        "{msg}"
    );
}

#[test]
fn fit_errors_leave_the_pipeline_unchanged() {
    let mut p = Pipeline::new().select(["x", "big"]).standardize_all();
    let msg = p.fit(&table(10)).unwrap_err().to_string(); // x has a missing value at row 4
    assert!(
        msg.contains("data row 4") && msg.contains("\"x\"") && msg.contains("StandardScaler"),
        "{msg}"
    );
    assert!(!p.is_fitted());
    let mut q = Pipeline::new().select(["big"]).standardize_all();
    q.fit(&table(10)).unwrap();
    let before = q.clone();
    assert!(q.fit(&table(10).drop(&["big"]).unwrap()).is_err());
    assert_eq!(q, before);
}

#[test]
fn leftover_categorical_column_is_an_error() {
    let msg = Pipeline::new()
        .select(["big", "city"])
        .fit(&table(5))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("\"city\"") && msg.contains("categorical") && msg.contains("OneHotEncoder"),
        "{msg}"
    );
}

#[test]
fn selection_errors() {
    let msg = Pipeline::new()
        .select(["nope"])
        .fit(&table(5))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("\"nope\"") && msg.contains("\"city\""),
        "{msg}"
    );
    let msg = Pipeline::new()
        .drop(["nope"])
        .fit(&table(5))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("\"nope\""), "{msg}");
}

#[test]
fn fitted_on_training_rows_only() {
    let t = table(100);
    let train = t.take(&(0..50).collect::<Vec<_>>()).unwrap();
    let mut a = Pipeline::new().select(["big"]).standardize_all();
    let mut b = a.clone();
    a.fit(&train).unwrap();
    b.fit(&t).unwrap();
    // Same transform of the training rows only if fitted on the same rows.
    assert_ne!(a.transform(&train).unwrap(), b.transform(&train).unwrap());
    let mut c = Pipeline::new().select(["big"]).standardize_all();
    c.fit(&train).unwrap();
    assert_eq!(a, c);
}

#[test]
fn standalone_steps_share_the_trait() {
    use logreg_preprocess::Transformer;
    let mut s = StandardScaler::new(["big"]);
    assert!(!s.is_fitted());
    let out = s.fit_transform(&table(4)).unwrap();
    assert_eq!(out.column_names(), table(4).column_names());
    let constant = Imputer::new(
        ["city"],
        ImputeStrategy::Constant(Fill::Label("none".into())),
    );
    assert!(constant.clone().fit(&table(4)).is_ok());
    let mut numeric_fill = Imputer::new(["city"], ImputeStrategy::Constant(Fill::Number(0.0)));
    let msg = numeric_fill.fit(&table(4)).unwrap_err().to_string();
    assert!(
        msg.contains("\"city\"") && msg.contains("categorical"),
        "{msg}"
    );
    let _ = ColumnType::Numeric;
}

/// Files written before fitted numbers were JSON numbers (they were strings) still load, and
/// transform as the same pipeline saved today.
#[test]
fn pipelines_with_numbers_as_strings_still_load() {
    let old = include_str!("../../../fuzz/seeds/model_json/pipeline.json");
    assert!(
        old.contains("\"18.0\""),
        "the seed holds numbers as strings"
    );
    let pipeline = Pipeline::from_json(old).unwrap();
    let json = pipeline.to_json().unwrap();
    assert!(
        !json.contains("\"18.0\"") && json.contains("18.0"),
        "{json}"
    );
    let again = Pipeline::from_json(&json).unwrap();
    assert_eq!(again, pipeline);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/bank.csv");
    let table = logreg_preprocess::read_csv(path, &logreg_preprocess::CsvOptions::new()).unwrap();
    let a = pipeline.transform(&table).unwrap();
    assert_eq!(a, again.transform(&table).unwrap());
    assert_eq!(a.n_rows(), 11162);
}
