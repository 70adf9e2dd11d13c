//! `logreg train`: read, split, build the pipeline the flags describe, fit, report, save, plot.
//!
//! `run` is the whole command; reading the data file and checking its columns is in `read`, a fit
//! in passes (`--memory-limit`) in `passes`, the checks and path of `--cv` in `cv`, the charts
//! of `--plot` in `plots`.

mod cv;
mod passes;
mod plots;
mod read;

use crate::args::{fit_request, FormatArg, TrainArgs};
use crate::checks::check_classes;
use crate::error::{CliError, CliResult};
use crate::files::{about_file, bundled, check_writable, load_model, write_text};
use crate::progress::Progress;
use crate::report::{
    AnyMetrics, Coefficients, CvInfo, DataInfo, Intercepts, Metrics, ModeInfo, MulticlassMetrics,
    PathInfo, PathPointInfo, Report, SplitInfo, StatisticsFields,
};
use crate::Out;
use cv::{check_folds, chosen_path};
use logreg::evaluate::{stratified_train_test_split, train_test_split};
use logreg::model::{sorted_classes, CvOptions, ModelKind};
use logreg::passes::{choose_mode, FitMode};
use logreg::preprocess::{read_libsvm, FileFormat, LibsvmData, Pipeline, PreprocessError, Table};
use logreg::{labels_of, ClassLabel, Classifier};
use passes::train_in_passes;
use plots::{plot, BOUNDARY_SVG, CV_SVG, LOSS_SVG, PATH_SVG};
use read::{build_pipeline, check_numeric_and_complete, open_file, read_columns, read_table};

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
    let (opts, columns) = fit_request(args, &plan, train_rows, warm_start.as_ref(), &mut progress);
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
