//! The CLI's error: one line for the user and an exit code.

use std::fmt;

/// Exit code of a run that failed on its input (files, data, model).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code of a bad command line, as clap uses.
pub const EXIT_USAGE: u8 = 2;

/// A failure to report as `error: <message>` on stderr.
#[derive(Debug)]
pub struct CliError {
    /// One line, without the `error: ` prefix.
    pub message: String,
    /// The process exit code.
    pub code: u8,
    /// Stdout was closed (e.g. piped into `head`): stop quietly.
    pub broken_pipe: bool,
    /// The message is on stderr already (a distributed run prints it before the ranks part).
    pub reported: bool,
}

impl CliError {
    /// A failure on the input.
    pub fn failed(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: EXIT_FAILURE,
            broken_pipe: false,
            reported: false,
        }
    }

    /// A bad command line.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: EXIT_USAGE,
            broken_pipe: false,
            reported: false,
        }
    }

    /// Puts `context: ` in front of the message.
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// This error, marked as printed already (its exit code stays).
    pub fn reported(mut self) -> Self {
        self.reported = true;
        self
    }

    /// The message on one line.
    pub fn line(&self) -> String {
        self.message.replace(['\n', '\r'], " ")
    }
}

impl From<logreg::Error> for CliError {
    fn from(e: logreg::Error) -> Self {
        CliError::failed(e.to_string())
    }
}

impl From<logreg_plot::PlotError> for CliError {
    fn from(e: logreg_plot::PlotError) -> Self {
        CliError::failed(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        let broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        CliError {
            message: format!("cannot write output: {e}"),
            code: EXIT_FAILURE,
            broken_pipe,
            reported: false,
        }
    }
}

/// `Result` with a [`CliError`].
pub(crate) type CliResult<T> = Result<T, CliError>;
