//! The `logreg` command-line tool: train, evaluate, predict and summarize logistic regression on
//! CSV files. Every step is a call into the `logreg` library; this crate parses arguments, reads
//! and writes files, and prints reports. The binary is [`run`] on the process's arguments; the
//! library form exists so the argument handling can be fuzzed in-process (`fuzz/`).
#![forbid(unsafe_code)]

mod args;
mod charts;
mod checks;
mod distributed;
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
use std::ffi::OsString;
use std::io::Write;

pub use error::{EXIT_FAILURE, EXIT_USAGE};

/// Stdout, written with errors reported rather than panicking (`println!` panics on a closed pipe).
pub struct Out<'a> {
    inner: &'a mut dyn Write,
}

impl Out<'_> {
    /// Writes `text` as is.
    pub fn text(&mut self, text: &str) -> CliResult<()> {
        self.inner.write_all(text.as_bytes())?;
        self.inner.flush()?;
        Ok(())
    }

    /// Writes `text` and a newline.
    pub fn line(&mut self, text: &str) -> CliResult<()> {
        self.text(&format!("{text}\n"))
    }
}

/// Runs the command line `args` (the program name first, as `std::env::args_os` gives it), with
/// reports on `stdout` and usage and error messages on `stderr`; returns the process exit code
/// (0 success, 1 bad input, 2 bad command line).
pub fn run<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE);
            let text = e.render().to_string();
            let sink: &mut dyn Write = if e.use_stderr() { stderr } else { stdout };
            let _ = sink.write_all(text.as_bytes());
            return code;
        }
    };
    match dispatch(&cli, stdout) {
        Ok(()) => 0,
        Err(e) if e.broken_pipe => 0,
        Err(e) if e.reported => e.code,
        Err(e) => {
            // One write for the whole line: under mpirun every rank reports the same error, and
            // lines written in pieces interleave.
            let _ = stderr.write_all(format!("error: {}\n", e.line()).as_bytes());
            e.code
        }
    }
}

fn dispatch(cli: &Cli, stdout: &mut dyn Write) -> Result<(), CliError> {
    match &cli.command {
        None => train::run(
            &args::default_train()?,
            cli.quiet,
            &mut Out { inner: stdout },
        ),
        Some(Command::Train(a)) => train::run(a, cli.quiet, &mut Out { inner: stdout }),
        Some(Command::Evaluate(a)) => inspect::evaluate(a, &mut Out { inner: stdout }),
        Some(Command::Summary(a)) => inspect::summary(a, &mut Out { inner: stdout }),
        Some(Command::Export(a)) => inspect::export(a, &mut Out { inner: stdout }),
        Some(Command::Predict(a)) => {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, stdout);
            let result = predict::run(a, cli.quiet, &mut buffered);
            result.and_then(|()| buffered.flush().map_err(CliError::from))
        }
    }
}
