//! Designs on disk, for fits on more rows than memory holds.
//!
//! A fit larger than memory writes its transformed design once, block by block, to a *scratch
//! file* ([`DesignWriter`]): dense f64 or f32 row-major, or CSR in three files. Every later pass
//! reads it back memory-mapped in row blocks ([`DesignFile`], a
//! [`RowBlocks`](logreg_linalg_core::RowBlocks) source): each block's pages are faulted in with
//! one call and released once the block is summed, so the resident set never holds more than a
//! block of mapped pages while the kernel's page cache keeps the file warm between passes.
//!
//! Scratch files live in a [`ScratchDir`]: a private directory removed when it is dropped (also
//! when a fit fails), by [`remove_live`] (what a Ctrl-C handler calls), and otherwise by the
//! next run's [`clean_stale`]: each directory holds a lock file its process keeps locked while
//! it lives, so a directory whose lock can be taken belongs to a run that died (even by
//! `kill -9`) and is removed, while a concurrent run's directory is left alone.
//!
//! ```
//! use logreg_linalg_core::{Dense, Design, RowBlocks, Storage};
//! use logreg_scratch::{DesignWriter, ScratchDir};
//!
//! let dir = ScratchDir::create(std::env::temp_dir())?;
//! let mut writer = DesignWriter::create(&dir, Storage::Dense, 2)?;
//! writer.append(&Design::from(Dense::new(vec![1.0, 2.0, 3.0, 4.0], 2, 2)?))?;
//! writer.append(&Design::from(Dense::new(vec![5.0, 6.0], 1, 2)?))?;
//! let file = writer.finish(32)?;                     // read back in blocks of 32 bytes: 2 rows
//! assert_eq!((file.n_rows(), file.n_cols()), (3, 2));
//! let mut sums = Vec::new();
//! file.pass(&mut |first, block| {
//!     sums.push((first, block.sum_all(block.all_rows())));
//!     Ok(())
//! })?;
//! assert_eq!(sums, [(0, 10.0), (2, 11.0)]);
//! let path = dir.path().to_path_buf();
//! drop(file);
//! drop(dir);                                          // the directory and its files are gone
//! assert!(!path.exists());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod dir;
mod file;
mod interrupt;

pub use dir::{clean_stale, remove_live, ScratchDir, PREFIX};
pub use file::{DesignFile, DesignWriter, PassProgress};
pub use interrupt::{check_interrupted, interrupted, request_interrupt};

use std::path::PathBuf;

/// Errors of scratch files and directories, each naming the path involved.
#[derive(Debug, thiserror::Error)]
pub enum ScratchError {
    /// The scratch directory cannot be created or locked.
    #[error("cannot create a scratch directory in {path}: {source}; choose another with --scratch-dir (or the library's scratch_dir option)")]
    CreateDir {
        /// The parent directory asked for.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// Writing a scratch file failed (a full disk, a quota).
    #[error("cannot write the scratch file {path}: {source}; the design needs {needed} in all: free space there or choose another directory with --scratch-dir")]
    Write {
        /// The scratch file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
        /// How much the scratch files hold when the write failed (a lower bound of what is
        /// needed), in words.
        needed: String,
    },
    /// Reading a scratch file back failed.
    #[error("cannot read the scratch file {path}: {source}")]
    Read {
        /// The scratch file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// A block does not match the scratch file (another width or storage): a bug in the caller.
    #[error("a block of {found} does not fit a scratch file of {expected}")]
    Shape {
        /// What the file holds.
        expected: String,
        /// What the block is.
        found: String,
    },
    /// The run was interrupted (Ctrl-C or a termination signal).
    #[error("interrupted")]
    Interrupted,
}

/// `bytes` in words, in powers of 1024: `512 B`, `1.5 MiB`, `3.2 GiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytes_in_words() {
        assert_eq!(super::human_bytes(512), "512 B");
        assert_eq!(super::human_bytes(3 << 19), "1.5 MiB");
        assert_eq!(super::human_bytes(4 << 30), "4.0 GiB");
    }
}
