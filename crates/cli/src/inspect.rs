//! `logreg evaluate` and `logreg summary`: a saved model, on labelled data or on its own.

use crate::args::{EvaluateArgs, SummaryArgs};
use crate::error::CliResult;
use crate::files::{about_file, load_model};
use crate::report::{DataInfo, Inference, Metrics, Report};
use crate::Out;
use logreg::model::ModelError;
use logreg::preprocess::{read_csv, read_libsvm, CsvOptions};
use logreg::Error;

/// Runs `evaluate`: metrics on DATA, reported under `test`.
pub fn evaluate(args: &EvaluateArgs, out: &mut Out) -> CliResult<()> {
    let clf = load_model(&args.model)?;
    let path = &args.data;
    // The model says what it reads: table columns from a CSV, or libsvm rows.
    let (eval, rows, columns) = match clf.pipeline() {
        Some(pipeline) => {
            let mut options = CsvOptions::new();
            if let Some(schema) = pipeline.input_schema() {
                // Read the inputs with their training types: a stray word in a numeric column
                // is an error naming its row, not a silently categorical column.
                options = options.with_schema(schema);
            }
            let table = read_csv(path, &options).map_err(|e| about_file(e.into(), path))?;
            let eval = clf.evaluate(&table).map_err(|e| about_file(e, path))?;
            (eval, table.n_rows(), table.n_cols())
        }
        None => {
            let n_features = clf.model().n_features();
            let data =
                read_libsvm(path, Some(n_features)).map_err(|e| about_file(e.into(), path))?;
            let eval = clf
                .evaluate_libsvm(&data)
                .map_err(|e| about_file(e, path))?;
            (eval, data.n_rows(), n_features + 1)
        }
    };
    let mut report = Report::of_model("evaluate", &clf);
    report.model_file = Some(args.model.display().to_string());
    report.data = Some(DataInfo {
        path: path.display().to_string(),
        rows,
        columns,
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
