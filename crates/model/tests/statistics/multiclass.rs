//! Three classes of banknote: balanced multinomial fits against scikit-learn, inference against
//! statsmodels MNLogit, warm starts and offsets.

use crate::common::{all_close, banknote, rel_close, standardize};
use logreg_model::{
    ClassWeight, CovType, FittedMultinomial, LogisticRegression, MultiFitOptions, MultiWarmStart,
    Penalty,
};
use nalgebra::DMatrix;

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
