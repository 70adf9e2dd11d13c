//! Binary fits against scikit-learn and statsmodels on banknote: the default C, class and
//! sample weights, no intercept, unpenalized inference.

use crate::common::{assert_close, banknote, banknote_standardized, coef};
use logreg_model::{ClassWeight, FitOptions, LogisticRegression, ModelError, Penalty, SolverKind};

#[test]
fn default_c1_equals_scikit_learn() {
    let (x, y) = banknote_standardized();
    let m = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    // reference.py: l2_c1
    assert_close(
        &coef(&m),
        &[
            -4.928475270277438,
            -5.040842316195032,
            -4.6146365767126145,
            0.23687844137530226,
        ],
        1e-6,
        "coef",
    );
    assert!((m.intercept() - -1.568298673628903).abs() < 1e-6);
    assert_eq!(
        m.report().solver,
        SolverKind::Newton,
        "auto picks Newton for 1372 × 4"
    );
    assert!(m.convergence_warning().is_none());
}

#[test]
fn class_weight_sample_weight_and_no_intercept_equal_scikit_learn() {
    let (x, y) = banknote_standardized();
    let balanced = LogisticRegression::params()
        .class_weight(ClassWeight::Balanced)
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    // reference.py: balanced
    assert_close(
        &coef(&balanced),
        &[
            -4.9179311924869245,
            -5.050578161417947,
            -4.619195823701845,
            0.2348840229348878,
        ],
        1e-6,
        "balanced",
    );
    assert!((balanced.intercept() - -1.4114223201051828).abs() < 1e-6);

    let sw: Vec<f64> = (0..y.len()).map(|i| 1.0 + (i % 3) as f64).collect();
    let weighted = LogisticRegression::params()
        .c(0.5)
        .check()
        .unwrap()
        .fit_with(
            &x,
            &y,
            FitOptions {
                sample_weight: Some(&sw),
                ..FitOptions::default()
            },
        )
        .unwrap();
    // reference.py: weighted_c0.5
    assert_close(
        &coef(&weighted),
        &[
            -4.970525320317877,
            -5.061084668452218,
            -4.645463256792404,
            0.23567628700973076,
        ],
        1e-6,
        "weighted",
    );
    assert!((weighted.intercept() - -1.6161314038139463).abs() < 1e-6);
    assert!((weighted.report().objective - 99.63360333765087).abs() / 99.6 < 1e-10);

    let no_b = LogisticRegression::params()
        .fit_intercept(false)
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    // reference.py: no_intercept
    assert_close(
        &coef(&no_b),
        &[
            -4.602157498616056,
            -4.085802197777172,
            -4.047703643026298,
            0.59689013502301,
        ],
        1e-6,
        "no intercept",
    );
    assert_eq!(no_b.intercept(), 0.0);
}

#[test]
fn unpenalized_inference_matches_statsmodels_logit() {
    let (x, y) = banknote();
    let m = LogisticRegression::params()
        .penalty(Penalty::None)
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    let s = m.summary().unwrap();
    // statsmodels puts the constant first; we put the intercept last.
    let reorder = |v: [f64; 5]| vec![v[1], v[2], v[3], v[4], v[0]];
    let four_sig = |got: &[f64], want: Vec<f64>, what: &str| {
        for (g, w) in got.iter().zip(&want) {
            assert!(((g - w) / w).abs() < 5e-5, "{what}: {g} vs {w}");
        }
    };
    four_sig(
        &s.coef,
        reorder([
            7.321804713146732,
            -7.859330491856742,
            -4.190963208416671,
            -5.287430683076212,
            -0.6053189689149244,
        ]),
        "params",
    );
    four_sig(
        &s.std_errors,
        reorder([
            1.558969938122274,
            1.7384263940942324,
            0.904207966871783,
            1.1612604890247729,
            0.3307303460162834,
        ]),
        "bse",
    );
    four_sig(
        &s.z,
        reorder([
            4.6965656835984895,
            -4.520945217212758,
            -4.634954968286572,
            -4.553182281708903,
            -1.8302492535266832,
        ]),
        "z",
    );
    four_sig(
        &s.p_values,
        reorder([
            2.6457218252281956e-06,
            6.156412020255202e-06,
            3.5701519060643283e-06,
            5.28404502956886e-06,
            0.06721267582959113,
        ]),
        "p",
    );
    four_sig(
        &s.ci_low,
        reorder([
            4.266279781446439,
            -11.266583614055271,
            -5.963178258019552,
            -7.563459418234137,
            -1.2535385357013102,
        ]),
        "ci low",
    );
    four_sig(
        &s.ci_high,
        reorder([
            10.377329644847025,
            -4.4520773696582125,
            -2.4187481588137896,
            -3.0114019479182867,
            0.04290059787146128,
        ]),
        "ci high",
    );
    assert_eq!(s.names, ["x1", "x2", "x3", "x4", "intercept"]);
    let table = s.to_string();
    assert!(
        table.contains("P>|z|") && table.contains("intercept"),
        "{table}"
    );

    // Named features appear in the table; penalized fits have no standard errors.
    let named = m
        .clone()
        .with_feature_names(vec![
            "variance".into(),
            "skewness".into(),
            "curtosis".into(),
            "entropy".into(),
        ])
        .unwrap();
    assert_eq!(named.summary().unwrap().names[0], "variance");
    let penalized = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    assert!(matches!(
        penalized.summary(),
        Err(ModelError::InferenceUnavailable { .. })
    ));
}
