//! `train` in passes (`--memory-limit`): the design written to a scratch file and fitted block by
//! block.

use super::plots::loss_chart_file;
use super::read::{build_pipeline, not_numeric_error, read_columns, schema_table};
use crate::args::{TrainArgs, TrainPlan};
use crate::checks::missing_message;
use crate::error::{CliError, CliResult};
use crate::files::{about_file, write_text};
use crate::progress::Progress;
use crate::report::{AnyMetrics, DataInfo, Metrics, ModeInfo, Report, SplitInfo, StatisticsFields};
use crate::Out;
use logreg::model::ModelError;
use logreg::passes::PassOptions;
use logreg::preprocess::{ColumnType, PreprocessError, TableFile};
use logreg::{ClassLabel, Classifier, Error};
use std::path::Path;

/// `train` in passes: the file is read in chunks (the dropped columns not at all), the design
/// written to a scratch file and fitted block by block within `memory_limit`.
#[allow(clippy::too_many_arguments)]
pub(super) fn train_in_passes(
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
pub(super) fn passes_error(e: Error, path: &Path, plan: &TrainPlan) -> CliError {
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
