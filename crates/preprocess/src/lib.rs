//! Tables from CSV and fitted preprocessing steps that turn them into a feature matrix.
