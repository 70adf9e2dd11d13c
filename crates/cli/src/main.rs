//! The `logreg` command-line tool.
fn main() {}
