//! Penalized fits: no statistics, robust types refused, and weighted L2 at scikit-learn's optimum.

use crate::common::{all_close, claims, params_of, rel_close, standardize};
use logreg_model::{CovType, FitOptions, LogisticRegression};

#[test]
fn penalized_fits_have_no_statistics_and_refuse_robust_types() {
    let (x, y, w, o) = claims();
    let m = LogisticRegression::params()
        .check()
        .unwrap()
        .fit_with(
            &x,
            &y,
            FitOptions {
                sample_weight: Some(&w),
                offset: Some(&o),
                ..FitOptions::default()
            },
        )
        .unwrap();
    assert!(m.statistics().is_none());
    assert_eq!(
        m.inference_note(),
        Some("standard errors and model statistics need an unpenalized fit (penalty none)")
    );
    let e = LogisticRegression::params()
        .cov_type(CovType::Hc0)
        .check()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid parameter `cov_type` = hc0: expected nonrobust unless the penalty is none \
         (penalized fits have no standard errors)"
    );
}

#[test]
fn weighted_l2_reaches_scikit_learns_objective() {
    let (x, y, w, _) = claims();
    let xs = standardize(&x);
    let m = LogisticRegression::params()
        .c(0.5)
        .check()
        .unwrap()
        .fit_with(
            &xs,
            &y,
            FitOptions {
                sample_weight: Some(&w),
                ..FitOptions::default()
            },
        )
        .unwrap();
    // Section 4: scikit-learn, C = 0.5, sample_weight = policies, J = C·Σ wᵢℓᵢ + ½‖w‖².
    let want = 543.1842141183869;
    rel_close(m.report().objective, want, 1e-9, "J");
    let coef: Vec<f64> = m.coefficients().iter().copied().collect();
    let mut j = 0.0;
    for i in 0..xs.nrows() {
        let z: f64 = (0..3).map(|k| xs[(i, k)] * coef[k]).sum::<f64>() + m.intercept();
        j += w[i] * (z.max(0.0) + (-z.abs()).exp().ln_1p() - f64::from(y[i]) * z);
    }
    j = 0.5 * j + 0.5 * coef.iter().map(|c| c * c).sum::<f64>();
    rel_close(j, want, 1e-9, "J recomputed");
    all_close(
        &params_of(&m),
        &[
            -0.3887300710523326,
            0.20402408725272003,
            0.2977061162038766,
            -1.163011388441528,
        ],
        1e-7,
        "coef",
    );
}
