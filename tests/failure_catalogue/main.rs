//! The README's "Bad input" catalogue, one test per row: each kind of bad input, and the exact
//! error a library user sees. If a message changes here, change the README's table with it.
//!
//! One test binary (linking one is what takes time); one module per part of the catalogue.

mod columns;
mod common;
mod csv_files;
mod distributed;
mod fit;
mod passes;
mod penalties;
mod prediction;
mod saved_models;
