//! `logreg train`: read, split, build the pipeline the flags describe, fit, report, save, plot.

use crate::args::{format_of, OneHot, TrainArgs, TrainPlan};
use crate::error::{CliError, CliResult};
use crate::files::{about_file, bundled, check_writable, write_text};
use crate::progress::Progress;
use crate::report::{DataInfo, Metrics, ModeInfo, Report, SplitInfo};
use crate::Out;
use logreg::evaluate::{roc_curve, stratified_train_test_split, train_test_split};
use logreg::model::{sorted_classes, FitOptions, ModelError};
use logreg::passes::{choose_mode, FitMode, PassOptions};
use logreg::preprocess::{
    read_csv, Binner, ColumnType, CsvOptions, FileFormat, ImputeStrategy, Imputer, OneHotEncoder,
    Pipeline, PreprocessError, Schema, Table, TableFile,
};
use logreg::Error;
use logreg::{labels_of, ClassLabel, Classifier, Trained};
use logreg_plot::{decision_boundary_chart, loss_chart, roc_chart};
use std::path::{Path, PathBuf};

/// Chart files `--plot` writes.
const LOSS_SVG: &str = "loss.svg";
const ROC_SVG: &str = "roc.svg";
const BOUNDARY_SVG: &str = "boundary.svg";

/// Runs `train`.
pub fn run(args: &TrainArgs, quiet: bool, out: &mut Out) -> CliResult<()> {
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
            for name in [LOSS_SVG, ROC_SVG, BOUNDARY_SVG] {
                check_writable(&dir.join(name), args.force, "--plot directory")?;
            }
        }
    }

    let format = format_of(&path, args.format);
    let file = open_file(&path, format, &plan)?;
    let mode = choose_mode(&file, file.schema().fields.len(), plan.memory_limit);
    let reason = match mode {
        FitMode::InPasses {
            memory_limit,
            reason,
        } => return train_in_passes(args, &plan, &path, file, memory_limit, reason, quiet, out),
        FitMode::InMemory { reason } => reason,
    };
    let table = match format {
        FileFormat::Csv => read_table(&path, &plan)?,
        FileFormat::Parquet => {
            let mut file = file;
            let keep = read_columns(&file, &plan);
            file.select(&keep)
                .map_err(|e| about_file(e.into(), &path))?;
            file.read_all().map_err(|e| about_file(e.into(), &path))?
        }
    };
    let labels = labels_of(&table, &plan.target).map_err(|e| about_file(e, &path))?;
    check_binary(&labels, &plan.target, &path)?;
    check_numeric_and_complete(&path, format, &table, &plan)?;
    let pipeline = build_pipeline(&plan, &table.schema());

    let (n, n_cols) = (table.n_rows(), table.n_cols());
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

    // The table is handed over: its numbers become the design (one copy of them, split by row
    // indices), and every error names rows of the file.
    let mut progress = Progress::fit(quiet);
    let fitted = Classifier::fit_owned(
        table,
        &plan.target,
        pipeline,
        &plan.params,
        FitOptions {
            rows: train_rows,
            positive_class: args.positive.as_deref().map(ClassLabel::from),
            observer: Some(&mut progress),
            ..FitOptions::default()
        },
    );
    progress.finish();
    let trained = fitted.map_err(|e| about_file(e, &path))?;
    let clf = &trained.classifier;
    let design = &trained.features.design;
    let train_eval = clf
        .evaluate_on(design, &trained.labels, train_rows)
        .map_err(|e| about_file(e, &path))?;
    let test_eval = match test_rows {
        Some(rows) => Some(
            clf.evaluate_on(design, &trained.labels, Some(rows))
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
    report.mode = Some(ModeInfo::in_memory(reason));

    if let Some(model) = &args.out {
        write_text(model, &clf.to_json()?, args.force)?;
        report.model_file = Some(model.display().to_string());
    }
    if let Some(dir) = &args.plot {
        report.plots = plot(&trained, dir, train_rows, test_rows, args.force)?
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

/// `train` in passes: the file is read in chunks (the dropped columns not at all), the design
/// written to a scratch file and fitted block by block within `memory_limit`.
#[allow(clippy::too_many_arguments)]
fn train_in_passes(
    args: &TrainArgs,
    plan: &TrainPlan,
    path: &Path,
    mut file: TableFile,
    memory_limit: u64,
    reason: String,
    quiet: bool,
    out: &mut Out,
) -> CliResult<()> {
    let format = file.format();
    let keep = read_columns(&file, plan);
    file.select(&keep).map_err(|e| about_file(e.into(), path))?;
    let n_cols = file.header().len();
    let trained = loop {
        let schema = file.schema();
        let must = must_be_numeric(&schema, plan);
        if !must.is_empty() {
            return Err(not_numeric_error(path, format, plan, &must));
        }
        let pipeline = build_pipeline(plan, &schema);
        let mut fit_progress = Progress::fit(quiet);
        let mut pass_progress = Progress::passes(quiet);
        let mut on_pass = |p: &logreg::passes::PassProgress| pass_progress.pass(p);
        let fitted = Classifier::fit_in_passes(
            &file,
            &plan.target,
            pipeline,
            &plan.params,
            PassOptions {
                memory_limit,
                scratch_dir: args.scratch_dir.clone(),
                test_size: args.test_size,
                seed: args.seed,
                stratify: args.stratify,
                positive_class: args.positive.as_deref().map(ClassLabel::from),
                observer: Some(&mut fit_progress),
                progress: Some(&mut on_pass),
            },
        );
        fit_progress.finish();
        match fitted {
            Ok(t) => break t,
            // A column that looked numeric in the first rows holds text: read it as text and
            // start again (it can now be one-hot encoded, or it is refused as in memory).
            Err(Error::Preprocess(PreprocessError::NotNumericAfterAll { column, .. })) => {
                file.set_type(&column, ColumnType::Categorical)
                    .map_err(|e| about_file(e.into(), path))?;
            }
            Err(e) => return Err(passes_error(e, path, plan)),
        }
    };
    let clf = &trained.classifier;
    let mut report = Report::of_model("train", clf);
    report.data = Some(DataInfo {
        path: path.display().to_string(),
        rows: trained.n_rows,
        columns: n_cols,
    });
    report.split = Some(SplitInfo {
        test_size: args.test_size,
        seed: args.seed,
        stratified: args.stratify && trained.split.is_some(),
        train_rows: trained.train.n,
        test_rows: trained.test.as_ref().map_or(0, |t| t.n),
    });
    report.train = Some(Metrics::from(&trained.train));
    report.test = trained.test.as_ref().map(Metrics::from);
    report.mode = Some(ModeInfo {
        mode: "in passes",
        reason,
        memory_limit: Some(memory_limit),
        file_passes: Some(trained.file_passes),
        scratch_bytes: Some(trained.scratch_bytes),
        block_rows: Some(trained.block_rows),
    });
    if let Some(model) = &args.out {
        write_text(model, &clf.to_json()?, args.force)?;
        report.model_file = Some(model.display().to_string());
    }
    if let Some(dir) = &args.plot {
        let which = if trained.test.is_some() {
            "test"
        } else {
            "training"
        };
        report.plots = plot_charts(clf, dir, &trained.roc_rows, which, None, args.force)?
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

/// A fit in passes' error, worded as the in-memory checks word the same problem.
fn passes_error(e: Error, path: &Path, plan: &TrainPlan) -> CliError {
    if logreg::scratch::interrupted() {
        return CliError::failed("interrupted".to_string());
    }
    match e {
        // About the scratch directory, not the data file.
        Error::Scratch(_) => CliError::from(e),
        Error::Preprocess(PreprocessError::MissingValue { row, column, .. })
            if plan.impute.is_none() =>
        {
            missing_value(path, row, &column)
        }
        Error::Model(ModelError::NotBinary { count, classes }) => CliError::failed(format!(
            "{}: target column {:?} has {count} distinct values ({}); a binary classifier \
             needs exactly two",
            path.display(),
            plan.target,
            classes.join(", ")
        )),
        Error::Model(ModelError::SingleClass { class }) => CliError::failed(format!(
            "{}: target column {:?} has only one class ({class}); a binary classifier needs \
             exactly two",
            path.display(),
            plan.target
        )),
        other => about_file(other, path),
    }
}

/// CSV options with the `--one-hot` columns read as categories even if they hold numbers.
fn csv_options(plan: &TrainPlan) -> CsvOptions {
    let mut options = CsvOptions::new();
    if let OneHot::Columns(cols) = &plan.one_hot {
        for c in cols {
            if !plan.bins.iter().any(|b| &b.column == c) {
                options = options.column_type(c.clone(), ColumnType::Categorical);
            }
        }
    }
    options
}

/// `--flag: error`, about the file.
fn in_flag(path: &Path, flag: &str, e: impl std::fmt::Display) -> CliError {
    CliError::failed(format!("{}: {flag}: {e}", path.display()))
}

/// Opens the data file (its header and column types, or its footer) and checks the columns the
/// flags name are there.
fn open_file(path: &Path, format: FileFormat, plan: &TrainPlan) -> CliResult<TableFile> {
    let mut file = TableFile::open(path, format, &csv_options(plan)).map_err(|e| match e {
        PreprocessError::ColumnNotFound { .. } => in_flag(path, "--one-hot", e),
        other => about_file(other.into(), path),
    })?;
    if format == FileFormat::Parquet {
        if let OneHot::Columns(cols) = &plan.one_hot {
            for c in cols {
                if !plan.bins.iter().any(|b| &b.column == c) {
                    file.set_type(c, ColumnType::Categorical)
                        .map_err(|e| match e {
                            PreprocessError::ColumnNotFound { .. } => in_flag(path, "--one-hot", e),
                            other => about_file(other.into(), path),
                        })?;
                }
            }
        }
    }
    let header = file.header().to_vec();
    let not_found = |col: &str| PreprocessError::ColumnNotFound {
        column: col.to_string(),
        available: header.clone(),
    };
    if !header.contains(&plan.target) {
        return Err(in_flag(path, "--target", not_found(&plan.target)));
    }
    for (flag, col) in plan
        .drop
        .iter()
        .map(|c| ("--drop", c))
        .chain(plan.bins.iter().map(|b| ("--bin", &b.column)))
    {
        if !header.contains(col) {
            return Err(in_flag(path, flag, not_found(col)));
        }
    }
    Ok(file)
}

/// The columns a fit reads: all but the dropped ones.
fn read_columns(file: &TableFile, plan: &TrainPlan) -> Vec<String> {
    file.header()
        .iter()
        .filter(|c| !plan.drop.contains(c))
        .cloned()
        .collect()
}

/// Reads the CSV, with the `--one-hot` columns read as categories even if they hold numbers.
fn read_table(path: &Path, plan: &TrainPlan) -> CliResult<Table> {
    let table = read_csv(path, &csv_options(plan)).map_err(|e| match e {
        PreprocessError::ColumnNotFound { .. } => in_flag(path, "--one-hot", e),
        other => about_file(other.into(), path),
    })?;
    table
        .column(&plan.target)
        .map_err(|e| in_flag(path, "--target", e))?;
    for (flag, col) in plan
        .drop
        .iter()
        .map(|c| ("--drop", c))
        .chain(plan.bins.iter().map(|b| ("--bin", &b.column)))
    {
        if let Err(e) = table.column(col) {
            return Err(in_flag(path, flag, e));
        }
    }
    Ok(table)
}

/// The label column must hold exactly two values; the error lists what it holds.
fn check_binary(labels: &[ClassLabel], target: &str, path: &Path) -> CliResult<()> {
    let classes = sorted_classes(labels).map_err(|e| about_file(e.into(), path))?;
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
        "{}: target column {target:?} has {what} ({}); a binary classifier needs exactly two",
        path.display(),
        shown.join(", ")
    )))
}

/// The columns that become features (file order): all but the target and the dropped ones.
fn feature_columns<'a>(schema: &'a Schema, plan: &TrainPlan) -> Vec<&'a str> {
    schema
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .filter(|c| *c != plan.target && !plan.drop.iter().any(|d| d == c))
        .collect()
}

/// Which feature columns are one-hot encoded, in output order.
fn one_hot_columns(plan: &TrainPlan, schema: &Schema, features: &[&str]) -> Vec<String> {
    let binned = |c: &str| plan.bins.iter().any(|b| b.column == c);
    let mut cols: Vec<String> = match &plan.one_hot {
        OneHot::Off => Vec::new(),
        OneHot::Auto => features
            .iter()
            .filter(|c| binned(c) || schema.column_type(c) == Some(ColumnType::Categorical))
            .map(|c| c.to_string())
            .collect(),
        OneHot::Columns(cols) => cols.clone(),
    };
    // Binned columns hold labels: they are always encoded.
    for c in features {
        if binned(c) && !cols.iter().any(|k| k == c) {
            cols.push(c.to_string());
        }
    }
    cols
}

/// Columns that must be numeric are; no feature value is missing unless `--impute` fills it.
/// Both errors name the file, row, column and value.
/// Feature columns that must be numeric (not one-hot encoded, or binned) but are read as text.
fn must_be_numeric<'a>(schema: &'a Schema, plan: &TrainPlan) -> Vec<&'a str> {
    let features = feature_columns(schema, plan);
    let encoded = one_hot_columns(plan, schema, &features);
    let binned = |c: &str| plan.bins.iter().any(|b| b.column == c);
    features
        .iter()
        .copied()
        .filter(|c| binned(c) || !encoded.iter().any(|e| e == c))
        .filter(|c| schema.column_type(c) == Some(ColumnType::Categorical))
        .collect()
}

/// The error for columns that must be numeric and are not: reading them as numbers makes the
/// reader name the first cell that is not one, then a hint.
fn not_numeric_error(
    path: &Path,
    format: FileFormat,
    plan: &TrainPlan,
    columns: &[&str],
) -> CliError {
    let Some(first) = columns.first() else {
        return CliError::failed(format!("{}: internal: no column to check", path.display()));
    };
    let binned = |c: &str| plan.bins.iter().any(|b| b.column == c);
    let hint = if binned(first) {
        format!("--bin needs a numeric column; {first:?} is not")
    } else {
        format!(
            "to use {first:?} as categories pass --one-hot {first} (or --one-hot auto); \
             to leave it out, --drop {first}"
        )
    };
    let read = match format {
        FileFormat::Csv => {
            let mut options = CsvOptions::new();
            for c in columns {
                options = options.column_type(c.to_string(), ColumnType::Numeric);
            }
            read_csv(path, &options).map(|_| ())
        }
        FileFormat::Parquet => {
            TableFile::open(path, format, &CsvOptions::new()).and_then(|mut f| {
                f.select(columns)?;
                for c in columns {
                    f.set_type(c, ColumnType::Numeric)?;
                }
                for chunk in f.chunks(1 << 16)? {
                    chunk?;
                }
                Ok(())
            })
        }
    };
    match read {
        Err(e) => CliError::failed(format!("{}; {hint}", about_file(e.into(), path).message)),
        Ok(()) => CliError::failed(format!(
            "{}: column {first:?} is not numeric; {hint}",
            path.display()
        )),
    }
}

/// Columns that must be numeric are; no feature value is missing unless `--impute` fills it.
/// Both errors name the file, row, column and value.
fn check_numeric_and_complete(
    path: &Path,
    format: FileFormat,
    table: &Table,
    plan: &TrainPlan,
) -> CliResult<()> {
    let schema = table.schema();
    let features = feature_columns(&schema, plan);
    let must = must_be_numeric(&schema, plan);
    if !must.is_empty() {
        return Err(not_numeric_error(path, format, plan, &must));
    }
    if plan.impute.is_none() {
        let first_missing = features
            .iter()
            .filter_map(|c| {
                let col = table.column(c).ok()?;
                let row = col.first_missing()?;
                Some((row, *c))
            })
            .min_by_key(|(row, _)| *row);
        if let Some((row, column)) = first_missing {
            return Err(missing_value(path, row + 1, column));
        }
    }
    Ok(())
}

/// A feature value is missing and nothing fills it.
fn missing_value(path: &Path, row: usize, column: &str) -> CliError {
    CliError::failed(format!(
        "{}: data row {row}, column {column:?}: the value is missing; fill missing values \
         with --impute mean|median|most-frequent, or remove the row",
        path.display(),
    ))
}

/// The pipeline the flags describe: drop → impute → bin → one-hot → standardize. `schema` has
/// the columns read (a fit in passes does not read the dropped ones at all).
fn build_pipeline(plan: &TrainPlan, schema: &Schema) -> Pipeline {
    let features = feature_columns(schema, plan);
    let dropped: Vec<String> = plan
        .drop
        .iter()
        .filter(|c| schema.column_type(c).is_some())
        .cloned()
        .collect();
    let mut pipeline = Pipeline::new().drop(dropped);
    if let Some(strategy) = &plan.impute {
        let of_type = |t: ColumnType| -> Vec<String> {
            features
                .iter()
                .filter(|c| schema.column_type(c) == Some(t))
                .map(|c| c.to_string())
                .collect()
        };
        let numeric = of_type(ColumnType::Numeric);
        let categorical = of_type(ColumnType::Categorical);
        if !numeric.is_empty() {
            pipeline = pipeline.step(Imputer::new(numeric, strategy.clone()));
        }
        if !categorical.is_empty() {
            pipeline = pipeline.step(Imputer::new(categorical, ImputeStrategy::MostFrequent));
        }
    }
    for b in &plan.bins {
        pipeline = pipeline.step(
            Binner::new(b.column.clone(), b.edges.clone(), b.labels.clone()).include_lowest(true),
        );
    }
    let encoded = one_hot_columns(plan, schema, &features);
    if !encoded.is_empty() {
        pipeline = pipeline.step(OneHotEncoder::new(encoded).drop_first(plan.drop_first));
    }
    if plan.standardize {
        pipeline = pipeline.standardize_all();
    }
    pipeline
}

/// Writes the charts (replacing existing ones only with `force`); returns the files written.
fn plot(
    trained: &Trained,
    dir: &Path,
    train_rows: Option<&[usize]>,
    test_rows: Option<&[usize]>,
    force: bool,
) -> CliResult<Vec<PathBuf>> {
    let clf = &trained.classifier;
    let design = &trained.features.design;
    // ROC on the held-out rows when there are any.
    let (rows, which) = match test_rows {
        Some(t) => (Some(t), "test"),
        None => (train_rows, "training"),
    };
    let positive = clf.positive_class();
    let z: Vec<f64> = clf
        .model()
        .decision_function_on(design, rows, None)
        .map_err(logreg::Error::from)?
        .iter()
        .copied()
        .collect();
    let truth: Vec<bool> = match rows {
        Some(r) => r.iter().map(|&i| trained.labels[i] == *positive).collect(),
        None => trained.labels.iter().map(|l| l == positive).collect(),
    };
    let mut points: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
    if clf.feature_names().len() == 2 {
        for (i, l) in trained.labels.iter().enumerate() {
            if let (Some(x), Some(y)) = (design.get(i, 0), design.get(i, 1)) {
                points[usize::from(l == positive)].push((x, y));
            }
        }
    }
    plot_charts(clf, dir, &(truth, z), which, Some(&points), force)
}

/// The loss chart, the ROC chart of `roc` (truth, logits) on the `which` rows, and with two
/// features and `points` ([negative, positive] in feature space), the decision boundary.
fn plot_charts(
    clf: &Classifier,
    dir: &Path,
    roc: &(Vec<bool>, Vec<f64>),
    which: &str,
    points: Option<&[Vec<(f64, f64)>; 2]>,
    force: bool,
) -> CliResult<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::failed(format!(
            "--plot {}: cannot create the directory: {e}",
            dir.display()
        ))
    })?;
    let mut written = Vec::new();
    let fit = clf.model().report();
    let loss = dir.join(LOSS_SVG);
    let svg = loss_chart(&fit.history)
        .title(format!("Training loss ({})", fit.solver.name()))
        .y_label("mean objective")
        .to_svg()?;
    write_text(&loss, &svg, force)?;
    written.push(loss);

    if let Ok(curve) = roc_curve(&roc.0, &roc.1) {
        let roc = dir.join(ROC_SVG);
        let svg = roc_chart(&curve.points(), curve.auc())
            .title(format!("ROC curve ({which} rows)"))
            .to_svg()?;
        write_text(&roc, &svg, force)?;
        written.push(roc);
    }

    let names = clf.feature_names();
    if let ([x_name, y_name], Some(points)) = (names, points) {
        let model = clf.model();
        let w = model.coefficients();
        let w = [w.get(0).copied(), w.get(1).copied()];
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
