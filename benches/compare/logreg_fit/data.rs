//! The data files: `gen` writes them (dense `LOGREGD1`, sparse `LOGREGS1` or libsvm text),
//! `fit`, `fit-l1` and `cv` read them.

use crate::{Flags, Res};
use logreg::linalg::{Dense, Design};
use logreg::model::datasets::{
    make_far_from_zero, make_logistic_correlated, make_near_collinear, make_scaled_copies,
    make_sparse_logistic, make_wide_scales,
};
use logreg::preprocess::{read_csv, read_libsvm, recipes, CsvOptions, Pipeline};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// The first 8 bytes of every data file.
pub(crate) const MAGIC: &[u8; 8] = b"LOGREGD1";

/// Bytes before X: the magic, n and d.
pub(crate) const HEADER_LEN: u64 = 24;

pub(crate) fn gen(args: &[String]) -> Res<()> {
    let kind = args.first().ok_or(
        "gen needs a kind: synthetic, banknote, bank, sparse, sparse-bin or a conditioning set",
    )?;
    if kind == "sparse" {
        return gen_sparse(&Flags::parse(&args[1..])?);
    }
    if kind == "sparse-bin" {
        return gen_sparse_bin(&Flags::parse(&args[1..])?);
    }
    if CONDITIONING.contains(&kind.as_str()) {
        return gen_conditioning(kind, &Flags::parse(&args[1..])?);
    }
    if !["synthetic", "banknote", "bank"].contains(&kind.as_str()) {
        return Err(format!(
            "unknown data kind {kind:?} (expected synthetic, banknote or bank)"
        ));
    }
    let flags = Flags::parse(&args[1..])?;
    let out = PathBuf::from(flags.required("out")?);
    let (x, y) = match kind.as_str() {
        "synthetic" => {
            flags.check_known(&["n", "d", "seed", "rho", "out"])?;
            let n: usize = flags.number("n", None)?;
            let d: usize = flags.number("d", None)?;
            let seed: u64 = flags.number("seed", Some(1))?;
            let rho: f64 = flags.number("rho", Some(0.0))?;
            let (x, y) = make_logistic_correlated(n, d, rho, seed)
                .map_err(|e| format!("make_logistic_correlated({n}, {d}, {rho}, {seed}): {e}"))?;
            (Design::from(x), y)
        }
        "banknote" => {
            flags.check_known(&["csv", "out"])?;
            let csv = flags.required("csv")?;
            let table = read_csv(csv, &CsvOptions::new()).map_err(|e| format!("{csv}: {e}"))?;
            let (features, _) = table
                .split_target("class")
                .map_err(|e| format!("{csv}: {e}"))?;
            let y = table
                .numeric_values("class")
                .map_err(|e| format!("{csv}: {e}"))?;
            let x = Pipeline::new()
                .standardize_all()
                .fit_transform(&features)
                .map_err(|e| format!("{csv}: standardizing: {e}"))?
                .design;
            (x, y)
        }
        "bank" => {
            flags.check_known(&["csv", "out"])?;
            let csv = flags.required("csv")?;
            let table = read_csv(csv, &CsvOptions::new()).map_err(|e| format!("{csv}: {e}"))?;
            let y = recipes::bank_marketing_target(&table).map_err(|e| format!("{csv}: {e}"))?;
            let x = recipes::bank_marketing_pipeline()
                .fit_transform(&table)
                .map_err(|e| format!("{csv}: the bank tutorial pipeline: {e}"))?
                .design;
            (x, y)
        }
        other => {
            return Err(format!(
                "unknown data kind {other:?} (expected synthetic, banknote or bank)"
            ))
        }
    };
    write_data_and_say(&out, &x, &y)
}

/// The badly conditioned dense sets of issue 21 (`logreg_model::datasets`), by their names here.
pub(crate) const CONDITIONING: [&str; 4] = [
    "scaled-copies",
    "wide-scales",
    "near-collinear",
    "far-from-zero",
];

/// `gen scaled-copies|wide-scales|near-collinear|far-from-zero [--seed S] --out FILE`: the
/// seeded generator of that name (each has a fixed shape; the default seeds are the ones
/// `crates/model/tests/conditioning.rs` uses).
pub(crate) fn gen_conditioning(kind: &str, flags: &Flags) -> Res<()> {
    flags.check_known(&["seed", "out"])?;
    let out = PathBuf::from(flags.required("out")?);
    let (generate, default_seed): (fn(u64) -> _, u64) = match kind {
        "scaled-copies" => (make_scaled_copies, 1),
        "wide-scales" => (make_wide_scales, 2),
        "near-collinear" => (make_near_collinear, 3),
        "far-from-zero" => (make_far_from_zero, 4),
        other => return Err(format!("unknown conditioning set {other:?}")),
    };
    let seed: u64 = flags.number("seed", Some(default_seed))?;
    let (x, y) = generate(seed).map_err(|e| format!("{kind} (seed {seed}): {e}"))?;
    write_data_and_say(&out, &Design::from(x), &y)
}

/// `gen sparse --n N --d D --nnz K --seed S --out FILE.svm`: `make_sparse_logistic(N, D, K, S)`
/// written as libsvm text (labels 0/1, 1-based indices; Rust prints an f64 in the shortest form
/// that parses back to the same bits, so every reader fits the same numbers).
pub(crate) fn gen_sparse(flags: &Flags) -> Res<()> {
    flags.check_known(&["n", "d", "nnz", "seed", "out"])?;
    let out = PathBuf::from(flags.required("out")?);
    let n: usize = flags.number("n", None)?;
    let d: usize = flags.number("d", None)?;
    let nnz: usize = flags.number("nnz", None)?;
    let seed: u64 = flags.number("seed", Some(1))?;
    let (x, y) = make_sparse_logistic(n, d, nnz, seed)
        .map_err(|e| format!("make_sparse_logistic({n}, {d}, {nnz}, {seed}): {e}"))?;
    let io = |e: std::io::Error| format!("writing {}: {e}", out.display());
    if let Some(dir) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&out).map_err(io)?);
    for (i, label) in y.iter().enumerate() {
        write!(w, "{}", u8::from(*label == 1.0)).map_err(io)?;
        let (idx, val) = x.row(i);
        for (j, v) in idx.iter().zip(val) {
            write!(w, " {}:{v}", j + 1).map_err(io)?;
        }
        writeln!(w).map_err(io)?;
    }
    w.flush().map_err(io)?;
    let line = serde_json::json!({
        "path": out.display().to_string(),
        "n": x.n_rows(),
        "d": x.n_cols(),
        "nnz": x.nnz(),
    });
    println!("{line}");
    Ok(())
}

/// Writes a dense data file and prints its path and shape as one JSON line.
pub(crate) fn write_data_and_say(out: &Path, x: &Design<'_>, y: &[f64]) -> Res<()> {
    write_data(out, x, y)?;
    let line = serde_json::json!({
        "path": out.display().to_string(),
        "n": x.n_rows(),
        "d": x.n_cols(),
    });
    println!("{line}");
    Ok(())
}

pub(crate) fn write_data(path: &Path, x: &Design<'_>, y: &[f64]) -> Res<()> {
    if let Some((i, v)) = y.iter().enumerate().find(|(_, v)| **v != 0.0 && **v != 1.0) {
        return Err(format!("label {v} at row {i} is not 0 or 1"));
    }
    let io = |e: std::io::Error| format!("writing {}: {e}", path.display());
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path).map_err(io)?);
    let (n, d) = (x.n_rows(), x.n_cols());
    w.write_all(MAGIC).map_err(io)?;
    w.write_all(&(n as u64).to_le_bytes()).map_err(io)?;
    w.write_all(&(d as u64).to_le_bytes()).map_err(io)?;
    let mut row = Vec::with_capacity(d * 8);
    for i in 0..n {
        row.clear();
        for j in 0..d {
            row.extend_from_slice(&x.get(i, j).unwrap_or(0.0).to_le_bytes());
        }
        w.write_all(&row).map_err(io)?;
    }
    for v in y {
        w.write_all(&v.to_le_bytes()).map_err(io)?;
    }
    w.flush().map_err(io)
}

/// Reads a data file: X row-major (n × d values, which the estimator borrows as it is) and labels
/// 0/1.
pub(crate) fn read_data(path: &Path) -> Res<(Vec<f64>, usize, usize, Vec<u8>)> {
    let io = |e: std::io::Error| format!("reading {}: {e}", path.display());
    let file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut header = [0u8; HEADER_LEN as usize];
    r.read_exact(&mut header)
        .map_err(|e| format!("{}: too short for the 24-byte header ({e})", path.display()))?;
    if &header[..8] != MAGIC {
        return Err(format!(
            "{}: not a compare_fit data file (no LOGREGD1 magic)",
            path.display()
        ));
    }
    let word = |k: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&header[8 * k..8 * k + 8]);
        u64::from_le_bytes(b)
    };
    let (n64, d64) = (word(1), word(2));
    let expected = n64
        .checked_mul(d64)
        .and_then(|nd| nd.checked_add(n64))
        .and_then(|v| v.checked_mul(8))
        .and_then(|v| v.checked_add(HEADER_LEN));
    if n64 == 0 || d64 == 0 || expected != Some(len) {
        return Err(format!(
            "{}: header says {n64} x {d64}, which does not match the file size {len} bytes",
            path.display()
        ));
    }
    let too_big = |_| format!("{}: {n64} x {d64} is too large here", path.display());
    let n = usize::try_from(n64).map_err(too_big)?;
    let d = usize::try_from(d64).map_err(too_big)?;
    let mut x = Vec::with_capacity(n * d);
    let mut row = vec![0u8; d * 8];
    for _ in 0..n {
        r.read_exact(&mut row).map_err(io)?;
        x.extend(row.chunks_exact(8).map(|b| {
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            f64::from_le_bytes(a)
        }));
    }
    let mut y = Vec::with_capacity(n);
    let mut b = [0u8; 8];
    for i in 0..n {
        r.read_exact(&mut b).map_err(io)?;
        let v = f64::from_le_bytes(b);
        if v != 0.0 && v != 1.0 {
            return Err(format!(
                "{}: label {v} at row {i} is not 0 or 1",
                path.display()
            ));
        }
        y.push(u8::from(v == 1.0));
    }
    Ok((x, n, d, y))
}

/// Reads a libsvm file written by `gen sparse` into a CSR design of `n_features` columns and
/// labels 0/1.
pub(crate) fn read_sparse(path: &Path, n_features: usize) -> Res<(Design<'static>, Vec<u8>)> {
    let data =
        read_libsvm(path, Some(n_features)).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut y = Vec::with_capacity(data.n_rows());
    for (i, v) in data.numeric_labels().into_iter().enumerate() {
        if v != 0.0 && v != 1.0 {
            return Err(format!(
                "{}: label {v} on data line {} is not 0 or 1",
                path.display(),
                i + 1
            ));
        }
        y.push(u8::from(v == 1.0));
    }
    Ok((Design::Sparse(data.design), y))
}

/// The first 8 bytes of a sparse data file.
pub(crate) const SPARSE_MAGIC: &[u8; 8] = b"LOGREGS1";

pub(crate) fn gen_sparse_bin(flags: &Flags) -> Res<()> {
    flags.check_known(&["n", "d", "nnz", "seed", "out"])?;
    let out = PathBuf::from(flags.required("out")?);
    let n: usize = flags.number("n", None)?;
    let d: usize = flags.number("d", None)?;
    let k: usize = flags.number("nnz", None)?;
    let seed: u64 = flags.number("seed", Some(42))?;
    let (x, y) = logreg::model::datasets::make_sparse_logistic(n, d, k, seed)
        .map_err(|e| format!("make_sparse_logistic: {e}"))?;
    let io = |e: std::io::Error| format!("writing {}: {e}", out.display());
    if let Some(dir) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&out).map_err(io)?);
    let (indptr, indices, values) = x.arrays();
    w.write_all(SPARSE_MAGIC).map_err(io)?;
    for v in [n, d, values.len()] {
        w.write_all(&(v as u64).to_le_bytes()).map_err(io)?;
    }
    for &p in indptr {
        w.write_all(&(p as u64).to_le_bytes()).map_err(io)?;
    }
    for &j in indices {
        w.write_all(&j.to_le_bytes()).map_err(io)?;
    }
    for &v in values.iter().chain(&y) {
        w.write_all(&v.to_le_bytes()).map_err(io)?;
    }
    w.flush().map_err(io)?;
    println!(
        "{}",
        serde_json::json!({"path": out.display().to_string(), "n": n, "d": d, "nnz": values.len()})
    );
    Ok(())
}

/// A dense or sparse data file as a design and 0/1 labels.
pub(crate) fn read_any(path: &Path) -> Res<(Design<'static>, Vec<u8>)> {
    let mut magic = [0u8; 8];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map_err(|e| format!("reading {}: {e}", path.display()))?;
    if &magic != SPARSE_MAGIC {
        let (values, n, d, y) = read_data(path)?;
        let x = Dense::new(values, n, d).map_err(|e| e.to_string())?;
        return Ok((Design::from(x), y));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let word = |at: usize| -> Res<u64> {
        bytes
            .get(at..at + 8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
            .ok_or_else(|| format!("{}: truncated", path.display()))
    };
    let (n, d, nnz) = (word(8)? as usize, word(16)? as usize, word(24)? as usize);
    let mut at = 32;
    let mut indptr = Vec::with_capacity(n + 1);
    for _ in 0..=n {
        indptr.push(word(at)? as usize);
        at += 8;
    }
    let mut indices = Vec::with_capacity(nnz);
    for _ in 0..nnz {
        let b = bytes.get(at..at + 4).ok_or("truncated sparse file")?;
        indices.push(u32::from_le_bytes(b.try_into().unwrap_or([0; 4])));
        at += 4;
    }
    let mut float = |count: usize| -> Res<Vec<f64>> {
        let mut v = Vec::with_capacity(count);
        for _ in 0..count {
            v.push(f64::from_bits(word(at)?));
            at += 8;
        }
        Ok(v)
    };
    let values = float(nnz)?;
    let y = float(n)?;
    let x = logreg::linalg::Csr::new(n, d, indptr, indices, values).map_err(|e| e.to_string())?;
    Ok((
        Design::from(x),
        y.iter().map(|&v| u8::from(v == 1.0)).collect(),
    ))
}
