//! Model statistics, robust standard errors, weights and offsets against statsmodels and
//! scikit-learn, on datasets/claims.csv (a weight and an offset column) and banknote.
//! Reference numbers: `python3 crates/model/tests/statistics_reference.py` from the repository
//! root (section numbers below are that script's).

mod common;
use common::*;
use logreg_model::{
    ClassWeight, CovType, FitOptions, FittedLogisticRegression, FittedMultinomial,
    LogisticRegression, ModelStatistics, MultiFitOptions, MultiWarmStart, Penalty,
};
use nalgebra::DMatrix;

/// datasets/claims.csv: X = (age, power, urban), y = claim, w = policies, o = log_exposure.
fn claims() -> (DMatrix<f64>, Vec<u8>, Vec<f64>, Vec<f64>) {
    let rows = numeric_rows("claims.csv");
    let x = DMatrix::from_fn(rows.len(), 3, |i, j| rows[i][j]);
    let y = rows.iter().map(|r| r[5] as u8).collect();
    let w = rows.iter().map(|r| r[3]).collect();
    let o = rows.iter().map(|r| r[4]).collect();
    (x, y, w, o)
}

fn rel_close(got: f64, want: f64, tol: f64, what: &str) {
    let err = ((got - want) / want).abs();
    assert!(err <= tol, "{what}: {got:e} vs {want:e} (relative {err:e})");
}

fn all_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        rel_close(*g, *w, tol, &format!("{what}[{i}]"));
    }
}

fn params_of(m: &FittedLogisticRegression<u8>) -> Vec<f64> {
    let mut p: Vec<f64> = m.coefficients().iter().copied().collect();
    p.push(m.intercept());
    p
}

fn unpenalized(cov: CovType) -> logreg_model::ValidParams {
    LogisticRegression::params()
        .penalty(Penalty::None)
        .cov_type(cov)
        .check()
        .unwrap()
}

fn fit(
    cov: CovType,
    x: &DMatrix<f64>,
    y: &[u8],
    w: Option<&[f64]>,
    o: Option<&[f64]>,
) -> FittedLogisticRegression<u8> {
    unpenalized(cov)
        .fit_with(
            x,
            y,
            FitOptions {
                sample_weight: w,
                offset: o,
                ..FitOptions::default()
            },
        )
        .unwrap()
}

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

fn banknote_three_classes(standardized: bool) -> (DMatrix<f64>, Vec<u8>) {
    let (raw, y) = banknote();
    let y3 = y
        .iter()
        .enumerate()
        .map(|(i, &c)| c + u8::from(raw[(i, 2)] > 2.0))
        .collect();
    let x = if standardized { standardize(&raw) } else { raw };
    (x, y3)
}

#[test]
fn balanced_multinomial_equals_scikit_learn() {
    let (x, y3) = banknote_three_classes(true);
    let m: FittedMultinomial<u8> = LogisticRegression::params()
        .class_weight(ClassWeight::Balanced)
        .check()
        .unwrap()
        .fit_multinomial(&x, &y3)
        .unwrap();
    // Section 5.
    let want = [
        [
            3.280048609636906,
            4.206386241760038,
            -0.5273044279108852,
            -0.4538512467045045,
        ],
        [
            0.3052739830286868,
            -0.05452845231153607,
            -0.21095701050429497,
            -1.0546565618450565,
        ],
        [
            -3.5853225926655976,
            -4.151857789448511,
            0.7382614384151625,
            1.508507808549562,
        ],
    ];
    for (k, row) in want.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            assert!((m.coefficients()[(k, j)] - v).abs() < 1e-6, "coef {k},{j}");
        }
    }
    for (k, v) in [0.8387038022075793, 3.1896369256069264, -4.028340727814505]
        .iter()
        .enumerate()
    {
        assert!((m.intercepts()[k] - v).abs() < 1e-6, "intercept {k}");
    }
    // Balanced weights change the fit: unweighted it is another model.
    let plain: FittedMultinomial<u8> = LogisticRegression::params()
        .check()
        .unwrap()
        .fit_multinomial(&x, &y3)
        .unwrap();
    assert!((plain.coefficients()[(1, 0)] - m.coefficients()[(1, 0)]).abs() > 0.1);
}

#[test]
fn multinomial_inference_equals_statsmodels_mnlogit() {
    let (x, y3) = banknote_three_classes(false);
    let params = |cov| {
        LogisticRegression::params()
            .penalty(Penalty::None)
            .cov_type(cov)
            .check()
            .unwrap()
    };
    let m: FittedMultinomial<u8> = params(CovType::Nonrobust).fit_multinomial(&x, &y3).unwrap();
    let s = m.summary().unwrap();
    assert_eq!(s.reference_class, 0);
    // Section 6: MNLogit, class 0 the reference, intercept last.
    let want_params = [
        [
            -1.3070896916055181,
            -0.8631908360793746,
            0.09730029891483453,
            -0.3128009281262753,
            4.8740734280692815,
        ],
        [
            -3.581421792523841,
            -2.0712291904450404,
            0.4873007316023287,
            1.2528272144671762,
            -3.1105086648060407,
        ],
    ];
    let want_bse = [
        [
            0.11992435208565344,
            0.06155648724641942,
            0.05161656818446291,
            0.0890206267280603,
            0.39848416571846634,
        ],
        [
            0.3715250334342979,
            0.19662156972656156,
            0.13542697127255868,
            0.33708745716181576,
            1.2280218966060519,
        ],
    ];
    for (c, (class, table)) in s.tables.iter().enumerate() {
        assert_eq!(*class, c as u8 + 1);
        all_close(&table.coef, &want_params[c], 1e-7, "MNLogit params");
        all_close(&table.std_errors, &want_bse[c], 1e-6, "MNLogit bse");
    }
    let st = m.statistics().unwrap();
    rel_close(st.log_likelihood, -300.67243765821433, 1e-8, "llf");
    rel_close(st.null_log_likelihood, -1396.217419549248, 1e-8, "llnull");
    rel_close(st.llr, 2191.0899637820676, 1e-8, "llr");
    rel_close(st.aic, 621.3448753164287, 1e-8, "aic");
    rel_close(st.bic, 673.585123399287, 1e-8, "bic");
    rel_close(st.pseudo_r2, 0.7846521369463484, 1e-8, "pseudo-R²");
    assert_eq!(st.df_model, 8);
    assert!(st.llr_p_value.unwrap() < 1e-300);
    assert!(s.to_string().contains("class 2 against 0"));

    let hc0: FittedMultinomial<u8> = params(CovType::Hc0).fit_multinomial(&x, &y3).unwrap();
    let want_hc0 = [
        [
            0.12950705602779744,
            0.06794206128054206,
            0.04616506044201974,
            0.07552145147185627,
            0.47241613343191496,
        ],
        [
            0.3136535100322511,
            0.15707128278281396,
            0.10231316976485474,
            0.2432951243123574,
            1.0476312465551192,
        ],
    ];
    for (c, (_, table)) in hc0.summary().unwrap().tables.iter().enumerate() {
        all_close(&table.std_errors, &want_hc0[c], 1e-6, "MNLogit bse HC0");
    }

    // Penalized: a clear note, no tables.
    let l2: FittedMultinomial<u8> = LogisticRegression::params()
        .check()
        .unwrap()
        .fit_multinomial(&x, &y3)
        .unwrap();
    assert!(l2
        .summary()
        .unwrap_err()
        .to_string()
        .contains("unpenalized"));
}

#[test]
fn multiclass_warm_starts_and_offsets() {
    let (x, y3) = banknote_three_classes(true);
    let params = LogisticRegression::params().check().unwrap();
    let m: FittedMultinomial<u8> = params.fit_multinomial(&x, &y3).unwrap();
    // From its own solution, a fit has nothing left to do and lands on the same model.
    let again: FittedMultinomial<u8> = params
        .fit_multinomial_with(
            &x,
            &y3,
            MultiFitOptions {
                warm_start: Some(MultiWarmStart::from(&m)),
                ..MultiFitOptions::default()
            },
        )
        .unwrap();
    assert!(
        again.report().iterations <= 2,
        "{}",
        again.report().iterations
    );
    assert!((again.coefficients() - m.coefficients()).amax() < 1e-7);
    let ovr = params.fit_one_vs_rest(&x, &y3).unwrap();
    let ovr_again = params
        .fit_one_vs_rest_with(
            &x,
            &y3,
            MultiFitOptions {
                warm_start: Some(MultiWarmStart::from(&ovr)),
                ..MultiFitOptions::default()
            },
        )
        .unwrap();
    for (a, b) in ovr.models().iter().zip(ovr_again.models()) {
        assert!(b.report().iterations <= 2);
        assert!((a.coefficients() - b.coefficients()).amax() < 1e-7);
    }
    // A warm start from a model of other classes is refused.
    let y2: Vec<u8> = y3.iter().map(|&c| c.min(1)).collect();
    let e = params
        .fit_multinomial_with(
            &x,
            &y2,
            MultiFitOptions {
                warm_start: Some(MultiWarmStart::from(&m)),
                ..MultiFitOptions::default()
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("warm_start"), "{e}");

    // Offsets: a column of offsets for one class moves that class's intercept by as much when
    // it is constant, and reaches predictions through decision_function_with.
    let n = y3.len();
    let mut o = vec![0.0; n * 3];
    for i in 0..n {
        o[i * 3 + 2] = 1.5;
    }
    let shifted: FittedMultinomial<u8> = params
        .fit_multinomial_with(
            &x,
            &y3,
            MultiFitOptions {
                offset: Some(&o),
                ..MultiFitOptions::default()
            },
        )
        .unwrap();
    let design = logreg_linalg_core::Design::from_dmatrix(&x).unwrap();
    let z0 = m.decision_function_on(&design, None).unwrap();
    let z1 = shifted
        .decision_function_with(&design, None, Some(&o))
        .unwrap();
    // Same probabilities: the logits differ by a constant per row.
    for i in 0..n {
        let d: Vec<f64> = (0..3).map(|c| z1[(i, c)] - z0[(i, c)]).collect();
        assert!(
            (d[0] - d[1]).abs() < 1e-6 && (d[0] - d[2]).abs() < 1e-6,
            "{d:?}"
        );
    }
    let ovr_o = params
        .fit_one_vs_rest_with(
            &x,
            &y3,
            MultiFitOptions {
                offset: Some(&o),
                ..MultiFitOptions::default()
            },
        )
        .unwrap();
    assert!((ovr_o.models()[2].intercept() - (ovr.models()[2].intercept() - 1.5)).abs() < 1e-6);
    assert!(params
        .fit_multinomial_with(
            &x,
            &y3,
            MultiFitOptions {
                offset: Some(&o[..n]),
                ..MultiFitOptions::default()
            },
        )
        .is_err());
}

mod gamma_laws {
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
}
