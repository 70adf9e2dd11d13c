//! From a CSV file on disk to the design matrix a model fits on, timed, for measuring speed and
//! peak memory (run it under `/usr/bin/time -v`).
//!
//! ```sh
//! # a 1 000 000 × 50 file of %.17g numbers and a 0/1 label `y` (about 1 GB), seeded
//! cargo run --release -p logreg-preprocess --example csv_to_design -- write /tmp/big.csv 1000000 50
//! # read it, split off `y`, and turn the rest into a dense f64 design (add --standardize)
//! /usr/bin/time -v cargo run --release -p logreg-preprocess --example csv_to_design -- read /tmp/big.csv
//! # 50 000 rows with a 3 000-level `zip` column: one-hot (max 5 000) + standardize, sparse
//! cargo run --release -p logreg-preprocess --example csv_to_design -- write-zip /tmp/zip.csv
//! /usr/bin/time -v cargo run --release -p logreg-preprocess --example csv_to_design -- read-zip /tmp/zip.csv
//! ```

use std::io::{BufWriter, Write};
use std::time::Instant;

use logreg_linalg_core::Design;
use logreg_preprocess::{read_csv, ColumnType, CsvOptions, DesignStorage, OneHotEncoder, Pipeline};

/// SplitMix64: a tiny seeded generator, enough for synthetic data.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        (-2.0 * self.unit().ln()).sqrt() * (std::f64::consts::TAU * self.unit()).cos()
    }
}

/// `v` as C's `printf("%.17g", v)` writes it.
fn g17(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let exp = v.abs().log10().floor() as i32;
    let text = if !(-5..17).contains(&exp) {
        let s = format!("{v:.16e}");
        let (mantissa, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let s = format!("{v:.*}", (16 - exp).max(0) as usize);
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    text
}

/// Writes `rows` samples of `cols` normal features and a 0/1 label from a logistic model.
fn write(path: &str, rows: usize, cols: usize) -> std::io::Result<()> {
    let mut rng = SplitMix(42);
    let weights: Vec<f64> = (0..cols).map(|_| rng.normal() * 0.5).collect();
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let header: Vec<String> = (0..cols).map(|j| format!("x{j}")).collect();
    writeln!(out, "{},y", header.join(","))?;
    let mut line = String::new();
    for _ in 0..rows {
        line.clear();
        let mut z = 0.0;
        for w in &weights {
            let x = rng.normal();
            z += w * x;
            line.push_str(&g17(x));
            line.push(',');
        }
        let y = u8::from(rng.unit() < 1.0 / (1.0 + (-z).exp()));
        line.push_str(if y == 1 { "1\n" } else { "0\n" });
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

/// 50 000 rows: three numeric columns, a `zip` of 3 000 levels (written as digits) and a 0/1
/// label.
fn write_zip(path: &str) -> std::io::Result<()> {
    let mut rng = SplitMix(7);
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(out, "income,age,visits,zip,y")?;
    for _ in 0..50_000 {
        let zip = 10_000 + rng.next_u64() % 3000;
        let (a, b, c) = (rng.normal(), rng.normal(), rng.normal());
        let z = a - 0.5 * b + if zip.is_multiple_of(7) { 1.0 } else { -0.3 };
        let y = u8::from(rng.unit() < 1.0 / (1.0 + (-z).exp()));
        writeln!(
            out,
            "{},{},{},{zip},{y}",
            g17(a * 1e4),
            g17(40.0 + 12.0 * b),
            g17(c)
        )?;
    }
    out.flush()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["write", path, rows, cols] => {
            write(path, rows.parse()?, cols.parse()?)?;
            println!("wrote {path}");
        }
        ["write-zip", path] => {
            write_zip(path)?;
            println!("wrote {path}");
        }
        ["read-zip", path] => {
            let start = Instant::now();
            let options = CsvOptions::new().column_type("zip", ColumnType::Categorical);
            let (x, y) = read_csv(path, &options)?.split_target_owned("y")?;
            let read = start.elapsed();
            let mut pipeline = Pipeline::new()
                .step(OneHotEncoder::new(["zip"]).max_categories(5000))
                .standardize_all()
                .storage(DesignStorage::Auto);
            let features = pipeline.fit_transform_owned(x, None)?;
            let nnz = match &features.design {
                Design::Sparse(csr) => csr.nnz(),
                _ => features.n_rows() * features.n_cols(),
            };
            println!(
                "{} rows × {} features ({} labels), {} storage, {nnz} stored values: read {:.3} s, \
                 pipeline {:.3} s",
                features.n_rows(),
                features.n_cols(),
                y.len(),
                features.design.storage().name(),
                read.as_secs_f64(),
                (start.elapsed() - read).as_secs_f64(),
            );
        }
        ["read", path, rest @ ..] => {
            let start = Instant::now();
            let table = read_csv(path, &CsvOptions::new())?;
            let read = start.elapsed();
            let (x, y) = table.split_target_owned("y")?;
            let mut pipeline = Pipeline::new();
            if rest.contains(&"--standardize") {
                pipeline = pipeline.standardize_all();
            }
            let features = pipeline.fit_transform_owned(x, None)?;
            let total = start.elapsed();
            let bytes = std::fs::metadata(path)?.len() as f64;
            println!(
                "{} rows × {} features ({} labels): read {:.3} s ({:.0} MB/s), design {:.3} s, total {:.3} s",
                features.n_rows(),
                features.n_cols(),
                y.len(),
                read.as_secs_f64(),
                bytes / read.as_secs_f64() / 1e6,
                (total - read).as_secs_f64(),
                total.as_secs_f64()
            );
        }
        _ => {
            eprintln!(
                "usage: csv_to_design write FILE ROWS COLS | read FILE [--standardize] \
                 | write-zip FILE | read-zip FILE"
            );
            std::process::exit(2);
        }
    }
    Ok(())
}
