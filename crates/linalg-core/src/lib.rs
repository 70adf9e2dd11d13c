//! Numerical kernels.
