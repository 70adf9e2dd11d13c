//! `logreg export --onnx`.

use crate::common::{dataset, fails_in, ok_in, tmp, write};

#[test]
fn export_writes_onnx_and_never_overwrites_without_force() {
    let dir = tmp();
    let d = dir.path();
    let data = dataset("bank.csv");
    ok_in(
        d,
        &[
            "train",
            &data,
            "-t",
            "deposit",
            "--one-hot",
            "auto",
            "--standardize",
            "--out",
            "m.json",
            "--quiet",
        ],
    );
    let out = ok_in(d, &["export", "--onnx", "m.onnx", "--model", "m.json"]);
    let bytes = std::fs::read(d.join("m.onnx")).unwrap();
    assert!(
        out.starts_with(&format!(
            "wrote m.onnx ({} bytes): inputs age, job, ",
            bytes.len()
        )),
        "{out}"
    );
    assert!(
        out.trim_end().ends_with("outputs label, probabilities"),
        "{out}"
    );
    // ModelProto field 1 (ir_version 9) first: the protobuf bytes 0x08 0x09.
    assert_eq!(&bytes[..2], &[0x08, 0x09]);

    write(d, "keep.onnx", "precious");
    let e = fails_in(
        d,
        &["export", "--onnx", "keep.onnx", "--model", "m.json"],
        1,
    );
    assert_eq!(
        e,
        "error: keep.onnx already exists; pass --force to overwrite it (or choose another --onnx)\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("keep.onnx")).unwrap(),
        "precious"
    );
    ok_in(
        d,
        &[
            "export",
            "--onnx",
            "keep.onnx",
            "--model",
            "m.json",
            "--force",
        ],
    );
    assert_eq!(std::fs::read(d.join("keep.onnx")).unwrap(), bytes);

    let e = fails_in(
        d,
        &["export", "--onnx", "x.onnx", "--model", "nope.json"],
        1,
    );
    assert_eq!(
        e,
        "error: nope.json: No such file or directory (os error 2)\n"
    );
    assert!(!d.join("x.onnx").exists());
    let e = fails_in(d, &["export", "--model", "m.json"], 2);
    assert!(e.contains("--onnx <OUT.onnx>"), "{e}");
}
