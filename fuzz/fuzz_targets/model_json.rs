//! Any text as a saved classifier, model or pipeline: loading and then using what loads must give
//! a value or an error, never a panic or a non-finite probability.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logreg::model::FittedLogisticRegression;
use logreg::preprocess::{read_csv_from, CsvOptions, Pipeline};
use logreg::Classifier;
use nalgebra::DMatrix;

const TABLE: &str = "size,colour,weight,sold\n1,red,0.5,no\n2,blue,1.5,no\n3,red,0.25,yes\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(table) = read_csv_from(TABLE.as_bytes(), &CsvOptions::new()) else {
        return;
    };
    if let Ok(clf) = Classifier::from_json(text) {
        if let Ok(p) = clf.predict_proba(&table) {
            assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
        }
        let _ = clf.evaluate(&table);
        let _ = clf.summary();
    }
    if let Ok(m) = FittedLogisticRegression::<f64>::from_json(text) {
        let x = DMatrix::from_element(2, m.n_features().min(1000), 0.5);
        if let Ok(p) = m.predict_proba(&x) {
            assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
        }
        let _ = m.summary();
    }
    if let Ok(p) = Pipeline::from_json(text) {
        let _ = p.transform(&table);
    }
});
