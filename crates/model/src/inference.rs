//! Statistical inference for an unpenalized fit, as statsmodels' `Logit` reports it: standard
//! errors from the inverse of the observed information (the Hessian of the summed log loss at the
//! optimum) or from a robust sandwich ([`CovType`]), z-scores, two-sided p-values and 95% Wald
//! confidence intervals, with the model's statistics above the table.

use crate::statistics::{CovType, ModelStatistics};
use logreg_loss::LogLoss;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// z such that P(|Z| ≤ z) = 0.95 for a standard normal Z.
const Z_975: f64 = 1.959_963_984_540_054;

/// The covariance of the estimates from the observed information `info` (the Hessian of the
/// summed log loss at the optimum) and, for the robust types, the scores' outer products `meat`
/// (computed only then, by the closure), with `nobs` observations: see [`CovType`]. The reason
/// when it does not exist.
pub(crate) fn covariance(
    info: DMatrix<f64>,
    meat: impl FnOnce() -> Result<DMatrix<f64>, String>,
    cov_type: CovType,
    nobs: f64,
) -> Result<DMatrix<f64>, String> {
    let p = info.nrows();
    let chol = info.cholesky().ok_or_else(|| {
        "the information matrix is singular (collinear features or separated classes)".to_string()
    })?;
    let bread = chol.inverse();
    let cov = match cov_type {
        CovType::Nonrobust => bread,
        CovType::Hc0 | CovType::Hc1 => {
            let sandwich = &bread * meat()? * &bread;
            if cov_type == CovType::Hc0 {
                sandwich
            } else if nobs > p as f64 {
                sandwich * (nobs / (nobs - p as f64))
            } else {
                return Err(format!(
                    "HC1 needs more observations than parameters ({nobs} observations, {p} parameters)"
                ));
            }
        }
    };
    if cov.diagonal().iter().all(|v| v.is_finite() && *v > 0.0) {
        Ok(cov)
    } else {
        Err("the information matrix is numerically singular".into())
    }
}

/// Standard errors of a binary fit's parameters at `theta` (the optimum), or the reason they do
/// not exist.
pub(crate) fn std_errors(
    loss: &LogLoss<'_>,
    theta: &DVector<f64>,
    cov_type: CovType,
) -> Result<DVector<f64>, String> {
    let h = loss.hessian(theta).map_err(|e| e.to_string())?;
    // The loss is a weighted mean; the information matrix is the Hessian of the weighted sum.
    let info = h * loss.weight_sum();
    let meat = || loss.score_outer_product(theta).map_err(|e| e.to_string());
    let cov = covariance(info, meat, cov_type, loss.weight_sum())?;
    Ok(cov.diagonal().map(f64::sqrt))
}

/// The complementary error function, erfc(x) = 1 − erf(x), to about 1e-15 relative.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x > 27.3 {
        // e^{−x²} underflows past the smallest subnormal here (erfc(27.3) ≈ 5e-326 < 4.9e-324).
        return 0.0;
    }
    if x < 2.0 {
        // erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)): all terms positive.
        let mut term = x;
        let mut sum = x;
        let mut k = 1.0;
        while term > sum * 1e-17 {
            term *= 2.0 * x * x / (2.0 * k + 1.0);
            sum += term;
            k += 1.0;
        }
        1.0 - std::f64::consts::FRAC_2_SQRT_PI * (-x * x).exp() * sum
    } else {
        // Continued fraction erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
        // evaluated by the modified Lentz method.
        let tiny = 1e-300;
        let mut f = x;
        let mut c = x;
        let mut d = 0.0;
        for k in 1..300 {
            let a = k as f64 / 2.0;
            d = x + a * d;
            d = if d.abs() < tiny { tiny } else { d };
            c = x + a / c;
            c = if c.abs() < tiny { tiny } else { c };
            d = 1.0 / d;
            let delta = c * d;
            f *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (-x * x).exp() / (f * std::f64::consts::PI.sqrt())
    }
}

/// Two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|) = erfc(|z|/√2).
pub fn two_sided_p_value(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// A coefficient table: estimates, standard errors, z, p-values and 95% confidence intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Parameter names (features, then `intercept`).
    pub names: Vec<String>,
    /// Estimates.
    pub coef: Vec<f64>,
    /// Standard errors.
    pub std_errors: Vec<f64>,
    /// z = coef / std_error.
    pub z: Vec<f64>,
    /// Two-sided p-values.
    pub p_values: Vec<f64>,
    /// Lower ends of the 95% confidence intervals.
    pub ci_low: Vec<f64>,
    /// Upper ends of the 95% confidence intervals.
    pub ci_high: Vec<f64>,
    /// How the standard errors were computed.
    #[serde(default)]
    pub cov_type: CovType,
    /// The model's statistics (log-likelihood, LR test, AIC, BIC, …), when known.
    #[serde(default)]
    pub statistics: Option<ModelStatistics>,
}

impl Summary {
    /// Build the table from names, estimates and standard errors (equal lengths).
    pub fn new(names: Vec<String>, coef: Vec<f64>, std_errors: Vec<f64>) -> Self {
        debug_assert!(names.len() == coef.len() && coef.len() == std_errors.len());
        let z: Vec<f64> = coef.iter().zip(&std_errors).map(|(c, s)| c / s).collect();
        Summary {
            p_values: z.iter().map(|&v| two_sided_p_value(v)).collect(),
            ci_low: coef
                .iter()
                .zip(&std_errors)
                .map(|(c, s)| c - Z_975 * s)
                .collect(),
            ci_high: coef
                .iter()
                .zip(&std_errors)
                .map(|(c, s)| c + Z_975 * s)
                .collect(),
            names,
            coef,
            std_errors,
            z,
            cov_type: CovType::Nonrobust,
            statistics: None,
        }
    }

    /// The same table, with the covariance type and model statistics it came with.
    pub fn with_statistics(
        mut self,
        cov_type: CovType,
        statistics: Option<ModelStatistics>,
    ) -> Self {
        self.cov_type = cov_type;
        self.statistics = statistics;
        self
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(stats) = &self.statistics {
            write!(f, "{stats}")?;
        }
        writeln!(f, "{:<18}{:>14}", "Covariance Type:", self.cov_type.name())?;
        let w = self.names.iter().map(|n| n.len()).max().unwrap_or(0).max(9);
        writeln!(
            f,
            "{:<w$} {:>10} {:>10} {:>8} {:>8} {:>10} {:>10}",
            "", "coef", "std err", "z", "P>|z|", "[0.025", "0.975]"
        )?;
        writeln!(f, "{}", "-".repeat(w + 63))?;
        for i in 0..self.names.len() {
            writeln!(
                f,
                "{:<w$} {:>10.4} {:>10.3} {:>8.3} {:>8.3} {:>10.3} {:>10.3}",
                self.names[i],
                self.coef[i],
                self.std_errors[i],
                self.z[i],
                self.p_values[i],
                self.ci_low[i],
                self.ci_high[i]
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_reference_values() {
        // python3 -c "import mpmath as m; m.mp.dps=40; print([float(m.erfc(x)) for x in
        //   (0, 0.3, 1, 1.9999, 2, 3.5, 6, 27)])"
        let cases = [
            (0.0, 1.0),
            (0.3, 0.671_373_240_540_873_2),
            (1.0, 0.157_299_207_050_285_13),
            (1.9999, 0.004_679_802_092_970_608),
            (2.0, 0.004_677_734_981_047_266),
            (3.5, 7.430_983_723_414_128e-7),
            (6.0, 2.151_973_671_249_891_3e-17),
            (27.0, 5.237_05e-319),
        ];
        for (x, want) in cases {
            let got = erfc(x);
            // Subnormal results carry only a few significant digits.
            let tol = if want < 1e-300 { 1e-2 } else { 1e-13 };
            assert!(
                ((got - want) / want).abs() < tol,
                "erfc({x}) = {got:e}, want {want:e}"
            );
        }
        assert!((erfc(-1.0) - (2.0 - 0.157_299_207_050_285_13)).abs() < 1e-15);
        assert_eq!(erfc(f64::INFINITY), 0.0);
        assert!(erfc(f64::NAN).is_nan());
        assert!((two_sided_p_value(1.959_963_984_540_054) - 0.05).abs() < 1e-15);
    }
}
