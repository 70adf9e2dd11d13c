//! Interrupts: a first Ctrl-C asks long loops to stop at their next block (so every destructor
//! runs and removes scratch files and partial outputs); a second one, or a loop that does not
//! stop within a few seconds, removes the scratch directories and exits at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::{dir::remove_live, ScratchError};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// How long a loop has to notice an interrupt before the process exits anyway.
const GRACE: Duration = Duration::from_secs(3);

/// Exit status after an interrupt (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: i32 = 130;

/// Whether an interrupt was requested.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// `Err(ScratchError::Interrupted)` once an interrupt was requested: long loops call this once
/// per block.
pub fn check_interrupted() -> Result<(), ScratchError> {
    if interrupted() {
        Err(ScratchError::Interrupted)
    } else {
        Ok(())
    }
}

/// What a Ctrl-C handler calls: the first time, asks loops to stop and starts a watchdog that
/// removes the scratch directories and exits with status 130 after a grace period; the second
/// time, does that at once.
pub fn request_interrupt() {
    if INTERRUPTED.swap(true, Ordering::SeqCst) {
        remove_live();
        std::process::exit(EXIT_INTERRUPTED);
    }
    std::thread::spawn(|| {
        std::thread::sleep(GRACE);
        remove_live();
        std::process::exit(EXIT_INTERRUPTED);
    });
}
