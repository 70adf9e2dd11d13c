//! Fits in passes (`--memory-limit`): what they fit, what they refuse, and the scratch
//! files they never leave behind.

use crate::common::{dataset, f, fails_in, json_in, ok_in, scratch_left, tmp, write};
use std::path::{Path, PathBuf};

#[test]
fn train_in_passes_fits_what_memory_fits_and_leaves_no_scratch() {
    let dir = tmp();
    let d = dir.path();
    let bank = dataset("bank.csv");
    let flags = [
        "train",
        &bank,
        "-t",
        "deposit",
        "--one-hot",
        "auto",
        "--drop-first",
        "--standardize",
        "--json",
    ];
    let mem = json_in(d, &flags);
    assert_eq!(mem["mode"]["mode"], "in memory");
    let mut passes: Vec<&str> = flags.to_vec();
    passes.extend(["--memory-limit", "16MB", "--scratch-dir", "."]);
    let streamed = json_in(d, &passes);
    assert_eq!(streamed["mode"]["mode"], "in passes");
    assert_eq!(streamed["mode"]["reason"], "--memory-limit 16.0 MiB given");
    assert_eq!(streamed["mode"]["memory_limit"], 16 << 20);
    // Labels, one-hot, standardize, one chunk for the output columns, the writing pass.
    assert_eq!(streamed["mode"]["file_passes"], 5);
    let (a, b) = (f(&mem["objective"]), f(&streamed["objective"]));
    assert!((a - b).abs() <= 1e-9 * a, "{a} vs {b}");
    assert_eq!(mem["features"], streamed["features"]);
    assert_eq!(mem["split"], streamed["split"]);
    assert_eq!(mem["test"]["confusion"], streamed["test"]["confusion"]);
    assert!(scratch_left(d).is_empty());
    // Text output names the mode.
    let text_flags: Vec<&str> = passes.iter().copied().filter(|a| *a != "--json").collect();
    let text = ok_in(d, &text_flags);
    assert!(
        text.contains(
            "mode        in passes (--memory-limit 16.0 MiB given): 5 passes over the file"
        ),
        "{text}"
    );
}

#[test]
fn flags_a_fit_in_passes_cannot_honour_are_refused_by_name() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("discount.csv");
    let refused: [&[&str]; 8] = [
        &["--sample-weight", "amount_spent"],
        &["--offset", "amount_spent"],
        &["--warm-start", "m.json"],
        &["--penalty", "none", "--cov-type", "hc1"],
        &["--multi-class", "ovr"],
        &["--cv", "3"],
        &["--distributed"],
        // The first refused flag is named when there are several.
        &["--multi-class", "multinomial", "--cv", "3"],
    ];
    for extra in refused {
        let mut args = vec![
            "train",
            &data,
            "-t",
            "send_discount",
            "--memory-limit",
            "16MB",
        ];
        args.extend(extra);
        let e = fails_in(d, &args, 2);
        let flag = extra
            .iter()
            .find(|a| a.starts_with("--") && **a != "--penalty");
        let flag = flag.unwrap();
        assert_eq!(
            e.trim_end(),
            format!(
                "error: {flag} is not available in a fit in passes (--memory-limit) yet; fit in \
                 memory (leave out --memory-limit)"
            ),
            "{extra:?}"
        );
    }
    let e = fails_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--memory-limit",
            "16MB",
            "--solver",
            "sgd",
        ],
        2,
    );
    assert_eq!(
        e.trim_end(),
        "error: --solver sgd needs the data in memory (its mini-batches read rows at random); \
         with --memory-limit use auto, lbfgs, newton, newton-cg or gd"
    );
    let e = fails_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--memory-limit",
            "16MB",
            "--impute",
            "median",
        ],
        2,
    );
    assert_eq!(
        e.trim_end(),
        "error: --impute median needs every value of a column in memory; with --memory-limit \
         use --impute mean or most-frequent"
    );
    let e = fails_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "send_discount",
            "--memory-limit",
            "1MB",
        ],
        2,
    );
    assert_eq!(
        e.trim_end(),
        "error: --memory-limit 1048576 bytes is out of range: expected at least 16MB (the \
         parser's buffers and one block of the design)"
    );
    let svm = write(d, "rows.svm", "1 1:0.5\n0 1:-0.5\n");
    let e = fails_in(d, &["train", &svm, "--memory-limit", "16MB"], 2);
    assert_eq!(
        e.trim_end(),
        "error: --memory-limit: a libsvm file is fitted in memory; a fit in passes reads CSV or \
         Parquet files"
    );
}

#[test]
fn a_fit_in_passes_of_three_classes_is_refused_and_l1_in_passes_fits_what_memory_fits() {
    let dir = tmp();
    let d = dir.path();
    let iris = dataset("iris.csv");
    let e = fails_in(
        d,
        &[
            "train",
            &iris,
            "-t",
            "species",
            "--memory-limit",
            "16MB",
            "--scratch-dir",
            ".",
        ],
        1,
    );
    assert_eq!(
        e.trim_end(),
        format!(
            "error: {iris}: target column \"species\" has 3 distinct values (\"setosa\", \
             \"versicolor\", \"virginica\"); a fit in passes is binary and needs exactly two (K-class models are \
             fitted in memory)"
        )
    );
    assert!(scratch_left(d).is_empty());
    // L1 and elastic net run in passes: coordinate descent on a Hessian formed block by block.
    let bank = dataset("bank.csv");
    for penalty in [
        &["--penalty", "l1"][..],
        &["--penalty", "elasticnet", "--l1-ratio", "0.5"],
    ] {
        let mut flags = vec![
            "train",
            &bank,
            "-t",
            "deposit",
            "--one-hot",
            "auto",
            "--standardize",
            "--c",
            "0.01",
            "--json",
        ];
        flags.extend(penalty);
        let mem = json_in(d, &flags);
        flags.extend(["--memory-limit", "16MB", "--scratch-dir", "."]);
        let streamed = json_in(d, &flags);
        assert_eq!(streamed["mode"]["mode"], "in passes");
        assert_eq!(mem["solver"], streamed["solver"]);
        let (a, b) = (f(&mem["objective"]), f(&streamed["objective"]));
        assert!((a - b).abs() <= 1e-8 * a, "{penalty:?}: {a} vs {b}");
        assert_eq!(mem["test"]["confusion"], streamed["test"]["confusion"]);
        assert!(scratch_left(d).is_empty());
    }
}

/// A small tmpfs at `dir` (removed on drop): a disk that fills up.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: PathBuf, size: &str) -> SmallDisk {
        std::fs::create_dir_all(&dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "mounting a tmpfs needs root (as the project's machines and CI run)"
        );
        SmallDisk(dir)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_scratch_disk_is_a_clear_error_and_leaves_nothing() {
    let dir = tmp();
    let d = dir.path();
    let disk = SmallDisk::mount(d.join("small"), "256k");
    let e = fails_in(
        d,
        &[
            "train",
            &dataset("bank.csv"),
            "-t",
            "deposit",
            "--one-hot",
            "auto",
            "--memory-limit",
            "16MB",
            "--scratch-dir",
            "small",
            "--out",
            "m.json",
        ],
        1,
    );
    assert!(
        e.starts_with("error: cannot write the scratch file small/logreg-scratch-"),
        "{e}"
    );
    // The bank design is about 4 MiB: the write fails once the 256 KiB disk is full.
    assert!(
        e.contains(
            "/design.f64: No space left on device (os error 28); the design needs more than "
        ) && e.ends_with(
            " in all: free space there or choose another directory with --scratch-dir\n"
        ),
        "{e}"
    );
    assert!(scratch_left(&disk.0).is_empty());
    assert!(!d.join("m.json").exists());
}

/// A CSV of `rows` rows and 20 numeric columns: long enough to kill a fit in the middle.
fn wide_file(d: &Path, rows: usize) -> String {
    let mut text: String = (0..20).map(|j| format!("x{j},")).collect();
    text.push_str("y\n");
    for i in 0..rows {
        for j in 0..20 {
            text.push_str(&format!("{},", ((i * 31 + j * 17) % 1000) as f64 / 77.0));
        }
        text.push_str(if (i * 7) % 3 == 0 { "1\n" } else { "0\n" });
    }
    write(d, "wide.csv", &text)
}

#[test]
fn a_fit_in_passes_killed_or_interrupted_leaves_nothing_after_the_next_start() {
    use std::time::{Duration, Instant};
    let dir = tmp();
    let d = dir.path();
    let wide = wide_file(d, 200_000);
    let scratch = d.join("scratch");
    std::fs::create_dir(&scratch).unwrap();
    let start = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_logreg"))
            .current_dir(d)
            .args([
                "train",
                &wide,
                "-t",
                "y",
                "--memory-limit",
                "16MB",
                "--quiet",
            ])
            .args([
                "--scratch-dir",
                "scratch",
                "--out",
                "m.json",
                "--max-iter",
                "100000",
            ])
            .args(["--solver", "gd", "--tol", "1e-300"])
            .args(extra)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Wait until the scratch design exists and is being read, then kill -9 or Ctrl-C.
    let wait_for_scratch = |child: &mut std::process::Child| {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let full = std::fs::read_dir(&scratch)
                .unwrap()
                .filter_map(Result::ok)
                .any(|e| {
                    e.path()
                        .join("design.f64")
                        .metadata()
                        .is_ok_and(|m| m.len() > 1 << 20)
                });
            if full {
                break;
            }
            assert!(child.try_wait().unwrap().is_none() && Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    let mut child = start(&[]);
    wait_for_scratch(&mut child);
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());
    assert_eq!(
        scratch_left(&scratch).len(),
        1,
        "kill -9 leaves its scratch"
    );
    assert!(!d.join("m.json").exists());
    // A concurrent live run's scratch is not touched by another run's clean-up.
    let mut live = start(&[]);
    wait_for_scratch(&mut live);
    let small = write(d, "small.csv", "x,y\n1,0\n2,1\n3,0\n4,1\n");
    ok_in(
        d,
        &[
            "train",
            &small,
            "-t",
            "y",
            "--memory-limit",
            "16MB",
            "--scratch-dir",
            "scratch",
        ],
    );
    assert_eq!(
        scratch_left(&scratch).len(),
        1,
        "the killed run's is gone, the live one's stays"
    );
    // Ctrl-C: the live run stops at its next block and removes its own scratch.
    let status = std::process::Command::new("kill")
        .args(["-INT", &live.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = live.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "error: interrupted\n");
    assert!(scratch_left(&scratch).is_empty());
    assert!(!d.join("m.json").exists());
}
