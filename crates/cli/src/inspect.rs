//! `logreg evaluate`, `logreg summary` and `logreg export`: a saved model, on labelled data or
//! on its own.

use crate::args::{EvaluateArgs, ExportArgs, SummaryArgs};
use crate::error::{CliError, CliResult};
use crate::files::{about_file, check_writable, load_model};
use crate::report::{
    AnyMetrics, DataInfo, Inference, Metrics, MulticlassMetrics, Report, StatisticsFields,
};
use crate::Out;
use logreg::model::{ModelError, ModelKind};
use logreg::preprocess::{read_csv, read_libsvm, ColumnType, CsvOptions, PreprocessError};
use logreg::Error;

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
    let (labels, z, rows, columns, multiclass) = match clf.pipeline() {
        Some(pipeline) => {
            let mut options = CsvOptions::new();
            if let Some(schema) = pipeline.input_schema() {
                // Read the inputs with their training types: a stray word in a numeric column
                // is an error naming its row, not a silently categorical column.
                options = options.with_schema(schema);
            }
            if let Some(offset) = clf.offset_column() {
                options = options.column_type(offset, ColumnType::Numeric);
            }
            let table = read_csv(path, &options).map_err(|e| match (e, clf.offset_column()) {
                (PreprocessError::ColumnNotFound { column, .. }, Some(offset))
                    if column == offset =>
                {
                    about_file(Error::MissingOffsetColumn { column }, path)
                }
                (e, _) => about_file(e.into(), path),
            })?;
            let labels =
                logreg::labels_of(&table, clf.target()).map_err(|e| about_file(e, path))?;
            if !binary {
                let m = clf
                    .evaluate_multiclass(&table)
                    .map_err(|e| about_file(e, path))?;
                (labels, Vec::new(), table.n_rows(), table.n_cols(), Some(m))
            } else {
                let z = clf
                    .decision_function(&table)
                    .map_err(|e| about_file(e, path))?;
                (labels, z, table.n_rows(), table.n_cols(), None)
            }
        }
        None => {
            let n_features = clf.model().n_features();
            let data =
                read_libsvm(path, Some(n_features)).map_err(|e| about_file(e.into(), path))?;
            let z = clf
                .decision_function_libsvm(&data)
                .map_err(|e| about_file(e, path))?;
            (
                logreg::libsvm_labels(&data),
                z,
                data.n_rows(),
                n_features + 1,
                None,
            )
        }
    };
    let test = match multiclass {
        Some(m) => AnyMetrics::Multiclass(MulticlassMetrics::from(&m)),
        None => AnyMetrics::Binary(Metrics::from(
            &clf.evaluate_logits(&labels, &z, threshold)
                .map_err(|e| about_file(e, path))?,
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
        let positive = clf.positive_class();
        let truth: Vec<bool> = labels.iter().map(|l| l == positive).collect();
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
