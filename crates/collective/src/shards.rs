//! Which rows each rank reads: whole files (shards) assigned to ranks, or row ranges of one file.
//!
//! Both split the same way: the ranks take contiguous, balanced runs in rank order (rank 0 the
//! first run, the first `n % size` ranks one item more). Contiguous rather than round-robin so
//! that the ranks' rows, taken in rank order, are the rows of the single-process fit in their
//! order; the reduction is fixed by rank and then by block, so the distributed sums follow the
//! data's order as closely as a split allows.

use std::collections::HashSet;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::{agree, pack_fields, unpack_fields, Collective, CollectiveError};

/// Where a distributed fit's rows come from: files, each read whole by one rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShardSpec {
    /// A glob pattern (`data/part-*.csv`): `*`, `?` and `[…]` within one path component, `**`
    /// for any number of directories. Its files are taken sorted by path (so name numbered
    /// shards with zero padding, `part-00002` before `part-00010`, as Spark and Hadoop do).
    Pattern(String),
    /// Files in the order given, which is the order of their rows.
    List(Vec<PathBuf>),
}

impl ShardSpec {
    /// From command-line arguments: a single argument containing `*`, `?` or `[` is a pattern
    /// (quoted, so the shell left it alone); anything else is a list of files.
    ///
    /// ```
    /// use logreg_collective::ShardSpec;
    /// assert_eq!(ShardSpec::from_args(["data/part-*.csv"]), ShardSpec::Pattern("data/part-*.csv".into()));
    /// assert_eq!(ShardSpec::from_args(["a.csv", "b.csv"]), ShardSpec::List(vec!["a.csv".into(), "b.csv".into()]));
    /// ```
    pub fn from_args<I, S>(args: I) -> ShardSpec
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let args: Vec<String> = args.into_iter().map(|a| a.as_ref().to_string()).collect();
        match args.as_slice() {
            [one] if one.contains(['*', '?', '[']) => ShardSpec::Pattern(one.clone()),
            _ => ShardSpec::List(args.into_iter().map(PathBuf::from).collect()),
        }
    }
}

/// The shard files of `spec` in the order their rows come: a pattern's matches sorted by path
/// (every match must be a file), a list as given (no file twice). A list's files are not looked
/// at here: on a cluster without shared storage only the rank that reads a file can see it.
pub fn expand_shards(spec: &ShardSpec) -> Result<Vec<PathBuf>, CollectiveError> {
    match spec {
        ShardSpec::Pattern(pattern) => {
            let options = glob::MatchOptions {
                case_sensitive: true,
                require_literal_separator: true,
                require_literal_leading_dot: true,
            };
            let matches =
                glob::glob_with(pattern, options).map_err(|e| CollectiveError::BadPattern {
                    pattern: pattern.clone(),
                    reason: format!("{} (at character {})", e.msg, e.pos + 1),
                })?;
            let mut files = Vec::new();
            for entry in matches {
                let path = entry.map_err(|e| CollectiveError::UnreadableDirectory {
                    pattern: pattern.clone(),
                    reason: format!("{}: {}", e.path().display(), e.error()),
                })?;
                if !path.is_file() {
                    return Err(CollectiveError::NotAFile { path });
                }
                files.push(path);
            }
            if files.is_empty() {
                return Err(CollectiveError::NoShards {
                    pattern: pattern.clone(),
                });
            }
            files.sort();
            Ok(files)
        }
        ShardSpec::List(files) => {
            if files.is_empty() {
                return Err(CollectiveError::EmptyShardList);
            }
            let mut seen = HashSet::new();
            for path in files {
                if !seen.insert(path) {
                    return Err(CollectiveError::DuplicateShard { path: path.clone() });
                }
            }
            Ok(files.clone())
        }
    }
}

/// The shards (indices into the ordered list of `shards` files) that `rank` of `size` reads: a
/// contiguous run, the first `shards % size` ranks one file more. Fails when some rank would get
/// no file, naming the first such rank.
///
/// ```
/// use logreg_collective::assign_files;
/// // 5 files over 3 ranks: [0, 1], [2, 3], [4].
/// assert_eq!(assign_files(5, 3, 0)?, 0..2);
/// assert_eq!(assign_files(5, 3, 2)?, 4..5);
/// assert!(assign_files(2, 3, 0).is_err());   // rank 2 would have nothing to read
/// # Ok::<(), logreg_collective::CollectiveError>(())
/// ```
pub fn assign_files(
    shards: usize,
    size: usize,
    rank: usize,
) -> Result<Range<usize>, CollectiveError> {
    if rank >= size {
        return Err(CollectiveError::RankOutOfRange { rank, size });
    }
    if shards < size {
        return Err(CollectiveError::TooFewShards {
            shards,
            ranks: size,
            idle_rank: shards,
        });
    }
    Ok(block(shards, size, rank))
}

/// The rows `rank` of `size` reads when all ranks share one file of `rows` rows: a contiguous
/// range, the first `rows % size` ranks one row more. Fails when some rank would get no row.
///
/// ```
/// use logreg_collective::assign_rows;
/// assert_eq!(assign_rows(10, 3, 0)?, 0..4);
/// assert_eq!(assign_rows(10, 3, 1)?, 4..7);
/// assert_eq!(assign_rows(10, 3, 2)?, 7..10);
/// # Ok::<(), logreg_collective::CollectiveError>(())
/// ```
pub fn assign_rows(rows: usize, size: usize, rank: usize) -> Result<Range<usize>, CollectiveError> {
    if rank >= size {
        return Err(CollectiveError::RankOutOfRange { rank, size });
    }
    if rows < size {
        return Err(CollectiveError::TooFewRows {
            rows,
            ranks: size,
            idle_rank: rows,
        });
    }
    Ok(block(rows, size, rank))
}

fn block(n: usize, size: usize, rank: usize) -> Range<usize> {
    let (base, extra) = (n / size, n % size);
    let start = rank * base + rank.min(extra);
    start..start + base + usize::from(rank < extra)
}

/// The files this rank reads, the same answer or the same error on every rank.
///
/// Rank 0 expands `spec` ([`expand_shards`]) and shares the list, so that every rank works from
/// one list even where the ranks' views of the filesystem differ; each rank takes its run of it
/// ([`assign_files`]) and checks that its own files exist. Any failure (no match, more ranks than
/// files, a rank's missing file) is returned by every rank, naming the rank and the file. With
/// one rank, errors come back as they are ([`CollectiveError::MissingShard`], …).
///
/// A pattern is expanded where rank 0 runs: with node-local disks, pass a list instead.
pub fn shards_for_rank<C: Collective + ?Sized>(
    collective: &C,
    spec: &ShardSpec,
) -> Result<Vec<PathBuf>, CollectiveError> {
    let listed = if collective.is_root() {
        expand_shards(spec)
    } else {
        Ok(Vec::new())
    };
    let listed = agree_on(collective, listed)?;
    let mut wire = if collective.is_root() {
        encode_paths(&listed)
    } else {
        Vec::new()
    };
    collective.broadcast_bytes(0, &mut wire)?;
    let all = decode_paths(&wire)?;
    let mine = all[assign_files(all.len(), collective.size(), collective.rank())?].to_vec();
    let checked = mine.iter().try_for_each(|path| check_file(path));
    agree_on(collective, checked)?;
    Ok(mine)
}

/// [`agree`] for this crate's own errors, which a single rank keeps as they are.
fn agree_on<C: Collective + ?Sized, T>(
    collective: &C,
    outcome: Result<T, CollectiveError>,
) -> Result<T, CollectiveError> {
    if collective.size() == 1 {
        outcome
    } else {
        agree(collective, outcome)
    }
}

fn check_file(path: &Path) -> Result<(), CollectiveError> {
    match fs::metadata(path) {
        Err(e) => Err(CollectiveError::MissingShard {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }),
        Ok(meta) if !meta.is_file() => Err(CollectiveError::NotAFile {
            path: path.to_path_buf(),
        }),
        Ok(_) => Ok(()),
    }
}

/// Each path as a framed byte string ([`pack_fields`]).
fn encode_paths(paths: &[PathBuf]) -> Vec<u8> {
    let bytes: Vec<Vec<u8>> = paths.iter().map(|p| path_bytes(p)).collect();
    pack_fields(&bytes)
}

fn decode_paths(wire: &[u8]) -> Result<Vec<PathBuf>, CollectiveError> {
    Ok(unpack_fields(wire)?
        .into_iter()
        .map(path_from_bytes)
        .collect())
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

// Elsewhere a path that is not Unicode arrives altered, and the rank that reads it reports it
// missing by its altered name: an error, never the wrong file.
#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InProcess, Local};

    fn shard_dir(names: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            fs::write(dir.path().join(name), "x,y\n1,0\n").unwrap();
        }
        dir
    }

    #[test]
    fn blocks_are_contiguous_balanced_and_cover_everything() {
        for n in 0..40 {
            for size in 1..=9 {
                let mut next = 0;
                for rank in 0..size {
                    let range = block(n, size, rank);
                    assert_eq!(range.start, next, "n {n} size {size} rank {rank}");
                    assert!(range.len() == n / size || range.len() == n / size + 1);
                    if rank > 0 {
                        assert!(block(n, size, rank - 1).len() >= range.len());
                    }
                    next = range.end;
                }
                assert_eq!(next, n);
            }
        }
    }

    #[test]
    fn more_ranks_than_shards_names_the_first_idle_rank() {
        let error = assign_files(2, 3, 0).unwrap_err();
        assert_eq!(
            error,
            CollectiveError::TooFewShards {
                shards: 2,
                ranks: 3,
                idle_rank: 2
            }
        );
        assert_eq!(
            error.to_string(),
            "3 ranks but only 2 shard file(s): rank 2 would get none; run with at most 2 rank(s) \
             or split the data into more files"
        );
        assert_eq!(
            assign_rows(1, 2, 1).unwrap_err(),
            CollectiveError::TooFewRows {
                rows: 1,
                ranks: 2,
                idle_rank: 1
            }
        );
        assert_eq!(
            assign_files(4, 2, 2).unwrap_err(),
            CollectiveError::RankOutOfRange { rank: 2, size: 2 }
        );
        assert_eq!(assign_files(3, 3, 2).unwrap(), 2..3);
    }

    #[test]
    fn a_pattern_gives_its_files_sorted_and_skips_nothing_silently() {
        let dir = shard_dir(&[
            "part-00002.csv",
            "part-00000.csv",
            "part-00001.csv",
            "other.csv",
        ]);
        let pattern = format!("{}/part-*.csv", dir.path().display());
        let files = expand_shards(&ShardSpec::Pattern(pattern.clone())).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["part-00000.csv", "part-00001.csv", "part-00002.csv"]
        );

        fs::create_dir(dir.path().join("part-00003.csv")).unwrap();
        let error = expand_shards(&ShardSpec::Pattern(pattern)).unwrap_err();
        assert_eq!(
            error,
            CollectiveError::NotAFile {
                path: dir.path().join("part-00003.csv")
            }
        );
    }

    #[test]
    fn a_pattern_without_matches_or_with_bad_syntax_is_named() {
        let dir = shard_dir(&[]);
        let pattern = format!("{}/part-*.parquet", dir.path().display());
        let error = expand_shards(&ShardSpec::Pattern(pattern.clone())).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("no file matches the shard pattern `{pattern}`")
        );
        let error = expand_shards(&ShardSpec::Pattern("data/part-[.csv".into())).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("shard pattern `data/part-[.csv` is not a valid glob"),
            "{error}"
        );
    }

    #[test]
    fn a_list_keeps_its_order_and_rejects_duplicates_and_emptiness() {
        let list = ShardSpec::List(vec!["b.csv".into(), "a.csv".into()]);
        assert_eq!(
            expand_shards(&list).unwrap(),
            [PathBuf::from("b.csv"), PathBuf::from("a.csv")]
        );
        let twice = ShardSpec::List(vec!["a.csv".into(), "b.csv".into(), "a.csv".into()]);
        assert_eq!(
            expand_shards(&twice).unwrap_err().to_string(),
            "shard `a.csv` is listed twice"
        );
        assert_eq!(
            expand_shards(&ShardSpec::List(vec![])).unwrap_err(),
            CollectiveError::EmptyShardList
        );
    }

    #[test]
    fn from_args_tells_a_pattern_from_a_list() {
        assert_eq!(
            ShardSpec::from_args(["d/part-?.csv"]),
            ShardSpec::Pattern("d/part-?.csv".into())
        );
        assert_eq!(
            ShardSpec::from_args(["d/part-0.csv"]),
            ShardSpec::List(vec!["d/part-0.csv".into()])
        );
        assert_eq!(
            ShardSpec::from_args(["a*.csv", "b.csv"]),
            ShardSpec::List(vec!["a*.csv".into(), "b.csv".into()])
        );
    }

    #[test]
    fn paths_survive_the_wire() {
        let paths = vec![
            PathBuf::from("data/part-00000.csv"),
            PathBuf::from(""),
            PathBuf::from("with\nnewline and ünïcode"),
        ];
        assert_eq!(decode_paths(&encode_paths(&paths)).unwrap(), paths);
        let wire = encode_paths(&paths);
        assert!(decode_paths(&wire[..wire.len() - 1]).is_err());
        assert!(decode_paths(&wire[..5]).is_err());
    }

    #[test]
    fn one_rank_reads_every_shard_and_gets_typed_errors() {
        let dir = shard_dir(&["part-1.csv", "part-0.csv"]);
        let pattern = ShardSpec::Pattern(format!("{}/part-*.csv", dir.path().display()));
        let files = shards_for_rank(&Local, &pattern).unwrap();
        assert_eq!(
            files,
            [dir.path().join("part-0.csv"), dir.path().join("part-1.csv")]
        );
        let missing = dir.path().join("part-2.csv");
        let list = ShardSpec::List(vec![dir.path().join("part-0.csv"), missing.clone()]);
        match shards_for_rank(&Local, &list).unwrap_err() {
            CollectiveError::MissingShard { path, .. } => assert_eq!(path, missing),
            other => panic!("expected a missing shard, got {other:?}"),
        }
    }

    fn on_ranks<T: Send>(size: usize, work: impl Fn(&InProcess) -> T + Sync) -> Vec<T> {
        InProcess::run(size, work).unwrap()
    }

    #[test]
    fn ranks_take_contiguous_runs_of_the_sorted_files() {
        let names = [
            "part-04.csv",
            "part-00.csv",
            "part-02.csv",
            "part-01.csv",
            "part-03.csv",
        ];
        let dir = shard_dir(&names);
        let spec = ShardSpec::Pattern(format!("{}/part-*.csv", dir.path().display()));
        let per_rank = on_ranks(3, |c| shards_for_rank(c, &spec).unwrap());
        let name = |p: &PathBuf| p.file_name().unwrap().to_str().unwrap().to_string();
        let per_rank: Vec<Vec<String>> = per_rank
            .iter()
            .map(|files| files.iter().map(name).collect())
            .collect();
        assert_eq!(
            per_rank,
            [
                vec!["part-00.csv", "part-01.csv"],
                vec!["part-02.csv", "part-03.csv"],
                vec!["part-04.csv"]
            ]
        );
    }

    #[test]
    fn every_rank_reports_another_ranks_missing_shard() {
        let dir = shard_dir(&["a.csv", "b.csv"]);
        let missing = dir.path().join("c.csv");
        let spec = ShardSpec::List(vec![
            dir.path().join("a.csv"),
            dir.path().join("b.csv"),
            missing.clone(),
        ]);
        let outcomes = on_ranks(3, |c| shards_for_rank(c, &spec).unwrap_err().to_string());
        let expected = format!(
            "rank 2 of 3 failed: shard `{}` does not exist or cannot be read: No such file or \
             directory (os error 2)",
            missing.display()
        );
        assert_eq!(outcomes, vec![expected; 3]);

        let outcomes = on_ranks(4, |c| shards_for_rank(c, &spec).unwrap_err().to_string());
        let expected = "4 ranks but only 3 shard file(s): rank 3 would get none; run with at \
                        most 3 rank(s) or split the data into more files";
        assert_eq!(outcomes, vec![expected.to_string(); 4]);

        let nothing = ShardSpec::Pattern(format!("{}/*.parquet", dir.path().display()));
        let outcomes = on_ranks(2, |c| shards_for_rank(c, &nothing).unwrap_err().to_string());
        assert!(outcomes
            .iter()
            .all(|o| o.starts_with("rank 0 of 2 failed: no file matches")));
        assert_eq!(outcomes[0], outcomes[1]);
    }
}
