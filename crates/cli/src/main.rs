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
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = logreg_cli::run(std::env::args_os(), &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}
