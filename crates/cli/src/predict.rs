//! `logreg predict`: a CSV or Parquet file of any size through a saved model, chunk by chunk,
//! to CSV (stdout or a file) or Parquet.

use crate::args::{format_of, PredictArgs};
use crate::error::{CliError, CliResult};
use crate::files::{about_file, check_writable, csv_field, load_model};
use crate::progress::Progress;
use logreg::model::write_atomic;
use logreg::preprocess::parquet::{ParquetColumn, ParquetWriter};
use logreg::preprocess::FileFormat;
use std::io::Write;
use std::path::Path;

/// Runs `predict`, writing to `--output` or to stdout.
pub fn run(args: &PredictArgs, quiet: bool, stdout: &mut dyn Write) -> CliResult<()> {
    if let Some(path) = &args.output {
        check_writable(path, args.force, "--output")?;
        if same_file(path, &args.data) {
            return Err(CliError::failed(format!(
                "--output {} is the input file; choose another output",
                path.display()
            )));
        }
    }
    let clf = load_model(&args.model)?;
    let keep: Vec<&str> = args.id.as_deref().into_iter().collect();
    let chunk_size = usize::try_from(args.chunk_size).unwrap_or(8192);
    let chunks = clf
        .predict_file(
            &args.data,
            format_of(&args.data, args.format),
            &keep,
            chunk_size,
        )
        .map_err(|e| about_file(e, &args.data))?;
    match &args.output {
        None => write_all(chunks, args, quiet, stdout),
        Some(path) => {
            let parquet = FileFormat::from_path(path) == FileFormat::Parquet;
            // Complete or absent: a failure partway leaves the old file (with --force) or none.
            let result = write_atomic(path, args.force, |w| {
                if parquet {
                    write_parquet(chunks, args, quiet, w)
                } else {
                    write_all(chunks, args, quiet, w)
                }
            });
            result.map_err(|e| {
                if e.broken_pipe {
                    e
                } else {
                    CliError {
                        message: e.message.replace(
                            "cannot write output",
                            &format!("cannot write {}", path.display()),
                        ),
                        ..e
                    }
                }
            })
        }
    }
}

fn write_all(
    chunks: logreg::CsvPredictions<'_>,
    args: &PredictArgs,
    quiet: bool,
    w: &mut dyn Write,
) -> CliResult<()> {
    let mut header = Vec::new();
    if let Some(id) = &args.id {
        header.push(csv_field(id).into_owned());
    }
    header.push("prediction".to_string());
    if args.proba {
        header.push("probability".to_string());
    }
    writeln!(w, "{}", header.join(","))?;
    let mut progress = Progress::rows(quiet);
    let mut done: u64 = 0;
    let mut line = String::new();
    for chunk in chunks {
        logreg::scratch::check_interrupted().map_err(logreg::Error::from)?;
        let chunk = chunk.map_err(|e| about_file(e, &args.data))?;
        let ids = args.id.as_deref().and_then(|id| chunk.kept.column(id).ok());
        for (i, (label, p)) in chunk.labels.iter().zip(&chunk.proba).enumerate() {
            line.clear();
            if let Some(col) = ids {
                line.push_str(&csv_field(&col.display_value(i).unwrap_or_default()));
                line.push(',');
            }
            line.push_str(&csv_field(&label.to_string()));
            if args.proba {
                line.push(',');
                line.push_str(&format!("{p:?}"));
            }
            line.push('\n');
            w.write_all(line.as_bytes())?;
        }
        done += chunk.labels.len() as u64;
        progress.set(done);
    }
    progress.finish();
    w.flush()?;
    Ok(())
}

/// The predictions as Parquet: the `--id` column as text, `prediction` (the label as text) and
/// with `--proba` `probability` (f64), one row group per million rows.
fn write_parquet(
    chunks: logreg::CsvPredictions<'_>,
    args: &PredictArgs,
    quiet: bool,
    w: &mut (dyn Write + Send),
) -> CliResult<()> {
    let columns = |ids: Vec<String>, labels: Vec<String>, proba: Vec<f64>| {
        let mut c: Vec<(&str, ParquetColumn)> = Vec::new();
        if let Some(id) = args.id.as_deref() {
            c.push((id, ParquetColumn::Utf8(ids)));
        }
        c.push(("prediction", ParquetColumn::Utf8(labels)));
        if args.proba {
            c.push(("probability", ParquetColumn::Float64(proba)));
        }
        c
    };
    let empty = columns(Vec::new(), Vec::new(), Vec::new());
    let shape: Vec<(&str, &ParquetColumn)> = empty.iter().map(|(n, c)| (*n, c)).collect();
    let mut writer = ParquetWriter::new(w, &shape)
        .map_err(|e| CliError::failed(format!("cannot write output: {e}")))?;
    let mut progress = Progress::rows(quiet);
    let mut done: u64 = 0;
    for chunk in chunks {
        logreg::scratch::check_interrupted().map_err(logreg::Error::from)?;
        let chunk = chunk.map_err(|e| about_file(e, &args.data))?;
        let ids: Vec<String> = match args.id.as_deref().and_then(|id| chunk.kept.column(id).ok()) {
            Some(col) => (0..chunk.labels.len())
                .map(|i| col.display_value(i).unwrap_or_default())
                .collect(),
            None => Vec::new(),
        };
        let labels = chunk.labels.iter().map(ToString::to_string).collect();
        done += chunk.labels.len() as u64;
        writer
            .write(&columns(ids, labels, chunk.proba))
            .map_err(|e| CliError::failed(format!("cannot write output: {e}")))?;
        progress.set(done);
    }
    progress.finish();
    writer
        .finish()
        .map_err(|e| CliError::failed(format!("cannot write output: {e}")))?;
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
