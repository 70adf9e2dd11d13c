//! `logreg train`: read, split, build the pipeline the flags describe, fit, report, save, plot.

use crate::args::{FormatArg, TrainArgs, TrainPlan};
use crate::checks::{
    check_classes, check_flag_columns, csv_options, first_missing, missing_message, numeric_hint,
};
use crate::error::{CliError, CliResult};
use crate::files::{about_file, bundled, check_writable, load_model, write_text};
use crate::progress::Progress;
use crate::report::{
    AnyMetrics, Coefficients, CvInfo, DataInfo, Intercepts, Metrics, ModeInfo, MulticlassMetrics,
    PathInfo, PathPointInfo, Report, SplitInfo, StatisticsFields,
};
use crate::Out;
use logreg::evaluate::{stratified_train_test_split, train_test_split};
use logreg::model::{
    sorted_classes, CvOptions, CvResult, FitOptions, ModelError, ModelKind, PathOptions,
    RegularizationPath,
};
use logreg::passes::{choose_mode, FitMode, PassOptions};
use logreg::preprocess::{
    read_csv, read_libsvm, Column, ColumnType, CsvOptions, FileFormat, LibsvmData, Pipeline,
    PreprocessError, Schema, Table, TableFile,
};
use logreg::{labels_of, ClassLabel, Classifier, Error, FitColumns, Trained};
use logreg_plot::{decision_boundary_chart, loss_chart, Chart};
use std::path::{Path, PathBuf};

/// Chart files `--plot` writes (besides `crate::charts::FILES`).
const LOSS_SVG: &str = "loss.svg";
const BOUNDARY_SVG: &str = "boundary.svg";
const PATH_SVG: &str = "path.svg";
const CV_SVG: &str = "cv.svg";

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
            for name in [LOSS_SVG, BOUNDARY_SVG, PATH_SVG, CV_SVG]
                .iter()
                .chain(crate::charts::FILES)
            {
                check_writable(&dir.join(name), args.force, "--plot directory")?;
            }
        }
    }

    let warm_start = match &args.warm_start {
        Some(p) => Some(load_model(p).map_err(|e| e.context("--warm-start"))?),
        None => None,
    };
    // The data, its labels, and what a fit on it needs: a table with its pipeline, or libsvm rows.
    let mut mode = ModeInfo::in_memory("libsvm files are read in memory".into());
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
        FormatArg::Csv | FormatArg::Parquet | FormatArg::Auto => {
            let format = match plan.format {
                FormatArg::Parquet => FileFormat::Parquet,
                _ => FileFormat::Csv,
            };
            let mut file = open_file(&path, format, &plan)?;
            match choose_mode(&file, file.schema().fields.len(), plan.memory_limit) {
                FitMode::InPasses {
                    memory_limit,
                    reason,
                } => {
                    if let Some(flag) = crate::args::refused_in_passes(args) {
                        return Err(CliError::failed(format!(
                            "{}: a fit in passes was chosen because {reason}, and {flag} is not \
                             available in a fit in passes yet; leave out {flag}, or fit on \
                             fewer rows",
                            path.display()
                        )));
                    }
                    return train_in_passes(
                        args,
                        &plan,
                        &path,
                        file,
                        memory_limit,
                        reason,
                        quiet,
                        out,
                    );
                }
                FitMode::InMemory { reason } => mode = ModeInfo::in_memory(reason),
            }
            let table = match format {
                FileFormat::Csv => read_table(&path, &plan)?,
                FileFormat::Parquet => {
                    let keep = read_columns(&file, &plan);
                    file.select(&keep)
                        .map_err(|e| about_file(e.into(), &path))?;
                    file.read_all().map_err(|e| about_file(e.into(), &path))?
                }
            };
            let labels = labels_of(&table, &plan.target).map_err(|e| about_file(e, &path))?;
            check_numeric_and_complete(&path, format, &table, &plan)?;
            let pipeline = build_pipeline(&plan, &table);
            let (n, d) = (table.n_rows(), table.n_cols());
            (Input::Table(table, pipeline), labels, n, d)
        }
    };
    let classes = sorted_classes(&labels).map_err(|e| about_file(e.into(), &path))?;
    check_classes(&classes, args, &plan, &path.display().to_string())?;

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
    let train_rows = split.as_ref().map(|s| s.train.as_slice());
    let test_rows = split.as_ref().map(|s| s.test.as_slice());
    if let Some(cv) = &plan.cv {
        check_folds(&labels, train_rows, cv.folds, &path)?;
    }
    drop(labels);

    // The data is handed over: its numbers become the design (one copy of them, split by row
    // indices), and every error names rows of the file.
    let mut progress = Progress::fit(quiet);
    let opts = FitOptions {
        rows: train_rows,
        positive_class: args.positive.as_deref().map(ClassLabel::from),
        warm_start: warm_start.as_ref().and_then(Classifier::binary_model),
        observer: Some(&mut progress),
        ..FitOptions::default()
    };
    let columns = FitColumns {
        sample_weight: plan.sample_weight.clone(),
        offset: plan.offset.clone(),
    };
    let fitted = match (input, &plan.cv) {
        (Input::Table(table, pipeline), None) => {
            Classifier::fit_owned_with(table, &plan.target, &columns, pipeline, &plan.params, opts)
                .map(|t| (t, None))
        }
        (Input::Table(table, pipeline), Some(cv)) => Classifier::cross_validate_owned(
            table,
            &plan.target,
            &columns,
            pipeline,
            &plan.params,
            CvOptions {
                folds: cv.folds,
                cs: cv.cs.clone(),
                l1_ratios: cv.l1_ratios.clone(),
                scoring: cv.scoring,
                seed: args.seed,
                multi_class: plan.params.multi_class(),
                rows: train_rows,
                ..CvOptions::default()
            },
        )
        .map(|(t, r)| (t, Some(r))),
        (Input::Libsvm(data), _) => {
            Classifier::fit_libsvm(data, &plan.params, opts).map(|t| (t, None))
        }
    };
    progress.finish();
    let (trained, cv_result) = fitted.map_err(|e| match e {
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
    let design = &trained.features.design;
    let threshold = plan.threshold;
    let evaluate = |rows: Option<&[usize]>| -> CliResult<AnyMetrics> {
        Ok(if clf.model().kind() == ModelKind::Binary {
            AnyMetrics::Binary(Metrics::from(
                &trained
                    .evaluate(rows, threshold)
                    .map_err(|e| about_file(e, &path))?,
            ))
        } else {
            AnyMetrics::Multiclass(MulticlassMetrics::from(
                &clf.evaluate_multiclass_on(design, &trained.labels, rows)
                    .map_err(|e| about_file(e, &path))?,
            ))
        })
    };
    let train_eval = evaluate(train_rows)?;
    let test_eval = match test_rows {
        Some(rows) => Some(evaluate(Some(rows))?),
        None => None,
    };
    // The path over the chosen ρ's grid, on every training row, for the report and path.svg.
    let reg_path = match &cv_result {
        Some(r) => Some(chosen_path(&trained, r, train_rows).map_err(|e| about_file(e, &path))?),
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
    report.train = Some(train_eval);
    report.test = test_eval;
    if clf.model().kind() == ModelKind::Binary {
        report.threshold = Some(threshold);
    }
    report.statistics = Some(StatisticsFields::of(clf));
    report.mode = Some(mode);
    if let (Some(r), Some(p)) = (&cv_result, &reg_path) {
        report.cv = Some(CvInfo {
            folds: r.folds,
            scoring: r.scoring.name(),
            tables: r.paths.clone(),
            best: r.best,
            one_se: r.one_se,
        });
        let binary = p.kind == ModelKind::Binary;
        report.path = Some(PathInfo {
            l1_ratio: p.l1_ratio,
            c_min: p.c_min,
            points: p
                .points
                .iter()
                .map(|pt| PathPointInfo {
                    c: pt.c,
                    nonzero: pt.nonzero,
                    objective: pt.objective,
                    iterations: pt.iterations,
                    converged: pt.converged,
                    coefficients: Coefficients::of(&pt.coefficients, binary),
                    intercept: Intercepts::of(&pt.intercepts, binary),
                })
                .collect(),
        });
    }

    if let Some(model) = &args.out {
        write_text(model, &clf.to_json()?, args.force)?;
        report.model_file = Some(model.display().to_string());
    }
    if let Some(dir) = &args.plot {
        report.plots = plot(
            &trained,
            dir,
            train_rows,
            test_rows,
            threshold,
            cv_result.as_ref().zip(reg_path.as_ref()),
            args.force,
        )?
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

/// Reads the CSV, with the `--one-hot` columns read as categories even if they hold numbers.
fn read_table(path: &Path, plan: &TrainPlan) -> CliResult<Table> {
    let table = read_csv(path, &csv_options(plan)).map_err(|e| match e {
        PreprocessError::ColumnNotFound { .. } => in_flag(path, "--one-hot", e),
        other => about_file(other.into(), path),
    })?;
    check_flag_columns(table.column_names(), plan, &path.display().to_string())?;
    Ok(table)
}

/// `--flag: error`, about the file.
fn in_flag(path: &Path, flag: &str, e: impl std::fmt::Display) -> CliError {
    CliError::failed(format!("{}: {flag}: {e}", path.display()))
}

/// Opens the data file (its header and column types, or its footer) and checks the columns the
/// flags name are there.
fn open_file(path: &Path, format: FileFormat, plan: &TrainPlan) -> CliResult<TableFile> {
    let options = csv_options(plan);
    let mut file = TableFile::open(path, format, &options).map_err(|e| match e {
        PreprocessError::ColumnNotFound { .. } => in_flag(path, "--one-hot", e),
        other => about_file(other.into(), path),
    })?;
    check_flag_columns(file.header(), plan, &path.display().to_string())?;
    if format == FileFormat::Parquet {
        // A Parquet column has its type; the flags can still ask for text or numbers.
        if let logreg::preprocess::OneHot::Columns(cols) = &plan.pipeline.one_hot {
            for c in cols {
                if !plan.pipeline.bins.iter().any(|b| &b.column == c) {
                    file.set_type(c, ColumnType::Categorical)
                        .map_err(|e| match e {
                            PreprocessError::ColumnNotFound { .. } => in_flag(path, "--one-hot", e),
                            other => about_file(other.into(), path),
                        })?;
                }
            }
        }
        for c in plan.sample_weight.iter().chain(&plan.offset) {
            file.set_type(c, ColumnType::Numeric)
                .map_err(|e| about_file(e.into(), path))?;
        }
    }
    Ok(file)
}

/// The columns a fit reads: all but the dropped ones.
fn read_columns(file: &TableFile, plan: &TrainPlan) -> Vec<String> {
    file.header()
        .iter()
        .filter(|c| !plan.pipeline.drop.contains(c))
        .cloned()
        .collect()
}

/// A table with `schema`'s columns and no rows: what the pipeline description needs (names and
/// types) when the rows are read later, in passes.
fn schema_table(schema: &Schema) -> Result<Table, Error> {
    let columns = schema.fields.iter().map(|f| {
        let column = match f.column_type {
            ColumnType::Numeric => Column::numeric(std::iter::empty()),
            ColumnType::Categorical => Column::categorical(std::iter::empty::<&str>()),
        };
        (f.name.clone(), column)
    });
    Ok(Table::new(columns)?)
}

/// The pipeline the flags describe for `table`'s columns. A Parquet file, and a fit in passes,
/// never read the dropped columns, so the pipeline drops only those the table has.
fn build_pipeline(plan: &TrainPlan, table: &Table) -> Pipeline {
    let mut spec = plan.pipeline.clone();
    spec.drop.retain(|c| table.contains(c));
    spec.build(table, &plan.outside())
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
    let outside = plan.outside();
    let trained = loop {
        let shape = schema_table(&file.schema())?;
        let must = plan
            .pipeline
            .text_where_numbers_are_needed(&shape, &outside);
        if !must.is_empty() {
            return Err(not_numeric_error(path, format, plan, &must));
        }
        let pipeline = build_pipeline(plan, &shape);
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
                threshold: plan.threshold,
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
    report.train = Some(AnyMetrics::Binary(Metrics::from(&trained.train)));
    report.test = trained
        .test
        .as_ref()
        .map(|t| AnyMetrics::Binary(Metrics::from(t)));
    report.threshold = Some(plan.threshold);
    report.statistics = Some(StatisticsFields::of(clf));
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
        crate::charts::create_dir(dir)?;
        let mut written = vec![loss_chart_file(clf, dir, args.force)?];
        let (truth, z) = &trained.roc_rows;
        written.extend(crate::charts::score_charts(
            dir,
            truth,
            z,
            plan.threshold,
            which,
            args.force,
        )?);
        report.plots = written.iter().map(|p| p.display().to_string()).collect();
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
            if plan.pipeline.impute.is_none() =>
        {
            CliError::failed(missing_message(&path.display().to_string(), row, &column))
        }
        Error::Preprocess(e @ PreprocessError::TooManyCategories { .. }) => {
            CliError::failed(format!(
                "{}: {}",
                path.display(),
                e.to_string().replace("max_categories", "--max-categories")
            ))
        }
        Error::Model(ModelError::NotBinary { count, classes }) => CliError::failed(format!(
            "{}: target column {:?} has {count} distinct values ({}); a fit in passes is binary \
             and needs exactly two (K-class models are fitted in memory)",
            path.display(),
            plan.target,
            classes.join(", ")
        )),
        Error::Model(ModelError::SingleClass { class }) => CliError::failed(format!(
            "{}: target column {:?} has only one class ({class}); a classifier needs at least \
             two",
            path.display(),
            plan.target
        )),
        other => about_file(other, path),
    }
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
    let hint = numeric_hint(first, plan);
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

/// Stratified folds need every class at least `folds` times among the training rows (and twice at
/// the very least): checked before any fit, naming the class.
fn check_folds(
    labels: &[ClassLabel],
    train_rows: Option<&[usize]>,
    folds: usize,
    path: &Path,
) -> CliResult<()> {
    let train: Vec<&ClassLabel> = match train_rows {
        Some(r) => r.iter().map(|&i| &labels[i]).collect(),
        None => labels.iter().collect(),
    };
    let mut counts: Vec<(&ClassLabel, usize)> = Vec::new();
    for l in train {
        match counts.iter_mut().find(|(c, _)| *c == l) {
            Some((_, n)) => *n += 1,
            None => counts.push((l, 1)),
        }
    }
    let Some(&(class, least)) = counts.iter().min_by_key(|(_, n)| *n) else {
        return Ok(());
    };
    let class = class.to_string();
    if least == 1 {
        return Err(CliError::failed(format!(
            "{}: --cv {folds}: class {class:?} has a single training row; stratified \
             cross-validation needs at least 2 rows of every class",
            path.display()
        )));
    }
    if folds > least {
        return Err(CliError::failed(format!(
            "{}: --cv {folds} is more than the smallest class count: class {class:?} has {least} \
             training rows, and every fold needs one of each class",
            path.display()
        )));
    }
    Ok(())
}

/// The path at the chosen ρ over its cross-validation grid, on every training row.
fn chosen_path(
    trained: &Trained,
    cv: &CvResult<ClassLabel>,
    train_rows: Option<&[usize]>,
) -> Result<RegularizationPath<ClassLabel>, logreg::Error> {
    let params = trained.classifier.model().params();
    let table = cv
        .paths
        .iter()
        .find(|p| p.l1_ratio == cv.best.l1_ratio)
        .unwrap_or(&cv.paths[0]);
    let cs: Vec<f64> = table.rows.iter().map(|r| r.c).collect();
    Ok(params.path(
        &trained.features.design,
        &trained.labels,
        &cs,
        PathOptions {
            rows: train_rows,
            sample_weight: trained.sample_weight.as_deref(),
            multi_class: params.multi_class(),
        },
    )?)
}

/// Columns that must be numeric are; no feature value is missing unless `--impute` fills it.
/// Both errors name the file, row, column and value.
fn check_numeric_and_complete(
    path: &Path,
    format: FileFormat,
    table: &Table,
    plan: &TrainPlan,
) -> CliResult<()> {
    let must_be_numeric = plan
        .pipeline
        .text_where_numbers_are_needed(table, &plan.outside());
    if !must_be_numeric.is_empty() {
        return Err(not_numeric_error(path, format, plan, &must_be_numeric));
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
    cv: Option<(&CvResult<ClassLabel>, &RegularizationPath<ClassLabel>)>,
    force: bool,
) -> CliResult<Vec<PathBuf>> {
    let clf = &trained.classifier;
    let design = &trained.features.design;
    crate::charts::create_dir(dir)?;
    let mut written = vec![loss_chart_file(clf, dir, force)?];

    if let Some((cv, reg_path)) = cv {
        let file = dir.join(PATH_SVG);
        write_text(&file, &path_chart(trained, cv, reg_path).to_svg()?, force)?;
        written.push(file);
        let file = dir.join(CV_SVG);
        write_text(&file, &cv_chart(cv).to_svg()?, force)?;
        written.push(file);
    }
    let Some(model) = clf.binary_model() else {
        return Ok(written);
    };

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

/// Writes the training loss chart; returns its file.
fn loss_chart_file(clf: &Classifier, dir: &Path, force: bool) -> CliResult<PathBuf> {
    let fit = clf.model().report();
    let loss = dir.join(LOSS_SVG);
    let svg = loss_chart(&fit.history)
        .title(format!("Training loss ({})", fit.solver.name()))
        .y_label("mean objective")
        .to_svg()?;
    write_text(&loss, &svg, force)?;
    Ok(loss)
}

/// Each coefficient against log₁₀ C along the path (one line per feature, and per class for a
/// K-class model), the chosen C marked.
fn path_chart(
    trained: &Trained,
    cv: &CvResult<ClassLabel>,
    reg_path: &RegularizationPath<ClassLabel>,
) -> Chart {
    let names = trained.classifier.feature_names();
    let classes = &reg_path.classes;
    let k = reg_path
        .points
        .first()
        .map_or(0, |p| p.coefficients.nrows());
    let mut chart = Chart::new(format!(
        "Regularization path (l1_ratio {})",
        reg_path.l1_ratio
    ))
    .x_label("log10(C)")
    .y_label("coefficient");
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    // A legend for the ten largest coefficients at the weakest penalty; the rest are unnamed.
    let mut sizes: Vec<(usize, usize, f64)> = Vec::new();
    if let Some(last) = reg_path.points.last() {
        for class in 0..k {
            for j in 0..names.len() {
                sizes.push((class, j, last.coefficients[(class, j)].abs()));
            }
        }
    }
    sizes.sort_by(|a, b| b.2.total_cmp(&a.2));
    let named: Vec<(usize, usize)> = sizes.iter().take(10).map(|&(c, j, _)| (c, j)).collect();
    for (class, class_label) in classes.iter().enumerate().take(k) {
        for (j, name) in names.iter().enumerate() {
            let pts: Vec<(f64, f64)> = reg_path
                .points
                .iter()
                .map(|p| (p.c.log10(), p.coefficients[(class, j)]))
                .collect();
            if pts.iter().all(|&(_, v)| v == 0.0) {
                continue;
            }
            for &(_, v) in &pts {
                lo = lo.min(v);
                hi = hi.max(v);
            }
            let label = if !named.contains(&(class, j)) {
                String::new()
            } else if k > 1 {
                format!("{name} ({class_label})")
            } else {
                name.clone()
            };
            chart = chart.line(label, &pts);
        }
    }
    let x = cv.best.c.log10();
    chart.reference_line(format!("chosen C = {:.4e}", cv.best.c), &[(x, lo), (x, hi)])
}

/// The mean cross-validation score against log₁₀ C, ± one standard deviation as bars, the chosen
/// C marked.
fn cv_chart(cv: &CvResult<ClassLabel>) -> Chart {
    let mut chart = Chart::new(format!("Cross-validation ({} folds)", cv.folds))
        .x_label("log10(C)")
        .y_label(cv.scoring.name());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for t in &cv.paths {
        let pts: Vec<(f64, f64)> = t.rows.iter().map(|r| (r.c.log10(), r.mean)).collect();
        let name = if cv.paths.len() > 1 {
            format!("mean score, l1_ratio {}", t.l1_ratio)
        } else {
            "mean score".to_string()
        };
        chart = chart.line(name, &pts);
        for r in &t.rows {
            let x = r.c.log10();
            lo = lo.min(r.mean - r.std);
            hi = hi.max(r.mean + r.std);
            chart = chart.reference_line("", &[(x, r.mean - r.std), (x, r.mean + r.std)]);
        }
    }
    let x = cv.best.c.log10();
    chart.reference_line(format!("chosen C = {:.4e}", cv.best.c), &[(x, lo), (x, hi)])
}
