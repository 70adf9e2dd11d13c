//! `logreg evaluate`, `logreg summary` and `logreg export`: a saved model, on labelled data or
//! on its own.

use crate::args::{format_of, EvaluateArgs, ExportArgs, SummaryArgs};
use crate::error::{CliError, CliResult};
use crate::files::{about_file, check_writable, load_model};
use crate::report::{
    AnyMetrics, DataInfo, Inference, Metrics, MulticlassMetrics, Report, StatisticsFields,
};
use crate::Out;
use logreg::model::{ModelError, ModelKind};
use logreg::preprocess::{read_libsvm, ColumnType, CsvOptions, TableFile};
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
    let binary = clf.model().kind() == ModelKind::Binary;
    if !binary {
        // Thresholds and the score charts belong to a two-class model.
        for (flag, given) in [
            ("--threshold", args.threshold.is_some()),
            ("--plot", args.plot.is_some()),
        ] {
            if given {
                return Err(CliError::usage(format!(
                    "{flag} applies to a two-class model; this one has {} classes",
                    clf.classes().len()
                )));
            }
        }
    }
    let (truth, z, rows, columns, multiclass) = match clf.pipeline() {
        Some(pipeline) => {
            let format = format_of(path, args.format)?;
            let mut file = TableFile::open(path, format, &CsvOptions::new())
                .map_err(|e| about_file(e.into(), path))?;
            let columns = file.header().len();
            if binary {
                // The inputs are read with their training types, in chunks: a stray word in a
                // numeric column is an error naming its row, and memory grows by nine bytes a
                // row (the truth and the logit), not by the file.
                let (truth, z) = clf
                    .score_file(path, format, EVALUATE_CHUNK)
                    .map_err(|e| about_file(e, path))?;
                let rows = truth.len();
                (truth, z, rows, columns, None)
            } else {
                // K logits a row: the whole file is read, with the training types.
                if let Some(schema) = pipeline.input_schema() {
                    for f in &schema.fields {
                        file.set_type(&f.name, f.column_type)
                            .map_err(|e| about_file(e.into(), path))?;
                    }
                }
                if let Some(offset) = clf.offset_column() {
                    file.set_type(offset, ColumnType::Numeric)
                        .map_err(|e| about_file(e.into(), path))?;
                }
                let table = file.read_all().map_err(|e| about_file(e.into(), path))?;
                let m = clf
                    .evaluate_multiclass(&table)
                    .map_err(|e| about_file(e, path))?;
                (Vec::new(), Vec::new(), table.n_rows(), columns, Some(m))
            }
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
            // Every label must be one of the model's classes (an error naming its row).
            clf.evaluate_logits(&labels, &z, threshold)
                .map_err(|e| about_file(e, path))?;
            let truth = labels.iter().map(|l| l == positive).collect();
            (truth, z, data.n_rows(), n_features + 1, None)
        }
    };
    let test = match multiclass {
        Some(m) => AnyMetrics::Multiclass(MulticlassMetrics::from(&m)),
        None => AnyMetrics::Binary(Metrics::from(
            &Evaluation::from_logits_at(&truth, &z, threshold).map_err(|e| about_file(e, path))?,
        )),
    };
    let mut report = Report::of_model("evaluate", &clf);
    report.model_file = Some(args.model.display().to_string());
    report.data = Some(DataInfo {
        path: path.display().to_string(),
        rows,
        columns,
    });
    report.test = Some(test);
    if binary {
        report.threshold = Some(threshold);
    }
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
    // A K-class model's table is its coefficients per class (the report's own coefficients).
    if clf.model().kind() == ModelKind::Binary {
        report.inference = Some(Inference::new(&clf, table));
    }
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
