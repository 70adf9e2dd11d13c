//! `logreg evaluate` and `logreg summary`: a saved model, on labelled data or on its own.

use crate::args::{format_of, EvaluateArgs, SummaryArgs};
use crate::error::CliResult;
use crate::files::{about_file, load_model};
use crate::report::{DataInfo, Inference, Metrics, Report};
use crate::Out;
use logreg::model::ModelError;
use logreg::preprocess::{CsvOptions, TableFile};
use logreg::Error;

/// Rows `evaluate` reads at a time.
const EVALUATE_CHUNK: usize = 65_536;

/// Runs `evaluate`: metrics on DATA, reported under `test`.
pub fn evaluate(args: &EvaluateArgs, out: &mut Out) -> CliResult<()> {
    let clf = load_model(&args.model)?;
    let path = &args.data;
    let format = format_of(path, args.format);
    // The inputs are read with their training types, in chunks: a stray word in a numeric
    // column is an error naming its row, and memory does not grow with the file.
    let columns = TableFile::open(path, format, &CsvOptions::new())
        .map_err(|e| about_file(e.into(), path))?
        .header()
        .len();
    let (eval, rows) = clf
        .evaluate_file(path, format, EVALUATE_CHUNK)
        .map_err(|e| about_file(e, path))?;
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
