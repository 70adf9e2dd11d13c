//! `logreg evaluate`, `logreg summary` and `logreg export`: a saved model, on labelled data or
//! on its own.

use crate::args::{format_of, EvaluateArgs, ExportArgs, SummaryArgs};
use crate::error::{CliError, CliResult};
use crate::files::{about_file, check_writable, load_model};
use crate::report::{DataInfo, Inference, Metrics, Report, StatisticsFields};
use crate::Out;
use logreg::model::ModelError;
use logreg::preprocess::{read_libsvm, CsvOptions, TableFile};
use logreg::{Error, Evaluation};

/// Rows `evaluate` reads at a time.
const EVALUATE_CHUNK: usize = 65_536;

/// Runs `evaluate`: metrics on DATA, reported under `test`.
pub(crate) fn evaluate(args: &EvaluateArgs, out: &mut Out) -> CliResult<()> {
    let threshold = crate::args::check_threshold(args.threshold)?;
    if let Some(dir) = &args.plot {
        if dir.exists() && !dir.is_dir() {
            return Err(CliError::failed(format!(
                "--plot {}: exists and is not a directory",
                dir.display()
            )));
        }
        if dir.is_dir() {
            for name in crate::charts::FILES {
                check_writable(&dir.join(name), args.force, "--plot directory")?;
            }
        }
    }
    let clf = load_model(&args.model)?;
    let path = &args.data;
    // The model says what it reads: table columns from a CSV, or libsvm rows. Either way the
    // metrics (and charts) come from the labels and the logits.
    let (truth, z, rows, columns) = match clf.pipeline() {
        Some(_) => {
            let format = format_of(path, args.format)?;
            // The inputs are read with their training types, in chunks: a stray word in a
            // numeric column is an error naming its row, and memory grows by nine bytes a row
            // (the truth and the logit), not by the file.
            let columns = TableFile::open(path, format, &CsvOptions::new())
                .map_err(|e| about_file(e.into(), path))?
                .header()
                .len();
            let (truth, z) = clf
                .score_file(path, format, EVALUATE_CHUNK)
                .map_err(|e| about_file(e, path))?;
            let rows = truth.len();
            (truth, z, rows, columns)
        }
        None => {
            let n_features = clf.model().n_features();
            let data =
                read_libsvm(path, Some(n_features)).map_err(|e| about_file(e.into(), path))?;
            let z = clf
                .decision_function_libsvm(&data)
                .map_err(|e| about_file(e, path))?;
            let positive = clf.positive_class();
            let labels = logreg::libsvm_labels(&data);
            clf.evaluate_logits(&labels, &z, threshold)
                .map_err(|e| about_file(e, path))?;
            let truth = labels.iter().map(|l| l == positive).collect();
            (truth, z, data.n_rows(), n_features + 1)
        }
    };
    let eval =
        Evaluation::from_logits_at(&truth, &z, threshold).map_err(|e| about_file(e, path))?;
    let mut report = Report::of_model("evaluate", &clf);
    report.model_file = Some(args.model.display().to_string());
    report.data = Some(DataInfo {
        path: path.display().to_string(),
        rows,
        columns,
    });
    report.test = Some(Metrics::from(&eval));
    report.threshold = Some(threshold);
    if let Some(dir) = &args.plot {
        crate::charts::create_dir(dir)?;
        report.plots = crate::charts::score_charts(dir, &truth, &z, threshold, "data", args.force)?
            .iter()
            .map(|p| p.display().to_string())
            .collect();
    }
    if args.json {
        out.line(&report.to_json())
    } else {
        out.text(&report.to_text())
    }
}

/// Runs `summary`: the coefficient table, with inference where the fit allows it.
pub(crate) fn summary(args: &SummaryArgs, out: &mut Out) -> CliResult<()> {
    let clf = load_model(&args.model)?;
    let table = match clf.summary() {
        Ok(s) => Ok(s),
        Err(Error::Model(ModelError::InferenceUnavailable { reason })) => Err(reason),
        Err(e) => return Err(e.into()),
    };
    let mut report = Report::of_model("summary", &clf);
    report.model_file = Some(args.model.display().to_string());
    report.inference = Some(Inference::new(&clf, table));
    report.statistics = Some(StatisticsFields::of(&clf));
    if args.json {
        out.line(&report.to_json())
    } else {
        out.text(&report.to_text())
    }
}

/// Runs `export`: the model as an ONNX graph, written atomically (never over an existing file
/// without `--force`).
pub(crate) fn export(args: &ExportArgs, out: &mut Out) -> CliResult<()> {
    check_writable(&args.onnx, args.force, "--onnx")?;
    let clf = load_model(&args.model)?;
    let bytes = logreg_onnx::classifier_to_onnx(&clf)
        .map_err(|e| CliError::failed(e.to_string()).context(args.model.display()))?;
    let inputs = logreg_onnx::input_names(&bytes)
        .map_err(|e| CliError::failed(e.to_string()).context(args.model.display()))?;
    logreg_onnx::save(&args.onnx, &bytes, args.force)
        .map_err(|e| CliError::failed(e.to_string()))?;
    out.line(&format!(
        "wrote {} ({} bytes): inputs {}; outputs label, probabilities",
        args.onnx.display(),
        bytes.len(),
        inputs.join(", ")
    ))
}
