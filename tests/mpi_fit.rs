//! Distributed fits through the library under `mpirun` with 1, 2 and 3 ranks (oversubscribed
//! where cores are fewer): every rank generates the same data, keeps its contiguous share of the
//! rows, fits on every rank's rows, and compares with the single-process fit of all the rows,
//! which it also computes. L2 (auto, Newton, L-BFGS), L1 and elastic net (coordinate descent on
//! the summed Hessian, OWL-QN), multinomial and one-vs-rest (L2, L1): coefficients within 1e-10
//! relative (L1: the same coefficients exactly 0), every rank the same bits, the L2 fits the
//! same bits on a second run. This one program is both sides: run by `cargo test --features
//! mpi` it is the driver, which launches `mpirun -n N <itself> --rank-worker`; under `mpirun` it
//! is a rank. Needs the `mpi` feature.

use logreg::collective::launch::Launcher;
use logreg::collective::{assign_rows, init_distributed, Collective};
use logreg::linalg::{Dense, Design};
use logreg::model::datasets::{make_blobs, make_logistic};
use logreg::model::{
    FitOptions, LogisticRegression, MultiFitOptions, Penalty, Solver, SolverKind, ValidParams,
};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

const WORKER: &str = "--rank-worker";
const DEADLINE: Duration = Duration::from_secs(300);
/// The fits each rank reports: three L2 solvers, L1 and elastic net by coordinate descent, L1 by
/// OWL-QN, multinomial and one-vs-rest with L2 and with L1.
const CASES: usize = 10;

fn main() -> ExitCode {
    match std::env::args().nth(1) {
        Some(a) if a == WORKER => worker(),
        _ => driver(),
    }
}

/// max |a − b| / max |b|.
fn gap(a: &[f64], b: &[f64]) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

/// FNV-1a over the bits: one short token for "these are the same bits".
fn fingerprint(values: &[f64]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        for byte in v.to_bits().to_le_bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn binary(
    params: &ValidParams,
    x: &Design<'_>,
    y: &[f64],
    world: Option<&dyn Collective>,
) -> Result<Vec<f64>, String> {
    let fit = match world {
        Some(w) => params.fit_distributed(x, y, FitOptions::default(), w),
        None => params.fit(x, y),
    }
    .map_err(|e| e.to_string())?;
    let mut t: Vec<f64> = fit.coefficients().iter().copied().collect();
    t.push(fit.intercept());
    Ok(t)
}

fn worker() -> ExitCode {
    let world = match init_distributed() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (rank, size) = (world.rank(), world.size());
    let outcome = (|| -> Result<Vec<String>, String> {
        let mut lines = Vec::new();
        let (x, y) = make_logistic(30_000, 12, 5).map_err(|e| e.to_string())?;
        let d = x.n_cols();
        let r = assign_rows(y.len(), size, rank).map_err(|e| e.to_string())?;
        let mine = Design::from(
            Dense::new(x.as_slice()[r.start * d..r.end * d].to_vec(), r.len(), d)
                .map_err(|e| e.to_string())?,
        );
        let all = Design::from(x.clone());
        for (name, solver) in [
            ("l2-auto", Solver::Auto),
            ("l2-newton", Solver::newton()),
            ("l2-lbfgs", Solver::lbfgs()),
        ] {
            let params = LogisticRegression::params()
                .c(0.1)
                .solver(solver)
                .tol(1e-13)
                .check()
                .map_err(|e| e.to_string())?;
            let single = binary(&params, &all, &y, None)?;
            let dist = binary(&params, &mine, &y[r.clone()], Some(&*world))?;
            let again = binary(&params, &mine, &y[r.clone()], Some(&*world))?;
            if fingerprint(&again) != fingerprint(&dist) {
                return Err(format!("{name}: a second run gave other bits"));
            }
            lines.push(format!(
                "{name} gap={:e} bits={}",
                gap(&dist, &single),
                fingerprint(&dist)
            ));
        }
        // L1 and elastic net (coordinate descent on the summed Hessian, or OWL-QN) on 6 columns
        // of the model and 6 of noise that the penalty sets to 0.
        let (noise, _) = make_logistic(30_000, 6, 6).map_err(|e| e.to_string())?;
        let (signal, y) = make_logistic(30_000, 6, 5).map_err(|e| e.to_string())?;
        let values: Vec<f64> = signal
            .as_slice()
            .chunks_exact(6)
            .zip(noise.as_slice().chunks_exact(6))
            .flat_map(|(a, b)| [a, b].concat())
            .collect();
        let mine = Design::from(
            Dense::new(values[r.start * 12..r.end * 12].to_vec(), r.len(), 12)
                .map_err(|e| e.to_string())?,
        );
        let all = Design::from(Dense::new(values, y.len(), 12).map_err(|e| e.to_string())?);
        for (name, penalty, solver) in [
            ("l1-auto", Penalty::L1 { c: 0.002 }, Solver::Auto),
            (
                "elasticnet-auto",
                Penalty::ElasticNet {
                    c: 0.002,
                    l1_ratio: 0.5,
                },
                Solver::Auto,
            ),
            (
                "l1-owlqn",
                Penalty::L1 { c: 0.002 },
                Solver::default_for(SolverKind::OwlQn),
            ),
        ] {
            let params = LogisticRegression::params()
                .penalty(penalty)
                .solver(solver)
                .tol(1e-12)
                .check()
                .map_err(|e| e.to_string())?;
            let single = binary(&params, &all, &y, None)?;
            if !single.contains(&0.0) {
                return Err(format!(
                    "{name}: no coefficient is 0; a weaker C tests nothing"
                ));
            }
            let dist = binary(&params, &mine, &y[r.clone()], Some(&*world))?;
            let zeros = |t: &[f64]| t.iter().map(|v| *v == 0.0).collect::<Vec<bool>>();
            if zeros(&dist) != zeros(&single) {
                return Err(format!(
                    "{name}: other coefficients are 0 than on one process"
                ));
            }
            lines.push(format!(
                "{name} gap={:e} bits={}",
                gap(&dist, &single),
                fingerprint(&dist)
            ));
        }
        let (bx, labels) = make_blobs(
            9_000,
            &[[0.0, 0.0, 1.0], [1.5, 0.5, 0.0], [0.5, 2.0, -1.0]],
            1.5,
            8,
        )
        .map_err(|e| e.to_string())?;
        let r = assign_rows(labels.len(), size, rank).map_err(|e| e.to_string())?;
        let flat = |m: logreg::model::FittedMultinomial<usize>| -> Vec<f64> {
            let mut v: Vec<f64> = m.coefficients().iter().copied().collect();
            v.extend(m.intercepts().iter());
            v
        };
        let local = bx.rows(r.start, r.len()).into_owned();
        let flat_ovr = |m: logreg::model::FittedOneVsRest<usize>| -> Vec<f64> {
            m.models()
                .iter()
                .flat_map(|b| b.coefficients().iter().copied().chain([b.intercept()]))
                .collect()
        };
        // Multinomial and one-vs-rest, each with L2 and L1 (one-vs-rest's L1 at C = 0.1: at 0.01
        // its per-class coefficients are so small that 1e-10 relative is below their rounding).
        for (name, penalty, one_vs_rest) in [
            ("multinomial", Penalty::L2 { c: 1.0 }, false),
            ("multinomial-l1", Penalty::L1 { c: 0.01 }, false),
            ("ovr", Penalty::L2 { c: 1.0 }, true),
            ("ovr-l1", Penalty::L1 { c: 0.1 }, true),
        ] {
            let params = LogisticRegression::params()
                .penalty(penalty)
                .tol(1e-13)
                .check()
                .map_err(|e| e.to_string())?;
            let mine = &labels[r.clone()];
            let (single, dist) = if one_vs_rest {
                let single = params.fit_one_vs_rest(&bx, &labels);
                let opts = MultiFitOptions::default();
                let dist = params.fit_one_vs_rest_distributed(&local, mine, opts, &*world);
                (
                    flat_ovr(single.map_err(|e| e.to_string())?),
                    flat_ovr(dist.map_err(|e| e.to_string())?),
                )
            } else {
                let single = params.fit_multinomial(&bx, &labels);
                let opts = MultiFitOptions::default();
                let dist = params.fit_multinomial_distributed(&local, mine, opts, &*world);
                (
                    flat(single.map_err(|e| e.to_string())?),
                    flat(dist.map_err(|e| e.to_string())?),
                )
            };
            lines.push(format!(
                "{name} gap={:e} bits={}",
                gap(&dist, &single),
                fingerprint(&dist)
            ));
        }
        Ok(lines)
    })();
    match outcome {
        Ok(lines) => {
            for l in lines {
                println!("rank {rank}: {l}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("rank {rank}: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn driver() -> ExitCode {
    let mpi = match Launcher::find() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot find this test binary: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = 0;
    for size in 1..=3 {
        let result = mpi
            .run(size, &exe, &[WORKER.to_string()], DEADLINE)
            .and_then(|job| {
                if job.status != Some(0) {
                    return Err(format!("the job failed: {}", job.describe()));
                }
                // case → (gap, bits) per rank
                let mut cases: BTreeMap<String, Vec<(f64, String)>> = BTreeMap::new();
                for line in job.stdout.lines() {
                    let Some((_, rest)) = line.split_once(": ") else {
                        continue;
                    };
                    let mut parts = rest.split_whitespace();
                    let (Some(case), Some(g), Some(b)) = (parts.next(), parts.next(), parts.next())
                    else {
                        continue;
                    };
                    let g: f64 = g
                        .trim_start_matches("gap=")
                        .parse()
                        .map_err(|_| format!("bad line {line}"))?;
                    cases
                        .entry(case.to_string())
                        .or_default()
                        .push((g, b.to_string()));
                }
                if cases.len() != CASES {
                    return Err(format!("expected {CASES} cases: {}", job.describe()));
                }
                for (case, ranks) in &cases {
                    if ranks.len() != size {
                        return Err(format!("{case}: {} of {size} ranks reported", ranks.len()));
                    }
                    if ranks.iter().any(|(_, b)| *b != ranks[0].1) {
                        return Err(format!("{case}: the ranks hold different coefficients"));
                    }
                    if ranks[0].0 > 1e-10 {
                        return Err(format!(
                            "{case}: {:e} from the single-process fit",
                            ranks[0].0
                        ));
                    }
                    println!(
                        "ok    {size} rank(s), {case}: {:e} relative from the single-process fit",
                        ranks[0].0
                    );
                }
                Ok(())
            });
        if let Err(e) = result {
            failed += 1;
            println!("FAIL  {size} rank(s): {e}");
        }
    }
    println!("{} passed, {failed} failed", 3 - failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
