//! `logreg evaluate`, `logreg summary` and `logreg export`: a saved model, on labelled data or
//! on its own.

use crate::args::{EvaluateArgs, ExportArgs, SummaryArgs};
use crate::error::{CliError, CliResult};
use crate::files::{about_file, check_writable, load_model};
use crate::report::{DataInfo, Inference, Metrics, Report};
use crate::Out;
use logreg::model::ModelError;
use logreg::preprocess::{read_csv, CsvOptions};
use logreg::Error;

/// Runs `evaluate`: metrics on DATA, reported under `test`.
pub fn evaluate(args: &EvaluateArgs, out: &mut Out) -> CliResult<()> {
    let clf = load_model(&args.model)?;
    let mut options = CsvOptions::new();
    if let Some(schema) = clf.pipeline().input_schema() {
        // Read the inputs with their training types: a stray word in a numeric column is an
        // error naming its row, not a silently categorical column.
        options = options.with_schema(schema);
    }
    let path = &args.data;
    let table = read_csv(path, &options).map_err(|e| about_file(e.into(), path))?;
    let eval = clf.evaluate(&table).map_err(|e| about_file(e, path))?;
    let mut report = Report::of_model("evaluate", &clf);
    report.model_file = Some(args.model.display().to_string());
    report.data = Some(DataInfo {
        path: path.display().to_string(),
        rows: table.n_rows(),
        columns: table.n_cols(),
    });
    report.test = Some(Metrics::from(&eval));
    if args.json {
        out.line(&report.to_json())
    } else {
        out.text(&report.to_text())
    }
}

/// Runs `summary`: the coefficient table, with inference where the fit allows it.
pub fn summary(args: &SummaryArgs, out: &mut Out) -> CliResult<()> {
    let clf = load_model(&args.model)?;
    let table = match clf.summary() {
        Ok(s) => Ok(s),
        Err(Error::Model(ModelError::InferenceUnavailable { reason })) => Err(reason),
        Err(e) => return Err(e.into()),
    };
    let mut report = Report::of_model("summary", &clf);
    report.model_file = Some(args.model.display().to_string());
    report.inference = Some(Inference::new(&clf, table));
    if args.json {
        out.line(&report.to_json())
    } else {
        out.text(&report.to_text())
    }
}

/// Runs `export`: the model as an ONNX graph, written atomically (never over an existing file
/// without `--force`).
pub fn export(args: &ExportArgs, out: &mut Out) -> CliResult<()> {
    check_writable(&args.onnx, args.force, "--onnx")?;
    let clf = load_model(&args.model)?;
    let bytes = logreg_onnx::classifier_to_onnx(&clf)
        .map_err(|e| CliError::failed(e.to_string()).context(args.model.display()))?;
    logreg_onnx::save(&args.onnx, &bytes, args.force)
        .map_err(|e| CliError::failed(e.to_string()))?;
    out.line(&format!(
        "wrote {} ({} bytes): inputs {}; outputs label, probabilities",
        args.onnx.display(),
        bytes.len(),
        clf.pipeline()
            .input_schema()
            .map(|s| s.names().join(", "))
            .unwrap_or_default()
    ))
}
