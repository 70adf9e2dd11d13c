//! `logreg evaluate` and `logreg summary`: a saved model, on labelled data or on its own.

use crate::args::{EvaluateArgs, SummaryArgs};
use crate::error::CliResult;
use crate::files::{about_file, load_model};
use crate::report::{AnyMetrics, DataInfo, Inference, Metrics, MulticlassMetrics, Report};
use crate::Out;
use logreg::model::{ModelError, ModelKind};
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
    let test = if clf.model().kind() == ModelKind::Binary {
        AnyMetrics::Binary(Metrics::from(
            &clf.evaluate(&table).map_err(|e| about_file(e, path))?,
        ))
    } else {
        AnyMetrics::Multiclass(MulticlassMetrics::from(
            &clf.evaluate_multiclass(&table)
                .map_err(|e| about_file(e, path))?,
        ))
    };
    let mut report = Report::of_model("evaluate", &clf);
    report.model_file = Some(args.model.display().to_string());
    report.data = Some(DataInfo {
        path: path.display().to_string(),
        rows: table.n_rows(),
        columns: table.n_cols(),
    });
    report.test = Some(test);
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
    // A K-class model's table is its coefficients per class (the report's own coefficients).
    if clf.model().kind() == ModelKind::Binary {
        report.inference = Some(Inference::new(&clf, table));
    }
    if args.json {
        out.line(&report.to_json())
    } else {
        out.text(&report.to_text())
    }
}
