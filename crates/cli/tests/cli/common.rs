//! Running the binary in a temporary directory, and the paths of the bundled data.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn dataset(name: &str) -> String {
    root().join("datasets").join(name).display().to_string()
}

pub(crate) fn logreg() -> Command {
    Command::new(env!("CARGO_BIN_EXE_logreg"))
}

/// Runs the binary in `dir`; returns (exit code, stdout, stderr).
pub(crate) fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = logreg().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Succeeds with nothing on stderr (no progress bar when stderr is not a terminal).
pub(crate) fn ok_in(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = run_in(dir, args);
    assert_eq!(code, 0, "{args:?} failed: {err}");
    assert!(err.is_empty(), "{args:?} wrote to stderr: {err}");
    out
}

pub(crate) fn json_in(dir: &Path, args: &[&str]) -> Value {
    let out = ok_in(dir, args);
    assert_eq!(out.lines().count(), 1, "one JSON object on one line: {out}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// Fails with exit code `code` and one `error: ...` line on stderr; returns that line.
pub(crate) fn fails_in(dir: &Path, args: &[&str], code: i32) -> String {
    let (got, out, err) = run_in(dir, args);
    assert_eq!(got, code, "{args:?}: stdout {out} stderr {err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    if code == 1 {
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("error: "), "{err}");
    }
    err
}

pub(crate) fn tmp() -> TempDir {
    tempfile::tempdir().unwrap()
}

pub(crate) fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

pub(crate) fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The exact message of a usage error (exit 2) or a data error (exit 1), without `error: `.
pub(crate) fn message(d: &Path, args: &[&str], code: i32) -> String {
    let e = fails_in(d, args, code);
    e.lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string()
}

pub(crate) fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/parquet")
        .join(name)
        .display()
        .to_string()
}

/// Scratch directories left in `dir`.
pub(crate) fn scratch_left(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("logreg-scratch-"))
        .collect()
}
