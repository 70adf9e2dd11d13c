//! The incomplete gamma and chi-square functions behind the p-values, checked on random arguments.

use logreg_model::{chi2_sf, gamma_q, ln_gamma};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::with_failure_persistence(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")) })]

    /// Q(a + 1, x) = Q(a, x) + xᵃe⁻ˣ/Γ(a + 1): the series and the continued fraction agree
    /// across the point where the function switches between them (x = a + 1).
    #[test]
    fn upper_gamma_recurrence(a in 0.05f64..300.0, r in 0.0f64..2.5) {
        let x = a * r + 1e-3;
        let step = (a * x.ln() - x - ln_gamma(a + 1.0)).exp();
        let lhs = gamma_q(a + 1.0, x);
        let rhs = gamma_q(a, x) + step;
        prop_assert!((0.0..=1.0).contains(&lhs));
        prop_assert!((lhs - rhs).abs() <= 1e-11 * rhs.max(1e-300).max(lhs) + 1e-15,
            "a {a}, x {x}: {lhs:e} vs {rhs:e}");
    }

    /// The chi-square survival function falls as the statistic grows.
    #[test]
    fn chi2_sf_is_decreasing(k in 1u32..60, x in 0.0f64..200.0, dx in 1e-6f64..10.0) {
        let k = f64::from(k);
        prop_assert!(chi2_sf(x + dx, k) <= chi2_sf(x, k));
    }
}
