//! The ranks a loss sums over. Every sum over rows is computed on this rank's rows and then
//! added over the ranks ([`Collective::allreduce_sum`], in rank order), so every rank holds the
//! same global sums, bit for bit, and the solver above runs the same steps on every rank without
//! knowing there are ranks. On one process ([`Local`]) nothing is exchanged.

use std::fmt;

use logreg_collective::{Collective, Local};
use logreg_linalg_core::{MultiPassSums, PassSums};

use crate::LossError;

/// A loss's view of the job: the local process unless a collective was given.
#[derive(Clone, Copy)]
pub(crate) struct Ranks<'a>(&'a dyn Collective);

impl fmt::Debug for Ranks<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rank {} of {}", self.0.rank(), self.0.size())
    }
}

impl<'a> Ranks<'a> {
    /// This process alone.
    pub(crate) const LOCAL: Ranks<'static> = Ranks(&Local);

    pub(crate) fn new(collective: &'a dyn Collective) -> Self {
        Ranks(collective)
    }

    fn distributed(&self) -> bool {
        self.0.size() > 1
    }

    /// Local sums become global sums.
    pub(crate) fn sum(&self, buf: &mut [f64]) -> Result<(), LossError> {
        if self.distributed() {
            self.0.allreduce_sum(buf)?;
        }
        Ok(())
    }

    /// One local total becomes the global total.
    pub(crate) fn total(&self, local: f64) -> Result<f64, LossError> {
        let mut buf = [local];
        self.sum(&mut buf)?;
        Ok(buf[0])
    }

    /// A pass's sums (value, gradient, intercept gradient) become global: one allreduce of
    /// d + 2 doubles.
    pub(crate) fn sum_pass(&self, sums: &mut PassSums) -> Result<(), LossError> {
        if !self.distributed() {
            return Ok(());
        }
        let mut buf: Vec<f64> = sums.grad.iter().copied().collect();
        buf.extend([sums.grad_bias, sums.value]);
        self.sum(&mut buf)?;
        let d = sums.grad.len();
        sums.grad.copy_from_slice(&buf[..d]);
        (sums.grad_bias, sums.value) = (buf[d], buf[d + 1]);
        Ok(())
    }

    /// A multi-output pass's sums become global: one allreduce of K(d + 1) + 1 doubles.
    pub(crate) fn sum_multi_pass(&self, sums: &mut MultiPassSums) -> Result<(), LossError> {
        if !self.distributed() {
            return Ok(());
        }
        let (kd, k) = (sums.grad.len(), sums.grad_bias.len());
        let mut buf = Vec::with_capacity(kd + k + 1);
        buf.extend_from_slice(&sums.grad);
        buf.extend_from_slice(&sums.grad_bias);
        buf.push(sums.value);
        self.sum(&mut buf)?;
        sums.grad.copy_from_slice(&buf[..kd]);
        sums.grad_bias.copy_from_slice(&buf[kd..kd + k]);
        sums.value = buf[kd + k];
        Ok(())
    }

    /// Mini-batches are drawn from one process's rows: across ranks they would be neither the
    /// same draws nor one batch, so they are refused.
    pub(crate) fn refuse_mini_batches(&self) -> Result<(), LossError> {
        if self.distributed() {
            return Err(LossError::NotDistributed {
                what: "a mini-batch evaluation (solver sgd)",
            });
        }
        Ok(())
    }
}
