//! The estimator against scikit-learn and statsmodels on banknote; labels, weights, warm starts,
//! thresholds, multiclass models and saved files.
//! Reference numbers: `python3 crates/model/tests/reference.py` from the repository root.

mod common;
use common::*;
use logreg_model::{
    ClassWeight, FitOptions, FittedLogisticRegression, FittedMultinomial, LogisticRegression,
    ModelError, Penalty, SolverKind,
};
use nalgebra::DMatrix;

fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "{what}: {g} vs {w} (tol {tol})");
    }
}

fn coef(m: &FittedLogisticRegression<u8>) -> Vec<f64> {
    m.coefficients().iter().copied().collect()
}

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

#[test]
fn any_two_labels_with_documented_positive_class() {
    let (x, y) = banknote_standardized();
    let reference = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    let p = LogisticRegression::params().check().unwrap();
    let pm: Vec<i32> = y.iter().map(|&v| if v == 1 { 1 } else { -1 }).collect();
    let m = p.fit(&x, &pm).unwrap();
    assert_eq!(m.classes(), &[-1, 1]);
    assert_close(
        &m.coefficients().iter().copied().collect::<Vec<_>>(),
        &coef(&reference),
        1e-12,
        "-1/1",
    );
    let two_four: Vec<u8> = y.iter().map(|&v| 2 + 2 * v).collect();
    assert_eq!(p.fit(&x, &two_four).unwrap().positive_class(), &4);
    let words: Vec<String> = y
        .iter()
        .map(|&v| if v == 1 { "yes".into() } else { "no".into() })
        .collect();
    let m = p.fit(&x, &words).unwrap();
    assert_eq!(m.positive_class(), "yes");
    // Choosing the other class as positive flips the signs.
    let flipped = p
        .fit_with(
            &x,
            &words,
            FitOptions {
                positive_class: Some("no".to_string()),
                ..FitOptions::default()
            },
        )
        .unwrap();
    assert_eq!(flipped.positive_class(), "no");
    assert!((flipped.coefficients()[0] + reference.coefficients()[0]).abs() < 1e-9);
    assert!(matches!(
        p.fit_with(
            &x,
            &words,
            FitOptions {
                positive_class: Some("maybe".to_string()),
                ..FitOptions::default()
            }
        ),
        Err(ModelError::UnknownPositiveClass { .. })
    ));
    let one = vec![7u8; y.len()];
    let e = p.fit(&x, &one).unwrap_err();
    assert!(
        matches!(e, ModelError::SingleClass { .. }) && e.to_string().contains('7'),
        "{e}"
    );
    let three: Vec<u8> = (0..y.len()).map(|i| (i % 3) as u8).collect();
    let e = p.fit(&x, &three).unwrap_err();
    assert!(
        e.to_string().contains("0, 1, 2") && e.to_string().contains("multinomial"),
        "{e}"
    );
}

#[test]
fn predictions_thresholds_and_shapes() {
    let (x, y) = banknote_standardized();
    let m = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    let z = m.decision_function(&x).unwrap();
    let p = m.predict_proba(&x).unwrap();
    let pred = m.predict(&x).unwrap();
    for i in 0..y.len() {
        assert!((p[i] - 1.0 / (1.0 + (-z[i]).exp())).abs() < 1e-15);
        assert_eq!(pred[i], u8::from(z[i] > 0.0));
    }
    let acc = pred.iter().zip(&y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64;
    assert!(acc > 0.97, "training accuracy {acc}");
    // A stricter threshold never predicts more positives.
    let strict = m.predict_with_threshold(&x, 0.9).unwrap();
    let count = |v: &[u8]| v.iter().filter(|&&c| c == 1).count();
    assert!(count(&strict) < count(&pred));
    for bad in [0.0, 1.0, f64::NAN, -0.5] {
        assert!(matches!(
            m.predict_with_threshold(&x, bad),
            Err(ModelError::InvalidParam {
                name: "threshold",
                ..
            })
        ));
    }
    assert!(matches!(
        m.predict(&DMatrix::zeros(3, 5)),
        Err(ModelError::Shape {
            expected: 4,
            found: 5,
            ..
        })
    ));
    let mut bad = x.rows(0, 3).into_owned();
    bad[(2, 1)] = f64::NAN;
    assert!(matches!(
        m.predict_proba(&bad),
        Err(ModelError::NonFiniteFeature {
            row: 2,
            column: 1,
            ..
        })
    ));
}

#[test]
fn fit_input_errors_name_the_problem() {
    let p = LogisticRegression::params().check().unwrap();
    assert!(matches!(
        p.fit(&DMatrix::zeros(0, 2), &[] as &[u8]),
        Err(ModelError::Empty)
    ));
    assert!(matches!(
        p.fit(&DMatrix::zeros(2, 0), &[0u8, 1]),
        Err(ModelError::NoFeatures)
    ));
    let x = DMatrix::from_row_slice(3, 1, &[1.0, 2.0, 3.0]);
    assert!(matches!(
        p.fit(&x, &[0u8, 1]),
        Err(ModelError::Shape {
            expected: 3,
            found: 2,
            ..
        })
    ));
    let mut xi = x.clone();
    xi[(1, 0)] = f64::INFINITY;
    let e = p.fit(&xi, &[0u8, 1, 0]).unwrap_err();
    assert!(e.to_string().contains("row 1, column 0"), "{e}");
    let e = p.fit(&x, &[0.0, f64::NAN, 1.0]).unwrap_err();
    assert!(matches!(e, ModelError::InvalidLabel { row: 1, .. }), "{e}");
    for w in [[1.0, 0.0, 1.0], [1.0, -1.0, 1.0], [1.0, f64::NAN, 1.0]] {
        let e = p
            .fit_with(
                &x,
                &[0u8, 1, 0],
                FitOptions {
                    sample_weight: Some(&w),
                    ..FitOptions::default()
                },
            )
            .unwrap_err();
        assert!(e.to_string().contains("sample weight at row 1"), "{e}");
    }
    let e = p
        .fit_with(
            &x,
            &[0u8, 1, 0],
            FitOptions {
                sample_weight: Some(&[1.0]),
                ..FitOptions::default()
            },
        )
        .unwrap_err();
    assert!(matches!(e, ModelError::Shape { .. }), "{e}");
}

#[test]
fn extreme_magnitudes_never_become_nan() {
    // Fitting on values whose squares overflow is refused, naming the cell.
    let huge = DMatrix::from_row_slice(4, 1, &[-1e300, -1e299, 1e299, 1e300]);
    let y = [0u8, 0, 1, 1];
    let p = LogisticRegression::params().check().unwrap();
    let e = p.fit(&huge, &y).unwrap_err();
    assert!(
        matches!(
            e,
            ModelError::FeatureTooLarge {
                row: 0,
                column: 0,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("standardize"), "{e}");
    // Large but representable values fit to finite coefficients with every solver.
    let big = DMatrix::from_row_slice(4, 1, &[-1e100, -3e99, 1e99, 2e100]);
    let y2 = [0u8, 1, 0, 1];
    for solver in [
        SolverKind::Newton,
        SolverKind::Lbfgs,
        SolverKind::Gd,
        SolverKind::Sgd,
    ] {
        let m = LogisticRegression::params()
            .solver(solver)
            .check()
            .unwrap()
            .fit(&big, &y2)
            .unwrap();
        assert!(
            m.coefficients()[0].is_finite() && m.intercept().is_finite(),
            "{solver:?}"
        );
        let p = m.predict_proba(&big).unwrap();
        assert!(p.iter().all(|v| (0.0..=1.0).contains(v)), "{solver:?}: {p}");
        assert!(m.report().objective.is_finite(), "{solver:?}");
        // Predicting on 1e300 gives probabilities 0/1 or a clear error, never NaN.
        let two = DMatrix::from_row_slice(2, 1, &[1e300, -1e300]);
        if let Ok(p) = m.predict_proba(&two) {
            assert!(p.iter().all(|v| (0.0..=1.0).contains(v)), "{solver:?}: {p}");
        }
    }
}

#[test]
fn warm_start_from_the_optimum_needs_no_steps() {
    let (x, y) = banknote_standardized();
    let p = LogisticRegression::params().tol(1e-8).check().unwrap();
    let first = p.fit(&x, &y).unwrap();
    let again = p
        .fit_with(
            &x,
            &y,
            FitOptions {
                warm_start: Some(&first),
                ..FitOptions::default()
            },
        )
        .unwrap();
    assert!(
        again.report().iterations <= 1,
        "{}",
        again.report().iterations
    );
    assert_close(&coef(&again), &coef(&first), 1e-9, "warm start");
    let narrow = x.columns(0, 3).into_owned();
    assert!(matches!(
        p.fit_with(
            &narrow,
            &y,
            FitOptions {
                warm_start: Some(&first),
                ..FitOptions::default()
            }
        ),
        Err(ModelError::Shape { .. })
    ));
}

#[test]
fn observer_sees_every_iteration() {
    let (x, y) = banknote_standardized();
    let mut seen = Vec::new();
    let mut obs = |it: &logreg_optim::Iteration<'_>| {
        seen.push(it.iteration);
        logreg_optim::Control::Continue
    };
    let m = LogisticRegression::params()
        .solver(SolverKind::Lbfgs)
        .check()
        .unwrap()
        .fit_with(
            &x,
            &y,
            FitOptions {
                observer: Some(&mut obs),
                ..FitOptions::default()
            },
        )
        .unwrap();
    assert_eq!(seen.len(), m.report().iterations);
    assert_eq!(seen.first(), Some(&1));
}

fn three_classes() -> (DMatrix<f64>, Vec<u8>) {
    let (raw, y) = banknote();
    let y3 = y
        .iter()
        .enumerate()
        .map(|(i, &c)| c + u8::from(raw[(i, 2)] > 2.0))
        .collect();
    (standardize(&raw), y3)
}

#[test]
fn multinomial_equals_scikit_learn() {
    let (x, y3) = three_classes();
    let m: FittedMultinomial<u8> = LogisticRegression::params()
        .check()
        .unwrap()
        .fit_multinomial(&x, &y3)
        .unwrap();
    assert_eq!(m.classes(), &[0, 1, 2]);
    // reference.py: multinomial (scikit-learn's lbfgs with tol 1e-14)
    let want = [
        [
            3.3075238800477607,
            4.244576665193028,
            -0.5794753588466993,
            -0.3444210659166027,
        ],
        [
            0.15288836935515887,
            -0.17356758470218217,
            -0.2191405606542854,
            -0.9493119582232177,
        ],
        [
            -3.4604122494029164,
            -4.071009080490848,
            0.7986159195009853,
            1.2937330241398188,
        ],
    ];
    for (k, row) in want.iter().enumerate() {
        let got: Vec<f64> = m.coefficients().row(k).iter().copied().collect();
        assert_close(&got, row, 1e-5, "multinomial coef");
    }
    assert_close(
        m.intercepts().as_slice(),
        &[0.7359852471873556, 3.4494097587018455, -4.1853950058891725],
        1e-5,
        "intercepts",
    );
    let p = m.predict_proba(&x).unwrap();
    assert_close(
        &p.row(0).iter().copied().collect::<Vec<_>>(),
        &[
            0.9984532769302913,
            0.0015467229490168928,
            1.2069196669250228e-10,
        ],
        1e-7,
        "proba",
    );
    assert!(p.row_iter().all(|r| (r.sum() - 1.0).abs() < 1e-12));
    let pred = m.predict(&x).unwrap();
    assert_eq!(pred.len(), y3.len());
}

#[test]
fn one_vs_rest_equals_scikit_learn() {
    let (x, y3) = three_classes();
    let m = LogisticRegression::params()
        .check()
        .unwrap()
        .fit_one_vs_rest(&x, &y3)
        .unwrap();
    // reference.py: ovr
    let want = [
        [
            3.1813948658915576,
            4.397449090277985,
            -0.3546480801539855,
            0.5742604675100569,
        ],
        [
            -0.6776403938774512,
            -0.9517520519865075,
            -1.1927805712270136,
            0.03460623714432168,
        ],
        [
            -3.5886511860567807,
            -3.930684027778654,
            0.9651366053959017,
            2.0699265201913475,
        ],
    ];
    for (k, row) in want.iter().enumerate() {
        let got: Vec<f64> = m.models()[k].coefficients().iter().copied().collect();
        assert_close(&got, row, 1e-6, "ovr coef");
    }
    let p = m.predict_proba(&x).unwrap();
    assert_close(
        &p.row(0).iter().copied().collect::<Vec<_>>(),
        &[
            0.7630242834433186,
            0.23697564946285588,
            6.709382548811103e-08,
        ],
        1e-7,
        "ovr proba",
    );
    assert!(matches!(
        LogisticRegression::params()
            .check()
            .unwrap()
            .fit_multinomial(&x, &vec![1u8; y3.len()]),
        Err(ModelError::SingleClass { .. })
    ));
}

#[test]
fn json_round_trip_predicts_identically() {
    let (x, y) = banknote_standardized();
    let names: Vec<String> = ["variance", "skewness", "curtosis", "entropy"]
        .map(String::from)
        .to_vec();
    let m = LogisticRegression::params()
        .penalty(Penalty::None)
        .check()
        .unwrap()
        .fit_with(
            &x,
            &y,
            FitOptions {
                feature_names: Some(names.clone()),
                ..FitOptions::default()
            },
        )
        .unwrap();
    let json = m.to_json().unwrap();
    assert!(json.contains("\"format_version\": 2") && json.contains("variance"));
    let back = FittedLogisticRegression::<u8>::from_json(&json).unwrap();
    assert_eq!(back, m);
    assert_eq!(
        back.predict_proba(&x).unwrap(),
        m.predict_proba(&x).unwrap()
    );
    assert_eq!(back.summary().unwrap(), m.summary().unwrap());
    assert!(back.check_feature_names(&names).is_ok());
    let swapped: Vec<String> = ["skewness", "variance", "curtosis", "entropy"]
        .map(String::from)
        .to_vec();
    assert!(back
        .check_feature_names(&swapped)
        .unwrap_err()
        .to_string()
        .contains("another order"));
    let other: Vec<String> = ["variance", "skewness", "curtosis", "colour"]
        .map(String::from)
        .to_vec();
    let msg = back.check_feature_names(&other).unwrap_err().to_string();
    assert!(
        msg.contains("missing entropy") && msg.contains("unexpected colour"),
        "{msg}"
    );

    // Files: never overwritten; loaded back equal.
    let dir = std::env::temp_dir().join(format!("logreg-model-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.json");
    let _ = std::fs::remove_file(&path);
    m.save(&path).unwrap();
    assert!(matches!(m.save(&path), Err(ModelError::Io { .. })));
    assert_eq!(FittedLogisticRegression::<u8>::load(&path).unwrap(), m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_model_files_give_clear_errors() {
    let (x, y) = banknote_standardized();
    let m = LogisticRegression::params()
        .check()
        .unwrap()
        .fit(&x, &y)
        .unwrap();
    let json = m.to_json().unwrap();
    let load = |t: &str| FittedLogisticRegression::<u8>::from_json(t).unwrap_err();

    let e = load(&json.replace("\"format_version\": 2", "\"format_version\": 3"));
    assert!(
        matches!(
            e,
            ModelError::FormatVersion {
                found: 3,
                oldest: 1,
                supported: 2
            }
        ),
        "{e}"
    );
    let e = load(&json[..json.len() / 2]);
    assert!(e.to_string().contains("truncated"), "{e}");
    let e = load("{\"kind\": \"binary_logistic_regression\"}");
    assert!(
        matches!(e, ModelError::FormatVersion { found: 0, .. }),
        "{e}"
    );
    let e = load(&json.replace("binary_logistic_regression", "pipeline"));
    assert!(matches!(e, ModelError::WrongKind { .. }), "{e}");
    // One coefficient too many for the model's four feature names (coefficients are a plain list).
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut v2 = v.clone();
    v2["content"]["feature_names"] = serde_json::json!(["a", "b", "c", "d"]);
    let named: Result<FittedLogisticRegression<u8>, _> =
        FittedLogisticRegression::from_json(&v2.to_string());
    assert!(named.is_ok(), "four names for four coefficients load");
    v2["content"]["coefficients"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!(1.0));
    let e = load(&v2.to_string());
    assert!(
        e.to_string().contains("5 coefficients but 4 feature names"),
        "{e}"
    );
    // Feature names that disagree with the coefficients.
    let mut v3 = v.clone();
    v3["content"]["feature_names"] = serde_json::json!(["a", "b"]);
    let e = load(&v3.to_string());
    assert!(
        e.to_string().contains("4 coefficients but 2 feature names"),
        "{e}"
    );
    // Non-finite numbers cannot even be written in JSON; a null coefficient is a parse error.
    let mut v4 = v.clone();
    v4["content"]["intercept"] = serde_json::Value::Null;
    assert!(matches!(load(&v4.to_string()), ModelError::Json { .. }));
    let mut v5 = v;
    v5["content"]["params"]["penalty"]["c"] = serde_json::json!(-1.0);
    // Parameters are checked while they are read: the file cannot hold an invalid setting.
    let e = load(&v5.to_string());
    assert!(matches!(e, ModelError::Json { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("invalid parameter `c` = -1: expected a finite number > 0"),
        "{e}"
    );
}
