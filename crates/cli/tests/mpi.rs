//! `logreg train --distributed` under `mpirun` with 1, 2 and 3 ranks (oversubscribed where cores
//! are fewer), against the single-process `logreg train` of the same rows: the same model
//! (coefficients within 1e-10 relative), the same split and metrics, one report and one model
//! file from rank 0, from CSV or Parquet shards; the same model file for L1 and for a
//! multinomial and a one-vs-rest model (iris, whose classes are sorted, so on 3 ranks each rank
//! holds one class); and each bad-input case ends the job
//! fast, every rank printing the same error. Needs the `mpi` feature and an MPI launcher (`mpirun`, or `$LOGREG_MPIRUN`); every job
//! runs under a deadline, so a hang is a failure, never a stuck CI.

use logreg::collective::launch::{Job, Launcher};
use logreg::preprocess::parquet::{write_parquet, ParquetColumn};
use logreg::preprocess::{read_csv, ColumnType, CsvOptions, Table};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_logreg");
const BANK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/bank.csv");
const CLAIMS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/claims.csv");
const IRIS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/iris.csv");
/// The statistics flags on claims.csv: weights, an offset, robust errors, a threshold.
const CLAIMS_FLAGS: [&str; 14] = [
    "--target",
    "claim",
    "--sample-weight",
    "policies",
    "--offset",
    "log_exposure",
    "--penalty",
    "none",
    "--cov-type",
    "hc1",
    "--threshold",
    "0.3",
    "--tol",
    "1e-12",
];
/// A job that has not ended by then has hung.
const DEADLINE: Duration = Duration::from_secs(120);
/// A job with a failing rank must end within this.
const FAIL_FAST: Duration = Duration::from_secs(30);
/// The flags of every training run here, single-process or not.
const FLAGS: [&str; 10] = [
    "--target",
    "deposit",
    "--one-hot",
    "auto",
    "--drop-first",
    "--standardize",
    "--c",
    "0.5",
    "--tol",
    "1e-12",
];

/// bank.csv's rows in a stride through the file (it is sorted by label): the whole as one file
/// and five shards of uneven sizes, plus broken copies for the error cases.
fn write_data(dir: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(BANK).map_err(|e| format!("{BANK}: {e}"))?;
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let all: Vec<&str> = lines.collect();
    let rows: Vec<&str> = (0..all.len())
        .map(|i| all[(i * 3671) % all.len()])
        .collect();
    let write = |name: &str, head: &str, rows: &[&str]| {
        std::fs::write(dir.join(name), format!("{head}\n{}\n", rows.join("\n")))
            .map_err(|e| format!("{name}: {e}"))
    };
    write("whole.csv", header, &rows)?;
    let cuts = [0, 1500, 4000, 6500, 9000, rows.len()];
    for k in 0..5 {
        write(
            &format!("part-{k:05}.csv"),
            header,
            &rows[cuts[k]..cuts[k + 1]],
        )?;
    }
    write(
        "renamed.csv",
        &header.replace("deposit", "outcome"),
        &rows[..100],
    )?;
    let mut ragged: Vec<String> = rows[..100].iter().map(|r| r.to_string()).collect();
    ragged[41].push_str(",extra");
    let ragged: Vec<&str> = ragged.iter().map(String::as_str).collect();
    write("ragged.csv", header, &ragged)?;
    // The same rows as Parquet: the whole, and the shards with the whole file's column types.
    let whole = read_csv(dir.join("whole.csv"), &CsvOptions::new()).map_err(|e| e.to_string())?;
    write_parquet_table(&dir.join("whole.parquet"), &whole)?;
    let typed = CsvOptions::new().with_schema(&whole.schema());
    for k in 0..5 {
        let part =
            read_csv(dir.join(format!("part-{k:05}.csv")), &typed).map_err(|e| e.to_string())?;
        write_parquet_table(&dir.join(format!("part-{k:05}.parquet")), &part)?;
    }
    // A shard whose `age` holds text.
    let retyped = read_csv(
        dir.join("part-00004.csv"),
        &typed.column_type("age", ColumnType::Categorical),
    )
    .map_err(|e| e.to_string())?;
    write_parquet_table(&dir.join("retyped.parquet"), &retyped)
}

/// `table` as a Parquet file: numbers as doubles (a missing one as NaN, which reads back
/// missing), text as strings (a missing one as null).
fn write_parquet_table(path: &Path, table: &Table) -> Result<(), String> {
    let columns: Vec<(String, ParquetColumn)> = table
        .column_names()
        .iter()
        .map(|name| {
            let column = table.column(name).map_err(|e| e.to_string())?;
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
            Ok((name.clone(), values))
        })
        .collect::<Result<_, String>>()?;
    let named: Vec<(&str, ParquetColumn)> = columns
        .iter()
        .map(|(n, c)| (n.as_str(), c.clone()))
        .collect();
    write_parquet(path, &named).map_err(|e| format!("{}: {e}", path.display()))
}

fn shard(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

fn args(data: &[String], extra: &[&str]) -> Vec<String> {
    let mut a = vec!["train".to_string()];
    a.extend(data.iter().cloned());
    a.extend(FLAGS.iter().chain(extra).map(|s| s.to_string()));
    a
}

/// The report JSON of a job's rank 0 (the only stdout line of a distributed run).
fn report(job: &Job) -> Result<Value, String> {
    if job.status != Some(0) {
        return Err(format!("the job failed: {}", job.describe()));
    }
    let lines: Vec<&str> = job
        .stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    match lines.as_slice() {
        [one] => serde_json::from_str(one).map_err(|e| format!("not JSON ({e}): {one}")),
        _ => Err(format!(
            "expected one report line (rank 0's), got {}: {}",
            lines.len(),
            job.describe()
        )),
    }
}

fn numbers(v: &Value) -> Vec<f64> {
    let mut out: Vec<f64> = v["coefficients"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    out.extend(v["intercept"].as_f64());
    out
}

/// The coefficients on ranks `b` agree with the single process's `a` within 1e-10 relative
/// (to the largest of `a`), and the same ones are exactly 0.
fn same_coefficients(a: &[f64], b: &[f64], what: &str) -> Result<(), String> {
    if a.is_empty() || a.len() != b.len() {
        return Err(format!(
            "{what}: {} coefficients, expected {}",
            b.len(),
            a.len()
        ));
    }
    let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let gap = a
        .iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale;
    if gap > 1e-10 {
        return Err(format!("{what}: coefficients differ by {gap:e} relative"));
    }
    if a.iter().zip(b).any(|(x, y)| (*x == 0.0) != (*y == 0.0)) {
        return Err(format!("{what}: other coefficients are 0 on ranks"));
    }
    Ok(())
}

/// The report of `logreg ARGS` run as one process.
fn single_report(args: &[String]) -> Result<Value, String> {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {BIN}: {e}"))?;
    report(&Job {
        status: out.status.code(),
        elapsed: Duration::ZERO,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// The distributed report agrees with the single-process one.
fn same_fit(single: &Value, dist: &Value, what: &str) -> Result<(), String> {
    same_coefficients(&numbers(single), &numbers(dist), what)?;
    for key in ["features", "classes", "split"] {
        if single[key] != dist[key] {
            return Err(format!("{what}: {key} {} vs {}", dist[key], single[key]));
        }
    }
    for set in ["train", "test"] {
        if single[set]["confusion"] != dist[set]["confusion"] {
            return Err(format!("{what}: {set} confusion differs"));
        }
        let (x, y) = (&single[set]["roc_auc"], &dist[set]["roc_auc"]);
        if (x.as_f64().unwrap_or(0.0) - y.as_f64().unwrap_or(1.0)).abs() > 1e-12 {
            return Err(format!("{what}: {set} ROC AUC {y} vs {x}"));
        }
    }
    Ok(())
}

fn case_fits(mpi: &Launcher, dir: &Path, single: &Value, size: usize) -> Result<(), String> {
    let out = dir.join(format!("model-{size}.json"));
    let out_arg = out.display().to_string();
    let pattern = vec![shard(dir, "part-*.csv")];
    let job = mpi.run(
        size,
        Path::new(BIN),
        &args(&pattern, &["--distributed", "--json", "--out", &out_arg]),
        DEADLINE,
    )?;
    let dist = report(&job)?;
    same_fit(single, &dist, &format!("{size} ranks, shards"))?;
    if dist["ranks"] != size {
        return Err(format!("the report says {} ranks", dist["ranks"]));
    }
    let saved = std::fs::read_to_string(&out).map_err(|e| format!("the model file: {e}"))?;
    if !saved.contains("logreg_classifier") {
        return Err("the model file is not a classifier".into());
    }
    // The same rows as Parquet shards, against one process reading the whole Parquet file.
    let single_parquet = single_report(&args(&[shard(dir, "whole.parquet")], &["--json"]))?;
    same_fit(single, &single_parquet, "one process, Parquet against CSV")?;
    let job = mpi.run(
        size,
        Path::new(BIN),
        &args(
            &[shard(dir, "part-*.parquet")],
            &["--distributed", "--json"],
        ),
        DEADLINE,
    )?;
    same_fit(
        &single_parquet,
        &report(&job)?,
        &format!("{size} ranks, Parquet shards"),
    )?;
    if size > 1 {
        let whole = vec![shard(dir, "whole.csv")];
        let job = mpi.run(
            size,
            Path::new(BIN),
            &args(&whole, &["--distributed", "--json"]),
            DEADLINE,
        )?;
        same_fit(single, &report(&job)?, &format!("{size} ranks, row ranges"))?;
    }
    Ok(())
}

/// `--sample-weight`, `--offset`, `--cov-type` and `--threshold` on ranks: the single process's
/// coefficients, model statistics and metrics; then `--warm-start` from the saved model.
fn case_statistics(mpi: &Launcher, dir: &Path, size: usize) -> Result<(), String> {
    let mut a = vec!["train".to_string(), CLAIMS.to_string()];
    a.extend(CLAIMS_FLAGS.iter().map(|s| s.to_string()));
    let single = single_report(&[a.as_slice(), &["--json".to_string()]].concat())?;
    let model = dir.join(format!("claims-{size}.json"));
    let model_arg = model.display().to_string();
    a.extend(["--distributed", "--json", "--out", &model_arg].map(String::from));
    let dist = report(&mpi.run(size, Path::new(BIN), &a, DEADLINE)?)?;
    same_fit(&single, &dist, &format!("{size} ranks, claims.csv"))?;
    for key in [
        "log_likelihood",
        "null_log_likelihood",
        "aic",
        "bic",
        "nobs",
    ] {
        let (x, y) = (single[key].as_f64(), dist[key].as_f64());
        match (x, y) {
            (Some(x), Some(y)) if (x - y).abs() <= 1e-9 * x.abs() => {}
            _ => return Err(format!("{size} ranks, claims.csv: {key} {y:?} vs {x:?}")),
        }
    }
    for key in [
        "cov_type",
        "threshold",
        "sample_weight_column",
        "offset_column",
    ] {
        if single[key] != dist[key] || single[key].is_null() {
            return Err(format!(
                "{size} ranks, claims.csv: {key} {} vs {}",
                dist[key], single[key]
            ));
        }
    }
    // A warm start from the distributed model: the same optimum, found again on every rank.
    a.truncate(a.len() - 2);
    a.extend(["--warm-start".to_string(), model_arg.clone()]);
    let warm = report(&mpi.run(size, Path::new(BIN), &a, DEADLINE)?)?;
    same_fit(
        &single,
        &warm,
        &format!("{size} ranks, claims.csv, warm start"),
    )
}

/// Every coefficient and intercept of a saved model, in file order (binary or K-class).
fn model_numbers(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                if ["coefficients", "intercept", "intercepts"].contains(&key.as_str()) {
                    collect_numbers(value, out);
                } else {
                    model_numbers(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| model_numbers(i, out)),
        _ => {}
    }
}

fn collect_numbers(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => out.extend(n.as_f64()),
        Value::Array(items) => items.iter().for_each(|i| collect_numbers(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_numbers(i, out)),
        _ => {}
    }
}

fn read_model(path: &Path) -> Result<Vec<f64>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    model_numbers(&v, &mut out);
    Ok(out)
}

/// `logreg train FILE FLAGS --out` on one process and with `--distributed` on `size` ranks (the
/// same file cut into row ranges): the model files' coefficients agree within 1e-10 relative
/// (and the same ones are exactly 0), and the reports agree on the classes and the training
/// confusion matrix.
fn case_same_model_file(
    mpi: &Launcher,
    dir: &Path,
    name: &str,
    data: &str,
    flags: &[&str],
    size: usize,
) -> Result<(), String> {
    let one = dir.join(format!("{name}-single.json"));
    let many = dir.join(format!("{name}-{size}.json"));
    let run_args = |out: &Path, distributed: bool| -> Vec<String> {
        let mut a = vec!["train".to_string(), data.to_string()];
        a.extend(flags.iter().map(|s| s.to_string()));
        a.extend(["--json", "--force", "--out"].map(String::from));
        a.push(out.display().to_string());
        if distributed {
            a.push("--distributed".into());
        }
        a
    };
    let single = single_report(&run_args(&one, false))?;
    let dist = report(&mpi.run(size, Path::new(BIN), &run_args(&many, true), DEADLINE)?)?;
    let what = format!("{name}, the model files");
    same_coefficients(&read_model(&one)?, &read_model(&many)?, &what)?;
    for key in ["classes", "features"] {
        if single[key] != dist[key] {
            return Err(format!("{name}: {key} {} vs {}", dist[key], single[key]));
        }
    }
    if single["train"]["confusion"] != dist["train"]["confusion"] {
        return Err(format!("{name}: the training confusion matrices differ"));
    }
    Ok(())
}

/// The job failed fast, and every one of its `size` ranks printed `error: {message}`.
fn failed_everywhere(job: &Job, size: usize, message: &str) -> Result<(), String> {
    if job.status == Some(0) {
        return Err(format!("the job succeeded: {}", job.describe()));
    }
    if job.elapsed > FAIL_FAST {
        return Err(format!(
            "the job took {:.1} s to fail",
            job.elapsed.as_secs_f64()
        ));
    }
    let line = format!("error: {message}");
    let count = job.stderr.lines().filter(|l| *l == line).count();
    if count != size {
        return Err(format!(
            "expected {size} ranks to print `{line}`, {count} did: {}",
            job.describe()
        ));
    }
    Ok(())
}

fn case_errors(mpi: &Launcher, dir: &Path) -> Result<(), String> {
    let run = |size: usize, data: Vec<String>| {
        mpi.run(
            size,
            Path::new(BIN),
            &args(&data, &["--distributed"]),
            DEADLINE,
        )
    };
    let p = |n: &str| shard(dir, n);
    failed_everywhere(
        &run(6, vec![p("part-*.csv")])?,
        6,
        "6 ranks but only 5 shard file(s): rank 5 would get none; run with at most 5 rank(s) or \
         split the data into more files",
    )?;
    failed_everywhere(
        &run(
            3,
            vec![p("part-00000.csv"), p("part-00001.csv"), p("renamed.csv")],
        )?,
        3,
        &format!(
            "the shards' columns disagree: rank 2's file `{}` has no column \"deposit\" \
             (compared with rank 0's `{}`)",
            p("renamed.csv"),
            p("part-00000.csv")
        ),
    )?;
    failed_everywhere(
        &run(
            3,
            vec![
                p("part-00000.parquet"),
                p("part-00001.parquet"),
                p("retyped.parquet"),
            ],
        )?,
        3,
        &format!(
            "the shards' columns disagree: rank 2's file `{}` stores column \"age\" as text, \
             not as numbers (compared with rank 0's `{}`)",
            p("retyped.parquet"),
            p("part-00000.parquet")
        ),
    )?;
    failed_everywhere(
        &run(2, vec![p("part-00000.csv"), p("part-00009.csv")])?,
        2,
        &format!(
            "rank 1 of 2 failed: shard `{}` does not exist or cannot be read: No such file or \
             directory (os error 2)",
            p("part-00009.csv")
        ),
    )?;
    failed_everywhere(
        &run(
            3,
            vec![p("part-00000.csv"), p("ragged.csv"), p("part-00001.csv")],
        )?,
        3,
        &format!(
            "rank 1 of 3 failed: {}: data row 42 has 18 fields, expected 17 (one per header \
             column)",
            p("ragged.csv")
        ),
    )
}

fn main() -> ExitCode {
    let mpi = match Launcher::find() {
        Ok(mpi) => mpi,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let guard = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot make a directory: {e}");
            return ExitCode::FAILURE;
        }
    };
    let dir: PathBuf = guard.path().to_path_buf();
    let single = write_data(&dir)
        .and_then(|()| single_report(&args(&[shard(&dir, "whole.csv")], &["--json"])));
    let single = match single {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: the single-process fit: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = 0;
    let mut results: Vec<(String, Result<(), String>)> = (1..=3)
        .map(|size| {
            (
                format!("{size} rank(s) fit the single-process model"),
                case_fits(&mpi, &dir, &single, size),
            )
        })
        .collect();
    for size in [2, 3] {
        results.push((
            format!("{size} ranks: weights, offset, hc1, threshold and a warm start"),
            case_statistics(&mpi, &dir, size),
        ));
    }
    let whole = shard(&dir, "whole.csv");
    let l1_flags = [
        "--target",
        "deposit",
        "--one-hot",
        "auto",
        "--standardize",
        "--penalty",
        "l1",
        "--c",
        "0.01",
        "--tol",
        "1e-12",
    ];
    let multinomial_flags = ["--target", "species", "--standardize", "--tol", "1e-12"];
    let ovr_flags = [
        "--target",
        "species",
        "--standardize",
        "--multi-class",
        "ovr",
        "--tol",
        "1e-12",
    ];
    for size in [2, 3] {
        results.push((
            format!("{size} ranks: the single-process L1 model file"),
            case_same_model_file(&mpi, &dir, "l1", &whole, &l1_flags, size),
        ));
        // iris.csv is sorted by species: on 3 ranks each rank holds one class.
        results.push((
            format!("{size} ranks: the single-process multinomial model file"),
            case_same_model_file(&mpi, &dir, "iris", IRIS, &multinomial_flags, size),
        ));
        results.push((
            format!("{size} ranks: the single-process one-vs-rest model file"),
            case_same_model_file(&mpi, &dir, "iris-ovr", IRIS, &ovr_flags, size),
        ));
    }
    results.push((
        "bad shards fail every rank alike, fast".into(),
        case_errors(&mpi, &dir),
    ));
    for (name, result) in &results {
        match result {
            Ok(()) => println!("ok    {name}"),
            Err(e) => {
                failed += 1;
                println!("FAIL  {name}: {e}");
            }
        }
    }
    drop(guard);
    println!("{} passed, {failed} failed", results.len() - failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
