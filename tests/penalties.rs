//! L1 and elastic-net fits against the exact optima and scikit-learn's best, on banknote and bank
//! (the "how good is good enough"): the objective within 1e-9 relative of the exact optimum
//! (scipy's bound-constrained reformulation solved to 1e-12), never more than 1e-6 above
//! scikit-learn's, and the same coefficients exactly zero. Numbers: `python3
//! tests/reference_penalties.py` from the repository root.

use logreg::model::{LogisticRegression, Penalty, SolverKind};
use logreg::preprocess::{read_csv, CsvOptions, OneHotEncoder, Pipeline};
use logreg::Classifier;

/// (ρ, C, exact J, zero coefficients, scikit-learn's J)
type Row = (f64, f64, f64, &'static [usize], f64);

const BANKNOTE: [Row; 6] = [
    (1.0, 0.01, 6.570552784132181, &[3], 6.570552786518759),
    (1.0, 0.1, 19.917385203351834, &[3], 19.917385207314716),
    (1.0, 1.0, 62.34035224130581, &[3], 62.34035225448514),
    (0.5, 0.01, 6.033300587196665, &[3], 6.033300587199442),
    (0.5, 0.1, 22.809608752147337, &[], 22.80960875215247),
    (0.5, 1.0, 85.55596720763083, &[], 85.55596721122605),
];

const BANK: [Row; 6] = [
    (
        1.0,
        0.01,
        51.687549322181795,
        &[
            0, 2, 5, 6, 8, 9, 10, 12, 13, 15, 16, 17, 20, 22, 23, 26, 30, 39,
        ],
        51.6875493225157,
    ),
    (1.0, 0.1, 463.13697596406627, &[5, 16, 23], 463.136975964212),
    (1.0, 1.0, 4563.2500669101, &[], 4563.250066910115),
    (
        0.5,
        0.01,
        49.90332673285512,
        &[0, 2, 5, 10, 15, 16, 17, 20, 22, 23, 26, 30, 39],
        49.90332673286683,
    ),
    (0.5, 0.1, 460.71005178771446, &[5, 23], 460.71005178817444),
    (0.5, 1.0, 4560.652537115434, &[], 4560.652537120091),
];

fn penalty(rho: f64, c: f64) -> Penalty {
    if rho == 1.0 {
        Penalty::L1 { c }
    } else {
        Penalty::ElasticNet { c, l1_ratio: rho }
    }
}

fn check(name: &str, file: &str, target: &str, pipeline: Pipeline, rows: &[Row]) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/").to_string() + file;
    let table = read_csv(&path, &CsvOptions::new()).unwrap();
    for &(rho, c, exact, zeros, sklearn) in rows {
        let params = LogisticRegression::params()
            .penalty(penalty(rho, c))
            .check()
            .unwrap();
        let clf = Classifier::fit(&table, target, pipeline.clone(), &params).unwrap();
        let m = clf.binary_model().unwrap();
        let r = m.report();
        assert_eq!(r.solver, SolverKind::CoordinateDescent);
        assert!(r.converged, "{name} ρ {rho} C {c}: {:?}", r.stop);
        let j = r.objective;
        assert!(
            (j - exact).abs() <= 1e-9 * exact,
            "{name} ρ {rho} C {c}: J {j} vs exact {exact}"
        );
        assert!(
            j <= sklearn * (1.0 + 1e-6),
            "{name}: {j} above scikit-learn's {sklearn}"
        );
        let ours: Vec<usize> = m
            .coefficients()
            .iter()
            .enumerate()
            .filter(|(_, v)| **v == 0.0)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(ours, zeros, "{name} ρ {rho} C {c}: zero coefficients");
    }
}

#[test]
fn banknote_l1_and_elastic_net_match_the_exact_optimum() {
    check(
        "banknote",
        "banknote.csv",
        "class",
        Pipeline::new().standardize_all(),
        &BANKNOTE,
    );
}

#[test]
fn bank_l1_and_elastic_net_match_the_exact_optimum() {
    // pandas' get_dummies(drop_first=True) on every column but the target, then StandardScaler:
    // the 42 features of `logreg train --one-hot auto --drop-first --standardize`.
    let encoded = [
        "job",
        "marital",
        "education",
        "default",
        "housing",
        "loan",
        "contact",
        "month",
        "poutcome",
    ];
    let pipeline = Pipeline::new()
        .step(OneHotEncoder::new(encoded).drop_first(true))
        .standardize_all();
    check("bank", "bank.csv", "deposit", pipeline, &BANK);
}
