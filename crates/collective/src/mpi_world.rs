//! The ranks of an MPI job, through rsmpi (the `mpi` crate).

use std::cell::RefCell;
use std::io::Write;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;
use std::thread;
use std::time::{Duration, Instant};

use mpi::environment::Universe;
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, CommunicatorCollectives, Root};
use mpi::Threading;

use crate::{check_root, sum_in_rank_order, Collective, CollectiveError};

/// The most elements one MPI call moves: counts are C `int`s.
const MAX_COUNT: usize = i32::MAX as usize;

/// The exit status of a job ended because one of its ranks panicked.
pub const PANIC_EXIT_CODE: i32 = 101;

/// The exit status of a job ended because its ranks did not all reach the end (see
/// [`MpiCollective::set_exit_timeout`]).
pub const EXIT_TIMEOUT_CODE: i32 = 102;

/// How long a rank that is done waits for the others before it ends the job.
pub const DEFAULT_EXIT_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether MPI is initialized and not yet finalized, for the panic hook.
static LIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// The ranks of the MPI job this process was launched in (`mpirun -n 4 …`, `srun …`).
///
/// Create one, at the start of `main`, and pass it by reference: it initializes MPI, and
/// dropping it finalizes MPI, which cannot be initialized again in the same process. MPI is asked
/// for `MPI_THREAD_FUNNELED`: threads (rayon) may compute, but only the thread that created this
/// value may call its operations (it is neither `Send` nor `Sync`, so the compiler holds to that).
///
/// [`Collective::allreduce_sum`] gathers every rank's buffer on every rank (`MPI_Allgather`) and
/// adds them in rank order, rather than calling `MPI_Allreduce`, whose order the MPI library
/// chooses; see the crate docs. Debug builds also check, with one more small all-gather per
/// call, that every rank passed the same length.
///
/// Two safety nets turn a rank that stops alone into a job that ends, rather than one that
/// waits forever (with more than one rank):
///
/// - A panic: `init` installs a panic hook that runs the previous hook (which prints the
///   message) and then ends the whole job with `MPI_Abort` and status [`PANIC_EXIT_CODE`].
/// - A rank that returns (drops this value) while the others still wait for it in a collective,
///   because it stopped on an error it did not share through [`agree`](crate::agree): dropping
///   first meets the other ranks in a barrier of its own (on a private communicator); if they
///   have not all arrived within the exit timeout ([`DEFAULT_EXIT_TIMEOUT`], see
///   [`set_exit_timeout`](Self::set_exit_timeout)), it says so and ends the job with status
///   [`EXIT_TIMEOUT_CODE`]. Without it, that rank would wait in `MPI_Finalize` and the others
///   in their collective, forever.
///
/// Errors that every rank meets together (all of this crate's, and whatever went through
/// `agree`) need neither: every rank returns, the ranks meet at once, and MPI is finalized.
pub struct MpiCollective {
    world: SimpleCommunicator,
    /// Only for the barrier at the end, so that it cannot meet a collective of the program.
    exit: SimpleCommunicator,
    exit_timeout: Duration,
    /// The all-gather's receive buffer, kept between calls: allocating and zeroing it each time
    /// cost more than the sum.
    gathered: RefCell<Vec<f64>>,
    rank: usize,
    size: usize,
    /// Neither `Send` nor `Sync` with any MPI library (with MPICH, whose handles are integers,
    /// the communicators alone would be `Send`): MPI was asked for `MPI_THREAD_FUNNELED`.
    _main_thread_only: PhantomData<*const ()>,
    // Declared last so it is dropped last: it finalizes MPI.
    _universe: Universe,
}

impl MpiCollective {
    /// Initializes MPI and joins the job's world communicator. A process started without
    /// `mpirun` is a job of one rank. Fails if MPI was initialized before in this process.
    pub fn init() -> Result<MpiCollective, CollectiveError> {
        let (universe, _threading) = mpi::initialize_with_threading(Threading::Funneled)
            .ok_or(CollectiveError::AlreadyInitialized)?;
        let world = universe.world();
        // MPI guarantees 0 ≤ rank < size and size ≥ 1.
        let rank = world.rank().unsigned_abs() as usize;
        let size = world.size().unsigned_abs() as usize;
        let exit = world.duplicate();
        LIVE.store(true, Ordering::SeqCst);
        if size > 1 {
            HOOK.call_once(install_abort_on_panic);
        }
        Ok(MpiCollective {
            world,
            exit,
            exit_timeout: DEFAULT_EXIT_TIMEOUT,
            gathered: RefCell::new(Vec::new()),
            rank,
            size,
            _main_thread_only: PhantomData,
            _universe: universe,
        })
    }

    /// The world communicator, for operations this crate does not wrap.
    pub fn communicator(&self) -> &SimpleCommunicator {
        &self.world
    }

    /// Ends every rank of the job at once with exit status `code` (`MPI_Abort`): for an error
    /// the other ranks cannot learn through [`agree`](crate::agree), because they are not at the
    /// same point of the program.
    pub fn abort(&self, code: i32) -> ! {
        self.world.abort(code)
    }

    /// How long this rank, once done (dropping this value), waits for the others to be done too
    /// before it ends the job. Set it above the longest time one rank legitimately works alone
    /// at the end (rank 0 writing a model and a report).
    pub fn set_exit_timeout(&mut self, timeout: Duration) {
        self.exit_timeout = timeout;
    }

    /// Waits for every rank at the end, or ends the job if they do not all come.
    fn meet_at_exit(&self) {
        let start = Instant::now();
        let mut barrier = self.exit.immediate_barrier();
        loop {
            match barrier.test() {
                Ok(_) => return,
                Err(pending) => barrier = pending,
            }
            if start.elapsed() > self.exit_timeout {
                let line = format!(
                    "rank {}: the other ranks did not finish within {:.0} s of this one; a rank \
                     probably stopped on an error that it did not share (through `agree`) while \
                     the others waited for it; ending the job\n",
                    self.rank,
                    self.exit_timeout.as_secs_f64()
                );
                let _ = std::io::stderr().write_all(line.as_bytes());
                // Never returns, so the pending request is never dropped (which would panic).
                self.world.abort(EXIT_TIMEOUT_CODE);
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    /// Checks (in debug builds) that every rank passed `len` elements.
    fn same_length(&self, operation: &'static str, len: usize) -> Result<(), CollectiveError> {
        if !cfg!(debug_assertions) {
            return Ok(());
        }
        let mut lengths = vec![0u64; self.size];
        self.world.all_gather_into(&(len as u64), &mut lengths[..]);
        match lengths.iter().position(|&l| l != lengths[0]) {
            None => Ok(()),
            Some(rank) => Err(CollectiveError::LengthMismatch {
                operation,
                rank,
                expected: lengths[0] as usize,
                found: lengths[rank] as usize,
            }),
        }
    }

    fn root(&self, root: usize) -> Result<mpi::Rank, CollectiveError> {
        check_root(root, self.size)?;
        mpi::Rank::try_from(root).map_err(|_| CollectiveError::RootOutOfRange {
            root,
            size: self.size,
        })
    }
}

fn install_abort_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        if LIVE.load(Ordering::SeqCst) {
            // The other ranks may be waiting for this one in a collective: end the job rather
            // than leave them waiting forever.
            SimpleCommunicator::world().abort(PANIC_EXIT_CODE);
        }
    }));
}

impl std::fmt::Debug for MpiCollective {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MpiCollective")
            .field("rank", &self.rank)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl Drop for MpiCollective {
    fn drop(&mut self) {
        // While panicking, the hook has ended the job already (or there is one rank).
        if self.size > 1 && !thread::panicking() {
            self.meet_at_exit();
        }
        LIVE.store(false, Ordering::SeqCst);
    }
}

impl Collective for MpiCollective {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.size
    }

    fn allreduce_sum(&self, buf: &mut [f64]) -> Result<(), CollectiveError> {
        if self.size == 1 {
            return Ok(());
        }
        self.same_length("allreduce_sum", buf.len())?;
        let total = buf.len().saturating_mul(self.size);
        if total > MAX_COUNT {
            return Err(CollectiveError::TooLarge {
                operation: "allreduce_sum",
                len: total,
                max: MAX_COUNT,
            });
        }
        // Nothing here calls back into `self`, so the buffer is never borrowed twice.
        let mut kept = self.gathered.try_borrow_mut();
        let mut fresh = Vec::new();
        let gathered = match kept.as_deref_mut() {
            Ok(kept) => kept,
            Err(_) => &mut fresh,
        };
        gathered.resize(total, 0.0);
        self.world.all_gather_into(&*buf, &mut gathered[..total]);
        sum_in_rank_order(&gathered[..total], buf);
        Ok(())
    }

    fn broadcast_f64(&self, root: usize, buf: &mut [f64]) -> Result<(), CollectiveError> {
        let root = self.root(root)?;
        if self.size == 1 {
            return Ok(());
        }
        self.same_length("broadcast_f64", buf.len())?;
        if buf.len() > MAX_COUNT {
            return Err(CollectiveError::TooLarge {
                operation: "broadcast_f64",
                len: buf.len(),
                max: MAX_COUNT,
            });
        }
        self.world.process_at_rank(root).broadcast_into(buf);
        Ok(())
    }

    fn broadcast_bytes(&self, root: usize, bytes: &mut Vec<u8>) -> Result<(), CollectiveError> {
        let root_rank = self.root(root)?;
        if self.size == 1 {
            return Ok(());
        }
        let process = self.world.process_at_rank(root_rank);
        let mut len = bytes.len() as u64;
        process.broadcast_into(&mut len);
        // Every rank now has the root's length, so every rank takes the same branch.
        let len = match usize::try_from(len) {
            Ok(len) if len <= MAX_COUNT => len,
            _ => {
                return Err(CollectiveError::TooLarge {
                    operation: "broadcast_bytes",
                    len: usize::try_from(len).unwrap_or(usize::MAX),
                    max: MAX_COUNT,
                })
            }
        };
        if self.rank != root {
            bytes.clear();
            bytes.resize(len, 0);
        }
        // Every rank skips alike. And it must: an empty Vec<u8> points at address 1, which is
        // Open MPI's MPI_IN_PLACE, and MPI_Bcast rejects it (MPI_ERR_ARG, fatal).
        if len > 0 {
            process.broadcast_into(&mut bytes[..]);
        }
        Ok(())
    }
}
