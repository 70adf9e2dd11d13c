//! Any two labels with a documented positive class; predictions, thresholds and shapes.

use crate::common::{assert_close, banknote_standardized, coef};
use logreg_model::{FitOptions, LogisticRegression, ModelError};
use nalgebra::DMatrix;

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
