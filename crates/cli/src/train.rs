//! `logreg train`: read, split, build the pipeline the flags describe, fit, report, save, plot.

use crate::args::{FormatArg, TrainArgs, TrainPlan};
use crate::error::{CliError, CliResult};
use crate::files::{about_file, bundled, check_writable, load_model, write_text};
use crate::progress::Progress;
use crate::report::{DataInfo, Metrics, Report, SplitInfo, StatisticsFields};
use crate::Out;
use logreg::evaluate::{stratified_train_test_split, train_test_split};
use logreg::model::{sorted_classes, FitOptions};
use logreg::preprocess::{
    read_csv, read_libsvm, ColumnType, CsvOptions, LibsvmData, Pipeline, PreprocessError, Table,
};
use logreg::{labels_of, ClassLabel, Classifier, FitColumns, Trained};
use logreg_plot::{decision_boundary_chart, loss_chart};
use std::path::{Path, PathBuf};

/// Chart files `--plot` writes (besides `crate::charts::FILES`).
const LOSS_SVG: &str = "loss.svg";
const BOUNDARY_SVG: &str = "boundary.svg";

/// Runs `train`.
pub(crate) fn run(args: &TrainArgs, quiet: bool, out: &mut Out) -> CliResult<()> {
    if args.distributed {
        return crate::distributed::train(args, quiet, out);
    }
    let plan = crate::args::plan_train(args)?;
    let path = match &plan.data {
        Some(p) => p.clone(),
        None => bundled("banknote.csv")?,
    };
    // Refuse to overwrite before spending time on a fit.
    if let Some(model) = &args.out {
        check_writable(model, args.force, "--out")?;
    }
    if let Some(dir) = &args.plot {
        if dir.exists() && !dir.is_dir() {
            return Err(CliError::failed(format!(
                "--plot {}: exists and is not a directory",
                dir.display()
            )));
        }
        if dir.is_dir() {
            for name in [LOSS_SVG, BOUNDARY_SVG].iter().chain(crate::charts::FILES) {
                check_writable(&dir.join(name), args.force, "--plot directory")?;
            }
        }
    }

    let warm_start = match &args.warm_start {
        Some(p) => Some(load_model(p).map_err(|e| e.context("--warm-start"))?),
        None => None,
    };
    // The data, its labels, and what a fit on it needs: a table with its pipeline, or libsvm rows.
    let (input, labels, n, n_cols) = match plan.format {
        FormatArg::Libsvm => {
            let data = read_libsvm(&path, None).map_err(|e| about_file(e.into(), &path))?;
            let labels: Vec<ClassLabel> = data
                .numeric_labels()
                .into_iter()
                .map(ClassLabel::Number)
                .collect();
            let (n, d) = (data.n_rows(), data.n_features());
            (Input::Libsvm(data), labels, n, d + 1)
        }
        FormatArg::Csv | FormatArg::Auto => {
            let table = read_table(&path, &plan)?;
            let labels = labels_of(&table, &plan.target).map_err(|e| about_file(e, &path))?;
            check_numeric_and_complete(&path, &table, &plan)?;
            let pipeline = plan.pipeline.build(&table, &plan.outside());
            let (n, d) = (table.n_rows(), table.n_cols());
            (Input::Table(table, pipeline), labels, n, d)
        }
    };
    check_binary(&labels, &plan.target, &path)?;

    let split = if args.test_size > 0.0 {
        let s = if args.stratify {
            stratified_train_test_split(&labels, args.test_size, args.seed)
        } else {
            train_test_split(n, args.test_size, args.seed)
        };
        let flag = if args.stratify {
            "--stratify"
        } else {
            "--test-size"
        };
        Some(s.map_err(|e| CliError::failed(e.to_string()).context(flag))?)
    } else {
        None
    };
    drop(labels);
    let train_rows = split.as_ref().map(|s| s.train.as_slice());
    let test_rows = split.as_ref().map(|s| s.test.as_slice());

    // The data is handed over: its numbers become the design (one copy of them, split by row
    // indices), and every error names rows of the file.
    let mut progress = Progress::fit(quiet);
    let opts = FitOptions {
        rows: train_rows,
        positive_class: args.positive.as_deref().map(ClassLabel::from),
        warm_start: warm_start.as_ref().map(Classifier::model),
        observer: Some(&mut progress),
        ..FitOptions::default()
    };
    let fitted = match input {
        Input::Table(table, pipeline) => {
            let columns = FitColumns {
                sample_weight: plan.sample_weight.clone(),
                offset: plan.offset.clone(),
            };
            Classifier::fit_owned_with(table, &plan.target, &columns, pipeline, &plan.params, opts)
        }
        Input::Libsvm(data) => Classifier::fit_libsvm(data, &plan.params, opts),
    };
    progress.finish();
    let trained = fitted.map_err(|e| match e {
        logreg::Error::Preprocess(e @ PreprocessError::TooManyCategories { .. }) => {
            CliError::failed(format!(
                "{}: {}",
                path.display(),
                e.to_string().replace("max_categories", "--max-categories")
            ))
        }
        other => {
            let e = about_file(other, &path);
            if warm_start.is_some() && e.message.contains("warm-start") {
                e.context("--warm-start")
            } else {
                e
            }
        }
    })?;
    let clf = &trained.classifier;
    let threshold = plan.threshold;
    let train_eval = trained
        .evaluate(train_rows, threshold)
        .map_err(|e| about_file(e, &path))?;
    let test_eval = match test_rows {
        Some(rows) => Some(
            trained
                .evaluate(Some(rows), threshold)
                .map_err(|e| about_file(e, &path))?,
        ),
        None => None,
    };

    let mut report = Report::of_model("train", clf);
    report.data = Some(DataInfo {
        path: path.display().to_string(),
        rows: n,
        columns: n_cols,
    });
    report.split = Some(SplitInfo {
        test_size: args.test_size,
        seed: args.seed,
        stratified: args.stratify && split.is_some(),
        train_rows: train_rows.map_or(n, <[usize]>::len),
        test_rows: test_rows.map_or(0, <[usize]>::len),
    });
    report.train = Some(Metrics::from(&train_eval));
    report.test = test_eval.as_ref().map(Metrics::from);
    report.threshold = Some(threshold);
    report.statistics = Some(StatisticsFields::of(clf));

    if let Some(model) = &args.out {
        write_text(model, &clf.to_json()?, args.force)?;
        report.model_file = Some(model.display().to_string());
    }
    if let Some(dir) = &args.plot {
        report.plots = plot(&trained, dir, train_rows, test_rows, threshold, args.force)?
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

/// What a fit reads: a table and the pipeline that turns it into features, or libsvm rows.
enum Input {
    Table(Table, Pipeline),
    Libsvm(LibsvmData),
}

/// How the CSV is read: the `--one-hot` columns as categories even if they hold numbers.
pub(crate) fn csv_options(plan: &TrainPlan) -> CsvOptions {
    let mut options = plan.pipeline.csv_options();
    // Weights and offsets are numbers: text in them is an error naming its row and value.
    for c in plan.sample_weight.iter().chain(&plan.offset) {
        options = options.column_type(c.clone(), ColumnType::Numeric);
    }
    options
}

/// Reads the CSV, with the `--one-hot` columns read as categories even if they hold numbers.
fn read_table(path: &Path, plan: &TrainPlan) -> CliResult<Table> {
    let in_flag = |flag: &str, e| CliError::failed(format!("{}: {flag}: {e}", path.display()));
    let table = read_csv(path, &csv_options(plan)).map_err(|e| match e {
        PreprocessError::ColumnNotFound { .. } => in_flag("--one-hot", e),
        other => about_file(other.into(), path),
    })?;
    check_flag_columns(&table, plan, &path.display().to_string())?;
    Ok(table)
}

/// The columns `--target`, `--drop`, `--bin`, `--sample-weight` and `--offset` name are in the
/// table (read from `data`).
pub(crate) fn check_flag_columns(table: &Table, plan: &TrainPlan, data: &str) -> CliResult<()> {
    let spec = &plan.pipeline;
    let in_flag = |flag: &str, e| CliError::failed(format!("{data}: {flag}: {e}"));
    table
        .column(&plan.target)
        .map_err(|e| in_flag("--target", e))?;
    for (flag, col) in spec
        .drop
        .iter()
        .map(|c| ("--drop", c))
        .chain(spec.bins.iter().map(|b| ("--bin", &b.column)))
        .chain(plan.sample_weight.iter().map(|c| ("--sample-weight", c)))
        .chain(plan.offset.iter().map(|c| ("--offset", c)))
    {
        if let Err(e) = table.column(col) {
            return Err(in_flag(flag, e));
        }
    }
    Ok(())
}

/// The label column must hold exactly two values; the error lists what it holds.
fn check_binary(labels: &[ClassLabel], target: &str, path: &Path) -> CliResult<()> {
    let classes = sorted_classes(labels).map_err(|e| about_file(e.into(), path))?;
    check_two_classes(&classes, target, &path.display().to_string())
}

/// The sorted distinct labels of the target (read from `data`) must be exactly two.
pub(crate) fn check_two_classes(classes: &[ClassLabel], target: &str, data: &str) -> CliResult<()> {
    if classes.len() == 2 {
        return Ok(());
    }
    let mut shown: Vec<String> = classes
        .iter()
        .take(10)
        .map(|c| format!("{:?}", c.to_string()))
        .collect();
    if classes.len() > 10 {
        shown.push(format!("… ({} in all)", classes.len()));
    }
    let what = if classes.len() == 1 {
        "only one class".to_string()
    } else {
        format!("{} distinct values", classes.len())
    };
    Err(CliError::failed(format!(
        "{data}: target column {target:?} has {what} ({}); a binary classifier needs exactly two",
        shown.join(", ")
    )))
}

/// What to do about a column `first` that must be numeric and is not.
pub(crate) fn numeric_hint(first: &str, plan: &TrainPlan) -> String {
    if plan.pipeline.bins.iter().any(|b| b.column == first) {
        format!("--bin needs a numeric column; {first:?} is not")
    } else {
        format!(
            "to use {first:?} as categories pass --one-hot {first} (or --one-hot auto); \
             to leave it out, --drop {first}"
        )
    }
}

/// The first missing feature value (0-based row, column), when `--impute` is not given.
pub(crate) fn first_missing(
    table: &Table,
    plan: &TrainPlan,
) -> Result<Option<(usize, String)>, PreprocessError> {
    if plan.pipeline.impute.is_some() {
        return Ok(None);
    }
    table.first_missing(&plan.pipeline.feature_columns(table, &plan.outside()))
}

/// The message for a missing feature value at 1-based data `row` of `data`.
pub(crate) fn missing_message(data: &str, row: usize, column: &str) -> String {
    format!(
        "{data}: data row {row}, column {column:?}: the value is missing; fill missing values \
         with --impute mean|median|most-frequent, or remove the row"
    )
}

/// Columns that must be numeric are; no feature value is missing unless `--impute` fills it.
/// Both errors name the file, row, column and value.
fn check_numeric_and_complete(path: &Path, table: &Table, plan: &TrainPlan) -> CliResult<()> {
    let must_be_numeric = plan
        .pipeline
        .text_where_numbers_are_needed(table, &plan.outside());
    if let Some(first) = must_be_numeric.first() {
        // Reading them as numbers makes the reader name the first cell that is not one.
        let mut options = CsvOptions::new();
        for c in &must_be_numeric {
            options = options.column_type(c.to_string(), ColumnType::Numeric);
        }
        let hint = numeric_hint(first, plan);
        return match read_csv(path, &options) {
            Err(e) => Err(CliError::failed(format!(
                "{}; {hint}",
                about_file(e.into(), path).message
            ))),
            Ok(_) => Err(CliError::failed(format!(
                "{}: column {first:?} is not numeric; {hint}",
                path.display()
            ))),
        };
    }
    let first = first_missing(table, plan).map_err(|e| about_file(e.into(), path))?;
    if let Some((row, column)) = first {
        return Err(CliError::failed(missing_message(
            &path.display().to_string(),
            row + 1,
            &column,
        )));
    }
    Ok(())
}

/// Writes the charts (replacing existing ones only with `force`); returns the files written.
fn plot(
    trained: &Trained,
    dir: &Path,
    train_rows: Option<&[usize]>,
    test_rows: Option<&[usize]>,
    threshold: f64,
    force: bool,
) -> CliResult<Vec<PathBuf>> {
    let clf = &trained.classifier;
    let design = &trained.features.design;
    crate::charts::create_dir(dir)?;
    let mut written = Vec::new();
    let fit = clf.model().report();
    let loss = dir.join(LOSS_SVG);
    let svg = loss_chart(&fit.history)
        .title(format!("Training loss ({})", fit.solver.name()))
        .y_label("mean objective")
        .to_svg()?;
    write_text(&loss, &svg, force)?;
    written.push(loss);

    // ROC, threshold and calibration charts on the held-out rows when there are any.
    let (rows, which) = match test_rows {
        Some(t) => (Some(t), "test"),
        None => (train_rows, "training"),
    };
    let positive = clf.positive_class();
    let z = trained.logits(rows).map_err(CliError::from)?;
    let truth: Vec<bool> = match rows {
        Some(r) => r.iter().map(|&i| trained.labels[i] == *positive).collect(),
        None => trained.labels.iter().map(|l| l == positive).collect(),
    };
    written.extend(crate::charts::score_charts(
        dir, &truth, &z, threshold, which, force,
    )?);

    let names = clf.feature_names();
    if let [x_name, y_name] = names {
        let model = clf.model();
        let w = model.coefficients();
        let w = [w.get(0).copied(), w.get(1).copied()];
        let mut points: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
        for (i, l) in trained.labels.iter().enumerate() {
            if let (Some(x), Some(y)) = (design.get(i, 0), design.get(i, 1)) {
                points[usize::from(l == positive)].push((x, y));
            }
        }
        let [neg, pos] = model.classes();
        let (neg, pos) = (neg.to_string(), pos.to_string());
        let boundary = dir.join(BOUNDARY_SVG);
        let svg = decision_boundary_chart(
            &points[0],
            &points[1],
            [neg.as_str(), pos.as_str()],
            [w[0].unwrap_or(0.0), w[1].unwrap_or(0.0)],
            model.intercept(),
        )
        .x_label(x_name.as_str())
        .y_label(y_name.as_str())
        .to_svg()?;
        write_text(&boundary, &svg, force)?;
        written.push(boundary);
    }
    Ok(written)
}
