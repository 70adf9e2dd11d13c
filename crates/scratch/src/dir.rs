//! Scratch directories: private, locked while their process lives, removed when dropped, on an
//! interrupt, or by the next run once their process is gone.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::ScratchError;

/// Every scratch directory's name starts with this (then the process id and a nonce).
pub const PREFIX: &str = "logreg-scratch-";

/// The lock file inside each scratch directory.
const LOCK: &str = "lock";

/// Scratch directories (and files) of this process still alive, for [`remove_live`].
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A private directory for scratch files, removed with everything in it when dropped.
///
/// It holds a lock file that this process keeps exclusively locked (`flock`) while the
/// directory lives: the lock goes when the process does, however it ends, which is how
/// [`clean_stale`] tells a dead run's directory from a live one.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
    // Held for the lock; closing it (dropping) releases the lock.
    _lock: File,
}

impl ScratchDir {
    /// A new directory `logreg-scratch-<pid>-<nonce>` in `parent` (which must exist), mode 0700
    /// on Unix, locked.
    pub fn create(parent: impl AsRef<Path>) -> Result<ScratchDir, ScratchError> {
        let parent = parent.as_ref();
        let fail = |source| ScratchError::CreateDir {
            path: parent.to_path_buf(),
            source,
        };
        let pid = std::process::id();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mut attempt = 0u32;
        let path = loop {
            let candidate = parent.join(format!("{PREFIX}{pid}-{nanos:x}-{attempt}"));
            let mut builder = fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            match builder.create(&candidate) {
                Ok(()) => break candidate,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(fail(e)),
            }
        };
        let lock = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(path.join(LOCK))
            .and_then(|f| {
                f.try_lock().map_err(std::io::Error::from)?;
                Ok(f)
            });
        let lock = match lock {
            Ok(f) => f,
            Err(e) => {
                let _ = fs::remove_dir_all(&path);
                return Err(fail(e));
            }
        };
        if let Ok(mut live) = LIVE.lock() {
            live.push(path.clone());
        }
        Ok(ScratchDir { path, _lock: lock })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
        if let Ok(mut live) = LIVE.lock() {
            live.retain(|p| p != &self.path);
        }
    }
}

/// Removes every scratch directory this process still has (for a signal handler about to exit:
/// destructors will not run). Returns how many were removed.
pub fn remove_live() -> usize {
    let paths = match LIVE.lock() {
        Ok(mut live) => std::mem::take(&mut *live),
        Err(_) => return 0,
    };
    paths
        .iter()
        .filter(|p| fs::remove_dir_all(p).is_ok())
        .count()
}

/// Removes the scratch directories in `parent` left by runs that are gone (killed, crashed):
/// those whose lock file can be locked, or that have none and whose process no longer exists.
/// A live run's directory is never touched. Returns the directories removed; a `parent` that
/// cannot be listed has none.
pub fn clean_stale(parent: impl AsRef<Path>) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent.as_ref()) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        let path = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let stale = match File::open(path.join(LOCK)) {
            // The lock is taken only while the owner lives; taking it here proves it is gone.
            Ok(f) => f.try_lock().is_ok(),
            // Between creating the directory and its lock file: judge by the process id.
            Err(_) => {
                let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
                match pid {
                    Some(pid) if pid == std::process::id() => false,
                    Some(pid) => !process_exists(pid),
                    None => false,
                }
            }
        };
        if stale && fs::remove_dir_all(&path).is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// Whether a process with this id exists (Linux: `/proc/<pid>`; elsewhere assumed alive).
fn process_exists(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_directories_go_and_live_ones_stay() {
        let parent = tempfile::tempdir().unwrap();
        let dir = ScratchDir::create(parent.path()).unwrap();
        let path = dir.path().to_path_buf();
        assert!(path.join(LOCK).exists());
        fs::write(path.join("x"), b"data").unwrap();
        // Our own live directory is locked: not stale.
        assert!(clean_stale(parent.path()).is_empty());
        assert!(path.exists());
        drop(dir);
        assert!(!path.exists());

        // A directory whose lock nobody holds (its process died) is removed.
        let dead = parent.path().join(format!("{PREFIX}999999999-1-0"));
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join(LOCK), b"").unwrap();
        fs::write(dead.join("design.f64"), vec![0u8; 64]).unwrap();
        // And one without a lock file, of a process id that does not exist.
        let early = parent.path().join(format!("{PREFIX}4294967295-2-0"));
        fs::create_dir(&early).unwrap();
        // Other names are never touched.
        let other = parent.path().join("keep-me");
        fs::create_dir(&other).unwrap();
        let mut removed = clean_stale(parent.path());
        removed.sort();
        let mut expected = [dead.clone(), early.clone()];
        expected.sort();
        assert_eq!(removed, expected);
        assert!(other.exists() && !dead.exists() && !early.exists());
    }

    #[test]
    fn remove_live_removes_what_destructors_would() {
        let parent = tempfile::tempdir().unwrap();
        let dir = ScratchDir::create(parent.path()).unwrap();
        let path = dir.path().to_path_buf();
        assert!(remove_live() >= 1);
        assert!(!path.exists());
        drop(dir);
    }

    #[test]
    fn a_parent_that_does_not_exist_is_a_clear_error() {
        let e = ScratchDir::create("/no/such/dir").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("/no/such/dir") && msg.contains("--scratch-dir"),
            "{msg}"
        );
    }
}
