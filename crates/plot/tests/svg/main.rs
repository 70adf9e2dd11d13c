//! The crate's public behaviour: what the SVG it writes contains, and what it refuses to draw.
//!
//! One test binary (linking one is what takes time); the tests are grouped by what they check.

mod axes;
mod common;
mod drawing;
mod errors;
mod model_charts;
mod properties;
mod save;
