//! Helpers shared by the distributed tests: bank rows as shard files, the pipeline and parameters,
//! running a job on in-process ranks, and comparing coefficients.

use logreg::collective::InProcess;
use logreg::distributed::{read_table_on_ranks, split_on_ranks, DataSource};
use logreg::evaluate::Split;
use logreg::model::{FitOptions, LogisticRegression, ValidParams};
use logreg::preprocess::parquet::{write_parquet, ParquetColumn};
use logreg::preprocess::{
    CsvOptions, FileFormat, ImputeStrategy, Imputer, OneHotEncoder, Pipeline, Ranks, Table,
};
use logreg::{Classifier, Evaluation, FitColumns, Trained};
use std::path::Path;

pub(crate) const BANK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/bank.csv");
pub(crate) const CATEGORICAL: [&str; 9] = [
    "job",
    "marital",
    "education",
    "default",
    "housing",
    "loan",
    "contact",
    "month",
    "poutcome",
];

pub(crate) fn pipeline() -> Pipeline {
    Pipeline::new()
        .step(Imputer::new(["balance"], ImputeStrategy::Median))
        .step(OneHotEncoder::new(CATEGORICAL).drop_first(true))
        .standardize_all()
}

pub(crate) fn params() -> ValidParams {
    LogisticRegression::params()
        .c(0.5)
        .tol(1e-12)
        .check()
        .unwrap()
}

/// `rows` data rows of bank.csv (a stride through the file, which is sorted by label), with a
/// few balances missing, as text.
pub(crate) fn bank_rows(rows: usize) -> (String, Vec<String>) {
    let text = std::fs::read_to_string(BANK).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let all: Vec<&str> = lines.collect();
    let body: Vec<String> = (0..rows)
        .map(|i| all[(i * 3671) % all.len()])
        .enumerate()
        .map(|(i, l)| {
            if i % 97 == 5 {
                // balance is the sixth field
                let mut f: Vec<&str> = l.split(',').collect();
                f[5] = "";
                f.join(",")
            } else {
                l.to_string()
            }
        })
        .collect();
    (header, body)
}

pub(crate) fn write(path: &Path, header: &str, rows: &[String]) {
    std::fs::write(path, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
}

/// This rank's rows of `source`, the single process's split of all the rows (`test_size`,
/// `seed`) as this rank's indices, and the classifier of `pipeline` and `params` fitted on every
/// rank's training rows, handed to `then` with the rank's view of the job.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fit_split_on_ranks<T>(
    rank: &InProcess,
    (source, format): (&DataSource, FileFormat),
    target: &str,
    columns: &FitColumns,
    pipeline: Pipeline,
    params: &ValidParams,
    (test_size, seed): (f64, u64),
    then: impl FnOnce(Trained, &Ranks<'_>, &Split) -> T,
) -> T {
    let mine = read_table_on_ranks(rank, source, format, &CsvOptions::new(), &[]).unwrap();
    let split = split_on_ranks(rank, mine.position(), test_size, seed, None).unwrap();
    let ranks = Ranks::new(rank).with_origins(&mine.origins);
    let trained = Classifier::fit_on_ranks(
        mine.table,
        target,
        columns,
        pipeline,
        params,
        FitOptions {
            rows: Some(&split.train),
            ..FitOptions::default()
        },
        &ranks,
    )
    .unwrap();
    then(trained, &ranks, &split)
}

/// What one rank ends with: the model's JSON and the train and test metrics.
pub(crate) fn train_on_ranks(
    rank: &InProcess,
    source: &DataSource,
    format: FileFormat,
) -> (String, Evaluation, Evaluation) {
    let (columns, params) = (FitColumns::default(), params());
    fit_split_on_ranks(
        rank,
        (source, format),
        "deposit",
        &columns,
        pipeline(),
        &params,
        (0.2, 7),
        |trained, ranks, split| {
            let train = trained
                .evaluate_on_ranks(ranks, Some(&split.train), 0.5)
                .unwrap();
            let test = trained
                .evaluate_on_ranks(ranks, Some(&split.test), 0.5)
                .unwrap();
            (trained.classifier.to_json().unwrap(), train, test)
        },
    )
}

/// max |a − b| / max |b|: agreement relative to the size of the coefficients.
pub(crate) fn relative_gap(a: &[f64], b: &[f64]) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

pub(crate) fn on_ranks<T: Send>(size: usize, work: impl Fn(&InProcess) -> T + Sync) -> Vec<T> {
    InProcess::run(size, work).unwrap()
}

/// `table` as a Parquet file: numbers as doubles (a missing one as NaN, which reads back
/// missing), text as strings (a missing one as null).
pub(crate) fn write_parquet_table(path: &Path, table: &Table) {
    let columns: Vec<(String, ParquetColumn)> = table
        .column_names()
        .iter()
        .map(|name| {
            let column = table.column(name).unwrap();
            let values = match column.as_numeric() {
                Some(v) => {
                    ParquetColumn::Float64(v.iter().map(|x| x.unwrap_or(f64::NAN)).collect())
                }
                None => ParquetColumn::Utf8Nullable(
                    (0..table.n_rows())
                        .map(|i| column.display_value(i))
                        .collect(),
                ),
            };
            (name.clone(), values)
        })
        .collect();
    let named: Vec<(&str, ParquetColumn)> = columns
        .iter()
        .map(|(n, c)| (n.as_str(), c.clone()))
        .collect();
    write_parquet(path, &named).unwrap();
}

/// A claims-like table: two features, a weight column, an offset column (log exposure), a 0/1
/// label; deterministic, no randomness crate needed.
pub(crate) fn weighted_rows(n: usize) -> (String, Vec<String>) {
    let rows = (0..n)
        .map(|i| {
            // Different multipliers per column, so the columns are not shifts of one sequence.
            let u = |k: usize| {
                ((i * [7919, 104_729, 15_485_863, 32_452_843][k - 1] + 17 * k) % 1009) as f64
                    / 1009.0
            };
            let (x1, x2) = (u(1) * 4.0 - 2.0, u(2) * 2.0 - 1.0);
            let w = 1 + (i * 31) % 4;
            let o = (0.2 + u(3)).ln();
            let z = 0.8 * x1 - 1.1 * x2 + o + 0.3;
            let y = u(4) < 1.0 / (1.0 + (-z).exp());
            format!("{x1},{x2},{w},{o},{}", u8::from(y))
        })
        .collect();
    ("x1,x2,w,o,y".to_string(), rows)
}
