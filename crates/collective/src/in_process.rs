//! Ranks that are threads of one process: a distributed fit tested under `cargo test`, with the
//! same reduction order (and so the same bits) as the MPI implementation.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use crate::{check_root, sum_in_rank_order, Collective, CollectiveError};

/// One rank of a group whose ranks are threads of this process.
///
/// Every rank must run on its own thread and call the same operations in the same order, as MPI
/// ranks would. A rank whose handle is dropped (it returned early, or panicked) leaves the group:
/// the ranks waiting for it get [`CollectiveError::RankLeft`] instead of waiting forever.
///
/// ```
/// use logreg_collective::{Collective, CollectiveError, InProcess};
///
/// let sums = InProcess::run(3, |rank| {
///     let mut partial = [rank.rank() as f64, 1.0];  // this rank's share of a sum
///     rank.allreduce_sum(&mut partial).map(|()| partial)
/// })?
/// .into_iter()
/// .collect::<Result<Vec<_>, _>>()?;
/// assert_eq!(sums, vec![[3.0, 3.0]; 3]);
/// # Ok::<(), CollectiveError>(())
/// ```
#[derive(Debug)]
pub struct InProcess {
    rank: usize,
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    size: usize,
    state: Mutex<State>,
    turn: Condvar,
}

#[derive(Debug)]
struct State {
    /// Ranks waiting in the current round.
    arrived: usize,
    /// Rounds completed; a waiter knows its round is over when this moves.
    round: u64,
    /// The first rank that left the group.
    left: Option<usize>,
    /// Each rank's buffer for the operation under way.
    values: Vec<Vec<f64>>,
    /// The root's bytes for a byte broadcast.
    bytes: Vec<u8>,
}

impl InProcess {
    /// Makes a group of `size` ranks; hand element `r` (rank `r`) to its own thread.
    pub fn group(size: usize) -> Result<Vec<InProcess>, CollectiveError> {
        if size == 0 {
            return Err(CollectiveError::EmptyGroup);
        }
        let shared = Arc::new(Shared {
            size,
            state: Mutex::new(State {
                arrived: 0,
                round: 0,
                left: None,
                values: vec![Vec::new(); size],
                bytes: Vec::new(),
            }),
            turn: Condvar::new(),
        });
        Ok((0..size)
            .map(|rank| InProcess {
                rank,
                shared: Arc::clone(&shared),
            })
            .collect())
    }

    /// Runs `work` on every rank of a new group of `size`, each rank on a scoped thread of its
    /// own (so `work` may borrow), and returns each rank's result in rank order: how tests and
    /// examples play a job of `size` processes. A rank that panics leaves the group (the
    /// others get [`CollectiveError::RankLeft`] rather than wait for it), and its panic is
    /// resumed here once every rank has ended. (The example on [`InProcess`] uses it.)
    pub fn run<T: Send>(
        size: usize,
        work: impl Fn(&InProcess) -> T + Sync,
    ) -> Result<Vec<T>, CollectiveError> {
        let group = InProcess::group(size)?;
        let joined: Vec<std::thread::Result<T>> = std::thread::scope(|s| {
            let handles: Vec<_> = group
                .into_iter()
                .map(|rank| {
                    let work = &work;
                    s.spawn(move || work(&rank))
                })
                .collect();
            handles.into_iter().map(|h| h.join()).collect()
        });
        joined
            .into_iter()
            .map(|r| r.unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .map(Ok)
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // No code panics while holding the lock, and a rank that panicked elsewhere has left
        // (its Drop says so), so the state behind a poisoned lock is still consistent.
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until every rank has arrived in this round, or one has left the group.
    fn meet<'a>(
        &'a self,
        mut state: MutexGuard<'a, State>,
    ) -> Result<MutexGuard<'a, State>, CollectiveError> {
        if let Some(rank) = state.left {
            return Err(CollectiveError::RankLeft { rank });
        }
        let round = state.round;
        state.arrived += 1;
        if state.arrived == self.shared.size {
            state.arrived = 0;
            state.round += 1;
            self.shared.turn.notify_all();
            return Ok(state);
        }
        // The round test comes first: a rank that left after the round was complete is no
        // reason to fail it.
        while state.round == round {
            if let Some(rank) = state.left {
                return Err(CollectiveError::RankLeft { rank });
            }
            state = self
                .shared
                .turn
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        Ok(state)
    }

    /// Every rank's length agrees with rank 0's (every rank sees all lengths, so all agree).
    fn check_lengths(state: &State, operation: &'static str) -> Result<(), CollectiveError> {
        let expected = state.values[0].len();
        match state.values.iter().position(|v| v.len() != expected) {
            None => Ok(()),
            Some(rank) => Err(CollectiveError::LengthMismatch {
                operation,
                rank,
                expected,
                found: state.values[rank].len(),
            }),
        }
    }
}

impl Collective for InProcess {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.shared.size
    }

    fn allreduce_sum(&self, buf: &mut [f64]) -> Result<(), CollectiveError> {
        let mut state = self.lock();
        state.values[self.rank].clear();
        state.values[self.rank].extend_from_slice(buf);
        let state = self.meet(state)?;
        Self::check_lengths(&state, "allreduce_sum")?;
        let gathered = state.values.concat();
        sum_in_rank_order(&gathered, buf);
        // Nobody may write the next operation's buffer before everyone has read this one's.
        self.meet(state).map(drop)
    }

    fn broadcast_f64(&self, root: usize, buf: &mut [f64]) -> Result<(), CollectiveError> {
        check_root(root, self.size())?;
        let mut state = self.lock();
        state.values[self.rank].clear();
        state.values[self.rank].extend_from_slice(buf);
        let state = self.meet(state)?;
        Self::check_lengths(&state, "broadcast_f64")?;
        buf.copy_from_slice(&state.values[root]);
        self.meet(state).map(drop)
    }

    fn broadcast_bytes(&self, root: usize, bytes: &mut Vec<u8>) -> Result<(), CollectiveError> {
        check_root(root, self.size())?;
        let mut state = self.lock();
        if self.rank == root {
            state.bytes.clone_from(bytes);
        }
        let state = self.meet(state)?;
        if self.rank != root {
            bytes.clone_from(&state.bytes);
        }
        self.meet(state).map(drop)
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        let mut state = self.lock();
        if state.left.is_none() {
            state.left = Some(self.rank);
        }
        self.shared.turn.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agree;

    fn on_ranks<T: Send>(size: usize, work: impl Fn(&InProcess) -> T + Sync) -> Vec<T> {
        InProcess::run(size, work).unwrap()
    }

    /// A rank's share: values of very different magnitudes, so that the order of addition shows
    /// in the bits.
    fn share(rank: usize, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| {
                let k = (rank * 31 + i * 17) % 23;
                (1.0 + (rank * n + i) as f64 / 7.0) * 10f64.powi(k as i32 - 11)
            })
            .collect()
    }

    #[test]
    fn an_empty_group_is_an_error() {
        assert_eq!(
            InProcess::group(0).unwrap_err(),
            CollectiveError::EmptyGroup
        );
    }

    #[test]
    fn allreduce_gives_every_rank_the_rank_order_sum_bit_for_bit() {
        for size in 1..=4 {
            let expected: Vec<u64> = {
                let gathered: Vec<f64> = (0..size).flat_map(|r| share(r, 51)).collect();
                let mut out = vec![0.0; 51];
                sum_in_rank_order(&gathered, &mut out);
                out.iter().map(|v| v.to_bits()).collect()
            };
            let results = on_ranks(size, |c| {
                let mut runs = Vec::new();
                for _ in 0..5 {
                    let mut buf = share(c.rank(), 51);
                    c.allreduce_sum(&mut buf).unwrap();
                    runs.push(buf.iter().map(|v| v.to_bits()).collect::<Vec<u64>>());
                }
                runs
            });
            for runs in results {
                for run in runs {
                    assert_eq!(run, expected, "size {size}");
                }
            }
        }
    }

    #[test]
    fn broadcasts_copy_the_roots_buffer_to_every_rank() {
        let results = on_ranks(3, |c| {
            let mut values = [c.rank() as f64; 4];
            c.broadcast_f64(2, &mut values).unwrap();
            let mut bytes = if c.rank() == 1 {
                b"columns: a,b,c".to_vec()
            } else {
                vec![0; 100]
            };
            c.broadcast_bytes(1, &mut bytes).unwrap();
            (values, bytes)
        });
        for result in results {
            let (values, bytes) = result;
            assert_eq!(values, [2.0; 4]);
            assert_eq!(bytes, b"columns: a,b,c");
        }
    }

    #[test]
    fn every_rank_sees_the_same_length_mismatch() {
        let results = on_ranks(3, |c| {
            let mut buf = vec![1.0; if c.rank() == 2 { 4 } else { 3 }];
            c.allreduce_sum(&mut buf).unwrap_err()
        });
        for result in results {
            assert_eq!(
                result,
                CollectiveError::LengthMismatch {
                    operation: "allreduce_sum",
                    rank: 2,
                    expected: 3,
                    found: 4
                }
            );
        }
    }

    #[test]
    fn a_rank_that_leaves_makes_the_waiting_ranks_fail_instead_of_hang() {
        let results = on_ranks(3, |c| {
            if c.rank() == 1 {
                // Leaves without taking part: its handle is dropped when the thread returns.
                return None;
            }
            Some(c.allreduce_sum(&mut [1.0]).unwrap_err())
        });
        for (rank, result) in results.into_iter().enumerate() {
            match result {
                None => assert_eq!(rank, 1),
                Some(error) => assert_eq!(error, CollectiveError::RankLeft { rank: 1 }),
            }
        }
    }

    #[test]
    fn agree_gives_every_rank_the_lowest_failing_ranks_message() {
        let results = on_ranks(4, |c| {
            let mine: Result<usize, String> = match c.rank() {
                1 | 3 => Err(format!("cannot read shard {}", c.rank())),
                r => Ok(r),
            };
            agree(c, mine)
        });
        for result in results {
            let error = result.unwrap_err();
            assert_eq!(
                error.to_string(),
                "rank 1 of 4 failed: cannot read shard 1 (rank 3 failed too)"
            );
        }
        let results = on_ranks(3, |c| agree(c, Ok::<_, String>(c.rank() * 10)));
        let values: Vec<usize> = results.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(values, [0, 10, 20]);
    }
}
