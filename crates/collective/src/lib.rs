//! The collective operations a data-parallel fit needs, and nothing else: which rank this is, how
//! many there are, a sum of an `f64` buffer over all ranks, a broadcast, and an agreement on errors.
//! The loss calls them wherever it sums over rows; no solver code sees them.
//!
//! Three implementations of one trait, [`Collective`]:
//!
//! - [`Local`]: one process, every operation the identity. The default build has only this one
//!   (and [`InProcess`]), in pure Rust with no system library.
//! - [`InProcess`]: a group of ranks that are threads of one process, for tests that split rows
//!   over several ranks without launching MPI. It gives the same bits as MPI for the same buffers.
//! - `MpiCollective` (cargo feature `mpi`): the ranks of an MPI job, through rsmpi.
//!
//! **The reduction order is fixed.** [`Collective::allreduce_sum`] adds the ranks' buffers in rank
//! order, `((b₀ + b₁) + b₂) + …`, on every rank. Floating-point addition is not associative, and an
//! MPI library's own `MPI_Allreduce` picks its algorithm (and so its order) by message size and
//! rank count, and may even leave different ranks with different bits. With a fixed order, every
//! rank holds identical bits (so every rank's solver takes identical steps and stops at the same
//! iteration), and a given number of ranks gives the same bits on every run.
//!
//! **Errors are agreed on.** A rank that fails alone (it cannot read its shard) and simply stops
//! would leave the others waiting in their next collective. [`agree`] turns each rank's own
//! outcome into one outcome for all: either every rank goes on, or every rank returns the same
//! [`CollectiveError::RankFailed`], carrying the message of the lowest failing rank.
//!
//! **Shards** are assigned to ranks deterministically: [`shards_for_rank`] expands a pattern or a
//! list on rank 0, shares it, gives each rank a contiguous run of the sorted files
//! ([`assign_files`]) and agrees on whether every rank's files exist. [`assign_rows`] splits the
//! rows of one file the same way.
//!
//! ```
//! use logreg_collective::{agree, Collective, Local};
//!
//! let world = Local;
//! let mut gradient = [1.0, -2.0, 0.5];
//! world.allreduce_sum(&mut gradient)?;           // one rank: the sum over ranks is its own buffer
//! assert_eq!(gradient, [1.0, -2.0, 0.5]);
//!
//! let read: Result<usize, String> = Err("part-00003.csv: line 7: `abc` is not a number".into());
//! let error = agree(&world, read).unwrap_err();  // with MPI, every rank would get this same error
//! assert_eq!(error.to_string(), "part-00003.csv: line 7: `abc` is not a number");
//! # Ok::<(), logreg_collective::CollectiveError>(())
//! ```
//!
//! Building with MPI and launching a job are described in this crate's README.

use std::fmt;
use std::path::PathBuf;

mod gather;
mod in_process;
pub mod launch;
#[cfg(feature = "mpi")]
mod mpi_world;
mod shards;

pub use gather::{
    all_gather_bytes, all_gather_f64, all_gather_strings, allreduce_counts, pack_fields,
    pack_strings, unpack_fields, unpack_strings,
};
pub use in_process::InProcess;
#[cfg(feature = "mpi")]
pub use mpi_world::{MpiCollective, DEFAULT_EXIT_TIMEOUT, EXIT_TIMEOUT_CODE, PANIC_EXIT_CODE};
pub use shards::{assign_files, assign_rows, expand_shards, shards_for_rank, ShardSpec};

/// Whether this build can run on MPI (the cargo feature `mpi` was on).
pub const MPI_SUPPORT: bool = cfg!(feature = "mpi");

/// How to get a build with MPI, for messages that tell a user why `--distributed` cannot run.
pub const HOW_TO_BUILD_WITH_MPI: &str = "install an MPI library with its headers and clang \
(Debian/Ubuntu: `apt-get install openmpi-bin libopenmpi-dev libclang-dev clang`), rebuild with \
the cargo feature `mpi` (`cargo build --release --features mpi`) and launch with `mpirun`";

/// The operations a data-parallel fit needs from the ranks of a job.
///
/// Every rank must call the same operations in the same order with buffers of the same length
/// (that is what makes them collective); the implementations check what they can cheaply and
/// say which rank disagreed. Errors that one rank meets alone go through [`agree`] first.
pub trait Collective {
    /// This process's rank, `0..size()`.
    fn rank(&self) -> usize;

    /// The number of ranks in the job (at least 1).
    fn size(&self) -> usize;

    /// Whether this is rank 0, the one that writes models and reports.
    fn is_root(&self) -> bool {
        self.rank() == 0
    }

    /// Replaces `buf` on every rank by the element-wise sum of all ranks' `buf`, added in rank
    /// order, so that every rank gets identical bits and a given rank count gives the same bits
    /// on every run. Counts summed this way are exact up to 2⁵³.
    fn allreduce_sum(&self, buf: &mut [f64]) -> Result<(), CollectiveError>;

    /// Replaces `buf` on every rank by rank `root`'s `buf` (the same length on every rank).
    fn broadcast_f64(&self, root: usize, buf: &mut [f64]) -> Result<(), CollectiveError>;

    /// Replaces `bytes` on every rank by rank `root`'s bytes; only the root's length matters.
    fn broadcast_bytes(&self, root: usize, bytes: &mut Vec<u8>) -> Result<(), CollectiveError>;
}

impl<C: Collective + ?Sized> Collective for &C {
    fn rank(&self) -> usize {
        (**self).rank()
    }
    fn size(&self) -> usize {
        (**self).size()
    }
    fn allreduce_sum(&self, buf: &mut [f64]) -> Result<(), CollectiveError> {
        (**self).allreduce_sum(buf)
    }
    fn broadcast_f64(&self, root: usize, buf: &mut [f64]) -> Result<(), CollectiveError> {
        (**self).broadcast_f64(root, buf)
    }
    fn broadcast_bytes(&self, root: usize, bytes: &mut Vec<u8>) -> Result<(), CollectiveError> {
        (**self).broadcast_bytes(root, bytes)
    }
}

impl<C: Collective + ?Sized> Collective for Box<C> {
    fn rank(&self) -> usize {
        (**self).rank()
    }
    fn size(&self) -> usize {
        (**self).size()
    }
    fn allreduce_sum(&self, buf: &mut [f64]) -> Result<(), CollectiveError> {
        (**self).allreduce_sum(buf)
    }
    fn broadcast_f64(&self, root: usize, buf: &mut [f64]) -> Result<(), CollectiveError> {
        (**self).broadcast_f64(root, buf)
    }
    fn broadcast_bytes(&self, root: usize, bytes: &mut Vec<u8>) -> Result<(), CollectiveError> {
        (**self).broadcast_bytes(root, bytes)
    }
}

/// The single process: rank 0 of 1. Every operation leaves its buffer as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Local;

impl Collective for Local {
    fn rank(&self) -> usize {
        0
    }
    fn size(&self) -> usize {
        1
    }
    fn allreduce_sum(&self, _buf: &mut [f64]) -> Result<(), CollectiveError> {
        Ok(())
    }
    fn broadcast_f64(&self, root: usize, _buf: &mut [f64]) -> Result<(), CollectiveError> {
        check_root(root, 1)
    }
    fn broadcast_bytes(&self, root: usize, _bytes: &mut Vec<u8>) -> Result<(), CollectiveError> {
        check_root(root, 1)
    }
}

/// Opens the MPI job this process was launched in (`mpirun`, `srun`), or explains how to get a
/// build that can, so a `--distributed` flag gives the same clear error in every build.
///
/// MPI is finalized when the returned value is dropped; it cannot be opened again in the same
/// process.
pub fn init_distributed() -> Result<Box<dyn Collective>, CollectiveError> {
    #[cfg(feature = "mpi")]
    {
        Ok(Box::new(MpiCollective::init()?))
    }
    #[cfg(not(feature = "mpi"))]
    {
        Err(CollectiveError::MpiNotBuilt)
    }
}

/// Turns each rank's own outcome into one outcome for all ranks, so that a rank that fails alone
/// does not leave the others waiting.
///
/// Every rank must call it at the same point. If every rank passes `Ok`, each gets its own value
/// back. If any rank passes `Err`, every rank returns the same [`CollectiveError::RankFailed`]:
/// the lowest failing rank, its error's message, and which other ranks failed. Costs one
/// allreduce of `size` doubles, plus one broadcast when a rank failed.
///
/// ```
/// use logreg_collective::{agree, Collective, CollectiveError, InProcess};
///
/// // Three ranks on threads; rank 1 cannot read its shard.
/// let outcomes: Vec<Result<u32, CollectiveError>> = std::thread::scope(|s| {
///     let handles: Vec<_> = InProcess::group(3)?
///         .into_iter()
///         .map(|rank| s.spawn(move || {
///             let mine = match rank.rank() {
///                 1 => Err("cannot read `part-00001.csv`".to_string()),
///                 r => Ok(r as u32),
///             };
///             agree(&rank, mine)
///         }))
///         .collect();
///     Ok::<_, CollectiveError>(handles.into_iter().map(|h| h.join().unwrap()).collect())
/// })?;
/// for outcome in outcomes {
///     assert_eq!(outcome.unwrap_err().to_string(), "rank 1 of 3 failed: cannot read `part-00001.csv`");
/// }
/// # Ok::<(), CollectiveError>(())
/// ```
pub fn agree<C, T, E>(collective: &C, outcome: Result<T, E>) -> Result<T, CollectiveError>
where
    C: Collective + ?Sized,
    E: fmt::Display,
{
    let size = collective.size();
    let rank = collective.rank();
    // One slot per rank rather than a count: the sum says exactly which ranks failed, and 0.0/1.0
    // add exactly in any order.
    let mut failed = vec![0.0; size];
    if outcome.is_err() {
        failed[rank] = 1.0;
    }
    collective.allreduce_sum(&mut failed)?;
    let failed: Vec<usize> = (0..size).filter(|&r| failed[r] != 0.0).collect();
    let Some(&lowest) = failed.first() else {
        return outcome.map_err(|_| CollectiveError::Internal {
            what: "agree: this rank failed, but the allreduce says no rank did".into(),
        });
    };
    let mut message = match &outcome {
        Err(e) if rank == lowest => e.to_string().into_bytes(),
        _ => Vec::new(),
    };
    collective.broadcast_bytes(lowest, &mut message)?;
    Err(CollectiveError::RankFailed {
        rank: lowest,
        size,
        message: String::from_utf8_lossy(&message).into_owned(),
        also_failed: failed[1..].to_vec(),
    })
}

/// What went wrong in a collective operation or in assigning shards to ranks.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CollectiveError {
    /// A rank failed (its message is the one it gave [`agree`]); every rank returns this same
    /// error. With one rank, it displays as the message alone.
    #[error("{}", describe_failure(*rank, *size, message, also_failed))]
    RankFailed {
        /// The lowest rank that failed.
        rank: usize,
        /// The number of ranks in the job.
        size: usize,
        /// That rank's error message.
        message: String,
        /// The other ranks that failed, in rank order.
        also_failed: Vec<usize>,
    },
    /// A broadcast named a root that is not a rank of the job.
    #[error("broadcast from rank {root}, but the job has {size} rank(s), numbered from 0")]
    RootOutOfRange {
        /// The root that was asked for.
        root: usize,
        /// The number of ranks.
        size: usize,
    },
    /// Ranks passed buffers of different lengths to the same collective operation.
    #[error(
        "{operation}: rank {rank} passed {found} values but rank 0 passed {expected}; \
         every rank must pass the same length"
    )]
    LengthMismatch {
        /// The operation (`allreduce_sum`, `broadcast_f64`).
        operation: &'static str,
        /// The first rank whose length differs from rank 0's.
        rank: usize,
        /// Rank 0's length.
        expected: usize,
        /// That rank's length.
        found: usize,
    },
    /// A buffer too large for one MPI call (its element count must fit in a C `int`).
    #[error("{operation}: {len} elements are more than one MPI call can move ({max})")]
    TooLarge {
        /// The operation.
        operation: &'static str,
        /// The number of elements it would move.
        len: usize,
        /// The most one call can move.
        max: usize,
    },
    /// A rank left an [`InProcess`] group (its handle was dropped, say on an early return or a
    /// panic) while the others waited for it.
    #[error("rank {rank} left the group while the other ranks waited for it in a collective")]
    RankLeft {
        /// The rank that left.
        rank: usize,
    },
    /// A group of zero ranks was asked for.
    #[error("a group needs at least one rank")]
    EmptyGroup,
    /// `--distributed` (or [`init_distributed`]) in a build without MPI.
    #[error("this build has no MPI support; to run distributed, {HOW_TO_BUILD_WITH_MPI}")]
    MpiNotBuilt,
    /// MPI was initialized before in this process (it can be, at most once per process).
    #[error(
        "MPI is already initialized in this process (or was finalized): create one MpiCollective \
         per process, at the start, and pass it by reference"
    )]
    AlreadyInitialized,
    /// A shard pattern that is not a valid glob.
    #[error("shard pattern `{pattern}` is not a valid glob: {reason}")]
    BadPattern {
        /// The pattern.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A shard pattern that matches no file.
    #[error("no file matches the shard pattern `{pattern}`")]
    NoShards {
        /// The pattern.
        pattern: String,
    },
    /// An empty list of shards.
    #[error("the list of shard files is empty")]
    EmptyShardList,
    /// A directory that a pattern walks through cannot be read.
    #[error("cannot list shards for `{pattern}`: {reason}")]
    UnreadableDirectory {
        /// The pattern.
        pattern: String,
        /// The directory and the system's reason.
        reason: String,
    },
    /// A shard file that does not exist (or cannot be examined).
    #[error("shard `{}` does not exist or cannot be read: {reason}", path.display())]
    MissingShard {
        /// The shard.
        path: PathBuf,
        /// The system's reason.
        reason: String,
    },
    /// A shard that is a directory or another kind of non-file.
    #[error("shard `{}` is not a file", path.display())]
    NotAFile {
        /// The shard.
        path: PathBuf,
    },
    /// The same file twice in a list of shards (its rows would count twice).
    #[error("shard `{}` is listed twice", path.display())]
    DuplicateShard {
        /// The shard.
        path: PathBuf,
    },
    /// More ranks than shard files: some rank would have no rows.
    #[error(
        "{ranks} ranks but only {shards} shard file(s): rank {idle_rank} would get none; \
         run with at most {shards} rank(s) or split the data into more files"
    )]
    TooFewShards {
        /// The number of shard files.
        shards: usize,
        /// The number of ranks.
        ranks: usize,
        /// The first rank that would get no file.
        idle_rank: usize,
    },
    /// More ranks than rows: some rank would have none.
    #[error(
        "{ranks} ranks but only {rows} row(s): rank {idle_rank} would get none; \
         run with at most {rows} rank(s)"
    )]
    TooFewRows {
        /// The number of rows.
        rows: usize,
        /// The number of ranks.
        ranks: usize,
        /// The first rank that would get no row.
        idle_rank: usize,
    },
    /// A rank number not below the rank count was asked about.
    #[error("rank {rank} is not a rank of a job with {size} rank(s)")]
    RankOutOfRange {
        /// The rank asked about.
        rank: usize,
        /// The number of ranks.
        size: usize,
    },
    /// A broken internal invariant; a bug to report, never the user's fault.
    #[error("internal error in logreg-collective (please report): {what}")]
    Internal {
        /// What broke.
        what: String,
    },
}

fn describe_failure(rank: usize, size: usize, message: &str, also_failed: &[usize]) -> String {
    if size == 1 {
        return message.to_string();
    }
    let mut text = format!("rank {rank} of {size} failed: {message}");
    if !also_failed.is_empty() {
        let others: Vec<String> = also_failed.iter().map(usize::to_string).collect();
        let noun = if others.len() == 1 { "rank" } else { "ranks" };
        text.push_str(&format!(" ({noun} {} failed too)", others.join(", ")));
    }
    text
}

fn check_root(root: usize, size: usize) -> Result<(), CollectiveError> {
    if root < size {
        Ok(())
    } else {
        Err(CollectiveError::RootOutOfRange { root, size })
    }
}

/// Sums the `gathered.len() / out.len()` consecutive rank buffers of `gathered` into `out`, in
/// rank order. Shared by every implementation, so that they give the same bits.
fn sum_in_rank_order(gathered: &[f64], out: &mut [f64]) {
    let n = out.len();
    debug_assert!(n == 0 || gathered.len().is_multiple_of(n));
    if n == 0 {
        return;
    }
    let mut blocks = gathered.chunks_exact(n);
    if let Some(first) = blocks.next() {
        out.copy_from_slice(first);
    }
    for block in blocks {
        for (o, &v) in out.iter_mut().zip(block) {
            *o += v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_is_rank_0_of_1_and_leaves_buffers_alone() {
        let local = Local;
        assert_eq!((local.rank(), local.size(), local.is_root()), (0, 1, true));
        let original = [0.1, -0.0, f64::MIN_POSITIVE, 1e300];
        let mut buf = original;
        local.allreduce_sum(&mut buf).unwrap();
        assert_eq!(buf.map(f64::to_bits), original.map(f64::to_bits));
        local.broadcast_f64(0, &mut buf).unwrap();
        assert_eq!(buf.map(f64::to_bits), original.map(f64::to_bits));
        let mut bytes = b"header".to_vec();
        local.broadcast_bytes(0, &mut bytes).unwrap();
        assert_eq!(bytes, b"header");
    }

    #[test]
    fn local_rejects_a_root_that_is_not_a_rank() {
        let error = Local.broadcast_f64(1, &mut [1.0]).unwrap_err();
        assert_eq!(error, CollectiveError::RootOutOfRange { root: 1, size: 1 });
        assert_eq!(
            error.to_string(),
            "broadcast from rank 1, but the job has 1 rank(s), numbered from 0"
        );
        assert!(Local.broadcast_bytes(3, &mut Vec::new()).is_err());
    }

    #[test]
    fn agree_on_one_rank_passes_values_and_keeps_the_message() {
        assert_eq!(agree(&Local, Ok::<_, String>(7)).unwrap(), 7);
        let error = agree(&Local, Err::<(), _>("cannot read `a.csv`")).unwrap_err();
        assert_eq!(
            error,
            CollectiveError::RankFailed {
                rank: 0,
                size: 1,
                message: "cannot read `a.csv`".into(),
                also_failed: vec![]
            }
        );
        assert_eq!(error.to_string(), "cannot read `a.csv`");
    }

    #[test]
    fn agree_works_through_references_and_boxes() {
        let boxed: Box<dyn Collective> = Box::new(Local);
        assert_eq!(agree(&boxed, Ok::<_, String>(1)).unwrap(), 1);
        assert_eq!(agree(&&Local, Ok::<_, String>(2)).unwrap(), 2);
        assert_eq!(boxed.size(), 1);
    }

    #[test]
    fn failure_messages_name_the_rank_and_the_others() {
        assert_eq!(
            describe_failure(1, 3, "bad", &[]),
            "rank 1 of 3 failed: bad"
        );
        assert_eq!(
            describe_failure(0, 4, "bad", &[2]),
            "rank 0 of 4 failed: bad (rank 2 failed too)"
        );
        assert_eq!(
            describe_failure(0, 4, "bad", &[2, 3]),
            "rank 0 of 4 failed: bad (ranks 2, 3 failed too)"
        );
    }

    #[test]
    fn rank_order_sum_adds_left_to_right() {
        // 2⁵³ + 1 + 1 is 2⁵³ added left to right (each 1 is lost), 2⁵³ + 2 in another order.
        let big = 9007199254740992.0; // 2⁵³: the next double is 2⁵³ + 2, and a tie rounds down
        let gathered = [big, 1.0, 1.0, 2.0, 1.0, 3.0];
        let mut out = [0.0; 2];
        sum_in_rank_order(&gathered, &mut out);
        assert_eq!(out, [big, 6.0]);
        assert_ne!(out[0], 1.0 + 1.0 + big);
        let mut empty: [f64; 0] = [];
        sum_in_rank_order(&[], &mut empty);
    }

    #[test]
    fn without_mpi_the_distributed_entry_point_says_how_to_build() {
        if MPI_SUPPORT {
            return;
        }
        let Err(error) = init_distributed() else {
            panic!("a build without MPI opened an MPI job");
        };
        let message = error.to_string();
        assert!(message.contains("--features mpi"), "{message}");
        assert!(
            message.contains("apt-get install openmpi-bin libopenmpi-dev"),
            "{message}"
        );
    }
}
