//! A progress indicator on stderr that appears only on a terminal, only without `--quiet`, and
//! only once a run has taken more than a moment.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use logreg::optim::{Control, Iteration, Observer};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Runs shorter than this never show a bar.
const DELAY: Duration = Duration::from_millis(400);

/// A spinner with a counter, hidden until [`DELAY`] has passed.
pub(crate) struct Progress {
    bar: ProgressBar,
    enabled: bool,
    shown: bool,
    start: Instant,
}

impl Progress {
    fn new(quiet: bool, template: &str) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Progress {
            bar,
            enabled: !quiet && std::io::stderr().is_terminal(),
            shown: false,
            start: Instant::now(),
        }
    }

    /// For a fit: the iteration and the objective.
    pub(crate) fn fit(quiet: bool) -> Self {
        Self::new(
            quiet,
            "{spinner} fitting: iteration {pos}, mean objective {msg} [{elapsed}]",
        )
    }

    /// For predictions: rows done.
    pub(crate) fn rows(quiet: bool) -> Self {
        Self::new(quiet, "{spinner} predicting: {human_pos} rows [{elapsed}]")
    }

    fn reveal(&mut self) {
        if self.enabled && !self.shown && self.start.elapsed() >= DELAY {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
    }

    /// Moves the counter to `pos`.
    pub(crate) fn set(&mut self, pos: u64) {
        self.reveal();
        self.bar.set_position(pos);
    }

    /// Removes the bar.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Progress {
    fn observe(&mut self, it: &Iteration<'_>) -> Control {
        self.reveal();
        if self.shown {
            self.bar.set_message(format!("{:.6e}", it.value));
        }
        self.bar.set_position(it.iteration as u64);
        Control::Continue
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
