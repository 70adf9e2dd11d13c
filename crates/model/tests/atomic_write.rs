//! Saved files are complete or absent: a writer that fails, is killed, or finds the disk full
//! partway leaves the old file (or no file) under the requested name, never a truncated one.

use logreg_model::{write_atomic, write_new, FittedLogisticRegression, LogisticRegression};
use nalgebra::DMatrix;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Set in the child process of [`a_killed_writer_leaves_the_old_model_intact`]: the path to write.
const CHILD_WRITES: &str = "LOGREG_TEST_ATOMIC_WRITE_CHILD";

/// A fitted model with `d` features; its JSON is about 25 bytes per feature.
fn model(d: usize) -> FittedLogisticRegression<u8> {
    let n = 8;
    let x = DMatrix::from_fn(n, d, |i, j| ((i * 31 + j * 17) % 23) as f64 / 23.0 - 0.5);
    let y: Vec<u8> = (0..n).map(|i| u8::from(i % 2 == 0)).collect();
    LogisticRegression::params()
        .check()
        .and_then(|p| p.fit(&x, &y))
        .unwrap_or_else(|e| panic!("fit: {e}"))
}

/// A large model's JSON (over 64 KiB, more than the small directory below can hold).
fn large_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let json = model(4000).to_json().expect("serializes");
        assert!(json.len() > 100 * 1024, "{} bytes", json.len());
        json
    })
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A writer that takes `limit` bytes and then fails as a full disk does.
struct FillsUpAfter<'a> {
    inner: &'a mut dyn Write,
    limit: usize,
}

impl Write for FillsUpAfter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.limit == 0 {
            return Err(io::Error::from(io::ErrorKind::StorageFull));
        }
        let n = buf.len().min(self.limit);
        self.limit -= n;
        self.inner.write(&buf[..n])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[test]
fn write_new_refuses_an_existing_file_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("model.json");
    std::fs::write(&path, "precious").expect("write");
    let err = write_new(&path, "new").expect_err("must refuse");
    assert!(
        err.to_string()
            .ends_with("model.json: already exists; choose another path or remove it first (nothing is overwritten)"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "precious");
    assert_eq!(names(dir.path()), ["model.json"]);

    // A new file gets the whole text, and the temporary file is gone.
    let fresh = dir.path().join("fresh.json");
    write_new(&fresh, "complete").expect("write");
    assert_eq!(std::fs::read_to_string(&fresh).expect("read"), "complete");
    assert_eq!(names(dir.path()), ["fresh.json", "model.json"]);
}

#[cfg(unix)]
#[test]
fn a_new_file_gets_ordinary_permissions_and_a_replaced_one_keeps_its_own() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("m.json");
    write_new(&path, "x").expect("write");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
    // 0666 less the umask: readable by the owner and, with a usual umask, by others; never the
    // 0600 of a temporary file.
    assert_eq!(mode & 0o600, 0o600, "{mode:o}");
    assert_ne!(mode & 0o077, 0, "{mode:o}");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    write_atomic(&path, true, |w| w.write_all(b"y")).expect("replace");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o640, "{mode:o}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "y");
}

#[test]
fn a_writer_that_fails_partway_leaves_the_old_file_or_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = large_json();
    let old = model(3).to_json().expect("serializes");
    let path = dir.path().join("model.json");
    std::fs::write(&path, &old).expect("write");
    for limit in [0, 1, 4096, 65_536, json.len() - 1] {
        for replace in [true, false] {
            let result = write_atomic(&path, replace, |w| {
                FillsUpAfter { inner: w, limit }.write_all(json.as_bytes())
            });
            let err = result.expect_err("the writer fails");
            assert_eq!(err.kind(), io::ErrorKind::StorageFull, "{err}");
            assert_eq!(std::fs::read_to_string(&path).expect("read"), old);
            assert_eq!(names(dir.path()), ["model.json"], "limit {limit}");
        }
    }
    let absent = dir.path().join("absent.json");
    let result = write_atomic(&absent, false, |w| {
        FillsUpAfter {
            inner: w,
            limit: 1000,
        }
        .write_all(json.as_bytes())
    });
    assert!(result.is_err());
    assert_eq!(names(dir.path()), ["model.json"]);

    // Replacing succeeds once the writer does, and the result loads.
    write_atomic(&path, true, |w| w.write_all(json.as_bytes())).expect("replace");
    let back = FittedLogisticRegression::<u8>::load(&path).expect("loads");
    assert_eq!(back.coefficients().len(), 4000);
}

/// In the child process: writes half of a large model under `path` (replacing the old one), then
/// waits to be killed with the file half written.
fn write_half_and_wait(path: &Path) -> ! {
    let json = large_json();
    let result = write_atomic(path, true, |w| -> io::Result<()> {
        w.write_all(&json.as_bytes()[..json.len() / 2])?;
        w.flush()?;
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    panic!("the writer returned instead of waiting to be killed: {result:?}");
}

#[test]
fn a_killed_writer_leaves_the_old_model_intact() {
    if let Some(path) = std::env::var_os(CHILD_WRITES) {
        write_half_and_wait(Path::new(&path));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("model.json");
    model(3).save(&path).expect("save");
    let old = std::fs::read_to_string(&path).expect("read");

    // This test again, in a child process that writes and is SIGKILLed partway.
    let exe = std::env::current_exe().expect("test binary");
    let mut child = Command::new(exe)
        .args([
            "--exact",
            "a_killed_writer_leaves_the_old_model_intact",
            "--nocapture",
        ])
        .env(CHILD_WRITES, &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn the writer");
    let half = large_json().len() / 2;
    let deadline = Instant::now() + Duration::from_secs(60);
    let partial: PathBuf = loop {
        let temp = std::fs::read_dir(dir.path())
            .expect("readable")
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().starts_with(".model.json."));
        if let Some(temp) = temp {
            if temp.metadata().is_ok_and(|m| m.len() as usize >= half) {
                break temp.path();
            }
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "the child never wrote half the model: {:?}",
                names(dir.path())
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    child.kill().expect("SIGKILL the writer");
    let status = child.wait().expect("reap the writer");
    assert!(!status.success(), "{status}");

    // Killed with the new model half written: the old file is whole and still loads.
    assert_eq!(std::fs::read_to_string(&path).expect("read"), old);
    assert!(FittedLogisticRegression::<u8>::load(&path).is_ok());
    assert_eq!(
        std::fs::metadata(&partial)
            .expect("the temporary file")
            .len() as usize,
        half
    );
    // A new save after the crash is not disturbed by the leftover temporary file.
    std::fs::remove_file(&path).expect("remove");
    model(5).save(&path).expect("save after a crash");
    assert_eq!(
        FittedLogisticRegression::<u8>::load(&path)
            .expect("loads")
            .coefficients()
            .len(),
        5
    );
}

/// A 64 KiB tmpfs mounted over a temporary directory, unmounted on drop (Linux, as root), or
/// `None` where mounting is not allowed.
struct SmallDir {
    dir: tempfile::TempDir,
}

impl SmallDir {
    fn mount() -> Option<SmallDir> {
        let dir = tempfile::tempdir().ok()?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(SmallDir { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDir {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_leaves_no_partial_model() {
    let json = large_json();
    let Some(small) = SmallDir::mount() else {
        // Without a size-limited directory, a writer that fails as a full disk does stands in;
        // `a_writer_that_fails_partway_leaves_the_old_file_or_none` runs the same path.
        eprintln!("cannot mount a 64 KiB tmpfs here (needs root); simulating ENOSPC instead");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("model.json");
        let result = write_atomic(&path, false, |w| {
            FillsUpAfter {
                inner: w,
                limit: 64 * 1024,
            }
            .write_all(json.as_bytes())
        });
        assert!(result.is_err());
        assert!(names(dir.path()).is_empty());
        return;
    };
    let path = small.path().join("model.json");
    let err = write_new(&path, json).expect_err("64 KiB cannot hold the model");
    assert!(
        err.to_string().contains("model.json") && err.to_string().contains("No space left"),
        "{err}"
    );
    assert!(names(small.path()).is_empty(), "{:?}", names(small.path()));

    // Replacing a small model that fits: the old one survives the full disk whole.
    let old = model(3);
    old.save(&path).expect("a small model fits");
    let old_text = std::fs::read_to_string(&path).expect("read");
    let err = write_atomic(&path, true, |w| w.write_all(json.as_bytes())).expect_err("disk full");
    assert_eq!(err.kind(), io::ErrorKind::StorageFull, "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), old_text);
    assert_eq!(names(small.path()), ["model.json"]);
}
