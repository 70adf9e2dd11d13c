//! Input a fit refuses with a named problem, and magnitudes that must never become NaN.

use logreg_model::{FitOptions, LogisticRegression, ModelError, SolverKind};
use nalgebra::DMatrix;

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
