//! Model-level statistics of an unpenalized fit, as statsmodels prints them above its coefficient
//! table: log-likelihood, the intercept-only (null) log-likelihood, the likelihood-ratio test and
//! its p-value, AIC, BIC, McFadden's pseudo-R² and the deviance; and the special functions the
//! p-value needs (ln Γ and the regularized incomplete gamma function).
//!
//! **Weights are frequency weights** (statsmodels' `GLM(..., freq_weights=w)`): every statistic
//! equals that of the data with row i repeated sᵢ times. So the log-likelihood is `Σ sᵢ ln pᵢ`,
//! the number of observations in BIC is `Σ sᵢ`, and the robust covariance's meat is
//! `Σ sᵢ rᵢ² x̃ᵢx̃ᵢᵀ` (see [`CovType`]). Without weights the numbers are statsmodels' `Logit`'s.

use logreg_collective::{Collective, CollectiveError};
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// How the covariance of the estimates is computed (statsmodels' `cov_type`).
///
/// With the observed information `H = Σ sᵢσᵢ(1 − σᵢ)x̃ᵢx̃ᵢᵀ` (the Hessian of the summed log loss)
/// and the scores' outer products `M = Σ sᵢ rᵢ² x̃ᵢx̃ᵢᵀ` (`rᵢ = σᵢ − yᵢ`, x̃ᵢ = (xᵢ, 1)):
/// `Nonrobust` is `H⁻¹`; `Hc0` is the sandwich `H⁻¹ M H⁻¹` (White's, correct when the model's
/// variance assumption fails); `Hc1` is HC0 times `n / (n − p)`, with n the number of
/// observations (`Σ sᵢ`) and p the number of parameters. HC1 is the small-sample factor of
/// statsmodels' `cov_white_simple(use_correction=True)`, R's `sandwich::vcovHC(type = "HC1")` and
/// statsmodels' OLS; note that statsmodels' `Logit` and `GLM` with `cov_type="HC1"` return HC0
/// unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CovType {
    /// The inverse observed information (statsmodels' default).
    #[default]
    Nonrobust,
    /// White's heteroscedasticity-robust sandwich.
    Hc0,
    /// HC0 with the small-sample factor n / (n − p).
    Hc1,
}

impl CovType {
    /// Every covariance type, in the order the command line lists them.
    pub const ALL: [CovType; 3] = [CovType::Nonrobust, CovType::Hc0, CovType::Hc1];

    /// The name used in reports and on the command line (`nonrobust`, `hc0`, `hc1`).
    pub fn name(self) -> &'static str {
        match self {
            CovType::Nonrobust => "nonrobust",
            CovType::Hc0 => "hc0",
            CovType::Hc1 => "hc1",
        }
    }

    /// Parse a name as printed by [`name`](Self::name), in any case (`HC1` as statsmodels spells it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for CovType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Model-level statistics of an unpenalized fit, as statsmodels reports them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelStatistics {
    /// Observations: the rows fitted, or the sum of their weights.
    pub nobs: f64,
    /// Parameters estimated (coefficients and intercepts).
    pub n_params: usize,
    /// Degrees of freedom of the likelihood-ratio test: parameters minus those of the null model
    /// (statsmodels' `df_model`: p − 1 for a binary model, (K − 1)(p − 1) for a multinomial one).
    pub df_model: usize,
    /// The maximized log-likelihood `Σ sᵢ ln P(yᵢ | xᵢ)` (statsmodels' `llf`).
    pub log_likelihood: f64,
    /// The log-likelihood of the intercept-only model, with the offset if there is one
    /// (statsmodels' `llnull`).
    pub null_log_likelihood: f64,
    /// The likelihood-ratio statistic `2 (llf − llnull)`.
    pub llr: f64,
    /// P(χ²(df_model) ≥ llr); `None` when `df_model` is 0.
    pub llr_p_value: Option<f64>,
    /// Akaike's information criterion `−2 llf + 2 p`.
    pub aic: f64,
    /// Schwarz's Bayesian information criterion `−2 llf + ln(nobs) p`.
    pub bic: f64,
    /// McFadden's pseudo-R², `1 − llf / llnull`.
    pub pseudo_r2: f64,
    /// The deviance `−2 llf` (the saturated model of 0/1 labels has log-likelihood 0).
    pub deviance: f64,
    /// The null model's deviance `−2 llnull`.
    pub null_deviance: f64,
}

impl ModelStatistics {
    /// The statistics of a fit with log-likelihood `llf`, null log-likelihood `llnull`, `nobs`
    /// observations, `n_params` parameters and `df_model` degrees of freedom for the LR test.
    pub fn new(llf: f64, llnull: f64, nobs: f64, n_params: usize, df_model: usize) -> Self {
        let p = n_params as f64;
        let llr = 2.0 * (llf - llnull);
        ModelStatistics {
            nobs,
            n_params,
            df_model,
            log_likelihood: llf,
            null_log_likelihood: llnull,
            llr,
            llr_p_value: (df_model > 0).then(|| chi2_sf(llr, df_model as f64)),
            aic: -2.0 * llf + 2.0 * p,
            bic: -2.0 * llf + nobs.ln() * p,
            pseudo_r2: 1.0 - llf / llnull,
            deviance: -2.0 * llf,
            null_deviance: -2.0 * llnull,
        }
    }
}

impl std::fmt::Display for ModelStatistics {
    /// Two columns, as statsmodels' summary header.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = self
            .llr_p_value
            .map_or_else(|| "-".to_string(), |p| format!("{p:.4e}"));
        writeln!(
            f,
            "{:<18}{:>14}   {:<16}{:>14.6}",
            "No. Observations:",
            format_count(self.nobs),
            "Log-Likelihood:",
            self.log_likelihood
        )?;
        writeln!(
            f,
            "{:<18}{:>14}   {:<16}{:>14.6}",
            "Df Model:", self.df_model, "LL-Null:", self.null_log_likelihood
        )?;
        writeln!(
            f,
            "{:<18}{:>14.6}   {:<16}{:>14}",
            "Pseudo R-squ.:", self.pseudo_r2, "LLR p-value:", p
        )?;
        writeln!(
            f,
            "{:<18}{:>14.4}   {:<16}{:>14.4}",
            "AIC:", self.aic, "BIC:", self.bic
        )?;
        writeln!(
            f,
            "{:<18}{:>14.4}   {:<16}{:>14.4}",
            "Deviance:", self.deviance, "LLR:", self.llr
        )
    }
}

/// A count without a fraction when it is whole (weights may make it fractional).
fn format_count(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.4}")
    }
}

/// The maximized log-likelihood of the intercept-only model with K classes (statsmodels'
/// `llnull`): row i (of `n`) has class `class(i)`, weight `weight(i)` and, if given, the known
/// terms `offset(i, k)` added to its logits. Without offsets it is `Σₖ Wₖ ln(Wₖ / W)` (Wₖ the
/// weight of class k); with them, a small Newton fit of the K − 1 free intercepts (class 0's is
/// fixed at 0: softmax is unchanged by a common shift). `None` if a class has no weight or the
/// fit does not converge. The rows are those of every rank of `world` (this rank's are `0..n`):
/// the class weights and each Newton step's derivatives are added over the ranks, so every rank
/// takes the same steps and returns the same value; every rank must call it at the same point.
pub(crate) fn null_log_likelihood(
    world: &dyn Collective,
    n: usize,
    k: usize,
    class: impl Fn(usize) -> usize,
    weight: impl Fn(usize) -> f64,
    offset: Option<&dyn Fn(usize, usize) -> f64>,
) -> Result<Option<f64>, CollectiveError> {
    let mut wk = vec![0.0; k];
    for i in 0..n {
        wk[class(i)] += weight(i);
    }
    if world.size() > 1 {
        world.allreduce_sum(&mut wk)?;
    }
    let total: f64 = wk.iter().sum();
    if wk.iter().any(|&w| w <= 0.0) {
        return Ok(None);
    }
    let Some(offset) = offset else {
        return Ok(Some(wk.iter().map(|&w| w * (w / total).ln()).sum()));
    };
    // f(b) = Σ sᵢ (logsumexp(zᵢ) − zᵢ,yᵢ), zᵢₖ = bₖ + oᵢₖ, b₀ = 0; convex, and coercive since
    // every class has weight.
    let m = k - 1;
    let eval = |b: &DVector<f64>, want_derivatives: bool| {
        let (mut f, mut g, mut h) = (0.0, DVector::zeros(m), DMatrix::zeros(m, m));
        let (mut z, mut p) = (vec![0.0; k], vec![0.0; k]);
        for i in 0..n {
            for (c, zc) in z.iter_mut().enumerate() {
                *zc = offset(i, c) + if c == 0 { 0.0 } else { b[c - 1] };
            }
            // One exponential per class: pₖ = e^{zₖ − max} / Σ, logsumexp = max + ln Σ.
            let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut sum = 0.0;
            for (pc, zc) in p.iter_mut().zip(&z) {
                *pc = (zc - top).exp();
                sum += *pc;
            }
            let (s, yi) = (weight(i), class(i));
            f += s * (top + sum.ln() - z[yi]);
            if want_derivatives {
                for a in 1..k {
                    let pa = p[a] / sum;
                    g[a - 1] += s * (pa - f64::from(u8::from(yi == a)));
                    for c in 1..k {
                        h[(a - 1, c - 1)] += s * pa * (f64::from(u8::from(a == c)) - p[c] / sum);
                    }
                }
            }
        }
        if world.size() > 1 {
            // One allreduce of 1 + m + m² doubles: this rank's sums become the job's.
            let mut buf = Vec::with_capacity(1 + m + m * m);
            buf.push(f);
            buf.extend(g.iter());
            buf.extend(h.iter());
            world.allreduce_sum(&mut buf)?;
            f = buf[0];
            g.copy_from_slice(&buf[1..=m]);
            h.copy_from_slice(&buf[1 + m..]);
        }
        Ok::<_, CollectiveError>((f, g, h))
    };
    let mut b = DVector::from_fn(m, |a, _| (wk[a + 1] / wk[0]).ln());
    let (mut f, mut g, mut h) = eval(&b, true)?;
    for _ in 0..100 {
        let Some(factor) = h.clone().cholesky() else {
            return Ok(None);
        };
        let step = factor.solve(&g);
        // Newton's decrement: f − min f ≈ gᵀH⁻¹g / 2, far below what the statistics resolve.
        if g.dot(&step) / 2.0 <= 1e-15 * f.abs().max(1.0) {
            return Ok(Some(-f));
        }
        // Each trial is evaluated with its derivatives: the accepted one starts the next step.
        let mut t = 1.0;
        let (trial, ft, gt, ht) = loop {
            let trial = &b - t * &step;
            let (ft, gt, ht) = eval(&trial, true)?;
            if ft <= f || t < 1e-12 {
                break (trial, ft, gt, ht);
            }
            t /= 2.0;
        };
        let stalled = (f - ft).abs() <= 1e-16 * f.abs().max(1.0);
        (b, f, g, h) = (trial, ft, gt, ht);
        if stalled {
            return Ok(Some(-f));
        }
    }
    Ok(None)
}

/// ln Γ(x) for x > 0, by the Lanczos approximation (g = 7, 9 terms; about 1e-15 relative, and
/// 1e-15 absolute near its zeros at 1 and 2); reflection below ½.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x < 0.5 {
        // Γ(x)Γ(1 − x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x ≥ 0
/// (scipy's `gammaincc`): by its series (as 1 − P) for x < a + 1, else by its continued fraction
/// (modified Lentz), which keeps tiny tails accurate relative to their size. NaN for a ≤ 0 or NaN
/// inputs; 1 for x ≤ 0.
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if a.is_nan() || x.is_nan() || a <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    // ln of x^a e^{−x} / Γ(a), the factor both expansions share.
    let log_prefactor = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // P(a, x) = x^a e^{−x}/Γ(a) · Σₙ xⁿ / (a (a+1) … (a+n)).
        let (mut ap, mut term) = (a, 1.0 / a);
        let mut sum = term;
        for _ in 0..100_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        1.0 - sum * log_prefactor.exp()
    } else {
        // Q(a, x) = x^a e^{−x}/Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …))).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..100_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        log_prefactor.exp() * h
    }
}

/// The chi-square survival function P(χ²(k) ≥ x) = Q(k/2, x/2) (scipy's `chi2.sf`), for k > 0;
/// 1 for x ≤ 0.
pub fn chi2_sf(x: f64, k: f64) -> f64 {
    gamma_q(k / 2.0, x / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use logreg_collective::Local;

    fn close(got: f64, want: f64, rel: f64, what: &str) {
        let err = if want == 0.0 {
            got.abs()
        } else {
            ((got - want) / want).abs()
        };
        assert!(err <= rel, "{what}: {got:e} vs {want:e} (relative {err:e})");
    }

    #[test]
    fn gamma_functions_match_scipy() {
        // statistics_reference.py, section 7 (scipy.special.gammaincc, gammaln; scipy.stats.chi2.sf).
        for (a, x, want) in [
            (0.5, 0.1, 0.654_720_846_018_576_8),
            (0.5, 3.0, 0.014_305_878_435_429_641),
            (1.0, 1e-5, 0.999_990_000_049_999_8),
            (2.5, 2.5, 0.415_880_186_995_507_9),
            (3.0, 40.0, 3.572_865_928_700_233e-15),
            (10.0, 5.0, 0.968_171_942_693_795_1),
            (10.0, 30.0, 7.121_750_862_815_593e-6),
            (50.0, 45.0, 0.753_197_965_599_829_8),
            (50.0, 300.0, 2.418_828_583_346_55e-72),
            (150.0, 1e-3, 1.0),
            (500.0, 520.0, 0.184_691_149_098_743_65),
            (1.5, 700.0, 2.945_619_361_016_289e-303),
            (4000.0, 4100.0, 0.057_811_823_787_937_42),
        ] {
            close(gamma_q(a, x), want, 1e-11, &format!("gammaincc({a}, {x})"));
        }
        for (x, k, want) in [
            (3.84, 1.0, 0.050_043_521_248_705_19),
            (0.0, 3.0, 1.0),
            (100.0, 2.0, 1.928_749_847_963_918_3e-22),
            (12.0, 7.0, 0.100_558_868_508_358_78),
            (1e-8, 1.0, 0.999_920_211_544_052_6),
        ] {
            close(chi2_sf(x, k), want, 1e-12, &format!("chi2.sf({x}, {k})"));
        }
        // scipy underflows to 0 here; the true value is below the smallest double.
        assert!(chi2_sf(1500.0, 3.0) < 1e-300);
        assert_eq!(chi2_sf(-1e-12, 2.0), 1.0);
        assert!(gamma_q(0.0, 1.0).is_nan() && gamma_q(1.0, f64::NAN).is_nan());
        for (v, want) in [
            (0.5, 0.572_364_942_924_7),
            (1.5, -0.120_782_237_635_245_26),
            (3.0, std::f64::consts::LN_2),
            (10.5, 13.940_625_219_403_763),
            (100.0, 359.134_205_369_575_4),
            (1e-3, 6.907_178_885_383_853),
            (171.5, 709.143_163_030_928_3),
            (1e5, 1_051_287.708_973_656_9),
        ] {
            close(ln_gamma(v), want, 1e-14, &format!("gammaln({v})"));
        }
        assert!(ln_gamma(1.0).abs() < 1e-15 && ln_gamma(2.0).abs() < 1e-15);
    }

    #[test]
    fn null_log_likelihood_without_offsets_is_closed_form_and_with_them_a_fit() {
        let y = [0, 1, 1, 0, 1, 2, 2, 1];
        let s = [1.0, 2.0, 1.0, 0.5, 1.0, 3.0, 1.0, 1.0];
        let closed = null_log_likelihood(&Local, 8, 3, |i| y[i], |i| s[i], None)
            .unwrap()
            .unwrap();
        let w = [1.5, 5.0, 4.0];
        let want: f64 = w.iter().map(|&wk: &f64| wk * (wk / 10.5).ln()).sum();
        assert!((closed - want).abs() < 1e-13);
        // Offsets that are the same for every class change nothing.
        let same = |i: usize, _: usize| i as f64 * 0.3;
        let fitted = null_log_likelihood(&Local, 8, 3, |i| y[i], |i| s[i], Some(&same))
            .unwrap()
            .unwrap();
        assert!((fitted - want).abs() < 1e-12);
        // Real offsets: the fit is the optimum (no intercept does better nearby).
        let o = |i: usize, k: usize| ((i * 7 + k * 3) % 5) as f64 * 0.4 - 0.8;
        let best = null_log_likelihood(&Local, 8, 3, |i| y[i], |i| s[i], Some(&o))
            .unwrap()
            .unwrap();
        let ll = |b1: f64, b2: f64| -> f64 {
            (0..8)
                .map(|i| {
                    let z = [o(i, 0), b1 + o(i, 1), b2 + o(i, 2)];
                    let lse = z.iter().map(|v| v.exp()).sum::<f64>().ln();
                    s[i] * (z[y[i]] - lse)
                })
                .sum()
        };
        assert!(best < 0.0);
        for (d1, d2) in [(0.0, 0.0), (1e-3, 0.0), (0.0, -1e-3), (-1e-3, 1e-3)] {
            // Grid around the optimum found by a crude search.
            let mut top = f64::NEG_INFINITY;
            for a in -40..=40 {
                for b in -40..=40 {
                    top = top.max(ll(a as f64 * 0.05 + d1, b as f64 * 0.05 + d2));
                }
            }
            assert!(best >= top - 1e-12, "{best} < {top}");
        }
        // A class without weight has no finite null model.
        assert!(
            null_log_likelihood(&Local, 3, 3, |i| [0, 1, 1][i], |_| 1.0, None)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn statistics_follow_statsmodels_formulas() {
        let s = ModelStatistics::new(-10.0, -12.0, 30.0, 3, 2);
        assert_eq!(s.llr, 4.0);
        assert!((s.llr_p_value.unwrap() - (-2.0f64).exp()).abs() < 1e-15);
        assert_eq!(s.aic, 26.0);
        assert!((s.bic - (20.0 + 30f64.ln() * 3.0)).abs() < 1e-12);
        assert!((s.pseudo_r2 - (1.0 - 10.0 / 12.0)).abs() < 1e-15);
        assert_eq!((s.deviance, s.null_deviance), (20.0, 24.0));
        assert_eq!(
            ModelStatistics::new(-1.0, -2.0, 5.0, 1, 0).llr_p_value,
            None
        );
        assert!(s.to_string().contains("Log-Likelihood:"));
        for c in CovType::ALL {
            assert_eq!(CovType::from_name(c.name()), Some(c));
        }
        assert_eq!(CovType::from_name("HC1"), Some(CovType::Hc1));
        assert_eq!(CovType::from_name("hc3"), None);
    }
}
