//! The `logreg` binary: [`logreg_cli::run`] on the process's arguments and standard streams.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string().replace(['\n', '\r'], " ");
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error (a bug in logreg, please report it): {msg}"
        );
    }));
    // Ctrl-C (and SIGTERM, SIGHUP): loops stop at their next block and destructors remove the
    // scratch files and partial outputs; a second signal, or a few seconds, ends it at once.
    let _ = ctrlc::set_handler(logreg::scratch::request_interrupt);
    // Scratch directories of runs killed before they could clean up (kill -9, power loss).
    logreg::scratch::clean_stale(std::env::temp_dir());
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = logreg_cli::run(std::env::args_os(), &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}
