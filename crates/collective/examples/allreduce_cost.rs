//! What the fixed reduction order costs: `MpiCollective::allreduce_sum` (an all-gather, then a sum
//! in rank order on every rank) against MPI's own `MPI_Allreduce`, for a gradient's d + 1 = 51
//! doubles and a Hessian's (d + 1)² = 2601.
//!
//! ```text
//! cargo build --release -p logreg-collective --features mpi --example allreduce_cost
//! mpirun --allow-run-as-root --oversubscribe -n 2 target/release/examples/allreduce_cost [calls]
//! ```
//!
//! Rank 0 prints, per size and method, the time per call in the fastest of 11 batches (each
//! batch `calls` calls, 2000 by default, started together after a barrier), and whether
//! `MPI_Allreduce` left the same bits on every rank. Columns: `MPI_Allreduce` (MPI's own sum),
//! `ours` (`allreduce_sum`), `all-gather` (its communication alone), `length check` (the
//! all-gather of one length that debug builds add), `ratio` = ours / MPI_Allreduce.

use std::process::ExitCode;
use std::time::Instant;

use logreg_collective::{Collective, MpiCollective};
use mpi::collective::SystemOperation;
use mpi::traits::CommunicatorCollectives;

const BATCHES: usize = 11;

fn main() -> ExitCode {
    let calls = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 2000,
        Some(Ok(calls)) if calls > 0 => calls,
        Some(_) => {
            eprintln!("usage: allreduce_cost [calls per batch, a positive integer]");
            return ExitCode::FAILURE;
        }
    };
    let world = match MpiCollective::init() {
        Ok(world) => world,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&world, calls) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rank {}: error: {e}", world.rank());
            ExitCode::FAILURE
        }
    }
}

fn run(world: &MpiCollective, calls: usize) -> Result<(), logreg_collective::CollectiveError> {
    let comm = world.communicator();
    if world.is_root() {
        println!(
            "{} ranks, {calls} calls per batch, µs per call in the fastest of {BATCHES} batches \
             (the least disturbed by other processes)",
            world.size()
        );
        println!(
            "{:>6}  {:>14}  {:>14}  {:>14}  {:>14}  {:>7}",
            "n", "MPI_Allreduce", "ours", "all-gather", "length check", "ratio"
        );
    }
    for n in [51usize, 2601] {
        // Magnitudes spread over 20 decades, so that the order of addition shows in the bits.
        let mine: Vec<f64> = (0..n)
            .map(|i| {
                let k = (world.rank() * 7 + i * 13) % 21;
                (1.0 + (i as f64) / 3.0) * 10f64.powi(k as i32 - 10)
            })
            .collect();

        // Every method sends a freshly written buffer, as a fit does (a new gradient on every
        // call): an unchanged one stays in both cores' caches and flatters the all-gathers by
        // half at 2601 doubles.
        let mut send = mine.clone();
        let mut system = vec![0.0; n];
        let allreduce = time(comm, calls, || {
            send.copy_from_slice(&mine);
            comm.all_reduce_into(&send[..], &mut system[..], SystemOperation::sum());
        });
        let mut ours = mine.clone();
        let mut failure = None;
        let gathered = time(comm, calls, || {
            ours.copy_from_slice(&mine);
            if let Err(e) = world.allreduce_sum(&mut ours) {
                failure.get_or_insert(e);
            }
        });
        if let Some(e) = failure {
            return Err(e);
        }
        // The all-gather alone, without our sum: what the order costs beyond communication.
        let mut everything = vec![0.0; n * world.size()];
        let gather_only = time(comm, calls, || {
            send.copy_from_slice(&mine);
            comm.all_gather_into(&send[..], &mut everything[..]);
        });
        // What a debug build adds per call: one all-gather of one u64.
        let mut lengths = vec![0u64; world.size()];
        let check = time(comm, calls, || {
            comm.all_gather_into(&(n as u64), &mut lengths[..]);
        });

        // Does MPI_Allreduce leave the same bits on every rank? Compare with rank 0's.
        let mut root_bits = system.clone();
        world.broadcast_f64(0, &mut root_bits)?;
        let mut differs = [f64::from(u8::from(
            root_bits
                .iter()
                .zip(&system)
                .any(|(a, b)| a.to_bits() != b.to_bits()),
        ))];
        world.allreduce_sum(&mut differs)?;
        let max_relative = system
            .iter()
            .zip(&ours)
            .map(|(s, o)| ((s - o) / o).abs())
            .fold(0.0, f64::max);
        if world.is_root() {
            println!(
                "{n:>6}  {:>14.2}  {:>14.2}  {:>14.2}  {:>14.2}  {:>7.2}",
                allreduce * 1e6,
                gathered * 1e6,
                gather_only * 1e6,
                check * 1e6,
                gathered / allreduce
            );
            println!(
                "        MPI_Allreduce vs ours: max relative difference {max_relative:.1e}; \
                 ranks whose MPI_Allreduce bits differ from rank 0's: {}",
                differs[0]
            );
        }
    }
    Ok(())
}

/// Seconds per call in the fastest batch, on this rank: on a shared machine the other batches
/// measure other processes as well.
fn time(comm: &mpi::topology::SimpleCommunicator, calls: usize, mut call: impl FnMut()) -> f64 {
    for _ in 0..calls / 10 + 1 {
        call();
    }
    let per_call: Vec<f64> = (0..BATCHES)
        .map(|_| {
            comm.barrier();
            let start = Instant::now();
            for _ in 0..calls {
                call();
            }
            start.elapsed().as_secs_f64() / calls as f64
        })
        .collect();
    per_call.into_iter().fold(f64::INFINITY, f64::min)
}
