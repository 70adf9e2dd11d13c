//! `logreg predict`: a CSV or Parquet file of any size through a saved model, chunk by chunk,
//! to CSV (stdout or a file) or Parquet.

use crate::args::{format_of, PredictArgs};
use crate::error::{CliError, CliResult};
use crate::files::{about_file, check_writable, csv_field, load_model};
use crate::progress::Progress;
use logreg::model::{write_atomic, ModelKind};
use logreg::preprocess::parquet::{ParquetColumn, ParquetWriter};
use logreg::preprocess::FileFormat;
use logreg::{Classifier, PredictedChunk};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// Runs `predict`, writing to `--output` or to stdout.
pub(crate) fn run(args: &PredictArgs, quiet: bool, stdout: &mut dyn Write) -> CliResult<()> {
    // Checked now; applied only when given, since a K-class model has no threshold.
    crate::args::check_threshold(args.threshold)?;
    let threshold = args.threshold;
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
    let chunk_size = usize::try_from(args.chunk_size).unwrap_or(8192);
    // The model says what it reads: table columns from a CSV, or libsvm rows.
    let chunks: Box<dyn Iterator<Item = Result<PredictedChunk, logreg::Error>>> =
        if clf.reads_libsvm() {
            if let Some(id) = &args.id {
                return Err(CliError::usage(format!(
                    "--id {id}: this model reads libsvm rows, which have no named columns to copy"
                )));
            }
            Box::new(
                clf.predict_libsvm(&args.data, chunk_size)
                    .and_then(|c| match threshold {
                        Some(t) => c.with_threshold(t),
                        None => Ok(c),
                    })
                    .map_err(|e| about_file(e, &args.data))?,
            )
        } else {
            let keep: Vec<&str> = args.id.as_deref().into_iter().collect();
            Box::new(
                clf.predict_file(
                    &args.data,
                    format_of(&args.data, args.format)?,
                    &keep,
                    chunk_size,
                )
                .and_then(|c| match threshold {
                    Some(t) => c.with_threshold(t),
                    None => Ok(c),
                })
                .map_err(|e| about_file(e, &args.data))?,
            )
        };
    // A binary model writes P(positive class) as `probability`; a K-class one `p_<class>` for each.
    let proba_columns: Option<Vec<String>> = (clf.model().kind() != ModelKind::Binary)
        .then(|| clf.classes().iter().map(|c| format!("p_{c}")).collect());
    let proba_columns = proba_columns.as_deref();
    match &args.output {
        None => write_all(&clf, chunks, args, proba_columns, quiet, stdout),
        Some(path) => {
            let parquet = FileFormat::from_path(path) == FileFormat::Parquet;
            // Complete or absent: a failure partway leaves the old file (with --force) or none.
            let result = write_atomic(path, args.force, |w| {
                if parquet {
                    write_parquet(chunks, args, proba_columns, quiet, w)
                } else {
                    write_all(&clf, chunks, args, proba_columns, quiet, w)
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
    clf: &Classifier,
    chunks: impl Iterator<Item = Result<PredictedChunk, logreg::Error>>,
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
    if args.logit {
        header.push("logit".to_string());
    }
    writeln!(w, "{}", header.join(","))?;
    let mut progress = Progress::rows(quiet);
    let mut done: u64 = 0;
    // Each class written once as a CSV field; rows reuse one buffer per chunk.
    let classes = clf.classes();
    let fields: Vec<String> = classes
        .iter()
        .map(|c| csv_field(&c.to_string()).into_owned())
        .collect();
    let mut text = String::new();
    for chunk in chunks {
        logreg::scratch::check_interrupted().map_err(logreg::Error::from)?;
        let chunk = chunk.map_err(|e| about_file(e, &args.data))?;
        let ids = args.id.as_deref().and_then(|id| chunk.kept.column(id).ok());
        text.clear();
        for (i, ((label, p), z)) in chunk
            .labels
            .iter()
            .zip(&chunk.proba)
            .zip(&chunk.logits)
            .enumerate()
        {
            if let Some(col) = ids {
                text.push_str(&csv_field(&col.display_value(i).unwrap_or_default()));
                text.push(',');
            }
            let k = classes.iter().position(|c| c == label).unwrap_or(0);
            text.push_str(&fields[k]);
            if args.proba {
                if proba_columns.is_some() {
                    for v in chunk.probabilities.row(i).iter() {
                        text.push(',');
                        let _ = write!(text, "{v:?}");
                    }
                } else {
                    text.push(',');
                    // `{:?}` is the shortest text that reads back as the same f64.
                    let _ = write!(text, "{p:?}");
                }
            }
            if args.logit {
                text.push(',');
                let _ = write!(text, "{z:?}");
            }
            text.push('\n');
        }
        w.write_all(text.as_bytes())?;
        done += chunk.labels.len() as u64;
        progress.set(done);
    }
    progress.finish();
    w.flush()?;
    Ok(())
}

/// The predictions as Parquet: the `--id` column as text, `prediction` (the label as text) and
/// with `--proba` `probability` (f64; a K-class model: `p_<class>` for each class), one row
/// group per million rows.
fn write_parquet(
    chunks: impl Iterator<Item = Result<PredictedChunk, logreg::Error>>,
    args: &PredictArgs,
    proba_columns: Option<&[String]>,
    quiet: bool,
    w: &mut (dyn Write + Send),
) -> CliResult<()> {
    let columns =
        |ids: Vec<String>, labels: Vec<String>, proba: Vec<Vec<f64>>, logits: Vec<f64>| {
            let mut c: Vec<(&str, ParquetColumn)> = Vec::new();
            if let Some(id) = args.id.as_deref() {
                c.push((id, ParquetColumn::Utf8(ids)));
            }
            c.push(("prediction", ParquetColumn::Utf8(labels)));
            if args.proba {
                let names: Vec<&str> = match proba_columns {
                    None => vec!["probability"],
                    Some(cols) => cols.iter().map(String::as_str).collect(),
                };
                let mut proba = proba.into_iter();
                for name in names {
                    c.push((
                        name,
                        ParquetColumn::Float64(proba.next().unwrap_or_default()),
                    ));
                }
            }
            if args.logit {
                c.push(("logit", ParquetColumn::Float64(logits)));
            }
            c
        };
    let empty = columns(Vec::new(), Vec::new(), Vec::new(), Vec::new());
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
        // One column of probabilities per class (K-class), else P(positive class).
        let proba = match proba_columns {
            None => vec![chunk.proba],
            Some(_) => chunk
                .probabilities
                .column_iter()
                .map(|c| c.iter().copied().collect())
                .collect(),
        };
        done += chunk.labels.len() as u64;
        writer
            .write(&columns(ids, labels, proba, chunk.logits))
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
