//! Which mode a fit runs in (in memory or in passes) and the memory each part of a fit in
//! passes gets.

use super::MIN_MEMORY_LIMIT;
use crate::preprocess::{FileFormat, TableFile};

/// Bytes per block of the solver's passes under `limit`: what remains once the per-row
/// bookkeeping (label code, 0/1 label and f64 copy, logits for the metrics, the split's
/// indices) and a fixed allowance for the program are set aside, a quarter of it (the block
/// mapped, the kernels' buffers, the metrics' sort), between 1 MB and 256 MB.
pub fn block_bytes(limit: u64, n_rows: usize, split: bool) -> usize {
    let per_row: u64 = 2 + 1 + 8 + 8 + 8 + if split { 16 } else { 0 };
    let fixed: u64 = 96 << 20;
    let free = limit.saturating_sub(fixed + per_row * n_rows as u64);
    ((free / 4) as usize).clamp(1 << 20, 256 << 20)
}

/// The memory the system can give this process now, in bytes (Linux: `MemAvailable` in
/// `/proc/meminfo`); `None` elsewhere or if unreadable.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// How a fit reads its data, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum FitMode {
    /// The whole table, then the whole design, in memory.
    InMemory {
        /// Why.
        reason: String,
    },
    /// In passes within this many bytes.
    InPasses {
        /// The memory limit.
        memory_limit: u64,
        /// Why.
        reason: String,
    },
}

/// Bytes a fit in memory needs for a file: the design (8 bytes a value, `columns` values a
/// row) plus the labels, estimated from the file's rows (exact for Parquet, from the CSV's
/// first rows otherwise).
pub fn estimated_design_bytes(file: &TableFile, columns: usize) -> Option<u64> {
    let rows = file.estimated_rows()? as u64;
    Some(rows * (columns as u64 * 8 + 16))
}

/// Chooses how to fit `file`: in passes within `memory_limit` when one is given; otherwise in
/// passes when the estimated design exceeds half the available memory (then within that
/// half), else in memory.
pub fn choose_mode(file: &TableFile, columns: usize, memory_limit: Option<u64>) -> FitMode {
    use logreg_scratch::human_bytes;
    if let Some(limit) = memory_limit {
        return FitMode::InPasses {
            memory_limit: limit,
            reason: format!("--memory-limit {} given", human_bytes(limit)),
        };
    }
    let estimate = estimated_design_bytes(file, columns);
    match (estimate, available_memory()) {
        (Some(e), Some(avail)) if e > avail / 2 => FitMode::InPasses {
            memory_limit: (avail / 2).max(MIN_MEMORY_LIMIT),
            reason: format!(
                "the design (about {}) exceeds half the available memory ({} of {})",
                human_bytes(e),
                human_bytes(avail / 2),
                human_bytes(avail)
            ),
        },
        (Some(e), Some(avail)) => FitMode::InMemory {
            reason: format!(
                "the design (about {}) fits in half the available memory ({})",
                human_bytes(e),
                human_bytes(avail / 2)
            ),
        },
        _ => FitMode::InMemory {
            reason: "the available memory is unknown".into(),
        },
    }
}

/// The format of `path` from its extension, or `format` when given.
pub fn format_of(path: &std::path::Path, format: Option<FileFormat>) -> FileFormat {
    format.unwrap_or_else(|| FileFormat::from_path(path))
}
