//! The binary log loss of one sample as a function of its logit (value, residual, curvature),
//! and the mean log loss of given logits.

use crate::data::{labels_to_bool, validate_weights};
use crate::LossError;
use logreg_linalg_core::{sigmoid, softplus};

/// The per-sample loss ℓ(z) = softplus(z) − y·z, taken on the branch where nothing cancels.
#[inline]
pub fn log_loss_from_logit(z: f64, positive: bool) -> f64 {
    if positive {
        softplus(-z)
    } else {
        softplus(z)
    }
}

/// The residual dℓ/dz = σ(z) − y, exact in both tails (σ(z) − 1 is written −σ(−z)).
#[inline]
pub fn residual_from_logit(z: f64, positive: bool) -> f64 {
    if positive {
        -sigmoid(-z)
    } else {
        sigmoid(z)
    }
}

/// The curvature d²ℓ/dz² = σ(z)·σ(−z), exact in both tails.
#[inline]
pub fn curvature_from_logit(z: f64) -> f64 {
    sigmoid(z) * sigmoid(-z)
}

/// Weighted mean binary cross-entropy of labels `y` ∈ {0, 1} given logits `z`.
pub fn mean_log_loss(
    z: &[f64],
    y: &[f64],
    sample_weight: Option<&[f64]>,
) -> Result<f64, LossError> {
    let n = z.len();
    if n == 0 {
        return Err(LossError::Empty);
    }
    let positive = labels_to_bool(y, n)?;
    if let Some(w) = sample_weight {
        validate_weights(w, n)?;
    }
    let (mut total, mut wsum) = (0.0, 0.0);
    for (i, (&zi, &pi)) in z.iter().zip(&positive).enumerate() {
        let s = sample_weight.map_or(1.0, |w| w[i]);
        total += s * log_loss_from_logit(zi, pi);
        wsum += s;
    }
    Ok(total / wsum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_log_loss_matches_sklearn() {
        // sklearn.metrics.log_loss([0,1,1,0], [σ(-1), σ(2), σ(0.5), σ(-3)]), from:
        // python3 -c "import numpy as np; from sklearn.metrics import log_loss;
        //   z=np.array([-1,2,.5,-3.]); print(repr(log_loss([0,1,1,0], 1/(1+np.exp(-z)))))"
        let v = mean_log_loss(&[-1.0, 2.0, 0.5, -3.0], &[0.0, 1.0, 1.0, 0.0], None).unwrap();
        assert!((v - SKLEARN_LOG_LOSS).abs() < 1e-14, "{v}");
        assert_eq!(mean_log_loss(&[], &[], None), Err(LossError::Empty));
        assert!(mean_log_loss(&[1.0], &[0.0], Some(&[0.0])).is_err());
    }

    const SKLEARN_LOG_LOSS: f64 = 0.240_713_508_578_761_03;
}
