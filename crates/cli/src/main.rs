//! The `logreg` command-line tool: train, evaluate, predict and summarize logistic regression on
//! CSV files. Every step is a call into the `logreg` library; this crate parses arguments, reads
//! and writes files, and prints reports.

mod args;
mod error;
mod files;
mod inspect;
mod predict;
mod progress;
mod report;
mod train;

use args::{Cli, Command};
use clap::Parser;
use error::{CliError, CliResult};
use std::io::Write;
use std::process::ExitCode;

/// Stdout, written with errors reported rather than panicking (`println!` panics on a closed pipe).
pub struct Out {
    inner: std::io::Stdout,
}

impl Out {
    /// Writes `text` as is.
    pub fn text(&mut self, text: &str) -> CliResult<()> {
        let mut lock = self.inner.lock();
        lock.write_all(text.as_bytes())?;
        lock.flush()?;
        Ok(())
    }

    /// Writes `text` and a newline.
    pub fn line(&mut self, text: &str) -> CliResult<()> {
        self.text(&format!("{text}\n"))
    }
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string().replace(['\n', '\r'], " ");
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error (a bug in logreg, please report it): {msg}"
        );
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(error::EXIT_USAGE));
        }
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.broken_pipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {}", e.line());
            ExitCode::from(e.code)
        }
    }
}

fn run(cli: &Cli) -> Result<(), CliError> {
    let mut out = Out {
        inner: std::io::stdout(),
    };
    match &cli.command {
        None => train::run(&args::default_train(), cli.quiet, &mut out),
        Some(Command::Train(a)) => train::run(a, cli.quiet, &mut out),
        Some(Command::Evaluate(a)) => inspect::evaluate(a, &mut out),
        Some(Command::Summary(a)) => inspect::summary(a, &mut out),
        Some(Command::Predict(a)) => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            predict::run(a, cli.quiet, &mut lock)
        }
    }
}
