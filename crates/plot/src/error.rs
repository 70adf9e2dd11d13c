//! Why a chart could not be drawn or saved.

use crate::{Axis, MIN_HEIGHT, MIN_WIDTH};
use std::fmt;
use std::path::PathBuf;

/// Why a chart could not be drawn or saved.
#[derive(Debug)]
#[non_exhaustive]
pub enum PlotError {
    /// The chart has no series with points (boundaries alone do not define a range).
    NoData,
    /// A series has no drawable point: all are non-finite (or non-positive `y` on a log axis).
    EmptySeries {
        /// The series' name.
        series: String,
    },
    /// An explicit axis range is non-finite, empty, too narrow to label, or not positive on a log axis.
    InvalidRange {
        /// Which axis.
        axis: Axis,
        /// The range's lower end as given.
        min: f64,
        /// The range's upper end as given.
        max: f64,
    },
    /// The requested size leaves no room for a plot area.
    TooSmall {
        /// Requested width in pixels.
        width: u32,
        /// Requested height in pixels.
        height: u32,
    },
    /// Writing the SVG file failed.
    Io {
        /// The file that could not be written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlotError::NoData => write!(f, "nothing to plot: the chart has no series with points"),
            PlotError::EmptySeries { series } => write!(
                f,
                "series {series:?} has no drawable points (all are non-finite, or not positive on a log axis)"
            ),
            PlotError::InvalidRange { axis, min, max } => write!(
                f,
                "invalid {axis} range {min}..{max}: it must be finite, increasing, wide enough to \
                 label, and positive on a log axis"
            ),
            PlotError::TooSmall { width, height } => write!(
                f,
                "chart size {width}x{height} leaves no room to plot (minimum {MIN_WIDTH}x{MIN_HEIGHT})"
            ),
            PlotError::Io { path, source } => {
                write!(f, "cannot write chart to {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for PlotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PlotError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
