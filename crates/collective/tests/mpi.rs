//! `MpiCollective` under `mpirun` with 1, 2 and 3 ranks (oversubscribed where there are fewer
//! cores). This one program is both sides: run by `cargo test --features mpi` it is the driver,
//! which launches `mpirun -n N <itself> --rank-worker CASE …` for every case and checks what the
//! ranks print and how the job ends; under `mpirun` it is the rank.
//!
//! Every job runs under a deadline: a hang is a failure, reported as one, never a stuck CI.
//! The launcher is `mpirun` from PATH, or `$LOGREG_MPIRUN`.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use logreg_collective::launch::{Job, Launcher};
use logreg_collective::{
    agree, assign_files, shards_for_rank, Collective, CollectiveError, InProcess, MpiCollective,
    ShardSpec,
};

const WORKER: &str = "--rank-worker";
/// A job that has not ended by then has hung.
const DEADLINE: Duration = Duration::from_secs(90);
/// A job with a failing rank must end within this.
const FAIL_FAST: Duration = Duration::from_secs(30);
/// Buffer lengths for the sums: empty, one, a gradient's d + 1 and a Hessian's (d + 1)² at d = 50.
const LENGTHS: [usize; 4] = [0, 1, 51, 2601];

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    match args.first() {
        Some(first) if first == WORKER => rank_main(&args[1..]),
        _ => driver(),
    }
}

// ---------------------------------------------------------------------------------------------
// The rank's side.

fn rank_main(args: &[String]) -> ExitCode {
    let world = match MpiCollective::init() {
        Ok(mut world) => {
            world.set_exit_timeout(Duration::from_secs(3));
            world
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match args.first().map(String::as_str) {
        Some("sum") => sums(&world),
        Some("broadcast") => broadcasts(&world),
        Some("read") => read_shards(&world, ShardSpec::from_args(&args[1..])),
        Some("panic") => panic_on_last_rank(&world),
        Some("lengths") => mismatched_lengths(&world),
        Some("leave") => leave_on_last_rank(&world),
        other => Err(format!("unknown worker case {other:?}")),
    };
    match outcome {
        Ok(lines) => {
            for line in lines {
                println!("rank {}: {line}", world.rank());
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            // One write for the whole line: stderr is unbuffered, and `eprintln!` writes its
            // pieces one by one, which mpirun interleaves with other ranks' pieces.
            let line = format!("rank {}: error: {message}\n", world.rank());
            let _ = std::io::stderr().write_all(line.as_bytes());
            ExitCode::FAILURE
        }
    }
}

/// Rank `rank`'s share of a sum: magnitudes spread over 23 decades, so that the order of addition
/// shows in the bits.
fn share(rank: usize, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let k = (rank * 31 + i * 17) % 23;
            let sign = if (rank + i).is_multiple_of(3) {
                -1.0
            } else {
                1.0
            };
            sign * (1.0 + (rank * n + i) as f64 / 7.0) * 10f64.powi(k as i32 - 11)
        })
        .collect()
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

fn sums(world: &MpiCollective) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    for n in LENGTHS {
        // What every rank must hold: all ranks' shares added in rank order, left to right.
        let mut expected = vec![0.0; n];
        for rank in 0..world.size() {
            for (e, v) in expected.iter_mut().zip(share(rank, n)) {
                *e = if rank == 0 { v } else { *e + v };
            }
        }
        for repeat in 0..3 {
            let mut buf = share(world.rank(), n);
            world.allreduce_sum(&mut buf).map_err(|e| e.to_string())?;
            if let Some(i) = (0..n).find(|&i| buf[i].to_bits() != expected[i].to_bits()) {
                return Err(format!(
                    "n = {n}, repeat {repeat}: element {i} is {:e}, the rank-order sum is {:e}",
                    buf[i], expected[i]
                ));
            }
        }
        lines.push(format!("sum n={n} bits={}", fingerprint(&expected)));
    }
    Ok(lines)
}

fn broadcasts(world: &MpiCollective) -> Result<Vec<String>, String> {
    let last = world.size() - 1;
    let mut values = [world.rank() as f64 + 0.5; 5];
    world
        .broadcast_f64(last, &mut values)
        .map_err(|e| e.to_string())?;
    if values != [last as f64 + 0.5; 5] {
        return Err(format!("broadcast_f64 from rank {last} gave {values:?}"));
    }
    for len in [0usize, 3, 1_000_000] {
        let root_bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let mut bytes = if world.is_root() {
            root_bytes.clone()
        } else {
            vec![9; 17]
        };
        world
            .broadcast_bytes(0, &mut bytes)
            .map_err(|e| e.to_string())?;
        if bytes != root_bytes {
            return Err(format!(
                "broadcast_bytes of {len} bytes gave {} different bytes",
                bytes.len()
            ));
        }
    }
    // A root that is not a rank is refused on every rank before any communication.
    match world.broadcast_bytes(world.size(), &mut Vec::new()) {
        Err(CollectiveError::RootOutOfRange { .. }) => {}
        other => return Err(format!("broadcast from a rank past the end gave {other:?}")),
    }
    Ok(vec!["broadcast ok".into()])
}

/// Reads this rank's shards (one integer per line), agrees on the outcome, sums over ranks.
fn read_shards(world: &MpiCollective, spec: ShardSpec) -> Result<Vec<String>, String> {
    let files = shards_for_rank(world, &spec).map_err(|e| e.to_string())?;
    let read = files.iter().try_fold((0.0, 0.0), |(total, rows), path| {
        let (t, r) = read_integers(path)?;
        Ok::<_, String>((total + t, rows + r))
    });
    let (total, rows) = agree(world, read).map_err(|e| e.to_string())?;
    let mut sums = [total, rows];
    world.allreduce_sum(&mut sums).map_err(|e| e.to_string())?;
    let names: Vec<String> = files.iter().map(|p| file_name(p)).collect();
    Ok(vec![format!(
        "files {} total {} rows {}",
        names.join(","),
        sums[0],
        sums[1]
    )])
}

fn read_integers(path: &Path) -> Result<(f64, f64), String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let mut total = 0.0;
    let mut rows = 0.0;
    for (i, line) in text.lines().enumerate() {
        let value: i64 = line.trim().parse().map_err(|_| {
            format!(
                "`{}` line {}: `{line}` is not a number",
                path.display(),
                i + 1
            )
        })?;
        total += value as f64;
        rows += 1.0;
    }
    Ok((total, rows))
}

fn panic_on_last_rank(world: &MpiCollective) -> Result<Vec<String>, String> {
    if world.rank() == world.size() - 1 {
        panic!("rank {} panics on purpose", world.rank());
    }
    // The others wait for it in a collective it never joins.
    world.allreduce_sum(&mut [1.0]).map_err(|e| e.to_string())?;
    Err("the allreduce returned although a rank never joined it".into())
}

fn leave_on_last_rank(world: &MpiCollective) -> Result<Vec<String>, String> {
    if world.rank() == world.size() - 1 {
        return Err(format!(
            "rank {} stops without telling the others",
            world.rank()
        ));
    }
    world.allreduce_sum(&mut [1.0]).map_err(|e| e.to_string())?;
    Err("the allreduce returned although a rank never joined it".into())
}

fn mismatched_lengths(world: &MpiCollective) -> Result<Vec<String>, String> {
    let n = if world.rank() == world.size() - 1 {
        4
    } else {
        3
    };
    world
        .allreduce_sum(&mut vec![1.0; n])
        .map(|()| vec!["lengths were not checked".into()])
        .map_err(|e| e.to_string())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The driver's side.

/// What the workers print: `rank N: …` on stdout, `rank N: error: …` on stderr.
trait RankLines {
    fn lines_of(&self, rank: usize) -> Vec<String>;
    fn errors(&self) -> BTreeMap<usize, String>;
    fn succeeded(&self) -> Result<(), String>;
    fn failed_everywhere_with(&self, size: usize, message: &str) -> Result<(), String>;
    fn failed_fast(&self) -> Result<(), String>;
}

impl RankLines for Job {
    /// The lines rank `rank` printed on stdout, without the `rank N: ` prefix.
    fn lines_of(&self, rank: usize) -> Vec<String> {
        let prefix = format!("rank {rank}: ");
        self.stdout
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix).map(str::to_string))
            .collect()
    }

    /// Each rank's error message (stderr lines `rank N: error: …`), by rank.
    fn errors(&self) -> BTreeMap<usize, String> {
        self.stderr
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix("rank ")?;
                let (rank, message) = rest.split_once(": error: ")?;
                Some((rank.parse().ok()?, message.to_string()))
            })
            .collect()
    }

    fn succeeded(&self) -> Result<(), String> {
        if self.status == Some(0) {
            Ok(())
        } else {
            Err(format!("the job failed: {}", self.describe()))
        }
    }

    /// The job failed fast, every rank printing `message` as its error.
    fn failed_everywhere_with(&self, size: usize, message: &str) -> Result<(), String> {
        self.failed_fast()?;
        let errors = self.errors();
        let expected: BTreeMap<usize, String> =
            (0..size).map(|r| (r, message.to_string())).collect();
        if errors != expected {
            return Err(format!(
                "expected every rank to report `{message}`: {}",
                self.describe()
            ));
        }
        Ok(())
    }

    fn failed_fast(&self) -> Result<(), String> {
        if self.status == Some(0) {
            return Err(format!("the job succeeded: {}", self.describe()));
        }
        if self.elapsed > FAIL_FAST {
            return Err(format!(
                "the job took longer than {} s to fail: {}",
                FAIL_FAST.as_secs(),
                self.describe()
            ));
        }
        Ok(())
    }
}

/// This program as the ranks of a job of `size`, running worker `args`.
fn launch(launcher: &Launcher, size: usize, args: &[String]) -> Result<Job, String> {
    let exe = env::current_exe().map_err(|e| format!("cannot find this test binary: {e}"))?;
    let mut all = vec![WORKER.to_string()];
    all.extend_from_slice(args);
    launcher.run(size, &exe, &all, DEADLINE)
}

/// Files `part-00.csv`, `part-01.csv`, … in a new directory, one integer per line: file `k`
/// holds `k + 1` rows of the values `100 k + j`.
fn write_shards(count: usize) -> Result<tempfile::TempDir, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    for k in 0..count {
        let text: String = (0..=k).map(|j| format!("{}\n", 100 * k + j)).collect();
        fs::write(dir.path().join(format!("part-{k:02}.csv")), text)
            .map_err(|e| format!("cannot write a shard: {e}"))?;
    }
    Ok(dir)
}

fn pattern(dir: &Path) -> String {
    format!("{}/part-*.csv", dir.display())
}

/// What `read` prints on every rank for `count` shards written by `write_shards`.
fn expected_read(count: usize, size: usize, rank: usize) -> Result<String, String> {
    let range = assign_files(count, size, rank).map_err(|e| e.to_string())?;
    let names: Vec<String> = range.map(|k| format!("part-{k:02}.csv")).collect();
    let total: usize = (0..count)
        .map(|k| (0..=k).map(|j| 100 * k + j).sum::<usize>())
        .sum();
    let rows: usize = (1..=count).sum();
    Ok(format!(
        "files {} total {total} rows {rows}",
        names.join(",")
    ))
}

/// The fingerprints `InProcess` gives for the same shares: the two implementations must agree.
fn in_process_fingerprints(size: usize) -> Result<Vec<String>, String> {
    let group = InProcess::group(size).map_err(|e| e.to_string())?;
    let per_rank: Vec<Result<Vec<String>, String>> = thread::scope(|s| {
        let handles: Vec<_> = group
            .into_iter()
            .map(|rank| {
                s.spawn(move || {
                    LENGTHS
                        .iter()
                        .map(|&n| {
                            let mut buf = share(rank.rank(), n);
                            rank.allreduce_sum(&mut buf).map_err(|e| e.to_string())?;
                            Ok(format!("sum n={n} bits={}", fingerprint(&buf)))
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a thread panicked".into())))
            .collect()
    });
    let mut first = None;
    for lines in per_rank {
        let lines = lines?;
        match &first {
            None => first = Some(lines),
            Some(f) if *f != lines => return Err("InProcess ranks disagree".into()),
            Some(_) => {}
        }
    }
    first.ok_or_else(|| "no rank".into())
}

fn case_sum(mpi: &Launcher, size: usize) -> Result<(), String> {
    let expected = in_process_fingerprints(size)?;
    // Twice: the same rank count gives the same bits on every run.
    for run in 0..2 {
        let job = launch(mpi, size, &["sum".into()])?;
        job.succeeded()?;
        for rank in 0..size {
            let lines = job.lines_of(rank);
            if lines != expected {
                return Err(format!(
                    "run {run}, rank {rank} printed {lines:?}, InProcess gives {expected:?}: {}",
                    job.describe()
                ));
            }
        }
    }
    Ok(())
}

fn case_broadcast(mpi: &Launcher, size: usize) -> Result<(), String> {
    let job = launch(mpi, size, &["broadcast".into()])?;
    job.succeeded()?;
    for rank in 0..size {
        if job.lines_of(rank) != ["broadcast ok"] {
            return Err(format!("rank {rank} did not report: {}", job.describe()));
        }
    }
    Ok(())
}

fn case_read(mpi: &Launcher, size: usize) -> Result<(), String> {
    let count = 5;
    let dir = write_shards(count)?;
    let job = launch(mpi, size, &["read".into(), pattern(dir.path())])?;
    job.succeeded()?;
    for rank in 0..size {
        let expected = expected_read(count, size, rank)?;
        if job.lines_of(rank) != [expected.clone()] {
            return Err(format!(
                "rank {rank} should print `{expected}`: {}",
                job.describe()
            ));
        }
    }
    Ok(())
}

fn failure_message(size: usize, rank: usize, message: &str) -> String {
    if size == 1 {
        message.to_string()
    } else {
        format!("rank {rank} of {size} failed: {message}")
    }
}

fn case_unreadable_shard(mpi: &Launcher, size: usize) -> Result<(), String> {
    let dir = write_shards(4)?;
    // The last file belongs to the last rank.
    let bad = dir.path().join("part-03.csv");
    fs::write(&bad, "1\nabc\n3\n").map_err(|e| e.to_string())?;
    let job = launch(mpi, size, &["read".into(), pattern(dir.path())])?;
    let message = format!("`{}` line 2: `abc` is not a number", bad.display());
    job.failed_everywhere_with(size, &failure_message(size, size - 1, &message))
}

fn case_missing_shard(mpi: &Launcher, size: usize) -> Result<(), String> {
    let dir = write_shards(3)?;
    let missing = dir.path().join("part-03.csv");
    let mut args = vec!["read".to_string()];
    for k in 0..3 {
        args.push(
            dir.path()
                .join(format!("part-{k:02}.csv"))
                .display()
                .to_string(),
        );
    }
    args.push(missing.display().to_string());
    let job = launch(mpi, size, &args)?;
    let message = format!(
        "shard `{}` does not exist or cannot be read: No such file or directory (os error 2)",
        missing.display()
    );
    job.failed_everywhere_with(size, &failure_message(size, size - 1, &message))
}

fn case_too_many_ranks(mpi: &Launcher, size: usize) -> Result<(), String> {
    let shards = size - 1;
    let dir = write_shards(shards)?;
    let job = launch(mpi, size, &["read".into(), pattern(dir.path())])?;
    let message = format!(
        "{size} ranks but only {shards} shard file(s): rank {shards} would get none; run with \
         at most {shards} rank(s) or split the data into more files"
    );
    job.failed_everywhere_with(size, &message)
}

fn case_panic(mpi: &Launcher, size: usize) -> Result<(), String> {
    let job = launch(mpi, size, &["panic".into()])?;
    job.failed_fast()?;
    let says = format!("rank {} panics on purpose", size - 1);
    if !job.stderr.contains(&says) {
        return Err(format!("the panic message is missing: {}", job.describe()));
    }
    Ok(())
}

fn case_leave(mpi: &Launcher, size: usize) -> Result<(), String> {
    let job = launch(mpi, size, &["leave".into()])?;
    job.failed_fast()?;
    let says = "the other ranks did not finish within 3 s of this one";
    let errors = job.errors();
    let last = size - 1;
    if errors.get(&last).map(String::as_str)
        != Some(&format!("rank {last} stops without telling the others"))
        || !job.stderr.contains(says)
    {
        return Err(format!(
            "expected rank {last}'s error and the exit timeout: {}",
            job.describe()
        ));
    }
    Ok(())
}

fn case_lengths(mpi: &Launcher, size: usize) -> Result<(), String> {
    let job = launch(mpi, size, &["lengths".into()])?;
    let message = format!(
        "allreduce_sum: rank {} passed 4 values but rank 0 passed 3; every rank must pass the \
         same length",
        size - 1
    );
    job.failed_everywhere_with(size, &message)
}

type Case = fn(&Launcher, usize) -> Result<(), String>;

fn driver() -> ExitCode {
    let mpi = match Launcher::find() {
        Ok(mpi) => mpi,
        Err(e) => {
            eprintln!("error: {e}");
            println!("0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
    };
    let mut cases: Vec<(&str, usize, Case)> = Vec::new();
    for size in 1..=3 {
        cases.push((
            "allreduce_sum is the rank-order sum, same bits every run",
            size,
            case_sum,
        ));
        cases.push(("broadcasts", size, case_broadcast));
        cases.push(("shards are read in contiguous runs", size, case_read));
        cases.push((
            "an unreadable shard fails every rank alike",
            size,
            case_unreadable_shard,
        ));
        cases.push((
            "a missing shard fails every rank alike",
            size,
            case_missing_shard,
        ));
        cases.push(("a panicking rank ends the job", size, case_panic));
        if size > 1 {
            cases.push(("a rank that stops alone ends the job", size, case_leave));
            cases.push((
                "more ranks than shards fails every rank alike",
                size,
                case_too_many_ranks,
            ));
            // Checked in debug builds only; this test is one.
            if cfg!(debug_assertions) {
                cases.push((
                    "different buffer lengths fail every rank alike",
                    size,
                    case_lengths,
                ));
            }
        }
    }
    let started = Instant::now();
    let (mut passed, mut failed) = (0, 0);
    for (name, size, case) in cases {
        let start = Instant::now();
        match case(&mpi, size) {
            Ok(()) => {
                passed += 1;
                println!(
                    "test {name} ({size} rank(s)) ... ok ({:.1} s)",
                    start.elapsed().as_secs_f64()
                );
            }
            Err(e) => {
                failed += 1;
                println!("test {name} ({size} rank(s)) ... FAILED\n{e}");
            }
        }
    }
    println!(
        "\nMPI tests took {:.1} s\n{passed} passed, {failed} failed",
        started.elapsed().as_secs_f64()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
