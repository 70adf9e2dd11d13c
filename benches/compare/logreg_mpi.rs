//! Our distributed fit, timed, for `benches/compare/distributed.py` (which runs it beside Spark
//! MLlib). Run under MPI, one rank per process:
//!
//! ```text
//! mpirun -n 2 -x RAYON_NUM_THREADS=1 target/release/examples/compare_mpi DATA.csv \
//!     [--solver auto|newton|lbfgs] [--c C] [--tol T] [--multinomial]
//! ```
//!
//! Each rank reads its run of DATA.csv's rows (a header, numeric features, a 0/1 column `y`),
//! builds its design (no preprocessing, as Spark's run), and every rank fits on all the rows:
//! binary L2 at scikit-learn's C (default 1), or `--multinomial` (softmax over y's classes).
//! Rank 0 prints one JSON object: ranks, threads per rank, the read and fit seconds (each
//! phase between two collective synchronizations, so the slowest rank's time), iterations,
//! the objective J = C·Σ loss + ½‖w‖², and the coefficients. Needs the `mpi` feature.

use logreg::collective::{init_distributed, Collective};
use logreg::distributed::{read_csv_on_ranks, DataSource};
use logreg::model::{FitOptions, LogisticRegression, MultiFitOptions, Solver};
use logreg::preprocess::{CsvOptions, Pipeline, Ranks};
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    csv: String,
    solver: Solver,
    c: f64,
    tol: Option<f64>,
    multinomial: bool,
}

fn parse() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut parsed = Args {
        csv: String::new(),
        solver: Solver::Auto,
        c: 1.0,
        tol: None,
        multinomial: false,
    };
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--solver" => {
                parsed.solver = match value("--solver")?.as_str() {
                    "auto" => Solver::Auto,
                    "newton" => Solver::newton(),
                    "lbfgs" => Solver::lbfgs(),
                    other => {
                        return Err(format!("--solver {other}: expected auto, newton or lbfgs"))
                    }
                }
            }
            "--c" => parsed.c = value("--c")?.parse().map_err(|e| format!("--c: {e}"))?,
            "--tol" => {
                parsed.tol = Some(value("--tol")?.parse().map_err(|e| format!("--tol: {e}"))?)
            }
            "--multinomial" => parsed.multinomial = true,
            _ if parsed.csv.is_empty() && !a.starts_with("--") => parsed.csv = a,
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    if parsed.csv.is_empty() {
        return Err(
            "usage: compare_mpi DATA.csv [--solver S] [--c C] [--tol T] [--multinomial]".into(),
        );
    }
    Ok(parsed)
}

/// Every rank waits for every other: the phases are timed between two of these.
fn sync(world: &dyn Collective) -> Result<(), String> {
    world.allreduce_sum(&mut [0.0]).map_err(|e| e.to_string())
}

fn run(world: &dyn Collective, args: &Args) -> Result<String, String> {
    let err = |e: logreg::Error| e.to_string();
    sync(world)?;
    let start = Instant::now();
    let mine = read_csv_on_ranks(
        world,
        &DataSource::from_args([&args.csv]),
        &CsvOptions::new(),
    )
    .map_err(err)?;
    let y = mine.table.numeric_values("y").map_err(|e| err(e.into()))?;
    let (x, _) = mine
        .table
        .split_target_owned("y")
        .map_err(|e| err(e.into()))?;
    let features = Pipeline::new()
        .fit_transform_owned_in(x, None, &Ranks::new(world))
        .map_err(|e| err(e.into()))?;
    sync(world)?;
    let read_seconds = start.elapsed().as_secs_f64();
    let mut params = LogisticRegression::params().c(args.c).solver(args.solver);
    if let Some(t) = args.tol {
        params = params.tol(t);
    }
    let params = params.check().map_err(|e| err(e.into()))?;
    let start = Instant::now();
    let (report, coefficients) = if args.multinomial {
        let classes: Vec<u8> = y.iter().map(|&v| v as u8).collect();
        let fit = params
            .fit_multinomial_distributed(
                &features.design,
                &classes,
                MultiFitOptions::default(),
                world,
            )
            .map_err(|e| err(e.into()))?;
        let mut c: Vec<f64> = fit.coefficients().iter().copied().collect();
        c.extend(fit.intercepts().iter());
        (fit.report().clone(), c)
    } else {
        let fit = params
            .fit_distributed(&features.design, &y, FitOptions::default(), world)
            .map_err(|e| err(e.into()))?;
        let mut c: Vec<f64> = fit.coefficients().iter().copied().collect();
        c.push(fit.intercept());
        (fit.report().clone(), c)
    };
    sync(world)?;
    let fit_seconds = start.elapsed().as_secs_f64();
    Ok(serde_json::json!({
        "ranks": world.size(),
        "threads_per_rank": std::env::var("RAYON_NUM_THREADS").ok(),
        "rows": mine.total_rows,
        "features": features.names.len(),
        "model": if args.multinomial { "multinomial" } else { "binary" },
        "solver": report.solver.name(),
        "stages": report.stages.iter().map(|s| format!("{} {}", s.solver.name(), s.iterations)).collect::<Vec<_>>(),
        "C": args.c,
        "read_seconds": read_seconds,
        "fit_seconds": fit_seconds,
        "iterations": report.iterations,
        "J": report.objective,
        "converged": report.converged,
        "coefficients": coefficients,
    })
    .to_string())
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let world = match init_distributed() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&*world, &args) {
        Ok(json) => {
            if world.is_root() {
                println!("{json}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
