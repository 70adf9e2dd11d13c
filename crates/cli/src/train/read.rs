//! Reading `train`'s data file: the table (or its schema, for a fit in passes) with the columns
//! the flags name checked, and the pipeline the flags describe for it.

use crate::args::TrainPlan;
use crate::checks::{
    check_flag_columns, csv_options, first_missing, missing_message, numeric_hint,
};
use crate::error::{CliError, CliResult};
use crate::files::about_file;
use logreg::preprocess::{
    read_csv, Column, ColumnType, CsvOptions, FileFormat, Pipeline, PreprocessError, Schema, Table,
    TableFile,
};
use logreg::Error;
use std::path::Path;

/// Reads the CSV, with the `--one-hot` columns read as categories even if they hold numbers.
pub(super) fn read_table(path: &Path, plan: &TrainPlan) -> CliResult<Table> {
    let table = read_csv(path, &csv_options(plan)).map_err(|e| match e {
        PreprocessError::ColumnNotFound { .. } => in_flag(path, "--one-hot", e),
        other => about_file(other.into(), path),
    })?;
    check_flag_columns(table.column_names(), plan, &path.display().to_string())?;
    Ok(table)
}

/// `--flag: error`, about the file.
pub(super) fn in_flag(path: &Path, flag: &str, e: impl std::fmt::Display) -> CliError {
    CliError::failed(format!("{}: {flag}: {e}", path.display()))
}

/// Opens the data file (its header and column types, or its footer) and checks the columns the
/// flags name are there.
pub(super) fn open_file(path: &Path, format: FileFormat, plan: &TrainPlan) -> CliResult<TableFile> {
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
pub(super) fn read_columns(file: &TableFile, plan: &TrainPlan) -> Vec<String> {
    file.header()
        .iter()
        .filter(|c| !plan.pipeline.drop.contains(c))
        .cloned()
        .collect()
}

/// A table with `schema`'s columns and no rows: what the pipeline description needs (names and
/// types) when the rows are read later, in passes.
pub(super) fn schema_table(schema: &Schema) -> Result<Table, Error> {
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
pub(super) fn build_pipeline(plan: &TrainPlan, table: &Table) -> Pipeline {
    let mut spec = plan.pipeline.clone();
    spec.drop.retain(|c| table.contains(c));
    spec.build(table, &plan.outside())
}

/// The error for columns that must be numeric and are not: reading them as numbers makes the
/// reader name the first cell that is not one, then a hint.
pub(super) fn not_numeric_error(
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

/// Columns that must be numeric are; no feature value is missing unless `--impute` fills it.
/// Both errors name the file, row, column and value.
pub(super) fn check_numeric_and_complete(
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
