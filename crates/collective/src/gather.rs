//! What the ranks exchange besides sums: every rank's buffer on every rank (an all-gather, built
//! from one broadcast per rank), exact counts, and a framing for lists of byte strings.
//!
//! A fit gathers only small things this way (each rank's column statistics, category sets, the
//! columns of its files); the per-iteration work goes through [`Collective::allreduce_sum`].

use crate::{Collective, CollectiveError};

/// Every rank's `local` bytes, in rank order, on every rank (lengths may differ).
///
/// One broadcast per rank, so it costs `size` rounds: for the small summaries a fit exchanges
/// once (column statistics, category sets, schemas), never for per-iteration data.
///
/// ```
/// use logreg_collective::{all_gather_bytes, Local};
/// assert_eq!(all_gather_bytes(&Local, b"mine")?, vec![b"mine".to_vec()]);
/// # Ok::<(), logreg_collective::CollectiveError>(())
/// ```
pub fn all_gather_bytes<C: Collective + ?Sized>(
    collective: &C,
    local: &[u8],
) -> Result<Vec<Vec<u8>>, CollectiveError> {
    let mut all = Vec::with_capacity(collective.size());
    for root in 0..collective.size() {
        let mut bytes = if root == collective.rank() {
            local.to_vec()
        } else {
            Vec::new()
        };
        collective.broadcast_bytes(root, &mut bytes)?;
        all.push(bytes);
    }
    Ok(all)
}

/// Every rank's `local` numbers, in rank order, on every rank, bit for bit (NaN, ±∞ and −0
/// included; lengths may differ).
pub fn all_gather_f64<C: Collective + ?Sized>(
    collective: &C,
    local: &[f64],
) -> Result<Vec<Vec<f64>>, CollectiveError> {
    let bytes: Vec<u8> = local.iter().flat_map(|v| v.to_le_bytes()).collect();
    all_gather_bytes(collective, &bytes)?
        .into_iter()
        .map(|b| {
            if b.len() % 8 != 0 {
                return Err(CollectiveError::Internal {
                    what: format!(
                        "all_gather_f64 received {} bytes, not whole doubles",
                        b.len()
                    ),
                });
            }
            Ok(b.chunks_exact(8)
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect())
        })
        .collect()
}

/// Replaces each count by its sum over all ranks (exact: counts travel as doubles, exact up to
/// 2⁵³, and a sum beyond that is an error rather than a rounded count).
pub fn allreduce_counts<C: Collective + ?Sized>(
    collective: &C,
    counts: &mut [usize],
) -> Result<(), CollectiveError> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2⁵³
    let mut buf: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    collective.allreduce_sum(&mut buf)?;
    for (c, v) in counts.iter_mut().zip(buf) {
        if !(0.0..EXACT).contains(&v) {
            return Err(CollectiveError::Internal {
                what: format!("a count summed over the ranks is {v}, beyond exact doubles"),
            });
        }
        *c = v as usize;
    }
    Ok(())
}

/// Byte strings framed one after the other, each as its length (u64, little-endian) and its
/// bytes: a list that survives a broadcast whatever bytes it holds.
pub fn pack_fields<B: AsRef<[u8]>>(fields: &[B]) -> Vec<u8> {
    let mut wire = Vec::new();
    for field in fields {
        let bytes = field.as_ref();
        wire.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        wire.extend_from_slice(bytes);
    }
    wire
}

/// The byte strings [`pack_fields`] framed.
pub fn unpack_fields(mut wire: &[u8]) -> Result<Vec<&[u8]>, CollectiveError> {
    let broken = || CollectiveError::Internal {
        what: "a list received from another rank is malformed".into(),
    };
    let mut fields = Vec::new();
    while !wire.is_empty() {
        let (len, rest) = wire.split_first_chunk::<8>().ok_or_else(broken)?;
        let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|_| broken())?;
        if rest.len() < len {
            return Err(broken());
        }
        let (bytes, rest) = rest.split_at(len);
        fields.push(bytes);
        wire = rest;
    }
    Ok(fields)
}

/// Strings framed by [`pack_fields`].
pub fn pack_strings<S: AsRef<str>>(strings: &[S]) -> Vec<u8> {
    let bytes: Vec<&[u8]> = strings.iter().map(|s| s.as_ref().as_bytes()).collect();
    pack_fields(&bytes)
}

/// The strings [`pack_strings`] framed.
pub fn unpack_strings(wire: &[u8]) -> Result<Vec<String>, CollectiveError> {
    unpack_fields(wire)?
        .into_iter()
        .map(|b| {
            String::from_utf8(b.to_vec()).map_err(|_| CollectiveError::Internal {
                what: "a string received from another rank is not UTF-8".into(),
            })
        })
        .collect()
}

/// Every rank's list of strings, in rank order, on every rank.
pub fn all_gather_strings<C: Collective + ?Sized, S: AsRef<str>>(
    collective: &C,
    local: &[S],
) -> Result<Vec<Vec<String>>, CollectiveError> {
    all_gather_bytes(collective, &pack_strings(local))?
        .iter()
        .map(|wire| unpack_strings(wire))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InProcess, Local};

    fn on_ranks<T: Send>(size: usize, work: impl Fn(&InProcess) -> T + Sync) -> Vec<T> {
        InProcess::run(size, work).unwrap()
    }

    #[test]
    fn gathers_give_every_rank_every_buffer_in_rank_order_bit_for_bit() {
        let results = on_ranks(3, |c| {
            let mine: Vec<f64> = match c.rank() {
                0 => vec![-0.0, f64::NAN],
                1 => vec![],
                _ => vec![f64::INFINITY, 1e-310, 3.5],
            };
            let numbers = all_gather_f64(c, &mine).unwrap();
            let words = all_gather_strings(c, &vec![format!("r{}", c.rank()); c.rank()]).unwrap();
            (numbers, words)
        });
        for (numbers, words) in results {
            let bits: Vec<Vec<u64>> = numbers
                .iter()
                .map(|v| v.iter().map(|x| x.to_bits()).collect())
                .collect();
            assert_eq!(
                bits,
                vec![
                    vec![(-0.0f64).to_bits(), f64::NAN.to_bits()],
                    vec![],
                    vec![
                        f64::INFINITY.to_bits(),
                        1e-310f64.to_bits(),
                        3.5f64.to_bits()
                    ]
                ]
            );
            assert_eq!(
                words,
                vec![
                    vec![],
                    vec!["r1".to_string()],
                    vec!["r2".into(), "r2".into()]
                ]
            );
        }
    }

    #[test]
    fn counts_add_exactly_over_ranks() {
        let results = on_ranks(4, |c| {
            let mut counts = [c.rank(), 1, 1 << 40];
            allreduce_counts(c, &mut counts).unwrap();
            counts
        });
        assert_eq!(results, vec![[6, 4, 4 << 40]; 4]);
        let mut one = [5];
        allreduce_counts(&Local, &mut one).unwrap();
        assert_eq!(one, [5]);
    }

    #[test]
    fn framed_lists_survive_and_broken_ones_are_errors() {
        let strings = ["", "a,b", "ünïcode\n"];
        assert_eq!(unpack_strings(&pack_strings(&strings)).unwrap(), strings);
        let wire = pack_strings(&strings);
        assert!(unpack_fields(&wire[..wire.len() - 1]).is_err());
        assert!(unpack_fields(&wire[..3]).is_err());
        assert!(unpack_strings(&pack_fields(&[[0xffu8]])).is_err());
    }
}
