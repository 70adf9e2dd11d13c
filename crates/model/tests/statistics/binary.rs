//! Binary fits on claims against statsmodels Logit and GLM: statistics, robust standard errors,
//! frequency weights, offsets, no intercept.

use crate::common::{all_close, claims, fit, params_of, rel_close};
use logreg_model::{CovType, FitOptions, LogisticRegression, ModelStatistics, Penalty};
use nalgebra::DMatrix;

fn check_statistics(s: &ModelStatistics, want: [f64; 7], what: &str) {
    // [llf, llnull, llr p-value, aic, bic, pseudo-R², deviance]
    rel_close(s.log_likelihood, want[0], 1e-8, &format!("{what} llf"));
    rel_close(
        s.null_log_likelihood,
        want[1],
        1e-8,
        &format!("{what} llnull"),
    );
    rel_close(
        s.llr_p_value.unwrap(),
        want[2],
        1e-8,
        &format!("{what} llr p"),
    );
    rel_close(s.aic, want[3], 1e-8, &format!("{what} aic"));
    rel_close(s.bic, want[4], 1e-8, &format!("{what} bic"));
    rel_close(s.pseudo_r2, want[5], 1e-8, &format!("{what} pseudo-R²"));
    rel_close(s.deviance, want[6], 1e-8, &format!("{what} deviance"));
}

#[test]
fn offset_fit_and_statistics_equal_statsmodels_logit() {
    let (x, y, _, o) = claims();
    let m = fit(CovType::Nonrobust, &x, &y, None, Some(&o));
    // Section 1: Logit(y, X, offset=log_exposure).
    all_close(
        &params_of(&m),
        &[
            -0.0200371054215522,
            0.0784448999303031,
            0.4727213768949304,
            -0.5183198592934661,
        ],
        1e-8,
        "params",
    );
    let s = m.statistics().expect("unpenalized fits have statistics");
    check_statistics(
        s,
        [
            -399.48057811876384,
            -417.0080219295892,
            1.1861509003743773e-07,
            806.9611562375277,
            825.6996031481993,
            0.042031430785724355,
            798.9611562375277,
        ],
        "logit",
    );
    rel_close(s.llr, 35.054887621650664, 1e-8, "llr");
    assert_eq!((s.df_model, s.n_params, s.nobs), (3, 4, 800.0));
    let t = m.summary().unwrap();
    all_close(
        &t.std_errors,
        &[
            0.004783086677584939,
            0.024800983983747815,
            0.1750158561589625,
            0.34231233423270657,
        ],
        1e-6,
        "bse",
    );
    assert_eq!(t.statistics.as_ref(), Some(s));
    assert_eq!(t.cov_type, CovType::Nonrobust);

    let hc0 = fit(CovType::Hc0, &x, &y, None, Some(&o)).summary().unwrap();
    all_close(
        &hc0.std_errors,
        &[
            0.004753746269499488,
            0.024724058193343633,
            0.17452247873326437,
            0.33433220511297373,
        ],
        1e-6,
        "bse HC0",
    );
    all_close(
        &hc0.p_values,
        &[
            2.4976308073787725e-05,
            0.001509679062372461,
            0.006755632365562793,
            0.1210661966346107,
        ],
        1e-6,
        "p-values HC0",
    );
    all_close(
        &hc0.ci_low,
        &[
            -0.029354276901412832,
            0.029986636319677143,
            0.1306636040850747,
            -1.1735989401867528,
        ],
        1e-6,
        "interval HC0",
    );
    // HC1 = HC0 · n/(n − p): statsmodels' cov_white_simple(use_correction=True).
    let hc1 = fit(CovType::Hc1, &x, &y, None, Some(&o)).summary().unwrap();
    assert_eq!(hc1.cov_type, CovType::Hc1);
    all_close(
        &hc1.std_errors,
        &[
            0.0047656753880538074,
            0.024786101096900482,
            0.17496042792558042,
            0.335171183107426,
        ],
        1e-6,
        "bse HC1",
    );
}

#[test]
fn frequency_weights_and_offset_equal_statsmodels_glm() {
    let (x, y, w, o) = claims();
    let m = fit(CovType::Nonrobust, &x, &y, Some(&w), Some(&o));
    // Section 2: GLM(y, X, Binomial, freq_weights=policies, offset=log_exposure).
    all_close(
        &params_of(&m),
        &[
            -0.021728270756518734,
            0.06886274177322586,
            0.625495110152436,
            -0.3920171662252874,
        ],
        1e-8,
        "params",
    );
    let s = m.statistics().unwrap();
    check_statistics(
        s,
        [
            -1018.0362011421328,
            -1069.4859747531489,
            3.6978962063309134e-22,
            2044.0724022842655,
            2066.5098684360823,
            0.04810701105537296,
            2036.0724022842655,
        ],
        "glm",
    );
    rel_close(s.null_deviance, 2138.9719495062977, 1e-8, "null deviance");
    assert_eq!(s.nobs, 2017.0);
    all_close(
        &m.summary().unwrap().std_errors,
        &[
            0.002984005309469014,
            0.015430399250323107,
            0.11033859825235554,
            0.21303248203273342,
        ],
        1e-6,
        "bse",
    );
    let hc0 = fit(CovType::Hc0, &x, &y, Some(&w), Some(&o));
    all_close(
        &hc0.summary().unwrap().std_errors,
        &[
            0.002956379915198447,
            0.015535136085340495,
            0.11036711139114268,
            0.20861637056406432,
        ],
        1e-6,
        "bse HC0",
    );
    let hc1 = fit(CovType::Hc1, &x, &y, Some(&w), Some(&o));
    all_close(
        &hc1.summary().unwrap().std_errors,
        &[
            0.002959315745033295,
            0.015550563235204862,
            0.11047671133015674,
            0.2088235368222273,
        ],
        1e-6,
        "bse HC1",
    );

    // Frequency weights: the same numbers as the data with row i repeated wᵢ times.
    let rep: Vec<usize> = (0..y.len())
        .flat_map(|i| std::iter::repeat_n(i, w[i] as usize))
        .collect();
    let xe = DMatrix::from_fn(rep.len(), 3, |i, j| x[(rep[i], j)]);
    let ye: Vec<u8> = rep.iter().map(|&i| y[i]).collect();
    let oe: Vec<f64> = rep.iter().map(|&i| o[i]).collect();
    let e = fit(CovType::Hc1, &xe, &ye, None, Some(&oe));
    let (se, sw) = (e.statistics().unwrap(), hc1.statistics().unwrap());
    for (a, b, what) in [
        (se.log_likelihood, sw.log_likelihood, "llf"),
        (se.null_log_likelihood, sw.null_log_likelihood, "llnull"),
        (se.bic, sw.bic, "bic"),
        (se.nobs, sw.nobs, "nobs"),
    ] {
        rel_close(a, b, 1e-10, what);
    }
    all_close(
        &e.summary().unwrap().std_errors,
        &hc1.summary().unwrap().std_errors,
        1e-8,
        "expanded HC1",
    );
}

#[test]
fn no_intercept_counts_parameters_as_statsmodels() {
    let (x, y, w, _) = claims();
    let m = LogisticRegression::params()
        .penalty(Penalty::None)
        .fit_intercept(false)
        .check()
        .unwrap()
        .fit_with(
            &x,
            &y,
            FitOptions {
                sample_weight: Some(&w),
                ..FitOptions::default()
            },
        )
        .unwrap();
    // Section 3: the null model still has a constant; df_model = p − 1.
    let s = m.statistics().unwrap();
    rel_close(s.log_likelihood, -1097.9856895046655, 1e-8, "llf");
    rel_close(s.null_log_likelihood, -1135.0532024794975, 1e-8, "llnull");
    rel_close(s.aic, 2201.971379009331, 1e-8, "aic");
    assert_eq!(s.df_model, 2);
}
