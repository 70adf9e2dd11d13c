//! `logreg train --distributed`: the same training, on the ranks of an MPI job. Each rank reads
//! only its rows (shard files, or a run of one file's rows), the pipeline and the model learn
//! from every rank's rows through the library's distributed calls, and rank 0 alone writes the
//! model and prints the report. Every check that one rank makes of its own rows is agreed on, so
//! a problem on any rank is the same error on every rank and the job ends at once.

use crate::args::{fit_request, FormatArg, TrainArgs, TrainPlan};
use crate::checks::{
    check_classes, check_flag_columns, csv_options, first_missing, missing_message, numeric_hint,
};
use crate::error::{CliError, CliResult};
use crate::files::{bundled, check_writable, load_model, write_text};
use crate::progress::Progress;
use crate::report::{
    AnyMetrics, DataInfo, Metrics, MulticlassMetrics, Report, SplitInfo, StatisticsFields,
};
use crate::Out;
use logreg::collective::{agree, allreduce_counts, init_distributed, Collective};
use logreg::distributed::{
    agreed, read_libsvm_on_ranks, read_table_on_ranks, split_on_ranks, DataSource, LocalLibsvm,
    LocalRows,
};
use logreg::model::{classes_on_ranks, ModelKind};
use logreg::preprocess::{
    ColumnType, CsvOptions, FileFormat, Pipeline, PreprocessError, Ranks, RowOrigins,
};
use logreg::{labels_of, ClassLabel, Classifier};
use std::io::Write;

/// Runs `train --distributed`: opens the MPI job, trains, and closes it.
pub(crate) fn train(args: &TrainArgs, quiet: bool, out: &mut Out) -> CliResult<()> {
    let plan = crate::args::plan_train(args)?;
    let world = init_distributed().map_err(|e| CliError::usage(format!("--distributed: {e}")))?;
    let result = run(args, &plan, quiet, &*world, out);
    // Every rank prints its error before the ranks meet to end the job (dropping `world`):
    // mpirun kills the other ranks as soon as one exits with an error, so a rank that printed
    // only after the meeting could be killed before its line is out.
    let result = result.map_err(|e| {
        if e.broken_pipe {
            return e;
        }
        // One write for the whole line (lines written in pieces interleave across ranks).
        let line = format!("error: {}\n", e.line());
        let _ = std::io::stderr().write_all(line.as_bytes());
        e.reported()
    });
    drop(world);
    result
}

/// What this rank fits on: its table and the pipeline the flags describe, or its libsvm rows.
enum Input {
    Table(LocalRows, Pipeline),
    Libsvm(LocalLibsvm),
}

/// This rank's own outcome made every rank's: `Ok` everywhere, or everywhere the error of the
/// lowest failing rank (its message names the rank).
fn agreed_cli<T>(world: &dyn Collective, outcome: CliResult<T>) -> CliResult<T> {
    if world.size() == 1 {
        return outcome;
    }
    agree(world, outcome.map_err(|e| e.message)).map_err(|e| CliError::failed(e.to_string()))
}

fn run(
    args: &TrainArgs,
    plan: &TrainPlan,
    quiet: bool,
    world: &dyn Collective,
    out: &mut Out,
) -> CliResult<()> {
    let source = match &plan.data {
        Some(first) => DataSource::from_args(
            std::iter::once(first)
                .chain(&args.more_data)
                .map(|p| p.display().to_string()),
        ),
        None => DataSource::RowsOf(bundled("banknote.csv")?),
    };
    let data = source.to_string();
    // Rank 0 writes; it refuses to overwrite before anyone spends time on a fit.
    let writable = match &args.out {
        Some(model) if world.is_root() => check_writable(model, args.force, "--out"),
        _ => Ok(()),
    };
    agreed_cli(world, writable)?;
    // Every rank reads the warm-start model (the same file, so the same outcome everywhere).
    let warm_start = match &args.warm_start {
        Some(p) => Some(agreed_cli(
            world,
            load_model(p).map_err(|e| e.context("--warm-start")),
        )?),
        None => None,
    };

    // This rank's rows, and what a fit on them needs: a table with its pipeline, or libsvm rows.
    let (input, labels, classes, position, n_cols) = if plan.format == FormatArg::Libsvm {
        let local = read_libsvm_on_ranks(world, &source, None)?;
        let labels: Vec<ClassLabel> = local
            .labels
            .iter()
            .map(|&v| ClassLabel::Number(v))
            .collect();
        let classes = classes_on_ranks(world, &labels).map_err(logreg::Error::from)?;
        let (position, n_cols) = (local.position(), local.design.n_cols() + 1);
        (Input::Libsvm(local), labels, classes, position, n_cols)
    } else {
        let options = csv_options(plan);
        let format = match plan.format {
            FormatArg::Parquet => FileFormat::Parquet,
            _ => FileFormat::Csv,
        };
        // Parquet files never decode the dropped columns, as on one machine.
        let local = read_table_on_ranks(world, &source, format, &options, &plan.pipeline.drop)
            .map_err(|e| match e {
                logreg::Error::Preprocess(PreprocessError::ColumnNotFound { .. }) => {
                    CliError::failed(format!("{data}: --one-hot: {e}"))
                }
                other => CliError::from(other),
            })?;
        // Every rank has the same columns and types: these checks agree without talking.
        check_flag_columns(&local.header, plan, &data)?;
        let labels = agreed(world, &local.origins, labels_of(&local.table, &plan.target))?;
        let classes = classes_on_ranks(world, &labels).map_err(logreg::Error::from)?;
        check_numeric_and_complete(world, &local, plan, &data)?;
        let mut spec = plan.pipeline.clone();
        spec.drop.retain(|c| local.table.contains(c));
        let pipeline = spec.build(&local.table, &plan.outside());
        let (position, n_cols) = (local.position(), local.table.n_cols());
        (
            Input::Table(local, pipeline),
            labels,
            classes,
            position,
            n_cols,
        )
    };
    check_classes(&classes, args, plan, &data)?;

    let split = if args.test_size > 0.0 {
        let codes: Option<Vec<usize>> = args.stratify.then(|| {
            labels
                .iter()
                .map(|l| classes.iter().position(|c| c == l).unwrap_or(0))
                .collect()
        });
        let flag = if args.stratify {
            "--stratify"
        } else {
            "--test-size"
        };
        Some(
            split_on_ranks(world, position, args.test_size, args.seed, codes.as_deref())
                .map_err(|e| CliError::from(e).context(flag))?,
        )
    } else {
        None
    };
    drop(labels);
    let train_rows = split.as_ref().map(|s| s.train.as_slice());
    let test_rows = split.as_ref().map(|s| s.test.as_slice());
    let mut counts = [
        train_rows.map_or(position.rows, <[usize]>::len),
        test_rows.map_or(0, <[usize]>::len),
    ];
    allreduce_counts(world, &mut counts).map_err(logreg::Error::from)?;

    let no_origins = RowOrigins::new();
    let origins = match &input {
        Input::Table(local, _) => local.origins.clone(),
        Input::Libsvm(_) => no_origins,
    };
    let ranks = Ranks::new(world).with_origins(&origins);
    let mut progress = Progress::fit(quiet || !world.is_root());
    let (opts, columns) = fit_request(args, plan, train_rows, warm_start.as_ref(), &mut progress);
    let fitted = match input {
        Input::Table(local, pipeline) => Classifier::fit_on_ranks(
            local.table,
            &plan.target,
            &columns,
            pipeline,
            &plan.params,
            opts,
            &ranks,
        ),
        Input::Libsvm(local) => Classifier::fit_libsvm_on_ranks(local, &plan.params, opts, world),
    };
    progress.finish();
    let trained = fitted.map_err(|e| {
        let e = about_data(e, &data);
        if warm_start.is_some() && e.message.contains("warm-start") {
            e.context("--warm-start")
        } else {
            e
        }
    })?;
    let clf = &trained.classifier;
    let threshold = plan.threshold;
    let binary = clf.model().kind() == ModelKind::Binary;
    let evaluate = |rows: Option<&[usize]>| -> CliResult<AnyMetrics> {
        Ok(if binary {
            AnyMetrics::Binary(Metrics::from(
                &trained.evaluate_on_ranks(&ranks, rows, threshold)?,
            ))
        } else {
            AnyMetrics::Multiclass(MulticlassMetrics::from(
                &trained.evaluate_multiclass_on_ranks(&ranks, rows)?,
            ))
        })
    };
    let train_eval = evaluate(train_rows)?;
    let test_eval = match test_rows {
        Some(rows) => Some(evaluate(Some(rows))?),
        None => None,
    };
    let total = position.total;

    let mut report = Report::of_model("train", clf);
    report.data = Some(DataInfo {
        path: data.clone(),
        rows: total,
        columns: n_cols,
    });
    report.ranks = Some(world.size());
    report.split = Some(SplitInfo {
        test_size: args.test_size,
        seed: args.seed,
        stratified: args.stratify && split.is_some(),
        train_rows: counts[0],
        test_rows: counts[1],
    });
    report.train = Some(train_eval);
    report.test = test_eval;
    if binary {
        report.threshold = Some(threshold);
    }
    report.statistics = Some(StatisticsFields::of(clf));

    // Rank 0 writes the model; whether it could is every rank's outcome.
    let written = match &args.out {
        Some(model) if world.is_root() => clf
            .to_json()
            .map_err(CliError::from)
            .and_then(|json| write_text(model, &json, args.force)),
        _ => Ok(()),
    };
    agreed_cli(world, written)?;
    if let Some(model) = &args.out {
        report.model_file = Some(model.display().to_string());
    }
    if !world.is_root() {
        return Ok(());
    }
    if args.json {
        out.line(&report.to_json())
    } else {
        out.text(&report.to_text())
    }
}

/// An error of the fit, with the data in front unless it already names a rank (and its file).
fn about_data(e: logreg::Error, data: &str) -> CliError {
    use logreg::model::ModelError;
    match &e {
        logreg::Error::Collective(_)
        | logreg::Error::Preprocess(PreprocessError::Collective(_))
        | logreg::Error::Model(ModelError::Collective(_)) => CliError::from(e),
        _ => CliError::failed(format!("{data}: {e}")),
    }
}

/// Columns that must be numeric are (the rank holding the first cell that is not a number names
/// its file and row); no feature value is missing unless `--impute` fills it (likewise).
fn check_numeric_and_complete(
    world: &dyn Collective,
    local: &LocalRows,
    plan: &TrainPlan,
    data: &str,
) -> CliResult<()> {
    let numeric = plan
        .pipeline
        .text_where_numbers_are_needed(&local.table, &plan.outside());
    if let Some(first) = numeric.first() {
        let hint = numeric_hint(first, plan);
        let mut options = CsvOptions::new();
        for c in &numeric {
            options = options.column_type(c.to_string(), ColumnType::Numeric);
        }
        return Err(match local.reread(world, &options) {
            Err(e) => CliError::failed(format!("{e}; {hint}")),
            Ok(_) => CliError::failed(format!("{data}: column {first:?} is not numeric; {hint}")),
        });
    }
    let missing = match first_missing(&local.table, plan) {
        Ok(Some((row, column))) => {
            let message = match local.origins.locate(row) {
                Some((path, file_row)) => {
                    missing_message(&path.display().to_string(), file_row, &column)
                }
                None => missing_message(data, row + 1, &column),
            };
            Err(CliError::failed(message))
        }
        Ok(None) => Ok(()),
        Err(e) => Err(CliError::failed(local.origins.describe(&e))),
    };
    agreed_cli(world, missing)
}
