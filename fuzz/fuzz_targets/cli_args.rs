//! Any argument list to the `logreg` command, run in-process in a scratch directory that holds a
//! small data file, a file with gaps and a saved model: the run must end with an exit code and a
//! message, never a panic, a hang or a non-finite probability in `predict --proba` output.
//!
//! The input is the arguments separated by NUL bytes. `--max-iter` above 10 000 is skipped: a
//! user who asks for a billion gradient-descent steps gets them, slowly, which is not a hang.
//! The target works inside its scratch directory, so give corpus directories as absolute paths
//! (`"$PWD/corpus/cli_args"`): relative ones would no longer resolve after the first run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::sync::OnceLock;

const DATA: &str = "id,size,colour,age,y\n\
1,1.5,red,23,no\n2,2.0,blue,35,no\n3,0.5,red,41,yes\n4,3.5,green,19,yes\n\
5,2.5,blue,66,no\n6,1.0,green,52,yes\n7,4.0,red,30,no\n8,0.25,blue,45,yes\n\
9,3.0,green,27,no\n10,1.75,red,60,yes\n11,2.25,blue,33,no\n12,0.75,green,48,yes\n";
const GAPS: &str = "id,size,colour,age,y\n1,,red,23,no\n2,2.0,,35,yes\n3,NA,red,41,yes\n4,1,blue,,no\n";

struct Scratch {
    dir: PathBuf,
    fixtures: Vec<(&'static str, Vec<u8>)>,
}

fn scratch() -> &'static Scratch {
    static SCRATCH: OnceLock<Scratch> = OnceLock::new();
    SCRATCH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("logreg-fuzz-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        std::env::set_current_dir(&dir).expect("enter scratch directory");
        std::fs::write("data.csv", DATA).expect("write data.csv");
        std::fs::write("gaps.csv", GAPS).expect("write gaps.csv");
        let args = ["logreg", "train", "data.csv", "-t", "y", "--one-hot", "auto", "-o", "model.json", "-q"];
        let code = logreg_cli::run(args, &mut Vec::new(), &mut Vec::new());
        assert_eq!(code, 0, "the fixture model trains");
        let model = std::fs::read("model.json").expect("fixture model");
        Scratch {
            dir,
            fixtures: vec![
                ("data.csv", DATA.as_bytes().to_vec()),
                ("gaps.csv", GAPS.as_bytes().to_vec()),
                ("model.json", model),
            ],
        }
    })
}

/// Puts the fixtures back and removes whatever the last run wrote, so every run sees the same files.
fn reset(s: &Scratch) {
    if let Ok(entries) = std::fs::read_dir(&s.dir) {
        for e in entries.flatten() {
            let name = e.file_name();
            if !s.fixtures.iter().any(|(f, _)| name == *f) {
                let p = e.path();
                let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
            }
        }
    }
    for (name, bytes) in &s.fixtures {
        if std::fs::read(name).ok().as_deref() != Some(bytes.as_slice()) {
            std::fs::write(name, bytes).expect("restore fixture");
        }
    }
}

fn too_many_iterations(args: &[OsString]) -> bool {
    let text: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    text.iter().enumerate().any(|(i, a)| {
        let value = match a.strip_prefix("--max-iter") {
            Some("") => text.get(i + 1).map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        value.is_some_and(|v| v.trim().parse::<u64>().map_or(true, |n| n > 10_000))
    })
}

fuzz_target!(|data: &[u8]| {
    let s = scratch();
    reset(s);
    let mut args = vec![OsString::from("logreg")];
    args.extend(data.split(|&b| b == 0).map(|a| OsString::from_vec(a.to_vec())));
    if args.len() > 40 || too_many_iterations(&args) {
        return;
    }
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = logreg_cli::run(args.clone(), &mut out, &mut err);
    assert!(code <= 2, "exit code {code}");
    let predicting = args.iter().any(|a| a == "predict") && args.iter().any(|a| a == "--proba");
    if code == 0 && predicting {
        let text = String::from_utf8_lossy(&out);
        let header = text.lines().next().unwrap_or("");
        if let Some(col) = header.split(',').position(|h| h == "probability") {
            for line in text.lines().skip(1) {
                if let Some(Ok(p)) = line.split(',').nth(col).map(str::parse::<f64>) {
                    assert!((0.0..=1.0).contains(&p), "probability {p} in {line:?}");
                }
            }
        }
    }
});
