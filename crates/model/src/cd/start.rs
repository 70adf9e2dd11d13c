//! Where an L1 fit starts: the null model's intercepts, and the L1 weights of each coordinate.

use super::Glm;
use crate::ModelError;
use logreg_collective::Collective;
use nalgebra::DVector;

/// Sets the intercepts of θ to the null model's (every coefficient 0): the log-odds of the
/// weighted positive share for a binary loss, log class masses for a multinomial one (the optimum
/// without offsets). Where an L1 fit starts from zero, and where `C_min` is measured. The sums
/// are over every rank's rows (`world`), so every rank starts from the same point.
pub(crate) fn null_intercepts(
    glm: Glm<'_, '_>,
    theta: &mut DVector<f64>,
    world: &dyn Collective,
) -> Result<(), ModelError> {
    match glm {
        Glm::Binary(loss) => {
            if !loss.fit_intercept() {
                return Ok(());
            }
            let mut sums = [0.0, 0.0];
            for pos in 0..loss.n_samples() {
                let w = loss.weight(pos);
                sums[1] += w;
                if loss.is_positive(pos) {
                    sums[0] += w;
                }
            }
            world.allreduce_sum(&mut sums)?;
            let p0 = (sums[0] / sums[1]).clamp(1e-300, 1.0 - 1e-16);
            theta[loss.n_features()] = (p0 / (1.0 - p0)).ln();
        }
        Glm::Multinomial(loss) => {
            if !loss.fit_intercept() {
                return Ok(());
            }
            let (k, p, d) = (
                loss.n_classes(),
                loss.params_per_class(),
                loss.design().n_cols(),
            );
            let mut mass = vec![0.0; k];
            for pos in 0..loss.n_samples() {
                mass[loss.class_of(pos)] += loss.weight(pos);
            }
            world.allreduce_sum(&mut mass)?;
            for c in 0..k {
                theta[c * p + d] = mass[c].max(1e-300).ln();
            }
        }
    }
    Ok(())
}

/// The weighted sum the loss is normalized by, and its parameter blocks: used by callers to set
/// the L1 weights (λ₁ on every coefficient, 0 on intercepts).
pub(crate) fn l1_weights(lambda1: f64, classes: usize, d: usize, intercept: bool) -> Vec<f64> {
    let per = d + usize::from(intercept);
    let mut w = vec![lambda1; classes * per];
    if intercept {
        for c in 0..classes {
            w[c * per + d] = 0.0;
        }
    }
    w
}
