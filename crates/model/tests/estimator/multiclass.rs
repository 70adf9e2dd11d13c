//! Multinomial and one-vs-rest models against scikit-learn on three classes of banknote.

use crate::common::{assert_close, banknote, standardize};
use logreg_model::{FittedMultinomial, LogisticRegression, ModelError};
use nalgebra::DMatrix;

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
