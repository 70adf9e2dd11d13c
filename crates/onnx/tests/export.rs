//! The exported graph's shape (inputs, outputs, operator sets) and the exporter's errors; the
//! numbers are checked against onnxruntime by the Python suite (crates/python/tests/test_onnx.py).

use logreg::model::LogisticRegression;
use logreg::preprocess::{read_csv, CsvOptions, OneHotEncoder, Pipeline};
use logreg::{Classifier, FitColumns};
use logreg_onnx::proto::ModelProto;
use logreg_onnx::{classifier_to_onnx, input_names, linear_model_to_onnx, save, LinearModel};
use prost::Message;

fn bank() -> Classifier {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/bank.csv");
    let table = read_csv(path, &CsvOptions::new()).unwrap();
    let pipeline = Pipeline::new()
        .step(OneHotEncoder::new(["job", "marital"]).drop_first(true))
        .drop([
            "education",
            "default",
            "housing",
            "loan",
            "contact",
            "month",
            "poutcome",
        ])
        .standardize_all();
    let params = LogisticRegression::params().check().unwrap();
    Classifier::fit(&table, "deposit", pipeline, &params).unwrap()
}

#[test]
fn a_classifier_becomes_one_graph_with_an_input_per_column() {
    let clf = bank();
    let bytes = classifier_to_onnx(&clf).unwrap();
    let model = ModelProto::decode(bytes.as_slice()).unwrap();
    assert_eq!(model.ir_version, Some(logreg_onnx::IR_VERSION));
    let opsets: Vec<(String, i64)> = model
        .opset_import
        .iter()
        .map(|o| (o.domain.clone().unwrap(), o.version.unwrap()))
        .collect();
    assert_eq!(opsets, [("".into(), 19), ("ai.onnx.ml".into(), 3)]);
    let graph = model.graph.unwrap();
    let inputs: Vec<&str> = graph
        .input
        .iter()
        .map(|i| i.name.as_deref().unwrap())
        .collect();
    let schema = clf.pipeline().unwrap().input_schema().unwrap().names();
    assert_eq!(inputs, schema);
    assert!(inputs.contains(&"job") && !inputs.contains(&"deposit"));
    let outputs: Vec<&str> = graph
        .output
        .iter()
        .map(|o| o.name.as_deref().unwrap())
        .collect();
    assert_eq!(outputs, ["label", "probabilities"]);
    let ops: Vec<&str> = graph
        .node
        .iter()
        .map(|n| n.op_type.as_deref().unwrap())
        .collect();
    assert_eq!(ops.iter().filter(|&&o| o == "OneHotEncoder").count(), 2);
    assert!(ops.contains(&"MatMul") && ops.contains(&"Sigmoid"));
    // The class labels travel as text, in the model's order.
    let encoder = graph
        .node
        .iter()
        .rev()
        .find(|n| n.op_type.as_deref() == Some("LabelEncoder"))
        .unwrap();
    let labels = encoder
        .attribute
        .iter()
        .find(|a| a.name.as_deref() == Some("values_strings"))
        .unwrap();
    assert_eq!(labels.strings, [b"no".to_vec(), b"yes".to_vec()]);
}

#[test]
fn an_offset_column_is_an_input_and_a_libsvm_model_reads_x() {
    // An offset column is taken out of the table at fit and read again at every prediction:
    // in the graph, one more input after the pipeline's.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/claims.csv");
    let table = read_csv(path, &CsvOptions::new()).unwrap();
    let params = LogisticRegression::params().check().unwrap();
    let columns = FitColumns {
        offset: Some("log_exposure".into()),
        ..FitColumns::default()
    };
    let trained = Classifier::fit_owned_with(
        table,
        "claim",
        &columns,
        Pipeline::new().drop(["policies"]),
        &params,
        Default::default(),
    )
    .unwrap();
    let inputs = input_names(&classifier_to_onnx(&trained.classifier).unwrap()).unwrap();
    assert_eq!(inputs, ["age", "power", "urban", "log_exposure"]);

    // A model fitted on libsvm rows has no pipeline: the features are the input `X`.
    let dir = tempfile::tempdir().unwrap();
    let svm = dir.path().join("rows.svm");
    std::fs::write(&svm, "1 1:0.5 3:2\n0 2:1\n1 1:1.5 2:0.25\n0 3:-1\n").unwrap();
    let data = logreg::preprocess::read_libsvm(&svm, None).unwrap();
    let trained = Classifier::fit_libsvm(data, &params, Default::default()).unwrap();
    let bytes = classifier_to_onnx(&trained.classifier).unwrap();
    assert_eq!(input_names(&bytes).unwrap(), ["X"]);
}

#[test]
fn save_is_atomic_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.onnx");
    std::fs::write(&path, "precious").unwrap();
    let e = save(&path, b"new", false).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: already exists; choose another path or remove it first (nothing is overwritten)",
            path.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
    save(&path, b"new", true).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new");
}

#[test]
fn inconsistent_models_are_refused_by_name() {
    let bad = LinearModel {
        coefficients: vec![1.0, 2.0, 3.0],
        intercepts: vec![0.0],
        classes: vec!["a".into(), "b".into()],
    };
    assert_eq!(
        linear_model_to_onnx(&bad, 2).unwrap_err().to_string(),
        "cannot export to ONNX: the model is inconsistent: 3 coefficients, 1 intercepts and 2 \
         classes for 2 features"
    );
    let nan = LinearModel {
        coefficients: vec![1.0, f64::NAN],
        ..bad.clone()
    };
    assert_eq!(
        linear_model_to_onnx(&nan, 2).unwrap_err().to_string(),
        "cannot export to ONNX: the model is inconsistent: a coefficient is NaN"
    );
    let three = LinearModel {
        coefficients: vec![0.0; 6],
        intercepts: vec![0.0; 3],
        classes: vec!["a".into(), "b".into(), "c".into()],
    };
    let graph = ModelProto::decode(linear_model_to_onnx(&three, 2).unwrap().as_slice())
        .unwrap()
        .graph
        .unwrap();
    assert!(graph
        .node
        .iter()
        .any(|n| n.op_type.as_deref() == Some("Softmax")));
}
