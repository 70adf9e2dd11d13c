//! `logreg predict`: a CSV file of any size through a saved model, chunk by chunk.

use crate::args::PredictArgs;
use crate::error::{CliError, CliResult};
use crate::files::{about_file, check_writable, csv_field, load_model};
use crate::progress::Progress;
use logreg::model::{write_atomic, ModelKind};
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
        .predict_csv(&args.data, &keep, chunk_size)
        .map_err(|e| about_file(e, &args.data))?;
    // A binary model writes P(positive class) as `probability`; a K-class one `p_<class>` for each.
    let proba_columns: Option<Vec<String>> = (clf.model().kind() != ModelKind::Binary)
        .then(|| clf.classes().iter().map(|c| format!("p_{c}")).collect());
    let proba_columns = proba_columns.as_deref();
    match &args.output {
        None => write_all(chunks, args, proba_columns, quiet, stdout),
        Some(path) => {
            // Complete or absent: a failure partway leaves the old file (with --force) or none.
            let result = write_atomic(path, args.force, |w| {
                write_all(chunks, args, proba_columns, quiet, w)
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
    proba_columns: Option<&[String]>,
    quiet: bool,
    w: &mut dyn Write,
) -> CliResult<()> {
    let mut header = Vec::new();
    if let Some(id) = &args.id {
        header.push(csv_field(id).into_owned());
    }
    header.push("prediction".to_string());
    if args.proba {
        match proba_columns {
            None => header.push("probability".to_string()),
            Some(cols) => header.extend(cols.iter().map(|c| csv_field(c).into_owned())),
        }
    }
    writeln!(w, "{}", header.join(","))?;
    let mut progress = Progress::rows(quiet);
    let mut done: u64 = 0;
    let mut line = String::new();
    for chunk in chunks {
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
                if proba_columns.is_some() {
                    for v in chunk.probabilities.row(i).iter() {
                        line.push(',');
                        line.push_str(&format!("{v:?}"));
                    }
                } else {
                    line.push(',');
                    line.push_str(&format!("{p:?}"));
                }
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

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
